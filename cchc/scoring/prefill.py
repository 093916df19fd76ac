"""Inputs the system already holds, offered to a unit as a suggestion with a link to the source.

Only figures we really have are offered; where we have none the suggestion says "chưa có dữ liệu"
and carries no inputs — never a made-up figure. The unit accepts a suggestion (it fills the
inputs) or ignores it; the suggestion never saves anything by itself.

Which node takes which figure depends on the set: the mapping below is data, per unit type.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from cchc.orgs.models import Unit

NO_DATA = "chưa có dữ liệu"

# unit type of the criteria set → {node code: source of the figure}
# Departments and communes (LĐ 2025, SN/CX): 1.1.2 tasks of the annual CCHC plan done, 1.2 reports,
# 1.3.1 offices inspected. Provinces (BNV 1187): 1.1 the annual plan's tasks, 1.2 reports, 1.3.1 inspections.
PREFILL_MAP: dict[str, dict[str, str]] = {
    "department": {"1.1.2": "tasks", "1.2": "reports", "1.3.1": "inspections"},
    "commune": {"1.1.2": "tasks", "1.2": "reports", "1.3.1": "inspections"},
    "province": {"1.1": "tasks", "1.2": "reports", "1.3.1": "inspections"},
}


@dataclass
class Suggestion:
    node_code: str
    source: str
    label: str  # what the figures are, in words
    text: str  # the figures, in words ("12/15 nhiệm vụ hoàn thành đúng hạn") or NO_DATA
    url: str = ""  # where the figure comes from
    a: int | None = None
    b: int | None = None
    inputs: dict[str, str] = field(default_factory=dict)  # in the rule's own input names

    @property
    def available(self) -> bool:
        return bool(self.inputs)


def _year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def tasks_figures(unit: Unit, year: int) -> tuple[int, int]:
    """a = the unit's assignments (its offices' included) due in the year, b = those done on time."""
    from django.db.models import F

    from cchc.plans.models import Assignment, Progress

    start, end = _year_range(year)
    due = Assignment.objects.filter(unit__path__startswith=unit.path, due_date__gte=start, due_date__lte=end)
    a = due.count()
    b = due.filter(progress=Progress.DONE).filter(Q(completed_on__isnull=True) | Q(completed_on__lte=F("due_date"))).count()
    return a, b


def reports_figures(unit: Unit, year: int) -> tuple[int, int]:
    """a = plans/reports the unit had to send by a deadline in the year, b = those sent on time."""
    from cchc.plans.cascade import local_date
    from cchc.plans.models import Obligation

    start, end = _year_range(year)
    rows = list(
        Obligation.objects.filter(unit=unit, request__deadline__gte=start, request__deadline__lte=end)
        .values_list("request__deadline", "fulfilled_at")
    )
    on_time = sum(1 for deadline, done in rows if done is not None and local_date(done) <= deadline)
    return len(rows), on_time


def inputs_for_rule(rule: dict | None, a: int, b: int) -> dict[str, str]:
    """The figures a (total) and b (achieved) in the input names the node's rule asks for."""
    rule = rule or {}
    kind = rule.get("type")
    if kind in ("ratio", "weighted") or (kind == "bands" and rule.get("on") == "ratio"):
        return {"a": str(a), "b": str(b)}
    if kind == "percent" or (kind == "bands" and rule.get("on") == "percent"):
        if a == 0:
            return {}
        return {"value": str((Decimal(b) * 100 / Decimal(a)).quantize(Decimal("0.01")))}
    if kind == "bands" and rule.get("on") == "count":
        return {"value": str(b)}
    return {}


def suggestions(scorecard, nodes) -> dict[int, Suggestion]:
    """Suggestions for the nodes of this scorecard that have a source, keyed by node id."""
    unit = scorecard.unit
    year = scorecard.round.year
    mapping = PREFILL_MAP.get(scorecard.round.criteria_set.unit_type, {})
    found: dict[int, Suggestion] = {}
    for node in nodes:
        source = mapping.get(node.code)
        if source is None:
            continue
        found[node.pk] = suggestion_for(source, node, unit, year)
    return found


def suggestion_for(source: str, node, unit: Unit, year: int) -> Suggestion:
    if source == "tasks":
        a, b = tasks_figures(unit, year)
        url = reverse("tasks:board") + "?" + urlencode({"unit": unit.code})
        label = f"Nhiệm vụ được giao có hạn trong năm {year} (từ phần Nhiệm vụ)"
        if a == 0:
            return Suggestion(node.code, source, label, NO_DATA, url)
        text = f"{b}/{a} nhiệm vụ hoàn thành đúng hạn"
        return Suggestion(node.code, source, label, text, url, a, b, inputs_for_rule(node.rule, a, b))
    if source == "reports":
        a, b = reports_figures(unit, year)
        url = reverse("plans:obligation_list")
        label = f"Văn bản phải gửi cấp trên có hạn trong năm {year} (từ yêu cầu xây dựng kế hoạch)"
        if a == 0:
            return Suggestion(node.code, source, label, NO_DATA, url)
        text = f"{b}/{a} văn bản gửi đúng hạn"
        return Suggestion(node.code, source, label, text, url, a, b, inputs_for_rule(node.rule, a, b))
    # Inspections: the system has no inspection records yet.
    return Suggestion(node.code, source, "Đơn vị được kiểm tra trong năm (từ phần Kiểm tra)", NO_DATA)
