"""A saved plan goes back out as an official DOCX that LibreOffice opens, and its tasks as XLSX."""

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from cchc.orgs.models import Unit
from cchc.plans import exports, services

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).parent.parent / "demo"  # the five seed plans, also the demo data


@pytest.fixture
def plan():
    path = next(SEEDS.glob("004_*.txt"))
    parsed = services.plan_parse(path.read_bytes(), path.name)
    return services.plan_save(parsed=parsed, unit=Unit.objects.get(code="37"))


def test_docx_has_the_official_parts_in_order(plan):
    document = Document(io.BytesIO(exports.plan_docx(plan)))
    header = document.tables[0]
    cells = " ".join(c.text for row in header.rows for c in row.cells)
    assert "ỦY BAN NHÂN DÂN" in cells and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells
    assert "Số:" in cells and "/KH-UBND" in cells
    text = "\n".join(p.text for p in document.paragraphs)
    assert "KẾ HOẠCH" in text
    assert "Cải cách hành chính tỉnh Ninh Bình 6 tháng cuối năm 2025" in text
    assert "II. MỤC TIÊU CỤ THỂ" in text
    closing = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "Nơi nhận:" in closing and "Nguyễn Anh Chức" in closing and "KT. CHỦ TỊCH" in closing
    appendix = document.tables[-1]
    assert appendix.rows[0].cells[1].text == "Nội dung/Nhiệm vụ"
    assert any("Ban hành và tổ chức thực hiện Kế hoạch" in c.text for row in appendix.rows for c in row.cells)
    assert document.sections[-1].orientation == 1  # the appendix is landscape


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_docx(plan):
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "ke-hoach.docx"
        source.write_bytes(exports.plan_docx(plan))
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "txt:Text",
             "--outdir", tmp, str(source)],
            check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": tmp},
        )
        text = (Path(tmp) / "ke-hoach.txt").read_text(encoding="utf-8-sig")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Cải cách hành chính tỉnh Ninh Bình 6 tháng cuối năm 2025" in text
    assert "Tăng cường công tác chỉ đạo, điều hành, giám sát" in text  # a task of group VI, in the appendix
    assert "Nơi nhận:" in text and "Nguyễn Anh Chức" in text


def test_task_workbook_lists_every_task_with_its_fan_out(plan):
    header, rows = exports.task_rows(plan)
    book = load_workbook(io.BytesIO(__import__("cchc.documents.tables", fromlist=["write_xlsx"]).write_xlsx(header, rows, title="Nhiệm vụ")))
    sheet = book.active
    assert [c.value for c in sheet[1]][:3] == ["Nhóm", "Stt", "Nội dung/Nhiệm vụ"]
    assert sheet.max_row == 49  # header + 48 rows
    first = [c.value for c in sheet[2]]
    assert first[0] == "I" and first[1] == "1" and first[8] == "15/07/2025"
    assert first[9] == 1 + 14 + 129  # Sở Nội vụ leads; the 14 departments and 129 communes partner
