"""`parse_timeframe` against every timeframe string of the seed plans and the real Lâm Đồng draft.

Sources and their plan periods:
- seed 004, the Ninh Bình CCHC plan for the last six months of 2025 (01/07–31/12/2025): every cell of
  the appendix's "Thời gian thực hiện" column, exactly as the flattened text wraps it over lines,
  plus the timeframes written in the plan's own text;
- seeds 000 (Sở Nội vụ, 6 tháng cuối 2025), 001 (the province's 2026 communication plan), 002
  (xã Bình Giang, OCR text without diacritics, 6 tháng cuối 2025) and 003 (xã Kim Thành, Hải Phòng,
  year 2025): none has a task table, so the timeframes are the phrases of their text that say when
  something is done or reported;
- the real draft ld_kh_cchc_2026_2030_draft.docx (period 2026–2030): every distinct cell of its
  "Thời gian hoàn thành" column as a literal, and one test that reads the file itself when present.
Then each rule of the parser on its own.
"""

from datetime import date, timedelta
from pathlib import Path

import pytest

from cchc.lib.text import fold, squeeze
from cchc.plans.timeframes import Timeframe, parse_timeframe

H2_2025 = (date(2025, 7, 1), date(2025, 12, 31))  # seeds 000, 002, 004
Y2025 = (date(2025, 1, 1), date(2025, 12, 31))  # seed 003
Y2026 = (date(2026, 1, 1), date(2026, 12, 31))  # seed 001
P2026_2030 = (date(2026, 1, 1), date(2030, 12, 31))  # the Lâm Đồng draft

REALDOCS = Path(__file__).resolve().parents[3] / "../shared/realdocs"
DRAFT = REALDOCS / "plans" / "ld_kh_cchc_2026_2030_draft.docx"


def parse(text: str, period: tuple[date, date]) -> Timeframe:
    return parse_timeframe(text, period_start=period[0], period_end=period[1])


def d(day: int, month: int, year: int) -> date:
    return date(year, month, day)


def month_end(year: int, month: int) -> date:
    # Computed differently from the module (first of the next month minus a day) on purpose.
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def every_month_end(first: int, last: int) -> tuple[date, ...]:
    return tuple(month_end(y, m) for y in range(first, last + 1) for m in range(1, 13))


def each_year(day: int, month: int, first: int = 2026, last: int = 2030) -> tuple[date, ...]:
    return tuple(date(y, month, day) for y in range(first, last + 1))


def quarter_ends(first: int, last: int) -> tuple[date, ...]:
    return tuple(month_end(y, m) for y in range(first, last + 1) for m in (3, 6, 9, 12))


# Expected results: (kind, due_dates, frequencies). Events are checked for their trigger separately.
Q3_Q4_2025 = ("period_end", (d(30, 9, 2025), d(31, 12, 2025)), ())
Q4_2025 = ("period_end", (d(31, 12, 2025),), ())
CONTINUOUS_H2 = ("continuous", (d(30, 9, 2025), d(31, 12, 2025)), ("quarter",))
REPORTS_H2 = ("recurring", (d(30, 9, 2025), d(31, 12, 2025)), ("quarter", "half_year", "year"))
EVENT = ("event", (), ())
YEARLY_2026_2030 = ("recurring", each_year(31, 12), ("year",))
JANUARY_EACH_YEAR = ("recurring", each_year(31, 1), ("year",))


def case(source, text, expected, *, id):
    return pytest.param(text, expected, id=f"{source}-{id}")


def case_in(source, text, expected, period, *, id):
    return pytest.param(text, expected, period, id=f"{source}-{id}")


# ----- seed 004: the appendix, cell by cell (48 cells) ---------------------------------------

