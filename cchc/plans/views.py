import datetime
from collections import Counter, defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.lib.text import squeeze
from cchc import policy
from cchc.documents.official import DOCX_CONTENT_TYPE
from cchc.documents.tables import XLSX_CONTENT_TYPE, write_xlsx

from . import cascade, exports, services
from cchc.orgs import services as org_services
from cchc.orgs.models import UnitGroup

from .forms import (
    ConfirmForm,
    EvidenceForm,
    NameMappingForm,
    PlanUploadForm,
    ReadAsForm,
    TaskFilterForm,
    import_root,
    unresolved_names,
)
from .coverage import plan_coverage
from . import jobs
from .jobs import import_parsed, import_start, import_sweep
from .models import STATUS_LABELS, Assignment, ImportStatus, Plan, PlanImport, Progress, Task


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = policy.visible_plans(request.user).select_related("unit").annotate(n_tasks=Count("tasks"))
    query = squeeze(request.GET.get("q", ""))[:100]
    if query:
        # The title as shown, its number, and the original of a title whose diacritics were restored.
        plans = plans.filter(Q(title__icontains=query) | Q(number__icontains=query)
                             | Q(body__original_title__icontains=query))
    page = Paginator(plans.order_by("-period_start", "-created_at"), 30).get_page(request.GET.get("trang"))
    return render(request, "plans/plan_list.html", {"page": page, "query": query})


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
    job = import_sweep(policy.access_import(request.user, pk))
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
    return _preview(request, job)


def _preview(request: HttpRequest, job, *, parsed=None, fixes: NameMappingForm | None = None,
             status: int = 200) -> HttpResponse:
    parsed = parsed or import_parsed(job)
    confirm = ConfirmForm(user=request.user, parsed=parsed)
    unit = confirm.initial_unit()
    fixes = fixes or NameMappingForm(parsed=parsed, user=request.user, job=job)
    read_as = ReadAsForm(user=request.user, initial={"unit": job.read_as_id})
    # Choosing another issuing unit updates the count of assignments at once.
    confirm.fields["unit"].widget.attrs.update({
        "hx-get": reverse("plans:import_summary", args=[job.pk]), "hx-trigger": "change",
        "hx-target": "#tom-tat-giao-viec", "hx-swap": "outerHTML",
    })
    return render(request, "plans/import_preview.html", {
        "job": job, "parsed": parsed, "data": parsed.to_json(), "confirm": confirm, "fixes": fixes,
        "read_as": read_as, "can_map": policy.can_manage_units(request.user),
        "summary": services.assignment_summary(parsed, unit=unit), "summary_unit": unit,
        "suggestions": _first_suggestions(request.user, fixes.root) if fixes.rows else [],
    }, status=status)


def _first_suggestions(user, root: int | None) -> list[tuple[str, str]]:
    """What the name picker offers before anything is typed: the groups and the top-level units
    of the province the plan is read for (typing asks the server for the rest)."""
    targets = list(UnitGroup.objects.order_by("name"))
    units = policy.visible_units(user).filter(depth__lte=1).exclude(kind="office").select_related("parent")
    if root is not None:
        units = units.filter(path__startswith=f"/{root}/")
    targets += [u for u in units.order_by("path") if u.is_active]
    return [(org_services.target_label(t), t.code) for t in targets]


def _open_job(request: HttpRequest, pk: int):
    """The job if it can still be changed (read, not yet saved); else where to go instead."""
    job = policy.access_import(request.user, pk)
    if job.status == ImportStatus.SAVED and job.plan_id:
        messages.info(request, "Kế hoạch này đã được lưu.")
        return job, redirect("plans:plan_detail", pk=job.plan_id)
    if job.status != ImportStatus.DONE:
        raise PermissionDenied("Tệp chưa được đọc xong.")
    return job, None


@login_required
@require_POST
def import_read_as(request: HttpRequest, pk: int) -> HttpResponse:
    """"Đọc như văn bản của đơn vị…": read the job again as that unit's plan."""
    job, elsewhere = _open_job(request, pk)
    if elsewhere:
        return elsewhere
    form = ReadAsForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "Không chọn được đơn vị này: bạn chỉ đọc được kế hoạch như văn bản của "
                                "đơn vị mà bạn được nhập kế hoạch.")
        return redirect("plans:import_status", pk=job.pk)
    unit = form.cleaned_data["unit"]
    if unit is not None and not policy.can_import_plan_for(request.user, unit):
        raise PermissionDenied("Bạn không được nhập kế hoạch cho đơn vị này.")
    before = len(unresolved_names(import_parsed(job)))
    jobs.import_read_as(job, unit)  # the view shares this name
    after = len(unresolved_names(import_parsed(job)))
    if unit is None:
        messages.success(request, f"Đã đọc lại theo cơ quan ban hành ghi trong tệp: còn {after} tên đơn vị "
                                  "chưa nhận diện.")
    else:
        messages.success(request, f"Đã đọc lại như văn bản của {unit.name}: còn {after} tên đơn vị chưa "
                                  f"nhận diện (trước đó {before}).")
    return redirect("plans:import_status", pk=job.pk)


