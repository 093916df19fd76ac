"""Word's automatic numbering (numbering.xml) read as the labels a person sees on the page.

Each document here is written the way Word writes a plan by reform areas: the numbers are list
levels, not text, so a reader that only takes the runs' text sees "Cải cách thể chế" where a
person reads "1. Cải cách thể chế".
"""

import io

import docx
from docx.oxml import parse_xml

from cchc.documents.reading import Paragraph, Table, extract

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _levels(*levels: tuple[str, str, int]) -> str:
    return "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text, start) in enumerate(levels)
    )


def numbered_docx(paragraphs, *, abstracts, nums, table_rows=None) -> bytes:
    """paragraphs: (text, numId or None, ilvl); abstracts: {id: levels xml}; nums: {numId: (abstractId, overrides xml)}."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for abstract_id, levels in abstracts.items():
        numbering.append(parse_xml(f'<w:abstractNum {W} w:abstractNumId="{abstract_id}">{levels}</w:abstractNum>'))
    for num_id, (abstract_id, overrides) in nums.items():
        numbering.append(parse_xml(
            f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'))

    def number(paragraph, num_id, ilvl):
        if num_id is not None:
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {W}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))

    for text, num_id, ilvl in paragraphs:
        number(document.add_paragraph(text), num_id, ilvl)
    if table_rows:
        table = document.add_table(rows=len(table_rows), cols=len(table_rows[0]))
        for r, row in enumerate(table_rows):
            for c, (text, num_id) in enumerate(row):
                cell = table.cell(r, c)
                cell.text = text
                number(cell.paragraphs[0], num_id, 0)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


AREAS = _levels(("decimal", "%1.", 1), ("lowerLetter", "%2)", 1), ("bullet", "\uf0b7", 1))


def texts(data: bytes) -> list[str]:
    return [b.text for b in extract(data, "plan.docx").blocks if isinstance(b, Paragraph)]


def test_multilevel_list_renders_area_numbers_letters_and_bullets():
    data = numbered_docx([
        ("CHỈ TIÊU, NHIỆM VỤ", 1, 0),
        ("Cải cách thể chế", 2, 0),
        ("Mục tiêu", 2, 1),
        ("100% văn bản quy phạm pháp luật được cập nhật.", 2, 2),
        ("Nhiệm vụ", 2, 1),
        ("Cải cách thủ tục hành chính", 2, 0),
        ("Mục tiêu", 2, 1),
        ("Tối thiểu 98% hồ sơ được giải quyết đúng hạn.", 2, 2),
        ("TỔ CHỨC THỰC HIỆN", 1, 0),
    ], abstracts={"0": _levels(("upperRoman", "%1.", 1)), "1": AREAS}, nums={"1": ("0", ""), "2": ("1", "")})
    assert texts(data) == [
        "I. CHỈ TIÊU, NHIỆM VỤ",
        "1. Cải cách thể chế",
        "a) Mục tiêu",
        "- 100% văn bản quy phạm pháp luật được cập nhật.",
        "b) Nhiệm vụ",
        "2. Cải cách thủ tục hành chính",
        "a) Mục tiêu",  # a deeper level restarts when a shallower one advances
        "- Tối thiểu 98% hồ sơ được giải quyết đúng hạn.",
        "II. TỔ CHỨC THỰC HIỆN",
    ]


def test_compound_labels_start_values_and_legal_numbering():
    levels = _levels(("decimal", "%1.", 3), ("decimal", "%1.%2.", 1))
    data = numbered_docx([("Ba", 1, 0), ("Ba chấm một", 1, 1), ("Ba chấm hai", 1, 1), ("Bốn", 1, 0), ("Bốn chấm một", 1, 1)],
                         abstracts={"0": levels}, nums={"1": ("0", "")})
    assert texts(data) == ["3. Ba", "3.1. Ba chấm một", "3.2. Ba chấm hai", "4. Bốn", "4.1. Bốn chấm một"]


def test_lists_of_one_definition_continue_unless_a_start_is_overridden():
    data = numbered_docx(
        [("một", 1, 0), ("hai", 1, 0), ("ba (tiếp tục)", 2, 0), ("một (bắt đầu lại)", 3, 0), ("hai", 3, 0)],
        abstracts={"0": _levels(("decimal", "%1.", 1))},
        nums={"1": ("0", ""), "2": ("0", ""),
              "3": ("0", '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>')},
    )
    assert texts(data) == ["1. một", "2. hai", "3. ba (tiếp tục)", "1. một (bắt đầu lại)", "2. hai"]


def test_numbering_in_table_cells_counts_rows():
    data = numbered_docx(
        [], abstracts={"0": _levels(("decimal", "%1", 1))}, nums={"1": ("0", "")},
        table_rows=[[("STT", None), ("Nhiệm vụ", None)], [("", 1), ("Rà soát thủ tục", None)],
                    [("", 1), ("Tập huấn", None)]],
    )
    table = next(b for b in extract(data, "plan.docx").blocks if isinstance(b, Table))
    # An empty cell carrying a number shows only the number.
    assert [row[0] for row in table.rows] == ["STT", "1", "2"]


def test_a_document_without_a_numbering_part_and_an_unknown_list_read_as_plain_text():
    document = docx.Document()
    p = document.add_paragraph("Không có danh sách")
    p._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {W}><w:ilvl w:val="0"/><w:numId w:val="99"/></w:numPr>'))
    out = io.BytesIO()
    document.save(out)
    assert texts(out.getvalue()) == ["Không có danh sách"]
