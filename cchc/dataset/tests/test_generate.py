"""The dataset generator: counts, determinism, bulk writes only, and the command's refusals."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cchc.comms.models import Activity
from cchc.dataset import generate
from cchc.orgs.models import Unit, UnitKind
from cchc.plans.models import Assignment, Plan, Task
from cchc.portal.models import Article, ArticleDailyViews
from cchc.reports.models import Report, ReportValue
from cchc.scoring.models import NodeScore, Scorecard

pytestmark = pytest.mark.django_db

SMALL = generate.quick(departments=3, offices=2, communes=8, province_tasks=10, assignments_per_unit=4, own_tasks=2,
                       activities_per_unit=2, articles=4, views=1_000)


def test_one_small_province_has_every_part():
    summary = generate.generate(1, seed=7, size=SMALL)
    root = Unit.objects.get(code="G01")
    assert root.kind == UnitKind.PROVINCE and root.path == f"/{root.pk}/" and root.depth == 0
    mine = Unit.objects.filter(path__startswith=root.path)
    assert mine.count() == 1 + 3 + 3 * 2 + 8 == summary.rows["orgs.Unit"] == summary.figures["units"]
    office = Unit.objects.get(code="G01.S02.P1")
    assert office.kind == UnitKind.OFFICE and office.parent.code == "G01.S02" and office.depth == 2
    assert office.path == f"{office.parent.path}{office.pk}/"
    assert mine.filter(kind__in=[UnitKind.COMMUNE, UnitKind.WARD]).count() == 8
    # The province plan with its tasks, and each department's and commune's own plan under it.
    plan = Plan.objects.get(unit=root)
    assert plan.tasks.count() == 10 and plan.children.count() == 3 + 8
    assert Task.objects.filter(plan__parent=plan).count() == (3 + 8) * 2
    doers = 3 + 8
    assert Assignment.objects.filter(unit__in=mine).count() == doers * 4 + doers * 2
    assert Assignment.objects.filter(unit__in=mine, progress="done", completed_on__isnull=True).count() == 0
    assert Activity.objects.filter(unit__in=mine).count() == (1 + doers) * 2
    reports = Report.objects.filter(unit__in=mine)
    assert reports.count() == doers
    assert ReportValue.objects.filter(report__in=reports).count() == summary.rows["reports.ReportValue"] > doers * 20
    cards = Scorecard.objects.filter(unit__in=mine)
    assert cards.count() == 8 and not cards.filter(index__isnull=True).exists()
    assert sorted(cards.values_list("rank", flat=True))[0] == 1
    assert NodeScore.objects.filter(scorecard__in=cards).count() == summary.rows["scoring.NodeScore"] >= 8 * 70
    assert Article.objects.filter(unit__in=mine, status="published").count() == 4
    assert summary.figures["views"] == 1_000 == sum(ArticleDailyViews.objects.filter(
        article__unit__in=mine).values_list("count", flat=True))


def _run(seed):
    with transaction.atomic():
        summary = generate.generate(1, seed=seed, size=SMALL)
        transaction.set_rollback(True)
    return summary


def test_same_seed_same_codes_and_figures():
    first, again, other = _run(11), _run(11), _run(12)
    assert first.codes == again.codes and "G01.X008" in first.codes
    assert first.figures == again.figures and first.rows == again.rows
    assert first.figures["best_commune"] is not None
    assert other.figures != first.figures  # the seed matters
    assert not Unit.objects.filter(code="G01").exists()  # rolled back


def _statements(number, size):
    with CaptureQueriesContext(connection) as ctx:
        summary = generate.generate(1, seed=3, size=size, first=number)
    kinds = {re.sub(r"^\d+ times: ", "", q["sql"]).split("(")[0].split(" SET")[0]
             for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]}
    return len(ctx.captured_queries), sum(summary.rows.values()), kinds


def test_writes_in_bulk_whatever_the_size():
    generate.generate(1, seed=3, size=SMALL, first=9)  # the shared objects (period, round, author) exist now
    small, small_rows, small_kinds = _statements(10, SMALL)
    large, large_rows, large_kinds = _statements(11, generate.quick(SMALL, communes=40, province_tasks=30, departments=6))
    assert large_rows > 3 * small_rows
    # The same statements, only more batches of them (SQLite caps the parameters of one INSERT).
    assert large_kinds == small_kinds
    assert 'INSERT INTO "scoring_nodescore" ' in large_kinds and 'INSERT INTO "orgs_unit" ' in large_kinds
    assert large < large_rows / 50, (large, large_rows)


def test_the_command_generates_and_refuses_a_province_twice(capsys):
    call_command("generate_dataset", "--provinces", "1", "--quick", "--first", "20")
    out = capsys.readouterr().out
    assert "orgs.Unit: 36" in out and "Đã sinh 1 tỉnh" in out
    assert Unit.objects.filter(code__startswith="G20.X").count() == generate.QUICK.communes
    with pytest.raises(CommandError, match="Đã có dữ liệu của tỉnh G20"):
        call_command("generate_dataset", "--provinces", "1", "--quick", "--first", "20")
    with pytest.raises(CommandError, match="Số tỉnh phải từ 1"):
        call_command("generate_dataset", "--provinces", "0")


def test_the_national_size_holds_a_million_views_and_the_expected_units():
    size = generate.NATIONAL
    views = sum(size.views + (1 if n <= size.views_extra else 0) for n in range(1, 35))
    assert views == 1_000_000
    assert 34 * size.communes == 3_400 and 34 * size.departments == 680
