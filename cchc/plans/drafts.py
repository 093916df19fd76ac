"""A unit's ready draft of its own plan, generated from the structured data of a provincial plan.

When the province asks every commune and department to issue a plan implementing its own, each unit
starts from a draft built here — never from a copy of the province's file:

- the header, number symbol, place and signature block of the unit (NĐ 30/2020);
- "Thực hiện Kế hoạch số … của Ủy ban nhân dân tỉnh …, <unit> ban hành Kế hoạch … như sau:";
- the province's objectives, requirements, topics, channels and solutions with their scope rewritten
  ("trên địa bàn tỉnh" → "trên địa bàn xã Bình Giang", "các sở, ban, ngành; UBND các xã, phường" →
  "các phòng, ban, đơn vị thuộc UBND xã", "Sở Nội vụ" as the CCHC focal → the unit's own focal office…);
- duties for the unit's own offices (its sub-units in the unit tree): the province's duties for units of
  this kind go to "Các phòng, ban, đơn vị thuộc …", and the duties of the province's functional bodies
  are mirrored to the unit's office with the same function (Sở Nội vụ → the CCHC focal office, the
  portal and administrative procedures of Văn phòng UBND tỉnh → Văn phòng / Trung tâm Phục vụ hành
  chính công, Sở Văn hóa và Thể thao → Phòng Văn hóa - Xã hội, the press → the commune's media centre…);
- the province's tasks assigned to the unit (lead or partner), for the appendix.

Rewriting is rule-based: every rule is a regular expression over an accent-free, lower-case copy of the
sentence that has the same length as the sentence, so a match is cut from the original at the same
positions and the rest of the sentence keeps its casing and diacritics.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields

from django.utils import timezone

from cchc.documents.official import (
    BLANK,
    AppendixTable,
    Bullet,
    GroupRow,
    Heading,
    OfficialDocument,
    Para,
    Signature,
    render_docx,
)
from cchc.lib.text import fold as _fold
from cchc.lib.text import squeeze, strip_accents
from cchc.orgs.models import GroupScope, Unit, UnitGroup, UnitKind, active_units_q

from .models import Assignment, AssignmentRole, Plan, PlanKind


@dataclass
class DraftDuty:
    unit_code: str | None  # the office that gets these duties; None for a group line or a body outside the tree
    heading: str  # "Phòng Văn hóa - Xã hội", "Văn phòng Sở", "Các phòng, ban, đơn vị thuộc Sở"
    items: list[str]


@dataclass
class Draft:
    unit_code: str
    issuer: str  # "ỦY BAN NHÂN DÂN XÃ BÌNH GIANG" / "SỞ NỘI VỤ"
    parent_body: str  # "" for a commune; "UBND TỈNH NINH BÌNH" for a department
    symbol: str  # "KH-UBND" / "KH-SNV"
    place: str  # "Bình Giang" / "Ninh Bình"
    title: str
    implements: str
    objectives: list[str]
    requirements: list[str]
    topics: list[tuple[str, str]]
    channels: list[tuple[str, str]]
    duties: list[DraftDuty]
    tasks: list[dict]  # {group, group_title, number, title, deliverable, role, timeframe_text, timeframe_kind, due_dates}
    recipients: list[str]
    signature: Signature
    kind: str = PlanKind.COMMUNICATION  # the parent's kind: chooses section II of the document
    unit_name: str = ""  # "Ủy ban nhân dân xã Bình Giang", for the appendix reference
    solutions: list[str] = field(default_factory=list)
    funding: str = ""
    closing: str = ""  # "Yêu cầu … nghiêm túc thực hiện Kế hoạch này…/."


LOCAL_KINDS = (UnitKind.COMMUNE, UnitKind.WARD)
# Bodies directly under the province that issue their own plans like a department does.
AGENCY_KINDS = (UnitKind.DEPARTMENT, UnitKind.SERVICE_UNIT, UnitKind.PRESS, UnitKind.CENTRAL_AGENCY,
                UnitKind.MASS_ORG)
OFFICE_KINDS = (UnitKind.OFFICE, UnitKind.SERVICE_UNIT)

# Vietnamese lettering of list items: a) b) c) d) đ) e) g) h) i) k) …
LETTERS = ("a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u",
           "v", "x", "y")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
ROLE_LABELS = {AssignmentRole.LEAD: "Chủ trì", AssignmentRole.PARTNER: "Phối hợp"}

# The parent's sentences are folded again for every unit's draft: remember them (a pure function).
fold = functools.lru_cache(maxsize=16384)(_fold)


# ------------------------------------------------------------------------------------------------
# Matching on accent-free text


def _key(text: str) -> str:
    """An accent-free, lower-case copy of NFC `text` with the same length, for matching."""
    stripped = strip_accents(text)
    lowered = stripped.lower()
    # lower() never shortens a character, so the same length means each one stayed one character:
    # the whole-string call is the per-character rule, ten times faster (it is the drafts' hot spot).
    if len(lowered) == len(stripped):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in stripped)


def _phrase(words: str) -> str:
    """A regex for the words of folded `words` with any punctuation between them: "phong van hoa xa hoi"
    matches "phong van hoa - xa hoi" and "phong van hoa – xa hoi"."""
    return r"\W+".join(re.findall(r"\w+", words))


def _count(folded: str, words: Iterable[str]) -> int:
    return sum(len(re.findall(rf"\b{re.escape(w)}\b", folded)) for w in words)


Replace = Callable[[str, re.Match[str]], str | None]  # (original text, match on its key) → new text or None


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    replace: Replace


def _rule(pattern: str, replace: str | Replace) -> _Rule:
    fn = replace if callable(replace) else (lambda _text, _m, r=replace: r)
    return _Rule(re.compile(pattern), fn)


def _apply(text: str, rules: Sequence[_Rule]) -> str:
    text = unicodedata.normalize("NFC", text)
    key = _key(text)
    for rule in rules:
        out: list[str] = []
        pos = 0
        for m in rule.pattern.finditer(key):
            new = rule.replace(text, m)
            if new is None:
                continue
            out += [text[pos:m.start()], _match_case(text[m.start():m.end()], new)]
            pos = m.end()
        if out:  # rebuilt only after a replacement: it changes the length
            out.append(text[pos:])
            text = "".join(out)
            key = _key(text)
    return _tidy(text)


def _match_case(old: str, new: str) -> str:
    # A phrase that opened the sentence still opens it: "Các sở…" → "Các phòng…".
    if old[:1].isupper() and new[:1].islower():
        return new[:1].upper() + new[1:]
    return new


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([,.;:)])", r"\1", squeeze(text))
    text = re.sub(r"([,;])(?:\s*[,;])+", r"\1", text)
    return re.sub(r"\(\s+", "(", text)


_CITATION = re.compile(r"\bso\s+[\w./-]+(?:\s+ngay\s+[\d/]+)?\s+(?:cua\s+)?$")


def _cited(key: str, start: int) -> bool:
    """Whether a match is the issuer of a cited document: "Kế hoạch số 148/KH-UBND ngày … của UBND tỉnh"."""
    return bool(_CITATION.search(key[max(0, start - 80):start]))


def _named_elsewhere(text: str, m: re.Match[str]) -> bool:
    """Whether a bare "tỉnh" is followed by another place's name: "của tỉnh Hà Nam" is not this province."""
    if m.group("name"):
        return False
    following = re.match(r"\s+(\w)", text[m.end():])
    return bool(following and following[1].isupper())


