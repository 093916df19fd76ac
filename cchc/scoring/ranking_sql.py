"""Set-based writes for a whole round on PostgreSQL: one statement per 50,000 rows.

The rows go to the server as ONE parameter — a JSON array — unpacked there by
`jsonb_to_recordset` into typed columns, then inserted (`INSERT … SELECT`) or joined to the table
(`UPDATE … FROM`). A parametrised statement per row (executemany) pays a round trip and the client's
quoting of every value; Django's `bulk_create` sends one array per column, whose text quoting costs
more than the insert itself for JSON columns. Other backends keep the plain per-row statements
(SQLite runs them in-process, where they are cheap).
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.db import connection

CHUNK = 50_000


def available() -> bool:
    return connection.vendor == "postgresql"


def _plain(value):
    """What JSON cannot carry as is (numbers as strings: no float on the way)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} in a bulk row")


def _payload(rows: list[tuple]) -> str:
    """The rows as one JSON array of arrays (the C encoder; no dict per row)."""
    return json.dumps(rows, ensure_ascii=False, default=_plain, separators=(",", ":"))


def _columns(model, names: list[str]) -> list[tuple[str, str]]:
    """(column, SQL that reads element i of the row `r` as the column's type)."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    out = []
    for i, name in enumerate(names):
        field = fields[name]
        kind = (field.rel_db_type(connection) if field.is_relation else field.db_type(connection)).split(" CHECK")[0]
        out.append((field.column, f"(r->{i})" if kind == "jsonb" else f"(r->>{i})::{kind}"))
    return out


def insert(model, names: list[str], rows: list[tuple], constants: dict | None = None) -> None:
    """INSERT `rows` (tuples in the order of `names`, attnames) plus `constants` (attname → value, the
    same for every row, prepared as the field would prepare it)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    constants = constants or {}
    typed = _columns(model, names)
    columns = [col for col, _ in typed] + [fields[n].column for n in constants]
    select = [read for _, read in typed] + ["%s"] * len(constants)
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
           f"SELECT {', '.join(select)} FROM jsonb_array_elements(%s::jsonb) AS r")
    prepared = [fields[n].get_db_prep_save(v, connection) for n, v in constants.items()]
    with connection.cursor() as cursor:
        for i in range(0, len(rows), CHUNK):
            cursor.execute(sql, [*prepared, _payload(rows[i:i + CHUNK])])


def update(model, names: list[str], rows: list[tuple], constants: dict | None = None) -> None:
    """UPDATE by primary key: each row is (pk, *values of `names`); `constants` are set on every row."""
    if not rows:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    fields = {f.attname: f for f in meta.concrete_fields}
    constants = constants or {}
    typed = _columns(model, [meta.pk.attname, *names])
    table = quote(meta.db_table)
    record = ", ".join(f"{read} AS {quote(col)}" for col, read in typed)
    sets = [f"{quote(col)} = v.{quote(col)}" for col, _ in typed[1:]]
    sets += [f"{quote(fields[n].column)} = %s" for n in constants]
    pk = quote(meta.pk.column)
    sql = (f"UPDATE {table} SET {', '.join(sets)} "  # noqa: S608
           f"FROM (SELECT {record} FROM jsonb_array_elements(%s::jsonb) AS r) AS v WHERE {table}.{pk} = v.{pk}")
    prepared = [fields[n].get_db_prep_save(v, connection) for n, v in constants.items()]
    with connection.cursor() as cursor:
        for i in range(0, len(rows), CHUNK):
            cursor.execute(sql, [*prepared, _payload(rows[i:i + CHUNK])])


def _shown(sql: str) -> str:
    """numeric(6,2) as `workflow._num` shows it: no trailing zeros, decimal comma ("0,75", "1", "10")."""
    return f"replace(rtrim(rtrim(({sql})::text, '0'), '.'), '.', ',')"


