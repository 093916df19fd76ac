"""Who may see and change what. Every view, API endpoint and command asks this module.

Rules:
- A coordinator (CCHC staff of the Sở Nội vụ, or a superuser) sees and manages everything.
- Anyone else sees the units where they hold a role and those units' sub-units, and nothing else.
- A unit leader also manages the people of their own subtree.
- Anonymous visitors see only what is published (the public portal, later).

Access helpers raise Http404 for objects outside the user's reach (their existence is not
leaked) and PermissionDenied for objects the user may see but not change. Each condition is on
its own line so the tests can cover every branch.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from cchc.orgs.models import Membership, Role, Unit


def _memberships(user) -> list[Membership]:
    # Cached on the user object: a page asks the policy many times, the database once.
    if not hasattr(user, "_cchc_memberships"):
        user._cchc_memberships = list(
            Membership.objects.filter(user=user).select_related("unit")
        ) if user.is_authenticated else []
    return user._cchc_memberships


def is_coordinator(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(m.role == Role.COORDINATOR for m in _memberships(user))


def home_units(user) -> list[Unit]:
    """The units where the user holds a role (their workspaces), without duplicates."""
    units = {m.unit.pk: m.unit for m in _memberships(user)}
    return sorted(units.values(), key=lambda u: u.path)


def _subtree_q(units: list[Unit], field: str = "") -> Q:
    prefix = f"{field}__" if field else ""
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(**{f"{prefix}path__startswith": unit.path})
    return q


def visible_units(user) -> QuerySet[Unit]:
    if not user.is_authenticated:
        return Unit.objects.none()
    if is_coordinator(user):
        return Unit.objects.all()
    return Unit.objects.filter(_subtree_q(home_units(user)))


def can_view_unit(user, unit: Unit) -> bool:
    if not user.is_authenticated:
        return False
    if is_coordinator(user):
        return True
    return any(unit.path.startswith(home.path) for home in home_units(user))


def can_manage_units(user) -> bool:
    """Create, edit, merge, import units: the coordinators' job."""
    return is_coordinator(user)


def can_manage_people(user, unit: Unit) -> bool:
    if is_coordinator(user):
        return True
    return any(
        m.role == Role.LEADER and unit.path.startswith(m.unit.path) for m in _memberships(user)
    )


def can_view_audit(user) -> bool:
    return is_coordinator(user)


def access_unit(user, code: str, *, manage: bool = False) -> Unit:
    """The unit with this code if the user may see it (and manage it when asked), else 404/403."""
    unit = Unit.objects.select_related("parent").filter(code=code).first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    if not can_view_unit(user, unit):
        raise Http404("Không tìm thấy đơn vị.")
    if manage and not can_manage_units(user):
        raise PermissionDenied("Bạn không có quyền sửa đơn vị này.")
    return unit


def access_unit_people(user, code: str) -> Unit:
    unit = access_unit(user, code)
    if not can_manage_people(user, unit):
        raise PermissionDenied("Bạn không có quyền quản lý người dùng của đơn vị này.")
    return unit


def access_membership(user, membership_id: int) -> Membership:
    membership = Membership.objects.select_related("unit", "user").filter(pk=membership_id).first()
    if membership is None:
        raise Http404("Không tìm thấy.")
    if not can_view_unit(user, membership.unit):
        raise Http404("Không tìm thấy.")
    if not can_manage_people(user, membership.unit):
        raise PermissionDenied("Bạn không có quyền quản lý người dùng của đơn vị này.")
    return membership


# --- plans and tasks ----------------------------------------------------------------------------


def can_view_plan(user, plan) -> bool:
    """A plan is seen by its unit's people, their superiors, and the units it applies to below."""
    if not user.is_authenticated:
        return False
    if is_coordinator(user):
        return True
    for home in home_units(user):
        if plan.unit.path.startswith(home.path):
            return True  # our own plan or a sub-unit's
        if home.path.startswith(plan.unit.path):
            return True  # a superior body's plan that applies to us
    return False


