"""Text → units: the one place where a phrase from a plan becomes units of the tree.

"Các sở, ban, ngành; UBND cấp xã" → the department group and the commune group;
"Bao va Phat thanh, Truyen hinh Ninh Binh" (no diacritics) → the provincial press unit;
"Phòng Văn hóa – Xã hội" in a commune's plan → that commune's own office.

Matching is case-, punctuation- and diacritic-insensitive (everything is folded first), takes the
longest known name at each position, tries fuzzy matching on what is left, and returns every
fragment it could not place as `unresolved` (or `ambiguous`) instead of dropping it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from cchc.lib.text import fold

from .models import GroupScope, Unit, UnitGroup, UnitKind, active_units_q

FUZZY_CUTOFF = 88

# Words that carry no unit on their own: what is left of "… và các cơ quan" or "Chủ trì: …".
_FILLER = set(
    "cac va voi cua phoi hop chu tri de nghi co quan don vi lien theo thuoc khac cung "
    "giam doc tich thu truong nguoi dung dau trach nhiem thuc hien giao la gom nhu sau "
    "ban hanh qua tham muu kip thoi tai".split()
)
# Synonyms applied to every known name so that either spelling of the text matches.
_SYNONYMS = [
    ("uy ban nhan dan", "ubnd"),
    ("hoi dong nhan dan", "hdnd"),
    ("mat tran to quoc viet nam", "mttq"),
    ("mat tran to quoc", "mttq"),
    ("phat thanh va truyen hinh", "phat thanh truyen hinh"),
    ("trung tam phuc vu hanh chinh cong", "ttpvhcc"),
    ("khoa hoc va cong nghe", "khcn"),
]
_SEPARATOR = re.compile(r"[;,.:()\n/]|\s-\s|\s–\s")
_LOCAL_KINDS = {UnitKind.COMMUNE, UnitKind.WARD}


@dataclass
class Match:
    text: str  # the words of the input this match covers, as written
    method: str  # "name", "fuzzy"
    unit: Unit | None = None
    group: UnitGroup | None = None
    score: float = 100.0

    @property
    def label(self) -> str:
        return self.group.name if self.group else self.unit.name


@dataclass
class Ambiguity:
    text: str
    candidates: list[Unit]


@dataclass
class Resolution:
    text: str
    matches: list[Match] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    ambiguous: list[Ambiguity] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unresolved and not self.ambiguous

    @property
    def units(self) -> list[Unit]:
        return [m.unit for m in self.matches if m.unit]

    @property
    def groups(self) -> list[UnitGroup]:
        return [m.group for m in self.matches if m.group]


def _variants(name: str) -> set[str]:
    """Folded spellings of one name: "UBND" and "Ủy ban nhân dân" both, and so on."""
    base = fold(name)
    out = {base}
    for long, short in _SYNONYMS:
        for v in list(out):
            out.add(v.replace(long, short))
            out.add(re.sub(rf"\b{short}\b", long, v))
    return {v for v in out if v}


class UnitResolver:
    """Loads the units and groups once; resolve many phrases against them.

    `context` is the unit whose document is being read: its own offices ("Văn phòng Sở",
    "Phòng Văn hóa - Xã hội") and its own name ("UBND xã") resolve relative to it.
    """

    def __init__(self, *, context: Unit | None = None, on: datetime.date | None = None):
        self.context = context
        units = list(Unit.objects.filter(active_units_q(on)).select_related("parent"))
        self.province = next((u for u in units if u.kind == UnitKind.PROVINCE and u.parent_id is None), None)
        self._lexicon: dict[tuple[str, ...], set[tuple[str, int]]] = {}
        self._units = {u.pk: u for u in units}
        self._groups = {g.pk: g for g in UnitGroup.objects.all()}
        for unit in units:
            for name in self._unit_names(unit):
                self._add(name, ("u", unit.pk))
        for group in self._groups.values():
            for name in [group.name, *group.aliases]:
                self._add(name, ("g", group.pk))
        if context is not None:
            for name in self._self_names(context):
                self._add(name, ("u", context.pk))
        self._maxlen = max((len(k) for k in self._lexicon), default=1)
        self._fuzzy_keys = [" ".join(k) for k in self._lexicon]

    def _add(self, name: str, target: tuple[str, int]) -> None:
        for variant in _variants(name):
            self._lexicon.setdefault(tuple(variant.split()), set()).add(target)

    def _unit_names(self, unit: Unit) -> list[str]:
        names = [unit.name, unit.short_name, *unit.aliases]
        parent = unit.parent
        if parent is not None and parent.kind == UnitKind.PROVINCE and unit.kind != UnitKind.OFFICE:
            province = re.sub(r"^(ủy ban nhân dân|ubnd)\s+", "", parent.name, flags=re.I)
            bare = [n for n in names if n and not fold(n).endswith(fold(province))]
            for n in bare:
                names += [f"{n} {province}", f"{n} tỉnh"]
        return [n for n in names if n]

    @staticmethod
    def _self_names(unit: Unit) -> list[str]:
        if unit.kind == UnitKind.COMMUNE:
            return ["UBND xã", "Ủy ban nhân dân xã", "xã"]
        if unit.kind == UnitKind.WARD:
            return ["UBND phường", "Ủy ban nhân dân phường", "phường"]
        if unit.kind == UnitKind.PROVINCE:
            return ["UBND tỉnh", "Ủy ban nhân dân tỉnh"]
        if unit.kind == UnitKind.DEPARTMENT:
            return ["Sở", "cơ quan"]
        return []

    # --- choosing among candidates ---------------------------------------------------------

    def _pick(self, targets: set[tuple[str, int]]) -> tuple[Unit | UnitGroup | None, list[Unit]]:
        """One target, or None with the candidates when the name is shared (e.g. 129 communes'
        "Phòng Văn hóa - Xã hội") and the context does not tell which one is meant."""
        groups = [self._groups[i] for k, i in targets if k == "g"]
        if groups:
            return groups[0], []
        units = [self._units[i] for _, i in targets]
        if len(units) == 1:
            return units[0], []
        if self.context is not None:
            ctx = self.context.path
            own = [u for u in units if u.path.startswith(ctx)]
            if len(own) == 1:
                return own[0], []
            # A name shared by siblings of the context's level: prefer the context's ancestors'.
            near = [u for u in units if ctx.startswith(u.path)]
            if len(near) == 1:
                return near[0], []
        # Without context the provincial unit wins over same-named local ones ("Trung tâm
        # Phục vụ hành chính công" of the province vs. of each commune) only if it is unique.
        top = [u for u in units if u.depth <= 1 and u.kind not in _LOCAL_KINDS]
        if len(top) == 1:
            return top[0], []
        return None, units

    # --- resolving -------------------------------------------------------------------------

    def resolve(self, text: str) -> Resolution:
        result = Resolution(text=text)
        words = _words_with_breaks(text)
        tokens = [w for w, _, _ in words]
        i = 0
        leftover: list[int] = []
        while i < len(tokens):
            for length in range(min(self._maxlen, len(tokens) - i), 0, -1):
                targets = self._lexicon.get(tuple(tokens[i : i + length]))
                if targets is None:
                    continue
                self._flush(leftover, words, result)
                leftover = []
                self._record(targets, words[i : i + length], "name", 100.0, result)
                i += length
                break
            else:
                leftover.append(i)
                i += 1
        self._flush(leftover, words, result)
        return result

    def _record(self, targets, words, method: str, score: float, result: Resolution) -> None:
        original = " ".join(w[1] for w in words)
        target, candidates = self._pick(targets)
        if target is None:
            result.ambiguous.append(Ambiguity(original, candidates))
            return
        match = Match(original, method, score=score)
        if isinstance(target, UnitGroup):
            match.group = target
        else:
            match.unit = target
        if not any((m.unit, m.group) == (match.unit, match.group) for m in result.matches):
            result.matches.append(match)

    def _flush(self, indexes: list[int], words, result: Resolution) -> None:
        """Fragments between known names: split at separators, drop filler, try fuzzy."""
        fragment: list = []
        for idx in [*indexes, None]:
            if idx is None or (fragment and (words[idx][2] or idx != fragment[-1][3] + 1)):
                self._fuzzy(fragment, result)
                fragment = []
            if idx is not None:
                fragment.append((*words[idx], idx))

    def _fuzzy(self, fragment: list, result: Resolution) -> None:
        # Trim filler words at both ends; a fragment of filler only is no unit at all.
        while fragment and fragment[0][0] in _FILLER:
            fragment = fragment[1:]
        while fragment and fragment[-1][0] in _FILLER:
            fragment = fragment[:-1]
        if not fragment:
            return
        folded = " ".join(w[0] for w in fragment)
        best = process.extractOne(folded, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if best is None:
            result.unresolved.append(" ".join(w[1] for w in fragment))
            return
        key, score, _ = best
        targets = self._lexicon[tuple(key.split())]
        self._record(targets, [(w[0], w[1], w[2]) for w in fragment], "fuzzy", score, result)


def _words_with_breaks(text: str) -> list[tuple[str, str, bool]]:
    """(folded word, original word, a separator precedes it) for each word of the text."""
    out: list[tuple[str, str, bool]] = []
    pending_break = False
    for piece in re.split(r"(\s+|[;,.:()\n/–]|(?<=\s)-(?=\s))", text or ""):
        if not piece or piece.isspace():
            continue
        if _SEPARATOR.fullmatch(piece) or piece in {"-", "–"}:
            pending_break = True
            continue
        folded = fold(piece)
        for part in folded.split():
            out.append((part, piece, pending_break))
            pending_break = False
    return out


def resolve_units(text: str, *, context: Unit | None = None, on: datetime.date | None = None) -> Resolution:
    """Resolve one phrase. To resolve many, build one `UnitResolver` and call `.resolve`."""
    return UnitResolver(context=context, on=on).resolve(text)


def group_members(group: UnitGroup, *, context: Unit | None = None, on: datetime.date | None = None) -> list[Unit]:
    """The active units a group stands for, seen from the unit that issues the document."""
    if group.scope == GroupScope.OPEN:
        return list(group.members.filter(active_units_q(on)))
    qs = Unit.objects.filter(active_units_q(on))
    if group.scope == GroupScope.CONTEXT:
        if context is None:
            return []
        qs = qs.filter(parent=context)
    else:
        qs = qs.filter(depth__gte=1)
    by_kind = list(qs.filter(kind__in=group.member_kinds)) if group.member_kinds else []
    extra = list(group.members.filter(active_units_q(on)))
    return sorted({u.pk: u for u in by_kind + extra}.values(), key=lambda u: u.path)