SEED_004_APPENDIX = [
    case("004", "Trước ngày\n15/7/2025", ("deadline", (d(15, 7, 2025),), ()), id="I.1-ke-hoach-tinh"),
    case("004", "Trước ngày\n30/7/2025", ("deadline", (d(30, 7, 2025),), ()), id="I.1-ke-hoach-so-xa"),
    case("004", "Định kỳ hằng\nquý, 6 tháng,\n\n1 năm", REPORTS_H2, id="I.2-bao-cao-so-xa"),
    case("004", "Định kỳ hằng\nquý, 6 tháng,\n\n1 năm", REPORTS_H2, id="I.2-bao-cao-tinh"),
    case("004", "Quý III, IV\nnăm 2025", Q3_Q4_2025, id="I.3"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="I.4"),
    case("004", "Theo yêu cầu\ncủa Bộ Nội vụ", EVENT, id="I.5-tu-danh-gia"),
    case("004", "Theo yêu cầu\ncủa Bộ Nội vụ", EVENT, id="I.5-dieu-tra"),
    case("004", "Quý IV/2025", Q4_2025, id="I.6-bo-chi-so"),
    case("004", "Quý III,\nIV/2025", Q3_Q4_2025, id="I.6-phan-mem"),
    case("004", "Quý III,\nIV/2025", Q3_Q4_2025, id="I.6-dieu-tra-xhh"),
    case("004", "Quý III,\nIV/2025", Q3_Q4_2025, id="I.7"),
    case("004", "Quý III,\nIV/2025", Q3_Q4_2025, id="II.1"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="II.2"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="II.3"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="II.4"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="II.5"),
    case("004", "Quý III,\nIV/2025", Q3_Q4_2025, id="III.1"),
    case("004", "Theo các\nquyết định\n\ncông bố của\ncác bộ, ngành\nTrung ương", EVENT, id="III.2"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="III.3"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="III.4"),
    case(
        "004",
        "Định kỳ hằng\ntháng, quý,\n\nnăm",
        ("recurring", tuple(month_end(2025, m) for m in range(7, 13)), ("month", "quarter", "year")),
        id="III.5",
    ),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="III.6"),
    case("004", "Quý III,\nIV/2025", Q3_Q4_2025, id="III.7"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="III.8"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="III.9"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="III.10"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="III.11"),
    case("004", "Quý III,\n\nIV/2025", Q3_Q4_2025, id="IV.1"),
    case("004", "Khi có văn\nbản hướng\ndẫn của bộ,\n\nngành Trung\nương", EVENT, id="IV.2"),
    case("004", "Sau khi có\nQuyết định\n\ngiao biên chế\ncủa Ban Tổ\nchức Trung\n\nương", EVENT, id="IV.3"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="IV.4"),
    case("004", "Sau khi có\nhướng dẫn\n\ncủa Bộ, ngành\nTW", EVENT, id="V.1"),
    case("004", "Quý III,\n\nIV/2025", Q3_Q4_2025, id="V.2"),
    case("004", "Quý III,\nIV/2025", Q3_Q4_2025, id="V.3"),
    case("004", "Quý IV/2025", Q4_2025, id="V.4"),
    case("004", "Thường\n\nxuyên", CONTINUOUS_H2, id="V.5"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="V.6"),
    case("004", "Quý III,\nIV/2025", Q3_Q4_2025, id="VI.1"),
    case("004", "Quý III,\nIV/2025", Q3_Q4_2025, id="VI.2"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="VI.3"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="VI.4"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="VII.1"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="VII.2"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="VII.3"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="VII.4"),
    case("004", "Thường\nxuyên", CONTINUOUS_H2, id="VII.5"),
    case("004", "Tháng\n10/2025", ("period_end", (d(31, 10, 2025),), ()), id="VII.6"),
]

# ----- seeds 000–004: timeframes written in the plans' text ------------------------------------

