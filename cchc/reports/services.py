"""Periodic reports: open a period (every expected report created and pre-filled), edit, submit,
return, approve, re-open, watch completeness. Plain functions shared by pages, commands and tests.

Rules that matter to the people who use it:
- entry is refused after the period's lock date, and on a submitted or approved report;
- two people editing one report never silently overwrite each other (`revision`);
- a report is approved only once every report below it in the tree is approved (DHIS2);
- a closed or merged unit leaves both the expected and the received counts, so rates never pass 100 %;
- a unit created or merged into while a period takes entry reports in it (`ensure_reports`, `merged`);
  a merged unit's unsent report can no longer be sent: its successor reports instead;
- every transition locks the report's row and its unit's (never the period's) and re-checks state and
  revision under the lock, so of two people acting at once the second sees what the first did.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from cchc.orgs.models import Unit, active_units_q
from cchc.records import task_q
from cchc.plans.models import Assignment
from cchc.plans.notifications import notify_unit_people
from cchc.reports import calendar, live
from cchc.reports.compile import in_share_scope
from cchc.reports.errors import ReportError
from cchc.reports.form_sets import indicators_of
from cchc.reports.models import FormSet, IndicatorKind, Period, Report, ReportStatus, ReportStep, ReportValue, ValueOrigin
from cchc.reports.values import check_values, format_number

Action = ReportStep.Action
SCOPE_LABELS = {"department": "các sở, ban, ngành", "commune": "UBND các xã, phường"}


def _local(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


# --- opening a period ---------------------------------------------------------------------------


def expected_units(period: Period):
    """Units that must report: of the period's kinds and in force on the last day of its window."""
    return Unit.objects.filter(active_units_q(period.end), kind__in=period.reporting_kinds).order_by("path")


@transaction.atomic
def open_period(
    form_set: FormSet,
    kind: str,
    year: int,
    *,
    unit_due: datetime.date | None = None,
    timely_days: int = 0,
    locked_on: datetime.date | None = None,
    reporting_kinds: list[str] | None = None,
    by=None,
) -> Period:
    """Create the period with the national calendar's dates and every expected report, pre-filled."""
    if Period.objects.filter(year=year, kind=kind).exists():
        raise ReportError(f"Kỳ báo cáo {dict(Period._meta.get_field('kind').choices)[kind]} năm {year} đã được mở.")
    start, end = calendar.window(kind, year)
    national = calendar.national_due(kind, year)
    period = Period(
        form_set=form_set, kind=kind, year=year, start=start, end=end, national_due=national,
        unit_due=unit_due or calendar.unit_due(kind, year), timely_days=timely_days,
        locked_on=locked_on or national, reporting_kinds=reporting_kinds or calendar.DEFAULT_REPORTING_KINDS,
        opened_at=timezone.now(),
    )
    if period.unit_due > period.locked_on:
        raise ReportError("Hạn gửi của đơn vị không thể sau ngày khóa nhập liệu.")
    period.full_clean()
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError:  # the same period opened a moment ago by someone else
        raise ReportError(f"Kỳ báo cáo {period.label.lower()} đã được mở.") from None
    _create_reports(period, list(expected_units(period)), by=by)
    return period


def _create_reports(period: Period, units: list[Unit], *, by=None) -> list[Report]:
    """Each unit's report of the period, as opening makes it, with its "opened" step. Nothing is
    copied in: what the records say is computed while the report is live (`cchc.reports.live`)
    and frozen when it is submitted."""
    reports = [Report(period=period, unit=u) for u in units]
    Report.objects.bulk_create(reports, batch_size=1000)
    ReportStep.objects.bulk_create([ReportStep(report=r, action=Action.OPENED, by=by) for r in reports], batch_size=1000)
    return reports


def periods_taking_entry(today: datetime.date | None = None):
    """Periods already opened whose entry is not locked yet."""
    return Period.objects.filter(locked_on__gte=today or timezone.localdate()).order_by("start")


