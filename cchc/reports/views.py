"""Pages of the periodic reports: the index, form sets, opening a period, the report itself, watching
completeness, compiling and the dashboard.

Every view asks `cchc.policy` who may see and do what, and calls the plain functions of `services`,
`compile`, `form_sets` and `outputs`; nothing here decides a business rule on its own.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cchc import policy
from cchc import records as named
from cchc.core.views import render_records
from cchc.documents.official import DOCX_CONTENT_TYPE
from cchc.documents.reading import DocumentError
from cchc.documents.tables import XLSX_CONTENT_TYPE, TableError, read_table, write_xlsx
from cchc.orgs.models import Unit, UnitKind, active_units_q
from cchc.reports import compile as compiling
from cchc.reports import live, outputs, services
from cchc.reports.form_sets import (
    DEFINITION_COLUMNS,
    DefinitionError,
    definition_rows,
    form_set_copy,
    form_set_from_rows,
    form_set_save,
    indicators_of,
)
from cchc.reports.forms_reader import FormsReadError, read_annex
from cchc.reports.jobs_runners import WRITERS, export_start, exports_in_background
from cchc.reports.models import FormSet, IndicatorKind, Period, Report, ReportStatus, ReportValue, ValueOrigin
from cchc.reports.services import TIMELINESS, ReportError
from cchc.reports.values import check_values, format_number
from cchc.reports.webforms import (
    DEFAULT_TITLE,
    FormSetCopyForm,
    FormSetUploadForm,
    PeriodOpenForm,
    ReturnForm,
    WatchFilterForm,
)

SENT = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
_PROBLEM = re.compile(r"^Biểu mẫu (\d+), chỉ tiêu ([0-9.]+)")
_RATIO_KINDS = (IndicatorKind.RATIO, IndicatorKind.SHARE)


def _page(request: HttpRequest, items, per_page: int, param: str = "trang"):
    return Paginator(items, per_page).get_page(request.GET.get(param))


def _querystring(request: HttpRequest, drop: str = "trang") -> str:
    params = request.GET.copy()
    params.pop(drop, None)
    return params.urlencode()


def _next_or(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _province() -> Unit | None:
    """The province in force today (the ones merged into it in 2025 are kept as history)."""
    return Unit.objects.filter(active_units_q(), kind=UnitKind.PROVINCE, parent__isnull=True).order_by("path").first()


def _number(value: Decimal | None, kind: str = "") -> str:
    if value is None:
        return ""
    if kind in (IndicatorKind.RATIO, IndicatorKind.SHARE, IndicatorKind.PERCENT):
        return format_number(value, 2 if value != value.to_integral_value() else 0)
    return format_number(value.normalize() if value == value.to_integral_value() else value)


def _received_q(period_field: str = "period") -> Q:
    """Expected reports: units in force on the period's last day (so closed units leave both counts)."""
    p = f"{period_field}__end"
    return (Q(unit__valid_from__isnull=True) | Q(unit__valid_from__lte=F(p))) & (
        Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gt=F(p))
    )


# --- index --------------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if policy.can_manage_periods(user):
        periods = Period.objects.select_related("form_set").order_by("-year", "-end")
        page = _page(request, periods, 20)
        counts = {
            row["period_id"]: row
            for row in Report.objects.filter(period__in=[p.pk for p in page])
            .filter(_received_q())
            .values("period_id")
            .annotate(
                expected=Count("pk"),
                received=Count("pk", filter=Q(status__in=SENT)),
                approved=Count("pk", filter=Q(status=ReportStatus.APPROVED)),
                returned=Count("pk", filter=Q(status=ReportStatus.RETURNED)),
            )
            .order_by("period_id")
        }
        rows = []
        for period in page:
            c = counts.get(period.pk, {"expected": 0, "received": 0, "approved": 0, "returned": 0})
            rate = round(100 * c["received"] / c["expected"]) if c["expected"] else 0
            rows.append({"period": period, **c, "rate": rate})
        return render(request, "reports/index.html", {"coordinator": True, "page": page, "rows": rows})
    homes = policy.home_units(user)
    reports = (
        Report.objects.filter(unit__in=[u.pk for u in homes])
        .select_related("period", "unit")
        .order_by("-period__year", "-period__end", "unit__path")
    )
    page = _page(request, reports, 30)
    rows = [{"report": r, "timely": services.timeliness(r)} for r in page]
    watch_units = [u for u in homes if policy.can_manage_people(user, u) and u.children.exists()] if homes else []
    return render(request, "reports/index.html", {
        "coordinator": False, "page": page, "rows": rows, "watch_units": watch_units,
        "latest": Period.objects.order_by("-year", "-end").first(), "timeliness": TIMELINESS,
    })


