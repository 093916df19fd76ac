"""Import the five seed plans; print per seed the seconds taken and what was found.

    .venv/bin/python benchmarks/import_plans.py          # BENCH_QUICK=1 reads each seed once
Goal (issue 3): each text seed under 0.5 s; seed 004 yields 43 numbered tasks in 48 rows,
nothing unresolved. The last line is the main figure: the slowest seed's median seconds.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from cchc.orgs.models import Unit  # noqa: E402
from cchc.plans.services import plan_parse  # noqa: E402

SEEDS = ROOT / "cchc" / "plans" / "demo"
CONTEXT = {"000": "37.SNV", "002": "13531"}  # the issuing unit of the derived plans


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--no-plans", stdout=open(os.devnull, "w"))  # noqa: SIM115
    repeat = 1 if os.environ.get("BENCH_QUICK") else 5
    print(f"{'seed':<6}{'s (median)':>11}{'refs':>6}{'topics':>8}{'chan.':>7}{'targets':>9}{'duties':>8}"
          f"{'tasks':>7}{'numbered':>10}{'unresolved':>12}")
    slowest = 0.0
    for path in sorted(SEEDS.glob("*.txt")):
        code = path.name[:3]
        context = Unit.objects.get(code=CONTEXT[code]) if code in CONTEXT else None
        data = path.read_bytes()
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            plan = plan_parse(data, path.name, context=context)
            times.append(time.perf_counter() - start)
        seconds = statistics.median(times)
        slowest = max(slowest, seconds)
        print(f"{code:<6}{seconds:>11.3f}{len(plan.legal_basis):>6}{len(plan.topics):>8}{len(plan.channels):>7}"
              f"{len(plan.targets):>9}{len(plan.duties):>8}{len(plan.tasks):>7}"
              f"{sum(1 for t in plan.tasks if t.number and t.source == 'appendix'):>10}{len(plan.unresolved):>12}")
    print(f"slowest seed: {slowest:.3f} s")


if __name__ == "__main__":
    main()
