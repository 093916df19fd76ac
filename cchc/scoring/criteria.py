"""Criteria sets as data: load, check, import/export (CSV, XLSX), copy to a new year, revise.

A set is a table with one row per node, parents before children (the format of
`cchc/scoring/data/*.csv`, the same columns in XLSX):

    code,title,max_points,source,rule,na_allowed,deduction,evidence,guidance

Checks follow the documents: "children's maximums sum to the parent's" (a TC without its own rule is
the sum of its TCTP, "TỔNG ĐIỂM 100.00" / "TỔNG ĐIỂM 75,0" is the sum of the areas), every rule is one
of the vocabulary of `cchc.scoring.rules`. Imports are all-or-nothing, with per-row Vietnamese
errors, keyed by code (importing the same file twice changes nothing).

Versions inside a year: 12094/BNV-CCHC (15/12/2025) revised three items of 1187/QĐ-BNV. `revise_set`
makes version n+1; every node keeps a link (`origin`) to the node it continues and the version in
which its content last changed (`rule_version`); scores made under the earlier version stay on the
earlier version's nodes with their `set_version`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cchc.documents.tables import TableError, read_table, write_csv, write_xlsx
from cchc.lib.text import squeeze

from .models import CriteriaSet, Node, NodeScore, NodeSource, Round, UnitType
from .rules import deduction_errors, format_points, rule_errors

DATA_DIR = Path(__file__).resolve().parent / "data"
CSV_COLUMNS = ["code", "title", "max_points", "source", "rule", "na_allowed", "deduction", "evidence", "guidance"]
REQUIRED_COLUMNS = ["code", "title", "max_points", "source"]
# What decides a node's score; a change in any of these makes a new rule_version. Evidence and the
# original guidance text are documentation and do not.
SCORING_FIELDS = ("title", "max_points", "source", "rule", "na_allowed", "deduction")
TEXT_FIELDS = ("title", "evidence", "guidance")

_CODE = re.compile(r"^\d+(?:\.(?:\d+|[a-z]))*$")
_MAX_DIGITS = Decimal("9999.99")


@dataclass
class RowError:
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        where = f"Dòng {self.line}" if self.line else "Bộ tiêu chí"
        if self.code:
            where += f" (mã {self.code})"
        return f"{where}: {self.message}"


class CriteriaError(ValueError):
    """A criteria set cannot be saved; `errors` lists every problem, row by row."""

    def __init__(self, errors: list[RowError] | list[str]):
        self.errors = [e if isinstance(e, RowError) else RowError(0, "", e) for e in errors]
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class NodeRow:
    code: str
    title: str
    max_points: Decimal
    source: str = NodeSource.SELF
    rule: dict = field(default_factory=dict)
    na_allowed: bool = False
    deduction: dict = field(default_factory=dict)
    evidence: str = ""
    guidance: str = ""
    line: int = 0

    @property
    def level(self) -> int:
        return self.code.count(".") + 1

    @property
    def parent_code(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None

    def values(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in (*SCORING_FIELDS, "evidence", "guidance")}


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    warnings: list[RowError] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


# ------------------------------------------------------------------------------------------------
# Rows → NodeRows, with per-row errors


def parse_rows(rows: list[dict[str, str]], *, first_line: int = 2) -> list[NodeRow]:
    """Table rows (dicts by column name) → NodeRows; raises CriteriaError listing every bad row."""
    if not rows:
        raise CriteriaError(["Bảng không có dòng tiêu chí nào."])
    missing = [c for c in REQUIRED_COLUMNS if c not in rows[0]]
    if missing:
        raise CriteriaError([f"Thiếu cột: {', '.join(missing)} (các cột cần có: {', '.join(CSV_COLUMNS)})."])
    errors: list[RowError] = []
    result: list[NodeRow] = []
    for i, raw in enumerate(rows):
        line = first_line + i
        code = squeeze(raw.get("code", "")).rstrip(".")
        problems: list[str] = []

        def bad(message: str, problems: list[str] = problems) -> None:
            problems.append(message)

        if not code:
            bad("thiếu mã tiêu chí.")
        elif not _CODE.match(code):
            bad(f"mã «{code}» không đúng dạng (ví dụ 1, 1.1, 1.1.2, 3.3.1.a).")
        elif code.count(".") > 3:
            bad(f"mã «{code}» quá 4 cấp.")
        title = (raw.get("title") or "").strip()
        if not title:
            bad("thiếu nội dung tiêu chí.")
        max_points = _parse_max(raw.get("max_points", ""), bad)
        source = squeeze(raw.get("source", "")) or NodeSource.SELF
        if source not in NodeSource.values:
            bad(f"nguồn điểm «{source}» không hợp lệ; chỉ dùng: {', '.join(NodeSource.values)}.")
        rule = _parse_json(raw.get("rule", ""), "cách tính điểm (rule)", bad)
        if rule is not None and max_points is not None:
            for message in rule_errors(rule, max_points):
                bad(message)
        deduction = _parse_json(raw.get("deduction", ""), "trừ điểm (deduction)", bad)
        if deduction is not None:
            for message in deduction_errors(deduction):
                bad(message)
        na_allowed = _parse_flag(raw.get("na_allowed", ""), bad)
        if problems:
            errors += [RowError(line, code, p) for p in problems]
            continue
        result.append(NodeRow(
            code=code, title=title, max_points=max_points, source=source, rule=rule or {},
            na_allowed=na_allowed, deduction=deduction or {}, evidence=(raw.get("evidence") or "").strip(),
            guidance=(raw.get("guidance") or "").strip(), line=line,
        ))
    if errors:
        raise CriteriaError(errors)
    return result


def _parse_max(text: str, bad) -> Decimal | None:
    text = squeeze(str(text)).replace(",", ".")
    if not text:
        bad("thiếu điểm tối đa.")
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        bad(f"điểm tối đa «{text}» không phải là số (ví dụ 1.50).")
        return None
    if not value.is_finite() or value < 0 or value > _MAX_DIGITS or value != value.quantize(Decimal("0.01")):
        bad(f"điểm tối đa «{text}» phải từ 0 đến 9999.99, tối đa 2 chữ số thập phân.")
        return None
    return value


def _parse_json(text: str, what: str, bad) -> dict | None:
    text = (text or "").strip()
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        bad(f"{what} không phải JSON hợp lệ ({exc.msg}, ký tự {exc.pos + 1}); dùng dấu nháy kép, ví dụ "
            '{"type": "ratio", "floor": 0.8}.')
        return None
    if not isinstance(value, dict):
        bad(f"{what} phải là một đối tượng JSON {{…}}.")
        return None
    return value


def _parse_flag(text: str, bad) -> bool:
    value = squeeze(str(text)).lower()
    if value in ("", "0", "không", "khong", "false", "no"):
        return False
    if value in ("1", "x", "có", "co", "true", "yes"):
        return True
    bad(f"na_allowed «{text}» chỉ nhận 1 (có thể không áp dụng) hoặc 0.")
    return False


# ------------------------------------------------------------------------------------------------
# The tree checks


def check_tree(rows: list[NodeRow], part1_max: Decimal | None = None) -> list[RowError]:
    """Parents exist and come first, codes are unique, children's maximums sum to the parent's
    where the parent has no rule of its own, and the areas sum to the set's Part 1 maximum."""
    errors: list[RowError] = []
    seen: dict[str, NodeRow] = {}
    children: dict[str | None, list[NodeRow]] = defaultdict(list)
    for row in rows:
        if row.code in seen:
            errors.append(RowError(row.line, row.code, f"mã trùng với dòng {seen[row.code].line}."))
            continue
        parent = row.parent_code
        if parent is not None and parent not in seen:
            errors.append(RowError(row.line, row.code, f"tiêu chí cấp trên «{parent}» không có hoặc nằm sau dòng này."))
        seen[row.code] = row
        children[parent].append(row)
    for row, total in _child_sums(rows, children, seen):
        if total < row.max_points:
            errors.append(RowError(
                row.line, row.code,
                f"tổng điểm tối đa các tiêu chí con ({format_points(total)}) nhỏ hơn điểm tối đa "
                f"{format_points(row.max_points)}: không bao giờ đạt được điểm tối đa.",
            ))
    if part1_max is not None:
        total = sum((r.max_points for r in children[None]), Decimal(0))
        if total != Decimal(part1_max):
            errors.append(RowError(0, "", f"tổng điểm các lĩnh vực ({format_points(total)}) khác điểm tối đa "
                                          f"phần tiêu chí {format_points(Decimal(part1_max))}."))
    return errors


