"""Communication activities (hoạt động thông tin, tuyên truyền CCHC) and the plan's requirements on them.

An `Activity` is one thing a unit did to spread the word: a press article, a village meeting, a
banner, a contest… on a date, through a channel, about some of its plans' topics (II.1 a–k), for
an audience, with a quantity (articles, sessions, copies, broadcasts) and a reach (participants,
views). A `Requirement` is what a communication plan demands of its units ("100 % các sở, ban,
ngành, UBND các xã, phường", "ít nhất một trong các hình thức: cuộc thi, tọa đàm, sân khấu hóa…"),
kept as data attached to the plan and checked against the activities.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.orgs.models import Unit
from cchc.plans.models import Plan, Topic


class ChannelKind(models.TextChoices):
    PRESS = "press", "Tin, bài trên báo chí"
    RADIO = "radio", "Phát thanh"
    TV = "tv", "Phóng sự truyền hình"
    PORTAL = "portal", "Tin, bài trên cổng/trang thông tin điện tử"
    SOCIAL = "social", "Bài đăng mạng xã hội (Zalo OA, Facebook, TikTok…)"
    BANNER = "banner", "Băng rôn, pano"
    POSTER = "poster", "Áp phích"
    LEAFLET = "leaflet", "Tờ rơi, tài liệu tuyên truyền"
    TRAINING = "training", "Lớp tập huấn, bồi dưỡng"
    VILLAGE_MEETING = "village_meeting", "Họp thôn, tổ dân phố"
    CONFERENCE = "conference", "Hội nghị tuyên truyền, phổ biến"
    INTEGRATED = "integrated", "Lồng ghép trong giao ban, sinh hoạt chi bộ"
    INFOGRAPHIC = "infographic", "Infographic"
    VIDEO = "video", "Video clip"
    CONTEST = "contest", "Cuộc thi tìm hiểu"
    SEMINAR = "seminar", "Hội thảo, tọa đàm"
    STAGING = "staging", "Sân khấu hóa, biểu diễn"
    DIALOGUE = "dialogue", "Đối thoại của lãnh đạo với người dân, doanh nghiệp"
    OTHER = "other", "Hình thức khác"


# Column headers of the matrices: the full labels are too long for a table head.
CHANNEL_SHORT = {
    "press": "Báo chí", "radio": "Phát thanh", "tv": "Truyền hình", "portal": "Cổng TTĐT",
    "social": "Mạng xã hội", "banner": "Pano, băng rôn", "poster": "Áp phích", "leaflet": "Tờ rơi",
    "training": "Tập huấn", "village_meeting": "Họp thôn", "conference": "Hội nghị", "integrated": "Lồng ghép",
    "infographic": "Infographic", "video": "Video", "contest": "Cuộc thi", "seminar": "Tọa đàm",
    "staging": "Sân khấu hóa", "dialogue": "Đối thoại", "other": "Khác",
}

# What "quantity" counts for each channel, and what "reach" counts.
_ARTICLES = {"press", "portal", "social"}
_BROADCASTS = {"radio", "tv"}
_COPIES = {"banner", "poster", "leaflet"}
_PRODUCTS = {"infographic", "video"}
_ONLINE = _ARTICLES | _BROADCASTS | _PRODUCTS


def quantity_unit(channel: str) -> str:
    if channel in _ARTICLES:
        return "tin, bài"
    if channel in _BROADCASTS:
        return "lượt phát sóng"
    if channel in _COPIES:
        return "bản, chiếc"
    if channel in _PRODUCTS:
        return "sản phẩm"
    return "buổi, cuộc"


def reach_unit(channel: str) -> str:
    return "lượt xem, nghe" if channel in _ONLINE else "người tham dự"


class Audience(models.TextChoices):
    OFFICIALS = "officials", "Cán bộ, công chức, viên chức"
    CITIZENS = "citizens", "Người dân"
    BUSINESSES = "businesses", "Doanh nghiệp"


AUDIENCE_FIELDS = {Audience.OFFICIALS: "for_officials", Audience.CITIZENS: "for_citizens",
                   Audience.BUSINESSES: "for_businesses"}


class Activity(models.Model):
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="comm_activities")
    date = models.DateField("ngày thực hiện")
    channel = models.CharField("hình thức", max_length=20, choices=ChannelKind.choices)
    title = models.CharField("nội dung hoạt động", max_length=300)
    topics = models.ManyToManyField(Topic, verbose_name="nội dung tuyên truyền (theo kế hoạch)", blank=True,
                                    related_name="comm_activities")
    for_officials = models.BooleanField(Audience.OFFICIALS.label, default=False)
    for_citizens = models.BooleanField(Audience.CITIZENS.label, default=False)
    for_businesses = models.BooleanField(Audience.BUSINESSES.label, default=False)
    quantity = models.PositiveIntegerField("số lượng", default=1)
    reach = models.PositiveIntegerField("số người tham dự, lượt xem", null=True, blank=True)
    link = models.URLField("đường dẫn", max_length=500, blank=True)
    innovative = models.BooleanField("hình thức mới, sáng tạo", default=False)
    note = models.TextField("ghi chú", blank=True)
    # A stable reference: the XLSX row's "Mã tham chiếu", "portal.article:<pk>", "form:<token>".
    # Unique per unit, so importing or publishing twice never records the same thing twice.
    source_key = models.CharField("mã tham chiếu", max_length=120, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hoạt động tuyên truyền"
        verbose_name_plural = "hoạt động tuyên truyền"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "source_key"], condition=~Q(source_key=""),
                                    name="comm_activity_unique_source"),
            models.CheckConstraint(name="comm_activity_quantity_positive", condition=Q(quantity__gte=1)),
        ]
        indexes = [
            # Covers the figures' common sums (by channel, quantity, reach) for a subtree and a period.
            models.Index(fields=["unit", "date", "channel", "quantity", "reach"], name="comm_activity_unit_date"),
            models.Index(fields=["date", "channel"], name="comm_activity_date_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} · {self.get_channel_display()} · {self.title}"

    @property
    def audiences(self) -> list[str]:
        return [a for a, field in AUDIENCE_FIELDS.items() if getattr(self, field)]

    @property
    def audience_labels(self) -> list[str]:
        return [Audience(a).label for a in self.audiences]

    @property
    def quantity_unit(self) -> str:
        return quantity_unit(self.channel)

    @property
    def reach_unit(self) -> str:
        return reach_unit(self.channel)


class ActivityFile(models.Model):
    """An evidence file: the photo of the banner, the attendance list, the article's scan."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("tệp minh chứng", upload_to="comms/%Y/%m/")
    name = models.CharField("tên tệp", max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tệp minh chứng hoạt động"
        verbose_name_plural = "tệp minh chứng hoạt động"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class RequirementKind(models.TextChoices):
    IMPLEMENT = "implement", "Triển khai thực hiện tại đơn vị"
    ANY_CHANNEL = "any_channel", "Sử dụng ít nhất một trong các hình thức"


class Requirement(models.Model):
    """What a communication plan demands of each unit in its scope, checked against the activities.

    - `implement`: every unit in scope records at least `min_activities` activities in the period.
    - `any_channel`: every unit in scope records at least `min_activities` activities through one of
      `channels` (or marked innovative when `count_innovative`).
    The scope is the active units of `unit_kinds` under the plan's unit; no kinds = the plan's unit.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comm_requirements")
    kind = models.CharField("loại yêu cầu", max_length=20, choices=RequirementKind.choices)
    text = models.TextField("yêu cầu (theo kế hoạch)")
    source = models.CharField("căn cứ", max_length=120, blank=True, help_text="Ví dụ: Mục I.2.b; Mục II.2.e.")
    unit_kinds = models.JSONField("áp dụng cho loại đơn vị", default=list, blank=True)
    channels = models.JSONField("các hình thức", default=list, blank=True)
    count_innovative = models.BooleanField("tính cả hình thức mới, sáng tạo", default=False)
    min_activities = models.PositiveSmallIntegerField("số hoạt động tối thiểu", default=1)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "yêu cầu của kế hoạch tuyên truyền"
        verbose_name_plural = "yêu cầu của kế hoạch tuyên truyền"
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:80]}"

    @property
    def channel_labels(self) -> list[str]:
        labels = [ChannelKind(c).label for c in self.channels if c in ChannelKind.values]
        if self.count_innovative:
            labels.append("hình thức mới, sáng tạo khác")
        return labels
