"""Pages of the communication campaign: record activities, list them, see coverage and requirements."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc import policy
from cchc.documents.tables import XLSX_CONTENT_TYPE, write_xlsx
from cchc.orgs.models import Unit, UnitKind, active_units_q
from cchc.plans.models import Plan, PlanKind

from . import figures, services, tables
from .forms import ActivityFilterForm, ActivityForm, ImportForm, PeriodForm, RequirementForm
from .models import Activity, ActivityFile, ChannelKind, Requirement
from .requirements import check_requirements

PAGE_SIZE = 30


def _root_unit() -> Unit | None:
    return Unit.objects.filter(kind=UnitKind.PROVINCE, depth=0).filter(active_units_q()).order_by("pk").first()


def _recording_unit(request: HttpRequest) -> Unit | None:
    """The unit the person records for: the one chosen (?don_vi=code) among theirs, else the first."""
    units = policy.comm_recording_units(request.user)
    code = request.POST.get("don_vi") or request.GET.get("don_vi")
    if code:
        for unit in units:
            if unit.code == code:
                return unit
    return units[0] if units else None


def _heat(cells: list[int], top: int) -> list[tuple[int, int]]:
    """Each count with a shade 0–4 relative to the largest count of the table."""
    return [(n, 0 if not n else min(4, 1 + (4 * n - 1) // max(top, 1))) for n in cells]


def _quick_context(request, unit, form=None, saved=None):
    initial = services.last_defaults(unit, request.user) if unit else {}
    if form is None and unit is not None:
        form = ActivityForm(unit=unit, quick=True, initial=initial)
    return {"form": form, "unit": unit, "saved": saved, "units": policy.comm_recording_units(request.user)}


def _recent(request, unit):
    base = policy.visible_activities(request.user)
    if unit is not None:
        base = base.filter(unit__path__startswith=unit.path)
    return list(base.select_related("unit").prefetch_related("topics").order_by("-date", "-pk")[:10])


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """"Tuyên truyền": quick entry, the unit's recent activities, a small coverage summary."""
    unit = _recording_unit(request)
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    scope = _root_unit() if policy.is_coordinator(request.user) else unit
    summary, topics = [], None
    if scope is not None:
        scope_qs = Unit.objects.filter(pk=scope.pk)
        summary = [r for r in figures.activity_totals(scope_qs, start, today, by="channel") if r["activities"]]
        plan = services.unit_plans(scope).first()
        if plan is not None:
            topics = figures.topic_channel_matrix(scope_qs, start, today, plan)
            topics["plan"] = plan
    top = max((r["activities"] for r in summary), default=0)
    return render(request, "comms/index.html", {
        **_quick_context(request, unit), "recent": _recent(request, unit), "summary": summary, "top": top,
        "topics": topics, "scope": scope, "start": start, "today": today,
        "can_view_province": policy.can_view_comms_province(request.user),
    })


@login_required
@require_POST
def quick_create(request: HttpRequest) -> HttpResponse:
    """The quick form (htmx): saves, answers with a fresh form and the refreshed recent list."""
    unit = _recording_unit(request)
    if unit is None or not policy.can_record_activity(request.user, unit):
        raise PermissionDenied("Bạn không phụ trách ghi nhận hoạt động tuyên truyền của đơn vị nào.")
    form = ActivityForm(request.POST, unit=unit, quick=True, instance=Activity(unit=unit))
    saved = None
    if form.is_valid():
        try:
            saved = services.activity_save(activity=form.apply(), topics=form.cleaned_data["topics"], user=request.user)
        except services.ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            form = None
    if not request.htmx:
        if saved is not None:
            messages.success(request, _saved_message(saved))
            return redirect(reverse("comms:index") + f"?don_vi={unit.code}")
        return render(request, "comms/index.html", {**_quick_context(request, unit, form), "recent": _recent(request, unit)})
    return render(request, "comms/_quick_response.html", {
        **_quick_context(request, unit, form, saved), "recent": _recent(request, unit),
        "message": _saved_message(saved) if saved else "",
    })


def _saved_message(activity: Activity) -> str:
    if getattr(activity, "duplicate", False):
        return f"Hoạt động “{activity.title}” đã được ghi nhận trước đó; không tạo bản ghi trùng."
    return f"Đã ghi nhận: {activity.get_channel_display()} ngày {activity.date:%d/%m/%Y} — {activity.title}."


