"""The cascade closes the loop: a unit's issued plan closes its "build your plan" task of the parent
plan, with the plan as evidence; a request tells the requested units, in the app and by e-mail."""

import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse

from cchc.orgs.models import Membership, Role, Unit
from cchc.plans import cascade, services
from cchc.plans.models import (
    Assignment,
    AssignmentRole,
    Evidence,
    Notification,
    Obligation,
    Plan,
    PlanImport,
    PlanKind,
    Progress,
    Task,
)
from cchc.plans.tests.test_cascade import SEEDS, ask, coordinator, parent  # noqa: F401 - shared fixtures
from cchc.test import BINH_GIANG, PHU_LY, SO_NOI_VU, user

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 1, 31)  # before today in every run: the assignments start overdue


def task_for(plan, title, *codes, due=DUE, role=AssignmentRole.LEAD) -> Task:
    """A task of `plan` fanned out to the given units, as plan_save does from an appendix row."""
    task = Task.objects.create(plan=plan, title=title, lead_text="UBND cấp xã", order=900 + plan.tasks.count())
    for code in codes:
        Assignment.objects.create(task=task, unit=Unit.objects.get(code=code), role=role, due_date=due)
    return task


def of(task, code, role=AssignmentRole.LEAD) -> Assignment:
    return task.assignments.get(unit__code=code, role=role)


@pytest.fixture
def reform_parent():
    """The province's reform plan for H2 2025 (seed 004), a parent whose kind is "reform"."""
    path = next(SEEDS.glob("004_*.txt"))
    return services.plan_save(parsed=services.plan_parse(path.read_bytes(), path.name), unit=Unit.objects.get(code="37"))


def test_uploading_the_communes_plan_closes_its_overdue_build_plan_task(
        client, coordinator, reform_parent, django_capture_on_commit_callbacks):
    # The seed's appendix row I.1, second half: the units' own plans, lead "Các sở, ban, ngành; UBND cấp xã".
    build = reform_parent.tasks.get(title__startswith="Ban hành và tổ chức thực hiện Kế hoạch cải cách hành chính",
                                    lead_text__startswith="Các sở")
    others = {a.pk: (a.progress, a.completed_on) for a in Assignment.objects.filter(
        task__plan=reform_parent, unit__code=BINH_GIANG).exclude(task=build)}
    assert of(build, BINH_GIANG).status == "overdue"
    ask(coordinator, reform_parent)
    mine = Obligation.objects.get(unit__code=BINH_GIANG, request__parent=reform_parent)

    client.force_login(user("canbo.binhgiang"))
    upload = io.BytesIO(next(SEEDS.glob("002_*.txt")).read_bytes())
    upload.name = "ke-hoach-binh-giang.txt"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("plans:obligation_upload", args=[mine.pk]), {"file": upload})
    job = PlanImport.objects.get(obligation=mine)
    response = client.post(reverse("plans:import_confirm", args=[job.pk]), {"unit": mine.unit.pk})
    mine.refresh_from_db()
    plan = mine.plan
    assert plan is not None and response["Location"] == reverse("plans:plan_detail", args=[plan.pk])

    done = of(build, BINH_GIANG)
    recorded = cascade.local_date(mine.fulfilled_at)
    assert done.progress == Progress.DONE
    assert done.completed_on == min(plan.issued_on or recorded, recorded)
    assert done.status in {"done_on_time", "done_late"}
    evidence = done.evidence.get()
    assert evidence.link == f"http://127.0.0.1:8000{reverse('plans:plan_detail', args=[plan.pk])}"
    assert evidence.document_number == plan.number and evidence.document_date == plan.issued_on
    assert "tự động" in evidence.note and plan.display_number in evidence.note
    # Another commune's assignment of the same task, and the commune's other tasks, are untouched.
    assert of(build, PHU_LY).progress == Progress.NOT_STARTED and not of(build, PHU_LY).evidence.exists()
    assert {a.pk: (a.progress, a.completed_on) for a in Assignment.objects.filter(pk__in=others)} == others

    # Fulfilling again (a second confirm, or the service called twice) adds nothing.
    client.post(reverse("plans:import_confirm", args=[job.pk]), {"unit": mine.unit.pk})
    cascade.obligation_fulfil(obligation=mine, plan=plan)
    assert done.evidence.count() == 1 and Evidence.objects.filter(assignment__task=build).count() == 1


