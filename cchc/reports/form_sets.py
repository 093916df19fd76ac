"""Form sets as data: saved from an annex, copied to a new year, written back as DOCX and XLSX.

The exports carry the original's columns (STT | Chỉ tiêu thống kê | Đơn vị tính | Số liệu | Ghi
chú), codes, names and units of measure, so a file we write reads back into the same forms.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.db import transaction

from cchc.documents.official import AppendixTable, GroupRow, OfficialDocument, Signature, render_docx
from cchc.documents.tables import read_table, write_xlsx_sheets
from cchc.reports.forms_reader import ParsedAnnex, ParsedForm, ParsedIndicator, load_definitions
from cchc.reports.models import FormSet, Indicator, IndicatorKind, ReportForm
from cchc.reports.values import shown_value

COLUMNS = ["STT", "Chỉ tiêu thống kê (Sử dụng trong kỳ báo cáo hàng quý, 6 tháng, năm)", "Đơn vị tính", "Số liệu", "Ghi chú"]


@transaction.atomic
def form_set_save(annex: ParsedAnnex, *, title: str, document: str, year: int, outline=None) -> FormSet:
    """Store an annex's forms as a new version of the set for (document, year)."""
    version = (
        FormSet.objects.filter(document=document, year=year).order_by("-version").values_list("version", flat=True).first()
        or 0
    ) + 1
    form_set = FormSet.objects.create(
        title=title, document=document, year=year, version=version, outline=outline or load_definitions("4625")["outline"]
    )
    for parsed_form in annex.forms:
        form = ReportForm.objects.create(form_set=form_set, number=parsed_form.number, title=parsed_form.title)
        by_code: dict[str, Indicator] = {}
        for position, parsed in enumerate(parsed_form.indicators):
            by_code[parsed.code] = Indicator.objects.create(
                form=form,
                code=parsed.code,
                name=parsed.name,
                parent=by_code.get(parsed.parent_code),
                position=position,
                kind=parsed.kind,
                unit_label=parsed.unit_label,
                options=parsed.options,
                share_scope=parsed.share_scope,
                cumulative=parsed.cumulative,
                note="",
            )
        for parsed in parsed_form.indicators:
            if parsed.numerator_code:
                indicator = by_code[parsed.code]
                indicator.numerator = by_code[parsed.numerator_code]
                indicator.denominator = by_code[parsed.denominator_code]
                indicator.save(update_fields=["numerator", "denominator"])
    return form_set


@transaction.atomic
def form_set_copy(source: FormSet, *, year: int) -> FormSet:
    """A new year starts from the last set: same forms and indicators, linked to where it came from."""
    version = (
        FormSet.objects.filter(document=source.document, year=year).order_by("-version").values_list("version", flat=True).first()
        or 0
    ) + 1
    copy = FormSet.objects.create(
        title=source.title, document=source.document, year=year, version=version, previous=source, outline=source.outline
    )
    old_to_new: dict[int, Indicator] = {}
    for form in source.forms.prefetch_related("indicators"):
        new_form = ReportForm.objects.create(form_set=copy, number=form.number, title=form.title)
        for indicator in form.indicators.all():  # ordered by position: parents come first
            old_id = indicator.pk
            indicator.pk = None
            indicator.form = new_form
            indicator.parent = old_to_new.get(indicator.parent_id)
            indicator.save()
            old_to_new[old_id] = indicator
    for new in old_to_new.values():
        if new.numerator_id or new.denominator_id:
            new.numerator = old_to_new.get(new.numerator_id)
            new.denominator = old_to_new.get(new.denominator_id)
            new.save(update_fields=["numerator", "denominator"])
    return copy


def indicators_of(form_set: FormSet):
    return (
        Indicator.objects.filter(form__form_set=form_set)
        .select_related("form", "parent", "numerator", "denominator")
        .order_by("form__number", "position")
    )


