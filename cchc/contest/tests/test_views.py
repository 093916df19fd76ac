"""The public pages (register, sit a round without JavaScript, result, published ranking), the
staff's pages, access from outside, bad input, flat queries."""

import datetime
import io
import re

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from cchc.contest import services
from cchc.contest.models import Attempt, Contest, Participant, Question, Round
from cchc.test import BINH_GIANG, PHU_LY, count_queries, unit, user

from .factories import make_contest, right_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest():
    return make_contest()


def signed_in(username):
    c = Client()
    c.force_login(user(username))
    return c


def registered(contest, phone="0912345678", code=BINH_GIANG):
    c = Client()
    r = c.post(f"/cuoc-thi/{contest.slug}/dang-ky/", {"name": "Nguyễn Thị Hoa", "phone": phone, "unit": unit(code).pk})
    assert r.status_code == 302
    return c


def started(c, contest):
    r = c.post(f"/cuoc-thi/{contest.slug}/dot-1/bat-dau/")
    assert r.status_code == 302, r.content.decode()[:500]
    return Attempt.objects.get(token=r["Location"].split("/")[-2])


def form_of(attempt, prediction="12"):
    data = {f"q{q}": cs for q, cs in right_answers(attempt).items()}
    return {**data, "prediction": prediction, "key": "key-" + attempt.token}


def test_a_citizen_registers_sits_the_round_and_sees_the_result(contest):
    contest, round_ = contest
    page = Client().get(f"/cuoc-thi/{contest.slug}/")
    html = page.content.decode()
    assert page.status_code == 200 and contest.title in html and "Đăng ký dự thi" in html and "Đang mở" in html
    assert "Cổng thông tin điện tử" in html  # the portal's public layout
    c = registered(contest, "+84 912 345 678")
    person = Participant.objects.get(contest=contest)
    assert person.phone == "0912345678"
    html = c.get(f"/cuoc-thi/{contest.slug}/").content.decode()
    assert "Vào thi đợt 1" in html and "091****678" in html
    attempt = started(c, contest)
    take = c.get(f"/cuoc-thi/bai-thi/{attempt.token}/").content.decode()
    # The questions in their drawn order, the choices in their shuffled order, plain form fields.
    positions = [take.index(f'name="q{q}" value="{cs[0]}"') for q, cs in attempt.questions]
    assert positions == sorted(positions)
    for q, cs in attempt.questions:
        at = [take.index(f'value="{c_}"') for c_ in cs]
        assert at == sorted(at)
    assert 'name="prediction"' in take and "bao nhiêu người tham gia" in take and "<script" not in take
    done = c.post(f"/cuoc-thi/bai-thi/{attempt.token}/", form_of(attempt))
    assert done.status_code == 302 and done["Location"].endswith("/ket-qua/")
    result = c.get(done["Location"]).content.decode()
    assert "5/5" in result and "Đáp án và giải thích được công bố sau khi" in result
    # A retry of the same submission (same key) shows the same result and counts nothing.
    again = c.post(f"/cuoc-thi/bai-thi/{attempt.token}/", {**form_of(attempt), "prediction": "999"}, follow=True)
    assert "đã được nộp trước đó" in again.content.decode()
    attempt.refresh_from_db()
    assert attempt.prediction == 12 and Attempt.objects.filter(round=round_, counted=True).count() == 1


def test_duplicate_phone_registration_reuses_the_participant(contest):
    contest, _ = contest
    registered(contest, "0912345678")
    c = Client()
    r = c.post(f"/cuoc-thi/{contest.slug}/dang-ky/", {"name": "Tên khác", "phone": "0912.345.678", "address": "Thôn Đông"},
               follow=True)
    assert "đã đăng ký dự thi với tên Nguyễn Thị Hoa" in r.content.decode()
    assert Participant.objects.filter(contest=contest).count() == 1


def test_malformed_phone_is_refused_with_nothing_saved(contest):
    contest, _ = contest
    r = Client().post(f"/cuoc-thi/{contest.slug}/dang-ky/", {"name": "Nguyễn Văn A", "phone": "12345", "address": "Thôn Bắc"})
    assert r.status_code == 400
    assert "Số điện thoại “12345” không hợp lệ" in r.content.decode()
    assert not Participant.objects.filter(contest=contest).exists()


