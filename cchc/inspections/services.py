"""The inspection's work, shared by views, commands and the demo: build the plan (suggest, choose,
import the unit table of a signed plan), record the visit and its findings, issue the conclusion.

Every refusal is a ValidationError with a Vietnamese message, raised before anything is saved.
"""

from __future__ import annotations

import datetime
import io
import math
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cchc import records
from cchc.lib.text import fold, squeeze
from cchc.orgs.models import Unit, UnitKind, active_units_q
from cchc.plans.models import Assignment, AssignmentRole, Plan, PlanKind, PlanStatus, Task, TimeframeKind

from . import checklist
from .models import REMEDY_SOURCE, Finding, InspectionPlan, Target, Team, Visit

MIN_SHARE = 20  # % of each group of units a yearly plan inspects (PAR 1.3.1; department/commune sets: their offices)
LOCAL_KINDS = (UnitKind.COMMUNE, UnitKind.WARD)
GROUP_LABELS = {"department": "Sở, ban, ngành", "commune": "UBND cấp xã", "office": "Phòng, đơn vị trực thuộc"}


def _dmy(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def group_of(unit: Unit) -> str:
    if unit.kind == UnitKind.DEPARTMENT:
        return "department"
    if unit.kind in LOCAL_KINDS:
        return "commune"
    return "office"


def in_force_day(year: int) -> datetime.date:
    """The day a year's units are taken on: today within the year, else its last day (or its first, ahead)."""
    return min(datetime.date(year, 12, 31), max(datetime.date(year, 1, 1), timezone.localdate()))


def candidates(inspector: Unit, on: datetime.date | None = None) -> list[Unit]:
    """Who a unit inspects: the province its departments and communes; a department or commune its
    own offices and units (its children in force)."""
    qs = Unit.objects.filter(active_units_q(on), parent=inspector)
    if inspector.kind == UnitKind.PROVINCE:
        qs = qs.filter(kind__in=[UnitKind.DEPARTMENT, *LOCAL_KINDS])
    return list(qs.order_by("kind", "name"))


# --- the plan -------------------------------------------------------------------------------------


@transaction.atomic
def create_plan(*, unit: Unit, year: int, title: str = "", number: str = "", issued_on: datetime.date | None = None,
                areas: list[str] | None = None, user=None) -> InspectionPlan:
    known = set(checklist.area_names())
    areas = [a for a in (areas or sorted(known)) if a]
    bad = [a for a in areas if a not in known]
    if bad:
        raise ValidationError(f"Nội dung kiểm tra không có trong danh mục: {', '.join(bad)}.")
    if not 2000 <= year <= 2100:
        raise ValidationError("Năm kế hoạch không hợp lệ.")
    title = squeeze(title) or f"Kiểm tra công tác cải cách hành chính năm {year}"
    plan = Plan.objects.create(
        unit=unit, kind=PlanKind.INSPECTION, status=PlanStatus.ISSUED if issued_on else PlanStatus.DRAFT,
        title=title[:500], number=squeeze(number), symbol="KH", issued_on=issued_on, issuer_name=unit.name,
        period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31), period_label=f"Năm {year}",
        place=_place(unit), created_by=user,
    )
    return InspectionPlan.objects.create(plan=plan, unit=unit, year=year, areas=areas, created_by=user)


def _place(unit: Unit) -> str:
    province = next((u for u in _ancestors(unit) if u.kind == UnitKind.PROVINCE), None)
    name = (province or unit).name
    return re.sub(r"^(ủy ban nhân dân|ubnd)\s+(tỉnh|thành phố)\s+", "", name, flags=re.I)


def _ancestors(unit: Unit) -> list[Unit]:
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    found = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


@dataclass
class Candidate:
    unit: Unit
    group: str
    inspected_last_year: bool
    par_index: float | None  # last year's PAR Index (%), when published
    overdue: int  # open tasks past due, 01/01 of last year to today
    score: float
    chosen: bool = False


SUGGESTION_RULE = (
    "Điểm ưu tiên = 3 nếu năm trước chưa được kiểm tra + 2 × (1 − Chỉ số CCHC năm trước/100) (chưa có chỉ số: 1) "
    "+ số nhiệm vụ quá hạn chưa hoàn thành/5 (tối đa 2). Hệ thống chọn sẵn các đơn vị điểm cao nhất, đủ 20% mỗi nhóm; "
    "người lập kế hoạch quyết định."
)