SEED_TEXT_H2_2025 = [
    # 004, part V: the derived plans' deadline, Sở Nội vụ's reports, the yearly law-enforcement plan.
    case("004", "hoàn thành xong trước ngày 30/7/2025", ("deadline", (d(30, 7, 2025),), ()), id="v1a-ke-hoach-so-xa"),
    case("004", "Hàng quý, 06 tháng, cuối năm", REPORTS_H2, id="v2g-bao-cao-tinh"),
    case("004", "hằng năm", ("recurring", (d(31, 12, 2025),), ("year",)), id="thi-hanh-phap-luat"),
    case(
        "004",
        "Định kỳ báo cáo kết quả, tiến độ thực hiện về UBND tỉnh (qua Sở Nội vụ) theo quy định",
        EVENT,
        id="v1e-bao-cao-theo-quy-dinh",
    ),
    # 000, Sở Nội vụ's communication plan.
    case("000", "6 tháng cuối năm 2025", Q4_2025, id="ky-ke-hoach"),
    case("000", "06 tháng cuối năm 2025", Q4_2025, id="ky-ke-hoach-06"),
    case("000", "thường xuyên, liên tục", CONTINUOUS_H2, id="yeu-cau"),
    case("000", "năm 2025", Q4_2025, id="kinh-phi"),
    # 002, xã Bình Giang: OCR without diacritics and with misread letters ("nim", "cudi", "thudng").
    case("002", "6 thang cudi nim 2025", Q4_2025, id="ky-ke-hoach-nim"),
    case("002", "6 thang cubi nam 2025", Q4_2025, id="ky-ke-hoach-cubi"),
    case("002", "06 thang cudi nam 2025", Q4_2025, id="ky-ke-hoach-06"),
    case("002", "06 thang\ncubi nam 2025", Q4_2025, id="ky-ke-hoach-06-cubi"),
    case("002", "6 thang cudi nam\n2025", Q4_2025, id="ke-hoach-cua-xa"),
    case("002", "thudng xuyén, lién tuc", CONTINUOUS_H2, id="yeu-cau"),
    case(
        "002",
        "dinh ky hang tuan, thang, quy va nam",
        ("recurring", tuple(month_end(2025, m) for m in range(7, 13)), ("month", "quarter", "year")),
        id="giao-ban",
    ),
    case("002", "Dinh ky hang quy va nim", ("recurring", (d(30, 9, 2025), d(31, 12, 2025)), ("quarter", "year")), id="bao-cao"),
    case("002", "nam 2025", Q4_2025, id="kiem-tra"),
]


SEED_TEXT_OTHER = [
    # 001, the province's 2026 communication plan.
    case_in("001", "năm 2026", ("period_end", (d(31, 12, 2026),), ()), Y2026, id="ky-ke-hoach"),
    case_in("001", "thường xuyên, liên tục", ("continuous", quarter_ends(2026, 2026), ("quarter",)), Y2026, id="yeu-cau"),
    case_in("001", "hàng năm", ("recurring", (d(31, 12, 2026),), ("year",)), Y2026, id="ke-hoach-hang-nam"),
    case_in(
        "001",
        "định kỳ hàng tuần, tháng, quý và năm",
        ("recurring", every_month_end(2026, 2026), ("month", "quarter", "year")),
        Y2026,
        id="giao-ban",
    ),
    case_in("001", "Định kỳ hàng quý và năm", ("recurring", quarter_ends(2026, 2026), ("quarter", "year")), Y2026, id="bao-cao"),
    # 003, xã Kim Thành (Hải Phòng), a plan for the year 2025 (with the seed's own "năm năm" slip).
    case_in("003", "năm 2025", Q4_2025, Y2025, id="ky-ke-hoach"),
    case_in("003", "6 tháng cuối năm 2025", Q4_2025, Y2025, id="ke-hoach-thanh-pho"),
    case_in("003", "6 tháng cuối năm năm 2025", Q4_2025, Y2025, id="ke-hoach-thanh-pho-nam-nam"),
    case_in("003", "thường xuyên, liên tục", ("continuous", quarter_ends(2025, 2025), ("quarter",)), Y2025, id="yeu-cau"),
    case_in("003", "hoạt động thường xuyên", ("continuous", quarter_ends(2025, 2025), ("quarter",)), Y2025, id="hoat-dong"),
    case_in("003", "hàng năm", ("recurring", (d(31, 12, 2025),), ("year",)), Y2025, id="du-toan"),
]


# ----- the Lâm Đồng draft, 2026–2030: every distinct cell (59 cells, 25 texts) -------------------

