"""The main lists and dashboards cost the same number of queries on one small province and after the
dataset grows (more provinces, units, tasks, reports, scorecards, articles), as the coordinator."""

import pytest
from django.test import Client

from cchc.dataset import generate
from cchc.reports.models import Period, PeriodKind
from cchc.test import count_queries, user

pytestmark = pytest.mark.django_db

SMALL = generate.quick(departments=2, offices=1, communes=4, province_tasks=6, assignments_per_unit=3, own_tasks=1,
                       activities_per_unit=1, articles=3, views=300)
LARGER = generate.quick(departments=8, offices=3, communes=40, province_tasks=40, assignments_per_unit=10, own_tasks=3,
                        activities_per_unit=4, articles=25, views=5_000)


def pages(province: str = "G01") -> dict[str, str]:
    period = Period.objects.get(year=generate.YEAR, kind=PeriodKind.HALF)
    round_ = generate.par_round()
    return {
        "unit tree": "/don-vi/",
        "plans": "/ke-hoach/",
        "overdue board": "/nhiem-vu/",
        "reports dashboard": f"/bao-cao/tong-quan/?don_vi={province}&ky={period.pk}",
        "reports of the period": f"/bao-cao/ky/{period.pk}/",
        "scoring round": f"/chi-so-cchc/ky/{round_.pk}/",
        "ranking": f"/chi-so-cchc/ky/{round_.pk}/ket-qua/",
        "portal home": "/cai-cach-hanh-chinh/",
    }


def measure(client: Client, province: str) -> dict[str, int]:
    urls = pages(province)
    for url in urls.values():  # warm: first visits may derive and cache what later ones read
        count_queries(client, url)
    return {name: count_queries(client, url) for name, url in urls.items()}


def test_lists_and_dashboards_stay_flat_as_the_dataset_grows(client):
    generate.generate(1, seed=5, size=SMALL)
    client.force_login(user("dieuphoi"))
    small = measure(client, "G01")
    generate.generate(2, seed=5, size=LARGER, first=2)
    large = measure(client, "G02")  # the dashboard of a province ten times the size of G01
    assert large == small
    assert all(n > 3 for n in small.values())
    assert generate.par_round().scorecards.count() == 4 + 2 * 40


def test_the_pages_show_the_generated_data(client):
    generate.generate(1, seed=5, size=SMALL)
    client.force_login(user("dieuphoi"))
    urls = pages()
    tree = client.get(urls["unit tree"], {"q": "G01"}).content.decode()
    assert "UBND tỉnh An Giang" in tree or "Ủy ban nhân dân tỉnh An Giang" in tree
    assert "Kế hoạch cải cách hành chính năm 2026" in client.get(urls["plans"]).content.decode()
    best = generate.par_round().scorecards.filter(rank=1).select_related("unit").first()
    assert best is not None and best.unit.code.startswith("G01.X")
    assert best.unit.display_name in client.get(urls["ranking"]).content.decode()
    assert "G01-1)" in client.get(urls["portal home"]).content.decode()  # the newest articles are listed
