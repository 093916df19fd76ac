"""Citizens' feedback (phản ánh, kiến nghị — PAKN): sent without an account, routed to a unit,
answered in public with personal data masked.

- `Category`: what the feedback is about, with its deadline (working days or calendar days) and
  which kind of unit answers it; loaded from `data/rules.json` (FixMyStreet's categories).
- `Feedback`: one item, with an unguessable tracking code; `place` is the commune or ward where it
  happened, `unit` the unit it is routed to now (chosen by the rules, changed by re-routing).
- `FeedbackRoute`: every routing, the first one (by the rules) included, with its reason.
- `Answer`: the unit's answer; `public_text` is the text with phone numbers, e-mails and ID numbers
  masked, what the public pages show.
- `Attachment`: a photo, checked and re-encoded like the portal's images (no EXIF, no GPS).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone
CODE_LENGTH = 10  # 32^10 ≈ 10^15 codes: not guessable, even without the rate limit


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Responsible(models.TextChoices):
    COMMUNE = "commune", "UBND xã, phường nơi phát sinh"
    UNIT = "unit", "Cơ quan chuyên môn cấp tỉnh"


class Status(models.TextChoices):
    RECEIVED = "received", "Đã tiếp nhận"
    IN_PROGRESS = "in_progress", "Đang xử lý"
    ANSWERED = "answered", "Đã trả lời"
    RESOLVED = "resolved", "Đã giải quyết xong"
    CLOSED = "closed", "Đã đóng"


OPEN_STATUSES = (Status.RECEIVED, Status.IN_PROGRESS)
HANDLED_STATUSES = (Status.ANSWERED, Status.RESOLVED, Status.CLOSED)


class Category(models.Model):
    slug = models.SlugField("mã", max_length=60, unique=True)
    name = models.CharField("lĩnh vực", max_length=200)
    description = models.CharField("mô tả", max_length=300, blank=True)
    deadline_days = models.PositiveSmallIntegerField("thời hạn trả lời (ngày)", default=10)
    working_days = models.BooleanField("tính theo ngày làm việc", default=True)
    responsible = models.CharField("đơn vị chịu trách nhiệm", max_length=10, choices=Responsible.choices,
                                   default=Responsible.COMMUNE)
    procedures = models.BooleanField(
        "về quy định, thủ tục hành chính", default=False,
        help_text="Được đếm ở chỉ tiêu 3.3 biểu mẫu 3 (PAKN về quy định TTHC).",
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "lĩnh vực phản ánh"
        verbose_name_plural = "lĩnh vực phản ánh"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def deadline_label(self) -> str:
        return f"{self.deadline_days} ngày{' làm việc' if self.working_days else ''}"


class Feedback(models.Model):
    code = models.CharField("mã tra cứu", max_length=16, unique=True, default=new_code, editable=False)
    title = models.CharField("tiêu đề", max_length=200)
    text = models.TextField("nội dung")
    public_title = models.CharField("tiêu đề công khai", max_length=200, blank=True, editable=False)
    public_text = models.TextField("nội dung công khai (đã ẩn thông tin cá nhân)", blank=True, editable=False)
    name = models.CharField("họ tên", max_length=120, blank=True)
    phone = models.CharField("số điện thoại", max_length=20, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    category = models.ForeignKey(Category, verbose_name="lĩnh vực", on_delete=models.PROTECT, related_name="items")
    place = models.ForeignKey("orgs.Unit", verbose_name="xã, phường", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Unit", verbose_name="đơn vị xử lý", on_delete=models.PROTECT,
                             related_name="feedback_items")
    status = models.CharField("trạng thái", max_length=12, choices=Status.choices, default=Status.RECEIVED)
    received_on = models.DateField("ngày tiếp nhận")
    deadline = models.DateField("hạn trả lời")
    answered_at = models.DateTimeField("trả lời lúc", null=True, blank=True)
    answered_on = models.DateField("ngày trả lời", null=True, blank=True)
    citizen_resolved = models.BooleanField("người gửi xác nhận đã giải quyết", null=True, blank=True)
    citizen_said_at = models.DateTimeField("người gửi xác nhận lúc", null=True, blank=True)
    hidden = models.BooleanField("ẩn khỏi trang công khai", default=False)
    hidden_reason = models.CharField("lý do ẩn", max_length=300, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người ẩn", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    reminded_on = models.DateField("nhắc lần cuối", null=True, blank=True)
    created_at = models.DateTimeField("gửi lúc", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "phản ánh, kiến nghị"
        verbose_name_plural = "phản ánh, kiến nghị"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "status"], name="feedback_unit_status"),
            models.Index(fields=["received_on"], name="feedback_received"),
            models.Index(fields=["-answered_at", "-id"], name="feedback_public_order", condition=Q(hidden=False, answered_at__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(hidden=False) | ~Q(hidden_reason=""), name="feedback_hidden_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.public_title or self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today=None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        if self.answered_on:
            return self.answered_on > self.deadline
        return self.is_open and today > self.deadline


class FeedbackRoute(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="routes")
    from_unit = models.ForeignKey("orgs.Unit", verbose_name="từ đơn vị", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("orgs.Unit", verbose_name="chuyển đến", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("lý do", max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người chuyển", null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "lượt chuyển xử lý"
        verbose_name_plural = "lượt chuyển xử lý"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.feedback.code} → {self.to_unit}"


class Answer(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="answers")
    unit = models.ForeignKey("orgs.Unit", verbose_name="đơn vị trả lời", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("nội dung trả lời")
    public_text = models.TextField("nội dung công khai", blank=True, editable=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người trả lời", null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "trả lời phản ánh"
        verbose_name_plural = "trả lời phản ánh"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Trả lời {self.feedback.code}"


class Attachment(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="phan-anh/%Y/%m/")
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "ảnh đính kèm"
        verbose_name_plural = "ảnh đính kèm"
        ordering = ["pk"]
