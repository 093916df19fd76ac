"""Coordinators manage units and people through the pages; every change is audited."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from cchc.orgs import services
from cchc.orgs.models import Membership, Role, Unit, User
from cchc.test import BINH_GIANG, PHU_LY, unit, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client):
    client.force_login(user("dieuphoi"))
    return client


def form_data(**overrides):
    data = {
        "code": "37.SNV.TEST", "name": "Phòng Thử nghiệm", "short_name": "", "kind": "office",
        "parent_code": "37.SNV", "aliases_text": "Phòng TN\nPhòng thử", "predecessor_codes": "",
        "valid_from": "01/07/2025", "valid_to": "", "note": "",
    }
    return {**data, **overrides}


def test_coordinator_creates_a_unit_and_the_change_is_audited(coordinator):
    response = coordinator.post(reverse("orgs:unit_create"), form_data(), follow=True)
    assert "Đã lưu đơn vị “Phòng Thử nghiệm”." in response.content.decode()
    created = unit("37.SNV.TEST")
    assert created.parent == unit("37.SNV")
    assert created.aliases == ["Phòng TN", "Phòng thử"]
    assert created.valid_from == datetime.date(2025, 7, 1)
    assert created.path == unit("37.SNV").path + f"{created.pk}/"
    entry = LogEntry.objects.get_for_object(created).get()
    assert entry.actor == user("dieuphoi")
    assert entry.action == LogEntry.Action.CREATE
    assert entry.changes_dict["name"] == ["None", "Phòng Thử nghiệm"]


def test_editing_records_before_and_after_and_history_page_shows_them(coordinator):
    office = unit(f"{BINH_GIANG}.KT")
    coordinator.post(reverse("orgs:unit_edit", args=[office.code]), form_data(
        code=office.code, name="Phòng Kinh tế xã Bình Giang (mới)", kind="office", parent_code=BINH_GIANG,
    ))
    office.refresh_from_db()
    assert office.name == "Phòng Kinh tế xã Bình Giang (mới)"
    entry = LogEntry.objects.get_for_object(office).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["name"] == ["Phòng Kinh tế xã Bình Giang", "Phòng Kinh tế xã Bình Giang (mới)"]
    body = coordinator.get(reverse("history", args=["unit", office.pk])).content.decode()
    assert "Phòng Kinh tế xã Bình Giang (mới)" in body and "Trần Thị Thu Hà" in body


def test_moving_a_unit_moves_its_subtree(coordinator):
    coordinator.post(reverse("orgs:unit_create"), form_data(code="99.M", parent_code="37", kind="department"))
    coordinator.post(reverse("orgs:unit_create"), form_data(code="99.M.1", parent_code="99.M"))
    coordinator.post(reverse("orgs:unit_edit", args=["99.M"]), form_data(code="99.M", parent_code="37.SNV", kind="department"))
    child = unit("99.M.1")
    assert child.path.startswith(unit("37.SNV").path) and child.depth == 3


def test_a_unit_cannot_be_placed_under_its_own_subtree(coordinator):
    response = coordinator.post(reverse("orgs:unit_edit", args=["37.SNV"]), form_data(
        code="37.SNV", name="Sở Nội vụ", kind="department", parent_code="37.SNV.VP",
    ))
    assert "Không thể đặt đơn vị cấp trên là chính nó hoặc đơn vị cấp dưới của nó." in response.content.decode()
    assert unit("37.SNV").parent.code == "37"


def test_impossible_dates_are_refused_in_vietnamese(coordinator):
    response = coordinator.post(reverse("orgs:unit_create"), form_data(valid_from="31/02/2026"))
    assert response.status_code == 200
    assert "Nhập một ngày hợp lệ." in response.content.decode()
    assert not Unit.objects.filter(code="37.SNV.TEST").exists()


def test_a_referenced_unit_cannot_be_deleted_only_closed(coordinator):
    response = coordinator.post(reverse("orgs:unit_delete", args=[BINH_GIANG]), follow=True)
    assert "Không thể xóa đơn vị đang có đơn vị cấp dưới" in response.content.decode()
    assert Unit.objects.filter(code=BINH_GIANG).exists()


def test_an_unreferenced_unit_can_be_deleted(coordinator):
    coordinator.post(reverse("orgs:unit_create"), form_data())
    response = coordinator.post(reverse("orgs:unit_delete", args=["37.SNV.TEST"]), follow=True)
    assert "Đã xóa đơn vị “Phòng Thử nghiệm”." in response.content.decode()
    assert not Unit.objects.filter(code="37.SNV.TEST").exists()


def test_merging_keeps_the_old_units_as_history():
    old_a = services.unit_save(unit=Unit(code="99.OA", name="UBND xã A", kind="commune", parent=unit("37")))
    old_b = services.unit_save(unit=Unit(code="99.OB", name="UBND xã B", kind="commune", parent=unit("37")))
    new = services.unit_save(unit=Unit(code="99.NEW", name="UBND xã A B", kind="commune", parent=unit("37")))
    services.unit_merge(sources=[old_a, old_b], into=new, on=datetime.date(2026, 1, 1))
    old_a.refresh_from_db()
    assert old_a.valid_to == datetime.date(2026, 1, 1)
    assert not old_a.is_active_on(datetime.date(2026, 1, 1)) and old_a.is_active_on(datetime.date(2025, 12, 31))
    assert set(new.predecessors.values_list("code", flat=True)) == {"99.OA", "99.OB"}
    assert list(old_a.successors.values_list("code", flat=True)) == ["99.NEW"]
    with pytest.raises(ValidationError):
        services.unit_merge(sources=[new], into=new, on=datetime.date(2026, 1, 1))
    other = services.unit_save(unit=Unit(code="99.OTHER", name="UBND xã C", kind="commune", parent=unit("37")))
    with pytest.raises(ValidationError, match="đã được sáp nhập hoặc đã hết hiệu lực"):
        services.unit_merge(sources=[old_a], into=other, on=datetime.date(2026, 2, 1))
    assert list(old_a.successors.values_list("code", flat=True)) == ["99.NEW"]  # still one successor
    assert not other.predecessors.exists()


def test_demo_commune_shows_what_it_was_merged_from(coordinator):
    body = coordinator.get(reverse("orgs:unit_detail", args=[BINH_GIANG])).content.decode()
    assert "Hình thành từ" in body
    for old in ("Ủy ban nhân dân xã Bồ Đề", "Ủy ban nhân dân xã Vũ Bản", "Ủy ban nhân dân xã An Ninh"):
        assert old in body
    old = coordinator.get(reverse("orgs:unit_detail", args=[f"{BINH_GIANG}.truoc.xa-vu-ban"])).content.decode()
    assert "Đã sáp nhập vào" in old and "Đã hết hiệu lực" in old


def test_closed_units_are_hidden_from_the_tree_unless_asked(coordinator):
    assert "Xã Vũ Bản" not in coordinator.get(reverse("orgs:unit_tree"), {"q": "Vu Ban"}).content.decode()
    shown = coordinator.get(reverse("orgs:unit_tree"), {"q": "Vu Ban", "lich_su": "1"}).content.decode()
    assert "Ủy ban nhân dân xã Vũ Bản" in shown


def test_coordinator_adds_a_new_person_with_a_role(coordinator):
    response = coordinator.post(reverse("orgs:person_add", args=[PHU_LY]), {
        "username": "Tran.Van.B", "full_name": "Trần Văn B", "email": "b@example.org",
        "password": "Mat-khau-that-dai-2025", "role": "officer", "position": "Công chức",
    }, follow=True)
    assert "Đã thêm Trần Văn B vào Phường Phủ Lý." in response.content.decode()
    person = User.objects.get(username="tran.van.b")
    assert person.check_password("Mat-khau-that-dai-2025")
    assert person.memberships.get().unit.code == PHU_LY
    assert LogEntry.objects.get_for_object(person.memberships.get()).get().actor == user("dieuphoi")


def test_an_existing_person_gets_a_second_role_elsewhere_but_not_twice(coordinator):
    url = reverse("orgs:person_add", args=[PHU_LY])
    coordinator.post(url, {"username": "canbo.binhgiang", "role": "collaborator"})
    roles = set(Membership.objects.filter(user=user("canbo.binhgiang")).values_list("unit__code", "role"))
    assert roles == {(BINH_GIANG, Role.OFFICER), (PHU_LY, Role.COLLABORATOR)}
    again = coordinator.post(url, {"username": "canbo.binhgiang", "role": "collaborator"})
    assert "Người dùng đã có vai trò này tại đơn vị." in again.content.decode()
    assert Membership.objects.filter(user=user("canbo.binhgiang")).count() == 2


def test_a_new_person_needs_a_strong_password(coordinator):
    response = coordinator.post(reverse("orgs:person_add", args=[PHU_LY]), {
        "username": "yeu", "full_name": "Mật Khẩu Yếu", "password": "123", "role": "officer",
    })
    assert "Mật khẩu này quá ngắn" in response.content.decode()
    assert not User.objects.filter(username="yeu").exists()


def test_removing_a_role_is_audited(coordinator):
    membership = Membership.objects.get(user=user("canbo.phuly"))
    coordinator.post(reverse("orgs:membership_remove", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    entry = LogEntry.objects.filter(object_pk=str(membership.pk), action=LogEntry.Action.DELETE).get()
    assert entry.actor == user("dieuphoi")


def test_removing_a_role_requires_post(coordinator):
    membership = Membership.objects.get(user=user("canbo.phuly"))
    assert coordinator.get(reverse("orgs:membership_remove", args=[membership.pk])).status_code == 405
