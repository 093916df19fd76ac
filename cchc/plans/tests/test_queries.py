"""Plan and task pages stay flat: the query count does not grow with tasks or assignments."""

from pathlib import Path

import pytest
from django.urls import reverse

from cchc.orgs.models import Unit
from cchc.plans import services
from cchc.test import count_queries, user

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).parent.parent / "demo"  # the five seed plans, also the demo data


def save(name: str, unit_code: str, context: str | None = None):
    path = next(SEEDS.glob(f"{name}_*.txt"))
    ctx = Unit.objects.get(code=context) if context else None
    parsed = services.plan_parse(path.read_bytes(), path.name, context=ctx)
    return services.plan_save(parsed=parsed, unit=Unit.objects.get(code=unit_code))


def test_plan_page_is_flat_in_tasks_and_assignments(client):
    client.force_login(user("dieuphoi"))
    small = save("000", "37.SNV", context="37.SNV")  # 5 tasks, a handful of assignments
    large = save("004", "37")  # 48 tasks, about 5,000 assignments
    assert large.tasks.count() == 48 and small.tasks.count() == 5
    assert count_queries(client, reverse("plans:plan_detail", args=[small.pk])) == count_queries(
        client, reverse("plans:plan_detail", args=[large.pk]))


def test_task_lists_are_flat(client):
    client.force_login(user("dieuphoi"))
    save("000", "37.SNV", context="37.SNV")
    before = (count_queries(client, reverse("tasks:board")), count_queries(client, reverse("tasks:board"), status="overdue"),
              count_queries(client, reverse("plans:plan_list")))
    save("004", "37")
    after = (count_queries(client, reverse("tasks:board")), count_queries(client, reverse("tasks:board"), status="overdue"),
             count_queries(client, reverse("plans:plan_list")))
    assert before == after
    officer = client
    officer.force_login(user("canbo.binhgiang"))
    assert count_queries(officer, reverse("tasks:mine")) <= 12
