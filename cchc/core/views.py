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