def _filtered(request: HttpRequest):
    form = ActivityFilterForm(request.GET or None, with_units=True)
    qs = policy.visible_activities(request.user)
    start, end, label = form.range()
    if start:
        qs = qs.filter(date__gte=start, date__lte=end)
    if form.is_valid():
        data = form.cleaned_data
        if data.get("nhom") or data.get("loai"):
            qs = qs.filter(figures.in_subtrees(form.filter_units(Unit.objects.all())))
        if data.get("hinh_thuc"):
            qs = qs.filter(channel=data["hinh_thuc"])
        if data.get("q"):
            qs = qs.filter(Q(title__icontains=data["q"]) | Q(unit__name__icontains=data["q"]))
        if data.get("don_vi"):
            unit = Unit.objects.filter(code=data["don_vi"]).first()
            if unit is None or not policy.can_view_unit(request.user, unit):
                qs = qs.none()
            else:
                qs = qs.filter(unit__path__startswith=unit.path)
    return form, qs, label


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    form, qs, label = _filtered(request)
    qs = qs.select_related("unit").prefetch_related("topics").order_by("-date", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    editable = {u.pk for u in policy.comm_recording_units(request.user)}
    query = request.GET.copy()
    query.pop("trang", None)
    return render(request, "comms/activity_list.html", {
        "form": form, "page": page, "period_label": label, "query": query.urlencode(),
        "editable": editable, "is_coordinator": policy.is_coordinator(request.user),
    })


@login_required
def activity_export(request: HttpRequest) -> HttpResponse:
    _, qs, _ = _filtered(request)
    data = write_xlsx(tables.HEADER, tables.export_rows(qs), title="Hoạt động")
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="hoat-dong-tuyen-truyen-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    unit = _recording_unit(request)
    if unit is None or not policy.can_record_activity(request.user, unit):
        raise PermissionDenied("Bạn không phụ trách ghi nhận hoạt động tuyên truyền của đơn vị nào.")
    form = ActivityForm(request.POST or None, request.FILES or None, unit=unit, instance=Activity(unit=unit),
                        max_bytes=settings.UPLOAD_MAX_BYTES,
                        initial=services.last_defaults(unit, request.user))
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_save(activity=form.apply(), topics=form.cleaned_data["topics"],
                                              user=request.user, files=form.cleaned_data["files"])
        except services.ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _saved_message(activity))
            return redirect("comms:detail", pk=activity.pk)
    return render(request, "comms/activity_form.html", {"form": form, "unit": unit, "units": policy.comm_recording_units(request.user)})


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = policy.access_activity(request.user, pk)
    history = []
    if policy.can_view_audit(request.user):
        history = (LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Activity), object_pk=str(pk))
                   .select_related("actor").order_by("-timestamp")[:20])
    return render(request, "comms/activity_detail.html", {
        "a": activity, "topics": activity.topics.select_related("plan__unit"), "files": activity.files.all(),
        "can_edit": policy.can_record_activity(request.user, activity.unit), "history": history,
    })


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = policy.access_activity(request.user, pk, edit=True)
    form = ActivityForm(request.POST or None, request.FILES or None, unit=activity.unit, instance=activity,
                        max_bytes=settings.UPLOAD_MAX_BYTES)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_save(activity=form.apply(), topics=form.cleaned_data["topics"], user=request.user,
                                   files=form.cleaned_data["files"])
        except services.ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Đã lưu thay đổi.")
            return redirect("comms:detail", pk=activity.pk)
    return render(request, "comms/activity_form.html", {"form": form, "unit": activity.unit, "activity": activity})


@login_required
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = policy.access_activity(request.user, pk, edit=True)
    if request.method == "POST":
        services.activity_delete(activity=activity)
        messages.success(request, f"Đã xóa hoạt động “{activity.title}”.")
        return redirect("comms:list")
    return render(request, "comms/activity_delete.html", {"a": activity})


@login_required
def file_download(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    activity = policy.access_activity(request.user, pk)
    found = ActivityFile.objects.filter(activity=activity, pk=file_pk).first()
    if found is None:
        raise Http404("Không tìm thấy tệp.")
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name)


