"""manage.py generate_dataset --provinces 34 [--seed 2026] [--quick] [--first 1]"""

import time

from django.core.management.base import BaseCommand, CommandError

from cchc.dataset import generate


class Command(BaseCommand):
    help = "Sinh bộ dữ liệu tổng hợp quy mô toàn quốc (đơn vị, kế hoạch, nhiệm vụ, báo cáo, Chỉ số CCHC, lượt xem)."

    def add_arguments(self, parser):
        parser.add_argument("--provinces", type=int, default=34, help="Số tỉnh (mặc định 34).")
        parser.add_argument("--seed", type=int, default=2026, help="Hạt giống ngẫu nhiên: cùng hạt giống, cùng dữ liệu.")
        parser.add_argument("--quick", action="store_true", help="Cỡ nhỏ (mỗi tỉnh 5 sở, 20 xã), chạy dưới một phút.")
        parser.add_argument("--first", type=int, default=1, help="Số thứ tự tỉnh đầu tiên (để sinh thêm tỉnh).")

    def handle(self, *args, provinces, seed, quick, first, **options):
        if provinces < 1:
            raise CommandError("Số tỉnh phải từ 1 trở lên.")
        if first < 1:
            raise CommandError("Số thứ tự tỉnh đầu tiên phải từ 1 trở lên.")
        from cchc.orgs.models import Unit

        taken = [f"{generate.PREFIX}{n:02d}" for n in range(first, first + provinces)]
        clash = list(Unit.objects.filter(code__in=taken).values_list("code", flat=True)[:3])
        if clash:
            raise CommandError(f"Đã có dữ liệu của tỉnh {', '.join(clash)}: dùng --first để sinh thêm tỉnh khác.")
        start = time.perf_counter()
        summary = generate.generate(provinces, seed=seed, size=generate.QUICK if quick else generate.NATIONAL,
                                    first=first, progress=lambda text: self.stdout.write(text))
        generate.analyze()
        for table, n in sorted(summary.rows.items()):
            self.stdout.write(f"{table}: {n:,}".replace(",", "."))
        self.stdout.write(f"Đã sinh {provinces} tỉnh trong {time.perf_counter() - start:.1f} giây.")
