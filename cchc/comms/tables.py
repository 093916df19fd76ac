"""XLSX import and export of activities: the same columns both ways, keyed by a stable reference.

Import is all or nothing: every row is checked first and nothing is saved while one row is wrong;
each problem names its row in Vietnamese. A row is keyed by its unit and its "Mã tham chiếu" (or,
when that cell is empty, by a fingerprint of unit, date, channel and content), so importing the same
file twice changes nothing, and an exported file edited and imported again updates in place.
"""

from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from cchc import policy
from cchc.documents.tables import TableError, parse_date, read_table
from cchc.lib.text import fold, squeeze
from cchc.orgs.models import Unit
from cchc.plans.models import Topic

from . import services
from .models import CHANNEL_SHORT, Activity, Audience, ChannelKind

COL_REF = "Mã tham chiếu"
COL_UNIT = "Mã đơn vị"
COL_UNIT_NAME = "Tên đơn vị"
COL_DATE = "Ngày thực hiện (dd/mm/yyyy)"
COL_CHANNEL = "Hình thức"
COL_TITLE = "Nội dung hoạt động"
COL_TOPICS = "Nội dung tuyên truyền (mục kế hoạch)"
COL_AUDIENCE = "Đối tượng"
COL_QUANTITY = "Số lượng"
COL_REACH = "Người tham dự / lượt xem"
COL_LINK = "Đường dẫn"
COL_NEW = "Hình thức mới, sáng tạo"
COL_NOTE = "Ghi chú"
HEADER = [COL_REF, COL_UNIT, COL_UNIT_NAME, COL_DATE, COL_CHANNEL, COL_TITLE, COL_TOPICS, COL_AUDIENCE,
          COL_QUANTITY, COL_REACH, COL_LINK, COL_NEW, COL_NOTE]
REQUIRED = [COL_DATE, COL_CHANNEL, COL_TITLE]
MAX_ROWS = 5000

_CHANNELS = {}
for _c in ChannelKind:
    for _name in (_c.value, _c.label, CHANNEL_SHORT[_c.value]):
        _CHANNELS[fold(_name)] = _c.value
_AUDIENCE_WORDS = [("can bo", Audience.OFFICIALS), ("cong chuc", Audience.OFFICIALS), ("vien chuc", Audience.OFFICIALS),
                   ("nguoi dan", Audience.CITIZENS), ("cong dan", Audience.CITIZENS), ("nhan dan", Audience.CITIZENS),
                   ("doanh nghiep", Audience.BUSINESSES), ("moi doi tuong", "all"), ("tat ca", "all")]
_YES = {"x", "co", "1", "yes", "true", "dung"}


def channel_from_text(text: str) -> str | None:
    return _CHANNELS.get(fold(text))


def audience_from_text(text: str) -> set[str]:
    folded = fold(text)
    found = {a for word, a in _AUDIENCE_WORDS if word in folded}
    if "all" in found:
        return {a.value for a in Audience}
    return {str(a) for a in found}


def topic_ref(topic: Topic) -> str:
    return f"{topic.plan.unit.code}:{topic.code}"


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class _TopicResolver:
    """'a, c' (the nearest plan: the unit's own, else the parent's) or '37:a; 13531:b' (the plan of that
    unit's code) → topics allowed for the unit; the plan in force on the activity's date wins."""

    def __init__(self):
        self._cache: dict[int, list[Topic]] = {}

    def allowed(self, unit: Unit) -> list[Topic]:
        if unit.pk not in self._cache:
            self._cache[unit.pk] = list(services.allowed_topics(unit))
        return self._cache[unit.pk]

    def resolve(self, unit: Unit, text: str, day: datetime.date | None) -> tuple[list[Topic], list[str]]:
        topics, problems = [], []
        allowed = self.allowed(unit)
        for part in [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]:
            code_unit, _, code = part.rpartition(":")
            code = code.strip().rstrip(")").strip().lower()
            candidates = [t for t in allowed if t.code.lower() == code
                          and (not code_unit or t.plan.unit.code == code_unit.strip())]
            if not code_unit and candidates:
                depth = max(t.plan.unit.depth for t in candidates)  # the nearest plan
                candidates = [t for t in candidates if t.plan.unit.depth == depth]
            in_force = [t for t in candidates if day and t.plan.period_start and t.plan.period_end
                        and t.plan.period_start <= day <= t.plan.period_end]
            chosen = (in_force or candidates)[:1]
            if not chosen:
                problems.append(f"nội dung “{part}” không có trong kế hoạch tuyên truyền của đơn vị hoặc cấp trên")
            topics.extend(chosen)
        return list(dict.fromkeys(topics)), problems


