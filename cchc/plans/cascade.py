"""Cascade: a parent plan requires a plan from each unit by a deadline; who issued, on time or late.

Dates follow the workplace calendar in Vietnam's time zone: a plan recorded at 23:30 on the
deadline day (Asia/Ho_Chi_Minh) is on time.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from cchc.lib.text import fold
from cchc.orgs.models import Unit

from . import drafts
from .models import Assignment, AssignmentRole, Evidence, Obligation, Plan, PlanKind, PlanRequest, Progress
from .notifications import notify_unit_people
from .services import assignment_set_progress


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
    notify_requested(request)
    return request


def notify_requested(request: PlanRequest) -> int:
    """Tell the requested units' leaders and officers, in the app and by e-mail (after the commit)."""
    parent = request.parent
    title = parent.title if len(parent.title) <= 200 else parent.title[:199] + "…"
    text = (
        f"Đề nghị xây dựng, ban hành kế hoạch của đơn vị thực hiện {parent.display_number} “{title}”; "
        f"hạn ban hành {request.deadline:%d/%m/%Y}."
    )
    # One link for every unit: the list of the unit's own requests ("Xây dựng kế hoạch"), where
    # each unit sees only its own obligation; notify_unit_people takes a single link.
    return notify_unit_people(request.obligations.values_list("unit_id", flat=True), text=text,
                              link=reverse("plans:obligation_list"), subject="[CCHC] Yêu cầu xây dựng kế hoạch")


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
    # Issuing the plan *is* the unit's "build your plan" task of the parent plan: close it here so
    # the unit is not shown overdue on a task the system has just watched it do.
    complete_build_plan_task(obligation, plan)
    return obligation


# "Xây dựng, ban hành Kế hoạch CCHC năm 2026", "Xây dựng và triển khai thực hiện Kế hoạch ...",
# "Ban hành kế hoạch triển khai", "Xây dựng KH CCHC" (folded: no accents, no punctuation). The
# title must *start* with the building verb: "Hướng dẫn, đôn đốc các đơn vị xây dựng kế hoạch" is
# the coordinator's task, not the unit's.
_BUILD_PLAN = re.compile(
    r"^(?:(?:[a-z]|\d+)(?: \d+)* )?(?:xay dung|ban hanh)"
    r"(?: (?:va )?(?:xay dung|ban hanh|trien khai(?: thuc hien)?|to chuc thuc hien))* (?:ke hoach|kh)\b ?(?P<rest>.*)$"
)
# What follows "kế hoạch" says which plan: it must be the kind the unit has just issued. A plan
# named otherwise ("kế hoạch kiểm soát TTHC", "kế hoạch, thể lệ cuộc thi") is not this one.
_PLAN_KINDS = [
    (re.compile(r"^(?:thong tin )?tuyen truyen\b"), {PlanKind.COMMUNICATION}),
    (re.compile(r"^kiem tra\b"), {PlanKind.INSPECTION}),
    (re.compile(r"^(?:cchc|cai cach hanh chinh)\b"), {PlanKind.REFORM}),
    # The plan implementing the parent, whatever its kind: "kế hoạch triển khai", "kế hoạch năm 2026".
    (re.compile(r"^(?:$|trien khai|thuc hien|nam|6 thang|hang nam|giai doan|cua (?:co quan|don vi|dia phuong))"),
     set(PlanKind.values)),
]
_YEAR = re.compile(r"\bnam (\d{4})\b")
# The province's own plan ("… của tỉnh", "Kế hoạch CCHC tỉnh Ninh Bình …"): the Sở Nội vụ drafts
# it as lead, and its own departmental plan must not close that task.
_PROVINCE_PLAN = re.compile(
    r"\b(?:cua|cap) (?:ubnd )?tinh\b"
    r"|\b(?:ke hoach|kh) (?:cchc |cai cach hanh chinh |(?:thong tin )?tuyen truyen (?:cchc |cai cach hanh chinh )?)?"
    r"(?:ubnd )?tinh\b"
)