# ------------------------------------------------------------------------------------------------
# The unit a draft is for, and how its plan speaks about itself


@dataclass(frozen=True)
class _Office:
    code: str | None
    name: str  # as it heads a duty and is named in the text: "Phòng Văn hóa - Xã hội"


# What an office does, told by the start of its folded name, and the name a missing office is given.
_LOCAL_OFFICES = {
    "focal": ("phong van hoa", "Phòng Văn hóa - Xã hội"),  # CCHC focal of a commune, as in seed 002
    "culture": ("phong van hoa", "Phòng Văn hóa - Xã hội"),
    "digital": ("phong van hoa", "Phòng Văn hóa - Xã hội"),
    "portal": ("van phong", "Văn phòng HĐND và UBND"),
    "tthc": ("trung tam phuc vu hanh chinh cong", "Trung tâm Phục vụ hành chính công"),
    "media": ("trung tam van hoa", "Trung tâm Văn hóa, Thể thao và Truyền thông"),
    "finance": ("phong kinh te", "Phòng Kinh tế"),
}
# A department's own administration is its Văn phòng (seed 000); it has no culture or media office.
_AGENCY_ROLES = ("focal", "portal", "tthc", "digital", "finance")

# Heads of a body by the first words of its name: the signature reads "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC".
_HEADS = (("so", "Sở", "GIÁM ĐỐC"), ("ban", "Ban", "TRƯỞNG BAN"), ("thanh tra", "", "CHÁNH THANH TRA"),
          ("van phong", "Văn phòng", "CHÁNH VĂN PHÒNG"), ("bao", "", "TỔNG BIÊN TẬP"))
_ADMIN_PREFIXES = ("uy ban nhan dan", "ubnd")
_ADMIN_WORDS = ("thanh pho", "dac khu", "tinh", "xa", "phuong")


def _place_name(unit: Unit) -> tuple[str, str]:
    """("xã", "Bình Giang") from "Ủy ban nhân dân xã Bình Giang"; ("", name) when the name has no prefix."""
    words = squeeze(unit.name).split(" ")
    folded = [fold(w) for w in words]
    i = 0
    for prefix in _ADMIN_PREFIXES:
        n = len(prefix.split())
        if " ".join(folded[:n]) == prefix:
            i = n
            break
    for admin in _ADMIN_WORDS:
        n = len(admin.split())
        if " ".join(folded[i:i + n]) == admin:
            return " ".join(words[i:i + n]).lower(), " ".join(words[i + n:])
    return "", " ".join(words[i:])


def _province_of(unit: Unit) -> Unit:
    node = unit.parent
    while node is not None and node.kind != UnitKind.PROVINCE:
        node = node.parent
    if node is None:
        raise ValueError(f"{unit.name} không thuộc tỉnh nào trong cây đơn vị.")
    return node


