"""What the feedback pages, commands and demo do, as plain functions: mask personal data, route by
the rules, receive an item (with its checks), answer, re-route, hide, the citizen's word, statistics,
the XLSX export and the reminders before the deadline."""

from __future__ import annotations

import datetime
import io
import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cchc.orgs.models import Unit, UnitKind, active_units_q

from .models import HANDLED_STATUSES, OPEN_STATUSES, Answer, Attachment, Category, Feedback, FeedbackRoute, Status

RULES_PATH = Path(__file__).parent / "data" / "rules.json"

TITLE_MAX = 200
TEXT_MIN = 20
TEXT_MAX = 5000
ANSWER_MAX = 10000
REASON_MAX = 500
MAX_FILES = 3

# --- personal data ----------------------------------------------------------------------------------

PHONE_MASK = "[số điện thoại đã ẩn]"
EMAIL_MASK = "[thư điện tử đã ẩn]"
ID_MASK = "[số giấy tờ đã ẩn]"
NAME_MASK = "[họ tên đã ẩn]"

_SEP = r"[ .\-]?"
_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# Mobile: 0 (or +84 / 84) then 3, 5, 7, 8 or 9 and 8 more digits, in any grouping ("0912 345 678",
# "0912.345.678", "+84 912-345-678"). Landline: 02x(x) and 7–8 digits, the area code maybe in brackets.
_MOBILE = re.compile(rf"(?<![\d+])(?:\+84|84|\(?0)\)?{_SEP}[35789](?:{_SEP}\d){{8}}(?!\d)")
_LANDLINE = re.compile(rf"(?<![\d+])(?:\(\+?84\)|\+84|\(0|0)\s?2\d{{1,2}}\)?{_SEP}\d(?:{_SEP}\d){{6,7}}(?!\d)")
# ID numbers: CCCD 12 digits, CMND 9 digits, written together or in groups of 3 or 4 with spaces.
_ID = re.compile(
    r"(?<!\d)(?<!\d[.,/])(?:\d{12}|\d{9}|\d{3} \d{3} \d{3} \d{3}|\d{4} \d{4} \d{4}|\d{3} \d{3} \d{3})(?!\d|[.,/]\d)"
)


def _landline_ok(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0)).removeprefix("84")
    digits = digits if digits.startswith("0") else "0" + digits
    return PHONE_MASK if len(digits) in (10, 11) else match.group(0)


def mask_personal(text: str, names: tuple[str, ...] | list[str] = ()) -> str:
    """The text with e-mail addresses, phone numbers (mobile and landline, any grouping) and 9- or
    12-digit ID numbers replaced by a note, and the sender's own name (when given) too. Dates,
    amounts ("1.500.000 đồng"), document numbers ("1234/QĐ-UBND") and short numbers stay."""
    if not text:
        return ""
    out = _EMAIL.sub(EMAIL_MASK, text)
    out = _MOBILE.sub(PHONE_MASK, out)
    out = _LANDLINE.sub(_landline_ok, out)
    out = _ID.sub(ID_MASK, out)
    for name in names:
        name = (name or "").strip()
        if len(name) >= 5 and " " in name:  # a full name, not a lone word that could be anything
            out = re.sub(re.escape(name), NAME_MASK, out, flags=re.IGNORECASE)
    return out


# --- rules ------------------------------------------------------------------------------------------


@cache
def rules() -> dict:
    return json.loads(RULES_PATH.read_text(encoding="utf-8"))


FIELDS = ("name", "description", "deadline_days", "working_days", "responsible", "procedures")