DRAFT_CELLS = [
    case(
        "docx",
        "Theo Điều 17 Nghị định số 52/2015/NĐ-CP ngày 28/5/2015 của Chính phủ cơ sở dữ liệu quốc gia về pháp luật",
        EVENT,
        id="I.1-dieu-17",
    ),
    # The brief's rule: "năm liền kề" is the year after the period's last year.
    case("docx", "Trước ngày 31/01 năm liền kề", ("deadline", (d(31, 1, 2031),), ()), id="I.2-nam-lien-ke"),
    case("docx", "Hằng năm", YEARLY_2026_2030, id="hang-nam-x28"),
    case("docx", "Năm 2026", ("period_end", (d(31, 12, 2026),), ()), id="nam-2026-x3"),
    case("docx", "Theo Kế hoạch rà soát, đánh giá thủ tục hành chính hằng năm của tỉnh", EVENT, id="II.2-theo-ke-hoach"),
    case(
        "docx",
        "Theo các mốc thời gian tại Quyết định số 1441/QĐ-UBND ngày 25/9/2025 của Chủ tịch UBND tỉnh",
        EVENT,
        id="II.5-moc-1441",
    ),
    case("docx", "Định kỳ hằng tháng", ("recurring", every_month_end(2026, 2030), ("month",)), id="II.11-hang-thang"),
    case(
        "docx",
        "Sau 03 tháng kể từ khi có văn bản của Trung ương hoặc Quyết định liên quan của cơ quan có thẩm quyền",
        EVENT,
        id="III.1-sau-03-thang",
    ),
    case(
        "docx",
        "Theo các mốc thời gian tại Phương án số 7178/PA-UBND ngày 14/11/2025 của UBND tỉnh",
        EVENT,
        id="III.3-moc-7178",
    ),
    case("docx", "Theo kế hoạch của tỉnh", EVENT, id="III.4-ke-hoach-tinh"),
    case("docx", "Theo hướng dẫn của Trung ương", EVENT, id="huong-dan-tw-x2"),
    # "năm trước liền kề": the year before the period's first year; "theo kế hoạch đề ra" after the
    # date is a reference, not a condition, so the date stands.
    case(
        "docx",
        "Ban hành kế hoạch chậm nhất là ngày 31/12 năm trước liền kề và tổ chức mở lớp theo kế hoạch đề ra.",
        ("deadline", (d(31, 12, 2025),), ()),
        id="IV.3-nam-truoc-lien-ke",
    ),
    case("docx", "Ban hành kế hoạch trong tháng 01 hằng năm và tổ chức thực hiện", JANUARY_EACH_YEAR, id="thang-01-x2"),
    case("docx", "Thực hiện thường xuyên khi có yêu cầu của bộ, ngành Trung ương.", EVENT, id="VI.4-khi-co-yeu-cau"),
    case("docx", "Báo cáo định kỳ theo thời gian quy định; thực hiện hằng năm", YEARLY_2026_2030, id="VI.5"),
    case("docx", "Trong quý I năm 2026", ("period_end", (d(31, 3, 2026),), ()), id="VI.7-quy-i"),
    case(
        "docx",
        "Theo các mốc thời gian tại Quyết định số 1737/QĐ-UBND ngày 17/10/2025 của Chủ tịch UBND tỉnh",
        EVENT,
        id="VI.8-moc-1737",
    ),
    case("docx", "Bắt đầu thực hiện từ năm 2026", ("continuous", quarter_ends(2026, 2030), ("quarter",)), id="VI.12"),
    case(
        "docx",
        "Ban hành kế hoạch chậm nhất là ngày 15/4/2026 và tổ chức thực hiện",
        ("deadline", (d(15, 4, 2026),), ()),
        id="VII.1-15-4-2026",
    ),
    case(
        "docx",
        "Ban hành kế hoạch trong tháng 01 hằng năm; tổ chức kiểm tra chậm nhất trong tháng 6 hằng năm và báo cáo kết "
        "quả khắc phục các tồn tại, hạn chế phát hiện qua kiểm tra chậm nhất trong tháng 8 hằng năm",
        ("recurring", tuple(sorted(each_year(31, 1) + each_year(30, 6) + each_year(31, 8))), ("year",)),
        id="VII.2-kiem-tra",
    ),
    case("docx", "Ban hành kế hoạch trong tháng 01 hằng năm và tổ chức thực hiện.", JANUARY_EACH_YEAR, id="thang-01-dot-x2"),
    case(
        "docx",
        "Triển khai thực hiện sáng kiến, mô hình, giải pháp và báo cáo kết quả thực hiện chậm nhất trong tháng 9 hằng năm",
        ("recurring", each_year(30, 9), ("year",)),
        id="VII.4-thang-9",
    ),
    case("docx", "Thường xuyên trong tháng", ("continuous", every_month_end(2026, 2030), ("month",)), id="VII.5-trong-thang"),
    case(
        "docx",
        "Trước ngày 05 của tháng liền kề",
        ("recurring", tuple(month_end(y, m) + timedelta(days=5) for y in range(2026, 2031) for m in range(1, 13)), ("month",)),
        id="ngay-05-x3",
    ),
    case("docx", "Hằng năm và giai đoạn", YEARLY_2026_2030, id="VII.13-giai-doan"),
]


