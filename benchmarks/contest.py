"""The online contest at 100,000 participants, served by gunicorn on PostgreSQL.

    .venv/bin/python benchmarks/contest.py               # 100,000 participants, 3,000 submissions
    BENCH_QUICK=1 .venv/bin/python benchmarks/contest.py  # 10,000 participants, 600 submissions, < 1 minute

Uses DATABASE_URL if it points at PostgreSQL, else creates (and drops afterwards) a scratch database
`cchc_bench_contest` on postgres://postgres@127.0.0.1:5432. Bulk-creates the participants (one
round open), each with a started attempt for the submissions, and submitted attempts for the
others so the round holds 100,000 attempts to rank. Then:

1. PostgreSQL's own single-row insert rate in this run: a plain psycopg loop of autocommitted
   single-row INSERTs (a row like an attempt: ids, timestamps, JSON, a unique key), alone and then
   BENCH_THREADS such loops at once (the ceiling any application on this machine could reach);
2. submissions per second through gunicorn (BENCH_WORKERS workers, BENCH_THREADS client threads,
   http.client): each a real form POST of an attempt (CSRF, time limit, validation of every id,
   scoring, the idempotent conditional UPDATE and the counted attempt), and the p95 of one submission;
3. a retry of submissions with the same key (must change nothing), and the ranking of the round
   (one query over all attempts; and the prizes).

The ratio submissions/s ÷ the plain loop's inserts/s is the main figure (goal ≥ 50 %), printed on
the last line with the ratio to the concurrent loops, the p95 and the ranking time (goal < 2 s).
"""

import datetime
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import loopback  # noqa: E402  (benchmarks/loopback.py: scratch databases, gunicorn, client threads)
SERVER = "postgres://postgres@127.0.0.1:5432"
SCRATCH = "cchc_bench_contest"
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ["DATABASE_URL"] = f"{SERVER}/{SCRATCH}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
        admin.execute(f"CREATE DATABASE {SCRATCH}")
    OWN_DATABASE = True
else:
    OWN_DATABASE = False
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings_test")
os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from cchc.contest import demo, services  # noqa: E402
from cchc.contest.models import Attempt, Choice, Contest, Participant, Question, Round  # noqa: E402
from cchc.documents.tables import read_table  # noqa: E402
from cchc.orgs import services as org_services  # noqa: E402
from cchc.orgs.management.commands.load_demo import DEMO_DIR  # noqa: E402
from cchc.orgs.models import Unit  # noqa: E402

QUICK = bool(os.environ.get("BENCH_QUICK"))
PARTICIPANTS = 10_000 if QUICK else 100_000
SUBMISSIONS = 600 if QUICK else 3_000
INSERT_SECONDS = 3 if QUICK else 10
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "16"))
QUESTIONS = 10


