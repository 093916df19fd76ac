"""Reminders to a set of units' people: in the app, and by e-mail once the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from cchc.orgs.models import Membership, Role

from .models import Notification


def notify_unit_people(unit_ids: Iterable[int], *, text: str, link: str, subject: str) -> int:
    """Tell the leaders and officers of each unit: one notification each ("<unit>: <text>") and a
    mail "<subject> — <unit>" to those with an address. Returns the notifications written."""
    people = Membership.objects.filter(
        unit__in=list(unit_ids), role__in=[Role.LEADER, Role.OFFICER]
    ).select_related("user", "unit")
    notes, mails = [], []
    for m in people:
        notes.append(Notification(user=m.user, text=f"{m.unit.display_name}: {text}", link=link))
        if m.user.email:
            mails.append((f"{subject} — {m.unit.display_name}", f"{text}\n\nMở hệ thống: {settings.SITE_URL}{link}",
                          settings.DEFAULT_FROM_EMAIL, [m.user.email]))
    Notification.objects.bulk_create(notes, batch_size=1000)
    # Mail after the commit: a mail server problem must not undo the reminders recorded.
    transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
    return len(notes)
