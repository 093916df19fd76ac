"""Figures on communication activities, for pages and for the periodic reports.

Every function here sums in the database (GROUP BY), never by looping over activities in Python,
so the number of queries is fixed and their cost follows the activities in scope. A unit counts
with its whole subtree: an activity of "Văn phòng HĐND và UBND xã Bình Giang" counts for xã Bình
Giang, found through the materialised `path` prefix ("/1/7/" is under "/1/"), see `under`.
`benchmarks/comms.py` measures them on a province-sized year of activities.

The rows are plain dicts with the same keys everywhere:
    key         what the row is about (channel code, topic id, unit code, audience code, period start)
    label       its Vietnamese name
    activities  number of activities
    quantity    sum of quantities (articles, sessions, copies, broadcasts)
    reach       sum of reach (participants, views); activities without a reach count as 0
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.db import connection
from django.db.models import CharField, Count, ExpressionWrapper, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Substr

from cchc.orgs.models import Unit
from cchc.plans.models import Plan

from .models import AUDIENCE_FIELDS, CHANNEL_SHORT, Activity, Audience, ChannelKind

By = Literal["channel", "topic", "unit", "audience", "month", "quarter"]

_METRICS = {
    "activities": Count("id"),
    "quantity": Coalesce(Sum("quantity"), Value(0)),
    "reach": Coalesce(Sum("reach"), Value(0)),
}


def under(child: str, parent: str) -> str:
    """SQL condition: the path `child` is in the subtree of the path `parent` (both SQL expressions).

    SQLite compares text bytewise, so the subtree is the index range [P, P without its last "/" + "0")
    ("0" follows "/"). PostgreSQL's collation may ignore "/" when ordering, so there it is the exact
    prefix test SUBSTR(child, 1, LENGTH(P)) = P (equality stays exact under any collation).
    """
    if connection.vendor == "sqlite":
        return f"{child} >= {parent} AND {child} < SUBSTR({parent}, 1, LENGTH({parent}) - 1) || '0'"
    return f"SUBSTR({child}, 1, LENGTH({parent})) = {parent}"


def _unsliced(units_qs: QuerySet[Unit]) -> QuerySet[Unit]:
    """A sliced queryset cannot be re-ordered or nested in our SQL: take its ids instead."""
    if units_qs.query.is_sliced:
        return Unit.objects.filter(pk__in=[u.pk for u in units_qs])
    return units_qs


def subtree_units(units_qs: QuerySet[Unit]) -> QuerySet[Unit]:
    """Every unit in the subtree of one of `units_qs` (each unit once, even when subtrees nest).

    One non-correlated sub-query, evaluated once: the units whose path starts with the path of one
    of `units_qs` (SELECT u.id FROM (units_qs) r CROSS JOIN unit u WHERE `under`(u.path, r.path)).
    """
    unit_table = connection.ops.quote_name(Unit._meta.db_table)
    rows_sql, rows_params = _unsliced(units_qs).order_by().values("path").query.sql_with_params()
    sql = f"SELECT u.id FROM ({rows_sql}) r CROSS JOIN {unit_table} u WHERE {under('u.path', 'r.path')}"
    return Unit.objects.filter(pk__in=RawSQL(sql, rows_params))


def in_subtrees(units_qs: QuerySet[Unit]) -> Q:
    """A condition on activities: their unit lies in the subtree of one of `units_qs`."""
    return Q(unit__in=subtree_units(units_qs))


def activities_in(units_qs: QuerySet[Unit], start: datetime.date | None, end: datetime.date | None) -> QuerySet[Activity]:
    """The activities of `units_qs` and their subtrees dated between start and end (both included)."""
    qs = Activity.objects.filter(in_subtrees(units_qs))
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    return qs


def _zero(key, label) -> dict:
    return {"key": key, "label": label, "activities": 0, "quantity": 0, "reach": 0}


def activity_totals(units_qs: QuerySet[Unit], start: datetime.date | None, end: datetime.date | None,
                    by: By = "channel", *, plan: Plan | None = None) -> list[dict]:
    """Activities, quantity and reach of `units_qs` (each with its subtree) from start to end, grouped.

    by="channel"   one row per channel of the fixed list (ChannelKind), zeros included, in list order
    by="topic"     one row per plan topic cited (key = topic id, label "a) …", plus "plan_id" and
                   "code"); an activity citing three topics counts once for each. With `plan`,
                   every topic of that plan appears, zeros included, and only its topics.
    by="unit"      one row per unit of `units_qs` (key = unit code, plus "unit"), its subtree
                   included, zeros included, in tree order
    by="audience"  one row per audience (officials, citizens, businesses); an activity for several
                   audiences counts for each
    by="month" / "quarter"  one row per period with activities (key = first day), in date order

    `start` / `end` may be None (open). Example for a quarterly report of xã Bình Giang:
        activity_totals(Unit.objects.filter(code="13531"), date(2026, 1, 1), date(2026, 3, 31), by="channel")
    """
    if by == "unit":
        return _totals_by_unit(units_qs, start, end)
    acts = activities_in(units_qs, start, end)
    if by == "channel":
        found = {r["channel"]: r for r in acts.values("channel").annotate(**_METRICS).order_by("channel")}
        rows = []
        for choice in ChannelKind:
            row = _zero(choice.value, choice.label)
            row["short"] = CHANNEL_SHORT[choice.value]
            row.update({k: found[choice.value][k] for k in _METRICS} if choice.value in found else {})
            rows.append(row)
        return rows
    if by == "topic":
        if plan is not None:
            acts = acts.filter(topics__plan=plan)
        else:
            acts = acts.filter(topics__isnull=False)
        grouped = (
            acts.values("topics", "topics__code", "topics__text", "topics__plan_id", "topics__order")
            .annotate(**_METRICS).order_by("topics__plan_id", "topics__order", "topics")
        )
        found = {r["topics"]: r for r in grouped}
        if plan is not None:
            order = list(plan.topics.values("id", "code", "text", "plan_id"))
        else:
            order = [{"id": r["topics"], "code": r["topics__code"], "text": r["topics__text"],
                      "plan_id": r["topics__plan_id"]} for r in grouped]
        rows = []
        for topic in order:
            row = _zero(topic["id"], f"{topic['code']}) {topic['text']}")
            row.update(code=topic["code"], plan_id=topic["plan_id"], text=topic["text"])
            if topic["id"] in found:
                row.update({k: found[topic["id"]][k] for k in _METRICS})
            rows.append(row)
        return rows
    if by == "audience":
        aggregates = {}
        for audience, field in AUDIENCE_FIELDS.items():
            only = Q(**{field: True})
            aggregates[f"{audience}__activities"] = Count("id", filter=only)
            aggregates[f"{audience}__quantity"] = Coalesce(Sum("quantity", filter=only), Value(0))
            aggregates[f"{audience}__reach"] = Coalesce(Sum("reach", filter=only), Value(0))
        sums = acts.aggregate(**aggregates)
        return [
            {"key": a.value, "label": a.label, **{k: sums[f"{a.value}__{k}"] for k in _METRICS}}
            for a in Audience
        ]
    if by in ("month", "quarter"):
        # Year and month read from the ISO text of the date ("2026-03-05"): plain SQL on both
        # databases, where TruncMonth would call back into Python for every row on SQLite.
        iso = Cast("date", CharField())
        year = Cast(Substr(iso, 1, 4), IntegerField())
        month = Cast(Substr(iso, 6, 2), IntegerField())
        part = month if by == "month" else ExpressionWrapper((month + 2) / 3, output_field=IntegerField())
        grouped = (acts.annotate(y=year, p=part).values("y", "p").annotate(**_METRICS).order_by("y", "p"))
        rows = []
        for r in grouped:
            first = datetime.date(r["y"], r["p"] if by == "month" else 3 * r["p"] - 2, 1)
            label = f"Tháng {r['p']}/{r['y']}" if by == "month" else f"Quý {r['p']}/{r['y']}"
            rows.append({"key": first, "label": label, **{k: r[k] for k in _METRICS}})
        return rows
    raise ValueError(f"Không có cách nhóm “{by}”.")


def rollup(row_units: QuerySet[Unit], start, end, *, by_channel: bool = False,
           counts: dict[str, tuple[list[str], bool]] | None = None) -> dict:
    """Sums of activities per row unit, each row with its whole subtree, in ONE grouped SQL query.

        SELECT r.id[, a.channel], COUNT(a.id), SUM(a.quantity), SUM(a.reach)[, SUM(CASE …)]
        FROM (row units) r
        CROSS JOIN unit u CROSS JOIN activity a
        WHERE under(u.path, r.path)                            -- r's subtree (see `under`)
          AND a.unit_id = u.id AND a.date BETWEEN start AND end
        GROUP BY r.id[, a.channel]

    A join on a path prefix cannot be written with the ORM, so this is plain SQL for SQLite and
    PostgreSQL (SUBSTR, LENGTH, ||, CASE). `counts` adds named conditional counts, each
    {name: (channels, or_innovative)}: activities through one of those channels (or marked
    innovative). Returns {(row_id,) or (row_id, channel): {"activities", "quantity", "reach", **counts}};
    rows without activities are absent (callers fill zeros).
    """
    counts = counts or {}
    unit_table = connection.ops.quote_name(Unit._meta.db_table)
    activity_table = connection.ops.quote_name(Activity._meta.db_table)
    rows_sql, rows_params = _unsliced(row_units).order_by().values("id", "path").query.sql_with_params()
    select = ["r.id"] + (["a.channel"] if by_channel else [])
    measures = ["COUNT(a.id)", "COALESCE(SUM(a.quantity), 0)", "COALESCE(SUM(a.reach), 0)"]
    measure_params: list = []
    for channels, innovative in counts.values():
        parts = []
        if channels:
            parts.append("a.channel IN (" + ", ".join(["%s"] * len(channels)) + ")")
            measure_params.extend(channels)
        if innovative:
            parts.append("a.innovative = %s")
            measure_params.append(True)
        measures.append(f"SUM(CASE WHEN {' OR '.join(parts) or '1 = 0'} THEN 1 ELSE 0 END)")
    # CROSS JOIN with the conditions in WHERE: SQLite then keeps this join order (rows → the units
    # of their subtree → their activities by the (unit, date) index) instead of
    # scanning every activity of the period for each row; PostgreSQL plans it as an inner join.
    where = [under("u.path", "r.path"), "a.unit_id = u.id"]
    where_params: list = []
    if start:
        where.append("a.date >= %s")
        where_params.append(start)
    if end:
        where.append("a.date <= %s")
        where_params.append(end)
    sql = (
        f"SELECT {', '.join(select + measures)} FROM ({rows_sql}) r "
        f"CROSS JOIN {unit_table} u CROSS JOIN {activity_table} a "
        f"WHERE {' AND '.join(where)} GROUP BY {', '.join(select)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*measure_params, *rows_params, *where_params])
        found = cursor.fetchall()
    width = len(select)
    names = ["activities", "quantity", "reach", *counts]
    return {tuple(row[:width]): dict(zip(names, (int(v or 0) for v in row[width:]), strict=True)) for row in found}


def _totals_by_unit(units_qs, start, end) -> list[dict]:
    units_qs = _unsliced(units_qs)
    sums = rollup(units_qs, start, end)
    zero = {"activities": 0, "quantity": 0, "reach": 0}
    return [
        {"key": u.code, "label": u.display_name, "unit": u, **sums.get((u.pk,), zero)}
        for u in units_qs.order_by("path")
    ]


def unit_channel_matrix(row_units: QuerySet[Unit], start, end, *, own: Unit | None = None) -> dict:
    """Units × channels: each row unit with its subtree, each cell the number of activities.

    Two queries whatever the data: the row units, and one grouped `rollup` by (row unit, channel).
    Rows without activities appear with zeros (those are the units to chase). With `own` (the parent
    of the rows), a first row holds what that unit recorded itself (one more grouped query).
    Returns {"channels": [(code, short label, full label)], "rows": [{"unit", "cells", "total",
    "quantity", "own"}], "totals": [per channel], "total": n}.
    """
    channels = [(c.value, CHANNEL_SHORT[c.value], c.label) for c in ChannelKind]
    keep = row_units.query.is_sliced or bool(row_units.query.order_by)
    ordered = row_units if keep else row_units.order_by("path")  # the caller's order, else tree order
    if own is not None and not row_units.query.is_sliced:
        ordered = ordered.exclude(pk=own.pk)
    units = list(ordered)
    rows, totals = [], [0] * len(channels)
    if own is not None:
        mine = Activity.objects.filter(unit=own)
        if start:
            mine = mine.filter(date__gte=start)
        if end:
            mine = mine.filter(date__lte=end)
        found = {r["channel"]: r for r in mine.values("channel").annotate(
            n=Count("id"), q=Coalesce(Sum("quantity"), Value(0))).order_by("channel")}
        cells = [found[code]["n"] if code in found else 0 for code, _, _ in channels]
        rows.append({"unit": own, "cells": cells, "total": sum(cells), "own": True,
                     "quantity": sum(r["q"] for r in found.values())})
    sums = rollup(Unit.objects.filter(pk__in=[u.pk for u in units]), start, end, by_channel=True) if units else {}
    for unit in units:
        found = [sums.get((unit.pk, code)) for code, _, _ in channels]
        cells = [f["activities"] if f else 0 for f in found]
        rows.append({"unit": unit, "cells": cells, "total": sum(cells), "own": False,
                     "quantity": sum(f["quantity"] for f in found if f)})
    for row in rows:
        for i, n in enumerate(row["cells"]):
            totals[i] += n
    return {"channels": channels, "rows": rows, "totals": totals, "total": sum(totals)}


def topic_channel_matrix(units_qs: QuerySet[Unit], start, end, plan: Plan) -> dict:
    """Topics of `plan` × channels for `units_qs` (subtrees included): the number of activities.

    Three queries whatever the data: the plan's topics, the (topic, channel) counts, and the
    activities citing none of the plan's topics by channel (the last row, "chưa gắn nội dung").
    """
    acts = activities_in(units_qs, start, end)
    topics = list(plan.topics.all())
    grouped = acts.filter(topics__plan=plan).values("topics", "channel").annotate(n=Count("id")).order_by()
    cells = {(r["topics"], r["channel"]): r["n"] for r in grouped}
    untagged = dict(
        acts.exclude(topics__plan=plan).values("channel").annotate(n=Count("id")).order_by().values_list("channel", "n")
    )
    channels = [(c.value, CHANNEL_SHORT[c.value], c.label) for c in ChannelKind]
    rows = []
    for topic in topics:
        row = [cells.get((topic.pk, code), 0) for code, _, _ in channels]
        rows.append({"topic": topic, "cells": row, "total": sum(row), "covered": sum(row) > 0})
    untagged_row = [untagged.get(code, 0) for code, _, _ in channels]
    return {
        "channels": channels, "rows": rows, "untagged": untagged_row, "untagged_total": sum(untagged_row),
        "covered": sum(1 for r in rows if r["covered"]), "n_topics": len(rows),
    }
