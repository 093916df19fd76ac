"""Pages of the cascade: request plans from units, each unit's draft and issued plan, the status."""

import re
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc import policy
from cchc.documents.official import DOCX_CONTENT_TYPE
from cchc.documents.tables import XLSX_CONTENT_TYPE, format_date, write_xlsx
from cchc.orgs.models import UnitKind
from cchc.orgs.resolver import group_members

from . import cascade, drafts
from .coverage import plan_coverage
from .forms import DraftForm, PlanRequestForm, PlanUploadForm
from .jobs import import_start
from .models import Obligation, PlanRequest
from .services import plan_from_draft


@login_required
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    """"Yêu cầu đơn vị xây dựng kế hoạch": pick the groups, the exceptions and the deadline."""
    parent = policy.access_plan(request.user, pk)
    if not policy.is_coordinator(request.user):
        raise PermissionDenied("Chỉ cán bộ điều phối được yêu cầu các đơn vị xây dựng kế hoạch.")
    form = PlanRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        units = [u for g in form.cleaned_data["groups"] for u in group_members(g, context=parent.unit)]
        units = [u for u in units if u.code not in form.cleaned_data["exclude"] and u.pk != parent.unit_id]
        try:
            made = cascade.request_create(parent=parent, units=units, deadline=form.cleaned_data["deadline"],
                                          message=form.cleaned_data["message"], user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"Đã yêu cầu {made.obligations.count()} đơn vị ban hành kế hoạch trước ngày "
                                      f"{made.deadline:%d/%m/%Y}.")
            return redirect("plans:request_status", pk=made.pk)
    return render(request, "plans/request_form.html", {"form": form, "parent": parent})


