"""Communication figures at scale: a year of activities of every Ninh Bình unit, summed in the database.

    .venv/bin/python benchmarks/comms.py            # BENCH_QUICK=1: 20,000 activities
Loads the demo tree (1,200 units), a communication plan with topics a–k, then N activities spread
over the communes, wards, departments and their offices (each citing one or two topics). Prints the
seconds of each figure the pages and the periodic reports use, and the SQL queries of the list and
matrix pages at 1,000 activities and at N (they must not grow). The last line is the main figure:
the province's units × channels matrix.
"""

import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings_test")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cchc.comms import figures  # noqa: E402
from cchc.comms.models import Activity, ChannelKind  # noqa: E402
from cchc.comms.requirements import check_requirements  # noqa: E402
from cchc.orgs.models import Unit, User, active_units_q  # noqa: E402
from cchc.plans.models import Plan, PlanKind, Topic  # noqa: E402

QUICK = bool(os.environ.get("BENCH_QUICK"))
SIZE = 20_000 if QUICK else 300_000
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 11, 30)


def add_activities(n: int, units: list[Unit], topics: list[Topic], seed: int) -> None:
    rng = random.Random(seed)
    channels = list(ChannelKind.values)
    made = 0
    through = Activity.topics.through
    while made < n:
        batch = min(5000, n - made)
        rows = [Activity(unit=rng.choice(units), date=START + datetime.timedelta(days=rng.randint(0, 333)),
                         channel=rng.choice(channels), title=f"Hoạt động thử {seed}-{made + i}",
                         quantity=rng.randint(1, 5), reach=rng.randint(0, 500), for_citizens=True,
                         source_key=f"bench:{seed}:{made + i}") for i in range(batch)]
        Activity.objects.bulk_create(rows, batch_size=1000)
        ids = Activity.objects.filter(source_key__in=[r.source_key for r in rows]).values_list("pk", flat=True)
        through.objects.bulk_create([through(activity_id=pk, topic_id=rng.choice(topics).pk) for pk in ids],
                                    batch_size=2000)
        made += batch


def timed(label: str, func):
    began = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - began
    print(f"{label}: {seconds:.3f} s")
    return result, seconds


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--no-plans", stdout=open(os.devnull, "w"))  # noqa: SIM115
    province = Unit.objects.get(code="37")
    plan = Plan.objects.create(unit=province, kind=PlanKind.COMMUNICATION, title="Kế hoạch tuyên truyền CCHC 2026",
                               period_start=START, period_end=datetime.date(2026, 12, 31))
    topics = Topic.objects.bulk_create([Topic(plan=plan, code=c, text=f"Nội dung {c}", order=i)
                                        for i, c in enumerate("abcdđefghik")])
    units = list(Unit.objects.filter(active_units_q()).exclude(kind="province"))
    client = Client()
    client.force_login(User.objects.get(username="dieuphoi"))
    pages = ["/tuyen-truyen/hoat-dong/", "/tuyen-truyen/do-bao-phu/", "/tuyen-truyen/don-vi-hinh-thuc/?nam=2026",
             f"/tuyen-truyen/yeu-cau/?ke_hoach={plan.pk}"]
    add_activities(1000, units, topics, seed=1)
    for url in pages:
        queries(client, url)
    small = [queries(client, url) for url in pages]
    add_activities(SIZE - 1000, units, topics, seed=2)
    large = [queries(client, url) for url in pages]
    print(f"{Activity.objects.count()} hoạt động, {len(units)} đơn vị")
    print(f"truy vấn SQL của các trang (1.000 → {SIZE} hoạt động): {small} → {large}")
    assert small == large, "số truy vấn tăng theo dữ liệu"
    whole = Unit.objects.filter(pk=province.pk)
    communes = Unit.objects.filter(parent=province).filter(active_units_q())
    timed("activity_totals(tỉnh, theo hình thức)", lambda: figures.activity_totals(whole, START, END, by="channel"))
    timed("activity_totals(tỉnh, theo nội dung)", lambda: figures.activity_totals(whole, START, END, by="topic"))
    timed("activity_totals(đơn vị trực thuộc tỉnh, theo đơn vị)",
          lambda: figures.activity_totals(communes, START, END, by="unit"))
    timed("topic_channel_matrix(tỉnh)", lambda: figures.topic_channel_matrix(whole, START, END, plan))
    timed("check_requirements(kế hoạch tỉnh)", lambda: check_requirements(plan, START, END))
    _, seconds = timed("unit_channel_matrix(đơn vị trực thuộc tỉnh)",
                       lambda: figures.unit_channel_matrix(communes, START, END, own=province))
    print(f"Ma trận đơn vị × hình thức toàn tỉnh, {SIZE} hoạt động: {seconds:.2f} s")


if __name__ == "__main__":
    main()
