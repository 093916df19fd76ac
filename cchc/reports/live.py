"""A report stays live until it is submitted: the figures the system holds are computed from the
records each time the report is viewed, exported or checked, and frozen — with the ids of the
records behind each — when it is submitted. A returned report is live again.

Which indicator the records answer, and how, is data (`sources` in `data/4625.json`): the
indicator's key ("1/2.1") → a named query of `cchc.records` with its parameters, the window
(the period's, or the year so far for cumulative indicators), and how records make a figure (a
count, "any" for a yes/no, a percentage of another query, or a "code" read from which of several
variants of the query have records: form 1 item 5.2 is 0 for online answers only, 1 for paper only,
2 for both). Everything else is typed by the unit,
and a typed figure that the records contradict is flagged with both figures, never blocked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.db import transaction
from django.urls import reverse

from cchc import records as named
from cchc.reports.forms_reader import load_definitions
from cchc.reports.models import Indicator, IndicatorKind, Period, Report, ReportStatus, ReportValue, ValueOrigin
from cchc.reports.values import ratio

FROZEN = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


@dataclass(frozen=True)
class Source:
    key: str  # "1/2.1"
    query: str
    params: dict = field(default_factory=dict)
    window: str = "period"  # or "year": from 1 January to the period's end
    aggregate: str = "count"  # count | any | percent | code
    of: dict | None = None  # for a percentage: the parameters of the total
    variants: dict | None = None  # for a code: {name: extra parameters}, each variant counted apart
    codes: dict | None = None  # for a code: {"name+name" of the variants with records: code}
    units: bool = True  # computed in each unit's own report
    province: bool = False  # the province's report counts the whole province instead of adding up

    def span(self, period: Period) -> tuple[datetime.date, datetime.date]:
        if self.window == "year":
            return datetime.date(period.year, 1, 1), period.end
        return period.start, period.end

    def describe(self) -> str:
        text = named.get(self.query).describe(named.get(self.query).clean(self.params))
        if self.aggregate == "any":
            text += " (Có = có ít nhất một)"
        if self.aggregate == "percent":
            text += " / " + named.get(self.query).describe(named.get(self.query).clean(self.of)).lower()
        if self.aggregate == "code":
            text += " (" + "; ".join(f"{code} = {names.replace('+', ' và ')}" for names, code in self.codes.items()) + ")"
        return text

    def parts(self, count) -> dict[str, int] | None:
        """For a code: {variant: how many records}, `count` counting one parameter set."""
        if self.aggregate != "code":
            return None
        return {name: count({**self.params, **extra}) for name, extra in self.variants.items()}


@cache
def sources() -> dict[str, Source]:
    """The mapping, read once: {"1/2.1": Source(...)}."""
    raw = load_definitions("4625").get("sources", {})
    return {key: Source(key=key, **spec) for key, spec in raw.items()}


def imported_keys() -> set[str]:
    return set(load_definitions("4625").get("imported", []))


def key_of(indicator: Indicator) -> str:
    return f"{indicator.form.number}/{indicator.code}"


@dataclass
class Fed:
    """A figure the records give: its value, the words for it, and the list it opens."""

    source: Source
    value: Decimal | None
    label: str
    ids: list[int] | None = None  # filled when freezing


def _figure(source: Source, n: int, total: int | None, parts: dict[str, int] | None = None) -> Decimal | None:
    if source.aggregate == "code":  # no records at all: nothing to say, the unit types it if it must
        code = source.codes.get("+".join(name for name, k in parts.items() if k))
        return None if code is None else Decimal(code)
    if source.aggregate == "any":
        return Decimal(1 if n else 0)
    if source.aggregate == "percent":
        return None if not total else Decimal(n) * 100 / Decimal(total)
    return Decimal(n)


def _label(source: Source, period: Period, n: int, total: int | None, parts: dict[str, int] | None = None) -> str:
    start, end = source.span(period)
    what = named.get(source.query).describe(named.get(source.query).clean(source.params)).lower()
    if source.aggregate == "percent":
        return f"{n}/{total or 0} {what}, {start:%d/%m/%Y}–{end:%d/%m/%Y}"
    if parts is not None:
        each = "; ".join(f"{name}: {k}" for name, k in parts.items())
        return f"{n} {what} ({each}), {start:%d/%m/%Y}–{end:%d/%m/%Y}"
    return f"{n} {what}, {start:%d/%m/%Y}–{end:%d/%m/%Y}"


def applies(source: Source, report: Report) -> bool:
    """Whether the records answer this indicator in this report: a unit's own report, or the
    province's compiled one for province-wide figures."""
    return source.province if is_province_report(report) else source.units and not report.compiled


