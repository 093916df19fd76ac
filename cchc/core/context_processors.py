from django.urls import reverse

from cchc import policy

# The areas of the product, in the order of the work: units, plans and tasks, communication,
# reports, the PAR Index, the public section.
AREAS = [
    ("home", "Tổng quan", "home"),
    ("units", "Đơn vị", "orgs:unit_tree"),
    ("plans", "Kế hoạch", "plans:plan_list"),
    ("tasks", "Nhiệm vụ", "tasks:mine"),
    ("comms", "Tuyên truyền", "comms:index"),
    ("inspections", "Kiểm tra", "inspections:index"),
    ("reports", "Báo cáo", "reports:index"),
    ("scoring", "Chỉ số CCHC", "scoring:index"),
    ("surveys", "Khảo sát", "surveys:index"),
    ("feedback", "Phản ánh", "feedback:staff_list"),
    ("contest", "Cuộc thi", "contest:manage"),
    ("portal", "Cổng thông tin", "portal:index"),
]


def navigation(request):
    if not request.user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    current = {
        "orgs": "units", "core": "home", "plans": "plans", "tasks": "tasks",
        "comms": "comms", "scoring": "scoring", "portal": "portal", "reports": "reports",
        "surveys": "surveys", "inspections": "inspections", "feedback": "feedback",
        "contest": "contest",
    }.get(namespace, "home" if match and match.url_name == "home" else "")
    items = [
        {"key": key, "label": label, "url": reverse(name), "current": key == current}
        for key, label, name in AREAS
    ]
    from cchc.plans.models import Notification

    return {
        "unread_notifications": Notification.objects.filter(user=request.user, read_at__isnull=True).count(),
        "nav_items": items,
        "is_coordinator": policy.is_coordinator(request.user),
        "home_units": policy.home_units(request.user),
    }
