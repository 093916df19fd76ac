"""A report as the documents people send: the official DOCX (NĐ 30/2020: header, "Số: …/BC-UBND",
place and date, the national I–IV outline, Nơi nhận, signature, the seven forms as annex tables)
and the XLSX of its forms, with one sheet per form and, for a compiled report, one per form broken
down by unit."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from cchc.documents.official import AppendixTable, Bullet, GroupRow, Heading, OfficialDocument, Para, Signature, render_docx
from cchc.documents.tables import write_xlsx_sheets_direct
from cchc.reports import compile as compiling
from cchc.reports.form_sets import COLUMNS, indicators_of
from cchc.reports.models import IndicatorKind, Report
from cchc.reports.values import PERCENT_LIKE, shown_value

RECIPIENTS = ["Bộ Nội vụ (Vụ Cải cách hành chính)", "Thường trực Tỉnh ủy", "Thường trực HĐND tỉnh", "Chủ tịch, các PCT UBND tỉnh", "Lưu: VT, SNV"]


def export_filename(report: Report, ext: str) -> str:
    return f"bao-cao-cchc-{report.period.kind}-{report.period.year}-{report.unit.code}.{ext}"


def _shown(kind: str, value: Decimal | None, note: str) -> str:
    # A compiled yes/no or choice is its note ("12/15 đơn vị"), not a number.
    if kind in (IndicatorKind.YESNO, IndicatorKind.CHOICE) and note:
        return note
    return shown_value(kind, value)


def value_texts(report: Report) -> dict[int, str]:
    """Each figure as printed: what the report holds now (live until submitted, `live.cells`)."""
    from cchc.reports import live

    indicators = list(indicators_of(report.period.form_set))
    cells = live.cells(report, indicators)
    return {i.pk: _shown(i.kind, cells[i.pk].value, cells[i.pk].note) for i in indicators if cells[i.pk].origin}


def _cell(kind: str, value: Decimal | None, note: str, *, compiled: bool) -> object:
    """A figure for an XLSX cell: the number itself, never its printed text. A count or a code
    (yes/no, choice, a unit's own answer to a share) is an int, written as "#,##0"; a percentage,
    a ratio or an amount is a Decimal rounded as printed (2 places), written as "#,##0.00"
    (`cchc.documents.tables.xlsx_number`). The file stores 25898 and 99.1; a vi-VN viewer shows
    "25.898" and "99,10". Only a compiled yes/no or choice stays text: its note ("12/15 đơn vị")."""
    if kind in (IndicatorKind.YESNO, IndicatorKind.CHOICE) and note:
        return note
    if value is None or kind == IndicatorKind.GROUP:
        return ""
    if kind in PERCENT_LIKE and not (kind == IndicatorKind.SHARE and not compiled):
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return int(value) if value == value.to_integral_value() else value


_CENT = Decimal("0.01")


def _unit_cells(kind: str, pk: int, columns: list[tuple[dict, bool]]) -> list[object]:
    """`_cell(kind, values.get(pk), "", compiled=compiled)` for each unit's column of a by-unit sheet,
    the kind's branch taken once per row rather than once per cell (430,000 cells at 3,500 units)."""
    if kind == IndicatorKind.GROUP:
        return [""] * len(columns)
    rounded = kind in PERCENT_LIKE
    share = kind == IndicatorKind.SHARE
    out = []
    append = out.append
    for values, compiled in columns:
        value = values.get(pk)
        if value is None:
            append("")
        elif rounded and (compiled or not share):
            append(value.quantize(_CENT, rounding=ROUND_HALF_UP))
        else:
            append(int(value) if value == value.to_integral_value() else value)
    return out


def value_cells(report: Report) -> dict[int, object]:
    """Each figure as an XLSX cell holds it (`_cell`), from the same figures as `value_texts`."""
    from cchc.reports import live

    indicators = list(indicators_of(report.period.form_set))
    cells = live.cells(report, indicators)
    return {
        i.pk: _cell(i.kind, cells[i.pk].value, cells[i.pk].note, compiled=report.compiled)
        for i in indicators if cells[i.pk].origin
    }


def _form_rows(report: Report, texts: dict[int, object]):
    forms: dict[int, list] = {}
    for ind in indicators_of(report.period.form_set):
        forms.setdefault(ind.form.number, []).append((ind, texts.get(ind.pk, "")))
    return forms


def _issuer(unit) -> tuple[str, str]:
    if unit.kind == "province":
        return unit.name.upper(), ""
    if unit.kind in ("commune", "ward"):
        return unit.name.upper(), ""
    parent = unit.parent.name.upper() if unit.parent else ""
    return unit.name.upper(), parent


def _outline_body(report: Report) -> list:
    body: list = []
    extra = _extras(report) if report.compiled else {}
    for key, heading in report.period.form_set.outline:
        if "." not in key:
            body.append(Heading(f"{key}. {heading.upper()}", level=1))
        else:
            body.append(Heading(f"{key.split('.', 1)[1]}. {heading}", level=2))
        text = (report.narrative.get(key) or "").strip()
        for line in filter(None, (line.strip() for line in text.splitlines())):
            body.append(Para(line))
        body.extend(extra.get(key, []))
    return body


def _extras(report: Report) -> dict[str, list]:
    """For a compiled report: tasks by group (I.2) and communication results (I.4) as figures."""
    groups = compiling.tasks_by_group(report.period, report.unit)
    extra: dict[str, list] = {}
    if groups:
        extra["I.2"] = [
            Bullet(
                f"{g['task__group_code'] or ''} {g['task__group_title'] or 'Nhiệm vụ khác'}: {g['planned']} nhiệm vụ; "
                f"hoàn thành đúng hạn {g['on_time']}, trễ hạn {g['late']}; chưa hoàn thành {g['overdue']}.".strip()
            )
            for g in groups
        ]
    comms = compiling.communication_results(report.period, report.unit)
    if comms:
        extra["I.4"] = [Bullet(f"{r['label']}: {r['activities']} hoạt động, số lượng {r['quantity']}, tiếp cận {r['reach']}.") for r in comms]
    return extra


def report_docx(report: Report, *, progress=None) -> bytes:
    """The official DOCX; `progress(done, total)` after each of its three steps (figures, annex tables,
    the document), for the background export of a big compiled report."""
    step = progress or (lambda done, total: None)
    texts = value_texts(report)
    step(1, 3)
    forms = {f.number: f for f in report.period.form_set.forms.all()}
    appendices = []
    reference = f"(Kèm theo Báo cáo số      /BC-UBND ngày      tháng      năm {report.period.year} của {report.unit.name})"
    for number, rows in _form_rows(report, texts).items():
        table_rows: list = []
        for ind, shown in rows:
            if ind.kind == IndicatorKind.GROUP:
                table_rows.append(GroupRow(f"{ind.code}.", ind.name))
            else:
                table_rows.append([f"{ind.code}.", ind.name, ind.unit_label, shown, ""])
        appendices.append(AppendixTable(
            title=f"Biểu mẫu {number}", subtitle=forms[number].title, reference=reference,
            columns=COLUMNS, rows=table_rows, widths_cm=[1.6, 12.5, 3.4, 3.0, 4.5],
        ))
    if report.compiled:
        figures = compiling.compile_figures(report.period, compiling.sources(report.period, report.unit))
        attainment = compiling.target_attainment(report.period, report.unit, figures)
        if attainment:
            appendices.insert(0, AppendixTable(
                title="Phụ lục", subtitle="Kết quả thực hiện các chỉ tiêu của kế hoạch", reference=reference,
                columns=["STT", "Chỉ tiêu", "Yêu cầu", "Kết quả", "Đánh giá"],
                rows=[[str(i), a.target.text, a.target.label, _shown(IndicatorKind.PERCENT, a.measured, ""), a.label]
                      for i, a in enumerate(attainment, start=1)],
            ))
    step(2, 3)
    issuer, parent_body = _issuer(report.unit)
    doc = OfficialDocument(
        parent_body=parent_body, issuer=issuer, number=report.number or None, symbol="BC-UBND",
        place=_place(report), date=None, year=report.period.year, doc_type="BÁO CÁO",
        title=f"Kết quả thực hiện công tác cải cách hành chính {report.period.in_sentence}",
        body=_outline_body(report), recipients=RECIPIENTS,
        signature=Signature(authority="TM. ỦY BAN NHÂN DÂN", deputy="KT. CHỦ TỊCH", title="PHÓ CHỦ TỊCH"),
        appendices=appendices,
    )
    data = render_docx(doc)
    step(3, 3)
    return data


def _place(report: Report) -> str:
    """The province's name for the date line ("Ninh Bình, ngày … tháng … năm …")."""
    from cchc.orgs.models import Unit

    root_id = report.unit.path.strip("/").split("/")[0]
    root = Unit.objects.filter(pk=root_id).values_list("name", flat=True).first() or ""
    match = re.search(r"tỉnh\s+(.+)$", root, flags=re.IGNORECASE)
    return match.group(1) if match else root


def report_xlsx(report: Report, *, progress=None) -> bytes:
    """The forms, one sheet each, and for a compiled report one sheet per form by unit (3,500 units ×
    123 indicators: written by `write_xlsx_sheets_direct`). `progress(done, total)`: the figures, then
    each sheet."""
    step = progress or (lambda done, total: None)
    texts = value_cells(report)
    sheets = []
    rows_by_form = _form_rows(report, texts)
    for number, rows in rows_by_form.items():
        sheets.append((f"Biểu mẫu {number}", COLUMNS, [[f"{i.code}.", i.name, i.unit_label, shown, ""] for i, shown in rows]))
    if report.compiled:
        reports = compiling.sources(report.period, report.unit)
        table = compiling.breakdown(report.period, reports)
        names = [r.unit.display_name for r in reports]
        columns = [(table[r.pk], r.compiled) for r in reports]  # looked up once, not once per cell
        for number, rows in rows_by_form.items():
            sheet_rows = []
            for ind, shown in rows:
                sheet_rows.append([f"{ind.code}.", ind.name, ind.unit_label, shown] + _unit_cells(ind.kind, ind.pk, columns))
            sheets.append((f"BM{number} theo đơn vị", ["STT", "Chỉ tiêu", "Đơn vị tính", "Tổng hợp", *names], sheet_rows))
    total = len(sheets) + 1
    step(1, total)
    return write_xlsx_sheets_direct(sheets, progress=lambda n: step(1 + n, total))
