"""The plan reader on the whole corpus: items recovered per document against the hand-written keys.

    .venv/bin/python benchmarks/import_plans.py          # every document once, then the timings
    BENCH_QUICK=1 .venv/bin/python benchmarks/import_plans.py

The keys are `cchc/plans/tests/keys/{seeds,realdocs}.json`, scored by `../shared/tools/score_import.py`
(the five seeds always; the real documents when ../shared/realdocs is here). Prints per document the
items recovered and the seconds to read it in process (after start-up), then the mean seconds by
format. Goal (issue 13): ≥ 95 % of the items over the corpus and no document below 85 %; a text or
DOCX plan under 0.5 s, a scanned page under 5 s. The last line is the main figure.
"""

import os
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from cchc.plans.corpus import score_corpus  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--no-plans", stdout=open(os.devnull, "w"))  # noqa: SIM115
    scores = score_corpus()
    if not scores:
        print("Không có ../shared/tools/score_import.py: bỏ qua.")
        return
    print(f"{'tài liệu':44}{'mục':>11}{'%':>8}{'giây':>8}  thiếu")
    by_format = defaultdict(list)
    for s in scores:
        by_format[s.format].append(s.seconds)
        misses = "; ".join(s.misses[:4]) + (" …" if len(s.misses) > 4 else "")
        print(f"{s.name[:43]:44}{s.held:>5}/{s.total:<5}{s.percent:>8.1f}{s.seconds:>8.2f}  {misses[:160]}")
    for fmt, seconds in sorted(by_format.items()):
        print(f"  {fmt:16} {statistics.mean(seconds):6.2f} s trung bình ({len(seconds)} tài liệu)")
    held, total = sum(s.held for s in scores), sum(s.total for s in scores)
    worst = min(scores, key=lambda s: s.percent)
    print(f"thấp nhất: {worst.name} {worst.percent:.1f} %")
    print(f"importer recovers {held}/{total} items ({100 * held / max(total, 1):.1f} %) of the keys")


if __name__ == "__main__":
    main()
