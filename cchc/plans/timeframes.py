"""A task's "Thời gian thực hiện" cell → dates relative to the plan's period.

Plans state time in a handful of ways, and each becomes one `kind`:

- deadline    "Trước ngày 15/7/2025", "Chậm nhất ngày …", "Trước ngày 31/01 năm liền kề"
- period_end  "Quý III, IV/2025", "Tháng 9-10/2025", "Năm 2026", "6 tháng đầu năm 2026"
- continuous  "Thường xuyên", "Thường xuyên, liên tục", "Cả năm", "Bắt đầu thực hiện từ năm 2026"
- recurring   "Định kỳ hằng quý, 6 tháng, 1 năm", "Hằng năm", "trong tháng 01 hằng năm",
              "Trước ngày 05 của tháng liền kề"
- event       "Theo yêu cầu của Bộ Nội vụ", "Khi có văn bản hướng dẫn …", "Sau khi có Quyết định …"
- unparsed    anything else, an impossible date, or an empty cell; `error` says why in Vietnamese.

Matching runs on folded text (lower case, no diacritics, đ → d: `cchc.lib.text.fold`) so "Quí",
"hàng năm"/"hằng năm" and OCR text without accents read alike, but unlike `fold` it keeps the
punctuation that carries meaning here: "/" and "-" inside dates and ranges, "," and "và" in lists,
";" between clauses.

How a cell with several parts is read (the rules the tests pin down):

1. The cell is cut into clauses at ";" and at sentence ends. Each clause contributes what it says;
   the cell's kind comes from everything together: any recurrence → recurring; else anything
   continuous → continuous; else any day date → deadline; else period ends → period_end; else
   an event clause → event. Dates from every clause are pooled, so "Thường xuyên; báo cáo trước
   ngày 15/12/2025" is continuous with 15/12/2025 added to its quarter ends: the unit keeps
   reporting every period *and* has a hard date, and dropping either would lose a deadline.
2. Inside a clause, an event word ("theo", "khi", "căn cứ", "đột xuất") starts a condition or a
   reference. What follows it is not read for dates — it usually cites a document ("Quyết định
   số 1441/QĐ-UBND ngày 25/9/2025"), whose date is not a due date. What precedes it decides:
   a date, period or recurrence there wins ("Trước ngày 30/9/2025 theo Công văn …" is a
   deadline). "Thường xuyên" alone before "khi" does not win, because "thường xuyên khi có yêu
   cầu" means "whenever asked" (an event); before "theo" it does ("Thường xuyên, theo kế hoạch"
   is continuous): a condition makes the timing conditional, a reference merely names a source.
3. Dates without a year take the year of the plan period in which they fall (the period's first
   year when they fall in none). "Năm liền kề"/"năm sau" is the year after the period's last year;
   "năm trước (liền kề)" the year before its first year.
4. "Từ … đến …" keeps only the end of the range ("Từ tháng 7 đến tháng 12/2025" → 31/12/2025);
   "từ …" without "đến" starts a continuous task at that point.
5. Recurring and continuous tasks get every period end of their frequency inside
   [period_start, period_end]; anchored ones ("trong tháng 6 hằng năm") get that date each year.
   The monthly "trước ngày 05 của tháng liền kề" is due for every month of the period, so its last
   date lies after the period's end — the report on the last month is still owed.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from cchc.lib.text import fold, squeeze

__all__ = ["FREQUENCIES", "KINDS", "Timeframe", "parse_timeframe"]

KINDS = ("deadline", "period_end", "continuous", "recurring", "event", "unparsed")
FREQUENCIES = ("month", "quarter", "half_year", "nine_months", "year")

# Last month of each period of a frequency: a "6 tháng" report closes June and December.
_CLOSING_MONTHS: dict[str, tuple[int, ...]] = {
    "month": tuple(range(1, 13)),
    "quarter": (3, 6, 9, 12),
    "half_year": (6, 12),
    "nine_months": (9,),
    "year": (12,),
}


@dataclass(frozen=True)
class Timeframe:
    """What a plan says about when one task is due, read against the plan's period."""

    text: str  # the original string
    kind: str  # one of KINDS
    due_dates: tuple[date, ...]  # sorted; empty for "event" and "unparsed"
    frequencies: tuple[str, ...] = ()  # for "recurring"/"continuous": a subset of FREQUENCIES
    trigger: str = ""  # for "event": the condition, e.g. "Theo yêu cầu của Bộ Nội vụ"
    error: str = ""  # for "unparsed": a Vietnamese message naming the problem

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "kind": self.kind,
            "due_dates": [d.isoformat() for d in self.due_dates],
            "frequencies": list(self.frequencies),
            "trigger": self.trigger,
            "error": self.error,
        }


