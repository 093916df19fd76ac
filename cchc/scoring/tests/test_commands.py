"""Command-line entry points for the round's bulk imports: surveys and appraisal passes."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from cchc.documents.tables import write_xlsx
from cchc.scoring import workflow
from cchc.scoring.models import NodeScore
from cchc.test import BINH_GIANG, PHU_LY

from .scoring_cast import card, open_test_round
from .test_workflow import to_appraisal

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    return open_test_round()


def test_surveys_from_a_file(round_, tmp_path):
    path = tmp_path / "khao-sat.xlsx"
    path.write_bytes(write_xlsx(workflow.SURVEY_COLUMNS, [
        [BINH_GIANG, "xã Bình Giang", "12,734", "8,68", "12,5", "60"],
        [PHU_LY, "phường Phủ Lý", "11.5", "9", "8", "40"],
    ], title="Khảo sát"))
    call_command("scoring_import_surveys", str(round_.pk), str(path))
    assert card(round_, BINH_GIANG).sipas_points == Decimal("8.680")
    assert card(round_, PHU_LY).sipas_points is None  # below 10 % and 50 forms


def test_a_bad_survey_file_names_each_row_and_saves_nothing(round_, tmp_path):
    path = tmp_path / "khao-sat.xlsx"
    path.write_bytes(write_xlsx(workflow.SURVEY_COLUMNS, [[BINH_GIANG, "", "16", "", "", ""]], title="Khảo sát"))
    with pytest.raises(CommandError, match="Dòng 2: Điểm ĐTXHH 16 phải từ 0 đến 15"):
        call_command("scoring_import_surveys", str(round_.pk), str(path))
    assert card(round_, BINH_GIANG).survey_points is None
    with pytest.raises(CommandError, match="Không có kỳ đánh giá số 999999"):
        call_command("scoring_import_surveys", "999999", str(path))
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("scoring_import_surveys", str(round_.pk), str(tmp_path / "khong-co.xlsx"))


def test_an_appraisal_pass_from_a_file(round_, tmp_path):
    to_appraisal(round_)
    path = tmp_path / "tham-dinh.xlsx"
    rows = [[BINH_GIANG, "1.2", "0,75", "Thiếu báo cáo quý IV."], [PHU_LY, "2.2", "1", ""]]
    path.write_bytes(write_xlsx(workflow.APPRAISAL_COLUMNS, rows, title="Đợt 1"))
    call_command("scoring_import_appraisal", str(round_.pk), "1", str(path))
    assert NodeScore.objects.get(scorecard__unit__code=BINH_GIANG, node__code="1.2").appraised_points_1 == Decimal("0.75")
    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(write_xlsx(workflow.APPRAISAL_COLUMNS, [[BINH_GIANG, "9.9", "1", "x"]], title="Đợt 1"))
    with pytest.raises(CommandError, match="Không có tiêu chí “9.9”"):
        call_command("scoring_import_appraisal", str(round_.pk), "1", str(bad))
