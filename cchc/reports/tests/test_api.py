"""The reports API: same policy and checks as the pages."""

import datetime

import pytest

from cchc.reports.form_sets import load_shipped_form_set
from cchc.reports.models import PeriodKind, Report
from cchc.reports.services import open_period
from cchc.test import BINH_GIANG, user


@pytest.fixture
def report(db):
    period = open_period(load_shipped_form_set(2026), PeriodKind.YEAR, 2026, locked_on=datetime.date(2099, 1, 1),
                         unit_due=datetime.date(2026, 12, 15))
    return Report.objects.get(period=period, unit__code=BINH_GIANG)


def test_fill_a_report_by_form_and_code(client, report):
    client.force_login(user("canbo.binhgiang"))
    response = client.put(f"/api/reports/{report.pk}", {"revision": 0, "values": {"3/3.2.1": "1.250", "3/3.2.2": "1.000"},
                                                         "narrative": {"III.1": "Tốt"}}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    values = {v["key"]: v["value"] for v in body["values"]}
    assert float(values["3/3.2.1"]) == 1250
    assert float(values["3/3.2"]) == 80.0 and body["revision"] == 1 and body["narrative"]["III.1"] == "Tốt"


def test_refusals(client, report):
    client.force_login(user("canbo.binhgiang"))
    bad = client.put(f"/api/reports/{report.pk}", {"revision": 0, "values": {"3/2.1": "124"}}, content_type="application/json")
    assert bad.status_code == 422 and "Tỷ lệ phải từ 0 đến 100 %" in bad.json()["detail"]
    unknown = client.put(f"/api/reports/{report.pk}", {"revision": 0, "values": {"9/1": "1"}}, content_type="application/json")
    assert unknown.status_code == 422 and "Không có chỉ tiêu: 9/1" in unknown.json()["detail"]
    assert not report.values.exists()
    client.force_login(user("canbo.phuly"))
    assert client.get(f"/api/reports/{report.pk}").status_code == 404
    client.force_login(user("dieuphoi"))
    assert client.get(f"/api/reports/{report.pk}").status_code == 200
    periods = client.get("/api/reports/periods").json()
    assert periods[0]["label"] == "Năm 2026" and periods[0]["missing"] == periods[0]["expected"]


def test_anonymous_is_refused(client, report):
    assert client.get(f"/api/reports/{report.pk}").status_code == 401
