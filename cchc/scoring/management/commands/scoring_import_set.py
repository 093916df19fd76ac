"""Import a criteria set's rows from XLSX or CSV: every row checked, all-or-nothing, keyed by code."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.scoring import criteria

from ._common import find_set


class Command(BaseCommand):
    help = "Nhập lại các tiêu chí của một bộ tiêu chí từ tệp XLSX/CSV (theo mã; nhập hai lần không đổi gì)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Mã bộ tiêu chí, ví dụ 2025-so-nganh.")
        parser.add_argument("file", help="Tệp .xlsx hoặc .csv")
        parser.add_argument("--set-version", dest="version", type=int, help="Phiên bản (mặc định: mới nhất).")
        parser.add_argument("--year", type=int)

    def handle(self, *args, **options):
        criteria_set = find_set(options["slug"], options["version"], options["year"])
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        try:
            result = criteria.import_set(criteria_set, path.read_bytes(), path.name)
        except criteria.CriteriaError as exc:
            raise CommandError(str(exc)) from exc
        for warning in result.warnings:
            self.stdout.write(f"Lưu ý — {warning}")
        if not result.changed:
            self.stdout.write(f"«{criteria_set}»: không thay đổi ({result.unchanged} tiêu chí).")
            return
        self.stdout.write(
            f"«{criteria_set}»: thêm {result.created}, sửa {result.updated}, bỏ {result.deleted}, "
            f"giữ nguyên {result.unchanged} tiêu chí."
        )