def test_issuing_the_draft_closes_the_task_on_the_day_the_plan_was_issued(client, coordinator, parent):
    assert parent.kind == PlanKind.COMMUNICATION
    build = task_for(parent, "Xây dựng và triển khai thực hiện Kế hoạch thông tin, tuyên truyền cải cách hành chính "
                             "năm 2026 tại các cơ quan, đơn vị, địa phương", BINH_GIANG, PHU_LY)
    reform = task_for(parent, "Xây dựng, ban hành Kế hoạch CCHC năm 2026", BINH_GIANG)  # another kind of plan
    next_year = task_for(parent, "Xây dựng Kế hoạch thông tin, tuyên truyền CCHC năm 2027", BINH_GIANG)
    ask(coordinator, parent, deadline="31/12/2030")
    mine = Obligation.objects.get(unit__code=BINH_GIANG)
    client.force_login(user("canbo.binhgiang"))
    form = client.get(reverse("plans:obligation_detail", args=[mine.pk])).context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update({"number": "12/KH-UBND", "issued_on": "20/01/2026", "ban_hanh": "1"})
    client.post(reverse("plans:obligation_save_draft", args=[mine.pk]), data)
    mine.refresh_from_db()

    done = of(build, BINH_GIANG)
    assert done.progress == Progress.DONE and done.completed_on == datetime.date(2026, 1, 20)
    assert done.status == "done_on_time"  # signed on 20/01, due 31/01
    assert done.evidence.get().document_number == "12/KH-UBND"
    assert of(build, PHU_LY).status == "overdue"
    assert of(reform, BINH_GIANG).progress == Progress.NOT_STARTED
    assert of(next_year, BINH_GIANG).progress == Progress.NOT_STARTED
    client.post(reverse("plans:obligation_save_draft", args=[mine.pk]), data)
    assert done.evidence.count() == 1


def test_a_task_done_by_hand_is_left_as_recorded(parent):
    build = task_for(parent, "Ban hành kế hoạch triển khai", BINH_GIANG)
    services.assignment_set_progress(assignment=of(build, BINH_GIANG), progress=Progress.DONE,
                                     completed_on=datetime.date(2026, 1, 5),
                                     evidence={"document_number": "03/KH-UBND", "note": "nhập tay"},
                                     user=user("canbo.binhgiang"))
    request_ = cascade.request_create(parent=parent, units=[Unit.objects.get(code=BINH_GIANG)],
                                      deadline=datetime.date(2026, 3, 31))
    child = Plan.objects.create(unit=Unit.objects.get(code=BINH_GIANG), title="KH xã", number="09/KH-UBND",
                                issued_on=datetime.date(2026, 2, 1))
    cascade.obligation_fulfil(obligation=request_.obligations.get(), plan=child)
    done = of(build, BINH_GIANG)
    assert done.completed_on == datetime.date(2026, 1, 5) and done.evidence.get().document_number == "03/KH-UBND"


def test_a_plan_without_a_build_plan_task_is_fulfilled_all_the_same(parent):
    other = task_for(parent, "Tổ chức Cuộc thi tìm hiểu về cải cách hành chính", BINH_GIANG)
    partner = task_for(parent, "Xây dựng kế hoạch cải cách hành chính", BINH_GIANG, role=AssignmentRole.PARTNER)
    request_ = cascade.request_create(parent=parent, units=[Unit.objects.get(code=BINH_GIANG)],
                                      deadline=datetime.date(2026, 3, 31))
    child = Plan.objects.create(unit=Unit.objects.get(code=BINH_GIANG), title="KH xã", issued_on=datetime.date(2026, 2, 1))
    ob = cascade.obligation_fulfil(obligation=request_.obligations.get(), plan=child)
    assert ob.plan == child and ob.fulfilled_at is not None
    assert of(other, BINH_GIANG).progress == of(partner, BINH_GIANG, AssignmentRole.PARTNER).progress == Progress.NOT_STARTED
    # And a parent with no tasks at all.
    bare = Plan.objects.create(unit=Unit.objects.get(code="37"), title="KH không có phụ lục")
    req = cascade.request_create(parent=bare, units=[Unit.objects.get(code=PHU_LY)], deadline=datetime.date(2026, 3, 31))
    mine = Plan.objects.create(unit=Unit.objects.get(code=PHU_LY), title="KH phường")
    assert cascade.obligation_fulfil(obligation=req.obligations.get(), plan=mine).plan == mine


