"""Read an issued plan (its text and tables) into structure: the heart of "Plan in".

The reader works on the blocks `cchc.documents.reading.extract` returns (paragraphs and tables), so
DOCX, PDF, OCR and plain-text plans go through the same code. Everything is matched on text with
diacritics stripped (`strip_accents`, which keeps positions) because real inputs are OCR output
without diacritics, old-style tone placement ("Uỷ", "Hoà") and web copies.

Nothing here touches the database except through the unit resolver; the result is a `ParsedPlan`
that the preview shows and `services.plan_create_from_parsed` saves once a person confirms.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import asdict, dataclass, field

from cchc.documents.reading import ExtractedDocument, Paragraph, Table
from cchc.lib.diacritics import lacks_diacritics, restore
from cchc.lib.numbers import parse_vn_number
from cchc.lib.text import fold, squeeze, strip_accents
from cchc.orgs.resolver import Resolution, UnitResolver

from .appendix import flattened_appendix_rows, table_appendix_rows
from .timeframes import Timeframe, parse_timeframe


class NotAPlanError(ValueError):
    """The document is readable but is not a plan; the message says what it seems to be."""


# --- result -------------------------------------------------------------------------------------


@dataclass
class LegalRef:
    kind: str
    number: str
    date: datetime.date | None
    issuer: str
    text: str


@dataclass
class TargetClause:
    text: str
    comparator: str  # ">=", "<=", "=", "" (qualitative)
    value: float | None
    unit: str  # "%", "cuộc thi", "triệu đồng", "ngày" (a deadline: the date is in `due`) …
    scope: str
    due: datetime.date | None = None


@dataclass
class TargetItem:
    number: str
    text: str
    clauses: list[TargetClause]
    area: str = ""  # the reform area or part it belongs to ("Cải cách thể chế")

    @property
    def qualitative(self) -> bool:
        return not any(c.comparator for c in self.clauses)


@dataclass
class Item:
    code: str
    text: str


@dataclass
class Duty:
    unit_text: str
    resolution: Resolution
    items: list[str]


@dataclass
class TaskRow:
    group: str  # "I"
    group_title: str
    number: str  # "1", or "" for a sub-row
    title: str
    deliverable: str
    lead_text: str
    partners_text: str
    timeframe: Timeframe
    note: str = ""
    source: str = "appendix"  # "appendix", "table", "duty", "inline"
    lead: Resolution | None = None
    partners: Resolution | None = None
    monitor_text: str = ""  # "Theo dõi, kiểm tra, đôn đốc": who follows the task up
    monitor: Resolution | None = None
    funding: str = ""  # "Kinh phí" column


@dataclass
class Section:
    marker: str  # "I", "1", "a", "-"
    level: int
    title: str
    text: list[str] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    @property
    def body(self) -> str:
        return squeeze(" ".join([self.title, *self.text]))

    def to_json(self) -> dict:
        return {"marker": self.marker, "title": self.title, "text": " ".join(self.text),
                "children": [c.to_json() for c in self.children]}


@dataclass
class ParsedPlan:
    kind: str = "other"
    doc_type: str = ""
    wrapper: str = ""  # "decision" when the plan is the annex of a Quyết định that issues it
    title: str = ""
    issuer: str = ""
    parent_body: str = ""
    issuer_unit_code: str | None = None
    number: str | None = None
    symbol: str = ""
    place: str = ""
    date: datetime.date | None = None
    date_text: str = ""
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    period_label: str = ""
    implements: LegalRef | None = None
    legal_basis: list[LegalRef] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    audiences: list[str] = field(default_factory=list)
    topics: list[Item] = field(default_factory=list)
    channels: list[Item] = field(default_factory=list)
    solutions: list[str] = field(default_factory=list)
    funding: str = ""
    targets: list[TargetItem] = field(default_factory=list)
    duties: list[Duty] = field(default_factory=list)
    tasks: list[TaskRow] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer_name: str = ""
    signer_title: str = ""
    warnings: list[str] = field(default_factory=list)
    diacritics_restored: bool = False  # the text lacked its marks and was read restored
    original_title: str = ""  # the title as the file had it, when restored
    original_text: str = ""

    # --- problems a person must look at before saving -------------------------------------

    @property
    def unresolved(self) -> list[dict]:
        out: list[dict] = []
        for duty in self.duties:
            out += _problems(duty.resolution, f"Tổ chức thực hiện: {duty.unit_text}")
        for task in self.tasks:
            label = f"Nhiệm vụ {task.group}.{task.number or '…'}: {task.title[:60]}"
            for res in (task.lead, task.partners, task.monitor):
                if res is not None:
                    out += _problems(res, label)
            if task.timeframe.kind == "unparsed":
                out.append({"where": label, "kind": "timeframe", "text": task.timeframe.text,
                            "message": task.timeframe.error})
        return out

    def to_json(self) -> dict:
        def ref(r: LegalRef | None):
            return None if r is None else {**asdict(r), "date": _iso(r.date)}

        return {
            "kind": self.kind,
            "doc_type": self.doc_type,
            "wrapper": self.wrapper,
            "title": self.title,
            "issuer": self.issuer,
            "issuer_unit": self.issuer_unit_code,
            "parent_body": self.parent_body,
            "number": self.number,
            "symbol": self.symbol,
            "date": _iso(self.date),
            "place": self.place,
            "period": {"start": _iso(self.period_start), "end": _iso(self.period_end), "label": self.period_label},
            "implements": ref(self.implements),
            "legal_basis": [ref(r) for r in self.legal_basis],
            "objectives": self.objectives,
            "requirements": self.requirements,
            "audiences": self.audiences,
            "topics": [asdict(t) for t in self.topics],
            "channels": [asdict(c) for c in self.channels],
            "solutions": self.solutions,
            "funding": self.funding,
            # One entry per measurable clause (a sentence with two figures is two targets), and one
            # per qualitative target, each with the item and the area it belongs to.
            "targets": [
                {"number": t.number, "area": t.area, "item": t.text, "text": c.text if c else t.text,
                 "qualitative": c is None, "comparator": c.comparator if c else "",
                 "value": c.value if c else None, "unit": c.unit if c else "", "scope": c.scope if c else "",
                 "due": _iso(c.due) if c else None}
                for t in self.targets for c in (t.clauses or [None])
            ],
            "duties": [
                {"unit": d.unit_text, "unit_id": _codes(d.resolution), "items": d.items}
                for d in self.duties
            ],
            "tasks": [
                {"group": t.group, "group_title": t.group_title, "number": t.number, "title": t.title,
                 "deliverable": t.deliverable, "lead": t.lead_text, "lead_units": _codes(t.lead),
                 "partners": t.partners_text, "partner_units": _codes(t.partners),
                 "monitor": t.monitor_text, "monitor_units": _codes(t.monitor), "funding": t.funding,
                 "timeframe": t.timeframe.to_json(), "note": t.note, "source": t.source}
                for t in self.tasks
            ],
            "recipients": self.recipients,
            "signer": {"name": self.signer_name, "title": self.signer_title},
            "sections": [s.to_json() for s in self.sections],
            "unresolved": self.unresolved,
            "warnings": self.warnings,
            "diacritics_restored": self.diacritics_restored,
            "original_title": self.original_title,
        }


def _iso(d: datetime.date | None) -> str | None:
    return d.isoformat() if d else None


def _codes(res: Resolution | None) -> list[str]:
    if res is None:
        return []
    return [m.unit.code if m.unit else f"nhom:{m.group.code}" for m in res.matches]


def _problems(res: Resolution, where: str) -> list[dict]:
    out = [{"where": where, "kind": "unit", "text": t, "message": f"Không nhận diện được đơn vị “{t}”."}
           for t in res.unresolved]
    out += [{"where": where, "kind": "unit", "text": a.text,
             "message": f"“{a.text}” có thể là {len(a.candidates)} đơn vị khác nhau."} for a in res.ambiguous]
    return out


# --- patterns (on accent-stripped text) -------------------------------------------------------

_DOC_TYPES = ["KE HOACH", "BAO CAO", "TO TRINH", "QUYET DINH", "THONG BAO", "CONG VAN", "BANG TONG HOP",
              "BIEN BAN", "HUONG DAN", "CHUONG TRINH", "NGHI QUYET", "CHI THI"]
_DOC_TYPE_LABELS = {"TO TRINH": "tờ trình", "CONG VAN": "công văn", "QUYET DINH": "quyết định",
                    "THONG BAO": "thông báo", "BAO CAO": "báo cáo", "BANG TONG HOP": "bảng tổng hợp",
                    "BIEN BAN": "biên bản", "HUONG DAN": "hướng dẫn", "CHUONG TRINH": "chương trình",
                    "NGHI QUYET": "nghị quyết", "CHI THI": "chỉ thị"}
_MOTTO = re.compile(r"C[O0]NG\s*H[O0]A\s*X[A4]\s*H[O0]I\s*CH[UỦ]\s*NGH[I1]A\s*VI[E]T\s*NAM", re.I)
# OCR reads the motto as "Doc 14p - Tu do - Hanh phiic": match its shape, not its letters.
_MOTTO2 = re.compile(r"D\w{1,2}c\s*\S{1,4}\s*[-–—]\s*T\w\s*do\s*[-–—]\s*H\w{1,3}nh\s*ph\w*", re.I)
_NUMBER = re.compile(r"\bS[o0-9]\s*:\s*(?P<num>\d{0,5})\s*/\s*(?P<sym>[A-Z][A-Z0-9]*(?:\s*-\s*[A-Z0-9]+)*)", re.I)
_PLACE_DATE = re.compile(
    r"(?P<place>[A-Z][\w .'-]{1,40}?)\s*[,.]\s*ngay\s*:?\s*(?P<d>\d{1,2})?\s*thang\s*(?P<m>\d{1,2})?\s*nam\s*(?P<y>\d{4})",
    re.I,
)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
# OCR reads "II." as "I1." or "Il." or "11." at the start of a heading line.
_HEAD_ROMAN = re.compile(r"^(?P<m>[IVX][IVXl1]{0,3})\s*[.:]\s+(?P<t>\S.*)$")
_HEAD_ARABIC = re.compile(r"^(?P<m>\d{1,2})\s*[.)]\s+(?P<t>\S.*)$")
_HEAD_SUB = re.compile(r"^(?P<m>\d{1,2}(?:\.\d{1,2})+)\.?\s+(?P<t>\S.*)$")  # "1.1. Các sở, ban, ngành"
_HEAD_LETTER = re.compile(r"^(?P<m>[a-zđ¢€])\s*\)\s*(?P<t>\S.*)$")
_OCR_LETTERS = {"¢": "c", "€": "e"}  # "¢)" is how OCR reads "c)"
_HEAD_DASH = re.compile(r"^(?P<m>[-–•+*])\s*(?P<t>\S.*)$")

_REF_KINDS = {
    "nghi quyet": "Nghị quyết", "quyet dinh": "Quyết định", "cong van": "Công văn", "ke hoach": "Kế hoạch",
    "chi thi": "Chỉ thị", "thong tu": "Thông tư", "nghi dinh": "Nghị định", "thong bao": "Thông báo",
    "huong dan": "Hướng dẫn", "ket luan": "Kết luận", "chuong trinh": "Chương trình", "luat": "Luật",
    "van ban": "Văn bản", "quy dinh": "Quy định", "de an": "Đề án",
}
_SYMBOL_KINDS = {"NQ": "Nghị quyết", "QD": "Quyết định", "KH": "Kế hoạch", "CT": "Chỉ thị", "TT": "Thông tư",
                 "ND": "Nghị định", "TB": "Thông báo", "HD": "Hướng dẫn", "KL": "Kết luận", "QH": "Luật",
                 "CTr": "Chương trình", "BC": "Báo cáo"}
_REF = re.compile(
    r"(?P<kind>nghi quyet|quyet dinh|cong van|ke hoach|chi thi|thong tu|nghi dinh|thong bao|huong dan|"
    r"ket luan|chuong trinh|luat(?: [a-z ,]{3,60}?)?|van ban|quy dinh|de an)\s*"
    r"(?:s[o0-9]?\s*:?\s*)?(?:[0-9o]\s+)?(?P<num>\d{1,6}[\w.]*(?:\s*[/-]\s*[\w.]+)+)",
    re.I,
)
_REF_DATE = re.compile(r"ngay\s*(\d{1,2})\s*(?:/|thang)\s*(\d{1,2})\s*(?:/|nam)\s*(\d{4})", re.I)
_REF_ISSUER = re.compile(
    r"\bcua\s+(?P<issuer>(?:Ban\s+Chap\s+hanh\s+Trung\s+uong|Bo\s+Chinh\s+tri|Chinh\s+phu|Thu\s+tuong\s+Chinh\s+phu|"
    r"Quoc\s+hoi|Uy\s+ban\s+Thuong\s+vu\s+Quoc\s+hoi|Bo\s+[A-Z]\w*(?:\s+[a-z]\w*){0,3}|"
    r"(?:UBND|Uy\s+ban\s+nhan\s+dan|HDND|Hoi\s+dong\s+nhan\s+dan)\s+(?:tinh|xa|phuong|thanh\s+pho)(?:\s+[A-Z]\w*){0,3}|"
    r"[Ss]o\s+[A-Z]\w*(?:\s+(?:va\s+)?[A-Za-z]\w*){0,4}|Tinh\s+uy|Thanh\s+uy|Ban\s+Chi\s+dao[^,;.]{0,40}))",
)


_ISSUER_END = re.compile(r"\s+(?:ve|ban hanh|quy dinh|tai|theo|huong dan|trien khai|thuc hien|phe duyet)\b")


def _sa(text: str) -> str:
    return strip_accents(text)


# --- entry point --------------------------------------------------------------------------------


def read_plan(doc: ExtractedDocument, *, resolver: UnitResolver | None = None) -> ParsedPlan:
    """Parse an extracted document. Raises NotAPlanError when it is not a plan."""
    resolver = resolver or UnitResolver()
    lines, tables = _lines_and_tables(doc)
    plan = ParsedPlan()
    original = _restore_diacritics(lines, tables, plan)
    start = _find_doc_type(lines, plan)
    header_from = getattr(plan, "_header_from", 0)
    if header_from:
        # The plan's own header sits around its national motto, after the skipped cover letter.
        motto = max((i for i in range(header_from, start) if _MOTTO.search(_sa(lines[i]))), default=header_from)
        header_from = max(header_from, motto - 2)
    decision = getattr(plan, "_decision", None)
    if decision:
        header_from, header_to = 0, decision[0]  # the decision's own header: its number, date, issuer
    else:
        header_to = start
    header_lines = [line for line in lines[header_from:header_to] if not line.lstrip().startswith(("-", "–"))]
    _read_header(header_lines, plan)
    body_start = _read_title(lines, start + 1, plan)
    if original is not None:
        shown = ParsedPlan()
        _read_title(original, start + 1, shown)
        plan.original_title = shown.title
    _read_period(plan)

    end_body, appendix_start, sign_start = _body_bounds(lines, body_start)
    preamble, body = _split_preamble(lines[body_start:end_body])
    _read_preamble(preamble, plan)
    # A decision that issues the plan cites its grounds before the annex.
    _read_legal_refs((lines[decision[0]:decision[1]] if decision else []) + lines[body_start:end_body], plan)
    plan.sections = _section_tree(body)
    context = resolver.context
    if plan.issuer_unit_code is None:
        issuer = _issuer_from_text(plan, resolver)
        if issuer is not None:
            plan.issuer_unit_code = issuer.code
            if context is None:
                context = issuer
    if context is None and plan.issuer_unit_code is None and _names_a_locality(plan.issuer):
        # Another province's or commune's plan: "Công an tỉnh" there is not ours. Its unit names
        # are reported for a person to map, never guessed.
        plan.warnings.append(
            f"Cơ quan ban hành “{plan.issuer}” không có trong cây đơn vị: tên các đơn vị trong văn bản "
            "được báo là chưa nhận diện, không được đoán."
        )
        resolver = _NoUnits()
    elif context is not None and resolver.context is None:
        resolver = UnitResolver(context=context)
    _read_sections(plan, resolver)
    _read_closing(lines[end_body:appendix_start if appendix_start is not None else len(lines)], plan)
    if decision and not plan.signer_name:
        # The annex is signed by its decision: read the decision's closing, from its "Nơi nhận".
        part = lines[decision[0]:decision[1]]
        at = next((k for k, line in enumerate(part) if re.match(r"^noi nh\w*\b", fold(line))), 0)
        _read_closing(part[at:], plan)

    period = (plan.period_start or datetime.date(plan.date.year if plan.date else datetime.date.today().year, 1, 1),
              plan.period_end or datetime.date(plan.date.year if plan.date else datetime.date.today().year, 12, 31))
    rows = []
    for table in tables:
        rows += table_appendix_rows(table.rows, resolver=resolver, period=period)
    if not rows and appendix_start is not None:
        rows = flattened_appendix_rows(lines[appendix_start:], resolver=resolver, period=period)
    if not rows:
        inline: set[int] = set()
        rows = _inline_tasks(plan, resolver, period, seen=inline)
        rows += _scheduled_items(plan, resolver, period, skip=inline)
        rows += _solution_tasks(plan, resolver, period, skip=inline) + _assigned_items(plan, resolver, period, skip=inline)
        rows += _tasks_from_duties(plan, period)
    plan.tasks = rows
    return plan


class _Line(str):
    """A line of text that remembers whether its paragraph was bold (a hint for unit headings)."""

    bold = False


def _bold_line(text: str) -> _Line:
    line = _Line(text)
    line.bold = True
    return line


def _restore_diacritics(lines: list[str], tables: list[Table], plan: ParsedPlan) -> list[str] | None:
    """OCR of a scan without Vietnamese marks ("Thong tin, tuyen truyen cai cach hanh chinh") is read
    with its diacritics restored, in place; the original lines are returned to be kept (None when the
    text has its marks)."""
    if not lacks_diacritics("\n".join([*lines, *(c for t in tables for r in t.rows for c in r)])):
        return None
    original = list(lines)
    restored = restore("\n".join(lines)).split("\n")
    if len(restored) != len(lines):
        restored = [restore(line) for line in lines]
    for i, text in enumerate(restored):
        lines[i] = _bold_line(text) if getattr(lines[i], "bold", False) else text
    for table in tables:
        table.rows = [[restore(cell) for cell in row] for row in table.rows]
    plan.diacritics_restored = True
    plan.original_text = "\n".join(original)
    plan.warnings.append("Văn bản không có dấu tiếng Việt (bản quét, OCR): dấu đã được khôi phục tự động, "
                         "bản gốc được giữ lại; hãy soát lại tên đơn vị và trích yếu.")
    return original


def _lines_and_tables(doc: ExtractedDocument) -> tuple[list[str], list[Table]]:
    """The text as lines; tables that look like task tables are kept aside, the others become lines."""
    lines: list[str] = []
    tables: list[Table] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            lines.append(_bold_line(block.text) if block.bold else block.text)
        elif _looks_like_task_table(block):
            tables.append(block)
        else:
            small = len(block.rows) <= 4
            for row in block.rows:
                cells = [c for c in row if c.strip()]
                if small:
                    # A header table (issuer | motto) reads best column by column, line by line.
                    lines.extend(line for cell in cells for line in cell.split("\n"))
                else:
                    lines.append(" | ".join(c.replace("\n", " ") for c in cells))
    return lines, tables


def _looks_like_task_table(table: Table) -> bool:
    for row in table.rows[:3]:
        header = " ".join(fold(c) for c in row)
        if ("chu tri" in header or "trach nhiem" in header) and ("noi dung" in header or "nhiem vu" in header):
            return True
    return False


# --- header -------------------------------------------------------------------------------------


def _doc_type_at(lines: list[str], i: int) -> str | None:
    """The document kind a short line names, read the way OCR and typists mangle it: "KẾ HOẠCH",
    "K Ế H O Ạ C H", "KẾHOẠCH", or "KẾ" on one line and "HOẠCH" on the next (joined in `lines`)."""
    line = lines[i]
    folded = fold(line)
    if not folded or len(folded) > 60:
        return None
    upper_ratio = sum(c.isupper() for c in line) / max(1, sum(c.isalpha() for c in line))
    compact = folded.replace(" ", "")
    for doc_type in _DOC_TYPES:
        name = doc_type.lower()
        if folded == name or compact == name.replace(" ", "") or (folded.startswith(name) and upper_ratio > 0.8):
            return doc_type
        first, _, rest = name.partition(" ")
        if compact == first and upper_ratio > 0.8 and i + 1 < len(lines):
            following = fold(lines[i + 1]).replace(" ", "")
            if following == rest.replace(" ", ""):
                lines[i], lines[i + 1] = f"{line.strip()} {lines[i + 1].strip()}", ""
                return doc_type
    return None


def _find_doc_type(lines: list[str], plan: ParsedPlan) -> int:
    """Index of the "KẾ HOẠCH" line; a cover letter (Tờ trình) before the plan is skipped, and a
    decision that issues the plan (its annex) is read as that plan, with the decision's number."""
    first_type, first_index = None, 0
    for i in range(len(lines)):
        doc_type = _doc_type_at(lines, i)
        if doc_type is None:
            if first_type is None and (len(lines[i]) > 250 or _HEAD_ROMAN.match(squeeze(lines[i]))):
                break  # the body of a document that named no kind: a "KẾ HOẠCH NĂM 2026" in it is a heading
            continue
        if doc_type == "KE HOACH":
            plan.doc_type = "KẾ HOẠCH"
            if first_type == "QUYET DINH":
                plan.wrapper = "decision"
                plan.warnings.append("Kế hoạch ban hành kèm theo quyết định: số, ngày và người ký lấy từ quyết định.")
                plan._decision = (first_index, i)
            elif first_type and first_type != "KE HOACH":
                label = _DOC_TYPE_LABELS.get(first_type, first_type.title())
                plan.warnings.append(f"Đã bỏ qua {label} đứng trước kế hoạch.")
                plan._header_from = first_index + 1
            return i
        if first_type is None:
            first_type, first_index = doc_type, i
    what = next((line for line in lines if fold(line) and sum(c.isupper() for c in line) > 6), "")
    if first_type:
        label = _DOC_TYPE_LABELS.get(first_type, first_type.lower())
        # What it is about: the line under its kind ("BÁO CÁO / Kết quả công tác CCHC năm 2025").
        subject = next((squeeze(line) for line in lines[first_index + 1:first_index + 4] if fold(line)), "")
        issues_plan = re.search(r"ban hanh ke hoach", fold(" ".join(lines[first_index:first_index + 40])))
        extra = (" Quyết định này ban hành một kế hoạch nhưng tệp không kèm nội dung kế hoạch: hãy tải lên"
                 " tệp có phụ lục kế hoạch.") if first_type == "QUYET DINH" and issues_plan else ""
        raise NotAPlanError(f"Tài liệu này không phải là một kế hoạch: đây có vẻ là {label}"
                            + (f" “{subject[:120]}”." if subject else ".") + extra)
    raise NotAPlanError(
        "Tài liệu này không phải là một kế hoạch (không có dòng “KẾ HOẠCH” ở đầu văn bản)"
        + (f"; nội dung bắt đầu bằng: “{squeeze(what)[:120]}”." if what else ".")
    )


