import datetime
from collections import Counter, defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc import policy
from cchc.documents.official import DOCX_CONTENT_TYPE
from cchc.documents.tables import XLSX_CONTENT_TYPE, write_xlsx

from . import cascade, exports, services
from .forms import AliasFixForm, ConfirmForm, EvidenceForm, PlanUploadForm, TaskFilterForm
from .coverage import plan_coverage
from .jobs import import_parsed, import_start
from .models import STATUS_LABELS, Assignment, ImportStatus, Plan, Progress, Task


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = policy.visible_plans(request.user).select_related("unit").annotate(n_tasks=Count("tasks"))
    page = Paginator(plans.order_by("-period_start", "-created_at"), 30).get_page(request.GET.get("trang"))
    return render(request, "plans/plan_list.html", {"page": page})


@login_required
def plan_import(request: HttpRequest) -> HttpResponse:
    homes = policy.home_units(request.user)
    form = PlanUploadForm(request.POST or None, request.FILES or None, max_bytes=settings.UPLOAD_MAX_BYTES)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        context = homes[0] if homes and not policy.is_coordinator(request.user) else None
        job = import_start(user=request.user, upload_name=upload.name, data=upload.read(), context_unit=context)
        return redirect("plans:import_status", pk=job.pk)
    return render(request, "plans/plan_import.html", {"form": form})


