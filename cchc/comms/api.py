"""JSON API of communication activities (django-ninja router; the lead mounts it on cchc.api).

    api.add_router("/tuyen-truyen/", "cchc.comms.api.router")

Same rules as the pages: the policy module decides, the services save, the figures sum in the database.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.security import django_auth

from cchc import policy
from cchc.orgs.models import Unit

from . import figures, services, tables
from .models import Activity, ChannelKind

router = Router(tags=["Tuyên truyền"], auth=django_auth)


class ActivityOut(Schema):
    id: int
    unit_code: str
    date: date
    channel: str
    channel_label: str
    title: str
    topics: list[str]
    audiences: list[str]
    quantity: int
    reach: int | None
    link: str
    innovative: bool
    source_key: str

    @staticmethod
    def resolve_unit_code(obj: Activity) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_channel_label(obj: Activity) -> str:
        return obj.get_channel_display()

    @staticmethod
    def resolve_topics(obj: Activity) -> list[str]:
        return [tables.topic_ref(t) for t in obj.topics.all()]

    @staticmethod
    def resolve_audiences(obj: Activity) -> list[str]:
        return obj.audiences


class ActivityIn(Schema):
    unit_code: str
    date: date
    channel: str
    title: str
    topics: list[str] = []
    audiences: list[str] = []
    quantity: int = 1
    reach: int | None = None
    link: str = ""
    innovative: bool = False
    note: str = ""
    source_key: str = ""


class TotalOut(Schema):
    key: str
    label: str
    activities: int
    quantity: int
    reach: int


class ImportOut(Schema):
    ok: bool
    created: int
    updated: int
    unchanged: int
    errors: list[str]


def _unit(user, code: str) -> Unit:
    try:
        return policy.access_unit(user, code)
    except Http404 as exc:
        raise HttpError(404, f"Không có đơn vị mã “{code}”.") from exc


@router.get("/hoat-dong", response=list[ActivityOut], summary="Hoạt động tuyên truyền (mới nhất trước)")
def list_activities(request, don_vi: str | None = None, tu: date | None = None, den: date | None = None,
                    hinh_thuc: str | None = None, limit: int = 100, offset: int = 0):
    qs = policy.visible_activities(request.user)
    if don_vi:
        qs = qs.filter(unit__path__startswith=_unit(request.user, don_vi).path)
    if tu:
        qs = qs.filter(date__gte=tu)
    if den:
        qs = qs.filter(date__lte=den)
    if hinh_thuc:
        qs = qs.filter(channel=hinh_thuc)
    limit = max(1, min(limit, 500))
    return list(qs.select_related("unit").prefetch_related("topics__plan__unit")
                .order_by("-date", "-pk")[offset:offset + limit])


@router.post("/hoat-dong", response={201: ActivityOut, 200: ActivityOut}, summary="Ghi nhận một hoạt động")
def create_activity(request, payload: ActivityIn):
    unit = _unit(request.user, payload.unit_code)
    if not policy.can_record_activity(request.user, unit):
        raise HttpError(403, "Bạn không được ghi nhận hoạt động cho đơn vị này.")
    if payload.channel not in ChannelKind.values:
        raise HttpError(422, f"Hình thức “{payload.channel}” không có trong danh mục.")
    if payload.quantity < 1 or (payload.reach is not None and payload.reach < 0):
        raise HttpError(422, "Số lượng phải là số nguyên dương; số người tham dự, lượt xem không được âm.")
    chosen, problems = tables._TopicResolver().resolve(unit, ", ".join(payload.topics), payload.date)
    if problems:
        raise HttpError(422, "; ".join(problems) + ".")
    audiences = set(payload.audiences)
    activity = Activity(
        unit=unit, date=payload.date, channel=payload.channel, title=payload.title[:300], quantity=payload.quantity,
        reach=payload.reach, link=payload.link, innovative=payload.innovative, note=payload.note,
        source_key=payload.source_key[:120], for_officials="officials" in audiences,
        for_citizens="citizens" in audiences, for_businesses="businesses" in audiences,
    )
    try:
        saved = services.activity_save(activity=activity, topics=chosen, user=request.user)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
    return Status(200 if saved.duplicate else 201, saved)


@router.get("/so-lieu", response=list[TotalOut], summary="Số liệu tổng hợp (tính trong cơ sở dữ liệu)")
def totals(request, don_vi: str, tu: date | None = None, den: date | None = None, theo: str = "channel"):
    """theo = channel | topic | unit (đơn vị trực thuộc) | audience | month | quarter."""
    unit = _unit(request.user, don_vi)
    units = Unit.objects.filter(parent=unit) if theo == "unit" else Unit.objects.filter(pk=unit.pk)
    try:
        rows = figures.activity_totals(units, tu, den, by=theo)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    return [{**r, "key": str(r["key"])} for r in rows]


@router.post("/hoat-dong/nhap", response=ImportOut, summary="Nhập tệp .xlsx theo mẫu (tất cả hoặc không)")
def import_xlsx(request, file: UploadedFile = File(...), don_vi: str | None = None):  # noqa: B008
    units = policy.comm_recording_units(request.user)
    default = _unit(request.user, don_vi) if don_vi else (units[0] if len(units) == 1 else None)
    try:
        result = tables.import_activities(file.read(), file.name or "", user=request.user, default_unit=default)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    return {"ok": result.ok, "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
            "errors": result.errors}