def _child_sums(rows: list[NodeRow], children: dict, seen: dict) -> list[tuple[NodeRow, Decimal]]:
    """(parent, sum of its children's maximums) for every parent scored as the sum of its children."""
    out = []
    for row in rows:
        kids = children.get(row.code)
        if kids and not row.rule and seen.get(row.code) is row:
            out.append((row, sum((k.max_points for k in kids), Decimal(0))))
    return out


def tree_warnings(rows: list[NodeRow]) -> list[RowError]:
    """Parents whose children add up to MORE than their maximum. Allowed — the sum is capped, as with
    "CỘNG THÊM" sub-items — but worth a look: 1187 prints three 0.5 items under 3.1's 1.00, which
    12094 corrects to 0.25 + 0.25 + 0.5."""
    seen = {r.code: r for r in rows}
    children: dict[str | None, list[NodeRow]] = defaultdict(list)
    for row in rows:
        children[row.parent_code].append(row)
    return [
        RowError(row.line, row.code, f"tổng điểm tối đa các tiêu chí con ({format_points(total)}) lớn hơn điểm "
                                     f"tối đa {format_points(row.max_points)}: điểm được giới hạn ở mức tối đa.")
        for row, total in _child_sums(rows, children, seen) if total > row.max_points
    ]


def counts(rows: list[NodeRow] | list[Node]) -> dict[str, Any]:
    """{"areas": 8, "criteria": 38, "components": 88, "total": "100.00"} like sets.json "expect"."""
    levels: dict[int, int] = defaultdict(int)
    total = Decimal(0)
    for row in rows:
        parts = row.code.split(".")
        # A lettered code ("3.1.a", "3.3.1.b") is a sub-item, whatever its depth.
        levels[len(parts) if all(p.isdigit() for p in parts) else 4] += 1
        if len(parts) == 1:
            total += row.max_points
    return {"areas": levels[1], "criteria": levels[2], "components": levels[3], "subitems": levels[4],
            "total": f"{total:.2f}"}