class _Invalid(ValueError):
    """A date, month or quarter that cannot exist; the message is shown to the user as is."""


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_KEPT_PUNCT = "/-.,;"
# OCR slips seen in seed 002 (a scanned xã plan without diacritics): "nim"/"ndm" for "năm",
# "cudi"/"cubi" for "cuối", "thudng" for "thường"; "quí" is an old spelling of "quý". None of
# them is a word a timeframe would otherwise contain.
_OCR_WORDS = {"nim": "nam", "ndm": "nam", "cudi": "cuoi", "cubi": "cuoi", "thudng": "thuong", "qui": "quy"}
_OCR_RE = re.compile(r"\b(?:" + "|".join(_OCR_WORDS) + r")\b")
# "ngày 15 tháng 12 năm 2025" / "ngày 15 tháng 12/2025" and, year left to the period, "ngày 23 tháng 1"
# (Lâm Đồng's communication plan puts the year in the column header) become slash dates.
_LONG_DATE = re.compile(r"\bngay (\d{1,2}) thang (\d{1,2})(?: nam |/)(\d{4})\b")
_LONG_DAY_MONTH = re.compile(r"\bngay (\d{1,2}) thang (\d{1,2})\b(?!/)")


def _normalise(text: str) -> str:
    """Fold letters as `fold` does, keep the punctuation that dates and lists are made of.

    "Quý III,\\nIV/2025" → "quy iii, iv/2025"; "Tháng 9 – 10/2025" → "thang 9-10/2025";
    "ngày 15 tháng 12 năm 2025" → "ngay 15/12/2025"; "ngày 23 tháng 1" → "ngay 23/1".
    """
    # NFKC first so that letters saved decomposed (base + combining accents, as Word sometimes
    # does) are whole \w runs that `fold` can take in one piece.
    text = unicodedata.normalize("NFKC", text or "").translate(_DASHES)
    text = re.sub(r"\w+", lambda m: fold(m.group()), text)
    text = "".join(ch if ch.isalnum() or ch.isspace() or ch in _KEPT_PUNCT else " " for ch in text)
    text = re.sub(r"\s*([/-])\s*", r"\1", text)  # "III, IV / 2025", "9 - 10/2025"
    text = re.sub(r"\s*([,;])\s*", r"\1 ", text)
    text = _OCR_RE.sub(lambda m: _OCR_WORDS[m.group()], squeeze(text))
    text = _LONG_DATE.sub(r"ngay \1/\2/\3", text)
    text = _LONG_DAY_MONTH.sub(r"ngay \1/\2", text)
    return text.strip(" .,;-")


def _clean(text: str) -> str:
    """The text as shown back to people: one line, no trailing full stop."""
    return squeeze(text).strip(" .;,:")


# --------------------------------------------------------------------------------------------
# Calendar helpers
# --------------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _months(start: date, end: date) -> Iterator[tuple[int, int]]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _period_ends(frequency: str, start: date, end: date) -> list[date]:
    """Every end of a `frequency` period that falls inside [start, end]."""
    closing = _CLOSING_MONTHS[frequency]
    ends = (_month_end(y, m) for y, m in _months(start, end) if m in closing)
    return [d for d in ends if start <= d <= end]


def _in_period(make: Callable[[int], date], start: date, end: date) -> date:
    """A date given without its year: the period's year in which it falls, else the first year."""
    for year in range(start.year, end.year + 1):
        candidate = make(year)
        if start <= candidate <= end:
            return candidate
    return make(start.year)