def _read_header(lines: list[str], plan: ParsedPlan) -> None:
    issuer_parts: list[str] = []
    for raw in lines:
        line = raw
        sa = _sa(line)
        m = _NUMBER.search(sa)
        if m:
            plan.number = f"{m['num']}/{_clean_symbol(line[m.start('sym'):m.end('sym')])}" if m["num"] else None
            plan.symbol = _clean_symbol(line[m.start("sym"):m.end("sym")])
            line, sa = line[: m.start()] + " " * (m.end() - m.start()) + line[m.end():], _sa(line)
        d = _PLACE_DATE.search(_sa(line))
        if d:
            _set_date(plan, line, d)
            line = line[: d.start()]
        for pattern in (_MOTTO, _MOTTO2):
            found = pattern.search(_sa(line))
            if found:
                line = line[: found.start()] + line[found.end():]
        line = squeeze(line.replace("|", " "))
        if line and fold(line) and not m and sum(c.isupper() for c in line) >= sum(c.islower() for c in line):
            issuer_parts.append(line)
    _set_issuer(plan, issuer_parts)


def _clean_symbol(symbol: str) -> str:
    return re.sub(r"\s+", "", symbol).upper()


def _set_date(plan: ParsedPlan, line: str, d: re.Match) -> None:
    plan.place = squeeze(line[d.start("place"):d.end("place")])
    plan.date_text = squeeze(line[d.start("place"):d.end()])
    year = int(d["y"])
    if d["d"] and d["m"]:
        try:
            plan.date = datetime.date(year, int(d["m"]), int(d["d"]))
        except ValueError:
            plan.warnings.append(f"Ngày ban hành không hợp lệ: “{plan.date_text}”.")
    plan._year = year  # used for the period when the title gives none


