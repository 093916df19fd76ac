"""The surveys under load: the public answer endpoint through gunicorn on PostgreSQL, against
PostgreSQL's own single-row insert rate, and the results of a survey with many answer sheets.

    .venv/bin/python benchmarks/surveys.py                # 3,000 sheets posted; 100,000 sheets aggregated
    BENCH_QUICK=1 .venv/bin/python benchmarks/surveys.py  # 400 posted; 10,000 aggregated; < 1 minute

PostgreSQL only: BENCH_PG (default postgres://postgres@127.0.0.1:5432/postgres) names the server;
the script creates a scratch database `cchc_bench_surveys` there and drops it at the end.

1. Answers per second: gunicorn (BENCH_WORKERS, default 2 sync workers) serves the test settings
   with SURVEY_RATE_LIMIT_PER_HOUR=0 (0 turns the hourly limit off, see `views._rate_limited`);
   BENCH_THREADS (default 8) client threads POST complete SIPAS sheets to `/khao-sat/p/<token>/`.
   Every request is a new device: the client signs a random device cookie itself, with the settings'
   SECRET_KEY and the view's salt, exactly as `set_signed_cookie` does (the view refuses a sheet
   without one), and sends a CSRF cookie with the matching form field. Each answer must be the view's
   302 to the thank-you page, and the sheets stored are counted afterwards.
2. PostgreSQL's own single-row insert rate in the same run: a plain psycopg INSERT loop (autocommit,
   one commit per row) into a scratch table shaped like `surveys_response` (same columns, the same
   partial unique index), on one connection, and on BENCH_THREADS connections for comparison.
   The ratio of 1 to 2 is printed (goal ≥ 50 %).
3. Results: a survey with 100,000 sheets (20 answers each, 2,000,000 values; quick 10,000) is
   bulk-created, then `services.results` (index per question, factor and overall) is timed (goal
   < 1 s); also at 100,000 answer values (5,000 sheets).
The last line is the one-line summary.
"""

import datetime
import http.client
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import loopback  # noqa: E402  (benchmarks/loopback.py: scratch databases, gunicorn, client threads)
TMP = tempfile.mkdtemp(prefix="cchc-surveys-bench-")
QUICK = bool(os.environ.get("BENCH_QUICK"))
POSTS = 400 if QUICK else 3_000
INSERTS = 1_000 if QUICK else 5_000
SHEETS = 10_000 if QUICK else 100_000
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
DB_NAME = "cchc_bench_surveys"
DB_URL = loopback.create_database(loopback.BENCH_PG, DB_NAME)

