"""Reading uploaded documents (DOCX, DOC, PDF, scans, plain text) into ordered blocks of text.

Knows nothing about plans: it takes bytes and a file name and returns paragraphs and tables in
reading order, for a parser that looks for the structure. Problems are raised as DocumentError
with a message a civil servant can act on; no other exception escapes `extract`.

System tools, each used only when a file needs it: LibreOffice (`soffice`) converts legacy .doc;
`tesseract` with its Vietnamese model reads scanned pages and images (pypdfium2 rasterises PDF pages).
"""

from __future__ import annotations

import html
import io
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unicodedata
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx

from cchc.lib.text import squeeze

# pdfplumber, pypdfium2 and Pillow are imported by the readers that need them: most requests that
# import this module (forms, views) never read a PDF or an image.

logger = logging.getLogger(__name__)

SUPPORTED_EXTENSIONS = (".docx", ".doc", ".pdf", ".txt", ".md", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".tif", ".tiff")

SOFFICE_TIMEOUT = 120  # seconds for one .doc conversion
OCR_TIMEOUT = 180  # seconds for one page; an A4 page at 300 dpi takes 2–4 s
OCR_DPI = 300
OCR_WORKERS = max(1, min(4, os.cpu_count() or 1))  # pages read side by side, one Tesseract each
# A page with fewer readable characters than this, on which an image covers at least half the
# page, is a scan (a digital-signature stamp can add a line of real text on top of the image).
SCAN_MAX_CHARS = 200
SCAN_MIN_IMAGE_COVER = 0.5
MAX_UNZIPPED_BYTES = 500 * 1024 * 1024  # a DOCX that inflates past this is a zip bomb, not a plan

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: legacy .doc, .xls, .ppt
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


@dataclass
class Paragraph:
    text: str  # NFC, whitespace squeezed (no-break spaces too); "" only for a blank line of a .txt
    bold: bool = False
    italic: bool = False
    align: str = ""  # "center", "right" or "" (DOCX only)


@dataclass
class Table:
    # One entry per grid column. A merged cell's text sits in the first row and column it spans;
    # the other positions it covers hold "". A cell's own paragraphs are separated by "\n".
    # Rows with no text at all are left out.
    rows: list[list[str]]


Block = Paragraph | Table


@dataclass
class ExtractedDocument:
    blocks: list[Block]
    source_format: str  # "docx", "doc", "pdf", "pdf-ocr", "image-ocr", "txt", "md"
    pages: int | None = None  # of a PDF or scan, all of them even when max_pages read fewer
    warnings: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Paragraphs one per line; each table row on one line, its cells joined by " | "."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            else:
                lines.extend(" | ".join(squeeze(cell) for cell in row) for row in block.rows)
        return "\n".join(lines)


class DocumentError(ValueError):
    """The file cannot be read; the message says why, in Vietnamese."""


class _CallbackError(Exception):
    """Wraps an exception raised by the caller's progress callback so it is not reported as a bad file."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original))
        self.original = original


Progress = Callable[[float], None]


class _Reporter:
    """The caller's progress callback, remembering the last fraction; its own errors pass through."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self.last = 0.0

    def __call__(self, fraction: float) -> None:
        self.last = fraction
        if self._progress is not None:
            try:
                self._progress(fraction)
            except Exception as exc:
                raise _CallbackError(exc) from exc


def extract(
    data: bytes,
    filename: str,
    *,
    progress: Progress | None = None,
    max_bytes: int = 50 * 1024 * 1024,
    max_pages: int | None = None,
) -> ExtractedDocument:
    """Blocks of text of an uploaded file, in reading order.

    `progress(fraction)` is called as the work advances (after each page of a PDF or scan) and with
    1.0 at the end. `max_pages` reads only the first pages of a PDF or multi-page scan (a warning
    says so), to bound OCR time.
    """
    extension = os.path.splitext(filename.strip().lower())[1]
    if extension not in SUPPORTED_EXTENSIONS:
        shown = extension or "tệp không có phần mở rộng"
        raise DocumentError(
            f"Định dạng tệp không được hỗ trợ: {shown}. "
            "Hãy tải lên .docx, .doc, .pdf, .txt hoặc ảnh quét."
        )
    if not data:
        raise DocumentError("Tệp rỗng.")
    if len(data) > max_bytes:
        raise DocumentError(f"Tệp quá lớn ({_megabytes(len(data))} MB), tối đa {_megabytes(max_bytes)} MB.")
    if max_pages is not None and max_pages < 1:
        raise ValueError("max_pages must be at least 1")

    report = _Reporter(progress)
    try:
        document = _dispatch(data, extension, report, max_pages)
    except DocumentError:
        raise
    except _CallbackError as exc:
        raise exc.original from None
    except Exception as exc:
        # Libraries raise many kinds of errors on damaged files; the uploader only needs to know
        # the file could not be read. The traceback goes to the log for us.
        logger.exception("Could not read uploaded file %r", filename)
        raise DocumentError(
            f"Không đọc được tệp {extension}: tệp có thể bị hỏng. Hãy mở và lưu lại tệp rồi tải lên lần nữa."
        ) from exc
    if not document.blocks:
        document.warnings.append("Không tìm thấy chữ nào trong tệp.")
    if progress is not None and report.last < 1.0:
        progress(1.0)
    return document


