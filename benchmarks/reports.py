"""Periodic reports at national scale: 3,500 reporting units with a year of tasks and communication
activities and the full national form set (7 forms, 123 indicators).

    .venv/bin/python benchmarks/reports.py                     # SQLite in a temporary file
    BENCH_QUICK=1 .venv/bin/python benchmarks/reports.py       # 300 units, under a minute
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/reports.py

With a PostgreSQL DATABASE_URL the benchmark creates its own database `bench_reports` (or BENCH_DB) on
that server (dropped again at the end) and never touches the database named in the URL.

The script generates the data: a synthetic province with departments and communes, a reform plan
with ~12 assignments per unit over the year (done on time, late, overdue), ~6 communication
activities per unit, then every unit's report filled with plausible values and approved. It prints
the seconds to open a period (every report created; figures are computed live, nothing is copied), the
p95 and queries of one unit's live report with 1,000 tasks and 5,000 activities, the seconds to freeze
every report's system-fed figures with their record ids in one pass (what submission does),
the seconds to compile the province's report and write its DOCX and XLSX, and the dashboard's p95
latency and SQL query count (checked flat against a 150-unit dashboard). The last line is the main
figure: `compile X s; DOCX Y s; XLSX Z s` (goal at 3,500 units: < 1, < 2, < 3 s).
"""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import loopback  # noqa: E402  (benchmarks/loopback.py)

loopback.use_scratch_database(os.environ.get("BENCH_DB", "bench_reports"))  # BENCH_DB: run beside another copy
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings_test")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from cchc.comms.models import Activity, ChannelKind  # noqa: E402
from cchc.orgs import services as org_services  # noqa: E402
from cchc.orgs.models import Unit, User  # noqa: E402
from cchc.plans.models import Assignment, AssignmentRole, Plan, PlanKind, Progress, Target, Task  # noqa: E402
from cchc.reports import compile as compiling  # noqa: E402
from cchc.reports import live, outputs, services  # noqa: E402
from cchc.reports.demo import plausible_values  # noqa: E402
from cchc.reports.form_sets import indicators_of, load_shipped_form_set  # noqa: E402
from cchc.reports.models import Period, PeriodKind, Report, ReportStatus, ReportValue  # noqa: E402

QUICK = bool(os.environ.get("BENCH_QUICK"))
SIZE = 300 if QUICK else 3500
DEPARTMENTS = 20 if QUICK else 100
TASKS_PER_UNIT = 12
ACTIVITIES_PER_UNIT = 6
ROUNDS = 10 if QUICK else 30
YEAR = 2026
GROUPS = ["Cải cách thể chế", "Cải cách thủ tục hành chính", "Cải cách tổ chức bộ máy", "Cải cách chế độ công vụ",
          "Cải cách tài chính công", "Chính quyền điện tử, chính quyền số", "Chỉ đạo, điều hành"]


def synthetic_units(n: int) -> list[Unit]:
    """A synthetic province with `DEPARTMENTS` departments and the rest communes (n in all)."""
    header = list(org_services.COLUMNS.values())
    rows = [dict(zip(header, ["SYN", "Ủy ban nhân dân tỉnh Thử nghiệm", "", "province", "", "", "", "", "", ""], strict=True))]
    for i in range(n):
        kind, name = ("department", f"Sở Thử {i}") if i < DEPARTMENTS else ("commune", f"Ủy ban nhân dân xã Thử {i}")
        rows.append(dict(zip(header, [f"SYN.{i}", name, name.replace("Ủy ban nhân dân x", "X"), kind, "SYN"] + [""] * 5,
                             strict=True)))
    result = org_services.units_import(rows)
    assert result.ok, result.errors[:3]
    return list(Unit.objects.filter(code__startswith="SYN.").order_by("pk"))


