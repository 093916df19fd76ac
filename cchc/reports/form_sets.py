"""Form sets as data: saved from an annex, copied to a new year, written back as DOCX and XLSX.

The exports carry the original's columns (STT | Chỉ tiêu thống kê | Đơn vị tính | Số liệu | Ghi
chú), codes, names and units of measure, so a file we write reads back into the same forms.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from cchc.documents.official import AppendixTable, GroupRow, OfficialDocument, Signature, render_docx
from cchc.documents.tables import write_xlsx_sheets
from cchc.reports.forms_reader import ParsedAnnex
from cchc.reports.models import FormSet, Indicator, IndicatorKind, ReportForm
from cchc.reports.values import format_number

COLUMNS = ["STT", "Chỉ tiêu thống kê (Sử dụng trong kỳ báo cáo hàng quý, 6 tháng, năm)", "Đơn vị tính", "Số liệu", "Ghi chú"]


@transaction.atomic
def form_set_save(annex: ParsedAnnex, *, title: str, document: str, year: int) -> FormSet:
    """Store an annex's forms as a new version of the set for (document, year)."""
    version = (
        FormSet.objects.filter(document=document, year=year).order_by("-version").values_list("version", flat=True).first()
        or 0
    ) + 1
    form_set = FormSet.objects.create(title=title, document=document, year=year, version=version)
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
    copy = FormSet.objects.create(title=source.title, document=source.document, year=year, version=version, previous=source)
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


def _shown(indicator: Indicator, value: Decimal | None) -> str:
    if value is None:
        return ""
    if indicator.kind in (IndicatorKind.RATIO, IndicatorKind.PERCENT, IndicatorKind.SHARE, IndicatorKind.MONEY):
        places = 2 if value != value.to_integral_value() else 0
        return format_number(value, places)
    return format_number(value)


def _rows(form_set: FormSet, values: dict, notes: dict | None = None):
    notes = notes or {}
    by_form: dict[int, list] = {}
    for indicator in indicators_of(form_set):
        key = (indicator.form.number, indicator.code)
        by_form.setdefault(indicator.form.number, []).append(
            (indicator, f"{indicator.code}.", _shown(indicator, values.get(key)), notes.get(key, indicator.note))
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
