"""The province's CCHC plan in public: how far it has gone, by task group and by unit, and its
targets — computed from the same assignments and report figures the staff work with (Decidim's
Accountability is the model: the page says how progress is weighted).

Weighting (shown on the page as WEIGHTING): an assignment counts 0 % not started, 50 % in
progress, 100 % done; a task is the mean of its assignments; a group and the whole plan are the
mean of their tasks, each task weighing the same. A task not yet assigned to any unit is listed
but not counted. Everything is a handful of GROUP BY queries, whatever the plan's size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.utils import timezone

from cchc.orgs.models import Unit
from cchc.plans.models import Assignment, Plan, PlanKind, PlanStatus, Progress, Task

WEIGHTING = [
    "Mỗi phân công cho một đơn vị được tính: chưa thực hiện 0 %, đang thực hiện 50 %, hoàn thành 100 %.",
    "Tiến độ một nhiệm vụ là trung bình các phân công của nhiệm vụ đó (đơn vị chủ trì và phối hợp như nhau).",
    "Tiến độ một nhóm nhiệm vụ và của cả kế hoạch là trung bình các nhiệm vụ, mỗi nhiệm vụ có trọng số như nhau; "
    "nhiệm vụ chưa giao cho đơn vị nào được liệt kê nhưng không tính.",
    "Quá hạn: chưa hoàn thành khi đã qua hạn. Số liệu cập nhật trực tiếp từ hệ thống mỗi khi đơn vị báo cáo tiến độ.",
]


@dataclass
class Tally:
    assignments: int = 0
    points: int = 0  # Σ 0/50/100
    done: int = 0
    late: int = 0  # done after the due date
    overdue: int = 0
    in_progress: int = 0

    @property
    def percent(self) -> Decimal | None:
        return None if not self.assignments else (Decimal(self.points) / self.assignments).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def not_started(self) -> int:
        """Not started and not yet overdue (the bar's four parts add up to the assignments)."""
        return self.assignments - self.done - self.in_progress - self.overdue

    def share(self, n: int) -> Decimal:
        return Decimal(0) if not self.assignments else (Decimal(n) * 100 / self.assignments).quantize(Decimal("0.1"))

    @property
    def bar(self) -> list[tuple[str, str, int, Decimal]]:
        """(css class, label, count, width %) of the status bar."""
        parts = [("done", "Hoàn thành", self.done), ("progress", "Đang thực hiện", self.in_progress),
                 ("overdue", "Quá hạn", self.overdue), ("new", "Chưa thực hiện", self.not_started)]
        return [(css, label, n, self.share(n)) for css, label, n in parts if n]

    @property
    def status_label(self) -> str:
        if not self.assignments:
            return "Chưa giao"
        if self.done == self.assignments:
            return "Hoàn thành"
        if self.overdue:
            return "Có phần quá hạn"
        return "Đang thực hiện" if self.points else "Chưa thực hiện"


@dataclass
class TaskRow:
    task: SimpleNamespace
    tally: Tally


@dataclass
class Group:
    code: str
    title: str
    tasks: list[TaskRow] = field(default_factory=list)

    @property
    def percent(self) -> Decimal | None:
        counted = [t.tally.percent for t in self.tasks if t.tally.assignments]
        return None if not counted else (sum(counted) / len(counted)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def done(self) -> int:
        return sum(1 for t in self.tasks if t.tally.assignments and t.tally.done == t.tally.assignments)

    @property
    def overdue(self) -> int:
        return sum(1 for t in self.tasks if t.tally.overdue)


@dataclass
class UnitRow:
    unit: SimpleNamespace
    tally: Tally


@dataclass
class Accountability:
    plan: Plan
    groups: list[Group]
    units: list[UnitRow]
    targets: list
    figures_from: object | None  # the province report the targets are measured by
    today: datetime.date
    weighting: list[str] = field(default_factory=lambda: list(WEIGHTING))

    @property
    def percent(self) -> Decimal | None:
        counted = [t.tally.percent for g in self.groups for t in g.tasks if t.tally.assignments]
        return None if not counted else (sum(counted) / len(counted)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def tasks(self) -> int:
        return sum(len(g.tasks) for g in self.groups)

    @property
    def tasks_done(self) -> int:
        return sum(g.done for g in self.groups)

    @property
    def tasks_overdue(self) -> int:
        return sum(g.overdue for g in self.groups)


def public_plans():
    """The province's issued CCHC plans (the top of the tree), newest first."""
    return (Plan.objects.filter(unit__parent__isnull=True, kind=PlanKind.REFORM, status=PlanStatus.ISSUED)
            .select_related("unit").order_by("-period_start", "-issued_on", "-pk"))


def current_plan(plans: list[Plan] | None = None, today: datetime.date | None = None) -> Plan | None:
    """The plan whose period covers today, else the newest (of `plans`, newest first, when given)."""
    today = today or timezone.localdate()
    plans = list(public_plans()) if plans is None else plans
    covering = (p for p in plans if (p.period_start is None or p.period_start <= today)
                and (p.period_end is None or p.period_end >= today))
    return next(covering, plans[0] if plans else None)


def _tallies(assignments, key: str, today: datetime.date) -> dict[int, Tally]:
    done = Q(progress=Progress.DONE)
    rows = assignments.values(key).annotate(
        n=Count("pk"),
        points=Sum(Case(When(done, then=Value(100)), When(progress=Progress.IN_PROGRESS, then=Value(50)), default=Value(0),
                        output_field=IntegerField())),
        n_done=Count("pk", filter=done),
        n_late=Count("pk", filter=done & Q(completed_on__gt=F("due_date"))),
        n_overdue=Count("pk", filter=~done & Q(due_date__lt=today)),
        n_progress=Count("pk", filter=Q(progress=Progress.IN_PROGRESS) & ~Q(due_date__lt=today)),
    ).order_by(key)
    return {
        r[key]: Tally(assignments=r["n"], points=r["points"] or 0, done=r["n_done"], late=r["n_late"], overdue=r["n_overdue"],
                      in_progress=r["n_progress"])
        for r in rows
    }


def accountability(plan: Plan, today: datetime.date | None = None) -> Accountability:
    today = today or timezone.localdate()
    assignments = Assignment.objects.filter(task__plan=plan)
    by_task = _tallies(assignments, "task_id", today)
    by_unit = _tallies(assignments, "unit_id", today)
    groups: dict[tuple[str, str], Group] = {}
    tasks = Task.objects.filter(plan=plan).order_by("order", "pk").values("pk", "group_code", "group_title", "number", "title",
                                                                          "due_dates", "timeframe_text")
    for t in tasks:
        key = (t["group_code"], t["group_title"])
        group = groups.setdefault(key, Group(code=t["group_code"], title=t["group_title"] or "Nhiệm vụ khác"))
        group.tasks.append(TaskRow(SimpleNamespace(**t), by_task.get(t["pk"], Tally())))
    names = {u["pk"]: SimpleNamespace(**u) for u in Unit.objects.filter(pk__in=list(by_unit)).values("pk", "name", "short_name",
                                                                                                        "kind", "path")}
    units = sorted((UnitRow(names[pk], tally) for pk, tally in by_unit.items() if pk in names),
                   key=lambda r: (-(r.tally.percent or 0), r.unit.name))
    targets, source = _targets(plan)
    return Accountability(plan=plan, groups=list(groups.values()), units=units, targets=targets, figures_from=source,
                          today=today)


def _targets(plan: Plan):
    """The plan's targets, measured by the province's latest report that has been sent (its
    figures frozen), or "no data"."""
    from cchc.reports.compile import attain
    from cchc.reports.live import FROZEN
    from cchc.reports.models import Report, ReportValue

    report = (Report.objects.filter(unit_id=plan.unit_id, compiled=True, status__in=FROZEN)
              .select_related("period").order_by("-period__end").first())
    figures = []
    if report is not None:
        figures = [SimpleNamespace(indicator=v.indicator, value=v.value)
                   for v in ReportValue.objects.filter(report=report, value__isnull=False).select_related("indicator")]
    return attain(list(plan.targets.all()), figures), report
