"""Plan in, from the outside: upload, background reading, preview, confirm, and the bad inputs."""

import io
from pathlib import Path

import pytest
from django.urls import reverse

from cchc.plans.models import Assignment, ImportStatus, Plan, PlanImport, Task
from cchc.test import user

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).parent.parent / "demo"  # the five seed plans, also the demo data


def upload(client, data: bytes, name: str, capture):
    f = io.BytesIO(data)
    f.name = name
    with capture(execute=True):
        response = client.post(reverse("plans:plan_import"), {"file": f})
    return response


@pytest.fixture
def coordinator(client):
    client.force_login(user("dieuphoi"))
    return client


def seed(name: str) -> bytes:
    return next(SEEDS.glob(f"{name}_*.txt")).read_bytes()


def test_coordinator_imports_the_provincial_plan_end_to_end(coordinator, django_capture_on_commit_callbacks):
    response = upload(coordinator, seed("004"), "ke-hoach-cchc.txt", django_capture_on_commit_callbacks)
    job = PlanImport.objects.get()
    assert response["Location"] == reverse("plans:import_status", args=[job.pk])
    assert job.status == ImportStatus.DONE and job.progress == 1
    assert Plan.objects.count() == 0  # nothing saved before the person confirms

    preview = coordinator.get(response["Location"]).content.decode()
    assert "Nhiệm vụ (48)" in preview
    assert "Cần xem lại" not in preview  # nothing unresolved in seed 004
    assert "Ban hành và tổ chức thực hiện Kế hoạch cải cách hành chính" in preview
    assert "Chưa có gì được lưu." in preview

    province = user("dieuphoi").memberships.get().unit.parent.parent  # 37
    saved = coordinator.post(reverse("plans:import_confirm", args=[job.pk]), {"unit": province.pk}, follow=True)
    plan = Plan.objects.get()
    assert "Đã lưu kế hoạch với 48 nhiệm vụ." in saved.content.decode()
    assert plan.unit.code == "37" and plan.kind == "reform"
    assert plan.tasks.count() == 48 and plan.targets.filter(number="3", comparator=">=", value=20).exists()
    assert plan.legal_references.filter(number="76/NQ-CP").exists()
    # Task I.1 fans out: Sở Nội vụ leads, every department and all 129 communes and wards partner.
    first = plan.tasks.get(group_code="I", number="1")
    assert first.assignments.filter(role="lead").get().unit.code == "37.SNV"
    partners = first.assignments.filter(role="partner")
    assert partners.filter(unit__kind__in=["commune", "ward"]).count() == 129
    assert partners.filter(unit__code="37.STP").exists()
    assert str(first.assignments.first().due_date) == "2025-07-15"

    # A second confirmation of the same upload saves nothing more.
    again = coordinator.post(reverse("plans:import_confirm", args=[job.pk]), {"unit": province.pk}, follow=True)
    assert "Kế hoạch này đã được lưu." in again.content.decode()
    assert Plan.objects.count() == 1 and Task.objects.count() == 48


def test_importing_a_plan_with_the_same_number_twice_is_refused(coordinator, django_capture_on_commit_callbacks):
    bg = user("canbo.binhgiang").memberships.get().unit
    for _ in range(2):
        upload(coordinator, seed("002"), "binh-giang.txt", django_capture_on_commit_callbacks)
    first, second = PlanImport.objects.order_by("pk")
    coordinator.post(reverse("plans:import_confirm", args=[first.pk]), {"unit": bg.pk})
    response = coordinator.post(reverse("plans:import_confirm", args=[second.pk]), {"unit": bg.pk}, follow=True)
    assert "Kế hoạch số 21/KH-UBND của Xã Bình Giang đã có trong hệ thống." in response.content.decode()
    assert Plan.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "trong.txt", "Tệp rỗng."),
        (b"PK\x03\x04 day khong phai la docx", "hong.docx", "hỏng"),
        (b"%PDF-1.4 broken", "hong.pdf", "PDF"),
        ("Bảng tổng hợp ý kiến góp ý\nSTT | Đơn vị | Ý kiến".encode(), "gop-y.txt", "không phải là một kế hoạch"),
        (b"MZ\x90\x00", "virus.exe", "Định dạng tệp không được hỗ trợ"),
    ],
)
def test_bad_files_get_a_vietnamese_message_and_save_nothing(coordinator, django_capture_on_commit_callbacks,
                                                             data, name, message):
    response = upload(coordinator, data, name, django_capture_on_commit_callbacks)
    if response.status_code == 200:  # refused by the form before reading
        assert message in response.content.decode()
    else:
        job = PlanImport.objects.get()
        assert job.status == ImportStatus.FAILED
        page = coordinator.get(response["Location"]).content.decode()
        assert "Không đọc được tệp" in page and message in page
    assert Plan.objects.count() == 0


