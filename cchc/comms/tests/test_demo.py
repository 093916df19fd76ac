"""The demo year of activities: plausible, spread over a few dozen units, loaded once however often run."""

import pytest

from cchc.comms.demo import load_demo
from cchc.comms.models import Activity, Requirement
from cchc.comms.requirements import check_requirements
from cchc.test import BINH_GIANG

pytestmark = pytest.mark.django_db


def test_without_the_province_plan_nothing_is_loaded():
    assert "bỏ qua" in load_demo()
    assert not Activity.objects.exists()


def test_load_demo_is_idempotent_and_leaves_units_to_chase(province_plan):
    summary = load_demo()
    count = Activity.objects.count()
    assert "Hoạt động tuyên truyền mẫu:" in summary and f"{count} mới" in summary and "\n" not in summary
    assert count > 300
    units = Activity.objects.values("unit").distinct().count()
    assert 25 <= units <= 60
    assert Activity.objects.filter(unit__code=BINH_GIANG).exists()
    assert Activity.objects.filter(topics__plan=province_plan).exists()
    assert Requirement.objects.filter(plan=province_plan).count() == 2
    assert "0 mới" in load_demo()
    assert Activity.objects.count() == count
    result = check_requirements(province_plan, province_plan.period_start, province_plan.period_end)
    rates = [s["met"] for s in result["summary"]]
    assert 0 < rates[1] < rates[0] < result["summary"][0]["applicable"]  # some fall short, as in real life
