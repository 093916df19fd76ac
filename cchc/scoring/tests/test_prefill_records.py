"""The PAR Index reads the same records as the reports (issue #14, part 3).

A commune (xã Bình Giang) with its 2025 CCHC plan, tasks done on time, late and overdue, periodic
reports sent on time and late, and communication activities, self-assessed on the real Lâm Đồng
commune set (2025-cap-xa): the self-assessment shows the computed inputs and the points they give
by each node's rule, every figure opens a list of exactly the records counted, one action applies
them all, a typed input that differs needs a reason, and the page's queries stay flat.
"""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cchc import records
from cchc.comms.models import Activity
from cchc.orgs.models import Unit
from cchc.plans.models import Assignment, Obligation, Plan, PlanRequest, Progress, Task
from cchc.reports.form_sets import load_shipped_form_set
from cchc.reports.models import Period, PeriodKind, Report, ReportStatus
from cchc.reports.services import open_period
from cchc.scoring import criteria, prefill, workflow
from cchc.scoring.models import CriteriaSet, NodeScore, RoundStatus
from cchc.test import BINH_GIANG, PHU_LY, PROVINCE, count_queries, unit, user

pytestmark = pytest.mark.django_db

YEAR = 2025
D = datetime.date


# --- the little world ---------------------------------------------------------------------------


def commune_round():
    criteria.load_shipped_sets()
    cset = CriteriaSet.objects.get(slug="2025-cap-xa")
    now = timezone.now()
    return workflow.open_round(
        criteria_set=cset, units=[unit(BINH_GIANG), unit(PHU_LY)], year=YEAR, by=user("dieuphoi"),
        self_deadline=now + datetime.timedelta(days=10), appraisal_1_deadline=now + datetime.timedelta(days=20),
        appraisal_2_deadline=now + datetime.timedelta(days=30),
    )


def scorecard(round_, code=BINH_GIANG):
    return round_.scorecards.select_related("round__criteria_set", "unit").get(unit__code=code)


def node(round_, code):
    return round_.criteria_set.nodes.get(code=code)


def annual_plan(u, *, issued_on=D(2024, 12, 20), number="05/KH-UBND"):
    return Plan.objects.create(unit=u, kind="reform", status="issued", title=f"Kế hoạch CCHC năm {YEAR}",
                               number=number, issued_on=issued_on, period_start=D(YEAR, 1, 1), period_end=D(YEAR, 12, 31))


def add_tasks(plan, u, *, on_time=18, late=1, overdue=1, offset=0):
    """`on_time` tasks done before their due date, `late` done after, `overdue` not done; plus one of
    2024 and one of another unit that must not be counted."""
    rows = []
    for i in range(on_time):
        rows.append((D(YEAR, 1 + i % 12, 28), Progress.DONE, D(YEAR, 1 + i % 12, 20), u))
    for i in range(late):
        rows.append((D(YEAR, 6, 30), Progress.DONE, D(YEAR, 7, 10 + i % 15), u))
    for _ in range(overdue):
        rows.append((D(YEAR, 9, 30), Progress.IN_PROGRESS, None, u))
    rows.append((D(YEAR - 1, 12, 31), Progress.DONE, D(YEAR - 1, 12, 1), u))  # another year
    rows.append((D(YEAR, 3, 31), Progress.DONE, D(YEAR, 3, 1), unit(PHU_LY)))  # another unit
    tasks = Task.objects.bulk_create([Task(plan=plan, title=f"Nhiệm vụ {offset + i}", order=offset + i) for i in range(len(rows))])
    return Assignment.objects.bulk_create([
        Assignment(task=t, unit=who, role="lead", due_date=due, progress=progress, completed_on=done)
        for t, (due, progress, done, who) in zip(tasks, rows, strict=True)
    ])


def open_periods():
    form_set = load_shipped_form_set(YEAR)
    found = {}
    for kind in (PeriodKind.Q1, PeriodKind.HALF, PeriodKind.Q3, PeriodKind.YEAR):
        period = Period.objects.filter(year=YEAR, kind=kind).first() or open_period(
            form_set, kind, YEAR, locked_on=D(2099, 1, 1), reporting_kinds=["commune", "ward"])
        found[kind] = period
    return found


def send(period, u, *, late=False):
    day = period.unit_due + datetime.timedelta(days=10 if late else -1)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    Report.objects.filter(period=period, unit=u).update(status=ReportStatus.SUBMITTED, submitted_at=moment)


