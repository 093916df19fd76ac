"""Restore Vietnamese diacritics in text that lost them (typed without marks, or OCR of a scan).

    restore("ke hoach tuyen truyen cai cach hanh chinh nam 2025")
        → "kế hoạch tuyên truyền cải cách hành chính năm 2025"
    restore("Théng tin, tuyén truyén cai cach hanh chinh")      # OCR with garbled marks
        → "Thông tin, tuyên truyền cải cách hành chính"
    lacks_diacritics(plan_text)  → True when the text cannot be trusted as accented Vietnamese

Method: every syllable of the input is mapped to its base (lower case, marks stripped, đ → d); the
candidates for it are the accented forms of that base seen in the training text (a garbled mark
lets its vowel be any vowel, and an OCR misread with no candidate may be one edit away). A Viterbi
search picks the sequence of candidates that a syllable trigram model (interpolated absolute
discounting, Kneser-Ney unigrams) likes best. Case, punctuation, digits and spacing are kept; a
syllable with no candidate is left as it is.

The model is `data/vi_diacritics.json.gz`, built by `python -m cchc.lib.build_diacritics_model`
from text that is ours to ship (the seed plans with diacritics, the product's own Vietnamese text,
a hand-written administrative vocabulary). It is loaded once, on first use.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from cchc.lib.text import strip_accents

MODEL_PATH = Path(__file__).resolve().parent / "data" / "vi_diacritics.json.gz"

# --- syllables ------------------------------------------------------------------------------------

_TONES = {"\u0300": "huyen", "\u0301": "sac", "\u0303": "nga", "\u0309": "hoi", "\u0323": "nang"}
_VOWELS = set("aăâeêioôơuưy")
_BASE_VOWELS = set("aeiouy")

_ONSETS = ("", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
           "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x")
_RHYMES = set("""
a ac ach ai am an ang anh ao ap at au ay ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
e ec em en eng eo ep et ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oe oen oeo oet
oi om on ong oc op ot ooc oong ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
u ua uân uâng uât uây uc ui um un ung up ut uy uya uych uyên uyêt uyn uynh uyp uyt uyu
uê uêch uênh uơ uôc uôi uôm uôn uông uôt
ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêng yêt yêu
""".split())
# "gi" swallows the i of the rhyme: gì, gìn, giếng, giữ.
_GI_RHYMES = _RHYMES | {r[1:] for r in _RHYMES if r.startswith("i")}
_STOPS = ("c", "ch", "p", "t")


def _build_syllables() -> tuple[frozenset[str], frozenset[str]]:
    shapes = set()
    for onset in _ONSETS:
        for rhyme in _GI_RHYMES if onset == "gi" else _RHYMES:
            shapes.add(onset + rhyme)
    return frozenset(shapes), frozenset(strip_accents(s) for s in shapes)


_SHAPES, _BASE_SHAPES = _build_syllables()


def is_syllable(form: str) -> bool:
    """Whether a lower-case form is a well-formed Vietnamese syllable (one tone, on a vowel; a
    syllable closed by c/ch/p/t takes only the sắc or nặng tone). Both tone placements (hoà/hòa)
    are accepted."""
    decomposed = unicodedata.normalize("NFD", form)
    tones = []
    letters = []
    last_letter = ""
    for ch in decomposed:
        if ch in _TONES:
            if last_letter not in _BASE_VOWELS:
                return False
            tones.append(_TONES[ch])
        else:
            letters.append(ch)
            if not unicodedata.combining(ch):
                last_letter = ch
    if len(tones) > 1:
        return False
    shape = unicodedata.normalize("NFC", "".join(letters))
    if shape not in _SHAPES:
        return False
    if shape.endswith(_STOPS):
        return bool(tones) and tones[0] in ("sac", "nang")
    return True


def is_base_syllable(base: str) -> bool:
    """Whether an unaccented lower-case string is the base of some Vietnamese syllable."""
    return base in _BASE_SHAPES


def base_of(token: str) -> str:
    return strip_accents(token.lower())


# --- tokens ----------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")
_ALNUM = re.compile(r"[^\W_]+")
_BREAK = re.compile(r"[^\w\s]")
_DIGIT = re.compile(r"\d")
BOS, EOS, NUM, UNK = "<s>", "</s>", "<num>", "<unk>"


def _gap_events(gap: str) -> list[str]:
    """What lies between two words, for the language model: <num> for a number, a break for
    punctuation; spaces and line ends are no break (plan lines wrap in mid-sentence)."""
    events: list[str] = []
    for piece in re.finditer(r"\d+|[^\w\s]", gap):
        event = NUM if piece.group()[0].isdigit() else EOS
        if not events or events[-1] != event:
            events.append(event)
    return events


def segments(text: str) -> list[list[str]]:
    """Lower-case word sequences between breaks, numbers kept as <num>: what the model counts."""
    text = unicodedata.normalize("NFC", text or "")
    result: list[list[str]] = []
    current: list[str] = []
    pos = 0
    for match in _WORD.finditer(text):
        for event in _gap_events(text[pos:match.start()]):
            if event == EOS:
                if current:
                    result.append(current)
                current = []
            else:
                current.append(NUM)
        current.append(match.group().lower())
        pos = match.end()
    for event in _gap_events(text[pos:]):
        if event == NUM:
            current.append(NUM)
    if current:
        result.append(current)
    return result


def vietnamese_segments(text: str) -> list[list[str]]:
    """Only the segments that read as accented Vietnamese: for training on mixed sources (code,
    CSV), so English words and unaccented identifiers do not become candidates."""
    kept = []
    for seg in segments(text):
        words = [w for w in seg if w != NUM]
        if not words:
            continue
        marked = sum(1 for w in words if base_of(w) != w and is_syllable(w))
        foreign = sum(1 for w in words if not is_base_syllable(base_of(w)))
        if marked == 0 or marked < 0.34 * len(words) or foreign > 0.3 * len(words):
            continue
        kept.append(seg)
    return kept


# --- the model -------------------------------------------------------------------------------------

DISCOUNT = 0.75
LOGP_UNK = math.log(1e-5)  # a word kept as it is, that the model does not know
PEN_MARK = 1.0  # a garbled mark read as another vowel
PEN_KNOWN = 4.0  # a known accented form replaced by another, in unaccented text
PEN_EDIT = 5.0  # an OCR misread, one edit away
PEN_DIGIT = 1.5  # a digit inside a word read as a letter (t6 → tổ)


def count_ngrams(segs: Iterable[list[str]]) -> dict[str, Counter]:
    uni: Counter = Counter()
    bi: Counter = Counter()
    tri: Counter = Counter()
    for seg in segs:
        words = [BOS, BOS, *seg, EOS]
        for i in range(2, len(words)):
            uni[words[i]] += 1
            bi[(words[i - 1], words[i])] += 1
            tri[(words[i - 2], words[i - 1], words[i])] += 1
    return {"uni": uni, "bi": bi, "tri": tri}


class Model:
    """Syllable trigram model with the accented forms known for each base."""

    def __init__(self, uni: dict[str, int], bi: dict[tuple[str, str], int],
                 tri: dict[tuple[str, str, str], int]):
        self.uni = uni
        self.bi = bi
        self.tri = tri
        self.forms: dict[str, list[str]] = {}
        for form in sorted(uni, key=lambda w: -uni[w]):
            if form.startswith("<"):
                continue
            self.forms.setdefault(base_of(form), []).append(form)
        self.known = {w for w in uni if not w.startswith("<")}
        by_shape: dict[tuple[int, str], list[str]] = {}
        for base in self.forms:
            by_shape.setdefault((len(base), _skeleton(base)), []).append(base)
        self.by_skeleton = by_shape
        # aggregates for interpolated absolute discounting
        self.ctx1: Counter = Counter()
        self.types1: Counter = Counter()
        self.cont: Counter = Counter()
        for (v, w), c in bi.items():
            self.ctx1[v] += c
            self.types1[v] += 1
            self.cont[w] += 1
        self.cont_total = sum(self.cont.values()) or 1
        self.ctx2: Counter = Counter()
        self.types2: Counter = Counter()
        for (u, v, _w), c in tri.items():
            self.ctx2[(u, v)] += c
            self.types2[(u, v)] += 1
        self._cache: dict[tuple[str, str, str], float] = {}

    @classmethod
    def train(cls, segs: Iterable[list[str]]) -> Model:
        counts = count_ngrams(segs)
        return cls(dict(counts["uni"]), dict(counts["bi"]), dict(counts["tri"]))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> Model:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        vocab = data["vocab"]
        uni = {vocab[i]: c for i, c in enumerate(data["uni"])}
        bi = {(vocab[a], vocab[b]): c for a, b, c in _triples(data["bi"], 3)}
        tri = {(vocab[a], vocab[b], vocab[c]): n for a, b, c, n in _triples(data["tri"], 4)}
        return cls(uni, bi, tri)

    def save(self, path: Path = MODEL_PATH) -> None:
        vocab = sorted(set(self.uni) | {BOS})
        index = {w: i for i, w in enumerate(vocab)}
        data = {
            "format": 1,
            "vocab": vocab,
            "uni": [self.uni.get(w, 0) for w in vocab],
            "bi": [x for (a, b), c in sorted(self.bi.items()) for x in (index[a], index[b], c)],
            "tri": [x for (a, b, w), c in sorted(self.tri.items())
                    for x in (index[a], index[b], index[w], c)],
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        with open(path, "wb") as fh:
            fh.write(gzip.compress(raw, compresslevel=9, mtime=0))

    # probabilities

    def logp(self, u: str, v: str, w: str) -> float:
        key = (u, v, w)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        p1 = (self.cont.get(w, 0) + 0.1) / (self.cont_total + 0.1 * (len(self.cont) + 1))
        n1 = self.ctx1.get(v, 0)
        if n1:
            p2 = (max(self.bi.get((v, w), 0) - DISCOUNT, 0) + DISCOUNT * self.types1[v] * p1) / n1
        else:
            p2 = p1
        n2 = self.ctx2.get((u, v), 0)
        if n2:
            p3 = (max(self.tri.get(key, 0) - DISCOUNT, 0) + DISCOUNT * self.types2[(u, v)] * p2) / n2
        else:
            p3 = p2
        result = math.log(p3)
        if len(self._cache) > 500_000:
            self._cache.clear()
        self._cache[key] = result
        return result

    # candidates

    def fuzzy(self, token: str) -> list[tuple[str, float]]:
        """Forms for a token whose marks are garbled: a marked vowel may be any vowel."""
        low = unicodedata.normalize("NFC", token.lower())
        base = base_of(low)
        marked = [i for i, ch in enumerate(low) if ch != base[i]]
        found: dict[str, float] = {}
        for cand_base in self.by_skeleton.get((len(base), _skeleton(base)), ()):
            penalty = 0.0
            for i, (a, b) in enumerate(zip(base, cand_base, strict=True)):
                if a == b:
                    continue
                if i in marked and a in _BASE_VOWELS and b in _BASE_VOWELS:
                    penalty += PEN_MARK
                else:
                    break
            else:
                for form in self.forms[cand_base]:
                    found[form] = -penalty
        return list(found.items())

    def edits(self, base: str) -> list[tuple[str, float]]:
        """Forms one edit (substitution, deletion, insertion) away from an unknown base."""
        letters = "abcdeghiklmnopqrstuvxy"
        near = set()
        for i in range(len(base) + 1):
            if i < len(base):
                near.add(base[:i] + base[i + 1:])
                for ch in letters:
                    near.add(base[:i] + ch + base[i + 1:])
            for ch in letters:
                near.add(base[:i] + ch + base[i:])
        near.discard(base)
        found = []
        for cand in near:
            for form in self.forms.get(cand, ()):
                if is_syllable(form):
                    found.append((form, -PEN_EDIT))
        return found


def _skeleton(base: str) -> str:
    return "".join("*" if ch in _BASE_VOWELS else ch for ch in base)


def _triples(flat: list[int], n: int) -> Iterable[tuple[int, ...]]:
    return zip(*[iter(flat)] * n, strict=True)


_MODEL: Model | None = None
_LOCK = threading.Lock()


def get_model() -> Model:
    global _MODEL
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                _MODEL = Model.load()
    return _MODEL


# --- judging a text --------------------------------------------------------------------------------

MIN_SYLLABLES = 6


def diacritic_stats(text: str, model: Model | None = None) -> dict[str, float]:
    """Counts over the Vietnamese-looking syllables of a text: how many carry a mark, how many of
    those are well formed, how many marked forms are malformed (garbled OCR)."""
    words = [w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", text or ""))]
    words = [w for w in words if len(w) <= 7]
    viet = [w for w in words if is_base_syllable(base_of(w))]
    marked = [w for w in viet if base_of(w) != w]
    good = [w for w in marked if is_syllable(w)]
    bad = len(marked) - len(good)
    bad += sum(1 for w in words if base_of(w) != w and not is_base_syllable(base_of(w))
               and any(ch in _BASE_VOWELS for ch in base_of(w)))  # not NĐ, QĐ, HĐND
    return {"words": len(words), "syllables": len(viet), "marked": len(good), "garbled": bad}


def lacks_diacritics(text: str, model: Model | None = None) -> bool:
    """True when a Vietnamese text has too few well-accented syllables to be trusted: typed
    without marks, or an OCR whose marks are missing or garbled. False for accented Vietnamese and
    for short, empty or non-Vietnamese strings."""
    stats = diacritic_stats(text, model)
    n = stats["syllables"]
    if n < MIN_SYLLABLES or n < 0.6 * stats["words"]:
        return False
    return stats["marked"] < 0.35 * n or stats["garbled"] > 0.08 * n


# --- restoring -------------------------------------------------------------------------------------

_ROMAN = re.compile(r"^[IVXLC]+$")


def _recase(form: str, original: str) -> str:
    if len(form) == len(original):
        return "".join(f.upper() if o.isupper() else f for f, o in zip(form, original, strict=True))
    if original.isupper() and len(original) > 1:
        return form.upper()
    if original[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


def restore(text: str, model: Model | None = None) -> str:
    """The text with Vietnamese diacritics restored; everything that is not a word it can place
    (case, punctuation, digits, spacing, abbreviations, foreign words) is kept as it is."""
    if not text or not text.strip():
        return text
    model = model or get_model()
    text = unicodedata.normalize("NFC", text)
    tokens = list(_ALNUM.finditer(text))
    if not tokens:
        return text
    accented = _looks_accented(text, model)

    # one slot per model word: (start, end, original, candidates) — candidates None = a number
    slots: list[tuple[int, int, str, list[tuple[str, float]] | None, bool]] = []
    pos = 0
    for match in tokens:
        gap = text[pos:match.start()]
        for event in _gap_events(gap):
            slots.append((0, 0, "", [(event, 0.0)], False))
        word = match.group()
        nxt = text[match.end():match.end() + 1]
        slots.append((match.start(), match.end(), word, _candidates(word, nxt, accented, model), True))
        pos = match.end()

    out = []
    last = 0
    for seg in _split(slots):
        chosen = _viterbi([s[3] for s in seg], model)
        for (start, end, word, _cands, is_word), form in zip(seg, chosen, strict=True):
            if not is_word:
                continue
            out.append(text[last:start])
            out.append(word if form in (UNK, NUM) else _recase(form, word))
            last = end
    out.append(text[last:])
    return "".join(out)


def _looks_accented(text: str, model: Model) -> bool:
    """Whether the marks already in the text can be trusted (then known forms are kept)."""
    words = [w.lower() for w in _WORD.findall(text)]
    marked = [w for w in words if base_of(w) != w]
    if not marked:
        return False
    known = sum(1 for w in marked if w in model.known and is_syllable(w))
    viet = sum(1 for w in words if is_base_syllable(base_of(w))) or 1
    return known >= 0.3 * viet and known >= 2 * (len(marked) - known)


def _candidates(word: str, nxt: str, accented: bool, model: Model) -> list[tuple[str, float]]:
    keep = [(UNK, 0.0)]
    if word.isdigit():
        return [(NUM, 0.0)]
    low = word.lower()
    if len(word) == 1 and nxt in ").":  # list markers a) b) đ)
        return [(low, 0.0)] if low in model.known else keep
    if _ROMAN.match(word) and nxt in ".)":
        return keep
    if any(ch.isdigit() for ch in word):
        return _digit_candidates(word, model) + [(UNK, LOGP_UNK)]
    base = base_of(low)
    is_marked = base != low
    if accented:
        # marks can be trusted: keep every word but a malformed one (a garbled mark)
        if low in model.known:
            return [(low, 0.0)]
        if is_marked and not is_syllable(low) and is_base_syllable(base):
            return [*model.fuzzy(low), (UNK, LOGP_UNK)]
        return keep
    if not is_marked:
        forms = model.forms.get(base)
        if forms:
            return [(f, 0.0) for f in forms]
    elif low in model.known:  # a known accented form: kept unless the context rejects it
        return [(f, 0.0 if f == low else -PEN_KNOWN) for f, _p in model.fuzzy(low)] or [(low, 0.0)]
    else:
        forms = model.fuzzy(low)
        if forms:
            return [*forms, (UNK, LOGP_UNK)] if is_syllable(low) else forms
    if word.isupper() and len(word) <= 3:
        return keep
    edits = model.edits(base)
    if edits:
        return [*edits, (UNK, LOGP_UNK)]
    return keep


def _digit_candidates(word: str, model: Model) -> list[tuple[str, float]]:
    """OCR reads ô as 6, ơ as 0, á as 4, l as 1: t6 → tổ, s0 → sở, 1a → là."""
    digits = sum(ch.isdigit() for ch in word)
    if digits > 2 or len(word) > 7 or not any(ch.islower() for ch in word):
        return []
    low = word.lower()
    found = []
    for form in model.known:
        if len(form) != len(low):
            continue
        fb = base_of(form)
        if all((a.isdigit() and (b in _BASE_VOWELS or b == "l")) or base_of(a) == b
               for a, b in zip(low, fb, strict=True)):
            found.append((form, -PEN_DIGIT * digits))
    return found


def _split(slots):
    seg = []
    for slot in slots:
        if slot[3] == [(EOS, 0.0)] and not slot[4]:
            if seg:
                yield seg
            seg = []
            continue
        seg.append(slot)
    if seg:
        yield seg


def _viterbi(cands: list[list[tuple[str, float]]], model: Model) -> list[str]:
    """Best sequence of candidates under the trigram model (second-order Viterbi)."""
    states: dict[tuple[str, str], tuple[float, tuple]] = {(BOS, BOS): (0.0, ())}
    for options in cands:
        new: dict[tuple[str, str], tuple[float, tuple]] = {}
        for (u, v), (score, path) in states.items():
            for form, channel in options:
                s = score + channel + (0.0 if form == UNK else model.logp(u, v, form))
                key = (v, form)
                if key not in new or s > new[key][0]:
                    new[key] = (s, (path, form))
        states = new
    best = max(states.items(), key=lambda kv: kv[1][0] + (
        model.logp(kv[0][0], kv[0][1], EOS) if kv[0][1] != UNK else 0.0))
    path = best[1][1]
    result = []
    while path:
        path, form = path
        result.append(form)
    return result[::-1]
