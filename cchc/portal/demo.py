"""Demo content of the public section for Ninh Bình: news, legal documents, procedure changes,
guides to online public services and contacts. `load_demo()` is idempotent (keyed by slug,
document number, procedure name, contact name) and goes through the same services as people do.

The articles are written for the demo: plausible, about the province's 2026 CCHC communication plan,
one-stop shops, online public services and the communes formed on 01/7/2025; their figures are
illustrative, not official statistics.
"""

from __future__ import annotations

import datetime
import io
import os
import random

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cchc.orgs.models import Membership, Role, Unit

from . import services
from .models import Article, ArticleDailyViews, ArticleStatus, Contact, LegalDocument, ProcedureChange, ServiceGuide

DVC = "https://dichvucong.gov.vn"
DVC_NB = "https://dichvucong.ninhbinh.gov.vn"

# (slug, author username, unit code, days ago, title, summary, paragraphs)
ARTICLES = [
    ("ninh-binh-ban-hanh-ke-hoach-thong-tin-tuyen-truyen-cai-cach-hanh-chinh-nam-2026", "ctv.bao", "37.BAO", 320,
     "Ninh Bình ban hành Kế hoạch thông tin, tuyên truyền cải cách hành chính năm 2026",
     "UBND tỉnh yêu cầu 100% sở, ban, ngành và UBND các xã, phường triển khai tuyên truyền cải cách hành chính "
     "với khẩu hiệu “lấy người dân, doanh nghiệp làm trung tâm”.",
     ["Thực hiện Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ và Kế hoạch số 148/KH-UBND ngày 03/12/2025 "
      "về cải cách hành chính năm 2026, Ủy ban nhân dân tỉnh Ninh Bình đã ban hành Kế hoạch thông tin, tuyên "
      "truyền cải cách hành chính năm 2026.",
      "Kế hoạch xác định mười một nhóm nội dung tuyên truyền, từ cải cách thể chế, cải cách thủ tục hành chính, "
      "cải cách tổ chức bộ máy đến xây dựng chính quyền điện tử, chính quyền số. Các hình thức được đa dạng hóa: "
      "báo chí, phát thanh – truyền hình, Cổng thông tin điện tử, mạng xã hội, pa-nô, khẩu hiệu, tờ rơi, hội nghị, "
      "tọa đàm và cuộc thi tìm hiểu trực tuyến.",
      "Thủ trưởng các cơ quan, đơn vị và Chủ tịch UBND các xã, phường chịu trách nhiệm trực tiếp về công tác tuyên "
      "truyền tại đơn vị mình; Sở Nội vụ là cơ quan thường trực, theo dõi, đôn đốc và tổng hợp kết quả báo cáo UBND "
      "tỉnh định kỳ hằng quý, 6 tháng và năm."]),
    ("bo-phan-mot-cua-cap-xa-sau-sap-xep-van-hanh-on-dinh", "ctv.bao", "37.BAO", 290,
     "Bộ phận Một cửa cấp xã sau sắp xếp: vận hành ổn định, người dân hài lòng",
     "Sau hơn nửa năm hoạt động theo mô hình chính quyền địa phương hai cấp, Trung tâm Phục vụ hành chính công "
     "các xã, phường đã tiếp nhận và trả kết quả hồ sơ thông suốt.",
     ["Từ ngày 01/7/2025, theo Nghị quyết số 1674/NQ-UBTVQH15 của Ủy ban Thường vụ Quốc hội, tỉnh Ninh Bình có 129 "
      "đơn vị hành chính cấp xã. Mỗi xã, phường đều bố trí Trung tâm Phục vụ hành chính công làm đầu mối tiếp nhận "
      "hồ sơ theo Nghị định số 118/2025/NĐ-CP của Chính phủ.",
      "Tại xã Bình Giang, trung bình mỗi ngày bộ phận tiếp nhận khoảng 40 đến 60 hồ sơ, chủ yếu thuộc lĩnh vực hộ "
      "tịch, chứng thực và đất đai. Công chức được bố trí theo nguyên tắc “một người làm được nhiều việc”, khu vực "
      "chờ có máy tra cứu và máy lấy số tự động.",
      "Người dân có thể nộp hồ sơ tại bất kỳ Trung tâm nào trong tỉnh đối với các thủ tục đã được công bố không phụ "
      "thuộc vào địa giới hành chính, theo Quyết định số 539/QĐ-UBND ngày 05/6/2025 của UBND tỉnh."]),
    ("huong-dan-nop-ho-so-truc-tuyen-toan-trinh-tren-cong-dich-vu-cong-quoc-gia", "ctv.bao", "37.BAO", 260,
     "Nộp hồ sơ trực tuyến toàn trình: nhanh hơn, ít tốn kém hơn",
     "Chỉ với điện thoại thông minh và tài khoản định danh điện tử VNeID mức 2, người dân có thể nộp hồ sơ, "
     "thanh toán phí và nhận kết quả mà không phải đến trụ sở.",
     ["Cổng Dịch vụ công quốc gia (dichvucong.gov.vn) cho phép đăng nhập bằng tài khoản VNeID. Thông tin công dân "
      "được tự động điền vào tờ khai, giấy tờ đã có trong kho dữ liệu không phải nộp lại.",
      "Với các thủ tục như đăng ký khai sinh, cấp phiếu lý lịch tư pháp, đăng ký thường trú, người dân chỉ mất vài "
      "phút để hoàn thành tờ khai; lệ phí được thanh toán trực tuyến và kết quả có thể nhận bản điện tử hoặc qua "
      "dịch vụ bưu chính công ích.",
      "Năm 2026, tỉnh phấn đấu tỷ lệ hồ sơ trực tuyến toàn trình trên tổng số hồ sơ của các thủ tục đủ điều kiện "
      "đạt từ 80% trở lên. Công chức Bộ phận Một cửa sẵn sàng hướng dẫn người dân thực hiện ngay tại quầy."]),
    ("so-noi-vu-to-chuc-hoi-nghi-tap-huan-nghiep-vu-cai-cach-hanh-chinh-2026", "bientap", "37.VPUB", 230,
     "Tập huấn nghiệp vụ cải cách hành chính cho cán bộ, công chức cấp xã",
     "Hơn 300 công chức làm công tác cải cách hành chính, văn phòng của các xã, phường được bồi dưỡng về chỉ số "
     "CCHC, kiểm soát thủ tục hành chính và kỹ năng tuyên truyền.",
     ["Sở Nội vụ phối hợp với Văn phòng UBND tỉnh tổ chức hội nghị tập huấn theo hình thức trực tiếp kết hợp trực "
      "tuyến tới điểm cầu các xã, phường.",
      "Các báo cáo viên đã hướng dẫn cách tự đánh giá, chấm điểm Chỉ số cải cách hành chính (PAR INDEX), cách thu "
      "thập tài liệu kiểm chứng, kỹ năng viết tin bài và sử dụng mạng xã hội để tuyên truyền.",
      "Học viên đánh giá nội dung thiết thực, sát với nhiệm vụ của cấp xã sau sắp xếp; nhiều câu hỏi được giải đáp "
      "trực tiếp tại hội nghị."]),
    ("xa-binh-giang-dua-cai-cach-hanh-chinh-len-loa-truyen-thanh", "ctv.binhgiang", "13531", 200,
     "Xã Bình Giang đưa cải cách hành chính lên loa truyền thanh và nhóm Zalo thôn xóm",
     "Chuyên mục “Cải cách hành chính – vì người dân” phát hai kỳ mỗi tuần trên hệ thống truyền thanh của xã.",
     ["Thực hiện kế hoạch tuyên truyền của tỉnh, UBND xã Bình Giang xây dựng kế hoạch riêng, phân công rõ người, "
      "rõ việc. Mỗi tuần, Đài Truyền thanh xã phát hai kỳ chuyên mục, giới thiệu thủ tục hành chính mới, hướng dẫn "
      "nộp hồ sơ trực tuyến và giải đáp các thắc mắc thường gặp.",
      "Các nhóm Zalo của thôn, xóm được sử dụng để chia sẻ nhanh tin bài, video ngắn hướng dẫn cài đặt VNeID, "
      "thanh toán trực tuyến. Đoàn Thanh niên xã lập tổ công nghệ số cộng đồng hỗ trợ người cao tuổi.",
      "Nhờ đó, số hồ sơ trực tuyến của xã tăng rõ rệt so với quý trước, thời gian chờ tại Trung tâm Phục vụ hành "
      "chính công giảm."]),
    ("phat-dong-cuoc-thi-tim-hieu-cai-cach-hanh-chinh-truc-tuyen-2026", "ctv.bao", "37.BAO", 170,
     "Phát động Cuộc thi trực tuyến tìm hiểu cải cách hành chính tỉnh Ninh Bình năm 2026",
     "Cuộc thi dành cho cán bộ, công chức, viên chức, người lao động, đoàn viên, hội viên và nhân dân trong tỉnh; "
     "mỗi tuần một lượt thi trắc nghiệm.",
     ["Cuộc thi gồm các câu hỏi trắc nghiệm về Chương trình tổng thể cải cách hành chính nhà nước giai đoạn "
      "2021 – 2030, các quy định về thủ tục hành chính, dịch vụ công trực tuyến và chuyển đổi số.",
      "Người dự thi đăng nhập bằng số điện thoại, trả lời câu hỏi trong thời gian quy định và dự đoán số người trả "
      "lời đúng. Ban Tổ chức trao giải tuần và giải chung cuộc cho cá nhân, tập thể có nhiều người tham gia.",
      "Các cơ quan, đơn vị có trách nhiệm phổ biến cuộc thi tới toàn thể cán bộ, công chức và vận động người dân "
      "tham gia."]),
    ("cong-khai-duong-day-nong-tiep-nhan-phan-anh-kien-nghi-thu-tuc-hanh-chinh", "bientap", "37.VPUB", 150,
     "Công khai đường dây nóng tiếp nhận phản ánh, kiến nghị về thủ tục hành chính",
     "Người dân, doanh nghiệp có thể phản ánh qua điện thoại, thư điện tử, Cổng Dịch vụ công quốc gia hoặc trực "
     "tiếp tại Bộ phận Một cửa.",
     ["Văn phòng UBND tỉnh công khai địa chỉ, số điện thoại, thư điện tử tiếp nhận phản ánh, kiến nghị về quy định "
      "hành chính, thủ tục hành chính và thái độ, tinh thần trách nhiệm của cán bộ, công chức.",
      "Mọi phản ánh, kiến nghị được phân loại, chuyển cơ quan có thẩm quyền xử lý; kết quả trả lời được công khai "
      "trên Cổng Dịch vụ công. Người phản ánh cần ghi rõ họ tên, địa chỉ và nội dung cụ thể.",
      "Danh sách đầy đủ được đăng tại mục Phản ánh, kiến nghị của chuyên mục này."]),
    ("ninh-binh-day-manh-thanh-toan-truc-tuyen-phi-le-phi", "ctv.bao", "37.BAO", 120,
     "Đẩy mạnh thanh toán trực tuyến phí, lệ phí thủ tục hành chính",
     "Các Trung tâm Phục vụ hành chính công khuyến khích người dân thanh toán qua ứng dụng ngân hàng, ví điện tử "
     "khi nộp hồ sơ.",
     ["Thanh toán trực tuyến giúp người dân không phải mang theo tiền mặt, biên lai điện tử được gửi ngay vào tài "
      "khoản trên Cổng Dịch vụ công.",
      "Tại quầy tiếp nhận, mã QR thanh toán được dán công khai; công chức hướng dẫn từng bước với những người lần "
      "đầu sử dụng.",
      "Sở Tài chính và Văn phòng UBND tỉnh thường xuyên theo dõi tỷ lệ thanh toán trực tuyến của từng đơn vị và "
      "đưa vào tiêu chí đánh giá Chỉ số cải cách hành chính."]),
    ("phuong-phu-ly-so-hoa-ket-qua-giai-quyet-thu-tuc-hanh-chinh", "ctv.bao", "37.BAO", 90,
     "Phường Phủ Lý số hóa kết quả giải quyết thủ tục hành chính",
     "Toàn bộ kết quả giải quyết thủ tục hành chính còn hiệu lực được số hóa, giúp người dân không phải nộp lại "
     "giấy tờ ở lần sau.",
     ["Theo Nghị định số 118/2025/NĐ-CP, hồ sơ, kết quả giải quyết thủ tục hành chính phải được số hóa và lưu vào "
      "kho dữ liệu điện tử của tổ chức, cá nhân.",
      "Phường Phủ Lý bố trí công chức chuyên trách số hóa, kiểm tra chất lượng bản điện tử trước khi ký số. Người "
      "dân được hướng dẫn tra cứu, tái sử dụng giấy tờ trong kho dữ liệu cá nhân trên Cổng Dịch vụ công quốc gia.",
      "Đây là một trong những tiêu chí quan trọng để đánh giá chất lượng phục vụ người dân, doanh nghiệp năm 2026."]),
    ("khao-sat-muc-do-hai-long-cua-nguoi-dan-doi-voi-su-phuc-vu-cua-co-quan-hanh-chinh", "bientap", "37.VPUB", 60,
     "Khảo sát mức độ hài lòng của người dân đối với sự phục vụ của cơ quan hành chính",
     "Người dân đến giao dịch tại Bộ phận Một cửa có thể đánh giá qua máy tính bảng tại quầy hoặc quét mã QR.",
     ["Kết quả đánh giá là căn cứ để xếp loại mức độ hoàn thành nhiệm vụ của cơ quan, đơn vị và cán bộ, công chức "
      "trực tiếp giải quyết thủ tục hành chính.",
      "Các tiêu chí đánh giá gồm: tiếp cận dịch vụ, thủ tục hành chính, công chức phục vụ, kết quả giải quyết và "
      "việc tiếp nhận, xử lý phản ánh, kiến nghị.",
      "Sở Nội vụ đề nghị các đơn vị niêm yết mã QR đánh giá ở vị trí dễ thấy và không được yêu cầu người dân đánh "
      "giá theo ý muốn của cán bộ."]),
    ("tuyen-truyen-cai-cach-hanh-chinh-tren-mang-xa-hoi", "ctv.binhgiang", "13531", 30,
     "Tuyên truyền cải cách hành chính trên mạng xã hội: ngắn gọn, dễ hiểu, đúng lúc",
     "Video ngắn hướng dẫn thủ tục, infographic về chỉ tiêu CCHC năm 2026 được chia sẻ rộng rãi trên Fanpage và "
     "kênh Zalo OA của các xã, phường.",
     ["Mạng lưới cộng tác viên tuyên truyền cải cách hành chính của tỉnh gồm phóng viên, biên tập viên và công chức "
      "các xã, phường, được tập huấn kỹ năng viết tin, chụp ảnh, dựng video ngắn.",
      "Các sản phẩm ngắn gọn, có phụ đề, phù hợp xem trên điện thoại được người dân đón nhận, nhất là các hướng dẫn "
      "cài đặt định danh điện tử và nộp hồ sơ trực tuyến.",
      "Các đơn vị ghi nhận mỗi tin bài, video vào sổ theo dõi hoạt động tuyên truyền để tổng hợp báo cáo định kỳ."]),
    ("so-ket-cong-tac-cai-cach-hanh-chinh-9-thang-nam-2026", "ctv.bao", "37.BAO", 10,
     "Sơ kết công tác cải cách hành chính 9 tháng năm 2026",
     "Nhiều chỉ tiêu cải cách hành chính năm 2026 đạt và vượt kế hoạch; một số đơn vị còn chậm báo cáo, tỷ lệ hồ "
     "sơ trực tuyến chưa đồng đều.",
     ["Hội nghị đánh giá công tác chỉ đạo, điều hành cải cách hành chính được triển khai đồng bộ; việc kiểm tra "
      "cải cách hành chính được thực hiện tại các sở, ngành và xã, phường theo kế hoạch.",
      "Bên cạnh kết quả đạt được, hội nghị chỉ ra hạn chế: một số đơn vị chưa cập nhật đầy đủ kết quả thực hiện "
      "nhiệm vụ, tỷ lệ hồ sơ trực tuyến toàn trình ở một số xã vùng nông thôn còn thấp.",
      "UBND tỉnh yêu cầu các đơn vị tập trung hoàn thành các nhiệm vụ còn lại trong quý IV, chuẩn bị tốt cho việc "
      "tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2026."]),
]