def _abbreviation(unit: Unit) -> str:
    """"SNV", "VHXH", "VP": the last part of the unit's code when it is letters (the demo tree's codes are
    the abbreviations offices use), else the initials of its name."""
    last = unit.code.rsplit(".", 1)[-1]
    if re.fullmatch(r"[A-Z]{2,8}", last):
        return last
    skip = {"va", "cac", "cua", "tinh", "xa", "phuong"}
    return "".join(w[0].upper() for w in squeeze(unit.name).split(" ") if w and fold(w) not in skip)


class _Scope:
    """How a unit's plan names itself, its offices and its area, and the rules that rewrite the province's text."""

    def __init__(self, unit: Unit, offices: list[Unit] | None = None):
        if unit.kind not in LOCAL_KINDS + AGENCY_KINDS:
            raise ValueError(
                f"Chỉ lập dự thảo kế hoạch cho UBND xã, phường hoặc sở, ban, ngành; {unit.name} là "
                f"{unit.get_kind_display().lower()}."
            )
        self.unit = unit
        self.province = _province_of(unit)
        self.local = unit.kind in LOCAL_KINDS
        _, self.province_place = _place_name(self.province)
        self.offices = offices if offices is not None else _offices_of([unit]).get(unit.pk, [])
        self.offices_short = "các phòng, ban, đơn vị"  # the unit's offices where the sentence already says whose
        if self.local:
            self.admin, self.place = _place_name(unit)  # "xã", "Bình Giang"
            self.short = self.admin
            self.area = f"trên địa bàn {self.admin} {self.place}"
            self.whole = f"toàn {self.admin}"
            self.of_self = f"của {self.admin}"
            self.under = f"thuộc {self.admin}"
            self.leaders = f"Ủy ban nhân dân {self.admin}"
            self.members = f"các phòng, ban, đơn vị thuộc UBND {self.admin}"
            self.bodies = "các cơ quan, đơn vị"  # "các cơ quan, đơn vị, địa phương" without the localities
            self.group_heading = f"Các phòng, ban, đơn vị thuộc Ủy ban nhân dân {self.admin}"
            self.portal = f"Trang thông tin điện tử {self.admin}"
            self.symbol = "KH-UBND"
            self.signature = Signature(authority="TM. ỦY BAN NHÂN DÂN", deputy="KT. CHỦ TỊCH", title="PHÓ CHỦ TỊCH")
            self.parent_body = ""
        else:
            folded = fold(unit.name)
            head = next((h for h in _HEADS if folded == h[0] or folded.startswith(h[0] + " ")), None)
            self.short = (head[1] if head and head[1] else unit.display_name)
            title = head[2] if head else "GIÁM ĐỐC"
            self.admin, self.place = "", self.province_place
            self.area = f"tại {unit.name}"
            self.whole = f"toàn {self.short}"
            self.of_self = f"của {self.short}"
            self.under = f"thuộc {self.short}"
            self.leaders = f"Lãnh đạo {self.short}"
            self.members = f"các phòng, ban, đơn vị thuộc {self.short}"
            self.bodies = self.offices_short
            self.group_heading = f"Các phòng, ban, đơn vị thuộc {self.short}"
            self.portal = f"Trang thông tin điện tử của {self.short}"
            self.symbol = f"KH-{_abbreviation(unit)}"
            self.signature = Signature(deputy=f"KT. {title}", title=f"PHÓ {title}")
            self.parent_body = (self.province.short_name or self.province.name).upper()
        self.focal = self.office_for("focal") or _Office(None, f"Văn phòng {self.short}")
        self.rules = self._rules()

    # -- offices ------------------------------------------------------------------------------------

    def office_for(self, role: str) -> _Office | None:
        """The unit's office for a role; a named placeholder when the tree lacks it; None if the unit has none."""
        if self.local:
            if role not in _LOCAL_OFFICES:
                return None
            prefix, default = _LOCAL_OFFICES[role]
        elif role in _AGENCY_ROLES:
            prefix, default = "van phong", f"Văn phòng {self.short}"
        else:
            return None
        for office in self.offices:
            if fold(office.display_name).startswith(prefix) or fold(office.name).startswith(prefix):
                return _Office(office.code, office.display_name)
        return _Office(None, default)

    # -- rules --------------------------------------------------------------------------------------

    def _rules(self) -> list[_Rule]:
        prov = _phrase(_key(self.province_place))
        tinh = rf"tinh\b(?P<name>\s+{prov}\b)?"

        def members(text: str, m: re.Match[str]) -> str:
            related = m.group("related")
            if re.match(r"(?:giam doc|thu truong|lanh dao|chu tich)\b", m.group(0)):
                phrase = f"Trưởng {self.members}"
            else:
                phrase = self.offices_short if related else self.members
            return phrase + (text[m.start("related"):m.end("related")] if related else "")

        # One group of the province's units, then a run of them: "các sở, ban, ngành thuộc tỉnh; Ủy ban
        # nhân dân các xã, phường" is one phrase that becomes the unit's own offices.
        of_tinh = rf"(?:\s+(?:thuoc\s+)?tinh\b(?:\s+{prov}\b)?)?"
        one = "|".join((  # longest first: "các cơ quan ngành dọc" before "các cơ quan, ngành"
            rf"(?:(?:giam doc|thu truong|lanh dao)\s+)?cac\s+so(?:[\s,]+(?:ban|nganh|co quan|dia phuong)\b)+{of_tinh}",
            rf"cac\s+co\s+quan\s+nganh\s+doc(?:\s+trung\s+uong)?(?:\s+dong\s+tren\s+dia\s+ban)?{of_tinh}",
            rf"cac\s+co\s+quan(?:[\s,]+ban)?[\s,]+nganh\b{of_tinh}",
            rf"cac\s+don\s+vi\s+su\s+nghiep(?:\s+cong\s+lap)?\s+thuoc\s+tinh\b(?:\s+{prov}\b)?",
            rf"(?:chu\s+tich\s+)?(?:uy\s+ban\s+nhan\s+dan|ubnd)\s+(?:cac\s+xa(?:[\s,]+phuong)?(?:[\s,]+dac\s+khu)?|cap\s+xa)\b{of_tinh}",
        ))
        run = rf"\b(?:{one})(?:(?:\s*[,;]\s*(?:va\s+)?|\s+va\s+)(?:{one}))*(?P<related>\s+(?:co\s+)?lien\s+quan\b)?"

        def self_name(text: str, m: re.Match[str]) -> str | None:
            key = _key(text)
            before = key[max(0, m.start() - 40):m.start()]
            # Another body, or the province as a named authority ("Ban Chỉ đạo của UBND tỉnh"), stays.
            if _cited(key, m.start()) or _named_elsewhere(text, m) or re.search(
                r"(?:van phong|thuoc|chi dao cua|to cong tac)\s*$", before
            ):
                return None
            if m.group("chair"):
                return f"Chủ tịch {self.leaders}" if self.local else f"Giám đốc {self.short}"
            if m.group("name"):
                return self.unit.name
            if not self.local:
                if re.search(r"(?:hdnd|hoi dong nhan dan)[\s,]*(?:va\s+)?$", before):
                    return None  # "HĐND, UBND tỉnh" issue legal acts; a department does not
                return self.leaders
            return f"UBND {self.admin}" if m.group(0).lstrip().startswith(("ubnd", "chu")) else self.leaders

        def focal(text: str, m: re.Match[str]) -> str | None:
            key = _key(text)
            if _cited(key, m.start()) or re.search(r"(?:giam doc|lanh dao)\s*$", key[:m.start()]):
                return None
            return self.focal.name

        def plain(replacement: str) -> Replace:
            return lambda text, m: None if _named_elsewhere(text, m) else replacement

        def of_self(text: str, m: re.Match[str]) -> str | None:
            if _named_elsewhere(text, m):
                return None
            if not m.group("name"):
                return self.of_self
            return f"của {self.admin} {self.place}" if self.local else f"của {self.unit.name}"

        report_to = "UBND tỉnh" if fold(self.unit.name) == "so noi vu" else "UBND tỉnh (qua Sở Nội vụ)"
        # Order matters: each rule sees the text the previous ones left, so "Sở Nội vụ" is replaced
        # before the rules that write the unit's own name (which may be "Sở Nội vụ") into the text.
        return [
            _rule(run, members),
            _rule(r"\bcac\s+co\s+quan(?:[\s,]+don\s+vi)?[\s,]+dia\s+phuong\b", self.bodies),
            _rule(r"\bdon\s+vi[\s,]+dia\s+phuong\b", "đơn vị"),
            _rule(rf"\bso\s+noi\s+vu\b(?:\s+tinh\b(?:\s+{prov}\b)?)?", focal),
            _rule(rf"\btren\s+dia\s+ban\s+(?:toan\s+)?{tinh}", plain(self.area)),
            _rule(rf"\btoan\s+{tinh}", plain(self.whole)),
            _rule(rf"\b(?P<chair>chu\s+tich\s+)?(?:uy\s+ban\s+nhan\s+dan|ubnd)\s+{tinh}", self_name),
            _rule(rf"\bcua\s+{tinh}", of_self),
            _rule(rf"\bthuoc\s+{tinh}", plain(self.under)),
            *([_rule(rf"\bngan\s+sach\s+{tinh}", plain(f"ngân sách {self.admin}")),
               _rule(rf"\bvao\s+{tinh}", plain(f"vào {self.admin}"))] if self.local else []),
            # Reports go one level up: what the province sends to the ministry, the unit sends to the province.
            _rule(r"\bgui\s+bo\s+noi\s+vu\b", f"gửi {report_to}"),
        ]

    def title_rules(self) -> list[_Rule]:
        """The province's own name in the title: "… tỉnh Ninh Bình năm 2026" → "… trên địa bàn xã Bình Giang
        năm 2026" for a commune; dropped for a department, whose header already names it."""
        prov = _phrase(_key(self.province_place))
        replacement = self.area if self.local else ""
        return [_rule(rf"\b(?:cua\s+)?tinh\s+{prov}\b", replacement)]

    def rewrite(self, text: str, extra: Sequence[_Rule] = ()) -> str:
        return _apply(text, [*extra, *self.rules])


