"""The appendix task table ("Phụ lục: nhiệm vụ cụ thể") as rows of tasks.

Two shapes reach us:
- a real table (DOCX, or a markdown pipe table from a web copy): columns are found by their
  header ("Nội dung/Nhiệm vụ", "Cơ quan chủ trì", "Thời gian"…), whatever their order;
- a table flattened into lines by a PDF-to-text step (seed 004): cells of one row are wrapped and
  interleaved. There the structure is recovered from what the columns hold: a row ends with its
  time ("Quý III, IV/2025"), and just before the time stand the lead and partner units, which the
  unit resolver recognises; what comes before them is the task's content and deliverable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cchc.lib.text import fold, squeeze, strip_accents
from cchc.orgs.resolver import UnitResolver

from .timeframes import parse_timeframe

_ROMAN = re.compile(r"^(?P<g>[IVX]{1,4})\s*[.:]?\s+(?P<t>.+)$")
_COLUMNS = [
    ("number", ("stt", "tt", "so tt")),
    ("title", ("noi dung", "nhiem vu", "ten nhiem vu", "noi dung nhiem vu", "cong viec")),
    ("deliverable", ("san pham", "hoat dong", "ket qua")),
    ("lead", ("chu tri", "co quan chu tri", "don vi chu tri", "trach nhiem thuc hien", "trach nhiem", "don vi thuc hien", "co quan thuc hien")),
    ("partners", ("phoi hop", "co quan phoi hop", "don vi phoi hop")),
    ("timeframe", ("thoi gian", "thoi han", "tien do")),
    ("note", ("ghi chu",)),
    ("monitor", ("theo doi", "kiem tra", "don doc")),
    ("funding", ("kinh phi", "nguon kinh phi", "du toan")),
]


def _row(group, group_title, number, title, deliverable, lead, partners, time, note, *, resolver, period, source,
         monitor="", funding=""):
    from .reader import TaskRow  # the dataclass lives with the other parsed parts

    return TaskRow(
        monitor_text=squeeze(monitor), funding=squeeze(funding),
        monitor=resolver.resolve(monitor) if monitor.strip() else None,
        group=group, group_title=group_title, number=number, title=squeeze(title), deliverable=squeeze(deliverable),
        lead_text=squeeze(lead), partners_text=squeeze(partners),
        timeframe=parse_timeframe(squeeze(time), period_start=period[0], period_end=period[1]),
        note=squeeze(note), source=source,
        lead=resolver.resolve(lead) if lead.strip() else None,
        partners=resolver.resolve(partners) if partners.strip() else None,
    )


# --- real tables --------------------------------------------------------------------------------


def _column_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = fold(cell)
        if not text:
            continue
        for key, names in _COLUMNS:
            if key in found:
                continue
            if any(text == n or text.startswith(n + " ") or f" {n}" in f" {text}" for n in names):
                # "Nội dung" must not be taken by a later "Nội dung công việc" once set.
                found[key] = index
                break
    return found


def table_appendix_rows(rows: list[list[str]], *, resolver: UnitResolver, period) -> list:
    """Tasks from a table whose header names its columns; [] when it is not a task table."""
    header_index, columns = None, {}
    for i, row in enumerate(rows[:3]):
        columns = _column_map(row)
        if "title" in columns and ("lead" in columns or "timeframe" in columns):
            header_index = i
            break
    if header_index is None:
        return []
    out = []
    group, group_title = "", ""
    last_title = ""

    def cell(row: list[str], key: str) -> str:
        i = columns.get(key)
        return squeeze(row[i]) if i is not None and i < len(row) else ""

    for row in rows[header_index + 1:]:
        values = [squeeze(c) for c in row]
        if not any(values):
            continue
        # The "(1) (2) (3)…" or "1 2 3 …" line that numbers the columns.
        if all(re.fullmatch(r"\(?\d{1,2}\)?", v) for v in values if v) and len([v for v in values if v]) >= 3:
            continue
        number = cell(row, "number")
        title = cell(row, "title")
        filled = [v for v in dict.fromkeys(values) if v]
        m = _ROMAN.match(number) or (None if number else _ROMAN.match(filled[0]) if len(filled) == 1 else None)
        if (m or re.fullmatch(r"[IVX]{1,4}", number)) and not cell(row, "lead") and not cell(row, "timeframe"):
            group = (m["g"] if m else number).upper()
            group_title = title or (m["t"] if m else "") or (filled[1] if len(filled) > 1 else "")
            continue
        if len(filled) == 1 and not number and not cell(row, "timeframe"):
            # A group heading written across the whole row without a numeral.
            group, group_title = "", filled[0]
            continue
        if number:
            last_title = title or last_title
        elif not title:
            title = last_title  # a sub-row under a merged content cell
        out.append(_row(
            group, group_title, number.rstrip(".") if number else "", title or last_title, cell(row, "deliverable"),
            cell(row, "lead"), cell(row, "partners"), cell(row, "timeframe"), cell(row, "note"),
            resolver=resolver, period=period, source="table", monitor=cell(row, "monitor"), funding=cell(row, "funding"),
        ))
    return out


# --- tables flattened into lines -------------------------------------------------------------------

_TIME_PATTERNS = [
    r"Tr(?:u|ư)oc\s+ngay\s+\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?",
    r"Quy\s+[IVX]+(?:\s*(?:,|va|-)\s*(?:Quy\s+)?[IVX]+)*(?:\s*(?:/|nam)\s*\d{4})",
    r"Thang\s+\d{1,2}(?:\s*[-,]\s*\d{1,2})*\s*/\s*\d{4}",
    r"Dinh\s+ky\s+hang\s+(?:(?:thang|quy|nam|0?6\s+thang|1\s+nam)\s*,?\s*)+",
    r"Thuong\s+xuyen",
    r"Hang\s+(?:nam|quy|thang)",
    r"Nam\s+\d{4}",
]
_TIME = re.compile("|".join(f"(?:{p})" for p in _TIME_PATTERNS))
_EVENT = re.compile(r"(?:Theo|Khi\s+co|Sau\s+khi)\b")
# The time column is narrow: an open-ended time ("Khi có văn bản hướng dẫn của bộ, ngành Trung
# ương") continues over the short lines that follow it and stops at the first wide one.
_NARROW = 18
_LINKING = {"cua", "cho", "tai", "voi", "doi", "den", "giua", "thuoc", "tu", "ve", "tren", "o", "boi", "la"}


@dataclass
class _Span:
    start: int
    end: int
    kind: str  # "unit", "time"


def _find_times(text: str) -> list[_Span]:
    sa = strip_accents(text)
    spans = []
    for m in _TIME.finditer(sa):
        if not sa[m.start()].isupper():
            continue  # "…thường xuyên…" inside a sentence is content, the column starts a cell
        spans.append(_Span(m.start(), m.end(), "time"))
    for m in _EVENT.finditer(sa):
        line_end = sa.find("\n", m.start())
        line_end = len(sa) if line_end == -1 else line_end
        if len(sa[m.start():line_end].strip()) > _NARROW or any(s.start <= m.start() < s.end for s in spans):
            continue
        end = line_end
        pos = line_end
        # Follow the narrow lines (blank lines between them are the PDF's cell padding).
        while pos < len(sa):
            nxt = sa.find("\n", pos + 1)
            nxt = len(sa) if nxt == -1 else nxt
            line = sa[pos + 1:nxt].strip()
            if not line:
                pos = nxt
                continue
            if len(line) > _NARROW or re.fullmatch(r"\d{1,2}(\s.*)?", line) or _TIME.match(line):
                break
            end = nxt
            pos = nxt
        spans.append(_Span(m.start(), end, "time"))
    return sorted(spans, key=lambda s: s.start)


def _gap_kind(text: str) -> str:
    """What stands between two unit names: "sep" (same column), "break" (next column), "text"."""
    if not text.strip():
        return "break"
    folded = fold(text)
    if re.fullmatch(r"[\s,;]*(?:(?:va|voi)\s*)?(?:cac\s*)?", strip_accents(text).lower().replace("\n", " ")) or (
        not folded and re.search(r"[,;]", text)
    ):
        return "sep"
    return "text"


def _split_row(text: str, time: _Span, unit_spans: list[tuple[int, int]], start: int) -> tuple[str, list[str], str]:
    """The row's free text, its unit columns (lead, partners…) and its time, from one stretch."""
    # Unit names in reach of the time: walk back from the time over names joined by separators.
    candidates = [s for s in unit_spans if start <= s[0] and s[1] <= time.start]
    chains: list[list[tuple[int, int]]] = []
    cursor = time.start
    for span in reversed(candidates):
        gap = text[span[1]:cursor]
        kind = _gap_kind(gap)
        if kind == "text":
            break
        if chains and kind == "sep":
            chains[-1].insert(0, span)
        else:
            chains.append([span])
        cursor = span[0]
    # A column starts with a capital letter and not after "của", "cho"… (then it is content).
    columns: list[list[tuple[int, int]]] = []
    for chain in reversed(chains):
        first = chain[0][0]
        before = fold(text[max(start, first - 12):first]).split()
        # After a comma the name continues a list inside the text ("UBND cấp huyện, UBND cấp xã").
        after_comma = text[start:first].rstrip()[-1:] in (",", ";")
        if text[first].isupper() and not (before and before[-1] in _LINKING) and not after_comma:
            columns.append(chain)
        else:
            columns = []  # everything up to here is content
    free_end = columns[0][0][0] if columns else time.start
    col_texts = [squeeze(text[c[0][0]:c[-1][1]]) for c in columns]
    return text[start:free_end], col_texts, squeeze(text[time.start:time.end])


