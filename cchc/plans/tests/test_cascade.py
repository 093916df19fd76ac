"""Cascade from the outside: request, drafts, issue or upload, status, reminders, refusals."""

import datetime
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from cchc.orgs.models import Unit, UnitGroup
from cchc.plans import cascade, services
from cchc.plans.models import Notification, Obligation, Plan, PlanImport
from cchc.test import BINH_GIANG, PHU_LY, count_queries, user

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).parent.parent / "demo"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def parent():
    path = next(SEEDS.glob("001_*.txt"))
    return services.plan_save(parsed=services.plan_parse(path.read_bytes(), path.name), unit=Unit.objects.get(code="37"))


@pytest.fixture
def coordinator(client):
    client.force_login(user("dieuphoi"))
    return client


def ask(coordinator, parent, *, exclude="", deadline="15/02/2026"):
    groups = UnitGroup.objects.filter(code__in=["so-ban-nganh", "ubnd-cap-xa"])
    return coordinator.post(reverse("plans:request_create", args=[parent.pk]), {
        "groups": [g.pk for g in groups], "exclude": exclude, "deadline": deadline, "message": "Đề nghị hoàn thành đúng hạn.",
    })


def test_coordinator_requires_plans_from_departments_and_communes_minus_exceptions(coordinator, parent):
    response = ask(coordinator, parent, exclude="37.TTRA, 13285")
    request_ = parent.requests.get()
    assert response["Location"] == reverse("plans:request_status", args=[request_.pk])
    units = set(request_.obligations.values_list("unit__code", flat=True))
    assert len(units) == 14 - 1 + 129 - 1
    assert BINH_GIANG in units and "37.SNV" in units and "37.TTRA" not in units and PHU_LY not in units
    assert request_.deadline == datetime.date(2026, 2, 15)
    page = coordinator.get(response["Location"]).content.decode()
    assert "Chưa ban hành (còn hạn)" in page or "Chưa ban hành (quá hạn)" in page
    assert "141 đơn vị được yêu cầu" in page


def test_unknown_exception_codes_are_refused(coordinator, parent):
    response = ask(coordinator, parent, exclude="KHONG-CO")
    assert "Không có đơn vị mã: KHONG-CO." in response.content.decode()
    assert not parent.requests.exists()