def _rows(form_set: FormSet, values: dict, notes: dict | None = None):
    notes = notes or {}
    by_form: dict[int, list] = {}
    for indicator in indicators_of(form_set):
        key = (indicator.form.number, indicator.code)
        by_form.setdefault(indicator.form.number, []).append(
            (indicator, f"{indicator.code}.", shown_value(indicator.kind, values.get(key)), notes.get(key, indicator.note))
        )
    return by_form


def export_xlsx(form_set: FormSet, values: dict | None = None, notes: dict | None = None) -> bytes:
    """One sheet per form ("Biểu mẫu 1" …), the original's five columns."""
    sheets = []
    for number, rows in _rows(form_set, values or {}, notes).items():
        sheets.append((
            f"Biểu mẫu {number}",
            COLUMNS,
            [[code, ind.name, ind.unit_label, shown, note] for ind, code, shown, note in rows],
        ))
    return write_xlsx_sheets(sheets)


def export_docx(
    form_set: FormSet,
    values: dict | None = None,
    notes: dict | None = None,
    *,
    issuer: str,
    parent_body: str = "",
    place: str,
    date: datetime.date | None = None,
    reference: str = "",
) -> bytes:
    """The annex as its own official document: one landscape appendix per form."""
    forms = {f.number: f for f in form_set.forms.all()}
    appendices = []
    for number, rows in _rows(form_set, values or {}, notes).items():
        table_rows: list = []
        for ind, code, shown, note in rows:
            if ind.kind == IndicatorKind.GROUP:
                table_rows.append(GroupRow(code, ind.name))
            else:
                table_rows.append([code, ind.name, ind.unit_label, shown, note])
        appendices.append(
            AppendixTable(
                title=f"Biểu mẫu {number}",
                subtitle=forms[number].title,
                reference=reference,
                columns=COLUMNS,
                rows=table_rows,
                widths_cm=[1.6, 12.5, 3.4, 3.0, 4.5],
            )
        )
    doc = OfficialDocument(
        parent_body=parent_body,
        issuer=issuer,
        number=None,
        symbol="BC-UBND",
        place=place,
        date=date,
        year=form_set.year,
        doc_type="PHỤ LỤC",
        title=f"Biểu mẫu thống kê số liệu báo cáo cải cách hành chính năm {form_set.year}",
        body=[],
        recipients=[],
        signature=Signature(),
        appendices=appendices,
    )
    return render_docx(doc)


# --- The set's definition as a table: what the coordinator edits in Excel and what we ship ------

DEFINITION_COLUMNS = [
    "Biểu mẫu", "Tên biểu mẫu", "STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Loại", "Mã chấp nhận",
    "Tử số", "Mẫu số", "Tỷ lệ đơn vị", "Lũy kế", "Chỉ tiêu riêng", "Ghi chú",
]
SHIPPED = Path(__file__).resolve().parent / "data" / "4625_bieumau.csv"
_KINDS = {label: value for value, label in IndicatorKind.choices} | {value: value for value in IndicatorKind.values}
_YES = {"x", "có", "1", "true"}


class DefinitionError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def definition_rows(form_set: FormSet) -> list[list[str]]:
    rows = []
    for ind in indicators_of(form_set):
        rows.append([
            ind.form.number, ind.form.title, ind.code, ind.name, ind.unit_label, ind.get_kind_display(),
            "; ".join(f"{code} = {label}" for code, label in ind.options),
            ind.numerator.code if ind.numerator else "", ind.denominator.code if ind.denominator else "",
            ind.share_scope, "x" if ind.cumulative else "", "x" if ind.local else "", ind.note,
        ])
    return rows


def _options(text: str) -> list[list]:
    options = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        code, _, label = part.partition("=")
        options.append([int(code.strip()), label.strip()])
    return options


def _raise_if(errors: list[str]) -> None:
    if errors:
        raise DefinitionError(errors)


