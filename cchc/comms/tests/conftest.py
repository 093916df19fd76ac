"""Plans for the communication tests, built by hand (the session's demo data has units and people only).

`province_plan` restates seed 001: topics a–k, channels a–f, the "100%" requirement sentence; Bình
Giang and Sở Nội vụ each have their own plan with a few topics.
"""

import datetime
import uuid

import pytest

from cchc.comms.models import Activity
from cchc.plans.models import Channel, Plan, PlanKind, Topic
from cchc.test import BINH_GIANG, PROVINCE, SO_NOI_VU, unit

PASSWORD = "NinhBinh@2025"
TOPICS_001 = {
    "a": "Các quan điểm, chủ trương của Đảng, chính sách pháp luật của nhà nước về cải cách hành chính.",
    "b": "Vai trò, trách nhiệm của người đứng đầu cơ quan hành chính các cấp.",
    "c": "Tình hình sắp xếp, kiện toàn tổ chức bộ máy; mô hình chính quyền địa phương 02 cấp.",
    "d": "Đạo đức công vụ, văn hóa giao tiếp và tinh thần trách nhiệm của cán bộ, công chức.",
    "e": "Cơ chế tự chủ, tự chịu trách nhiệm về biên chế và kinh phí.",
    "f": "Chuyển đổi số; dịch vụ công trực tuyến cho công dân.",
    "g": "Các chỉ tiêu chủ yếu trong thực hiện cải cách hành chính năm 2026.",
    "h": "Chỉ số PAR INDEX, SIPAS, PCI, PAPI, DTI.",
    "i": "Mô hình, sáng kiến, điển hình tiên tiến trong cải cách hành chính.",
    "k": "Những vấn đề khác liên quan đến cải cách hành chính.",
}
CHANNELS_001 = {
    "a": "Tuyên truyền thông qua các cơ quan báo chí, Cổng Thông tin điện tử tỉnh, các trang mạng xã hội.",
    "b": "Treo pano, băng rôn, áp phích tại trụ sở cơ quan hành chính, nơi công cộng.",
    "c": "Tổ chức các lớp tập huấn, bồi dưỡng, các buổi họp thôn, tổ dân phố, các hội nghị.",
    "d": "Phát hành tài liệu tuyên truyền, infographic, video ngắn về cải cách hành chính.",
    "e": "Ngoài các hình thức trên, tuyên truyền cải cách hành chính bằng ít nhất một trong số các hình thức: "
         "Tổ chức Cuộc thi tìm hiểu về cải cách hành chính; Hội thảo/Tọa đàm về cải cách hành chính; "
         "Sân khấu hóa hoặc các hình thức tuyên truyền mới, sáng tạo khác.",
    "f": "Các hình thức khác phù hợp với đối tượng, nhóm đối tượng cụ thể theo quy định.",
}
REQUIREMENT_100 = ("Triển khai, tổ chức thực hiện tại 100% các Sở, ban, ngành, các cơ quan ngành dọc Trung ương "
                   "đóng trên địa bàn tỉnh, các đơn vị sự nghiệp công lập thuộc tỉnh, Ủy ban nhân dân các xã, "
                   "phường thuộc tỉnh.")


def make_plan(code: str, topics: dict, channels: dict | None = None, body: dict | None = None, year: int = 2026):
    plan = Plan.objects.create(
        unit=unit(code), kind=PlanKind.COMMUNICATION, title="Kế hoạch thông tin, tuyên truyền CCHC",
        period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31), period_label=f"năm {year}",
        body=body or {},
    )
    Topic.objects.bulk_create([Topic(plan=plan, code=c, text=t, order=i) for i, (c, t) in enumerate(topics.items())])
    Channel.objects.bulk_create([Channel(plan=plan, code=c, text=t, order=i)
                                 for i, (c, t) in enumerate((channels or {}).items())])
    return plan


@pytest.fixture
def province_plan(db):
    return make_plan(PROVINCE, TOPICS_001, CHANNELS_001, {"requirements": ["Phổ biến kịp thời.", REQUIREMENT_100]})


@pytest.fixture
def commune_plan(db):
    return make_plan(BINH_GIANG, {"a": "Tuyên truyền dịch vụ công trực tuyến tại xã.", "b": "Họp thôn về TTHC mới."})


@pytest.fixture
def department_plan(db):
    return make_plan(SO_NOI_VU, {"a": "Tuyên truyền về cải cách chế độ công vụ.", "b": "Chỉ số SIPAS của Sở."})


@pytest.fixture
def plans(province_plan, commune_plan, department_plan):
    return province_plan, commune_plan, department_plan


def make_activities(unit_obj, n: int, *, day=datetime.date(2026, 3, 10), channel="portal", topics=(), **extra):
    made = Activity.objects.bulk_create([
        Activity(unit=unit_obj, date=day, channel=channel, title=f"Hoạt động {i}",
                 source_key=f"test:{uuid.uuid4().hex}", **{"quantity": 1, **extra})
        for i in range(n)
    ])
    if topics:
        through = Activity.topics.through
        through.objects.bulk_create([through(activity_id=a.pk, topic_id=t.pk) for a in made for t in topics])
    return made