@login_required
@require_POST
def import_fix(request: HttpRequest, pk: int) -> HttpResponse:
    """Teach the resolver the names it did not know, then read the plan again and say what changed."""
    job, elsewhere = _open_job(request, pk)
    if elsewhere:
        return elsewhere
    parsed = import_parsed(job)
    form = NameMappingForm(request.POST, parsed=parsed, user=request.user, job=job)
    if not form.is_valid():
        if not policy.can_manage_units(request.user):
            raise PermissionDenied("Chỉ cán bộ điều phối được thêm tên gọi cho đơn vị.")
        messages.error(request, "Chưa ghi nhận tên nào: hãy sửa các ô báo lỗi bên dưới.")
        return _preview(request, job, parsed=parsed, fixes=form, status=400)
    if not form.mapping:
        messages.info(request, "Chưa chọn đơn vị hay nhóm cho tên nào: không có gì thay đổi.")
        return redirect("plans:import_status", pk=job.pk)
    before = set(form.names)
    form.apply()
    after = set(unresolved_names(import_parsed(job)))
    mapped = [phrase for phrase, _ in form.mapping]
    now_known = [p for p in mapped if p not in after]
    left = len(after)
    if now_known:
        still = len(mapped) - len(now_known)
        note = f"; {still} tên vẫn chưa nhận diện được khi đọc lại" if still else ""
        messages.success(request, f"Đã ghi nhận {len(mapped)} tên gọi; đọc lại kế hoạch: {len(now_known)} tên nay "
                                  f"đã nhận diện được{note}. Còn {left} tên chưa nhận diện.")
    else:
        messages.warning(request, f"Đã ghi nhận {len(mapped)} tên gọi nhưng khi đọc lại không có tên nào được "
                                  f"nhận diện thêm (vẫn còn {len(before)} tên chưa nhận diện).")
    return redirect("plans:import_status", pk=job.pk)


@login_required
def import_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """Suggestions for the name picker: units and groups whose names hold the typed words."""
    job = policy.access_import(request.user, pk)
    query = request.GET.get("q") or next((v for k, v in request.GET.items() if k.startswith("target_") and v), "")
    root = import_root(job)
    if not query.strip():
        return render(request, "plans/_target_options.html", {"options": _first_suggestions(request.user, root)})
    search = org_services.TargetSearch(units=policy.visible_units(request.user))
    found = search.search(squeeze(query)[:100], limit=40, prefer_root=root)
    # Another province's units are not offered (the form refuses them too).
    found = [t for t in found if isinstance(t, UnitGroup) or root is None or org_services.province_root(t) == root][:20]
    return render(request, "plans/_target_options.html", {
        "options": [(org_services.target_label(t), t.code) for t in found],
    })


@login_required
def import_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The assignment count for the unit chosen in the confirmation form (htmx, on change)."""
    job = policy.access_import(request.user, pk)
    parsed = import_parsed(job)
    unit = None
    if request.GET.get("unit", "").isdigit():
        unit = policy.visible_units(request.user).filter(pk=int(request.GET["unit"])).first()
    return render(request, "plans/_assignment_summary.html", {
        "summary": services.assignment_summary(parsed, unit=unit), "summary_unit": unit,
        "confirm": ConfirmForm(user=request.user, parsed=parsed),
    })


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job, elsewhere = _open_job(request, pk)
    if elsewhere:
        return elsewhere
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
                # Claim the job first: a second submit (double click, two tabs) finds it taken and
                # saves nothing, and a failure below gives it back with everything else.
                claimed = PlanImport.objects.filter(pk=job.pk, status=ImportStatus.DONE, plan__isnull=True).update(
                    status=ImportStatus.SAVED)
                if not claimed:
                    job.refresh_from_db()
                    messages.info(request, "Kế hoạch này đã được lưu.")
                    return redirect("plans:plan_detail", pk=job.plan_id) if job.plan_id else \
                        redirect("plans:import_status", pk=job.pk)
                plan = services.plan_save(
                    parsed=parsed, unit=unit, user=request.user, source=source,
                    parent=obligation.request.parent if obligation else form.cleaned_data.get("parent"),
                    require_assignments=not form.cleaned_data.get("save_unassigned"),
                )
                if obligation is not None:
                    cascade.obligation_fulfil(obligation=obligation, plan=plan)
                job.plan, job.status = plan, ImportStatus.SAVED
                job.save(update_fields=["plan", "status"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("plans:import_status", pk=job.pk)
        n = plan.tasks.count()
        assigned = Assignment.objects.filter(task__plan=plan)
        n_assignments, n_units = assigned.count(), assigned.values("unit").distinct().count()
        messages.success(request, f"Đã lưu kế hoạch với {n} nhiệm vụ.")
        if n_assignments:
            messages.info(request, f"Đã tạo {n_assignments} lượt giao việc cho {n_units} đơn vị.")
        else:
            messages.warning(request, "Kế hoạch được lưu theo yêu cầu dù chưa giao việc cho đơn vị nào.")
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
def evidence_file(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """An evidence file, to those who may see its task (files are not served from MEDIA_URL)."""
    assignment = policy.access_assignment(request.user, pk)
    evidence = assignment.evidence.filter(pk=evidence_pk).exclude(file="").first()
    if evidence is None or not evidence.file.storage.exists(evidence.file.name):
        raise Http404("Không tìm thấy tệp minh chứng.")
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.file.name.rsplit("/", 1)[-1])


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
