"""The feedback section of cchc/policy.py, branch by branch: who sees, handles and hides an item."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cchc import policy
from cchc.feedback import services
from cchc.test import user

from .util import values

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(categories):
    return services.submit(values())


def test_the_units_officer_and_leader_handle_it(item):
    for name in ("canbo.binhgiang", "chutich.binhgiang"):
        assert policy.access_feedback(user(name), item.pk, handle=True) == item
        assert policy.visible_feedback(user(name)).filter(pk=item.pk).exists()


def test_another_unit_and_the_anonymous_get_404(item):
    for who in (user("canbo.phuly"), user("canbo.stp"), AnonymousUser()):
        with pytest.raises(Http404):
            policy.access_feedback(who, item.pk)
        assert not policy.visible_feedback(who).filter(pk=item.pk).exists()


def test_the_coordinator_handles_and_moderates(item):
    coordinator = user("dieuphoi")
    assert policy.can_handle_feedback(coordinator, item) and policy.can_moderate_feedback(coordinator)
    assert policy.access_feedback(coordinator, item.pk, handle=True, moderate=True) == item


def test_an_editor_sees_and_hides_but_does_not_answer(item):
    editor = user("bientap")
    assert policy.access_feedback(editor, item.pk, moderate=True) == item
    with pytest.raises(PermissionDenied):
        policy.access_feedback(editor, item.pk, handle=True)


def test_an_officer_does_not_moderate(item):
    with pytest.raises(PermissionDenied):
        policy.access_feedback(user("canbo.binhgiang"), item.pk, moderate=True)
    assert not policy.can_moderate_feedback(AnonymousUser())


def test_a_leader_above_the_unit_handles_it(item):
    from cchc.feedback.models import Feedback
    from cchc.test import unit

    Feedback.objects.filter(pk=item.pk).update(unit=unit("13531.VP"))  # routed to the commune's office
    item.refresh_from_db()
    assert policy.can_handle_feedback(user("chutich.binhgiang"), item)
    assert not policy.can_handle_feedback(user("canbo.phuly"), item)