def test_script_in_the_name_is_shown_as_text(contest):
    contest, _ = contest
    c = Client()
    c.post(f"/cuoc-thi/{contest.slug}/dang-ky/", {"name": "<script>alert(1)</script>", "phone": "0987654321", "address": "x"})
    html = c.get(f"/cuoc-thi/{contest.slug}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html


def test_starting_without_registering_or_in_a_closed_round_is_refused(contest):
    contest, round_ = contest
    r = Client().post(f"/cuoc-thi/{contest.slug}/dot-1/bat-dau/")
    assert r.status_code == 400 and "Vui lòng đăng ký" in r.content.decode()
    c = registered(contest)
    Round.objects.filter(pk=round_.pk).update(opens_at=timezone.now() - datetime.timedelta(days=9),
                                              closes_at=timezone.now() - datetime.timedelta(days=2))
    r = c.post(f"/cuoc-thi/{contest.slug}/dot-1/bat-dau/")
    assert r.status_code == 400 and "Đợt 1 đã kết thúc lúc" in r.content.decode()
    assert not Attempt.objects.filter(round=round_).exists()


def test_late_submission_is_refused_clearly_and_nothing_counted(contest):
    contest, round_ = contest
    c = registered(contest)
    attempt = started(c, contest)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=timezone.now() - datetime.timedelta(minutes=20),
                                                 deadline=timezone.now() - datetime.timedelta(minutes=10))
    r = c.post(f"/cuoc-thi/bai-thi/{attempt.token}/", form_of(attempt))
    assert r.status_code == 409
    assert "Đã hết thời gian làm bài (10 phút" in r.content.decode()
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not attempt.counted


def test_submission_after_the_round_closes_is_refused(contest):
    contest, round_ = contest
    c = registered(contest)
    attempt = started(c, contest)
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    r = c.post(f"/cuoc-thi/bai-thi/{attempt.token}/", form_of(attempt))
    assert r.status_code == 409 and "bài nộp sau thời điểm này không được tính" in r.content.decode()
    assert not Attempt.objects.filter(round=round_, counted=True).exists()


def test_unknown_question_or_choice_ids_are_refused_and_answers_kept(contest):
    contest, round_ = contest
    c = registered(contest)
    attempt = started(c, contest)
    data = form_of(attempt)
    r = c.post(f"/cuoc-thi/bai-thi/{attempt.token}/", {**data, "q999999": "1"})
    assert r.status_code == 400 and "câu hỏi không thuộc bài thi này" in r.content.decode()
    q0, cs0 = attempt.questions[0]
    r = c.post(f"/cuoc-thi/bai-thi/{attempt.token}/", {**data, f"q{q0}": "999999"})
    html = r.content.decode()
    assert r.status_code == 400 and "phương án trả lời không thuộc câu hỏi" in html
    q1, _ = attempt.questions[1]
    assert re.search(rf'name="q{q1}" value="{data[f"q{q1}"][0]}" checked', html)  # the other answers are kept
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_results_are_public_only_once_published_and_phones_masked(contest):
    contest, round_ = contest
    c = registered(contest)
    attempt = started(c, contest)
    c.post(f"/cuoc-thi/bai-thi/{attempt.token}/", form_of(attempt))
    url = f"/cuoc-thi/{contest.slug}/dot-1/ket-qua/"
    assert Client().get(url).status_code == 404
    staff = signed_in("dieuphoi")
    manage = f"/cuoc-thi/quan-ly/{contest.pk}/dot/{round_.pk}/"
    r = staff.post(manage + "cong-bo/", {"publish": "1"}, follow=True)
    assert "chưa kết thúc" in r.content.decode()
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    staff.post(manage + "cong-bo/", {"publish": "1"})
    html = Client().get(url).content.decode()
    assert "Giải Nhất" in html and "Nguyễn Thị Hoa" in html and "091****678" in html and "0912345678" not in html
    assert unit(BINH_GIANG).name in html
    # After the close the citizen sees the answers and explanations.
    assert "(đáp án đúng)" in c.get(f"/cuoc-thi/bai-thi/{attempt.token}/ket-qua/").content.decode()
    book = load_workbook(io.BytesIO(staff.get(manage + "nguoi-dat-giai.xlsx").content))
    assert book.worksheets[0].cell(2, 3).value == "Nguyễn Thị Hoa"


