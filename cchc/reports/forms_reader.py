"""Read the national annex "BIỂU MẪU THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH" into forms.

The annex (e.g. `ld_bc_cchc_nam_2025_phuluc.docx`) is a run of "Biểu mẫu N" headings, each followed
by a title line and a table "STT | Chỉ tiêu thống kê | Đơn vị tính | Số liệu | Ghi chú" that may
continue over a page break as a second table. What a row is follows from what is printed:
- no unit and no value: a heading over its children;
- "%" with exactly two children counted in the same unit: a ratio of the second over the first
  ("Tỷ lệ hoàn thành" = "đã hoàn thành" / "đề ra"), so it is computed, never typed;
- "Có = 1; Không = 0", "Chưa = 0 / Hoàn thành = 1": yes/no; other "label = code" lists: coded choice;
- "Triệu đồng": money; any other unit (or none, beside a value): a count.
Where the printed form gives a ratio no components (the share of departments that finished their
reorganisation), the definitions file shipped beside it says what the percentage counts.

The values printed in the annex are read too, as one unit's report would be, so the round trip
(annex in → forms and values → DOCX/XLSX out) can be checked against the original.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from cchc.documents.reading import Paragraph, Table, extract
from cchc.lib.text import fold, squeeze
from cchc.reports.models import IndicatorKind

DEFINITIONS_DIR = Path(__file__).resolve().parent / "data"

_FORM_HEADING = re.compile(r"^bieu mau\s+(\d+)$")
_CODE = re.compile(r"^\d+(\.\d+)*\.?$")
_OPTION = re.compile(r"([^=;/\n]*?[^\W\d_][^=;/\n]*?)\s*=\s*(\d+)")


class FormsReadError(ValueError):
    """The file is not a form annex we can read; the message says why, in Vietnamese."""


@dataclass
class ParsedIndicator:
    code: str
    name: str
    unit_label: str
    raw_value: str
    note: str
    kind: str = ""
    options: list[list] = field(default_factory=list)
    cumulative: bool = False
    parent_code: str = ""
    numerator_code: str = ""
    denominator_code: str = ""
    share_scope: str = ""


@dataclass
class ParsedForm:
    number: int
    title: str
    indicators: list[ParsedIndicator] = field(default_factory=list)


@dataclass
class ParsedAnnex:
    title: str
    forms: list[ParsedForm]

    def indicators(self):
        for form in self.forms:
            for indicator in form.indicators:
                yield form, indicator


def read_annex(data: bytes, filename: str, *, definitions: str | None = "4625") -> ParsedAnnex:
    """The forms, their indicators and the values printed in an annex file (DOCX or legacy DOC)."""
    document = extract(data, filename)
    title = ""
    forms: list[ParsedForm] = []
    expecting_title = False
    for block in document.blocks:
        if isinstance(block, Paragraph):
            text = squeeze(block.text)
            heading = _FORM_HEADING.match(fold(text))
            if heading:
                forms.append(ParsedForm(number=int(heading.group(1)), title=""))
                expecting_title = True
            elif expecting_title and text:
                forms[-1].title = text
                expecting_title = False
            elif not forms and "bieu mau thong ke" in fold(text):
                title = text
            continue
        if not forms:
            continue
        forms[-1].indicators.extend(_rows(block))
    forms = [form for form in forms if form.indicators]
    if not forms:
        raise FormsReadError(
            "Không tìm thấy biểu mẫu nào: tệp phải có các đề mục “Biểu mẫu 1”, “Biểu mẫu 2”… "
            "mỗi đề mục kèm bảng “STT | Chỉ tiêu thống kê | Đơn vị tính | Số liệu | Ghi chú”."
        )
    for form in forms:
        _link(form)
    if definitions:
        _apply_definitions(forms, definitions)
    return ParsedAnnex(title=title, forms=forms)


def _rows(table: Table) -> list[ParsedIndicator]:
    rows = []
    for cells in table.rows:
        cells = [squeeze(c.replace("\n", " / ")) if i == 2 else squeeze(c) for i, c in enumerate(cells)]
        cells += [""] * (5 - len(cells))
        code = cells[0]
        if not _CODE.match(code):
            continue  # the header rows ("STT", "Chỉ tiêu thống kê …") and anything unnumbered
        rows.append(
            ParsedIndicator(
                code=code.rstrip("."), name=cells[1], unit_label=cells[2], raw_value=cells[3], note=cells[4]
            )
        )
    return rows


def _parent_code(code: str) -> str:
    return code.rsplit(".", 1)[0] if "." in code else ""


def _link(form: ParsedForm) -> None:
    by_code = {i.code: i for i in form.indicators}
    for indicator in form.indicators:
        parent = _parent_code(indicator.code)
        indicator.parent_code = parent if parent in by_code else ""
        indicator.cumulative = "luy ke" in fold(indicator.name)
    children: dict[str, list[ParsedIndicator]] = {}
    for indicator in form.indicators:
        children.setdefault(indicator.parent_code, []).append(indicator)
    # Children first, so that a count with no printed unit can borrow its children's.
    for indicator in reversed(form.indicators):
        indicator.kind, indicator.options = _kind(indicator, children.get(indicator.code, []))
    for indicator in form.indicators:
        if not indicator.unit_label and indicator.kind == IndicatorKind.COUNT:
            indicator.unit_label = _borrowed_unit(indicator, children, form.indicators)


def _kind(indicator: ParsedIndicator, kids: list[ParsedIndicator]) -> tuple[str, list]:
    unit = indicator.unit_label
    options = [[int(code), squeeze(label)] for label, code in _OPTION.findall(unit)]
    if len(options) >= 2:
        codes = sorted(code for code, _ in options)
        return (IndicatorKind.YESNO if codes == [0, 1] else IndicatorKind.CHOICE), sorted(options)
    if unit == "%":
        parts = [k for k in kids if k.unit_label not in ("%", "")]
        if len(kids) == 2 and len(parts) == 2 and parts[0].unit_label == parts[1].unit_label:
            indicator.denominator_code, indicator.numerator_code = parts[0].code, parts[1].code
            return IndicatorKind.RATIO, []
        return IndicatorKind.PERCENT, []
    if not unit and not indicator.raw_value:
        return IndicatorKind.GROUP, []
    if fold(unit) in ("trieu dong", "dong", "ty dong", "nghin dong"):
        return IndicatorKind.MONEY, []
    return IndicatorKind.COUNT, []


def _borrowed_unit(indicator, children, siblings) -> str:
    """A count printed without its unit takes its children's, else its previous sibling's."""
    for kid in children.get(indicator.code, []):
        if kid.kind == IndicatorKind.COUNT and kid.unit_label:
            return kid.unit_label
    before = [s for s in siblings if s.parent_code == indicator.parent_code and s is not indicator]
    earlier = [s for s in before if siblings.index(s) < siblings.index(indicator) and s.unit_label]
    return earlier[-1].unit_label if earlier and earlier[-1].kind == IndicatorKind.COUNT else ""


def load_definitions(name: str) -> dict:
    path = DEFINITIONS_DIR / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _apply_definitions(forms: list[ParsedForm], name: str) -> None:
    """Ratios that the printed form leaves undefined, as the province's coordinators define them."""
    shares = load_definitions(name).get("shares", {})
    for form in forms:
        for indicator in form.indicators:
            scope = shares.get(f"{form.number}/{indicator.code}")
            if scope:
                indicator.kind, indicator.share_scope = IndicatorKind.SHARE, scope
                indicator.options = [[0, "Chưa hoàn thành"], [1, "Đã hoàn thành"]]