def _megabytes(size: int) -> str:
    # Vietnamese writes the decimal comma: "52,3".
    value = size / (1024 * 1024)
    return (f"{value:.1f}".rstrip("0").rstrip(".") if value < 1000 else f"{value:.0f}").replace(".", ",")


def _sniff(data: bytes) -> str | None:
    """What the bytes really are, whatever the file name says (offices rename files freely)."""
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff") or head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image"
    return None


def _dispatch(data: bytes, extension: str, report: Progress, max_pages: int | None) -> ExtractedDocument:
    kind = _sniff(data)
    if kind == "pdf" or (kind is None and extension == ".pdf"):
        return _read_pdf(data, report, max_pages)
    if kind == "zip":
        return _read_docx(data, source_format="docx")
    if kind in ("ole", "rtf") or (kind is None and extension == ".doc"):
        # Legacy Word, RTF, and the HTML that web portals save under a .doc name: LibreOffice reads them all.
        return _read_doc(data, report)
    if kind == "image" or extension in IMAGE_EXTENSIONS:
        return _read_image(data, report, max_pages)
    if extension == ".docx":
        return _read_docx(data, source_format="docx")
    return _read_text(data, source_format=extension.lstrip("."))


def _clean(text: str) -> str:
    """NFC, no invisible characters, whitespace (no-break spaces too) squeezed to single spaces."""
    return squeeze(unicodedata.normalize("NFC", text.translate(_INVISIBLE)))


# --- DOCX -------------------------------------------------------------------------------------


def _read_docx(data: bytes, *, source_format: str) -> ExtractedDocument:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise DocumentError("Tệp .docx bị hỏng (không giải nén được).") from exc
    if not any(name.startswith("word/") for name in names):
        raise DocumentError("Tệp không phải văn bản Word (.docx): có thể là tệp Excel, OpenDocument hoặc tệp nén khác.")
    if inflated > MAX_UNZIPPED_BYTES:
        raise DocumentError("Tệp .docx quá lớn khi giải nén.")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise DocumentError("Tệp .docx bị hỏng hoặc không phải văn bản Word.") from exc
    reader = _DocxReader(document.styles.element, numbering=_Numbering.of(document))
    return ExtractedDocument(blocks=list(reader.blocks(document.element.body)), source_format=source_format)


def _on(element: Any) -> bool:
    """The value of an OOXML on/off property such as <w:b/> or <w:b w:val="0"/>."""
    return element.get(f"{_W}val", "true").lower() not in ("0", "false", "off", "none")


