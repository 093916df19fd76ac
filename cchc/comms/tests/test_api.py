"""The communication API, mounted at /api/comms: same policy and checks as the pages."""

import datetime

import pytest

from cchc.comms.models import Activity
from cchc.test import BINH_GIANG, PHU_LY, user

pytestmark = pytest.mark.django_db


def post(client, **payload):
    body = {"unit_code": BINH_GIANG, "date": "2026-05-02", "channel": "radio", "title": "Phát thanh về dịch vụ công",
            "quantity": 2, "reach": 300, "source_key": "dai-xa-05", **payload}
    return client.post("/api/comms/hoat-dong", body, content_type="application/json")


def test_record_list_and_count(client):
    client.force_login(user("canbo.binhgiang"))
    created = post(client)
    assert created.status_code == 201, created.content
    assert post(client).status_code == 200  # the same source key again: recorded once
    assert Activity.objects.filter(unit__code=BINH_GIANG).count() == 1
    listed = client.get("/api/comms/hoat-dong", {"don_vi": BINH_GIANG}).json()
    assert [a["title"] for a in listed] == ["Phát thanh về dịch vụ công"]
    totals = {r["key"]: r for r in client.get("/api/comms/so-lieu", {"don_vi": BINH_GIANG, "tu": "2026-01-01"}).json()}
    assert (totals["radio"]["activities"], totals["radio"]["quantity"], totals["radio"]["reach"]) == (1, 2, 300)


def test_refusals_leave_nothing(client):
    client.force_login(user("canbo.binhgiang"))
    assert post(client, channel="bồ câu").status_code == 422
    assert post(client, quantity=0).status_code == 422
    assert post(client, unit_code=PHU_LY).status_code == 404  # another commune: not even seen
    client.force_login(user("canbo.phuly"))
    assert client.get("/api/comms/hoat-dong", {"don_vi": BINH_GIANG}).status_code == 404
    assert not Activity.objects.filter(date=datetime.date(2026, 5, 2)).exists()