def rewrite_scope(text: str, unit: Unit) -> str:
    """The province's sentence as the unit's plan says it (see `_Scope` for the rules)."""
    return _Scope(unit).rewrite(text)


# ------------------------------------------------------------------------------------------------
# Duties


# The function a provincial body's duties stand for, by the start of its folded name or by its kind.
_FUNCTIONS = (
    ("so noi vu", "coordination"),
    ("van phong uy ban nhan dan", "admin"),
    ("van phong ubnd", "admin"),
    ("so van hoa", "culture"),
    ("so khoa hoc va cong nghe", "digital"),
    ("so tai chinh", "finance"),
)
_KIND_FUNCTIONS = {UnitKind.PRESS: "press", UnitKind.MASS_ORG: "mass"}

PORTAL_WORDS = ("cong thong tin dien tu", "trang thong tin dien tu", "website", "dang tai", "chuyen muc")
TTHC_WORDS = ("thu tuc hanh chinh", "tthc", "phan anh", "kien nghi", "ho so", "mot cua", "dich vu cong")
# A function's candidate roles: an item goes to the role whose words it mentions most, the first on a tie.
_FUNCTION_ROLES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "coordination": (("focal", ()),),
    "admin": (("portal", PORTAL_WORDS), ("tthc", TTHC_WORDS)),
    "culture": (("culture", ()),),
    "digital": (("digital", ()),),
    "finance": (("finance", ()),),
    "press": (("media", ()),),
}
# Competences only the province has (licences, its steering committee, scientific conferences).
DROP_WORDS = ("tham dinh", "giay phep", "to cong tac", "hoi thao khoa hoc")
# The closing paragraph of a plan, which some readers glue to the last duty item.
_CLOSING = re.compile(r"(?<=[.;])\s+(?:Yêu cầu các|Trên đây là)\b.*$", re.DOTALL)
# "Xây dựng (và triển khai) kế hoạch …": what the unit does by issuing this very plan.
_OWN_PLAN = re.compile(r"\bxay dung\b(?:\s+\S+){0,6}?\s+ke hoach\b")