def suggest(inspector: Unit, year: int) -> list[Candidate]:
    """Every unit the inspector may inspect, ranked by the rule shown (SUGGESTION_RULE), the top 20% of
    each group pre-chosen. A fixed number of queries whatever the number of units."""
    from cchc.scoring.models import Scorecard

    units = candidates(inspector, in_force_day(year))
    ids = [u.pk for u in units]
    last_year = set(
        Target.objects.filter(inspection__unit=inspector, inspection__year=year - 1, unit_id__in=ids, visit__isnull=False)
        .values_list("unit_id", flat=True)
    )
    par = {}
    for unit_id, index in (Scorecard.objects.filter(round__year=year - 1, unit_id__in=ids, index__isnull=False)
                           .order_by("round__created_at").values_list("unit_id", "index")):
        par[unit_id] = float(index)
    today = timezone.localdate()
    overdue = records.counts_by_unit("tasks", datetime.date(year - 1, 1, 1), today, {"measure": "overdue"}, ids)
    rows = []
    for unit in units:
        index = par.get(unit.pk)
        late = overdue.get(unit.pk, 0)
        score = (0 if unit.pk in last_year else 3) + (1 if index is None else 2 * (1 - index / 100)) + min(late / 5, 2)
        rows.append(Candidate(unit, group_of(unit), unit.pk in last_year, index, late, round(score, 2)))
    rows.sort(key=lambda r: (r.group, -r.score, r.unit.name))
    for group in {r.group for r in rows}:
        members = [r for r in rows if r.group == group]
        for r in members[:minimum(len(members))]:
            r.chosen = True
    return rows


def minimum(total: int) -> int:
    return math.ceil(total * MIN_SHARE / 100)


@transaction.atomic
def choose_targets(inspection: InspectionPlan, unit_ids: list[int], *, user=None) -> list[Target]:
    """The plan's units, as the person chose them: each one the inspector may inspect, at least 20%
    of each group. Replaces the chosen (not imported, not visited) targets."""
    allowed = {u.pk: u for u in candidates(inspection.unit, in_force_day(inspection.year))}
    unit_ids = list(dict.fromkeys(int(i) for i in unit_ids))
    outside = [i for i in unit_ids if i not in allowed]
    if outside:
        names = ", ".join(Unit.objects.filter(pk__in=outside).values_list("name", flat=True)) or "không rõ"
        raise ValidationError(f"Đơn vị không thuộc phạm vi kiểm tra của {inspection.unit.display_name}: {names}. Chưa lưu gì.")
    kept = {t.unit_id for t in inspection.targets.filter(unit__isnull=False).filter(Q(visit__isnull=False) | ~Q(name_text=""))}
    chosen = set(unit_ids) | kept
    problems = []
    for group in ("department", "commune", "office"):
        members = [u for u in allowed.values() if group_of(u) == group]
        if not members:
            continue
        picked = sum(1 for u in members if u.pk in chosen)
        if picked < minimum(len(members)):
            problems.append(f"{GROUP_LABELS[group]}: mới chọn {picked}/{len(members)}, cần ít nhất {minimum(len(members))} "
                            f"({MIN_SHARE}%)")
    if problems:
        raise ValidationError("Kế hoạch kiểm tra phải gồm ít nhất 20% mỗi nhóm đơn vị — " + "; ".join(problems) + ". Chưa lưu gì.")
    inspection.targets.filter(unit__isnull=False, visit__isnull=True, name_text="").exclude(unit_id__in=chosen).delete()
    existing = set(inspection.targets.filter(unit__isnull=False).values_list("unit_id", flat=True))
    order = inspection.targets.count()
    made = []
    for pk in unit_ids:
        if pk in existing:
            continue
        order += 1
        made.append(Target.objects.create(inspection=inspection, unit=allowed[pk], order=order, areas=inspection.areas,
                                          reason="Chọn theo đề xuất của hệ thống"))
    return made