# Syllables of the names in a header block, to put back the spaces OCR loses ("BỘCÔNGAN").
_HEADER_SYLLABLES = frozenset("""
uy ban nhan dan tinh thanh pho xa phuong dac khu so noi vu bo cong an tu phap van phong tai chinh xay dung
y te giao duc dao tao khoa hoc nghe nong nghiep moi truong chi dang mat tran to quoc hoi dong quan huyen cuc
thue hai kho bac bao hiem thuong du lich the thao ngoai toc ton tra su bien trung tam phuc hanh lao binh ke
hoach dau thong tin truyen nguyen ky thuat kiem sat vien nhan toa doan cap ly viec lam hop tac quy ha nam
dinh lam lang son cao ninh binh giang bac hoa hue da nang
""".split())


def _respace(word: str) -> str:
    """"BỘCÔNGAN" → "BỘ CÔNG AN" when the run splits into known header syllables; else unchanged."""
    key = _sa(word).lower()
    if len(key) < 6 or not key.isalpha() or key in _HEADER_SYLLABLES:
        return word
    best: list[list[int] | None] = [[]] + [None] * len(key)
    for end in range(1, len(key) + 1):
        for begin in range(max(0, end - 6), end):
            if best[begin] is not None and key[begin:end] in _HEADER_SYLLABLES:
                if best[end] is None or len(best[begin]) + 1 < len(best[end]):
                    best[end] = [*best[begin], end]
    cuts = best[len(key)]
    if not cuts or len(cuts) < 2:
        return word
    pieces, at = [], 0
    for cut in cuts:
        pieces.append(word[at:cut])
        at = cut
    return " ".join(pieces)


