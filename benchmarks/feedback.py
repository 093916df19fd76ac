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
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import loopback  # noqa: E402  (benchmarks/loopback.py: scratch databases, gunicorn, client threads)
TMP = tempfile.mkdtemp(prefix="cchc-feedback-bench-")
QUICK = bool(os.environ.get("BENCH_QUICK"))
ITEMS = 5_000 if QUICK else 50_000
REQUESTS = 300 if QUICK else 2_000
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
DB_NAME = "cchc_bench_feedback"

os.environ["DATABASE_URL"] = loopback.create_database(loopback.BENCH_PG, DB_NAME)
os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
os.environ.setdefault("MEDIA_ROOT", f"{TMP}/media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings_test")  # DEBUG off, a fixed test key
os.environ["PYTHONWARNINGS"] = "ignore:No directory at:UserWarning"  # no collectstatic for a benchmark
os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)

import warnings  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")

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


def serve(port: int) -> subprocess.Popen:
    return loopback.serve(port, WORKERS)


def drive(port: int, paths: list[str]) -> tuple[float, float]:
    return loopback.fetch(port, paths, threads=THREADS, user_agent=UA)


def main() -> None:
    started = time.perf_counter()
    try:
        codes = build()
        print(f"setup {time.perf_counter() - started:.0f} s")
        rng = random.Random(11)  # noqa: S311
        counts = query_counts(codes[0])
        connection.close()
        port = loopback.free_port()
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
        loopback.drop_database(loopback.BENCH_PG, DB_NAME)


if __name__ == "__main__":
    main()