def update_target(target: Target, *, start: datetime.date | None, end: datetime.date | None, team: Team | None,
                  areas: list[str]) -> Target:
    if start and end and start > end:
        raise ValidationError("Ngày bắt đầu kiểm tra phải trước ngày kết thúc.")
    if team is not None and team.inspection_id != target.inspection_id:
        raise ValidationError("Đoàn kiểm tra không thuộc kế hoạch này.")
    bad = [a for a in areas if a not in checklist.area_names()]
    if bad:
        raise ValidationError(f"Nội dung kiểm tra không có trong danh mục: {', '.join(bad)}.")
    target.start, target.end, target.team, target.areas = start, end, team, areas
    if start or end:
        target.timeframe_text = f"{_dmy(start)} – {_dmy(end)}".strip(" –")
    target.save()
    return target


def add_team(inspection: InspectionPlan, *, name: str, leader: str = "", members: str = "") -> Team:
    name = squeeze(name)
    if not name:
        raise ValidationError("Cần tên đoàn kiểm tra.")
    return Team.objects.create(inspection=inspection, name=name[:200], leader=squeeze(leader)[:200], members=members.strip())


# --- importing the unit table of a signed plan ------------------------------------------------------

_ROMAN = re.compile(r"^[IVX]+\.?$")


@dataclass
class ReadRow:
    number: str
    group: str  # the heading row above it ("Cơ quan chuyên môn cấp tỉnh", "Ủy ban nhân dân cấp xã")
    name: str
    timeframe: str


