"""The public "Cải cách hành chính" section under load, served by gunicorn.

    .venv/bin/python benchmarks/portal.py            # 10,000 articles, 1,000,000 views
    BENCH_QUICK=1 .venv/bin/python benchmarks/portal.py   # 1,000 articles, 100,000 views, < 1 minute

Builds a fresh SQLite file in a temp dir (or uses DATABASE_URL if set), bulk-creates published
articles and their view counts (stored pre-aggregated per article and day, as the rollup stores
them), starts gunicorn (BENCH_WORKERS, default 4) and drives it with a small concurrent client
(BENCH_THREADS threads, http.client). Every article request also records a view (an INSERT), so
the figure includes the counting. Prints requests per second and p95 latency for the home page, an
article and a search, and the SQL queries each page costs. The last line is the main figure.
"""

import datetime
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import loopback  # noqa: E402  (benchmarks/loopback.py: scratch databases, gunicorn, client threads)
TMP = tempfile.mkdtemp(prefix="cchc-portal-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
# The test settings (no collectstatic needed), with background tasks queued in the database as in
# production: a view never runs the rollup inline; the script runs it once at the end and times it.
Path(TMP, "portal_bench_settings.py").write_text(
    "from cchc.settings_test import *  # noqa: F403\n"
    "TASKS = {'default': {'BACKEND': 'django_tasks_db.DatabaseBackend', 'QUEUES': ['default']}}\n"
)
sys.path.insert(0, TMP)
os.environ["PYTHONPATH"] = os.pathsep.join([TMP, str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_bench_settings")
os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
os.environ.setdefault("MEDIA_ROOT", f"{TMP}/media")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from cchc.documents.tables import read_table  # noqa: E402
from cchc.lib.text import fold  # noqa: E402
from cchc.orgs import services as org_services  # noqa: E402
from cchc.orgs.management.commands.load_demo import DEMO_DIR  # noqa: E402
from cchc.orgs.models import Role, Unit, User  # noqa: E402
from cchc.portal.demo import load_demo  # noqa: E402
from cchc.portal.models import Article, ArticleDailyViews, ArticleStatus  # noqa: E402
from cchc.portal.services import slugify_vi  # noqa: E402

QUICK = bool(os.environ.get("BENCH_QUICK"))
ARTICLES = 1_000 if QUICK else 10_000
VIEWS = 100_000 if QUICK else 1_000_000
REQUESTS = 100 if QUICK else 1_000
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "16"))
UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"

SUBJECTS = ["Bộ phận Một cửa", "Dịch vụ công trực tuyến", "Chuyển đổi số", "Cải cách thủ tục hành chính",
            "Chính quyền điện tử", "Chỉ số hài lòng", "Thanh toán trực tuyến", "Số hóa hồ sơ",
            "Tuyên truyền cải cách hành chính", "Kiểm soát thủ tục hành chính"]
PLACES = ["xã Bình Giang", "phường Phủ Lý", "phường Hoa Lư", "xã Nghĩa Hưng", "phường Nam Định", "xã Kim Sơn",
          "phường Tam Điệp", "xã Ý Yên", "Sở Nội vụ", "Sở Tư pháp"]
VERBS = ["đẩy mạnh", "triển khai hiệu quả", "nâng cao chất lượng", "sơ kết", "tập huấn", "rút ngắn thời gian"]
SEARCHES = ["cai cach", "mot cua", "dich vu cong truc tuyen", "binh giang", "chuyen doi so", "so hoa ho so"]


def build() -> list[str]:
    call_command("migrate", verbosity=0)
    # The province, its newspaper and office, and the two demo people the section needs (the full
    # demo tree of 1,200 units adds nothing to these pages).
    province = read_table((DEMO_DIR / "province.csv").read_bytes(), "province.csv")
    wanted = [r for r in province if r["Mã"] in {"37", "37.BAO", "37.VPUB"} or r["Mã"].endswith("-cu")]
    result = org_services.units_import(wanted)
    assert result.ok, result.errors[:3]
    for username, name, code, role in [("ctv.bao", "Hoàng Đức Anh", "37.BAO", Role.COLLABORATOR),
                                       ("bientap", "Ngô Thị Hương", "37.VPUB", Role.EDITOR)]:
        org_services.person_create(username=username, full_name=name, email="", password="Bench-2025-x",
                                   unit=Unit.objects.get(code=code), role=role)
    load_demo()
    rng = random.Random(7)  # noqa: S311 - synthetic data
    author = User.objects.get(username="ctv.bao")
    unit = Unit.objects.get(code="37.BAO")
    now = timezone.now()
    rows, slugs = [], []
    for i in range(ARTICLES):
        title = f"{rng.choice(PLACES).capitalize()} {rng.choice(VERBS)} {rng.choice(SUBJECTS).lower()} (tin {i})"
        body = "".join(f"<p>{rng.choice(PLACES)} {rng.choice(VERBS)} {rng.choice(SUBJECTS).lower()}; người dân, "
                       f"doanh nghiệp được phục vụ tốt hơn, hồ sơ được giải quyết đúng hạn.</p>" for _ in range(6))
        slug = f"{slugify_vi(title)}-{i}"
        slugs.append(slug)
        text = fold(f"{title} {body}")
        rows.append(Article(
            unit=unit, author=author, title=title, slug=slug, body=body, excerpt=title, search_text=text,
            status=ArticleStatus.PUBLISHED, published_at=now - datetime.timedelta(minutes=i * 37),
            published_by=author,
        ))
    Article.objects.bulk_create(rows, batch_size=1000)
    ids = [a.pk for a in rows] if rows[0].pk else list(
        Article.objects.order_by("-pk").values_list("pk", flat=True)[:ARTICLES])
    # Views, as the rollup stores them: one row per article and day over the last 30 days.
    today = timezone.localdate()
    per_row = max(VIEWS // (ARTICLES * 10), 1)
    daily, total = [], 0
    for pk in ids:
        for day in rng.sample(range(30), 10):
            daily.append(ArticleDailyViews(article_id=pk, day=today - datetime.timedelta(days=day), count=per_row))
            total += per_row
    ArticleDailyViews.objects.bulk_create(daily, batch_size=5000)
    print(f"data: {Article.objects.filter(status='published').count()} published articles, "
          f"{total:,} views in {len(daily):,} daily rows")
    return slugs


def query_counts(slug: str) -> dict[str, int]:
    client = Client(HTTP_USER_AGENT=UA)
    client.get("/cai-cach-hanh-chinh/")  # warm the cached province name and "most read" list
    client.get(f"/cai-cach-hanh-chinh/tin-tuc/{slug}/")  # the first view schedules a rollup: not per page
    counts = {}
    for name, url in [("home", "/cai-cach-hanh-chinh/"), ("article", f"/cai-cach-hanh-chinh/tin-tuc/{slug}/"),
                      ("search", "/cai-cach-hanh-chinh/tim-kiem/?q=cai+cach")]:
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
    slugs = build()
    print(f"setup {time.perf_counter() - started:.0f} s")
    rng = random.Random(11)  # noqa: S311
    counts = query_counts(slugs[0])
    connection.close()
    port = loopback.free_port()
    server = serve(port)
    try:
        drive(port, ["/cai-cach-hanh-chinh/"] * (THREADS * 2))  # warm every worker
        print(f"server up and warm at {time.perf_counter() - started:.0f} s")
        results = {
            "home": drive(port, ["/cai-cach-hanh-chinh/"] * REQUESTS),
            "article": drive(port, [f"/cai-cach-hanh-chinh/tin-tuc/{rng.choice(slugs)}/" for _ in range(REQUESTS)]),
            "search": drive(port, ["/cai-cach-hanh-chinh/tim-kiem/?" + urllib.parse.urlencode({"q": rng.choice(SEARCHES)})
                                   for _ in range(REQUESTS)]),
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    from cchc.portal.models import ArticleHit
    from cchc.portal.services import views_rollup_safe

    pending = ArticleHit.objects.count()
    rollup_started = time.perf_counter()
    folded = views_rollup_safe()
    rollup_ms = (time.perf_counter() - rollup_started) * 1000
    print(f"gunicorn {WORKERS} workers, {THREADS} client threads, {REQUESTS} requests per page, "
          f"database {connection.vendor}")
    for name, (rps, p95) in results.items():
        print(f"{name:8s} {rps:7.1f} req/s   p95 {p95:7.1f} ms   {counts[name]} SQL queries")
    print(f"views recorded during the run: {pending}; one rollup folded {folded} in {rollup_ms:.0f} ms; "
          f"total time {time.perf_counter() - started:.0f} s")
    home, article, search = results["home"], results["article"], results["search"]
    print(f"portal ({ARTICLES:,} articles, {VIEWS:,} views): home {home[0]:.0f} req/s, p95 {home[1]:.0f} ms; "
          f"article {article[0]:.0f} req/s, p95 {article[1]:.0f} ms; search {search[0]:.0f} req/s, p95 {search[1]:.0f} ms")


if __name__ == "__main__":
    main()