def set_rows(criteria_set: CriteriaSet) -> list[NodeRow]:
    """The set's nodes as NodeRows, in order (one query)."""
    return [
        NodeRow(code=n.code, title=n.title, max_points=n.max_points, source=n.source, rule=n.rule or {},
                na_allowed=n.na_allowed, deduction=n.deduction or {}, evidence=n.evidence, guidance=n.guidance,
                line=i + 2)
        for i, n in enumerate(criteria_set.nodes.order_by("position"))
    ]


def validate_set(criteria_set: CriteriaSet) -> list[RowError]:
    """Every problem of a saved set (rules, deductions, tree, total); [] when it is sound."""
    rows = set_rows(criteria_set)
    errors = []
    for row in rows:
        errors += [RowError(row.line, row.code, m) for m in rule_errors(row.rule, row.max_points)]
        errors += [RowError(row.line, row.code, m) for m in deduction_errors(row.deduction)]
    return errors + check_tree(rows, criteria_set.part1_max)


# ------------------------------------------------------------------------------------------------
# Saving rows into a set


def _same(field_name: str, old: Any, new: Any) -> bool:
    if field_name in TEXT_FIELDS:
        return squeeze(old or "") == squeeze(new or "")
    if field_name == "max_points":
        return Decimal(old) == Decimal(new)
    return old == new


def _same_scoring(node: Node | NodeRow, row: NodeRow | Node) -> bool:
    return all(_same(f, getattr(node, f), getattr(row, f)) for f in SCORING_FIELDS) and (
        _parent_code(node) == _parent_code(row)
    )


def _parent_code(obj: Node | NodeRow) -> str | None:
    return obj.code.rsplit(".", 1)[0] if "." in obj.code else None


