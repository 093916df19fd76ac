"""Pages of the inspections: the plans, one plan (suggestion, units, teams, import), one unit's
visit (checklist, findings, conclusion), and the findings a unit must remedy."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc import policy, records
from cchc.documents.official import DOCX_CONTENT_TYPE
from cchc.orgs.models import Unit

from . import checklist, services
from .forms import ConclusionForm, FindingForm, ImportForm, PlanForm, ScheduleForm, TeamForm, VisitForm
from .models import Finding, Target, Visit


def _working_units(user):
    if policy.is_coordinator(user):
        return Unit.objects.filter(kind__in=["province", "department", "commune", "ward"]).order_by("path")
    return Unit.objects.filter(pk__in=[u.pk for u in policy.home_units(user) if policy.can_work_for_unit(user, u)])


@login_required
def index(request: HttpRequest) -> HttpResponse:
    plans = policy.visible_inspections(request.user).select_related("unit", "plan").annotate(
        n_targets=Count("targets", distinct=True), n_visits=Count("targets__visit", distinct=True))[:100]
    units = _working_units(request.user)
    form = PlanForm(request.POST or None, units=units, initial={
        "year": timezone.localdate().year, "areas": [a["code"] for a in checklist.areas()],
        "unit": next(iter(policy.home_units(request.user)), None)})
    if request.method == "POST":
        if form.is_valid():
            unit = form.cleaned_data["unit"]
            if not policy.can_work_for_unit(request.user, unit):
                raise PermissionDenied("Bạn không lập được kế hoạch kiểm tra cho đơn vị này.")
            try:
                inspection = services.create_plan(unit=unit, year=form.cleaned_data["year"], title=form.cleaned_data["title"],
                                                  number=form.cleaned_data["number"], issued_on=form.cleaned_data["issued_on"],
                                                  areas=form.cleaned_data["areas"], user=request.user)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, "Đã tạo kế hoạch kiểm tra.")
                return redirect("inspections:detail", pk=inspection.pk)
    mine = _my_findings(request.user)[:50]
    return render(request, "inspections/index.html", {"plans": plans, "form": form if units.exists() else None,
                                                       "mine": mine})


def _my_findings(user):
    homes = policy.home_units(user)
    q = Q(pk__in=[])
    for home in homes:
        q |= Q(unit__path__startswith=home.path)
    return (Finding.objects.filter(q).select_related("unit", "assignment", "visit__target__inspection__unit")
            .order_by("due_date", "pk"))


@login_required
def my_findings(request: HttpRequest) -> HttpResponse:
    return render(request, "inspections/my_findings.html", {"findings": _my_findings(request.user)[:500]})


def _figures(inspection) -> list[dict]:
    """The plan's figures, each opening its records (the same named queries the reports use)."""
    start, end = datetime.date(inspection.year, 1, 1), datetime.date(inspection.year, 12, 31)
    unit = inspection.unit
    out = []
    for words, name, params in (
        ("Sở, ban, ngành đã kiểm tra", "inspected_units", {"kind": "department"}),
        ("UBND cấp xã đã kiểm tra", "inspected_units", {"kind": "commune"}),
        ("Phòng, đơn vị trực thuộc đã kiểm tra", "inspected_units", {"kind": "office"}),
        ("Vấn đề phát hiện", "findings", {"measure": "found"}),
        ("Vấn đề đã xử lý xong", "findings", {"measure": "handled"}),
    ):
        n = records.count(name, start, end, params, unit=unit)
        out.append({"words": words, "count": n, "url": records.list_url(name, start, end, params, unit=unit)})
    return out


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = policy.access_inspection(request.user, pk)
    can_manage = policy.can_manage_inspection(request.user, inspection)
    targets = list(inspection.targets.select_related("unit", "team", "visit").annotate(n_findings=Count("visit__findings")))
    suggestion = services.suggest(inspection.unit, inspection.year) if can_manage else []
    in_plan = {t.unit_id for t in targets if t.unit_id}
    for row in suggestion:
        row.chosen = row.unit.pk in in_plan if in_plan else row.chosen
    groups = {}
    for row in suggestion:
        groups.setdefault(row.group, []).append(row)
    names = checklist.area_names()
    return render(request, "inspections/detail.html", {
        "inspection": inspection, "plan": inspection.plan, "can_manage": can_manage,
        "targets": [t for t in targets if t.unit_id], "unknown": [t for t in targets if not t.unit_id],
        "groups": [(services.GROUP_LABELS[g], services.minimum(len(rows)), rows) for g, rows in sorted(groups.items())],
        "rule": services.SUGGESTION_RULE, "teams": inspection.teams.all(), "team_form": TeamForm(),
        "import_form": ImportForm(), "areas": [names[a] for a in inspection.areas if a in names],
        "figures": _figures(inspection), "candidates": services.candidates(inspection.unit) if can_manage else [],
    })