# --- staff ----------------------------------------------------------------------------------------------


def test_coordinator_manages_rounds_and_sees_participation(contest):
    contest, round_ = contest
    c = registered(contest)
    started_attempt = started(c, contest)
    c.post(f"/cuoc-thi/bai-thi/{started_attempt.token}/", form_of(started_attempt))
    staff = signed_in("dieuphoi")
    page = staff.get(f"/cuoc-thi/quan-ly/{contest.pk}/").content.decode()
    assert "Người tham gia theo đơn vị" in page and unit(BINH_GIANG).name in page and "12 câu đang dùng" in page
    r = staff.post(f"/cuoc-thi/quan-ly/{contest.pk}/", {
        "round-number": "2", "round-title": "Tuần 2", "round-opens_at": "01/03/2026 08:00", "round-closes_at": "07/03/2026 17:00",
        "round-questions_count": "5", "round-time_limit_minutes": "15", "round-max_attempts": "2", "round-counted_rule": "best",
        "round-prize_first": "1", "round-prize_second": "1", "round-prize_third": "1", "round-prize_consolation": "3",
    })
    assert r.status_code == 302
    second = Round.objects.get(contest=contest, number=2)
    assert timezone.localtime(second.opens_at).strftime("%d/%m/%Y %H:%M") == "01/03/2026 08:00"
    assert second.opens_at.astimezone(datetime.UTC).hour == 1  # Vietnam time is UTC+7
    r = staff.post(f"/cuoc-thi/quan-ly/{contest.pk}/", {
        "round-number": "3", "round-opens_at": "07/03/2026 08:00", "round-closes_at": "01/03/2026 17:00",
        "round-questions_count": "5", "round-time_limit_minutes": "15", "round-max_attempts": "2", "round-counted_rule": "first",
        "round-prize_first": "1", "round-prize_second": "1", "round-prize_third": "1", "round-prize_consolation": "3",
    })
    assert r.status_code == 400 and "Thời điểm đóng phải sau thời điểm mở." in r.content.decode()
    assert not Round.objects.filter(contest=contest, number=3).exists()


def test_bank_import_through_the_page_refuses_a_bad_file_and_saves_nothing(contest):
    contest, _ = contest
    staff = signed_in("dieuphoi")
    before = Question.objects.filter(contest=contest).count()
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = staff.post(f"/cuoc-thi/quan-ly/{contest.pk}/", {"bank-file": SimpleUploadedFile("cau-hoi.xlsx", b"not a workbook")})
    assert r.status_code == 400 and "Không nhập được tệp; chưa lưu câu hỏi nào" in r.content.decode()
    good = SimpleUploadedFile("cau-hoi.xlsx", services.template_xlsx())
    r = staff.post(f"/cuoc-thi/quan-ly/{contest.pk}/", {"bank-file": good}, follow=True)
    assert "thêm 1, cập nhật 0" in r.content.decode()
    assert Question.objects.filter(contest=contest).count() == before + 1
    exported = load_workbook(io.BytesIO(staff.get(f"/cuoc-thi/quan-ly/{contest.pk}/ngan-hang-cau-hoi.xlsx").content)).active
    assert exported.max_row == before + 2


def test_people_outside_the_contest_get_404_and_citizens_are_sent_to_login(contest):
    contest, round_ = contest
    for username in ("canbo.binhgiang", "bientap"):  # bientap edits for Văn phòng UBND, not the Sở Nội vụ
        c = signed_in(username)
        assert c.get(f"/cuoc-thi/quan-ly/{contest.pk}/").status_code == 404
        assert c.get(f"/cuoc-thi/quan-ly/{contest.pk}/dot/{round_.pk}/").status_code == 404
        assert c.get(f"/cuoc-thi/quan-ly/{contest.pk}/dot/{round_.pk}/nguoi-dat-giai.xlsx").status_code == 404
        assert c.post(f"/cuoc-thi/quan-ly/{contest.pk}/dot/{round_.pk}/cong-bo/", {"publish": "1"}).status_code == 404
    assert signed_in("canbo.binhgiang").get("/cuoc-thi/quan-ly/").status_code == 403
    assert contest.title not in signed_in("bientap").get("/cuoc-thi/quan-ly/").content.decode()
    assert Client().get(f"/cuoc-thi/quan-ly/{contest.pk}/")["Location"].startswith("/dang-nhap/")