def add_activities(u, *, portal_months=range(1, 12), scale=1):
    """Own-site posts (4 a month in `portal_months`), one article a month on the province's CCHC
    section, one training, one leaflet, two innovative activities; plus noise that must not count."""
    rows = []
    for m in portal_months:
        for k in range(scale):
            rows.append(Activity(unit=u, date=D(YEAR, m, 5), channel="portal", title=f"Tin tháng {m}/{k}", quantity=4))
    for m in range(1, 13):
        for k in range(scale):
            rows.append(Activity(unit=u, date=D(YEAR, m, 10), channel="portal", title=f"Bài chuyên trang {m}/{k}",
                                 quantity=1, source_key=f"portal.article:{u.pk}-{m}-{k}-{scale}"))
    for k in range(scale):
        rows += [
            Activity(unit=u, date=D(YEAR, 4, 2), channel="training", title=f"Tập huấn CCHC {k}"),
            Activity(unit=u, date=D(YEAR, 5, 2), channel="leaflet", title=f"Tờ rơi TTHC {k}", quantity=500),
            Activity(unit=u, date=D(YEAR, 8, 2), channel="social", title=f"Trợ lý ảo trên Zalo OA {k}", innovative=True),
            Activity(unit=u, date=D(YEAR, 9, 2), channel="staging", title=f"Sân khấu hóa {k}", innovative=True),
        ]
    rows.append(Activity(unit=u, date=D(YEAR - 1, 12, 30), channel="training", title="Năm trước", innovative=True))
    rows.append(Activity(unit=unit(PHU_LY), date=D(YEAR, 4, 2), channel="training", title="Đơn vị khác", innovative=True))
    return Activity.objects.bulk_create(rows)


@pytest.fixture
def world():
    bg = unit(BINH_GIANG)
    province_plan = Plan.objects.create(unit=unit(PROVINCE), kind="reform", status="issued", title="Kế hoạch CCHC tỉnh",
                                        number="21/KH-UBND", issued_on=D(2024, 12, 1),
                                        period_start=D(YEAR, 1, 1), period_end=D(YEAR, 12, 31))
    plan = annual_plan(bg)
    request = PlanRequest.objects.create(parent=province_plan, deadline=D(2025, 1, 15))
    Obligation.objects.create(request=request, unit=bg, plan=plan,
                              fulfilled_at=timezone.make_aware(datetime.datetime(2024, 12, 20, 10)))
    assignments = add_tasks(plan, bg)
    # Bình Giang exists since the mergers of 01/07/2025: it reports for Q3 and the year only.
    periods = open_periods()
    send(periods[PeriodKind.Q3], bg)
    send(periods[PeriodKind.YEAR], bg, late=True)
    activities = add_activities(bg)
    round_ = commune_round()
    return {"round": round_, "sc": scorecard(round_), "plan": plan, "assignments": assignments,
            "activities": activities, "periods": periods}


def found_for(round_, sc, *codes):
    nodes = [node(round_, c) for c in codes]
    found = prefill.suggestions(sc, nodes)
    return {n.code: found[n.pk] for n in nodes}


# --- figures and points ------------------------------------------------------------------------------


def test_every_mapped_code_is_a_self_assessed_node_of_the_shipped_sets():
    criteria.load_shipped_sets()
    for cset in CriteriaSet.objects.filter(slug__in=["2025-cap-xa", "2025-so-nganh", "2025-tinh-1187", "2025-tinh-12094"]):
        codes = {n.code: n for n in cset.nodes.all()}
        for code, spec in prefill.PREFILL_MAP[cset.unit_type].items():
            assert code in codes, (cset.slug, code)
            assert codes[code].source == "self", (cset.slug, code)
            assert spec["source"] in prefill._SOURCES