def check(result: Timeframe, expected) -> None:
    kind, due_dates, frequencies = expected
    assert (result.kind, result.due_dates, result.frequencies) == (kind, due_dates, frequencies), result.error
    if kind == "event":
        assert result.trigger == squeeze(result.text).rstrip(" .")
    else:
        assert result.trigger == ""
    assert result.error == ""


@pytest.mark.parametrize(("text", "expected"), SEED_004_APPENDIX + SEED_TEXT_H2_2025)
def test_seed_timeframes_second_half_2025(text, expected):
    check(parse(text, H2_2025), expected)


@pytest.mark.parametrize(("text", "expected", "period"), SEED_TEXT_OTHER)
def test_seed_timeframes_other_periods(text, expected, period):
    check(parse(text, period), expected)


@pytest.mark.parametrize(("text", "expected"), DRAFT_CELLS)
def test_lam_dong_draft_cells(text, expected):
    check(parse(text, P2026_2030), expected)


def test_seed_004_appendix_has_every_cell():
    # 48 cells in the appendix's time column; a miscount means a cell was lost or doubled.
    assert len(SEED_004_APPENDIX) == 48


def _draft_cells() -> list[str]:
    docx = pytest.importorskip("docx")
    document = docx.Document(str(DRAFT))
    for table in document.tables:
        header = [fold(cell.text) for cell in table.rows[0].cells]
        column = next((i for i, name in enumerate(header) if name.startswith("thoi gian")), None)
        if column is not None:
            return [squeeze(row.cells[column].text) for row in table.rows[1:] if squeeze(row.cells[column].text)]
    raise AssertionError("Không thấy cột “Thời gian” trong phụ lục của dự thảo.")


# Cells of the draft allowed to stay unparsed, with the reason. None so far.
DRAFT_UNPARSED_EXCEPTIONS: dict[str, str] = {}


def test_lam_dong_draft_file_parses_every_cell():
    if not REALDOCS.is_dir() or not DRAFT.is_file():
        pytest.skip("realdocs is not available here")
    cells = _draft_cells()
    assert len(cells) == 59
    unparsed = {
        text: result.error
        for text in cells
        if (result := parse(text, P2026_2030)).kind == "unparsed" and text not in DRAFT_UNPARSED_EXCEPTIONS
    }
    assert unparsed == {}
    # The literals above are the file's texts, so the file test and the literal tests agree.
    assert set(cells) == {p.values[0] for p in DRAFT_CELLS}


# ----- the rules one by one --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Trước ngày 15/7/2025", d(15, 7, 2025)),
        ("Trước 30/7/2025", d(30, 7, 2025)),
        ("Chậm nhất ngày 30/9/2025", d(30, 9, 2025)),
        ("Hoàn thành trước ngày 30/11/2025", d(30, 11, 2025)),
        ("Ngày 15/12/2025", d(15, 12, 2025)),
        ("ngày 15 tháng 12 năm 2025", d(15, 12, 2025)),
        ("Trước ngày 15 tháng 12", d(15, 12, 2025)),
        ("Trước ngày 15/12", d(15, 12, 2025)),  # no year: the period's year
        ("Trước ngày 31/01 năm liền kề", d(31, 1, 2026)),
        ("Trước ngày 31/01 năm sau", d(31, 1, 2026)),
        ("  Trước   ngày\n15/7/2025.  ", d(15, 7, 2025)),
    ],
)
def test_deadlines(text, due):
    result = parse(text, H2_2025)
    assert (result.kind, result.due_dates) == ("deadline", (due,))