def _int(text: str, label: str, minimum: int, errors: list[str]) -> int | None:
    text = squeeze(text).replace(".", "").replace(",", "").replace(" ", "")
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        errors.append(f"{label} “{text}” không phải số nguyên")
        return None
    if value < minimum:
        errors.append(f"{label} không được nhỏ hơn {minimum} (đang là {value})")
        return None
    return value


def fingerprint(unit: Unit, day: datetime.date, channel: str, title: str) -> str:
    digest = hashlib.sha1(f"{unit.code}|{day.isoformat()}|{channel}|{fold(title)}".encode()).hexdigest()
    return f"xlsx:{digest[:20]}"


def import_activities(data: bytes, filename: str, *, user, default_unit: Unit | None) -> ImportResult:
    """Read an XLSX of activities and save every row, or none when a row is wrong."""
    result = ImportResult()
    if not filename.lower().endswith(".xlsx"):
        result.errors.append("Chỉ nhận tệp Excel .xlsx theo mẫu.")
        return result
    try:
        rows = read_table(data, filename)
    except TableError as exc:
        result.errors.append(str(exc))
        return result
    if not rows:
        result.errors.append("Tệp chỉ có dòng tiêu đề, không có hoạt động nào.")
        return result
    missing = [c for c in REQUIRED if c not in rows[0]]
    if missing:
        result.errors.append("Thiếu cột: " + ", ".join(f"“{c}”" for c in missing) + ". Hãy dùng tệp mẫu.")
        return result
    if len(rows) > MAX_ROWS:
        result.errors.append(f"Tệp có {len(rows)} dòng, quá {MAX_ROWS} dòng một lần nhập: hãy chia nhỏ.")
        return result
    codes = {squeeze(r.get(COL_UNIT, "")) for r in rows} - {""}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    topics = _TopicResolver()
    planned: list[tuple[int, Activity, list[Topic]]] = []
    seen: dict[tuple[int, str], int] = {}
    for number, row in enumerate(rows, start=2):
        problems: list[str] = []
        code = squeeze(row.get(COL_UNIT, ""))
        unit = units.get(code) if code else default_unit
        if code and unit is None:
            problems.append(f"không có đơn vị mã “{code}”")
        elif unit is None:
            problems.append("hãy ghi “Mã đơn vị” (bạn phụ trách nhiều đơn vị)")
        elif not policy.can_view_unit(user, unit):
            problems.append(f"không có đơn vị mã “{code}”")
            unit = None
        elif not policy.can_record_activity(user, unit):
            problems.append(f"bạn không được ghi nhận hoạt động cho {unit.display_name}")
            unit = None
        raw_date, day = squeeze(row.get(COL_DATE, "")), None
        if not raw_date:
            problems.append("thiếu ngày thực hiện")
        else:
            try:
                day = parse_date(raw_date)
                services.check_date(day)
            except ValueError:
                problems.append(f"ngày “{raw_date}” không có thật hoặc sai định dạng (dd/mm/yyyy)")
                day = None
            except ValidationError as exc:
                problems.append(" ".join(exc.messages).rstrip("."))
                day = None
        channel_text = squeeze(row.get(COL_CHANNEL, ""))
        channel = channel_from_text(channel_text)
        if not channel_text:
            problems.append("thiếu hình thức")
        elif channel is None:
            problems.append(f"hình thức “{channel_text}” không có trong danh mục (xem trang Hướng dẫn của tệp mẫu)")
        title = squeeze(row.get(COL_TITLE, ""))[:300]
        if not title:
            problems.append("thiếu nội dung hoạt động")
        quantity = _int(row.get(COL_QUANTITY, ""), "Số lượng", 1, problems)
        reach = _int(row.get(COL_REACH, ""), "Số người tham dự / lượt xem", 0, problems)
        link = squeeze(row.get(COL_LINK, ""))
        if link and not link.lower().startswith(("http://", "https://")):
            problems.append(f"đường dẫn “{link[:60]}” phải bắt đầu bằng http:// hoặc https://")
        chosen: list[Topic] = []
        if unit is not None and squeeze(row.get(COL_TOPICS, "")):
            chosen, topic_problems = topics.resolve(unit, row.get(COL_TOPICS, ""), day)
            problems.extend(topic_problems)
        if problems:
            result.errors.append(f"Dòng {number}: " + "; ".join(problems) + ".")
            continue
        ref = squeeze(row.get(COL_REF, ""))[:120] or fingerprint(unit, day, channel, title)
        if (unit.pk, ref) in seen:
            result.errors.append(f"Dòng {number}: mã tham chiếu “{ref}” trùng với dòng {seen[(unit.pk, ref)]}.")
            continue
        seen[(unit.pk, ref)] = number
        audience = audience_from_text(row.get(COL_AUDIENCE, ""))
        activity = Activity(
            unit=unit, date=day, channel=channel, title=title, quantity=quantity or 1, reach=reach, link=link,
            innovative=fold(row.get(COL_NEW, "")) in _YES, note=squeeze(row.get(COL_NOTE, "")), source_key=ref,
            for_officials=Audience.OFFICIALS in audience, for_citizens=Audience.CITIZENS in audience,
            for_businesses=Audience.BUSINESSES in audience,
        )
        planned.append((number, activity, chosen))
    if result.errors:
        return result
    _save(planned, user, result)
    return result