def test_the_commune_sees_the_records_figures_and_the_points_they_give(world):
    round_, sc = world["round"], world["sc"]
    f = found_for(round_, sc, "1.1.1", "1.1.2", "1.2", "1.3.1", "1.3.2", "1.4.1", "1.4.2", "1.4.3", "1.4.4", "1.5")

    # 1.1.1: plan 05/KH-UBND issued 20/12/2024, the request's deadline 15/01/2025: on time → 100 % → 2.
    assert f["1.1.1"].text == "1/1 kế hoạch ban hành đúng hạn"
    assert f["1.1.1"].inputs == {"value": "100"} and f["1.1.1"].points == Decimal("2.00")
    assert "hạn 15/01/2025, theo yêu cầu của cấp trên" in f["1.1.1"].details[0]
    assert "31/12/2024" in f["1.1.1"].rule

    # 1.1.2: 18 on time, 1 late, 1 overdue (the 2024 task and Phủ Lý's are not counted): 18/20 = 90 % → 1.
    tasks = f["1.1.2"]
    assert (tasks.a, tasks.b, tasks.inputs) == (20, 18, {"a": "20", "b": "18"})
    assert tasks.text == "18/20 nhiệm vụ hoàn thành đúng hạn" and tasks.points == Decimal("1.00")
    assert [(x.words, x.count) for x in tasks.figures] == [
        ("nhiệm vụ hoàn thành đúng hạn", 18), ("hoàn thành trễ hạn", 1), ("quá hạn chưa hoàn thành", 1),
        ("nhiệm vụ có hạn hoặc hoàn thành trong năm", 20)]

    # 1.2: the periodic reports (Q3 on time; the year's late) — not the plan requests.
    reports = f["1.2"]
    assert reports.source == "reports" and reports.text == "1/2 báo cáo định kỳ gửi đúng hạn"
    assert reports.inputs == {"a": "2", "b": "1"} and reports.points == Decimal("0.00")  # 50 % < 80 %

    # 1.3.x: no inspection records exist: no figure, never a made-up one.
    for code in ("1.3.1", "1.3.2"):
        assert f[code].text == prefill.NO_DATA and f[code].inputs == {} and not f[code].available

    # 1.4.1: 4 posts a month on its own site in 11 of 12 months → not complete → 0.
    assert f["1.4.1"].text.startswith("11/12 tháng có đủ 4 tin, bài") and f["1.4.1"].points == Decimal("0")
    assert f["1.4.1"].inputs == {"choice": "1"} and "Tháng chưa đủ 4 tin, bài: 12" in f["1.4.1"].details
    # 1.4.2: one training → "Có thực hiện" → 0.5; 1.4.3: an article every month → 0.5; 1.4.4: a leaflet…
    assert f["1.4.2"].text == "1 hoạt động → «Có thực hiện»" and f["1.4.2"].points == Decimal("0.50")
    assert f["1.4.3"].text.startswith("12/12 tháng có đủ 1 tin, bài (12 tin, bài)") and f["1.4.3"].points == Decimal("0.50")
    assert f["1.4.4"].inputs == {"choice": "0"} and f["1.4.4"].points == Decimal("0.50")
    # 1.5: two activities marked innovative in 2025 (not last year's, not Phủ Lý's) → 2 points.
    assert f["1.5"].inputs == {"value": "2"} and f["1.5"].points == Decimal("2.00")


def test_plan_deadline_is_31_12_of_the_previous_year_without_a_request():
    bg = unit(BINH_GIANG)
    annual_plan(bg, issued_on=D(2025, 1, 10), number="01/KH-UBND")
    round_ = commune_round()
    f = found_for(round_, scorecard(round_), "1.1.1")["1.1.1"]
    assert f.text == "0/1 kế hoạch ban hành đúng hạn" and f.inputs == {"value": "0"} and f.points == Decimal("0")
    assert "hạn 31/12/2024" in f.details[0] and "trễ hạn" in f.details[0]


def test_a_requested_plan_never_issued_counts_as_late_and_no_plan_at_all_is_no_data():
    round_ = commune_round()
    sc = scorecard(round_)
    assert found_for(round_, sc, "1.1.1")["1.1.1"].text == prefill.NO_DATA
    parent = Plan.objects.create(unit=unit(PROVINCE), kind="reform", status="issued", title="KH tỉnh", number="9/KH-UBND",
                                 issued_on=D(2025, 1, 2), period_start=D(2025, 1, 1), period_end=D(2025, 12, 31))
    Obligation.objects.create(request=PlanRequest.objects.create(parent=parent, deadline=D(2025, 2, 1)), unit=unit(BINH_GIANG))
    f = found_for(round_, sc, "1.1.1")["1.1.1"]
    assert f.text == "0/1 kế hoạch ban hành đúng hạn" and "chưa ban hành" in f.details[0]


