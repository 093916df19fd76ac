"""Readers of Lâm Đồng's real 2025 PAR Index results, straight from the documents in place.

The documents live beside the repository in `shared/realdocs/scoring` and are never copied into it:
- `ld_ketqua_chiso_cchc_2025_songanh.doc` / `_xaphuong.doc`: the published annexes (Phụ lục I/II of
  the publication decision): Thứ hạng, Đơn vị, Điểm chuẩn tối đa, Điểm đạt được, Chỉ số chung, Xếp
  loại, then the rows "Chỉ số cao nhất / trung bình / thấp nhất". Legacy Word files, converted once
  per process with LibreOffice into a temporary folder and read with python-docx.
- `ld_bc_thamdinh_chiso_2025.pdf`: the appraisal council's report (BC 36/BC-HĐTĐ 02/02/2026).
  Part 1 per unit (max, self, appraised, index) p.6–7 and 14–18, ĐTXHH per unit (out of 15, three
  decimals) p.25–30, SIPAS (out of 10) p.31–35: only the units that reached 10 % and 50 forms are
  listed; the others are "Không đánh giá Chỉ số SIPAS trong năm 2025" (TĐ p.31 fn 14).
- `ld_qd_congbo_chiso_cchc_2025.docx`: the publication decision, which prints the annexes again.

The published "Điểm đạt được" is rounded to two decimals but the index is computed from the unrounded
sum (ĐTXHH has three decimals): 43 of the 139 printed indices differ in the last digit from printed
points / maximum (e.g. Mũi Né 86,50 / 99 = 87,37 %, printed 87,38 % = 86,502 / 99).

Public API (kind is "department" or "commune"):
- `published_results(kind)` → [{name, rank (int | None for "TT"), max, points, index, rating}]
- `summary_rows(kind)` → {"highest", "mean", "lowest"} as printed
- `inputs(kind)` → [{name, part1_max, part1_self, part1_appraised, dtxhh, sipas, ranked}]
All figures are Decimals exactly as printed ("82,78" → 82.78, "79,885%" → 79.885). Names are those of
the published annex; the report's spellings ("Văn hóa", "B'Lao", "Đặc khu Phú Quý") are matched with
`name_key`.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import signal
import subprocess
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings

from cchc.lib.text import fold, squeeze

KINDS = ("department", "commune")

ANNEX_FILES = {
    "department": "ld_ketqua_chiso_cchc_2025_songanh.doc",
    "commune": "ld_ketqua_chiso_cchc_2025_xaphuong.doc",
}
REPORT_FILE = "ld_bc_thamdinh_chiso_2025.pdf"
DECISION_FILE = "ld_qd_congbo_chiso_cchc_2025.docx"

SOFFICE_TIMEOUT = 120

_RATINGS = {"tot": "Tốt", "kha": "Khá", "trung binh": "Trung bình", "kem": "Kém"}
_SUMMARY = {"chi so cao nhat": "highest", "chi so trung binh": "mean", "chi so thap nhat": "lowest"}


# --- locating and parsing ---------------------------------------------------------------------


def docs_dir() -> Path:
    """The folder of the real scoring documents, beside the repository."""
    return Path(settings.BASE_DIR).parent / "shared" / "realdocs" / "scoring"


def doc_path(name: str) -> Path:
    path = docs_dir() / name
    if not path.is_file():
        raise FileNotFoundError(
            f"Không tìm thấy tài liệu thật {name} trong {path.parent} "
            "(bộ tài liệu Chỉ số CCHC 2025 của Lâm Đồng nằm ngoài kho mã, không được sao chép vào)."
        )
    return path


def available() -> bool:
    """True when every document the readers need is present (tests skip otherwise)."""
    return all((docs_dir() / name).is_file() for name in (*ANNEX_FILES.values(), REPORT_FILE, DECISION_FILE))


def parse_number(text: str) -> Decimal:
    """A figure as printed: "82,78", "79,885%", "7,37/10", "99,0", "81"; also the report's typo
    "89.079%" (a decimal dot). Thousands dots only occur with a decimal comma ("1.234,5")."""
    raw = squeeze(text).replace(" ", "").rstrip("%")
    raw = re.sub(r"/10$", "", raw)
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"Không đọc được số “{text}”") from None


def name_key(name: str) -> str:
    """Key to match a unit between documents: folded, without "UBND" in front.

    "Sở Văn hoá, Thể thao…" = "Sở Văn hóa, Thể thao…"; "B'Lao" = "B’Lao"; "Sở Công Thương" =
    "Sở Công thương"; "Đặc khu Phú Quý" = "UBND đặc khu Phú Quý".
    """
    key = fold(name)
    key = re.sub(r"^(uy ban nhan dan|ubnd)\s+", "", key)
    return key


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind phải là một trong {KINDS}, không phải {kind!r}")


# --- the published annexes (.doc) -----------------------------------------------------------------

_CONVERTED: dict[str, Path] = {}
_TMPDIR: list[tempfile.TemporaryDirectory] = []


def _convert_doc(path: Path) -> Path:
    """The .doc converted to .docx with LibreOffice, once per process (cached in a temp folder)."""
    key = str(path)
    if key in _CONVERTED and _CONVERTED[key].is_file():
        return _CONVERTED[key]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("Cần LibreOffice (soffice) để đọc tệp .doc")
    if not _TMPDIR:
        _TMPDIR.append(tempfile.TemporaryDirectory(prefix="cchc-ld2025-"))
    work = Path(_TMPDIR[0].name)
    out = work / f"out{len(_CONVERTED)}"
    out.mkdir(exist_ok=True)
    command = [
        soffice,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--convert-to",
        "docx",
        "--outdir",
        str(out),
        str(path),
    ]
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, the file is one of ours
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        process.communicate(timeout=SOFFICE_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise RuntimeError(f"LibreOffice không chuyển đổi được {path.name} trong {SOFFICE_TIMEOUT} giây") from None
    converted = out / (path.stem + ".docx")
    if not converted.is_file():
        raise RuntimeError(f"LibreOffice không chuyển đổi được {path.name}")
    _CONVERTED[key] = converted
    return converted


@functools.cache
def _annex(kind: str) -> tuple[tuple[dict, ...], dict]:
    import docx

    document = docx.Document(str(_convert_doc(doc_path(ANNEX_FILES[kind]))))
    results: list[dict] = []
    summary: dict[str, Decimal] = {}
    for table in document.tables:
        for row in table.rows:
            cells = [squeeze(cell.text) for cell in row.cells]
            if len(cells) < 6:
                continue
            first = fold(cells[0])
            if first in _SUMMARY:
                summary[_SUMMARY[first]] = parse_number(cells[4])
                continue
            if first in ("thu hang", "tt") or not cells[1]:
                continue  # header row
            rank_text = cells[0]
            rating = _RATINGS.get(fold(cells[5]))
            if rating is None:
                raise ValueError(f"Xếp loại lạ “{cells[5]}” ở dòng {cells[1]}")
            results.append(
                {
                    "name": cells[1],
                    # The unranked group (Nhóm 2) numbers its rows under a "TT" header.
                    "rank": int(rank_text) if _ranked_table(table) else None,
                    "max": parse_number(cells[2]),
                    "points": parse_number(cells[3]),
                    "index": parse_number(cells[4]),
                    "rating": rating,
                }
            )
    if set(summary) != set(_SUMMARY.values()):
        raise ValueError(f"Thiếu dòng chỉ số cao nhất/trung bình/thấp nhất trong {ANNEX_FILES[kind]}")
    return tuple(results), summary


def _ranked_table(table) -> bool:
    header = fold(table.rows[0].cells[0].text)
    return header != "tt"


@functools.cache
def _decision_rows() -> tuple[tuple[str, ...], ...]:
    import docx

    document = docx.Document(str(doc_path(DECISION_FILE)))
    rows = []
    for table in document.tables:
        for row in table.rows:
            cells = tuple(squeeze(cell.text) for cell in row.cells)
            if len(cells) >= 6 and re.fullmatch(r"\d+", cells[0]):
                rows.append(cells[:6])
    return tuple(rows)


def decision_results() -> dict[str, dict]:
    """The annex rows printed inside the publication decision (`ld_qd_congbo_chiso_cchc_2025.docx`,
    both kinds), keyed by `name_key`: a second printing to check the .doc annexes against."""
    return {
        name_key(cells[1]): {
            "name": cells[1],
            "max": parse_number(cells[2]),
            "points": parse_number(cells[3]),
            "index": parse_number(cells[4]),
            "rating": _RATINGS.get(fold(cells[5]), cells[5]),
        }
        for cells in _decision_rows()
    }


def published_results(kind: str) -> list[dict]:
    """Rows of the published annex, in printed order (ranked group first, then the unranked)."""
    _check_kind(kind)
    return [dict(row) for row in _annex(kind)[0]]


def summary_rows(kind: str) -> dict[str, Decimal]:
    """{"highest", "mean", "lowest"}: the annex's footer rows (index in %, as printed)."""
    _check_kind(kind)
    return dict(_annex(kind)[1])