LEGAL = [
    ("76/NQ-CP", "Nghị quyết", datetime.date(2021, 7, 15), "Chính phủ", "central",
     "Ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030",
     "https://vanban.chinhphu.vn/?pageid=27160&docid=203867"),
    ("30/2020/NĐ-CP", "Nghị định", datetime.date(2020, 3, 5), "Chính phủ", "central", "Về công tác văn thư", ""),
    ("118/2025/NĐ-CP", "Nghị định", datetime.date(2025, 6, 9), "Chính phủ", "central",
     "Về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông tại Bộ phận Một cửa và Cổng Dịch vụ "
     "công quốc gia", ""),
    ("1588/QĐ-TTg", "Quyết định", datetime.date(2024, 12, 17), "Thủ tướng Chính phủ", "central",
     "Phê duyệt Đề án “Tuyên truyền, phổ biến, nâng cao chất lượng về cung cấp và sử dụng hiệu quả dịch vụ công "
     "trực tuyến đến năm 2025, định hướng đến năm 2030”", ""),
    ("06/QĐ-TTg", "Quyết định", datetime.date(2022, 1, 6), "Thủ tướng Chính phủ", "central",
     "Phê duyệt Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử phục vụ chuyển đổi số "
     "quốc gia giai đoạn 2022 - 2025, tầm nhìn đến năm 2030", ""),
    ("1674/NQ-UBTVQH15", "Nghị quyết", datetime.date(2025, 6, 16), "Ủy ban Thường vụ Quốc hội", "central",
     "Về việc sắp xếp các đơn vị hành chính cấp xã của tỉnh Ninh Bình năm 2025", ""),
    ("148/KH-UBND", "Kế hoạch", datetime.date(2025, 12, 3), "UBND tỉnh Ninh Bình", "provincial",
     "Cải cách hành chính tỉnh Ninh Bình năm 2026", ""),
    ("21/KH-UBND", "Kế hoạch", datetime.date(2025, 8, 4), "UBND tỉnh Ninh Bình", "provincial",
     "Thông tin, tuyên truyền cải cách hành chính 6 tháng cuối năm 2025", ""),
    ("539/QĐ-UBND", "Quyết định", datetime.date(2025, 6, 5), "UBND tỉnh Ninh Bình", "provincial",
     "Ban hành Kế hoạch triển khai mô hình thực hiện thủ tục hành chính không phụ thuộc vào địa giới hành chính "
     "trong phạm vi tỉnh Ninh Bình", ""),
]

