"""Demo activities: a plausible year of communication work by a few dozen Ninh Bình units.

`load_demo()` is idempotent: every demo activity carries source_key "demo:<n>" unique per unit, so a
second run creates nothing. The main `load_demo` command calls it after the seed plans are loaded;
it works against the province's communication plan (seed 001), found by its kind and issuing unit.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from cchc.orgs.models import Unit, UnitKind, active_units_q
from cchc.plans.models import Plan, PlanKind

from . import services
from .models import Activity, ChannelKind
from .requirements import ensure_requirements

# (channel, weight, title pattern, quantity range, reach range or None)
_CHANNELS = [
    (ChannelKind.PORTAL, 14, "Tin bài “{topic}” trên trang thông tin điện tử", (1, 4), (150, 2500)),
    (ChannelKind.SOCIAL, 12, "Đăng bài về {topic} trên trang Zalo OA, Facebook của đơn vị", (1, 6), (300, 8000)),
    (ChannelKind.INTEGRATED, 12, "Lồng ghép tuyên truyền {topic} trong giao ban tháng", (1, 2), (15, 60)),
    (ChannelKind.VILLAGE_MEETING, 9, "Tuyên truyền {topic} tại họp thôn, tổ dân phố", (1, 8), (40, 400)),
    (ChannelKind.RADIO, 8, "Phát thanh chuyên mục cải cách hành chính: {topic}", (2, 12), (500, 5000)),
    (ChannelKind.BANNER, 6, "Treo băng rôn, pano khẩu hiệu cải cách hành chính tại trụ sở", (2, 10), None),
    (ChannelKind.LEAFLET, 5, "Phát tờ rơi hướng dẫn dịch vụ công trực tuyến", (100, 1500), None),
    (ChannelKind.CONFERENCE, 4, "Hội nghị phổ biến {topic}", (1, 1), (50, 250)),
    (ChannelKind.TRAINING, 3, "Tập huấn kỹ năng sử dụng dịch vụ công trực tuyến, định danh điện tử", (1, 2), (30, 120)),
    (ChannelKind.INFOGRAPHIC, 3, "Infographic: {topic}", (1, 3), (200, 3000)),
    (ChannelKind.VIDEO, 3, "Video clip ngắn về {topic}", (1, 2), (500, 12000)),
    (ChannelKind.PRESS, 3, "Bài viết trên Báo và Phát thanh, Truyền hình Ninh Bình về {topic}", (1, 2), (1000, 15000)),
    (ChannelKind.TV, 2, "Phóng sự truyền hình: {topic}", (1, 2), (2000, 20000)),
    (ChannelKind.POSTER, 2, "Dán áp phích hướng dẫn thủ tục hành chính tại bộ phận một cửa", (5, 40), None),
]
_NEW_FORMS = [
    (ChannelKind.CONTEST, "Cuộc thi tìm hiểu về cải cách hành chính năm 2026", (1, 1), (200, 3000)),
    (ChannelKind.SEMINAR, "Tọa đàm “Người dân, doanh nghiệp là trung tâm” của cải cách hành chính", (1, 1), (40, 150)),
    (ChannelKind.STAGING, "Sân khấu hóa tuyên truyền cải cách hành chính tại nhà văn hóa", (1, 2), (150, 600)),
]
_TOPIC_WORDS = {
    "a": "chủ trương, chính sách cải cách hành chính", "b": "trách nhiệm người đứng đầu",
    "c": "sắp xếp tổ chức bộ máy, chính quyền địa phương 2 cấp", "d": "đạo đức công vụ, kỷ luật, kỷ cương",
    "e": "cơ chế tự chủ của đơn vị sự nghiệp", "f": "chuyển đổi số và dịch vụ công trực tuyến",
    "g": "các chỉ tiêu cải cách hành chính năm 2026", "h": "Chỉ số PAR INDEX, SIPAS, PCI, PAPI, DTI",
    "i": "mô hình, sáng kiến cải cách hành chính", "k": "các vấn đề khác về cải cách hành chính",
}


def demo_plan() -> Plan | None:
    """The province's communication plan (seed 001): kind communication, issued by the province."""
    return (Plan.objects.filter(kind=PlanKind.COMMUNICATION, unit__kind=UnitKind.PROVINCE, unit__depth=0)
            .select_related("unit").order_by("-period_start", "-pk").first())


