"""Write a form set's definition table: `manage.py reports_export_forms --year 2025 -o bieumau.xlsx`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.documents.tables import write_csv, write_xlsx
from cchc.reports.form_sets import DEFINITION_COLUMNS, definition_rows
from cchc.reports.models import FormSet


class Command(BaseCommand):
    help = "Xuất bảng định nghĩa bộ biểu mẫu (chỉ tiêu, đơn vị tính, loại, mã) ra .xlsx hoặc .csv để sửa rồi nạp lại."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("-o", "--output", required=True, help="Tệp .xlsx hoặc .csv")

    def handle(self, *args, year, output, **options):
        form_set = FormSet.objects.filter(year=year).order_by("-version").first()
        if form_set is None:
            raise CommandError(f"Chưa có bộ biểu mẫu năm {year}.")
        rows = definition_rows(form_set)
        out = Path(output)
        if out.suffix.lower() == ".csv":
            out.write_bytes(write_csv(DEFINITION_COLUMNS, rows))
        else:
            out.write_bytes(write_xlsx(DEFINITION_COLUMNS, rows, title="Bộ biểu mẫu"))
        self.stdout.write(f"Đã xuất {len(rows)} chỉ tiêu của {form_set} ra {out}.")
