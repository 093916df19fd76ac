"""Load on loopback: gunicorn + PostgreSQL, a fixed number of requests per scenario, and a bare
Django view served by the same gunicorn in the same run as the baseline.

    .venv/bin/python benchmarks/load.py                 # 10,000 articles, 1,000 requests per scenario
    BENCH_QUICK=1 .venv/bin/python benchmarks/load.py   # 1,000 articles, 200 requests, < 1 minute

Uses a scratch PostgreSQL database (BENCH_PG, default postgres://postgres@127.0.0.1:5432/cchc_load_bench,
dropped and re-created) and Redis as the shared cache when REDIS_URL is set (else each worker's own
memory). Reuses benchmarks/portal.py's data builder. Scenarios: home, article list, article, search,
the login page, the bare view. Prints req/s, p50/p95/p99 and errors per scenario, the public/bare
ratio, and the summary on the last line.

Not yet here: the "3,500 units submitting their reports" scenario (see the closing note).
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

import random  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402

REQUESTS = 200 if bench.QUICK else 1_000


def drive(port: int, paths: list[str]) -> dict:
    got = bench.loopback.measure(port, paths, threads=bench.THREADS, user_agent=bench.UA)
    return {"rps": got.rps, "p50": got.percentile(50), "p95": got.percentile(95), "p99": got.percentile(99),
            "errors": len(got.errors)}


def main() -> None:
    started = time.perf_counter()
    if redis:
        from django.core.cache import cache

        cache.clear()
    slugs = bench.build()
    from django.db import connection

    connection.close()
    rng = random.Random(5)  # noqa: S311
    port = bench.loopback.free_port()
    server = bench.serve(port)
    try:
        drive(port, ["/cai-cach-hanh-chinh/", "/bare/"] * bench.THREADS)
        scenarios = {
            "bare": ["/bare/"] * REQUESTS,
            "home": ["/cai-cach-hanh-chinh/"] * REQUESTS,
            "list": [f"/cai-cach-hanh-chinh/tin-tuc/?trang={rng.randint(1, 5)}" for _ in range(REQUESTS)],
            "article": [f"/cai-cach-hanh-chinh/tin-tuc/{rng.choice(slugs[:50])}/" for _ in range(REQUESTS)],
            "search": [f"/cai-cach-hanh-chinh/tim-kiem/?q={rng.choice(bench.SEARCHES).replace(' ', '+')}"
                       for _ in range(REQUESTS)],
            "login": ["/dang-nhap/"] * REQUESTS,
        }
        results = {name: drive(port, paths) for name, paths in scenarios.items()}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    print(f"gunicorn {bench.WORKERS} workers, {bench.THREADS} client threads, {REQUESTS} requests per scenario, "
          f"PostgreSQL, cache {'Redis' if redis else 'per-worker memory'}")
    for name, r in results.items():
        print(f"{name:8s} {r['rps']:7.1f} req/s  p50 {r['p50']:6.1f}  p95 {r['p95']:6.1f}  p99 {r['p99']:6.1f} ms"
              f"  errors {r['errors']}")
    bare = results["bare"]["rps"]
    ratios = {n: results[n]["rps"] / bare for n in ("home", "list", "article", "search")}
    print("public/bare: " + ", ".join(f"{n} {v:.0%}" for n, v in ratios.items()))
    print(f"load ({bench.ARTICLES:,} articles, {time.perf_counter() - started:.0f} s): bare {bare:.0f} req/s; "
          + "; ".join(f"{n} {results[n]['rps']:.0f} req/s ({ratios[n]:.0%})" for n in ratios)
          + f"; login {results['login']['rps']:.0f} req/s; errors {sum(r['errors'] for r in results.values())}")


if __name__ == "__main__":
    main()