def test_a_day_written_out_inside_a_time_slot():
    # Lâm Đồng's 2026 communication plan: the year is only in the column header "Thời gian (Năm 2026)".
    result = parse("Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 23 tháng 1", Y2026)
    assert (result.kind, result.due_dates) == ("deadline", (d(23, 1, 2026),))


def test_yearless_date_takes_the_period_year_containing_it():
    assert parse("Trước ngày 15/3", (date(2025, 7, 1), date(2026, 6, 30))).due_dates == (d(15, 3, 2026),)
    assert parse("Trước ngày 15/12", P2026_2030).due_dates == (d(15, 12, 2026),)


@pytest.mark.parametrize(
    ("text", "period", "ends"),
    [
        ("Quý IV/2025", H2_2025, [d(31, 12, 2025)]),
        ("Quý III, IV/2025", H2_2025, [d(30, 9, 2025), d(31, 12, 2025)]),
        ("Quý III và Quý IV năm 2025", H2_2025, [d(30, 9, 2025), d(31, 12, 2025)]),
        ("Quý III/2025 - Quý IV/2025", H2_2025, [d(30, 9, 2025), d(31, 12, 2025)]),
        ("Quý III/2025 – Quý IV/2025", H2_2025, [d(30, 9, 2025), d(31, 12, 2025)]),  # en-dash
        ("Quí IV-2025", H2_2025, [d(31, 12, 2025)]),
        ("Quy III, IV/2025", H2_2025, [d(30, 9, 2025), d(31, 12, 2025)]),
        ("Quý IV", H2_2025, [d(31, 12, 2025)]),  # no year: the period's year
        ("Quý I", Y2026, [d(31, 3, 2026)]),
        ("Tháng 10/2025", H2_2025, [d(31, 10, 2025)]),
        ("Trong tháng 8/2025", H2_2025, [d(31, 8, 2025)]),
        ("Tháng 9-10/2025", H2_2025, [d(30, 9, 2025), d(31, 10, 2025)]),
        ("Tháng 9, 10/2025", H2_2025, [d(30, 9, 2025), d(31, 10, 2025)]),
        ("Tháng 10 năm 2025", H2_2025, [d(31, 10, 2025)]),
        ("Năm 2026", P2026_2030, [d(31, 12, 2026)]),
        ("Trong năm 2026", P2026_2030, [d(31, 12, 2026)]),
        ("6 tháng đầu năm 2026", Y2026, [d(30, 6, 2026)]),
        ("6 tháng cuối năm 2025", H2_2025, [d(31, 12, 2025)]),
        ("9 tháng đầu năm 2026", Y2026, [d(30, 9, 2026)]),
        ("Từ tháng 7 đến tháng 12/2025", H2_2025, [d(31, 12, 2025)]),
        ("Giai đoạn 2026-2030", P2026_2030, [d(31, 12, 2030)]),
    ],
)
def test_period_ends(text, period, ends):
    result = parse(text, period)
    assert (result.kind, result.due_dates, result.frequencies) == ("period_end", tuple(ends), ())


@pytest.mark.parametrize("text", ["Thường xuyên", "Thuong xuyen", "Thường xuyên, liên tục", "Cả năm", "THƯỜNG XUYÊN."])
def test_continuous_is_due_at_every_quarter_end_of_the_period(text):
    result = parse(text, H2_2025)
    assert (result.kind, result.due_dates, result.frequencies) == ("continuous", (d(30, 9, 2025), d(31, 12, 2025)), ("quarter",))


def test_continuous_over_several_years():
    assert parse("Thường xuyên", P2026_2030).due_dates == quarter_ends(2026, 2030)


def test_continuous_from_a_later_start():
    result = parse("Bắt đầu thực hiện từ năm 2027", P2026_2030)
    assert (result.kind, result.due_dates) == ("continuous", quarter_ends(2027, 2030))


