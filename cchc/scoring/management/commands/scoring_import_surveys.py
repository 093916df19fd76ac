"""ĐTXHH and SIPAS results for a round: `manage.py scoring_import_surveys ROUND_ID khao-sat.xlsx`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.scoring import workflow

from ._common import find_round, report


class Command(BaseCommand):
    help = ("Nhập điểm ĐTXHH và SIPAS (tỷ lệ, số phiếu) của các đơn vị trong một kỳ đánh giá từ .xlsx/.csv; "
            "có dòng lỗi thì không ghi dòng nào. Cột: " + ", ".join(workflow.SURVEY_COLUMNS) + ".")

    def add_arguments(self, parser):
        parser.add_argument("round_id", type=int)
        parser.add_argument("path")

    def handle(self, *args, round_id, path, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        result = workflow.import_surveys(round_=find_round(round_id), data=file.read_bytes(), filename=file.name)
        report(self, result, "Đã ghi kết quả khảo sát của {changed} đơn vị.")