def is_province_report(report: Report) -> bool:
    return report.compiled and report.unit.parent_id is None


def fed_values(report: Report, indicators) -> dict[int, Fed]:
    """{indicator id: Fed} for one report, now: one COUNT per fed indicator, whatever the records."""
    found = {}
    specs = sources()
    province = is_province_report(report)
    for ind in indicators:
        source = specs.get(key_of(ind))
        if source is None or not applies(source, report):
            continue
        start, end = source.span(report.period)
        n = _count(source.query, start, end, source.params, report.unit, province)
        total = _count(source.query, start, end, source.of, report.unit, province) if source.of is not None else None
        parts = source.parts(lambda params: _count(source.query, start, end, params, report.unit, province))
        found[ind.pk] = Fed(source, _figure(source, n, total, parts), _label(source, report.period, n, total, parts))
    return found


def _count(query: str, start, end, params, unit, province: bool) -> int:
    return province_records(query, start, end, params, unit).count() if province else named.count(query, start, end, params, unit=unit)


def province_records(query: str, start, end, params, unit):
    """The records of the whole province (the unit's subtree), for the province's own report."""
    return named.records(query, start, end, params, unit=unit, subtree=True)


def live_records(report: Report, indicator: Indicator):
    """The records an indicator's figure counts in this report right now (what "xem nguồn" lists)."""
    source = sources()[key_of(indicator)]
    start, end = source.span(report.period)
    if is_province_report(report):
        return province_records(source.query, start, end, source.params, report.unit)
    return named.records(source.query, start, end, source.params, unit=report.unit)


def record_model(indicator: Indicator):
    source = sources()[key_of(indicator)]
    return named.get(source.query).build(datetime.date.min, datetime.date.min, named.get(source.query).clean(source.params)).model


def value_url(report: Report, indicator: Indicator) -> str:
    return reverse("reports:value_records", args=[report.pk, indicator.pk])


# --- the report as shown: typed values, live figures, ratios ---------------------------------------


@dataclass
class Cell:
    value: Decimal | None
    origin: str  # a ValueOrigin value, or "" when nothing is there
    note: str = ""
    typed: Decimal | None = None  # what the unit typed, when it typed over the records
    computed: Decimal | None = None  # what the records give (live, or as frozen)
    source: str = ""
    url: str = ""

    previous: Decimal | None = None  # a cumulative figure's value in the unit's previous report of the year

    @property
    def conflict(self) -> bool:
        """A typed figure the records contradict (shown with both figures, not blocked)."""
        return self.typed is not None and self.computed is not None and self.typed != self.computed


