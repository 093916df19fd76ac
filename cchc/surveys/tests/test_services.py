"""Questionnaires as data, collecting (refusals save nothing), the formula, eligibility, the push."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.scoring.workflow import sipas_eligible
from cchc.surveys import formula, services
from cchc.surveys.models import Answer, Channel, Questionnaire, QuestionnaireKind, Response, Survey
from cchc.test import BINH_GIANG, PHU_LY, unit, user

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 3, 10)


@pytest.fixture
def sipas():
    return services.load_questionnaire(services.national("sipas"), year=2027)


@pytest.fixture
def survey(sipas):
    return Survey.objects.create(
        questionnaire=sipas, unit=unit(BINH_GIANG), desk="Một cửa", opens_on=datetime.date(2027, 1, 1),
        closes_on=datetime.date(2027, 12, 31), files_handled=600,
    )


def full(survey, value=4) -> dict:
    return {q.code: str(value) for q in services.questions_of(survey)}


def test_the_national_sipas_questionnaire_has_five_factors_each_with_the_three_contents(sipas):
    factors = list(sipas.factors.prefetch_related("questions"))
    assert [f.title for f in factors][:2] == ["Tiếp cận dịch vụ hành chính công", "Thủ tục hành chính"]
    assert len(factors) == 5
    for f in factors:
        assert {q.kind for q in f.questions.all()} == {"perception", "satisfaction", "expectation"}
    assert sipas.formula["method"] == "share_at_least" and sipas.formula["threshold"] == 4


def test_versions_copy_to_a_new_year_and_round_trip_through_xlsx(sipas):
    again = services.load_questionnaire(services.national("sipas"), year=2027)
    assert again.version == 2
    copy = services.copy_to_year(sipas, 2028)
    assert (copy.year, copy.version, copy.previous_id) == (2028, 1, sipas.pk)
    assert copy.questions.count() == sipas.questions.count() == 20
    data = services.export_xlsx(sipas)
    imported = services.import_xlsx(data, "phieu.xlsx", base=sipas)
    assert imported.version == 3
    assert services.spec_of(imported)["questions"] == services.spec_of(sipas)["questions"]


def test_an_import_with_a_bad_row_saves_nothing(sipas):
    from cchc.documents.tables import write_csv

    rows = [["1", "Tiếp cận", "1", "1.1", "Chỗ ngồi", "Nhận định", "1", "5", "", "Có"],
            ["1", "Tiếp cận", "1", "1.2", "Hài lòng?", "Ý kiến khác", "1", "5", "", "Có"],
            ["1", "Tiếp cận", "1", "1.3", "Thang", "Sự hài lòng", "5", "1", "", "Có"]]
    before = Questionnaire.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.import_xlsx(write_csv(services.XLSX_COLUMNS, rows), "phieu.csv", base=sipas)
    assert "Dòng 3: nội dung “Ý kiến khác” phải là Nhận định, Sự hài lòng hoặc Sự mong đợi." in exc.value.messages
    assert "Dòng 4: thang điểm từ 5 đến 1 không hợp lệ." in exc.value.messages
    assert Questionnaire.objects.count() == before


def test_an_online_answer_is_kept_without_personal_data(survey):
    r = services.submit_online(survey, full(survey), device=services.device_hash("abc", survey), day=DAY)
    assert r.channel == Channel.ONLINE and r.entered_by is None and len(r.device) == 64
    assert "abc" not in r.device
    assert r.answers.count() == 20


def test_a_second_answer_from_the_same_device_the_same_day_is_refused_and_nothing_saved(survey):
    device = services.device_hash("abc", survey)
    services.submit_online(survey, full(survey), device=device, day=DAY)
    with pytest.raises(ValidationError) as exc:
        services.submit_online(survey, full(survey, 5), device=device, day=DAY)
    assert exc.value.messages == ["Thiết bị này đã gửi phiếu cho đợt khảo sát hôm nay. Mỗi thiết bị chỉ gửi một phiếu mỗi ngày."]
    assert Response.objects.filter(survey=survey).count() == 1
    assert not Answer.objects.filter(response__survey=survey, value=5).exists()
    # The next day the same device may answer again.
    services.submit_online(survey, full(survey), device=device, day=DAY + datetime.timedelta(days=1))
    assert Response.objects.filter(survey=survey).count() == 2


def test_an_answer_to_a_closed_survey_is_refused(survey):
    survey.closes_on = datetime.date(2027, 3, 1)
    survey.save()
    with pytest.raises(ValidationError) as exc:
        services.submit_online(survey, full(survey), device="d" * 64, day=DAY)
    assert exc.value.messages == ["Đợt khảo sát đã kết thúc ngày 01/03/2027; không nhận thêm phiếu."]
    survey.closes_on, survey.closed = datetime.date(2027, 12, 31), True
    survey.save()
    with pytest.raises(ValidationError):
        services.submit_online(survey, full(survey), device="d" * 64, day=DAY)
    assert not Response.objects.filter(survey=survey).exists()


def test_an_out_of_range_or_missing_answer_is_refused_and_nothing_saved(survey):
    values = full(survey)
    values["1.3"] = "7"
    values["2.3"] = ""
    values["3.1"] = "abc"
    with pytest.raises(ValidationError) as exc:
        services.submit_online(survey, values, device="d" * 64, day=DAY)
    assert exc.value.messages == [
        "Câu 1.3: mức 7 nằm ngoài thang 1–5.", "Câu 2.3: chưa chọn mức trả lời.",
        "Câu 3.1: “abc” không phải là một mức trả lời.",
    ]
    assert not Response.objects.filter(survey=survey).exists()


def test_paper_forms_are_all_or_none_and_marked_paper(survey):
    officer = user("canbo.binhgiang")
    good, bad = full(survey), full(survey)
    bad["4.3"] = "0"
    with pytest.raises(ValidationError) as exc:
        services.enter_paper(survey, [good, {c: "" for c in good}, bad], by=officer, day=DAY)
    assert exc.value.messages == ["Phiếu 3 – Câu 4.3: mức 0 nằm ngoài thang 1–5."]
    assert not Response.objects.filter(survey=survey).exists()
    assert services.enter_paper(survey, [good, {c: "" for c in good}, good], by=officer, day=DAY) == 2
    rows = Response.objects.filter(survey=survey)
    assert {(r.channel, r.entered_by_id, r.device) for r in rows} == {(Channel.PAPER, officer.pk, "")}
    with pytest.raises(PermissionDenied):
        services.enter_paper(survey, [good], by=user("canbo.phuly"), day=DAY)


def test_the_index_follows_the_formula_and_the_formula_is_swappable(survey, sipas):
    # 10 sheets: satisfaction questions answered 5,5,5,4,4,4,3,3,2,1 → 60 % "hài lòng" or better.
    for i, v in enumerate([5, 5, 5, 4, 4, 4, 3, 3, 2, 1]):
        services.submit_online(survey, full(survey, v), device=f"{i:064d}", day=DAY)
    result = services.results(survey)
    assert result.forms == 10
    assert [f.index for f in result.factors] == [Decimal(60)] * 5
    assert result.index == Decimal(60)
    assert result.points(Decimal(10)) == Decimal("6.00")
    sipas.formula = {**sipas.formula, "method": "mean_scaled"}
    sipas.save()
    survey.refresh_from_db()
    # mean 3.6 on 1–5 → (3.6 − 1) / 4 = 65 %.
    assert services.results(survey).index == Decimal(65)
    assert formula.check({"method": "median"}) == ["Phương pháp “median” không có; chọn một trong: share_at_least, mean_scaled."]


def test_eligibility_is_one_rule_at_the_boundaries():
    from cchc.scoring.models import CriteriaSet

    cset = CriteriaSet(sipas_min_rate=Decimal(10), sipas_min_forms=50)
    assert sipas_eligible(cset, Decimal(10), 50)
    assert not sipas_eligible(cset, Decimal("9.99"), 500)
    assert not sipas_eligible(cset, Decimal(40), 49)
    assert not sipas_eligible(cset, None, 60)


def test_sampling_target_and_live_rate(survey):
    cset = services.thresholds(survey.unit, 2027)
    assert services.target_for(600, cset) == 60  # 10 % of 600
    assert services.target_for(200, cset) == 50  # never fewer than 50 forms
    for i in range(3):
        services.submit_online(survey, full(survey), device=f"{i:064d}", day=DAY)
    p = services.progress(survey)
    assert (p.forms, p.target, p.rate, p.missing, p.eligible) == (3, 60, Decimal("0.50"), 57, False)
    assert p.why() == "Chưa đủ điều kiện đánh giá SIPAS: tỷ lệ khảo sát dưới 10 % và dưới 50 phiếu."


def _round(year=2026):
    from cchc.scoring.tests.scoring_cast import make_set, open_test_round

    return open_test_round(make_set(slug=f"{year}-xa-thu", year=year))


def test_push_writes_the_round_survey_parts_through_the_audit_path_and_respects_eligibility():
    from auditlog.models import LogEntry

    from cchc.surveys.demo import load_demo

    load_demo()
    round_ = _round()
    # The demo: Bình Giang 140 forms of 1,200 files (11,67 %), Phủ Lý 230 of 2,600 (8,85 %: not eligible).
    result = services.push_to_round(round_, by=user("dieuphoi"))
    cards = {c.unit.code: c for c in round_.scorecards.select_related("unit").filter(unit__code__in=[BINH_GIANG, PHU_LY])}
    bg, pl = cards[BINH_GIANG], cards[PHU_LY]
    scores = services.unit_scores(2026, QuestionnaireKind.SIPAS, [bg.unit_id])
    assert bg.sipas_forms == 140 and bg.sipas_rate == Decimal("11.67")
    assert bg.sipas_points == scores[bg.unit_id]["points"] and bg.sipas_points is not None
    assert pl.sipas_forms == 230 and pl.sipas_rate == Decimal("8.85") and pl.sipas_points is None
    assert any("Phủ Lý: không đánh giá SIPAS (tỷ lệ 8,85 %, 230 phiếu" in n for n in result.notes)
    assert LogEntry.objects.filter(object_pk=str(bg.pk), changes__icontains="sipas_points").exists()
    with pytest.raises(PermissionDenied):
        services.push_to_round(round_, by=user("canbo.binhgiang"))


def test_push_into_a_published_round_is_refused():
    from cchc.scoring.models import RoundStatus

    round_ = _round()
    round_.status = RoundStatus.PUBLISHED
    round_.save()
    with pytest.raises(ValidationError) as exc:
        services.push_to_round(round_, by=user("dieuphoi"))
    assert "đã được công bố" in exc.value.messages[0]


def test_the_demo_loads_idempotently():
    from cchc.surveys.demo import load_demo

    first = load_demo()
    assert "(6 mới)" in first, first
    before = (Survey.objects.count(), Response.objects.count())
    assert "(0 mới)" in load_demo()
    assert (Survey.objects.count(), Response.objects.count()) == before
