"""Compile a level's report from the approved reports below it, in one action.

Figures are aggregated in the database: one GROUP BY over the values of the reports being compiled,
whatever their number. Counts and amounts are summed; a ratio is Σ numerators / Σ denominators of
its components (never an average of percentages); a share of units is the units answering "yes"
over the units of its scope reporting; yes/no reads "n / m đơn vị". A report compiled here is then
the unit's own input at the next level up, so a department can compile its offices first.

Which reports: the approved ones in the unit's subtree that are not themselves covered by another
approved compiled report below the unit (so an office is never counted twice, once alone and once
inside its department's figures).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum

from cchc.orgs.models import Unit
from cchc.plans.models import Assignment, Plan, PlanKind
from cchc.reports.errors import ReportError
from cchc.reports.form_sets import indicators_of
from cchc.reports.models import Indicator, IndicatorKind, Period, Report, ReportStatus, ReportStep, ReportValue, ValueOrigin
from cchc.reports.values import format_number, part_over_total, ratio, shown_value

SHARE_SCOPES = {"department": {"department"}, "commune": {"commune", "ward"}}


def in_share_scope(unit_kind: str, scope: str) -> bool:
    return unit_kind in SHARE_SCOPES.get(scope, {scope})


@dataclass
class Figure:
    indicator: Indicator
    value: Decimal | None = None
    answered: int = 0  # units that gave a value
    yes: int = 0  # units answering 1 (yes/no, shares)
    scope_units: int = 0  # for a share: units of its scope among those compiled
    choices: dict[int, int] = field(default_factory=dict)

    @property
    def text(self) -> str:
        kind = self.indicator.kind
        if kind == IndicatorKind.YESNO:
            return f"{self.yes}/{self.answered} đơn vị" if self.answered else ""
        if kind == IndicatorKind.CHOICE:
            labels = dict((code, label) for code, label in self.indicator.options)
            return "; ".join(f"{labels.get(code, code)}: {n}" for code, n in sorted(self.choices.items()))
        return shown_value(kind, self.value)


def sources(period: Period, unit: Unit) -> list[Report]:
    """The approved reports that a compile at `unit` adds up (see the module's docstring).

    A unit merged away keeps its reports: they compile under its successor, which lies in the tree
    while the old unit does not (closed units have no place in today's tree)."""
    below = list(
        Report.objects.filter(period=period, status=ReportStatus.APPROVED)
        .filter(Q(unit__path__startswith=unit.path) | Q(unit__successors__path__startswith=unit.path))
        .exclude(unit=unit)
        .select_related("unit")
        .distinct()
        .order_by("unit__path")
    )
    covered = [r.unit.path for r in below if r.compiled]
    return [r for r in below if not any(r.unit.path != p and r.unit.path.startswith(p) for p in covered)]


def compile_figures(period: Period, reports: list[Report]) -> dict[int, Figure]:
    """Each indicator's compiled figure over `reports` — two queries, whatever their number."""
    indicators = {i.pk: i for i in indicators_of(period.form_set)}
    figures = {pk: Figure(indicator=i) for pk, i in indicators.items()}
    ids = [r.pk for r in reports]
    rows = (
        ReportValue.objects.filter(report_id__in=ids, value__isnull=False)
        .values("indicator_id")
        .annotate(total=Sum("value"), answered=Count("pk"), yes=Count("pk", filter=Q(value=1)))
        .order_by("indicator_id")
    )
    for row in rows:
        figure = figures.get(row["indicator_id"])
        if figure:
            figure.value, figure.answered, figure.yes = row["total"], row["answered"], row["yes"]
    choice_rows = (
        ReportValue.objects.filter(report_id__in=ids, value__isnull=False, indicator__kind=IndicatorKind.CHOICE)
        .values("indicator_id", "value")
        .annotate(n=Count("pk"))
        .order_by("indicator_id", "value")
    )
    for row in choice_rows:
        figures[row["indicator_id"]].choices[int(row["value"])] = row["n"]
    kinds = [r.unit.kind for r in reports]
    for figure in figures.values():
        ind = figure.indicator
        if ind.kind == IndicatorKind.RATIO and ind.numerator_id and ind.denominator_id:
            figure.value = ratio(figures[ind.numerator_id].value, figures[ind.denominator_id].value)
        elif ind.kind == IndicatorKind.SHARE:
            figure.scope_units = sum(1 for k in kinds if in_share_scope(k, ind.share_scope))
            figure.value = Decimal(figure.yes) * 100 / figure.scope_units if figure.scope_units else None
        elif ind.kind in (IndicatorKind.PERCENT, IndicatorKind.YESNO, IndicatorKind.CHOICE, IndicatorKind.GROUP):
            # A typed percentage has no components to add up: shown per unit, never averaged.
            figure.value = None
    return figures


def compile_warnings(figures: dict[int, Figure]) -> list[str]:
    """Compiled figures to look at again: a part larger than its total (the units' figures do not
    agree with one another), a numerator larger than its denominator. Flagged, never blocked — the
    coordinator corrects the units' reports or explains it."""
    out = []
    for figure in figures.values():
        ind = figure.indicator
        parent = figures.get(ind.parent_id) if ind.parent_id else None
        message = part_over_total(ind, figure.value, parent.value if parent else None)
        if not message and ind.kind == IndicatorKind.RATIO and ind.numerator_id and ind.denominator_id:
            top, bottom = figures.get(ind.numerator_id), figures.get(ind.denominator_id)
            if top and bottom and top.value is not None and bottom.value is not None and top.value > bottom.value:
                message = (f"Tử số ({format_number(top.value)}) lớn hơn mẫu số ({format_number(bottom.value)}) "
                           f"của tỷ lệ {ind.code}.")
        if message:
            out.append(f"Biểu mẫu {ind.form.number}, chỉ tiêu {ind.code}: {message}")
    return out


def gathered_narrative(period: Period, reports: list[Report]) -> dict[str, str]:
    """Each outline heading's text from the units, one paragraph per unit, for the coordinator to edit."""
    gathered = {}
    for key, _ in period.form_set.outline:
        parts = [f"{r.unit.display_name}: {r.narrative[key].strip()}" for r in reports if (r.narrative.get(key) or "").strip()]
        if parts:
            gathered[key] = "\n".join(parts)
    return gathered


@transaction.atomic
def compile_report(period: Period, unit: Unit, *, by=None) -> Report:
    """The unit's own report filled from the approved reports below it; it stays editable (draft)."""
    report, _ = Report.objects.select_for_update().get_or_create(period=period, unit=unit)
    if report.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        raise ReportError("Báo cáo đã gửi hoặc đã duyệt: mở lại trước khi tổng hợp lại.")
    reports = sources(period, unit)
    figures = compile_figures(period, reports)
    # Upsert in bulk (a recompile replaces the figures; the number of queries stays the same).
    existing = {v.indicator_id: v for v in report.values.all()}
    source = f"Tổng hợp từ {len(reports)} báo cáo đã duyệt"
    to_create, to_update = [], []
    for figure in figures.values():
        value = figure.value
        note = figure.text if figure.indicator.kind in (IndicatorKind.YESNO, IndicatorKind.CHOICE) else ""
        row = existing.pop(figure.indicator.pk, None)
        if row is None:
            if value is not None or note:
                to_create.append(ReportValue(report=report, indicator=figure.indicator, value=value, note=note, source=source,
                                             origin=ValueOrigin.COMPILED))
            continue
        row.value, row.note, row.source, row.source_url, row.origin = value, note, source, "", ValueOrigin.COMPILED
        row.computed, row.records = None, []
        to_update.append(row)
    for row in existing.values():  # figures that no longer exist below
        row.value, row.note, row.source, row.source_url, row.origin = None, "", source, "", ValueOrigin.COMPILED
        row.computed, row.records = None, []
        to_update.append(row)
    ReportValue.objects.bulk_create(to_create, batch_size=1000)
    ReportValue.objects.bulk_update(to_update, ["value", "note", "source", "source_url", "origin", "computed", "records"],
                                    batch_size=1000)
    report.narrative = gathered_narrative(period, reports)
    report.compiled = True
    if unit.parent_id is None:  # the province's own figures (procedures, public service units) count province-wide
        from cchc.reports import live

        live.apply_province_values(report, [f.indicator for f in figures.values()])
    report.revision += 1
    report.save(update_fields=["narrative", "compiled", "revision", "updated_at"])
    ReportStep.objects.create(report=report, action=ReportStep.Action.COMPILED, by=by, comment=f"{len(reports)} báo cáo")
    return report


def breakdown(period: Period, reports: list[Report]) -> dict[int, dict[int, Decimal | None]]:
    """{report id: {indicator id: value}} for the by-unit sheets — one query."""
    table: dict[int, dict[int, Decimal | None]] = {r.pk: {} for r in reports}
    for report_id, indicator_id, value in ReportValue.objects.filter(report_id__in=table).values_list(
        "report_id", "indicator_id", "value"
    ):
        table[report_id][indicator_id] = value
    return table


def tasks_by_group(period: Period, unit: Unit) -> list[dict]:
    """The year's tasks so far in the unit's subtree, by plan group, by the same rule as the form's
    figures (`cchc.records.task_q`: due or completed in the window): counted, on time, late,
    overdue — one GROUP BY."""
    from cchc.records import task_q

    start = datetime.date(period.year, 1, 1)
    return list(
        Assignment.objects.filter(unit__path__startswith=unit.path)
        .filter(task_q(start, period.end, "counted"))
        .values("task__group_code", "task__group_title")
        .annotate(
            planned=Count("pk"),
            **{m: Count("pk", filter=task_q(start, period.end, m)) for m in ("on_time", "late", "overdue")},
        )
        .order_by("task__group_code", "task__group_title")
    )


def communication_results(period: Period, unit: Unit) -> list[dict]:
    from cchc.comms.figures import activity_totals

    return [r for r in activity_totals(Unit.objects.filter(pk=unit.pk), period.start, period.end, by="channel") if r["activities"]]


@dataclass
class Attainment:
    target: object
    measured: Decimal | None
    indicator: Indicator | None

    @property
    def status(self) -> str:
        if self.measured is None or self.target.value is None:
            return "no_data"
        value, goal = self.measured, self.target.value
        met = {">=": value >= goal, "<=": value <= goal, "=": value == goal}.get(self.target.comparator)
        return "met" if met else "not_met"

    @property
    def label(self) -> str:
        return {"met": "Đạt", "not_met": "Chưa đạt", "no_data": "Chưa có số liệu"}[self.status]


def target_attainment(period: Period, unit: Unit, figures: dict[int, Figure]) -> list[Attainment]:
    """The targets of the unit's reform plans covering the period, each measured by the form's
    indicator that states the same thing (matched by meaning), or "no data" — never guessed."""
    plans = Plan.objects.filter(unit=unit, kind=PlanKind.REFORM).filter(
        Q(period_end__isnull=True) | Q(period_end__gte=datetime.date(period.year, 1, 1)),
        Q(period_start__isnull=True) | Q(period_start__lte=period.end),
    )
    return attain([t for p in plans.prefetch_related("targets") for t in p.targets.all()], figures.values())


def attain(targets, figures) -> list[Attainment]:
    """Each target against the figure (anything with `.indicator` and `.value`) stating the same
    thing, matched by meaning; "no data" when none does."""
    from rapidfuzz import fuzz

    from cchc.lib.text import fold

    candidates = [f for f in figures if f.indicator.kind in (IndicatorKind.RATIO, IndicatorKind.PERCENT, IndicatorKind.SHARE)]
    out = []
    for target in targets:
        best, score = None, 0.0
        if target.unit_of_measure == "%":
            for figure in candidates:
                s = fuzz.token_set_ratio(fold(target.text), fold(figure.indicator.name))
                if s > score:
                    best, score = figure, s
        matched = best if score >= 85 else None
        out.append(Attainment(target=target, measured=matched.value if matched else None, indicator=matched.indicator if matched else None))
    return out