def cells(report: Report, indicators, rows: dict[int, ReportValue] | None = None) -> dict[int, Cell]:
    """Every indicator's figure in this report, as it stands now: stored rows, plus — while the
    report is live — the records' figures, and ratios recomputed from what their components are."""
    rows = rows if rows is not None else {v.indicator_id: v for v in report.values.all()}
    live = report.status not in FROZEN
    fed = fed_values(report, indicators) if live else {}
    out: dict[int, Cell] = {}
    for ind in indicators:
        row = rows.get(ind.pk)
        typed = row.value if row is not None and row.origin in (ValueOrigin.TYPED, ValueOrigin.IMPORTED) else None
        if ind.pk in fed:
            f = fed[ind.pk]
            if typed is not None:
                out[ind.pk] = Cell(typed, ValueOrigin.TYPED, row.note, typed, f.value, f.label, value_url(report, ind))
            else:
                out[ind.pk] = Cell(f.value, ValueOrigin.RECORDS, row.note if row else "", None, f.value, f.label,
                                   value_url(report, ind))
        elif row is not None:
            frozen_fed = row.origin == ValueOrigin.RECORDS or row.computed is not None
            out[ind.pk] = Cell(
                row.value, row.origin if row.value is not None or row.note else "", row.note,
                typed if frozen_fed else None, row.computed if row.computed is not None else (row.value if frozen_fed else None),
                row.source, value_url(report, ind) if (frozen_fed or report.compiled) else row.source_url,
            )
        else:
            out[ind.pk] = Cell(None, "")
    if live and not report.compiled:
        carried = previous_figures(report, [i for i in indicators if i.cumulative and out[i.pk].value is None])
        for ind_id, value in carried.items():
            out[ind_id].previous = value
    if live:
        for ind in indicators:  # a ratio follows its components, whatever they are now
            if ind.kind == IndicatorKind.RATIO and ind.numerator_id and ind.denominator_id:
                num, den = out.get(ind.numerator_id), out.get(ind.denominator_id)
                value = ratio(num.value if num else None, den.value if den else None)
                out[ind.pk] = Cell(value, ValueOrigin.RECORDS if value is not None and ValueOrigin.RECORDS in (
                    num.origin, den.origin) else (ValueOrigin.TYPED if value is not None else ""))
    return out


def previous_figures(report: Report, indicators) -> dict[int, Decimal]:
    """Cumulative indicators carry on from the unit's previous report of the same year (one query)."""
    ids = [i.pk for i in indicators]
    if not ids:
        return {}
    rows = (
        ReportValue.objects.filter(report__unit_id=report.unit_id, report__period__year=report.period.year,
                                   report__period__end__lt=report.period.end, indicator__code__in=[i.code for i in indicators],
                                   value__isnull=False)
        .order_by("report__period__end")
        .values_list("indicator__form__number", "indicator__code", "value")
    )
    by_key = {(i.form.number, i.code): i.pk for i in indicators}
    out = {}
    for number, code, value in rows:  # the latest period wins
        if (number, code) in by_key:
            out[by_key[(number, code)]] = value
    return out


# --- freezing at submission -----------------------------------------------------------------------


def freeze_many(period: Period, reports: list[Report], indicators) -> int:
    """Write, for each report, every fed figure with the ids of the records behind it — one query
    per fed indicator for all the reports together, then bulk writes. Typed figures stay typed,
    with the records' figure kept beside them. Returns the number of values written."""
    by_key = {key_of(i): i for i in indicators}
    unit_reports = [r for r in reports if not r.compiled]
    unit_ids = [r.unit_id for r in unit_reports]
    existing = {(v.report_id, v.indicator_id): v for v in ReportValue.objects.filter(report__in=unit_reports)}
    to_create, to_update = [], []
    figures: dict[int, dict[int, Decimal | None]] = {r.pk: {} for r in unit_reports}
    for key, source in sources().items():
        ind = by_key.get(key)
        if ind is None or not source.units or not unit_reports:
            continue
        start, end = source.span(period)
        ids = named.ids_by_unit(source.query, start, end, source.params, unit_ids)
        totals = named.counts_by_unit(source.query, start, end, source.of, unit_ids) if source.of is not None else {}
        by_part = source.parts(lambda params: named.counts_by_unit(source.query, start, end, params, unit_ids))
        for report in unit_reports:
            got = ids.get(report.unit_id, [])
            total = totals.get(report.unit_id, 0) if source.of is not None else None
            parts = None if by_part is None else {name: k.get(report.unit_id, 0) for name, k in by_part.items()}
            value = _figure(source, len(got), total, parts)
            label = _label(source, period, len(got), total, parts)
            row = existing.get((report.pk, ind.pk))
            url = reverse("reports:value_records", args=[report.pk, ind.pk])
            if row is None:
                to_create.append(ReportValue(report=report, indicator=ind, value=value, origin=ValueOrigin.RECORDS,
                                             computed=value, records=got, source=label, source_url=url))
                figures[report.pk][ind.pk] = value
                continue
            if row.origin in (ValueOrigin.TYPED, ValueOrigin.IMPORTED) and row.value is not None:
                figures[report.pk][ind.pk] = row.value
            else:
                row.value, row.origin = value, ValueOrigin.RECORDS
                figures[report.pk][ind.pk] = value
            row.computed, row.records, row.source, row.source_url = value, got, label, url
            to_update.append(row)
    # Ratios of the frozen figures (a typed component counts as typed).
    for report in unit_reports:
        for ind in indicators:
            if ind.kind != IndicatorKind.RATIO or not (ind.numerator_id and ind.denominator_id):
                continue
            own = figures[report.pk]
            num = own.get(ind.numerator_id, _stored(existing, report, ind.numerator_id))
            den = own.get(ind.denominator_id, _stored(existing, report, ind.denominator_id))
            value = ratio(num, den)
            origin = ValueOrigin.RECORDS if ind.numerator_id in own or ind.denominator_id in own else ValueOrigin.TYPED
            row = existing.get((report.pk, ind.pk))
            if row is None and value is not None:
                to_create.append(ReportValue(report=report, indicator=ind, value=value, origin=origin))
            elif row is not None:
                row.value, row.origin = value, origin
                to_update.append(row)
    ReportValue.objects.bulk_create(to_create, batch_size=1000)
    ReportValue.objects.bulk_update(to_update, ["value", "origin", "computed", "records", "source", "source_url"], batch_size=1000)
    return len(to_create) + len(to_update)