def flattened_appendix_rows(lines: list[str], *, resolver: UnitResolver, period) -> list:
    out = []
    body = _after_header(lines)
    groups = _group_chunks(body)
    for group, group_title, tasks in groups:
        for number, chunk in tasks:
            out += _chunk_rows(group, group_title, number, chunk, resolver=resolver, period=period)
    return out


def _after_header(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines[:30]):
        if re.fullmatch(r"\s*\(?1\)?(\s+\(?\d{1,2}\)?){3,}\s*", line):
            return lines[i + 1:]
    for i, line in enumerate(lines[:30]):
        if "chu tri" in fold(line):
            return lines[i + 1:]
    return lines


def _group_chunks(lines: list[str]):
    """[(group, title, [(number, chunk text)])] from the appendix lines."""
    groups: list[tuple[str, str, list[tuple[str, str]]]] = []
    current: list[str] = []
    expected = 1

    def close():
        if groups and current and groups[-1][2]:
            num, _ = groups[-1][2][-1]
            groups[-1][2][-1] = (num, "\n".join(current))

    for raw in lines:
        line = raw.rstrip()
        sa = strip_accents(line.strip())
        g = _ROMAN.match(sa)
        if g and sa.upper() == sa and len(g["t"]) > 3:
            close()
            current = []
            groups.append((g["g"], squeeze(line.strip()[len(g["g"]):]), []))
            expected = 1
            continue
        n = re.match(r"^\s*(\d{1,2})(?:\s+(.*))?$", line)
        if n and int(n[1]) == expected and groups:
            close()
            groups[-1][2].append((n[1], ""))
            current = [n[2] or ""]
            expected += 1
            continue
        current.append(line)
    close()
    return groups