def sync_categories() -> int:
    """Create or update the categories from the rules file (idempotent); returns those changed."""
    changed = 0
    for order, spec in enumerate(rules()["categories"]):
        values = {k: spec.get(k, Category._meta.get_field(k).get_default()) for k in FIELDS}
        values["order"] = order
        cat = Category.objects.filter(slug=spec["slug"]).first()
        if cat is None:
            Category.objects.create(slug=spec["slug"], **values)
            changed += 1
        elif any(getattr(cat, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(cat, k, v)
            cat.save()
            changed += 1
    return changed


def categories() -> list[Category]:
    found = list(Category.objects.filter(active=True))
    if not found:
        sync_categories()
        found = list(Category.objects.filter(active=True))
    return found


def communes(day: datetime.date | None = None) -> list[Unit]:
    """The communes and wards in force today, by name: the places a citizen chooses from."""
    province = Unit.objects.filter(code=settings.CCHC_PROVINCE_CODE).only("path").first()
    qs = Unit.objects.filter(active_units_q(day), kind__in=(UnitKind.COMMUNE, UnitKind.WARD))
    if province is not None:
        qs = qs.filter(path__startswith=province.path)
    return sorted(qs.only("pk", "code", "name", "short_name", "kind"), key=lambda u: _sort_key(u.display_name))


def _sort_key(name: str) -> str:
    from cchc.lib.text import fold

    return fold(name.removeprefix("Xã ").removeprefix("Phường "))


def commune_groups(day=None) -> list[tuple[str, list[Unit]]]:
    """Communes and wards for the select's two groups (native select: typing a name finds it)."""
    units = communes(day)
    return [("Phường", [u for u in units if u.kind == UnitKind.WARD]),
            ("Xã", [u for u in units if u.kind == UnitKind.COMMUNE])]


def route(category: Category, place: Unit) -> Unit:
    """The unit the rules send an item of this category and place to (first rule that matches)."""
    for rule in rules()["rules"]:
        if rule["category"] not in ("*", category.slug):
            continue
        if rule["place"] not in ("*", place.code):
            continue
        if rule["unit"] == "{xa}":
            return place
        unit = Unit.objects.filter(code=rule["unit"]).first()
        if unit is not None:
            return unit
    return place


def escalation_unit(category: Category) -> Unit | None:
    """The province's body one level up for a category (e.g. đất đai → Sở Nông nghiệp và Môi trường)."""
    spec = next((c for c in rules()["categories"] if c["slug"] == category.slug), {})
    code = spec.get("escalate")
    return Unit.objects.filter(code=code).first() if code else None


def add_days(start: datetime.date, days: int, working: bool) -> datetime.date:
    """The deadline: `days` calendar days, or working days (Saturdays and Sundays skipped; public
    holidays are not in the calendar yet)."""
    if not working:
        return start + datetime.timedelta(days=days)
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


# --- receiving an item ------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE_FIELD = re.compile(r"^\+?[\d .\-()]{8,20}$")


def _clean_text(value) -> str:
    return _CONTROL.sub("", str(value or "")).replace("\r\n", "\n").strip()


def rate_limit() -> int:
    return getattr(settings, "FEEDBACK_RATE_LIMIT_PER_HOUR", 10)


def validate(values: dict, files=()) -> tuple[dict, dict[str, str]]:
    """The cleaned values and {field: Vietnamese message} for what is wrong (nothing is saved)."""
    errors: dict[str, str] = {}
    title = _clean_text(values.get("title"))
    text = _clean_text(values.get("text"))
    name = _clean_text(values.get("name"))[:200]
    phone = _clean_text(values.get("phone"))
    email = _clean_text(values.get("email"))
    if not title:
        errors["title"] = "Xin nhập tiêu đề phản ánh."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Tiêu đề dài {len(title)} ký tự; tối đa {TITLE_MAX} ký tự."
    if not text:
        errors["text"] = "Xin nhập nội dung phản ánh, kiến nghị."
    elif len(text) < TEXT_MIN:
        errors["text"] = f"Nội dung quá ngắn; xin mô tả rõ hơn (ít nhất {TEXT_MIN} ký tự)."
    elif len(text) > TEXT_MAX:
        errors["text"] = f"Nội dung dài {len(text)} ký tự; tối đa {TEXT_MAX} ký tự."
    if len(name) > 120:
        errors["name"] = "Họ tên tối đa 120 ký tự."
    if phone and not (_PHONE_FIELD.match(phone) and 9 <= len(re.sub(r"\D", "", phone)) <= 12):
        errors["phone"] = f"Số điện thoại “{phone[:30]}” không hợp lệ."
    if email:
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = f"Địa chỉ thư điện tử “{email[:60]}” không hợp lệ."
    category = Category.objects.filter(slug=values.get("category") or "", active=True).first()
    if category is None:
        errors["category"] = "Xin chọn lĩnh vực phản ánh trong danh sách."
    place_code = _clean_text(values.get("place"))
    place = None
    if not place_code:
        errors["place"] = "Xin chọn xã, phường nơi phát sinh phản ánh."
    else:
        place = next((u for u in communes() if u.code == place_code), None)
        if place is None:
            errors["place"] = "Xã, phường đã chọn không có trong danh sách xã, phường của tỉnh; xin chọn lại."
    files = [f for f in files if f]
    if len(files) > MAX_FILES:
        errors["files"] = f"Chỉ gửi kèm tối đa {MAX_FILES} ảnh."
    cleaned = {"title": title, "text": text, "name": name, "phone": phone, "email": email,
               "category": category, "place": place}
    return cleaned, errors


def _clean_files(files) -> list:
    from cchc.portal.images import image_clean

    out = []
    for i, upload in enumerate(files, 1):
        try:
            out.append(image_clean(upload))
        except ValidationError as exc:
            label = getattr(upload, "name", "") or f"ảnh {i}"
            raise ValidationError({"files": f"Tệp “{label[:80]}”: {' '.join(exc.messages)}"}) from None
    return out


def submit(values: dict, files=(), *, today: datetime.date | None = None) -> Feedback:
    """Receive an item from the public form: checks, routing by the rules, deadline, photos.
    Raises ValidationError({field: message}) and saves nothing when anything is wrong."""
    if _clean_text(values.get("website")):  # the honeypot: hidden from people, filled by robots
        raise ValidationError({"__all__": "Không gửi được phản ánh: biểu mẫu có trường không dành cho người dùng đã bị điền. "
                                          "Xin tải lại trang và gửi lại."})
    cleaned, errors = validate(values, files)
    images = []
    if not errors:
        try:
            images = _clean_files([f for f in files if f])
        except ValidationError as exc:
            errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    today = today or timezone.localdate()
    category, place = cleaned["category"], cleaned["place"]
    unit = route(category, place)
    names = (cleaned["name"],)
    with transaction.atomic():
        item = Feedback(
            title=cleaned["title"], text=cleaned["text"], name=cleaned["name"], phone=cleaned["phone"],
            email=cleaned["email"], category=category, place=place, unit=unit, received_on=today,
            deadline=add_days(today, category.deadline_days, category.working_days),
            public_title=mask_personal(cleaned["title"], names), public_text=mask_personal(cleaned["text"], names),
        )
        while Feedback.objects.filter(code=item.code).exists():  # 32^10 codes: never in practice
            item.code = Feedback._meta.get_field("code").get_default()
        item.save()
        FeedbackRoute.objects.create(feedback=item, to_unit=unit, reason=f"Theo quy tắc: lĩnh vực “{category.name}” tại {place.display_name}.")
        for image in images:
            Attachment.objects.create(feedback=item, file=ContentFile(image.data, name=image.name),
                                      content_type=image.content_type, width=image.width, height=image.height,
                                      size=len(image.data))
    return item


# --- handling ---------------------------------------------------------------------------------------


def start(item: Feedback, *, by=None) -> Feedback:
    if item.status == Status.RECEIVED:
        item.status = Status.IN_PROGRESS
        item.save(update_fields=["status", "updated_at"])
    return item


def answer(item: Feedback, text: str, *, by=None, now=None) -> Answer:
    text = _clean_text(text)
    if not text:
        raise ValidationError("Xin nhập nội dung trả lời.")
    if len(text) > ANSWER_MAX:
        raise ValidationError(f"Nội dung trả lời tối đa {ANSWER_MAX} ký tự.")
    if item.hidden:
        raise ValidationError("Phản ánh đã bị ẩn; không trả lời được.")
    now = now or timezone.now()
    with transaction.atomic():
        reply = Answer.objects.create(feedback=item, unit=item.unit, text=text, by=by,
                                      public_text=mask_personal(text, (item.name,)))
        item.status = Status.ANSWERED
        if item.answered_at is None:  # the first answer is what the deadline measures
            item.answered_at = now
            item.answered_on = timezone.localtime(now).date()
        item.citizen_resolved = None
        item.save(update_fields=["status", "answered_at", "answered_on", "citizen_resolved", "updated_at"])
    return reply


def reroute(item: Feedback, to_unit: Unit, reason: str, *, by=None) -> FeedbackRoute:
    """Send an item to another unit, with the reason; the new unit sees it, the old one no longer."""
    reason = _clean_text(reason)
    if not reason:
        raise ValidationError("Xin ghi lý do chuyển phản ánh sang đơn vị khác.")
    if len(reason) > REASON_MAX:
        raise ValidationError(f"Lý do tối đa {REASON_MAX} ký tự.")
    if to_unit.pk == item.unit_id:
        raise ValidationError("Phản ánh đang ở đơn vị này; xin chọn đơn vị khác.")
    if not to_unit.is_active:
        raise ValidationError(f"{to_unit.display_name} không còn hoạt động.")
    with transaction.atomic():
        step = FeedbackRoute.objects.create(feedback=item, from_unit=item.unit, to_unit=to_unit, reason=reason, by=by)
        item.unit = to_unit
        if item.status in OPEN_STATUSES:
            item.status = Status.RECEIVED
        item.save(update_fields=["unit", "status", "updated_at"])
    return step


def close(item: Feedback, *, by=None) -> Feedback:
    if item.status not in HANDLED_STATUSES:
        raise ValidationError("Chỉ đóng được phản ánh đã trả lời.")
    item.status = Status.CLOSED
    item.save(update_fields=["status", "updated_at"])
    return item


def citizen_says(item: Feedback, resolved: bool, *, now=None) -> Feedback:
    """The sender's word on the answer: resolved (closes the item) or not (the unit looks again)."""
    if item.status not in (Status.ANSWERED, Status.RESOLVED):
        raise ValidationError("Phản ánh chưa có trả lời để xác nhận.")
    item.citizen_resolved = resolved
    item.citizen_said_at = now or timezone.now()
    item.status = Status.RESOLVED if resolved else Status.IN_PROGRESS
    item.save(update_fields=["citizen_resolved", "citizen_said_at", "status", "updated_at"])
    return item


def hide(item: Feedback, reason: str, *, by=None) -> Feedback:
    reason = _clean_text(reason)
    if not reason:
        raise ValidationError("Xin ghi lý do ẩn phản ánh (được lưu trong nhật ký).")
    if len(reason) > 300:
        raise ValidationError("Lý do tối đa 300 ký tự.")
    item.hidden, item.hidden_reason, item.hidden_by = True, reason, by
    item.save(update_fields=["hidden", "hidden_reason", "hidden_by", "updated_at"])
    return item


def unhide(item: Feedback, *, by=None) -> Feedback:
    item.hidden, item.hidden_reason, item.hidden_by = False, "", None
    item.save(update_fields=["hidden", "hidden_reason", "hidden_by", "updated_at"])
    return item


def public_items() -> QuerySet[Feedback]:
    """What the public list shows: answered, not hidden, newest answer first."""
    return Feedback.objects.filter(hidden=False, answered_at__isnull=False).order_by("-answered_at", "-pk")


def overdue_q(today: datetime.date) -> Q:
    return Q(status__in=OPEN_STATUSES, deadline__lt=today)


# --- statistics -------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (median = 0.5): a value that occurred, not an interpolation."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Row:
    key: object
    label: str
    received: int = 0
    handled: int = 0
    on_time: int = 0
    overdue: int = 0
    days: list[float] = field(default_factory=list)

    @property
    def median(self):
        return percentile(self.days, 0.5)

    @property
    def p90(self):
        return percentile(self.days, 0.9)

    @property
    def on_time_percent(self):
        return round(100 * self.on_time / self.handled, 1) if self.handled else None

    @property
    def handled_percent(self):
        return round(100 * self.handled / self.received, 1) if self.received else None


@dataclass
class Stats:
    total: Row
    by_unit: list[Row]
    by_category: list[Row]
    start: datetime.date
    end: datetime.date

    @property
    def peak(self) -> int:
        return max([r.received for r in self.by_unit] + [1])


def statistics(qs: QuerySet[Feedback], start: datetime.date, end: datetime.date, *, today=None) -> Stats:
    """Received in the window, handled (answered), on time, overdue, response time in days (median,
    p90), per unit and per category: one query for the rows, one for the names."""
    today = today or timezone.localdate()
    rows = qs.filter(received_on__gte=start, received_on__lte=end, hidden=False).values_list(
        "unit_id", "category_id", "created_at", "answered_at", "answered_on", "deadline", "status")
    total = Row(None, "Tổng cộng")
    units: dict[int, Row] = {}
    cats: dict[int, Row] = {}
    for unit_id, cat_id, created, answered_at, answered_on, deadline, status in rows:
        for row in (total, units.setdefault(unit_id, Row(unit_id, "")), cats.setdefault(cat_id, Row(cat_id, ""))):
            row.received += 1
            if answered_at is not None:
                row.handled += 1
                row.on_time += answered_on <= deadline
                row.days.append((answered_at - created).total_seconds() / 86400)
            elif status in OPEN_STATUSES and deadline < today:
                row.overdue += 1
    names = {u.pk: u.display_name for u in Unit.objects.filter(pk__in=list(units)).only("name", "short_name")}
    for pk, row in units.items():
        row.label = names.get(pk, "")
    cat_names = dict(Category.objects.filter(pk__in=list(cats)).values_list("pk", "name"))
    for pk, row in cats.items():
        row.label = cat_names.get(pk, "")
    return Stats(total, sorted(units.values(), key=lambda r: (-r.received, r.label)),
                 sorted(cats.values(), key=lambda r: (-r.received, r.label)), start, end)


def statistics_xlsx(stats: Stats) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    head = ["Tiếp nhận", "Đã trả lời", "Tỷ lệ đã trả lời (%)", "Đúng hạn", "Tỷ lệ đúng hạn (%)", "Quá hạn chưa trả lời",
            "Thời gian trả lời trung vị (ngày)", "Thời gian trả lời P90 (ngày)"]
    for i, (title, first, rows) in enumerate((("Theo đơn vị", "Đơn vị", stats.by_unit),
                                              ("Theo lĩnh vực", "Lĩnh vực", stats.by_category))):
        sheet = book.active if i == 0 else book.create_sheet()
        sheet.title = title
        sheet.append([f"Phản ánh, kiến nghị tiếp nhận từ {stats.start:%d/%m/%Y} đến {stats.end:%d/%m/%Y}"])
        sheet.append([first, *head])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in [*rows, stats.total]:
            sheet.append([row.label, row.received, row.handled, row.handled_percent, row.on_time, row.on_time_percent,
                          row.overdue, None if row.median is None else round(row.median, 1),
                          None if row.p90 is None else round(row.p90, 1)])
        sheet.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- reminders --------------------------------------------------------------------------------------


def remind(*, today: datetime.date | None = None, days_before: int = 2) -> tuple[int, int]:
    """Remind each unit of its unanswered items due within `days_before` days or overdue, once a day
    (in the app and by e-mail). Returns (items, notifications)."""
    from cchc.plans.notifications import notify_unit_people

    today = today or timezone.localdate()
    due = list(Feedback.objects.filter(status__in=OPEN_STATUSES, hidden=False,
                                       deadline__lte=today + datetime.timedelta(days=days_before))
               .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
               .only("pk", "unit_id", "deadline", "code"))
    if not due:
        return 0, 0
    by_unit: dict[int, list[Feedback]] = {}
    for item in due:
        by_unit.setdefault(item.unit_id, []).append(item)
    notes = 0
    link = reverse("feedback:staff_list")
    with transaction.atomic():
        for unit_id, items in by_unit.items():
            late = sum(1 for i in items if i.deadline < today)
            soon = len(items) - late
            parts = []
            if late:
                parts.append(f"{late} phản ánh quá hạn trả lời")
            if soon:
                first = min(i.deadline for i in items if i.deadline >= today)
                parts.append(f"{soon} phản ánh sắp đến hạn (sớm nhất {first:%d/%m/%Y})")
            notes += notify_unit_people([unit_id], text="Nhắc việc: " + ", ".join(parts) + ".", link=link,
                                        subject="[CCHC] Nhắc trả lời phản ánh, kiến nghị")
        Feedback.objects.filter(pk__in=[i.pk for i in due]).update(reminded_on=today)
    return len(due), notes