@login_required
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress while the file is read; then the preview of what was understood."""
    job = policy.access_import(request.user, pk)
    if job.status in (ImportStatus.PENDING, ImportStatus.RUNNING):
        template = "plans/_import_progress.html" if request.htmx else "plans/import_status.html"
        return render(request, template, {"job": job})
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if job.status == ImportStatus.FAILED:
        return render(request, "plans/import_status.html", {"job": job})
    if job.status == ImportStatus.SAVED and job.plan_id:
        return redirect("plans:plan_detail", pk=job.plan_id)
    parsed = import_parsed(job)
    confirm = ConfirmForm(user=request.user, parsed=parsed)
    fixes = AliasFixForm(parsed=parsed, user=request.user)
    return render(request, "plans/import_preview.html", {
        "job": job, "parsed": parsed, "data": parsed.to_json(), "confirm": confirm, "fixes": fixes,
    })


@login_required
@require_POST
def import_fix(request: HttpRequest, pk: int) -> HttpResponse:
    """Teach the resolver the names it did not know, then read the plan again."""
    job = policy.access_import(request.user, pk)
    parsed = import_parsed(job)
    form = AliasFixForm(request.POST, parsed=parsed, user=request.user)
    if form.is_valid():
        added = form.apply()
        messages.success(request, f"Đã ghi nhận {added} tên gọi khác của đơn vị; kế hoạch được đọc lại.")
    else:
        messages.error(request, "Không áp dụng được: " + "; ".join(e for errors in form.errors.values() for e in errors))
    return redirect("plans:import_status", pk=job.pk)


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = policy.access_import(request.user, pk)
    if job.status == ImportStatus.SAVED and job.plan_id:
        messages.info(request, "Kế hoạch này đã được lưu.")
        return redirect("plans:plan_detail", pk=job.plan_id)
    if job.status != ImportStatus.DONE:
        raise PermissionDenied("Tệp chưa được đọc xong.")
    parsed = import_parsed(job)
    form = ConfirmForm(request.POST, user=request.user, parsed=parsed)
    if form.is_valid():
        unit = form.cleaned_data["unit"]
        if not policy.can_import_plan_for(request.user, unit):
            raise PermissionDenied("Bạn không được lưu kế hoạch cho đơn vị này.")
        obligation = job.obligation
        if obligation is not None and unit.pk != obligation.unit_id:
            messages.error(request, f"Kế hoạch này trả lời yêu cầu gửi {obligation.unit.display_name}: "
                                    "đơn vị ban hành phải là đơn vị đó.")
            return redirect("plans:import_status", pk=job.pk)
        with job.file.open("rb") as fh:
            source = (job.file_name, fh.read())
        try:
            with transaction.atomic():
                plan = services.plan_save(
                    parsed=parsed, unit=unit, user=request.user, source=source,
                    parent=obligation.request.parent if obligation else form.cleaned_data.get("parent"),
                )
                if obligation is not None:
                    cascade.obligation_fulfil(obligation=obligation, plan=plan)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("plans:import_status", pk=job.pk)
        job.plan, job.status = plan, ImportStatus.SAVED
        job.save(update_fields=["plan", "status"])
        messages.success(request, f"Đã lưu kế hoạch với {plan.tasks.count()} nhiệm vụ.")
        return redirect("plans:plan_detail", pk=plan.pk)
    messages.error(request, "Hãy chọn đơn vị ban hành.")
    return redirect("plans:import_status", pk=job.pk)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = policy.access_plan(request.user, pk)
    tasks = list(plan.tasks.all())
    stats = defaultdict(Counter)
    today = timezone.localdate()
    for a in Assignment.objects.filter(task__plan=plan).only("task_id", "progress", "due_date", "completed_on"):
        stats[a.task_id][a.status] += 1
    groups: dict[tuple[str, str], list[Task]] = {}
    for task in tasks:
        task.stats = [(STATUS_LABELS[k], v, k) for k, v in sorted(stats[task.pk].items())]
        groups.setdefault((task.group_code, task.group_title), []).append(task)
    totals = Counter()
    for counter in stats.values():
        totals.update(counter)
    cited = list(plan.legal_references.all())
    in_system = {p.number.upper(): p for p in Plan.objects.filter(number__in=[r.number for r in cited])}
    references = [(r, in_system.get(r.number.upper())) for r in cited]
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "groups": groups, "totals": [(STATUS_LABELS[k], v, k) for k, v in sorted(totals.items())],
        "n_assignments": sum(totals.values()), "references": references,
        "targets": plan.targets.all(), "topics": plan.topics.all(), "channels": plan.channels.all(),
        "duties": plan.duties.prefetch_related("units", "groups"), "children": plan.children.select_related("unit"),
        "can_edit": policy.can_edit_plan(request.user, plan), "today": today,
        "can_view_audit": policy.can_view_audit(request.user),
        "requests": plan.requests.all() if policy.is_coordinator(request.user) else [],
        "coverage": plan_coverage(plan.parent, plan) if plan.parent_id else None,
    })


@login_required
def plan_docx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = policy.access_plan(request.user, pk)
    response = HttpResponse(exports.plan_docx(plan), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="ke-hoach-{plan.pk}.docx"'
    return response


@login_required
def plan_tasks_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = policy.access_plan(request.user, pk)
    header, rows = exports.task_rows(plan)
    response = HttpResponse(write_xlsx(header, rows, title="Nhiệm vụ"), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="nhiem-vu-ke-hoach-{plan.pk}.xlsx"'
    return response


def _filtered_assignments(request: HttpRequest, base):
    form = TaskFilterForm(request.GET or None, units=policy.visible_units(request.user))
    qs = base.select_related("task__plan", "unit")
    if form.is_valid():
        data = form.cleaned_data
        if data.get("unit"):
            qs = qs.filter(unit__path__startswith=data["unit"].path)
        if data.get("plan"):
            qs = qs.filter(task__plan_id=data["plan"])
        if data.get("group"):
            qs = qs.filter(task__group_code=data["group"])
        today = timezone.localdate()
        status = data.get("status")
        if status == "overdue":
            qs = qs.exclude(progress=Progress.DONE).filter(due_date__lt=today)
        elif status == "done":
            qs = qs.filter(progress=Progress.DONE)
        elif status in (Progress.NOT_STARTED, Progress.IN_PROGRESS):
            qs = qs.filter(progress=status).filter(Q(due_date__isnull=True) | Q(due_date__gte=today))
        if data.get("due_within"):
            qs = qs.exclude(progress=Progress.DONE).filter(
                due_date__gte=today, due_date__lte=today + datetime.timedelta(days=data["due_within"])
            )
    return form, qs.order_by("due_date", "task__plan_id", "task__order")


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    homes = policy.home_units(request.user)
    base = Assignment.objects.filter(unit__in=homes)
    form, qs = _filtered_assignments(request, base)
    page = Paginator(qs, 50).get_page(request.GET.get("trang"))
    return render(request, "plans/my_tasks.html", {"page": page, "form": form, "homes": homes})


@login_required
def task_board(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered_assignments(request, policy.visible_assignments(request.user))
    page = Paginator(qs, 50).get_page(request.GET.get("trang"))
    today = timezone.localdate()
    overdue = (
        policy.visible_assignments(request.user).exclude(progress=Progress.DONE).filter(due_date__lt=today)
        .values("unit__code", "unit__name").annotate(n=Count("id")).order_by("-n", "unit__name")[:20]
    )
    return render(request, "plans/task_board.html", {"page": page, "form": form, "overdue": overdue})


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = policy.access_assignment(request.user, pk)
    can_update = policy.can_work_for_unit(request.user, assignment.unit)
    form = EvidenceForm(request.POST or None, request.FILES or None, max_bytes=settings.UPLOAD_MAX_BYTES,
                        initial={"progress": assignment.progress})
    if request.method == "POST":
        if not can_update:
            raise PermissionDenied("Chỉ cán bộ của đơn vị được giao mới cập nhật được nhiệm vụ này.")
        if form.is_valid():
            try:
                services.assignment_set_progress(
                    assignment=assignment, progress=form.cleaned_data["progress"],
                    completed_on=form.cleaned_data.get("completed_on"), evidence=form.evidence(), user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"Đã cập nhật: {assignment.status_label}.")
                return redirect("tasks:detail", pk=assignment.pk)
    others = assignment.task.assignments.select_related("unit").exclude(pk=assignment.pk).order_by("role", "unit__name")
    return render(request, "plans/assignment_detail.html", {
        "a": assignment, "task": assignment.task, "form": form, "can_update": can_update,
        "evidence": assignment.evidence.all(), "can_view_audit": policy.can_view_audit(request.user), "others": [o for o in others if policy.can_view_unit(request.user, o.unit)],
    })