def _day(day: int, month: int, year: int, shown: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _Invalid(f"Ngày không hợp lệ: {shown}") from None


def _check_day_month(day: int, month: int, shown: str) -> None:
    """A day and month without a year must exist in some year (29/02 does, in leap years)."""
    _day(day, month, 2024, shown)


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _quarter(token: str) -> int:
    number = int(token) if token.isdigit() else _ROMAN.get(token, 0)
    if not 1 <= number <= 4:
        raise _Invalid(f"Quý không hợp lệ: {token.upper()}")
    return number


def _month(token: str, year: str | None) -> int:
    number = int(token)
    if not 1 <= number <= 12:
        raise _Invalid(f"Tháng không hợp lệ: {token}/{year}" if year else f"Tháng không hợp lệ: {token}")
    return number


# --------------------------------------------------------------------------------------------
# What one clause says
# --------------------------------------------------------------------------------------------


@dataclass
class _Schedule:
    deadlines: list[date] = field(default_factory=list)  # day dates: "Trước ngày 15/7/2025"
    period_ends: list[date] = field(default_factory=list)  # "Quý IV/2025" → 31/12/2025
    recurring_dates: list[date] = field(default_factory=list)  # anchored: "tháng 6 hằng năm"
    frequencies: list[tuple[int, str]] = field(default_factory=list)  # (position, frequency)
    every_period: set[str] = field(default_factory=set)  # frequencies due at each period end
    continuous: bool = False
    continuous_from: date | None = None
    continuous_frequency: str = ""  # "thường xuyên trong tháng" → "month"

    def dated(self) -> bool:
        """Says something definite about time (continuous alone does not)."""
        return bool(self.deadlines or self.period_ends or self.frequencies)

    def merge(self, other: _Schedule) -> None:
        self.deadlines += other.deadlines
        self.period_ends += other.period_ends
        self.recurring_dates += other.recurring_dates
        self.frequencies += other.frequencies
        self.every_period |= other.every_period
        if other.continuous and not self.continuous:
            self.continuous = True
            self.continuous_from = other.continuous_from
        self.continuous_frequency = self.continuous_frequency or other.continuous_frequency


def _taken(text: str, pattern: re.Pattern[str]) -> tuple[str, list[re.Match[str]]]:
    """Matches of `pattern`, and the text with them blanked out so later patterns skip them.

    Blanking with "#" keeps every position (frequencies are ordered by where they appear) and,
    being neither a word nor a list separator, stops a later list from running across the gap.
    """
    matches = list(pattern.finditer(text))
    for m in matches:
        text = text[: m.start()] + "#" * (m.end() - m.start()) + text[m.end() :]
    return text, matches


# Patterns, tried in this order on a clause; each one's matches are blanked before the next runs,
# so "thang 01 hang nam" is an anchored yearly date, not month 01 plus a yearly frequency, and
# "6 thang cuoi nam 2025" is a half-year, not the year 2025.
_NEXT_MONTH = re.compile(
    r"\bngay (?P<day>\d{1,2}) (?:cua )?"
    r"(?:(?P<each>hang|moi) thang\b|thang (?:lien ke|sau|ke tiep|tiep theo)\b)"
)
_ANCHORED = re.compile(
    r"(?:(?:\bngay )?(?<![\d/])(?P<day>\d{1,2})/(?P<dmonth>\d{1,2})(?![\d/])|\bthang (?P<month>\d{1,2})"
    r"|\bquy (?P<quarter>[ivx]+|\d)) (?:cua )?(?:hang|moi) nam\b"
)
_START_ONLY = re.compile(
    r"\b(?:bat dau (?:thuc hien )?)?tu (?:(?:ngay )?(?P<day>\d{1,2})/(?P<dmonth>\d{1,2})/(?P<dyear>\d{4})"
    r"|thang (?P<month>\d{1,2})/(?P<myear>\d{4})|(?:nam )?(?P<year>\d{4}))\b"
)
_DATE = re.compile(
    r"(?<![\d/.-])(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})(?!\d)"
)
_DAY_MONTH = re.compile(
    r"(?<![\d/])(?P<day>\d{1,2})/(?P<month>\d{1,2})(?![\d/])"
    r"(?: (?:cua )?nam (?P<rel>truoc lien ke|lien ke truoc|truoc|lien ke|sau|tiep theo|ke tiep))?"
)
_HALF = re.compile(
    r"\b(?:(?P<six>0?6|sau) thang|(?P<nine>0?9|chin) thang|nua) (?P<side>dau|cuoi) nam"
    r"(?: nam)?(?: (?P<year>\d{4}))?\b"
)
_Q = r"(?:[ivx]+|[1-4])(?!\w)"
_QUARTERS = re.compile(
    rf"\bquy (?P<list>{_Q}(?:\s*(?:,|-|\bva\b|\bhoac\b)\s*(?:quy )?{_Q})*)"
    r"(?:\s*[/-]\s*(?P<y1>\d{4})|\s+(?:nam )?(?P<y2>\d{4}))?(?!\d)"
)
_M = r"\d{1,2}(?!\d)"
_MONTHS = re.compile(
    rf"\bthang (?P<list>{_M}(?:\s*(?:,|-|\bva\b|\bhoac\b)\s*(?:thang )?{_M})*)"
    r"(?:\s*[/-]\s*(?P<y1>\d{4})|\s+(?:nam )?(?P<y2>\d{4}))?(?!\d)"
    # "6 tháng 1 năm" (a list of frequencies missing its comma) is not the month of January.
    r"(?! (?:nam|thang|quy)\b)"
)
_YEAR_RANGE = re.compile(r"\b(?:nam |giai doan )?(?P<first>\d{4})-(?:nam )?(?P<last>\d{4})\b")
_YEAR = re.compile(r"\bnam (?:nam )?(?P<year>\d{4})\b|^\s*(?P<bare>\d{4})\s*$")
_FREQ_ITEM = (
    r"(?:hang )?(?:(?:0?6|sau) thang|nua nam|(?:0?9|chin) thang|(?:0?1|mot) nam|cuoi nam"
    r"|nam|quy|thang|tuan)\b"
)
_RECURRING = re.compile(
    rf"\b(?:dinh ky|hang) (?P<list>{_FREQ_ITEM}(?:\s*(?:,|/|\bva\b|\bhoac\b)?\s*{_FREQ_ITEM})*)"
)
_CONTINUOUS_EVERY = re.compile(r"\bthuong xuyen (?:trong|hang|moi) (?P<unit>thang|quy|nam)\b")
_CONTINUOUS = re.compile(r"\b(?:thuong xuyen|lien tuc|ca nam|hang ngay)\b")
_UNIT_FREQUENCY = {"thang": "month", "quy": "quarter", "nam": "year"}

# Event words. A condition makes the timing depend on something that has not happened yet;
# a reference hands the timing to another document. "tiếp theo" (next) and "theo dõi" (monitor)
# contain "theo" without being either.
_CONDITION = re.compile(r"\b(?:khi|dot xuat)\b")
_REFERENCE = re.compile(r"(?<!tiep )\b(?:theo|can cu|tuy)\b(?! doi\b)")


def _frequency(item: str) -> str | None:
    item = item.removeprefix("hang ")
    if item.endswith("tuan"):
        # Weekly meetings ("giao ban định kỳ hằng tuần", seeds 001/002) are not a reporting period
        # of the CCHC regime (§1.4 of DOMAIN.md): the other frequencies of the list still count.
        return None
    if item.startswith(("6", "06", "sau", "nua")):
        return "half_year"
    if item.startswith(("9", "09", "chin")):
        return "nine_months"
    if item.endswith("nam"):  # "nam", "1 nam", "01 nam", "mot nam", "cuoi nam"
        return "year"
    return _UNIT_FREQUENCY[item]


def _anchor(m: re.Match[str]) -> Callable[[int], date]:
    """The date an anchored yearly phrase ("tháng 6 hằng năm", "31/01 hằng năm") falls on in a year."""
    if m["day"]:
        day, month = int(m["day"]), int(m["dmonth"])
        _check_day_month(day, month, f"{m['day']}/{m['dmonth']}")
        # "29/02 hằng năm" falls on 28/02 in common years rather than being skipped.
        return lambda y: date(y, month, min(day, calendar.monthrange(y, month)[1]))
    if m["month"]:
        month = _month(m["month"], None)
        return lambda y: _month_end(y, month)
    quarter = _quarter(m["quarter"])
    return lambda y: _month_end(y, 3 * quarter)


def _read_clause(text: str, offset: int, start: date, end: date) -> _Schedule:
    """Everything `text` (one clause, no event words) says about time. Raises `_Invalid`."""
    found = _Schedule()

    # "Từ tháng 7 đến tháng 12/2025": only the end of the range is due.
    first = re.search(r"\btu\b", text)
    last = None
    if first:
        ends = [m for m in re.finditer(r"\b(?:den|toi)\b", text) if m.start() > first.end()]
        last = ends[-1] if ends else None
    if first and last:
        text = text[: first.start()] + "#" * (last.end() - first.start()) + text[last.end() :]
    else:
        text, matches = _taken(text, _START_ONLY)
        for m in matches:
            if m["day"]:
                shown = f"{m['day']}/{m['dmonth']}/{m['dyear']}"
                begin = _day(int(m["day"]), int(m["dmonth"]), int(m["dyear"]), shown)
            elif m["month"]:
                begin = date(int(m["myear"]), _month(m["month"], m["myear"]), 1)
            else:
                begin = date(int(m["year"]), 1, 1)
            found.continuous = True
            found.continuous_from = begin

    text, matches = _taken(text, _NEXT_MONTH)
    for m in matches:
        day = int(m["day"])
        if not 1 <= day <= 31:
            raise _Invalid(f"Ngày không hợp lệ: {m['day']}")
        shift = 0 if m["each"] else 1  # "ngày 20 hằng tháng" vs "ngày 05 của tháng liền kề"
        for year, month in _months(start, end):
            if shift:
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            found.recurring_dates.append(date(year, month, min(day, calendar.monthrange(year, month)[1])))
        found.frequencies.append((offset + m.start(), "month"))

    text, matches = _taken(text, _ANCHORED)
    for m in matches:
        make = _anchor(m)
        yearly = (make(y) for y in range(start.year, end.year + 1))
        found.recurring_dates += [d for d in yearly if start <= d <= end]
        found.frequencies.append((offset + m.start(), "year"))

    text, matches = _taken(text, _DATE)
    for m in matches:
        found.deadlines.append(_day(int(m["day"]), int(m["month"]), int(m["year"]), m.group()))

    text, matches = _taken(text, _DAY_MONTH)
    for m in matches:
        day, month, shown = int(m["day"]), int(m["month"]), f"{m['day']}/{m['month']}"
        _check_day_month(day, month, shown)
        rel = m["rel"] or ""
        if rel.startswith("truoc") or rel.endswith("truoc"):
            found.deadlines.append(_day(day, month, start.year - 1, shown))
        elif rel:
            found.deadlines.append(_day(day, month, end.year + 1, shown))
        else:
            found.deadlines.append(
                _in_period(lambda y, d=day, mo=month, s=shown: _day(d, mo, y, s), start, end)
            )

    text, matches = _taken(text, _HALF)
    for m in matches:
        month = 12 if m["side"] == "cuoi" else (9 if m["nine"] else 6)
        if m["year"]:
            found.period_ends.append(_month_end(int(m["year"]), month))
        else:
            found.period_ends.append(_in_period(lambda y, mo=month: _month_end(y, mo), start, end))

    text, matches = _taken(text, _QUARTERS)
    for m in matches:
        year = m["y1"] or m["y2"]
        for token in re.findall(r"\b(?:[ivx]+|\d)\b", m["list"]):
            month = 3 * _quarter(token)
            if year:
                found.period_ends.append(_month_end(int(year), month))
            else:
                found.period_ends.append(_in_period(lambda y, mo=month: _month_end(y, mo), start, end))

    text, matches = _taken(text, _MONTHS)
    for m in matches:
        year = m["y1"] or m["y2"]
        for token in re.findall(r"\d{1,2}", m["list"]):
            month = _month(token, year)
            if year:
                found.period_ends.append(_month_end(int(year), month))
            else:
                found.period_ends.append(_in_period(lambda y, mo=month: _month_end(y, mo), start, end))

    text, matches = _taken(text, _YEAR_RANGE)
    for m in matches:
        found.period_ends.append(date(max(int(m["first"]), int(m["last"])), 12, 31))

    text, matches = _taken(text, _YEAR)
    for m in matches:
        found.period_ends.append(date(int(m["year"] or m["bare"]), 12, 31))

    text, matches = _taken(text, _RECURRING)
    for m in matches:
        for item in re.finditer(_FREQ_ITEM, m["list"]):
            frequency = _frequency(item.group())
            if frequency:
                found.frequencies.append((offset + m.start("list") + item.start(), frequency))
                found.every_period.add(frequency)

    text, matches = _taken(text, _CONTINUOUS_EVERY)
    for m in matches:
        found.continuous = True
        found.continuous_frequency = found.continuous_frequency or _UNIT_FREQUENCY[m["unit"]]
    if _CONTINUOUS.search(text):
        found.continuous = True
    return found


def _read(text: str, start: date, end: date) -> tuple[_Schedule, bool]:
    """The cell's schedule pooled over its clauses, and whether some clause is an event."""
    schedule, has_event = _Schedule(), False
    offset = 0
    for clause in re.split(r"(;|\.(?=\s))", text):
        if clause in (";", "."):
            offset += 1
            continue
        words = [m for m in (_CONDITION.search(clause), _REFERENCE.search(clause)) if m]
        if not words:
            schedule.merge(_read_clause(clause, offset, start, end))
        else:
            word = min(words, key=lambda m: m.start())
            before = _read_clause(clause[: word.start()], offset, start, end)
            wins = before.dated() or (before.continuous and word.re is _REFERENCE)
            if wins:
                schedule.merge(before)
            else:
                has_event = True
        offset += len(clause)
    return schedule, has_event


def _ordered(frequencies: list[tuple[int, str]]) -> tuple[str, ...]:
    """Frequencies in the order the text gives them, each once."""
    return tuple(dict.fromkeys(f for _, f in sorted(frequencies, key=lambda pair: pair[0])))


def parse_timeframe(text: str, *, period_start: date, period_end: date) -> Timeframe:
    """Read a "Thời gian thực hiện" string against the plan period [period_start, period_end]."""
    if period_start > period_end:
        raise ValueError("period_start must not be after period_end")
    shown = _clean(text)
    if not shown:
        return Timeframe(text, "unparsed", (), error="Thiếu thời gian thực hiện.")
    try:
        found, has_event = _read(_normalise(text), period_start, period_end)
    except _Invalid as exc:
        return Timeframe(text, "unparsed", (), error=str(exc))

    pooled = set(found.deadlines) | set(found.period_ends)
    if found.frequencies:
        due = pooled | set(found.recurring_dates)
        for frequency in found.every_period:
            due |= set(_period_ends(frequency, period_start, period_end))
        return Timeframe(text, "recurring", tuple(sorted(due)), _ordered(found.frequencies))
    if found.continuous:
        # Continuous work is reported every reporting period (quarterly, DOMAIN.md §1.4) unless the
        # text names a shorter rhythm; "từ năm 2026" moves the first of those dates.
        frequency = found.continuous_frequency or "quarter"
        begin = max(period_start, found.continuous_from or period_start)
        due = pooled | set(_period_ends(frequency, begin, period_end))
        return Timeframe(text, "continuous", tuple(sorted(due)), (frequency,))
    if found.deadlines:
        return Timeframe(text, "deadline", tuple(sorted(pooled)))
    if found.period_ends:
        return Timeframe(text, "period_end", tuple(sorted(pooled)))
    if has_event:
        return Timeframe(text, "event", (), trigger=shown)
    return Timeframe(text, "unparsed", (), error=f"Không hiểu thời gian thực hiện: “{shown}”")
