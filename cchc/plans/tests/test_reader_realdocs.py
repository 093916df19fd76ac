"""The reader on a real province's working files, read in place from ../shared/realdocs.

They come from Lâm Đồng and communes of other provinces: their units are not in the Ninh Bình
tree, so the reader must report them as unresolved and never guess. Skipped when the folder is absent.
"""

import datetime
from pathlib import Path

import pytest

from cchc.plans.services import PlanImportError, plan_parse

pytestmark = pytest.mark.django_db

REALDOCS = Path(__file__).resolve().parents[3].parent / "shared" / "realdocs" / "plans"
if not REALDOCS.is_dir():
    pytest.skip("../shared/realdocs is not here", allow_module_level=True)


def parse(name: str):
    path = REALDOCS / name
    return plan_parse(path.read_bytes(), path.name)


def test_docx_plan_with_a_word_table_appendix():
    p = parse("ld_kh_cchc_2026_2030_draft.docx")
    assert p.kind == "reform"
    assert p.issuer == "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"
    assert p.number is None and p.symbol == "KH-UBND" and p.place == "Lâm Đồng"
    assert (p.period_start, p.period_end) == (datetime.date(2026, 1, 1), datetime.date(2030, 12, 31))
    assert {"76/NQ-CP"} <= {r.number for r in p.legal_basis}
    assert len(p.tasks) == 59 and {t.source for t in p.tasks} == {"table"}
    assert [g for g in dict.fromkeys(t.group for t in p.tasks)][:3] == ["I", "II", "III"]
    first = p.tasks[0]
    assert first.lead_text == "Sở Tư pháp"
    assert first.timeframe.kind == "event" and first.timeframe.text.startswith("Theo Điều 17 Nghị định số 52/2015")
    # Another province's "Sở Tư pháp" is not Ninh Bình's.
    assert first.lead.units == [] and first.lead.unresolved == ["Sở Tư pháp"]
    assert any("không có trong cây đơn vị" in w for w in p.warnings)
    assert all(t.timeframe.kind != "unparsed" for t in p.tasks)


def test_a_document_that_is_not_a_plan_is_refused_with_what_it_is():
    with pytest.raises(PlanImportError) as error:
        parse("ld_tonghop_gopy_kh_cchc_2026_textpdf.pdf")
    assert "không phải là một kế hoạch" in str(error.value)
    assert "TỔNG HỢP Ý KIẾN GÓP Ý" in str(error.value)


def test_legacy_doc_is_converted_and_read():
    p = parse("ld_kh_kmt_2026_draft.doc")
    assert p.title.startswith("Tăng cường công tác đấu tranh phòng, chống ma túy")
    assert p.period_label == "năm 2026" and p.place == "Lâm Đồng"
    assert p.issuer == "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"
    # Its "1.1. Các sở, ban, ngành" sub-headings under the solutions carry the work.
    assert len(p.duties) >= 10 and len(p.tasks) >= 40
    assert {d.unit_text for d in p.duties} >= {"Các sở, ban, ngành", "Công an tỉnh"}


def test_scanned_pdf_skips_the_cover_letter_and_reads_the_plan_by_ocr():
    p = parse("ld_ttr91_plus_kh_kmt_2026_scan.pdf")
    assert p.warnings[0] == "Đã bỏ qua tờ trình đứng trước kế hoạch."
    assert p.title.startswith("Tăng cường công tác đấu tranh phòng, chống ma túy")
    assert fold_upper(p.issuer).startswith("UY BAN NHAN DAN")
    assert p.period_label == "năm 2026"
    assert len(p.duties) >= 5 and len(p.tasks) >= 20  # OCR loses some structure the .doc keeps


def test_commune_documents_find_their_own_header_and_number():
    p = parse("xa_phobang_kh01_tuyentruyen_baucu.docx")
    assert (p.number, p.date) == ("01/KH-TBTTKT", datetime.date(2025, 12, 10))
    assert p.kind == "communication" and len(p.topics) >= 5 and len(p.channels) >= 3
    q = parse("xa_luongminh_kh_hiepthuong_with_forms.docx")  # 19 form tables each with its own header
    assert q.date == datetime.date(2025, 11, 25) and q.number is None and q.symbol == "KH-MTTQ-BTT"
    assert q.place == "Lương Minh"


def fold_upper(text: str) -> str:
    from cchc.lib.text import fold

    return fold(text).upper()


OTHER_FILES = sorted(p for folder in ("reports", "scoring") for p in (REALDOCS.parent / folder).glob("*")
                     if p.suffix in (".docx", ".doc", ".pdf"))


@pytest.mark.parametrize("path", OTHER_FILES, ids=lambda p: p.name)
def test_every_report_and_scoring_file_is_refused_with_what_it_seems_to_be(path):
    with pytest.raises(PlanImportError) as error:
        plan_parse(path.read_bytes(), path.name)
    message = str(error.value)
    assert message.startswith("Tài liệu này không phải là một kế hoạch")
    # It names what it seems to be: its kind and subject, or the words it opens with.
    assert "đây có vẻ là" in message or "nội dung bắt đầu bằng" in message


def test_a_report_with_a_ke_hoach_heading_in_its_body_is_not_a_plan():
    with pytest.raises(PlanImportError) as error:
        parse("../reports/ld_bc_cchc_2025_tomtat.docx")
    assert "TÓM TẮT TRỌNG TÂM" in str(error.value)