def _sync_nodes(criteria_set: CriteriaSet, rows: list[NodeRow], by=None) -> SyncResult:
    """Make the set's nodes equal to rows, keyed by code: create, update what differs, delete the
    rest. Nodes are written level by level so parents exist before their children."""
    result = SyncResult()
    audit = _Audit(by)
    existing = {n.code: n for n in criteria_set.nodes.all()}
    wanted = {r.code for r in rows}
    gone = [n for code, n in existing.items() if code not in wanted]
    if gone:
        scored = set(NodeScore.objects.filter(node__in=gone).values_list("node__code", flat=True).distinct())
        if scored:
            raise CriteriaError([f"Không thể bỏ tiêu chí {', '.join(sorted(scored))}: đã có điểm chấm."])
        audit.add(gone, [{"code": [n.code, None]} for n in gone], LogEntry.Action.DELETE)
        Node.objects.filter(pk__in=[n.pk for n in gone]).delete()
        result.deleted = len(gone)
    by_code = {code: n for code, n in existing.items() if code in wanted}
    for level in sorted({r.level for r in rows}):
        new: list[Node] = []
        changed: list[Node] = []
        for position, row in enumerate(rows):
            if row.level != level:
                continue
            parent = by_code.get(row.parent_code) if row.parent_code else None
            node = by_code.get(row.code)
            if node is None:
                node = Node(criteria_set=criteria_set, code=row.code, parent=parent, level=level, position=position,
                            rule_version=criteria_set.version, **row.values())
                new.append(node)
                continue
            diff: dict[str, list] = {}
            for name, value in row.values().items():
                if not _same(name, getattr(node, name), value):
                    diff[name] = [_text(getattr(node, name)), _text(value)]
                    setattr(node, name, value)
            for name, value in (("parent_id", parent.pk if parent else None), ("level", level),
                                ("position", position)):
                if getattr(node, name) != value:
                    diff[name] = [_text(getattr(node, name)), _text(value)]
                    setattr(node, name, value)
            if diff:
                changed.append(node)
                audit.add([node], [diff])
            else:
                result.unchanged += 1
        Node.objects.bulk_create(new)
        audit.add(new, [{name: [None, _text(getattr(n, name))] for name in ("code", *SCORING_FIELDS)} for n in new],
                  LogEntry.Action.CREATE)
        for node in new:
            by_code[node.code] = node
        if changed:
            Node.objects.bulk_update(changed, ["parent", "level", "position", *SCORING_FIELDS, "evidence", "guidance"])
        result.created += len(new)
        result.updated += len(changed)
    audit.write()
    return result


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class _Audit:
    """Audit entries for nodes written in bulk (bulk saves bypass django-auditlog's signals), with the
    person who made the change (`by`)."""

    def __init__(self, by=None) -> None:
        self.entries: list[LogEntry] = []
        self.actor = by if getattr(by, "pk", None) else None

    def add(self, nodes: list[Node], changes: list[dict], action: int = LogEntry.Action.UPDATE) -> None:
        actor = self.actor
        for node, change in zip(nodes, changes, strict=True):
            self.entries.append(LogEntry(
                object_pk=str(node.pk), object_id=node.pk, object_repr=str(node)[:200], action=action,
                changes=change, actor=actor, timestamp=timezone.now(),
            ))

    def write(self) -> None:
        if self.entries:
            content_type = ContentType.objects.get_for_model(Node)
            for entry in self.entries:
                entry.content_type = content_type
            LogEntry.objects.bulk_create(self.entries, batch_size=2000)


def _link_versions(criteria_set: CriteriaSet, previous: CriteriaSet | None) -> list[str]:
    """Link each node to the previous version's node of the same code; unchanged scoring content keeps
    the earlier rule_version, changed content gets this set's version. Returns the changed codes."""
    nodes = list(criteria_set.nodes.all())
    if previous is None or previous.year != criteria_set.year:
        return []
    before = {n.code: n for n in previous.nodes.all()}
    changed: list[str] = []
    for node in nodes:
        old = before.get(node.code)
        node.origin = old
        if old is not None and _same_scoring(old, node):
            node.rule_version = old.rule_version
        else:
            node.rule_version = criteria_set.version
            changed.append(node.code)
    Node.objects.bulk_update(nodes, ["origin", "rule_version"])
    return changed


def changed_codes(criteria_set: CriteriaSet) -> list[str]:
    """Codes whose scoring content changed in this version (for 12094: the items of 3.1, 6.2.2, 6.2.3)."""
    return list(
        criteria_set.nodes.filter(rule_version=criteria_set.version).order_by("position").values_list("code", flat=True)
    ) if criteria_set.version > 1 else []


