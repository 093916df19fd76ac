"""Text → units: the one place where a phrase from a plan becomes units of the tree.

"Các sở, ban, ngành; UBND cấp xã" → the department group and the commune group;
"Bao va Phat thanh, Truyen hinh Ninh Binh" (no diacritics) → the provincial press unit;
"Phòng Văn hóa – Xã hội" in a commune's plan → that commune's own office.

Matching is case-, punctuation- and diacritic-insensitive (everything is folded first) and takes
the longest known name at each position. A word no name contains may be a misspelling or an OCR
slip ("Vin hod" for "Văn hóa"): it may stand for a known word one edit away, if at most half the
words of the name are such stand-ins. A level word after a name qualifies it ("Phòng Kinh tế xã",
"các đoàn thể tỉnh") and must agree with it. Every fragment that no name covers is returned as
`unresolved` (or `ambiguous`) instead of being dropped.
"""

from __future__ import annotations

import datetime
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from cchc.lib.text import fold, squeeze, strip_accents

from .models import GroupScope, NameMapping, Unit, UnitGroup, UnitKind, active_units_q

# Words that carry no unit on their own: what is left of "… và các cơ quan" or "Chủ trì: …".
_FILLER = [
    tuple(phrase.split())
    for phrase in [
        "cac", "va", "voi", "cua", "theo", "thuoc", "khac", "cung", "giao", "la", "gom", "qua", "tai",
        "truong", "phoi hop", "chu tri", "de nghi", "co quan", "don vi", "lien quan", "co lien quan",
        "giam doc", "chu tich", "thu truong", "nguoi dung dau", "trach nhiem", "thuc hien", "nhu sau",
        "ban hanh", "tham muu", "kip thoi", "lanh dao", "he thong", "thuoc tinh",
        "tren dia ban", "tren dia ban tinh", "tren dia ban xa", "tren dia ban phuong",
    ]
]
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
_SEPARATOR = re.compile(r"[;,.:()\n/]|\s-\s|\s[–—]\s")
_SPLIT = re.compile(r"(\s+|[;,.:()\n/–—]|(?<=\s)-(?=\s))")
# "1.", "a)", "đ)", "IV." opening a heading or a list item: numbering, not a name.
_ENUMERATOR = re.compile(r"(?m)^\s*(?:\d{1,2}|[a-zđA-ZĐ]|[IVX]{1,4})[.)]\s+")
_LOCAL_KINDS = {UnitKind.COMMUNE, UnitKind.WARD}
# A level word right after a name qualifies it ("Phòng Kinh tế xã", "các đoàn thể tỉnh").
_LEVEL_WORDS = {"tinh": "province", "xa": "local", "phuong": "local"}
# Inside a name these say "every commune's one", not "one commune's".
_EVERY_COMMUNE = {("cap", "xa"), ("cap", "phuong"), ("cac", "xa")}
# Dates and document numbers are never unit names: "ngày 25/9/2025", "tháng 9/2025", "15/3",
# "số 1441/QĐ-UBND", "202/2025/QH15". Matched on the text without diacritics (same positions).
_DATE_OR_NUMBER = re.compile(
    r"(?:\b(?i:so|ngay|thang)\s*:?\s*)?"
    r"(?:\b\d+(?:/\d{2,4})?/[A-Z][\w-]*"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
    r"|\b\d{1,2}/\d{1,4}\b)"
)
# What is left of a time or a number once cut at separators: "Quý II", "2025", "năm", "hằng quý".
_TIME_WORDS = {
    "ngay", "thang", "nam", "quy", "tuan", "ky", "dinh", "hang", "truoc", "sau", "tu", "den", "dau",
    "cuoi", "giua", "trong", "moi", "lan", "nua", "giai", "doan", "cham", "nhat", "hoan", "thanh",
}
_TIME_PHRASES = {
    ("thuong", "xuyen"), ("lien", "tuc"), ("hang", "nam"), ("hang", "quy"), ("hang", "thang"),
    ("dinh", "ky"), ("nam",), ("quy",), ("thang",),
}
_ROMAN = re.compile(r"^[ivx]{1,4}$")
# The first word of a unit's own name: "Trung tâm …", "Sở …", "Ban …" (folded).
_NAME_HEADS = {"trung", "so", "ban", "van", "hoi", "phong", "chi", "cuc", "vien", "bao", "dai", "cong", "truong"}
# "Các sở, ban, ngành, địa phương": the localities listed after the departments are the communes.
_LOCALITIES = ("dia", "phuong")