def _stored(existing, report, indicator_id):
    row = existing.get((report.pk, indicator_id))
    return row.value if row is not None else None


def freeze(report: Report) -> int:
    """One report's figures frozen at its submission (the caller holds the row lock)."""
    from cchc.reports.form_sets import indicators_of
    from cchc.reports.services import live_narrative

    indicators = list(indicators_of(report.period.form_set))
    written = freeze_many(report.period, [report], indicators) if not report.compiled else 0
    if is_province_report(report):
        written += apply_province_values(report, indicators)
    texts = live_narrative(report)
    filled = {k: v for k, v in texts.items() if not (report.narrative.get(k) or "").strip()}
    if filled:
        report.narrative = {**report.narrative, **filled}
        report.save(update_fields=["narrative"])
    return written


@transaction.atomic
def apply_province_values(report: Report, indicators) -> int:
    """The province's own compiled report: province-wide figures (procedures published, public
    service units) replace the sums, with their records."""
    written = 0
    existing = {v.indicator_id: v for v in report.values.all()}
    for ind in indicators:
        source = sources().get(key_of(ind))
        if source is None or not source.province:
            continue
        start, end = source.span(report.period)
        ids = list(province_records(source.query, start, end, source.params, report.unit).values_list("pk", flat=True))
        total = province_records(source.query, start, end, source.of, report.unit).count() if source.of is not None else None
        parts = source.parts(lambda params: province_records(source.query, start, end, params, report.unit).count())
        value = _figure(source, len(ids), total, parts)
        fields = {"value": value, "origin": ValueOrigin.RECORDS, "computed": value, "records": ids,
                  "source": _label(source, report.period, len(ids), total, parts), "source_url": value_url(report, ind)}
        row = existing.get(ind.pk)
        if row is None:
            ReportValue.objects.create(report=report, indicator=ind, **fields)
        else:
            for name, v in fields.items():
                setattr(row, name, v)
            row.save(update_fields=list(fields))
        written += 1
    return written


def compiled_ids(report: Report, indicator: Indicator) -> list[int]:
    """The records behind a compiled figure: those frozen in the approved reports it adds up."""
    from cchc.reports import compile as compiling

    below = [r.pk for r in compiling.sources(report.period, report.unit)]
    ids: set[int] = set()
    for kept in ReportValue.objects.filter(report_id__in=below, indicator=indicator).values_list("records", flat=True):
        ids.update(kept or [])
    return sorted(ids)
