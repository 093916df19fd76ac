"""Print (or write into the README) the table of where each report figure and PAR criterion comes from."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from cchc.reports import sources_table


class Command(BaseCommand):
    help = "Bảng nguồn số liệu của các chỉ tiêu báo cáo và tiêu chí Chỉ số CCHC, sinh từ dữ liệu ánh xạ."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="Ghi bảng vào README.md thay vì in ra.")

    def handle(self, *args, write: bool = False, **options):
        if not write:
            self.stdout.write(sources_table.markdown())
            return
        readme = Path(settings.BASE_DIR) / "README.md"
        readme.write_text(sources_table.replace_in(readme.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write(f"Đã cập nhật {readme}.")