def test_communication_requirements_of_the_provinces_plan_are_shown_on_1_4(world):
    from cchc.comms.requirements import ensure_requirements

    plan = Plan.objects.create(unit=unit(PROVINCE), kind="communication", status="issued", number="30/KH-UBND",
                               title="Kế hoạch thông tin, tuyên truyền CCHC năm 2025", issued_on=D(2025, 1, 5),
                               period_start=D(2025, 1, 1), period_end=D(2025, 12, 31))
    assert len(ensure_requirements(plan)) == 2  # 100 % of units; at least one new form (the defaults)
    f = found_for(world["round"], world["sc"], "1.4")["1.4"]
    assert f.info and not f.available and f.text == "đáp ứng 2/2 yêu cầu của Kế hoạch số 30/KH-UBND"
    assert f.url.startswith(reverse("comms:requirements")) and f"ke_hoach={plan.pk}" in f.url


def test_the_province_set_counts_the_whole_province_and_procedures_are_only_shown():
    from cchc.portal.models import ProcedureChange

    criteria.load_shipped_sets()
    cset = CriteriaSet.objects.filter(slug="2025-tinh-12094").first()
    now = timezone.now()
    round_ = workflow.open_round(criteria_set=cset, units=[unit(PROVINCE)], year=YEAR, by=user("dieuphoi"),
                                 self_deadline=now + datetime.timedelta(days=5))
    add_activities(unit(BINH_GIANG))
    for i, change in enumerate(["new", "new", "abolished"]):
        ProcedureChange.objects.create(name=f"Thủ tục {i}", field="Hộ tịch", change=change, deciding_document="QĐ 1/QĐ-UBND",
                                       decided_on=D(YEAR, 3, 1 + i))
    f = found_for(round_, scorecard(round_, PROVINCE), "1.4.b", "1.5", "3.2.1", "1.2")
    assert f["1.4.b"].inputs == {"choice": "0"}  # Bình Giang's posts count for the province
    assert f["1.5"].inputs["value"] == "3"  # the commune's two and Phủ Lý's one, in 2025
    assert f["3.2.1"].info and not f["3.2.1"].available
    assert f["3.2.1"].text.startswith("2 TTHC công bố mới, 0 TTHC sửa đổi, bổ sung, 1 TTHC bãi bỏ, thay thế")
    assert f["1.2"].text == prefill.NO_DATA


# --- every figure opens exactly its records ------------------------------------------------------------


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["count"], {obj.pk for obj in response.context["page"]}


def test_each_records_link_lists_exactly_the_records_counted(client, world):
    round_, sc = world["round"], world["sc"]
    client.force_login(user("canbo.binhgiang"))
    f = found_for(round_, sc, "1.1.1", "1.1.2", "1.2", "1.4.2", "1.4.3", "1.5")
    bg = unit(BINH_GIANG)

    on_time = {a.pk for a in world["assignments"] if a.unit_id == bg.pk and a.progress == Progress.DONE
               and a.completed_on.year == YEAR and a.completed_on <= a.due_date}
    assert listed(client, f["1.1.2"].url) == (18, on_time)
    for figure in f["1.1.2"].figures:
        count, pks = listed(client, figure.url)
        assert count == figure.count == len(pks)
    assert listed(client, f["1.1.1"].url) == (1, {world["plan"].pk})
    sent = set(Report.objects.filter(unit=bg, period__year=YEAR, period__kind=PeriodKind.Q3).values_list("pk", flat=True))
    assert listed(client, f["1.2"].url) == (1, sent)
    assert listed(client, f["1.2"].figures[1].url) == (2, set(Report.objects.filter(unit=bg, period__year=YEAR).values_list("pk", flat=True)))
    innovative = {a.pk for a in world["activities"] if a.innovative and a.unit_id == bg.pk and a.date.year == YEAR}
    assert listed(client, f["1.5"].url) == (2, innovative)
    training = {a.pk for a in world["activities"] if a.channel == "training" and a.unit_id == bg.pk and a.date.year == YEAR}
    assert listed(client, f["1.4.2"].url) == (1, training)
    articles = {a.pk for a in world["activities"] if a.source_key.startswith("portal.article:") and a.unit_id == bg.pk}
    assert listed(client, f["1.4.3"].url) == (12, articles)
    own_site = found_for(round_, sc, "1.4.1")["1.4.1"]
    assert own_site.figures[0].words == "hoạt động (44 tin, bài)" and listed(client, own_site.url)[0] == own_site.figures[0].count == 11

    # The page shows the figures, the points and the links.
    page = client.get(reverse("scoring:scorecard", args=[sc.pk])).content.decode()
    assert "18/20 nhiệm vụ hoàn thành đúng hạn" in page and "1/2 báo cáo định kỳ gửi đúng hạn" in page
    assert f["1.1.2"].url.replace("&", "&amp;") in page
    assert "Áp dụng số liệu từ hệ thống" in page


