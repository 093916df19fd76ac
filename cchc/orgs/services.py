"""Every change to units, groups and people goes through these functions.

Views, the API, management commands and tests call them; django-auditlog records each save with
the acting user (set by its middleware for requests, by `auditlog_actor` for commands).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from cchc.documents.tables import format_date, parse_date
from cchc.lib.text import fold, squeeze

from .models import Membership, NameMapping, Role, Unit, UnitGroup, UnitKind, active_units_q
from .signals import unit_merged, units_changed

User = get_user_model()


# --- tree -----------------------------------------------------------------------------------


def tree_rebuild_paths() -> int:
    """Recompute every unit's materialised path and depth; returns how many rows changed.

    One read and one bulk write whatever the size of the tree (a few thousand units).
    """
    parents = dict(Unit.objects.values_list("id", "parent_id"))
    cache: dict[int, str] = {}

    def path_of(unit_id: int) -> str:
        if unit_id not in cache:
            seen, chain, node = set(), [], unit_id
            while node is not None and node not in cache:
                if node in seen:  # a cycle must never be written; refuse loudly
                    raise ValidationError("Cây đơn vị bị vòng lặp.")
                seen.add(node)
                chain.append(node)
                node = parents[node]
            prefix = cache[node] if node is not None else "/"
            for n in reversed(chain):
                prefix = f"{prefix}{n}/"
                cache[n] = prefix
        return cache[unit_id]

    changed = []
    for unit in Unit.objects.only("id", "path", "depth"):
        path = path_of(unit.id)
        depth = path.count("/") - 2
        if unit.path != path or unit.depth != depth:
            unit.path, unit.depth = path, depth
            changed.append(unit)
    Unit.objects.bulk_update(changed, ["path", "depth"], batch_size=500)
    return len(changed)


def _check_parent(unit: Unit, parent: Unit | None) -> None:
    if parent is None or unit.pk is None:
        return
    if parent.pk == unit.pk or (unit.path and parent.path.startswith(unit.path)):
        raise ValidationError({"parent": "Không thể đặt đơn vị cấp trên là chính nó hoặc đơn vị cấp dưới của nó."})


@transaction.atomic
def unit_save(*, unit: Unit, predecessors: list[Unit] | None = None) -> Unit:
    """Create or update a unit after validating it; keeps the tree paths right. A new unit, or one
    whose kind or dates changed, is announced (`units_changed`): a report period still taking
    entry then expects its report."""
    unit.name = squeeze(unit.name)
    unit.short_name = squeeze(unit.short_name)
    unit.aliases = [squeeze(a) for a in unit.aliases if squeeze(a)]
    if unit.pk:
        _check_parent(unit, unit.parent)
    before = Unit.objects.filter(pk=unit.pk).values("parent_id", *_IN_FORCE_FIELDS).first() if unit.pk else None
    parent_changed = before is None or before["parent_id"] != unit.parent_id
    unit.full_clean(exclude=["path", "depth"])
    unit.save()
    if predecessors is not None:
        unit.predecessors.set(predecessors)
    if parent_changed:
        tree_rebuild_paths()
        unit.refresh_from_db(fields=["path", "depth"])
    if before is None or any(before[f] != getattr(unit, f) for f in _IN_FORCE_FIELDS):
        units_changed.send(sender=Unit, units=[unit])
    return unit


# What decides whether a unit must report in a period (its kind, in force at the window's end).
_IN_FORCE_FIELDS = ("kind", "valid_from", "valid_to")


@transaction.atomic
def unit_merge(
    *, sources: list[Unit], into: Unit, on: datetime.date
) -> Unit:
    """Record that `sources` were merged into `into` on a date: they stay, closed, as history.

    The sources are locked first, so two merges of one unit at once cannot both go through: a unit
    already merged into another (or closed) is refused, and the unit keeps one successor.

    Then `unit_merged` is sent in the same transaction; the reports app answers it (see
    `cchc.reports.services.merged`): `into` gets its report in every period still taking entry,
    and the sources' unsent reports of those periods can no longer be sent. Because the sources'
    rows stay locked until commit, an officer sending a source's report at that moment either
    lands first (the report is sent, and compiles under `into`) or waits and is refused."""
    if into in sources:
        raise ValidationError("Đơn vị mới không thể là một trong các đơn vị bị sáp nhập.")
    locked = {u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=[s.pk for s in sources]).order_by("pk")}
    for source in sources:
        current = locked.get(source.pk)
        if current is None:
            raise ValidationError(f"Không còn đơn vị “{source.name}”.")
        if current.valid_to is not None or current.successors.exists():
            raise ValidationError(f"{current.name} đã được sáp nhập hoặc đã hết hiệu lực; không sáp nhập lần nữa.")
    for source in sources:  # the rows just read under the lock, so nothing changed meanwhile is overwritten
        current = locked[source.pk]
        current.valid_to = source.valid_to = on
        current.full_clean(exclude=["path", "depth"])
        current.save(update_fields=["valid_to", "updated_at"])
    if into.pk is None or into.valid_from is None:
        into.valid_from = into.valid_from or on
        into.save(**({"update_fields": ["valid_from", "updated_at"]} if into.pk else {}))
    into.predecessors.add(*sources)
    unit_merged.send(sender=Unit, sources=sources, into=into, on=on)
    return into


def unit_delete(*, unit: Unit) -> None:
    """Delete a unit only when nothing refers to it; otherwise the unit must be closed instead."""
    try:
        with transaction.atomic():
            unit.delete()
    except ProtectedError as exc:
        raise ValidationError(
            "Không thể xóa đơn vị đang có đơn vị cấp dưới, người dùng hoặc dữ liệu liên quan; "
            "hãy ghi ngày hết hiệu lực thay vì xóa."
        ) from exc


# --- people -----------------------------------------------------------------------------------


@transaction.atomic
def person_create(
    *, username: str, full_name: str, email: str, password: str | None,
    unit: Unit, role: str, position: str = "",
) -> AbstractBaseUser:
    username = squeeze(username).lower()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "Tên đăng nhập đã được dùng."})
    user = User(username=username, email=squeeze(email), full_name=squeeze(full_name))
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    membership_add(user=user, unit=unit, role=role, position=position)
    return user


def membership_add(*, user: AbstractBaseUser, unit: Unit, role: str, position: str = "") -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": "Vai trò không hợp lệ."})
    if Membership.objects.filter(user=user, unit=unit, role=role).exists():
        raise ValidationError("Người dùng đã có vai trò này tại đơn vị.")
    membership = Membership(user=user, unit=unit, role=role, position=squeeze(position))
    membership.full_clean()
    membership.save()
    return membership


def membership_remove(*, membership: Membership) -> None:
    membership.delete()


def full_name(user: AbstractBaseUser) -> str:
    return user.get_full_name()


# --- import / export --------------------------------------------------------------------------

COLUMNS = {
    "code": "Mã",
    "name": "Tên đơn vị",
    "short_name": "Tên ngắn",
    "kind": "Loại",
    "parent": "Mã đơn vị cấp trên",
    "aliases": "Tên gọi khác",
    "valid_from": "Hiệu lực từ",
    "valid_to": "Hết hiệu lực",
    "predecessors": "Hình thành từ (mã)",
    "note": "Ghi chú",
}
LIST_SEPARATOR = " | "

_KIND_BY_TEXT = {fold(v): v for v in UnitKind.values} | {fold(label): v for v, label in UnitKind.choices}


@dataclass
class RowError:
    row: int  # as a spreadsheet shows it: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Dòng {self.row}" + (f", cột “{self.column}”" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _split_list(text: str) -> list[str]:
    return [squeeze(p) for p in (text or "").split("|") if squeeze(p)]


def units_import(rows: list[dict[str, str]]) -> ImportResult:
    """Create or update units from table rows keyed by code. All rows or none are saved.

    Idempotent: importing the same table twice changes nothing the second time.
    """
    result = ImportResult()
    missing = [title for key, title in COLUMNS.items() if key in ("code", "name", "kind") and title not in (rows[0] if rows else {})]
    if missing:
        result.errors.append(RowError(1, "", "Thiếu cột bắt buộc: " + ", ".join(missing) + "."))
        return result

    existing = {u.code: u for u in Unit.objects.all()}
    parsed: list[tuple[int, dict]] = []
    seen_codes: dict[str, int] = {}
    for index, raw in enumerate(rows, start=2):
        def get(key: str, raw: dict = raw) -> str:
            return squeeze(raw.get(COLUMNS[key], ""))

        errors_before = len(result.errors)
        code, name = get("code"), get("name")
        if not code:
            result.errors.append(RowError(index, COLUMNS["code"], "Mã đơn vị trống."))
        elif code in seen_codes:
            result.errors.append(RowError(index, COLUMNS["code"], f"Mã “{code}” trùng với dòng {seen_codes[code]}."))
        else:
            seen_codes[code] = index
        if not name:
            result.errors.append(RowError(index, COLUMNS["name"], "Tên đơn vị trống."))
        kind = _KIND_BY_TEXT.get(fold(get("kind")))
        if not kind:
            result.errors.append(RowError(index, COLUMNS["kind"], f"Loại đơn vị không hợp lệ: “{get('kind')}”."))
        dates = {}
        for key in ("valid_from", "valid_to"):
            try:
                dates[key] = parse_date(get(key))
            except ValueError as exc:
                result.errors.append(RowError(index, COLUMNS[key], str(exc)))
        if dates.get("valid_from") and dates.get("valid_to") and dates["valid_from"] > dates["valid_to"]:
            result.errors.append(RowError(index, COLUMNS["valid_to"], "Ngày hết hiệu lực trước ngày hiệu lực."))
        if len(result.errors) == errors_before:
            # Field rules (lengths, formats) as the model states them, reported against the row.
            probe = Unit(code=code, name=name, short_name=get("short_name"), kind=kind, note=get("note"))
            try:
                probe.clean_fields(exclude=["parent", "path", "depth", "aliases", "valid_from", "valid_to"])
            except ValidationError as exc:
                for field_name, messages in exc.message_dict.items():
                    column = COLUMNS.get(field_name, field_name)
                    result.errors.extend(RowError(index, column, m) for m in messages)
        if len(result.errors) == errors_before:
            parsed.append((index, {
                "code": code, "name": name, "short_name": get("short_name"), "kind": kind,
                "parent": get("parent"), "aliases": _split_list(get("aliases")),
                "predecessors": _split_list(get("predecessors")), "note": get("note"), **dates,
            }))

    # References are checked on every row, so one pass reports all of a row's problems.
    known = set(existing) | set(seen_codes)
    for index, raw in enumerate(rows, start=2):
        code, parent = squeeze(raw.get(COLUMNS["code"], "")), squeeze(raw.get(COLUMNS["parent"], ""))
        if parent and parent not in known:
            result.errors.append(RowError(index, COLUMNS["parent"], f"Không tìm thấy đơn vị cấp trên có mã “{parent}”."))
        if parent and parent == code:
            result.errors.append(RowError(index, COLUMNS["parent"], "Đơn vị không thể là cấp trên của chính nó."))
        for code in _split_list(raw.get(COLUMNS["predecessors"], "")):
            if code not in known:
                result.errors.append(RowError(index, COLUMNS["predecessors"], f"Không tìm thấy đơn vị có mã “{code}”."))
    if result.errors:
        result.errors.sort(key=lambda e: e.row)  # stable: within a row, columns stay in order
        return result

    try:
        with transaction.atomic():
            _apply_import([rec for _, rec in parsed], existing, result)
    except ValidationError as exc:
        result.created = result.updated = result.unchanged = 0
        result.errors.append(RowError(1, "", "; ".join(exc.messages)))
    return result


def _apply_import(records: list[dict], existing: dict[str, Unit], result: ImportResult) -> None:
    by_code = dict(existing)
    # Parents first: a record waits until its parent exists (in the database or earlier in the file).
    pending = list(records)
    ordered: list[dict] = []
    placed = set(existing)
    while pending:
        ready = [r for r in pending if not r["parent"] or r["parent"] in placed or r["parent"] not in {p["code"] for p in pending}]
        if not ready:
            raise ValidationError("Các đơn vị trong tệp tạo thành vòng lặp cấp trên - cấp dưới.")
        for r in ready:
            ordered.append(r)
            placed.add(r["code"])
        pending = [r for r in pending if r not in ready]

    touched_tree = False
    status: dict[str, str] = {}
    in_force_changed: list[Unit] = []
    for rec in ordered:
        unit = by_code.get(rec["code"]) or Unit(code=rec["code"])
        parent = by_code[rec["parent"]] if rec["parent"] else None
        values = {
            "name": rec["name"], "short_name": rec["short_name"], "kind": rec["kind"],
            "aliases": rec["aliases"], "valid_from": rec["valid_from"], "valid_to": rec["valid_to"],
            "note": rec["note"],
        }
        is_new = unit.pk is None
        changed = is_new or unit.parent_id != (parent.pk if parent else None) or any(
            getattr(unit, k) != v for k, v in values.items()
        )
        if changed:
            touched_tree |= is_new or unit.parent_id != (parent.pk if parent else None)
            if is_new or any(getattr(unit, f) != values[f] for f in _IN_FORCE_FIELDS):
                in_force_changed.append(unit)
            for k, v in values.items():
                setattr(unit, k, v)
            unit.parent = parent
            unit.full_clean(exclude=["path", "depth", "parent", "predecessors"])
            unit.save()
            by_code[unit.code] = unit
        status[rec["code"]] = "created" if is_new else "updated" if changed else "unchanged"

    current = {}
    for unit_id, code in Unit.predecessors.through.objects.values_list("from_unit_id", "to_unit__code"):
        current.setdefault(unit_id, set()).add(code)
    for rec in ordered:
        unit = by_code[rec["code"]]
        if set(rec["predecessors"]) != current.get(unit.pk, set()):
            unit.predecessors.set([by_code[c] for c in rec["predecessors"]])
            if status[rec["code"]] == "unchanged":
                status[rec["code"]] = "updated"
    for value in status.values():
        setattr(result, value, getattr(result, value) + 1)
    if touched_tree:
        tree_rebuild_paths()
    if in_force_changed:
        units_changed.send(sender=Unit, units=in_force_changed)


def units_export_rows(units) -> tuple[list[str], list[list[str]]]:
    """Rows in the same shape `units_import` reads, so an export re-imports unchanged."""
    units = units.select_related("parent").prefetch_related("predecessors")
    rows = [
        [
            u.code, u.name, u.short_name, u.kind, u.parent.code if u.parent else "",
            LIST_SEPARATOR.join(u.aliases), format_date(u.valid_from), format_date(u.valid_to),
            LIST_SEPARATOR.join(sorted(p.code for p in u.predecessors.all())), u.note,
        ]
        for u in units
    ]
    return list(COLUMNS.values()), rows


# --- names of units: search and what people teach the resolver ----------------------------------


def target_label(target: Unit | UnitGroup) -> str:
    """How a unit or a group is written in a picker: "Sở Tư pháp — UBND tỉnh Ninh Bình",
    "Nhóm: UBND cấp xã". Typing it back finds exactly that target."""
    if isinstance(target, UnitGroup):
        return f"Nhóm: {target.name}"
    if target.parent_id is not None:
        return f"{target.name} — {target.parent.display_name}"
    return target.name


def province_root(unit: Unit) -> int:
    """The id at the top of a unit's tree (its province for a unit in force)."""
    return int(unit.path.strip("/").split("/")[0]) if unit.path.strip("/") else unit.pk


