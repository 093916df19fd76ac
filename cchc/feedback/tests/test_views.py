"""The public form, tracking page and list (from outside, no account); the staff's pages by unit
(another unit's item is a 404), re-routing, hiding, statistics and the XLSX export; flat queries."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from cchc.feedback import services
from cchc.feedback.models import Attachment, Feedback, Status
from cchc.feedback.services import PHONE_MASK
from cchc.test import BINH_GIANG, PHU_LY, count_queries, unit, user

from .util import values

pytestmark = pytest.mark.django_db

URL = "/phan-anh/gui/"


def signed_in(username):
    c = Client()
    c.force_login(user(username))
    return c


def png(size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile("anh.png", buffer.getvalue(), content_type="image/png")


# --- public form ------------------------------------------------------------------------------------


def test_the_form_lists_communes_grouped_without_javascript(categories):
    body = Client().get(URL).content.decode()
    assert '<optgroup label="Phường">' in body and '<optgroup label="Xã">' in body
    assert '<option value="13531">Xã Bình Giang</option>' in body
    assert "13285.truoc" not in body  # merged away: not a place any more
    assert 'name="website"' in body and 'class="fb-hp"' in body  # the honeypot
    assert "csrfmiddlewaretoken" in body and "<script" not in body


def test_a_citizen_sends_feedback_and_gets_a_tracking_code(categories):
    c = Client()
    response = c.post(URL, {**values(text="Xin gọi 0912 345 678 khi có kết quả hồ sơ chứng thực bản sao.",
                                     phone="0912345678", name="Trần Văn Bình"), "files": [png()]})
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert response["Location"] == f"/phan-anh/{item.code}/?moi=1"
    assert Attachment.objects.get(feedback=item).content_type == "image/png"
    page = c.get(response["Location"]).content.decode()
    assert "Mã tra cứu của Ông/Bà" in page and item.code in page
    assert PHONE_MASK in page and "0912" not in page and "Trần Văn Bình" not in page
    assert "Xã Bình Giang" in page and item.deadline.strftime("%d/%m/%Y") in page
    # someone else opening the link is not told it is new, and still sees no personal data
    other = Client().get(response["Location"]).content.decode()
    assert "Mã tra cứu của Ông/Bà" not in other and "0912" not in other


def _refused(response, message):
    assert response.status_code == 400, response.status_code
    body = response.content.decode()
    assert message in body, body[:3000]
    assert not Feedback.objects.exists()
    return body


def test_script_in_the_text_is_shown_as_text(categories):
    c = Client()
    response = c.post(URL, values(title="<b>Tiêu đề</b>", text="<script>alert('x')</script> hồ sơ chứng thực chậm trễ quá."))
    item = Feedback.objects.get()
    page = c.get(response["Location"]).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "&lt;b&gt;Tiêu đề&lt;/b&gt;" in page
    services.answer(item, "<img src=x onerror=alert(1)> Đã xử lý.")
    public = Client().get("/phan-anh/").content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in public and "<img src=x" not in public


def test_empty_text_is_refused(categories):
    body = _refused(Client().post(URL, values(text="")), "Xin nhập nội dung phản ánh, kiến nghị.")
    assert 'value="Hồ sơ chứng thực chậm trả kết quả"' in body  # what was typed is kept


def test_unknown_commune_is_refused(categories):
    _refused(Client().post(URL, values(place="00000")), "Xã, phường đã chọn không có trong danh sách")


def test_honeypot_filled_is_refused(categories):
    _refused(Client().post(URL, values(website="http://quang-cao.example")), "trường không dành cho người dùng")


def test_non_image_attachment_is_refused(categories):
    fake = SimpleUploadedFile("anh.jpg", b"%PDF-1.4 not an image at all", content_type="image/jpeg")
    _refused(Client().post(URL, {**values(), "files": [fake]}), "không phải là ảnh hợp lệ")


def test_oversized_attachment_is_refused(categories, settings):
    settings.PORTAL_IMAGE_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("to.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024 + 10), content_type="image/png")
    _refused(Client().post(URL, {**values(), "files": [big]}), "Ảnh quá lớn")


def test_too_many_attachments_are_refused(categories):
    _refused(Client().post(URL, {**values(), "files": [png(), png(), png(), png()]}), "tối đa 3 ảnh")


def test_rate_limit_refuses_past_the_hourly_limit(categories, settings):
    settings.FEEDBACK_RATE_LIMIT_PER_HOUR = 2
    c = Client()
    assert c.post(URL, values()).status_code == 302
    assert c.post(URL, values()).status_code == 302
    response = c.post(URL, values())
    assert response.status_code == 429
    assert "đã gửi quá 2 phản ánh trong một giờ" in response.content.decode()
    assert Feedback.objects.count() == 2


def test_the_form_is_csrf_protected(categories):
    response = Client(enforce_csrf_checks=True).post(URL, values())
    assert response.status_code == 403 and not Feedback.objects.exists()


# --- tracking page ----------------------------------------------------------------------------------


@pytest.fixture
def item(categories):
    return services.submit(values(text="Tôi gọi 0987654321 nhiều lần về hồ sơ chứng thực mà không ai nghe máy."))


def test_tracking_shows_the_masked_answer_and_takes_the_citizens_word(item):
    services.answer(item, "Đã gọi lại cho ông theo số 0987 654 321 và trả kết quả.", by=user("canbo.binhgiang"))
    c = Client()
    page = c.get(f"/phan-anh/{item.code}/").content.decode()
    assert "Trả lời của Xã Bình Giang" in page and f"Đã gọi lại cho ông theo số {PHONE_MASK}" in page
    assert "0987" not in page and "Đã được giải quyết" in page
    assert c.post(f"/phan-anh/{item.code}/", {"da_giai_quyet": "co"}).status_code == 302
    item.refresh_from_db()
    assert item.status == Status.RESOLVED and item.citizen_resolved is True
    assert c.post(f"/phan-anh/{item.code}/", {"da_giai_quyet": "?"}).status_code == 400


def test_tracking_before_an_answer_refuses_the_word(item):
    response = Client().post(f"/phan-anh/{item.code}/", {"da_giai_quyet": "co"})
    assert response.status_code == 400 and "chưa có trả lời" in response.content.decode()
    item.refresh_from_db()
    assert item.citizen_resolved is None


def test_unknown_code_and_lowercase(item):
    assert Client().get("/phan-anh/ABCDEFGHJK/").status_code == 404
    assert Client().get(f"/phan-anh/{item.code.lower()}/").status_code == 200


def test_hidden_item_is_404_in_public(item):
    services.answer(item, "Đã xử lý.")
    services.hide(item, "Ngôn từ xúc phạm", by=user("bientap"))
    assert Client().get(f"/phan-anh/{item.code}/").status_code == 404
    assert item.code not in Client().get("/phan-anh/").content.decode()


# --- public list ------------------------------------------------------------------------------------


def _many(n, place=BINH_GIANG):
    for i in range(n):
        f = services.submit(values(place=place, text=f"Phản ánh số {i}: gọi 0912345{i:03d} về hồ sơ chứng thực."))
        services.answer(f, f"Trả lời {i}: đã liên hệ 0912345{i:03d}.")


def test_public_list_shows_answered_items_masked_with_flat_queries(categories):
    services.submit(values(title="Chưa trả lời thì chưa công khai"))
    _many(3)
    c = Client()
    body = c.get("/phan-anh/").content.decode()
    assert "3 phản ánh đã được trả lời" in body and "Chưa trả lời thì chưa công khai" not in body
    assert "0912345" not in body and PHONE_MASK in body and "Trả lời 2: đã liên hệ" in body
    few = count_queries(c, "/phan-anh/")
    _many(25, place=PHU_LY)
    assert count_queries(c, "/phan-anh/") == few
    assert count_queries(c, "/phan-anh/", trang=2) == few
    assert "Trang 1/2" in c.get("/phan-anh/").content.decode()


def test_public_list_filters_by_category(categories):
    _many(2)
    assert "2 phản ánh" in Client().get("/phan-anh/", {"linh_vuc": "thu-tuc-hanh-chinh-cap-xa"}).content.decode()
    assert "0 phản ánh" in Client().get("/phan-anh/", {"linh_vuc": "dat-dai"}).content.decode()


# --- staff ------------------------------------------------------------------------------------------


def test_staff_pages_need_a_login(item):
    response = Client().get("/phan-anh/xu-ly/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_a_unit_sees_only_its_items_and_another_units_item_is_404(item):
    mine = signed_in("canbo.binhgiang")
    assert item.code in mine.get("/phan-anh/xu-ly/").content.decode()
    assert mine.get(f"/phan-anh/xu-ly/{item.pk}/").status_code == 200
    other = signed_in("canbo.phuly")
    assert item.code not in other.get("/phan-anh/xu-ly/").content.decode()
    assert other.get(f"/phan-anh/xu-ly/{item.pk}/").status_code == 404
    assert other.post(f"/phan-anh/xu-ly/{item.pk}/", {"hanh_dong": "tra_loi", "text": "x"}).status_code == 404
    assert not item.answers.exists()


def test_the_officer_answers_and_the_staff_page_shows_personal_data(item):
    c = signed_in("canbo.binhgiang")
    page = c.get(f"/phan-anh/xu-ly/{item.pk}/").content.decode()
    assert "0987654321" in page  # the staff see the original text
    response = c.post(f"/phan-anh/xu-ly/{item.pk}/", {"hanh_dong": "tra_loi", "text": "Đã trả kết quả, liên hệ 0226 3852 123."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.ANSWERED and item.answers.get().by == user("canbo.binhgiang")
    empty = c.post(f"/phan-anh/xu-ly/{item.pk}/", {"hanh_dong": "tra_loi", "text": ""})
    assert empty.status_code == 400 and "Xin nhập nội dung trả lời." in empty.content.decode()
    assert item.answers.count() == 1


def test_reroute_moves_the_item_to_the_new_unit(item):
    c = signed_in("canbo.binhgiang")
    phuly = unit(PHU_LY)
    no_reason = c.post(f"/phan-anh/xu-ly/{item.pk}/", {"hanh_dong": "chuyen", "unit": phuly.pk, "reason": ""})
    assert no_reason.status_code == 400 and "Xin ghi lý do" in no_reason.content.decode()
    response = c.post(f"/phan-anh/xu-ly/{item.pk}/", {"hanh_dong": "chuyen", "unit": phuly.pk, "reason": "Sự việc ở phường Phủ Lý"})
    assert response.status_code == 302 and response["Location"] == "/phan-anh/xu-ly/"
    assert c.get(f"/phan-anh/xu-ly/{item.pk}/").status_code == 404  # the old unit no longer sees it
    other = signed_in("canbo.phuly")
    page = other.get(f"/phan-anh/xu-ly/{item.pk}/").content.decode()
    assert "Sự việc ở phường Phủ Lý" in page and "Phường Phủ Lý" in page


def test_only_editors_and_coordinators_hide_with_a_reason(item):
    officer = signed_in("canbo.binhgiang")
    assert officer.post(f"/phan-anh/xu-ly/{item.pk}/", {"hanh_dong": "an", "reason": "x"}).status_code == 403
    editor = signed_in("bientap")
    assert editor.get(f"/phan-anh/xu-ly/{item.pk}/").status_code == 200  # editors see every item
    no_reason = editor.post(f"/phan-anh/xu-ly/{item.pk}/", {"hanh_dong": "an", "reason": ""})
    assert no_reason.status_code == 400 and "Xin ghi lý do ẩn" in no_reason.content.decode()
    assert editor.post(f"/phan-anh/xu-ly/{item.pk}/", {"hanh_dong": "an", "reason": "Quảng cáo"}).status_code == 302
    item.refresh_from_db()
    assert item.hidden and item.hidden_reason == "Quảng cáo" and item.hidden_by == user("bientap")
    page = editor.get(f"/phan-anh/xu-ly/{item.pk}/").content.decode()
    assert "Lý do: Quảng cáo" in page and "Nhật ký" in page
    assert Client().get(f"/phan-anh/{item.code}/").status_code == 404


def test_attachment_is_served_to_the_unit_only(categories):
    Client().post(URL, {**values(), "files": [png()]})
    item = Feedback.objects.get()
    a = item.attachments.get()
    url = f"/phan-anh/xu-ly/{item.pk}/anh/{a.pk}/"
    response = signed_in("canbo.binhgiang").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert signed_in("canbo.phuly").get(url).status_code == 404


def test_staff_list_filters_and_flat_queries(categories):
    _many(2)
    services.submit(values())
    c = signed_in("canbo.binhgiang")
    assert "1 phản ánh." in c.get("/phan-anh/xu-ly/", {"loc": "dang-xu-ly"}).content.decode()
    assert "2 phản ánh." in c.get("/phan-anh/xu-ly/", {"loc": "da-tra-loi"}).content.decode()
    few = count_queries(c, "/phan-anh/xu-ly/")
    _many(10)
    assert count_queries(c, "/phan-anh/xu-ly/") == few


def test_statistics_page_and_xlsx(categories):
    _many(2)
    services.submit(values(place=PHU_LY))
    c = signed_in("dieuphoi")
    page = c.get("/phan-anh/xu-ly/thong-ke/").content.decode()
    assert '<strong class="fb-total">3</strong>' in page and "<svg" in page and "Xã Bình Giang" in page
    bad = c.get("/phan-anh/xu-ly/thong-ke/", {"tu": "32/13/2026"})
    assert bad.status_code == 400 and "không hợp lệ (dd/mm/yyyy)" in bad.content.decode()
    response = c.get("/phan-anh/xu-ly/thong-ke/", {"xuat": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content))["Theo đơn vị"]
    rows = list(sheet.iter_rows(values_only=True))
    assert ("Xã Bình Giang", 2, 2) in [r[:3] for r in rows] and rows[-1][:2] == ("Tổng cộng", 3)
    # a commune's officer counts only its own subtree
    own = signed_in("canbo.phuly").get("/phan-anh/xu-ly/thong-ke/").content.decode()
    assert '<strong class="fb-total">1</strong>' in own and "Xã Bình Giang" not in own


def test_overdue_and_due_soon_are_flagged(categories):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    late = services.submit(values(title="Đã quá hạn"))
    soon = services.submit(values(title="Sắp đến hạn"))
    Feedback.objects.filter(pk=late.pk).update(deadline=today - datetime.timedelta(days=1))
    Feedback.objects.filter(pk=soon.pk).update(deadline=today + datetime.timedelta(days=1))
    c = signed_in("canbo.binhgiang")
    page = c.get("/phan-anh/xu-ly/").content.decode()
    assert page.count('<strong class="overdue">Quá hạn</strong>') == 1 and "Sắp đến hạn</span>" in page
    overdue = c.get("/phan-anh/xu-ly/", {"loc": "qua-han"}).content.decode()
    assert "1 phản ánh." in overdue and "Đã quá hạn" in overdue and "Sắp đến hạn</td>" not in overdue
    assert "Quá hạn trả lời" in Client().get(f"/phan-anh/{late.code}/").content.decode()
    assert '<strong class="overdue">Quá hạn</strong>' in c.get(f"/phan-anh/xu-ly/{late.pk}/").content.decode()


def test_statistics_page_queries_stay_flat(categories):
    _many(2)
    c = signed_in("dieuphoi")
    few = count_queries(c, "/phan-anh/xu-ly/thong-ke/")
    _many(10, place=PHU_LY)
    assert count_queries(c, "/phan-anh/xu-ly/thong-ke/") == few


def test_lookup_by_code_from_the_list(item):
    response = Client().get("/phan-anh/", {"ma": f" {item.code.lower()} "})
    assert response.status_code == 302 and response["Location"] == f"/phan-anh/{item.code}/"
    missing = Client().get("/phan-anh/", {"ma": "ZZZZZZZZZZ"}).content.decode()
    assert "Không tìm thấy phản ánh có mã “ZZZZZZZZZZ”" in missing
    services.hide(item, "Trùng lặp")
    assert Client().get("/phan-anh/", {"ma": item.code}).status_code == 200  # hidden: not found


def test_close_after_an_answer_and_unhide(item):
    c = signed_in("canbo.binhgiang")
    early = c.post(f"/phan-anh/xu-ly/{item.pk}/", {"hanh_dong": "dong"})
    assert early.status_code == 400 and "Chỉ đóng được phản ánh đã trả lời." in early.content.decode()
    services.answer(item, "Đã trả kết quả.")
    assert c.post(f"/phan-anh/xu-ly/{item.pk}/", {"hanh_dong": "dong"}).status_code == 302
    item.refresh_from_db()
    assert item.status == Status.CLOSED
    services.hide(item, "Nhầm lẫn")
    editor = signed_in("dieuphoi")
    assert editor.post(f"/phan-anh/xu-ly/{item.pk}/", {"hanh_dong": "bo_an"}).status_code == 302
    item.refresh_from_db()
    assert not item.hidden and item.hidden_reason == ""
    assert Client().get(f"/phan-anh/{item.code}/").status_code == 200