def test_forms_are_csrf_protected(contest):
    contest, _ = contest
    c = Client(enforce_csrf_checks=True)
    r = c.post(f"/cuoc-thi/{contest.slug}/dang-ky/", {"name": "A", "phone": "0912345678", "address": "x"})
    assert r.status_code == 403 and not Participant.objects.filter(contest=contest).exists()


def test_list_pages_cost_flat_queries_as_data_grows(contest):
    contest, round_ = contest
    Round.objects.filter(pk=round_.pk).update(results_published=True, prize_consolation=30)
    staff = signed_in("dieuphoi")

    def sit(n, start):
        for i in range(n):
            person = services.register(contest, name=f"Người {start + i}", phone=f"09{start + i:08d}",
                                       unit=unit(BINH_GIANG if i % 2 else PHU_LY))[0]
            a = services.start_attempt(person, round_)
            services.submit(a, right_answers(a), prediction=i, key=f"k{start + i}")

    urls = [f"/cuoc-thi/{contest.slug}/dot-1/ket-qua/", f"/cuoc-thi/quan-ly/{contest.pk}/dot/{round_.pk}/",
            f"/cuoc-thi/quan-ly/{contest.pk}/", "/cuoc-thi/quan-ly/", f"/cuoc-thi/{contest.slug}/", "/cuoc-thi/"]
    sit(2, 0)
    make_contest(slug="thu-nghiem-2")
    before = [count_queries(staff, u) for u in urls]
    sit(12, 100)
    make_contest(slug="thu-nghiem-3")
    after = [count_queries(staff, u) for u in urls]
    assert before == after


def test_the_portal_navigation_links_to_the_contests(contest):
    contest, _ = contest
    html = Client().get("/cuoc-thi/").content.decode()
    assert '<a href="/cuoc-thi/" aria-current="page">Cuộc thi</a>' in html
    assert f'href="/cuoc-thi/{contest.slug}/"' in html


def test_an_editor_of_the_organising_unit_manages_its_contest_only(contest):
    from cchc.orgs import services as org_services
    from cchc.test import SO_NOI_VU

    contest, round_ = contest
    editor = org_services.person_create(username="bientap.snv", full_name="Lê Văn Biên", email="", password=None,
                                        unit=unit(SO_NOI_VU), role="editor")
    c = Client()
    c.force_login(editor)
    assert c.get(f"/cuoc-thi/quan-ly/{contest.pk}/").status_code == 200
    assert c.get(f"/cuoc-thi/quan-ly/{contest.pk}/dot/{round_.pk}/").status_code == 200
    page = c.get("/cuoc-thi/quan-ly/").content.decode()
    assert contest.title in page
    # A new contest can only be organised by the editor's own unit.
    options = re.findall(r'<option value="(\d+)"', page)
    assert options == [str(unit(SO_NOI_VU).pk)]
    r = c.post("/cuoc-thi/quan-ly/", {"title": "Cuộc thi của xã", "slug": "cua-xa", "unit": unit(BINH_GIANG).pk})
    assert r.status_code == 200 and "Hãy chọn một lựa chọn hợp lệ" in r.content.decode()
    assert not Contest.objects.filter(slug="cua-xa").exists()
    r = c.post("/cuoc-thi/quan-ly/", {"title": "Cuộc thi mới của Sở", "slug": "quan-ly", "unit": unit(SO_NOI_VU).pk})
    assert "Đường dẫn này đã được hệ thống dùng" in r.content.decode()
    r = c.post("/cuoc-thi/quan-ly/", {"title": "Cuộc thi mới của Sở", "slug": "cuoc-thi-moi", "unit": unit(SO_NOI_VU).pk})
    assert r.status_code == 302