def changed_items(criteria_set: CriteriaSet) -> list[str]:
    """The changed items as a document names them: lettered sub-items ("3.1.a") count as their
    item, and a code is dropped when an ancestor is already listed (12094 → ["3.1", "6.2.2", "6.2.3"])."""
    codes = []
    for code in changed_codes(criteria_set):
        parts = code.split(".")
        while len(parts) > 1 and not parts[-1].isdigit():
            parts.pop()
        codes.append(".".join(parts))
    unique = sorted(set(codes), key=lambda c: [int(p) for p in c.split(".")])
    return [c for c in unique if not any(c.startswith(other + ".") for other in unique if other != c)]


def _check_rows(rows: list[NodeRow], part1_max: Decimal) -> None:
    errors = check_tree(rows, part1_max)
    if errors:
        raise CriteriaError(errors)


def _refuse_if_scored(criteria_set: CriteriaSet) -> None:
    if NodeScore.objects.filter(node__criteria_set=criteria_set).exists():
        raise CriteriaError([
            f"Bộ tiêu chí «{criteria_set}» đã có điểm chấm: không sửa trực tiếp được. Hãy tạo phiên bản sửa đổi "
            "(điểm đã chấm theo phiên bản cũ được giữ nguyên)."
        ])


@transaction.atomic
def save_rows(criteria_set: CriteriaSet, rows: list[NodeRow], *, by=None) -> SyncResult:
    """Replace a saved set's nodes with rows (checked first; nothing is written when a check fails)."""
    _check_rows(rows, criteria_set.part1_max)
    existing = set_rows(criteria_set)
    if len(existing) == len(rows) and all(
        a.code == b.code and all(_same(f, getattr(a, f), getattr(b, f)) for f in b.values())
        for a, b in zip(existing, rows, strict=True)
    ):
        return SyncResult(unchanged=len(rows), warnings=tree_warnings(rows))
    _refuse_if_scored(criteria_set)
    result = _sync_nodes(criteria_set, rows, by)
    result.warnings = tree_warnings(rows)
    if criteria_set.previous_id and criteria_set.version > 1:
        _link_versions(criteria_set, criteria_set.previous)
    return result


# ------------------------------------------------------------------------------------------------
# Files: CSV / XLSX, import and export


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """A shipped CSV file as dicts (UTF-8, keeps line breaks inside the guidance text)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def export_rows(criteria_set: CriteriaSet) -> list[list[str]]:
    return [
        [r.code, r.title, f"{r.max_points:.2f}", r.source,
         json.dumps(r.rule, ensure_ascii=False) if r.rule else "", "1" if r.na_allowed else "0",
         json.dumps(r.deduction, ensure_ascii=False) if r.deduction else "", r.evidence, r.guidance]
        for r in set_rows(criteria_set)
    ]


def export_set_xlsx(criteria_set: CriteriaSet) -> bytes:
    return write_xlsx(CSV_COLUMNS, export_rows(criteria_set), title=f"{criteria_set.slug} v{criteria_set.version}")


def export_set_csv(criteria_set: CriteriaSet) -> bytes:
    return write_csv(CSV_COLUMNS, export_rows(criteria_set))


def import_set(criteria_set: CriteriaSet, data: bytes, filename: str, *, by=None) -> SyncResult:
    """Import a set's rows from an XLSX (or CSV) file: all rows checked, all-or-nothing, keyed by code."""
    try:
        table = read_table(data, filename)
    except TableError as exc:
        raise CriteriaError([str(exc)]) from exc
    return save_rows(criteria_set, parse_rows(table), by=by)


# ------------------------------------------------------------------------------------------------
# New sets: from metadata, copies to a new year, revisions inside a year


SET_FIELDS = ("title", "document", "revision_document", "part1_max", "survey_max", "sipas_max",
              "sipas_min_rate", "sipas_min_forms", "rating_bands", "default_exclusions")