@login_required
def activity_import(request: HttpRequest) -> HttpResponse:
    unit = _recording_unit(request)
    if unit is None:
        raise PermissionDenied("Bạn không phụ trách ghi nhận hoạt động tuyên truyền của đơn vị nào.")
    form = ImportForm(request.POST or None, request.FILES or None, max_bytes=settings.UPLOAD_MAX_BYTES)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        several = len(policy.comm_recording_units(request.user)) > 1
        result = tables.import_activities(upload.read(), upload.name, user=request.user,
                                          default_unit=None if several and not request.POST.get("don_vi") else unit)
        if result.ok:
            messages.success(request, f"Đã nhập: {result.created} hoạt động mới, {result.updated} cập nhật, "
                                      f"{result.unchanged} không đổi.")
            return redirect("comms:list")
    return render(request, "comms/import.html", {"form": form, "result": result, "unit": unit,
                                                 "columns": tables.HEADER})


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    unit = _recording_unit(request)
    response = HttpResponse(tables.template_xlsx(unit), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-hoat-dong-tuyen-truyen.xlsx"'
    return response


def _scope_unit(request: HttpRequest) -> Unit:
    """The unit a matrix is about: ?don_vi=code if visible (else 404); default the person's unit,
    or the province for a coordinator."""
    code = request.GET.get("don_vi")
    if code:
        return policy.access_unit(request.user, code)
    if policy.is_coordinator(request.user):
        root = _root_unit()
        if root is not None:
            return root
    homes = policy.comm_recording_units(request.user) or policy.home_units(request.user)
    if not homes:
        raise PermissionDenied("Bạn chưa được gán vào đơn vị nào.")
    return homes[0]


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """Topics × channels for one unit (its subtree), or the province for a coordinator."""
    unit = _scope_unit(request)
    period = PeriodForm(request.GET or None, with_units=True)
    start, end, label = period.range()
    plans = list(services.unit_plans(unit))
    plan = None
    wanted = request.GET.get("ke_hoach")
    if wanted and wanted.isdigit():
        plan = next((p for p in plans if p.pk == int(wanted)), None)
    plan = plan or (plans[0] if plans else None)
    scope = Unit.objects.filter(pk=unit.pk)
    filtered = period.is_valid() and (period.cleaned_data.get("nhom") or period.cleaned_data.get("loai"))
    if filtered:  # only the units of a group or kind below this one (e.g. the communes of the province)
        scope = period.filter_units(Unit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk))
    matrix = figures.topic_channel_matrix(scope, start, end, plan) if plan else None
    by_channel = figures.activity_totals(scope, start, end, by="channel")
    if matrix:
        top = max([n for r in matrix["rows"] for n in r["cells"]] + matrix["untagged"] + [0])
        for row in matrix["rows"]:
            row["heat"] = _heat(row["cells"], top)
        matrix["untagged_heat"] = _heat(matrix["untagged"], top)
        matrix["channel_totals"] = [r["activities"] for r in by_channel]
    totals = {k: sum(r[k] for r in by_channel) for k in ("activities", "quantity", "reach")}
    by_month = figures.activity_totals(scope, start, end, by="month")
    return render(request, "comms/coverage.html", {
        "unit": unit, "plan": plan, "plans": plans, "matrix": matrix, "period": period, "period_label": label,
        "by_channel": by_channel, "top_channel": max((r["activities"] for r in by_channel), default=0),
        "totals": totals, "by_audience": figures.activity_totals(scope, start, end, by="audience"),
        "by_month": by_month, "top_month": max((r["activities"] for r in by_month), default=0),
        "filtered": filtered,
    })


@login_required
def unit_matrix(request: HttpRequest) -> HttpResponse:
    """Units × channels: the sub-units of a unit (the province's units for a coordinator)."""
    unit = _scope_unit(request)
    period = PeriodForm(request.GET or None, with_units=True)
    start, end, label = period.range()
    rows = period.filter_units(Unit.objects.filter(parent=unit).filter(active_units_q())).order_by("kind", "name")
    matrix = figures.unit_channel_matrix(rows, start, end, own=unit)
    top = max([n for r in matrix["rows"] for n in r["cells"]] + [0])
    top_total = max([r["total"] for r in matrix["rows"]] + [0])
    for row in matrix["rows"]:
        row["heat"] = _heat(row["cells"], top)
    silent = sum(1 for r in matrix["rows"] if not r["total"] and not r["own"])
    return render(request, "comms/unit_matrix.html", {
        "unit": unit, "matrix": matrix, "period": period, "period_label": label, "top_total": top_total,
        "silent": silent, "query": request.GET.urlencode(),
    })


