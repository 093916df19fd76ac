"""Demo data for the citizens' feedback: the categories of the rules file and a dozen items sent
about xã Bình Giang and phường Phủ Lý over the last weeks, through the same `submit` the public form
uses; most answered by the unit (one late, one the sender says is not resolved, one re-routed to
the Sở Nông nghiệp và Môi trường), a few still open, one overdue. Idempotent: items are recognised
by their title; a second run adds nothing. Phone numbers are made up (09xx 000 xxx)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .models import Answer, Feedback, Status

# (days ago, category, place, title, text, name, phone, answer after n days or None, answer, extra)
ITEMS = [
    (40, "thu-tuc-hanh-chinh-cap-xa", "13531", "Chứng thực bản sao trả kết quả chậm",
     "Ngày nộp hồ sơ chứng thực bản sao giấy khai sinh tại Bộ phận Một cửa xã Bình Giang, hẹn trả trong ngày nhưng 3 ngày sau mới có. Liên hệ 0912 000 101.",
     "Nguyễn Văn Hải", "0912000101", 3,
     "UBND xã Bình Giang tiếp thu phản ánh. Do cán bộ chứng thực đi tập huấn, hồ sơ bị chậm 2 ngày; xã đã bố trí người thay thế và xin lỗi ông. Từ nay Bộ phận Một cửa trả kết quả chứng thực trong ngày.", ""),
    (35, "dat-dai", "13531", "Chưa được cấp giấy chứng nhận quyền sử dụng đất sau 2 tháng",
     "Gia đình tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất lần đầu từ tháng 9, đến nay chưa có kết quả, không được thông báo lý do. Số điện thoại 0987 000 202.",
     "Trần Thị Hoa", "0987000202", 9,
     "Hồ sơ của bà đã được Văn phòng đăng ký đất đai thẩm định; còn thiếu trích đo địa chính. Xã đã gọi điện theo số 0987 000 202 hướng dẫn bổ sung; giấy chứng nhận dự kiến trả trong tháng.", "reroute"),
    (30, "moi-truong", "13531", "Rác thải tồn đọng tại điểm tập kết thôn Bình Hải",
     "Điểm tập kết rác đầu thôn không được thu gom đã hơn một tuần, bốc mùi ảnh hưởng các hộ xung quanh.",
     "", "", 4,
     "Xã đã làm việc với đơn vị thu gom; rác được thu gom ngày hôm sau và lịch thu gom được tăng lên 3 lần/tuần.", ""),
    (28, "ha-tang", "13285", "Đèn chiếu sáng đường Lê Hoàn bị hỏng",
     "Đoạn đường Lê Hoàn từ ngã tư đến cầu Châu Giang có 5 cột đèn không sáng, buổi tối rất nguy hiểm.",
     "Lê Văn Tùng", "", 2,
     "Phường Phủ Lý đã cho thay bóng đèn và sửa đường dây; hệ thống chiếu sáng hoạt động bình thường.", ""),
    (25, "thu-tuc-hanh-chinh-cap-xa", "13285", "Hướng dẫn hồ sơ đăng ký kinh doanh hộ cá thể không thống nhất",
     "Tôi được hướng dẫn 2 lần với 2 danh mục giấy tờ khác nhau khi đăng ký hộ kinh doanh; đề nghị niêm yết rõ thành phần hồ sơ. Email: kinhdoanh.demo@example.com",
     "Phạm Thu Trang", "", 5,
     "Phường tiếp thu; đã niêm yết thành phần hồ sơ đăng ký hộ kinh doanh tại Bộ phận Một cửa và trên Cổng dịch vụ công, đồng thời nhắc nhở công chức hướng dẫn.", "not_resolved"),
    (21, "can-bo-cong-chuc", "13285", "Công chức một cửa thái độ chưa đúng mực",
     "Khi tôi hỏi về thủ tục, công chức trả lời cộc lốc và yêu cầu tự tra trên mạng.",
     "", "", 6,
     "Phường đã xác minh, nhắc nhở công chức và tổ chức lại việc hướng dẫn tại Bộ phận Một cửa. Cảm ơn ông/bà đã phản ánh.", ""),
    (32, "trat-tu-xay-dung", "13285", "Xây dựng lấn chiếm vỉa hè phố Biên Hòa",
     "Một hộ đang xây bậc tam cấp lấn ra vỉa hè khoảng 1,5 m, gây cản trở người đi bộ.",
     "", "", 20,
     "Phường đã lập biên bản, yêu cầu hộ gia đình tự tháo dỡ phần lấn chiếm; đã tháo dỡ xong.", ""),
    (14, "giao-duc", "13531", "Đề nghị bố trí xe đưa đón học sinh điểm trường lẻ",
     "Điểm trường thôn xa trung tâm, đường đi qua đê nguy hiểm; đề nghị xã xem xét hỗ trợ đưa đón.",
     "Đỗ Thị Lan", "0913000303", 6,
     "Xã đã phối hợp với nhà trường và Hội cha mẹ học sinh tổ chức đưa đón theo nhóm từ học kỳ II; Đoàn thanh niên hỗ trợ giờ tan học.", ""),
    (12, "thu-tuc-hanh-chinh-cap-tinh", "13531", "Nộp hồ sơ trực tuyến cấp lại giấy phép lái xe bị lỗi thanh toán",
     "Thanh toán lệ phí trực tuyến báo thành công nhưng hồ sơ vẫn ở trạng thái chờ thanh toán.",
     "", "", 3,
     "Văn phòng UBND tỉnh đã phối hợp đơn vị cung cấp dịch vụ thanh toán đối soát; hồ sơ đã được cập nhật và chuyển xử lý.", ""),
    (16, "y-te", "13531", "Trạm y tế xã thiếu thuốc cấp phát bảo hiểm y tế",
     "Người cao tuổi đi khám tại trạm y tế thường được báo hết thuốc huyết áp, phải tự mua.",
     "", "", None, "", ""),
    (3, "ha-tang", "13531", "Cống thoát nước đường trục xã bị tắc",
     "Sau mưa lớn, nước ngập đường trục xã đoạn gần chợ do cống bị tắc, xe máy khó đi.",
     "Vũ Văn Khánh", "0968000404", None, "", ""),
    (1, "khac", "13285", "Đề nghị mở thêm giờ làm việc Bộ phận Một cửa sáng thứ Bảy",
     "Người đi làm khó bố trí thời gian trong giờ hành chính; đề nghị phường mở cửa sáng thứ Bảy.",
     "", "", None, "", ""),
]


def load_demo() -> str:
    services.sync_categories()
    existing = set(Feedback.objects.values_list("title", flat=True))
    User = get_user_model()
    officers = {"13531": User.objects.filter(username="canbo.binhgiang").first(),
                "13285": User.objects.filter(username="canbo.phuly").first()}
    now = timezone.now()
    made = 0
    for days, cat, place, title, text, name, phone, after, reply, extra in ITEMS:
        if title in existing:
            continue
        sent = now - datetime.timedelta(days=days, hours=3)
        item = services.submit({"category": cat, "place": place, "title": title, "text": text, "name": name,
                                "phone": phone}, today=timezone.localtime(sent).date())
        Feedback.objects.filter(pk=item.pk).update(created_at=sent)
        item.refresh_from_db()
        by = officers.get(place)
        if extra == "reroute":
            escalate = services.escalation_unit(item.category)
            services.reroute(item, escalate, "Hồ sơ đất đai cần Văn phòng đăng ký đất đai thẩm định; chuyển Sở.", by=by)
            services.reroute(item, item.place, "Sở đã thẩm định; trả về xã trả lời công dân.", by=None)
        if after is not None:
            at = sent + datetime.timedelta(days=after)
            answer = services.answer(item, reply, by=by if item.unit.code == place else None, now=at)
            Answer.objects.filter(pk=answer.pk).update(created_at=at)
            if extra == "not_resolved":
                services.citizen_says(item, False, now=sent + datetime.timedelta(days=after + 1))
            elif days % 2 == 0:
                services.citizen_says(item, True, now=sent + datetime.timedelta(days=after + 1))
        elif days >= 14:
            services.start(item)
        made += 1
    total = Feedback.objects.count()
    answered = Feedback.objects.filter(answered_at__isnull=False).count()
    return f"Phản ánh, kiến nghị: {total} phản ánh ({made} mới), {answered} đã trả lời, {Feedback.objects.filter(status=Status.RESOLVED).count()} người gửi xác nhận đã giải quyết"
