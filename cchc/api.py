"""JSON API (django-ninja, OpenAPI at /api/docs). Same policy module as the pages."""

from datetime import date

from django.conf import settings
from django.http import Http404
from ninja import File, NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.security import django_auth

from cchc import policy
from cchc.orgs.models import Membership, Unit, active_units_q
from cchc.orgs.resolver import UnitResolver
from cchc.orgs.services import full_name

api = NinjaAPI(
    title="CCHC API",
    version="1",
    description="API của hệ thống quản lý cải cách hành chính. Đăng nhập bằng phiên làm việc.",
    auth=django_auth,
    urls_namespace="api",
)


class UnitOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent_code: str | None
    aliases: list[str]
    valid_from: date | None
    valid_to: date | None

    @staticmethod
    def resolve_kind_label(obj: Unit) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_parent_code(obj: Unit) -> str | None:
        return obj.parent.code if obj.parent_id else None


class PersonOut(Schema):
    username: str
    full_name: str
    email: str
    role: str
    role_label: str
    position: str


class ResolveIn(Schema):
    text: str
    context_code: str | None = None


class MatchOut(Schema):
    text: str
    method: str
    unit_code: str | None
    group_code: str | None
    label: str


class ResolutionOut(Schema):
    matches: list[MatchOut]
    unresolved: list[str]
    ambiguous: list[str]


class Me(Schema):
    username: str
    full_name: str
    is_coordinator: bool
    units: list[UnitOut]


@api.get("/me", response=Me, summary="Người dùng hiện tại và đơn vị của họ")
def me(request):
    return {
        "username": request.user.username,
        "full_name": full_name(request.user),
        "is_coordinator": policy.is_coordinator(request.user),
        "units": policy.home_units(request.user),
    }


@api.get("/units", response=list[UnitOut], summary="Các đơn vị người dùng được xem")
def list_units(request, include_closed: bool = False, kind: str | None = None, limit: int = 500, offset: int = 0):
    units = policy.visible_units(request.user).select_related("parent").order_by("path")
    if not include_closed:
        units = units.filter(active_units_q())
    if kind:
        units = units.filter(kind=kind)
    return units[offset : offset + min(limit, 1000)]


@api.get("/units/{code}", response=UnitOut, summary="Một đơn vị")
def get_unit(request, code: str):
    return policy.access_unit(request.user, code)


@api.get("/units/{code}/children", response=list[UnitOut], summary="Đơn vị trực thuộc")
def unit_children(request, code: str):
    unit = policy.access_unit(request.user, code)
    return unit.children.select_related("parent").order_by("path")


@api.get("/units/{code}/people", response=list[PersonOut], summary="Người dùng của đơn vị")
def unit_people(request, code: str):
    unit = policy.access_unit(request.user, code)
    return [
        {
            "username": m.user.username, "full_name": full_name(m.user), "email": m.user.email,
            "role": m.role, "role_label": m.get_role_display(), "position": m.position,
        }
        for m in Membership.objects.filter(unit=unit).select_related("user").order_by("role")
    ]


@api.post("/resolve", response=ResolutionOut, summary="Nhận diện cơ quan, đơn vị trong một cụm từ")
def resolve(request, payload: ResolveIn):
    context = policy.access_unit(request.user, payload.context_code) if payload.context_code else None
    result = UnitResolver(context=context).resolve(payload.text)
    return {
        "matches": [
            {"text": m.text, "method": m.method, "unit_code": m.unit.code if m.unit else None,
             "group_code": m.group.code if m.group else None, "label": m.label}
            for m in result.matches
        ],
        "unresolved": result.unresolved,
        "ambiguous": [a.text for a in result.ambiguous],
    }


class PlanOut(Schema):
    id: int
    title: str
    kind: str
    number: str
    issued_on: date | None
    unit_code: str
    period_start: date | None
    period_end: date | None
    period_label: str

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code


class TaskOut(Schema):
    id: int
    group_code: str
    number: str
    title: str
    deliverable: str
    lead_text: str
    partners_text: str
    timeframe_text: str
    timeframe_kind: str
    due_dates: list[str]


class PlanDetailOut(PlanOut):
    tasks: list[TaskOut]

    @staticmethod
    def resolve_tasks(obj) -> list:
        return list(obj.tasks.all())


@api.get("/plans", response=list[PlanOut], summary="Các kế hoạch người dùng được xem")
def list_plans(request, limit: int = 100, offset: int = 0):
    plans = policy.visible_plans(request.user).select_related("unit").order_by("-period_start", "-id")
    return plans[offset : offset + min(limit, 500)]


@api.get("/plans/{int:plan_id}", response=PlanDetailOut, summary="Một kế hoạch và các nhiệm vụ")
def get_plan(request, plan_id: int):
    return policy.access_plan(request.user, plan_id)


@api.post("/plans/read", summary="Đọc một tệp kế hoạch, trả về cấu trúc (không lưu)")
def read_plan_file(request, file: UploadedFile = File(...), context_code: str | None = None):  # noqa: B008
    from cchc.plans.services import PlanImportError, plan_parse

    if file.size > settings.UPLOAD_MAX_BYTES:
        raise HttpError(413, f"Tệp quá lớn (tối đa {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB).")
    context = policy.access_unit(request.user, context_code) if context_code else None
    try:
        return plan_parse(file.read(), file.name, context=context).to_json()
    except PlanImportError as exc:
        raise HttpError(422, str(exc)) from exc


def _mount_routers() -> None:
    # Each area's router lives beside its services; imported here so /api/docs lists them all.
    from cchc.comms.api import router as comms
    from cchc.reports.api import router as reports

    api.add_router("/reports", reports)
    api.add_router("/comms", comms)


_mount_routers()


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Không tìm thấy."}, status=404)