def _fold(text: str) -> str:
    # "KH&CN", "Khoa học & Công nghệ": the ampersand is a "và", not a break.
    return fold(re.sub(r"\s*&\s*(?=\w)", " và ", text or ""))


def _max_edits(word: str) -> int:
    # Vietnamese syllables are short: one slip in one is already a lot; a long token
    # ("ttpvhcc", two syllables run together) may carry two.
    return 2 if len(word) >= 7 else 1


def _path_ids(unit: Unit) -> list[int]:
    return [int(p) for p in unit.path.strip("/").split("/") if p] or [unit.pk]


@dataclass
class Match:
    text: str  # the words of the input this match covers, as written
    method: str  # "name", "fuzzy", "taught" (a name a person mapped)
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
    # Where each recognised name stands in the text (start, end), every occurrence, in order:
    # the appendix reader uses them to tell unit columns from the task text around them.
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unresolved and not self.ambiguous

    @property
    def units(self) -> list[Unit]:
        return [m.unit for m in self.matches if m.unit]

    @property
    def groups(self) -> list[UnitGroup]:
        return [m.group for m in self.matches if m.group]


@dataclass
class _Word:
    folded: str
    source: str  # the text it was read from; [start:end] is the word as written
    start: int
    end: int
    brk: bool  # a separator precedes it


@dataclass
class _Hit:
    start: int
    end: int  # exclusive
    key: tuple[str, ...]
    edits: int
    tokens: tuple[str, ...]  # the words of the text it covers, folded


@lru_cache(maxsize=4096)
def _variants(name: str) -> frozenset[str]:
    """Folded spellings of one name: "UBND" and "Ủy ban nhân dân" both, and so on."""
    base = _fold(name)
    out = {base}
    for long, short in _SYNONYMS:
        for v in list(out):
            out.add(v.replace(long, short))
            out.add(re.sub(rf"\b{short}\b", long, v))
    return frozenset(v for v in out if v)