def test_a_commune_sees_its_obligation_and_its_draft_but_not_anothers(client, coordinator, parent):
    ask(coordinator, parent)
    mine = Obligation.objects.get(unit__code=BINH_GIANG)
    other = Obligation.objects.get(unit__code=PHU_LY)
    client.force_login(user("canbo.binhgiang"))
    listing = client.get(reverse("plans:obligation_list")).content.decode()
    assert "Ủy ban nhân dân xã Bình Giang" in listing and "Phủ Lý" not in listing
    page = client.get(reverse("plans:obligation_detail", args=[mine.pk])).content.decode()
    assert "ỦY BAN NHÂN DÂN XÃ BÌNH GIANG" in page.upper()
    assert client.get(reverse("plans:obligation_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("plans:obligation_draft_docx", args=[other.pk])).status_code == 404
    assert client.post(reverse("plans:obligation_save_draft", args=[other.pk]), {"title": "x"}).status_code == 404
    assert client.get(reverse("plans:request_status", args=[mine.request_id])).status_code == 403
    docx = Document(io.BytesIO(client.get(reverse("plans:obligation_draft_docx", args=[mine.pk])).content))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "Thực hiện Kế hoạch" in text and "trên địa bàn tỉnh" not in text


def test_a_commune_issues_its_edited_draft_on_time(client, coordinator, parent):
    ask(coordinator, parent, deadline="31/12/2030")
    mine = Obligation.objects.get(unit__code=BINH_GIANG)
    client.force_login(user("canbo.binhgiang"))
    page = client.get(reverse("plans:obligation_detail", args=[mine.pk]))
    form = page.context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update({"title": "Thông tin, tuyên truyền CCHC năm 2026 trên địa bàn xã Bình Giang", "number": "12/KH-UBND",
                 "issued_on": "20/01/2026", "ban_hanh": "1"})
    response = client.post(reverse("plans:obligation_save_draft", args=[mine.pk]), data, follow=True)
    assert "Đã ban hành kế hoạch của đơn vị." in response.content.decode()
    mine.refresh_from_db()
    child = mine.plan
    assert child.unit.code == BINH_GIANG and child.parent == parent and child.number == "12/KH-UBND"
    assert child.title == "Thông tin, tuyên truyền CCHC năm 2026 trên địa bàn xã Bình Giang"
    assert child.topics.count() == parent.topics.count()
    assert all(u.parent.code == BINH_GIANG for d in child.duties.all() for u in d.units.all())
    assert cascade.obligation_status(mine) == "on_time"
    # Issuing twice does not make a second plan.
    client.post(reverse("plans:obligation_save_draft", args=[mine.pk]), data)
    assert Plan.objects.filter(unit__code=BINH_GIANG).count() == 1


def test_a_commune_uploads_its_signed_plan(client, coordinator, parent, django_capture_on_commit_callbacks):
    ask(coordinator, parent)
    mine = Obligation.objects.get(unit__code=BINH_GIANG)
    client.force_login(user("canbo.binhgiang"))
    upload = io.BytesIO(next(SEEDS.glob("002_*.txt")).read_bytes())
    upload.name = "ke-hoach-binh-giang.txt"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("plans:obligation_upload", args=[mine.pk]), {"file": upload})
    job = PlanImport.objects.get()
    assert response["Location"] == reverse("plans:import_status", args=[job.pk]) and job.obligation == mine
    client.post(reverse("plans:import_confirm", args=[job.pk]), {"unit": mine.unit.pk})
    mine.refresh_from_db()
    assert mine.plan is not None and mine.plan.parent == parent and mine.fulfilled_at is not None
    # The coverage check shows on the child plan's page.
    page = client.get(reverse("plans:plan_detail", args=[mine.plan.pk])).content.decode()
    assert "Đối chiếu với kế hoạch cấp trên" in page


def test_deadline_follows_vietnam_time():
    parent_unit = Unit.objects.get(code="37")
    plan = Plan.objects.create(unit=parent_unit, title="KH thử", period_start=datetime.date(2026, 1, 1),
                               period_end=datetime.date(2026, 12, 31))
    request_ = cascade.request_create(parent=plan, units=[Unit.objects.get(code=BINH_GIANG), Unit.objects.get(code=PHU_LY)],
                                      deadline=datetime.date(2026, 3, 31))
    child = Plan.objects.create(unit=Unit.objects.get(code=BINH_GIANG), title="KH xã")
    late_evening = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=VN)  # 16:30 UTC, still 31/3 in Ninh Bình
    ob = cascade.obligation_fulfil(obligation=request_.obligations.get(unit__code=BINH_GIANG), plan=child, at=late_evening)
    assert cascade.obligation_status(ob) == "on_time"
    ob.fulfilled_at = datetime.datetime(2026, 4, 1, 0, 10, tzinfo=VN)
    assert cascade.obligation_status(ob) == "late"
    other = request_.obligations.get(unit__code=PHU_LY)
    assert cascade.obligation_status(other, today=datetime.date(2026, 3, 31)) == "pending"
    assert cascade.obligation_status(other, today=datetime.date(2026, 4, 1)) == "overdue"


def test_reminders_reach_the_missing_units_in_app_and_by_mail(coordinator, parent, django_capture_on_commit_callbacks):
    ask(coordinator, parent)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(reverse("plans:request_remind", args=[parent.requests.get().pk]), follow=True)
    assert "Đã gửi nhắc việc tới 143 đơn vị chưa ban hành kế hoạch." in response.content.decode()
    note = Notification.objects.get(user=user("canbo.binhgiang"), text__contains="Nhắc việc")
    assert "chưa ban hành kế hoạch thực hiện" in note.text and note.link == reverse("plans:obligation_list")
    assert {m.to[0] for m in mail.outbox} >= {"canbo.binhgiang@demo.cchc.local", "canbo.phuly@demo.cchc.local"}
    assert "http://127.0.0.1:8000/ke-hoach/xay-dung/" in mail.outbox[0].body
    assert Obligation.objects.get(unit__code=BINH_GIANG).reminders == 1


def test_status_table_exports_to_xlsx_and_stays_flat(coordinator, parent):
    ask(coordinator, parent)
    request_ = parent.requests.get()
    book = load_workbook(io.BytesIO(coordinator.get(reverse("plans:request_export", args=[request_.pk])).content))
    assert book.active.max_row == 1 + 143
    assert [c.value for c in book.active[1]][:4] == ["Mã đơn vị", "Đơn vị", "Loại", "Tình trạng"]
    few = cascade.request_create(parent=parent, units=list(Unit.objects.filter(kind="department"))[:3],
                                 deadline=datetime.date(2026, 12, 31))
    assert count_queries(coordinator, reverse("plans:request_status", args=[few.pk])) == count_queries(
        coordinator, reverse("plans:request_status", args=[request_.pk]))