@transaction.atomic
def ensure_reports(units: list[Unit], *, by=None) -> list[Report]:
    """A unit that appears while periods are open (created, merged into, its dates or kind changed)
    must report like the others: in every period still taking entry where it is expected (of the
    period's kinds, in force at the window's end) and has no report yet, its report is created as
    opening creates it. Idempotent; returns the reports created.

    Two of these at once for one unit (or one racing a compile that creates the report) meet on
    the (period, unit) unique constraint: the one that finds the report already there skips it."""
    ids = [u.pk for u in units]
    created: list[Report] = []
    for period in periods_taking_entry():
        missing = list(
            Unit.objects.filter(active_units_q(period.end), pk__in=ids, kind__in=period.reporting_kinds)
            .exclude(reports__period=period)
            .order_by("path")
        )
        if not missing:
            continue
        try:
            with transaction.atomic():
                created += _create_reports(period, missing, by=by)
        except IntegrityError:  # some made a moment ago by someone else: one by one, skipping those
            for unit in missing:
                try:
                    with transaction.atomic():
                        created += _create_reports(period, [unit], by=by)
                except IntegrityError:
                    pass
    return created


def merged(*, sources: list[Unit], into: Unit, on: datetime.date, by=None) -> list[Report]:
    """What a merger of units means for the reports (called inside `unit_merge`'s transaction,
    through the `unit_merged` signal), as a mature reporting system does it:

    - `into` reports for every period still taking entry where it is expected, whether it is a
      new unit or an existing one (its report is created, as opening creates it);
    - the sources leave the expected set of every period whose window ends on or after `on`
      (completeness counts units in force at the window's end), so rates stay ≤ 100 %;
    - their reports already sent or approved stay as history: they can still be approved, and they
      compile under `into` (`cchc.reports.compile.sources`);
    - their unsent reports of those periods are kept (what was typed is not lost) but can no longer
      be saved or sent, nor a sent one returned or re-opened: `into` reports instead
      (`refuse_if_no_longer_expected`)."""
    return ensure_reports([into], by=by)


def task_figures(period: Period, unit_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per unit, its tasks of the year so far by the records' rule (a task counts where it was due
    or completed, `cchc.records.task_q`): counted, done, on time, late, overdue — one GROUP BY."""
    start = datetime.date(period.year, 1, 1)
    measures = {"planned": "counted", "done": "done", "on_time": "on_time", "late": "late", "overdue": "overdue"}
    rows = (
        Assignment.objects.filter(unit_id__in=unit_ids)
        .filter(task_q(start, period.end, "counted"))
        .values("unit_id")
        .annotate(**{name: Count("pk", filter=task_q(start, period.end, m)) for name, m in measures.items()})
        .order_by("unit_id")
    )
    return {r["unit_id"]: r for r in rows}


def live_narrative(report: Report) -> dict[str, str]:
    """Outline I.2 (tasks) and I.4 (communication activities) from the records, now."""
    if report.compiled:
        return {}
    text = {}
    figures = task_figures(report.period, [report.unit_id]).get(report.unit_id)
    if figures and figures["planned"]:
        text["I.2"] = task_sentence(figures, report.period)
    activities = _activity_sentences(report.period, [report])
    if report.unit_id in activities:
        text["I.4"] = activities[report.unit_id]
    return text


def task_sentence(f: dict[str, int], period: Period) -> str:
    return (
        f"Từ 01/01 đến {period.end:%d/%m/%Y}, đơn vị có {f['planned']} nhiệm vụ đến hạn hoặc hoàn thành; "
        f"đã hoàn thành {f['done']} nhiệm vụ ({f['on_time']} đúng hạn, {f['late']} trễ hạn); "
        f"{f['overdue']} nhiệm vụ quá hạn chưa hoàn thành."
    )


def _activity_sentences(period: Period, reports: list[Report]) -> dict[int, str]:
    """Outline I.4 from the communication activities each unit recorded in the window: by channel
    and by the plan's topics they covered (two GROUP BYs for all units)."""
    from cchc.comms.models import Activity, ChannelKind

    acts = Activity.objects.filter(unit_id__in=[r.unit_id for r in reports], date__gte=period.start, date__lte=period.end)
    channels: dict[int, list[tuple[str, int]]] = {}
    for row in acts.values("unit_id", "channel").annotate(n=Count("pk")).order_by("unit_id", "-n", "channel"):
        channels.setdefault(row["unit_id"], []).append((ChannelKind(row["channel"]).label, row["n"]))
    topics: dict[int, list[tuple[str, int]]] = {}
    rows = (
        acts.filter(topics__isnull=False)
        .values("unit_id", "topics__code", "topics__text")
        .annotate(n=Count("pk"))
        .order_by("unit_id", "topics__code")
    )
    for row in rows:
        text = row["topics__text"]
        short = text if len(text) <= 80 else text[:77].rsplit(" ", 1)[0] + "…"
        topics.setdefault(row["unit_id"], []).append((f"{row['topics__code']}) {short}", row["n"]))
    sentences = {}
    for unit_id, items in channels.items():
        sentence = (
            f"Trong kỳ, đơn vị thực hiện {sum(n for _, n in items)} hoạt động thông tin, tuyên truyền CCHC: "
            + "; ".join(f"{label}: {n}" for label, n in items) + "."
        )
        if unit_id in topics:
            sentence += " Nội dung đã tuyên truyền: " + "; ".join(f"{label} ({n})" for label, n in topics[unit_id]) + "."
        sentences[unit_id] = sentence
    return sentences


