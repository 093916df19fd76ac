"""Figures for the foundation: demo load, resolver throughput, unit-tree page as the tree grows.

    .venv/bin/python benchmarks/bench_units.py            # SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/bench_units.py
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
tmp = tempfile.mkdtemp()
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings_test")
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("PYTHONWARNINGS", "ignore")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from cchc.orgs import services  # noqa: E402
from cchc.orgs.models import Unit, User  # noqa: E402
from cchc.orgs.resolver import UnitResolver  # noqa: E402

PHRASES = [
    "Các sở, ban, ngành; UBND cấp xã", "Sở Khoa học và Công nghệ", "Văn phòng UBND tỉnh",
    "Báo và Đài Phát thanh - Truyền hình tỉnh", "Bưu điện tỉnh, các sở, ban, ngành, UBND cấp xã",
    "Sở Nội vụ, Sở Khoa học và Công nghệ", "Uỷ ban Mặt trận Tổ quốc Việt Nam tỉnh Ninh Bình",
    "Cac so, ban, nganh; UBND cap xa", "Sở Tư pháp và các cơ quan liên quan", "Sở Ngoại vụ",
]


def timed(fn, repeat=5):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("load_demo", "--no-plans", stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"load_demo (first run):  {time.perf_counter() - start:6.2f} s, {Unit.objects.count()} units")
    print(f"load_demo (second run): {timed(lambda: call_command('load_demo', '--no-plans', stdout=open(os.devnull, 'w')), 1):6.2f} s")  # noqa: SIM115

    build = timed(lambda: UnitResolver(), 3)
    resolver = UnitResolver()
    per_phrase = timed(lambda: [resolver.resolve(p) for p in PHRASES], 5) / len(PHRASES)
    print(f"resolver: build {build * 1000:.0f} ms, {per_phrase * 1000:.2f} ms per phrase")

    client = Client()
    client.force_login(User.objects.get(username="dieuphoi"))
    for label in ("demo tree", "+500 units"):
        if label == "+500 units":
            header = list(services.COLUMNS.values())
            rows = [dict(zip(header, [f"B.{i}", f"Đơn vị {i}", "", "department", "37"] + [""] * 5, strict=True)) for i in range(500)]
            services.units_import(rows)
        executed = []
        with connection.execute_wrapper(lambda execute, sql, *a: executed.append(sql) or execute(sql, *a)):
            response = client.get("/don-vi/")
        assert response.status_code == 200, response.status_code
        page = timed(lambda: client.get("/don-vi/"))
        search = timed(lambda: client.get("/don-vi/", {"q": "binh giang"}))
        print(f"{label:>11} ({Unit.objects.count()} units): tree page {page * 1000:.0f} ms, "
              f"{len(executed)} queries; search {search * 1000:.0f} ms")


if __name__ == "__main__":
    main()