@pytest.mark.parametrize(
    ("text", "period", "frequencies", "due"),
    [
        ("Định kỳ hằng quý, 6 tháng, 1 năm", H2_2025, ("quarter", "half_year", "year"), [d(30, 9, 2025), d(31, 12, 2025)]),
        ("Định kỳ hằng tháng, quý, năm", Y2026, ("month", "quarter", "year"), list(every_month_end(2026, 2026))),
        ("Hằng năm", P2026_2030, ("year",), list(each_year(31, 12))),
        ("hàng năm", P2026_2030, ("year",), list(each_year(31, 12))),
        ("Hàng quý", Y2026, ("quarter",), list(quarter_ends(2026, 2026))),
        ("Định kỳ 6 tháng", Y2026, ("half_year",), [d(30, 6, 2026), d(31, 12, 2026)]),
        ("Định kỳ 6 tháng, năm", Y2026, ("half_year", "year"), [d(30, 6, 2026), d(31, 12, 2026)]),
        ("Định kỳ năm, quý", Y2026, ("year", "quarter"), list(quarter_ends(2026, 2026))),  # order as written
        ("Báo cáo 9 tháng: định kỳ 9 tháng", Y2026, ("nine_months",), [d(30, 9, 2026)]),
        ("Trong quý I hằng năm", P2026_2030, ("year",), list(each_year(31, 3))),
        ("Trước ngày 15/12 hằng năm", P2026_2030, ("year",), list(each_year(15, 12))),
        ("Ngày 20 hằng tháng", H2_2025, ("month",), [d(20, m, 2025) for m in range(7, 13)]),
    ],
)
def test_recurring(text, period, frequencies, due):
    result = parse(text, period)
    assert (result.kind, result.frequencies, result.due_dates) == ("recurring", frequencies, tuple(due))


def test_weekly_is_not_a_reporting_frequency():
    result = parse("Định kỳ hằng tuần", H2_2025)
    assert result.kind == "unparsed"


@pytest.mark.parametrize(
    "text",
    [
        "Theo yêu cầu của Bộ Nội vụ",
        "Khi có văn bản hướng dẫn của bộ, ngành Trung ương",
        "Sau khi có Quyết định giao biên chế của Ban Tổ chức Trung ương",
        "Theo các quyết định công bố của các bộ, ngành Trung ương",
        "Theo Điều 17 Nghị định số 52/2015/NĐ-CP",
        "Theo kế hoạch của UBND tỉnh",
        "Khi có yêu cầu",
        "Theo chỉ đạo của Chủ tịch UBND tỉnh",
        "Đột xuất",
    ],
)
def test_events(text):
    result = parse(text, H2_2025)
    assert (result.kind, result.due_dates, result.trigger) == ("event", (), text)


def test_event_trigger_is_the_cleaned_text():
    result = parse("Theo yêu cầu\ncủa   Bộ Nội vụ.", H2_2025)
    assert result.trigger == "Theo yêu cầu của Bộ Nội vụ"
    assert result.text == "Theo yêu cầu\ncủa   Bộ Nội vụ."  # the original is kept as given


def test_dates_inside_an_event_are_citations_not_deadlines():
    # "ngày 28/5/2015" dates the decree; it is not when the task is due.
    assert parse("Sau khi có Quyết định số 12/QĐ-UBND ngày 15/7/2025", H2_2025).kind == "event"


def test_a_date_before_a_reference_wins_and_the_cited_date_is_ignored():
    result = parse("Trước ngày 30/9/2025 theo Công văn số 4625/BNV-CCHC ngày 02/7/2025", H2_2025)
    assert (result.kind, result.due_dates) == ("deadline", (d(30, 9, 2025),))


def test_continuous_before_a_reference_stays_continuous_before_a_condition_becomes_an_event():
    assert parse("Thường xuyên, theo kế hoạch", H2_2025).kind == "continuous"
    assert parse("Thường xuyên khi có yêu cầu", H2_2025).kind == "event"


def test_words_containing_theo_are_not_references():
    assert parse("Thường xuyên theo dõi", H2_2025).kind == "continuous"
    assert parse("Trước ngày 05 của tháng tiếp theo", H2_2025).kind == "recurring"