# --- editing ------------------------------------------------------------------------------------


def _refuse_if_locked(report: Report, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if today > report.period.locked_on:
        raise ReportError(f"Kỳ báo cáo đã khóa nhập liệu từ sau ngày {report.period.locked_on:%d/%m/%Y}.")
    if report.status == ReportStatus.APPROVED:
        raise ReportError("Báo cáo đã được phê duyệt; cần mở lại trước khi sửa.")
    if report.status == ReportStatus.SUBMITTED:
        raise ReportError("Báo cáo đã gửi, đang chờ duyệt: không sửa được. Người duyệt có thể trả lại để sửa.")


@transaction.atomic
def save_report(
    report: Report,
    *,
    texts: dict[int, str],
    notes: dict[int, str] | None = None,
    narrative: dict[str, str] | None = None,
    revision: int,
    by=None,
) -> Report:
    """Save what the officer typed (`texts` by indicator id). Every value is checked; any problem →
    ReportError listing them all and nothing saved. `revision` is the one the person started from."""
    report = _lock(report, "period__form_set")
    _refuse_if_locked(report)
    refuse_if_no_longer_expected(report)
    if revision != report.revision:
        raise ReportError(
            "Báo cáo vừa được người khác cập nhật sau khi bạn mở. Hãy tải lại trang để xem thay đổi rồi nhập lại."
        )
    if report.compiled:
        # Its figures are computed from the reports below (recompile to change them): only the
        # narrative is edited, so the stored figures are not re-checked as one unit's answers.
        if any(t.strip() for t in texts.values()):
            raise ReportError("Số liệu của báo cáo tổng hợp được tính từ báo cáo các đơn vị; hãy tổng hợp lại thay vì sửa tay.")
        return _save_narrative(report, narrative, by)
    indicators = {i.pk: i for i in indicators_of(report.period.form_set)}
    unknown = set(texts) - set(indicators)
    if unknown:
        raise ReportError("Có chỉ tiêu không thuộc bộ biểu mẫu của kỳ này.")
    existing = {v.indicator_id: v for v in report.values.all()}
    keyed = {(indicators[i].form.number, indicators[i].code): t for i, t in texts.items()}
    for ind_id, value in existing.items():  # components already saved count in the cross-checks
        ind = indicators[ind_id]
        if value.origin in (ValueOrigin.TYPED, ValueOrigin.IMPORTED):
            keyed.setdefault((ind.form.number, ind.code), format_number(value.value) if value.value is not None else "")
    # What the records give counts in the cross-checks too, where nothing is typed over it.
    fed = live.fed_values(report, indicators.values())
    from_records = set()
    for ind_id, figure in fed.items():
        key = (indicators[ind_id].form.number, indicators[ind_id].code)
        if not (keyed.get(key) or "").strip() and figure.value is not None:
            keyed[key] = format_number(figure.value)
            from_records.add(key)
    values, problems = check_values(indicators.values(), keyed)
    messages = [str(p) for p in problems]
    for ind_id, text in texts.items():
        ind = indicators[ind_id]
        if ind.kind == IndicatorKind.SHARE and text.strip() and not in_share_scope(report.unit.kind, ind.share_scope):
            messages.append(f"Biểu mẫu {ind.form.number}, chỉ tiêu {ind.code}: chỉ tiêu này do {SCOPE_LABELS.get(ind.share_scope, ind.share_scope)} trả lời.")
    if messages:
        raise ReportError(messages)
    notes = notes or {}
    to_create, to_update = [], []
    for ind in indicators.values():
        key = (ind.form.number, ind.code)
        typed_here = ind.pk in texts
        if ind.kind == IndicatorKind.RATIO or (key in from_records and not typed_here and ind.pk not in notes):
            continue  # ratios and the records' figures are computed while the report is live
        if key not in values and ind.pk not in notes and not typed_here:
            continue
        value = None if key in from_records else values.get(key)
        row = existing.get(ind.pk)
        if row is None:
            to_create.append(ReportValue(report=report, indicator=ind, value=value, note=notes.get(ind.pk, "")))
        elif ind.pk in texts or row.value != value or (ind.pk in notes and row.note != notes[ind.pk]):
            if (ind.pk in texts or key in from_records) and (row.value != value or row.origin == ValueOrigin.RECORDS):
                row.value, row.origin = value, ValueOrigin.TYPED  # typed over (or cleared): the unit's own figure
            if ind.pk in notes:
                row.note = notes[ind.pk]
            to_update.append(row)
    ReportValue.objects.bulk_create(to_create)
    ReportValue.objects.bulk_update(to_update, ["value", "note", "origin"])
    return _save_narrative(report, narrative, by)


def import_values(report: Report, data: bytes, filename: str, *, revision: int, by=None) -> int:
    """Figures another system holds (the one-stop system's files, the public-service portal), from
    its CSV/XLSX export: a column "Chỉ tiêu" holding "biểu mẫu/STT" ("3/3.1.1") — or the two columns
    "Biểu mẫu" and "STT" — and a column "Số liệu" (optionally "Ghi chú"). Checked like typed figures,
    all or nothing; saved figures are marked as imported. Returns how many were read."""
    from cchc.documents.tables import TableError, read_table

    try:
        rows = read_table(data, filename)
    except TableError as exc:
        raise ReportError(str(exc)) from None
    indicators = {(str(i.form.number), i.code): i for i in indicators_of(report.period.form_set)}
    texts, notes, problems = {}, {}, []
    for line, row in enumerate(rows, start=2):
        key = (row.get("Chỉ tiêu") or "").strip()
        form, _, code = key.partition("/") if key else ((row.get("Biểu mẫu") or "").strip(), "/", (row.get("STT") or "").strip())
        code = code.strip().rstrip(".")
        if "Số liệu" not in row:
            raise ReportError("Tệp cần cột “Số liệu” và cột “Chỉ tiêu” (dạng 3/3.1.1) hoặc hai cột “Biểu mẫu”, “STT”.")
        if not form and not code:
            continue
        indicator = indicators.get((form.strip(), code))
        if indicator is None:
            problems.append(f"Dòng {line}: không có chỉ tiêu “{form}/{code}” trong bộ biểu mẫu của kỳ này.")
            continue
        if indicator.pk in texts:
            problems.append(f"Dòng {line}: chỉ tiêu {form}/{code} xuất hiện hai lần.")
            continue
        texts[indicator.pk] = row["Số liệu"]
        if (row.get("Ghi chú") or "").strip():
            notes[indicator.pk] = row["Ghi chú"].strip()[:500]
    if problems:
        raise ReportError(problems)
    if not texts:
        raise ReportError("Tệp không có số liệu nào để nhập.")
    with transaction.atomic():
        save_report(report, texts=texts, notes=notes, revision=revision, by=by)
        ReportValue.objects.filter(report=report, indicator_id__in=list(texts), value__isnull=False).update(
            origin=ValueOrigin.IMPORTED, source=f"Nhập từ tệp {filename[:200]}")
    return len(texts)


def _save_narrative(report: Report, narrative: dict[str, str] | None, by) -> Report:
    """The outline's text (known headings only) and a new revision; the caller holds the row lock."""
    if narrative is not None:
        allowed = {key for key, _ in report.period.form_set.outline}
        report.narrative = {k: v.strip() for k, v in {**report.narrative, **narrative}.items() if k in allowed}
    report.revision += 1
    report.save(update_fields=["narrative", "revision", "updated_at"])
    ReportStep.objects.create(report=report, action=Action.SAVED, by=by)
    return report


# --- submit, return, approve --------------------------------------------------------------------


def _lock(report: Report, *related: str) -> Report:
    """The report row, read again under a row lock, with its unit's row locked too: every
    transition starts here and checks state and revision on what it gets, so of two people acting
    at once the second waits and then sees what the first did. Only these two rows — never the
    period, which every unit's report shares — and FOR NO KEY UPDATE, so rows pointing at them
    (steps, values) are not held up. Locking the unit makes a merger of it (`unit_merge` locks its
    sources) and a transition of its report take turns."""
    return (
        Report.objects.select_for_update(of=("self", "unit"), no_key=True)
        .select_related("period", "unit", *related)
        .get(pk=report.pk)
    )


def no_longer_expected(report: Report) -> str:
    """Why a report the period opened can no longer be saved, sent, returned or re-opened: its unit
    has since left the expected set (merged into another unit or closed before the window's end, or
    in force only after it); "" otherwise. No query for a unit still in force, nearly every report.
    A report entered for such a unit by hand (history brought in after the fact, without the
    "opened" step) is not concerned."""
    unit, period = report.unit, report.period
    if unit.is_active_on(period.end) or not report.steps.filter(action=Action.OPENED).exists():
        return ""
    if unit.valid_from and unit.valid_from > period.end:
        return (f"{unit.display_name} có hiệu lực từ ngày {unit.valid_from:%d/%m/%Y}, sau kỳ báo cáo này: "
                "đơn vị không phải báo cáo kỳ này.")
    successor = unit.successors.order_by("pk").first()
    if successor is not None:
        name = successor.display_name
        return f"Đơn vị đã sáp nhập vào {name}; báo cáo do {name} thực hiện."
    return f"{unit.display_name} đã hết hiệu lực từ ngày {unit.valid_to:%d/%m/%Y}: đơn vị không còn báo cáo kỳ này."


def refuse_if_no_longer_expected(report: Report) -> None:
    reason = no_longer_expected(report)
    if reason:
        raise ReportError(reason)


@transaction.atomic
def submit_report(report: Report, *, by=None, revision: int | None = None) -> Report:
    """`revision`, when given, is the one the sender saw: a report saved by someone else since is
    refused, so nobody sends figures they have not read."""
    report = _lock(report)
    if report.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        raise ReportError("Báo cáo đã được gửi trước đó.")
    refuse_if_no_longer_expected(report)
    if revision is not None and revision != report.revision:
        raise ReportError("Báo cáo vừa được người khác cập nhật sau khi bạn mở trang: hãy xem lại rồi mới gửi.")
    if timezone.localdate() > report.period.locked_on:
        raise ReportError(f"Kỳ báo cáo đã khóa từ sau ngày {report.period.locked_on:%d/%m/%Y}: không gửi được nữa.")
    live.freeze(report)  # the records' figures, as they are now, with the records behind them
    report.status, report.submitted_at = ReportStatus.SUBMITTED, timezone.now()
    report.save(update_fields=["status", "submitted_at", "updated_at"])
    ReportStep.objects.create(report=report, action=Action.SUBMITTED, by=by)
    return report


@transaction.atomic
def return_report(report: Report, *, comment: str, by=None) -> Report:
    report = _lock(report)
    if not comment.strip():
        raise ReportError("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.")
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        raise ReportError("Chỉ trả lại được báo cáo đã gửi hoặc đã duyệt.")
    refuse_if_no_longer_expected(report)
    report.status, report.approved_at = ReportStatus.RETURNED, None
    report.save(update_fields=["status", "approved_at", "updated_at"])
    ReportStep.objects.create(report=report, action=Action.RETURNED, by=by, comment=comment.strip())
    return report


def pending_below(report: Report) -> list[Report]:
    """Reports of units below this one, in the same period, that are not approved yet."""
    return list(
        Report.objects.filter(period=report.period, unit__path__startswith=report.unit.path)
        .exclude(pk=report.pk)
        .exclude(status=ReportStatus.APPROVED)
        .select_related("unit")
        .order_by("unit__path")
    )


@transaction.atomic
def approve_report(report: Report, *, by=None, revision: int | None = None) -> Report:
    """`revision` is the one the approver saw: a report returned, edited and sent again since is
    refused, so nobody approves figures they have not read."""
    report = _lock(report)
    if report.status != ReportStatus.SUBMITTED:
        raise ReportError("Chỉ phê duyệt được báo cáo đã gửi.")
    if revision is not None and revision != report.revision:
        raise ReportError("Đơn vị đã sửa và gửi lại báo cáo sau khi bạn mở trang: hãy xem lại số liệu mới rồi mới phê duyệt.")
    waiting = pending_below(report)
    if waiting:
        names = ", ".join(r.unit.display_name for r in waiting[:5]) + (" …" if len(waiting) > 5 else "")
        raise ReportError(f"Cần duyệt trước báo cáo của {len(waiting)} đơn vị trực thuộc: {names}.")
    report.status, report.approved_at = ReportStatus.APPROVED, timezone.now()
    report.save(update_fields=["status", "approved_at", "updated_at"])
    ReportStep.objects.create(report=report, action=Action.APPROVED, by=by)
    return report


@transaction.atomic
def reopen_report(report: Report, *, comment: str, by=None) -> Report:
    report = _lock(report)
    if report.status != ReportStatus.APPROVED:
        raise ReportError("Chỉ mở lại được báo cáo đã duyệt.")
    refuse_if_no_longer_expected(report)
    if not comment.strip():
        raise ReportError("Hãy ghi lý do mở lại báo cáo.")
    report.status, report.approved_at = ReportStatus.DRAFT, None
    report.save(update_fields=["status", "approved_at", "updated_at"])
    ReportStep.objects.create(report=report, action=Action.REOPENED, by=by, comment=comment.strip())
    return report


# --- watching -----------------------------------------------------------------------------------

TIMELINESS = {
    "on_time": "Đúng hạn",
    "late": "Trễ hạn",
    "missing": "Chưa gửi",
}


def timeliness(report: Report) -> str:
    sent = _local(report.submitted_at) if report.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED) else None
    if sent is None:
        return "missing"
    deadline = report.period.unit_due + datetime.timedelta(days=report.period.timely_days)
    return "on_time" if sent <= deadline else "late"


