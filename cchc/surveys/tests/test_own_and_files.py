"""A unit's own questionnaire, and the files handled per unit uploaded as a table (the base of the
sample): each refused clearly with nothing saved, and kept to the unit's own reach."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cchc.documents.tables import write_csv, write_xlsx
from cchc.surveys import services
from cchc.surveys.models import Questionnaire, QuestionnaireKind, Survey
from cchc.test import BINH_GIANG, PHU_LY, unit, user

pytestmark = pytest.mark.django_db
YEAR = 2031  # a year the demo has no surveys in


def signed_in(username):
    c = Client()
    c.force_login(user(username))
    return c


def _survey(code, desk="", kind="sipas"):
    q = Questionnaire.objects.filter(kind=kind, year=YEAR, owner=None).first() or services.load_questionnaire(
        services.national(kind), year=YEAR)
    return Survey.objects.create(questionnaire=q, unit=unit(code), desk=desk, opens_on=datetime.date(YEAR, 1, 1),
                                 closes_on=datetime.date(YEAR, 12, 31))


# --- a unit's own questionnaire --------------------------------------------------------------------

def test_a_unit_creates_its_own_questionnaire_from_the_sipas_questions_and_another_unit_cannot_see_it():
    c = signed_in("canbo.binhgiang")
    page = c.get("/khao-sat/phieu/moi/")
    assert page.status_code == 200 and "Tạo phiếu khảo sát riêng của đơn vị" in page.content.decode()
    done = c.post("/khao-sat/phieu/moi/", {"unit": unit(BINH_GIANG).pk, "title": "Phiếu lấy ý kiến về bộ phận một cửa xã",
                                           "year": YEAR})
    assert done.status_code == 302
    q = Questionnaire.objects.get(title="Phiếu lấy ý kiến về bộ phận một cửa xã")
    assert (q.kind, q.owner.code, q.year, q.questions.count()) == (QuestionnaireKind.OWN, BINH_GIANG, YEAR, 20)
    detail = c.get(f"/khao-sat/phieu/{q.pk}/").content.decode()
    assert f"Phiếu khảo sát riêng của đơn vị của {unit(BINH_GIANG).display_name}" in detail
    assert "Nhập phiên bản mới từ Excel" in detail  # its own people manage it
    assert c.get(f"/khao-sat/phieu/{q.pk}/xuat-excel/").status_code == 200
    other = signed_in("canbo.phuly")
    assert other.get(f"/khao-sat/phieu/{q.pk}/").status_code == 404
    assert other.get(f"/khao-sat/phieu/{q.pk}/xuat-excel/").status_code == 404
    # Phủ Lý cannot open a survey on Bình Giang's questionnaire: it is not offered, and refused if posted.
    index = other.get("/khao-sat/").content.decode()
    assert "Phiếu lấy ý kiến về bộ phận một cửa xã" not in index
    before = Survey.objects.count()
    refused = other.post("/khao-sat/", {"questionnaire": q.pk, "unit": unit(PHU_LY).pk, "desk": "", "opens_on": "01/01/2031",
                                        "closes_on": "31/12/2031"})
    assert refused.status_code == 200 and Survey.objects.count() == before


def test_its_own_questionnaire_counts_in_report_item_5_as_a_citizen_survey():
    q = services.create_own(unit(BINH_GIANG), title="Phiếu riêng", year=YEAR, by=user("canbo.binhgiang"))
    from cchc import records

    survey = Survey.objects.create(questionnaire=q, unit=unit(BINH_GIANG), opens_on=datetime.date(YEAR, 1, 1),
                                   closes_on=datetime.date(YEAR, 12, 31))
    services.enter_paper(survey, [{x.code: "5" for x in services.questions_of(survey)}], by=user("canbo.binhgiang"),
                         day=datetime.date(YEAR, 3, 1))
    assert records.count("survey_responses", datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31), {"kind": "citizen"},
                         unit=unit(BINH_GIANG)) == 1
    assert services.results(survey).index == 100


def test_an_own_questionnaire_from_a_spreadsheet_with_a_bad_row_saves_nothing():
    header = services.XLSX_COLUMNS
    good = ["1", "Tiếp đón", "1", "1.1", "Cán bộ tiếp đón lịch sự", "Sự hài lòng", "1", "5", "", "Có"]
    bad = ["1", "Tiếp đón", "1", "1.2", "Thời gian chờ", "Ý kiến khác", "1", "5", "", "Có"]
    c = signed_in("canbo.binhgiang")
    before = Questionnaire.objects.count()
    upload = SimpleUploadedFile("phieu.csv", write_csv(header, [good, bad]), content_type="text/csv")
    page = c.post("/khao-sat/phieu/moi/", {"unit": unit(BINH_GIANG).pk, "title": "Phiếu riêng", "year": YEAR, "file": upload})
    assert page.status_code == 400
    assert "Dòng 3: nội dung “Ý kiến khác” phải là Nhận định, Sự hài lòng hoặc Sự mong đợi." in page.content.decode()
    assert Questionnaire.objects.count() == before
    upload = SimpleUploadedFile("phieu.csv", write_csv(header, [good]), content_type="text/csv")
    assert c.post("/khao-sat/phieu/moi/", {"unit": unit(BINH_GIANG).pk, "title": "Phiếu riêng", "year": YEAR,
                                           "file": upload}).status_code == 302
    assert Questionnaire.objects.get(title="Phiếu riêng", owner=unit(BINH_GIANG)).questions.count() == 1
    # another unit's own questionnaire cannot be made by this officer
    with pytest.raises(PermissionDenied):
        services.create_own(unit(PHU_LY), title="Không", year=YEAR, by=user("canbo.binhgiang"))
    wrong_unit = c.post("/khao-sat/phieu/moi/", {"unit": unit(PHU_LY).pk, "title": "Không", "year": YEAR})
    assert wrong_unit.status_code == 400 and not Questionnaire.objects.filter(title="Không").exists()
    not_a_table = SimpleUploadedFile("phieu.exe", b"MZ...", content_type="application/octet-stream")
    page = c.post("/khao-sat/phieu/moi/", {"unit": unit(BINH_GIANG).pk, "title": "Khác", "year": YEAR, "file": not_a_table})
    assert page.status_code == 400 and "Chỉ nhận tệp .xlsx hoặc .csv." in page.content.decode()


# --- files handled per unit -------------------------------------------------------------------------

def test_the_files_table_round_trips_and_sets_each_surveys_sample():
    desk = _survey(BINH_GIANG, "Bộ phận Một cửa")
    _survey(PHU_LY)
    c = signed_in("canbo.binhgiang")
    got = c.get(f"/khao-sat/so-ho-so/?nam={YEAR}")
    assert got.status_code == 200 and got["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(got.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(services.FILES_COLUMNS)
    assert [r[1] for r in rows[1:]] == [BINH_GIANG]  # only its own surveys, not Phủ Lý's
    filled = [list(rows[0]), [*rows[1][:5], "1.250"]]
    data = write_xlsx(filled[0], filled[1:], title="Số hồ sơ")
    done = c.post("/khao-sat/so-ho-so/", {"year": YEAR, "file": SimpleUploadedFile("so-ho-so.xlsx", data)}, follow=True)
    assert "Đã cập nhật số hồ sơ đã giải quyết của 1 đợt khảo sát." in done.content.decode()
    desk.refresh_from_db()
    assert desk.files_handled == 1250
    assert services.progress(desk).target == 125  # 10 % of 1 250


def test_a_one_stop_export_by_name_without_diacritics_and_desk_is_understood():
    desk = _survey(BINH_GIANG, "Bộ phận Một cửa")
    n = services.import_files_handled(write_csv(["Đơn vị", "Bộ phận", "Số hồ sơ đã giải quyết"],
                                                [["UBND xa Binh Giang", "bo phan mot cua", "640"]]), "mot-cua.csv",
                                      year=YEAR, user=user("canbo.binhgiang"))
    desk.refresh_from_db()
    assert (n, desk.files_handled) == (1, 640)


def test_a_bad_files_table_is_refused_row_by_row_and_nothing_saved():
    mine = _survey(BINH_GIANG, "Bộ phận Một cửa")
    theirs = _survey(PHU_LY)
    officer = user("canbo.binhgiang")
    rows = [[mine.pk, "", "", "", "", "700"],
            ["", "", "Xã Không Có Thật", "", "", "10"],
            ["", "", "", "", "", "nhiều"],
            [theirs.pk, "", "", "", "", "50"],
            ["", PHU_LY, "", "", "", "50"],
            [mine.pk, "", "", "", "", "-3"]]
    with pytest.raises(ValidationError) as exc:
        services.import_files_handled(write_csv(services.FILES_COLUMNS, rows), "x.csv", year=YEAR, user=officer)
    messages = exc.value.messages
    assert "Dòng 3: không tìm thấy đơn vị “Xã Không Có Thật”." in messages
    assert "Dòng 4: số hồ sơ “nhiều” phải là số nguyên không âm." in messages
    assert f"Dòng 5: đợt khảo sát số {theirs.pk} không phải của đơn vị bạn trong năm {YEAR}." in messages
    assert f"Dòng 6: {unit(PHU_LY).name} không có đợt khảo sát năm {YEAR} mà bạn quản lý." in messages
    assert "Dòng 7: số hồ sơ “-3” phải là số nguyên không âm." in messages
    mine.refresh_from_db()
    assert mine.files_handled is None  # the good first row was not saved either
    with pytest.raises(ValidationError) as exc:
        services.import_files_handled(b"", "x.csv", year=YEAR, user=officer)
    assert exc.value.messages == ["Tệp rỗng: không có dữ liệu để nhập."]
    with pytest.raises(ValidationError) as exc:
        services.import_files_handled(write_csv(["Tên", "Số"], [["a", "1"]]), "x.csv", year=YEAR, user=officer)
    assert "Số hồ sơ đã giải quyết" in exc.value.messages[0]
    c = signed_in("canbo.binhgiang")
    page = c.post("/khao-sat/so-ho-so/", {"year": YEAR, "file": SimpleUploadedFile("x.csv", write_csv(services.FILES_COLUMNS, rows))},
                  follow=True)
    assert "Dòng 3: không tìm thấy đơn vị" in page.content.decode()
    assert Client().get(f"/khao-sat/so-ho-so/?nam={YEAR}").status_code == 302  # signed-in only
