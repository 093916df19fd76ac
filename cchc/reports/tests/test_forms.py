"""Forms as data, read from the real annex of Lâm Đồng's 2025 CCHC report (read in place)."""

import io
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from cchc.reports.form_sets import export_docx, export_xlsx, form_set_copy, form_set_save, indicators_of
from cchc.reports.forms_reader import read_annex
from cchc.reports.models import FormSet, Indicator, IndicatorKind
from cchc.reports.values import InvalidValue, check_values, clean_value, format_number, parse_number

REALDOCS = Path(settings.BASE_DIR).parent / "shared" / "realdocs" / "reports"
ANNEX = REALDOCS / "ld_bc_cchc_nam_2025_phuluc.docx"
DOCUMENT = "Công văn số 4625/BNV-CCHC ngày 02/7/2025 của Bộ Nội vụ"
# Lâm Đồng after the 2025 merger: 15 departments counting the industrial-zones board (the annex's
# own note on form 4 item 1.1), 124 communes and wards (the 2025 PAR Index results).
LAM_DONG = {"department": 15, "commune": 124}

real = pytest.mark.skipif(not ANNEX.exists(), reason="../shared/realdocs không có ở máy này")


@pytest.fixture(scope="module")
def annex():
    if not ANNEX.exists():
        pytest.skip("../shared/realdocs không có ở máy này")
    return read_annex(ANNEX.read_bytes(), ANNEX.name)


def texts_of(annex):
    return {(form.number, ind.code): ind.raw_value for form, ind in annex.indicators() if ind.raw_value}


@real
def test_the_seven_forms_and_their_123_indicators(annex):
    assert [f.number for f in annex.forms] == [1, 2, 3, 4, 5, 6, 7]
    assert annex.forms[0].title == "Công tác chỉ đạo điều hành CCHC"
    assert annex.forms[6].title == "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số"
    indicators = [i for _, i in annex.indicators()]
    assert len(indicators) == 123
    assert sum(1 for i in indicators if i.unit_label and i.raw_value) == 108
    # Form 3 continues over a page break in a second Word table; form 7 too.
    assert [i.code for i in annex.forms[2].indicators][-4:] == ["3.2.2", "3.3", "3.3.1", "3.3.2"]
    assert len(annex.forms[6].indicators) == 25


@real
def test_kinds_follow_what_is_printed(annex):
    by = {(f.number, i.code): i for f, i in annex.indicators()}
    plan = by[(1, "2")]
    assert (plan.kind, plan.denominator_code, plan.numerator_code) == (IndicatorKind.RATIO, "2.1", "2.2")
    assert plan.cumulative  # "(Lũy kế đến thời điểm báo cáo)"
    assert by[(1, "2.1")].kind == IndicatorKind.COUNT and by[(1, "2.1")].unit_label == "Nhiệm vụ"
    assert by[(1, "3")].kind == IndicatorKind.GROUP
    assert by[(1, "3.2")].unit_label == "Cơ quan, đơn vị"  # printed blank: borrowed from 3.1
    assert by[(1, "5")].kind == IndicatorKind.YESNO and by[(1, "5")].options == [[0, "Không"], [1, "Có"]]
    assert by[(1, "5.2")].kind == IndicatorKind.CHOICE
    assert by[(1, "5.2")].options == [[0, "Trực tuyến"], [1, "Phát phiếu"], [2, "Kết hợp"]]
    assert by[(6, "1.1")].kind == IndicatorKind.MONEY
    assert by[(3, "2.1")].kind == IndicatorKind.PERCENT  # a typed percentage: no components printed
    assert (by[(4, "1.1")].kind, by[(4, "1.1")].share_scope) == (IndicatorKind.SHARE, "department")
    assert (by[(4, "1.2")].kind, by[(4, "1.2")].share_scope) == (IndicatorKind.SHARE, "commune")
    assert by[(7, "1")].options == [[0, "Chưa"], [1, "Hoàn thành"]]


@pytest.mark.parametrize("text, expected", [
    ("25.898", Decimal(25898)), ("17.454.000", Decimal(17454000)), ("99,10", Decimal("99.10")),
    ("04", Decimal(4)), ("12,49", Decimal("12.49")), ("1.234,5", Decimal("1234.5")), ("51.8", Decimal("51.8")),
    ("100 %", Decimal(100)), ("-", None), ("", None),
])
def test_vietnamese_numbers(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["mười", "1,2,3", "12a", "NaN", "Infinity"])
def test_not_numbers(text):
    with pytest.raises(InvalidValue, match="không phải là một số"):
        parse_number(text)


def test_format_number():
    assert format_number(Decimal(193457)) == "193.457"
    assert format_number(Decimal("99.108"), 2) == "99,11"
    assert format_number(None) == ""