@transaction.atomic
def form_set_from_rows(rows: list[dict[str, str]], *, title: str, document: str, year: int, outline=None) -> FormSet:
    """A new version of the set from its definition table; any bad row → nothing saved."""
    errors: list[str] = []
    parsed: dict[int, ParsedForm] = {}
    for line, row in enumerate(rows, start=2):
        try:
            number = int(row.get("Biểu mẫu", "").strip())
        except ValueError:
            errors.append(f"Dòng {line}: cột “Biểu mẫu” phải là số (1–7…).")
            continue
        code = row.get("STT", "").strip().rstrip(".")
        kind = _KINDS.get(row.get("Loại", "").strip())
        if not code or not row.get("Chỉ tiêu thống kê", "").strip():
            errors.append(f"Dòng {line}: thiếu STT hoặc tên chỉ tiêu.")
            continue
        if kind is None:
            errors.append(f"Dòng {line}: loại chỉ tiêu “{row.get('Loại', '')}” không hợp lệ.")
            continue
        try:
            options = _options(row.get("Mã chấp nhận", ""))
        except ValueError:
            errors.append(f"Dòng {line}: “Mã chấp nhận” phải có dạng “0 = Không; 1 = Có”.")
            continue
        form = parsed.setdefault(number, ParsedForm(number=number, title=row.get("Tên biểu mẫu", "").strip()))
        if any(i.code == code for i in form.indicators):
            errors.append(f"Dòng {line}: chỉ tiêu {code} của biểu mẫu {number} bị trùng.")
            continue
        parent = code.rsplit(".", 1)[0] if "." in code else ""
        form.indicators.append(ParsedIndicator(
            code=code, name=row["Chỉ tiêu thống kê"].strip(), unit_label=row.get("Đơn vị tính", "").strip(),
            raw_value="", note=row.get("Ghi chú", "").strip(), kind=kind, options=options,
            cumulative=row.get("Lũy kế", "").strip().lower() in _YES,
            parent_code=parent if any(i.code == parent for i in form.indicators) else "",
            numerator_code=row.get("Tử số", "").strip().rstrip("."),
            denominator_code=row.get("Mẫu số", "").strip().rstrip("."),
            share_scope=row.get("Tỷ lệ đơn vị", "").strip(),
        ))
    for form in parsed.values():
        codes = {i.code for i in form.indicators}
        for ind in form.indicators:
            if ind.kind == IndicatorKind.RATIO and not ({ind.numerator_code, ind.denominator_code} <= codes):
                errors.append(f"Biểu mẫu {form.number}, chỉ tiêu {ind.code}: tỷ lệ phải có tử số và mẫu số là chỉ tiêu của cùng biểu mẫu.")
            if ind.kind in (IndicatorKind.YESNO, IndicatorKind.CHOICE, IndicatorKind.SHARE) and len(ind.options) < 2:
                errors.append(f"Biểu mẫu {form.number}, chỉ tiêu {ind.code}: cần ít nhất hai mã chấp nhận.")
    if not parsed and not errors:
        errors.append("Bảng không có chỉ tiêu nào.")
    _raise_if(errors)
    annex = ParsedAnnex(title=title, forms=[parsed[n] for n in sorted(parsed)])
    return form_set_save(annex, title=title, document=document, year=year, outline=outline)


def load_shipped_form_set(year: int) -> FormSet:
    """The national set (4625/BNV-CCHC) as shipped with the product, for `year`; idempotent."""
    definitions = load_definitions("4625")
    existing = FormSet.objects.filter(document=definitions["document"], year=year).order_by("-version").first()
    if existing:
        return existing
    rows = read_table(SHIPPED.read_bytes(), SHIPPED.name)
    return form_set_from_rows(
        rows, title="Biểu mẫu thống kê số liệu báo cáo cải cách hành chính", document=definitions["document"],
        year=year, outline=definitions["outline"],
    )
