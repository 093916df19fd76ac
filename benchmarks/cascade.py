"""Cascade at national scale: require plans from 3,500 units, generate their drafts, watch the status page.

    .venv/bin/python benchmarks/cascade.py            # BENCH_QUICK=1: 600 units
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/cascade.py
Prints the seconds of the obligation fan-out, the mean seconds of one draft DOCX made alone
(draft_docx), the SQL queries of the coordinator's status page at 150 units and at the full size (it
must not grow), and the background job that builds every unit's draft into one ZIP (what the
"Tạo dự thảo cho tất cả đơn vị" button runs): its total seconds and ms per draft, on the last line.
With a PostgreSQL DATABASE_URL the run uses a scratch database beside it (benchmarks/loopback.py).
"""

import os
import statistics
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from loopback import use_scratch_database  # noqa: E402

use_scratch_database("cchc_bench_cascade")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings_test")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from cchc.orgs import services as org_services  # noqa: E402
from cchc.orgs.models import Unit, User  # noqa: E402
from cchc.plans import cascade, drafts, services  # noqa: E402
from cchc.plans.models import Obligation  # noqa: E402

QUICK = bool(os.environ.get("BENCH_QUICK"))
SIZE = 600 if QUICK else 3500
DRAFTS = 20 if QUICK else 100


def synthetic_tree(n: int) -> list[Unit]:
    """n communes under a synthetic province, each with the five offices a commune has."""
    header = list(org_services.COLUMNS.values())
    rows = [dict(zip(header, ["SYN", "Ủy ban nhân dân tỉnh Thử nghiệm", "", "province", "", "", "", "", "", ""],
                     strict=True))]
    for i in range(n):
        code = f"SYN.{i}"
        rows.append(dict(zip(header, [code, f"Ủy ban nhân dân xã Thử {i}", f"Xã Thử {i}", "commune", "SYN"] + [""] * 5,
                             strict=True)))
        for suffix, name in [("VP", "Văn phòng HĐND và UBND"), ("VHXH", "Phòng Văn hóa - Xã hội"), ("KT", "Phòng Kinh tế"),
                             ("TTPVHCC", "Trung tâm Phục vụ hành chính công")]:
            rows.append(dict(zip(header, [f"{code}.{suffix}", f"{name} xã Thử {i}", name, "office", code] + [""] * 5,
                                 strict=True)))
    result = org_services.units_import(rows)
    assert result.ok, result.errors[:3]
    return list(Unit.objects.filter(code__startswith="SYN.", kind="commune").order_by("pk"))


def status_queries(client: Client, request_id: int) -> int:
    executed: list[str] = []
    with connection.execute_wrapper(lambda execute, sql, *a: executed.append(sql) or execute(sql, *a)):
        response = client.get(f"/ke-hoach/yeu-cau/{request_id}/")
    assert response.status_code == 200, response.status_code
    return len(executed)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--no-plans", stdout=open(os.devnull, "w"))  # noqa: SIM115
    communes = synthetic_tree(SIZE)
    seed = next((ROOT / "cchc" / "plans" / "demo").glob("001_*.txt"))
    parent = services.plan_save(parsed=services.plan_parse(seed.read_bytes(), seed.name),
                                unit=Unit.objects.get(code="37"))
    client = Client()
    client.force_login(User.objects.get(username="dieuphoi"))

    small = cascade.request_create(parent=parent, units=communes[:150], deadline=parent.period_end)
    q_small = status_queries(client, small.pk)

    start = time.perf_counter()
    full = cascade.request_create(parent=parent, units=communes, deadline=parent.period_end)
    fan_out = time.perf_counter() - start
    assert Obligation.objects.filter(request=full).count() == SIZE
    q_full = status_queries(client, full.pk)

    times = []
    for unit in communes[:DRAFTS]:
        start = time.perf_counter()
        data = drafts.draft_docx(parent, unit)
        times.append(time.perf_counter() - start)
        assert data[:2] == b"PK"
    print(f"units required: {SIZE}")
    print(f"obligation fan-out: {fan_out:.3f} s")
    print(f"draft DOCX: mean {statistics.mean(times):.3f} s over {len(times)} drafts "
          f"(all {SIZE} would take {statistics.mean(times) * SIZE:.0f} s)")
    print(f"status page SQL queries: {q_small} at 150 units, {q_full} at {SIZE} units")

    # The button's job, run as the worker runs it (outside a transaction; forked pool above 200 units).
    from cchc.jobs import services as jobs
    from cchc.jobs.models import Job, JobStatus

    import resource

    def cpu() -> float:  # this process and its finished children (the pool): the load-independent cost
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    cpu_start, start = cpu(), time.perf_counter()
    job = cascade.drafts_job_start(plan_request=full, user=User.objects.get(username="dieuphoi"))
    if Job.objects.get(pk=job.pk).status == JobStatus.QUEUED:  # a database queue: run it here
        jobs.run(job.pk)
    job_seconds, job_cpu = time.perf_counter() - start, cpu() - cpu_start
    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatus.DONE and job.done == SIZE, (job.status, job.error)
    with job.result.open("rb") as fh:
        members = len(zipfile.ZipFile(fh).namelist())
    assert members == SIZE, members
    size = job.result.size
    job.result.delete(save=False)  # tens of MB: not left in the media directory
    print(f"drafts job: {SIZE} drafts in one ZIP ({size / 1e6:.0f} MB) in {job_seconds:.1f} s, "
          f"{1000 * job_seconds / SIZE:.1f} ms per draft (alone: {1000 * statistics.mean(times):.0f} ms); "
          f"CPU {job_cpu:.1f} s = {1000 * job_cpu / SIZE:.1f} ms per draft, load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    print(f"fan-out {fan_out:.3f} s; queries {q_small}→{q_full}; drafts job for {SIZE} units: {job_seconds:.1f} s")


if __name__ == "__main__":
    main()
