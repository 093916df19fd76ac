"""Pages of the citizens' feedback: the public list, form and tracking page (no account, no
JavaScript, in the portal's layout), the staff's list and item page, the statistics and export."""

from __future__ import annotations

import datetime

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from cchc import policy
from cchc.core.ratelimit import over_hourly_limit
from cchc.documents.tables import XLSX_CONTENT_TYPE, parse_date
from cchc.portal.views import _render as portal_render

from . import services
from .forms import AnswerForm, HideForm, RerouteForm
from .models import HANDLED_STATUSES, OPEN_STATUSES, Answer, Attachment, Category, Feedback, Status

PUBLIC_PAGE = 20
STAFF_PAGE = 50
BAR_X, BAR_MAX = 230, 320  # the chart: label column, longest bar (px of a 600-wide drawing)


# --- public ---------------------------------------------------------------------------------------


def _rate_limited(request: HttpRequest) -> bool:
    """At most FEEDBACK_RATE_LIMIT_PER_HOUR per network address and hour."""
    return over_hourly_limit(request, "feedback", services.rate_limit())


def _latest_answers():
    return Prefetch("answers", queryset=Answer.objects.select_related("unit").order_by("-created_at", "-pk"),
                    to_attr="answers_newest")


def public_list(request: HttpRequest) -> HttpResponse:
    """Answered items, newest first, personal data masked: a fixed number of queries per page; the
    "tra cứu" box sends a tracking code to its page."""
    wanted = "".join(ch for ch in request.GET.get("ma", "").upper() if ch.isalnum())
    lookup_error = ""
    if request.GET.get("ma") is not None:
        if Feedback.objects.filter(code=wanted, hidden=False).exists():
            return redirect("feedback:track", code=wanted)
        lookup_error = f"Không tìm thấy phản ánh có mã “{wanted[:16]}”. Xin kiểm tra lại mã tra cứu (10 ký tự)."
    qs = services.public_items().select_related("category", "place", "unit").only(
        "code", "public_title", "public_text", "status", "received_on", "answered_on", "deadline", "citizen_resolved",
        "category__name", "place__name", "place__short_name", "unit__name", "unit__short_name",
    ).prefetch_related(_latest_answers())
    category = request.GET.get("linh_vuc") or ""
    if category:
        qs = qs.filter(category__slug=category)
    page = Paginator(qs, PUBLIC_PAGE).get_page(request.GET.get("trang"))
    return portal_render(request, "feedback/public_list.html", {
        "page": page, "categories": Category.objects.filter(active=True), "category": category,
        "extra": f"linh_vuc={category}" if category else "", "lookup_error": lookup_error, "wanted": wanted,
    }, og={"title": "Phản ánh, kiến nghị đã được trả lời"})


def submit(request: HttpRequest) -> HttpResponse:
    """The public form: no account; name, phone and e-mail optional; the commune from the tree."""
    values: dict = {}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("title", "text", "name", "phone", "email", "category", "place", "website")}
        if _rate_limited(request):
            errors = {"chung": f"Địa chỉ mạng này đã gửi quá {services.rate_limit()} phản ánh trong một giờ. Xin thử lại sau."}
            status = 429
        else:
            try:
                item = services.submit(values, request.FILES.getlist("files"))
            except ValidationError as exc:
                errors = {("chung" if k == "__all__" else k): " ".join(v) for k, v in exc.message_dict.items()}
                status = 400
            else:
                request.session[f"feedback:new:{item.code}"] = True
                return redirect(reverse("feedback:track", args=[item.code]) + "?moi=1")
    response = portal_render(request, "feedback/submit.html", {
        "values": values, "errors": errors, "categories": services.categories(),
        "groups": services.commune_groups(), "limit": services.rate_limit(), "max_files": services.MAX_FILES,
        "max_mb": _max_mb(), "text_max": services.TEXT_MAX, "title_max": services.TITLE_MAX,
    }, og={"title": "Gửi phản ánh, kiến nghị"})
    response.status_code = status
    return response