def _function_of(units: Sequence[Unit], groups: Sequence[UnitGroup]) -> str | None:
    for unit in units:
        if unit.kind in _KIND_FUNCTIONS:
            return _KIND_FUNCTIONS[unit.kind]
        folded = fold(unit.name)
        for prefix, function in _FUNCTIONS:
            if folded.startswith(prefix):
                return function
    if any(UnitKind.MASS_ORG in (g.member_kinds or []) for g in groups):
        return "mass"
    return None


def _in_group(group: UnitGroup, unit: Unit, issuer: Unit) -> bool:
    if any(member.pk == unit.pk for member in group.members.all()):
        return True
    if group.scope == GroupScope.OPEN or unit.kind not in (group.member_kinds or []):
        return False
    return group.scope == GroupScope.PROVINCE or unit.parent_id == issuer.pk


def _pick_role(item: str, roles: Sequence[tuple[str, tuple[str, ...]]]) -> str:
    folded = fold(item)
    best, best_score = roles[0][0], -1
    for role, words in roles:
        score = _count(folded, words)
        if score > best_score:
            best, best_score = role, score
    return best


def _mirror_rules(scope: _Scope, sources: Sequence[Unit], office: _Office) -> list[_Rule]:
    """Rules for an item moved from a provincial body to the unit's office that does the same work."""
    names = {n for u in sources for n in (u.name, u.short_name) if squeeze(n)}
    rules = [_rule(r"\bcong\s+thong\s+tin\s+dien\s+tu(?:\s+cua)?(?:\s+tinh\b)?", scope.portal)]
    rules += [_rule(rf"\b{_phrase(_key(name))}\b", office.name) for name in sorted(names, key=len, reverse=True)]
    return rules


def _without_self(text: str, office: _Office) -> str:
    """"Chủ trì, phối hợp với <this office> chỉ đạo…" → "Chủ trì, chỉ đạo…": an office does not work with itself."""
    own = _phrase(_key(office.name))
    return _apply(text, [
        _rule(rf"\bphoi\s+hop\s+voi\s+{own}\s+va\s+", "phối hợp với "),
        _rule(rf"\bphoi\s+hop\s+voi\s+{own}\b\s*", ""),
    ])