# (name, field, change, level, deciding document, decided on, replaces, summary)
PROCEDURES = [
    ("Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi (liên thông)", "Hộ tịch",
     "amended", "commune", "Quyết định số 1650/QĐ-UBND ngày 12/9/2025 của Chủ tịch UBND tỉnh (số liệu minh họa)",
     datetime.date(2025, 9, 12), "",
     "Thực hiện hoàn toàn trực tuyến trên Cổng Dịch vụ công quốc gia; người dân không phải nộp bản giấy."),
    ("Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp", "Chứng thực",
     "amended", "commune", "Quyết định số 1650/QĐ-UBND ngày 12/9/2025 của Chủ tịch UBND tỉnh (số liệu minh họa)",
     datetime.date(2025, 9, 12), "", "Bổ sung hình thức chứng thực bản sao điện tử từ bản chính."),
    ("Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam qua ứng dụng VNeID", "Lý lịch tư pháp", "new", "provincial",
     "Quyết định số 1702/QĐ-UBND ngày 22/9/2025 của Chủ tịch UBND tỉnh (số liệu minh họa)",
     datetime.date(2025, 9, 22), "", "Thủ tục mới, nộp và nhận kết quả điện tử trên VNeID."),
    ("Đăng ký kết hôn (liên thông điện tử)", "Hộ tịch", "replaced", "commune",
     "Quyết định số 1811/QĐ-UBND ngày 08/10/2025 của Chủ tịch UBND tỉnh (số liệu minh họa)",
     datetime.date(2025, 10, 8), "Đăng ký kết hôn (thủ tục cấp huyện trước ngày 01/7/2025)",
     "Thẩm quyền chuyển về UBND cấp xã sau khi tổ chức chính quyền địa phương hai cấp."),
    ("Xác nhận tình trạng hôn nhân do cấp huyện thực hiện", "Hộ tịch", "abolished", "commune",
     "Quyết định số 1811/QĐ-UBND ngày 08/10/2025 của Chủ tịch UBND tỉnh (số liệu minh họa)",
     datetime.date(2025, 10, 8), "", "Bãi bỏ do không còn cấp huyện; thực hiện theo thủ tục cấp xã."),
]

