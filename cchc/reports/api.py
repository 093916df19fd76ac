"""Periodic reports over the JSON API: the same services and policy as the pages.

Values are keyed "form/code" as printed on the national forms ("3/3.2.1"), so a script that holds
an office's spreadsheet can fill its report without knowing our ids.
"""

from datetime import date, datetime
from decimal import Decimal

from ninja import Router, Schema
from ninja.errors import HttpError

from cchc import policy
from cchc.reports import live
from cchc.reports.errors import ReportError
from cchc.reports.form_sets import indicators_of
from cchc.reports.models import Period
from cchc.reports.services import completeness, save_report

router = Router(tags=["Báo cáo định kỳ"])


class PeriodOut(Schema):
    id: int
    label: str
    start: date
    end: date
    unit_due: date
    national_due: date
    locked_on: date
    expected: int
    on_time: int
    late: int
    missing: int


class ValueOut(Schema):
    key: str
    name: str
    unit_label: str
    kind: str
    value: Decimal | None
    note: str
    source: str
    origin: str  # typed, records, compiled, import


class ReportOut(Schema):
    id: int
    period: str
    unit_code: str
    unit_name: str
    status: str
    revision: int
    submitted_at: datetime | None
    narrative: dict[str, str]
    values: list[ValueOut]


class ReportIn(Schema):
    revision: int
    values: dict[str, str] = {}
    notes: dict[str, str] = {}
    narrative: dict[str, str] | None = None


def _report_out(report) -> dict:
    """The report as it stands now: typed figures and, while live, what the records give."""
    indicators = list(indicators_of(report.period.form_set))
    cells = live.cells(report, indicators)
    values = []
    for ind in indicators:
        cell = cells[ind.pk]
        if not cell.origin:
            continue
        values.append({
            "key": f"{ind.form.number}/{ind.code}", "name": ind.name, "unit_label": ind.unit_label, "kind": ind.kind,
            "value": cell.value, "note": cell.note, "source": cell.source, "origin": cell.origin,
        })
    return {
        "id": report.pk, "period": report.period.label, "unit_code": report.unit.code, "unit_name": report.unit.name,
        "status": report.status, "revision": report.revision, "submitted_at": report.submitted_at,
        "narrative": report.narrative, "values": values,
    }


@router.get("/periods", response=list[PeriodOut], summary="Các kỳ báo cáo và tình hình gửi báo cáo")
def list_periods(request):
    """For a coordinator, the whole province; for a unit's people, their own unit's subtree."""
    if policy.is_coordinator(request.user):
        under = None
    else:
        homes = policy.home_units(request.user)
        if not homes:
            return []
        under = homes[0]
    out = []
    for period in Period.objects.order_by("-year", "-end"):
        done = completeness(period, under=under)
        out.append({
            "id": period.pk, "label": period.label, "start": period.start, "end": period.end, "unit_due": period.unit_due,
            "national_due": period.national_due, "locked_on": period.locked_on, "expected": done.expected,
            "on_time": done.counts["on_time"], "late": done.counts["late"], "missing": done.counts["missing"],
        })
    return out


@router.get("/{int:report_id}", response=ReportOut, summary="Một báo cáo: trạng thái, nội dung, số liệu")
def get_report(request, report_id: int):
    return _report_out(policy.access_report(request.user, report_id))


@router.put("/{int:report_id}", response=ReportOut, summary="Cập nhật số liệu (khóa “biểu mẫu/STT”, ví dụ “3/3.2.1”)")
def put_report(request, report_id: int, payload: ReportIn):
    report = policy.access_report(request.user, report_id, edit=True)
    by_key = {f"{i.form.number}/{i.code}": i.pk for i in indicators_of(report.period.form_set)}
    unknown = sorted((set(payload.values) | set(payload.notes)) - set(by_key))
    if unknown:
        raise HttpError(422, f"Không có chỉ tiêu: {', '.join(unknown)} (dùng khóa “biểu mẫu/STT”, ví dụ “3/3.2.1”).")
    try:
        report = save_report(
            report,
            texts={by_key[k]: v for k, v in payload.values.items()},
            notes={by_key[k]: v for k, v in payload.notes.items()},
            narrative=payload.narrative,
            revision=payload.revision,
            by=request.user,
        )
    except ReportError as exc:
        raise HttpError(422, "\n".join(exc.messages)) from exc
    return _report_out(report)
