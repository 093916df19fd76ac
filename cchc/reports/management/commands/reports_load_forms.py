"""Load a national form set from its annex file: `manage.py reports_load_forms ANNEX.docx`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.documents.reading import DocumentError
from cchc.reports.form_sets import form_set_save
from cchc.reports.forms_reader import FormsReadError, read_annex
from cchc.reports.models import IndicatorKind

DEFAULT_DOCUMENT = "Công văn số 4625/BNV-CCHC ngày 02/7/2025 của Bộ Nội vụ"


class Command(BaseCommand):
    help = "Đọc bộ biểu mẫu thống kê báo cáo CCHC từ tệp phụ lục (.docx/.doc) và lưu thành một phiên bản mới."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp phụ lục biểu mẫu, ví dụ ld_bc_cchc_nam_2025_phuluc.docx")
        parser.add_argument("--year", type=int, required=True, help="Năm áp dụng")
        parser.add_argument("--document", default=DEFAULT_DOCUMENT, help="Văn bản hướng dẫn bộ biểu mẫu")
        parser.add_argument("--title", default="", help="Tên bộ biểu mẫu (mặc định: tiêu đề in trong tệp)")

    def handle(self, *args, path, year, document, title, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        try:
            annex = read_annex(file.read_bytes(), file.name)
        except (DocumentError, FormsReadError) as exc:
            raise CommandError(str(exc)) from exc
        form_set = form_set_save(annex, title=title or annex.title or "Biểu mẫu thống kê số liệu báo cáo CCHC", document=document, year=year)
        indicators = [i for _, i in annex.indicators()]
        valued = sum(1 for i in indicators if i.kind != IndicatorKind.GROUP)
        self.stdout.write(
            f"Đã lưu {form_set}: {len(annex.forms)} biểu mẫu, {len(indicators)} chỉ tiêu ({valued} có số liệu)."
        )
