"""The official-document writer (Nghị định 30 DOCX) against the document's size: it must be linear.

    .venv/bin/python benchmarks/docx_writer.py        # BENCH_QUICK=1: up to 8,000 paragraphs
Prints seconds and microseconds per paragraph (body) and per row (appendix table) at doubling
sizes; linear means the per-item figure stays flat. The last line is the main figure.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cchc.documents.official import AppendixTable, OfficialDocument, Para, Signature, render_docx  # noqa: E402

QUICK = bool(os.environ.get("BENCH_QUICK"))
SIZES = (1000, 2000, 4000, 8000) if QUICK else (2000, 4000, 8000, 16000, 32000)


def document(paragraphs: int, rows: int) -> OfficialDocument:
    return OfficialDocument(
        parent_body="", issuer="ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", number=None, symbol="BC-UBND", place="Ninh Bình", date=None,
        year=2026, doc_type="BÁO CÁO", title="Kết quả cải cách hành chính năm 2026",
        body=[Para(f"Đoạn {i}: kết quả thực hiện nhiệm vụ cải cách hành chính của các cơ quan, đơn vị.") for i in range(paragraphs)],
        recipients=["Bộ Nội vụ", "Lưu: VT"], signature=Signature("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", ""),
        appendices=[AppendixTable(title="Phụ lục", subtitle="SỐ LIỆU", reference="(Kèm theo Báo cáo)", columns=["STT", "Nội dung", "Số liệu"],
                                  rows=[[str(i), f"Chỉ tiêu {i}", f"{i * 7 % 1000}"] for i in range(rows)])] if rows else [],
    )


def timed(paragraphs: int, rows: int) -> float:
    start = time.perf_counter()
    render_docx(document(paragraphs, rows))
    return time.perf_counter() - start


def main() -> None:
    timed(100, 100)  # warm up
    para_us, row_us = [], []
    for n in SIZES:
        s = timed(n, 0)
        para_us.append(s / n * 1e6)
        print(f"body of {n:>6,} paragraphs: {s:6.2f} s, {para_us[-1]:6.1f} µs per paragraph")
    for n in SIZES[:-1]:
        s = timed(10, n)
        row_us.append(s / n * 1e6)
        print(f"appendix of {n:>6,} rows:     {s:6.2f} s, {row_us[-1]:6.1f} µs per row")
    print(f"docx writer: {para_us[-1]:.0f} µs per paragraph at {SIZES[-1]:,} vs {para_us[0]:.0f} at {SIZES[0]:,} "
          f"(×{para_us[-1] / para_us[0]:.2f}; linear ≈ ×1), {row_us[-1]:.0f} µs per table row at {SIZES[-2]:,} "
          f"vs {row_us[0]:.0f} at {SIZES[0]:,} (×{row_us[-1] / row_us[0]:.2f})")


if __name__ == "__main__":
    main()