class UnitResolver:
    """Loads the units and groups once; resolve many phrases against them.

    `context` is the unit whose document is being read: its own offices ("Văn phòng Sở",
    "Phòng Văn hóa - Xã hội") and its own name ("UBND xã") resolve relative to it, and units of
    another province are out of reach. Without one, a name several provinces share is read as
    the home province's (`CCHC_PROVINCE_CODE`).
    """

    def __init__(self, *, context: Unit | None = None, on: datetime.date | None = None):
        self.context = context
        units = list(Unit.objects.filter(active_units_q(on)).select_related("parent"))
        home_code = getattr(settings, "CCHC_PROVINCE_CODE", None)
        roots = [u for u in units if u.kind == UnitKind.PROVINCE and u.parent_id is None]
        home = [u for u in roots if u.code == home_code] or (roots if len(roots) == 1 else [])
        self.province = home[0] if home else None
        self._kinds = dict(Unit.objects.values_list("pk", "kind"))
        if context is not None:
            units = [u for u in units if self._same_province(u, context)]
        frame = context if context is not None else self.province
        self._frame = self._root(frame) if frame is not None else None
        self._lexicon: dict[tuple[str, ...], set[tuple[str, int]]] = {}
        self._units = {u.pk: u for u in units}
        self._groups = {g.pk: g for g in UnitGroup.objects.all()}
        local_groups = sorted(
            (g for g in self._groups.values()
             if g.scope == GroupScope.PROVINCE and g.member_kinds and set(g.member_kinds) <= _LOCAL_KINDS),
            key=lambda g: (g.code != "ubnd-cap-xa", g.code),
        )
        self._local_group = local_groups[0] if local_groups else None
        for unit in units:
            for name in self._unit_names(unit):
                self._add(name, ("u", unit.pk))
        for group in self._groups.values():
            for name in [group.name, *group.aliases]:
                self._add(name, ("g", group.pk))
        if context is not None:
            for name in self._self_names(context):
                self._add(name, ("u", context.pk))
            for unit, name in self._relative_names(context, units):
                self._add(name, ("u", unit.pk))
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for key in sorted(self._lexicon, key=len, reverse=True):
            self._by_first.setdefault(key[0], []).append(key)
        self._vocabulary = sorted({w for key in self._lexicon for w in key})
        self._known = set(self._vocabulary)
        self._near_cache: dict[str, set[str]] = {}

    def _add(self, name: str, target: tuple[str, int]) -> None:
        for variant in _variants(name):
            self._lexicon.setdefault(tuple(variant.split()), set()).add(target)

    @staticmethod
    def _root(unit: Unit) -> int:
        return _path_ids(unit)[0]

    def _same_province(self, unit: Unit, context: Unit) -> bool:
        """A plan of one province never means a unit of another one."""
        root = self._root(unit)
        if self._kinds.get(root) != UnitKind.PROVINCE:
            return True  # historical units without a parent belong to no province
        return root == self._root(context)

    def _unit_names(self, unit: Unit) -> list[str]:
        names = [unit.name, unit.short_name, *unit.aliases]
        parent = unit.parent
        if parent is not None and parent.kind == UnitKind.PROVINCE and unit.kind != UnitKind.OFFICE:
            province = re.sub(r"^(ủy ban nhân dân|ubnd)\s+", "", parent.name, flags=re.I)
            bare = [n for n in names if n and not _fold(n).endswith(_fold(province))]
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

    def _relative_names(self, context: Unit, units: list[Unit]):
        """Inside a unit's own plan its offices drop the level: "Văn phòng Sở" is "Văn phòng"."""
        level = {UnitKind.DEPARTMENT: "so", UnitKind.COMMUNE: "xa", UnitKind.WARD: "phuong"}.get(context.kind)
        if level is None:
            return
        for unit in units:
            if unit.parent_id != context.pk:
                continue
            for name in self._unit_names(unit):
                words = _fold(name).split()
                if len(words) > 1 and words[-1] == level:
                    yield unit, " ".join(words[:-1])

    def _level(self, target: Unit | UnitGroup) -> str | None:
        """"local" for communes, wards and what they hold; "province" for the rest; None: either."""
        if isinstance(target, UnitGroup):
            if target.scope == GroupScope.OPEN:
                return None
            if target.scope == GroupScope.CONTEXT:
                return self._level(self.context) if self.context is not None else None
            kinds = set(target.member_kinds)
            return "local" if kinds and kinds <= _LOCAL_KINDS else "province"
        return "local" if any(self._kinds.get(i) in _LOCAL_KINDS for i in _path_ids(target)) else "province"

    # --- choosing among candidates ---------------------------------------------------------

    def _pick(self, targets: set[tuple[str, int]], key: tuple[str, ...]) -> tuple[list, list[Unit]]:
        """The targets a name stands for, or none with the candidates when the name is shared
        (e.g. 129 communes' "Phòng Văn hóa - Xã hội") and nothing tells which one is meant."""
        groups = [self._groups[i] for k, i in targets if k == "g"]
        if groups:
            return [groups[0]], []
        units = sorted((self._units[i] for _, i in targets), key=lambda u: u.path)
        if len(units) == 1:
            return units, []
        if self.context is not None:
            ctx = self.context.path
            own = [u for u in units if u.path.startswith(ctx)]
            if len(own) == 1:
                return own, []
            # A name shared by siblings of the context's level: prefer the context's ancestors'.
            near = [u for u in units if ctx.startswith(u.path)]
            if len(near) == 1:
                return near, []
        # A name two provinces share ("xã Bình Giang") is the one of the province read from.
        inside = [u for u in units if self._root(u) == self._frame]
        if len(inside) == 1:
            return inside, []
        units = inside or units
        # Without context the provincial unit wins over same-named local ones ("Trung tâm
        # Phục vụ hành chính công" of the province vs. of each commune) only if it is unique.
        top = [u for u in units if u.depth <= 1 and u.kind not in _LOCAL_KINDS]
        if len(top) == 1:
            return top, []
        # "Trung tâm Phục vụ hành chính công cấp xã" seen from above: every commune's one.
        bigrams = set(itertools.pairwise(key))
        one_province = len({self._root(u) for u in units}) == 1
        if bigrams & _EVERY_COMMUNE and one_province and all(self._level(u) == "local" for u in units):
            return units, []
        return [], units

    # --- resolving -------------------------------------------------------------------------

    def resolve(self, text: str) -> Resolution:
        result = Resolution(text=text)
        words = _words_with_breaks(text)
        tokens = [w.folded for w in words]
        options = [self._options(t) for t in tokens]
        i = 0
        leftover: list[int] = []
        while i < len(tokens):
            hit = self._longest(tokens, options, i)
            if hit is None:
                leftover.append(i)
                i += 1
                continue
            self._flush(leftover, words, options, result)
            leftover = []
            i = self._take(hit, words, tokens, options, result)
        self._flush(leftover, words, options, result)
        return result

    def _options(self, word: str) -> set[str]:
        """The known words a word of the text may stand for: itself, or if no name has it, the
        known words one edit away ("x4" → "xa", "thudc" → "thuoc")."""
        if word in self._known or not any(c.isalpha() for c in word):
            return {word}
        if word not in self._near_cache:
            near = process.extract(
                word, self._vocabulary, scorer=Levenshtein.distance,
                score_cutoff=_max_edits(word), limit=None,
            )
            self._near_cache[word] = {w for w, _, _ in near}
        return {word} | self._near_cache[word]

    def _longest(self, tokens: list[str], options: list[set[str]], i: int) -> _Hit | None:
        best: _Hit | None = None
        for first in options[i]:
            for key in self._by_first.get(first, ()):
                if best is not None and len(key) < best.end - best.start:
                    break
                if i + len(key) > len(tokens):
                    continue
                edits = 0
                for offset, word in enumerate(key):
                    if word == tokens[i + offset]:
                        continue
                    if word not in options[i + offset]:
                        break
                    edits += 1
                else:
                    if edits and (len(key) < 2 or edits > len(key) // 2):
                        continue
                    if best is None or len(key) > best.end - best.start or edits < best.edits:
                        best = _Hit(i, i + len(key), key, edits, tuple(tokens[i : i + len(key)]))
        return best

    def _take(
        self, hit: _Hit, words: list[_Word], tokens: list[str], options: list[set[str]], result: Resolution
    ) -> int:
        """Record a hit, with the commune or level word that may follow it; returns where to go on."""
        chosen, candidates = self._pick(self._lexicon[hit.key], hit.key)
        if candidates and (owned := self._owned_by_next(hit, candidates, words, tokens, options)):
            unit, end = owned
            self._record([unit], [], words[hit.start : end], hit, result)
            return end
        end = hit.end
        if end < len(words) and not words[end].brk:
            level = next((_LEVEL_WORDS[o] for o in options[end] if o in _LEVEL_WORDS), None)
            following = self._longest(tokens, options, end)
            # "… xã Bình Giang": the level word opens the next name, it does not qualify this one.
            if level is not None and (following is None or following.end - following.start == 1):
                if {self._level(t) for t in chosen + candidates} <= {level, None}:
                    end += 1
                else:
                    # "các đoàn thể xã": the province's group is not the commune's.
                    result.unresolved.append(_original(words[hit.start : end + 1]))
                    return end + 1
        self._record(chosen, candidates, words[hit.start : end], hit, result)
        return end

    def _owned_by_next(
        self, hit: _Hit, candidates: list[Unit], words: list[_Word], tokens: list[str], options: list[set[str]]
    ) -> tuple[Unit, int] | None:
        """"Văn phòng UBND xã Bình Giang": the commune named next says whose office it is. Its
        name may begin with the level word the office's name ends with."""
        starts = [hit.end - 1] if hit.key[-1] in _LEVEL_WORDS else []
        if hit.end < len(words) and not words[hit.end].brk:
            starts.append(hit.end)
        for start in starts:
            owner_hit = self._longest(tokens, options, start)
            if owner_hit is None:
                continue
            owner, _ = self._pick(self._lexicon[owner_hit.key], owner_hit.key)
            if len(owner) == 1 and isinstance(owner[0], Unit) and owner[0].kind in _LOCAL_KINDS:
                own = [u for u in candidates if u.path.startswith(owner[0].path)]
                if len(own) == 1:
                    return own[0], owner_hit.end
        return None

    def _record(
        self, chosen: list, candidates: list[Unit], words: list[_Word], hit: _Hit, result: Resolution
    ) -> None:
        original = _original(words)
        result.spans.append((words[0].start, words[-1].end))
        if not chosen:
            result.ambiguous.append(Ambiguity(original, candidates))
            return
        method, score = "name", 100.0
        if hit.edits:
            method = "fuzzy"
            score = fuzz.ratio(" ".join(hit.tokens), " ".join(hit.key))
        for target in chosen:
            _add_match(result, Match(original, method, score=score), target)

    def _flush(
        self, indexes: list[int], words: list[_Word], options: list[set[str]], result: Resolution
    ) -> None:
        """Fragments between known names: split at separators, drop filler, report the rest."""
        fragment: list[int] = []
        for idx in [*indexes, None]:
            if idx is None or (fragment and (
                (words[idx].brk and not _continues_name(words[fragment[0]], words[fragment[-1]], words[idx]))
                or idx != fragment[-1] + 1
            )):
                self._leftover(fragment, words, options, result)
                fragment = []
            if idx is not None:
                fragment.append(idx)

    def _filler_at(self, words: list[_Word], fragment: list[int], *, from_end: bool) -> int:
        """How many words at one end of a fragment are filler ("Đề nghị", "phối hợp với").

        OCR writes "Đề nghị" as "Pé nghi": a word no name has may be one edit off.
        """
        best = 0
        for phrase in _FILLER:
            if len(phrase) > len(fragment):
                continue
            if from_end and phrase == ("truong",):
                continue  # "Trưởng …" opens a phrase; at the end it is "Môi trường", "nhà trường"
            idx = fragment[-len(phrase) :] if from_end else fragment[: len(phrase)]
            edits = 0
            for i, word in zip(idx, phrase, strict=True):
                text = words[i].folded
                if text == word:
                    continue
                # A short word alone is filler only as written: "Lạt" of "Đà Lạt" is not "là".
                short_alone = len(phrase) == 1 and len(word) <= 3
                if short_alone or text in self._known or Levenshtein.distance(text, word, score_cutoff=1) > 1:
                    edits = 2
                    break
                edits += 1
            if edits <= 1:
                best = max(best, len(phrase))
        return best

    def _leftover(
        self, fragment: list[int], words: list[_Word], options: list[set[str]], result: Resolution
    ) -> None:
        while fragment and (n := self._filler_at(words, fragment, from_end=False)):
            fragment = fragment[n:]
        while fragment and (n := self._filler_at(words, fragment, from_end=True)):
            fragment = fragment[:-n]
        if not fragment:
            return
        folded = tuple(words[i].folded for i in fragment)
        if _is_time_or_number(folded):
            return  # "Quý II", "2025", "9": never a unit, never a name to map
        if folded == _LOCALITIES and self._local_group is not None and (
            self.context is None or self._level(self.context) != "local"
        ):
            hit = _Hit(fragment[0], fragment[-1] + 1, folded, 0, folded)
            self._record([self._local_group], [], [words[i] for i in fragment], hit, result)
            return
        hit = self._shared_level(fragment, words, options)
        if hit is not None:
            chosen, candidates = self._pick(self._lexicon[hit.key], hit.key)
            self._record(chosen, candidates, [words[i] for i in fragment], hit, result)
            return
        result.unresolved.append(_original([words[i] for i in fragment]))

    def _shared_level(self, fragment: list[int], words: list[_Word], options: list[set[str]]) -> _Hit | None:
        """"Ủy ban Mặt trận Tổ quốc và các đoàn thể tỉnh": the closing "tỉnh" is both's."""
        end = fragment[-1] + 1
        while end < len(words) and not words[end].brk:
            end += 1
        last = end - 1
        if last <= fragment[-1] or words[last].folded not in _LEVEL_WORDS:
            return None
        tokens = [words[i].folded for i in fragment] + [words[last].folded]
        hit = self._longest(tokens, [options[i] for i in fragment] + [options[last]], 0)
        if hit is None or hit.end != len(tokens):
            return None
        return hit


def _add_match(result: Resolution, match: Match, target: Unit | UnitGroup) -> None:
    """Point the match at its unit or group; a target already matched is not listed twice."""
    if isinstance(target, UnitGroup):
        match.group = target
    else:
        match.unit = target
    if not any((m.unit, m.group) == (match.unit, match.group) for m in result.matches):
        result.matches.append(match)


def _original(words: list[_Word]) -> str:
    """The words as the text has them, with what stands between them ("Văn hóa - Xã hội")."""
    return words[0].source[words[0].start : words[-1].end]


def _is_time_or_number(words: tuple[str, ...]) -> bool:
    numeric = [w for w in words if w.isdigit() or _ROMAN.match(w)]
    if not all(w in _TIME_WORDS or w in numeric for w in words):
        return False
    return bool(numeric) or words in _TIME_PHRASES


def _continues_name(first: _Word, before: _Word, word: _Word) -> bool:
    """"Trung tâm Xúc tiến đầu tư, thương mại và du lịch tỉnh": after a bare comma, a word in
    lower case goes on with the unknown name before it, when that name opens as a unit's name
    does ("Trung tâm …", "Sở …"), rather than opening another one. A list in lower case ("các
    đơn vị sự nghiệp, chính quyền cơ sở") is still cut at its commas."""
    between = word.source[before.end : word.start]
    head = word.source[word.start : word.end][:1]
    opening = first.source[first.start : first.end][:1]
    return (between.strip() == "," and head.islower() and opening.isupper()
            and first.folded in _NAME_HEADS)


def _is_debris(piece: str) -> bool:
    """An OCR speck such as "¢d" for "có": one letter next to a currency or other symbol."""
    letters = [c for c in piece if c.isalnum()]
    return len(letters) <= 1 and any(unicodedata.category(c).startswith("S") for c in piece)


def _words_with_breaks(text: str) -> list[_Word]:
    # Blank the numbering out rather than cut it, so word positions are positions in the text.
    source = _ENUMERATOR.sub(lambda m: " " * len(m.group()), text or "")
    # A date or a document number becomes a separator of the same length.
    bare = strip_accents(source)
    if len(bare) == len(source):
        for m in reversed(list(_DATE_OR_NUMBER.finditer(bare))):
            source = source[: m.start()] + ";" + " " * (m.end() - m.start() - 1) + source[m.end() :]
    out: list[_Word] = []
    pending_break = False
    start = 0
    for piece in _SPLIT.split(source):
        begin, start = start, start + len(piece)
        if not piece or piece.isspace():
            continue
        if _SEPARATOR.fullmatch(piece) or piece in {"-", "–", "—"}:
            pending_break = True
            continue
        if _is_debris(piece):
            continue
        for part in _fold(piece).split():
            out.append(_Word(part, source, begin, start, pending_break))
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
        if context is not None:
            # "Các sở, ban, ngành" of a province's plan are that province's, not another one's.
            root = _path_ids(context)[0]
            others = Unit.objects.filter(kind=UnitKind.PROVINCE, parent__isnull=True).exclude(pk=root)
            for path in others.values_list("path", flat=True):
                qs = qs.exclude(path__startswith=path)
    by_kind = list(qs.filter(kind__in=group.member_kinds)) if group.member_kinds else []
    extra = list(group.members.filter(active_units_q(on)))
    return sorted({u.pk: u for u in by_kind + extra}.values(), key=lambda u: u.path)


# --- names a person taught -------------------------------------------------------------------


def phrase_key(text: str) -> str:
    """The words of a name as the resolver sees them: folded, without punctuation or numbering.

    "UBND các xã, phường, đặc khu" and "Ubnd cac xa phuong dac khu" have the same key.
    """
    return " ".join(w.folded for w in _words_with_breaks(text))


def taught_names(on: datetime.date | None = None) -> dict[str, Unit | UnitGroup]:
    """Every name a person mapped (`NameMapping`), by key; units no longer in force are left out."""
    out: dict[str, Unit | UnitGroup] = {}
    for mapping in NameMapping.objects.select_related("unit", "group"):
        if mapping.unit is not None and not mapping.unit.is_active_on(on):
            continue
        out[mapping.key] = mapping.target
    return out


class TaughtNamesResolver:
    """For a document whose issuer is not in the tree (another province's plan, an unknown body).

    Nothing is guessed: "Sở Tư pháp" there is not ours just because the name is the same. The text
    is cut into names the way the full resolver cuts it ("Sở Tư pháp; UBND các xã, phường" → two
    names), and each name is reported unresolved unless a person has mapped it (`NameMapping`):
    what a person said is not a guess. Dates and numbers are dropped as everywhere else.
    """

    context = None

    def __init__(self, *, on: datetime.date | None = None):
        self._cutter = UnitResolver(on=on)
        self._taught = taught_names(on)

    def resolve(self, text: str) -> Resolution:
        result = Resolution(text=text)
        words = _words_with_breaks(text)
        if not words:
            return result
        whole = self._taught.get(" ".join(w.folded for w in words))
        if whole is not None:
            self._add(result, _original(words), whole, (words[0].start, words[-1].end))
            return result
        cut = self._cutter.resolve(text)
        for start, end in cut.spans:
            piece = text[start:end]
            target = self._taught.get(phrase_key(piece))
            if target is not None:
                self._add(result, piece, target, (start, end))
            elif piece not in result.unresolved:
                result.unresolved.append(piece)
        for piece in cut.unresolved:
            target = self._taught.get(phrase_key(piece))
            if target is not None:
                at = text.find(piece)
                self._add(result, piece, target, (at, at + len(piece)) if at >= 0 else None)
            elif piece not in result.unresolved:
                result.unresolved.append(piece)
        result.spans.sort()
        return result

    @staticmethod
    def _add(result: Resolution, piece: str, target: Unit | UnitGroup, span: tuple[int, int] | None) -> None:
        if span is not None:
            result.spans.append(span)
        _add_match(result, Match(squeeze(piece), "taught"), target)
