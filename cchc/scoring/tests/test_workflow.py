"""The round workflow as plain functions: open, fill, prove, submit, appraise, survey, publish, freeze."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cchc.documents.tables import write_xlsx
from cchc.scoring import prefill, workflow
from cchc.scoring.models import NodeScore, RoundStatus, Scorecard, ScorecardStatus
from cchc.test import BINH_GIANG, PHU_LY, unit, user

from .scoring_cast import FULL_INPUTS, card, days, fill_all, make_set, node, open_test_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    return open_test_round()


def to_appraisal(round_, pass_no=1):
    workflow.advance_round(round_=round_, status=RoundStatus.APPRAISAL_1, by=user("dieuphoi"))
    if pass_no == 2:
        workflow.advance_round(round_=round_, status=RoundStatus.APPRAISAL_2, by=user("dieuphoi"))
    round_.refresh_from_db()
    return round_


# --- opening ---------------------------------------------------------------------------------------


def test_it_opens_one_scorecard_per_unit_with_the_sets_exclusions(round_):
    assert round_.status == RoundStatus.SELF_ASSESSMENT
    assert sorted(round_.scorecards.values_list("unit__code", flat=True)) == sorted([BINH_GIANG, PHU_LY])
    assert list(round_.excluded_nodes.values_list("code", flat=True)) == ["2.4"]
    assert NodeScore.objects.filter(scorecard__round=round_).count() == 0  # node scores come lazily


def test_only_a_coordinator_opens_a_round():
    cset = make_set()
    with pytest.raises(PermissionDenied):
        workflow.open_round(criteria_set=cset, units=[unit(BINH_GIANG)], by=user("canbo.binhgiang"))


def test_deadlines_must_come_in_order():
    with pytest.raises(ValidationError, match="theo thứ tự"):
        open_test_round(self_deadline=days(20), appraisal_1_deadline=days(10))


# --- self-assessment -------------------------------------------------------------------------------


def test_the_unit_enters_raw_figures_and_the_rule_computes_points(round_):
    sc = fill_all(round_)
    points = dict(NodeScore.objects.filter(scorecard=sc).values_list("node__code", "self_points"))
    assert points == {
        "1.1.1": Decimal("2.00"),
        "1.1.2": Decimal("1.00"),  # 19/20 = 95 %: "từ 90% - dưới 100%"
        "1.2": Decimal("1.47"),  # "193.457" is a count with a thousands dot: 190000/193457 × 1.50
        "2.1": Decimal("0.83"),  # "82,78" with a decimal comma: 82.78 % × 1.00
        "2.3": Decimal("1.00"),
    }
    score = NodeScore.objects.get(scorecard=sc, node__code="1.2")
    assert score.inputs == {"a": "193.457", "b": "190.000"}
    assert score.explanation == "Đã thực hiện."


@pytest.mark.parametrize(("code", "inputs", "message"), [
    ("1.2", {"a": "10", "b": "12"}, "b"),
    ("2.1", {"value": "101"}, "100"),
    ("2.3", {"points": "1,5"}, "vượt"),
    ("1.1.1", {"choice": "Có lẽ"}, ""),
    ("1.2", {"a": "mười", "b": "5"}, "không phải là số"),
])
def test_bad_figures_are_refused_and_nothing_is_saved(round_, code, inputs, message):
    sc = card(round_)
    with pytest.raises(ValidationError) as exc:
        workflow.save_inputs(scorecard=sc, node=node(round_, code), inputs=inputs, by=user("canbo.binhgiang"))
    assert message in " ".join(exc.value.messages)
    assert not NodeScore.objects.filter(scorecard=sc).exists()


def test_a_unit_cannot_score_an_appraisal_only_or_excluded_node(round_):
    sc = card(round_)
    with pytest.raises(ValidationError, match="Hội đồng thẩm định"):
        workflow.save_inputs(scorecard=sc, node=node(round_, "2.2"), inputs={"points": "1"}, by=user("canbo.binhgiang"))
    with pytest.raises(ValidationError, match="không đánh giá trong kỳ"):
        workflow.save_inputs(scorecard=sc, node=node(round_, "2.4"), inputs={"points": "0.5"}, by=user("canbo.binhgiang"))
    with pytest.raises(ValidationError, match="tổng điểm"):
        workflow.save_inputs(scorecard=sc, node=node(round_, "1.1"), inputs={}, by=user("canbo.binhgiang"))
    assert not NodeScore.objects.filter(scorecard=sc).exists()


def test_another_units_officer_cannot_fill_the_scorecard(round_):
    with pytest.raises(PermissionDenied):
        workflow.save_inputs(scorecard=card(round_), node=node(round_, "2.3"), inputs={"points": "1"},
                             by=user("canbo.phuly"))


def test_not_applicable_only_where_the_criteria_allow_it(round_):
    sc = card(round_)
    officer = user("canbo.binhgiang")
    with pytest.raises(ValidationError, match="không áp dụng"):
        workflow.save_inputs(scorecard=sc, node=node(round_, "1.2"), inputs={}, applicable=False, by=officer)
    score = workflow.save_inputs(scorecard=sc, node=node(round_, "2.1"), inputs={}, applicable=False, by=officer)
    assert score.applicable is False and score.self_points is None


def test_edits_after_the_self_assessment_deadline_are_refused(round_):
    sc = card(round_)
    workflow.save_inputs(scorecard=sc, node=node(round_, "2.3"), inputs={"points": "1"}, by=user("canbo.binhgiang"))
    with pytest.raises(ValidationError, match="hết hạn tự đánh giá"):
        workflow.save_inputs(scorecard=sc, node=node(round_, "2.3"), inputs={"points": "0.5"},
                             by=user("canbo.binhgiang"), now=days(11))
    assert NodeScore.objects.get(scorecard=sc, node__code="2.3").self_points == Decimal("1.00")


# --- evidence and submission -----------------------------------------------------------------------


def test_submission_lists_the_nodes_without_score_or_evidence(round_):
    sc = fill_all(round_, evidence=False)
    workflow.add_evidence(scorecard=sc, node=node(round_, "1.1.1"), link="https://ninhbinh.gov.vn/cchc",
                          by=user("canbo.binhgiang"))
    NodeScore.objects.filter(scorecard=sc, node__code="2.1").delete()
    with pytest.raises(ValidationError) as exc:
        workflow.submit_scorecard(scorecard=sc, by=user("canbo.binhgiang"))
    text = " ".join(exc.value.messages)
    assert "Chưa chấm điểm: 2.1." in text
    assert "Chưa có tài liệu kiểm chứng: 1.1.2, 1.2, 2.3." in text
    sc.refresh_from_db()
    assert sc.status == ScorecardStatus.OPEN and sc.submitted_at is None


def test_a_fully_proven_scorecard_is_submitted_once(round_):
    sc = fill_all(round_)
    workflow.submit_scorecard(scorecard=sc, by=user("chutich.binhgiang"))
    sc.refresh_from_db()
    assert sc.status == ScorecardStatus.SUBMITTED and sc.submitted_at
    with pytest.raises(ValidationError, match="đã được gửi"):
        workflow.submit_scorecard(scorecard=sc, by=user("canbo.binhgiang"))
    with pytest.raises(ValidationError, match="Đã gửi"):
        workflow.save_inputs(scorecard=sc, node=node(round_, "2.3"), inputs={"points": "0"}, by=user("canbo.binhgiang"))


def test_evidence_needs_a_number_a_file_or_a_link_and_an_allowed_file(round_):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sc = card(round_)
    with pytest.raises(ValidationError, match="số, ký hiệu"):
        workflow.add_evidence(scorecard=sc, node=node(round_, "1.2"), note="chỉ ghi chú", by=user("canbo.binhgiang"))
    with pytest.raises(ValidationError, match="Loại tệp"):
        workflow.add_evidence(scorecard=sc, node=node(round_, "1.2"),
                              file=SimpleUploadedFile("virus.exe", b"MZ"), by=user("canbo.binhgiang"))
    assert not NodeScore.objects.filter(scorecard=sc).exists()


# --- appraisal -------------------------------------------------------------------------------------


def test_appraisal_waits_for_its_stage(round_):
    fill_all(round_)
    with pytest.raises(ValidationError, match="thẩm định đợt 1"):
        workflow.appraise(scorecard=card(round_), node=node(round_, "1.2"), pass_no=1, points="1", reason="x",
                          by=user("dieuphoi"))


def test_a_score_below_the_self_score_needs_a_reason(round_):
    sc = fill_all(round_)
    workflow.submit_scorecard(scorecard=sc, by=user("canbo.binhgiang"))
    to_appraisal(round_)
    with pytest.raises(ValidationError, match="hãy ghi lý do"):
        workflow.appraise(scorecard=sc, node=node(round_, "1.2"), pass_no=1, points="0,75", by=user("dieuphoi"))
    score = workflow.appraise(scorecard=sc, node=node(round_, "1.2"), pass_no=1, points="0,75",
                              reason="Báo cáo quý III gửi trễ hạn.", by=user("dieuphoi"))
    assert score.appraised_points_1 == Decimal("0.75") and score.appraiser_1 == user("dieuphoi")
    # The same score as the unit's needs no reason.
    same = workflow.appraise(scorecard=sc, node=node(round_, "1.1.1"), pass_no=1, points="2", by=user("dieuphoi"))
    assert same.reason_1 == ""


def test_appraisers_score_only_their_areas(round_):
    sc = fill_all(round_)
    workflow.assign_appraiser(round_=round_, user=user("canbo.stp"), areas=[node(round_, "2")], by=user("dieuphoi"))
    to_appraisal(round_)
    stp = user("canbo.stp")
    with pytest.raises(PermissionDenied, match="lĩnh vực 1"):
        workflow.appraise(scorecard=sc, node=node(round_, "1.2"), pass_no=1, points="0", reason="x", by=stp)
    score = workflow.appraise(scorecard=sc, node=node(round_, "2.2"), pass_no=1, points="0,5", by=stp)
    assert score.appraised_points_1 == Decimal("0.50")  # appraisal-only node: no self-score to differ from


def test_appraisal_above_the_maximum_or_after_the_deadline_is_refused(round_):
    sc = fill_all(round_)
    to_appraisal(round_)
    with pytest.raises(ValidationError, match="vượt"):
        workflow.appraise(scorecard=sc, node=node(round_, "1.2"), pass_no=1, points="2", reason="x", by=user("dieuphoi"))
    with pytest.raises(ValidationError, match="hết hạn thẩm định đợt 1"):
        workflow.appraise(scorecard=sc, node=node(round_, "1.2"), pass_no=1, points="1", reason="x",
                          by=user("dieuphoi"), now=days(21))
    assert NodeScore.objects.get(scorecard=sc, node__code="1.2").appraised_points_1 is None


def test_two_appraisers_cannot_overwrite_each_other(round_):
    sc = fill_all(round_)
    to_appraisal(round_)
    seen = NodeScore.objects.get(scorecard=sc, node__code="1.2").updated_at
    workflow.appraise(scorecard=sc, node=node(round_, "1.2"), pass_no=1, points="1", reason="Thiếu phụ lục.",
                      by=user("dieuphoi"), expected_updated_at=seen)
    with pytest.raises(ValidationError, match="Điểm tiêu chí 1.2 vừa được .+ thẩm định lúc .+; hãy xem lại trước khi lưu."):
        workflow.appraise(scorecard=sc, node=node(round_, "1.2"), pass_no=1, points="0", reason="Không có báo cáo.",
                          by=user("dieuphoi"), expected_updated_at=seen)
    assert NodeScore.objects.get(scorecard=sc, node__code="1.2").appraised_points_1 == Decimal("1.00")


def test_an_appraiser_who_saw_no_score_does_not_overwrite_the_one_saved_since(round_):
    """Two appraisers open the same unscored node; the one who saves second is told, nothing is lost.
    (The same two at the same moment, on PostgreSQL: test_concurrency.py.)"""
    sc = card(round_)
    workflow.assign_appraiser(round_=round_, user=user("canbo.stp"), areas=[node(round_, "2")], by=user("dieuphoi"))
    to_appraisal(round_)
    assert not NodeScore.objects.filter(scorecard=sc, node__code="2.2").exists()  # appraisal only: no score yet
    workflow.appraise(scorecard=sc, node=node(round_, "2.2"), pass_no=1, points="0,5", by=user("canbo.stp"),
                      expected_updated_at=workflow.NOT_SCORED)
    with pytest.raises(ValidationError) as refused:
        workflow.appraise(scorecard=sc, node=node(round_, "2.2"), pass_no=1, points="1", by=user("dieuphoi"),
                          expected_updated_at=workflow.NOT_SCORED)
    name = user("canbo.stp").get_full_name() or "canbo.stp"
    assert refused.value.messages[0].startswith(f"Điểm tiêu chí 2.2 vừa được {name} thẩm định lúc ")
    assert refused.value.messages[0].endswith("; hãy xem lại trước khi lưu.")
    score = NodeScore.objects.get(scorecard=sc, node__code="2.2")
    assert (score.appraised_points_1, score.appraiser_1) == (Decimal("0.50"), user("canbo.stp"))
    assert LogEntry.objects.get_for_object(score).count() == 1
    # Having seen that score, the second appraiser may change it.
    workflow.appraise(scorecard=sc, node=node(round_, "2.2"), pass_no=1, points="1", by=user("dieuphoi"),
                      expected_updated_at=score.updated_at)
    assert NodeScore.objects.get(pk=score.pk).appraised_points_1 == Decimal("1.00")


def test_a_pass_over_existing_scores_audits_before_and_after(round_):
    """The audit of a pass names the value and reason it replaced (written in SQL on PostgreSQL, in
    Python elsewhere: the same entry)."""
    fill_all(round_)
    to_appraisal(round_)
    rows = [{"unit": BINH_GIANG, "node": "1.2", "points": "0,75", "reason": "Thiếu báo cáo quý IV."},
            {"unit": BINH_GIANG, "node": "2.2", "points": "1", "reason": ""}]
    assert workflow.apply_appraisal_pass(round_=round_, pass_no=1, rows=rows, by=user("dieuphoi")).changed == 2
    again = [{"unit": BINH_GIANG, "node": "1.2", "points": "1.5", "reason": "Đã bổ sung báo cáo."},
             {"unit": BINH_GIANG, "node": "2.2", "points": "1", "reason": ""},  # as before: not a change
             {"unit": BINH_GIANG, "node": "2.3", "points": "1", "reason": ""}]  # the self-score, first appraisal
    assert workflow.apply_appraisal_pass(round_=round_, pass_no=1, rows=again, by=user("dieuphoi")).changed == 2
    entry = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Scorecard),
                                    object_pk=str(card(round_).pk)).latest("pk")
    assert entry.changes == {"1.2: điểm thẩm định đợt 1": ["0,75", "1,5"],
                             "1.2: lý do đợt 1": ["Thiếu báo cáo quý IV.", "Đã bổ sung báo cáo."],
                             "2.3: điểm thẩm định đợt 1": ["", "1"]}
    assert entry.actor == user("dieuphoi") and entry.object_repr == f"{card(round_).unit.name} — {round_.title}"
    score = NodeScore.objects.get(scorecard=card(round_), node__code="1.2")
    assert (score.appraised_points_1, score.appraiser_1, score.self_points) == (Decimal("1.50"), user("dieuphoi"),
                                                                                 Decimal("1.47"))


def test_deduction_and_its_waiver(round_):
    sc = fill_all(round_)
    to_appraisal(round_)
    with pytest.raises(ValidationError, match="không có quy định trừ điểm"):
        workflow.appraise(scorecard=sc, node=node(round_, "1.2"), pass_no=1, points="1.47", deduction=True,
                          by=user("dieuphoi"))
    score = workflow.appraise(scorecard=sc, node=node(round_, "2.3"), pass_no=1, points="1", deduction=True,
                              waived=True, reason="Đơn vị tự phát hiện và khắc phục.", by=user("dieuphoi"))
    assert score.deduction_applied and score.deduction_waived


def test_returned_scorecards_take_more_evidence_and_come_back(round_):
    sc = fill_all(round_)
    workflow.submit_scorecard(scorecard=sc, by=user("canbo.binhgiang"))
    to_appraisal(round_)
    with pytest.raises(ValidationError, match="nội dung cần bổ sung"):
        workflow.return_for_evidence(scorecard=sc, note=" ", by=user("dieuphoi"))
    workflow.return_for_evidence(scorecard=sc, note="Bổ sung báo cáo quý III.", by=user("dieuphoi"))
    from cchc.plans.models import Notification

    assert Notification.objects.filter(user=user("canbo.binhgiang"), text__contains="Bổ sung báo cáo quý III").exists()
    sc.refresh_from_db()
    workflow.add_evidence(scorecard=sc, node=node(round_, "1.2"), document_number="45/BC-UBND",
                          by=user("canbo.binhgiang"))
    with pytest.raises(ValidationError, match="giai đoạn"):  # figures stay as submitted
        workflow.save_inputs(scorecard=sc, node=node(round_, "1.2"), inputs={"a": "1", "b": "1"}, by=user("canbo.binhgiang"))
    workflow.submit_scorecard(scorecard=sc, by=user("canbo.binhgiang"))
    sc.refresh_from_db()
    assert sc.status == ScorecardStatus.SUBMITTED


def test_a_whole_pass_is_applied_at_once_or_not_at_all(round_):
    for code, who in [(BINH_GIANG, "canbo.binhgiang"), (PHU_LY, "canbo.phuly")]:
        fill_all(round_, code, who)
    to_appraisal(round_)
    good = [
        {"unit": BINH_GIANG, "node": "1.2", "points": "0,75", "reason": "Thiếu báo cáo quý IV."},
        {"unit": PHU_LY, "node": "1.2", "points": "1.47", "reason": ""},
        {"unit": PHU_LY, "node": "2.2", "points": "1", "reason": ""},
    ]
    bad = [*good, {"unit": PHU_LY, "node": "1.1.1", "points": "0", "reason": ""},
           {"unit": "99999", "node": "1.2", "points": "1", "reason": "x"},
           {"unit": BINH_GIANG, "node": "9.9", "points": "1", "reason": "x"}]
    result = workflow.apply_appraisal_pass(round_=round_, pass_no=1, rows=bad, by=user("dieuphoi"))
    assert [str(e) for e in result.errors] == [
        "Dòng 5: Tiêu chí 1.1.1: điểm thẩm định 0 khác điểm tự chấm (2) — hãy ghi lý do.",
        "Dòng 6: Đơn vị “99999” không có trong kỳ đánh giá.",
        "Dòng 7: Không có tiêu chí “9.9” trong bộ tiêu chí.",
    ]
    assert not NodeScore.objects.filter(scorecard__round=round_, appraised_points_1__isnull=False).exists()
    result = workflow.apply_appraisal_pass(round_=round_, pass_no=1, rows=good, by=user("dieuphoi"))
    assert result.ok and result.changed == 3
    assert NodeScore.objects.get(scorecard__unit__code=PHU_LY, node__code="2.2").appraised_points_1 == Decimal("1.00")
    # Each changed score is audited, one entry per scorecard, with the appraiser as the actor.
    entry = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Scorecard),
                                    object_pk=str(card(round_, BINH_GIANG).pk), actor=user("dieuphoi")).latest("pk")
    assert entry.changes == {"1.2: điểm thẩm định đợt 1": ["", "0,75"],
                             "1.2: lý do đợt 1": ["", "Thiếu báo cáo quý IV."]}
    pl = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Scorecard),
                                 object_pk=str(card(round_, PHU_LY).pk), actor=user("dieuphoi")).latest("pk")
    assert set(pl.changes) == {"1.2: điểm thẩm định đợt 1", "2.2: điểm thẩm định đợt 1"}
    # A second identical pass changes nothing.
    assert workflow.apply_appraisal_pass(round_=round_, pass_no=1, rows=good, by=user("dieuphoi")).changed == 0


def test_every_change_is_audited_with_who_did_it(round_):
    sc = card(round_)
    score = workflow.save_inputs(scorecard=sc, node=node(round_, "1.2"), inputs={"a": "10", "b": "9"},
                                 by=user("canbo.binhgiang"))
    entry = LogEntry.objects.get_for_object(score).latest("timestamp")
    assert entry.actor == user("canbo.binhgiang")


# --- surveys -----------------------------------------------------------------------------------------


def survey_file(rows):
    return write_xlsx(workflow.SURVEY_COLUMNS, rows, title="Khảo sát")


def test_surveys_count_sipas_only_above_the_minimum_rate_and_forms(round_):
    data = survey_file([
        [BINH_GIANG, "xã Bình Giang", "12,734", "8,68", "12,5", "60"],
        [PHU_LY, "phường Phủ Lý", "11.5", "9", "8", "40"],  # below 10 % and 50 forms: not evaluated
    ])
    result = workflow.import_surveys(round_=round_, data=data, filename="khao-sat.xlsx", by=user("dieuphoi"))
    assert result.ok, result.errors
    bg, pl = card(round_, BINH_GIANG), card(round_, PHU_LY)
    assert (bg.survey_points, bg.sipas_points, bg.sipas_rate, bg.sipas_forms) == (
        Decimal("12.734"), Decimal("8.680"), Decimal("12.50"), 60)
    assert pl.survey_points == Decimal("11.500") and pl.sipas_points is None and pl.sipas_forms == 40
    assert any("không đánh giá SIPAS" in n for n in result.notes)


def test_a_bad_survey_row_leaves_everything_unchanged(round_):
    data = survey_file([
        [BINH_GIANG, "", "12", "8", "12", "60"],
        [PHU_LY, "", "16", "11", "120", "năm mươi"],
        ["00000", "", "1", "", "", ""],
    ])
    result = workflow.import_surveys(round_=round_, data=data, filename="khao-sat.xlsx", by=user("dieuphoi"))
    messages = [str(e) for e in result.errors]
    assert "Dòng 3: Số phiếu “năm mươi” không phải là số." in messages
    assert "Dòng 3: Điểm ĐTXHH 16 phải từ 0 đến 15." in messages
    assert "Dòng 4: Đơn vị “00000” không có trong kỳ đánh giá." in messages
    assert not Scorecard.objects.filter(round=round_, survey_points__isnull=False).exists()


def test_survey_files_that_are_not_tables_are_refused(round_):
    result = workflow.import_surveys(round_=round_, data=b"\x00\x01rac", filename="khao-sat.xlsx", by=user("dieuphoi"))
    assert not result.ok


# --- results and publication -------------------------------------------------------------------------


def test_publication_freezes_the_round(round_):
    sc = fill_all(round_)
    workflow.submit_scorecard(scorecard=sc, by=user("canbo.binhgiang"))
    to_appraisal(round_)
    workflow.appraise(scorecard=sc, node=node(round_, "1.2"), pass_no=1, points="1", reason="Thiếu 01 báo cáo.",
                      by=user("dieuphoi"))
    with pytest.raises(ValidationError, match="quyết định"):
        workflow.publish_round(round_=round_, decision=" ", by=user("dieuphoi"))
    workflow.publish_round(round_=round_, decision="350/QĐ-UBND ngày 20/02/2026", by=user("dieuphoi"))
    round_.refresh_from_db()
    sc.refresh_from_db()
    assert round_.status == RoundStatus.PUBLISHED and round_.published_at
    assert sc.index is not None
    frozen = "đã được công bố theo 350/QĐ-UBND"
    with pytest.raises(ValidationError, match=frozen):
        workflow.appraise(scorecard=sc, node=node(round_, "1.2"), pass_no=1, points="0", reason="x", by=user("dieuphoi"))
    with pytest.raises(ValidationError, match=frozen):
        workflow.save_inputs(scorecard=sc, node=node(round_, "2.3"), inputs={"points": "0"}, by=user("canbo.binhgiang"))
    with pytest.raises(ValidationError, match=frozen):
        workflow.add_evidence(scorecard=sc, node=node(round_, "2.3"), link="https://x.vn", by=user("canbo.binhgiang"))
    with pytest.raises(ValidationError, match=frozen):
        workflow.import_surveys(round_=round_, data=survey_file([[BINH_GIANG, "", "1", "", "", ""]]),
                                filename="k.xlsx", by=user("dieuphoi"))
    with pytest.raises(ValidationError, match=frozen):
        workflow.publish_round(round_=round_, decision="khác", by=user("dieuphoi"))
    assert NodeScore.objects.get(scorecard=sc, node__code="1.2").appraised_points_1 == Decimal("1.00")


# --- pre-fill ----------------------------------------------------------------------------------------


def test_prefill_offers_tasks_done_on_time_and_says_when_there_is_no_data(round_):
    from cchc.plans.models import Assignment, Plan, Progress, Task

    bg = unit(BINH_GIANG)
    plan = Plan.objects.create(unit=bg, title="Kế hoạch CCHC năm 2025 thử")
    for i, (due, progress, done) in enumerate([
        (datetime.date(2025, 3, 31), Progress.DONE, datetime.date(2025, 3, 20)),
        (datetime.date(2025, 6, 30), Progress.DONE, datetime.date(2025, 7, 10)),  # late
        (datetime.date(2025, 9, 30), Progress.IN_PROGRESS, None),
        (datetime.date(2024, 12, 31), Progress.DONE, datetime.date(2024, 12, 1)),  # another year
    ]):
        task = Task.objects.create(plan=plan, title=f"Nhiệm vụ {i}", order=i)
        Assignment.objects.create(task=task, unit=bg, role="lead", due_date=due, progress=progress, completed_on=done)
    sc = card(round_)
    nodes = [node(round_, "1.1.2"), node(round_, "1.2")]
    found = prefill.suggestions(sc, nodes)
    tasks = found[nodes[0].pk]
    assert (tasks.a, tasks.b, tasks.inputs) == (3, 1, {"a": "3", "b": "1"})
    assert tasks.text == "1/3 nhiệm vụ hoàn thành đúng hạn" and "don_vi=13531" in tasks.url
    assert "measure=on_time" in tasks.url and tasks.url.startswith(reverse("records", args=["tasks"]))
    assert tasks.points == Decimal("0.00")  # 1/3 is under the 90 % band, by the node's own rule
    # 1.2 reads the unit's periodic reports (none opened here), no longer the plan requests.
    reports = found[nodes[1].pk]
    assert reports.source == "reports" and reports.text == prefill.NO_DATA and not reports.available
    inspections = prefill.suggestion_for("inspections", nodes[0], bg, 2025)
    assert inspections.text == "chưa có dữ liệu" and inspections.inputs == {}


# --- demo --------------------------------------------------------------------------------------------


def test_the_demo_opens_2026_rounds_with_some_work_done_and_runs_twice_unchanged():
    from cchc.scoring.demo import load_demo
    from cchc.scoring.models import AppraiserAssignment, NodeEvidence, Round

    text = load_demo()
    assert "Chỉ số CCHC năm 2026 — UBND cấp xã" in text
    counts = (Round.objects.count(), Scorecard.objects.count(), NodeScore.objects.count(), NodeEvidence.objects.count())
    assert load_demo() and counts == (
        Round.objects.count(), Scorecard.objects.count(), NodeScore.objects.count(), NodeEvidence.objects.count())
    communes = Round.objects.get(year=2026, criteria_set__unit_type="commune")
    assert communes.scorecards.count() == communes.scorecards.values("unit").distinct().count() > 100
    stp = Scorecard.objects.get(round__year=2026, unit__code="37.STP")
    assert stp.status == ScorecardStatus.SUBMITTED and stp.self_points > 0
    bg = communes.scorecards.get(unit__code=BINH_GIANG)
    assert bg.status == ScorecardStatus.OPEN and 0 < bg.node_scores.count()
    unscored, _ = workflow.missing_for_submission(bg)
    assert unscored  # half done: the officer has work left
    assert AppraiserAssignment.objects.filter(round=communes, user__username="canbo.stp", areas__code="2").exists()


def test_a_whole_self_assessment_is_saved_at_once_or_not_at_all(round_):
    sc = card(round_)
    entries = {code: {"inputs": inputs, "explanation": "Đủ hồ sơ."} for code, inputs in FULL_INPUTS.items()}
    bad = {**entries, "1.2": {"inputs": {"a": "5", "b": "6"}}, "2.2": {"inputs": {"points": "1"}}}
    result = workflow.save_self_assessment(scorecard=sc, entries=bad, by=user("canbo.binhgiang"))
    assert [str(e) for e in result.errors][0].startswith("Dòng 3: Tiêu chí 1.2: ")
    assert "Hội đồng thẩm định" in str(result.errors[1])
    assert not NodeScore.objects.filter(scorecard=sc).exists()
    assert workflow.save_self_assessment(scorecard=sc, entries=entries, by=user("canbo.binhgiang")).changed == 5
    sc.refresh_from_db()
    assert sc.self_points == Decimal("6.30")  # 2 + 1 + 1.47 + 0.83 + 1; 2.4 is out of the round
    assert sc.max_points == Decimal("8.50")


def test_the_audit_actor_of_a_request_is_given_back_after_a_workflow_step():
    """Nested inside the request middleware's context, the workflow must not leave it broken."""
    from auditlog.context import auditlog_value
    from auditlog.context import set_actor as middleware_context
    from django.db.models.signals import pre_save

    receivers = len(pre_save.receivers)
    with middleware_context(user("dieuphoi")):
        outer = auditlog_value.get()
        with workflow.set_actor(user("canbo.binhgiang")):
            assert auditlog_value.get()["actor"] == user("canbo.binhgiang")
        assert auditlog_value.get() is outer
    assert len(pre_save.receivers) == receivers  # nothing left connected