def _duties(parent: Plan, scope: _Scope, parent_duties: Sequence | None = None) -> list[DraftDuty]:
    unit = scope.unit
    by_office: dict[_Office, list[str]] = {}
    group_items: list[str] = []
    mass_items: list[str] = []
    if parent_duties is None:
        parent_duties = parent.duties.prefetch_related("units", "groups__members")
    for duty in parent_duties:
        units, groups = list(duty.units.all()), list(duty.groups.all())
        items = [_CLOSING.sub("", squeeze(item)) for item in duty.items if squeeze(item)]
        if any(_in_group(g, unit, parent.unit) for g in groups):
            # Addressed to every unit of this kind: the unit passes it on to all its offices.
            group_items += [scope.rewrite(i) for i in items if not _OWN_PLAN.search(fold(i))]
            continue
        function = _function_of(units, groups)
        if function == "mass":
            if scope.local:
                mass_items += [scope.rewrite(i) for i in items]
            continue
        roles = _FUNCTION_ROLES.get(function or "")
        if roles is None and any(u.pk == unit.pk for u in units):
            roles = (("focal", ()),)  # the unit's own duties with no closer office go to its focal office
        if roles is None:
            continue
        for item in items:
            if _count(fold(item), DROP_WORDS):
                continue
            office = scope.office_for(_pick_role(item, roles))
            if office is None:
                continue
            text = _without_self(scope.rewrite(item, _mirror_rules(scope, units, office)), office)
            by_office.setdefault(office, []).append(text)

    focal_items = by_office.setdefault(scope.focal, [])
    if not any("ke hoach nay" in fold(i) for i in focal_items):
        focal_items.insert(0, f"Là cơ quan đầu mối, chủ trì tham mưu {scope.leaders} chỉ đạo, triển khai thực hiện "
                              "Kế hoạch này; tổng hợp, báo cáo kết quả thực hiện theo quy định.")
    group_line = DraftDuty(None, scope.group_heading, _unique([
        f"Trưởng {scope.offices_short} có trách nhiệm phổ biến, quán triệt và tổ chức triển khai "
        "thực hiện Kế hoạch này tới cán bộ, công chức, viên chức và người lao động thuộc đơn vị mình.",
        *group_items,
        f"Phối hợp với {scope.focal.name} trong triển khai các nhiệm vụ của Kế hoạch.",
    ]))

    # The focal office first, then the others in the order of the unit tree.
    order = [scope.focal] + [o for o in (_Office(u.code, u.display_name) for u in scope.offices) if o != scope.focal]
    order += [o for o in by_office if o not in order]
    offices = [DraftDuty(o.code, o.name, _unique(by_office[o])) for o in order if by_office.get(o)]
    # A commune addresses all its offices first (seed 002); a department starts with its Văn phòng (seed 000).
    duties = [group_line, *offices] if scope.local else [*offices, group_line]
    if mass_items:
        duties.append(DraftDuty(None, f"Đề nghị Ủy ban Mặt trận Tổ quốc và các đoàn thể {scope.admin}",
                                _unique(mass_items)))
    return duties


def _unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item and fold(item) not in seen:
            seen.add(fold(item))
            out.append(item)
    return out


# ------------------------------------------------------------------------------------------------
# The draft


def _plan_year(plan: Plan) -> int:
    day = plan.period_end or plan.period_start or plan.issued_on
    return day.year if day else timezone.localdate().year


def _short_date(day: datetime.date) -> str:
    """"04/8/2025", "21/02/2023": NĐ 30 pads the day, and the month only for January and February."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"


def _lower_first(text: str) -> str:
    # "Thông tin, tuyên truyền…" → "thông tin, tuyên truyền…", but "CCHC năm 2026" keeps its capitals.
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _implements(parent: Plan, scope: _Scope, title: str) -> str:
    number = squeeze(parent.number)
    if number.isdigit():
        number = f"{int(number):02d}/{parent.symbol or 'KH'}"
    reference = "Kế hoạch" + (f" số {number}" if number else "")
    if number and parent.issued_on:
        reference += f" ngày {_short_date(parent.issued_on)}"
    subject = _lower_first(squeeze(parent.title))
    return (f"Thực hiện {reference} của {parent.unit.name} về {subject}, {scope.unit.name} ban hành "
            f"Kế hoạch {_lower_first(title)} như sau:")


def _tasks(parent: Plan, unit: Unit, assignments: Sequence[Assignment] | None = None) -> list[dict]:
    """The parent's tasks assigned to the unit, once each (lead if it both leads and partners), in plan order."""
    headings = [h for h in (parent.body or {}).get("solutions", []) if isinstance(h, str)]
    tasks: dict[int, dict] = {}
    rows = assignments if assignments is not None else _assignments_of(parent, [unit]).get(unit.pk, [])
    for a in rows:
        t = a.task
        tasks.setdefault(t.pk, {
            "group": t.group_code, "group_title": _group_title(t.group_title, headings), "number": t.number,
            "title": t.title,
            "deliverable": t.deliverable, "role": a.role, "timeframe_text": t.timeframe_text,
            "timeframe_kind": t.timeframe_kind, "due_dates": list(t.due_dates),
        })
    return list(tasks.values())


def _recipients(scope: _Scope, has_mass: bool) -> list[str]:
    out = ["UBND tỉnh (để b/c)"]
    if fold(scope.unit.name) != "so noi vu":
        out.append("Sở Nội vụ (để b/c)")
    if scope.local:
        out += [f"TT Đảng ủy, TT HĐND {scope.admin}", f"Chủ tịch, các PCT UBND {scope.admin}"]
        if has_mass:
            out.append(f"UB MTTQ và các đoàn thể {scope.admin}")
    out += [o.display_name for o in scope.offices] or [scope.group_heading]
    focal = next((o for o in scope.offices if o.code == scope.focal.code), None)
    return [*out, "Lưu: VT" + (f", {_abbreviation(focal)}." if focal else ".")]


def _offices_of(units: Sequence[Unit]) -> dict[int, list[Unit]]:
    """Each unit's offices in force, in tree order: one query for any number of units."""
    out: dict[int, list[Unit]] = {u.pk: [] for u in units}
    ids = list(out)
    for start in range(0, len(ids), 2000):  # SQLite's limit on query parameters
        for office in (Unit.objects.filter(active_units_q(), kind__in=OFFICE_KINDS, parent_id__in=ids[start:start + 2000])
                       .order_by("path")):
            out[office.parent_id].append(office)
    return out