def appraisal_pass(*, pass_no: int, rows: list[tuple], actor_id, version: int, now, round_title: str,
                   content_type_id: int) -> None:
    """A pass's scores AND their audit in one statement per chunk of whole scorecards.

    `rows`: (scorecard id, node id, score id or None for a new score, value, reason, value before or
    None, reason before), grouped by scorecard. One CTE unpacks the JSON once; it inserts the new
    scores, updates the existing ones and, from the same rows, writes one audit entry per scorecard
    ({"<code>: điểm thẩm định đợt N": [before, after], "<code>: lý do đợt N": [before, after]}, the
    reason only when either side is non-empty) — Python neither builds nor encodes the change
    messages. A chunk never splits a scorecard, so each still gets exactly one entry.
    """
    from auditlog.models import LogEntry

    from .models import Node, NodeScore, Scorecard
    from cchc.orgs.models import Unit

    quote = connection.ops.quote_name
    ns = {f.attname: f for f in NodeScore._meta.concrete_fields}
    other = 2 if pass_no == 1 else 1
    points, reason, appraiser = (ns[f"appraised_points_{pass_no}"].column, ns[f"reason_{pass_no}"].column,
                                 ns[f"appraiser_{pass_no}_id"].column)
    constants = {"applicable": True, "inputs": {}, "explanation": "", f"reason_{other}": "",
                 "deduction_applied": False, "deduction_waived": False, "set_version": version,
                 "self_points": None, f"appraised_points_{other}": None, f"appraiser_{other}_id": None}
    stamp = ns["updated_at"].get_db_prep_save(now, connection)
    table = quote(NodeScore._meta.db_table)
    log_fields = {f.attname: f for f in LogEntry._meta.concrete_fields}
    template = LogEntry(content_type_id=content_type_id, action=LogEntry.Action.UPDATE, timestamp=now,
                        object_repr="", object_pk="", actor_id=actor_id)
    varying = {"object_pk", "object_id", "object_repr", "changes"}
    fixed = {n: getattr(template, n) for n, f in log_fields.items() if not f.primary_key and n not in varying}
    sql = f"""
WITH v AS (
  SELECT (r->>0)::bigint AS sc, (r->>1)::bigint AS nd, (r->>2)::bigint AS pk, (r->>3)::numeric(6,2) AS val,
         r->>4 AS reason, (r->>5)::numeric(6,2) AS before, r->>6 AS old_reason
  FROM jsonb_array_elements(%s::jsonb) AS r
), ins AS (
  INSERT INTO {table} ({quote(ns["scorecard_id"].column)}, {quote(ns["node_id"].column)}, {quote(points)},
                       {quote(reason)}, {quote(appraiser)}, {quote(ns["updated_at"].column)},
                       {", ".join(quote(ns[n].column) for n in constants)})
  SELECT sc, nd, val, reason, %s, %s, {", ".join(["%s"] * len(constants))} FROM v WHERE pk IS NULL
), upd AS (
  UPDATE {table} AS t SET {quote(points)} = v.val, {quote(reason)} = v.reason, {quote(appraiser)} = %s,
                          {quote(ns["updated_at"].column)} = %s
  FROM v WHERE v.pk IS NOT NULL AND t.{quote(ns["id"].column)} = v.pk
)
INSERT INTO {quote(LogEntry._meta.db_table)} ({", ".join(quote(log_fields[n].column) for n in
                                               ["object_pk", "object_id", "object_repr", "changes", *fixed])})
SELECT v.sc::text, v.sc, left(u.{quote(Unit._meta.get_field("name").column)} || %s, 200), jsonb_object_agg(k.key, k.change),
       {", ".join(["%s"] * len(fixed))}
FROM v
JOIN {quote(Node._meta.db_table)} AS n ON n.id = v.nd
JOIN {quote(Scorecard._meta.db_table)} AS c ON c.id = v.sc
JOIN {quote(Unit._meta.db_table)} AS u ON u.id = c.{quote(Scorecard._meta.get_field("unit").column)}
CROSS JOIN LATERAL (VALUES
  (n.code || %s, jsonb_build_array(coalesce({_shown("v.before")}, ''), {_shown("v.val")})),
  (n.code || %s, CASE WHEN v.reason <> '' OR v.old_reason <> '' THEN jsonb_build_array(v.old_reason, v.reason) END)
) AS k(key, change)
WHERE k.change IS NOT NULL
GROUP BY v.sc, u.{quote(Unit._meta.get_field("name").column)}
ORDER BY v.sc
"""  # noqa: S608 - names from the models, values as parameters
    insert_params = [actor_id, stamp, *(ns[n].get_db_prep_save(v, connection) for n, v in constants.items())]
    log_params = [log_fields[n].get_db_prep_save(v, connection) for n, v in fixed.items()]
    labels = [f": điểm thẩm định đợt {pass_no}", f": lý do đợt {pass_no}"]
    with connection.cursor() as cursor:
        for chunk in _whole_scorecards(rows):
            cursor.execute(sql, [_payload(chunk), *insert_params, actor_id, stamp, f" — {round_title}", *log_params,
                                 *labels])


def _whole_scorecards(rows: list[tuple]):
    """Chunks of about CHUNK rows that end at a scorecard boundary (rows come grouped by scorecard)."""
    start = 0
    while start < len(rows):
        end = min(start + CHUNK, len(rows))
        while end < len(rows) and rows[end][0] == rows[end - 1][0]:
            end += 1
        yield rows[start:end]
        start = end
