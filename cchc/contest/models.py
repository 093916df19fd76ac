"""The online contest on administrative reform (cuộc thi tìm hiểu CCHC).

- `Contest`: one contest of an organising unit, with its question bank (`Question`, `Choice`).
- `Round` (tuần/đợt): open and close instants (entered and shown in Vietnam time), how many questions
  are drawn, the time limit, which attempt of a person counts ("first" or "best"), prize counts and
  whether results are published.
- `Participant`: a person registered for the contest, one per (normalised) phone number.
- `Attempt`: one sitting of a round. The drawn questions and the shuffled order of their choices are
  stored on the attempt (JSON), and so are the answers: a submission is ONE conditional UPDATE of its
  own row (no per-answer rows, no locks shared between players). `submission_key` is unique, so a
  retry of the same submission returns the same result and never counts twice; `counted` marks the
  one attempt per person and round that the round's rule counts (the database refuses a second).
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q


def new_token() -> str:
    return secrets.token_urlsafe(12)


class Contest(models.Model):
    title = models.CharField("tên cuộc thi", max_length=300)
    slug = models.SlugField("đường dẫn", max_length=120, unique=True)
    unit = models.ForeignKey("orgs.Unit", verbose_name="cơ quan tổ chức", on_delete=models.PROTECT, related_name="contests")
    intro = models.TextField("thể lệ, giới thiệu", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "cuộc thi"
        verbose_name_plural = "cuộc thi"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class CountedRule(models.TextChoices):
    FIRST = "first", "Lần thi đầu tiên"
    BEST = "best", "Lần thi có kết quả tốt nhất"


class Round(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField("đợt số")
    title = models.CharField("tên đợt", max_length=200, blank=True)
    opens_at = models.DateTimeField("mở lúc")
    closes_at = models.DateTimeField("đóng lúc")
    questions_count = models.PositiveSmallIntegerField("số câu hỏi mỗi bài", default=10)
    time_limit_minutes = models.PositiveSmallIntegerField("thời gian làm bài (phút)", default=15)
    max_attempts = models.PositiveSmallIntegerField("số lần thi tối đa mỗi người", default=3)
    counted_rule = models.CharField("lần thi được tính", max_length=5, choices=CountedRule.choices, default=CountedRule.FIRST)
    prize_first = models.PositiveSmallIntegerField("số giải nhất", default=1)
    prize_second = models.PositiveSmallIntegerField("số giải nhì", default=2)
    prize_third = models.PositiveSmallIntegerField("số giải ba", default=3)
    prize_consolation = models.PositiveSmallIntegerField("số giải khuyến khích", default=5)
    results_published = models.BooleanField("đã công bố kết quả", default=False)

    class Meta:
        verbose_name = "đợt thi"
        verbose_name_plural = "đợt thi"
        ordering = ["contest", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="contest_round_unique_number"),
            models.CheckConstraint(condition=Q(opens_at__lt=models.F("closes_at")), name="contest_round_times_order"),
            models.CheckConstraint(condition=Q(questions_count__gt=0), name="contest_round_questions_positive"),
            models.CheckConstraint(condition=Q(time_limit_minutes__gt=0), name="contest_round_time_positive"),
        ]

    def __str__(self) -> str:
        return self.title or f"Đợt {self.number}"

    @property
    def label(self) -> str:
        return self.title or f"Đợt {self.number}"

    def is_open(self, now) -> bool:
        return self.opens_at <= now < self.closes_at


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Chọn một đáp án"
    MULTIPLE = "multiple", "Chọn nhiều đáp án"


class Question(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField("mã câu hỏi", max_length=30)
    text = models.TextField("câu hỏi")
    kind = models.CharField("loại", max_length=8, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    topic = models.CharField("chủ đề", max_length=200, blank=True)
    explanation = models.TextField("giải thích, căn cứ", blank=True)
    active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "câu hỏi"
        verbose_name_plural = "câu hỏi"
        ordering = ["contest", "code"]
        constraints = [models.UniqueConstraint(fields=["contest", "code"], name="contest_question_unique_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:80]}"


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField("phương án", max_length=500)
    correct = models.BooleanField("đúng", default=False)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "phương án trả lời"
        verbose_name_plural = "phương án trả lời"
        ordering = ["question", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class Participant(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField("họ và tên", max_length=150)
    phone = models.CharField("số điện thoại", max_length=15, help_text="Chuẩn hóa dạng 0xxxxxxxxx.")
    unit = models.ForeignKey("orgs.Unit", verbose_name="cơ quan, đơn vị", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="contest_participants")
    address = models.CharField("địa chỉ", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "người dự thi"
        verbose_name_plural = "người dự thi"
        constraints = [models.UniqueConstraint(fields=["contest", "phone"], name="contest_participant_one_per_phone")]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-3:]}" if len(self.phone) >= 7 else "***"

    @property
    def where(self) -> str:
        return self.unit.name if self.unit_id else self.address


class Attempt(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attempts")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="attempts")
    token = models.CharField("mã bài thi", max_length=32, unique=True, default=new_token)
    started_at = models.DateTimeField("bắt đầu lúc")
    deadline = models.DateTimeField("hạn nộp (máy chủ)")
    questions = models.JSONField("câu hỏi đã rút", default=list, help_text="[[id câu hỏi, [id phương án theo thứ tự hiển thị]], …]")
    answers = models.JSONField("câu trả lời", default=dict, blank=True, help_text="{id câu hỏi: [id phương án đã chọn]}")
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    submission_key = models.CharField("khóa nộp bài", max_length=64, null=True, blank=True, unique=True)
    score = models.PositiveSmallIntegerField("số câu đúng", null=True, blank=True)
    prediction = models.PositiveIntegerField("dự đoán số người tham gia", null=True, blank=True)
    duration_ms = models.PositiveIntegerField("thời gian làm bài (ms)", null=True, blank=True)
    counted = models.BooleanField("được tính", default=False)

    class Meta:
        verbose_name = "bài thi"
        verbose_name_plural = "bài thi"
        constraints = [
            models.UniqueConstraint(fields=["round", "participant"], condition=Q(counted=True), name="contest_attempt_one_counted"),
        ]
        indexes = [
            models.Index(fields=["participant", "round"], name="contest_attempt_person_round"),
            models.Index(fields=["round", "-score", "duration_ms"], condition=Q(counted=True), name="contest_attempt_ranking"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} – {self.round}"

    @property
    def duration_text(self) -> str:
        if self.duration_ms is None:
            return ""
        seconds = self.duration_ms / 1000
        return f"{int(seconds // 60)} phút {seconds % 60:.1f} giây".replace(".", ",")
