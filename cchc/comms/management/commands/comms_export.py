"""Export communication activities to XLSX (the import's columns), for a unit's subtree and a period."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.comms.figures import activities_in
from cchc.comms.tables import HEADER, export_rows
from cchc.documents.tables import parse_date, write_xlsx
from cchc.orgs.models import Unit


class Command(BaseCommand):
    help = "Xuất hoạt động tuyên truyền ra tệp .xlsx (cùng cột với tệp nhập)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp .xlsx sẽ ghi")
        parser.add_argument("--unit", help="Mã đơn vị (gồm cả đơn vị trực thuộc); mặc định toàn bộ")
        parser.add_argument("--from", dest="start", help="Từ ngày dd/mm/yyyy")
        parser.add_argument("--to", dest="end", help="Đến ngày dd/mm/yyyy")

    def handle(self, *args, **options):
        try:
            start, end = parse_date(options.get("start") or ""), parse_date(options.get("end") or "")
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        units = Unit.objects.filter(depth=0)
        if options.get("unit"):
            units = Unit.objects.filter(code=options["unit"])
            if not units.exists():
                raise CommandError(f"Không có đơn vị mã “{options['unit']}”.")
        rows = export_rows(activities_in(units, start, end))
        Path(options["path"]).write_bytes(write_xlsx(HEADER, rows, title="Hoạt động"))
        self.stdout.write(self.style.SUCCESS(f"Đã xuất {len(rows)} hoạt động vào {options['path']}."))