def _target_names(target: Unit | UnitGroup) -> list[str]:
    if isinstance(target, UnitGroup):
        return [target.name, *target.aliases]
    return [n for n in (target.name, target.short_name, *target.aliases) if n]


@dataclass
class TargetSearch:
    """Units (those `units` holds, in force) and every group, searchable by name without diacritics."""

    units: object  # a QuerySet of the units the person may see
    groups: bool = True
    _rows: list | None = None

    def rows(self) -> list[tuple[Unit | UnitGroup, str, list[str], tuple[str, ...]]]:
        """(target, folded label, folded names, the words of them all), loaded once."""
        if self._rows is None:
            units = list(self.units.filter(active_units_q()).select_related("parent"))
            targets: list[Unit | UnitGroup] = list(UnitGroup.objects.all()) if self.groups else []
            targets += units
            self._rows = []
            for t in targets:
                names = [fold(n) for n in _target_names(t)]
                label = fold(target_label(t))
                self._rows.append((t, label, names, tuple(set(" ".join([label, *names]).split()))))
        return self._rows

    def search(self, query: str, *, limit: int = 20, prefer_root: int | None = None) -> list[Unit | UnitGroup]:
        """Every target whose names hold all the words of the query, best first: an exact name,
        then a name that starts so, groups and upper levels before their offices."""
        needle = fold(query)
        words = needle.split()
        if not words:
            return []
        found = []
        for target, label, names, haystack in self.rows():
            if all(any(h.startswith(w) for h in haystack) for w in words):
                exact = needle in names or needle == label
                starts = any(n.startswith(needle) for n in names)
                is_group = isinstance(target, UnitGroup)
                depth = -1 if is_group else target.depth
                foreign = (not is_group and prefer_root is not None and province_root(target) != prefer_root)
                found.append(((not exact, foreign, not starts, depth, label), target))
        found.sort(key=lambda pair: pair[0])
        return [t for _, t in found[:limit]]

    def find(self, text: str, *, prefer_root: int | None = None) -> tuple[Unit | UnitGroup | None, str]:
        """The one target a typed or picked text stands for, or an error message in Vietnamese."""
        needle = fold(text)
        if not needle:
            return None, ""
        by_label = [t for t, label, _, _ in self.rows() if label == needle]
        by_name = [t for t, _, names, _ in self.rows() if needle in names]
        for candidates in (by_label, by_name, self.search(text, limit=50, prefer_root=prefer_root)):
            if not candidates:
                continue
            if len(candidates) > 1 and prefer_root is not None:
                inside = [t for t in candidates if isinstance(t, UnitGroup) or province_root(t) == prefer_root]
                candidates = inside if len(inside) == 1 else candidates
            if len(candidates) == 1:
                return candidates[0], ""
            shown = "; ".join(target_label(t) for t in candidates[:5])
            more = f" và {len(candidates) - 5} đơn vị khác" if len(candidates) > 5 else ""
            return None, f"“{squeeze(text)}” khớp với nhiều đơn vị: {shown}{more}. Hãy chọn một tên trong danh sách gợi ý."
        return None, f"Không tìm thấy đơn vị hay nhóm đơn vị nào tên “{squeeze(text)}”."