def build() -> tuple[Round, list[tuple[str, str]]]:
    call_command("migrate", verbosity=0)
    province = read_table((DEMO_DIR / "province.csv").read_bytes(), "province.csv")
    assert org_services.units_import(province).ok
    units = list(Unit.objects.exclude(kind="office"))
    contest = Contest.objects.create(title=demo.TITLE, slug="bench", unit=Unit.objects.get(code="37.SNV"))
    for code, topic, text, choices, explanation in demo.QUESTIONS:
        q = Question.objects.create(contest=contest, code=code, topic=topic, text=text, explanation=explanation,
                                    kind="multiple" if sum(c for _, c in choices) > 1 else "single")
        Choice.objects.bulk_create([Choice(question=q, text=t, correct=c, order=i) for i, (t, c) in enumerate(choices)])
    now = timezone.now()
    round_ = Round.objects.create(contest=contest, number=1, opens_at=now - datetime.timedelta(days=1),
                                  closes_at=now + datetime.timedelta(days=6), questions_count=QUESTIONS,
                                  time_limit_minutes=120, max_attempts=2)
    people = [Participant(contest=contest, name=f"Người dự thi {i}", phone=f"09{i:08d}",
                          unit=units[i % len(units)] if i % 4 else None, address="" if i % 4 else "Thôn Đông")
              for i in range(PARTICIPANTS)]
    Participant.objects.bulk_create(people, batch_size=5000)
    ids = list(Participant.objects.filter(contest=contest).order_by("pk").values_list("pk", flat=True))
    bank = {q.pk: [c.pk for c in q.choices.all()] for q in Question.objects.filter(contest=contest).prefetch_related("choices")}
    correct = set(Choice.objects.filter(question__contest=contest, correct=True).values_list("pk", flat=True))
    import random

    rng = random.Random(5)  # noqa: S311 - synthetic data
    qids = sorted(bank)
    rows, forms = [], []
    for n, pk in enumerate(ids):
        picked = rng.sample(qids, QUESTIONS)
        drawn = [[q, rng.sample(bank[q], len(bank[q]))] for q in picked]
        started = now - datetime.timedelta(minutes=rng.uniform(1, 60))
        attempt = Attempt(participant_id=pk, round=round_, started_at=started, deadline=started + datetime.timedelta(hours=2),
                          questions=drawn)
        answers = {str(q): [c for c in cs if c in correct] if rng.random() < 0.8 else [cs[0]] for q, cs in drawn}
        if n < SUBMISSIONS:  # left to be submitted through gunicorn
            form = [(f"q{q}", str(c)) for q, cs in answers.items() for c in cs]
            forms.append((attempt, form))
        else:
            attempt.submitted_at = started + datetime.timedelta(seconds=rng.uniform(60, 900))
            attempt.submission_key = f"bulk-{pk}"
            attempt.answers = answers
            attempt.score = sum(1 for q, cs in drawn if set(answers[str(q)]) == {c for c in cs if c in correct})
            attempt.prediction = rng.randrange(50_000, 150_000)
            attempt.duration_ms = int((attempt.submitted_at - started).total_seconds() * 1000)
            attempt.counted = True
        rows.append(attempt)
    Attempt.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return round_, [(a.token, urllib.parse.urlencode(form)) for a, form in forms]