def _set_issuer(plan: ParsedPlan, parts: list[str]) -> None:
    # OCR debris ("BỘCÔNGAN „") and lost spaces in header words.
    parts = [squeeze(" ".join(_respace(w) for w in re.sub(r"[„“”\"'`~^*_|•·]+", " ", p).split())) for p in parts]
    parts = [p for p in parts if fold(p)]
    if not parts:
        return
    # "UBND TỈNH NINH BÌNH / SỞ NỘI VỤ": the first line is the governing body, the second the issuer.
    starts_issuer = re.compile(r"^(SO|BAN|PHONG|TRUNG TAM|VAN PHONG|CHI CUC|THANH TRA|BAO|CONG AN|CUC|BO CHI HUY)\b")
    for i in range(1, len(parts)):
        if starts_issuer.match(_sa(parts[i]).upper()) and fold(parts[0]).startswith(("ubnd", "uy ban", "bo ", "tinh uy")):
            plan.parent_body = " ".join(parts[:i])
            plan.issuer = " ".join(parts[i:])
            return
    plan.issuer = " ".join(parts)


# How a plan's body opens, OCR spellings included ("Thyc hién Ké hoach…").
_BODY_OPENING = re.compile(r"^(th\w{1,2}c hi\w{1,2}n|c\w{1,2}n c\w{1,2}|de tri\w{1,2}n khai|nham )")


def _read_title(lines: list[str], start: int, plan: ParsedPlan) -> int:
    """Title lines after "KẾ HOẠCH", up to the first line of the body; returns the body's start."""
    title: list[str] = []
    i = start
    while i < len(lines):
        line = squeeze(lines[i])
        folded = fold(line)
        # The title may run over a blank line ("… 6 tháng cuối năm 2025 / sau khi hợp nhất 3 tỉnh");
        # it ends where the body opens, at a heading, or at a long sentence.
        if _BODY_OPENING.match(folded) or _HEAD_ROMAN.match(line) or len(title) >= 3 or (
            title and len(line) > 150
        ):
            break
        if line.startswith("(") and "kem theo" in folded or re.fullmatch(r"[-_=*. ]{3,}", line):
            i += 1  # "(Ban hành kèm theo Quyết định số …)" and rules under the title are not the title
            continue
        if folded:
            title.append(line)
        i += 1
    plan.title = squeeze(" ".join(title))
    folded = fold(plan.title)
    if "tuyen truyen" in folded or "truyen thong" in folded:
        plan.kind = "communication"
    elif "kiem tra" in folded:
        plan.kind = "inspection"
    elif "cai cach hanh chinh" in folded or "cchc" in folded.split():
        plan.kind = "reform"
    return i


