"""The public feedback pages under load, served by gunicorn on PostgreSQL.

    .venv/bin/python benchmarks/feedback.py                 # 50,000 items, 2,000 requests per page
    BENCH_QUICK=1 .venv/bin/python benchmarks/feedback.py   # 5,000 items, 300 requests per page, < 1 minute

PostgreSQL only: BENCH_PG (default postgres://postgres@127.0.0.1:5432/postgres) names the server; the
script creates a scratch database `cchc_bench_feedback` there and drops it at the end. Loads the
demo unit tree (the province and its 129 communes and wards), bulk-creates feedback items spread
over the communes (70 % answered, each with an answer, the texts carrying phone numbers that the
published text masks), starts gunicorn (BENCH_WORKERS, default 2) and drives it with BENCH_THREADS
(default 8) client threads: the public list `/phan-anh/` (its first 10 pages) and tracking pages
`/phan-anh/<code>/` of random items. Prints requests per second, p95 latency and the SQL queries
each page costs; the last line is the main figure.
"""

import datetime
import http.client
import os
import random
import signal
import socket
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
TMP = tempfile.mkdtemp(prefix="cchc-feedback-bench-")
QUICK = bool(os.environ.get("BENCH_QUICK"))
ITEMS = 5_000 if QUICK else 50_000
REQUESTS = 300 if QUICK else 2_000
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
ADMIN_URL = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = "cchc_bench_feedback"
_admin = urllib.parse.urlsplit(ADMIN_URL)
DB_URL = urllib.parse.urlunsplit(_admin._replace(path=f"/{DB_NAME}"))

os.environ["DATABASE_URL"] = DB_URL
os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
os.environ.setdefault("MEDIA_ROOT", f"{TMP}/media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings_test")  # DEBUG off, a fixed test key
os.environ["PYTHONWARNINGS"] = "ignore:No directory at:UserWarning"  # no collectstatic for a benchmark
os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)

import warnings  # noqa: E402

import psycopg  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")


def _admin_conn():
    return psycopg.connect(ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True)


with _admin_conn() as admin:
    admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
    admin.execute(f'CREATE DATABASE "{DB_NAME}"')

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from cchc.documents.tables import read_table  # noqa: E402
from cchc.feedback import services  # noqa: E402
from cchc.feedback.models import Answer, Feedback, FeedbackRoute, Status, new_code  # noqa: E402
from cchc.orgs import services as org_services  # noqa: E402
from cchc.orgs.management.commands.load_demo import DEMO_DIR  # noqa: E402

UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"
SUBJECTS = ["Hồ sơ chứng thực trả chậm", "Đèn đường hỏng", "Rác tồn đọng", "Cống thoát nước tắc",
            "Chưa được cấp giấy chứng nhận quyền sử dụng đất", "Hướng dẫn hồ sơ không thống nhất",
            "Thanh toán trực tuyến lỗi", "Lấn chiếm vỉa hè"]


