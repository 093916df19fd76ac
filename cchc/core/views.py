from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cchc import policy
from cchc.comms.models import Activity, Requirement
from cchc.orgs.models import Membership, Unit, UnitKind, active_units_q
from cchc.plans.models import Assignment, Plan, Task
from cchc.portal.models import Article
from cchc.reports.models import Report

AUDITED = {
    "unit": Unit, "membership": Membership, "plan": Plan, "task": Task, "assignment": Assignment,
    "activity": Activity, "comm_requirement": Requirement, "report": Report, "article": Article,
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not policy.is_coordinator(request.user):
        homes = policy.home_units(request.user)
        if len(homes) == 1:
            return redirect("orgs:unit_detail", code=homes[0].code)
        return render(request, "core/home.html", {"homes": homes})
    counts = dict(
        Unit.objects.filter(active_units_q()).values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    summary = [(label, counts.get(kind, 0)) for kind, label in UnitKind.choices]
    stats = Membership.objects.aggregate(
        people=Count("user", distinct=True), units=Count("unit", distinct=True, filter=~Q(role="coordinator"))
    )
    recent = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")[:10]
    return render(request, "core/home.html", {"summary": summary, "stats": stats, "recent": recent})


@login_required
def history(request: HttpRequest, model: str, pk: int) -> HttpResponse:
    """Who changed this object, when, and the values before and after (coordinators only)."""
    if not policy.can_view_audit(request.user):
        raise PermissionDenied("Chỉ cán bộ điều phối được xem lịch sử thay đổi.")
    model_class = AUDITED.get(model)
    if model_class is None:
        raise Http404
    obj = model_class.objects.filter(pk=pk).first()
    content_type = ContentType.objects.get_for_model(model_class)
    entries = (
        LogEntry.objects.filter(content_type=content_type, object_pk=str(pk))
        .select_related("actor")
        .order_by("-timestamp")
    )
    page = Paginator(entries, 25).get_page(request.GET.get("trang"))
    return render(request, "core/history.html", {"obj": obj, "object_repr": str(obj) if obj else (entries.first().object_repr if entries else ""), "page": page})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's reminders, newest first; opening the page marks them read."""
    from django.utils import timezone

    from cchc.plans.models import Notification

    mine = Notification.objects.filter(user=request.user)
    page = Paginator(mine, 30).get_page(request.GET.get("trang"))
    response = render(request, "core/notifications.html", {"page": page})
    mine.filter(read_at__isnull=True).update(read_at=timezone.now())
    return response


# --- the records behind a figure ------------------------------------------------------------------

_RECORD_RELATIONS = {
    "assignment": (("task__plan", "unit"), ("evidence",)),
    "activity": (("unit",), ("files",)),
    "plan": (("unit",), ()),
    "report": (("period", "unit"), ()),
    "procedure": ((), ()),
    "unit": (("parent",), ()),
    "inspection_target": (("unit", "inspection__unit", "visit"), ()),
    "finding": (("unit", "visit__target__inspection__unit", "assignment"), ("assignment__evidence",)),
    "survey_response": (("survey__unit", "survey__questionnaire", "entered_by"), ()),
    "feedback": (("category", "place", "unit"), ()),
}


def render_records(request: HttpRequest, *, kind: str, qs, title: str, context: dict | None = None,
                   total: int | None = None) -> HttpResponse:
    """One list page for every figure: the records counted, paged, each with its evidence files
    (downloaded through the access-checked views). Queries stay flat: relations are fetched with
    the page, never per row."""
    related, prefetched = _RECORD_RELATIONS[kind]
    qs = qs.select_related(*related).prefetch_related(*prefetched).order_by("pk")
    page = Paginator(qs, 100).get_page(request.GET.get("trang"))
    others = request.GET.copy()
    others.pop("trang", None)
    return render(request, "core/records.html", {
        "kind": kind, "page": page, "title": title, "count": page.paginator.count if total is None else total,
        "query_string": others.urlencode(), **(context or {}),
    })


def _date_arg(request: HttpRequest, key: str):
    import datetime

    try:
        return datetime.date.fromisoformat(request.GET.get(key, ""))
    except ValueError:
        return None


@login_required
def records(request: HttpRequest, name: str) -> HttpResponse:
    """The records a named query counts for one unit (or the province) in a window: exactly the
    list behind a figure shown elsewhere (`cchc.records.list_url`)."""
    from django.http import HttpResponseBadRequest

    from cchc import records as named

    query = named.REGISTRY.get(name)
    if query is None:
        raise Http404("Không có số liệu này.")
    start, end = _date_arg(request, "tu"), _date_arg(request, "den")
    if start is None or end is None or start > end:
        return HttpResponseBadRequest("Khoảng thời gian không hợp lệ: cần “tu” và “den” dạng yyyy-mm-dd, “tu” không sau “den”.")
    code = request.GET.get("don_vi") or ""
    unit = policy.access_unit(request.user, code) if code else None
    if unit is None and query.owner and not policy.is_coordinator(request.user):
        raise PermissionDenied("Chỉ cán bộ điều phối xem được số liệu của toàn tỉnh.")
    params = query.clean(request.GET)
    subtree = request.GET.get("ca_cay") == "1"
    qs = named.records(name, start, end, params, unit=unit, subtree=subtree)
    title = query.describe(params)
    return render_records(request, kind=query.kind, qs=qs, title=title, context={
        "unit": unit, "start": start, "end": end, "subtree": subtree,
    })
