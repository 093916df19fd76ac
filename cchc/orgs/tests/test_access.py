"""Access from the outside: what each member of the cast gets over HTTP, pages and API alike."""

import pytest
from django.urls import reverse

from cchc.test import BINH_GIANG, PHU_LY, SO_NOI_VU, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client):
    client.force_login(user("dieuphoi"))
    return client


@pytest.fixture
def binh_giang(client):
    client.force_login(user("canbo.binhgiang"))
    return client


def test_anonymous_visitor_is_sent_to_login(client):
    for url in [reverse("home"), reverse("orgs:unit_tree"), reverse("orgs:unit_detail", args=[BINH_GIANG])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_anonymous_api_call_is_refused(client):
    assert client.get(f"/api/units/{BINH_GIANG}").status_code == 401


def test_commune_officer_sees_own_unit_and_its_offices(binh_giang):
    response = binh_giang.get(reverse("orgs:unit_detail", args=[BINH_GIANG]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ủy ban nhân dân xã Bình Giang" in body
    assert "Phòng Văn hóa - Xã hội xã Bình Giang" in body
    assert "Vũ Thị Lan" in body  # the officer herself among the people
    assert binh_giang.get(reverse("orgs:unit_detail", args=[f"{BINH_GIANG}.VHXH"])).status_code == 200


def test_commune_officer_lands_on_own_workspace(binh_giang):
    response = binh_giang.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:unit_detail", args=[BINH_GIANG])


def test_commune_officer_is_refused_another_commune_pages_and_api(binh_giang):
    # The same requests succeed for the coordinator (see below): these fail for access alone.
    refused = [
        reverse("orgs:unit_detail", args=[PHU_LY]),
        reverse("orgs:unit_detail", args=[f"{PHU_LY}.VHXH"]),
        reverse("orgs:unit_children", args=[PHU_LY]),
        reverse("orgs:unit_detail", args=[SO_NOI_VU]),
        reverse("orgs:unit_detail", args=["37"]),
        f"/api/units/{PHU_LY}",
        f"/api/units/{PHU_LY}/people",
        f"/api/units/{PHU_LY}/children",
    ]
    for url in refused:
        assert binh_giang.get(url).status_code == 404, url


def test_commune_officer_cannot_change_any_unit_or_people(binh_giang):
    assert binh_giang.get(reverse("orgs:unit_edit", args=[PHU_LY])).status_code == 404
    assert binh_giang.get(reverse("orgs:unit_edit", args=[BINH_GIANG])).status_code == 403
    assert binh_giang.post(reverse("orgs:unit_edit", args=[BINH_GIANG]), {"name": "X"}).status_code == 403
    assert binh_giang.get(reverse("orgs:unit_create")).status_code == 403
    assert binh_giang.get(reverse("orgs:units_import")).status_code == 403
    assert binh_giang.post(reverse("orgs:unit_delete", args=[f"{BINH_GIANG}.KT"])).status_code == 403
    assert binh_giang.get(reverse("orgs:person_add", args=[BINH_GIANG])).status_code == 403
    assert binh_giang.get(reverse("orgs:person_add", args=[PHU_LY])).status_code == 404
    assert binh_giang.get(reverse("history", args=["unit", user("canbo.phuly").memberships.first().unit_id])).status_code == 403


def test_commune_officer_cannot_remove_another_communes_people(binh_giang):
    membership = user("canbo.phuly").memberships.get()
    assert binh_giang.post(reverse("orgs:membership_remove", args=[membership.pk])).status_code == 404
    assert user("canbo.phuly").memberships.count() == 1


def test_unit_tree_and_api_list_only_own_subtree(binh_giang):
    body = binh_giang.get(reverse("orgs:unit_tree")).content.decode()
    assert "xã Bình Giang" in body
    assert "Phủ Lý" not in body and "Sở Nội vụ" not in body
    codes = {u["code"] for u in binh_giang.get("/api/units").json()}
    assert BINH_GIANG in codes and f"{BINH_GIANG}.TTPVHCC" in codes
    assert all(c == BINH_GIANG or c.startswith(f"{BINH_GIANG}.") for c in codes)
    export = binh_giang.get(reverse("orgs:units_export_csv")).content.decode("utf-8-sig")
    assert "Bình Giang" in export and "Phủ Lý" not in export


def test_search_cannot_reveal_other_units(binh_giang):
    body = binh_giang.get(reverse("orgs:unit_tree"), {"q": "phu ly"}).content.decode()
    assert "Không tìm thấy đơn vị phù hợp" in body


def test_coordinator_sees_everything(coordinator):
    for url in [
        reverse("orgs:unit_detail", args=[PHU_LY]),
        reverse("orgs:unit_detail", args=[BINH_GIANG]),
        reverse("orgs:unit_edit", args=[BINH_GIANG]),
        reverse("orgs:person_add", args=[PHU_LY]),
        reverse("orgs:units_import"),
        f"/api/units/{PHU_LY}/people",
    ]:
        assert coordinator.get(url).status_code == 200, url
    codes = {u["code"] for u in coordinator.get("/api/units?limit=1000").json()}
    assert {BINH_GIANG, PHU_LY, SO_NOI_VU, "37"} <= codes


def test_unit_leader_manages_people_of_own_unit_only(client):
    client.force_login(user("chutich.binhgiang"))
    assert client.get(reverse("orgs:person_add", args=[BINH_GIANG])).status_code == 200
    assert client.get(reverse("orgs:person_add", args=[PHU_LY])).status_code == 404
    # A leader may not hand out the province-wide coordinator role.
    response = client.post(reverse("orgs:person_add", args=[BINH_GIANG]), {
        "username": "ke.gian", "full_name": "Kẻ Gian", "password": "Mat-khau-rat-dai-2025", "role": "coordinator",
    })
    assert response.status_code == 200
    assert "không phải là một trong các lựa chọn" in response.content.decode() or "Hãy chọn" in response.content.decode()
    assert not user("chutich.binhgiang").__class__.objects.filter(username="ke.gian").exists()


def test_unknown_unit_is_404_for_everyone(coordinator):
    assert coordinator.get(reverse("orgs:unit_detail", args=["khong-co"])).status_code == 404
    assert coordinator.get("/api/units/khong-co").json() == {"detail": "Không tìm thấy."}


def test_people_list_shows_only_people_of_visible_units(binh_giang, client):
    body = binh_giang.get(reverse("orgs:people_list")).content.decode()
    assert "Vũ Thị Lan" in body and "Đỗ Văn Nam" in body
    assert "Lê Thị Mai" not in body and "Trần Thị Thu Hà" not in body
    client.force_login(user("dieuphoi"))
    everyone = client.get(reverse("orgs:people_list"), {"q": "Lê Thị"}).content.decode()
    assert "Lê Thị Mai" in everyone and "Vũ Thị Lan" not in everyone
