"""Named record queries the PAR Index needs and `cchc.records` does not have yet.

Registered in `cchc.records` (imported from `ScoringConfig.ready`), so a PAR suggestion's figure
and the list page "xem nguồn" opens run the same query with the same parameters, like every other
figure of the product:

- ``comm_forms``   — communication activities through a group of forms a criterion names
  ("tập huấn, hội thi, hội nghị, hội thảo, tọa đàm"; "tin, bài trên chuyên trang CCHC của tỉnh"…).
  The groups are data (`FORMS`), one per wording of the criteria sets.
- ``initiatives``  — activities marked *hình thức mới, sáng tạo* (`Activity.innovative`), what the
  system holds for "Sáng kiến hoặc giải pháp mới" / "Đổi mới, sáng tạo" (1.5).
- ``annual_plan``  — the unit's annual CCHC plan of a year: reform plans issued whose period lies
  in the window (a plan without a period: issued within the window).
"""

from __future__ import annotations

from django.db.models import Q

from cchc.records import register

# Articles the portal's "Cải cách hành chính" section publishes are recorded as activities with
# this reference (cchc.comms.services.portal_article_recorded).
PORTAL_ARTICLE = "portal.article:"

# group → (words, channels, or-innovative, extra condition). Channels are ChannelKind values.
FORMS: dict[str, tuple[str, tuple[str, ...], bool, Q | None]] = {
    "meetings": (
        "Tuyên truyền qua tập huấn, hội thi, hội nghị, hội thảo, tọa đàm",
        ("training", "contest", "conference", "seminar"), False, None,
    ),
    "conferences": (
        "Hội nghị, tập huấn chuyên đề CCHC",
        ("training", "conference", "seminar"), False, None,
    ),
    "media": (
        "Tuyên truyền trên báo, đài phát thanh – truyền hình, cổng/trang thông tin điện tử",
        ("press", "radio", "tv", "portal"), False, None,
    ),
    "other": (
        "Tuyên truyền bằng các hình thức khác (phóng sự, bài báo, video clip, sổ tay hỏi – đáp, tờ rơi, tờ gấp…)",
        ("press", "radio", "tv", "social", "banner", "poster", "leaflet", "village_meeting", "integrated",
         "infographic", "video", "staging", "other"), False, None,
    ),
    "new": (
        "Tuyên truyền bằng các hình thức khác (sân khấu hóa, mạng xã hội, video, cuộc thi…) hoặc hình thức mới, sáng tạo",
        ("social", "video", "infographic", "contest", "staging", "other"), True, None,
    ),
    "own_site": (
        "Tin, bài về CCHC trên cổng/trang thông tin điện tử của đơn vị",
        ("portal",), False, ~Q(source_key__startswith=PORTAL_ARTICLE),
    ),
    "cchc_portal": (
        "Tin, bài được duyệt đăng trên chuyên trang CCHC của tỉnh",
        (), False, Q(source_key__startswith=PORTAL_ARTICLE),
    ),
}


def forms_q(group: str) -> Q:
    """The activities of a group of forms, as a condition on Activity."""
    _words, channels, innovative, extra = FORMS[group]
    q = Q(channel__in=channels) if channels else Q()
    if innovative:
        q = q | Q(innovative=True)
    if extra is not None:
        q = q & extra
    return q


@register(
    "comm_forms", kind="activity", owner="unit_id", params={"forms": tuple(FORMS)},
    describe=lambda p: FORMS[p["forms"]][0] + " trong kỳ",
)
def _comm_forms(start, end, p):
    from cchc.comms.models import Activity

    return Activity.objects.filter(date__gte=start, date__lte=end).filter(forms_q(p["forms"]))


@register(
    "initiatives", kind="activity", owner="unit_id",
    describe=lambda p: "Hoạt động được ghi nhận là hình thức mới, sáng tạo (sáng kiến, giải pháp mới) trong kỳ",
)
def _initiatives(start, end, p):
    from cchc.comms.models import Activity

    return Activity.objects.filter(date__gte=start, date__lte=end, innovative=True)


@register(
    "annual_plan", kind="plan", owner="unit_id",
    describe=lambda p: "Kế hoạch CCHC hằng năm đã ban hành của đơn vị (kỳ kế hoạch nằm trong khoảng thời gian; "
    "kế hoạch không ghi kỳ: ngày ban hành trong khoảng thời gian)",
)
def _annual_plan(start, end, p):
    from cchc.plans.models import Plan, PlanKind, PlanStatus

    # A plan of the year (or of part of it, "6 tháng cuối năm"), not a multi-year programme.
    covers = Q(period_start__gte=start, period_start__lte=end) & (Q(period_end__isnull=True) | Q(period_end__lte=end))
    covers |= Q(period_start__isnull=True, period_end__gte=start, period_end__lte=end)
    undated = Q(period_start__isnull=True, period_end__isnull=True, issued_on__gte=start, issued_on__lte=end)
    return Plan.objects.filter(kind=PlanKind.REFORM, status=PlanStatus.ISSUED).filter(covers | undated)
