"""The public answer page, access by unit, the paper grid, QR codes, flat queries."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from cchc.surveys import services
from cchc.surveys.models import Response, Survey
from cchc.test import BINH_GIANG, count_queries, unit, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    q = services.load_questionnaire(services.national("sipas"), year=timezone.localdate().year)
    today = timezone.localdate()
    return Survey.objects.create(questionnaire=q, unit=unit(BINH_GIANG), desk="Một cửa xã Bình Giang",
                                 opens_on=today - datetime.timedelta(days=5), closes_on=today + datetime.timedelta(days=5),
                                 files_handled=500)


def answers(survey, value=4):
    return {q.code: str(value) for q in services.questions_of(survey)}


def signed_in(username):
    c = Client()
    c.force_login(user(username))
    return c


def test_a_citizen_answers_without_an_account_and_a_second_sheet_the_same_day_is_refused(survey):
    c = Client(enforce_csrf_checks=False)
    url = f"/khao-sat/p/{survey.token}/"
    page = c.get(url)
    assert page.status_code == 200
    assert "Không lưu thông tin cá nhân" in page.content.decode() and "cchc_ks" in page.cookies
    done = c.post(url, answers(survey))
    assert done.status_code == 302 and done["Location"].endswith("/cam-on/")
    again = c.post(url, answers(survey, 5))
    assert again.status_code == 409
    assert "Thiết bị này đã gửi phiếu cho đợt khảo sát hôm nay." in again.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1


def test_without_the_device_cookie_the_sheet_is_refused(survey):
    response = Client().post(f"/khao-sat/p/{survey.token}/", answers(survey))
    assert response.status_code == 400
    assert "chưa nhận cookie" in response.content.decode()
    assert not Response.objects.filter(survey=survey).exists()


def test_out_of_range_refused_with_the_choices_kept(survey):
    c = Client()
    c.get(f"/khao-sat/p/{survey.token}/")
    values = answers(survey)
    values["2.3"] = "9"
    response = c.post(f"/khao-sat/p/{survey.token}/", values)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Câu 2.3: mức 9 nằm ngoài thang 1–5." in body
    assert 'name="1.1" value="4" checked' in body
    assert not Response.objects.filter(survey=survey).exists()


def test_a_closed_survey_says_so_and_refuses(survey):
    survey.closed = True
    survey.save()
    c = Client()
    page = c.get(f"/khao-sat/p/{survey.token}/").content.decode()
    assert "Đợt khảo sát đã kết thúc" in page and "<form" not in page
    response = c.post(f"/khao-sat/p/{survey.token}/", answers(survey))
    assert response.status_code == 400 and "không nhận thêm phiếu" in response.content.decode()
    assert not Response.objects.filter(survey=survey).exists()


def test_the_rate_limit_refuses_past_the_hourly_limit(survey, settings):
    settings.SURVEY_RATE_LIMIT_PER_HOUR = 2
    from django.core.cache import cache

    cache.clear()
    codes = []
    for _ in range(3):
        c = Client()
        c.get(f"/khao-sat/p/{survey.token}/")
        codes.append(c.post(f"/khao-sat/p/{survey.token}/", answers(survey)).status_code)
    assert codes == [302, 302, 429]
    assert Response.objects.filter(survey=survey).count() == 2
    cache.clear()


def test_the_public_sees_published_aggregates_only(survey):
    c = Client()
    assert c.get(f"/khao-sat/p/{survey.token}/ket-qua/").status_code == 404
    survey.published = True
    survey.save()
    page = c.get(f"/khao-sat/p/{survey.token}/ket-qua/")
    assert page.status_code == 200 and "Chỉ số chung" in page.content.decode()
    assert c.get(f"/khao-sat/{survey.pk}/").status_code == 302  # staff page: sign in first


def test_a_unit_sees_its_own_survey_only(survey):
    assert signed_in("canbo.binhgiang").get(f"/khao-sat/{survey.pk}/").status_code == 200
    other = signed_in("canbo.phuly")
    assert other.get(f"/khao-sat/{survey.pk}/").status_code == 404
    assert other.get(f"/khao-sat/{survey.pk}/phieu-giay/").status_code == 404
    assert other.get(f"/khao-sat/{survey.pk}/ma-qr.svg").status_code == 404
    assert "Một cửa xã Bình Giang" not in other.get("/khao-sat/").content.decode()


def test_qr_code_is_an_svg_of_the_public_link(survey):
    response = signed_in("canbo.binhgiang").get(f"/khao-sat/{survey.pk}/ma-qr.svg")
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<svg")
    page = signed_in("canbo.binhgiang").get(f"/khao-sat/{survey.pk}/in-ma-qr/").content.decode()
    assert f"/khao-sat/p/{survey.token}/" in page and "<svg" in page


def test_paper_grid_all_or_none(survey):
    c = signed_in("canbo.binhgiang")
    codes = [q.code for q in services.questions_of(survey)]
    data = {"so_dong": "3", "ngay": timezone.localdate().strftime("%d/%m/%Y")}
    for i in (1, 2):
        data.update({f"p{i}-{code}": "5" for code in codes})
    data["p2-3.3"] = "8"
    bad = c.post(f"/khao-sat/{survey.pk}/phieu-giay/", data)
    assert bad.status_code == 400 and "Phiếu 2 – Câu 3.3: mức 8 nằm ngoài thang 1–5." in bad.content.decode()
    assert not Response.objects.filter(survey=survey).exists()
    data["p2-3.3"] = "4"
    ok = c.post(f"/khao-sat/{survey.pk}/phieu-giay/", data)
    assert ok.status_code == 302
    assert Response.objects.filter(survey=survey, channel="paper").count() == 2


def test_survey_page_queries_stay_flat(survey):
    c = signed_in("canbo.binhgiang")
    for i in range(3):
        services.submit_online(survey, answers(survey), device=f"{i:064d}", day=timezone.localdate())
    small = count_queries(c, f"/khao-sat/{survey.pk}/")
    for i in range(3, 40):
        services.submit_online(survey, answers(survey, 1 + i % 5), device=f"{i:064d}", day=timezone.localdate())
    assert count_queries(c, f"/khao-sat/{survey.pk}/") == small
    assert count_queries(c, "/khao-sat/") == count_queries(c, "/khao-sat/")


def test_the_records_list_of_form_1_item_5(survey):
    services.submit_online(survey, answers(survey), device="a" * 64, day=timezone.localdate())
    day = timezone.localdate().isoformat()
    page = signed_in("canbo.binhgiang").get(f"/nguon/survey_responses/?don_vi={BINH_GIANG}&tu={day}&den={day}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Phiếu khảo sát sự hài lòng của người dân, tổ chức nhận được trong kỳ" in body
    assert "Một cửa xã Bình Giang" in body and "Trực tuyến" in body