def _read_period(plan: ParsedPlan) -> None:
    folded = fold(plan.title)
    year = getattr(plan, "_year", None)
    m = re.search(r"giai doan (\d{4}) (\d{4})", folded)
    if m:
        y1, y2 = int(m[1]), int(m[2])
        plan.period_start, plan.period_end = datetime.date(y1, 1, 1), datetime.date(y2, 12, 31)
        plan.period_label = f"giai đoạn {y1}–{y2}"
        return
    # OCR spellings too: "6 thang cudi nim 2025".
    m = re.search(r"(06|6) thang (d\w{1,3}|c\w{2,3}) n\w{1,2}m (\d{4})", folded)
    if m:
        y = int(m[3])
        first = m[2].startswith("d")
        plan.period_start = datetime.date(y, 1, 1) if first else datetime.date(y, 7, 1)
        plan.period_end = datetime.date(y, 6, 30) if first else datetime.date(y, 12, 31)
        plan.period_label = f"6 tháng {'đầu' if first else 'cuối'} năm {y}"
        return
    m = re.search(r"quy (i{1,3}|iv) nam (\d{4})", folded)
    if m:
        q, y = _ROMAN[m[1].upper()], int(m[2])
        plan.period_start = datetime.date(y, 3 * q - 2, 1)
        plan.period_end = datetime.date(y + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - datetime.timedelta(days=1)
        plan.period_label = f"quý {m[1].upper()} năm {y}"
        return
    m = re.search(r"nam (\d{4})", folded)
    y = int(m[1]) if m else year
    if y:
        plan.period_start, plan.period_end = datetime.date(y, 1, 1), datetime.date(y, 12, 31)
        plan.period_label = f"năm {y}"


# --- body ---------------------------------------------------------------------------------------


def _body_bounds(lines: list[str], start: int) -> tuple[int, int | None, int | None]:
    """Where the body ends ("Nơi nhận"), where the appendix starts ("Phụ lục"), if anywhere."""
    end = len(lines)
    appendix = None
    for i in range(start, len(lines)):
        folded = fold(lines[i])
        if end == len(lines) and re.match(r"^(noi nh\w*)\b", folded):
            end = i
        if i > start and re.match(r"^phu luc\b", folded) and len(folded) < 40:
            appendix = i
            if end == len(lines):
                end = i
            break
    return end, appendix, None


def _split_preamble(lines: list[str]) -> tuple[list[str], list[str]]:
    for i, line in enumerate(lines):
        if _HEAD_ROMAN.match(squeeze(line)) or (_HEAD_ARABIC.match(squeeze(line)) and i > 0):
            return lines[:i], lines[i:]
    return lines[:1], lines[1:]


def _read_preamble(lines: list[str], plan: ParsedPlan) -> None:
    # Sentences open a line or follow "." or ";" (the marker "\x00" keeps where lines started).
    text = squeeze(" \x00".join(squeeze(line) for line in lines if squeeze(line)))
    sa = _sa(text)
    # "Thực hiện Kế hoạch số …" opening a sentence; "… về đẩy mạnh việc thực hiện Chương trình" is not it.
    m = re.search(r"(?:^|[;.]\s*|\x00)Th\w{1,2}c\s+hi\w{1,2}n\s+(?P<ref>.+?)"
                  r"(?:,\s*[^,]*?(?:ban hanh|xay dung)\s+ke hoach|$)", sa, re.I)
    text, sa = text.replace("\x00", ""), sa.replace("\x00", "")
    if m:
        ref = text[m.start("ref") - m.string.count("\x00", 0, m.start("ref")):
                   m.end("ref") - m.string.count("\x00", 0, m.end("ref"))]
        refs = list(_iter_refs(ref))
        if refs:
            # The parent plan when the clause names one ("… và Kế hoạch số 21/KH-UBND"), else the first.
            plan.implements = next((r for r in refs if r.kind == "Kế hoạch"), refs[0])
    m = re.search(r"(?:,|\.)\s*(?P<issuer>[^,.;]{3,80}?)\s+(?:ban hanh|xay dung)\s+(?:K\w*\s+hoach|ke hoach)", sa, re.I)
    if m and not plan.issuer:
        plan.issuer = squeeze(text[m.start("issuer"):m.end("issuer")])


def _iter_refs(text: str):
    sa = _sa(text)
    for m in _REF.finditer(sa):
        words = fold(m["kind"]).split()
        kind_key = " ".join(words[:2]) if " ".join(words[:2]) in _REF_KINDS else words[0]
        number = re.sub(r"\s+", "", text[m.start("num"):m.end("num")]).rstrip(".,")
        if not re.search(r"[A-Za-zĐđ]", number):
            continue
        kind = _REF_KINDS.get(kind_key, "")
        if kind_key == "luat":
            kind = squeeze(text[m.start("kind"):m.end("kind")])
        symbol = re.split(r"[/-]", number, maxsplit=1)[-1]
        kind = kind or next((v for k, v in _SYMBOL_KINDS.items() if symbol.upper().startswith(k)), "Văn bản")
        # What follows the number (date, issuer) up to the next ";", read without consuming it.
        tail_end = sa.find(";", m.end())
        tail_end = min(m.end() + 160, len(sa) if tail_end == -1 else tail_end)
        rest, rest_sa = text[m.end():tail_end], sa[m.end():tail_end]
        # The reference ends where the next one starts.
        nxt = _REF.search(rest_sa)
        if nxt:
            rest, rest_sa = rest[: nxt.start()], rest_sa[: nxt.start()]
        date = None
        d = _REF_DATE.search(rest_sa[:40])
        if d:
            try:
                date = datetime.date(int(d[3]), int(d[2]), int(d[1]))
            except ValueError:
                date = None
        issuer = ""
        i = _REF_ISSUER.search(rest_sa[:90])
        if i:
            # The issuer's name ends where the subject begins ("… của Bộ Nội vụ về việc …").
            end = i.end("issuer")
            stop = _ISSUER_END.search(rest_sa, i.start("issuer"), end)
            issuer = squeeze(rest[i.start("issuer"):stop.start() if stop else end])
        yield LegalRef(kind=kind, number=number, date=date, issuer=issuer,
                       text=squeeze(text[m.start():m.end()] + rest[: (i.end() if i else (d.end() if d else 0))]))


def _read_legal_refs(lines: list[str], plan: ParsedPlan) -> None:
    seen: dict[str, LegalRef] = {}
    for ref in _iter_refs(" ".join(squeeze(line) for line in lines)):
        key = ref.number.upper()
        if key in seen:
            known = seen[key]
            known.date = known.date or ref.date
            known.issuer = known.issuer or ref.issuer
            continue
        seen[key] = ref
    plan.legal_basis = list(seen.values())
    if plan.implements is not None:
        known = seen.get(plan.implements.number.upper())
        if known:
            plan.implements.date = plan.implements.date or known.date
            plan.implements.issuer = plan.implements.issuer or known.issuer


def _section_tree(lines: list[str]) -> list[Section]:
    """Headings I., 1., a), - into a tree; wrapped lines join the item they continue."""
    order = {"roman": 1, "arabic": 2, "sub": 3, "letter": 4, "dash": 5}
    roots: list[Section] = []
    stack: list[Section] = []
    for raw in lines:
        line = squeeze(raw)
        if not line:
            continue
        marker, level, title = _heading(line, stack)
        if marker is None and getattr(raw, "bold", False) and stack and len(line) <= 100 and (
            not line.endswith((".", ";", ",")) and _looks_like_unit_name(line)
        ):
            # A bold unit name on a line of its own ("Sở Nội vụ" then its duties) heads what follows.
            top = stack[-1]
            node = Section("*", top.level if top.marker == "*" else top.level + 0.5, line.rstrip(" :"))
            while stack and stack[-1].level >= node.level:
                stack.pop()
            (stack[-1].children if stack else roots).append(node)
            stack.append(node)
            continue
        if marker is None:
            if stack:
                stack[-1].text.append(line)
            else:
                roots.append(Section("", 0, line))
            continue
        node = Section(marker, order[level], title)
        while stack and stack[-1].level >= node.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


_LETTERS = "abcdđeghiklmnopqrstuvxy"


def _heading(line: str, stack: list[Section]) -> tuple[str | None, str, str]:
    m = _HEAD_ROMAN.match(line)
    if m and (m["t"][:1].isupper() or m["t"][:1].isdigit()):
        marker = m["m"].upper().replace("1", "I").replace("L", "I")
        return marker, "roman", m["t"].strip(" :")
    m = _HEAD_SUB.match(line)
    if m:
        return m["m"], "sub", m["t"].strip()
    m = _HEAD_ARABIC.match(line)
    if m and int(m["m"]) <= 40:
        return m["m"], "arabic", m["t"].strip()
    m = _HEAD_LETTER.match(line)
    if m:
        letter = _OCR_LETTERS.get(m["m"], m["m"])
        if letter in _LETTERS or letter == "f":
            return letter, "letter", m["t"].strip()
    m = _HEAD_DASH.match(line)
    if m:
        return "-", "dash", m["t"].strip()
    return None, "", ""


def _walk(sections: list[Section]):
    for s in sections:
        yield s
        yield from _walk(s.children)


def _items(section: Section) -> list[Section]:
    """The items of a list section: its children, or the dash items of its only child."""
    return section.children


# Section titles by meaning, tolerant of OCR ("HINH THU'C", "Muc tiéu", "POI TUQNG").
_SECTION_KINDS = [
    ("objectives", re.compile(r"^muc (d\w{0,3}ch|ti\w{0,3}u (chung|t\w{0,3}ng qu\w{0,3}t))\b")),
    ("targets", re.compile(r"^(muc ti\w{0,3}u|ch\w{0,2} ti\w{0,3}u)\b")),
    ("requirements", re.compile(r"^y\w{0,3}u c\w{0,3}u\b")),
    ("audiences", re.compile(r"^[dp]\w{0,3}i t\w{0,4}ng\b")),
    ("channels", re.compile(r"^h\w{0,3}nh th\w{0,3}c\b")),
    ("topics", re.compile(r"^n\w{0,3}i dung\b(?!.*\bh\w{0,3}nh th\w{0,3}c\b)")),
    ("funding", re.compile(r"^kinh ph\w{0,2}\b")),
    ("solutions", re.compile(r"^(.*\bgi\w{0,3}i ph\w{0,3}p\b|nhi\w{0,3}m v\w{0,2}\b)")),
    ("duties", re.compile(r"^(t\w{0,2} ch\w{0,3}c th\w{0,3}c hi\w{0,3}n|tr\w{0,3}ch nhi\w{0,3}m|ph\w{0,2}n c\w{0,3}ng)\b")),
]


def _section_kind(title: str) -> str | None:
    head = fold(title.replace("'", ""))[:80]
    for kind, pattern in _SECTION_KINDS:
        if pattern.search(head):
            return kind
    return None


def _with_ancestors(sections: list[Section], ancestors: tuple[Section, ...] = ()):
    for s in sections:
        yield s, ancestors
        yield from _with_ancestors(s.children, (*ancestors, s))


def _has_kinds_below(section: Section) -> bool:
    # A long item without children is a sentence ("Tiếp tục thực hiện đồng bộ các giải pháp…"),
    # not a block heading, whatever words it holds.
    return any(_section_kind(c.title) for c in _walk(section.children) if c.children or len(c.title) <= 60)


def _area(ancestors: tuple[Section, ...]) -> str:
    """The reform area or part a block sits in: its nearest ancestor that is not a kind of block."""
    return next((a.title.rstrip(" :") for a in reversed(ancestors) if not _section_kind(a.title)), "")


def _read_sections(plan: ParsedPlan, resolver: UnitResolver) -> None:
    """Each block by what its title means, at any depth: a plan by reform areas has a "Mục tiêu"
    and a "Nhiệm vụ" in every area, and each of them counts."""
    for s, ancestors in _with_ancestors(plan.sections):
        kind = _section_kind(s.title)
        if kind is None or (kind != "funding" and any(_section_kind(a.title) == "duties" for a in ancestors)):
            continue
        if kind != "duties" and _has_kinds_below(s):
            # "I. MỤC TIÊU, YÊU CẦU" holding "1. Mục tiêu", "2. Yêu cầu", or "II. CHỈ TIÊU, NHIỆM VỤ"
            # holding the areas: read its parts instead.
            continue
        items = [c.body for c in s.children]
        if kind in ("targets", "objectives"):
            area = _area(ancestors)
            parts = s.children or [s]
            found = [_target(c if s.children else Section(s.marker, s.level, "", s.text), area) for c in parts]
            if kind == "objectives":
                plan.objectives += [c.body for c in s.children] or [squeeze(" ".join(s.text))]
                found = [t for t in found if t.clauses]  # a measurable aim is a target too
            plan.targets += [t for t in found if t.text]
        elif kind == "requirements":
            plan.requirements += items or s.text
            # "Triển khai tại 100% các sở…" among the requirements is a commitment too.
            parts = s.children or [Section(s.marker, s.level, "", s.text)]
            plan.targets += [t for t in (_target(c, _area(ancestors)) for c in parts) if t.clauses]
        elif kind == "audiences":
            plan.audiences += items or [squeeze(" ".join(s.text))]
        elif kind == "topics" and s.children and not plan.topics:
            plan.topics = _list_items(s.children)
        elif kind == "channels" and not plan.channels:
            plan.channels = _list_items(s.children) or _prose_items(s.text)
        elif kind == "solutions":
            plan.solutions += items
        elif kind == "funding" and not plan.funding:
            plan.funding = squeeze(" ".join([*s.text, *items]))
        elif kind == "duties":
            plan.duties += _duties(s, resolver)
    _read_commitments(plan)
    if not plan.objectives:
        # A plan whose only aims are its "Mục tiêu" list: the qualitative ones are its objectives.
        plan.objectives = [t.text for t in plan.targets if t.qualitative]
    # Work assigned inside the solutions ("1.1. Các sở, ban, ngành" then its dash items) counts as
    # duties too: many plans put "who does what" there rather than under "Tổ chức thực hiện".
    known = {id(n) for s in _walk(plan.sections) if _section_kind(s.title) == "duties" for n in _walk(s.children)}
    for s in _walk(plan.sections):
        if s.children and len(s.title) <= 100 and _section_kind(s.title) is None and id(s) not in known:
            res = resolver.resolve(s.title)
            named = (res.matches and res.ok) or (isinstance(resolver, _NoUnits) and _looks_like_unit_name(s.title))
            if named and all(c.marker == "-" for c in s.children):
                plan.duties.append(Duty(s.title, res, [c.body for c in s.children]))


# "Tối thiểu 20% …", "ít nhất 01 tin, bài mỗi quý": a floor written as such is a commitment wherever it stands.
_FLOOR = re.compile(r"\b(?:toi thieu|it nhat|khong duoi|khong it hon|tren)\s+(?:la\s+)?\d")
_TARGET_KINDS = ("targets", "objectives", "requirements")


def _read_commitments(plan: ParsedPlan) -> None:
    """Floors stated outside the aims ("2. Số lượng đơn vị kiểm tra: Tối thiểu 20% …" under the
    inspection's arrangements, a duty's "ít nhất 01 tin, bài mỗi quý") are targets too."""
    seen = {fold(t.text) for t in plan.targets}
    for s, ancestors in _with_ancestors(plan.sections):
        if any(_section_kind(a.title) in _TARGET_KINDS for a in (*ancestors, s)):
            continue
        if not _FLOOR.search(fold(_sa(s.body))):
            continue
        # An item with sub-items commits by its own sentence only ("3. … Nội dung: … trên 50% …").
        found = _target(Section(s.marker, s.level, s.title, s.text) if s.children else s, _area(ancestors))
        if found.clauses and fold(found.text) not in seen:
            seen.add(fold(found.text))
            plan.targets.append(found)


def _list_items(children: list[Section]) -> list[Item]:
    # Dash lists have no letters: number them so each item can be referred to.
    return [Item(c.marker if c.marker != "-" else str(i), c.body) for i, c in enumerate(children, start=1)]


def _prose_items(lines: list[str]) -> list[Item]:
    """A list written as one sentence ("… qua Cổng thông tin; các lớp tập huấn; …") as items."""
    parts = [squeeze(p).strip(" .") for p in squeeze(" ".join(lines)).split(";")]
    return [Item(str(i), p) for i, p in enumerate((p for p in parts if p), start=1)]


# Where the name of the unit that opens a sentence ends: at its first verb ("Sở Tư pháp chủ trì…").
_UNIT_VERB = re.compile(
    r"\s*(?::|,?\s+(?:chu tri|co trach nhiem|chiu trach nhiem|phoi hop|tham muu|thuc hien|trien khai|chi dao|"
    r"to chuc|xay dung|theo doi|huong dan|can cu|duoc giao|ra soat|kiem tra|ban hanh|tang cuong|nghien cuu|"
    r"bo tri|dam bao|bao dam|cap nhat|day manh|quan tam|tiep tuc|thuong xuyen|lam dau moi|la co quan|"
    r"tong hop|dinh ky|khan truong|chu dong|giup|co van ban|gui|bao cao|cung cap|phan cong|tuyen truyen|"
    r"dang tai|phat huy|van dong|giam sat|quan ly|nang cao|uu tien|xu ly|cong bo|thiet lap|van hanh|"
    r"nhu sau|can|phai)\b)"
)
_ASSIGNING = re.compile(r"^(giao (cho )?|[dp]e nghi |yeu cau |dong chi )", re.I)  # "Pé nghị": OCR of "Đề nghị"


def _leading_unit(text: str) -> str | None:
    """The unit a sentence starts with ("Sở Tư pháp chủ trì…", "Giao Văn phòng UBND tỉnh…"), if any."""
    sa = _sa(text)
    low = sa.lower()
    offset = 0
    m = _ASSIGNING.match(low)
    if m and not low.startswith("dong chi"):
        offset = m.end()
    if not _UNIT_HEAD.match(fold(text[offset:])) or fold(text[offset:]).startswith(("don vi ", "co quan ")):
        return None
    end = _UNIT_VERB.search(low, offset)
    if end is None or end.start() - offset > 120 or end.start() - offset < 3:
        return None
    return squeeze(text[offset:end.start()]).strip(" ,;-")


def _duties(section: Section, resolver: UnitResolver) -> list[Duty]:
    """Who does what, in all the shapes plans write it: numbered or lettered unit headings ("a) Sở
    Nội vụ:"), bold unit names, paragraphs or dash items that open with the unit."""
    duties: list[Duty] = []
    for line in section.text:
        unit_text = _leading_unit(line)
        if unit_text:
            duties.append(Duty(unit_text, _resolved(resolver, unit_text), [line]))
    for child in section.children:
        kind = _section_kind(child.title)
        if kind in ("funding", "duties") or fold(child.title).startswith("che do bao cao"):
            if kind == "duties":
                duties += _duties(child, resolver)
            continue
        if len(child.title) > 160 or (child.marker == "-" and not child.children):
            unit_text = _leading_unit(child.title)
            if unit_text:  # "- Sở Tư pháp chủ trì, phối hợp …"
                duties.append(Duty(unit_text, _resolved(resolver, unit_text), [child.body]))
            continue
        unit_text = child.title.split(":")[0].strip() if ":" in child.title else child.title
        asking = _ASSIGNING.match(_sa(unit_text).lower())
        if asking and not asking.group(1).startswith("dong chi"):
            unit_text = unit_text[asking.end():].strip()  # "Đề nghị Ủy ban MTTQ xã": the unit is the MTTQ
        if len(unit_text) > 120:
            unit_text = _leading_unit(child.title) or unit_text
        res = resolver.resolve(unit_text)
        if not res.matches and not res.ambiguous and not _looks_like_unit_name(unit_text):
            # "1. Công tác triển khai": a sub-heading, not a unit; its own items may name units.
            duties += _duties(child, resolver)
            continue
        # A heading that names who does the work is kept even when the name is unknown: it is
        # reported for a person to map, never dropped.
        if not res.matches and not res.ambiguous and not res.unresolved:
            res.unresolved.append(unit_text)
        items = [c.body for c in child.children] or ([squeeze(" ".join(child.text))] if child.text else [])
        if ":" in child.title:  # "Đồng chí Phó Trưởng ban: Trực tiếp chỉ đạo …"
            items.insert(0, child.title.split(":", 1)[1].strip())
        elif unit_text != child.title and not asking:  # a long heading opening with its unit
            items.insert(0, child.title)
        duties.append(Duty(unit_text, res, [i for i in items if i]))
    return duties


def _resolved(resolver: UnitResolver, unit_text: str) -> Resolution:
    res = resolver.resolve(unit_text)
    if not res.matches and not res.ambiguous and not res.unresolved:
        res.unresolved.append(unit_text)
    return res


# Measurable clauses, on accent-stripped lower-case text (same positions as the original).
_AT_LEAST = re.compile(
    r"(?:toi thieu|it nhat|khong thap hon|khong duoi|khong it hon|tren|vuot|tu|dat|dat ty le|dat muc|"
    r"dat khoang|>=|≥|>)\s*(?:la\s*|dat\s*|muc\s*|ty le\s*)?$"
)
_AT_MOST = re.compile(r"(?:toi da|khong qua|khong vuot qua|duoi|giam|giam xuong|giam con|<=|≤|<)\s*(?:la\s*|con\s*)?$")
_PERCENT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d{1,2})?)\s*(%|phan tram)")
_MONEY = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d{3})+|\d+(?:,\d+)?)\s*(trieu dong|ty dong|nghin dong|ngan dong|dong)\b")
_COUNT_NOUNS = (
    "cuoc thi|hoi thi|hoi nghi|hoi thao|toa dam|lop tap huan|lop boi duong|lop|buoi|tin bai|tin|bai viet|bai|"
    "phong su|chuyen muc|chuyen de|chuong trinh|video|clip|phim|pano|ap phich|to roi|to gap|bang ron|khau hieu|"
    "cuoc|lan|dot|luot|san pham|mo hinh|sang kien|de an|van ban|ke hoach|bao cao|doan kiem tra|doan|hoat dong|"
    "so bao|so|ky|tap|cuon|nguoi|cu tri|dai bieu|hoc vien|thu tuc|dich vu|don vi|co quan|nhiem vu|cau hoi|diem|giai|ban tin"
)
_COUNT = re.compile(rf"(?<![\d.,/])(\d{{1,4}})\s+({_COUNT_NOUNS})\b")
_COUNT_AFTER = re.compile(r"(?:nam|so|khoan|dieu|diem|muc|phu luc|giai doan|thang|ngay|quy|tu|den|va|/)\s*$")
_DUE = re.compile(r"(?:truoc|cham nhat|han chot|den|trong) ngay (\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")


