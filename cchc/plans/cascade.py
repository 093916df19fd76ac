"""Cascade: a parent plan requires a plan from each unit by a deadline; who issued, on time or late.

Dates follow the workplace calendar in Vietnam's time zone: a plan recorded at 23:30 on the
deadline day (Asia/Ho_Chi_Minh) is on time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from cchc.orgs.models import Unit

from .models import Obligation, Plan, PlanRequest
from .notifications import notify_unit_people


def local_date(moment: datetime.datetime) -> datetime.date:
    """The calendar day of a moment in the workplace time zone (settings.TIME_ZONE)."""
    return timezone.localtime(moment).date()


def obligation_status(obligation: Obligation, today: datetime.date | None = None) -> str:
    deadline = obligation.request.deadline
    if obligation.fulfilled_at:
        return "on_time" if local_date(obligation.fulfilled_at) <= deadline else "late"
    today = today or timezone.localdate()
    return "overdue" if today > deadline else "pending"


STATUS_LABELS = {
    "on_time": "Đã ban hành đúng hạn",
    "late": "Ban hành trễ hạn",
    "pending": "Chưa ban hành (còn hạn)",
    "overdue": "Chưa ban hành (quá hạn)",
}


@transaction.atomic
def request_create(*, parent: Plan, units: list[Unit], deadline: datetime.date, message: str = "", user=None) -> PlanRequest:
    """Ask each unit for its own plan. Units already asked under another request of this plan are kept."""
    if not units:
        raise ValidationError("Chưa chọn đơn vị nào.")
    if parent.issued_on and deadline < parent.issued_on:
        raise ValidationError("Hạn ban hành không thể trước ngày ban hành kế hoạch cấp trên.")
    request = PlanRequest(parent=parent, deadline=deadline, message=message, created_by=user)
    request.full_clean()
    request.save()
    Obligation.objects.bulk_create(
        [Obligation(request=request, unit=unit) for unit in {u.pk: u for u in units}.values()],
        batch_size=1000,
    )
    return request


@transaction.atomic
def obligation_fulfil(*, obligation: Obligation, plan: Plan, at: datetime.datetime | None = None) -> Obligation:
    """Record the unit's issued plan: links it to the parent and closes the obligation."""
    if plan.unit_id != obligation.unit_id:
        raise ValidationError("Kế hoạch này không phải của đơn vị được yêu cầu.")
    if obligation.plan_id and obligation.plan_id != plan.pk:
        raise ValidationError("Đơn vị đã ghi nhận một kế hoạch khác cho yêu cầu này.")
    if plan.parent_id is None:
        plan.parent = obligation.request.parent
        plan.save(update_fields=["parent"])
    obligation.plan = plan
    obligation.fulfilled_at = obligation.fulfilled_at or at or timezone.now()
    obligation.save(update_fields=["plan", "fulfilled_at"])
    return obligation


@dataclass
class StatusRow:
    obligation: Obligation
    status: str

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def status_rows(request: PlanRequest, *, kind: str = "", status: str = "") -> list[StatusRow]:
    """Every obligation of a request with its status; one query whatever the number of units."""
    qs: QuerySet[Obligation] = request.obligations.select_related("unit", "plan", "request").order_by("unit__name")
    if kind:
        qs = qs.filter(unit__kind=kind)
    today = timezone.localdate()
    rows = [StatusRow(o, obligation_status(o, today)) for o in qs]
    return [r for r in rows if not status or r.status == status]


def status_counts(rows: list[StatusRow]) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for row in rows:
        counts[row.status] += 1
    return counts


def remind_missing(*, request: PlanRequest, user=None) -> int:
    """Remind every unit that has not issued its plan, in the app and by e-mail; returns the units reminded."""
    missing = list(request.obligations.filter(fulfilled_at__isnull=True).select_related("unit"))
    if not missing:
        return 0
    parent = request.parent
    text = (
        f"Nhắc việc: đơn vị chưa ban hành kế hoạch thực hiện {parent.display_number} “{parent.title}”; "
        f"hạn {request.deadline:%d/%m/%Y}."
    )
    now = timezone.now()
    with transaction.atomic():
        notify_unit_people([o.unit_id for o in missing], text=text, link=reverse("plans:obligation_list"),
                           subject="[CCHC] Nhắc ban hành kế hoạch")
        for o in missing:
            o.reminded_at, o.reminders = now, o.reminders + 1
        Obligation.objects.bulk_update(missing, ["reminded_at", "reminders"], batch_size=1000)
    return len(missing)
