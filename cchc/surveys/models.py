"""Surveys: questionnaires as data, surveys run per unit or one-stop desk, raw answers kept.

- `Questionnaire` (SIPAS, the civil-servant survey ĐTXHH, or a unit's own), versioned by year; its
  `formula` is data (see `cchc.surveys.formula`), the national one by default.
- `Factor` / `Question`: the 5 SIPAS factors, each with perception, satisfaction and expectation
  questions on a scale (1–5 by default).
- `Survey`: a questionnaire run for a unit (or one of its one-stop desks) between two dates, with the
  volume of files handled (the sampling base), a target, a public token for the link and QR code.
- `Response` / `Answer`: one answer sheet and its values. No personal data: an online sheet keeps
  only a keyed hash of a random device cookie and the day; a paper sheet keeps who typed it in.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


class QuestionnaireKind(models.TextChoices):
    SIPAS = "sipas", "Khảo sát sự hài lòng của người dân, tổ chức (SIPAS)"
    STAFF = "staff", "Điều tra xã hội học cán bộ, công chức (ĐTXHH)"
    OWN = "own", "Phiếu khảo sát riêng của đơn vị"


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    ACTIVE = "active", "Đang dùng"
    ARCHIVED = "archived", "Lưu trữ"


class QuestionKind(models.TextChoices):
    PERCEPTION = "perception", "Nhận định"
    SATISFACTION = "satisfaction", "Sự hài lòng"
    EXPECTATION = "expectation", "Sự mong đợi"


class Questionnaire(models.Model):
    kind = models.CharField("loại phiếu", max_length=10, choices=QuestionnaireKind.choices)
    year = models.PositiveSmallIntegerField("năm")
    version = models.PositiveSmallIntegerField("phiên bản", default=1)
    title = models.CharField("tên phiếu", max_length=300)
    owner = models.ForeignKey(
        "orgs.Unit", verbose_name="đơn vị sở hữu", null=True, blank=True, on_delete=models.PROTECT,
        related_name="questionnaires", help_text="Trống: phiếu chung của tỉnh.",
    )
    status = models.CharField("trạng thái", max_length=10, choices=QuestionnaireStatus.choices, default=QuestionnaireStatus.DRAFT)
    formula = models.JSONField("công thức tính chỉ số", default=dict, blank=True)
    intro = models.TextField("lời giới thiệu", blank=True)
    previous = models.ForeignKey("self", verbose_name="sao chép từ", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "phiếu khảo sát"
        verbose_name_plural = "phiếu khảo sát"
        ordering = ["-year", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "version", "owner"], name="questionnaire_unique_version"),
            models.UniqueConstraint(
                fields=["kind", "year", "version"], condition=Q(owner__isnull=True), name="questionnaire_unique_shared",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year}, phiên bản {self.version})"


class Factor(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="factors")
    code = models.CharField("mã", max_length=20)
    title = models.CharField("yếu tố", max_length=300)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    weight = models.DecimalField("trọng số", max_digits=6, decimal_places=3, default=1)

    class Meta:
        verbose_name = "yếu tố"
        verbose_name_plural = "yếu tố"
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"], name="factor_unique_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    factor = models.ForeignKey(Factor, on_delete=models.CASCADE, related_name="questions", null=True, blank=True)
    code = models.CharField("mã", max_length=20)
    text = models.CharField("câu hỏi", max_length=500)
    kind = models.CharField("nội dung", max_length=15, choices=QuestionKind.choices, default=QuestionKind.SATISFACTION)
    scale_min = models.SmallIntegerField("thang điểm từ", default=1)
    scale_max = models.SmallIntegerField("thang điểm đến", default=5)
    labels = models.JSONField("nhãn các mức", default=list, blank=True)
    required = models.BooleanField("bắt buộc", default=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "câu hỏi"
        verbose_name_plural = "câu hỏi"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_unique_code"),
            models.CheckConstraint(condition=Q(scale_min__lt=models.F("scale_max")), name="question_scale_order"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text}"

    def choices(self) -> list[tuple[int, str]]:
        values = range(self.scale_min, self.scale_max + 1)
        labels = list(self.labels or [])
        return [(v, labels[i] if i < len(labels) else str(v)) for i, v in enumerate(values)]


def new_token() -> str:
    return secrets.token_urlsafe(9)


class Survey(models.Model):
    """Một đợt khảo sát của một đơn vị (hoặc một bộ phận một cửa của đơn vị)."""

    questionnaire = models.ForeignKey(Questionnaire, verbose_name="phiếu", on_delete=models.PROTECT, related_name="surveys")
    unit = models.ForeignKey("orgs.Unit", verbose_name="đơn vị", on_delete=models.PROTECT, related_name="surveys")
    desk = models.CharField("bộ phận một cửa", max_length=200, blank=True, help_text="Trống: cả đơn vị.")
    opens_on = models.DateField("mở từ ngày")
    closes_on = models.DateField("đóng ngày")
    closed = models.BooleanField("đã đóng sớm", default=False)
    files_handled = models.PositiveIntegerField(
        "số hồ sơ đã giải quyết", null=True, blank=True, help_text="Cơ sở tính tỷ lệ khảo sát (nhập hoặc nhập từ tệp)."
    )
    target = models.PositiveIntegerField("số phiếu cần thu", null=True, blank=True)
    published = models.BooleanField("công bố kết quả tổng hợp", default=False)
    token = models.CharField("mã liên kết công khai", max_length=32, unique=True, default=new_token)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "đợt khảo sát"
        verbose_name_plural = "đợt khảo sát"
        ordering = ["-opens_on", "unit__path", "desk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "unit", "desk"], name="survey_unique_unit_desk"),
            models.CheckConstraint(condition=Q(opens_on__lte=models.F("closes_on")), name="survey_dates_order"),
        ]

    def __str__(self) -> str:
        where = f" – {self.desk}" if self.desk else ""
        return f"{self.questionnaire.title}: {self.unit.name}{where}"

    def is_open(self, day) -> bool:
        return not self.closed and self.opens_on <= day <= self.closes_on


class Channel(models.TextChoices):
    ONLINE = "online", "Trực tuyến (mã QR, đường liên kết)"
    PAPER = "paper", "Phiếu giấy"


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    channel = models.CharField("hình thức", max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    day = models.DateField("ngày trả lời")
    device = models.CharField("mã thiết bị (băm)", max_length=64, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người nhập phiếu giấy", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "phiếu trả lời"
        verbose_name_plural = "phiếu trả lời"
        constraints = [
            # One online answer per device and day: the database refuses the second one.
            models.UniqueConstraint(
                fields=["survey", "device", "day"], condition=~Q(device=""), name="response_one_per_device_day",
            ),
        ]
        indexes = [models.Index(fields=["survey", "channel"])]


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.SmallIntegerField("giá trị")

    class Meta:
        verbose_name = "câu trả lời"
        verbose_name_plural = "câu trả lời"
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_unique_question")]
