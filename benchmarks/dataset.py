"""The national-size dataset: generated with `cchc.dataset.generate`, rows per table and seconds.

    .venv/bin/python benchmarks/dataset.py                 # 34 provinces (~4,100 units, 1,000,000 views)
    BENCH_QUICK=1 .venv/bin/python benchmarks/dataset.py   # 34 provinces at the quick size, under a minute
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/dataset.py

With a PostgreSQL DATABASE_URL the benchmark creates its own database `bench_dataset` on that server
(dropped again at the end) and never touches the database named in the URL; otherwise SQLite in a
temporary file. It migrates, loads the demo tree (the cast and the shipped form and criteria sets),
generates the provinces, refreshes the planner's statistics, and prints the rows of each table, the
seconds per province and in all. The last line is the main figure.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import loopback  # noqa: E402  (benchmarks/loopback.py)

loopback.use_scratch_database("bench_dataset")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings_test")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from cchc.dataset import generate  # noqa: E402

QUICK = bool(os.environ.get("BENCH_QUICK"))
PROVINCES = int(os.environ.get("BENCH_PROVINCES", "34"))


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--no-plans", stdout=open(os.devnull, "w"))  # noqa: SIM115
    size = generate.QUICK if QUICK else generate.NATIONAL
    start = time.perf_counter()
    summary = generate.generate(PROVINCES, seed=2026, size=size)
    seconds = time.perf_counter() - start
    generate.analyze()
    for table, n in sorted(summary.rows.items()):
        print(f"{table:32} {n:>10,}")
    total = sum(summary.rows.values())
    units = summary.rows.get("orgs.Unit", 0)
    views = summary.figures.get("views") or 0
    print(f"{connection.vendor} {'quick' if QUICK else 'national'}: {PROVINCES} provinces, {units:,} units, "
          f"{views:,} portal views; {total:,} rows in {seconds:.1f} s "
          f"({seconds / PROVINCES:.2f} s per province, {total / seconds:,.0f} rows/s)")


if __name__ == "__main__":
    main()