def a_year_of_work(province: Unit, units: list[Unit], rng: random.Random) -> None:
    plan = Plan.objects.create(title="Kế hoạch CCHC năm 2026 (thử nghiệm)", kind=PlanKind.REFORM, unit=province,
                               period_start=datetime.date(YEAR, 1, 1), period_end=datetime.date(YEAR, 12, 31))
    Target.objects.bulk_create([
        Target(plan=plan, text="Tỷ lệ hoàn thành Kế hoạch CCHC năm", comparator=">=", value=95, unit_of_measure="%", order=1),
        Target(plan=plan, text="Tỷ lệ xử lý các vấn đề phát hiện qua kiểm tra", comparator=">=", value=100, unit_of_measure="%", order=2),
        Target(plan=plan, text="Tỷ lệ hồ sơ giải quyết đúng hạn", comparator=">=", value=98, unit_of_measure="%", order=3),
    ])
    tasks = Task.objects.bulk_create([
        Task(plan=plan, group_code=str(i % 7 + 1), group_title=GROUPS[i % 7], number=str(i + 1), title=f"Nhiệm vụ thử {i + 1}")
        for i in range(60)
    ])
    assignments = []
    for unit in units:
        for task in rng.sample(tasks, TASKS_PER_UNIT):
            due = datetime.date(YEAR, rng.randint(1, 12), rng.randint(1, 28))
            fate = rng.random()
            progress, completed = Progress.IN_PROGRESS, None
            if fate < 0.6:
                progress, completed = Progress.DONE, due - datetime.timedelta(days=rng.randint(0, 20))
            elif fate < 0.75:
                progress, completed = Progress.DONE, due + datetime.timedelta(days=rng.randint(1, 30))
            assignments.append(Assignment(task=task, unit=unit, role=AssignmentRole.LEAD, due_date=due,
                                          progress=progress, completed_on=completed))
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    channels = list(ChannelKind)
    Activity.objects.bulk_create([
        Activity(unit=unit, date=datetime.date(YEAR, rng.randint(1, 12), rng.randint(1, 28)), channel=rng.choice(channels),
                 title="Tuyên truyền cải cách hành chính", quantity=rng.randint(1, 5), reach=rng.randint(20, 2000))
        for unit in units for _ in range(ACTIVITIES_PER_UNIT)
    ], batch_size=2000)


def fill_and_approve(period: Period, rng: random.Random) -> int:
    indicators = list(indicators_of(period.form_set))
    reports = list(Report.objects.filter(period=period, unit__code__startswith="SYN.").select_related("unit"))
    ReportValue.objects.filter(report__in=reports).delete()  # the pre-filled figures are replaced by a full report
    rows = []
    for report in reports:
        for pk, value in plausible_values(indicators, report.unit.kind, rng).items():
            rows.append(ReportValue(report=report, indicator_id=pk, value=value))
    ReportValue.objects.bulk_create(rows, batch_size=5000)
    now = timezone.now()
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(status=ReportStatus.APPROVED, submitted_at=now, approved_at=now)
    return len(rows)


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load, as autovacuum (PostgreSQL) or a periodic
    ANALYZE (SQLite) does in production; without them PostgreSQL plans nested loops over 40,000 rows."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def dashboard_run(client: Client, url: str) -> tuple[float, int]:
    executed: list[str] = []
    start = time.perf_counter()
    with connection.execute_wrapper(lambda execute, sql, *a: executed.append(sql) or execute(sql, *a)):
        response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return elapsed, len(executed)


def live_report(client: Client, period: Period, unit: Unit, rng: random.Random) -> tuple[float, int, str]:
    """One unit with 1,000 tasks and 5,000 activities: its live report, computed from the records
    at each view (p95 and queries, checked against the same page with the unit's first dozen)."""
    report = Report.objects.get(period=period, unit=unit)
    url = reverse("reports:report", args=[report.pk])
    dashboard_run(client, url)
    _, few_queries = dashboard_run(client, url)
    plan = Plan.objects.filter(unit__code="SYN").first()
    tasks = Task.objects.bulk_create([Task(plan=plan, title=f"Nhiệm vụ của đơn vị {i}", central=i % 10 == 0)
                                      for i in range(1000 - TASKS_PER_UNIT)])
    Assignment.objects.bulk_create([
        Assignment(task=t, unit=unit, role=AssignmentRole.LEAD, due_date=datetime.date(YEAR, rng.randint(1, 12), rng.randint(1, 28)),
                   progress=Progress.DONE if i % 3 else Progress.IN_PROGRESS,
                   completed_on=datetime.date(YEAR, rng.randint(1, 11), rng.randint(1, 28)) if i % 3 else None)
        for i, t in enumerate(tasks)
    ], batch_size=2000)
    channels = list(ChannelKind)
    Activity.objects.bulk_create([
        Activity(unit=unit, date=datetime.date(YEAR, rng.randint(1, 12), rng.randint(1, 28)), channel=rng.choice(channels),
                 title="Tuyên truyền", quantity=1) for _ in range(5000 - ACTIVITIES_PER_UNIT)
    ], batch_size=2000)
    analyze()
    dashboard_run(client, url)
    runs = [dashboard_run(client, url) for _ in range(ROUNDS)]
    times = sorted(t for t, _ in runs)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    n_tasks = Assignment.objects.filter(unit=unit).count()
    n_acts = Activity.objects.filter(unit=unit).count()
    print(f"live report of one unit with {n_tasks} tasks and {n_acts} activities: median {statistics.median(times) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms over {ROUNDS} runs; {runs[-1][1]} queries (with {TASKS_PER_UNIT} tasks: {few_queries})")
    return p95, runs[-1][1], f"{n_tasks} tasks, {n_acts} activities"


