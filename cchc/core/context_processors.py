from django.urls import reverse

from cchc import policy

# The areas of the product. Those not built yet are shown, disabled, so people see what is coming
# and where it will live; they are never linked to an empty page.
AREAS = [
    ("home", "Tổng quan", "home"),
    ("units", "Đơn vị", "orgs:unit_tree"),
    ("plans", "Kế hoạch", "plans:plan_list"),
    ("tasks", "Nhiệm vụ", "tasks:mine"),
    ("comms", "Tuyên truyền", None),
    ("reports", "Báo cáo", None),
    ("scoring", "Chỉ số CCHC", None),
    ("portal", "Cổng thông tin", None),
]


def navigation(request):
    if not request.user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    current = {"orgs": "units", "core": "home", "plans": "plans", "tasks": "tasks"}.get(namespace, "home" if match and match.url_name == "home" else "")
    items = [
        {"key": key, "label": label, "url": reverse(name) if name else None, "current": key == current}
        for key, label, name in AREAS
    ]
    from cchc.plans.models import Notification

    return {
        "unread_notifications": Notification.objects.filter(user=request.user, read_at__isnull=True).count(),
        "nav_items": items,
        "is_coordinator": policy.is_coordinator(request.user),
        "home_units": policy.home_units(request.user),
    }