def test_a_departments_plan_closes_its_own_task_not_the_provinces_plan_it_drafts(reform_parent):
    """Row I.1 of the seed has two halves: the province's plan (lead Sở Nội vụ, the units partners)
    and the units' own plans (lead the units). Sở Nội vụ's own plan closes only the second."""
    province_plan, own_plans = reform_parent.tasks.filter(
        title__startswith="Ban hành và tổ chức thực hiện Kế hoạch cải cách hành chính").order_by("order")
    request_ = cascade.request_create(parent=reform_parent, units=[Unit.objects.get(code=SO_NOI_VU)],
                                      deadline=datetime.date(2025, 7, 30))
    child = Plan.objects.create(unit=Unit.objects.get(code=SO_NOI_VU), title="KH CCHC của Sở Nội vụ",
                                number="88/KH-SNV", issued_on=datetime.date(2025, 7, 25), created_by=user("dieuphoi"))
    cascade.obligation_fulfil(obligation=request_.obligations.get(), plan=child,
                              at=datetime.datetime(2025, 7, 25, 9, 0, tzinfo=datetime.UTC))
    done = of(own_plans, SO_NOI_VU)
    assert done.status == "done_on_time" and done.completed_on == datetime.date(2025, 7, 25)
    assert done.evidence.get().created_by == user("dieuphoi")
    assert set(province_plan.assignments.filter(unit__code=SO_NOI_VU).values_list("progress", flat=True)) == {
        Progress.NOT_STARTED}
    assert not Assignment.objects.filter(task__plan=reform_parent, progress=Progress.DONE).exclude(pk=done.pk).exists()


@pytest.mark.parametrize("title, kinds, expected", [
    ("Xây dựng, ban hành Kế hoạch CCHC năm 2026", {PlanKind.REFORM}, True),
    ("Xay dung, ban hanh Ke hoach CCHC nam 2026", {PlanKind.REFORM}, True),  # OCR without diacritics
    ("Xây dựng kế hoạch cải cách hành chính", {PlanKind.REFORM}, True),
    ("Ban hành kế hoạch triển khai", {PlanKind.COMMUNICATION}, True),
    ("1. Xây dựng KH tuyên truyền CCHC năm 2026", {PlanKind.COMMUNICATION}, True),
    ("Xây dựng kế hoạch tuyên truyền CCHC năm 2026", {PlanKind.REFORM}, False),  # not the plan issued
    ("Xây dựng, ban hành Kế hoạch CCHC năm 2027", {PlanKind.REFORM}, False),  # next year's plan
    ("Xây dựng, ban hành Kế hoạch CCHC năm 2026 của tỉnh", {PlanKind.REFORM}, False),
    ("Xây dựng và triển khai Kế hoạch kiểm tra CCHC tối thiểu 20% các sở, ban, ngành", {PlanKind.REFORM}, False),
    ("Xây dựng kế hoạch, thể lệ cuộc thi", set(PlanKind.values), False),
    ("Hướng dẫn, đôn đốc các cơ quan, địa phương xây dựng kế hoạch tuyên truyền CCHC", {PlanKind.COMMUNICATION}, False),
])
def test_which_titles_are_the_build_plan_task(title, kinds, expected):
    assert cascade.is_build_plan_task(title, kinds=kinds, years={2026}) is expected


def people_of(*codes) -> set[str]:
    return set(Membership.objects.filter(unit__code__in=codes, role__in=[Role.LEADER, Role.OFFICER])
               .exclude(user__email="").values_list("user__email", flat=True))


def test_a_request_tells_the_requested_units_in_the_app_and_by_mail(coordinator, parent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(coordinator, parent, exclude=PHU_LY)
    note = Notification.objects.get(user=user("canbo.binhgiang"))
    assert parent.display_number in note.text and "hạn ban hành 15/02/2026" in note.text
    assert note.text.startswith("Xã Bình Giang: ") and note.link == reverse("plans:obligation_list")
    assert Notification.objects.filter(user=user("chutich.binhgiang")).exists()
    assert not Notification.objects.filter(user=user("canbo.phuly")).exists()  # excluded from the request
    assert not Notification.objects.filter(user=user("dieuphoi")).exists()
    to = {m.to[0] for m in mail.outbox}
    assert "canbo.binhgiang@demo.cchc.local" in to and "canbo.phuly@demo.cchc.local" not in to
    units = parent.requests.get().obligations.values_list("unit__code", flat=True)
    assert to == people_of(*units)
    binh_giang = next(m for m in mail.outbox if m.to == ["canbo.binhgiang@demo.cchc.local"])
    assert binh_giang.subject == "[CCHC] Yêu cầu xây dựng kế hoạch — Xã Bình Giang"
    assert "15/02/2026" in binh_giang.body and "http://127.0.0.1:8000/ke-hoach/xay-dung/" in binh_giang.body


def test_a_request_to_one_unit_reaches_only_its_people(parent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cascade.request_create(parent=parent, units=[Unit.objects.get(code=PHU_LY)], deadline=datetime.date(2026, 3, 31))
    assert {m.to[0] for m in mail.outbox} == people_of(PHU_LY) == {"canbo.phuly@demo.cchc.local"}
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"canbo.phuly"}


