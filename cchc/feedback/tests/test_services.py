"""Masking, routing, deadlines, receiving, answering, re-routing, the citizen's word, hiding,
statistics, the XLSX export, reminders and the named record query behind report form 3 item 3.3."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cchc import records
from cchc.feedback import services
from cchc.feedback.models import Feedback, FeedbackRoute, Status
from cchc.feedback.services import EMAIL_MASK, ID_MASK, NAME_MASK, PHONE_MASK, mask_personal
from cchc.plans.models import Notification
from cchc.test import BINH_GIANG, PHU_LY, unit, user

from .util import values

pytestmark = pytest.mark.django_db


# --- masking ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    "0912345678", "0912 345 678", "0912.345.678", "091-234-5678", "+84 912 345 678", "+84912345678",
    "84912345678", "(0226) 3852 123", "0226.3852.123", "02263852123", "024 3825 1234",
])
def test_phone_numbers_in_any_grouping_are_masked(raw):
    masked = mask_personal(f"Liên hệ {raw} giúp tôi.")
    assert masked == f"Liên hệ {PHONE_MASK} giúp tôi.", masked


def test_phone_glued_to_words_and_punctuation_is_masked():
    assert mask_personal("SĐT:0987654321, gọi sau 17h") == f"SĐT:{PHONE_MASK}, gọi sau 17h"
    assert mask_personal("sđt0987654321.") == f"sđt{PHONE_MASK}."
    assert mask_personal("gọi 0912345678 hoặc 0987654321") == f"gọi {PHONE_MASK} hoặc {PHONE_MASK}"


def test_emails_are_masked_digits_inside_them_too():
    assert mask_personal("Gửi về lan.vu0912345678@gmail.com nhé") == f"Gửi về {EMAIL_MASK} nhé"
    assert mask_personal("Email: Nguyen_Van.A+pakn@ninhbinh.gov.vn.") == f"Email: {EMAIL_MASK}."


def test_id_numbers_of_9_and_12_digits_are_masked():
    assert mask_personal("CCCD số 037190001234 cấp ngày 01/01/2021") == f"CCCD số {ID_MASK} cấp ngày 01/01/2021"
    assert mask_personal("CMND 163123456") == f"CMND {ID_MASK}"
    assert mask_personal("CCCD 0371 9000 1234") == f"CCCD {ID_MASK}"
    assert mask_personal("số định danh 037 190 001 234.") == f"số định danh {ID_MASK}."


def test_dates_amounts_document_numbers_and_short_numbers_stay():
    text = ("Ngày 07/12/2026 tôi nộp 1.500.000 đồng theo Quyết định số 1234/QĐ-UBND, thửa đất số 123 "
            "tờ bản đồ số 45, mã hồ sơ 000.00.12.H42-250101-0001, đường dây nóng 1022, lúc 14:30.")
    assert mask_personal(text) == text
    assert mask_personal("Số tiền 150.000.000 đồng và 12,5 triệu") == "Số tiền 150.000.000 đồng và 12,5 triệu"
    assert mask_personal("Mã số thuế 0101234567") == "Mã số thuế 0101234567"  # 10 digits, not a phone prefix


def test_longer_digit_runs_are_not_cut_into_a_phone():
    assert mask_personal("số seri 12345678901234") == "số seri 12345678901234"


def test_the_senders_own_name_is_masked_when_given():
    out = mask_personal("Tôi là Nguyễn Văn An, ở thôn 3. nguyễn văn an xin cảm ơn.", ("Nguyễn Văn An",))
    assert out == f"Tôi là {NAME_MASK}, ở thôn 3. {NAME_MASK} xin cảm ơn."
    assert mask_personal("Anh An ở thôn 3", ("An",)) == "Anh An ở thôn 3"  # a lone word is not masked


def test_empty_text():
    assert mask_personal("") == ""


# --- rules, deadlines -------------------------------------------------------------------------------


def test_routing_follows_the_rules(categories):
    bg = unit(BINH_GIANG)
    assert services.route(categories["thu-tuc-hanh-chinh-cap-xa"], bg) == bg
    assert services.route(categories["dat-dai"], bg) == bg
    assert services.route(categories["thu-tuc-hanh-chinh-cap-tinh"], bg).code == "37.VPUB"
    assert services.escalation_unit(categories["dat-dai"]).code == "37.SNNMT"


def test_sync_is_idempotent(categories):
    assert services.sync_categories() == 0
    assert len(services.categories()) == len(services.rules()["categories"])


def test_working_days_skip_the_weekend():
    friday = datetime.date(2026, 12, 4)
    assert services.add_days(friday, 1, True) == datetime.date(2026, 12, 7)  # Monday
    assert services.add_days(friday, 10, True) == datetime.date(2026, 12, 18)
    assert services.add_days(friday, 7, False) == datetime.date(2026, 12, 11)


# --- receiving --------------------------------------------------------------------------------------


def test_submit_routes_masks_and_sets_the_deadline(categories):
    item = services.submit(values(text="Tôi là Trần Văn Bình, gọi 0912 345 678 khi có kết quả hồ sơ chứng thực.",
                                  name="Trần Văn Bình", phone="0912345678"), today=datetime.date(2026, 12, 4))
    assert item.unit.code == BINH_GIANG and item.status == Status.RECEIVED
    assert item.deadline == datetime.date(2026, 12, 18)
    assert len(item.code) == 10 and item.code.isupper()
    assert "0912" not in item.public_text and PHONE_MASK in item.public_text and NAME_MASK in item.public_text
    assert item.text.startswith("Tôi là Trần Văn Bình")  # the staff see the original
    route = FeedbackRoute.objects.get(feedback=item)
    assert route.to_unit.code == BINH_GIANG and route.from_unit is None and "Theo quy tắc" in route.reason


def test_codes_are_distinct(categories):
    codes = {services.submit(values()).code for _ in range(5)}
    assert len(codes) == 5


@pytest.mark.parametrize(("over", "field", "message"), [
    ({"text": ""}, "text", "Xin nhập nội dung phản ánh, kiến nghị."),
    ({"text": "   "}, "text", "Xin nhập nội dung phản ánh, kiến nghị."),
    ({"text": "ngắn quá"}, "text", "Nội dung quá ngắn"),
    ({"text": "x" * 5001}, "text", "tối đa 5000 ký tự"),
    ({"title": ""}, "title", "Xin nhập tiêu đề"),
    ({"place": "99999"}, "place", "không có trong danh sách xã, phường"),
    ({"place": "37.SNV"}, "place", "không có trong danh sách xã, phường"),
    ({"place": "13285.truoc.phuong-chau-cau"}, "place", "không có trong danh sách"),  # merged away on 01/07/2025
    ({"category": "khong-co"}, "category", "Xin chọn lĩnh vực"),
    ({"phone": "gọi tôi"}, "phone", "không hợp lệ"),
    ({"email": "khong-phai-email"}, "email", "không hợp lệ"),
])
def test_bad_input_is_refused_and_nothing_saved(categories, over, field, message):
    with pytest.raises(ValidationError) as exc:
        services.submit(values(**over))
    assert message in " ".join(exc.value.message_dict[field])
    assert not Feedback.objects.exists()


def test_the_honeypot_refuses(categories):
    with pytest.raises(ValidationError) as exc:
        services.submit(values(website="http://spam.example"))
    assert "không dành cho người dùng" in " ".join(exc.value.messages)
    assert not Feedback.objects.exists()


# --- handling ---------------------------------------------------------------------------------------


@pytest.fixture
def item(categories):
    return services.submit(values(text="Xin liên hệ 0987 654 321 hoặc lan@example.com về hồ sơ chứng thực."),
                           today=timezone.localdate())


def test_answer_masks_the_published_text_and_marks_answered(item):
    reply = services.answer(item, "Đã liên hệ ông qua số 0987654321; CCCD 037190001234 đã được trả.", by=user("canbo.binhgiang"))
    item.refresh_from_db()
    assert item.status == Status.ANSWERED and item.answered_on == timezone.localdate()
    assert reply.public_text == f"Đã liên hệ ông qua số {PHONE_MASK}; CCCD {ID_MASK} đã được trả."
    with pytest.raises(ValidationError, match="Xin nhập nội dung trả lời"):
        services.answer(item, "  ")


def test_reroute_needs_a_reason_and_moves_the_item(item):
    snnmt = unit("37.SNNMT")
    with pytest.raises(ValidationError, match="lý do"):
        services.reroute(item, snnmt, "")
    with pytest.raises(ValidationError, match="đang ở đơn vị này"):
        services.reroute(item, item.unit, "thử")
    services.reroute(item, snnmt, "Vượt thẩm quyền cấp xã", by=user("canbo.binhgiang"))
    item.refresh_from_db()
    assert item.unit == snnmt
    last = item.routes.last()
    assert (last.from_unit.code, last.to_unit.code, last.reason) == (BINH_GIANG, "37.SNNMT", "Vượt thẩm quyền cấp xã")


def test_citizen_says_resolved_or_not(item):
    with pytest.raises(ValidationError, match="chưa có trả lời"):
        services.citizen_says(item, True)
    services.answer(item, "Đã trả kết quả.")
    services.citizen_says(item, False)
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS and item.citizen_resolved is False
    services.answer(item, "Đã trả kết quả, xin lỗi ông.")
    services.citizen_says(item, True)
    item.refresh_from_db()
    assert item.status == Status.RESOLVED and item.citizen_resolved is True


def test_hide_needs_a_reason_and_is_audited(item):
    from auditlog.models import LogEntry

    with pytest.raises(ValidationError, match="lý do ẩn"):
        services.hide(item, "")
    services.hide(item, "Ngôn từ xúc phạm", by=user("bientap"))
    entry = LogEntry.objects.get_for_object(item).filter(changes__icontains="hidden_reason").first()
    assert entry is not None and "Ngôn từ xúc phạm" in str(entry.changes)
    assert not services.public_items().filter(pk=item.pk).exists()


# --- statistics, export -----------------------------------------------------------------------------


def _aged(item, days_ago, answered_after=None, deadline_days=10):
    now = timezone.now()
    created = now - datetime.timedelta(days=days_ago)
    fields = {"created_at": created, "received_on": timezone.localtime(created).date(),
              "deadline": timezone.localtime(created).date() + datetime.timedelta(days=deadline_days)}
    if answered_after is not None:
        answered = created + datetime.timedelta(days=answered_after)
        fields.update(answered_at=answered, answered_on=timezone.localtime(answered).date(), status=Status.ANSWERED)
    Feedback.objects.filter(pk=item.pk).update(**fields)


def test_statistics_per_unit_and_category_with_median_and_p90(categories):
    today = timezone.localdate()
    items = [services.submit(values()) for _ in range(4)] + [services.submit(values(place=PHU_LY, category="dat-dai"))]
    _aged(items[0], 20, answered_after=2)
    _aged(items[1], 20, answered_after=4)
    _aged(items[2], 20, answered_after=12)  # late
    _aged(items[3], 20)  # overdue, unanswered
    _aged(items[4], 3)
    start = today - datetime.timedelta(days=30)
    s = services.statistics(Feedback.objects.all(), start, today)
    assert (s.total.received, s.total.handled, s.total.on_time, s.total.overdue) == (5, 3, 2, 1)
    assert round(s.total.median) == 4 and round(s.total.p90) == 12
    bg = next(r for r in s.by_unit if r.key == unit(BINH_GIANG).pk)
    assert (bg.received, bg.handled, bg.label) == (4, 3, "Xã Bình Giang")
    land = next(r for r in s.by_category if r.label == "Đất đai")
    assert (land.received, land.handled, land.median) == (1, 0, None)

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(services.statistics_xlsx(s)))
    assert book.sheetnames == ["Theo đơn vị", "Theo lĩnh vực"]
    rows = list(book["Theo đơn vị"].iter_rows(values_only=True))
    assert rows[1][:3] == ("Đơn vị", "Tiếp nhận", "Đã trả lời")
    assert rows[2][:5] == ("Xã Bình Giang", 4, 3, 75.0, 2)
    assert rows[-1][:3] == ("Tổng cộng", 5, 3)


def test_percentile_nearest_rank():
    assert services.percentile([], 0.5) is None
    assert services.percentile([5, 1, 3], 0.5) == 3
    assert services.percentile(list(range(1, 11)), 0.9) == 9


# --- reminders --------------------------------------------------------------------------------------


def test_reminders_before_the_deadline_once_a_day(categories, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    soon = services.submit(values())
    later = services.submit(values())
    late = services.submit(values(place=PHU_LY))
    Feedback.objects.filter(pk=soon.pk).update(deadline=today + datetime.timedelta(days=1))
    Feedback.objects.filter(pk=later.pk).update(deadline=today + datetime.timedelta(days=9))
    Feedback.objects.filter(pk=late.pk).update(deadline=today - datetime.timedelta(days=1))
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        n_items, n_notes = services.remind(today=today)
    assert n_items == 2 and n_notes >= 2
    texts = list(Notification.objects.order_by("pk")[before:].values_list("text", flat=True))
    assert any("Bình Giang" in t and "1 phản ánh sắp đến hạn" in t for t in texts)
    assert any("Phủ Lý" in t and "1 phản ánh quá hạn trả lời" in t for t in texts)
    assert services.remind(today=today) == (0, 0)  # once a day


def test_remind_feedback_command(categories):
    from django.core.management import call_command

    item = services.submit(values())
    Feedback.objects.filter(pk=item.pk).update(deadline=timezone.localdate())
    out = io.StringIO()
    call_command("remind_feedback", stdout=out)
    assert "1 phản ánh" in out.getvalue()


# --- the named record query (report form 3 item 3.3) ------------------------------------------------


def test_record_query_counts_received_and_handled_on_the_subtree(categories):
    today = timezone.localdate()
    a = services.submit(values())
    b = services.submit(values())
    services.submit(values(category="dat-dai"))  # not about procedures
    services.submit(values(place=PHU_LY))
    hidden = services.submit(values())
    services.answer(a, "Đã giải quyết.")
    services.hide(hidden, "Trùng lặp")
    start = today.replace(month=1, day=1)
    p = {"about": "procedures"}
    bg, province = unit(BINH_GIANG), unit("37")
    assert records.count("feedback", start, today, {**p, "measure": "received"}, unit=bg) == 2
    assert records.count("feedback", start, today, {**p, "measure": "handled"}, unit=bg) == 1
    assert records.count("feedback", start, today, {**p, "measure": "received"}, unit=province, subtree=True) == 3
    assert records.count("feedback", start, today, {"measure": "received", "about": "all"}, unit=bg) == 3
    assert records.count("feedback", start, today, {**p, "measure": "on_time"}, unit=bg) == 1
    yesterday = today - datetime.timedelta(days=1)
    assert records.count("feedback", start, yesterday, {**p, "measure": "received"}, unit=bg) == 0
    assert b.pk in records.ids_by_unit("feedback", start, today, {**p, "measure": "received"}, [bg.pk])[bg.pk]
    assert "về quy định, thủ tục hành chính" in records.get("feedback").describe(records.get("feedback").clean(p))


def test_the_audit_log_keeps_no_personal_data(categories):
    from auditlog.models import LogEntry

    item = services.submit(values(name="Trần Văn Bình", phone="0912345678", email="binh@example.com",
                                  text="Gọi 0912345678 giúp tôi về hồ sơ chứng thực bản sao."))
    services.answer(item, "Đã gọi 0912345678.")
    logged = " ".join(str(e.changes) for e in LogEntry.objects.all())
    assert "0912345678" not in logged and "Trần Văn Bình" not in logged and "binh@example.com" not in logged
    assert LogEntry.objects.get_for_object(item).exists()