def insert_rate() -> tuple[float, float]:
    """Autocommitted single-row INSERTs per second: one plain loop alone, then THREADS loops at once."""
    url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("DROP TABLE IF EXISTS bench_insert")
        c.execute("CREATE TABLE bench_insert (id bigserial PRIMARY KEY, participant bigint, round bigint, "
                  "started_at timestamptz, submitted_at timestamptz, answers jsonb, score smallint, key text UNIQUE)")
    payload = '{"1": [2], "3": [4, 5], "6": [7], "8": [9], "10": [11], "12": [13], "14": [15], "16": [17], "18": [19], "20": [21]}'

    def loop(seconds: float, tag: str, done: list[int]) -> None:
        with psycopg.connect(url, autocommit=True) as c:
            n, stop = 0, time.perf_counter() + seconds
            while time.perf_counter() < stop:
                c.execute("INSERT INTO bench_insert (participant, round, started_at, submitted_at, answers, score, key) "
                          "VALUES (%s, 1, now(), now(), %s, 7, %s)", (n, payload, f"{tag}-{n}"))
                n += 1
        done.append(n)

    solo: list[int] = []
    loop(INSERT_SECONDS, "solo", solo)
    together: list[int] = []
    threads = [threading.Thread(target=loop, args=(INSERT_SECONDS, f"t{t}", together)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    solo_rate, concurrent = solo[0] / INSERT_SECONDS, sum(together) / INSERT_SECONDS
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("DROP TABLE bench_insert")
    return solo_rate, concurrent


def serve(port: int) -> subprocess.Popen:
    return loopback.serve(port, WORKERS)


def csrf(port: int, token: str) -> tuple[str, str]:
    """A CSRF cookie and form token from the attempt page (as a browser gets them)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", f"/cuoc-thi/bai-thi/{token}/", headers={"Host": "127.0.0.1"})
    response = conn.getresponse()
    body = response.read().decode()
    assert response.status == 200, response.status
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    return cookie, form_token


def drive(port: int, jobs: list[tuple[str, str]], cookie: str, form_token: str, expect: int = 302) -> tuple[float, float]:
    """POST every (token, body) with THREADS threads (one keep-alive connection each);
    returns (submissions per second, p95 ms)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    queue = list(jobs)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                token, body = queue.pop()
            data = f"{body}&prediction=100000&key={token}&csrfmiddlewaretoken={form_token}"
            start = time.perf_counter()
            try:
                conn.request("POST", f"/cuoc-thi/bai-thi/{token}/", body=data, headers={
                    "Host": "127.0.0.1", "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError as exc:
                status = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if status != expect:
                    errors.append(f"{status} {token}")
        conn.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    if errors:
        raise SystemExit(f"{len(errors)} failed submissions, e.g. {errors[:3]}")
    return len(latencies) / wall, statistics.quantiles(latencies, n=20)[-1] * 1000


def main() -> None:
    started = time.perf_counter()
    round_, jobs = build()
    print(f"data: {Participant.objects.count():,} participants, {Attempt.objects.filter(round=round_).count():,} attempts "
          f"({len(jobs):,} to submit), setup {time.perf_counter() - started:.0f} s; database {connection.vendor}")
    connection.close()
    inserts, together = insert_rate()
    print(f"PostgreSQL single-row INSERT (autocommit): {inserts:,.0f}/s in one plain loop, {together:,.0f}/s in "
          f"{THREADS} loops at once")
    port = loopback.free_port()
    server = serve(port)
    try:
        cookie, form_token = csrf(port, jobs[0][0])
        warm, jobs = jobs[: THREADS * 2], jobs[THREADS * 2:]
        drive(port, warm, cookie, form_token)  # every worker loaded and connected
        rate, p95 = drive(port, jobs, cookie, form_token)
        retry_rate, _ = drive(port, jobs[:200], cookie, form_token)  # the same keys again: nothing changes
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    submitted = Attempt.objects.filter(round=round_, submission_key__in=[t for t, _ in warm + jobs]).count()
    counted = Attempt.objects.filter(round=round_, counted=True).count()
    assert submitted == len(warm) + len(jobs), (submitted, len(warm) + len(jobs))
    assert counted == Participant.objects.count(), (counted, Participant.objects.count())
    print(f"gunicorn {WORKERS} workers, {THREADS} client threads: {len(jobs):,} submissions at {rate:,.0f}/s, "
          f"p95 {p95:.0f} ms; 200 retries with the same key at {retry_rate:,.0f}/s changed nothing "
          f"({counted:,} counted attempts = participants)")
    start = time.perf_counter()
    order = list(services.ranking(round_).values_list("pk", flat=True))
    rank_s = time.perf_counter() - start
    start = time.perf_counter()
    winners = services.prizes(round_)
    prizes_ms = (time.perf_counter() - start) * 1000
    assert len(order) == counted
    print(f"ranking {len(order):,} attempts (one query, full order): {rank_s:.2f} s; prizes ({len(winners)} winners): "
          f"{prizes_ms:.0f} ms; total time {time.perf_counter() - started:.0f} s")
    if OWN_DATABASE:
        connection.close()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
    print(f"contest ({PARTICIPANTS:,} participants): {rate:,.0f} submissions/s = {rate / inserts:.0%} of PostgreSQL's "
          f"plain INSERT loop ({inserts:,.0f}/s; goal ≥ 50 %), {rate / together:.0%} of {THREADS} loops at once "
          f"({together:,.0f}/s); p95 {p95:.0f} ms; ranking {len(order):,} attempts {rank_s:.2f} s (goal < 2 s)")


if __name__ == "__main__":
    main()
