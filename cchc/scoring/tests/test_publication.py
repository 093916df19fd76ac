"""Publication: the decision with its Phụ lục (DOCX, official format) and the XLSX tables."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from decimal import Decimal as D
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from cchc.orgs.models import Unit, UnitKind
from cchc.scoring import criteria, publication, results
from cchc.scoring.models import Round
from cchc.scoring.results import RankingRow

from .test_criteria import META, rows

pytestmark = pytest.mark.django_db


def _row(index: str, rank=1) -> RankingRow:
    return RankingRow(0, 0, "", "x", rank, True, D("99"), D("1"), D(index), "Khá", None, None, None, None)


def test_numbers_are_printed_with_decimal_commas():
    assert publication.fmt(D("82.78")) == "82,78"
    assert publication.fmt(D("89")) == "89,00"
    assert publication.fmt(D("79.88484848"), 3) == "79,885"
    assert publication.fmt(D("1234.5")) == "1.234,50"
    assert publication.fmt(D("0.005")) == "0,01"  # ROUND_HALF_UP
    assert publication.fmt(None) == ""


def test_near_ties_get_a_third_decimal_and_exact_ties_do_not():
    """Phụ lục II: "27 … 79,885%", "28 … 79,882%"; but "79 … 72,41%", "79 … 72,41%" (an exact tie)."""
    rows_ = [_row("79.88484848"), _row("79.88181818"), _row("79.79"), _row("72.41414141"), _row("72.41414141"),
             _row("72.07")]
    assert publication.index_texts(rows_) == ["79,885%", "79,882%", "79,79%", "72,41%", "72,41%", "72,07%"]


def _units(names_kinds, province_name="Ủy ban nhân dân tỉnh Lâm Đồng"):
    province = Unit.objects.create(code="T.PUB", name=province_name, kind=UnitKind.PROVINCE)
    return [Unit.objects.create(code=f"T.PUB.{i}", name=n, kind=k, parent=province) for i, (n, k) in enumerate(names_kinds)]


@pytest.fixture
def two_rounds():
    dept_set, _ = criteria.load_set({**META, "slug": "2025-pub-so"}, rows())
    commune_set, _ = criteria.load_set({**META, "slug": "2025-pub-xa", "unit_type": "commune"}, rows())
    units = _units([("Sở Tư pháp", UnitKind.DEPARTMENT), ("Sở Nội vụ", UnitKind.DEPARTMENT),
                    ("Thanh tra tỉnh", UnitKind.DEPARTMENT), ("UBND xã Liên Hương", UnitKind.COMMUNE),
                    ("UBND xã Nam Hà Lâm Hà", UnitKind.COMMUNE), ("UBND phường Mũi Né", UnitKind.WARD)])
    departments = Round.objects.create(title="Sở 2025", year=2025, criteria_set=dept_set)
    communes = Round.objects.create(title="Xã 2025", year=2025, criteria_set=commune_set)
    figures = [  # part1 (of 10), survey (of 15), sipas (of 10 or None), ranked
        (departments, units[0], "9.50", "12.281", None, True),
        (departments, units[1], "8.00", "12.313", "8.68", True),
        (departments, units[2], "7.00", "12.734", None, False),
        (communes, units[3], "8.00", "11.000", "7.00", True),
        (communes, units[4], "8.00", "11.000", "7.00", True),
        (communes, units[5], "5.00", "9.500", "6.00", True),
    ]
    for round_, unit, part1, survey, sipas, ranked in figures:
        results.enter_totals(round_=round_, unit=unit, part1_appraised=D(part1), part1_max=D("10"), survey=D(survey),
                             sipas=D(sipas) if sipas else None, ranked=ranked)
    for round_ in (departments, communes):
        results.compute_round(round_)
    return departments, communes


def _tables(data: bytes) -> list[list[list[str]]]:
    document = Document(io.BytesIO(data))
    return [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]


def test_the_annex_has_the_published_columns_groups_and_summary_rows(two_rounds):
    departments, communes = two_rounds
    data = publication.annex_docx([departments, communes])
    document = Document(io.BytesIO(data))
    text = [p.text for p in document.paragraphs if p.text.strip()]
    assert "QUYẾT ĐỊNH" in text
    assert "Phụ lục I" in text and "Phụ lục II" in text
    assert text.index("Phụ lục I") < text.index("Phụ lục II")
    assert "1. Nhóm 1: Nhóm các cơ quan thực hiện đánh giá, xếp loại và xếp hạng chung (02/03 đơn vị)" in text
    assert "2. Nhóm 2: Nhóm các cơ quan thực hiện đánh giá, xếp loại nhưng không xếp hạng (01/03 đơn vị)" in text
    assert any(t.startswith("(Kèm theo Quyết định số") for t in text)
    assert "của Chủ tịch UBND tỉnh Lâm Đồng)" in text
    tables = _tables(data)
    annex = [t for t in tables if t[0][0] in ("Thứ hạng", "TT")]
    assert len(annex) == 3  # Nhóm 1 and Nhóm 2 of Phụ lục I; Phụ lục II
    ranked, unranked, communes_table = annex
    assert ranked[0] == publication.COLUMNS
    # Sở Tư pháp: 9,50 + 12,281 = 21,781 / 25 = 87,124 %; Sở Nội vụ: 8 + 12,313 + 8,68 = 28,993 / 35.
    assert ranked[1] == ["1", "Sở Tư pháp", "25,00", "21,78", "87,12%", "TỐT"]
    assert ranked[2] == ["2", "Sở Nội vụ", "35,00", "28,99", "82,84%", "TỐT"]
    assert ranked[3][:4] == ["Chỉ số cao nhất"] * 4 and ranked[3][4] == "87,12%"
    assert ranked[4][0] == "Chỉ số trung bình" and ranked[4][4] == "84,98%"
    assert ranked[5][0] == "Chỉ số thấp nhất" and ranked[5][4] == "82,84%"
    assert unranked == [publication.UNRANKED_COLUMNS, ["1", "Thanh tra tỉnh", "25,00", "19,73", "78,94%", "KHÁ"]]
    # Exact tie: both 79th-style shared rank, the next one skipped.
    assert [r[0] for r in communes_table[1:4]] == ["1", "1", "3"]
    assert communes_table[1][4] == communes_table[2][4] == "74,29%"
    assert communes_table[3][1] == "UBND phường Mũi Né"


def _soffice(path: Path, target: str, tmp_path: Path) -> Path:
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [shutil.which("soffice"), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
         "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, env={**os.environ, "HOME": str(tmp_path)}, timeout=180,
    )
    return path.with_suffix("." + target.split(":")[0])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice chưa được cài.")
def test_libreoffice_opens_the_decision_and_reads_the_annex(two_rounds, tmp_path):
    departments, communes = two_rounds
    path = tmp_path / "cong_bo.docx"
    path.write_bytes(publication.annex_docx([departments, communes], number="95", signer="Nguyễn Văn A"))
    text = _soffice(path, "txt:Text", tmp_path).read_text(encoding="utf-8-sig")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    expected = ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: 95/QĐ-UBND", "QUYẾT ĐỊNH", "Nơi nhận:", "KT. CHỦ TỊCH",
                "PHÓ CHỦ TỊCH", "Nguyễn Văn A", "Phụ lục I", "Thứ hạng", "Sở Tư pháp", "Chỉ số cao nhất", "TT",
                "Thanh tra tỉnh", "Phụ lục II", "UBND xã Liên Hương", "UBND phường Mũi Né"]
    positions = [lines.index(line) for line in expected]
    assert positions == sorted(positions)
    assert "(Kèm theo Quyết định số 95/QĐ-UBND ngày" in text
    pdf = _soffice(path, "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    if pdfinfo := shutil.which("pdfinfo"):
        info = subprocess.run([pdfinfo, "-f", "1", "-l", "20", str(pdf)], check=True, capture_output=True,
                              text=True).stdout
        sizes = [(float(w), float(h)) for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+)", info)]
        assert len(sizes) >= 3 and all(h > w for w, h in sizes), "A4 portrait, like the published annexes"


def test_a_round_without_results_still_renders(two_rounds):
    departments, _ = two_rounds
    empty = Round.objects.create(title="Trống", year=2026, criteria_set=departments.criteria_set)
    tables = _tables(publication.annex_docx(empty))
    annex = [t for t in tables if t[0][0] == "Thứ hạng"]
    assert annex == [[publication.COLUMNS]]


def test_the_xlsx_has_one_sheet_per_unit_type(two_rounds):
    departments, communes = two_rounds
    book = load_workbook(io.BytesIO(publication.annex_xlsx([departments, communes])))
    assert book.sheetnames == ["Sở, ban, ngành 2025", "Xã, phường, đặc khu 2025"]
    sheet = [[c.value for c in row] for row in book["Sở, ban, ngành 2025"].iter_rows()]
    assert sheet[0] == ["Thứ hạng", "Đơn vị", "Điểm chuẩn tối đa", "Điểm đạt được", "Chỉ số chung (%)", "Xếp loại"]
    assert sheet[1][:4] == [1, "Sở Tư pháp", 25, 21.78] and sheet[1][4] == pytest.approx(87.124)
    assert sheet[3][:2] == ["TT", "Thanh tra tỉnh"]
    assert [r[1] for r in sheet[4:]] == ["Chỉ số cao nhất", "Chỉ số trung bình", "Chỉ số thấp nhất"]
    communes_sheet = [[c.value for c in row] for row in book["Xã, phường, đặc khu 2025"].iter_rows()]
    assert [r[0] for r in communes_sheet[1:4]] == [1, 1, 3]