def _target(section: Section, area: str = "") -> TargetItem:
    text = section.body
    return TargetItem(section.marker, text, _clauses(text), area)


def _clauses(text: str) -> list[TargetClause]:
    """Every figure a target commits to: percentages, counts, money, deadlines, with the comparator
    written right before it ("tối thiểu 98%", "không quá 5%", "ít nhất 01 cuộc thi", "trước ngày …")."""
    low = _sa(text).lower()
    found: list[tuple[int, int, str, float | None, str, datetime.date | None]] = []

    def free(a: int, b: int) -> bool:
        return not any(a < e and s < b for s, e, *_ in found)

    for m in _PERCENT.finditer(low):
        found.append((m.start(), m.end(), _comparator(low, m.start(), "="), _number(m[1]), "%", None))
    for m in _MONEY.finditer(low):
        if free(m.start(), m.end()):
            found.append((m.start(), m.end(), _comparator(low, m.start(), "="), _number(m[1]),
                          squeeze(text[m.start(2):m.end(2)]), None))
    for m in _COUNT.finditer(low):
        if free(m.start(), m.end()) and not _COUNT_AFTER.search(low[max(0, m.start() - 12):m.start()]):
            found.append((m.start(), m.end(), _comparator(low, m.start(), "="), float(m[1]),
                          squeeze(text[m.start(2):m.end(2)]), None))
    for m in _DUE.finditer(low):
        try:
            due = datetime.date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            continue
        if free(m.start(), m.end()):
            found.append((m.start(), m.end(), "<=", None, "ngày", due))
    found.sort()
    if not found:
        m = re.search(r"\btat ca\b", low)
        if m:  # "Bảo đảm tất cả văn bản … được ban hành đúng tiến độ": all of them, 100 %
            found.append((m.start(), m.end(), "=", 100.0, "%", None))
    # "giảm ít nhất 30% thời gian …, 30% chi phí": a figure listed after another shares its comparator.
    for k in range(1, len(found)):
        start, end, comparator, value, unit, due = found[k]
        previous = found[k - 1]
        between = low[previous[1]:start]
        if comparator == "=" and previous[2] != "=" and unit == previous[4] and ";" not in between and (
            ". " not in between and re.search(r"(?:,|\bva)\s*$", between)
        ):
            found[k] = (start, end, previous[2], value, unit, due)
    clauses = []
    for start, end, comparator, value, unit, due in found:
        after = text[end: end + 120]
        scope = squeeze(re.split(r"[;.]|(?:\s-\s)", after)[0]) if unit == "%" else ""
        clause_start = max(0, text.rfind("; ", 0, start) + 1, text.rfind(". ", 0, start) + 1)
        ends = [i for i in (text.find("; ", end), text.find(". ", end), text.find(";", end)) if i != -1]
        clause_end = min(ends or [len(text)])
        clauses.append(TargetClause(squeeze(text[clause_start:clause_end]).rstrip(" .;"), comparator, value, unit,
                                    scope, due))
    return clauses