def demo_units(plan: Plan) -> list[Unit]:
    """All departments, xã Bình Giang, phường Phủ Lý and every fifth commune or ward: about forty units."""
    direct = Unit.objects.filter(parent=plan.unit).filter(active_units_q()).order_by("code")
    departments = list(direct.filter(kind=UnitKind.DEPARTMENT))
    local = list(direct.filter(kind__in=[UnitKind.COMMUNE, UnitKind.WARD]))
    chosen = [u for i, u in enumerate(local) if i % 5 == 0 or u.code in ("13531", "13285")]
    return departments + chosen


def load_demo() -> str:
    plan = demo_plan()
    if plan is None:
        return "Hoạt động tuyên truyền mẫu: bỏ qua (chưa có kế hoạch tuyên truyền của tỉnh)."
    ensure_requirements(plan)
    today = timezone.localdate()
    start = plan.period_start or today.replace(month=1, day=1)
    end = min(plan.period_end or today, today)
    if end < start:
        start = end.replace(month=1, day=1)
    days = (end - start).days
    units = demo_units(plan)
    existing = set(Activity.objects.filter(unit__in=units, source_key__startswith="demo:")
                   .values_list("unit_id", "source_key"))
    topics_by_unit = {}
    new: list[tuple[Activity, list]] = []
    for unit in units:
        rng = random.Random(f"cchc-demo-{unit.code}")
        if unit.pk not in topics_by_unit:
            topics_by_unit[unit.pk] = list(services.allowed_topics(unit))
        topics = topics_by_unit[unit.pk]
        n = rng.randint(6, 28) if rng.random() > 0.08 else 0  # a few units record nothing: to be chased
        weights = [c[1] for c in _CHANNELS]
        for i in range(n):
            channel, _, pattern, qrange, rrange = rng.choices(_CHANNELS, weights=weights)[0]
            cited = rng.sample(topics, k=min(len(topics), rng.choice([1, 1, 2, 3]))) if topics else []
            new.append(_activity(rng, unit, i, channel, pattern, qrange, rrange, cited, start, days))
        if n and rng.random() < 0.7:  # most units also use one of the new forms the plan asks for
            channel, title, qrange, rrange = rng.choice(_NEW_FORMS)
            cited = rng.sample(topics, k=min(len(topics), 2)) if topics else []
            new.append(_activity(rng, unit, n, channel, title, qrange, rrange, cited, start, days))
    new = [(a, t) for a, t in new if (a.unit_id, a.source_key) not in existing]
    with transaction.atomic():
        Activity.objects.bulk_create([a for a, _ in new], batch_size=500)
        saved = {(a.unit_id, a.source_key): a.pk for a in Activity.objects.filter(
            unit__in=units, source_key__in=[a.source_key for a, _ in new])}
        through = Activity.topics.through
        through.objects.bulk_create([
            through(activity_id=saved[(a.unit_id, a.source_key)], topic_id=t.pk) for a, topics in new for t in topics
        ], batch_size=1000, ignore_conflicts=True)
    return (f"Hoạt động tuyên truyền mẫu: {len(new)} mới cho {len(units)} đơn vị "
            f"(theo {plan.display_number}, {start:%d/%m/%Y} – {end:%d/%m/%Y}).")


def _activity(rng, unit, i, channel, pattern, qrange, rrange, cited, start, days) -> tuple[Activity, list]:
    topic = cited[0] if cited else None
    words = _TOPIC_WORDS.get(topic.code, "cải cách hành chính") if topic else "cải cách hành chính"
    audience = {
        ChannelKind.INTEGRATED: (True, False, False), ChannelKind.TRAINING: (True, True, False),
        ChannelKind.VILLAGE_MEETING: (False, True, False),
    }.get(channel, (rng.random() < 0.5, True, rng.random() < 0.3))
    activity = Activity(
        unit=unit, date=start + datetime.timedelta(days=rng.randint(0, max(days, 0))), channel=channel,
        title=pattern.format(topic=words)[:300], quantity=rng.randint(*qrange),
        reach=rng.randint(*rrange) if rrange else None, for_officials=audience[0], for_citizens=audience[1],
        for_businesses=audience[2], innovative=channel == ChannelKind.STAGING and rng.random() < 0.5,
        source_key=f"demo:{i}", link="",
    )
    return activity, cited