def main() -> None:
    vendor = connection.vendor
    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    t0 = time.perf_counter()
    units = synthetic_units(SIZE)
    province = Unit.objects.get(code="SYN")
    a_year_of_work(province, units, rng)
    form_set = load_shipped_form_set(YEAR)
    analyze()
    print(f"{vendor}: {len(units)} units, {Assignment.objects.count()} assignments, {Activity.objects.count()} activities, "
          f"{indicators_of(form_set).count()} indicators (generated in {time.perf_counter() - t0:.1f} s)")

    reverse("reports:index")  # load the URLconf first, as a running server has (else the pre-fill pays ~3 s for it)
    client = Client()
    client.force_login(User.objects.create_superuser("bench", "bench@example.invalid", "bench-Only-2026"))

    start = time.perf_counter()
    period = services.open_period(form_set, PeriodKind.YEAR, YEAR, locked_on=datetime.date(YEAR + 5, 1, 1),
                                  unit_due=datetime.date(YEAR, 12, 15))
    open_seconds = time.perf_counter() - start
    prefilled = ReportValue.objects.filter(report__period=period).count()
    print(f"open period: {period.reports.count()} reports created ({prefilled} values copied: figures are live) in {open_seconds:.2f} s")

    live_p95, live_queries, heavy = live_report(client, period, units[0], rng)
    start = time.perf_counter()
    reports = list(Report.objects.filter(period=period).select_related("unit"))
    frozen = live.freeze_many(period, reports, list(indicators_of(form_set)))
    freeze_seconds = time.perf_counter() - start
    print(f"submission: every system-fed figure of {len(reports)} reports frozen with its record ids in one pass "
          f"({frozen} values) in {freeze_seconds:.2f} s")

    n_values = fill_and_approve(period, rng)
    analyze()
    cpu = []  # this process's CPU seconds too: on shared cores the wall clock includes waiting for a core

    def timed(fn):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = fn()
        cpu.append(time.process_time() - start_cpu)
        return out, time.perf_counter() - start

    compiled, compile_seconds = timed(lambda: compiling.compile_report(period, province))
    docx_bytes, docx_seconds = timed(lambda: outputs.report_docx(compiled))
    xlsx_bytes, xlsx_seconds = timed(lambda: outputs.report_xlsx(compiled))
    total = compile_seconds + docx_seconds + xlsx_seconds
    print(f"compile {len(compiling.sources(period, province))} approved reports ({n_values} values): {compile_seconds:.2f} s; "
          f"DOCX {len(docx_bytes) // 1024} KB in {docx_seconds:.2f} s; XLSX {len(xlsx_bytes) // 1024} KB in {xlsx_seconds:.2f} s "
          f"(Python CPU {cpu[0]:.2f} / {cpu[1]:.2f} / {cpu[2]:.2f} s)")

    url = f"/bao-cao/tong-quan/?don_vi=SYN&ky={period.pk}"
    dashboard_run(client, url)  # warm up
    runs = [dashboard_run(client, url) for _ in range(ROUNDS)]
    times = sorted(t for t, _ in runs)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    queries = runs[-1][1]
    small_unit = units[DEPARTMENTS]  # one commune's dashboard: the same page over a sliver of the data
    _, small_queries = dashboard_run(client, f"/bao-cao/tong-quan/?don_vi={small_unit.code}&ky={period.pk}")
    print(f"dashboard: median {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms over {ROUNDS} runs; "
          f"{queries} queries (one commune: {small_queries})")
    _, watch_queries = dashboard_run(client, f"/bao-cao/ky/{period.pk}/")
    print(f"watch page: {watch_queries} queries")
    print(f"{vendor} {len(units)} units: open period {open_seconds:.1f} s · live report ({heavy}) p95 {live_p95 * 1000:.0f} ms, "
          f"{live_queries} queries · freeze all {freeze_seconds:.1f} s · compile + DOCX + XLSX {total:.1f} s · "
          f"dashboard p95 {p95 * 1000:.0f} ms, {queries} queries")
    print(f"compile {compile_seconds:.2f} s; DOCX {docx_seconds:.2f} s; XLSX {xlsx_seconds:.2f} s ({vendor}, {len(units)} units)")


if __name__ == "__main__":
    main()