def _comparator(low: str, at: int, default: str) -> str:
    before = low[max(0, at - 30):at]
    if _AT_LEAST.search(before):
        return ">="
    if _AT_MOST.search(before):
        return "<="
    return default


def _number(text: str) -> float | None:
    try:
        return float(parse_vn_number(text))
    except ValueError:
        return None


def _read_closing(lines: list[str], plan: ParsedPlan) -> None:
    """Nơi nhận (recipients) and the signature block."""
    recipients: list[str] = []
    sign: list[str] = []
    in_recipients = False
    for raw in lines:
        line = squeeze(raw)
        if not line:
            continue
        sa = _sa(line)
        m = re.match(r"^(Noi nh\w*)\s*:?\s*(.*)$", sa, re.I)
        if m:
            in_recipients = True
            tail = line[m.start(2):]
            # "Nơi nhận: TM. ỦY BAN NHÂN DÂN" (two columns on one OCR line)
            tm = re.search(r"\b(TM|KT|TL|TUQ|Q)\s*\.", _sa(tail))
            if tm:
                sign.append(squeeze(tail[tm.start():]))
            continue
        tm = re.search(r"\b(TM|KT|TL|TUQ)\s*\.\s*\S", sa)
        if tm:
            if tm.start() > 0 and line[: tm.start()].strip():
                recipients.append(line[: tm.start()].strip(" -;"))
            sign.append(squeeze(line[tm.start():]))
            in_recipients = False
            continue
        if in_recipients and line.startswith(("-", "–", "+")):
            recipients.append(line.lstrip("-–+ ").rstrip(" ;").rstrip())
        elif in_recipients and recipients and not sign and not recipients[-1].endswith((";", ".")) and (
            line[:1].islower() or recipients[-1].endswith(",")
        ):
            # A recipient wrapped onto the next line ("- Lưu: VT, TTPVHCC, / TTTT-CB, VP11, VP7.").
            recipients[-1] = squeeze(recipients[-1] + " " + line.rstrip(" ;"))
        elif sign or (not in_recipients and line.isupper()):
            sign.append(line)
        elif in_recipients and re.match(r"^[A-Z0-9]+/", line):
            continue  # the drafter's reference under "Lưu: VT, …" ("MT01/VP7/2025/KH-CCHC")
    plan.recipients = [r for r in recipients if r]
    titles = [s for s in sign if s.isupper() or re.match(r"^(TM|KT|TL|TUQ|Q)\s*\.", _sa(s))]
    names = [s for s in sign if s not in titles and not s.startswith("(") and len(s.split()) <= 6 and s[:1].isupper()]
    plan.signer_title = "\n".join(titles)
    plan.signer_name = names[-1] if names else ""


def _issuer_from_text(plan: ParsedPlan, resolver: UnitResolver):
    for text in (f"{plan.parent_body} {plan.issuer}".strip(), plan.issuer):
        if not text:
            continue
        res = resolver.resolve(text)
        units = res.units
        if units and res.ok:  # "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG" must not become "UBND tỉnh" + leftovers
            # The most specific unit named: "UBND TỈNH NINH BÌNH / SỞ NỘI VỤ" → Sở Nội vụ.
            return max(units, key=lambda u: u.depth)
    return None


_UNIT_HEAD = re.compile(
    r"^([dp]\w{0,2} nghi\s+)?(cac\s+)?(so|ban|phong|ubnd|uy ban|van phong|trung tam|cong an|bao|dai|buu dien|thanh tra|"
    r"kho bac|bao hiem|chi cuc|cuc|hoi|doan|mat tran|mttq|lien doan|bo|toa|vien|truong|benh vien|dong chi|to|"
    r"tieu ban|co quan|don vi|lanh dao|chu tich|giam doc|thu truong|cong chuc|can bo|xa|phuong|thanh pho|tinh|"
    r"chuyen vien|thanh vien|vien chuc|nhan vien|bi thu|pho chu tich|truong thon|thon)\b"
)


def _looks_like_unit_name(text: str) -> bool:
    return bool(_UNIT_HEAD.match(fold(text)))


_LOCALITY = re.compile(r"\b(tinh|thanh pho|xa|phuong|dac khu)\s+\w+")


def _names_a_locality(issuer: str) -> bool:
    return bool(_LOCALITY.search(fold(issuer)))


class _NoUnits:
    """A resolver for a document of another locality: every name is left for a person to map,
    except the names a person already mapped (an explicit mapping is not a guess)."""

    context = None

    def __init__(self):
        from cchc.orgs.resolver import TaughtNamesResolver

        self._taught = TaughtNamesResolver()

    def resolve(self, text: str) -> Resolution:
        return self._taught.resolve(text)


# --- tasks without an appendix --------------------------------------------------------------------

_INLINE = re.compile(
    r"chu tri\s*:\s*(?P<lead>[^;]+?)\s*;\s*(?:co quan\s+)?phoi hop\s*:\s*(?P<partners>[^;]+?)\s*"
    r"(?:;\s*(?:thoi gian(?: thuc hien| hoan thanh)?)\s*:\s*(?P<time>[^;.]+))?\s*[.;]?\s*$",
    re.I,
)
# When a sentence says the work is due, most specific first: "thời gian: Quý III/2026" over "năm 2026".
_TIMES_IN_TEXT = [re.compile(p, re.I) for p in (
    r"(?<=thoi gian thuc hien: )[^.;]+|(?<=thoi gian hoan thanh: )[^.;]+|(?<=thoi gian: )[^.;]+",
    r"(?:truoc|cham nhat|trong) ngay \d{1,2}/\d{1,2}(?:/\d{4})?",
    r"quy [ivx, ]+(?:/| nam )\d{4}",
    r"thang \d{1,2}(?:/| nam )\d{4}",
    r"(?:dinh ky )?h[aa]ng (?:thang|quy|nam)[^.;,]*",
    r"dinh ky (?:thang|quy|nam|6 thang)[^.;,]*",
    r"thuong xuyen|lien tuc",
    r"^dinh ky\b",
    r"(?:6|06) thang (?:dau|cuoi) nam \d{4}",
    r"(?<=trong )nam \d{4}|(?<=hoan thanh )nam \d{4}",
    r"^(?:truoc|sau) khi [^.;:,]+",  # "Trước khi tiến hành kiểm tra: …": the event the item waits on
    r"\bngay sau khi [^.;:,]+",  # "… ngay sau khi kết thúc hội nghị"
)]