def _assignments_of(parent: Plan, units: Sequence[Unit] | None) -> dict[int, list[Assignment]]:
    """The parent's assignments by unit (all units when `units` is None), in plan order, lead first."""
    rows = Assignment.objects.filter(task__plan=parent).select_related("task").order_by("task__order", "role", "pk")
    if units is not None:
        rows = rows.filter(unit__in=[u.pk for u in units])
    out: dict[int, list[Assignment]] = {}
    for a in rows:
        out.setdefault(a.unit_id, []).append(a)
    return out


@dataclass
class PreparedParent:
    """What every unit's draft reads from the parent plan, read once for a batch of drafts."""

    plan: Plan
    topics: list
    channels: list
    duties: list
    assignments: dict[int, list[Assignment]]
    offices: dict[int, list[Unit]]


def prepare(parent: Plan, units: Sequence[Unit]) -> PreparedParent:
    """Read the parent's structure, its assignments and the units' offices once (a constant number of
    queries), so drafts for thousands of units cost rewriting and rendering only. Load `units` with
    select_related("parent") so finding each one's province needs no query either."""
    parent.unit  # noqa: B018 - loaded once here, not per draft
    return PreparedParent(
        plan=parent, topics=list(parent.topics.all()), channels=list(parent.channels.all()),
        duties=list(parent.duties.prefetch_related("units", "groups__members")),
        assignments=_assignments_of(parent, None), offices=_offices_of(units),
    )


def draft_for(parent: Plan, unit: Unit, *, prepared: PreparedParent | None = None) -> Draft:
    """The ready draft of `unit`'s plan implementing `parent`, built from the parent's saved structure
    (`prepared`: the same parent read once for many units; the draft is the same)."""
    scope = _Scope(unit, offices=prepared.offices.get(unit.pk, []) if prepared else None)
    year = _plan_year(parent)
    title = scope.rewrite(parent.title, scope.title_rules())
    duties = _duties(parent, scope, prepared.duties if prepared else None)
    body = parent.body or {}
    communication = parent.kind == PlanKind.COMMUNICATION
    if scope.local:
        funding = (f"Được bố trí từ nguồn ngân sách nhà nước trong dự toán ngân sách năm {year} của {scope.admin} "
                   "theo phân cấp hiện hành; lồng ghép trong các chương trình, kế hoạch khác và các nguồn hợp pháp khác.")
    else:
        funding = (f"Kinh phí thực hiện Kế hoạch được bố trí từ nguồn ngân sách nhà nước được cấp có thẩm quyền "
                   f"giao {unit.name} năm {year} và các nguồn hợp pháp khác.")
    return Draft(
        unit_code=unit.code,
        issuer=unit.name.upper(),
        parent_body=scope.parent_body,
        symbol=scope.symbol,
        place=scope.place,
        title=title,
        implements=_implements(parent, scope, title),
        objectives=[scope.rewrite(t) for t in body.get("objectives", [])],
        requirements=[scope.rewrite(t) for t in body.get("requirements", [])],
        topics=[(t.code, scope.rewrite(t.text)) for t in (prepared.topics if prepared else parent.topics.all())],
        channels=[(c.code, scope.rewrite(c.text)) for c in (prepared.channels if prepared else parent.channels.all())],
        duties=duties,
        tasks=_tasks(parent, unit, prepared.assignments.get(unit.pk, []) if prepared else None),
        recipients=_recipients(scope, has_mass=any(d.heading.startswith("Đề nghị") for d in duties)),
        signature=scope.signature,
        kind=parent.kind,
        unit_name=unit.name,
        # A reform plan's "solutions" are its groups of tasks, which the document shows from the tasks.
        solutions=[scope.rewrite(t) for t in body.get("solutions", [])] if communication else [],
        funding=funding,
        closing=(f"Yêu cầu {scope.members} nghiêm túc thực hiện Kế hoạch này. Trong quá trình triển khai nếu có "
                 f"khó khăn, vướng mắc, kịp thời phản ánh về {scope.focal.name} để tổng hợp, báo cáo "
                 f"{scope.leaders} xem xét, giải quyết./."),
    )


def draft_to_dict(draft: Draft) -> dict:
    """Plain JSON-ready data, for a web form to store and edit."""
    data = asdict(draft)
    data["topics"] = [list(t) for t in draft.topics]
    data["channels"] = [list(c) for c in draft.channels]
    return data


def draft_from_dict(data: dict) -> Draft:
    values = {f.name: data[f.name] for f in fields(Draft) if f.name in data}
    values["duties"] = [DraftDuty(**d) for d in data.get("duties", [])]
    values["signature"] = Signature(**data.get("signature", {}))
    values["topics"] = [(str(c), str(t)) for c, t in data.get("topics", [])]
    values["channels"] = [(str(c), str(t)) for c, t in data.get("channels", [])]
    return Draft(**values)


# ------------------------------------------------------------------------------------------------
# The document


def _lettered(items: Sequence[str]) -> list[Para]:
    return [Para(f"{LETTERS[i % len(LETTERS)]}) {text}") for i, text in enumerate(items)]


def _coded(items: Sequence[tuple[str, str]]) -> list[Para]:
    return [Para(f"{code}) {text}" if code else text) for code, text in items]