def _requirement_plans(user) -> list[Plan]:
    return list(policy.visible_plans(user).filter(kind=PlanKind.COMMUNICATION).select_related("unit")
                .order_by("unit__depth", "-period_start", "-pk"))


@login_required
def requirement_check(request: HttpRequest) -> HttpResponse:
    """The plan's requirements (100 % of units; at least one new form) and the units that fall short."""
    plans = _requirement_plans(request.user)
    wanted = request.GET.get("ke_hoach")
    plan = next((p for p in plans if wanted and str(p.pk) == wanted), None) or (plans[0] if plans else None)
    if wanted and plan is not None and str(plan.pk) != wanted:
        raise Http404("Không tìm thấy kế hoạch.")
    period = PeriodForm(request.GET or None, with_units=True)
    if plan is not None and not request.GET.get("ky") and not request.GET.get("nam") and plan.period_start and plan.period_end:
        start, end = plan.period_start, plan.period_end
        label = f"kỳ kế hoạch ({start:%d/%m/%Y} – {end:%d/%m/%Y})"
    else:
        start, end, label = period.range()
    result = None
    if plan is not None:
        units = period.filter_units(policy.visible_units(request.user))
        result = check_requirements(plan, start, end, units=units)
        if request.GET.get("xuat") == "xlsx":
            return _requirements_xlsx(plan, result, label)
        short = [r for r in result["rows"] if not r["all_met"]]
        result["short"] = short
        result["n_short"] = len(short)
        page = Paginator(result["rows"], 60).get_page(request.GET.get("trang"))
        result["page"] = page
    query = request.GET.copy()
    query.pop("trang", None)
    return render(request, "comms/requirements.html", {
        "plans": plans, "plan": plan, "result": result, "period": period, "period_label": label,
        "query": query.urlencode(), "channels": ChannelKind,
        "can_edit": plan is not None and policy.can_edit_plan(request.user, plan),
    })


@login_required
def requirement_edit(request: HttpRequest, pk: int | None = None, plan_pk: int | None = None) -> HttpResponse:
    """Correct one requirement of a plan, or add one (the plan's editors: coordinators, its unit's officers)."""
    if pk is not None:
        requirement = policy.access_comm_requirement(request.user, pk, edit=True)
        plan = requirement.plan
    else:
        plan = policy.access_plan(request.user, plan_pk, edit=True)
        requirement = Requirement(plan=plan, order=plan.comm_requirements.count())
    form = RequirementForm(request.POST or None, instance=requirement)
    if request.method == "POST":
        if request.POST.get("xoa") and requirement.pk:
            requirement.delete()
            messages.success(request, "Đã xóa yêu cầu.")
            return redirect(reverse("comms:requirements") + f"?ke_hoach={plan.pk}")
        if form.is_valid():
            form.save()
            messages.success(request, "Đã lưu yêu cầu của kế hoạch.")
            return redirect(reverse("comms:requirements") + f"?ke_hoach={plan.pk}")
    return render(request, "comms/requirement_form.html", {"form": form, "plan": plan, "requirement": requirement})


def _requirements_xlsx(plan: Plan, result: dict, label: str) -> HttpResponse:
    header = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"]
    for i, requirement in enumerate(result["requirements"], start=1):
        header += [f"Yêu cầu {i}: {requirement.get_kind_display()} (số hoạt động)", f"Yêu cầu {i}: kết quả"]
    header.append("Đạt tất cả")
    rows = []
    for row in result["rows"]:
        line = [row["unit"].code, row["unit"].name, row["unit"].get_kind_display()]
        for check in row["checks"]:
            line += [check["count"], "Không áp dụng" if not check["applies"] else ("Đạt" if check["met"] else "Chưa đạt")]
        line.append("Đạt" if row["all_met"] else "Chưa đạt")
        rows.append(line)
    response = HttpResponse(write_xlsx(header, rows, title="Kiểm tra yêu cầu"), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="kiem-tra-yeu-cau-ke-hoach-{plan.pk}.xlsx"'
    return response