def test_too_large_uploads_are_refused(coordinator, settings, django_capture_on_commit_callbacks):
    settings.UPLOAD_MAX_BYTES = 1000
    response = upload(coordinator, seed("004"), "lon.txt", django_capture_on_commit_callbacks)
    assert "Tệp quá lớn" in response.content.decode()
    assert PlanImport.objects.count() == 0


def test_a_commune_officer_cannot_see_or_confirm_someone_elses_import(client, coordinator,
                                                                        django_capture_on_commit_callbacks):
    upload(coordinator, seed("004"), "x.txt", django_capture_on_commit_callbacks)
    job = PlanImport.objects.get()
    client.force_login(user("canbo.phuly"))
    assert client.get(reverse("plans:import_status", args=[job.pk])).status_code == 404
    assert client.post(reverse("plans:import_confirm", args=[job.pk]), {"unit": 1}).status_code == 404
    assert Plan.objects.count() == 0


def test_a_commune_officer_cannot_save_a_plan_for_another_commune(client, django_capture_on_commit_callbacks):
    client.force_login(user("canbo.binhgiang"))
    upload(client, seed("002"), "x.txt", django_capture_on_commit_callbacks)
    job = PlanImport.objects.get()
    phu_ly = user("canbo.phuly").memberships.get().unit
    response = client.post(reverse("plans:import_confirm", args=[job.pk]), {"unit": phu_ly.pk}, follow=True)
    assert "Hãy chọn đơn vị ban hành." in response.content.decode()  # not among the choices offered
    assert Plan.objects.count() == 0
    mine = user("canbo.binhgiang").memberships.get().unit
    client.post(reverse("plans:import_confirm", args=[job.pk]), {"unit": mine.pk})
    assert Plan.objects.get().unit == mine


