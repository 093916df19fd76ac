"""Pages stay flat as the data grows: the query count does not depend on the number of units."""

import pytest
from django.urls import reverse

from cchc.orgs import services
from cchc.orgs.models import Role, Unit
from cchc.test import count_queries, user

pytestmark = pytest.mark.django_db


def grow(parent_code: str, count: int, prefix: str) -> None:
    header = list(services.COLUMNS.values())
    rows = [dict(zip(header, [f"{prefix}.{i}", f"Đơn vị thêm {i}", "", "office", parent_code] + [""] * 5, strict=True)) for i in range(count)]
    assert services.units_import(rows).ok


def test_unit_tree_is_flat_from_10_to_500_units(client):
    client.force_login(user("dieuphoi"))
    parent = services.unit_save(unit=Unit(code="99.ROOT", name="Khối thử tải", kind="department", parent=Unit.objects.get(code="37")))
    grow(parent.code, 10, "99.S")
    url = reverse("orgs:unit_tree")
    small = {
        "tree": count_queries(client, url),
        "children": count_queries(client, reverse("orgs:unit_children", args=[parent.code])),
        "search": count_queries(client, url, q="don vi them"),
        "detail": count_queries(client, reverse("orgs:unit_detail", args=[parent.code])),
    }
    grow(parent.code, 490, "99.L")
    large = {
        "tree": count_queries(client, url),
        "children": count_queries(client, reverse("orgs:unit_children", args=[parent.code])),
        "search": count_queries(client, url, q="don vi them"),
        "detail": count_queries(client, reverse("orgs:unit_detail", args=[parent.code])),
    }
    assert small == large
    # session, user, the user's roles, the top of the tree with child counts
    assert large["tree"] <= 5


def test_unit_detail_is_flat_in_people(client):
    client.force_login(user("dieuphoi"))
    target = Unit.objects.get(code="13285")
    url = reverse("orgs:unit_detail", args=[target.code])
    before = count_queries(client, url), count_queries(client, reverse("orgs:people_list"))
    for i in range(30):
        services.person_create(username=f"nguoi{i}", full_name=f"Người {i}", email="", password=None, unit=target, role=Role.OFFICER)
    assert (count_queries(client, url), count_queries(client, reverse("orgs:people_list"))) == before


def test_api_unit_list_is_flat(client):
    client.force_login(user("dieuphoi"))
    parent = services.unit_save(unit=Unit(code="99.API", name="Khối API", kind="department", parent=Unit.objects.get(code="37")))
    grow(parent.code, 5, "99.A5")
    before = count_queries(client, "/api/units", limit=2000)
    grow(parent.code, 200, "99.A200")
    assert count_queries(client, "/api/units", limit=2000) == before