def _chunk_rows(group, group_title, number, chunk, *, resolver: UnitResolver, period) -> list:
    times = _find_times(chunk)
    if not times:
        title, deliverable = _paragraphs(chunk, first_row=True)
        return [_row(group, group_title, number, title, deliverable, "", "", "", "",
                     resolver=resolver, period=period, source="appendix")]
    units = resolver.resolve(chunk).spans
    rows = []
    start = 0
    task_title = ""
    for index, time in enumerate(times):
        free, columns, time_text = _split_row(chunk, time, units, start)
        title, deliverable = _paragraphs(free, first_row=index == 0)
        if index == 0:
            task_title = title
        elif not deliverable:
            title, deliverable = task_title, title  # a sub-row: its one paragraph is the deliverable
        lead = columns[0] if columns else ""
        partners = "; ".join(columns[1:])
        rows.append(_row(group, group_title, number if index == 0 else "", title or task_title, deliverable,
                         lead, partners, time_text, "", resolver=resolver, period=period, source="appendix"))
        start = time.end
    note = squeeze(chunk[start:])
    if note and rows:
        rows[-1].note = note
    return rows


def _paragraphs(text: str, *, first_row: bool) -> tuple[str, str]:
    parts = [squeeze(p) for p in re.split(r"\n\s*\n", text.strip()) if squeeze(p)]
    if not parts:
        return "", ""
    if len(parts) == 1:
        return parts[0], ""
    return parts[0], " ".join(parts[1:])