def test_records_pages_refuse_another_units_records(client, world):
    client.force_login(user("canbo.phuly"))
    f = found_for(world["round"], world["sc"], "1.1.2")["1.1.2"]
    assert client.get(f.url).status_code in (403, 404)


# --- one action applies them --------------------------------------------------------------------------


def test_apply_fills_every_available_suggestion_at_once_and_leaves_the_rest(client, world):
    round_, sc = world["round"], world["sc"]
    officer = user("canbo.binhgiang")
    # A node already typed (with a reason) and one with the records' figures already.
    workflow.save_inputs(scorecard=sc, node=node(round_, "1.1.2"), inputs={"a": "20", "b": "20"},
                         explanation="Hai nhiệm vụ đã xong, chưa cập nhật.", by=officer)
    workflow.save_inputs(scorecard=sc, node=node(round_, "1.5"), inputs={"value": "2"}, by=officer)
    client.force_login(officer)
    url = reverse("scoring:scorecard_apply", args=[sc.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Đã áp dụng số liệu từ hệ thống cho 7 tiêu chí (1.1.1, 1.1.2, 1.2, 1.4.1, 1.4.2, 1.4.3, 1.4.4)." in text
    assert "1 tiêu chí đã đúng số liệu hệ thống (1.5)" in text
    assert "2 tiêu chí chưa có dữ liệu, giữ nguyên (1.3.1, 1.3.2)" in text
    scores = {s.node.code: s for s in NodeScore.objects.filter(scorecard=sc).select_related("node")}
    assert scores["1.1.2"].inputs == {"a": "20", "b": "18"} and scores["1.1.2"].self_points == Decimal("1.00")
    assert scores["1.1.2"].explanation == "Hai nhiệm vụ đã xong, chưa cập nhật."  # kept
    assert scores["1.1.1"].self_points == Decimal("2.00") and scores["1.2"].self_points == Decimal("0.00")
    assert scores["1.4.2"].inputs == {"choice": 0} and scores["1.4.2"].self_points == Decimal("0.50")
    assert "1.3.1" not in scores and "1.3.2" not in scores
    # Through the same save as typing: audited, and the scorecard's total follows.
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(NodeScore),
                                      object_pk=str(scores["1.1.1"].pk))
    assert entries.filter(actor=officer).exists()
    sc.refresh_from_db()
    assert sc.self_points == sum(s.self_points for s in scores.values() if s.self_points is not None)


def test_apply_needs_the_right_to_fill_and_csrf(world):
    sc = world["sc"]
    url = reverse("scoring:scorecard_apply", args=[sc.pk])
    other = Client()
    other.force_login(user("canbo.phuly"))
    assert other.post(url).status_code in (403, 404)
    assert other.get(reverse("scoring:scorecard", args=[sc.pk])).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user("canbo.binhgiang"))
    assert strict.post(url).status_code == 403
    assert not NodeScore.objects.filter(scorecard=sc).exists()
    with pytest.raises(PermissionDenied, match="tự chấm điểm"):
        workflow.apply_suggestions(scorecard=sc, by=user("canbo.phuly"))


def test_apply_is_refused_after_the_deadline_and_changes_nothing(world):
    sc = world["sc"]
    with pytest.raises(ValidationError, match="hết hạn tự đánh giá"):
        workflow.apply_suggestions(scorecard=sc, by=user("canbo.binhgiang"), now=timezone.now() + datetime.timedelta(days=11))
    assert not NodeScore.objects.filter(scorecard=sc).exists()


# --- a typed input that differs needs a reason ---------------------------------------------------------