# --- the appraisal report (.pdf) ------------------------------------------------------------------

# Sections of the report, by the headings that open them (folded text).
_SECTIONS = (
    ("part1", "ii ket qua tham dinh danh gia chi so cchc"),
    ("dtxhh", "2 noi dung danh gia qua khao sat dtxhh"),
    ("sipas", "3 danh gia qua khao sat muc do hai long"),
    ("end", "4 ket qua chung ve tham dinh danh gia"),
)
_NUM = r"\d+[.,]\d+(?:/10)?%?"  # every figure of these tables has decimals
_ROW = re.compile(rf"^(\d+)\s+(.*?)\s*((?:{_NUM}\s+)*{_NUM})$")
# numbers expected in one row of each section: Part 1 max, self, appraised, index%;
# ĐTXHH points, rate%; SIPAS max, points(/10), index%.
_SHAPE = {"part1": 4, "dtxhh": 2, "sipas": 3}


_TABLE_ROW = re.compile(r"(?m)^\s*\d+\s+(UBND|Sở|Ban Quản|Văn phòng|Thanh tra|Đặc khu)")


def _pages_to_read(path: Path) -> list[int]:
    """Pages holding a section heading or a unit's row, up to the results section: a quick pass with
    pdfium (0.2 s for the 43 pages) spares pdfplumber, whose line layout we parse, half its work."""
    import pypdfium2

    marks = [fold(mark) for _name, mark in _SECTIONS]
    pages = []
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            page.close()
            folded = fold(text)
            if _TABLE_ROW.search(text) or any(mark in folded for mark in marks):
                pages.append(index)
            if marks[-1] in folded:
                break
    finally:
        pdf.close()
    return pages