@dataclass
class MappingResult:
    added: list[NameMapping] = field(default_factory=list)  # new or pointed at another target
    unchanged: list[NameMapping] = field(default_factory=list)  # already mapped so


def _has_name(target: Unit | UnitGroup, phrase: str) -> bool:
    key = fold(phrase)
    return any(fold(n) == key for n in _target_names(target))


def _drop_alias(target: Unit | UnitGroup, phrase: str) -> None:
    key = fold(phrase)
    kept = [a for a in target.aliases if fold(a) != key]
    if kept == target.aliases:
        return
    target.aliases = kept
    if isinstance(target, Unit):
        unit_save(unit=target)
    else:
        target.full_clean()
        target.save()


@transaction.atomic
def name_mappings_add(*, pairs: list[tuple[str, Unit | UnitGroup]], user) -> MappingResult:
    """Remember that each phrase stands for its unit or group: an alias of the target (every
    later reading knows it) and a `NameMapping` (a plan of an unknown issuer applies it too).

    A phrase mapped before to another target now points at the new one, and leaves the old
    target's aliases. Only coordinators teach names. All pairs or none are saved.
    """
    from cchc import policy
    from cchc.orgs.resolver import phrase_key

    if not policy.can_manage_units(user):
        raise PermissionDenied("Chỉ cán bộ điều phối được thêm tên gọi cho đơn vị.")
    result = MappingResult()
    for phrase, target in pairs:
        phrase = squeeze(phrase)[:300]
        key = phrase_key(phrase)[:300]
        if not key:
            continue
        is_group = isinstance(target, UnitGroup)
        mapping = NameMapping.objects.select_related("unit", "group").filter(key=key).first()
        if mapping is not None and mapping.target == target:
            result.unchanged.append(mapping)
        else:
            if mapping is None:
                mapping = NameMapping(key=key)
            elif not _has_name_as_own(mapping.target, phrase):
                _drop_alias(mapping.target, phrase)
            mapping.phrase = phrase
            mapping.unit, mapping.group = (None, target) if is_group else (target, None)
            mapping.created_by = user if user is not None and user.is_authenticated else None
            mapping.full_clean(exclude=["key"])
            mapping.save()
            result.added.append(mapping)
        if not _has_name(target, phrase):
            target.aliases = [*target.aliases, phrase]
            if is_group:
                target.full_clean()
                target.save()
            else:
                unit_save(unit=target)
    return result


def _has_name_as_own(target: Unit | UnitGroup, phrase: str) -> bool:
    """The phrase is the target's own name (not an alias someone added): never removed."""
    key = fold(phrase)
    own = [target.name] if isinstance(target, UnitGroup) else [target.name, target.short_name]
    return any(n and fold(n) == key for n in own)
