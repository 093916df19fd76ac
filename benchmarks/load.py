"""Load on loopback: gunicorn + PostgreSQL, a fixed number of requests per scenario, and a bare
Django view served by the same gunicorn in the same run as the baseline.

    .venv/bin/python benchmarks/load.py                 # 10,000 articles, 5,000 requests per public page;
                                                        # 3,500 units submitting their reports
    BENCH_QUICK=1 .venv/bin/python benchmarks/load.py   # 1,000 articles, 600 requests, 60 units, < 1 minute
    BENCH_LOAD=public | reports                         # only one of the two parts
    BENCH_UNITS=300                                     # another number of reporting units

Uses a scratch PostgreSQL database (BENCH_PG, default postgres://postgres@127.0.0.1:5432/cchc_load_bench,
dropped and re-created) and Redis as the shared cache when REDIS_URL is set (else each worker's own
memory). Reuses benchmarks/portal.py's data builder.

Public part: home, article list, article, search, the login page, the bare view. Readers follow a
realistic mix — 80 % of article reads over 20 hot articles, the rest spread over all of them; 80 %
of list views on its first page — and the share of answers served from the page cache is printed.
Prints req/s, p50/p95/p99 and errors per scenario and the public/bare ratio. After the run the
views are folded once and checked against the article reads.

Reports part ("3,500 units submit their reports in one hour, compressed to minutes"): a synthetic
province of N reporting units (departments and communes with a year of assignments and activities),
one leader per unit (who fills and sends: `can_submit_report`), the national form set and an open
year period. Each unit's client, in 16 client threads: GET the login page, POST the credentials (a
real login per unit; the benchmark's settings use the test suite's MD5 hasher, so the figure leaves
out PBKDF2's cost per login), GET its report page, POST plausible values with the CSRF token and the
revision read from the page, POST "gửi". Redirects are not followed. Errors: any answer other than
2xx/3xx, a save or login that does not redirect, and any report not "submitted" at the end; the
database is then checked: every report submitted exactly once (one "submitted" step each).

The last line is the main figure.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = tempfile.mkdtemp(prefix="cchc-load-bench-")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432/cchc_load_bench")
name = PG.rsplit("/", 1)[1]
admin = PG.rsplit("/", 1)[0] + "/postgres"
subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)  # noqa: S603,S607
subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)  # noqa: S603,S607
os.environ["DATABASE_URL"] = PG
redis = os.environ.get("REDIS_URL", "")
Path(TMP, "load_bench_urls.py").write_text(
    "from django.http import HttpResponse\nfrom django.urls import path\nfrom cchc.urls import urlpatterns as base\n"
    "def bare(request):\n    return HttpResponse('ok')\n"
    "urlpatterns = [path('bare/', bare), *base]\n"
)
Path(TMP, "load_bench_settings.py").write_text(
    "from cchc.settings_test import *  # noqa: F403\n"
    "TASKS = {'default': {'BACKEND': 'django_tasks_db.DatabaseBackend', 'QUEUES': ['default']}}\n"
    "ROOT_URLCONF = 'load_bench_urls'\n"
    + (f"CACHES = {{'default': {{'BACKEND': 'django.core.cache.backends.redis.RedisCache', 'LOCATION': {redis!r},"
       f" 'KEY_PREFIX': 'cchc-load-bench'}}}}\n" if redis else "")
)
sys.path.insert(0, TMP)
os.environ["PYTHONPATH"] = os.pathsep.join([TMP, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
os.environ["DJANGO_SETTINGS_MODULE"] = "load_bench_settings"
sys.path.insert(0, str(ROOT / "benchmarks"))

import portal as bench  # noqa: E402  (sets up Django with the settings above)

import datetime  # noqa: E402
import html  # noqa: E402
import http.client  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from http.cookies import SimpleCookie  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

# Enough requests that a scenario lasts a few seconds (200 cached pages take 0.1 s on loopback):
# the misses of a cold cache are then in the figure in proportion, not the whole of it.
REQUESTS = 600 if bench.QUICK else 5_000
PART = os.environ.get("BENCH_LOAD", "all")
UNITS = int(os.environ.get("BENCH_UNITS", "60" if bench.QUICK else "3500"))
HOT, HOT_SHARE = 20, 0.8  # 80 % of article reads over 20 articles
YEAR = 2026
PASSWORD = "Bench-Load-2026"


def drive(port: int, paths: list[str]) -> dict:
    got = bench.loopback.measure(port, paths, threads=bench.THREADS, user_agent=bench.UA, header="X-Portal-Cache")
    served = sum(got.headers.values())
    return {"rps": got.rps, "p50": got.percentile(50), "p95": got.percentile(95), "p99": got.percentile(99),
            "errors": len(got.errors), "hits": got.headers.get("hit", 0) / served if served else 0.0,
            "ok": served}


def public_paths(slugs: list[str], rng: random.Random) -> dict[str, list[str]]:
    hot, rest = slugs[:HOT], slugs

    def article() -> str:
        return f"/cai-cach-hanh-chinh/tin-tuc/{rng.choice(hot if rng.random() < HOT_SHARE else rest)}/"

    def listing() -> str:
        return f"/cai-cach-hanh-chinh/tin-tuc/?trang={1 if rng.random() < 0.8 else rng.randint(2, 10)}"

    return {
        "bare": ["/bare/"] * REQUESTS,
        "home": ["/cai-cach-hanh-chinh/"] * REQUESTS,
        "list": [listing() for _ in range(REQUESTS)],
        "article": [article() for _ in range(REQUESTS)],
        "search": [f"/cai-cach-hanh-chinh/tim-kiem/?q={rng.choice(bench.SEARCHES).replace(' ', '+')}"
                   for _ in range(REQUESTS)],
        "login": ["/dang-nhap/"] * REQUESTS,
    }


# --- 3,500 units submit their reports -------------------------------------------------------------


def build_units(n: int) -> list[dict]:
    """A synthetic province of `n` reporting units with a year of work, a leader each, the national
    form set and an open year period; returns each unit's login, report and values to type."""
    from django.contrib.auth.hashers import make_password

    from cchc.comms.models import Activity, ChannelKind
    from cchc.orgs import services as org_services
    from cchc.orgs.models import Membership, Role, Unit, User
    from cchc.plans.models import Assignment, AssignmentRole, Plan, PlanKind, Progress, Task
    from cchc.reports import services as report_services
    from cchc.reports.demo import plausible_values
    from cchc.reports.form_sets import indicators_of, load_shipped_form_set
    from cchc.reports.models import PeriodKind, Report
    from cchc.reports.views import _number

    rng = random.Random(3500)  # noqa: S311
    departments = max(n // 35, 1)
    header = list(org_services.COLUMNS.values())
    rows = [dict(zip(header, ["SYN", "Ủy ban nhân dân tỉnh Thử nghiệm", "", "province", "", "", "", "", "", ""],
                     strict=True))]
    for i in range(n):
        kind, unit_name = ("department", f"Sở Thử {i}") if i < departments else ("commune", f"Ủy ban nhân dân xã Thử {i}")
        rows.append(dict(zip(header, [f"SYN.{i}", unit_name, unit_name.replace("Ủy ban nhân dân x", "X"), kind, "SYN"]
                             + [""] * 5, strict=True)))
    result = org_services.units_import(rows)
    assert result.ok, result.errors[:3]
    units = list(Unit.objects.filter(code__startswith="SYN.").order_by("pk"))
    # A year of work, as benchmarks/reports.py builds it: the report's live figures read these.
    plan = Plan.objects.create(title="Kế hoạch CCHC năm 2026 (thử tải)", kind=PlanKind.REFORM,
                               unit=Unit.objects.get(code="SYN"), period_start=datetime.date(YEAR, 1, 1),
                               period_end=datetime.date(YEAR, 12, 31))
    tasks = Task.objects.bulk_create([Task(plan=plan, group_code=str(i % 7 + 1), number=str(i + 1),
                                           title=f"Nhiệm vụ thử {i + 1}") for i in range(60)])
    Assignment.objects.bulk_create([
        Assignment(task=task, unit=unit, role=AssignmentRole.LEAD,
                   due_date=datetime.date(YEAR, rng.randint(1, 12), rng.randint(1, 28)),
                   progress=Progress.DONE if rng.random() < 0.7 else Progress.IN_PROGRESS,
                   completed_on=datetime.date(YEAR, rng.randint(1, 11), rng.randint(1, 28)))
        for unit in units for task in rng.sample(tasks, 12)
    ], batch_size=2000)
    channels = list(ChannelKind)
    Activity.objects.bulk_create([
        Activity(unit=unit, date=datetime.date(YEAR, rng.randint(1, 11), rng.randint(1, 28)), channel=rng.choice(channels),
                 title="Tuyên truyền cải cách hành chính", quantity=rng.randint(1, 5), reach=rng.randint(20, 2000))
        for unit in units for _ in range(6)
    ], batch_size=2000)
    # One leader per unit; one hash for all (the same password), so building 3,500 people is quick.
    hashed = make_password(PASSWORD)
    User.objects.bulk_create([User(username=f"lanhdao.syn{i}", full_name=f"Lãnh đạo {u.name}", password=hashed)
                              for i, u in enumerate(units)], batch_size=2000)
    people = dict(User.objects.filter(username__startswith="lanhdao.syn").values_list("username", "pk"))
    Membership.objects.bulk_create([Membership(user_id=people[f"lanhdao.syn{i}"], unit=u, role=Role.LEADER)
                                    for i, u in enumerate(units)], batch_size=2000)
    form_set = load_shipped_form_set(YEAR)
    period = report_services.open_period(form_set, PeriodKind.YEAR, YEAR, locked_on=datetime.date(YEAR + 5, 1, 1),
                                         unit_due=datetime.date(YEAR + 1, 1, 15))
    indicators = list(indicators_of(form_set))
    kinds = {i.pk: i.kind for i in indicators}
    by_unit = {r.unit_id: r.pk for r in Report.objects.filter(period=period, unit__in=units)}
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum does after a bulk load
    return [
        {"username": f"lanhdao.syn{i}", "report": by_unit[u.pk],
         "values": {pk: _number(v, kinds[pk]) for pk, v in plausible_values(indicators, u.kind, rng).items()}}
        for i, u in enumerate(units)
    ]


class Browser:
    """One person's browser: cookies kept, each request on a new loopback connection."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        headers = {"User-Agent": bench.UA, "Host": "127.0.0.1",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        conn.close()
        for raw in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(raw).items():
                self.cookies[key] = morsel.value
        return response.status, response.getheader("Location", ""), text


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVISION = re.compile(r'name="revision" value="(\d+)"')
FIELD = re.compile(r'name="v(\d+)"')
PROBLEM = re.compile(r'id="loi">.*?<li>(.*?)</li>', re.S)
STEPS = ["login page", "sign in", "report page", "save values", "submit"]


def submit_all(port: int, units: list[dict]) -> dict:
    timings: dict[str, list[float]] = {s: [] for s in STEPS}
    errors: list[str] = []
    lock = threading.Lock()
    queue = list(reversed(units))

    def step(browser: Browser, name: str, method: str, path: str, form=None, expect=(200, 302)):
        start = time.perf_counter()
        try:
            status, location, text = browser.request(method, path, form)
        except OSError as exc:
            status, location, text = type(exc).__name__, "", ""
        with lock:
            timings[name].append((time.perf_counter() - start) * 1000)
            if status not in expect:
                problem = PROBLEM.search(text)  # the report page's first "Chưa lưu" reason
                errors.append(f"{name}: {status} {path}" + (f" ({html.unescape(problem.group(1))})" if problem else ""))
        return status, location, text

    def flow(unit: dict) -> None:
        browser = Browser(port)
        _, _, page = step(browser, "login page", "GET", "/dang-nhap/", expect=(200,))
        token = TOKEN.search(page)
        _, _, _ = step(browser, "sign in", "POST", "/dang-nhap/", {
            "csrfmiddlewaretoken": token.group(1) if token else "", "username": unit["username"],
            "password": PASSWORD}, expect=(302,))
        report = f"/bao-cao/{unit['report']}/"
        _, _, page = step(browser, "report page", "GET", report, expect=(200,))
        token, revision = TOKEN.search(page), REVISION.search(page)
        # Every field the page shows, those the records could fill included (plausible_values keeps
        # parts within totals only when the totals are typed too).
        shown = {int(pk) for pk in FIELD.findall(page)}
        form = {"csrfmiddlewaretoken": token.group(1) if token else "",
                "revision": revision.group(1) if revision else ""}
        form.update({f"v{pk}": text for pk, text in unit["values"].items() if pk in shown})
        step(browser, "save values", "POST", report, form, expect=(302,))
        step(browser, "submit", "POST", f"{report}gui/", {"csrfmiddlewaretoken": form["csrfmiddlewaretoken"]},
             expect=(302,))

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                unit = queue.pop()
            flow(unit)

    start = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(bench.THREADS)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    seconds = time.perf_counter() - start
    every = [ms for s in STEPS for ms in timings[s]]
    q = statistics.quantiles(every, n=100)
    return {"seconds": seconds, "requests": len(every), "rps": len(every) / seconds, "p50": q[49], "p95": q[94],
            "p99": q[98], "errors": errors,
            "steps": {s: statistics.quantiles(timings[s], n=100)[94] for s in STEPS if len(timings[s]) > 1}}


def check_submitted(units: list[dict]) -> tuple[int, int, int]:
    """(reports submitted, reports with exactly one "submitted" step, reports in another state)."""
    from django.db.models import Count, Q

    from cchc.reports.models import Report, ReportStatus

    rows = Report.objects.filter(pk__in=[u["report"] for u in units]).annotate(
        sent=Count("steps", filter=Q(steps__action="submitted")))
    submitted = sum(1 for r in rows if r.status == ReportStatus.SUBMITTED)
    once = sum(1 for r in rows if r.status == ReportStatus.SUBMITTED and r.sent == 1)
    return submitted, once, len(units) - submitted


def main() -> None:
    started = time.perf_counter()
    if redis:
        from django.core.cache import cache

        cache.clear()
    slugs = bench.build()
    units = []
    if PART in ("all", "reports"):
        t0 = time.perf_counter()
        units = build_units(UNITS)
        print(f"reports data: {len(units)} units with a leader each and an open year period "
              f"({time.perf_counter() - t0:.0f} s)")
    from django.db import connection

    connection.close()
    rng = random.Random(5)  # noqa: S311
    port = bench.loopback.free_port()
    server = bench.serve(port)
    results, sent = {}, None
    try:
        drive(port, ["/cai-cach-hanh-chinh/", "/bare/"] * bench.THREADS)
        if PART in ("all", "public"):
            results = {name: drive(port, paths) for name, paths in public_paths(slugs, rng).items()}
            # The baseline again at the end: other work on the shared cores moves it; the ratios use
            # the mean of both and both are printed.
            results["bare again"] = drive(port, ["/bare/"] * REQUESTS)
        if units:
            sent = submit_all(port, units)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    print(f"gunicorn {bench.WORKERS} workers, {bench.THREADS} client threads, PostgreSQL, "
          f"cache {'Redis' if redis else 'per-worker memory'}; 2 shared cores: client and server compete")
    summary = []
    if results:
        print(f"public: {REQUESTS} requests per scenario; article mix {HOT_SHARE:.0%} of reads over {HOT} hot articles, "
              f"the rest over all {len(slugs):,}; list 80 % page 1, the rest pages 2-10")
        for name, r in results.items():
            cached = f"  cache hits {r['hits']:.0%}" if name not in ("bare", "bare again", "login") else ""
            print(f"{name:10s} {r['rps']:7.1f} req/s  p50 {r['p50']:6.1f}  p95 {r['p95']:6.1f}  p99 {r['p99']:6.1f} ms"
                  f"  errors {r['errors']}{cached}")
        bare = (results["bare"]["rps"] + results["bare again"]["rps"]) / 2
        ratios = {n: results[n]["rps"] / bare for n in ("home", "list", "article", "search")}
        print(f"public/bare (bare = mean of {results['bare']['rps']:.0f} and {results['bare again']['rps']:.0f}): " + ", ".join(f"{n} {v:.0%}" for n, v in ratios.items()))
        from cchc.portal.services import views_rollup_safe

        folded = views_rollup_safe()
        print(f"views: {folded} folded by one rollup after the run, for {results['article']['ok']} article pages served")
        summary.append(f"bare {bare:.0f} req/s; " + "; ".join(f"{n} {results[n]['rps']:.0f} ({ratios[n]:.0%})"
                                                              for n in ratios)
                       + f"; login page {results['login']['rps']:.0f}; errors {sum(r['errors'] for r in results.values())}")
    if sent is not None:
        submitted, once, other = check_submitted(units)
        errors = len(sent["errors"]) + other
        print(f"reports: {len(units)} units x {len(STEPS)} requests = {sent['requests']} requests in {sent['seconds']:.1f} s: "
              f"{sent['rps']:.1f} req/s, p50 {sent['p50']:.0f}  p95 {sent['p95']:.0f}  p99 {sent['p99']:.0f} ms; "
              f"{len(sent['errors'])} HTTP errors{(' e.g. ' + '; '.join(sent['errors'][:3])) if sent['errors'] else ''}")
        print("reports p95 by step: " + ", ".join(f"{s} {ms:.0f} ms" for s, ms in sent["steps"].items()))
        print(f"reports in the database: {submitted}/{len(units)} submitted, {once} exactly once, {other} not submitted")
        per_hour = len(units) / sent["seconds"] * 3600
        print(f"reports: {per_hour:,.0f} units an hour at this pace, {per_hour / 3500:.1f} x the 3,500 of a deadline hour")
        summary.append(f"{len(units)} units submitted in {sent['seconds']:.0f} s ({sent['rps']:.0f} req/s, p95 "
                       f"{sent['p95']:.0f} ms, {per_hour:,.0f} units/h), errors {errors}")
    print(f"load ({len(slugs):,} articles, {time.perf_counter() - started:.0f} s): " + " · ".join(summary))


if __name__ == "__main__":
    main()