@functools.cache
def _report_lines() -> tuple[str, ...]:
    import pdfplumber

    path = doc_path(REPORT_FILE)
    lines: list[str] = []
    with pdfplumber.open(str(path), pages=[i + 1 for i in _pages_to_read(path)]) as pdf:
        for page in pdf.pages:
            lines.extend(squeeze(line) for line in (page.extract_text() or "").splitlines())
    return tuple(line for line in lines if line)


def _is_commune(name: str) -> bool:
    key = fold(name)
    return key.startswith("ubnd") or key.startswith("dac khu")


@functools.cache
def _report() -> dict[str, dict[str, dict[str, list[Decimal]]]]:
    """{section: {kind: {name_key: [numbers]}}} read from the report's tables."""
    lines = _report_lines()
    section = None
    marks = {fold(mark): name for name, mark in _SECTIONS}
    found: dict[str, dict[str, dict[str, list[Decimal]]]] = {
        name: {"department": {}, "commune": {}} for name in _SHAPE
    }
    for i, line in enumerate(lines):
        folded = fold(line)
        for mark, name in marks.items():
            if folded.startswith(mark):
                section = name
        if section not in _SHAPE:
            continue
        match = _ROW.match(line)
        if not match:
            continue
        numbers = match.group(3).split()
        if len(numbers) != _SHAPE[section]:
            continue
        name = match.group(2)
        if not name:
            # A name wrapped in its cell: the lines above and below the figures hold it.
            name = f"{lines[i - 1]} {lines[i + 1]}"
        kind = "commune" if _is_commune(name) else "department"
        key = name_key(name)
        if key in found[section][kind]:
            raise ValueError(f"Đơn vị {name} lặp lại trong báo cáo thẩm định ({section})")
        found[section][kind][key] = [parse_number(n) for n in numbers]
    return found


def inputs(kind: str) -> list[dict]:
    """Per unit, from the appraisal report: Part 1 maximum, self-score and appraised score, the
    ĐTXHH score (out of 15) and the SIPAS score (out of 10; None where SIPAS was not evaluated),
    and whether the unit is ranked (from the annex). Names and order are the annex's."""
    _check_kind(kind)
    report = _report()
    part1, dtxhh, sipas = (report[s][kind] for s in ("part1", "dtxhh", "sipas"))
    rows = []
    for published in _annex(kind)[0]:
        key = name_key(published["name"])
        if key not in part1 or key not in dtxhh:
            raise ValueError(f"Không tìm thấy {published['name']} trong báo cáo thẩm định")
        p1_max, p1_self, p1_appraised, _index = part1[key]
        rows.append(
            {
                "name": published["name"],
                "part1_max": p1_max,
                "part1_self": p1_self,
                "part1_appraised": p1_appraised,
                "dtxhh": dtxhh[key][0],
                "sipas": sipas[key][1] if key in sipas else None,
                "ranked": published["rank"] is not None,
            }
        )
    extra = (set(part1) | set(dtxhh) | set(sipas)) - {name_key(r["name"]) for r in rows}
    if extra:
        raise ValueError(f"Đơn vị trong báo cáo thẩm định không có trong phụ lục: {sorted(extra)}")
    return rows


def report_rows(kind: str) -> dict[str, dict[str, list[Decimal]]]:
    """Raw figures of the report per section ("part1", "dtxhh", "sipas"), keyed by `name_key`
    (Part 1 rows also carry the printed Part-1 index; SIPAS rows the maximum 10,00)."""
    _check_kind(kind)
    report = _report()
    return {section: {k: list(v) for k, v in report[section][kind].items()} for section in _SHAPE}