GUIDES = [
    ("dang-ky-tai-khoan-dich-vu-cong-quoc-gia-bang-vneid", "Đăng nhập Cổng Dịch vụ công quốc gia bằng tài khoản VNeID",
     "Các bước đăng nhập dichvucong.gov.vn bằng tài khoản định danh điện tử mức 2.", DVC,
     "<h2>Chuẩn bị</h2><ul><li>Điện thoại đã cài ứng dụng VNeID, tài khoản định danh điện tử mức 2.</li>"
     "<li>Trình duyệt trên máy tính hoặc điện thoại.</li></ul><h2>Các bước</h2><ol><li>Truy cập "
     "<a href=\"https://dichvucong.gov.vn\">dichvucong.gov.vn</a>, chọn <strong>Đăng nhập</strong>.</li>"
     "<li>Chọn <strong>Tài khoản định danh điện tử</strong>, nhập số định danh cá nhân và mật khẩu VNeID.</li>"
     "<li>Xác nhận đăng nhập trên ứng dụng VNeID hoặc nhập mã OTP.</li></ol>"),
    ("nop-ho-so-truc-tuyen-tren-cong-dich-vu-cong", "Nộp hồ sơ thủ tục hành chính trực tuyến",
     "Tìm thủ tục, điền tờ khai, đính kèm giấy tờ và theo dõi hồ sơ.", DVC,
     "<ol><li>Đăng nhập Cổng Dịch vụ công quốc gia.</li><li>Gõ tên thủ tục vào ô tìm kiếm, chọn đúng cơ quan "
     "thực hiện (UBND xã, phường nơi bạn muốn nộp).</li><li>Điền tờ khai; thông tin công dân được điền sẵn "
     "từ Cơ sở dữ liệu quốc gia về dân cư.</li><li>Đính kèm giấy tờ hoặc chọn giấy tờ đã có trong kho dữ liệu cá "
     "nhân.</li><li>Nộp hồ sơ và ghi lại mã hồ sơ để tra cứu.</li></ol>"),
    ("thanh-toan-phi-le-phi-truc-tuyen", "Thanh toán phí, lệ phí trực tuyến",
     "Thanh toán qua ngân hàng, ví điện tử ngay khi nộp hồ sơ.", DVC,
     "<p>Sau khi nộp hồ sơ, chọn <strong>Thanh toán</strong>, chọn ngân hàng hoặc ví điện tử và xác nhận. Biên lai "
     "điện tử được lưu trong mục <em>Quản lý thanh toán</em>.</p>"),
    ("tra-cuu-tien-do-giai-quyet-ho-so", "Tra cứu tiến độ giải quyết hồ sơ",
     "Theo dõi hồ sơ bằng mã hồ sơ trên Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh.", DVC_NB,
     "<p>Nhập mã hồ sơ ghi trên giấy tiếp nhận vào ô tra cứu. Hệ thống hiển thị bước xử lý hiện tại, cán bộ "
     "đang xử lý và ngày hẹn trả kết quả.</p>"),
    ("gui-phan-anh-kien-nghi-tren-cong-dich-vu-cong", "Gửi phản ánh, kiến nghị trên Cổng Dịch vụ công quốc gia",
     "Phản ánh về quy định hành chính, thủ tục hành chính và việc giải quyết hồ sơ.", f"{DVC}/p/phananhkiennghi/pakn-gui-pakn.html",
     "<p>Chọn mục <strong>Phản ánh kiến nghị</strong>, điền nội dung, đính kèm tài liệu nếu có. Kết quả xử lý được "
     "thông báo qua thư điện tử và công khai trên Cổng.</p>"),
]