@dataclass
class ImportResult:
    issuer: str
    issuer_unit: Unit | None
    rows: list[ReadRow] = field(default_factory=list)
    resolved: list[Target] = field(default_factory=list)
    unknown: list[Target] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_unit_table(data: bytes) -> tuple[str, list[ReadRow]]:
    """The issuer (the header's left cell) and the rows of the table "STT | Đơn vị được kiểm tra |
    Thời gian kiểm tra" of a DOCX plan (Phụ lục), group heading rows (I, II…) kept as the rows' group."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a file that is not a DOCX
        raise ValidationError("Không đọc được tệp: cần tệp Word .docx của kế hoạch kiểm tra.") from exc
    issuer = ""
    if document.tables and document.tables[0].rows:
        issuer = squeeze(document.tables[0].rows[0].cells[0].text.replace("\n", " "))
    rows: list[ReadRow] = []
    for table in document.tables:
        header = [fold(c.text) for c in table.rows[0].cells] if table.rows else []
        try:
            name_col = next(i for i, h in enumerate(header) if "duoc kiem tra" in h or h.startswith("don vi"))
        except StopIteration:
            continue
        time_col = next((i for i, h in enumerate(header) if "thoi gian" in h), None)
        group = ""
        for row in table.rows[1:]:
            cells = [squeeze(c.text.replace("\n", " ")) for c in row.cells]
            number, name = cells[0], cells[name_col]
            if _ROMAN.match(number) or (not number and name):
                group = name
                continue
            if not name:
                continue
            rows.append(ReadRow(number, group, name, cells[time_col] if time_col is not None else ""))
    if not rows:
        raise ValidationError("Không tìm thấy bảng “STT | Đơn vị được kiểm tra | Thời gian kiểm tra” trong tệp.")
    return issuer, rows


def _window(text: str, year: int) -> tuple[datetime.date | None, datetime.date | None]:
    from cchc.plans.timeframes import parse_timeframe

    frame = parse_timeframe(text, period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31))
    end = frame.due_dates[-1] if frame.due_dates else None
    months = re.findall(r"thang\s+(\d{1,2})", fold(text))
    start = datetime.date(end.year if end else year, int(months[0]), 1) if months and 1 <= int(months[0]) <= 12 else None
    if start and end and start > end:
        start = None
    return start, end


def _one_unit(units: list[Unit]) -> Unit | None:
    """The unit a row names: the only one, or the one all the others sit under ("Sở X (Văn phòng Y)")."""
    distinct = list({u.pk: u for u in units}.values())
    if len(distinct) == 1:
        return distinct[0]
    top = min(distinct, key=lambda u: u.depth)
    return top if all(u.path.startswith(top.path) for u in distinct) else None


@transaction.atomic
def import_unit_table(inspection: InspectionPlan, data: bytes, filename: str, *, user=None) -> ImportResult:
    """Add the imported plan's units as targets. A name resolves through the one resolver
    (`cchc.orgs.resolver`); a plan of an issuer not in our tree (another province) resolves only
    the names a person mapped — nothing is guessed — and every name not resolved is kept as a
    target without a unit, listed as unknown."""
    from cchc.orgs.resolver import TaughtNamesResolver, UnitResolver
    from cchc.plans.reader import _names_a_locality

    issuer_text, rows = read_unit_table(data)
    result = ImportResult(issuer_text, None, rows)
    probe = UnitResolver().resolve(issuer_text) if issuer_text else None
    if probe is not None and probe.ok and probe.units:
        result.issuer_unit = max(probe.units, key=lambda u: u.depth)
    if result.issuer_unit is None and issuer_text and _names_a_locality(issuer_text):
        resolver = TaughtNamesResolver()
        result.warnings.append(f"Cơ quan ban hành “{issuer_text}” không có trong cây đơn vị: tên các đơn vị trong văn bản "
                               "được báo là chưa nhận diện, không được đoán.")
    else:
        resolver = UnitResolver(context=result.issuer_unit or inspection.unit)
        if result.issuer_unit is not None and result.issuer_unit.pk != inspection.unit_id:
            result.warnings.append(f"Văn bản do {result.issuer_unit.name} ban hành, không phải {inspection.unit.name}.")
    inspector = inspection.unit
    existing = set(inspection.targets.filter(unit__isnull=False).values_list("unit_id", flat=True))
    order = inspection.targets.count()
    for row in rows:
        start, end = _window(row.timeframe, inspection.year)
        res = resolver.resolve(row.name)
        unit = _one_unit(res.units) if res.units and not res.groups and not res.unresolved and not res.ambiguous else None
        note = ""
        if unit is None:
            if res.ambiguous:
                note = "Tên ứng với nhiều đơn vị: " + ", ".join(c.name for a in res.ambiguous for c in a.candidates[:4])
            elif res.unresolved or not res.units:
                note = "Không có đơn vị nào mang tên này trong cây đơn vị"
            else:
                note = "Tên ứng với nhiều đơn vị khác nhau"
        elif not unit.path.startswith(inspector.path) or unit.pk == inspector.pk:
            note = f"{unit.name} không thuộc phạm vi kiểm tra của {inspector.display_name}"
            unit = None
        elif unit.pk in existing:
            result.warnings.append(f"{unit.name} đã có trong kế hoạch (dòng {row.number}).")
            continue
        order += 1
        target = Target.objects.create(
            inspection=inspection, unit=unit, name_text=row.name[:300], unresolved_note=note[:300],
            timeframe_text=row.timeframe[:120], start=start, end=end, areas=inspection.areas, order=order,
            reason=f"Nhập từ {filename}"[:300],
        )
        if unit is not None:
            existing.add(unit.pk)
            result.resolved.append(target)
        else:
            result.unknown.append(target)
    inspection.source_name = filename[:255]
    inspection.save(update_fields=["source_name"])
    return result


def resolve_target(target: Target, unit: Unit) -> Target:
    """A person says which unit an unknown name of the imported plan is."""
    inspector = target.inspection.unit
    if not unit.path.startswith(inspector.path) or unit.pk == inspector.pk:
        raise ValidationError(f"{unit.name} không thuộc phạm vi kiểm tra của {inspector.display_name}. Chưa lưu gì.")
    if target.inspection.targets.filter(unit=unit).exclude(pk=target.pk).exists():
        raise ValidationError(f"{unit.name} đã có trong kế hoạch. Chưa lưu gì.")
    target.unit, target.unresolved_note = unit, ""
    target.save(update_fields=["unit", "unresolved_note"])
    return target


# --- the visit and its findings ---------------------------------------------------------------------


def record_visit(target: Target, *, date: datetime.date, members: str = "", summary: str = "",
                 checklist_results: dict | None = None, user=None) -> Visit:
    if target.unit_id is None:
        raise ValidationError(f"“{target.name_text}” chưa là đơn vị trong cây đơn vị: hãy xác định đơn vị trước khi ghi "
                              "kết quả kiểm tra. Chưa lưu gì.")
    if date is None:
        raise ValidationError("Cần ngày kiểm tra.")
    if date.year != target.inspection.year:
        raise ValidationError(f"Ngày kiểm tra {_dmy(date)} không thuộc năm {target.inspection.year} của kế hoạch. Chưa lưu gì.")
    known = {i["code"] for i in checklist.items_of()}
    results = {k: v for k, v in (checklist_results or {}).items() if v}
    bad = [k for k, v in results.items() if k not in known or v not in checklist.RESULTS]
    if bad:
        raise ValidationError(f"Mục kiểm tra không hợp lệ: {', '.join(bad)}.")
    visit = Visit.objects.filter(target=target).first()
    if visit is None:
        visit = Visit(target=target, recorded_by=user)
    if visit.pk and visit.findings.filter(due_date__lt=date).exists():
        raise ValidationError("Đã có yêu cầu khắc phục hạn trước ngày kiểm tra mới. Chưa lưu gì.")
    visit.date, visit.members, visit.summary, visit.checklist = date, members.strip(), summary.strip(), results
    visit.save()
    return visit


def unit_in_plan(inspection: InspectionPlan, unit: Unit) -> bool:
    """A unit the plan inspects, or one inside such a unit (an office of an inspected commune)."""
    paths = Unit.objects.filter(inspection_targets__inspection=inspection).values_list("path", flat=True)
    return any(unit.path.startswith(p) for p in paths)


@transaction.atomic
def add_finding(visit: Visit, *, unit: Unit | None, text: str, remedy: str, due_date: datetime.date | None,
                area: str = "", user=None) -> Finding:
    """A shortcoming found at the visit, and its remedy as a task of the inspected unit."""
    text, remedy = text.strip(), remedy.strip()
    inspection = visit.target.inspection
    if unit is None:
        raise ValidationError("Mỗi vấn đề phát hiện phải gắn với một đơn vị được kiểm tra. Chưa lưu gì.")
    if not unit_in_plan(inspection, unit):
        raise ValidationError(f"{unit.name} không có trong kế hoạch kiểm tra này. Chưa lưu gì.")
    if not unit.path.startswith(visit.target.unit.path):
        raise ValidationError(f"{unit.name} không phải đơn vị của cuộc kiểm tra tại {visit.target.unit.name}. Chưa lưu gì.")
    if not text:
        raise ValidationError("Cần nội dung tồn tại, hạn chế. Chưa lưu gì.")
    if not remedy:
        raise ValidationError("Cần yêu cầu khắc phục. Chưa lưu gì.")
    if due_date is None:
        raise ValidationError("Cần hạn khắc phục. Chưa lưu gì.")
    if due_date < visit.date:
        raise ValidationError(f"Hạn khắc phục {_dmy(due_date)} trước ngày kiểm tra {_dmy(visit.date)}. Chưa lưu gì.")
    if area and area not in checklist.area_names():
        raise ValidationError("Lĩnh vực không có trong danh mục kiểm tra. Chưa lưu gì.")
    plan = inspection.plan
    n = Task.objects.filter(plan=plan, source=REMEDY_SOURCE).count() + 1
    task = Task.objects.create(
        plan=plan, group_code="KT", group_title="Khắc phục tồn tại, hạn chế sau kiểm tra", number=str(n),
        title=f"Khắc phục: {text}"[:2000], deliverable=remedy, lead_text=unit.name[:500],
        timeframe_text=f"Trước ngày {_dmy(due_date)}", timeframe_kind=TimeframeKind.DEADLINE,
        due_dates=[due_date.isoformat()], source=REMEDY_SOURCE, order=1000 + n,
        monitor_text=inspection.unit.name[:500],
    )
    assignment = Assignment.objects.create(task=task, unit=unit, role=AssignmentRole.LEAD, due_date=due_date)
    return Finding.objects.create(visit=visit, unit=unit, area=area, text=text, remedy=remedy, due_date=due_date,
                                  assignment=assignment)


# --- the conclusion (Thông báo kết luận kiểm tra) ----------------------------------------------------


def conclusion_document(visit: Visit):
    from cchc.documents.official import Heading, OfficialDocument, Para, Signature

    target = visit.target
    inspection = target.inspection
    inspector, unit = inspection.unit, target.unit
    findings = list(visit.findings.select_related("unit").order_by("pk"))
    names = checklist.area_names()
    plan = inspection.plan
    plan_ref = f"Kế hoạch số {plan.number}" if plan.number else "Kế hoạch kiểm tra công tác cải cách hành chính"
    if plan.issued_on:
        plan_ref += f" ngày {_dmy(plan.issued_on)}"
    body = [Para(
        f"Thực hiện {plan_ref} của {inspector.name} về kiểm tra công tác cải cách hành chính năm {inspection.year}, "
        f"ngày {_dmy(visit.date)}, Đoàn kiểm tra đã kiểm tra công tác cải cách hành chính tại {unit.name}. "
        f"{inspector.name} thông báo kết luận kiểm tra như sau:"
    )]
    if visit.members:
        body.append(Para(f"Thành phần Đoàn kiểm tra: {squeeze(visit.members)}."))
    body.append(Heading("I. KẾT QUẢ ĐẠT ĐƯỢC", level=1))
    body.append(Para(visit.summary or "Đơn vị đã triển khai các nhiệm vụ cải cách hành chính theo kế hoạch."))
    passed = [i for i in checklist.items_of(target.areas or inspection.areas) if visit.checklist.get(i["code"]) == "dat"]
    for item in passed:
        body.append(Para(f"- {item['text']}: đạt yêu cầu."))
    body.append(Heading("II. TỒN TẠI, HẠN CHẾ", level=1))
    if not findings:
        body.append(Para("Qua kiểm tra, không phát hiện tồn tại, hạn chế."))
    for i, f in enumerate(findings, 1):
        where = f" ({names[f.area]})" if f.area in names else ""
        body.append(Para(f"{i}. {f.text}{where}."))
    body.append(Heading("III. YÊU CẦU KHẮC PHỤC", level=1))
    for i, f in enumerate(findings, 1):
        body.append(Para(f"{i}. {f.unit.name}: {f.remedy}; hoàn thành trước ngày {_dmy(f.due_date)}."))
    body.append(Para(
        f"{unit.name} báo cáo kết quả khắc phục kèm minh chứng về {inspector.name} (qua hệ thống theo dõi nhiệm vụ "
        "cải cách hành chính) đúng thời hạn nêu trên."
    ))
    lines = [line.strip() for line in visit.signer_title.splitlines() if line.strip()]
    authority = next((x for x in lines if x.upper().startswith("TM")), "")
    deputy = next((x for x in lines if x.upper().startswith(("KT", "TL", "TUQ"))), "")
    rest = " ".join(x for x in lines if x not in (authority, deputy))
    if not lines:
        authority, rest = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH") if inspector.kind in (UnitKind.PROVINCE, *LOCAL_KINDS) else ("", "GIÁM ĐỐC")
    parent_body = ""
    if inspector.kind not in (UnitKind.PROVINCE, *LOCAL_KINDS) and inspector.parent is not None:
        parent_body = (inspector.parent.short_name or inspector.parent.name).upper()
    symbol = "TB-UBND" if inspector.kind in (UnitKind.PROVINCE, *LOCAL_KINDS) else "TB-" + _initials(inspector)
    return OfficialDocument(
        parent_body=parent_body, issuer=inspector.name.upper(), number=visit.conclusion_number or None, symbol=symbol,
        place=plan.place or _place(inspector), date=visit.conclusion_date, year=inspection.year,
        doc_type="THÔNG BÁO", title=f"Kết luận kiểm tra công tác cải cách hành chính năm {inspection.year} tại {unit.name}",
        body=body, recipients=[unit.name, "Lãnh đạo " + inspector.display_name, "Lưu: VT"],
        signature=Signature(authority=authority, deputy=deputy, title=rest, name=visit.signer_name),
    )


def _initials(unit: Unit) -> str:
    from cchc.lib.text import strip_accents

    words = [w for w in strip_accents(unit.name).replace("Đ", "D").split() if w[:1].isupper()]
    return "".join(w[0] for w in words)[:6] or "KT"


def conclusion_docx(visit: Visit) -> bytes:
    from cchc.documents.official import render_docx

    return render_docx(conclusion_document(visit))


def issue_conclusion(visit: Visit, *, number: str, date: datetime.date | None, signer_name: str, signer_title: str) -> Visit:
    if date is not None and date < visit.date:
        raise ValidationError(f"Ngày thông báo kết luận {_dmy(date)} trước ngày kiểm tra {_dmy(visit.date)}. Chưa lưu gì.")
    visit.conclusion_number, visit.conclusion_date = squeeze(number)[:40], date
    visit.signer_name, visit.signer_title = squeeze(signer_name)[:120], signer_title.strip()[:200]
    visit.save(update_fields=["conclusion_number", "conclusion_date", "signer_name", "signer_title"])
    return visit