def _meta_values(meta: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("title", "document", "revision_document"):
        values[name] = meta.get(name) or ""
    for name in ("part1_max", "survey_max", "sipas_max", "sipas_min_rate"):
        if meta.get(name) is not None:
            values[name] = Decimal(str(meta[name]))
    if meta.get("sipas_min_forms") is not None:
        values["sipas_min_forms"] = int(meta["sipas_min_forms"])
    if meta.get("rating_bands"):
        values["rating_bands"] = [[str(label), str(bound)] for label, bound in meta["rating_bands"]]
    exclusions = meta.get(f"round_exclusions_{meta.get('year')}", meta.get("default_exclusions"))
    values["default_exclusions"] = list(exclusions or [])
    return values


@transaction.atomic
def load_set(meta: dict[str, Any], rows: list[dict[str, str]], *, by=None) -> tuple[CriteriaSet, SyncResult]:
    """Create or update one set from sets.json-style metadata and CSV rows; idempotent."""
    if meta.get("unit_type") not in UnitType.values:
        raise CriteriaError([f"Đối tượng «{meta.get('unit_type')}» không hợp lệ ({', '.join(UnitType.values)})."])
    node_rows = parse_rows(rows)
    values = _meta_values(meta)
    previous = None
    if meta.get("revises"):
        previous = (CriteriaSet.objects.filter(slug=meta["revises"], year=meta["year"])
                    .order_by("-version").first())
        if previous is None:
            raise CriteriaError([f"Bộ tiêu chí «{meta['slug']}» sửa đổi «{meta['revises']}», nhưng bộ này chưa có."])
    _check_rows(node_rows, values.get("part1_max", Decimal(75)))
    criteria_set, created = CriteriaSet.objects.get_or_create(
        slug=meta["slug"], year=meta["year"], unit_type=meta["unit_type"], version=meta.get("version", 1),
        defaults={**values, "previous": previous},
    )
    if not created:
        dirty = [name for name in SET_FIELDS if getattr(criteria_set, name) != values.get(name, getattr(criteria_set, name))]
        for name in dirty:
            setattr(criteria_set, name, values[name])
        if previous is not None and criteria_set.previous_id != previous.pk:
            criteria_set.previous = previous
            dirty.append("previous")
        if dirty:
            criteria_set.save(update_fields=[*dirty, "updated_at"])
    result = save_rows(criteria_set, node_rows, by=by)
    if previous is not None and created:
        _link_versions(criteria_set, previous)
    return criteria_set, result


def load_shipped_sets(data_dir: Path | None = None, *, by=None) -> list[CriteriaSet]:
    """Load every set listed in `data/sets.json` (the real 2025 sets); running it again changes nothing."""
    data_dir = data_dir or DATA_DIR
    index = data_dir / "sets.json"
    if not index.exists():
        raise CriteriaError([f"Không tìm thấy {index}."])
    entries = json.loads(index.read_text(encoding="utf-8"))
    # Revisions after the sets they revise.
    entries.sort(key=lambda e: (e.get("year", 0), bool(e.get("revises")), e.get("version", 1)))
    loaded = []
    for entry in entries:
        path = data_dir / entry["file"]
        try:
            criteria_set, _ = load_set(entry, read_csv_rows(path), by=by)
        except CriteriaError as exc:
            raise CriteriaError([RowError(e.line, e.code, f"{entry['file']}: {e.message}") for e in exc.errors]) from exc
        loaded.append(criteria_set)
    return loaded


def _slug_for_year(slug: str, old_year: int, year: int) -> str:
    prefix = f"{old_year}-"
    return f"{year}-{slug[len(prefix):]}" if slug.startswith(prefix) else f"{year}-{slug}"


@transaction.atomic
def copy_set(criteria_set: CriteriaSet, year: int, *, slug: str | None = None, title: str | None = None,
             by=None) -> CriteriaSet:
    """Copy a set (the version given) to a new year as version 1; the copy remembers where it came from."""
    slug = slug or _slug_for_year(criteria_set.slug, criteria_set.year, year)
    if CriteriaSet.objects.filter(slug=slug, year=year, unit_type=criteria_set.unit_type).exists():
        raise CriteriaError([f"Năm {year} đã có bộ tiêu chí «{slug}»."])
    copy = CriteriaSet.objects.create(
        slug=slug, year=year, unit_type=criteria_set.unit_type, version=1, previous=criteria_set,
        title=title or criteria_set.title.replace(str(criteria_set.year), str(year)),
        document="", revision_document="",
        **{name: getattr(criteria_set, name) for name in SET_FIELDS if name not in ("title", "document", "revision_document", "default_exclusions")},
    )
    _sync_nodes(copy, set_rows(criteria_set), by)
    return copy


@transaction.atomic
def revise_set(criteria_set: CriteriaSet, changed_rows: list[dict[str, str]] | list[NodeRow], document: str,
               *, title: str | None = None, by=None) -> CriteriaSet:
    """Version n+1 of a set: the earlier version's rows with `changed_rows` (by code) put in.

    12094/BNV-CCHC revised 1187's 3.1, 6.2.2 and 6.2.3: unchanged nodes keep their rule_version, the
    changed ones get the new version, every node links to the one it continues. The earlier version
    and every score made under it are left as they are.
    """
    if not squeeze(document):
        raise CriteriaError(["Cần ghi văn bản sửa đổi (ví dụ: 12094/BNV-CCHC ngày 15/12/2025)."])
    new_rows = changed_rows if (changed_rows and isinstance(changed_rows[0], NodeRow)) else parse_rows(changed_rows)
    if not new_rows:
        raise CriteriaError(["Chưa có tiêu chí nào được sửa đổi."])
    rows = set_rows(criteria_set)
    by_code = {r.code: i for i, r in enumerate(rows)}
    for row in new_rows:
        if row.code in by_code:
            rows[by_code[row.code]] = row
        else:
            rows.append(row)
            by_code[row.code] = len(rows) - 1
    rows = _tree_order(rows)
    _check_rows(rows, criteria_set.part1_max)
    version = (CriteriaSet.objects.filter(slug=criteria_set.slug, year=criteria_set.year,
                                          unit_type=criteria_set.unit_type)
               .aggregate(v=Max("version"))["v"] or 0) + 1
    revised = CriteriaSet.objects.create(
        slug=criteria_set.slug, year=criteria_set.year, unit_type=criteria_set.unit_type, version=version,
        previous=criteria_set, title=title or criteria_set.title, document=criteria_set.document,
        revision_document=squeeze(document),
        **{name: getattr(criteria_set, name) for name in SET_FIELDS if name not in ("title", "document", "revision_document")},
    )
    _sync_nodes(revised, rows, by)
    if not _link_versions(revised, criteria_set):
        raise CriteriaError(["Các dòng sửa đổi giống hệt phiên bản hiện hành: không có gì thay đổi."])
    return revised


def _tree_order(rows: list[NodeRow]) -> list[NodeRow]:
    """Rows in document order: each node after its parent and earlier siblings (new codes fit in)."""
    def key(row: NodeRow) -> tuple:
        return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in row.code.split("."))

    return sorted(rows, key=key)