def _time_in_text(text: str) -> str:
    sa = _sa(text)
    for pattern in _TIMES_IN_TEXT:
        m = pattern.search(sa)
        if m:
            return squeeze(text[m.start():m.end()]).rstrip(" ,")
    return ""


def _timeframe_in(text: str, period) -> Timeframe:
    found = _time_in_text(text)
    timeframe = parse_timeframe(found, period_start=period[0], period_end=period[1]) if found else None
    if timeframe is None or timeframe.kind == "unparsed":
        # Work without a stated time, or only "định kỳ", runs through the whole plan period (reported
        # each period); the words the plan used are kept.
        timeframe = parse_timeframe("Thường xuyên", period_start=period[0], period_end=period[1])
        if found:
            timeframe = dataclasses.replace(timeframe, text=found)
    return timeframe


def _solution_tasks(plan: ParsedPlan, resolver: UnitResolver, period, *, skip: set[int]) -> list[TaskRow]:
    """Items under "Nhiệm vụ, giải pháp" whose sentence names who does it ("- Sở Tư pháp chủ trì …")."""
    rows: list[TaskRow] = []
    for s, ancestors in _with_ancestors(plan.sections):
        if _section_kind(s.title) != "solutions" or _has_kinds_below(s):
            continue
        group = next((a for a in reversed(ancestors) if not _section_kind(a.title)), ancestors[0] if ancestors else s)
        for item in _walk(s.children):
            if item.children or id(item) in skip:
                continue
            unit = _leading_unit(item.body)
            if unit is None:
                continue
            rows.append(TaskRow(group.marker, group.title, item.marker if item.marker != "-" else "", item.body, "",
                                unit, "", _timeframe_in(item.body, period), source="text",
                                lead=_resolved(resolver, unit)))
    for i, row in enumerate(rows):
        if not row.number:
            row.number = str(1 + sum(1 for r in rows[:i] if r.group == row.group))
    return rows


# The labelled lines of a scheduled item: "- Thời gian: Dự kiến ngày 05/12/2025", "- Đơn vị chủ trì: …".
_FIELD = re.compile(r"^(thoi gian(?: thuc hien| hoan thanh)?|(?:don vi |co quan )?chu tri|(?:don vi )?phoi hop)\s*:\s*")
# "Đợt 1: Trong tháng 12/2025", "Giai đoạn 2: Từ tháng 01 đến …": a phase named by its time.
_PHASE = re.compile(r"^(?:dot|giai doan|buoc)\s+(?:\d{1,2}|[ivx]{1,4}|mot|hai|ba|bon|nam)\s*[:.-]\s*")


def _scheduled_items(plan: ParsedPlan, resolver: UnitResolver, period, *, skip: set[int]) -> list[TaskRow]:
    """Items of a schedule: an item whose lines say its time and who leads it ("- Thời gian: …",
    "- Đơn vị chủ trì: …"), and the phases of a campaign ("2.1. Đợt 1: Trong tháng 12/2025")."""
    rows: list[tuple[int, TaskRow]] = []
    walked = list(_with_ancestors(plan.sections))
    schedules: set[int] = set()  # the parents of labelled items: their other numbered items are steps too
    for position, (s, ancestors) in enumerate(walked):
        if id(s) in skip or any(_section_kind(a.title) == "duties" for a in (*ancestors, s)):
            continue
        fields: dict[str, str] = {}
        for c in s.children:
            m = _FIELD.match(_sa(c.body).lower())
            if c.marker == "-" and m:
                label = m[1].split()[-1] if not m[1].startswith("thoi gian") else "thoi gian"
                fields.setdefault({"tri": "lead", "hop": "partners"}.get(label, "time"),
                                  squeeze(c.body[m.end():]).rstrip(" .;"))
        phase = _PHASE.match(_sa(s.title).lower())
        group = ancestors[0] if ancestors else s
        timeframe = None
        if "time" in fields or "lead" in fields:
            skip.update(id(c) for c in s.children if c.marker == "-")
            schedules.add(id(s))  # "3. … - Thời gian: …" then "3.3. Báo cáo kết quả": its own steps
            if ancestors:
                schedules.add(id(ancestors[-1]))
            title = s.body
            lead, partners, time = fields.get("lead", ""), fields.get("partners", ""), fields.get("time", "")
        elif phase and s.title[phase.end():].strip():
            time = squeeze(s.title[phase.end():]).rstrip(" .;:")
            timeframe = parse_timeframe(time, period_start=period[0], period_end=period[1])
            if timeframe.kind == "unparsed":
                continue  # "Đợt 1: Tuyên truyền …": a round named by its content, not its time
            first = s.text[0] if s.text else (s.children[0].body if s.children else "")
            title, lead, partners = squeeze(f"{s.title} - {first}") if first else s.title, "", ""
        else:
            continue
        skip.add(id(s))
        rows.append((position, TaskRow(
            group.marker, group.title, s.marker if s.marker != "-" else "", title, "", lead, partners,
            timeframe or (parse_timeframe(time, period_start=period[0], period_end=period[1]) if time
                          else _timeframe_in(title, period)),
            source="text", lead=_resolved(resolver, lead) if lead else None,
            partners=resolver.resolve(partners) if partners else None)))
    # "1.2. Báo cáo kết quả Hội nghị" beside "1.1. Nội dung: … - Thời gian: …": a step of the same schedule.
    for position, (s, ancestors) in enumerate(walked):
        if not ancestors or id(ancestors[-1]) not in schedules or id(s) in skip or s.marker == "-":
            continue
        if any(c.marker != "-" for c in s.children):
            continue
        first = s.text[0] if s.text else (s.children[0].body if s.children else "")
        title = squeeze(f"{s.title} - {first}") if first else s.title
        whole = squeeze(" ".join([s.body, *(c.body for c in s.children)]))
        group = ancestors[0]
        skip.add(id(s))
        rows.append((position, TaskRow(group.marker, group.title, s.marker, title, "", "", "",
                                       _timeframe_in(whole, period), source="text")))
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


# "Chủ tịch UBND tỉnh giao Sở Nội vụ chủ trì …": an authority hands the item to a unit.
_HANDS_TO = re.compile(r"^[^.;:]{0,60}?\bgiao (?:cho )?(?=\S)")


def _assigned_items(plan: ParsedPlan, resolver: UnitResolver, period, *, skip: set[int]) -> list[TaskRow]:
    """Items outside the solutions and the duties that hand the work to a unit by name
    ("1. Chủ tịch UBND tỉnh giao Sở Nội vụ chủ trì … tổ chức kiểm tra …"): tasks of that unit."""
    rows: list[TaskRow] = []
    for s, ancestors in _with_ancestors(plan.sections):
        kinds = {_section_kind(a.title) for a in (*ancestors, s)}
        if s.children or id(s) in skip or kinds & {"solutions", "duties"} or not ancestors:
            continue
        m = _HANDS_TO.match(_sa(s.body).lower())
        unit = _leading_unit(s.body[m.end():]) if m else None
        if unit is None:
            continue
        group = ancestors[0]
        rows.append(TaskRow(group.marker, group.title, s.marker if s.marker != "-" else "", s.body, "", unit, "",
                            _timeframe_in(s.body, period), source="text", lead=_resolved(resolver, unit)))
    return rows


def _inline_tasks(plan: ParsedPlan, resolver: UnitResolver, period, *, seen: set[int] | None = None) -> list[TaskRow]:
    """Tasks written in the text: "… Chủ trì: Sở X; phối hợp: Sở Y; thời gian: Quý IV/2025"."""
    rows: list[TaskRow] = []
    seen = set() if seen is None else seen
    group, group_title = "", ""
    for s in _walk(plan.sections):
        if s.level == 1:
            group, group_title = s.marker, s.title
        sa = _sa(s.body)
        m = _INLINE.search(sa)
        if not m:
            continue
        seen.add(id(s))
        body = s.body
        title = squeeze(body[: m.start()]).rstrip(" .;:(")
        lead = squeeze(body[m.start("lead"):m.end("lead")])
        partners = squeeze(body[m.start("partners"):m.end("partners")])
        time = squeeze(body[m.start("time"):m.end("time")]) if m["time"] else ""
        rows.append(TaskRow(group, group_title, s.marker, title, "", lead, partners,
                            parse_timeframe(time, period_start=period[0], period_end=period[1]), source="inline",
                            lead=resolver.resolve(lead), partners=resolver.resolve(partners)))
    return rows


def _tasks_from_duties(plan: ParsedPlan, period) -> list[TaskRow]:
    """A plan without an appendix: each duty line of each unit is a task of that unit."""
    rows: list[TaskRow] = []
    for index, duty in enumerate(plan.duties, start=1):
        for number, item in enumerate(duty.items, start=1):
            rows.append(TaskRow(str(index), duty.unit_text, str(number), item, "", duty.unit_text, "",
                                _timeframe_in(item, period), source="duty", lead=duty.resolution))
    return rows