def _max_mb() -> int:
    from cchc.portal.images import max_bytes

    return max_bytes() // 1048576


def _public_item(code: str) -> Feedback:
    item = (Feedback.objects.select_related("category", "place", "unit").prefetch_related(_latest_answers())
            .filter(code=code.upper(), hidden=False).first())
    if item is None:
        raise Http404("Không tìm thấy phản ánh với mã tra cứu này.")
    return item


def track(request: HttpRequest, code: str) -> HttpResponse:
    """The sender's page: status, deadline, the answer (masked) and "resolved or not"."""
    item = _public_item(code)
    error = ""
    status = 200
    if request.method == "POST":
        said = request.POST.get("da_giai_quyet")
        if said not in ("co", "khong"):
            error, status = "Xin chọn “Đã được giải quyết” hoặc “Chưa được giải quyết”.", 400
        else:
            try:
                services.citizen_says(item, said == "co")
            except ValidationError as exc:
                error, status = " ".join(exc.messages), 400
            else:
                messages.success(request, "Cảm ơn Ông/Bà đã cho biết kết quả giải quyết.")
                return redirect("feedback:track", code=item.code)
    response = portal_render(request, "feedback/track.html", {
        "item": item, "answer": item.answers_newest[0] if item.answers_newest else None,
        "new": request.GET.get("moi") == "1" and request.session.get(f"feedback:new:{item.code}"),
        "can_say": item.status in (Status.ANSWERED, Status.RESOLVED), "error": error,
        "overdue": item.is_overdue(), "n_files": item.attachments.count(),
    }, og={"title": f"Phản ánh {item.code}"})
    response.status_code = status
    response["X-Robots-Tag"] = "noindex"
    return response


# --- staff ----------------------------------------------------------------------------------------

