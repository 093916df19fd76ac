"""Does a child plan cover its parent? Topics, channels and the parent's tasks for the child's unit.

A department's or commune's plan restates the province's plan in its own words: shorter, split over
several items, moved to another part (a topic written as a duty), sometimes an OCR scan without
diacritics. So parent and child are compared by what they say, offline (nothing is downloaded):

1. Text becomes terms. Both sides are folded (no diacritics, lower case). OCR slips in the child
   ("cong chirc", "tap hyan") are read as the parent's words when the word next to them pins them
   down. Function words, punctuation and what every such plan repeats ("tuyên truyền", "cải cách
   hành chính", "thực hiện", "kế hoạch"…) are breaks. The terms are the content syllables and the
   pairs of neighbouring ones (Vietnamese words are mostly two syllables), weighted by how rare
   they are across both plans; a single syllable weighs half.
2. A parent item is cut into parts that can be covered on their own: at ";", sentence ends,
   "cũng như", ", các …" (the next member of a list) and, in a channel, at every comma ("Treo pano,
   băng rôn, áp phích": a child that hangs banners uses the channel). Where a thing is done
   ("tại trụ sở …"), asides ("(qua Sở Nội vụ)") and catch-alls ("… khác") are left out.
3. A child text covers a part when it holds most of the part's weight; a child text shorter than the
   part is measured against its own weight, but never against less than half of the part's.
4. A near copy covers an item whatever its words weigh (rapidfuzz ratio of the folded texts): the
   commune's OCR copy of a provincial duty, with its own year and its own office named in it.

An item is covered when its best score reaches THRESHOLD. On the seed plans (tests/test_coverage.py
says item by item why each is or is not covered) the covered items score 0.64 and more, the omitted
ones 0.53 and less.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from cchc.lib.text import fold, squeeze
from cchc.orgs.models import GroupScope, Unit
from cchc.orgs.resolver import group_members

from .models import Plan, Task
from .reader import ParsedPlan, TaskRow

THRESHOLD = 0.6  # a parent item whose best match scores at least this is covered
# A child text shorter than a part is measured against its own weight, but never against less than
# this share of the part's: one rare word in common with a long part is not coverage.
_SHORT_SHARE = 0.5


@dataclass
class CoverageRow:
    kind: str  # "topic", "channel", "task"
    code: str  # the parent's item code: "a", "đ", or "1.2" for a task
    text: str  # the parent's text
    covered: bool
    match: str  # the child's text that covers it ("" if none)
    score: float  # 0..1 similarity of the best match


@dataclass
class Coverage:
    rows: list[CoverageRow]

    @property
    def topics(self) -> list[CoverageRow]:
        return [r for r in self.rows if r.kind == "topic"]

    @property
    def channels(self) -> list[CoverageRow]:
        return [r for r in self.rows if r.kind == "channel"]

    @property
    def tasks(self) -> list[CoverageRow]:
        return [r for r in self.rows if r.kind == "task"]

    @property
    def omitted(self) -> list[CoverageRow]:
        return [r for r in self.rows if not r.covered]

    @property
    def ratio(self) -> float:
        return sum(r.covered for r in self.rows) / len(self.rows) if self.rows else 0.0


# --- text to terms ------------------------------------------------------------------------------

# Function words. Folding merges words ("tại" and "tài", "trong" and "trọng", "bởi" and "bồi"), so
# they are recognised with their diacritics where the text has them; a text without diacritics (OCR)
# loses only those that stand for nothing else once folded ("do" stays: it may be "độ" of "chế độ").
# "tỉnh" says whose, not what ("Cổng thông tin điện tử tỉnh").
_STOP_MARKED = frozenset(
    "các và của về với theo cho là như những này được không đến vào ra hoặc khác sau phải gồm nhằm nên mà "
    "việc qua trên tại để bởi trong từ có đã sẽ cũng cùng mọi đây đó thì bằng đang vẫn rất tỉnh".split()
)
_STOP_FOLDED = frozenset(
    "cac va cua ve voi theo cho la nhu nhung nay duoc khong den vao ra hoac khac sau phai gom nham nen ma "
    "viec qua tren".split()
)
# What every plan of this kind says everywhere: it tells no topic, channel or task from another. The
# verbs of communicating ("tuyên truyền, biểu dương các mô hình") are among them: every item is about
# communicating something, the something is what matters.
_GENERIC = [
    "cai cach hanh chinh", "cchc", "tuyen truyen", "thong tin", "pho bien", "bieu duong", "thuc hien",
    "tinh hinh", "trien khai", "ket qua", "cong tac", "co quan", "don vi", "dia phuong", "nhiem vu",
    "uy ban nhan dan", "ubnd", "tang cuong", "nang cao", "lien quan", "cu the", "dong thoi", "tiep tuc",
    "hinh thuc", "noi dung", "to chuc", "ke hoach", "xay dung", "quy dinh", "dam bao", "kip thoi",
    "hieu qua", "thong qua", "nam", "ngay", "thang",
]
_GENERIC_RE = re.compile(r"\b(?:" + "|".join(sorted(_GENERIC, key=len, reverse=True)) + r")\b")
_BREAK = "|"
_TOKEN = re.compile(r"\w+|[^\w\s]")
# Digits OCR puts inside words: "16ng" (lồng), "1op" (lớp), "t6" (tổ), "x4" (xã).
_OCR_DIGITS = str.maketrans("013456", "olaaso")
# A Vietnamese syllable, folded: onset + rime. A word that is not one is an OCR slip to repair.
_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnrstvx]"  # no "p": OCR reads "Đ" as "P"
_RIMES = (
    "a ac ach ai am an ang anh ao ap at au ay e ec ech em en eng enh eo ep et eu "
    "i ia ich iec iem ien iep iet ieu im in inh ip it iu "
    "o oa oac oach oai oam oan oang oanh oao oap oat oay oc oe oen oeo oet oi om on ong ooc oong op ot "
    "u ua uan uang uanh uat uay uc ue uech uen uenh uet ui um un ung uo uoc uoi uom uon uong uop uot uou "
    "up ut uu uy uya uych uyen uyet uyn uynh uyp uyt uyu y yen yet yeu"
).split()
_SYLLABLE = re.compile(rf"^(?:{_ONSET})?(?:{'|'.join(sorted(_RIMES, key=len, reverse=True))})$")
# Spellings of one thing, on folded text: the same term on both sides.
_SAME = [
    (re.compile(r"\bpa no\b"), "pano"),
    (re.compile(r"\bwebsite\b|\bcong thong tin dien tu\b"), "trang thong tin dien tu"),  # a portal is a site
    # A briefing ("buổi họp giao ban") is a meeting ("cuộc họp").
    (re.compile(r"\b(?:(?:buoi|cuoc) )?(?:hop )?giao ban\b|\bbuoi hop\b"), "cuoc hop"),
]
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
# Where one part of a parent item ends: ";", a sentence, "… cũng như …", and ", các …" which opens
# the next member of a list ("các lớp tập huấn, bồi dưỡng, các buổi họp thôn, …").
_CLAUSE_END = re.compile(r";|\.\s+(?=[A-ZĐ])|\s(?=cũng như\s)|,(?=\s+các\s)", re.I)
_CHANNEL_PART = re.compile(_CLAUSE_END.pattern + r"|,", re.I)
# "… tại trụ sở, nơi công cộng": where a thing is done, not what it is.
_PLACE = re.compile(r"\btại\s[^;.:]*", re.I)
# "(qua Sở Nội vụ)": an aside naming who, which the child names its own way.
_ASIDE = re.compile(r"\([^()]*\)")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# "… hoặc các hình thức sáng tạo khác": a catch-all, which no wording of a child can be matched to.
_CATCH_ALL = re.compile(r"\bkhác\b", re.I)
# rapidfuzz ratios of folded texts: two unrelated sentences of these plans share up to about half
# their letters (at most 0.63 on the seeds); a sentence and its OCR copy 0.87 and more.
_UNRELATED, _SAME_TEXT = 0.5, 0.9
_SINGLE_WEIGHT = 0.5  # one syllable says less than a word of two: "phát" in "phát hành" and "phát triển"


def _words(text: str, *, stop: bool = True) -> list[str]:
    """Folded words; punctuation and (with `stop`) function words become breaks: no pair spans them."""
    words = []
    for token in _TOKEN.findall(unicodedata.normalize("NFC", (text or "").lower())):
        word = _BREAK if (stop and token in _STOP_MARKED) or not token[0].isalnum() else fold(token)
        if not word.isdigit() and any(c.isdigit() for c in word):
            word = word.translate(_OCR_DIGITS)
        words.append(word)
    return words


def _is_word(word: str) -> bool:
    return word.isdigit() or bool(_SYLLABLE.match(word))


def _ocr_repairs(parent_texts: Iterable[str], child_texts: Iterable[str]) -> dict[str, str]:
    """Garbled child words → the parent's words, decided by the word next to them.

    "cong chirc" is closest to the parent's "cong chuc", so "chirc" reads "chuc" wherever it
    stands. Only words that are no Vietnamese syllable are repaired: a real word is never changed.
    """
    # Function words stay: "theo ddi" is told by its "theo" (theo dõi).
    pairs = sorted({" ".join(p) for text in parent_texts for p in _pairs(_words(text, stop=False))})
    votes: dict[str, Counter] = {}
    for text in child_texts:
        for first, second in _pairs(_words(text, stop=False)):
            if _is_word(first) and _is_word(second):
                continue
            hit = process.extractOne(f"{first} {second}", pairs, scorer=fuzz.ratio, score_cutoff=75)
            if hit is None:
                continue
            # One word of the pair must be the parent's as it stands, the other a slip of its
            # neighbour: at most two letters off.
            left, right = hit[0].split()
            for seen, anchor, word, other in ((first, second, left, right), (second, first, right, left)):
                slip = seen != word and not _is_word(seen) and Levenshtein.distance(seen, word) <= 2
                if anchor == other and slip:
                    votes.setdefault(seen, Counter())[word] += 1
    return {seen: counter.most_common(1)[0][0] for seen, counter in votes.items()}


def _pairs(words: list[str]) -> Iterator[tuple[str, str]]:
    return ((a, b) for a, b in zip(words, words[1:], strict=False) if _BREAK not in (a, b))


def _terms(text: str, repairs: dict[str, str]) -> set[str]:
    """Content words and neighbouring pairs of content words (a pair never spans a dropped word)."""
    words = " ".join(repairs.get(w, w) for w in _words(_ASIDE.sub(" ", text)))
    for pattern, same in _SAME:
        words = pattern.sub(same, words)
    terms: set[str] = set()
    for run in _GENERIC_RE.sub(f" {_BREAK} ", words).split(_BREAK):
        content: list[str] = []
        for word in [*run.split(), ""]:
            if word and word not in _STOP_FOLDED and len(word) > 1 and not _YEAR.match(word):
                content.append(word)
                continue
            terms.update(content)
            terms.update(f"{a} {b}" for a, b in _pairs(content))
            content = []
    return terms


def _clauses(text: str, *, kind: str) -> list[str]:
    """The parts of a parent item that can be covered on their own; quotes are never cut."""
    text = _PLACE.sub("", text) or text
    masked = _QUOTED.sub(lambda m: "x" * len(m.group()), text)
    # A channel lists means, any of which a child may use ("Treo pano, băng rôn, áp phích"); a topic's
    # commas join facets of one subject ("Vai trò, trách nhiệm của …") and do not part it.
    boundary = _CHANNEL_PART if kind == "channel" else _CLAUSE_END
    cuts = [0, *(m.end() for m in boundary.finditer(masked)), len(text)]
    parts = [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
    # A task's "các cơ quan khác" is whom to work with, not a catch-all.
    return [p for p in parts if fold(p) and (kind == "task" or not _CATCH_ALL.search(p))]


def _has_word(terms: set[str]) -> bool:
    return any(" " in t for t in terms)


# --- comparing ----------------------------------------------------------------------------------


def compare_items(parent: list[tuple[str, str]], child: list[str], *, kind: str) -> list[CoverageRow]:
    """One row per parent item: is it said somewhere among the child's texts, and where."""
    child = list(dict.fromkeys(t for t in child if fold(t)))
    repairs = _ocr_repairs((text for _, text in parent), child)
    child_terms = [_terms(t, repairs) for t in child]
    item_terms = [_terms(text, {}) for _, text in parent]
    # Rarity over both plans: what most texts share weighs little.
    frequency = Counter(term for terms in [*item_terms, *child_terms] for term in terms)
    total = len(item_terms) + len(child_terms)

    def weight(terms: set[str]) -> float:
        return sum(math.log(1 + total / frequency[t]) * (1 if " " in t else _SINGLE_WEIGHT)
                   for t in terms if t in frequency)

    child_weights = [weight(t) for t in child_terms]
    child_folded = [fold(t) for t in child]
    rows = []
    for (code, text), whole in zip(parent, item_terms, strict=True):
        # A part without a word of two syllables ("Ngoài các hình thức trên") is too little to be
        # covered on its own; it stays with the whole item.
        parts = [terms for terms in (_terms(c, {}) for c in _clauses(text, kind=kind)) if _has_word(terms)]
        scores = [0.0] * len(child)
        for part in parts or [whole]:
            part_weight = weight(part)
            if not part_weight:
                continue
            for i, (terms, candidate_weight) in enumerate(zip(child_terms, child_weights, strict=True)):
                # A child text longer than the part must hold most of it; a shorter one is read
                # against its own length, but never against less than half of the part.
                base = max(min(part_weight, candidate_weight), _SHORT_SHARE * part_weight)
                scores[i] = max(scores[i], min(weight(part & terms) / base, 1.0))
        # A near copy covers the item whatever its words weigh: the same duty scanned without
        # diacritics, with another year or another unit named in it.
        folded = fold(text)
        for i, candidate in enumerate(child_folded):
            scores[i] = max(scores[i], _near_copy(folded, candidate))
        best = round(max(scores, default=0.0), 2)
        covered = best >= THRESHOLD
        match = ""
        if covered:
            # Of equally good matches the closest wording wins: the child's restatement of the item
            # rather than a paragraph that happens to share its words.
            ties = [i for i, score in enumerate(scores) if round(score, 2) == best]
            match = child[max(ties, key=lambda i: fuzz.token_set_ratio(folded, child_folded[i]))]
        rows.append(CoverageRow(kind, code, text, covered, match, best))
    return rows


