"""A small inspection world: the province's 2026 plan with its chosen units, a visit, findings."""

import datetime
import io

import docx

from cchc.inspections import services
from cchc.orgs.models import Unit
from cchc.test import BINH_GIANG, unit

YEAR = 2026
D = datetime.date


def province_plan(*, number="9/KH-UBND"):
    inspection = services.create_plan(unit=unit("37"), year=YEAR, number=number, issued_on=D(YEAR, 2, 1))
    chosen = [r.unit.pk for r in services.suggest(inspection.unit, YEAR) if r.chosen]
    services.choose_targets(inspection, [unit(BINH_GIANG).pk, unit("37.STP").pk, *chosen])
    return inspection


def visit_with_findings(inspection, code=BINH_GIANG, *, day=D(YEAR, 6, 15)):
    target = inspection.targets.get(unit__code=code)
    visit = services.record_visit(target, date=day, summary="Triển khai đầy đủ.", checklist_results={"1.a": "dat"})
    one = services.add_finding(visit, unit=target.unit, area="1", text="Chưa cập nhật tin CCHC hằng tháng",
                               remedy="Cập nhật 4 tin mỗi tháng", due_date=D(YEAR, 8, 31))
    two = services.add_finding(visit, unit=target.unit, area="7", text="Tỷ lệ hồ sơ trực tuyến thấp",
                               remedy="Hướng dẫn nộp trực tuyến", due_date=D(YEAR, 10, 31))
    return visit, one, two


def plan_docx(issuer: str, rows: list[tuple[str, str, str]]) -> bytes:
    """A DOCX shaped like a signed inspection plan: the header table, then Phụ lục's unit table."""
    document = docx.Document()
    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).text = issuer
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    header.cell(1, 0).text = "Số:     /KH-UBND"
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Kiểm tra công tác cải cách hành chính năm 2026")
    document.add_paragraph("Phụ lục I")
    table = document.add_table(rows=1, cols=3)
    for i, text in enumerate(("STT", "Đơn vị được kiểm tra", "Thời gian kiểm tra")):
        table.cell(0, i).text = text
    for row in rows:
        cells = table.add_row().cells
        for i, text in enumerate(row):
            cells[i].text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def units_of(codes):
    return list(Unit.objects.filter(code__in=codes))
