from django.core.management.base import BaseCommand

from cchc.portal import services


class Command(BaseCommand):
    help = "Tổng hợp lượt xem bài viết của chuyên mục Cải cách hành chính vào số liệu theo ngày (chạy định kỳ, ví dụ cron 5 phút)."

    def handle(self, *args, **options):
        folded = services.views_rollup_safe()
        self.stdout.write(f"Đã tổng hợp {folded} lượt xem.")