_COMPARED = ["date", "channel", "title", "quantity", "reach", "link", "innovative", "note",
             "for_officials", "for_citizens", "for_businesses"]


@transaction.atomic
def _save(planned, user, result: ImportResult) -> None:
    keys = [a.source_key for _, a, _ in planned]
    # "hd:<id>" is how the export names an activity recorded without a reference.
    ids = [int(k[3:]) for k in keys if k.startswith("hd:") and k[3:].isdigit()]
    existing = {}
    for a in Activity.objects.filter(Q(source_key__in=keys) | Q(pk__in=ids)).prefetch_related("topics"):
        existing[(a.unit_id, a.source_key or f"hd:{a.pk}")] = a
    for _, activity, topics in planned:
        found = existing.get((activity.unit_id, activity.source_key))
        if found is None:
            activity.created_by = user
            activity.save()
            activity.topics.set(topics)
            result.created += 1
            continue
        changed = [f for f in _COMPARED if getattr(found, f) != getattr(activity, f)]
        same_topics = {t.pk for t in found.topics.all()} == {t.pk for t in topics}
        if not changed and same_topics:
            result.unchanged += 1
            continue
        for f in changed:
            setattr(found, f, getattr(activity, f))
        if changed:
            found.save()
        if not same_topics:
            found.topics.set(topics)
        result.updated += 1


def export_rows(activities) -> list[list[object]]:
    """Rows in the import's columns for these activities (two queries whatever their number)."""
    rows = []
    qs = activities.select_related("unit").prefetch_related("topics__plan__unit").order_by("date", "pk")
    for a in qs:
        rows.append([
            a.source_key or f"hd:{a.pk}", a.unit.code, a.unit.display_name, a.date.strftime("%d/%m/%Y"),
            a.get_channel_display(), a.title, "; ".join(topic_ref(t) for t in a.topics.all()),
            "; ".join(a.audience_labels), a.quantity, a.reach if a.reach is not None else "", a.link,
            "x" if a.innovative else "", a.note,
        ])
    return rows


def template_xlsx(unit: Unit | None) -> bytes:
    """The blank import file: the header row, and a second sheet listing channels and topics."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Hoạt động"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for letter, width in zip("ABCDEFGHIJKLM", [18, 12, 24, 14, 24, 48, 20, 30, 10, 14, 30, 12, 30], strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("Hướng dẫn")
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["B"].width = 90
    lines = [
        ("Cách ghi", "Mỗi dòng của trang “Hoạt động” là một hoạt động. Ngày ghi dd/mm/yyyy, không ghi ngày tương lai."),
        ("Mã tham chiếu", "Mã riêng của dòng (ví dụ HD-2026-001). Nhập lại cùng tệp không tạo bản ghi trùng; để trống thì hệ thống tự tạo từ đơn vị, ngày, hình thức và nội dung."),
        ("Mã đơn vị", "Để trống nếu bạn chỉ phụ trách một đơn vị" + (f" (mặc định: {unit.code} — {unit.display_name})." if unit else ".")),
        ("Nội dung tuyên truyền", "Các mục của kế hoạch, cách nhau bằng dấu phẩy: “a, c, g” (kế hoạch của đơn vị, nếu chưa có thì của cấp trên) hoặc “37:a” (kế hoạch của đơn vị mã 37)."),
        ("Đối tượng", "Cán bộ, công chức, viên chức; Người dân; Doanh nghiệp (ghi một hoặc nhiều, cách nhau bằng dấu chấm phẩy)."),
        ("Hình thức mới, sáng tạo", "Ghi “x” nếu là hình thức tuyên truyền mới, sáng tạo."),
        ("", ""),
        ("Hình thức (ghi đúng một trong các tên sau)", ""),
    ]
    lines += [(c.label, f"mã: {c.value}; tên ngắn: {CHANNEL_SHORT[c.value]}") for c in ChannelKind]
    if unit is not None:
        lines += [("", ""), ("Nội dung tuyên truyền của kế hoạch", "")]
        lines += [(topic_ref(t), f"{t.code}) {t.text}") for t in services.allowed_topics(unit)]
    for line in lines:
        guide.append(list(line))
    guide["A1"].font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