def _task_groups(tasks: Sequence[dict]) -> list[tuple[str, str, list[dict]]]:
    groups: list[tuple[str, str, list[dict]]] = []
    for task in tasks:
        code = str(task.get("group", ""))
        if not groups or groups[-1][0] != code:
            groups.append((code, str(task.get("group_title", "")), []))
        groups[-1][2].append(task)
    return groups


def _sentence_case(title: str) -> str:
    """"CẢI CÁCH THỂ CHẾ" → "Cải cách thể chế"; an acronym in brackets stays: "(TTHC)"."""
    if not title.isupper():
        return title
    words = [w if w.startswith("(") and w.strip("(),.;").isupper() else w.lower() for w in title.split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _group_title(title: str, headings: Sequence[str]) -> str:
    """A task group's title as the plan writes it in its body: the appendix says "CẢI CÁCH TỔ CHỨC BỘ MÁY",
    section III says "Cải cách tổ chức bộ máy hành chính"."""
    folded = fold(title)
    if folded:
        for heading in headings:
            other = fold(heading)
            if other and (other.startswith(folded) or folded.startswith(other)):
                return heading
    return _sentence_case(title)


def draft_document(draft: Draft, *, year: int) -> OfficialDocument:
    """The draft as an unnumbered, undated Kế hoạch with blank signer, ready for the unit to edit and sign."""
    body: list[Heading | Para | Bullet] = [Para(draft.implements)]
    sections: list[tuple[str, list]] = []

    part = [Heading("1. Mục đích", 2), *_lettered(draft.objectives)] if draft.objectives else []
    if draft.requirements:
        part += [Heading(f"{2 if part else 1}. Yêu cầu", 2), *_lettered(draft.requirements)]
    if part:
        sections.append(("MỤC ĐÍCH, YÊU CẦU", part))

    if draft.kind == PlanKind.COMMUNICATION:
        part = [Heading("1. Nội dung thông tin, tuyên truyền", 2), *_coded(draft.topics)] if draft.topics else []
        if draft.channels:
            part += [Heading(f"{2 if part else 1}. Hình thức tuyên truyền", 2), *_coded(draft.channels)]
        if part:
            sections.append(("NỘI DUNG, HÌNH THỨC THÔNG TIN, TUYÊN TRUYỀN", part))
        if draft.solutions:
            sections.append(("GIẢI PHÁP THỰC HIỆN", [Para(f"{i}. {t}") for i, t in enumerate(draft.solutions, 1)]))
    elif draft.tasks:
        part = [Para("Tập trung thực hiện các nhiệm vụ sau (chi tiết tại Phụ lục kèm theo):")]
        for i, (_code, title, tasks) in enumerate(_task_groups(draft.tasks), 1):
            part.append(Heading(f"{i}. {_sentence_case(title) or 'Nhiệm vụ khác'}", 2))
            part += [Bullet(str(t.get("title", ""))) for t in tasks]
        sections.append(("NHIỆM VỤ, GIẢI PHÁP", part))

    part = [Heading("1. Kinh phí thực hiện", 2), Para(draft.funding)] if draft.funding else []
    if draft.duties:
        part.append(Heading(f"{2 if part else 1}. Trách nhiệm thực hiện", 2))
        for i, duty in enumerate(draft.duties):
            part.append(Heading(f"{LETTERS[i % len(LETTERS)]}) {duty.heading}", 3))
            part += [Bullet(item) for item in duty.items]
    sections.append(("TỔ CHỨC THỰC HIỆN", part))

    for numeral, (name, blocks) in zip(ROMAN, sections, strict=False):
        body += [Heading(f"{numeral}. {name}"), *blocks]
    if draft.closing:
        body.append(Para(draft.closing))

    return OfficialDocument(
        parent_body=draft.parent_body,
        issuer=draft.issuer,
        number=None,
        symbol=draft.symbol,
        place=draft.place,
        date=None,
        year=year,
        doc_type="KẾ HOẠCH",
        title=draft.title,
        body=body,
        recipients=draft.recipients,
        signature=draft.signature,
        appendices=[_appendix(draft)] if draft.tasks else [],
    )


def _appendix(draft: Draft) -> AppendixTable:
    rows: list[list[str] | GroupRow] = []
    for code, title, tasks in _task_groups(draft.tasks):
        if title:
            rows.append(GroupRow(label=code, text=title.upper()))
        rows += [[str(t.get("number", "")), str(t.get("title", "")), str(t.get("deliverable", "")),
                  ROLE_LABELS.get(t.get("role", ""), ""), str(t.get("timeframe_text", ""))] for t in tasks]
    return AppendixTable(
        title="Phụ lục",
        subtitle=f"NHIỆM VỤ CỤ THỂ {draft.title.upper()}",
        reference=f"(Kèm theo Kế hoạch số{BLANK}/{draft.symbol} ngày{BLANK} của {draft.unit_name or draft.issuer})",
        columns=["Stt", "Nội dung/Nhiệm vụ", "Sản phẩm", "Vai trò", "Thời gian thực hiện"],
        rows=rows,
    )


def draft_docx(parent: Plan, unit: Unit, *, prepared: PreparedParent | None = None) -> bytes:
    return render_docx(draft_document(draft_for(parent, unit, prepared=prepared), year=_plan_year(parent)))
