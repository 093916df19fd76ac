"""Load a form set: `manage.py reports_load_forms FILE --year 2025`.

FILE is either the national annex itself (.docx/.doc: the forms are read from its tables) or a
definition table (.xlsx/.csv, the columns `reports_export_forms` writes) that a coordinator edited.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.documents.reading import DocumentError
from cchc.documents.tables import TableError, read_table
from cchc.reports.form_sets import DefinitionError, form_set_from_rows, form_set_save
from cchc.reports.forms_reader import FormsReadError, load_definitions, read_annex

DEFAULT_DOCUMENT = load_definitions("4625")["document"]
DEFAULT_TITLE = "Biểu mẫu thống kê số liệu báo cáo cải cách hành chính"


class Command(BaseCommand):
    help = "Đọc bộ biểu mẫu thống kê báo cáo CCHC từ tệp phụ lục (.docx/.doc) hoặc bảng định nghĩa (.xlsx/.csv)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp phụ lục biểu mẫu (ví dụ ld_bc_cchc_nam_2025_phuluc.docx) hoặc bảng .xlsx/.csv")
        parser.add_argument("--year", type=int, required=True, help="Năm áp dụng")
        parser.add_argument("--document", default=DEFAULT_DOCUMENT, help="Văn bản hướng dẫn bộ biểu mẫu")
        parser.add_argument("--title", default="", help="Tên bộ biểu mẫu (mặc định: tiêu đề in trong tệp)")

    def handle(self, *args, path, year, document, title, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        data = file.read_bytes()
        try:
            if file.suffix.lower() in (".xlsx", ".csv"):
                form_set = form_set_from_rows(read_table(data, file.name), title=title or DEFAULT_TITLE, document=document, year=year)
            else:
                annex = read_annex(data, file.name)
                form_set = form_set_save(annex, title=title or annex.title or DEFAULT_TITLE, document=document, year=year)
        except (DocumentError, FormsReadError, TableError, DefinitionError) as exc:
            raise CommandError(str(exc)) from exc
        indicators = form_set.forms.values_list("indicators", flat=True).count()
        self.stdout.write(f"Đã lưu {form_set}: {form_set.forms.count()} biểu mẫu, {indicators} chỉ tiêu.")
