"""200 submissions at once on PostgreSQL, each thread with its own database connection: none lost,
none counted twice, retries with the same key included."""

import os
import threading

import pytest
from django.db import connection, connections

from cchc.contest import services
from cchc.contest.models import Attempt
from cchc.test import BINH_GIANG, build_world, unit

from .factories import make_contest, wrong_answers

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL (DATABASE_URL=postgres://…): SQLite serialises every writer, "
                              "so concurrent submissions there prove nothing"),
]

# PostgreSQL's max_connections (100 by default) is shared with the rest of the machine: the 200
# threads each open their own connection, at most this many at a time.
CONNECTIONS = int(os.environ.get("CONTEST_TEST_CONNECTIONS", "40"))


def test_200_concurrent_submissions_none_lost_none_counted_twice():
    build_world(communes=(BINH_GIANG,))
    contest, round_ = make_contest(questions=12, questions_count=5, max_attempts=2)
    people = [services.register(contest, name=f"Người dự thi {i}", phone=f"0912{i:06d}", unit=unit(BINH_GIANG))[0]
              for i in range(140)]
    attempts = [services.start_attempt(p, round_) for p in people]
    # 20 people also hold a second attempt, submitted at the same moment as their first.
    for p in people[:20]:
        Attempt.objects.filter(participant=p).update(submitted_at=None)
        a = Attempt.objects.create(participant=p, round=round_, started_at=attempts[0].started_at,
                                   deadline=attempts[0].deadline, questions=attempts[0].questions)
        attempts.append(a)
    jobs = [(a, wrong_answers(a, i % 5), f"key-{a.pk}") for i, a in enumerate(attempts)]  # 160 submissions
    jobs += [(a, answers, key) for a, answers, key in jobs[:40]]  # + 40 retries with the same key = 200
    assert len(jobs) == 200

    barrier = threading.Barrier(len(jobs))
    gate = threading.BoundedSemaphore(CONNECTIONS)
    results, errors = [], []
    lock = threading.Lock()

    def run(attempt, answers, key):
        barrier.wait()
        with gate:
            try:
                outcome = services.submit(attempt, answers, prediction=140, key=key)
                with lock:
                    results.append((attempt.pk, outcome.repeated, outcome.attempt.score, outcome.attempt.submission_key))
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                with lock:
                    errors.append(repr(exc))
            finally:
                connections.close_all()

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len(results) == 200
    # Every attempt submitted exactly once, with its own key; the 40 retries changed nothing.
    assert Attempt.objects.filter(round=round_, submitted_at__isnull=False).count() == 160
    assert sorted(Attempt.objects.filter(round=round_).values_list("submission_key", flat=True)) == sorted(
        f"key-{a.pk}" for a in attempts)
    assert sum(1 for _, repeated, _, _ in results if repeated) == 40
    by_attempt: dict[int, set] = {}
    for pk, _, score, key in results:
        by_attempt.setdefault(pk, set()).add((score, key))
    assert all(len(v) == 1 for v in by_attempt.values())  # a retry saw exactly the recorded result
    # One counted attempt per person: 140 participants, never 160.
    assert Attempt.objects.filter(round=round_, counted=True).count() == 140
    assert services.participants_count(round_) == 140
    assert set(Attempt.objects.filter(round=round_, counted=True).values_list("participant", flat=True)) == {p.pk for p in people}
    assert [a.distance for a in services.ranking(round_)[:3]] == [0, 0, 0]