@login_required
@require_POST
def choose(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = policy.access_inspection(request.user, pk, manage=True)
    try:
        ids = [int(i) for i in request.POST.getlist("unit")]
    except ValueError:
        ids = None
    if ids is None:
        messages.error(request, "Danh sách đơn vị không hợp lệ. Chưa lưu gì.")
        return redirect("inspections:detail", pk=pk)
    try:
        made = services.choose_targets(inspection, ids, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Đã lưu danh sách đơn vị được kiểm tra ({len(made)} đơn vị mới).")
    return redirect("inspections:detail", pk=pk)


@login_required
@require_POST
def import_table(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = policy.access_inspection(request.user, pk, manage=True)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("inspections:detail", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        result = services.import_unit_table(inspection, upload.read(), upload.name, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages) + " Chưa lưu gì.")
        return redirect("inspections:detail", pk=pk)
    for warning in result.warnings:
        messages.warning(request, warning)
    messages.success(request, f"Đã đọc {len(result.rows)} dòng: {len(result.resolved)} đơn vị nhận diện được, "
                              f"{len(result.unknown)} tên chưa nhận diện (liệt kê bên dưới, không đoán).")
    return redirect("inspections:detail", pk=pk)


@login_required
@require_POST
def team_add(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = policy.access_inspection(request.user, pk, manage=True)
    form = TeamForm(request.POST)
    if form.is_valid():
        services.add_team(inspection, **form.cleaned_data)
        messages.success(request, "Đã thêm đoàn kiểm tra.")
    else:
        messages.error(request, "Cần tên đoàn kiểm tra. Chưa lưu gì.")
    return redirect("inspections:detail", pk=pk)


def _target_page(request, target, *, schedule=None, visit_form=None, finding_form=None, conclusion_form=None):
    inspection = target.inspection
    visit = Visit.objects.filter(target=target).first()
    can_manage = policy.can_manage_inspection(request.user, inspection)
    findings = list(visit.findings.select_related("unit", "assignment").order_by("pk")) if visit else []
    sub_units = Unit.objects.filter(path__startswith=target.unit.path).order_by("path") if target.unit_id else Unit.objects.none()
    items = checklist.items_of(target.areas or inspection.areas)
    for item in items:
        item["result"] = (visit.checklist.get(item["code"], "") if visit else "")
    return render(request, "inspections/target.html", {
        "inspection": inspection, "target": target, "visit": visit, "findings": findings, "can_manage": can_manage,
        "items": items, "results": checklist.RESULTS, "area_names": checklist.area_names(),
        "schedule": schedule or ScheduleForm(teams=inspection.teams.all(), initial={
            "start": target.start, "end": target.end, "team": target.team_id, "areas": target.areas}),
        "visit_form": visit_form or VisitForm(initial={"date": visit.date if visit else target.start,
                                                      "members": visit.members if visit else "",
                                                      "summary": visit.summary if visit else ""}),
        "finding_form": finding_form or FindingForm(units=sub_units, initial={"unit": target.unit_id}),
        "conclusion_form": conclusion_form or ConclusionForm(initial={
            "number": visit.conclusion_number, "date": visit.conclusion_date, "signer_name": visit.signer_name,
            "signer_title": visit.signer_title} if visit else None),
        "candidates": services.candidates(inspection.unit) if can_manage and not target.unit_id else [],
    })


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = policy.access_target(request.user, pk)
    if request.method != "POST":
        return _target_page(request, target)
    target = policy.access_target(request.user, pk, manage=True)
    action = request.POST.get("action")
    try:
        if action == "schedule":
            form = ScheduleForm(request.POST, teams=target.inspection.teams.all())
            if not form.is_valid():
                return _target_page(request, target, schedule=form)
            services.update_target(target, start=form.cleaned_data["start"], end=form.cleaned_data["end"],
                                   team=form.cleaned_data["team"], areas=form.cleaned_data["areas"])
            messages.success(request, "Đã lưu lịch kiểm tra.")
        elif action == "visit":
            form = VisitForm(request.POST)
            if not form.is_valid():
                return _target_page(request, target, visit_form=form)
            results = {i["code"]: request.POST.get(f"kq_{i['code']}", "") for i in checklist.items_of()}
            services.record_visit(target, date=form.cleaned_data["date"], members=form.cleaned_data["members"],
                                  summary=form.cleaned_data["summary"], checklist_results=results, user=request.user)
            messages.success(request, "Đã ghi kết quả kiểm tra.")
        elif action == "resolve":
            unit = Unit.objects.filter(pk=request.POST.get("unit") or 0).first()
            if unit is None:
                raise ValidationError("Cần chọn đơn vị. Chưa lưu gì.")
            services.resolve_target(target, unit)
            messages.success(request, f"Đã xác định “{target.name_text}” là {unit.name}.")
        else:
            raise Http404("Không rõ thao tác.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        target = policy.access_target(request.user, pk)
        return _target_page(request, target)
    return redirect("inspections:target", pk=pk)


def _visit_of(request, pk: int):
    target = policy.access_target(request.user, pk, manage=True)
    visit = Visit.objects.filter(target=target).first()
    if visit is None:
        messages.error(request, "Hãy ghi kết quả kiểm tra (ngày kiểm tra) trước. Chưa lưu gì.")
    return target, visit


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    target, visit = _visit_of(request, pk)
    if visit is None:
        return redirect("inspections:target", pk=pk)
    # Any unit id is accepted by the form; the service refuses a unit outside the plan with its own message.
    form = FindingForm(request.POST, units=Unit.objects.all())
    if not form.is_valid():
        return _target_page(request, target, finding_form=form)
    try:
        services.add_finding(visit, user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _target_page(request, target, finding_form=form)
    messages.success(request, "Đã ghi vấn đề và giao nhiệm vụ khắc phục cho đơn vị.")
    return redirect("inspections:target", pk=pk)


@login_required
@require_POST
def conclusion(request: HttpRequest, pk: int) -> HttpResponse:
    target, visit = _visit_of(request, pk)
    if visit is None:
        return redirect("inspections:target", pk=pk)
    form = ConclusionForm(request.POST)
    if not form.is_valid():
        return _target_page(request, target, conclusion_form=form)
    try:
        services.issue_conclusion(visit, **form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _target_page(request, target, conclusion_form=form)
    messages.success(request, "Đã lưu thông báo kết luận.")
    return redirect("inspections:target", pk=pk)


@login_required
def conclusion_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The conclusion, to the inspecting unit's people and to the inspected unit it is addressed to."""
    target = Target.objects.select_related("inspection__unit", "inspection__plan", "unit").filter(pk=pk).first()
    if target is None or not (policy.can_view_inspection(request.user, target.inspection)
                              or (target.unit_id and policy.can_view_unit(request.user, target.unit))):
        raise Http404("Không tìm thấy.")
    visit = Visit.objects.filter(target=target).first()
    if visit is None:
        raise Http404("Chưa có kết quả kiểm tra.")
    data = services.conclusion_docx(visit)
    response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="thong-bao-ket-luan-kiem-tra-{target.pk}.docx"'
    return response


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = policy.access_finding(request.user, pk)
    evidence = finding.assignment.evidence.all() if finding.assignment_id else []
    return render(request, "inspections/finding.html", {"f": finding, "evidence": evidence,
                                                        "area_names": checklist.area_names()})