os.environ["DATABASE_URL"] = DB_URL
os.environ["SURVEY_RATE_LIMIT_PER_HOUR"] = "0"  # read by settings.py (env.int); 0 = no hourly limit
# The first run opens a connection per request (what settings.py did before it kept them, 60 s by
# default since); the second run below keeps them, as the product does now.
os.environ["DB_CONN_MAX_AGE"] = "0"
os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
os.environ.setdefault("MEDIA_ROOT", f"{TMP}/media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings_test")  # DEBUG off, a fixed test key
os.environ["PYTHONWARNINGS"] = "ignore:No directory at:UserWarning"  # no collectstatic for a benchmark
# The same settings with persistent database connections, for a second run of the endpoint.
Path(TMP, "surveys_bench_persistent.py").write_text(
    "from cchc.settings_test import *  # noqa: F403\n"
    "DATABASES['default']['CONN_MAX_AGE'] = 60  # noqa: F405\n"
)
os.environ["PYTHONPATH"] = os.pathsep.join([TMP, str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)

import warnings  # noqa: E402

import psycopg  # noqa: E402

warnings.filterwarnings("ignore", "No directory at", UserWarning)


import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core import signing  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string  # noqa: E402
from django.utils import timezone  # noqa: E402

from cchc.documents.tables import read_table  # noqa: E402
from cchc.orgs import services as org_services  # noqa: E402
from cchc.orgs.management.commands.load_demo import DEMO_DIR  # noqa: E402
from cchc.orgs.models import Unit  # noqa: E402
from cchc.surveys import services  # noqa: E402
from cchc.surveys.models import Answer, Channel, Response, Survey  # noqa: E402
from cchc.surveys.views import DEVICE_COOKIE, DEVICE_SALT  # noqa: E402

BINH_GIANG = "13531"
UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"


def build() -> dict[str, Survey]:
    call_command("migrate", verbosity=0)
    province = read_table((DEMO_DIR / "province.csv").read_bytes(), "province.csv")
    communes = [r for r in read_table((DEMO_DIR / "communes.csv").read_bytes(), "communes.csv")
                if r["Mã"].split(".")[0] == BINH_GIANG]
    for rows in (province, communes):
        result = org_services.units_import(rows)
        assert result.ok, result.errors[:3]
    unit = Unit.objects.get(code=BINH_GIANG)
    today = timezone.localdate()
    q = services.load_questionnaire(services.national("sipas"), year=today.year)
    opens, closes = today - datetime.timedelta(days=30), today + datetime.timedelta(days=30)
    return {
        name: Survey.objects.create(questionnaire=q, unit=unit, desk=desk, opens_on=opens, closes_on=closes,
                                    files_handled=files)
        for name, desk, files in [("online", "Bộ phận Một cửa xã Bình Giang", 20_000),
                                  ("big", "Trung tâm Phục vụ hành chính công", SHEETS * 5),
                                  ("medium", "Điểm tiếp nhận thôn Đông", 50_000)]
    }


# --- 1. the public answer endpoint ----------------------------------------------------------------


def requests_for(survey: Survey, n: int) -> list[tuple[bytes, str]]:
    """n complete sheets, each from a new device: (form body, Cookie header), prepared before timing."""
    rng = random.Random(5)  # noqa: S311 - synthetic answers
    questions = services.questions_of(survey)
    signer = signing.get_cookie_signer(salt=DEVICE_COOKIE + DEVICE_SALT)  # as HttpResponse.set_signed_cookie
    out = []
    for _ in range(n):
        csrf = _get_new_csrf_string()
        device = signer.sign(secrets.token_urlsafe(16))  # what the view puts in a new cookie
        fields = [("csrfmiddlewaretoken", csrf)] + [(q.code, str(rng.randint(q.scale_min, q.scale_max))) for q in questions]
        cookie = f"{settings.CSRF_COOKIE_NAME}={csrf}; {DEVICE_COOKIE}={device}"
        out.append((urllib.parse.urlencode(fields).encode(), cookie))
    return out


def serve(port: int, settings_module: str) -> subprocess.Popen:
    return loopback.serve(port, WORKERS, DJANGO_SETTINGS_MODULE=settings_module)


def post_all(port: int, path: str, sheets: list[tuple[bytes, str]]) -> tuple[float, float, list[str]]:
    """POST every sheet with THREADS threads: (sheets per second, p95 ms, errors)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    queue = list(sheets)

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                body, cookie = queue.pop()
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("POST", path, body=body, headers={
                    "User-Agent": UA, "Host": "127.0.0.1", "Cookie": cookie,
                    "Content-Type": "application/x-www-form-urlencoded",
                })
                response = conn.getresponse()
                response.read()
                conn.close()
                status = response.status
                ok = status == 302 and response.getheader("Location", "").endswith("/cam-on/")
            except OSError as exc:
                status, ok = type(exc).__name__, False
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors.append(str(status))

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return len(latencies) / wall, statistics.quantiles(latencies, n=20)[-1] * 1000, errors


# --- 2. PostgreSQL's own single-row inserts -------------------------------------------------------

SCRATCH = """
DROP TABLE IF EXISTS bench_insert;
CREATE TABLE bench_insert (
    id bigserial PRIMARY KEY, survey_id bigint NOT NULL, channel varchar(10) NOT NULL, day date NOT NULL,
    device varchar(64) NOT NULL, entered_by_id bigint NULL, created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX bench_insert_one_per_device_day ON bench_insert (survey_id, device, day) WHERE device <> '';
CREATE INDEX bench_insert_survey_channel ON bench_insert (survey_id, channel);
"""
INSERT = ("INSERT INTO bench_insert (survey_id, channel, day, device, entered_by_id, created_at) "
          "VALUES (%s, %s, %s, %s, NULL, now()) RETURNING id")


def insert_rate(n: int, connections: int) -> float:
    """Rows per second: n single-row INSERTs, each committed on its own, over `connections` connections."""
    with psycopg.connect(DB_URL, autocommit=True) as conn:
        for statement in filter(str.strip, SCRATCH.split(";")):
            conn.execute(statement)
    today = datetime.date.today()
    per = n // connections
    ready = threading.Barrier(connections + 1)

    def loop(k: int):
        with psycopg.connect(DB_URL, autocommit=True) as conn:
            ready.wait()
            for i in range(per):
                conn.execute(INSERT, (1, "online", today, f"{k:02d}{i:062d}")).fetchone()

    threads = [threading.Thread(target=loop, args=(k,)) for k in range(connections)]
    for t in threads:
        t.start()
    ready.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return per * connections / (time.perf_counter() - start)


# --- 3. results -----------------------------------------------------------------------------------


def fill(survey: Survey, sheets: int) -> int:
    """`sheets` answer sheets of 20 values each, bulk-created in chunks (half online, half paper)."""
    rng = random.Random(9)  # noqa: S311
    questions = services.questions_of(survey)
    day0 = survey.opens_on
    values = 0
    for start in range(0, sheets, 5_000):
        chunk = Response.objects.bulk_create([
            Response(survey=survey, channel=Channel.ONLINE if i % 2 else Channel.PAPER,
                     day=day0 + datetime.timedelta(days=i % 30), device=f"{survey.pk}-{i}" if i % 2 else "")
            for i in range(start, min(start + 5_000, sheets))
        ], batch_size=5_000)
        answers = [Answer(response=r, question=q, value=rng.choice((1, 2, 3, 4, 4, 5, 5)))
                   for r in chunk for q in questions]
        Answer.objects.bulk_create(answers, batch_size=10_000)
        values += len(answers)
    return values


def time_results(survey: Survey, runs: int = 5) -> tuple[float, float, object]:
    """(first run ms, median of the following runs ms, the result)."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = services.results(Survey.objects.select_related("questionnaire").get(pk=survey.pk))
        times.append((time.perf_counter() - start) * 1000)
    return times[0], statistics.median(times[1:]), result


def in_process(survey: Survey, n: int) -> tuple[float, int]:
    """One POST through Django's test client in this process (no HTTP, no gunicorn): (ms, SQL statements)."""
    from django.test import Client

    path = f"/khao-sat/p/{survey.token}/"
    signer = signing.get_cookie_signer(salt=DEVICE_COOKIE + DEVICE_SALT)
    data = {q.code: "4" for q in services.questions_of(survey)}
    clients = []
    for _ in range(n + 2):
        client = Client()
        client.cookies[DEVICE_COOKIE] = signer.sign(secrets.token_urlsafe(16))
        clients.append(client)
    assert clients[0].post(path, data).status_code == 302  # warm
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):  # survives the reconnect each request makes
        assert clients[1].post(path, data).status_code == 302
    start = time.perf_counter()
    for client in clients[2:]:
        assert client.post(path, data).status_code == 302
    return (time.perf_counter() - start) / n * 1000, len(statements)


def endpoint(path: str, sheets: list, settings_module: str) -> tuple[float, float, list[str]]:
    warm, timed = sheets[:THREADS * 4], sheets[THREADS * 4:]
    port = loopback.free_port()
    server = serve(port, settings_module)
    try:
        _, _, errors = post_all(port, path, warm)  # every worker up, imported and connected once
        if errors:
            raise SystemExit(f"warm-up refused: {errors[:5]}")
        return post_all(port, path, timed)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def main() -> None:
    started = time.perf_counter()
    surveys = build()
    online = surveys["online"]
    path = f"/khao-sat/p/{online.token}/"
    batches = [requests_for(online, POSTS + THREADS * 4) for _ in range(2)]
    print(f"setup {time.perf_counter() - started:.1f} s; PostgreSQL {connection.pg_version}, database {DB_NAME}; "
          f"SURVEY_RATE_LIMIT_PER_HOUR={settings.SURVEY_RATE_LIMIT_PER_HOUR}; "
          f"CONN_MAX_AGE={settings.DATABASES['default'].get('CONN_MAX_AGE')}")
    one_ms, statements = in_process(online, 100 if QUICK else 300)
    print(f"one answer POST in process (test client, new database connection each): {one_ms:.1f} ms, "
          f"{statements} SQL statements (2 reads; the sheet and its values in one transaction)")
    connection.close()

    rps, p95, errors = endpoint(path, batches[0], os.environ["DJANGO_SETTINGS_MODULE"])
    print(f"answer endpoint: {POSTS} sheets (20 values each), gunicorn {WORKERS} workers, {THREADS} client threads: "
          f"{rps:.1f} sheets/s, p95 {p95:.1f} ms, {len(errors)} not accepted" + (f" (e.g. {errors[:3]})" if errors else ""))
    kept_rps, kept_p95, kept_errors = endpoint(path, batches[1], "surveys_bench_persistent")
    print(f"answer endpoint, same settings with CONN_MAX_AGE=60: {kept_rps:.1f} sheets/s, p95 {kept_p95:.1f} ms, "
          f"{len(kept_errors)} not accepted")
    stored = Response.objects.filter(survey=online, channel=Channel.ONLINE).count()
    values = Answer.objects.filter(response__survey=online).count()
    expected = 2 * (POSTS + THREADS * 4) + (100 if QUICK else 300) + 2
    print(f"stored {stored} online sheets, {values} values (expected {expected} sheets)")
    if errors or kept_errors or stored != expected:
        raise SystemExit("some sheets were refused or lost")

    one = insert_rate(INSERTS, 1)
    many = insert_rate(INSERTS, THREADS)
    ratio = rps / one * 100
    print(f"PostgreSQL single-row INSERT loop (psycopg, autocommit, {INSERTS} rows): 1 connection {one:.0f} rows/s; "
          f"{THREADS} connections {many:.0f} rows/s")
    print(f"ratio answer endpoint / single-row inserts: {ratio:.1f} % of 1 connection (goal ≥ 50 %), "
          f"{rps / many * 100:.1f} % of {THREADS} connections; with CONN_MAX_AGE=60 {kept_rps / one * 100:.1f} % "
          f"and {kept_rps / many * 100:.1f} %")

    fill_started = time.perf_counter()
    big_values = fill(surveys["big"], SHEETS)
    medium_values = fill(surveys["medium"], 5_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE surveys_response; ANALYZE surveys_answer")
    print(f"bulk-created {SHEETS + 5_000:,} sheets, {big_values + medium_values:,} values in "
          f"{time.perf_counter() - fill_started:.1f} s")
    figures = {}
    for name, n_sheets, n_values in (("big", SHEETS, big_values), ("medium", 5_000, medium_values)):
        first, median, result = time_results(surveys[name])
        assert result.forms == n_sheets, (result.forms, n_sheets)
        assert sum(r.n for f in result.factors for r in f.questions) + sum(r.n for r in result.others) == n_values
        figures[name] = (first, median)
        per_factor = ", ".join(f"{f.factor.code} {f.index:.1f}" for f in result.factors)
        print(f"results of {n_sheets:,} sheets ({n_values:,} values): first {first:.0f} ms, then median {median:.0f} ms "
              f"(goal < 1000 ms); index {result.index:.2f} %; factors {per_factor}")
    print(f"total time {time.perf_counter() - started:.0f} s")
    big, medium = figures["big"], figures["medium"]
    print(f"surveys: answer endpoint {rps:.0f} sheets/s = {ratio:.1f} % of PostgreSQL's {one:.0f} single-row inserts/s "
          f"(goal ≥ 50 %; {kept_rps:.0f} sheets/s = {kept_rps / one * 100:.1f} % with CONN_MAX_AGE=60); results of {SHEETS:,} sheets ({big_values:,} values) {big[1]:.0f} ms, "
          f"of 100,000 values {medium[1]:.0f} ms (goal < 1 s)")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        loopback.drop_database(loopback.BENCH_PG, DB_NAME)