@pytest.mark.django_db
@real
def test_importing_the_real_annex_keeps_valid_values_and_names_the_124_and_15_percent_rows(annex):
    form_set = form_set_save(annex, title=annex.title, document=DOCUMENT, year=2025)
    values, problems = check_values(indicators_of(form_set), texts_of(annex), scope_counts=LAM_DONG)
    assert [(p.form, p.code, p.text) for p in problems] == [(4, "1.1", "15"), (4, "1.2", "124")]
    assert "không ứng với một số đơn vị nguyên" in problems[0].message
    assert "Tỷ lệ phải từ 0 đến 100 %" in problems[1].message
    assert str(problems[1]).startswith("Biểu mẫu 4, chỉ tiêu 1.2 (“124”)")
    # Valid values kept; ratios recomputed from their components, never the typed figure.
    assert values[(1, "2.1")] == 45 and values[(3, "3.1.2")] == 193457
    assert values[(3, "3.1")].quantize(Decimal("0.001")) == Decimal("99.109")
    assert values[(7, "3.1.1")] == 100  # 15 of 15 departments connected
    assert values[(1, "5.2")] == 0  # "Trực tuyến"
    assert (5, "1.1") not in values or values[(5, "1.1")] is None  # "-": no data, not zero
    assert (4, "1.1") not in values and (4, "1.2") not in values


@pytest.mark.django_db
@real
def test_export_reads_back_as_the_original_forms(annex, tmp_path):
    form_set = form_set_save(annex, title=annex.title, document=DOCUMENT, year=2025)
    values, _ = check_values(indicators_of(form_set), texts_of(annex), scope_counts=LAM_DONG)
    data = export_docx(form_set, values, issuer="ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", place="Lâm Đồng")
    again = read_annex(data, "phuluc.docx")
    original = [(f.number, i.code, i.name, i.unit_label, i.kind) for f, i in annex.indicators()]
    assert [(f.number, i.code, i.name, i.unit_label, i.kind) for f, i in again.indicators()] == original
    shown = {(f.number, i.code): i.raw_value for f, i in again.indicators()}
    assert shown[(3, "3.1.2")] == "193.457" and shown[(1, "2")] == "100"
    assert shown[(4, "1.2")] == ""  # the invalid "124" is not carried over
    document = docx.Document(io.BytesIO(data))
    assert "PHỤ LỤC" in document.paragraphs[0].text or any("PHỤ LỤC" in p.text for p in document.paragraphs)

    workbook = openpyxl.load_workbook(io.BytesIO(export_xlsx(form_set, values)))
    assert workbook.sheetnames == [f"Biểu mẫu {n}" for n in range(1, 8)]
    sheet = workbook["Biểu mẫu 3"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["3.1.1."][1:4] == ("Tổng số hồ sơ TTHC đã giải quyết xong", "Hồ sơ", "195.197")
    assert rows["3.1."][3] == "99,11"


@pytest.mark.django_db
def test_libreoffice_opens_the_exported_annex(annex, tmp_path):
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice chưa được cài")
    form_set = form_set_save(annex, title=annex.title, document=DOCUMENT, year=2025)
    (tmp_path / "phuluc.docx").write_bytes(export_docx(form_set, issuer="ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", place="Lâm Đồng"))
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "txt:Text", "--outdir", str(tmp_path), str(tmp_path / "phuluc.docx")],
        check=True, capture_output=True, timeout=120,
    )
    text = (tmp_path / "phuluc.txt").read_text(encoding="utf-8", errors="replace")
    assert "Tỷ lệ hồ sơ TTHC do UBND cấp xã tiếp nhận được giải quyết đúng hạn" in text


@pytest.mark.django_db
def test_load_command_versions_and_copy_to_a_new_year(annex):
    call_command("reports_load_forms", str(ANNEX), "--year", "2025")
    call_command("reports_load_forms", str(ANNEX), "--year", "2025")
    first, second = FormSet.objects.filter(year=2025).order_by("version")
    assert (first.version, second.version) == (1, 2)
    assert Indicator.objects.filter(form__form_set=first).count() == 123
    copy = form_set_copy(second, year=2026)
    assert copy.previous == second and copy.version == 1
    ratio = Indicator.objects.get(form__form_set=copy, form__number=1, code="2")
    assert (ratio.numerator.code, ratio.denominator.code) == ("2.2", "2.1")
    assert ratio.numerator.form.form_set == copy  # components point inside the copy, not the source
    assert Indicator.objects.get(form__form_set=copy, form__number=1, code="2.1").parent.form.form_set == copy


