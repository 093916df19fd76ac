"""The province's report as files: the XLSX written directly reads back as openpyxl's did, and both
exports say how far they are (for the background job)."""

import pytest

from cchc.documents import tables
from cchc.documents.tests.test_tables_direct import workbook_content
from cchc.reports import outputs
from cchc.reports.compile import compile_report
from cchc.reports.tests.test_compile import N_COMMUNES, N_DEPARTMENTS, setup  # noqa: F401  (fixture)
from cchc.test import unit


@pytest.fixture
def compiled(setup):  # noqa: F811
    period, *_ = setup
    return compile_report(period, unit("37"))


def test_the_compiled_xlsx_reads_back_as_openpyxl_wrote_it(compiled, monkeypatch):
    done = []
    direct = outputs.report_xlsx(compiled, progress=lambda n, total: done.append((n, total)))
    assert done == [(n, 15) for n in range(1, 16)]  # the figures, then 7 forms and 7 by-unit sheets
    monkeypatch.setattr(outputs, "write_xlsx_sheets_direct", lambda sheets, progress=None: tables.write_xlsx_sheets(sheets))
    reference = outputs.report_xlsx(compiled)
    content = workbook_content(direct)
    assert content == workbook_content(reference)
    by_unit = content["BM3 theo đơn vị"]["cells"]
    assert len([k for k in by_unit if k.endswith("1") and k[:-1].isalpha()]) == 4 + N_COMMUNES + N_DEPARTMENTS
    assert any(v[1] == "int" and v[3] == "#,##0" for k, v in by_unit.items() if not k.startswith(("A", "B", "C", "D")))


def test_the_docx_reports_its_steps(compiled):
    done = []
    data = outputs.report_docx(compiled, progress=lambda n, total: done.append((n, total)))
    assert done == [(1, 3), (2, 3), (3, 3)] and data[:2] == b"PK"



def test_a_by_unit_row_holds_what_each_cell_would():
    """The by-unit sheets' row-at-once conversion gives `_cell` for every kind, value and unit."""
    from decimal import Decimal

    from cchc.reports.models import IndicatorKind

    values = [None, Decimal("0"), Decimal("3"), Decimal("2.5000"), Decimal("66.66666"), Decimal("1"), Decimal("1234.005")]
    columns = [({7: v}, compiled) for v in values for compiled in (False, True)] + [({}, False)]
    for kind in IndicatorKind.values:
        expected = [outputs._cell(kind, vals.get(7), "", compiled=compiled) for vals, compiled in columns]
        got = outputs._unit_cells(kind, 7, columns)
        assert [(type(x), str(x)) for x in got] == [(type(x), str(x)) for x in expected], kind
