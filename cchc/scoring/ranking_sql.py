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