@dataclass
class Completeness:
    expected: int
    counts: dict[str, int]
    by_kind: dict[str, dict[str, int]]

    @property
    def received(self) -> int:
        return self.counts["on_time"] + self.counts["late"]

    @property
    def rate(self) -> float:
        return 100 * self.received / self.expected if self.expected else 0.0


def timely_q(period: Period, key: str) -> Q:
    """On time = sent before midnight (Vietnam time) ending the due date plus the timely days."""
    last_day = period.unit_due + datetime.timedelta(days=period.timely_days + 1)
    cutoff = timezone.make_aware(datetime.datetime.combine(last_day, datetime.time()))
    sent = Q(status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED])
    if key == "missing":
        return ~sent
    if key == "on_time":
        return sent & Q(submitted_at__lt=cutoff)
    return sent & Q(submitted_at__gte=cutoff)


def completeness(period: Period, *, under: Unit | None = None) -> Completeness:
    """On time / late / missing among the expected reports, by unit kind, in one GROUP BY — units
    still in force at the window's end only, so a unit merged away leaves numerator and denominator
    alike and the rate never passes 100 %."""
    reports = Report.objects.filter(period=period).filter(active_units_q(period.end, prefix="unit"))
    if under is not None:
        reports = reports.filter(unit__path__startswith=under.path)
    rows = (
        reports.values("unit__kind")
        .annotate(**{key: Count("pk", filter=timely_q(period, key)) for key in TIMELINESS})
        .order_by("unit__kind")
    )
    by_kind = {row["unit__kind"]: {key: row[key] for key in TIMELINESS} for row in rows}
    counts = {key: sum(c[key] for c in by_kind.values()) for key in TIMELINESS}
    return Completeness(expected=sum(counts.values()), counts=counts, by_kind=by_kind)


def remind_missing(period: Period, *, by=None) -> int:
    """Remind every unit whose report is not sent yet, in the app and by e-mail; returns units reminded."""
    missing = list(
        Report.objects.filter(period=period, status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED])
        .filter(active_units_q(period.end, prefix="unit"))
    )
    if not missing:
        return 0
    text = f"Nhắc việc: đơn vị chưa gửi báo cáo CCHC {period.in_sentence}; hạn {period.unit_due:%d/%m/%Y}."
    notify_unit_people([r.unit_id for r in missing], text=text, link=reverse("reports:index"), subject="[CCHC] Nhắc gửi báo cáo")
    return len(missing)