def is_build_plan_task(title: str, *, kinds: set[str], years: set[int] | None = None, deliverable: str = "") -> bool:
    """Whether a parent plan's task asks the unit to build/issue its own plan of one of `kinds`
    (for the years `years`, when the title names one and the period is known)."""
    m = _BUILD_PLAN.match(fold(title))
    if not m:
        return False
    rest = m["rest"]
    if _PROVINCE_PLAN.search("ke hoach " + rest) or _PROVINCE_PLAN.search(fold(deliverable)):
        return False
    if not any(pattern.match(rest) and kinds & allowed for pattern, allowed in _PLAN_KINDS):
        return False
    # A 2025 plan may hold "Xây dựng Kế hoạch CCHC năm 2026": next year's plan, not this one.
    named = {int(y) for y in _YEAR.findall(rest)}
    return not (named and years and not named & years)


def complete_build_plan_task(obligation: Obligation, plan: Plan) -> list[Assignment]:
    """Mark done, with the plan as evidence, the unit's own (lead) assignments of the parent plan's
    "build your plan" task. Only this unit's; already-done ones (by hand, or a second fulfil) are left
    as they are, so nothing is added twice. Returns the assignments completed."""
    parent = obligation.request.parent
    kinds = {plan.kind, parent.kind}
    years = (set(range(parent.period_start.year, parent.period_end.year + 1))
             if parent.period_start and parent.period_end else None)
    open_ones = (Assignment.objects.filter(task__plan=parent, unit_id=obligation.unit_id, role=AssignmentRole.LEAD)
                 .exclude(progress=Progress.DONE).select_related("task"))
    recorded = local_date(obligation.fulfilled_at or timezone.now())
    # The day the plan was signed; the day it was recorded if unknown. Never in the future (a typed
    # date ahead of today would make the completion refuse and with it the whole fulfilment).
    done_on = min(plan.issued_on or recorded, recorded, timezone.localdate())
    link = settings.SITE_URL + reverse("plans:plan_detail", args=[plan.pk])
    done = []
    for assignment in open_ones:
        if not is_build_plan_task(assignment.task.title, kinds=kinds, years=years,
                                  deliverable=assignment.task.deliverable):
            continue
        if not assignment.evidence.filter(link=link).exists():
            # Written here rather than through assignment_set_progress(evidence=…): its full_clean
            # wants a person, and a plan read from a file may have none (created_by stays empty).
            Evidence.objects.create(
                assignment=assignment, document_number=plan.number[:60], document_date=plan.issued_on, link=link,
                note=(f"Ghi nhận tự động khi đơn vị ban hành kế hoạch {plan.display_number} "
                      f"thực hiện {parent.display_number}.")[:500],
                created_by=plan.created_by,
            )
        done.append(assignment_set_progress(assignment=assignment, progress=Progress.DONE, completed_on=done_on,
                                            user=plan.created_by))
    return done


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


# ------------------------------------------------------------------------------------------------
# Every unit's draft in one ZIP, as a background job with progress


DRAFTS_JOB = "plans.cascade_drafts"
NO_UNITS = "Yêu cầu này chưa có đơn vị nào nên không có dự thảo nào để tạo."
# Above this many drafts the job renders on every core (a forked pool); below it, in its own process.
POOL_FROM = 200


def drafts_job_start(*, plan_request: PlanRequest, user):
    """Start (or, while one runs, reuse) the job that builds every requested unit's draft."""
    from cchc.jobs import services as jobs

    count = plan_request.obligations.count()
    if not count:
        raise ValidationError(NO_UNITS)
    parent = plan_request.parent
    return jobs.start(DRAFTS_JOB, user=user, unit=parent.unit, params={"request": plan_request.pk},
                      title=f"Dự thảo kế hoạch cho {count} đơn vị thực hiện {parent.display_number}",
                      dedupe_key=f"{DRAFTS_JOB}:{plan_request.pk}")


