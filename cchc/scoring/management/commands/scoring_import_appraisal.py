"""A whole appraisal pass: `manage.py scoring_import_appraisal ROUND_ID 1 tham-dinh.xlsx`."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cchc.scoring import workflow

from ._common import find_round, report


class Command(BaseCommand):
    help = ("Ghi một đợt thẩm định cho cả kỳ từ .xlsx/.csv (cột: " + ", ".join(workflow.APPRAISAL_COLUMNS)
            + "); cùng các kiểm tra như trên trang, có dòng lỗi thì không ghi dòng nào.")

    def add_arguments(self, parser):
        parser.add_argument("round_id", type=int)
        parser.add_argument("pass_no", type=int, choices=[1, 2], help="Đợt thẩm định (1 hoặc 2)")
        parser.add_argument("path")

    def handle(self, *args, round_id, pass_no, path, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        round_ = find_round(round_id)
        try:
            rows = workflow.appraisal_rows_from_table(file.read_bytes(), file.name)
            result = workflow.apply_appraisal_pass(round_=round_, pass_no=pass_no, rows=rows)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        report(self, result, "Đã ghi {changed} điểm thẩm định đợt " + str(pass_no) + ".")