def test_the_import_command_prints_json(capsys):
    import json

    from django.core.management import call_command

    path = next(SEEDS.glob("004_*.txt"))
    call_command("import_plan", str(path), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "reform" and len(data["tasks"]) == 48 and data["unresolved"] == []
    assert data["period"] == {"start": "2025-07-01", "end": "2025-12-31", "label": "6 tháng cuối năm 2025"}
    assert data["tasks"][0]["timeframe"] == {
        "text": "Trước ngày 15/7/2025", "kind": "deadline", "due_dates": ["2025-07-15"], "frequencies": [],
        "trigger": "", "error": "",
    }
    assert {"legal_basis", "topics", "channels", "targets", "duties", "recipients", "signer", "implements"} <= set(data)
    assert Plan.objects.count() == 0


def test_marking_a_task_done_needs_evidence_and_is_refused_to_other_units(
    client, coordinator, django_capture_on_commit_callbacks
):
    upload(coordinator, seed("004"), "x.txt", django_capture_on_commit_callbacks)
    job = PlanImport.objects.get()
    coordinator.post(reverse("plans:import_confirm", args=[job.pk]), {"unit": Plan._meta.get_field("unit").related_model.objects.get(code="37").pk})
    mine = Assignment.objects.get(task__group_code="I", task__number="1", unit__code="13531")
    other = Assignment.objects.get(task__group_code="I", task__number="1", unit__code="13285")
    client.force_login(user("canbo.binhgiang"))
    url = reverse("tasks:detail", args=[mine.pk])
    no_evidence = client.post(url, {"progress": "done"})
    assert "Cần có minh chứng" in no_evidence.content.decode()
    mine.refresh_from_db()
    assert mine.progress == "not_started"
    done = client.post(url, {"progress": "done", "document_number": "15/KH-UBND", "document_date": "20/07/2025",
                             "completed_on": "20/07/2025"}, follow=True)
    assert "Hoàn thành trễ hạn" in done.content.decode()  # due 15/07/2025, done 20/07/2025
    mine.refresh_from_db()
    assert mine.progress == "done" and mine.evidence.get().document_number == "15/KH-UBND"
    from auditlog.models import LogEntry

    change = LogEntry.objects.get_for_object(mine).filter(action=LogEntry.Action.UPDATE).get()
    assert change.actor == user("canbo.binhgiang")
    assert change.changes_dict["progress"] == ["not_started", "done"]
    assert client.get(reverse("tasks:detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("tasks:detail", args=[other.pk]), {"progress": "done"}).status_code == 404
    my_tasks = client.get(reverse("tasks:mine")).content.decode()
    assert "Ban hành và tổ chức thực hiện" in my_tasks and "Phủ Lý" not in my_tasks


def test_a_plan_read_without_diacritics_is_listed_restored_and_found_by_its_original_title(coordinator):
    from cchc.orgs.models import Unit
    from cchc.plans.services import plan_parse, plan_save

    commune = Unit.objects.get(code="13531")
    plan_save(parsed=plan_parse(seed("002"), "002.txt", context=commune), unit=commune)
    page = coordinator.get(reverse("plans:plan_list")).content.decode()
    assert "Thông tin, tuyên truyền cải cách hành chính 6 tháng cuối năm 2025" in page
    assert "dấu đã khôi phục" in page
    found = coordinator.get(reverse("plans:plan_list"), {"q": "Théng tin, tuyén"}).content.decode()
    assert "Thông tin, tuyên truyền cải cách hành chính 6 tháng cuối năm 2025" in found
    nothing = coordinator.get(reverse("plans:plan_list"), {"q": "không có trích yếu này"}).content.decode()
    assert "Thông tin, tuyên truyền cải cách" not in nothing
    detail = coordinator.get(reverse("plans:plan_detail", args=[Plan.objects.get().pk])).content.decode()
    assert "Trích yếu trong tệp gốc: “Théng tin, tuyén truyén cai cach hanh chinh" in detail


def test_an_evidence_file_opens_for_its_task_and_is_refused_to_another_unit(
    client, coordinator, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload(coordinator, seed("004"), "x.txt", django_capture_on_commit_callbacks)
    job = PlanImport.objects.get()
    coordinator.post(reverse("plans:import_confirm", args=[job.pk]), {"unit": Plan._meta.get_field("unit").related_model.objects.get(code="37").pk})
    mine = Assignment.objects.get(task__group_code="I", task__number="1", unit__code="13531")
    client.force_login(user("canbo.binhgiang"))
    proof = io.BytesIO(b"%PDF-1.4 minh chung")
    proof.name = "bien-ban.pdf"
    client.post(reverse("tasks:detail", args=[mine.pk]), {"progress": "done", "file": proof, "completed_on": "10/07/2025"})
    evidence = mine.evidence.get()
    url = reverse("tasks:evidence_file", args=[mine.pk, evidence.pk])
    assert url in client.get(reverse("tasks:detail", args=[mine.pk])).content.decode()
    got = client.get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 minh chung"
    assert "bien-ban" in got["Content-Disposition"]

    other = Assignment.objects.get(task__group_code="I", task__number="1", unit__code="13285")
    # This evidence under another task's URL, or asked for by another commune: not found.
    assert client.get(reverse("tasks:evidence_file", args=[other.pk, evidence.pk])).status_code == 404
    client.force_login(user("canbo.phuly"))
    assert client.get(url).status_code == 404