def build() -> list[str]:
    call_command("migrate", verbosity=0)
    for name in ("province.csv", "communes.csv"):
        result = org_services.units_import(read_table((DEMO_DIR / name).read_bytes(), name))
        assert result.ok, result.errors[:3]
    services.sync_categories()
    cats = services.categories()
    places = services.communes()
    rng = random.Random(5)  # noqa: S311 - synthetic data
    now = timezone.now()
    items, codes = [], set()
    for i in range(ITEMS):
        cat, place = rng.choice(cats), rng.choice(places)
        created = now - datetime.timedelta(hours=rng.randint(1, 24 * 300))
        day = timezone.localtime(created).date()
        text = (f"{rng.choice(SUBJECTS)} tại {place.display_name}; xin liên hệ 09{rng.randint(10, 99)} {rng.randint(100, 999)} "
                f"{rng.randint(100, 999)}. Phản ánh số {i}, đề nghị cơ quan có thẩm quyền xem xét, giải quyết.")
        code = new_code()
        while code in codes:
            code = new_code()
        codes.add(code)
        answered = rng.random() < 0.7
        at = created + datetime.timedelta(hours=rng.randint(2, 24 * 20)) if answered else None
        items.append(Feedback(
            code=code, title=rng.choice(SUBJECTS), text=text, public_title=rng.choice(SUBJECTS),
            public_text=services.mask_personal(text), category=cat, place=place, unit=place,
            status=Status.ANSWERED if answered else Status.RECEIVED, received_on=day,
            deadline=services.add_days(day, cat.deadline_days, cat.working_days),
            answered_at=at, answered_on=timezone.localtime(at).date() if at else None,
        ))
    Feedback.objects.bulk_create(items, batch_size=2000)
    items = list(Feedback.objects.only("pk", "unit_id", "answered_at", "code"))
    FeedbackRoute.objects.bulk_create([FeedbackRoute(feedback=f, to_unit_id=f.unit_id, reason="Theo quy tắc")
                                       for f in items], batch_size=5000)
    answers = [Answer(feedback=f, unit_id=f.unit_id, created_at=f.answered_at,
                      text="Đã liên hệ công dân theo số 0912 345 678 và giải quyết xong.",
                      public_text=services.mask_personal("Đã liên hệ công dân theo số 0912 345 678 và giải quyết xong."))
               for f in items if f.answered_at]
    Answer.objects.bulk_create(answers, batch_size=5000)
    with connection.cursor() as cursor:  # what autovacuum does on a live server: statistics, visibility map
        cursor.execute("VACUUM ANALYZE")
    print(f"data: {len(items):,} feedback items over {len(places)} communes and wards, {len(answers):,} answered")
    return [f.code for f in items]


def query_counts(code: str) -> dict[str, int]:
    client = Client(HTTP_USER_AGENT=UA)
    client.get("/phan-anh/")  # warm the cached province name
    counts = {}
    for name, url in [("list", "/phan-anh/"), ("list p5", "/phan-anh/?trang=5"), ("tracking", f"/phan-anh/{code}/")]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts[name] = len(ctx.captured_queries)
    return counts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "cchc.wsgi", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "60"],
        cwd=ROOT, env={**os.environ}, start_new_session=True,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def drive(port: int, paths: list[str]) -> tuple[float, float]:
    """Fetch all paths with THREADS threads; returns (requests per second, p95 ms)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    queue = list(paths)

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", path, headers={"User-Agent": UA, "Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                conn.close()
                status = response.status
            except OSError as exc:
                status = type(exc).__name__
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(f"{status} {path}")

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    if len(errors) > len(latencies) // 100:
        raise SystemExit(f"{len(errors)} errors, e.g. {errors[:3]}")
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000
    return len(latencies) / wall, p95


def main() -> None:
    started = time.perf_counter()
    try:
        codes = build()
        print(f"setup {time.perf_counter() - started:.0f} s")
        rng = random.Random(11)  # noqa: S311
        counts = query_counts(codes[0])
        connection.close()
        port = free_port()
        server = serve(port)
        try:
            drive(port, ["/phan-anh/"] * (THREADS * 2))  # warm every worker
            results = {
                "list": drive(port, [f"/phan-anh/?trang={rng.randint(1, 10)}" for _ in range(REQUESTS)]),
                "tracking": drive(port, [f"/phan-anh/{rng.choice(codes)}/" for _ in range(REQUESTS)]),
            }
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        print(f"gunicorn {WORKERS} workers, {THREADS} client threads, {REQUESTS} requests per page, "
              f"database {connection.vendor}, SQL queries: {counts}")
        for name, (rps, p95) in results.items():
            print(f"{name:9s} {rps:7.1f} req/s   p95 {p95:7.1f} ms")
        print(f"total time {time.perf_counter() - started:.0f} s")
        (lrps, lp95), (trps, tp95) = results["list"], results["tracking"]
        print(f"feedback ({ITEMS:,} items, PostgreSQL): public list {lrps:.0f} req/s, p95 {lp95:.0f} ms; "
              f"tracking page {trps:.0f} req/s, p95 {tp95:.0f} ms")
    finally:
        connection.close()
        with _admin_conn() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


if __name__ == "__main__":
    main()