class _DocxReader:
    """Walks a WordprocessingML body in document order, resolving bold/italic/alignment through styles."""

    def __init__(self, styles: Any, numbering: _Numbering | None = None) -> None:
        self._numbering = numbering or _Numbering(None)
        self._styles: dict[str, Any] = {}
        self._default_paragraph_style: str | None = None
        self._default_character_style: str | None = None
        for style in styles.iterchildren(f"{_W}style"):
            style_id = style.get(f"{_W}styleId")
            if not style_id:
                continue
            self._styles[style_id] = style
            if _on_attr(style.get(f"{_W}default")):
                if style.get(f"{_W}type") == "paragraph":
                    self._default_paragraph_style = style_id
                elif style.get(f"{_W}type") == "character":
                    self._default_character_style = style_id
        self._doc_defaults = styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")

    # Blocks -------------------------------------------------------------------------------

    def blocks(self, container: Any) -> Iterator[Block]:
        for child in container.iterchildren():
            tag = child.tag
            if tag == f"{_W}p":
                yield from self._paragraph_blocks(child)
            elif tag == f"{_W}tbl":
                table = self._table(child)
                if table is not None:
                    yield table
            elif tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    yield from self.blocks(content)
            elif tag == f"{_W}customXml":
                yield from self.blocks(child)

    def _paragraph_blocks(self, p: Any) -> Iterator[Block]:
        pieces: list[tuple[str, Any]] = []
        text_boxes: list[Any] = []
        self._collect_inline(p, pieces, text_boxes)
        text = _clean("".join(piece for piece, _ in pieces))
        style_id = self._paragraph_style(p)
        # Word's automatic numbering is not in the text: render the label a reader sees ("II.", "a)", "-").
        label = self._numbering.label(*self._num_pr(p, style_id))
        if label:
            text = f"{label} {text}".strip()  # an empty numbered cell ("STT") still shows its number
        if text:
            inked = [run for piece, run in pieces if piece.strip()]
            yield Paragraph(
                text=text,
                bold=all(self._run_flag(run, style_id, "b") for run in inked),
                italic=all(self._run_flag(run, style_id, "i") for run in inked),
                align=self._alignment(p, style_id),
            )
        # Text boxes ("DỰ THẢO" stamps, sometimes a whole header) read after their anchor paragraph.
        for box in text_boxes:
            yield from self.blocks(box)

    def _collect_inline(self, element: Any, pieces: list[tuple[str, Any]], text_boxes: list[Any]) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if tag == f"{_W}r":
                self._collect_run(child, pieces, text_boxes)
            elif tag in (f"{_W}del", f"{_W}moveFrom", f"{_W}pPr"):
                continue  # deleted tracked changes are not part of the text
            elif tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    self._collect_inline(content, pieces, text_boxes)
            elif isinstance(tag, str):
                # hyperlink, smartTag, ins, moveTo, fldSimple, customXml, bdo, dir: their runs count.
                self._collect_inline(child, pieces, text_boxes)

    def _collect_run(self, r: Any, pieces: list[tuple[str, Any]], text_boxes: list[Any]) -> None:
        hidden = r.find(f"{_W}rPr/{_W}vanish")
        if hidden is not None and _on(hidden):
            return  # hidden text (template hints) is not on the page
        for child in r.iterchildren():
            tag = child.tag
            if tag == f"{_W}t":
                pieces.append((child.text or "", r))
            elif tag in (f"{_W}tab", f"{_W}ptab", f"{_W}br", f"{_W}cr"):
                pieces.append((" ", r))
            elif tag == f"{_W}noBreakHyphen":
                pieces.append(("-", r))
            elif tag in (f"{_W}drawing", f"{_W}pict", f"{_MC}AlternateContent"):
                text_boxes.extend(_text_boxes(child))

    def _table(self, tbl: Any) -> Table | None:
        grid_columns = len(tbl.findall(f"{_W}tblGrid/{_W}gridCol"))
        rows: list[list[str]] = []
        for tr in _children(tbl, "tr"):
            row: list[str] = [""] * _int_val(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
            for tc in _children(tr, "tc"):
                props = tc.find(f"{_W}tcPr")
                span = max(1, _int_val(props.find(f"{_W}gridSpan") if props is not None else None, 1))
                row.append("" if _is_merge_continuation(props) else self._cell_text(tc))
                row.extend([""] * (span - 1))
            rows.append(row)
        width = max([grid_columns, *map(len, rows)])
        rows = [row + [""] * (width - len(row)) for row in rows if any(row)]
        return Table(rows=rows) if rows else None

    def _cell_text(self, tc: Any) -> str:
        lines: list[str] = []
        for block in self.blocks(tc):
            if isinstance(block, Paragraph):
                lines.append(block.text)
            else:
                # A table nested in a cell counts only as text of that cell.
                lines.extend(" | ".join(squeeze(c) for c in row if squeeze(c)) for row in block.rows)
        return "\n".join(line for line in lines if line)

    # Formatting ----------------------------------------------------------------------------

    def _num_pr(self, p: Any, style_id: str | None) -> tuple[str | None, int | None]:
        """The list (numId) and level of a paragraph: its own numPr, else its style's (ilvl defaults to 0)."""
        num_id = ilvl = None
        direct = p.find(f"{_W}pPr/{_W}numPr")
        if direct is not None:
            num_id = _attr(direct.find(f"{_W}numId"))
            ilvl = _int_val(direct.find(f"{_W}ilvl"), None)
        if num_id is None:
            for style in self._style_chain(style_id):
                found = style.find(f"{_W}pPr/{_W}numPr")
                if found is not None:
                    num_id = num_id or _attr(found.find(f"{_W}numId"))
                    ilvl = ilvl if ilvl is not None else _int_val(found.find(f"{_W}ilvl"), None)
                    if num_id is not None:
                        break
        return num_id, ilvl

    def _paragraph_style(self, p: Any) -> str | None:
        style = p.find(f"{_W}pPr/{_W}pStyle")
        return style.get(f"{_W}val") if style is not None else self._default_paragraph_style

    def _style_chain(self, style_id: str | None) -> Iterator[Any]:
        seen: set[str] = set()
        while style_id and style_id in self._styles and style_id not in seen:
            seen.add(style_id)
            style = self._styles[style_id]
            yield style
            based_on = style.find(f"{_W}basedOn")
            style_id = based_on.get(f"{_W}val") if based_on is not None else None

    def _run_flag(self, r: Any, paragraph_style: str | None, name: str) -> bool:
        """Effective bold ("b") or italic ("i") of a run: direct, then character, paragraph, document style."""
        direct = r.find(f"{_W}rPr/{_W}{name}")
        if direct is not None:
            return _on(direct)
        run_style = r.find(f"{_W}rPr/{_W}rStyle")
        character_style = run_style.get(f"{_W}val") if run_style is not None else self._default_character_style
        for style_id in (character_style, paragraph_style):
            for style in self._style_chain(style_id):
                found = style.find(f"{_W}rPr/{_W}{name}")
                if found is not None:
                    return _on(found)
        found = self._doc_defaults.find(f"{_W}{name}") if self._doc_defaults is not None else None
        return found is not None and _on(found)

    def _alignment(self, p: Any, style_id: str | None) -> str:
        jc = p.find(f"{_W}pPr/{_W}jc")
        if jc is None:
            jc = next(
                (found for s in self._style_chain(style_id) if (found := s.find(f"{_W}pPr/{_W}jc")) is not None),
                None,
            )
        value = jc.get(f"{_W}val", "") if jc is not None else ""
        # LibreOffice writes "end" where Word writes "right".
        return {"center": "center", "right": "right", "end": "right"}.get(value, "")


def _attr(element: Any) -> str | None:
    return element.get(f"{_W}val") if element is not None else None


_BULLET_GLYPHS = "-–—•◦▪▫■□●○◆◇♦❖➢➤►▸✓✔*+"


class _Numbering:
    """Word's automatic numbering (numbering.xml) rendered as the labels a reader sees.

    Lists (w:num) point at an abstract definition whose levels give a format ("decimal",
    "lowerLetter", "upperRoman", "bullet"…), a pattern ("%1.%2.") and a start. Lists sharing an
    abstract definition continue one another, as Word shows them, unless a list overrides a start;
    a level restarts when a shallower level advances (or per w:lvlRestart).
    """

    def __init__(self, root: Any) -> None:
        self._abstract: dict[str, dict[int, dict]] = {}
        self._nums: dict[str, tuple[str, dict[int, dict]]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._started: set[str] = set()
        if root is None:
            return
        for abstract in root.iterchildren(f"{_W}abstractNum"):
            levels = {}
            for lvl in abstract.iterchildren(f"{_W}lvl"):
                levels[_int_val_attr(lvl.get(f"{_W}ilvl"), 0)] = self._level(lvl)
            self._abstract[abstract.get(f"{_W}abstractNumId")] = levels
        for num in root.iterchildren(f"{_W}num"):
            overrides: dict[int, dict] = {}
            for override in num.iterchildren(f"{_W}lvlOverride"):
                level = _int_val_attr(override.get(f"{_W}ilvl"), 0)
                entry: dict = {}
                start = override.find(f"{_W}startOverride")
                if start is not None:
                    entry["restart"] = _int_val(start, 1)
                lvl = override.find(f"{_W}lvl")
                if lvl is not None:
                    entry["level"] = self._level(lvl)
                overrides[level] = entry
            self._nums[num.get(f"{_W}numId")] = (_attr(num.find(f"{_W}abstractNumId")), overrides)

    @classmethod
    def of(cls, document: Any) -> _Numbering:
        try:
            return cls(document.part.numbering_part.element)
        except (NotImplementedError, KeyError, AttributeError):
            return cls(None)  # a document without lists

    @staticmethod
    def _level(lvl: Any) -> dict:
        return {"start": _int_val(lvl.find(f"{_W}start"), 1), "fmt": _attr(lvl.find(f"{_W}numFmt")) or "decimal",
                "text": _attr(lvl.find(f"{_W}lvlText")) or "", "restart": _int_val(lvl.find(f"{_W}lvlRestart"), -1),
                "legal": lvl.find(f"{_W}isLgl") is not None}

    def label(self, num_id: str | None, ilvl: int | None) -> str:
        if num_id is None or num_id == "0" or num_id not in self._nums:
            return ""
        abstract_id, overrides = self._nums[num_id]
        levels = dict(self._abstract.get(abstract_id, {}))
        for level, entry in overrides.items():
            if "level" in entry:
                levels[level] = entry["level"]
        ilvl = ilvl or 0
        if ilvl not in levels:
            return ""
        # Lists with a start override are their own instance; the others share their abstract's counters.
        key = num_id if any("restart" in e for e in overrides.values()) else f"a{abstract_id}"
        counters = self._counters.setdefault(key, {})
        if key == num_id and num_id not in self._started:
            self._started.add(num_id)
            for level, entry in overrides.items():
                if "restart" in entry:
                    counters[level] = entry["restart"] - 1
        counters[ilvl] = counters.get(ilvl, levels[ilvl]["start"] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            restart = levels.get(deeper, {}).get("restart", -1)
            if restart != 0 and (restart < 0 or ilvl < restart):
                del counters[deeper]
        level = levels[ilvl]
        if level["fmt"] == "bullet":
            glyph = level["text"].strip()
            return "-" if not glyph or glyph in _BULLET_GLYPHS or ord(glyph[0]) >= 0xF000 else glyph
        if level["fmt"] == "none":
            return squeeze(re.sub(r"%\d", "", level["text"]))

        def value(match: re.Match) -> str:
            at = int(match[1]) - 1
            fmt = "decimal" if level["legal"] else levels.get(at, {}).get("fmt", "decimal")
            count = counters.get(at, levels.get(at, {}).get("start", 1))
            return _format_number(count, fmt)

        return squeeze(re.sub(r"%(\d)", value, level["text"]))


_ROMAN_NUMERALS = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                   (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("upperRoman", "lowerRoman"):
        out, rest = "", max(n, 1)
        for value, letters in _ROMAN_NUMERALS:
            while rest >= value:
                out, rest = out + letters, rest - value
        return out if fmt == "upperRoman" else out.lower()
    if fmt in ("lowerLetter", "upperLetter"):
        letters = "abcdefghijklmnopqrstuvwxyz"
        letter = letters[(max(n, 1) - 1) % 26] * ((max(n, 1) - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _int_val_attr(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _on_attr(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true", "on")


def _int_val(element: Any, default: int) -> int:
    try:
        return int(element.get(f"{_W}val")) if element is not None else default
    except (TypeError, ValueError):
        return default


def _children(element: Any, name: str) -> Iterator[Any]:
    """Rows of a table or cells of a row, also those wrapped in content controls or custom XML."""
    for child in element.iterchildren():
        if child.tag == f"{_W}{name}":
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _children(content, name)
        elif child.tag == f"{_W}customXml":
            yield from _children(child, name)


def _is_merge_continuation(props: Any) -> bool:
    if props is None:
        return False
    for name in ("vMerge", "hMerge"):  # hMerge: the old way Word merged cells across
        merge = props.find(f"{_W}{name}")
        if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
            return True
    return False


def _text_boxes(element: Any) -> list[Any]:
    """Text box contents inside a drawing, skipping the VML copy that mc:Fallback repeats."""
    found: list[Any] = []
    for child in element.iterchildren():
        if child.tag == f"{_MC}Fallback":
            continue
        if child.tag == f"{_W}txbxContent":
            found.append(child)
        elif isinstance(child.tag, str):
            found.extend(_text_boxes(child))
    return found


# --- DOC (via LibreOffice) ---------------------------------------------------------------------


def _read_doc(data: bytes, report: Progress) -> ExtractedDocument:
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise DocumentError("Tệp Word có đặt mật khẩu: hãy bỏ mật khẩu rồi tải lên lại.")
    if not _looks_like_word(data):
        # LibreOffice would import anything else as plain text and hand back gibberish.
        raise DocumentError("Tệp .doc bị hỏng hoặc không phải văn bản Word (có thể là tệp Excel, PowerPoint).")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise DocumentError(
            "Không đọc được tệp .doc: máy chủ chưa cài LibreOffice. "
            "Hãy mở tệp bằng Word, lưu lại dưới dạng .docx rồi tải lên."
        )
    converted = _convert_with_libreoffice(soffice, data)
    report(0.5)
    document = _read_docx(converted, source_format="doc")
    return document


def _looks_like_word(data: bytes) -> bool:
    if data.startswith(_OLE_MAGIC):
        return "WordDocument".encode("utf-16-le") in data  # the main stream of Word 6 to 2003 files
    if data.startswith(b"{\\rtf"):
        return True
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    # Web portals and old Word save HTML, MHT or Word 2003 XML under a .doc name.
    return head.startswith((b"<html", b"<!doctype html", b"<?xml", b"mime-version", b"<w:worddocument"))


def _convert_with_libreoffice(soffice: str, data: bytes) -> bytes:
    with tempfile.TemporaryDirectory(prefix="cchc-soffice-") as tmp:
        work = Path(tmp)
        source = work / "document.doc"
        source.write_bytes(data)
        # Each run gets its own profile and HOME: two conversions sharing a profile make the second fail.
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless", "--norestore", "--nolockcheck",
            "--convert-to", "docx:MS Word 2007 XML",
            "--outdir", str(work / "out"),
            str(source),
        ]
        env = {**os.environ, "HOME": str(work)}
        process = subprocess.Popen(  # noqa: S603 - fixed command, our own temp paths
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, cwd=work, start_new_session=True,
        )
        try:
            _, stderr = process.communicate(timeout=SOFFICE_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            # soffice starts helper processes: end the whole group it leads, not just the wrapper.
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise DocumentError("Chuyển đổi tệp .doc quá thời gian cho phép: tệp có thể bị hỏng.") from exc
        output = work / "out" / "document.docx"
        if not output.is_file():
            logger.warning("soffice exit %s: %s", process.returncode, stderr.decode(errors="replace")[-500:])
            raise DocumentError("Tệp .doc bị hỏng hoặc không phải văn bản Word: LibreOffice không mở được.")
        return output.read_bytes()


# --- PDF ---------------------------------------------------------------------------------------


def _read_pdf(data: bytes, report: Progress, max_pages: int | None) -> ExtractedDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        total = len(pdf.pages)
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, PDFEncryptionError):
            raise DocumentError("Tệp PDF có đặt mật khẩu: hãy bỏ mật khẩu rồi tải lên lại.") from exc
        raise DocumentError("Tệp PDF bị hỏng, không đọc được.") from exc
    with pdf:
        if total == 0:
            raise DocumentError("Tệp PDF không có trang nào.")
        count = min(total, max_pages) if max_pages else total
        pages = _PagesInOrder(count, report)
        ocr: _Ocr | None = None
        rasteriser: Any = None
        try:
            for index in range(count):
                page = pdf.pages[index]
                if _is_scanned(page):
                    if ocr is None:
                        ocr = _Ocr.start("Tệp PDF là ảnh quét, cần")
                        import pypdfium2

                        rasteriser = pypdfium2.PdfDocument(data)
                    # pdfium is not thread-safe: render here, let Tesseract run in the workers.
                    image = _render(rasteriser, index)
                    pages.add(ocr.submit(image, OCR_DPI, f"Trang {index + 1}"))
                else:
                    pages.add(_PageText(_text_layer_blocks(page)))
                page.close()  # frees the page's parsed objects: long PDFs stay small in memory
            pages.finish()
        finally:
            if ocr is not None:
                ocr.close()
            if rasteriser is not None:
                rasteriser.close()
    if count < total:
        pages.warnings.append(f"Chỉ đọc {count} trang đầu trong tổng số {total} trang.")
    return ExtractedDocument(
        blocks=pages.blocks, source_format="pdf-ocr" if ocr else "pdf", pages=total, warnings=pages.warnings
    )


def _render(pdf: Any, index: int) -> Any:
    page = pdf[index]
    try:
        # .copy(): the PIL image would otherwise share memory with pdfium's bitmap.
        return page.render(scale=OCR_DPI / 72, grayscale=True).to_pil().copy()
    finally:
        page.close()


def _is_scanned(page: Any) -> bool:
    """Whether a page's text must come from OCR: an image with (almost) no text, or unmapped glyphs."""
    readable = unmapped = 0
    for char in page.chars:
        text = char.get("text", "")
        if text.startswith("(cid:"):
            unmapped += 1
        elif text.strip():
            readable += 1
    if unmapped > readable:
        return True  # fonts without a Unicode map: the text layer is garbage, the picture is not
    if readable >= SCAN_MAX_CHARS or not page.images:
        return False
    page_area = float(page.width * page.height) or 1.0
    covered = sum(
        max(0.0, min(float(img["x1"]), float(page.width)) - max(float(img["x0"]), 0.0))
        * max(0.0, min(float(img["bottom"]), float(page.height)) - max(float(img["top"]), 0.0))
        for img in page.images
    )
    return readable < 10 or covered / page_area >= SCAN_MIN_IMAGE_COVER


def _text_layer_blocks(page: Any) -> list[Block]:
    """Ruled tables as Tables, every other line as a Paragraph, ordered top to bottom."""
    tables = []
    for found in page.find_tables():
        rows = [[_clean(cell or "") for cell in row] for row in found.extract()]
        rows = [row for row in rows if any(row)]
        if rows and (len(rows) > 1 or len(rows[0]) > 1):  # a single framed box is just text
            tables.append((found.bbox, rows))

    def outside_tables(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for (x0, top, x1, bottom), _ in tables)

    text_page = page.filter(outside_tables) if tables else page
    placed: list[tuple[float, Block]] = [(bbox[1], Table(rows=rows)) for bbox, rows in tables]
    for line in text_page.extract_text_lines(return_chars=True):
        text = _clean(line["text"])
        if not text:
            continue
        fonts = [c.get("fontname", "") for c in line["chars"] if c.get("text", "").strip()]
        placed.append((
            line["top"],
            Paragraph(
                text=text,
                bold=bool(fonts) and all(_font_is(f, "bold", "black", "heavy") for f in fonts),
                italic=bool(fonts) and all(_font_is(f, "italic", "oblique") for f in fonts),
            ),
        ))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]


def _font_is(fontname: str, *words: str) -> bool:
    # "ABCDEF+TimesNewRomanPS-BoldMT" → the style part after the subset tag.
    name = fontname.split("+", 1)[-1].lower()
    return any(word in name for word in words)


# --- OCR ---------------------------------------------------------------------------------------


@dataclass
class _PageText:
    blocks: list[Block]
    warning: str | None = None


class _PagesInOrder:
    """Collects pages in order while OCR of the next few pages runs at once; reports progress per page."""

    def __init__(self, count: int, report: Progress) -> None:
        self.blocks: list[Block] = []
        self.warnings: list[str] = []
        self._count = count
        self._report = report
        self._done = 0
        self._pending: deque[_PageText | Future[_PageText]] = deque()

    def add(self, page: _PageText | Future[_PageText]) -> None:
        self._pending.append(page)
        self._settle(drain=False)

    def finish(self) -> None:
        self._settle(drain=True)

    def _settle(self, *, drain: bool) -> None:
        while self._pending:
            head = self._pending[0]
            # Wait for the oldest page only when enough work is queued behind it (bounded memory).
            waiting = isinstance(head, Future) and not head.done()
            if waiting and not drain and len(self._pending) <= OCR_WORKERS:
                return
            self._pending.popleft()
            page = head.result() if isinstance(head, Future) else head
            self.blocks.extend(page.blocks)
            if page.warning:
                self.warnings.append(page.warning)
            self._done += 1
            self._report(self._done / self._count)


class _Ocr:
    """Tesseract with its Vietnamese model, several pages at a time, one thread each."""

    def __init__(self, tesseract: str) -> None:
        self._tesseract = tesseract
        self._pool = ThreadPoolExecutor(max_workers=OCR_WORKERS, thread_name_prefix="ocr")

    @classmethod
    def start(cls, what: str) -> _Ocr:
        """`what` opens the error message: "Tệp PDF là ảnh quét, cần" or "Ảnh quét cần"."""
        tesseract = shutil.which("tesseract")
        if tesseract is None or "vie" not in _tesseract_languages(tesseract):
            raise DocumentError(f"{what} nhận dạng chữ (OCR) nhưng máy chủ chưa cài tesseract-ocr-vie.")
        return cls(tesseract)

    def submit(self, image: Any, dpi: int | None, label: str) -> Future[_PageText]:
        """OCR of one page in a worker; `dpi` None lets Tesseract estimate the resolution itself."""
        return self._pool.submit(self._read, image, dpi, label)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _read(self, image: Any, dpi: int | None, label: str) -> _PageText:
        png = io.BytesIO()
        image.save(png, "PNG", compress_level=1, **({"dpi": (dpi, dpi)} if dpi else {}))
        # --psm 1: page segmentation with orientation detection, so pages scanned sideways still read.
        # OMP_THREAD_LIMIT=1: Tesseract's own threads make it ~4× slower on a small machine; we run
        # pages side by side instead.
        command = [self._tesseract, "stdin", "stdout", "-l", "vie", "--psm", "1"]
        try:
            result = subprocess.run(  # noqa: S603 - fixed command
                command, input=png.getvalue(), capture_output=True, timeout=OCR_TIMEOUT,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"}, check=False,
            )
        except subprocess.TimeoutExpired:
            return _PageText([], f"{label}: nhận dạng chữ quá lâu, đã bỏ qua.")
        if result.returncode != 0:
            logger.warning("tesseract exit %s: %s", result.returncode, result.stderr.decode(errors="replace")[-500:])
            return _PageText([], f"{label}: lỗi khi nhận dạng chữ, đã bỏ qua.")
        text = result.stdout.decode("utf-8", errors="replace")
        lines = [line for line in map(_clean, text.splitlines()) if line]
        if not lines:
            return _PageText([], f"{label} không đọc được chữ.")
        return _PageText([Paragraph(line) for line in lines])


def _tesseract_languages(tesseract: str) -> set[str]:
    try:
        result = subprocess.run(  # noqa: S603 - fixed command
            [tesseract, "--list-langs"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return set()
    # Tesseract 4 printed the list on stderr, 5 on stdout; the first line is a heading.
    listing = (result.stdout + b"\n" + result.stderr).decode(errors="replace")
    return {line.strip() for line in listing.splitlines() if line.strip() and " " not in line.strip()}


def _read_image(data: bytes, report: Progress, max_pages: int | None) -> ExtractedDocument:
    from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

    try:
        picture = Image.open(io.BytesIO(data))
        total = getattr(picture, "n_frames", 1)
    except Image.DecompressionBombError as exc:
        raise DocumentError("Ảnh quá lớn (quá nhiều điểm ảnh) để nhận dạng chữ.") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise DocumentError("Tệp ảnh bị hỏng hoặc không phải ảnh.") from exc
    ocr = _Ocr.start("Ảnh quét cần")
    count = min(total, max_pages) if max_pages else total
    pages = _PagesInOrder(count, report)
    try:
        for index, frame in enumerate(ImageSequence.Iterator(picture)):
            if index >= count:
                break
            # Phone photos carry their rotation in EXIF; Tesseract wants upright grey pixels.
            page = ImageOps.exif_transpose(frame).convert("L")
            dpi = _image_dpi(frame)
            if max(page.size) < 1500:
                # Screenshots and small scans: Tesseract reads letters best when they are ~30 px tall.
                page = page.resize((page.width * 2, page.height * 2), Image.Resampling.LANCZOS)
                dpi = dpi * 2 if dpi else None
            pages.add(ocr.submit(page, dpi, f"Trang {index + 1}" if total > 1 else "Ảnh"))
        pages.finish()
    except (OSError, ValueError, EOFError) as exc:
        raise DocumentError("Tệp ảnh bị hỏng, không đọc được hết.") from exc
    finally:
        ocr.close()
    if count < total:
        pages.warnings.append(f"Chỉ đọc {count} trang đầu trong tổng số {total} trang.")
    return ExtractedDocument(blocks=pages.blocks, source_format="image-ocr", pages=total, warnings=pages.warnings)


def _image_dpi(image: Any) -> int | None:
    try:
        dpi = round(float(image.info.get("dpi", (0, 0))[0]))
    except (TypeError, ValueError, IndexError):
        return None
    # Cameras and screenshots often say 72 dpi or nothing: Tesseract then guesses better itself.
    return dpi if 150 <= dpi <= 1200 else None


# --- Plain text and Markdown -------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_=])(?:\s*\1){2,}\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_BULLET = re.compile(r"^(\s*)[*+]\s+")
_WHOLE_EMPHASIS = (
    # (pattern, bold, italic): the whole line wrapped in markers.
    (re.compile(r"^(\*\*\*|___)(?=\S)(.+?)(?<=\S)\1$"), True, True),
    (re.compile(r"^(\*\*|__)(?=\S)(.+?)(?<=\S)\1$"), True, False),
    (re.compile(r"^(\*|_)(?=\S)(.+?)(?<=\S)\1$"), False, True),
)
_INLINE_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Markers left unpaired (a bold run cut by a table cell or a line): "**CỘNG HÒA…", "năm 2025*".
_STRAY_EMPHASIS = re.compile(r"(?<![\w*\\])\*{1,3}(?=\S)|(?<=\S)(?<!\\)\*{1,3}(?![\w*])")


def _read_text(data: bytes, *, source_format: str) -> ExtractedDocument:
    text = _decode(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return ExtractedDocument(blocks=_markdown_blocks(_unwrap(lines)), source_format=source_format)


_LIST_START = re.compile(r"^\s*(?:[-–•+*]\s|#|\||[IVX]{1,4}\s*[.:]\s|\d{1,2}(?:\.\d{1,2})*\s*[.)]\s|[a-zđ]\s*\)\s)")


def _wrap_width(lines: list[str]) -> int | None:
    """The width a web page or e-mail hard-wrapped this text at, or None when lines are paragraphs.

    Wrapped text has most of its lines just under one width and none much longer; a text written one
    paragraph per line has long lines of every length.
    """
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip() and "|" not in line)
    if len(lengths) < 20:
        return None
    width = lengths[int(len(lengths) * 0.95) - 1]
    if not 40 <= width <= 110:
        return None
    near = sum(1 for n in lengths if width - 20 <= n <= width + 2)
    return width if near >= 0.4 * len(lengths) else None


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) > 0.7 * len(letters)


def _unwrap(lines: list[str]) -> list[str]:
    """Join back the lines of a paragraph that was hard-wrapped (web copies, e-mails).

    A line break is a wrap when the next line's first word would not have fitted on the line, or
    when an emphasis marker ("*Bắc Ninh, ngày 20") is still open; never before a list item.
    """
    width = _wrap_width(lines)
    texts = [line for line in lines if line.strip()]
    # Where paragraphs open with an indent, an indented line is a new paragraph, never a wrap.
    indented = sum(line[:1].isspace() for line in texts) < 0.5 * len(texts)
    out: list[str] = []
    last = ""  # the last physical line: a joined paragraph is longer than any line of the page
    for line in lines:
        previous = out[-1] if out else ""
        before, last = last, line
        if previous.strip() and line.strip() and not _LIST_START.match(line) and "|" not in previous and not (
            indented and line[:1].isspace()
        ):
            if _mostly_upper(line) or _mostly_upper(previous):
                out.append(line)  # headers, titles and headings are lines of their own
                continue
            first_word = line.split()[0]
            # A sentence that ends at the line's end most likely ends its paragraph ("… giải quyết./.").
            wrapped = width is not None and len(before.rstrip()) + 1 + len(first_word) > width and (
                not previous.rstrip().endswith((".", ";", ":", "!", "?", "**")))
            open_emphasis = previous.count("**") % 2 == 1 or (
                previous.replace("**", "").count("*") % 2 == 1 and not previous.lstrip().startswith("* "))
            if wrapped or open_emphasis:
                out[-1] = previous.rstrip() + " " + line.strip()
                continue
        out.append(line)
    return out


def _decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DocumentError("Tệp văn bản bị hỏng: bảng mã không hợp lệ.") from exc
            break
    else:
        if b"\x00" in data:
            raise DocumentError("Tệp chứa dữ liệu nhị phân, không phải tệp văn bản (.txt).")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                # Notepad and old Vietnamese Windows save "ANSI" as Windows-1258.
                text = data.decode("cp1258")
            except UnicodeDecodeError as exc:
                raise DocumentError(
                    "Không nhận ra bảng mã của tệp văn bản: hãy lưu lại dưới dạng UTF-8."
                ) from exc
    # Windows-1258 stores tone marks as combining characters: compose them back (NFC).
    text = unicodedata.normalize("NFC", text)
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    if controls > max(2, len(text) // 100):
        raise DocumentError("Tệp chứa dữ liệu nhị phân, không phải tệp văn bản (.txt).")
    return text


def _markdown_blocks(lines: list[str]) -> list[Block]:
    """Paragraphs and pipe tables of Markdown or of text copied from a web page; blank lines drop out."""
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        table_end = _pipe_table_end(lines, index)
        if table_end > index:
            rows = [_pipe_cells(line) for line in lines[index:table_end] if not _TABLE_SEPARATOR.match(line)]
            width = max(map(len, rows))
            rows = [row + [""] * (width - len(row)) for row in rows if any(row)]
            if rows:
                blocks.append(Table(rows=rows))
            index = table_end
            continue
        line = lines[index]
        index += 1
        if _RULE.match(line):
            # "===" or "---" right under a line makes it a heading (setext); alone it is a rule.
            previous = blocks[-1] if blocks else None
            if line.strip()[0] in "=-" and isinstance(previous, Paragraph) and lines[index - 2].strip():
                previous.bold = True
            continue
        paragraph = _markdown_paragraph(line)
        if paragraph is not None:
            blocks.append(paragraph)
        elif not line.strip() and blocks and not (isinstance(blocks[-1], Paragraph) and not blocks[-1].text):
            # A blank line is kept (once): in text copied from a PDF it is the only mark of where
            # one table cell ends and the next begins.
            blocks.append(Paragraph(text=""))
    return blocks


def _markdown_paragraph(line: str) -> Paragraph | None:
    bold = italic = False
    heading = _HEADING.match(line)
    if heading:
        line, bold = heading.group(2), True
    line = _BULLET.sub(r"\1- ", line)  # Vietnamese documents write bullets as "- "
    text = _clean(html.unescape(line))
    for pattern, is_bold, is_italic in _WHOLE_EMPHASIS:
        whole = pattern.match(text)
        if whole:
            text, bold, italic = whole.group(2), bold or is_bold, italic or is_italic
            break
    text = _clean(_unescape_markdown(_STRAY_EMPHASIS.sub("", _INLINE_BOLD.sub(r"\2", text))))
    return Paragraph(text=text, bold=bold, italic=italic) if text else None


def _unescape_markdown(text: str) -> str:
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", text)


def _pipe_table_end(lines: list[str], start: int) -> int:
    """End (exclusive) of a pipe table starting at `start`, or `start` when none starts there.

    A table is a header line followed by a `|---|---|` separator (GitHub style), or at least two
    consecutive lines framed by pipes (`| a | b |`, as web pages copy).
    """
    first = lines[start].strip()
    if "|" not in first:
        return start
    has_separator = start + 1 < len(lines) and _TABLE_SEPARATOR.match(lines[start + 1]) and "|" in lines[start + 1]
    framed = first.startswith("|") and first.endswith("|") and len(first) > 1
    if not has_separator and not framed:
        return start
    end = start + (2 if has_separator else 1)
    while end < len(lines):
        stripped = lines[end].strip()
        if not stripped or "|" not in stripped:
            break
        if not has_separator and not (stripped.startswith("|") and stripped.endswith("|")):
            break
        end += 1
    if not has_separator and end - start < 2:
        return start
    return end


def _pipe_cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    cells = re.split(r"(?<!\\)\|", line)
    return [_pipe_cell(cell) for cell in cells]


def _pipe_cell(cell: str) -> str:
    # Web copies put line breaks in cells as <br>: keep them as the cell's own lines, like DOCX cells.
    parts = _BREAK_TAG.split(html.unescape(cell))
    lines = [_clean(_unescape_markdown(_STRAY_EMPHASIS.sub("", _INLINE_BOLD.sub(r"\2", _clean(part)))))
             for part in parts]
    return "\n".join(line for line in lines if line)
