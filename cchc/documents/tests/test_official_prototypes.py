"""Paragraphs after the first of each look are copies of a prototype (the writer stays linear):
they must read back exactly as the slow path writes them — text, breaks, spaces, format, cells."""

import io

import docx
from docx.shared import Cm, Pt

from cchc.documents.official import AppendixTable, Heading, OfficialDocument, Para, Signature, render_docx


def _doc(body, rows=()):
    return OfficialDocument(
        parent_body="", issuer="ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", number=None, symbol="KH-UBND", place="Ninh Bình", date=None,
        year=2026, doc_type="KẾ HOẠCH", title="Cải cách hành chính", body=body, recipients=["Như trên"],
        signature=Signature("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "", ""),
        appendices=[AppendixTable(title="Phụ lục", subtitle="NHIỆM VỤ", reference="(Kèm theo)", columns=["STT", "Nội dung"],
                                  rows=[list(r) for r in rows])] if rows else [],
    )


def test_copied_paragraphs_read_back_like_the_first():
    body = [Para("Đoạn đầu."), Para("  hai khoảng trắng đầu và cuối  "), Para("Dòng một\nDòng hai"), Heading("I. MỤC ĐÍCH", 1),
            Heading("II. YÊU CẦU", 1), Para("Cuối.")]
    document = docx.Document(io.BytesIO(render_docx(_doc(body))))
    paragraphs = [p for p in document.paragraphs if p.text in {"Đoạn đầu.", "  hai khoảng trắng đầu và cuối  ", "Dòng một\nDòng hai",
                                                               "I. MỤC ĐÍCH", "II. YÊU CẦU", "Cuối."}]
    assert [p.text for p in paragraphs] == ["Đoạn đầu.", "  hai khoảng trắng đầu và cuối  ", "Dòng một\nDòng hai", "I. MỤC ĐÍCH",
                                            "II. YÊU CẦU", "Cuối."]
    for p in paragraphs:
        assert p.paragraph_format.first_line_indent == Cm(1.27)
        assert p.runs[0].font.name == "Times New Roman" and p.runs[0].font.size == Pt(14)
    assert paragraphs[4].runs[0].font.bold and paragraphs[4].paragraph_format.keep_with_next
    assert not paragraphs[5].runs[0].font.bold
    # the paragraphs come before the closing table and in order, not after the section's end
    body_xml = document.element.body
    assert body_xml[-1].tag.endswith("sectPr")


def test_appendix_cells_hold_one_paragraph_each_with_their_text():
    rows = [(str(i), f"Nhiệm vụ {i}") for i in range(1, 40)]
    document = docx.Document(io.BytesIO(render_docx(_doc([Para("Nội dung.")], rows))))
    table = document.tables[-1]
    texts = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert texts == [list(r) for r in rows]
    assert all(len(c.paragraphs) == 1 for r in table.rows for c in r.cells)