# (name, address, phone, email, hours, hotline, note)
CONTACTS = [
    ("Đường dây nóng tiếp nhận phản ánh, kiến nghị về thủ tục hành chính tỉnh Ninh Bình", "", "0229 3 888 999", "",
     "Giờ hành chính các ngày làm việc", True, "Số điện thoại minh họa trong dữ liệu mẫu."),
    ("Tổng đài hỗ trợ Cổng Dịch vụ công quốc gia", "", "18001096", "", "24/7", True,
     "Hỗ trợ đăng nhập, nộp hồ sơ, thanh toán trực tuyến."),
    ("Phòng Kiểm soát thủ tục hành chính – Văn phòng UBND tỉnh Ninh Bình", "Phường Hoa Lư, tỉnh Ninh Bình",
     "0229 3 888 900", "kstthc@ninhbinh.gov.vn", "Sáng 7h30 – 11h30, chiều 13h30 – 17h00", False,
     "Địa chỉ và số điện thoại minh họa trong dữ liệu mẫu."),
    ("Phòng Cải cách hành chính và Văn thư – Lưu trữ, Sở Nội vụ", "Phường Hoa Lư, tỉnh Ninh Bình",
     "0229 3 888 901", "cchc.snv@ninhbinh.gov.vn", "Giờ hành chính", False,
     "Tiếp nhận góp ý về công tác cải cách hành chính. Thông tin minh họa."),
    ("Trung tâm Phục vụ hành chính công tỉnh", "Phường Hoa Lư, tỉnh Ninh Bình", "0229 3 888 902", "",
     "Thứ Hai – Thứ Sáu và sáng Thứ Bảy", False, "Thông tin minh họa."),
]