def _near_copy(a: str, b: str) -> float:
    """rapidfuzz's ratio of two folded texts, rescaled: what any two sentences share counts nothing."""
    ratio = fuzz.ratio(a, b) / 100
    return min(max((ratio - _UNRELATED) / (_SAME_TEXT - _UNRELATED), 0.0), 1.0)


# --- plans --------------------------------------------------------------------------------------


def plan_coverage(parent: Plan, child: Plan) -> Coverage:
    """How far a saved child plan covers a saved parent plan, the parent's tasks for the child's unit."""
    tasks = (
        Task.objects.filter(plan=parent, assignments__unit=child.unit).distinct().order_by("order")
    )
    texts = [
        *child.topics.values_list("text", flat=True),
        *child.channels.values_list("text", flat=True),
        *(item for items in child.duties.values_list("items", flat=True) for item in items),
        *(text for task in child.tasks.all() for text in (task.title, task.deliverable)),
        *_section_texts(child.body.get("sections", [])),
    ]
    return _coverage(
        topics=list(parent.topics.values_list("code", "text")),
        channels=list(parent.channels.values_list("code", "text")),
        tasks=[(_task_code(t.group_code, t.number), t.title) for t in tasks],
        child=texts,
    )


def parsed_coverage(parent: ParsedPlan, child: ParsedPlan, *, unit: Unit | None = None) -> Coverage:
    """The same on parsed plans, before anything is saved; `unit` is the child's (default: its issuer)."""
    unit = unit or _unit(child.issuer_unit_code)
    context = _unit(parent.issuer_unit_code)  # whom "các phòng, ban" of the parent stands for
    members: dict[int, list[Unit]] = {}

    def falls_to_unit(row: TaskRow) -> bool:
        # As plan_save fans a task out: the units named, and the members of the groups named,
        # except an open group ("các cơ quan liên quan"), which names nobody.
        for resolution in (row.lead, row.partners):
            if resolution is None:
                continue
            if unit in resolution.units:
                return True
            for group in resolution.groups:
                if group.scope != GroupScope.OPEN and group.pk not in members:
                    members[group.pk] = group_members(group, context=context)
                if unit in members.get(group.pk, []):
                    return True
        return False

    tasks = [row for row in parent.tasks if unit is not None and falls_to_unit(row)]
    texts = [
        *(t.text for t in child.topics),
        *(c.text for c in child.channels),
        *(item for duty in child.duties for item in duty.items),
        *(text for row in child.tasks for text in (_task_title(row), row.deliverable)),
        *_section_texts([s.to_json() for s in child.sections]),
    ]
    return _coverage(
        topics=[(t.code, t.text) for t in parent.topics],
        channels=[(c.code, c.text) for c in parent.channels],
        tasks=[(_task_code(row.group, row.number), _task_title(row)) for row in tasks],
        child=texts,
    )


def _coverage(*, topics: list[tuple[str, str]], channels: list[tuple[str, str]], tasks: list[tuple[str, str]],
              child: list[str]) -> Coverage:
    rows = []
    for kind, items in (("topic", topics), ("channel", channels), ("task", tasks)):
        if items:
            rows += compare_items(items, child, kind=kind)
    return Coverage(rows)


def _section_texts(sections: list[dict]) -> Iterator[str]:
    """Each section's heading with its own text (as saved in Plan.body), children after it."""
    for section in sections:
        yield squeeze(f"{section.get('title', '')} {section.get('text', '')}")
        yield from _section_texts(section.get("children", []))


def _task_code(group: str, number: str) -> str:
    return f"{group}.{number}" if number else group


def _task_title(row: TaskRow) -> str:
    # What plan_save stores as the task's title, so both paths compare the same text.
    return row.title or row.deliverable or "(không có nội dung)"


def _unit(code: str | None) -> Unit | None:
    return Unit.objects.filter(code=code).first() if code else None