def test_continuous_with_a_deadline_keeps_both():
    # "Thường xuyên; báo cáo trước ngày …": the task runs (and is reported) every quarter, and the
    # stated date is a hard deadline too, so it joins the quarter ends instead of replacing them.
    result = parse("Thường xuyên; báo cáo trước ngày 15/12/2025", H2_2025)
    assert result.kind == "continuous"
    assert result.due_dates == (d(30, 9, 2025), d(15, 12, 2025), d(31, 12, 2025))
    assert result.frequencies == ("quarter",)


def test_recurring_with_a_deadline_keeps_both():
    result = parse("Hằng quý; tổng kết trước ngày 15/12/2025", H2_2025)
    assert (result.kind, result.due_dates) == ("recurring", (d(30, 9, 2025), d(15, 12, 2025), d(31, 12, 2025)))


def test_recurrence_outranks_continuous():
    result = parse("Thường xuyên, hằng năm", P2026_2030)
    assert (result.kind, result.frequencies, result.due_dates) == ("recurring", ("year",), each_year(31, 12))


def test_event_clause_next_to_a_deadline_clause():
    result = parse("Theo kế hoạch của tỉnh; hoàn thành trước ngày 30/9/2025", H2_2025)
    assert (result.kind, result.due_dates) == ("deadline", (d(30, 9, 2025),))


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Trước ngày 31/02/2025", "Ngày không hợp lệ: 31/02/2025"),
        ("Trước ngày 15/13/2025", "Ngày không hợp lệ: 15/13/2025"),
        ("Trước ngày 30/02", "Ngày không hợp lệ: 30/02"),
        ("Tháng 13/2025", "Tháng không hợp lệ: 13/2025"),
        ("Quý V/2025", "Quý không hợp lệ: V"),
        ("", "Thiếu thời gian thực hiện."),
        ("  \n ", "Thiếu thời gian thực hiện."),
        ("Linh hoạt", "Không hiểu thời gian thực hiện: “Linh hoạt”"),
        ("Sớm nhất có thể.", "Không hiểu thời gian thực hiện: “Sớm nhất có thể”"),
        ("Định kỳ", "Không hiểu thời gian thực hiện: “Định kỳ”"),
    ],
)
def test_unparsed(text, error):
    result = parse(text, H2_2025)
    assert (result.kind, result.due_dates, result.frequencies, result.trigger, result.error) == ("unparsed", (), (), "", error)


def test_an_impossible_date_spoils_the_whole_cell():
    assert parse("Thường xuyên; trước ngày 31/02/2025", H2_2025).error == "Ngày không hợp lệ: 31/02/2025"


def test_decomposed_accents_and_no_accents_read_alike():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Quý III, IV/2025")
    assert parse(decomposed, H2_2025).due_dates == parse("Quy III, IV/2025", H2_2025).due_dates == Q3_Q4_2025[1]


def test_leap_day_every_year_falls_back_to_the_end_of_february():
    result = parse("Ngày 29/02 hằng năm", (date(2027, 1, 1), date(2028, 12, 31)))
    assert result.due_dates == (d(28, 2, 2027), d(29, 2, 2028))


def test_to_json():
    assert parse("Quý III, IV/2025", H2_2025).to_json() == {
        "text": "Quý III, IV/2025",
        "kind": "period_end",
        "due_dates": ["2025-09-30", "2025-12-31"],
        "frequencies": [],
        "trigger": "",
        "error": "",
    }
    assert parse("Hằng quý", H2_2025).to_json()["frequencies"] == ["quarter"]
    assert parse("Khi có yêu cầu", H2_2025).to_json()["trigger"] == "Khi có yêu cầu"


def test_timeframe_is_immutable():
    result = parse("Quý IV/2025", H2_2025)
    with pytest.raises(AttributeError):
        result.kind = "deadline"  # type: ignore[misc]


def test_period_must_not_run_backwards():
    with pytest.raises(ValueError, match="period_start"):
        parse_timeframe("Quý IV/2025", period_start=date(2025, 12, 31), period_end=date(2025, 7, 1))