# --- form sets ------------------------------------------------------------------------------------


def _require_manager(user) -> None:
    if not policy.can_manage_periods(user):
        raise PermissionDenied("Chỉ cán bộ điều phối CCHC của Sở Nội vụ mới quản lý bộ biểu mẫu và kỳ báo cáo.")


@login_required
def formset_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    sets = FormSet.objects.annotate(n_forms=Count("forms", distinct=True), n_indicators=Count("forms__indicators")).order_by(
        "-year", "-version"
    )
    return render(request, "reports/formset_list.html", {"page": _page(request, sets, 20)})


@login_required
def formset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    form_set = get_object_or_404(FormSet.objects.select_related("previous"), pk=pk)
    forms: dict[int, dict] = {}
    for form in form_set.forms.order_by("number"):
        forms[form.pk] = {"form": form, "rows": []}
    for ind in indicators_of(form_set):
        forms[ind.form_id]["rows"].append({"ind": ind, "depth": ind.code.count(".")})
    return render(request, "reports/formset_detail.html", {
        "form_set": form_set, "forms": list(forms.values()), "copy_form": FormSetCopyForm(initial={"year": form_set.year + 1}),
        "n_periods": form_set.periods.count(),
    })


@login_required
def formset_upload(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    form = FormSetUploadForm(request.POST or None, request.FILES or None, max_bytes=settings.UPLOAD_MAX_BYTES)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        year, document = form.cleaned_data["year"], form.cleaned_data["document"].strip()
        try:
            if form.is_table:
                form_set = form_set_from_rows(
                    read_table(data, upload.name), title=form.cleaned_data["title"] or DEFAULT_TITLE, document=document, year=year
                )
            else:
                annex = read_annex(data, upload.name)
                form_set = form_set_save(
                    annex, title=form.cleaned_data["title"] or annex.title or DEFAULT_TITLE, document=document, year=year
                )
        except DefinitionError as exc:
            errors = exc.errors
        except (DocumentError, FormsReadError, TableError) as exc:
            errors = [str(exc)]
        else:
            n = sum(1 for _ in indicators_of(form_set).values_list("pk"))
            messages.success(request, f"Đã lưu {form_set}: {form_set.forms.count()} biểu mẫu, {n} chỉ tiêu.")
            return redirect("reports:formset_detail", pk=form_set.pk)
    return render(request, "reports/formset_upload.html", {"form": form, "errors": errors})


@login_required
def formset_download(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    form_set = get_object_or_404(FormSet, pk=pk)
    data = write_xlsx(DEFINITION_COLUMNS, definition_rows(form_set), title="Định nghĩa biểu mẫu")
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="bieu-mau-{form_set.year}-v{form_set.version}.xlsx"'
    return response


@login_required
@require_POST
def formset_copy(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    source = get_object_or_404(FormSet, pk=pk)
    form = FormSetCopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Không sao chép được: " + "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect("reports:formset_detail", pk=source.pk)
    copy = form_set_copy(source, year=form.cleaned_data["year"])
    messages.success(request, f"Đã sao chép thành {copy}.")
    return redirect("reports:formset_detail", pk=copy.pk)


# --- periods --------------------------------------------------------------------------------------


@login_required
def period_open(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    form = PeriodOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = services.open_period(
                data["form_set"], data["kind"], data["year"], unit_due=data["unit_due"],
                timely_days=data["timely_days"] or 0, locked_on=data["locked_on"],
                reporting_kinds=list(data["reporting_kinds"]), by=request.user,
            )
        except ValidationError as exc:  # ReportError included
            for message in exc.messages:
                form.add_error(None, message)
        else:
            n = period.reports.count()
            messages.success(request, f"Đã mở kỳ {period.label}: {n} báo cáo được tạo và điền sẵn số liệu đã có.")
            return redirect("reports:watch", pk=period.pk)
    return render(request, "reports/period_open.html", {"form": form})


def _watch_root(request: HttpRequest) -> Unit | None:
    """Whose reports a person watches: a coordinator anyone's (all by default), a leader their subtree."""
    user, code = request.user, request.GET.get("don_vi") or request.POST.get("don_vi") or ""
    if code:
        unit = policy.access_unit(user, code)
        if not policy.can_manage_people(user, unit):
            raise PermissionDenied("Chỉ lãnh đạo đơn vị cấp trên hoặc cán bộ điều phối theo dõi được báo cáo của đơn vị này.")
        return unit
    if policy.is_coordinator(user):
        return None
    led = [u for u in policy.home_units(user) if policy.can_manage_people(user, u)]
    if not led:
        raise PermissionDenied("Chỉ lãnh đạo đơn vị hoặc cán bộ điều phối theo dõi được tình hình gửi báo cáo.")
    return led[0]


@login_required
def watch(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(Period.objects.select_related("form_set"), pk=pk)
    root = _watch_root(request)
    summary = services.completeness(period, under=root)
    reports = Report.objects.filter(period=period).filter(active_units_q(period.end, prefix="unit"))
    if root is not None:
        reports = reports.filter(unit__path__startswith=root.path)
    filters = WatchFilterForm(request.GET or None)
    listed = reports
    if filters.is_valid():
        f = filters.cleaned_data
        if f["kind"]:
            listed = listed.filter(unit__kind=f["kind"])
        if f["status"]:
            listed = listed.filter(status=f["status"])
        if f["timely"]:
            listed = listed.filter(services.timely_q(period, f["timely"]))
        if f["q"]:
            listed = listed.filter(Q(unit__name__icontains=f["q"]) | Q(unit__short_name__icontains=f["q"]))
    page = _page(request, listed.select_related("unit", "period").order_by("unit__path"), 50)
    rows = [{"report": r, "timely": services.timeliness(r)} for r in page]
    queue = reports.filter(status=ReportStatus.SUBMITTED).select_related("unit").order_by("submitted_at", "pk")
    if root is not None:
        queue = queue.exclude(unit=root)
    queue_page = _page(request, queue, 20, "trang_duyet")
    kinds = dict(UnitKind.choices)
    by_kind = [
        {"kind": kinds.get(k, k), **c, "expected": sum(c.values()),
         "pct": {s: (100 * n / sum(c.values()) if sum(c.values()) else 0) for s, n in c.items()}}
        for k, c in sorted(summary.by_kind.items(), key=lambda kv: -sum(kv[1].values()))
    ]
    expected = summary.expected or 1
    bars = [{"key": k, "label": label, "n": summary.counts[k], "pct": 100 * summary.counts[k] / expected}
            for k, label in TIMELINESS.items()]
    compile_unit = root or _province()
    own = Report.objects.filter(period=period, unit=compile_unit).first() if compile_unit else None
    return render(request, "reports/watch.html", {
        "period": period, "root": root, "summary": summary, "bars": bars, "by_kind": by_kind,
        "page": page, "rows": rows, "filters": filters, "qs": _querystring(request),
        "queue": queue_page, "can_remind": policy.can_manage_periods(request.user) and root is None,
        "compile_unit": compile_unit, "own": own, "timeliness": TIMELINESS,
        "can_compile": compile_unit is not None and _can_compile(request.user, period, compile_unit),
    })


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    period = get_object_or_404(Period, pk=pk)
    n = services.remind_missing(period, by=request.user)
    if n:
        messages.success(request, f"Đã nhắc {n} đơn vị chưa gửi báo cáo (thông báo trong hệ thống và thư điện tử).")
    else:
        messages.info(request, "Mọi đơn vị đã gửi báo cáo: không có ai cần nhắc.")
    return redirect("reports:watch", pk=period.pk)


def _can_compile(user, period: Period, unit: Unit) -> bool:
    """The province's report: a coordinator; a department over its offices: its leader."""
    if policy.can_manage_periods(user):
        return True
    return policy.can_view_unit(user, unit) and policy.can_submit_report(user, Report(period=period, unit=unit))


@login_required
@require_POST
def compile_view(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(Period.objects.select_related("form_set"), pk=pk)
    code = request.POST.get("don_vi") or ""
    unit = policy.access_unit(request.user, code) if code else _province()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    if not _can_compile(request.user, period, unit):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị hoặc cán bộ điều phối mới tổng hợp được báo cáo.")
    try:
        report = compiling.compile_report(period, unit, by=request.user)
    except ReportError as exc:
        messages.error(request, " ".join(exc.messages))
        existing = Report.objects.filter(period=period, unit=unit).first()
        return redirect("reports:report", pk=existing.pk) if existing else redirect("reports:watch", pk=period.pk)
    n = len(compiling.sources(period, unit))
    messages.success(request, f"Đã tổng hợp báo cáo của {unit.display_name} từ {n} báo cáo đã duyệt.")
    return redirect("reports:report", pk=report.pk)


# --- the report page ------------------------------------------------------------------------------


def _locked_reason(report: Report, user) -> str:
    if timezone.localdate() > report.period.locked_on:
        return f"Kỳ báo cáo đã khóa nhập liệu từ sau ngày {report.period.locked_on:%d/%m/%Y}."
    if report.status == ReportStatus.APPROVED:
        return "Báo cáo đã được phê duyệt; cần mở lại trước khi sửa."
    if report.status == ReportStatus.SUBMITTED:
        return "Báo cáo đã gửi, đang chờ duyệt: không sửa được. Người duyệt có thể trả lại để sửa."
    gone = services.no_longer_expected(report)
    if gone:
        return gone
    if not policy.can_edit_report(user, report):
        return "Bạn chỉ xem được báo cáo này: chỉ cán bộ, lãnh đạo của đơn vị báo cáo mới sửa được."
    return ""


def _shown_indicators(report: Report, indicators) -> list:
    """The indicators this report shows: a share only to units in its scope (or compiled)."""
    out = []
    for ind in indicators:
        if ind.kind == IndicatorKind.SHARE and not report.compiled and not compiling.in_share_scope(report.unit.kind, ind.share_scope):
            continue
        out.append(ind)
    return out


def _editable(report: Report, ind) -> bool:
    if ind.kind in (IndicatorKind.GROUP, IndicatorKind.RATIO):
        return False
    return not report.compiled


def _field_errors(messages_: list[str], indicators) -> tuple[dict[int, list[str]], list[str]]:
    by_key = {(ind.form.number, ind.code): ind.pk for ind in indicators}
    fields: dict[int, list[str]] = defaultdict(list)
    for message in messages_:
        match = _PROBLEM.match(message)
        if match:
            pk = by_key.get((int(match.group(1)), match.group(2)))
            if pk:
                fields[pk].append(message.split(": ", 1)[1] if ": " in message else message)
    return fields, messages_


def _build(report: Report, *, posted=None, errors=None, indicators=None, values=None) -> dict:
    """The forms as they stand now: what was typed, and — while the report is live — what the
    records give, each marked with where it comes from (`live.cells`)."""
    indicators = indicators if indicators is not None else list(indicators_of(report.period.form_set))
    values = values if values is not None else {v.indicator_id: v for v in report.values.all()}
    cells = live.cells(report, indicators, values)
    errors = errors or {}
    forms: dict[int, dict] = {}
    titles = {f.number: f.title for f in report.period.form_set.forms.all()}
    for ind in _shown_indicators(report, indicators):
        cell = cells[ind.pk]
        fed = cell.computed is not None or cell.origin == ValueOrigin.RECORDS
        # The input holds only what the unit typed; a figure from the records is shown beside it.
        typed = cell.typed if fed else cell.value
        text = _number(typed, ind.kind)
        note = cell.note
        if not text and cell.previous is not None and not fed:
            text = _number(cell.previous, ind.kind)  # cumulative: carried on from the previous period
        if posted is not None and _editable(report, ind):
            text = posted.get(f"v{ind.pk}", text)
            note = posted.get(f"n{ind.pk}", note)
        entry = {
            "ind": ind, "depth": ind.code.count("."), "text": text, "note": note,
            "editable": _editable(report, ind),
            "select": ind.kind in (IndicatorKind.YESNO, IndicatorKind.CHOICE) or (ind.kind == IndicatorKind.SHARE and not report.compiled),
            "shown": outputs._shown(ind.kind, cell.value, cell.note),
            "fed": fed, "origin": cell.origin, "conflict": cell.conflict,
            "computed": _number(cell.computed, ind.kind), "typed": _number(cell.typed, ind.kind),
            "previous": _number(cell.previous, ind.kind),
            "source": cell.source, "source_url": cell.url,
            "errors": errors.get(ind.pk, []),
            "ratio": ind.kind == IndicatorKind.RATIO,
        }
        forms.setdefault(ind.form.number, {"number": ind.form.number, "title": titles.get(ind.form.number, ""), "rows": []})[
            "rows"
        ].append(entry)
    return {"forms": list(forms.values()), "indicators": indicators, "values": values, "cells": cells}


def _outline(report: Report, posted=None, auto: dict[str, str] | None = None) -> list[dict]:
    """The narrative under each heading; I.2 and I.4, left empty, show what the records say now."""
    outline = report.period.form_set.outline
    keys = [k for k, _ in outline]
    auto = auto or {}
    out = []
    for key, heading in outline:
        has_children = any(k.startswith(key + ".") for k in keys)
        text = report.narrative.get(key, "")
        prefilled = not text.strip() and key in auto
        if prefilled:
            text = auto[key]
        if posted is not None:
            text = posted.get(f"t{key}", text)
        out.append({"key": key, "heading": heading, "top": "." not in key, "leaf": not has_children, "text": text,
                    "prefilled": prefilled})
    return out


def _texts_from(request: HttpRequest, report: Report, built: dict) -> tuple[dict[int, str], dict[int, str]]:
    """What the person typed, keyed by indicator id: only what they filled or what already had a row."""
    values = built["values"]
    texts, notes = {}, {}
    for form in built["forms"]:
        for entry in form["rows"]:
            if not entry["editable"]:
                continue
            pk = entry["ind"].pk
            text = (request.POST.get(f"v{pk}") or "").strip()
            note = (request.POST.get(f"n{pk}") or "").strip()
            row = values.get(pk)
            if text or (row is not None and row.value is not None and row.origin in (ValueOrigin.TYPED, ValueOrigin.IMPORTED)):
                texts[pk] = text
            if note or (row is not None and row.note):
                notes[pk] = note
    return texts, notes


def _actions(user, report: Report, locked: str) -> dict:
    period_open = timezone.localdate() <= report.period.locked_on
    return {
        "save": not locked,
        "submit": period_open and report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
        and policy.can_submit_report(user, report) and not services.no_longer_expected(report),
        "approve": report.status == ReportStatus.SUBMITTED and policy.can_review_report(user, report),
        "return": report.status in SENT and policy.can_review_report(user, report),
        "reopen": report.status == ReportStatus.APPROVED and policy.can_review_report(user, report),
        "compile": report.status not in SENT and _can_compile(user, report.period, report.unit)
        and Report.objects.filter(period=report.period, unit__path__startswith=report.unit.path).exclude(pk=report.pk).exists(),
    }


def _compiled_extras(report: Report) -> dict:
    """Breakdown by unit, target attainment, tasks by group and communication results (a compiled report)."""
    if not report.compiled:
        return {}
    period, unit = report.period, report.unit
    sources = compiling.sources(period, unit)
    figures = compiling.compile_figures(period, sources)
    attainment = compiling.target_attainment(period, unit, figures)
    table = compiling.breakdown(period, sources[:30])
    key_indicators = [f.indicator for f in figures.values() if f.indicator.kind in (IndicatorKind.RATIO, IndicatorKind.SHARE, IndicatorKind.COUNT)
                      and f.value is not None][:8]
    breakdown_rows = [
        {"unit": r.unit, "report": r, "cells": [_number(table[r.pk].get(i.pk), i.kind) for i in key_indicators]} for r in sources[:30]
    ]
    groups = compiling.tasks_by_group(period, unit)
    for g in groups:
        g["pct"] = {k: (100 * g[k] / g["planned"] if g["planned"] else 0) for k in ("on_time", "late", "overdue")}
    return {
        "n_sources": len(sources), "attainment": attainment, "breakdown_cols": key_indicators,
        "breakdown_rows": breakdown_rows, "more_sources": max(0, len(sources) - 30),
        "groups": groups, "comms": compiling.communication_results(period, unit),
    }


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = policy.access_report(request.user, pk)
    locked = _locked_reason(report, request.user)
    posted, problems, field_errors = None, [], {}
    built = _build(report)
    if request.method == "POST":
        policy.access_report(request.user, pk, edit=True)
        texts, notes = _texts_from(request, report, built)
        narrative = {key: request.POST.get(f"t{key}", "") for key, _ in report.period.form_set.outline if f"t{key}" in request.POST}
        auto = services.live_narrative(report)
        for key, text in auto.items():  # left as the records say: stays live, frozen at submission
            if key in narrative and narrative[key].strip() == text.strip():
                narrative[key] = ""
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = -1
        try:
            services.save_report(report, texts=texts, notes=notes, narrative=narrative, revision=revision, by=request.user)
        except ReportError as exc:
            posted = request.POST
            field_errors, problems = _field_errors(exc.messages, built["indicators"])
            built = _build(report, posted=posted, errors=field_errors, indicators=built["indicators"], values=built["values"])
        else:
            messages.success(request, "Đã lưu báo cáo; các tỷ lệ đã được tính lại từ tử số và mẫu số.")
            return redirect("reports:report", pk=report.pk)
    steps = list(report.steps.select_related("by").order_by("at", "pk"))
    context = {
        "report": report, "period": report.period, "locked": locked, "problems": problems,
        "forms": built["forms"], "outline": _outline(report, posted, services.live_narrative(report) if not locked else None),
        "steps": steps, "live": report.status not in SENT,
        "warnings": _warnings(report, built),
        "actions": _actions(request.user, report, locked), "timely": TIMELINESS[services.timeliness(report)],
        "return_form": ReturnForm(), "revision": int(posted.get("revision", report.revision)) if posted else report.revision,
        "export_in_background": exports_in_background(report),
        **_compiled_extras(report),
    }
    status = 400 if problems else 200
    return render(request, "reports/report.html", context, status=status)


@login_required
@require_POST
def report_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the ratios recomputed from what is typed so far, and the problems, without saving."""
    report = policy.access_report(request.user, pk)
    built = _build(report)
    by_pk = {i.pk: i for i in built["indicators"]}
    keyed = {}
    for ind_pk, row in built["values"].items():
        if row.value is not None and ind_pk in by_pk and by_pk[ind_pk].kind != IndicatorKind.RATIO:
            keyed[(by_pk[ind_pk].form.number, by_pk[ind_pk].code)] = format_number(row.value)
    texts, _ = _texts_from(request, report, built)
    for ind_pk, text in texts.items():
        keyed[(by_pk[ind_pk].form.number, by_pk[ind_pk].code)] = text
    values, problems = check_values(built["indicators"], keyed)
    ratios = [
        {"pk": i.pk, "text": _number(values.get((i.form.number, i.code)), i.kind)}
        for i in built["indicators"] if i.kind == IndicatorKind.RATIO
    ]
    return render(request, "reports/_preview.html", {"ratios": ratios, "problems": [str(p) for p in problems]})


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    flags = {"submit": {"submit": True}, "approve": {"review": True}, "return": {"review": True}, "reopen": {"review": True}}[action]
    report = policy.access_report(request.user, pk, **flags)
    fallback = reverse("reports:report", args=[report.pk])
    comment = (request.POST.get("comment") or "").strip()
    # The revision the person saw on the page: sending or approving figures changed since is refused.
    seen = request.POST.get("revision", "")
    revision = int(seen) if seen.isdigit() else None
    try:
        if action == "submit":
            services.submit_report(report, by=request.user, revision=revision)
            messages.success(request, "Đã gửi báo cáo lên cấp trên.")
        elif action == "approve":
            services.approve_report(report, by=request.user, revision=revision)
            messages.success(request, f"Đã phê duyệt báo cáo của {report.unit.display_name}.")
        elif action == "return":
            services.return_report(report, comment=comment, by=request.user)
            messages.success(request, f"Đã trả lại báo cáo của {report.unit.display_name} kèm ý kiến.")
        else:
            services.reopen_report(report, comment=comment, by=request.user)
            messages.success(request, "Đã mở lại báo cáo để sửa.")
    except ReportError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_next_or(request, fallback))


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "submit")


@login_required
@require_POST
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "approve")


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "return")


@login_required
@require_POST
def report_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "reopen")


def _warnings(report: Report, built: dict) -> list[str]:
    """Figures to look at again, not errors: a typed figure the records contradict, a part larger
    than its total."""
    out = []
    for form in built["forms"]:
        for row in form["rows"]:
            if row["conflict"]:
                out.append(f"Biểu mẫu {form['number']}, chỉ tiêu {row['ind'].code}: đã nhập {row['typed']} nhưng dữ liệu "
                           f"hệ thống ghi nhận {row['computed']} ({row['source']}).")
    cells = built["cells"]
    figures = {pk: compiling.Figure(indicator=ind, value=cells[pk].value) for pk, ind in
               ((i.pk, i) for i in built["indicators"])}
    out.extend(compiling.compile_warnings(figures))
    return out


@login_required
@require_POST
def report_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Figures from another system's CSV/XLSX export, into this report (checked, all or nothing)."""
    report = policy.access_report(request.user, pk, edit=True)
    upload = request.FILES.get("tep")
    try:
        if upload is None:
            raise ReportError("Hãy chọn tệp CSV hoặc XLSX.")
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise ReportError(f"Tệp quá lớn (tối đa {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB).")
        revision = int(request.POST.get("revision") or -1)
        n = services.import_values(report, upload.read(), upload.name, revision=revision, by=request.user)
    except (ReportError, ValueError) as exc:
        messages.error(request, "Chưa nhập được: " + " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, f"Đã nhập {n} số liệu từ tệp {upload.name}.")
    return redirect("reports:report", pk=report.pk)


@login_required
def sources_page(request: HttpRequest) -> HttpResponse:
    """Where each indicator's figure and each fed PAR criterion comes from (the mapping, as data)."""
    from cchc.reports import sources_table

    rows = sources_table.indicator_rows()
    return render(request, "reports/sources.html", {
        "rows": rows, "par_rows": sources_table.par_rows(), "origins": sources_table.ORIGINS,
        "counts": {o: sum(1 for r in rows if r.origin == o) for o in sources_table.ORIGINS},
    })


@login_required
def value_records(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    """The records behind one figure of a report: counted now while it is live, exactly those
    frozen at submission once sent, or those of the approved reports a compiled figure adds up."""
    report = policy.access_report(request.user, pk)
    indicator = next((i for i in indicators_of(report.period.form_set) if i.pk == indicator_pk), None)
    if indicator is None:
        raise Http404("Không có chỉ tiêu này trong bộ biểu mẫu của kỳ.")
    source = live.sources().get(live.key_of(indicator))
    if report.compiled and source is None and indicator.kind != IndicatorKind.GROUP:
        # A compiled figure typed by the units: the approved reports that gave it.
        given = compiling.sources(report.period, report.unit)
        qs = Report.objects.filter(pk__in=[r.pk for r in given], values__indicator=indicator,
                                   values__value__isnull=False).distinct()
        return render_records(request, kind="report", qs=qs, title=f"Biểu mẫu {indicator.form.number}, chỉ tiêu "
                              f"{indicator.code}: {indicator.name}", context={
                                  "unit": report.unit, "rule": "Các báo cáo đã duyệt có số liệu của chỉ tiêu này, được "
                                  "cộng vào số tổng hợp.",
                                  "back_url": reverse("reports:report", args=[report.pk]), "back_label": "Về báo cáo",
                              })
    if source is None:
        raise Http404("Chỉ tiêu này do đơn vị nhập tay, không có danh sách bản ghi.")
    row = report.values.filter(indicator=indicator).first()
    model = live.record_model(indicator)
    frozen = report.status in SENT
    if report.compiled and not live.applies(source, report):
        qs = model.objects.filter(pk__in=live.compiled_ids(report, indicator))  # frozen in the reports added up
    elif report.status in SENT:
        qs = model.objects.filter(pk__in=(row.records if row else []))
    else:
        qs = live.live_records(report, indicator)
    start, end = source.span(report.period)
    note = ""
    if source.of is not None:
        note = f"Trên tổng số: {named.get(source.query).describe(named.get(source.query).clean(source.of)).lower()}."
    return render_records(request, kind=named.get(source.query).kind, qs=qs, title=f"Biểu mẫu {indicator.form.number}, "
                          f"chỉ tiêu {indicator.code}: {indicator.name}", context={
                              "unit": report.unit, "start": start, "end": end, "frozen": frozen and not report.compiled,
                              "frozen_at": report.submitted_at, "rule": source.describe(), "note": note,
                              "back_url": reverse("reports:report", args=[report.pk]), "back_label": "Về báo cáo",
                          })


def _filename(report: Report, ext: str) -> str:
    return outputs.export_filename(report, ext)


def _export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """GET: the file at once. POST (the report page's button for a big compiled report): a background
    job writes it, and the person follows its progress on the job's page."""
    report = policy.access_report(request.user, pk)
    if request.method == "POST":
        job = export_start(request.user, report, fmt)
        return redirect("jobs:detail", job.pk)
    content_type = DOCX_CONTENT_TYPE if fmt == "docx" else XLSX_CONTENT_TYPE
    response = HttpResponse(WRITERS[fmt](report), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, fmt)}"'
    return response


@login_required
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "docx")


@login_required
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "xlsx")


# --- dashboard ------------------------------------------------------------------------------------


def _dashboard_unit(request: HttpRequest) -> Unit:
    code = request.GET.get("don_vi") or ""
    if code:
        return policy.access_unit(request.user, code)
    if policy.is_coordinator(request.user):
        province = _province()
        if province is None:
            raise Http404("Chưa có đơn vị nào.")
        return province
    homes = policy.home_units(request.user)
    if not homes:
        raise PermissionDenied("Bạn chưa thuộc đơn vị nào.")
    return homes[0]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    unit = _dashboard_unit(request)
    periods = list(Period.objects.select_related("form_set").order_by("-year", "-end")[:12])
    chosen = request.GET.get("ky") or ""
    period = next((p for p in periods if str(p.pk) == chosen), periods[0] if periods else None)
    if chosen and (period is None or str(period.pk) != chosen):
        period = Period.objects.select_related("form_set").filter(pk=chosen).first() if chosen.isdigit() else None
        if period is None:
            raise Http404("Không tìm thấy kỳ báo cáo.")
    context: dict = {"unit": unit, "periods": periods, "period": period, "units": policy.home_units(request.user)}
    if period is None:
        return render(request, "reports/dashboard.html", context)
    own = Report.objects.filter(period=period, unit=unit).first()
    values = {v.indicator_id: v.value for v in ReportValue.objects.filter(report=own)} if own else {}
    figures = {i.pk: compiling.Figure(indicator=i, value=values.get(i.pk)) for i in indicators_of(period.form_set)}
    attainment = compiling.target_attainment(period, unit, figures)
    groups = compiling.tasks_by_group(period, unit)
    for g in groups:
        g["pct"] = {k: (100 * g[k] / g["planned"] if g["planned"] else 0) for k in ("on_time", "late", "overdue")}
    today = timezone.localdate()
    # Overdue now, by the records' rule; each bar opens exactly the tasks it counts.
    year_start = datetime.date(period.year, 1, 1)
    overdue = list(
        named.records("tasks", year_start, today, {"measure": "overdue"}, unit=unit, subtree=True)
        .values("unit__code", "unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit__name")[:10]
    )
    for row in overdue:
        row["url"] = named.list_url("tasks", year_start, today, {"measure": "overdue"}, unit=row["unit__code"])
    task_links = {m: named.list_url("tasks", year_start, period.end, {"measure": m}, unit=unit, subtree=True)
                  for m in ("counted", "on_time", "late", "overdue")}
    totals = {k: sum(g[k] for g in groups) for k in ("planned", "on_time", "late", "overdue")}
    summary = services.completeness(period, under=None if unit.kind == UnitKind.PROVINCE and unit.parent_id is None else unit)
    expected = summary.expected or 1
    bars = [{"key": k, "label": label, "n": summary.counts[k], "pct": 100 * summary.counts[k] / expected}
            for k, label in TIMELINESS.items()]
    trend_periods = list(reversed(periods[:6]))
    rows = (
        ReportValue.objects.filter(report__unit=unit, report__period__in=[p.pk for p in trend_periods],
                                   indicator__kind__in=_RATIO_KINDS, value__isnull=False)
        .filter(Q(report__compiled=True) | Q(report__status=ReportStatus.APPROVED))
        .values("report__period_id", "indicator__form__number", "indicator__code", "indicator__name", "indicator__position", "value")
        .order_by("indicator__form__number", "indicator__position")
    )
    trend: dict[tuple, dict] = {}
    for row in rows:
        key = (row["indicator__form__number"], row["indicator__code"])
        entry = trend.setdefault(key, {"form": key[0], "code": key[1], "name": row["indicator__name"], "values": {}})
        entry["values"][row["report__period_id"]] = row["value"]
    trend_rows = [
        {**e, "cells": [{"text": _number(e["values"].get(p.pk), IndicatorKind.RATIO),
                         "pct": float(min(e["values"].get(p.pk) or 0, 100))} for p in trend_periods]}
        for e in trend.values()
    ]
    context.update({
        "attainment": attainment, "met": sum(1 for a in attainment if a.status == "met"), "groups": groups,
        "overdue": overdue, "task_links": task_links, "totals": totals, "summary": summary, "bars": bars, "trend_periods": trend_periods, "trend_rows": trend_rows,
        "own": own, "today": today,
    })
    return render(request, "reports/dashboard.html", context)