COLORS = [(165, 14, 14), (11, 79, 138), (27, 107, 42), (122, 82, 0), (90, 40, 120), (0, 105, 120)]


def _cover(title: str, index: int) -> SimpleUploadedFile:
    """A simple illustrative cover (no photo of real people): a coloured card with the title's words."""
    from PIL import Image, ImageDraw

    color = COLORS[index % len(COLORS)]
    image = Image.new("RGB", (960, 540), color)
    draw = ImageDraw.Draw(image)
    for i in range(6):
        draw.ellipse([620 + i * 30, -120 + i * 60, 1100 + i * 30, 360 + i * 60], outline=(255, 255, 255), width=2)
    draw.rectangle([0, 440, 960, 540], fill=tuple(max(c - 50, 0) for c in color))
    try:
        from PIL import ImageFont

        font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf", 40)
    except OSError:
        font = None
    words, lines, line = title.split(), [], ""
    for word in words:
        if len(line) + len(word) > 30:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    for n, text in enumerate(lines[:4]):
        draw.text((48, 80 + n * 56), text, fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile("anh.jpg", out.getvalue(), content_type="image/jpeg")


def _collaborator(username: str, code: str):
    """The demo author; ctv.binhgiang (a commune's collaborator) is created here if missing."""
    User = get_user_model()
    person = User.objects.filter(username=username).first()
    unit = Unit.objects.filter(code=code).first()
    if person is None and username == "ctv.binhgiang" and unit is not None:
        from cchc.orgs import services as org_services

        person = org_services.person_create(
            username=username, full_name="Trịnh Thu Trang", email="ctv.binhgiang@demo.cchc.local",
            password=os.environ.get("DEMO_PASSWORD", "NinhBinh@2025"), unit=unit,
            role=Role.COLLABORATOR, position="Công chức Văn hóa - Xã hội, cộng tác viên tuyên truyền",
        )
    return person


def load_demo() -> str:
    editor = get_user_model().objects.filter(username="bientap").first()
    if editor is None or not Membership.objects.filter(user=editor, role=Role.EDITOR).exists():
        return "Chuyên mục CCHC: bỏ qua (chưa có tài khoản biên tập viên mẫu)."
    created = {"bài viết": 0, "văn bản": 0, "thủ tục": 0, "hướng dẫn": 0, "liên hệ": 0}
    now = timezone.now()
    with set_actor(None), transaction.atomic():
        for index, (slug, username, code, days_ago, title, summary, paragraphs) in enumerate(ARTICLES):
            if Article.objects.filter(slug=slug).exists():
                continue
            author = _collaborator(username, code)
            unit = Unit.objects.filter(code=code).first()
            if author is None or unit is None:
                continue
            body = "\n\n".join(paragraphs)
            article = services.article_save(user=author, unit=unit, title=title, summary=summary, body=body)
            Article.objects.filter(pk=article.pk).update(slug=slug)
            article.slug = slug
            services.image_add(article=article, upload=_cover(title, index), user=author,
                               alt=f"Ảnh minh họa: {title}", as_cover=True)
            services.article_submit(article=article, user=author)
            # Publication dates spread over the year, so lists, the feed and the trend look lived-in.
            when = now - datetime.timedelta(days=days_ago, hours=index)
            Article.objects.filter(pk=article.pk).update(published_at=when)
            services.article_publish(article=article, user=editor, record_as_activity=True)
            created["bài viết"] += 1
        for number, kind, issued, issuer, level, title, url in LEGAL:
            _, new = LegalDocument.objects.get_or_create(
                number=number, issued_on=issued,
                defaults={"kind": kind, "issuer": issuer, "level": level, "title": title, "url": url},
            )
            created["văn bản"] += new
        for name, field, change, level, document, decided, replaces, summary in PROCEDURES:
            _, new = ProcedureChange.objects.get_or_create(
                name=name, decided_on=decided,
                defaults={"field": field, "change": change, "level": level, "deciding_document": document,
                          "replaces": replaces, "summary": summary, "effective_on": decided,
                          "service_url": DVC},
            )
            created["thủ tục"] += new
        for position, (slug, title, summary, url, body) in enumerate(GUIDES):
            if ServiceGuide.objects.filter(slug=slug).exists():
                continue
            services.guide_save(guide=ServiceGuide(slug=slug, title=title, summary=summary, service_url=url,
                                                   position=position), body=body)
            created["hướng dẫn"] += 1
        for position, (name, address, phone, email, hours, hotline, note) in enumerate(CONTACTS):
            _, new = Contact.objects.get_or_create(
                name=name, defaults={"address": address, "phone": phone, "email": email, "hours": hours,
                                     "is_hotline": hotline, "note": note, "position": position},
            )
            created["liên hệ"] += new
        views = _demo_views()
        progressed = _plan_progress()
    summary = ", ".join(f"{n} {label}" for label, n in created.items())
    return f"Chuyên mục CCHC: {summary} mới; {views} lượt xem mẫu; {progressed} phân công mẫu đã báo cáo tiến độ."


def _plan_progress() -> int:
    """The province's plan as units would have reported it by now (for the public progress page):
    of the assignments already due, most done — a few late — with a report number as evidence,
    some in progress. Once, and only while nobody has reported anything on that plan."""
    from cchc.plans.models import Assignment, Evidence, Progress
    from cchc.portal.accountability import current_plan

    plan = current_plan()
    today = timezone.localdate()
    if plan is None or Assignment.objects.filter(task__plan=plan).exclude(progress=Progress.NOT_STARTED).exists():
        return 0
    due = list(Assignment.objects.filter(task__plan=plan, due_date__lt=today).select_related("unit").order_by("pk"))
    done, evidence = [], []
    for a in due:
        turn = a.pk % 10
        if turn < 7:
            late = turn == 6
            a.progress = Progress.DONE
            a.completed_on = a.due_date + datetime.timedelta(days=5 if late else -(a.pk % 9))
            evidence.append(Evidence(assignment=a, document_number=f"{a.pk}/BC-{a.unit.code}", document_date=a.completed_on,
                                     note="Báo cáo kết quả thực hiện (dữ liệu mẫu)"))
        elif turn < 9:
            a.progress = Progress.IN_PROGRESS
        else:
            continue
        done.append(a)
    Assignment.objects.bulk_update(done, ["progress", "completed_on"], batch_size=500)
    Evidence.objects.bulk_create(evidence, batch_size=500)
    return len(done)


def _demo_views() -> int:
    """Sixty days of illustrative daily view counts, once (newer articles read more)."""
    if ArticleDailyViews.objects.exists():
        return 0
    rng = random.Random(2026)  # noqa: S311 - demo figures, not security
    today = timezone.localdate()
    rows = []
    articles = Article.objects.filter(status=ArticleStatus.PUBLISHED).only("pk", "published_at")
    for article in articles:
        first = max(timezone.localtime(article.published_at).date(), today - datetime.timedelta(days=59))
        for offset in range((today - first).days + 1):
            day = first + datetime.timedelta(days=offset)
            fresh = max(1, 30 - (day - first).days)
            rows.append(ArticleDailyViews(article=article, day=day, count=rng.randint(3, 12) + fresh * rng.randint(1, 4)))
    ArticleDailyViews.objects.bulk_create(rows)
    return sum(r.count for r in rows)
