"""Export a criteria set to XLSX (or CSV) with the columns of the shipped CSV files."""

from pathlib import Path

from django.core.management.base import BaseCommand

from cchc.scoring import criteria

from ._common import find_set


class Command(BaseCommand):
    help = "Xuất một bộ tiêu chí ra tệp XLSX hoặc CSV (cùng cột với tệp nhập)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Mã bộ tiêu chí, ví dụ 2025-tinh-1187.")
        parser.add_argument("--set-version", dest="version", type=int, help="Phiên bản (mặc định: mới nhất).")
        parser.add_argument("--year", type=int)
        parser.add_argument("--output", "-o", help="Tệp ghi ra (.xlsx hoặc .csv); mặc định <slug>-v<phiên bản>.xlsx")

    def handle(self, *args, **options):
        criteria_set = find_set(options["slug"], options["version"], options["year"])
        path = Path(options["output"] or f"{criteria_set.slug}-v{criteria_set.version}.xlsx")
        data = criteria.export_set_csv(criteria_set) if path.suffix.lower() == ".csv" else criteria.export_set_xlsx(criteria_set)
        path.write_bytes(data)
        self.stdout.write(f"Đã xuất {criteria_set.nodes.count()} tiêu chí của «{criteria_set}» ra {path}.")