@transaction.atomic
def move_round_to_version(round_: Round, revised: CriteriaSet) -> dict[str, int]:
    """Move a round onto a revised version of its set without losing a score.

    Every node score moves to the revised node of the same code and keeps its `set_version`; where
    the rule changed (rule_version > set_version) the score is kept but marked, by that difference,
    as made under the earlier rule so the round can re-score it. Returns {"moved", "changed_rule"}.
    """
    current = round_.criteria_set
    if revised.slug != current.slug or revised.year != current.year or revised.unit_type != current.unit_type:
        raise CriteriaError(["Chỉ chuyển được sang một phiên bản khác của cùng bộ tiêu chí."])
    if round_.is_published:
        raise CriteriaError(["Kỳ đánh giá đã công bố: không chuyển phiên bản bộ tiêu chí được."])
    new_nodes = {n.code: n for n in revised.nodes.all()}
    scores = list(NodeScore.objects.filter(scorecard__round=round_).select_related("node"))
    missing = sorted({s.node.code for s in scores if s.node.code not in new_nodes})
    if missing:
        raise CriteriaError([f"Phiên bản mới không có tiêu chí {', '.join(missing)} đã được chấm điểm."])
    changed = 0
    for score in scores:
        target = new_nodes[score.node.code]
        if target.rule_version > score.set_version:
            changed += 1
        score.node = target
    NodeScore.objects.bulk_update(scores, ["node"])
    excluded = [new_nodes[n.code] for n in round_.excluded_nodes.all() if n.code in new_nodes]
    round_.criteria_set = revised
    round_.save(update_fields=["criteria_set", "updated_at"])
    round_.excluded_nodes.set(excluded)
    return {"moved": len(scores), "changed_rule": changed}


def parse_csv_bytes(data: bytes) -> list[dict[str, str]]:
    """CSV bytes (UTF-8) as dicts, keeping line breaks: for tests and commands."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
