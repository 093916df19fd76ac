"""Plan import, saving and the work that follows (assignments, progress, evidence).

Views, the `import_plan` command, background jobs and the API all call these functions.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from cchc.documents.reading import DocumentError, extract
from cchc.lib.text import fold
from cchc.orgs.models import GroupScope, Unit
from cchc.orgs.resolver import Resolution, UnitResolver, group_members

from .models import (
    Assignment,
    AssignmentRole,
    Channel,
    Duty,
    Evidence,
    LegalReference,
    Plan,
    PlanKind,
    Progress,
    Target,
    Task,
    Topic,
)
from .reader import NotAPlanError, ParsedPlan, read_plan

PLAN_EXTENSIONS = (".docx", ".doc", ".pdf", ".txt", ".md", ".png", ".jpg", ".jpeg", ".tif", ".tiff")


class PlanImportError(ValueError):
    """The file could not be read as a plan; the message is for the person who uploaded it."""


def plan_parse(data: bytes, filename: str, *, context: Unit | None = None, progress=None) -> ParsedPlan:
    """Read a plan file into a ParsedPlan without saving anything."""
    if not filename.lower().endswith(PLAN_EXTENSIONS):
        raise PlanImportError("Định dạng tệp không được hỗ trợ. Hãy tải lên .docx, .doc, .pdf, .txt hoặc ảnh quét.")
    try:
        document = extract(data, filename, progress=progress)
    except DocumentError as exc:
        raise PlanImportError(str(exc)) from exc
    try:
        return read_plan(document, resolver=UnitResolver(context=context))
    except NotAPlanError as exc:
        raise PlanImportError(str(exc)) from exc


@dataclass
class SaveOptions:
    unit: Unit  # the issuing unit, as confirmed by the person
    parent: Plan | None = None


def _find_parent(parsed: ParsedPlan) -> Plan | None:
    ref = parsed.implements
    if ref is None:
        return None
    candidates = Plan.objects.filter(number__iexact=ref.number)
    if ref.date:
        candidates = candidates.filter(issued_on=ref.date)
    return candidates.first()


@transaction.atomic
def plan_save(*, parsed: ParsedPlan, unit: Unit, user=None, source: tuple[str, bytes] | None = None,
              parent: Plan | None = None, require_assignments: bool = False) -> Plan:
    """Save a confirmed ParsedPlan with everything in it; all or nothing.

    With `require_assignments`, a plan whose tasks reach no unit is refused: the person must say
    that it is to be saved so (the preview asks).
    """
    planned = planned_assignments(parsed, unit=unit)
    if require_assignments and not planned:
        raise ValidationError(
            "Kế hoạch chưa giao việc cho đơn vị nào: hãy nhận diện tên các đơn vị, hoặc đánh dấu "
            "“Lưu dù chưa giao cho đơn vị nào”."
        )
    number = parsed.number or ""
    if number and Plan.objects.filter(unit=unit, number__iexact=number, issued_on=parsed.date).exists():
        raise ValidationError(f"Kế hoạch số {number} của {unit.display_name} đã có trong hệ thống.")
    plan = Plan(
        unit=unit,
        kind=parsed.kind if parsed.kind in PlanKind.values else PlanKind.OTHER,
        title=parsed.title[:500] or "Kế hoạch",
        number=number,
        symbol=parsed.symbol,
        issued_on=parsed.date,
        place=parsed.place,
        issuer_name=parsed.issuer[:255],
        parent_body=parsed.parent_body[:255],
        period_start=parsed.period_start,
        period_end=parsed.period_end,
        period_label=parsed.period_label,
        parent=parent or _find_parent(parsed),
        implements_text=(parsed.implements.text if parsed.implements else "")[:500],
        body={
            "objectives": parsed.objectives, "requirements": parsed.requirements, "audiences": parsed.audiences,
            "solutions": parsed.solutions, "funding": parsed.funding,
            "sections": [s.to_json() for s in parsed.sections],
            # A scan read without its marks is shown restored; what the file said is kept and searchable.
            **({"diacritics_restored": True, "original_title": parsed.original_title,
                "original_text": parsed.original_text} if parsed.diacritics_restored else {}),
        },
        recipients=parsed.recipients,
        signer_name=parsed.signer_name[:120],
        signer_title=parsed.signer_title[:200],
        created_by=user if user and user.is_authenticated else None,
    )
    if source:
        plan.source_name = source[0][:255]
        plan.source_file.save(source[0], ContentFile(source[1]), save=False)
    plan.full_clean(exclude=["source_file"])
    try:
        plan.save()
    except IntegrityError as exc:
        raise ValidationError("Kế hoạch này đã được lưu (trùng số và ngày ban hành).") from exc

    LegalReference.objects.bulk_create(
        LegalReference(plan=plan, kind=r.kind[:60], number=r.number[:60], date=r.date, issuer=r.issuer[:200],
                       text=r.text[:500], order=i)
        for i, r in enumerate(parsed.legal_basis)
    )
    targets = []
    for target in parsed.targets:
        clauses = target.clauses or [None]
        for clause in clauses:
            targets.append(Target(
                plan=plan, number=target.number, text=clause.text if clause else target.text,
                comparator=clause.comparator if clause else "", value=clause.value if clause else None,
                unit_of_measure=(clause.unit if clause else "")[:20], scope=(clause.scope if clause else "")[:300],
                area=target.area[:300], due_date=clause.due if clause else None, order=len(targets),
            ))
    Target.objects.bulk_create(targets)
    Topic.objects.bulk_create(Topic(plan=plan, code=t.code[:5], text=t.text, order=i) for i, t in enumerate(parsed.topics))
    Channel.objects.bulk_create(Channel(plan=plan, code=c.code[:5], text=c.text, order=i) for i, c in enumerate(parsed.channels))
    for i, duty in enumerate(parsed.duties):
        saved = Duty.objects.create(plan=plan, unit_text=duty.unit_text[:300], items=duty.items, order=i)
        saved.units.set(duty.resolution.units)
        saved.groups.set(duty.resolution.groups)
    tasks = []
    for i, row in enumerate(parsed.tasks):
        tasks.append(Task.objects.create(
            plan=plan, group_code=row.group[:10], group_title=row.group_title[:300], number=row.number[:10],
            title=row.title or row.deliverable or "(không có nội dung)", deliverable=row.deliverable,
            lead_text=row.lead_text[:500], partners_text=row.partners_text[:500],
            timeframe_text=row.timeframe.text[:300], timeframe_kind=row.timeframe.kind,
            due_dates=[d.isoformat() for d in row.timeframe.due_dates], trigger=row.timeframe.trigger[:300],
            note=row.note[:500], monitor_text=row.monitor_text[:500], funding=row.funding[:300],
            source=row.source, central=is_central_task(row.title, row.group_title, row.note), order=i,
        ))
    Assignment.objects.bulk_create(
        [Assignment(task=tasks[a.task], unit=a.unit, role=a.role, due_date=a.due_date) for a in planned],
        ignore_conflicts=True,
    )
    return plan


_CENTRAL = re.compile(r"\b(chinh phu|thu tuong(?: chinh phu)?)(?:,? thu tuong chinh phu)? (?:da )?giao\b")


def is_central_task(*texts: str) -> bool:
    """A task the Government or the Prime Minister gave ("nhiệm vụ Chính phủ, Thủ tướng Chính phủ
    giao"), which report form 1 item 4 counts apart; read from the task's words, editable later."""
    return any(_CENTRAL.search(fold(t or "")) for t in texts)


# --- who gets what: the same list for the preview and for saving --------------------------------


@dataclass(frozen=True)
class PlannedAssignment:
    task: int  # index of the task in the parsed plan
    unit: Unit
    role: str  # AssignmentRole
    due_date: datetime.date | None


@dataclass(frozen=True)
class AssignmentSummary:
    assignments: int  # how many assignments confirming creates
    units: int  # for how many distinct units
    tasks: int  # tasks in the plan
    tasks_unassigned: int  # tasks that reach nobody


def _units_of(resolution: Resolution | None, context: Unit | None, members: dict[int, list[Unit]]) -> list[Unit]:
    if resolution is None:
        return []
    units = list(resolution.units)
    for group in resolution.groups:
        if group.scope != GroupScope.OPEN:
            if group.pk not in members:
                members[group.pk] = group_members(group, context=context)
            units += members[group.pk]
    return list({u.pk: u for u in units}.values())


def _due_date(due_dates: list[datetime.date], kind: str, period_end: datetime.date | None) -> datetime.date | None:
    """A task is due on its last date inside the plan; continuous or recurring work at the plan's end."""
    if due_dates:
        return max(due_dates)
    return period_end if kind in ("continuous", "recurring") else None


def planned_assignments(parsed: ParsedPlan, *, unit: Unit | None) -> list[PlannedAssignment]:
    """The assignments saving `parsed` for `unit` creates: one per task and responsible unit
    (lead and partners; a group stands for its members, an open group for nobody). Saves nothing."""
    members: dict[int, list[Unit]] = {}
    out = []
    for i, row in enumerate(parsed.tasks):
        due = _due_date(list(row.timeframe.due_dates), row.timeframe.kind, parsed.period_end)
        for role, resolution in ((AssignmentRole.LEAD, row.lead), (AssignmentRole.PARTNER, row.partners)):
            out += [PlannedAssignment(i, u, role, due) for u in _units_of(resolution, unit, members)]
    return out


def assignment_summary(parsed: ParsedPlan, *, unit: Unit | None) -> AssignmentSummary:
    planned = planned_assignments(parsed, unit=unit)
    return AssignmentSummary(
        assignments=len(planned), units=len({a.unit.pk for a in planned}), tasks=len(parsed.tasks),
        tasks_unassigned=len(parsed.tasks) - len({a.task for a in planned}),
    )


@transaction.atomic
def assignment_set_progress(*, assignment: Assignment, progress: str, completed_on: datetime.date | None = None,
                            evidence: dict | None = None, user=None) -> Assignment:
    """Move an assignment along; marking it done needs evidence (a document, a file or a link)."""
    if progress not in Progress.values:
        raise ValidationError("Tiến độ không hợp lệ.")
    if progress == Progress.DONE:
        has_evidence = assignment.evidence.exists()
        if evidence:
            item = Evidence(assignment=assignment, created_by=user, **evidence)
            item.full_clean()
            item.save()
            has_evidence = True
        if not has_evidence:
            raise ValidationError("Cần có minh chứng (số văn bản, tệp hoặc đường dẫn) để đánh dấu hoàn thành.")
        today = timezone.localdate()
        completed_on = completed_on or today
        if completed_on > today:
            raise ValidationError("Ngày hoàn thành không thể ở tương lai.")
        assignment.completed_on = completed_on
    else:
        assignment.completed_on = None
    assignment.progress = progress
    assignment.save()
    return assignment


@transaction.atomic
def plan_from_draft(*, draft, unit: Unit, parent: Plan, number: str = "", issued_on: datetime.date | None = None,
                    user=None) -> Plan:
    """Issue a unit's edited draft as its plan, linked to the parent it implements.

    The parent's tasks that fall to the unit are already assigned to it through the parent plan,
    so they are listed in the child plan without a second assignment.
    """
    number = number.strip()
    issued_on = issued_on or timezone.localdate()
    if number and Plan.objects.filter(unit=unit, number__iexact=number, issued_on=issued_on).exists():
        raise ValidationError(f"Kế hoạch số {number} của {unit.display_name} đã có trong hệ thống.")
    plan = Plan(
        unit=unit, kind=parent.kind, title=draft.title[:500], number=number, symbol=draft.symbol,
        issued_on=issued_on, place=draft.place, issuer_name=draft.issuer[:255], parent_body=draft.parent_body[:255],
        period_start=parent.period_start, period_end=parent.period_end, period_label=parent.period_label,
        parent=parent, implements_text=draft.implements[:500],
        body={"objectives": draft.objectives, "requirements": draft.requirements, "sections": []},
        recipients=draft.recipients, signer_title="\n".join(
            x for x in (draft.signature.authority, draft.signature.deputy, draft.signature.title) if x
        ), signer_name=draft.signature.name, created_by=user if user and user.is_authenticated else None,
    )
    plan.full_clean(exclude=["source_file"])
    plan.save()
    Topic.objects.bulk_create(Topic(plan=plan, code=c[:5], text=t, order=i) for i, (c, t) in enumerate(draft.topics))
    Channel.objects.bulk_create(Channel(plan=plan, code=c[:5], text=t, order=i) for i, (c, t) in enumerate(draft.channels))
    offices = {u.code: u for u in Unit.objects.filter(code__in=[d.unit_code for d in draft.duties if d.unit_code])}
    for i, duty in enumerate(draft.duties):
        saved = Duty.objects.create(plan=plan, unit_text=duty.heading[:300], items=duty.items, order=i)
        if duty.unit_code in offices:
            saved.units.set([offices[duty.unit_code]])
    Task.objects.bulk_create(
        Task(plan=plan, group_code=str(t.get("group", ""))[:10], number=str(t.get("number", ""))[:10],
             title=t.get("title") or "(không có nội dung)", deliverable=t.get("deliverable", ""),
             lead_text=unit.display_name if t.get("role") == "lead" else "",
             partners_text=unit.display_name if t.get("role") == "partner" else "",
             timeframe_text=t.get("timeframe_text", "")[:300], timeframe_kind=t.get("timeframe_kind", "unparsed"),
             due_dates=[str(d) for d in t.get("due_dates", [])], source="parent", order=i)
        for i, t in enumerate(draft.tasks)
    )
    return plan