def test_a_typed_input_that_differs_from_the_records_needs_a_reason(client, world):
    round_, sc = world["round"], world["sc"]
    officer = user("canbo.binhgiang")
    n = node(round_, "1.1.2")
    with pytest.raises(ValidationError) as refused:
        workflow.save_inputs(scorecard=sc, node=n, inputs={"a": "28", "b": "25"}, by=officer)
    assert refused.value.messages[0].startswith(
        "Đã nhập 25/28 nhưng hệ thống ghi nhận 18/20 nhiệm vụ hoàn thành đúng hạn (tiêu chí 1.1.2) — hãy ghi lý do")
    assert not NodeScore.objects.filter(scorecard=sc, node=n).exists()

    # The same through the page: refused with the message, nothing saved.
    client.force_login(officer)
    save = reverse("scoring:node_save", args=[sc.pk, n.pk])
    response = client.post(save, {"in_a": "28", "in_b": "25", "explanation": " "}, follow=True)
    assert "Đã nhập 25/28 nhưng hệ thống ghi nhận 18/20" in " ".join(str(m) for m in response.context["messages"])
    assert not NodeScore.objects.filter(scorecard=sc, node=n).exists()
    # A choice that contradicts the records: both named.
    with pytest.raises(ValidationError, match="Đã nhập «Thực hiện đầy đủ» nhưng hệ thống ghi nhận 11/12 tháng"):
        workflow.save_inputs(scorecard=sc, node=node(round_, "1.4.1"), inputs={"choice": "0"}, by=officer)
    # The records' own figures need no reason; nor does a node the records do not answer.
    workflow.save_inputs(scorecard=sc, node=n, inputs={"a": "20", "b": "18"}, by=officer)
    workflow.save_inputs(scorecard=sc, node=node(round_, "1.3.1"), inputs={"a": "5", "b": "2"}, by=officer)

    # With a reason it saves, and the difference stays flagged beside the records' figure.
    response = client.post(save, {"in_a": "28", "in_b": "25", "explanation": "Gồm 8 nhiệm vụ giao bằng văn bản giấy."})
    assert NodeScore.objects.get(scorecard=sc, node=n).inputs == {"a": "28", "b": "25"}
    page = client.get(reverse("scoring:scorecard", args=[sc.pk])).content.decode()
    assert "data-records-differ" in page and "đơn vị nhập 25/28, hệ thống ghi nhận 18/20" in page

    # The appraiser sees the same figures next to the unit's inputs, and the flag with the reason.
    workflow.advance_round(round_=round_, status=RoundStatus.APPRAISAL_1, by=user("dieuphoi"))
    coordinator = Client()
    coordinator.force_login(user("dieuphoi"))
    page = coordinator.get(reverse("scoring:scorecard", args=[sc.pk])).content.decode()
    assert "18/20 nhiệm vụ hoàn thành đúng hạn" in page and "1,00</strong> / 2,00 điểm" in page
    assert "đơn vị nhập 25/28, hệ thống ghi nhận 18/20" in page and "Gồm 8 nhiệm vụ giao bằng văn bản giấy." in page
    assert "Áp dụng số liệu từ hệ thống</button>" not in page  # nothing to fill at this stage


def test_the_bulk_save_applies_the_reason_rule_too(world):
    round_, sc = world["round"], world["sc"]
    result = workflow.save_self_assessment(scorecard=sc, entries={"1.2": {"inputs": {"a": "2", "b": "2"}}},
                                           by=user("canbo.binhgiang"))
    assert not result.ok and "Đã nhập 2/2 nhưng hệ thống ghi nhận 1/2 báo cáo" in result.errors[0].message
    assert not NodeScore.objects.filter(scorecard=sc).exists()


# --- the page's queries stay flat ------------------------------------------------------------------------


def test_self_assessment_queries_do_not_grow_with_the_records(client, world):
    from cchc.comms.requirements import ensure_requirements

    comm = Plan.objects.create(unit=unit(PROVINCE), kind="communication", status="issued", number="30/KH-UBND",
                               title="Kế hoạch tuyên truyền CCHC", issued_on=D(2025, 1, 5),
                               period_start=D(2025, 1, 1), period_end=D(2025, 12, 31))
    ensure_requirements(comm)
    sc = world["sc"]
    client.force_login(user("canbo.binhgiang"))
    url = reverse("scoring:scorecard", args=[sc.pk])
    count_queries(client, url)  # warm caches (content types, sessions)
    small = count_queries(client, url)
    bg = unit(BINH_GIANG)
    add_tasks(world["plan"], bg, on_time=300, late=40, overdue=60, offset=1000)
    add_activities(bg, portal_months=range(1, 13), scale=15)
    annual_plan(bg, issued_on=D(2025, 6, 1), number="99/KH-UBND")
    large = count_queries(client, url)
    assert Activity.objects.filter(unit=bg).count() > 300 and Assignment.objects.filter(unit=bg).count() > 400
    assert small == large
    coordinator = Client()
    coordinator.force_login(user("dieuphoi"))
    assert count_queries(coordinator, url) == count_queries(coordinator, url)


def test_records_count_matches_the_registered_queries():
    """The new named queries are in the shared registry (the `records` page serves them)."""
    for name in ("comm_forms", "initiatives", "annual_plan"):
        assert name in records.REGISTRY
    assert Unit.objects.filter(code=BINH_GIANG).exists()
