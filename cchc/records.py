"""Named record queries: what a figure counts, shared by the reports, the PAR Index and dashboards.

A figure in this product is never typed twice and never unexplained: it is the count of a named
query over the records (tasks, activities, plans, reports, procedures, units) in a date window, and
the list page that "xem nguồn" opens runs the *same* query with the same parameters, so it shows
exactly the records counted. Each query knows the field of the unit its records belong to, so one
GROUP BY answers every unit at once (a period's 3,500 reports frozen in one pass).

The rule for tasks, as the national guidance reads: a task counts in the window where it was *due*
or where it was *completed* — a task done early counts when it was done, an unfinished one when it
fell due.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse

WindowBuilder = Callable[[datetime.date, datetime.date, dict], QuerySet]


@dataclass(frozen=True)
class RecordQuery:
    name: str
    kind: str  # which list shows the records: assignment, activity, plan, report, procedure, unit
    describe: Callable[[dict], str]  # what the records are, in words, for these parameters
    build: WindowBuilder
    owner: str | None  # the field naming the unit a record belongs to; None: province-wide records
    params: dict = field(default_factory=dict)  # {name: accepted values (or a function giving them), first = default}

    def clean(self, params: dict | None) -> dict:
        """Known parameters with accepted values only (a list URL is typed by hand sometimes)."""
        params = params or {}
        out = {}
        for key, allowed in self.params.items():
            allowed = allowed() if callable(allowed) else allowed  # choices of an app loaded later
            out[key] = params.get(key) if params.get(key) in allowed else allowed[0]
        return out


REGISTRY: dict[str, RecordQuery] = {}


def register(name: str, *, kind: str, owner: str | None, describe: Callable[[dict], str], params=None):
    def wrap(build: WindowBuilder) -> WindowBuilder:
        REGISTRY[name] = RecordQuery(name, kind, describe, build, owner, params or {})
        return build
    return wrap


def get(name: str) -> RecordQuery:
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"Không có truy vấn số liệu “{name}”.") from None


def records(name: str, start: datetime.date, end: datetime.date, params: dict | None = None, *, unit=None,
            subtree: bool = False) -> QuerySet:
    """The records a figure counts: a unit's own, its whole subtree's (`subtree`), or all."""
    query = get(name)
    qs = query.build(start, end, query.clean(params))
    if unit is None or query.owner is None:
        return qs
    if subtree:
        return qs.filter(**{f"{query.owner.removesuffix('_id')}__path__startswith": unit.path})
    return qs.filter(**{query.owner: unit.pk})


def count(name: str, start, end, params=None, *, unit=None, subtree: bool = False) -> int:
    return records(name, start, end, params, unit=unit, subtree=subtree).count()


def counts_by_unit(name: str, start, end, params, unit_ids) -> dict[int, int]:
    """{unit id: count} for many units in one GROUP BY (units without records are absent)."""
    query = get(name)
    qs = query.build(start, end, query.clean(params)).filter(**{f"{query.owner}__in": list(unit_ids)})
    rows = qs.values(query.owner).annotate(n=Count("pk", distinct=True)).order_by(query.owner)
    return {row[query.owner]: row["n"] for row in rows}


def ids_by_unit(name: str, start, end, params, unit_ids) -> dict[int, list[int]]:
    """{unit id: [record ids]} in one query: what a frozen figure keeps as its evidence."""
    query = get(name)
    qs = query.build(start, end, query.clean(params)).filter(**{f"{query.owner}__in": list(unit_ids)})
    out: dict[int, list[int]] = {}
    for owner, pk in qs.values_list(query.owner, "pk").distinct().order_by(query.owner, "pk"):
        out.setdefault(owner, []).append(pk)
    return out


def list_url(name: str, start: datetime.date, end: datetime.date, params: dict | None = None, *, unit=None,
             subtree: bool = False) -> str:
    """The page listing exactly these records (same query, same parameters)."""
    query = get(name)
    args = {"tu": start.isoformat(), "den": end.isoformat(), **query.clean(params)}
    if unit is not None:
        args = {"don_vi": getattr(unit, "code", unit), **({"ca_cay": "1"} if subtree else {}), **args}
    return reverse("records", args=[name]) + "?" + urlencode(args)


# --- tasks ----------------------------------------------------------------------------------------

TASK_MEASURES = ("counted", "done", "on_time", "late", "overdue")
TASK_ORIGINS = ("all", "central", "own")
_TASK_WORDS = {
    "counted": "Nhiệm vụ có hạn hoặc hoàn thành trong kỳ",
    "done": "Nhiệm vụ đã hoàn thành",
    "on_time": "Nhiệm vụ hoàn thành đúng hạn",
    "late": "Nhiệm vụ hoàn thành nhưng quá hạn",
    "overdue": "Nhiệm vụ quá hạn chưa hoàn thành",
}
_ORIGIN_WORDS = {"all": "", "central": " do Chính phủ, Thủ tướng Chính phủ giao", "own": " của kế hoạch địa phương"}


def task_q(start: datetime.date, end: datetime.date, measure: str, *, prefix: str = "") -> Q:
    """The assignments a task measure counts in a window (see the module's rule)."""
    from cchc.plans.models import Progress

    p = f"{prefix}__" if prefix else ""
    done = Q(**{f"{p}progress": Progress.DONE, f"{p}completed_on__isnull": False, f"{p}completed_on__lte": end})
    counted = Q(**{f"{p}due_date__gte": start, f"{p}due_date__lte": end}) | (
        done & Q(**{f"{p}completed_on__gte": start})
    )
    no_due_or_met = Q(**{f"{p}due_date__isnull": True}) | Q(**{f"{p}completed_on__lte": F(f"{p}due_date")})
    return counted & {
        "counted": Q(),
        "done": done,
        "on_time": done & no_due_or_met,
        "late": done & Q(**{f"{p}completed_on__gt": F(f"{p}due_date")}),
        "overdue": ~done & Q(**{f"{p}due_date__lt": end}),
    }[measure]


@register(
    "tasks", kind="assignment", owner="unit_id", params={"measure": TASK_MEASURES, "origin": TASK_ORIGINS},
    describe=lambda p: _TASK_WORDS[p["measure"]] + _ORIGIN_WORDS[p["origin"]],
)
def _tasks(start, end, p):
    from cchc.plans.models import Assignment

    # A finding's remedial task (cchc.inspections) is not a task of a plan: form 1 item 2 and the
    # PAR task criteria count the plans' tasks only; the remedies count as findings handled (3.3.x).
    qs = Assignment.objects.filter(task_q(start, end, p["measure"])).exclude(task__source="remedy")
    if p["origin"] != "all":
        qs = qs.filter(task__central=p["origin"] == "central")
    return qs


# --- documents issued -----------------------------------------------------------------------------


@register(
    "plans_issued", kind="plan", owner="unit_id", params={"kind": ("all", "reform", "communication", "inspection")},
    describe=lambda p: "Kế hoạch, văn bản chỉ đạo CCHC đơn vị ban hành trong kỳ"
    + ("" if p["kind"] == "all" else f" ({_plan_kind_label(p['kind'])})"),
)
def _plans_issued(start, end, p):
    from cchc.plans.models import Plan, PlanStatus

    qs = Plan.objects.filter(status=PlanStatus.ISSUED, issued_on__gte=start, issued_on__lte=end)
    return qs if p["kind"] == "all" else qs.filter(kind=p["kind"])


def _plan_kind_label(kind: str) -> str:
    from cchc.plans.models import PlanKind

    return PlanKind(kind).label.lower()


# --- communication --------------------------------------------------------------------------------


def _channels_words(p) -> str:
    from cchc.comms.models import ChannelKind

    if p["channel"] == "all":
        return "Hoạt động thông tin, tuyên truyền CCHC trong kỳ"
    return f"Hoạt động “{ChannelKind(p['channel']).label}” trong kỳ"


def _channel_values() -> tuple[str, ...]:
    from cchc.comms.models import ChannelKind

    return ("all", *ChannelKind.values)


@register("activities", kind="activity", owner="unit_id", params={"channel": _channel_values}, describe=_channels_words)
def _activities(start, end, p):
    from cchc.comms.models import Activity

    qs = Activity.objects.filter(date__gte=start, date__lte=end)
    return qs if p["channel"] == "all" else qs.filter(channel=p["channel"])


# --- periodic reports -----------------------------------------------------------------------------


@register(
    "reports", kind="report", owner="unit_id", params={"measure": ("expected", "sent", "on_time")},
    describe=lambda p: {
        "expected": "Báo cáo định kỳ phải gửi (kỳ kết thúc trong khoảng thời gian)",
        "sent": "Báo cáo định kỳ đã gửi qua hệ thống",
        "on_time": "Báo cáo định kỳ gửi đúng hạn",
    }[p["measure"]],
)
def _reports(start, end, p):
    from cchc.reports.models import Period, Report

    qs = Report.objects.filter(period__end__gte=start, period__end__lte=end, compiled=False)
    if p["measure"] == "expected":
        return qs
    from cchc.reports.services import timely_q

    key = "on_time" if p["measure"] == "on_time" else "missing"
    # Each period has its own due date: one condition per period (a handful a year).
    periods = Period.objects.filter(end__gte=start, end__lte=end)
    chosen = Q(pk__in=[])
    for period in periods:
        chosen |= Q(period=period) & timely_q(period, key)
    return qs.filter(chosen) if key == "on_time" else qs.exclude(chosen)


# --- public section -------------------------------------------------------------------------------


@register(
    "procedures", kind="procedure", owner=None, params={"change": ("new", "removed", "amended")},
    describe=lambda p: {
        "new": "Thủ tục hành chính công bố mới trong kỳ",
        "removed": "Thủ tục hành chính bãi bỏ, thay thế trong kỳ",
        "amended": "Thủ tục hành chính sửa đổi, bổ sung trong kỳ",
    }[p["change"]],
)
def _procedures(start, end, p):
    from cchc.portal.models import ChangeKind, ProcedureChange

    changes = {"new": [ChangeKind.NEW], "removed": [ChangeKind.ABOLISHED, ChangeKind.REPLACED], "amended": [ChangeKind.AMENDED]}
    return ProcedureChange.objects.filter(change__in=changes[p["change"]], decided_on__gte=start, decided_on__lte=end)


# --- the unit tree --------------------------------------------------------------------------------

_PARENT_KINDS = {"any": None, "province": ("province",), "department": ("department",), "commune": ("commune", "ward")}


@register(
    "service_units", kind="unit", owner="parent_id", params={"parent": tuple(_PARENT_KINDS)},
    describe=lambda p: "Đơn vị sự nghiệp công lập" + {
        "any": "", "province": " thuộc UBND tỉnh", "department": " thuộc sở, ngành", "commune": " thuộc UBND cấp xã",
    }[p["parent"]],
)
def _service_units(start, end, p):
    from cchc.orgs.models import Unit, UnitKind, active_units_q

    qs = Unit.objects.filter(active_units_q(end), kind=UnitKind.SERVICE_UNIT)
    kinds = _PARENT_KINDS[p["parent"]]
    return qs if kinds is None else qs.filter(parent__kind__in=kinds)
