"""The JSON API: OpenAPI published, same policy as the pages."""

import pytest

from cchc.test import BINH_GIANG, user

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_the_endpoints(client):
    client.force_login(user("dieuphoi"))
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "CCHC API"
    assert {"/api/units", "/api/units/{code}", "/api/units/{code}/people", "/api/me", "/api/resolve"} <= set(schema["paths"])


def test_me_names_the_user_and_their_units(client):
    client.force_login(user("canbo.binhgiang"))
    me = client.get("/api/me").json()
    assert me["full_name"] == "Vũ Thị Lan" and me["is_coordinator"] is False
    assert [u["code"] for u in me["units"]] == [BINH_GIANG]


def test_unit_people_lists_roles(client):
    client.force_login(user("canbo.binhgiang"))
    people = client.get(f"/api/units/{BINH_GIANG}/people").json()
    assert {(p["username"], p["role"]) for p in people} == {("canbo.binhgiang", "officer"), ("chutich.binhgiang", "leader")}
    assert {p["full_name"] for p in people} == {"Vũ Thị Lan", "Đỗ Văn Nam"}


def test_resolve_endpoint_uses_the_shared_resolver(client):
    client.force_login(user("dieuphoi"))
    result = client.post(
        "/api/resolve", {"text": "Sở Nội vụ; các sở, ban, ngành; Sở Ngoại vụ X"}, content_type="application/json"
    ).json()
    assert [m["unit_code"] or m["group_code"] for m in result["matches"]] == ["37.SNV", "so-ban-nganh"]
    assert result["unresolved"] == ["Sở Ngoại vụ X"]


def test_resolve_with_another_units_context_is_refused(client):
    client.force_login(user("canbo.binhgiang"))
    response = client.post("/api/resolve", {"text": "Phòng Văn hóa - Xã hội", "context_code": "13285"}, content_type="application/json")
    assert response.status_code == 404


def test_unit_list_filters_by_kind(client):
    client.force_login(user("dieuphoi"))
    wards = client.get("/api/units?kind=ward&limit=1000").json()
    assert len(wards) == 32 and all(u["kind"] == "ward" for u in wards)


def test_reading_a_plan_file_through_the_api_saves_nothing(client):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from cchc.plans.models import Plan

    client.force_login(user("dieuphoi"))
    seed = next((Path(__file__).resolve().parents[2] / "plans" / "demo").glob("004_*.txt"))
    response = client.post("/api/plans/read", {"file": SimpleUploadedFile(seed.name, seed.read_bytes())})
    data = response.json()
    assert response.status_code == 200 and data["kind"] == "reform" and len(data["tasks"]) == 48
    assert Plan.objects.count() == 0
    bad = client.post("/api/plans/read", {"file": SimpleUploadedFile("x.txt", "Biên bản họp".encode())})
    assert bad.status_code == 422 and "không phải là một kế hoạch" in bad.json()["detail"]


def test_plans_api_follows_the_policy(client):
    from pathlib import Path

    from cchc.orgs.models import Unit
    from cchc.plans import services

    seed = next((Path(__file__).resolve().parents[2] / "plans" / "demo").glob("002_*.txt"))
    bg = Unit.objects.get(code=BINH_GIANG)
    plan = services.plan_save(parsed=services.plan_parse(seed.read_bytes(), seed.name, context=bg), unit=bg)
    client.force_login(user("canbo.phuly"))
    assert client.get(f"/api/plans/{plan.pk}").status_code == 404
    assert all(p["id"] != plan.pk for p in client.get("/api/plans").json())
    client.force_login(user("canbo.binhgiang"))
    detail = client.get(f"/api/plans/{plan.pk}").json()
    assert detail["unit_code"] == BINH_GIANG and len(detail["tasks"]) == plan.tasks.count()