@pytest.mark.django_db
def test_load_command_refuses_what_is_not_an_annex(tmp_path):
    missing = tmp_path / "khong-co.docx"
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("reports_load_forms", str(missing), "--year", "2025")
    empty = tmp_path / "rong.docx"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="Tệp rỗng"):
        call_command("reports_load_forms", str(empty), "--year", "2025")
    corrupt = tmp_path / "hong.docx"
    corrupt.write_bytes(b"PK\x03\x04 not really a docx")
    with pytest.raises(CommandError, match="bị hỏng"):
        call_command("reports_load_forms", str(corrupt), "--year", "2025")
    plain = tmp_path / "vanban.txt"
    plain.write_text("Báo cáo kết quả CCHC quý I\nKhông có biểu mẫu nào.", encoding="utf-8")
    with pytest.raises(CommandError, match="Không tìm thấy biểu mẫu nào"):
        call_command("reports_load_forms", str(plain), "--year", "2025")
    assert not FormSet.objects.exists()


class _Ind:
    def __init__(self, kind, options=(), unit_label=""):
        self.kind, self.options, self.unit_label = kind, list(options), unit_label


@pytest.mark.parametrize("kind, text, message", [
    (IndicatorKind.COUNT, "-3", "không được âm"),
    (IndicatorKind.COUNT, "2,5", "phải là số nguyên"),
    (IndicatorKind.PERCENT, "100,5", "từ 0 đến 100"),
    (IndicatorKind.YESNO, "2", "Chỉ nhận các mã: Không = 0; Có = 1"),
    (IndicatorKind.GROUP, "5", "không nhận số liệu"),
])
def test_values_refused_with_a_clear_message(kind, text, message):
    with pytest.raises(InvalidValue, match=message):
        clean_value(_Ind(kind, [[0, "Không"], [1, "Có"]]), text)


def test_share_in_a_units_own_report_is_its_yes_or_no():
    share = _Ind(IndicatorKind.SHARE, [[0, "Chưa hoàn thành"], [1, "Đã hoàn thành"]])
    assert clean_value(share, "1") == 1
    with pytest.raises(InvalidValue, match="Chỉ nhận các mã"):
        clean_value(share, "15")
    assert clean_value(share, "33,33", scope_count=3) == Decimal("33.33")  # 1 of 3
    with pytest.raises(InvalidValue, match="không ứng với một số đơn vị nguyên"):
        clean_value(share, "40", scope_count=3)


@pytest.mark.django_db
def test_shipped_set_matches_the_real_annex_and_round_trips_through_excel(tmp_path):
    from cchc.reports.form_sets import load_shipped_form_set

    shipped = load_shipped_form_set(2026)
    assert load_shipped_form_set(2026) == shipped  # idempotent
    assert Indicator.objects.filter(form__form_set=shipped).count() == 123
    assert [k for k, _ in shipped.outline][:3] == ["I", "I.1", "I.2"]
    if ANNEX.exists():
        annex = read_annex(ANNEX.read_bytes(), ANNEX.name)
        original = [(f.number, i.code, i.name, i.unit_label, i.kind, i.options) for f, i in annex.indicators()]
        assert [(i.form.number, i.code, i.name, i.unit_label, i.kind, i.options) for i in indicators_of(shipped)] == original
    out = tmp_path / "bieumau.xlsx"
    call_command("reports_export_forms", "--year", "2026", "-o", str(out))
    call_command("reports_load_forms", str(out), "--year", "2026")
    again = FormSet.objects.get(year=2026, version=2)
    fields = lambda fs: [  # noqa: E731
        (i.form.number, i.code, i.name, i.unit_label, i.kind, i.options, i.share_scope, i.cumulative,
         i.numerator.code if i.numerator else "", i.parent.code if i.parent else "")
        for i in indicators_of(fs)
    ]
    assert fields(again) == fields(shipped)


@pytest.mark.django_db
def test_a_bad_definition_table_names_each_row_and_saves_nothing(tmp_path):
    bad = tmp_path / "sai.csv"
    bad.write_text(
        "Biểu mẫu,Tên biểu mẫu,STT,Chỉ tiêu thống kê,Đơn vị tính,Loại,Mã chấp nhận,Tử số,Mẫu số\n"
        "một,X,1,Số văn bản,Văn bản,Số lượng,,,\n"
        "1,X,2,Tỷ lệ,%,ratio,,2.2,2.1\n"
        "1,X,3,Khảo sát,,yesno,0 = Không,,\n"
        "1,X,4,Gì đó,,hình tròn,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        call_command("reports_load_forms", str(bad), "--year", "2026")
    message = str(error.value)
    assert "Dòng 2: cột “Biểu mẫu” phải là số" in message
    assert "Dòng 5: loại chỉ tiêu “hình tròn” không hợp lệ" in message
    assert "chỉ tiêu 2: tỷ lệ phải có tử số và mẫu số" in message
    assert "chỉ tiêu 3: cần ít nhất hai mã chấp nhận" in message
    assert not FormSet.objects.exists()