FILTERS = {
    "": ("Tất cả", None),
    "dang-xu-ly": ("Chưa trả lời", {"status__in": OPEN_STATUSES}),
    "qua-han": ("Quá hạn", "overdue"),
    "da-tra-loi": ("Đã trả lời", {"status__in": HANDLED_STATUSES}),
    "an": ("Đã ẩn", {"hidden": True}),
}


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    qs = policy.visible_feedback(request.user).select_related("category", "place", "unit").order_by("deadline", "-pk")
    key = request.GET.get("loc", "")
    if key not in FILTERS:
        key = ""
    condition = FILTERS[key][1]
    if condition == "overdue":
        qs = qs.filter(services.overdue_q(today), hidden=False)
    elif condition:
        qs = qs.filter(**condition)
    if key != "an" and key:
        qs = qs.filter(hidden=False)
    page = Paginator(qs, STAFF_PAGE).get_page(request.GET.get("trang"))
    return render(request, "feedback/staff_list.html", {
        "page": page, "filters": [(k, v[0]) for k, v in FILTERS.items()], "current": key, "today": today,
        "soon": today + datetime.timedelta(days=2), "query_string": f"loc={key}" if key else "",
        "can_moderate": policy.can_moderate_feedback(request.user),
    })


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = policy.access_feedback(request.user, pk)
    can_handle = policy.can_handle_feedback(request.user, item)
    can_moderate = policy.can_moderate_feedback(request.user)
    answer_form, route_form, hide_form = AnswerForm(), RerouteForm(current=item.unit), HideForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("hanh_dong", "")
        moderating = action in ("an", "bo_an")
        item = policy.access_feedback(request.user, pk, handle=not moderating, moderate=moderating)
        try:
            if action == "tiep_nhan":
                services.start(item, by=request.user)
                messages.success(request, "Đã nhận xử lý phản ánh.")
                return redirect("feedback:staff_detail", pk=item.pk)
            if action == "tra_loi":
                answer_form = AnswerForm(request.POST)
                if answer_form.is_valid():
                    services.answer(item, answer_form.cleaned_data["text"], by=request.user)
                    messages.success(request, "Đã trả lời; câu trả lời đã được công bố (thông tin cá nhân đã được ẩn).")
                    return redirect("feedback:staff_detail", pk=item.pk)
            elif action == "chuyen":
                route_form = RerouteForm(request.POST, current=item.unit)
                if route_form.is_valid():
                    to = route_form.cleaned_data["unit"]
                    services.reroute(item, to, route_form.cleaned_data["reason"], by=request.user)
                    messages.success(request, f"Đã chuyển phản ánh {item.code} đến {to.display_name}.")
                    if not policy.visible_feedback(request.user).filter(pk=item.pk).exists():
                        return redirect("feedback:staff_list")
                    return redirect("feedback:staff_detail", pk=item.pk)
            elif action == "dong":
                services.close(item, by=request.user)
                messages.success(request, "Đã đóng phản ánh.")
                return redirect("feedback:staff_detail", pk=item.pk)
            elif action == "an":
                hide_form = HideForm(request.POST)
                if hide_form.is_valid():
                    services.hide(item, hide_form.cleaned_data["reason"], by=request.user)
                    messages.success(request, "Đã ẩn phản ánh khỏi trang công khai.")
                    return redirect("feedback:staff_detail", pk=item.pk)
            elif action == "bo_an":
                services.unhide(item, by=request.user)
                messages.success(request, "Đã bỏ ẩn phản ánh.")
                return redirect("feedback:staff_detail", pk=item.pk)
            else:
                messages.error(request, "Thao tác không hợp lệ.")
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        status = 400
    routes = item.routes.select_related("from_unit", "to_unit", "by")
    answers = item.answers.select_related("unit", "by")
    audit = None
    if can_moderate:
        audit = (LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Feedback), object_pk=str(item.pk))
                 .select_related("actor").order_by("-timestamp")[:20])
    response = render(request, "feedback/staff_detail.html", {
        "item": item, "routes": routes, "answers": answers, "files": item.attachments.all(),
        "can_handle": can_handle, "can_moderate": can_moderate, "answer_form": answer_form,
        "route_form": route_form, "hide_form": hide_form, "overdue": item.is_overdue(), "audit": audit,
        "escalate": services.escalation_unit(item.category),
    })
    response.status_code = status
    return response


@login_required
def attachment(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    item = policy.access_feedback(request.user, pk)
    found = get_object_or_404(Attachment, pk=file_pk, feedback=item)
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _window(request: HttpRequest) -> tuple[datetime.date, datetime.date, list[str]]:
    today = timezone.localdate()
    start, end, errors = today.replace(month=1, day=1), today, []
    for key in ("tu", "den"):
        text = request.GET.get(key, "").strip()
        if not text:
            continue
        try:
            day = parse_date(text)
            if day is None:
                raise ValueError
        except ValueError:
            errors.append(f"Ngày “{text[:20]}” không hợp lệ (dd/mm/yyyy).")
            continue
        if key == "tu":
            start = day
        else:
            end = day
    if start > end:
        errors.append("Ngày bắt đầu sau ngày kết thúc.")
        start, end = end, start
    return start, end, errors


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    start, end, errors = _window(request)
    result = services.statistics(policy.visible_feedback(request.user), start, end)
    if request.GET.get("xuat") == "xlsx":
        response = HttpResponse(services.statistics_xlsx(result), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="phan-anh-kien-nghi-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
        return response
    rows = result.by_unit[:30]  # the 30 units with most items; the tables below list them all
    bars = [{"row": r, "y": 26 * i, "received": round(BAR_MAX * r.received / result.peak),
             "handled": round(BAR_MAX * r.handled / result.peak)} for i, r in enumerate(rows)]
    return render(request, "feedback/stats.html", {
        "s": result, "bars": bars, "chart_h": 26 * len(bars) + 4, "bar_x": BAR_X, "errors": errors, "tu": f"{start:%d/%m/%Y}", "den": f"{end:%d/%m/%Y}",
    }, status=400 if errors else 200)
