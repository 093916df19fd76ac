"""Two appraisers on one score at the same moment, on PostgreSQL, each thread with its own connection
and a barrier to make them collide: no duplicate row, no lost update, a clear message to the loser.
(The same rules one after another are in test_workflow.py, which SQLite runs.)"""

import os
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection

from cchc.scoring import workflow
from cchc.scoring.models import NodeScore, RoundStatus
from cchc.test import race, user

from .scoring_cast import card, node, open_test_round

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL (DATABASE_URL=postgres://…): SQLite serialises every writer, "
                              "so two saves at once prove nothing there"),
]




@pytest.fixture
def round_():
    # Each test here commits for real and the database is emptied after it: the demo tree and its
    # people (the coordinator, the Sở Tư pháp officer) are loaded again, as conftest.py does once.
    call_command("load_demo", "--no-plans", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return open_test_round()


def test_two_appraisers_on_one_unscored_node_at_once(round_):
    workflow.assign_appraiser(round_=round_, user=user("canbo.stp"), areas=[node(round_, "2")], by=user("dieuphoi"))
    workflow.advance_round(round_=round_, status=RoundStatus.APPRAISAL_1, by=user("dieuphoi"))
    sc, target = card(round_), node(round_, "2.2")  # appraisal only: no score until an appraiser writes one
    assert not NodeScore.objects.filter(scorecard=sc, node=target).exists()
    people = {"0.50": user("canbo.stp"), "1.00": user("dieuphoi")}

    def appraise(points):
        return lambda: workflow.appraise(scorecard=card(round_), node=node(round_, "2.2"), pass_no=1, points=points,
                                         by=people[points], expected_updated_at=workflow.NOT_SCORED)

    outcomes = race(appraise("0.50"), appraise("1.00"))
    assert sorted(k for k, _ in outcomes) == ["error", "ok"], outcomes
    won = "0.50" if outcomes[0][0] == "ok" else "1.00"
    winner = people[won]
    message = next(m for k, m in outcomes if k == "error")
    assert message.startswith(f"Điểm tiêu chí 2.2 vừa được {winner.get_full_name() or winner.username} thẩm định lúc ")
    assert message.endswith("; hãy xem lại trước khi lưu.")
    scores = NodeScore.objects.filter(scorecard=sc, node=target)
    assert scores.count() == 1  # one row, the winner's
    score = scores.get()
    assert (score.appraised_points_1, score.appraiser_1) == (Decimal(won), winner)
    assert LogEntry.objects.get_for_object(score).count() == 1


def test_a_whole_pass_and_one_appraiser_on_the_same_new_score_at_once(round_):
    """The pass locks the round's scorecards, so a single save waits for it (or it for the save):
    one row either way, no unique-constraint crash; the single save, if second, is told."""
    workflow.advance_round(round_=round_, status=RoundStatus.APPRAISAL_1, by=user("dieuphoi"))
    sc, target = card(round_), node(round_, "2.2")
    rows = [{"unit": sc.unit.code, "node": "2.2", "points": "0,5", "reason": ""}]
    outcomes = race(
        lambda: workflow.apply_appraisal_pass(round_=round_, pass_no=1, rows=rows, by=user("dieuphoi")),
        lambda: workflow.appraise(scorecard=card(round_), node=node(round_, "2.2"), pass_no=1, points="1",
                                  by=user("dieuphoi"), expected_updated_at=workflow.NOT_SCORED),
    )
    assert "crash" not in [k for k, _ in outcomes], outcomes
    assert outcomes[0][0] == "ok" and outcomes[0][1].ok
    assert NodeScore.objects.filter(scorecard=sc, node=target).count() == 1
    score = NodeScore.objects.get(scorecard=sc, node=target)
    if outcomes[1][0] == "error":  # the pass came first: the single save is refused, the pass's score stands
        assert "vừa được" in outcomes[1][1] and "hãy xem lại trước khi lưu." in outcomes[1][1]
        assert score.appraised_points_1 == Decimal("0.50")
    else:  # the single save came first; the pass, applied after it, overwrote it as the coordinator's list says
        assert score.appraised_points_1 == Decimal("0.50") and outcomes[0][1].changed == 1
