"""A plan of another province, from the outside: its names are unknown until a coordinator reads it
as one of our units' plans or says which unit or group each name stands for (issue 13)."""

import io

import pytest
from django.urls import reverse

from cchc.orgs.models import NameMapping, Unit, UnitGroup
from cchc.plans.forms import unresolved_names
from cchc.plans.jobs import import_parsed
from cchc.plans.models import Assignment, Plan, PlanImport
from cchc.test import user

pytestmark = pytest.mark.django_db

# Our own small plan in the shape of a Lâm Đồng one: its issuer is not in the Ninh Bình tree.
FOREIGN = """ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 15/KH-UBND
Lâm Đồng, ngày 12 tháng 01 năm 2026

KẾ HOẠCH
Tuyên truyền cải cách hành chính năm 2026

I. MỤC ĐÍCH, YÊU CẦU
1. Nâng cao nhận thức của cán bộ, công chức và người dân về cải cách hành chính.

II. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ
Chủ trì, hướng dẫn, theo dõi, đôn đốc các cơ quan, đơn vị triển khai Kế hoạch; tổng hợp báo cáo kết quả trước ngày 15/12/2026.
2. Sở Tư pháp
Tuyên truyền, phổ biến các văn bản pháp luật mới về cải cách hành chính trong quý II/2026.
3. Trung tâm Văn hóa Nghệ thuật Đà Lạt
Tổ chức biểu diễn lưu động tuyên truyền cải cách hành chính trong năm 2026.
4. Đài truyền thanh cơ sở
Tuyên truyền trên hệ thống loa truyền thanh cơ sở ít nhất 02 lần mỗi tháng.

Nơi nhận:
- Như trên;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn Thử
"""


@pytest.fixture
def coordinator(client):
    client.force_login(user("dieuphoi"))
    return client


@pytest.fixture
def job(coordinator, django_capture_on_commit_callbacks):
    f = io.BytesIO(FOREIGN.encode())
    f.name = "ke-hoach-lam-dong.txt"
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(reverse("plans:plan_import"), {"file": f})
    return PlanImport.objects.get()


def names(job) -> list[str]:
    job.refresh_from_db()
    return unresolved_names(import_parsed(job))


def fields_for(job, wanted: dict[str, str]) -> dict[str, str]:
    """The mapping form's fields: each listed name, and the target typed for it."""
    data = {}
    for i, name in enumerate(names(job)):
        data[f"phrase_{i}"] = name
        data[f"target_{i}"] = wanted.get(name, "")
    return data


def test_a_foreign_plan_lists_its_unknown_names_and_nothing_else(coordinator, job):
    assert names(job) == ["Sở Nội vụ", "Sở Tư pháp", "Trung tâm Văn hóa Nghệ thuật Đà Lạt",
                          "Đài truyền thanh cơ sở"]
    page = coordinator.get(reverse("plans:import_status", args=[job.pk])).content.decode()
    assert "Sở Tư pháp" in page and "Đọc như văn bản của đơn vị" in page
    assert "Lâm Đồng, ngày" not in " ".join(names(job))  # no piece of the date line is taken for a unit


def test_reading_it_as_our_provinces_plan_resolves_the_departments(coordinator, job):
    province = Unit.objects.get(code="37")
    response = coordinator.post(reverse("plans:import_read_as", args=[job.pk]), {"unit": province.pk}, follow=True)
    assert names(job) == ["Trung tâm Văn hóa Nghệ thuật Đà Lạt", "Đài truyền thanh cơ sở"]
    assert "còn 2 tên đơn vị chưa nhận diện (trước đó 4)" in response.content.decode()


def test_names_map_to_a_unit_or_a_group_and_the_counts_say_what_changed(coordinator, job):
    province = Unit.objects.get(code="37")
    coordinator.post(reverse("plans:import_read_as", args=[job.pk]), {"unit": province.pk})
    data = fields_for(job, {"Trung tâm Văn hóa Nghệ thuật Đà Lạt": "Sở Văn hóa và Thể thao",
                            "Đài truyền thanh cơ sở": "UBND cấp xã"})
    response = coordinator.post(reverse("plans:import_fix", args=[job.pk]), data, follow=True)
    text = response.content.decode()
    assert "Đã ghi nhận 2 tên gọi; đọc lại kế hoạch: 2 tên nay đã nhận diện được. Còn 0 tên chưa nhận diện." in text
    assert names(job) == []
    group = UnitGroup.objects.get(code="ubnd-cap-xa")
    assert NameMapping.objects.get(group=group).phrase == "Đài truyền thanh cơ sở"
    assert NameMapping.objects.get(unit__code="37.SVHTT").phrase == "Trung tâm Văn hóa Nghệ thuật Đà Lạt"

    # Saved: the group phrase reaches every commune and ward of the province.
    coordinator.post(reverse("plans:import_confirm", args=[job.pk]), {"unit": province.pk})
    plan = Plan.objects.get()
    communes = Assignment.objects.filter(task__plan=plan, unit__kind__in=["commune", "ward"])
    assert communes.values("unit").distinct().count() == 129
    assert Assignment.objects.filter(task__plan=plan, unit__code="37.STP").exists()


def test_an_unknown_target_is_refused_and_nothing_is_remembered(coordinator, job):
    data = fields_for(job, {"Sở Tư pháp": "Sở Không Có Thật"})
    response = coordinator.post(reverse("plans:import_fix", args=[job.pk]), data)
    assert response.status_code == 400
    assert "Không tìm thấy đơn vị hay nhóm đơn vị nào tên “Sở Không Có Thật”." in response.content.decode()
    assert NameMapping.objects.count() == 0 and len(names(job)) == 4


def test_a_plan_that_reaches_no_unit_is_saved_only_when_asked(coordinator, job):
    province = Unit.objects.get(code="37")
    refused = coordinator.post(reverse("plans:import_confirm", args=[job.pk]), {"unit": province.pk}, follow=True)
    assert Plan.objects.count() == 0
    assert "chưa giao" in refused.content.decode().lower()
    job.refresh_from_db()
    assert job.plan_id is None  # the job is given back, still to be confirmed

    saved = coordinator.post(reverse("plans:import_confirm", args=[job.pk]),
                             {"unit": province.pk, "save_unassigned": "on"}, follow=True)
    assert Plan.objects.count() == 1 and Assignment.objects.count() == 0
    assert "Kế hoạch được lưu theo yêu cầu dù chưa giao việc cho đơn vị nào." in saved.content.decode()


def test_only_a_coordinator_teaches_names_and_only_on_their_own_imports(client, job):
    client.force_login(user("canbo.binhgiang"))
    data = fields_for(job, {"Sở Tư pháp": "Sở Tư pháp"})
    assert client.post(reverse("plans:import_fix", args=[job.pk]), data).status_code == 404
    assert client.get(reverse("plans:import_targets", args=[job.pk]), {"q": "Tư pháp"}).status_code == 404
    assert NameMapping.objects.count() == 0


def test_the_picker_offers_groups_and_units_by_their_words(coordinator, job):
    empty = coordinator.get(reverse("plans:import_targets", args=[job.pk])).content.decode()
    assert "UBND cấp xã" in empty
    found = coordinator.get(reverse("plans:import_targets", args=[job.pk]), {"q": "tu phap"}).content.decode()
    assert "Sở Tư pháp" in found