def draft_file_name(unit: Unit) -> str:
    """"37.BG_uy-ban-nhan-dan-xa-binh-giang.docx": ASCII, so every unzip tool shows it the same."""
    code = re.sub(r"[^A-Za-z0-9.-]+", "-", unit.code).strip("-") or str(unit.pk)
    slug = re.sub(r"[^a-z0-9]+", "-", fold(unit.name)).strip("-")[:80]
    return f"{code}_{slug}.docx"


def obligation_draft(obligation: Obligation, prepared: drafts.PreparedParent | None = None) -> drafts.Draft:
    """The unit's draft as its page shows it: the one it saved, else the generated one."""
    if obligation.draft:
        return drafts.draft_from_dict(obligation.draft)
    return drafts.draft_for(obligation.request.parent, obligation.unit, prepared=prepared)


def obligation_docx(obligation: Obligation, prepared: drafts.PreparedParent | None = None) -> bytes:
    """The DOCX a unit downloads from its page (plans:obligation_draft_docx)."""
    return drafts.render_docx(drafts.draft_document(obligation_draft(obligation, prepared),
                                                    year=obligation.request.deadline.year))


_BATCH: tuple[list[Obligation], drafts.PreparedParent] | None = None  # read by forked pool processes


def _render(index: int) -> tuple[int, bytes | None, str]:
    obligations, prepared = _BATCH
    try:
        return index, obligation_docx(obligations[index], prepared), ""
    except ValueError as exc:  # a unit of a kind that issues no plan of its own
        return index, None, str(exc)


def _rendered(obligations: list[Obligation], prepared: drafts.PreparedParent):
    """(index, DOCX bytes or None, reason) for each obligation, in order."""
    global _BATCH
    _BATCH = (obligations, prepared)
    processes = min(2, os.cpu_count() or 1)
    try:
        if len(obligations) < POOL_FROM or processes < 2 or connection.in_atomic_block:
            yield from map(_render, range(len(obligations)))
            return
        # Everything the drafts read is in memory already: the children use no database. The
        # connection is closed before forking so no child holds a copy of its socket.
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            yield from pool.imap(_render, range(len(obligations)), chunksize=16)
    finally:
        _BATCH = None


def drafts_zip(plan_request: PlanRequest, progress=lambda done, total: None, out=None):
    """Every obligation's draft DOCX in one ZIP (one file per unit, see `draft_file_name`), written to
    `out` (a binary file; a new temporary file if None), which is returned at its end. Units that get
    no draft are listed in "khong-lap-duoc.txt" with the reason."""
    obligations = list(plan_request.obligations.select_related("unit__parent", "request__parent__unit")
                       .order_by("unit__code"))
    if not obligations:
        raise ValidationError(NO_UNITS)
    parent = obligations[0].request.parent
    for o in obligations:  # one parent object for all, so what prepare() read is shared
        o.request.parent = parent
    prepared = drafts.prepare(parent, [o.unit for o in obligations])
    out = out or tempfile.TemporaryFile()
    skipped: list[str] = []
    total = len(obligations)
    progress(0, total)
    # The DOCX files are compressed already: stored, not compressed again.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for done, (index, data, reason) in enumerate(_rendered(obligations, prepared), 1):
            unit = obligations[index].unit
            if data is None:
                skipped.append(f"{unit.code} {unit.name}: {reason}")
            else:
                archive.writestr(draft_file_name(unit), data)
            progress(done, total)
        if skipped:
            archive.writestr("khong-lap-duoc.txt", "Đơn vị không lập được dự thảo:\n" + "\n".join(skipped) + "\n")
    out.seek(0)
    return out


def drafts_job_run(job, progress):
    plan_request = PlanRequest.objects.select_related("parent").get(pk=job.params["request"])
    return f"du-thao-ke-hoach-{plan_request.pk}.zip", drafts_zip(plan_request, progress)
