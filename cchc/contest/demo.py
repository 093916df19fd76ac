"""Demo data for the contest: “Tìm hiểu về cải cách hành chính tỉnh Ninh Bình năm 2026”, organised
by the Sở Nội vụ, with a bank of 32 questions on CCHC (Chương trình tổng thể 2021–2030, PAR Index,
SIPAS, một cửa, dịch vụ công trực tuyến, Nghị định 30/2020/NĐ-CP …), two rounds (the first closed
with its results published, the second open now) and a few hundred participants with their
attempts. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from cchc.orgs.models import Unit

from .models import Attempt, Choice, Contest, CountedRule, Participant, Question, QuestionKind, Round

SLUG = "tim-hieu-cchc-ninh-binh-2026"
TITLE = "Tìm hiểu về cải cách hành chính tỉnh Ninh Bình năm 2026"
INTRO = (
    "Cuộc thi trực tuyến dành cho cán bộ, công chức, viên chức, người lao động và Nhân dân trong và ngoài tỉnh.\n"
    "Mỗi đợt thi có các câu hỏi trắc nghiệm rút ngẫu nhiên từ ngân hàng câu hỏi và một câu hỏi dự đoán số người "
    "tham gia. Kết quả xếp theo số câu trả lời đúng; bằng nhau thì xét dự đoán gần đúng nhất, rồi thời gian làm bài "
    "ngắn hơn, rồi thời điểm nộp bài sớm hơn. Mỗi đợt có 01 giải Nhất, 02 giải Nhì, 03 giải Ba, 05 giải Khuyến khích "
    "và giải tập thể cho đơn vị có nhiều người tham gia nhất."
)

# (code, topic, question, [(choice, correct)], explanation)
QUESTIONS = [
    ("CT01", "Chương trình tổng thể", "Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021–2030 được ban hành kèm theo văn bản nào?",
     [("Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ", True), ("Nghị quyết số 30c/NQ-CP của Chính phủ", False),
      ("Quyết định số 06/QĐ-TTg của Thủ tướng Chính phủ", False), ("Nghị định số 61/2018/NĐ-CP", False)],
     "Nghị quyết số 76/NQ-CP ngày 15/7/2021 ban hành Chương trình tổng thể CCHC nhà nước giai đoạn 2021–2030."),
    ("CT02", "Chương trình tổng thể", "Chương trình tổng thể cải cách hành chính giai đoạn 2021–2030 gồm những nội dung nào? (chọn tất cả các nội dung đúng)",
     [("Cải cách thể chế", True), ("Cải cách thủ tục hành chính", True), ("Cải cách tài chính công", True),
      ("Cải cách chế độ tiền lương của doanh nghiệp tư nhân", False)],
     "Sáu nội dung: cải cách thể chế, thủ tục hành chính, tổ chức bộ máy, chế độ công vụ, tài chính công, xây dựng và phát triển Chính phủ điện tử, Chính phủ số."),
    ("CT03", "Chương trình tổng thể", "Chương trình tổng thể cải cách hành chính giai đoạn 2021–2030 có bao nhiêu nội dung cải cách?",
     [("4 nội dung", False), ("5 nội dung", False), ("6 nội dung", True), ("7 nội dung", False)],
     "Thể chế; thủ tục hành chính; tổ chức bộ máy; chế độ công vụ; tài chính công; Chính phủ điện tử, Chính phủ số."),
    ("CT04", "Chương trình tổng thể", "Theo Nghị quyết 76/NQ-CP, đến năm 2030 mức độ hài lòng của người dân, doanh nghiệp về giải quyết thủ tục hành chính phấn đấu đạt tối thiểu bao nhiêu?",
     [("80%", False), ("85%", False), ("90%", False), ("95%", True)],
     "Mục tiêu đến năm 2030: mức độ hài lòng về giải quyết thủ tục hành chính đạt tối thiểu 95%."),
    ("PAR01", "Chỉ số CCHC", "Chỉ số cải cách hành chính (PAR Index) của các bộ và UBND cấp tỉnh do cơ quan nào chủ trì xác định hằng năm?",
     [("Bộ Nội vụ", True), ("Văn phòng Chính phủ", False), ("Bộ Tư pháp", False), ("Phòng Thương mại và Công nghiệp Việt Nam", False)],
     "Bộ Nội vụ chủ trì xác định, công bố Chỉ số CCHC (PAR Index) hằng năm."),
    ("PAR02", "Chỉ số CCHC", "SIPAS là chỉ số gì?",
     [("Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước", True),
      ("Chỉ số năng lực cạnh tranh cấp tỉnh", False), ("Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh", False),
      ("Chỉ số chuyển đổi số cấp tỉnh", False)],
     "SIPAS đo sự hài lòng của người dân, tổ chức; kết quả được dùng để tính một phần điểm Chỉ số CCHC."),
    ("PAR03", "Chỉ số CCHC", "Chỉ số PCI do tổ chức nào thực hiện?",
     [("Liên đoàn Thương mại và Công nghiệp Việt Nam (VCCI)", True), ("Bộ Nội vụ", False), ("Bộ Kế hoạch và Đầu tư", False),
      ("Tổng cục Thống kê", False)],
     "PCI (Chỉ số năng lực cạnh tranh cấp tỉnh) do VCCI thực hiện."),
    ("PAR04", "Chỉ số CCHC", "Chỉ số PAPI đo lường nội dung nào?",
     [("Hiệu quả quản trị và hành chính công cấp tỉnh từ trải nghiệm của người dân", True),
      ("Năng lực cạnh tranh của doanh nghiệp", False), ("Mức độ sẵn sàng ứng dụng công nghệ thông tin", False),
      ("Chất lượng văn bản quy phạm pháp luật", False)],
     "PAPI: Chỉ số Hiệu quả Quản trị và Hành chính công cấp tỉnh."),
    ("PAR05", "Chỉ số CCHC", "Kết quả điều tra xã hội học (lấy ý kiến người dân, cán bộ) được dùng trong Chỉ số CCHC nhằm mục đích gì?",
     [("Đánh giá tác động của cải cách hành chính từ góc nhìn của người dân, tổ chức và cán bộ", True),
      ("Thay thế hoàn toàn việc tự đánh giá của đơn vị", False), ("Xếp loại cán bộ, công chức cuối năm", False),
      ("Xác định mức thu phí, lệ phí", False)],
     "Điều tra xã hội học là một phần điểm của Chỉ số CCHC, bên cạnh điểm tự đánh giá được thẩm định."),
    ("MC01", "Một cửa", "Nghị định số 61/2018/NĐ-CP của Chính phủ quy định về nội dung gì?",
     [("Thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính", True),
      ("Công tác văn thư", False), ("Kiểm soát thủ tục hành chính", False), ("Xử phạt vi phạm hành chính", False)],
     "Nghị định 61/2018/NĐ-CP (được sửa đổi, bổ sung bởi Nghị định 107/2021/NĐ-CP) về cơ chế một cửa, một cửa liên thông."),
    ("MC02", "Một cửa", "Khi hồ sơ thủ tục hành chính được giải quyết quá hạn, cơ quan giải quyết phải làm gì?",
     [("Gửi văn bản xin lỗi tổ chức, cá nhân và hẹn lại thời gian trả kết quả", True), ("Không phải thông báo", False),
      ("Yêu cầu người dân nộp lại hồ sơ mới", False), ("Thu thêm phí giải quyết nhanh", False)],
     "Cơ quan làm quá hạn phải có văn bản xin lỗi và hẹn lại thời gian trả kết quả."),
    ("MC03", "Một cửa", "Người dân có thể nộp hồ sơ thủ tục hành chính qua những cách nào? (chọn tất cả các cách đúng)",
     [("Trực tiếp tại Bộ phận Một cửa", True), ("Qua dịch vụ bưu chính công ích", True), ("Trực tuyến trên Cổng Dịch vụ công", True),
      ("Nhờ cán bộ nhận hồ sơ tại nhà riêng của cán bộ", False)],
     "Hồ sơ được nộp trực tiếp, qua bưu chính công ích hoặc trực tuyến."),
    ("MC04", "Một cửa", "Cán bộ tại Bộ phận Một cửa KHÔNG được làm việc nào sau đây?",
     [("Yêu cầu bổ sung hồ sơ, giấy tờ ngoài quy định", True), ("Hướng dẫn người dân kê khai hồ sơ", False),
      ("Tiếp nhận và trả kết quả đúng hẹn", False), ("Đeo thẻ công chức khi làm nhiệm vụ", False)],
     "Yêu cầu thêm hồ sơ, giấy tờ ngoài quy định là hành vi bị nghiêm cấm."),
    ("MC05", "Một cửa", "Việc đánh giá chất lượng giải quyết thủ tục hành chính theo Nghị định 61/2018/NĐ-CP dựa trên ý kiến của ai?",
     [("Tổ chức, cá nhân đến giải quyết thủ tục hành chính", True), ("Chỉ lãnh đạo cơ quan", False),
      ("Chỉ Thanh tra tỉnh", False), ("Cơ quan báo chí", False)],
     "Người dân, tổ chức đánh giá việc giải quyết thủ tục hành chính (mức độ hài lòng)."),
    ("DVC01", "Dịch vụ công trực tuyến", "Địa chỉ của Cổng Dịch vụ công quốc gia là gì?",
     [("dichvucong.gov.vn", True), ("dichvucong.com.vn", False), ("congdichvu.vn", False), ("chinhphu.vn/dichvu", False)],
     "Cổng Dịch vụ công quốc gia: https://dichvucong.gov.vn."),
    ("DVC02", "Dịch vụ công trực tuyến", "Theo Nghị định 42/2022/NĐ-CP, dịch vụ công trực tuyến “toàn trình” là gì?",
     [("Người dân thực hiện trực tuyến toàn bộ quy trình, từ nộp hồ sơ đến nhận kết quả", True),
      ("Người dân chỉ tra cứu thông tin thủ tục trên mạng", False),
      ("Người dân nộp hồ sơ trực tuyến nhưng phải đến nhận kết quả và nộp bản giấy", False),
      ("Người dân tải biểu mẫu về điền tay", False)],
     "Toàn trình: cung cấp thông tin, nộp hồ sơ, xử lý, trả kết quả đều trên môi trường mạng."),
    ("DVC03", "Dịch vụ công trực tuyến", "Nghị định nào quy định về thực hiện thủ tục hành chính trên môi trường điện tử?",
     [("Nghị định số 45/2020/NĐ-CP", True), ("Nghị định số 30/2020/NĐ-CP", False), ("Nghị định số 63/2010/NĐ-CP", False),
      ("Nghị định số 20/2008/NĐ-CP", False)],
     "Nghị định 45/2020/NĐ-CP ngày 08/4/2020 về thực hiện thủ tục hành chính trên môi trường điện tử."),
    ("DVC04", "Dịch vụ công trực tuyến", "Kết quả giải quyết thủ tục hành chính bản điện tử có giá trị pháp lý như thế nào?",
     [("Có giá trị pháp lý như kết quả bằng giấy", True), ("Chỉ có giá trị tham khảo", False),
      ("Chỉ có giá trị trong 30 ngày", False), ("Phải công chứng mới có giá trị", False)],
     "Theo Nghị định 45/2020/NĐ-CP, kết quả điện tử có giá trị pháp lý như kết quả bằng giấy."),
    ("DVC05", "Dịch vụ công trực tuyến", "Khi nộp hồ sơ trực tuyến, người dân có thể thanh toán phí, lệ phí bằng cách nào?",
     [("Thanh toán trực tuyến qua Cổng Dịch vụ công", True), ("Chỉ nộp tiền mặt tại kho bạc", False),
      ("Chuyển khoản vào tài khoản cá nhân của cán bộ", False), ("Không được thanh toán trực tuyến", False)],
     "Cổng Dịch vụ công quốc gia tích hợp nền tảng thanh toán trực tuyến."),
    ("DVC06", "Dịch vụ công trực tuyến", "Ứng dụng định danh điện tử quốc gia do Bộ Công an phát triển có tên là gì?",
     [("VNeID", True), ("VssID", False), ("eTax Mobile", False), ("Zalo", False)],
     "VNeID: tài khoản định danh điện tử dùng để đăng nhập Cổng Dịch vụ công."),
    ("DVC07", "Dịch vụ công trực tuyến", "Đề án 06 của Chính phủ là đề án về nội dung gì?",
     [("Phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử phục vụ chuyển đổi số quốc gia giai đoạn 2022–2025, tầm nhìn 2030", True),
      ("Sắp xếp đơn vị hành chính cấp xã", False), ("Tinh giản biên chế", False), ("Xây dựng nông thôn mới", False)],
     "Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ."),
    ("DVC08", "Chuyển đổi số", "Ngày Chuyển đổi số quốc gia là ngày nào hằng năm?",
     [("Ngày 10 tháng 10", True), ("Ngày 9 tháng 11", False), ("Ngày 2 tháng 9", False), ("Ngày 1 tháng 7", False)],
     "Quyết định 505/QĐ-TTg năm 2022 lấy ngày 10/10 hằng năm là Ngày Chuyển đổi số quốc gia."),
    ("VT01", "Văn thư", "Nghị định số 30/2020/NĐ-CP của Chính phủ quy định về nội dung gì?",
     [("Công tác văn thư", True), ("Cơ chế một cửa", False), ("Kiểm soát thủ tục hành chính", False), ("Tuyển dụng công chức", False)],
     "Nghị định 30/2020/NĐ-CP ngày 05/3/2020 về công tác văn thư."),
    ("VT02", "Văn thư", "Theo Nghị định 30/2020/NĐ-CP, văn bản hành chính dùng phông chữ nào?",
     [("Times New Roman, bộ mã Unicode theo TCVN 6909:2001", True), ("Arial", False), ("VNI-Times", False), (".VnTime", False)],
     "Phông chữ Times New Roman, bộ mã ký tự chữ Việt Unicode theo TCVN 6909:2001, màu đen."),
    ("VT03", "Văn thư", "Nghị định 30/2020/NĐ-CP quy định bao nhiêu loại văn bản hành chính?",
     [("29 loại", True), ("32 loại", False), ("25 loại", False), ("19 loại", False)],
     "Văn bản hành chính gồm 29 loại (Nghị quyết cá biệt, Quyết định cá biệt, Chỉ thị, Quy chế, …)."),
    ("VT04", "Văn thư", "Chữ ký số của người có thẩm quyền trên văn bản điện tử có giá trị như thế nào?",
     [("Có giá trị pháp lý như văn bản giấy có chữ ký tay và đóng dấu", True), ("Không có giá trị pháp lý", False),
      ("Chỉ dùng cho văn bản mật", False), ("Phải in ra và ký tay lại", False)],
     "Văn bản điện tử ký số đúng quy định có giá trị pháp lý như bản gốc văn bản giấy."),
    ("TT01", "Thủ tục hành chính", "Nghị định nào quy định về kiểm soát thủ tục hành chính?",
     [("Nghị định số 63/2010/NĐ-CP", True), ("Nghị định số 45/2020/NĐ-CP", False), ("Nghị định số 30/2020/NĐ-CP", False),
      ("Nghị định số 42/2022/NĐ-CP", False)],
     "Nghị định 63/2010/NĐ-CP về kiểm soát thủ tục hành chính, được sửa đổi, bổ sung nhiều lần."),
    ("TT02", "Thủ tục hành chính", "Cá nhân, tổ chức phản ánh, kiến nghị về quy định hành chính theo văn bản nào?",
     [("Nghị định số 20/2008/NĐ-CP", True), ("Luật Khiếu nại", False), ("Nghị định số 30/2020/NĐ-CP", False),
      ("Luật Tố cáo", False)],
     "Nghị định 20/2008/NĐ-CP về tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính."),
    ("TT03", "Thủ tục hành chính", "Những thông tin nào phải được công khai đối với mỗi thủ tục hành chính? (chọn tất cả các thông tin đúng)",
     [("Thành phần hồ sơ", True), ("Thời hạn giải quyết", True), ("Phí, lệ phí (nếu có)", True), ("Số điện thoại riêng của người nộp hồ sơ khác", False)],
     "Thủ tục hành chính phải công khai đầy đủ: trình tự, thành phần hồ sơ, thời hạn, phí, lệ phí…"),
    ("BM01", "Tổ chức bộ máy", "Từ ngày 01/7/2025, chính quyền địa phương ở nước ta được tổ chức mấy cấp?",
     [("Hai cấp: tỉnh và xã", True), ("Ba cấp: tỉnh, huyện, xã", False), ("Một cấp", False), ("Bốn cấp", False)],
     "Theo Luật Tổ chức chính quyền địa phương năm 2025, chính quyền địa phương gồm cấp tỉnh và cấp xã."),
    ("BM02", "Tổ chức bộ máy", "Tỉnh Ninh Bình (mới) được hình thành từ việc hợp nhất các tỉnh nào?",
     [("Hà Nam, Nam Định và Ninh Bình", True), ("Thanh Hóa và Ninh Bình", False), ("Hà Nam và Ninh Bình", False),
      ("Nam Định, Thái Bình và Ninh Bình", False)],
     "Theo Nghị quyết của Quốc hội về sắp xếp đơn vị hành chính cấp tỉnh năm 2025."),
    ("CV01", "Chế độ công vụ", "Việc tuyên truyền cải cách hành chính có thể thực hiện bằng những hình thức nào? (chọn tất cả các hình thức đúng)",
     [("Tổ chức cuộc thi tìm hiểu", True), ("Đăng tin bài trên cổng thông tin điện tử", True), ("Lồng ghép trong hội nghị, sinh hoạt chi bộ", True),
      ("Gửi tin nhắn quảng cáo không rõ nguồn gốc", False)],
     "Cuộc thi, tin bài, hội nghị, pano, áp phích, mạng xã hội… đều là hình thức tuyên truyền CCHC."),
]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Đinh", "Mai", "Trịnh", "Lương"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Thanh", "Ngọc", "Hải", "Quang", "Thị Thu", "Xuân", "Hồng"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh",
         "Long", "Mai", "Nam", "Nga", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Yến"]
ADDRESSES = ["Thôn Đông, xã Bình Giang", "Tổ 5, phường Phủ Lý", "Xóm 3, xã Kim Sơn", "Phố Trần Hưng Đạo, phường Nam Định",
             "Thôn Thượng, xã Ý Yên", "Tổ 12, phường Hoa Lư"]
PARTICIPANTS = 320


def load_demo() -> str:
    found = Contest.objects.filter(slug=SLUG).first()
    if found is not None:
        return _summary(found)
    with transaction.atomic():
        contest = _build()
    return _summary(contest)


def _summary(contest: Contest) -> str:
    return (f"contest: “{contest.title}”, {contest.questions.count()} questions, {contest.rounds.count()} rounds, "
            f"{contest.participants.count()} participants, "
            f"{Attempt.objects.filter(round__contest=contest, counted=True).count()} counted attempts")


def _build() -> Contest:
    rng = random.Random(2026)  # noqa: S311 - demo data
    organiser = Unit.objects.filter(code="37.SNV").first() or Unit.objects.order_by("path").first()
    contest = Contest.objects.create(title=TITLE, slug=SLUG, unit=organiser, intro=INTRO)
    for code, topic, text, choices, explanation in QUESTIONS:
        kind = QuestionKind.MULTIPLE if sum(c for _, c in choices) > 1 else QuestionKind.SINGLE
        q = Question.objects.create(contest=contest, code=code, topic=topic, text=text, kind=kind, explanation=explanation)
        Choice.objects.bulk_create([Choice(question=q, text=t, correct=c, order=i) for i, (t, c) in enumerate(choices)])
    now = timezone.now()
    local = timezone.localtime(now).replace(hour=8, minute=0, second=0, microsecond=0)
    first = Round.objects.create(contest=contest, number=1, title="Đợt 1", opens_at=local - datetime.timedelta(days=14),
                                 closes_at=local - datetime.timedelta(days=7, hours=-9), questions_count=10,
                                 time_limit_minutes=15, counted_rule=CountedRule.FIRST, results_published=True)
    second = Round.objects.create(contest=contest, number=2, title="Đợt 2", opens_at=local - datetime.timedelta(days=3),
                                  closes_at=local + datetime.timedelta(days=4, hours=9), questions_count=10,
                                  time_limit_minutes=15, counted_rule=CountedRule.BEST)
    units = list(Unit.objects.exclude(kind="office").filter(kind__in=["commune", "ward", "department"]).order_by("path"))
    favourites = [u for u in units if u.code in ("13531", "13285", "37.SNV", "37.STP")] or units[:4]
    people, phones = [], set()
    while len(people) < PARTICIPANTS:
        phone = f"0{rng.choice('3789')}{rng.randrange(10**8):08d}"
        if phone in phones:
            continue
        phones.add(phone)
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        roll = rng.random()
        unit = rng.choice(favourites) if roll < 0.35 else (rng.choice(units) if roll < 0.8 and units else None)
        people.append(Participant(contest=contest, name=name, phone=phone, unit=unit,
                                  address="" if unit else rng.choice(ADDRESSES)))
    Participant.objects.bulk_create(people)
    people = list(Participant.objects.filter(contest=contest).order_by("pk"))
    bank = {q.pk: q for q in Question.objects.filter(contest=contest).prefetch_related("choices")}
    attempts = []
    for round_, share in ((first, 0.85), (second, 0.4)):
        takers = [p for p in people if rng.random() < share]
        for p in takers:
            attempts.append(_attempt(round_, p, bank, rng, len(takers), now))
    Attempt.objects.bulk_create(attempts, batch_size=500)
    return contest


def _attempt(round_: Round, person: Participant, bank: dict, rng: random.Random, takers: int, now) -> Attempt:
    picked = rng.sample(sorted(bank), round_.questions_count)
    drawn, answers, score = [], {}, 0
    skill = rng.uniform(0.55, 0.98)
    for qid in picked:
        choices = [c.pk for c in bank[qid].choices.all()]
        rng.shuffle(choices)
        drawn.append([qid, choices])
        right = sorted(c.pk for c in bank[qid].choices.all() if c.correct)
        if rng.random() < skill:
            answers[str(qid)], score = right, score + 1
        else:
            answers[str(qid)] = [rng.choice([c for c in choices if c not in right])]
    span = (min(round_.closes_at, now) - round_.opens_at).total_seconds() - 3600
    started = round_.opens_at + datetime.timedelta(seconds=rng.uniform(0, span))
    duration = datetime.timedelta(seconds=rng.uniform(150, round_.time_limit_minutes * 60 - 5))
    return Attempt(participant=person, round=round_, started_at=started,
                   deadline=started + datetime.timedelta(minutes=round_.time_limit_minutes), questions=drawn, answers=answers,
                   submitted_at=started + duration, submission_key=f"demo-{round_.pk}-{person.pk}", score=score,
                   prediction=max(0, int(rng.gauss(takers, takers * 0.3))), duration_ms=int(duration.total_seconds() * 1000),
                   counted=True)