def can_edit_plan(user, plan) -> bool:
    if is_coordinator(user):
        return True
    return any(
        m.role in (Role.LEADER, Role.OFFICER) and plan.unit.path.startswith(m.unit.path) for m in _memberships(user)
    )


def can_import_plan_for(user, unit: Unit) -> bool:
    if is_coordinator(user):
        return True
    return any(m.role in (Role.LEADER, Role.OFFICER) and unit.path.startswith(m.unit.path) for m in _memberships(user))


def visible_plans(user):
    from cchc.plans.models import Plan

    if not user.is_authenticated:
        return Plan.objects.none()
    if is_coordinator(user):
        return Plan.objects.all()
    homes = home_units(user)
    ancestors = {int(pk) for home in homes for pk in home.path.strip("/").split("/") if pk}
    return Plan.objects.filter(_subtree_q(homes, "unit") | Q(unit_id__in=ancestors))


def access_plan(user, plan_id: int, *, edit: bool = False):
    from cchc.plans.models import Plan

    plan = Plan.objects.select_related("unit", "parent").filter(pk=plan_id).first()
    if plan is None:
        raise Http404("Không tìm thấy kế hoạch.")
    if not can_view_plan(user, plan):
        raise Http404("Không tìm thấy kế hoạch.")
    if edit and not can_edit_plan(user, plan):
        raise PermissionDenied("Bạn không có quyền sửa kế hoạch này.")
    return plan


def can_work_for_unit(user, unit: Unit) -> bool:
    """Update the unit's own work (tasks, its plan): its leaders and officers, or a coordinator."""
    if is_coordinator(user):
        return True
    return any(m.unit_id == unit.pk and m.role in (Role.LEADER, Role.OFFICER) for m in _memberships(user))


def visible_assignments(user):
    from cchc.plans.models import Assignment

    return Assignment.objects.filter(unit__in=visible_units(user))


def access_assignment(user, assignment_id: int, *, update: bool = False):
    """An assignment is seen in its unit's subtree; only that unit's own people update it."""
    from cchc.plans.models import Assignment

    assignment = Assignment.objects.select_related("task__plan__unit", "unit").filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404("Không tìm thấy nhiệm vụ.")
    if not can_view_unit(user, assignment.unit):
        raise Http404("Không tìm thấy nhiệm vụ.")
    if update and not can_work_for_unit(user, assignment.unit):
        raise PermissionDenied("Chỉ cán bộ của đơn vị được giao mới cập nhật được nhiệm vụ này.")
    return assignment


def access_import(user, import_id: int):
    from cchc.plans.models import PlanImport

    job = PlanImport.objects.select_related("context_unit").filter(pk=import_id).first()
    if job is None or (job.user_id != user.pk and not is_coordinator(user)):
        raise Http404("Không tìm thấy lượt nhập.")
    return job


def visible_obligations(user):
    from cchc.plans.models import Obligation

    return Obligation.objects.filter(unit__in=visible_units(user))


def access_obligation(user, obligation_id: int, *, act: bool = False):
    """An obligation is seen in its unit's subtree; only its unit's officers and leaders act on it."""
    from cchc.plans.models import Obligation

    obligation = Obligation.objects.select_related("unit", "request__parent__unit", "plan").filter(pk=obligation_id).first()
    if obligation is None:
        raise Http404("Không tìm thấy yêu cầu.")
    if not can_view_unit(user, obligation.unit):
        raise Http404("Không tìm thấy yêu cầu.")
    if act and not can_work_for_unit(user, obligation.unit):
        raise PermissionDenied("Chỉ cán bộ của đơn vị được yêu cầu mới thực hiện được việc này.")
    return obligation


def access_plan_request(user, request_id: int):
    from cchc.plans.models import PlanRequest

    if not is_coordinator(user):
        raise PermissionDenied("Chỉ cán bộ điều phối được xem bảng theo dõi này.")
    found = PlanRequest.objects.select_related("parent__unit").filter(pk=request_id).first()
    if found is None:
        raise Http404("Không tìm thấy yêu cầu.")
    return found
