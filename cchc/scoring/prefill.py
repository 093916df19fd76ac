"""Inputs the system already holds, for the PAR Index criteria whose evidence lives here.

For each such criterion the self-assessment (and the appraiser's page) shows the raw inputs computed
from the records — in the input names of the node's own rule (a, b, value, choice) — the points those
inputs give by that rule (`rules.node_points`, through `workflow.compute_self_points`), and links to
the exact records counted (`cchc.records.list_url`: the same named query, window and parameters,
so the list shows the same count). Where we have no figure the suggestion says "chưa có dữ liệu" and
carries no inputs — never a made-up figure. Nothing here saves: "Áp dụng số liệu từ hệ thống"
(`workflow.apply_suggestions`) saves every available suggestion at once, and a typed input that
differs from the records needs a reason (`records_mismatch`, checked by the workflow's saves).

Which node takes which figure depends on the set: the mapping below is data, per unit type.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth
from django.urls import reverse
from django.utils import timezone

from cchc import records
from cchc.orgs.models import Unit

from . import rules
from .record_queries import FORMS

NO_DATA = "chưa có dữ liệu"

# unit type of the criteria set → {node code: {"source": …, parameters}}. The sources:
#   plan_on_time  the unit's annual CCHC plan(s) of the year ("annual_plan" records), each issued by the
#                 deadline of the plan request it answers, else by 31/12 of the previous year; plans
#                 requested and not issued after their deadline count as late. b = on time, a = plans.
#   tasks         "tasks" records in the year: b = measure `done` ("on_time" or "done"), a = "counted".
#   reports       "reports" records: b = sent on time, a = expected (periodic reports whose period ends
#                 in the year).
#   forms         "comm_forms" records of a group of forms (record_queries.FORMS): "yes" with ≥ `min`.
#   monthly       "comm_forms" records: "yes" when every month of the year (months ended so far) has
#                 ≥ `per_month` items (the activities' quantities).
#   requirements  the requirements of the communication plan in force met by the unit
#                 (cchc.comms.requirements); a parent node: shown, never applied.
#   initiatives   "initiatives" records (activities marked innovative): the count.
#   procedures    "procedures" records (province-wide, the public section): shown, never applied — the
#                 criterion asks "đầy đủ, kịp thời theo quy định", which a count cannot tell.
#   inspections   the unit's own CCHC inspections (cchc.inspections), year 01/01–31/12. figure=coverage (1.3.1):
#                 b = units inspected ("inspected_units": the province its departments and communes, a
#                 department or commune its offices and units), a = those units in force (today within the year, else 31/12); figure=
#                 handled (1.3.2): a = issues found ("findings" measure=found), b = handled by 31/12 (the
#                 remedy's task done), c = being handled (1187/12094 weighted rule's "c").
# `subtree`: the unit with all its sub-units (the province counts the whole province, as its report does).
# Department and commune sets: Lâm Đồng 2025 (SN, CX); province: BNV 1187 / 12094.
PREFILL_MAP: dict[str, dict[str, dict]] = {
    "department": {
        "1.1.1": {"source": "plan_on_time"},
        "1.1.2": {"source": "tasks", "done": "on_time"},
        "1.2": {"source": "reports"},
        "1.3.1": {"source": "inspections", "figure": "coverage"},
        "1.3.2": {"source": "inspections", "figure": "handled"},
        "1.4": {"source": "requirements"},
        "1.4.1": {"source": "monthly", "forms": "own_site", "per_month": 4},
        "1.4.2": {"source": "forms", "forms": "meetings"},
        "1.4.3": {"source": "monthly", "forms": "cchc_portal", "per_month": 2},
        "1.4.4": {"source": "forms", "forms": "other"},
        "1.5": {"source": "initiatives"},
    },
    "commune": {
        "1.1.1": {"source": "plan_on_time"},
        "1.1.2": {"source": "tasks", "done": "on_time"},
        "1.2": {"source": "reports"},
        "1.3.1": {"source": "inspections", "figure": "coverage"},
        "1.3.2": {"source": "inspections", "figure": "handled"},
        "1.4": {"source": "requirements"},
        "1.4.1": {"source": "monthly", "forms": "own_site", "per_month": 4},
        "1.4.2": {"source": "forms", "forms": "meetings"},
        "1.4.3": {"source": "monthly", "forms": "cchc_portal", "per_month": 1},
        "1.4.4": {"source": "forms", "forms": "other"},
        "1.5": {"source": "initiatives"},
    },
    "province": {
        # 1187/12094 1.1: "a là tổng số nhiệm vụ đề ra theo kế hoạch, b là số nhiệm vụ đã hoàn thành".
        "1.1": {"source": "tasks", "done": "done", "subtree": True},
        "1.2": {"source": "reports"},
        "1.3.1": {"source": "inspections", "figure": "coverage"},
        "1.3.2": {"source": "inspections", "figure": "handled"},
        "1.4": {"source": "requirements"},
        "1.4.a": {"source": "forms", "forms": "conferences", "subtree": True},
        "1.4.b": {"source": "forms", "forms": "media", "subtree": True},
        "1.4.c": {"source": "forms", "forms": "new", "subtree": True},
        "1.5": {"source": "initiatives", "subtree": True},
        "3.2.1": {"source": "procedures"},
    },
}


def describe_source(spec: dict | str) -> str:
    """A mapping entry in words, with the named record query it runs (the README's table)."""
    spec = {"source": spec} if isinstance(spec, str) else spec
    source = spec["source"]
    where = "; đơn vị và các đơn vị trực thuộc" if spec.get("subtree") else ""
    if source == "tasks":
        done = {"on_time": "on_time", "done": "done"}[spec.get("done", "on_time")]
        return f"`tasks` measure={done} / measure=counted, 01/01–31/12{where}"
    if source == "reports":
        return f"`reports` measure=on_time / measure=expected (kỳ kết thúc trong năm){where}"
    if source == "plan_on_time":
        return ("`annual_plan`: kế hoạch CCHC năm ban hành đúng hạn / kế hoạch phải ban hành "
                "(hạn theo yêu cầu của cấp trên, nếu không: 31/12 năm trước)")
    if source == "forms":
        return f"`comm_forms` forms={spec['forms']}: Có khi ≥ {spec.get('min', 1)} hoạt động{where}"
    if source == "monthly":
        return f"`comm_forms` forms={spec['forms']}: đầy đủ khi mỗi tháng ≥ {spec['per_month']} tin, bài{where}"
    if source == "requirements":
        return "yêu cầu của kế hoạch tuyên truyền đơn vị đáp ứng / yêu cầu áp dụng (`cchc.comms.requirements`; chỉ hiển thị)"
    if source == "initiatives":
        return f"`initiatives`: số hoạt động hình thức mới, sáng tạo{where}"
    if source == "procedures":
        return "`procedures` change=new, amended, removed (toàn tỉnh; chỉ hiển thị)"
    if source == "inspections":
        if spec.get("figure") == "handled":
            return ("`findings` measure=handled (b), measure=in_progress (c) / measure=found (a), 01/01–31/12; "
                    "cuộc kiểm tra do chính đơn vị thực hiện")
        return ("`inspected_units` kind=department + commune (tỉnh) hoặc kind=office (sở, xã) / số đơn vị đó còn hiệu lực "
                "(hôm nay trong năm, nếu không: 31/12), 01/01–31/12; cuộc kiểm tra do chính đơn vị thực hiện")
    return source


@dataclass
class Figure:
    """One count behind a suggestion and the page listing exactly those records."""

    words: str
    count: int
    url: str = ""


@dataclass
class Suggestion:
    node_code: str
    source: str
    label: str  # what the figures are, in words
    text: str  # the figures, in words ("12/15 nhiệm vụ hoàn thành đúng hạn") or NO_DATA
    url: str = ""  # the list of the records the main figure counts
    a: int | None = None
    b: int | None = None
    inputs: dict[str, str] = field(default_factory=dict)  # in the rule's own input names
    figures: list[Figure] = field(default_factory=list)  # every count shown, each with its list
    rule: str = ""  # how the records are counted, in words
    details: list[str] = field(default_factory=list)  # one line per record that decides (plans, months)
    info: bool = False  # shown beside the node but never applied (a parent node, a count that cannot decide)
    points: Decimal | None = None  # what the inputs give by the node's rule
    stored: dict = field(default_factory=dict)  # the inputs as a save would store them (to compare)
    error: str = ""  # why the inputs cannot be scored by the node's rule

    @property
    def available(self) -> bool:
        """There are inputs to apply (and the node's rule scores them)."""
        return bool(self.inputs) and not self.error and not self.info


def _year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _dmy(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def inputs_for_rule(rule: dict | None, a: int, b: int) -> dict[str, str]:
    """The figures a (total) and b (achieved) in the input names the node's rule asks for.

    A yes/no (choice) rule takes "yes" when everything counted is achieved (a > 0 and b = a): the
    option worth the most points; otherwise the option worth the least.
    """
    rule = rule or {}
    kind = rule.get("type")
    if kind in ("ratio", "weighted") or (kind == "bands" and rule.get("on") == "ratio"):
        return {"a": str(a), "b": str(b)}
    if kind == "percent" or (kind == "bands" and rule.get("on", "percent") == "percent"):
        if a == 0:
            return {}
        return {"value": rules.format_number((Decimal(b) * 100 / Decimal(a)).quantize(Decimal("0.01")))}
    if kind == "bands" and rule.get("on") == "count":
        return {"value": str(b)}
    if kind == "choice":
        options = rule.get("options") or []
        if not options or a == 0:
            return {}
        values = [Decimal(str(points)) for _, points in options]
        wanted = max(values) if b >= a else min(values)
        return {"choice": str(values.index(wanted))}
    return {}


def mapping_for(scorecard) -> dict[str, dict]:
    return PREFILL_MAP.get(scorecard.round.criteria_set.unit_type, {})


def suggestions(scorecard, nodes) -> dict[int, Suggestion]:
    """Suggestions for the nodes of this scorecard that have a source, keyed by node id.

    A fixed number of queries per mapped node, whatever the number of records.
    """
    unit = scorecard.unit
    year = scorecard.round.year
    mapping = mapping_for(scorecard)
    found: dict[int, Suggestion] = {}
    for node in nodes:
        spec = mapping.get(node.code)
        if spec is None:
            continue
        found[node.pk] = suggestion_for(spec, node, unit, year)
    return found


def suggestion_for(spec: dict | str, node, unit: Unit, year: int) -> Suggestion:
    """One node's suggestion from its source, with the points its inputs give by the node's rule."""
    if isinstance(spec, str):
        spec = {"source": spec}
    found = _SOURCES[spec["source"]](spec, node, unit, year)
    if found.inputs and not found.info:
        from .workflow import compute_self_points

        try:
            found.stored, found.points = compute_self_points(node, found.inputs)
        except ValidationError as exc:
            found.error = " ".join(exc.messages)
    return found


# --- comparing what the unit typed with the records ---------------------------------------------


def inputs_words(node, inputs: dict) -> str:
    """Inputs as a person reads them: "25/28", "«Có thực hiện»", "96,3%", "3"."""
    rule = node.rule or {}
    inputs = inputs or {}
    if "choice" in inputs:
        options = rule.get("options") or []
        try:
            return f"«{options[int(inputs['choice'])][0]}»"
        except (ValueError, IndexError, TypeError):
            return f"«{inputs['choice']}»"
    if "a" in inputs and "b" in inputs and len(inputs) == 2:
        return f"{inputs['b']}/{inputs['a']}"
    if "value" in inputs:
        percent = rule.get("type") == "percent" or (rule.get("type") == "bands" and rule.get("on", "percent") == "percent")
        return f"{inputs['value']}%" if percent else str(inputs["value"])
    return "; ".join(f"{k} = {v}" for k, v in inputs.items())


def differs(found: Suggestion | None, stored: dict | None) -> bool:
    """The unit's saved inputs are not what the records give."""
    return found is not None and found.available and stored is not None and dict(stored) != found.stored


def mismatch_message(node, found: Suggestion, stored: dict) -> str:
    return (
        f"Đã nhập {inputs_words(node, stored)} nhưng hệ thống ghi nhận {found.text} (tiêu chí {node.code}) — "
        f"hãy ghi lý do vào ô “Giải trình {node.code}”; chưa lưu gì."
    )


def records_mismatch(scorecard, node, stored: dict, found: Suggestion | None = None) -> str | None:
    """The refusal for inputs that differ from the records without a reason, or None."""
    if found is None:
        spec = mapping_for(scorecard).get(node.code)
        if spec is None:
            return None
        found = suggestion_for(spec, node, scorecard.unit, scorecard.round.year)
    if not differs(found, stored):
        return None
    return mismatch_message(node, found, stored)


# --- the sources ------------------------------------------------------------------------------------


def _tasks(spec: dict, node, unit: Unit, year: int) -> Suggestion:
    start, end = _year_range(year)
    subtree = spec.get("subtree", False)
    done = spec.get("done", "on_time")
    counted = records.records("tasks", start, end, {"measure": "counted"}, unit=unit, subtree=subtree)
    # One query for every measure: each is the counted tasks narrowed by its own condition, as the
    # measure's list page narrows them.
    measures = ("on_time", "done", "late", "overdue")
    totals = counted.aggregate(
        counted=Count("pk", distinct=True),
        **{m: Count("pk", distinct=True, filter=records.task_q(start, end, m)) for m in measures},
    )
    a, b = totals["counted"], totals[done]
    words = {"on_time": "nhiệm vụ hoàn thành đúng hạn", "done": "nhiệm vụ đã hoàn thành"}[done]

    def url(measure: str) -> str:
        return records.list_url("tasks", start, end, {"measure": measure}, unit=unit, subtree=subtree)

    figures = [Figure(words, b, url(done)), Figure("nhiệm vụ có hạn hoặc hoàn thành trong năm", a, url("counted"))]
    if done == "on_time":
        figures.insert(1, Figure("hoàn thành trễ hạn", totals["late"], url("late")))
    figures.insert(-1, Figure("quá hạn chưa hoàn thành", totals["overdue"], url("overdue")))
    where = " và các đơn vị trực thuộc" if subtree else ""
    label = f"Nhiệm vụ của đơn vị{where} từ 01/01/{year} đến 31/12/{year} (từ phần Nhiệm vụ)"
    rule = ("Một nhiệm vụ được tính trong năm khi có hạn trong năm hoặc hoàn thành trong năm; "
            "đúng hạn là hoàn thành không muộn hơn hạn.")
    if a == 0:
        return Suggestion(node.code, "tasks", label, NO_DATA, url("counted"), figures=figures, rule=rule)
    return Suggestion(node.code, "tasks", label, f"{b}/{a} {words}", url(done), a, b,
                      inputs_for_rule(node.rule, a, b), figures, rule)


def _reports(spec: dict, node, unit: Unit, year: int) -> Suggestion:
    start, end = _year_range(year)
    subtree = spec.get("subtree", False)
    a = records.count("reports", start, end, {"measure": "expected"}, unit=unit, subtree=subtree)
    b = records.count("reports", start, end, {"measure": "on_time"}, unit=unit, subtree=subtree) if a else 0

    def url(measure: str) -> str:
        return records.list_url("reports", start, end, {"measure": measure}, unit=unit, subtree=subtree)

    figures = [Figure("báo cáo gửi đúng hạn", b, url("on_time")), Figure("báo cáo phải gửi", a, url("expected"))]
    label = f"Báo cáo CCHC định kỳ có kỳ kết thúc trong năm {year} (từ phần Báo cáo)"
    rule = ("Báo cáo phải gửi: mỗi kỳ báo cáo (quý, 6 tháng, năm) kết thúc trong năm; đúng hạn: đã gửi qua hệ thống "
            "trước khi hết hạn gửi của kỳ (kể cả số ngày vẫn tính là đúng hạn).")
    if a == 0:
        return Suggestion(node.code, "reports", label, NO_DATA, url("expected"), figures=figures, rule=rule)
    return Suggestion(node.code, "reports", label, f"{b}/{a} báo cáo định kỳ gửi đúng hạn", url("on_time"), a, b,
                      inputs_for_rule(node.rule, a, b), figures, rule)


def _plan_on_time(spec: dict, node, unit: Unit, year: int) -> Suggestion:
    from cchc.plans.models import Obligation, PlanKind

    start, end = _year_range(year)
    default_deadline = datetime.date(year - 1, 12, 31)
    plans = list(records.records("annual_plan", start, end, unit=unit).order_by("issued_on", "pk")[:20])
    # The plan requests addressed to the unit for a reform plan of the year (or due in it).
    obligations = list(
        Obligation.objects.filter(unit=unit, request__parent__kind=PlanKind.REFORM)
        .filter(request__deadline__gte=datetime.date(year - 1, 7, 1), request__deadline__lte=end)
        .select_related("request__parent").order_by("request__deadline", "pk")[:20]
    )
    deadline_of = {o.plan_id: o.request.deadline for o in obligations if o.plan_id}
    today = timezone.localdate()
    details, on_time = [], 0
    for plan in plans:
        deadline = deadline_of.get(plan.pk, default_deadline)
        ok = plan.issued_on is not None and plan.issued_on <= deadline
        on_time += ok
        basis = "theo yêu cầu của cấp trên" if plan.pk in deadline_of else f"31/12/{year - 1}"
        details.append(f"{plan.display_number} ngày {_dmy(plan.issued_on)} (hạn {_dmy(deadline)}, {basis}): "
                       + ("đúng hạn" if ok else "trễ hạn"))
    linked = {p.pk for p in plans}
    missing = [o for o in obligations if o.plan_id not in linked and o.fulfilled_at is None and o.request.deadline < today]
    for o in missing:
        details.append(f"Yêu cầu xây dựng kế hoạch thực hiện {o.request.parent.display_number} "
                       f"(hạn {_dmy(o.request.deadline)}): chưa ban hành")
    a, b = len(plans) + len(missing), on_time
    url = records.list_url("annual_plan", start, end, unit=unit)
    figures = [Figure(f"kế hoạch CCHC năm {year} đã ban hành", len(plans), url)]
    if missing:
        figures.append(Figure("kế hoạch được yêu cầu, quá hạn chưa ban hành", len(missing), reverse("plans:obligation_list")))
    label = f"Kế hoạch CCHC năm {year} của đơn vị (từ phần Kế hoạch)"
    rule = (f"Ban hành đúng hạn: không muộn hơn hạn của yêu cầu xây dựng kế hoạch từ cấp trên; nếu không có yêu cầu, "
            f"trước ngày 31/12/{year - 1}. Kế hoạch được yêu cầu mà quá hạn chưa ban hành tính là không đúng hạn.")
    if a == 0:
        return Suggestion(node.code, "plan_on_time", label, NO_DATA, url, figures=figures, rule=rule, details=details)
    text = f"{b}/{a} kế hoạch ban hành đúng hạn"
    return Suggestion(node.code, "plan_on_time", label, text, url, a, b, inputs_for_rule(node.rule, a, b),
                      figures, rule, details)


def _choice_words(node, inputs: dict) -> str:
    return f" → {inputs_words(node, inputs)}" if "choice" in inputs else ""


def _forms(spec: dict, node, unit: Unit, year: int) -> Suggestion:
    start, end = _year_range(year)
    subtree = spec.get("subtree", False)
    group, minimum = spec["forms"], spec.get("min", 1)
    params = {"forms": group}
    n = records.count("comm_forms", start, end, params, unit=unit, subtree=subtree)
    url = records.list_url("comm_forms", start, end, params, unit=unit, subtree=subtree)
    words = FORMS[group][0]
    label = f"{words} năm {year} (từ phần Tuyên truyền)"
    rule = f"Có thực hiện khi ghi nhận ít nhất {minimum} hoạt động trong năm."
    inputs = inputs_for_rule(node.rule, 1, int(n >= minimum))
    text = f"{n} hoạt động{_choice_words(node, inputs)}"
    return Suggestion(node.code, "forms", label, text, url, 1, int(n >= minimum), inputs,
                      [Figure("hoạt động", n, url)], rule)


def _monthly(spec: dict, node, unit: Unit, year: int) -> Suggestion:
    start, end = _year_range(year)
    subtree = spec.get("subtree", False)
    group, per_month = spec["forms"], spec["per_month"]
    params = {"forms": group}
    qs = records.records("comm_forms", start, end, params, unit=unit, subtree=subtree)
    rows = qs.order_by().annotate(m=ExtractMonth("date")).values("m").annotate(n=Sum("quantity"), c=Count("pk"))
    by_month, n_records = {}, 0
    for row in rows:
        by_month[row["m"]] = row["n"] or 0
        n_records += row["c"]
    today = timezone.localdate()
    months = 12 if today > end else max(today.month - 1, 0) if today.year == year else 0  # months ended so far
    url = records.list_url("comm_forms", start, end, params, unit=unit, subtree=subtree)
    total = sum(by_month.values())
    words = FORMS[group][0]
    label = f"{words} năm {year} (từ phần Tuyên truyền)"
    rule = (f"Thực hiện đầy đủ khi mỗi tháng có ít nhất {per_month} tin, bài (cộng số lượng các hoạt động của tháng); "
            "chỉ tính các tháng đã kết thúc.")
    # The list shows the activities (each with its number of items): the link counts activities.
    figures = [Figure(f"hoạt động ({total} tin, bài)", n_records, url)]
    if months == 0:
        return Suggestion(node.code, "monthly", label, NO_DATA, url, figures=figures, rule=rule)
    met = sum(1 for m in range(1, months + 1) if (by_month.get(m) or 0) >= per_month)
    short = [str(m) for m in range(1, months + 1) if (by_month.get(m) or 0) < per_month]
    details = [f"Tháng chưa đủ {per_month} tin, bài: " + ", ".join(short)] if short else []
    inputs = inputs_for_rule(node.rule, months, met)
    text = f"{met}/{months} tháng có đủ {per_month} tin, bài ({total} tin, bài){_choice_words(node, inputs)}"
    return Suggestion(node.code, "monthly", label, text, url, months, met, inputs, figures, rule, details)


def _initiatives(spec: dict, node, unit: Unit, year: int) -> Suggestion:
    start, end = _year_range(year)
    subtree = spec.get("subtree", False)
    n = records.count("initiatives", start, end, unit=unit, subtree=subtree)
    url = records.list_url("initiatives", start, end, unit=unit, subtree=subtree)
    label = f"Hoạt động ghi nhận là hình thức mới, sáng tạo năm {year} (từ phần Tuyên truyền)"
    rule = "Đếm các hoạt động được đánh dấu “hình thức mới, sáng tạo” trong năm."
    return Suggestion(node.code, "initiatives", label, f"{n} sáng kiến, giải pháp mới", url, n, n,
                      inputs_for_rule(node.rule, n, n), [Figure("hoạt động mới, sáng tạo", n, url)], rule)


def _communication_plan(unit: Unit, year: int):
    """The communication plan in force for the unit in the year: its parent's (whose requirements
    reach it), else its own; the latest issued."""
    from django.db.models import Case, IntegerField, Q, Value, When

    from cchc.plans.models import Plan, PlanKind, PlanStatus

    start, end = _year_range(year)
    dated = Q(period_start__lte=end) & (Q(period_end__isnull=True) | Q(period_end__gte=start))
    undated = Q(period_start__isnull=True, period_end__isnull=True, issued_on__gte=start, issued_on__lte=end)
    owners = [pk for pk in (unit.parent_id, unit.pk) if pk]
    return (
        Plan.objects.filter(kind=PlanKind.COMMUNICATION, status=PlanStatus.ISSUED, unit_id__in=owners)
        .filter(dated | undated)
        .annotate(own=Case(When(unit_id=unit.pk, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .order_by("own", "-issued_on", "-pk").first()
    )


def _requirements(spec: dict, node, unit: Unit, year: int) -> Suggestion:
    from urllib.parse import urlencode

    from cchc.comms.requirements import check_requirements

    start, end = _year_range(year)
    label = f"Yêu cầu của kế hoạch thông tin, tuyên truyền CCHC năm {year} (từ phần Tuyên truyền)"
    activities = records.list_url("activities", start, end, {"channel": "all"}, unit=unit, subtree=True)
    plan = _communication_plan(unit, year)
    if plan is None:
        return Suggestion(node.code, "requirements", label, NO_DATA, activities, info=True)
    page = reverse("comms:requirements") + "?" + urlencode({"ke_hoach": plan.pk, "nam": year, "ky": "nam"})
    rule = "Đối chiếu hoạt động đơn vị đã ghi nhận trong năm với từng yêu cầu của kế hoạch (cchc.comms)."
    if plan.unit_id == unit.pk and unit.kind == "province":
        # The province's own plan: its requirements fall on its departments and communes.
        result = check_requirements(plan, start, end)
        rows = result["rows"]
        met = sum(1 for r in rows if r["all_met"])
        text = f"{met}/{len(rows)} đơn vị đáp ứng đủ yêu cầu của {plan.display_number}"
        details = [f"«{s['requirement'].text[:160]}»: {s['met']}/{s['applicable']} đơn vị đạt" for s in result["summary"]]
        return Suggestion(node.code, "requirements", label, text, page, len(rows), met,
                          figures=[Figure("đơn vị đáp ứng đủ yêu cầu", met, page)], rule=rule, details=details, info=True)
    result = check_requirements(plan, start, end, units=Unit.objects.filter(pk=unit.pk))
    row = next((r for r in result["rows"] if r["unit"].pk == unit.pk), None)
    if row is None:
        return Suggestion(node.code, "requirements", label, NO_DATA, page, info=True,
                          details=[f"Đơn vị không thuộc phạm vi yêu cầu của {plan.display_number}."])
    applying = [(req, check) for req, check in zip(result["requirements"], row["checks"], strict=True) if check["applies"]]
    met = sum(1 for _, check in applying if check["met"])
    details = [f"«{req.text[:160]}»: {check['count']} hoạt động — " + ("đạt" if check["met"] else "chưa đạt")
               for req, check in applying]
    text = f"đáp ứng {met}/{len(applying)} yêu cầu của {plan.display_number}"
    # The check counts the unit with its sub-units (cchc.comms.figures.rollup); so does this list.
    figures = [Figure("yêu cầu đạt", met, page),
               Figure("hoạt động tuyên truyền trong năm",
                      records.count("activities", start, end, {"channel": "all"}, unit=unit, subtree=True),
                      records.list_url("activities", start, end, {"channel": "all"}, unit=unit, subtree=True))]
    return Suggestion(node.code, "requirements", label, text, page, len(applying), met,
                      figures=figures, rule=rule, details=details, info=True)


def _procedures(spec: dict, node, unit: Unit, year: int) -> Suggestion:
    start, end = _year_range(year)
    figures = []
    for change, words in (("new", "TTHC công bố mới"), ("amended", "TTHC sửa đổi, bổ sung"), ("removed", "TTHC bãi bỏ, thay thế")):
        params = {"change": change}
        figures.append(Figure(words, records.count("procedures", start, end, params),
                              records.list_url("procedures", start, end, params)))
    label = f"Thay đổi thủ tục hành chính đã đăng trên chuyên mục công khai năm {year} (toàn tỉnh)"
    rule = ("Chỉ để đối chiếu: tiêu chí đánh giá việc công bố đầy đủ, kịp thời theo quy định, "
            "số lượng không tự quyết định mức điểm — đơn vị tự chọn mức và giải trình.")
    total = sum(f.count for f in figures)
    text = ", ".join(f"{f.count} {f.words}" for f in figures) if total else NO_DATA
    return Suggestion(node.code, "procedures", label, text, figures[0].url, figures=figures, rule=rule, info=True)


def _inspections(spec: dict, node, unit: Unit, year: int) -> Suggestion:
    from cchc.inspections import services as inspections

    from cchc.inspections.models import InspectionPlan

    start, end = _year_range(year)
    if not InspectionPlan.objects.filter(unit=unit, year=year).exists():
        # No inspection plan of the unit in the system: no figure, never a made-up 0.
        return Suggestion(node.code, "inspections", f"Kiểm tra CCHC năm {year} (từ phần Kiểm tra)", NO_DATA,
                          rule=f"Đơn vị chưa có kế hoạch kiểm tra CCHC năm {year} trong hệ thống; đơn vị tự nhập số liệu.")
    if spec.get("figure") == "handled":
        return _inspection_findings(node, unit, year, start, end)
    kinds = ("department", "commune") if unit.kind == "province" else ("office",)
    day = inspections.in_force_day(year)
    a = len(inspections.candidates(unit, day))
    figures, b = [], 0
    words = {"department": "sở, ban, ngành được kiểm tra", "commune": "UBND cấp xã được kiểm tra",
             "office": "phòng, đơn vị trực thuộc được kiểm tra"}
    for kind in kinds:
        n = records.count("inspected_units", start, end, {"kind": kind}, unit=unit)
        b += n
        figures.append(Figure(words[kind], n, records.list_url("inspected_units", start, end, {"kind": kind}, unit=unit)))
    whom = "sở, ban, ngành và UBND cấp xã" if unit.kind == "province" else "phòng, đơn vị trực thuộc"
    figures.append(Figure(f"{whom} (còn hiệu lực ngày {_dmy(day)})", a, reverse("orgs:unit_detail", args=[unit.code])))
    label = f"Kiểm tra CCHC {whom} năm {year} (từ phần Kiểm tra)"
    rule = ("Đơn vị được kiểm tra: có kết quả kiểm tra (ngày kiểm tra trong năm) trong kế hoạch kiểm tra của chính đơn vị; "
            f"tỷ lệ = số đơn vị được kiểm tra / số {whom}.")
    url = figures[0].url
    if a == 0:
        return Suggestion(node.code, "inspections", label, NO_DATA, url, figures=figures, rule=rule)
    percent = rules.format_number((Decimal(b) * 100 / Decimal(a)).quantize(Decimal("0.01")))
    return Suggestion(node.code, "inspections", label, f"{b}/{a} đơn vị được kiểm tra ({percent}%)", url, a, b,
                      inputs_for_rule(node.rule, a, b), figures, rule)


def _inspection_findings(node, unit: Unit, year: int, start, end) -> Suggestion:
    def count(measure: str) -> int:
        return records.count("findings", start, end, {"measure": measure}, unit=unit)

    def url(measure: str) -> str:
        return records.list_url("findings", start, end, {"measure": measure}, unit=unit)

    a, b, c = count("found"), count("handled"), count("in_progress")
    figures = [Figure("vấn đề đã xử lý xong", b, url("handled")), Figure("đang xử lý, chưa xong", c, url("in_progress")),
               Figure("vấn đề phát hiện qua kiểm tra", a, url("found"))]
    label = f"Vấn đề phát hiện qua các cuộc kiểm tra CCHC của đơn vị năm {year} (từ phần Kiểm tra)"
    rule = ("Mỗi vấn đề ghi trong kết quả kiểm tra là một nhiệm vụ khắc phục của đơn vị được kiểm tra; đã xử lý xong khi "
            f"nhiệm vụ đó hoàn thành (có minh chứng) không muộn hơn 31/12/{year}; đang xử lý: đã bắt đầu, chưa xong.")
    rule_def = node.rule or {}
    if rule_def.get("type") == "weighted":
        inputs = {"a": str(a), **{name: str({"b": b, "c": c}.get(name, 0)) for name, _ in rule_def.get("terms", [])}}
        if a == 0 and rule_def.get("zero_a") != "full":
            return Suggestion(node.code, "inspections", label, NO_DATA, url("found"), figures=figures, rule=rule)
        return Suggestion(node.code, "inspections", label, f"{b}/{a} vấn đề đã xử lý xong, {c} đang xử lý", url("handled"),
                          a, b, inputs, figures, rule)
    if a == 0:
        return Suggestion(node.code, "inspections", label, NO_DATA, url("found"), figures=figures, rule=rule)
    return Suggestion(node.code, "inspections", label, f"{b}/{a} vấn đề đã xử lý xong", url("handled"), a, b,
                      inputs_for_rule(node.rule, a, b), figures, rule)


_SOURCES = {
    "plan_on_time": _plan_on_time,
    "tasks": _tasks,
    "reports": _reports,
    "forms": _forms,
    "monthly": _monthly,
    "requirements": _requirements,
    "initiatives": _initiatives,
    "procedures": _procedures,
    "inspections": _inspections,
}