@login_required
def request_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator's live table: required, on time, late, missing; filters, chart, reminders.
    POST "tao_du_thao": every unit's draft in one ZIP, built in the background (its progress page)."""
    plan_request = policy.access_plan_request(request.user, pk)
    if request.method == "POST" and "tao_du_thao" in request.POST:
        try:
            job = cascade.drafts_job_start(plan_request=plan_request, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("plans:request_status", pk=plan_request.pk)
        return redirect("jobs:detail", pk=job.pk)
    kind = request.GET.get("loai", "")
    status = request.GET.get("tinh_trang", "")
    all_rows = cascade.status_rows(plan_request)
    rows = [r for r in all_rows if (not kind or r.obligation.unit.kind == kind) and (not status or r.status == status)]
    counts = cascade.status_counts(all_rows)
    by_kind: dict[str, Counter] = {}
    for r in all_rows:
        by_kind.setdefault(r.obligation.unit.get_kind_display(), Counter())[r.status] += 1
    omissions = _omission_summary(plan_request, all_rows)
    return render(request, "plans/request_status.html", {
        "req": plan_request, "rows": rows, "counts": counts, "total": len(all_rows),
        "labels": cascade.STATUS_LABELS, "by_kind": sorted(by_kind.items()), "kind": kind, "status": status,
        "kinds": [(k, label) for k, label in UnitKind.choices if any(r.obligation.unit.kind == k for r in all_rows)],
        "omissions": omissions,
    })


def _omission_summary(plan_request: PlanRequest, rows) -> list[tuple[str, str, int]]:
    """Which parent topics, channels and tasks the issued child plans leave out, most often first."""
    counter: Counter = Counter()
    labels: dict[tuple[str, str], str] = {}
    for row in rows:
        child = row.obligation.plan
        if child is None:
            continue
        for item in plan_coverage(plan_request.parent, child).omitted:
            counter[(item.kind, item.code)] += 1
            labels[(item.kind, item.code)] = item.text
    kinds = {"topic": "Nội dung", "channel": "Hình thức", "task": "Nhiệm vụ"}
    return [(f"{kinds.get(k, k)} {code}", labels[(k, code)], n) for (k, code), n in counter.most_common(15)]


@login_required
@require_POST
def request_remind(request: HttpRequest, pk: int) -> HttpResponse:
    plan_request = policy.access_plan_request(request.user, pk)
    n = cascade.remind_missing(request=plan_request, user=request.user)
    messages.success(request, f"Đã gửi nhắc việc tới {n} đơn vị chưa ban hành kế hoạch." if n else
                     "Tất cả đơn vị đã ban hành kế hoạch.")
    return redirect("plans:request_status", pk=plan_request.pk)


@login_required
def request_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan_request = policy.access_plan_request(request.user, pk)
    header = ["Mã đơn vị", "Đơn vị", "Loại", "Tình trạng", "Kế hoạch đã ban hành", "Ngày ghi nhận", "Số lần nhắc"]
    rows = [
        [r.obligation.unit.code, r.obligation.unit.name, r.obligation.unit.get_kind_display(), r.label,
         r.obligation.plan.display_number if r.obligation.plan else "",
         format_date(timezone.localtime(r.obligation.fulfilled_at).date()) if r.obligation.fulfilled_at else "",
         r.obligation.reminders]
        for r in cascade.status_rows(plan_request)
    ]
    response = HttpResponse(write_xlsx(header, rows, title="Theo dõi ban hành"), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="theo-doi-ban-hanh-ke-hoach-{plan_request.pk}.xlsx"'
    return response


@login_required
def obligation_list(request: HttpRequest) -> HttpResponse:
    """A unit's requests to build its own plan; the coordinator sees every unit's."""
    obligations = (
        policy.visible_obligations(request.user).select_related("unit", "plan", "request__parent__unit")
        .order_by("request__deadline", "unit__name")
    )
    if policy.is_coordinator(request.user):
        obligations = obligations.filter(unit__in=policy.home_units(request.user)) if request.GET.get("cua_toi") else obligations
    today = timezone.localdate()
    rows = [(o, cascade.obligation_status(o, today)) for o in obligations[:500]]
    return render(request, "plans/obligation_list.html", {
        "rows": rows, "labels": cascade.STATUS_LABELS,
        "requests": PlanRequest.objects.select_related("parent").order_by("-created_at")[:20]
        if policy.is_coordinator(request.user) else [],
    })


def _draft(obligation: Obligation):
    return cascade.obligation_draft(obligation)


@login_required
def obligation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's ready draft: edit it in the browser, download it, issue it, or upload the signed plan."""
    obligation = policy.access_obligation(request.user, pk)
    draft = _draft(obligation)
    form = DraftForm(initial=_draft_initial(draft), duties=draft.duties)
    coverage = plan_coverage(obligation.request.parent, obligation.plan) if obligation.plan else None
    return render(request, "plans/obligation_detail.html", {
        "o": obligation, "draft": draft, "form": form, "status": cascade.obligation_status(obligation),
        "labels": cascade.STATUS_LABELS, "coverage": coverage,
        "upload": PlanUploadForm(max_bytes=settings.UPLOAD_MAX_BYTES),
        "can_act": policy.can_work_for_unit(request.user, obligation.unit),
    })


def _draft_initial(draft) -> dict:
    return {
        "title": draft.title, "implements": draft.implements, "objectives": "\n".join(draft.objectives),
        "topics": "\n".join(f"{code}) {text}" for code, text in draft.topics),
        "channels": "\n".join(f"{code}) {text}" for code, text in draft.channels),
    }


_ITEM = re.compile(r"^\s*([a-zđ]|\d{1,2})\)\s*(.*)$")


def _items(text: str) -> list[tuple[str, str]]:
    out = []
    for i, line in enumerate(ln for ln in text.splitlines() if ln.strip()):
        m = _ITEM.match(line)
        out.append((m[1], m[2].strip()) if m else (str(i + 1), line.strip()))
    return out


@login_required
@require_POST
def obligation_save_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the edited draft; "Ban hành" also issues it as the unit's plan."""
    obligation = policy.access_obligation(request.user, pk, act=True)
    draft = _draft(obligation)
    form = DraftForm(request.POST, duties=draft.duties)
    if not form.is_valid():
        messages.error(request, "Chưa lưu được dự thảo: " + "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect("plans:obligation_detail", pk=pk)
    data = form.cleaned_data
    draft.title, draft.implements = data["title"], data["implements"]
    draft.objectives = [ln.strip() for ln in data["objectives"].splitlines() if ln.strip()]
    draft.topics, draft.channels = _items(data["topics"]), _items(data["channels"])
    for name, duty in zip(form.duty_fields, draft.duties, strict=True):
        duty.items = [ln.strip() for ln in data[name].splitlines() if ln.strip()]
    obligation.draft = drafts.draft_to_dict(draft)
    obligation.save(update_fields=["draft"])
    if "ban_hanh" not in request.POST:
        messages.success(request, "Đã lưu dự thảo.")
        return redirect("plans:obligation_detail", pk=pk)
    if obligation.fulfilled_at:
        messages.info(request, "Đơn vị đã ghi nhận kế hoạch cho yêu cầu này.")
        return redirect("plans:obligation_detail", pk=pk)
    try:
        plan = plan_from_draft(draft=draft, unit=obligation.unit, parent=obligation.request.parent,
                               number=data["number"], issued_on=data["issued_on"], user=request.user)
        cascade.obligation_fulfil(obligation=obligation, plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("plans:obligation_detail", pk=pk)
    messages.success(request, "Đã ban hành kế hoạch của đơn vị.")
    return redirect("plans:plan_detail", pk=plan.pk)


@login_required
def obligation_draft_docx(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = policy.access_obligation(request.user, pk)
    response = HttpResponse(cascade.obligation_docx(obligation), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="du-thao-ke-hoach-{obligation.unit.code}.docx"'
    return response


@login_required
@require_POST
def obligation_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's signed plan: read by the plan importer, then linked to the parent on confirmation."""
    obligation = policy.access_obligation(request.user, pk, act=True)
    form = PlanUploadForm(request.POST, request.FILES, max_bytes=settings.UPLOAD_MAX_BYTES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("plans:obligation_detail", pk=pk)
    upload = form.cleaned_data["file"]
    job = import_start(user=request.user, upload_name=upload.name, data=upload.read(),
                       context_unit=obligation.unit, obligation=obligation)
    return redirect("plans:import_status", pk=job.pk)
