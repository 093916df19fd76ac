"""Plans (kế hoạch) read from their files, their parts, and the tasks that fan out to units."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cchc.orgs.models import Unit, UnitGroup


class PlanKind(models.TextChoices):
    REFORM = "reform", "Kế hoạch cải cách hành chính"
    COMMUNICATION = "communication", "Kế hoạch thông tin, tuyên truyền CCHC"
    INSPECTION = "inspection", "Kế hoạch kiểm tra CCHC"
    OTHER = "other", "Kế hoạch khác"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    ISSUED = "issued", "Đã ban hành"


class Plan(models.Model):
    unit = models.ForeignKey(Unit, verbose_name="đơn vị ban hành", on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField("loại kế hoạch", max_length=20, choices=PlanKind.choices, default=PlanKind.REFORM)
    status = models.CharField("trạng thái", max_length=10, choices=PlanStatus.choices, default=PlanStatus.ISSUED)
    title = models.CharField("trích yếu", max_length=500)
    number = models.CharField("số", max_length=40, blank=True, help_text="Ví dụ 21/KH-UBND; để trống nếu chưa có số.")
    symbol = models.CharField("ký hiệu", max_length=40, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    place = models.CharField("địa danh", max_length=80, blank=True)
    issuer_name = models.CharField("tên cơ quan ban hành (như in)", max_length=255, blank=True)
    parent_body = models.CharField("cơ quan chủ quản", max_length=255, blank=True)
    period_start = models.DateField("kỳ kế hoạch từ", null=True, blank=True)
    period_end = models.DateField("kỳ kế hoạch đến", null=True, blank=True)
    period_label = models.CharField("kỳ kế hoạch", max_length=80, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name="thực hiện kế hoạch", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="children",
    )
    implements_text = models.CharField("thực hiện văn bản", max_length=500, blank=True)
    body = models.JSONField("cấu trúc văn bản", default=dict, blank=True)
    recipients = models.JSONField("nơi nhận", default=list, blank=True)
    signer_name = models.CharField("người ký", max_length=120, blank=True)
    signer_title = models.CharField("chức vụ ký", max_length=200, blank=True)
    source_file = models.FileField("tệp gốc", upload_to="plans/%Y/", blank=True)
    source_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "kế hoạch"
        verbose_name_plural = "kế hoạch"
        ordering = ["-issued_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                name="plan_period_order",
                condition=Q(period_start__isnull=True) | Q(period_end__isnull=True) | Q(period_start__lte=models.F("period_end")),
            ),
            # One plan per unit per number: importing the same signed plan twice is refused.
            models.UniqueConstraint(
                fields=["unit", "number", "issued_on"], condition=~Q(number=""), name="plan_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return self.display_number + " — " + self.title

    @property
    def display_number(self) -> str:
        return f"Kế hoạch số {self.number}" if self.number else f"Kế hoạch (chưa có số, …/{self.symbol or 'KH'})"


class LegalReference(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="legal_references")
    kind = models.CharField("loại văn bản", max_length=60)
    number = models.CharField("số, ký hiệu", max_length=60)
    date = models.DateField("ngày", null=True, blank=True)
    issuer = models.CharField("cơ quan ban hành", max_length=200, blank=True)
    text = models.CharField("trích dẫn", max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = "căn cứ"
        verbose_name_plural = "căn cứ"

    def __str__(self) -> str:
        return f"{self.kind} số {self.number}"


class Target(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    number = models.CharField("số thứ tự", max_length=10, blank=True)
    text = models.TextField("chỉ tiêu")
    comparator = models.CharField("so sánh", max_length=2, blank=True)  # ">=", "<=", "=", "" (định tính)
    value = models.DecimalField("giá trị", max_digits=12, decimal_places=2, null=True, blank=True)
    unit_of_measure = models.CharField("đơn vị tính", max_length=20, blank=True)
    scope = models.CharField("phạm vi", max_length=300, blank=True)
    area = models.CharField("lĩnh vực", max_length=300, blank=True)  # the reform area the target sits in
    due_date = models.DateField("hạn", null=True, blank=True)  # a target that is a deadline
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"

    @property
    def is_qualitative(self) -> bool:
        return not self.comparator

    @property
    def label(self) -> str:
        if self.is_qualitative:
            return "Định tính"
        if self.due_date:
            return f"trước {self.due_date:%d/%m/%Y}"
        sign = {">=": "≥", "<=": "≤", "=": "="}[self.comparator]
        value = f"{Decimal(self.value).normalize():f}".replace(".", ",") if self.value is not None else "…"
        unit = self.unit_of_measure if self.unit_of_measure == "%" else f" {self.unit_of_measure}"
        return f"{sign} {value}{unit}".rstrip()


class PlanListItem(models.Model):
    """One lettered item of a plan's list (a) b) c) …), kept in the plan's order."""

    code = models.CharField("mục", max_length=5)
    text = models.TextField("nội dung")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order"]


class Topic(PlanListItem):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="topics")

    class Meta(PlanListItem.Meta):
        verbose_name = "nội dung tuyên truyền"
        verbose_name_plural = "nội dung tuyên truyền"


class Channel(PlanListItem):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="channels")

    class Meta(PlanListItem.Meta):
        verbose_name = "hình thức tuyên truyền"
        verbose_name_plural = "hình thức tuyên truyền"


class Duty(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="duties")
    unit_text = models.CharField("đơn vị (như trong văn bản)", max_length=300)
    units = models.ManyToManyField(Unit, blank=True, related_name="duties")
    groups = models.ManyToManyField(UnitGroup, blank=True, related_name="duties")
    items = models.JSONField("nhiệm vụ", default=list)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = "trách nhiệm"
        verbose_name_plural = "trách nhiệm"


class TimeframeKind(models.TextChoices):
    DEADLINE = "deadline", "Có hạn"
    PERIOD_END = "period_end", "Trong kỳ"
    CONTINUOUS = "continuous", "Thường xuyên"
    RECURRING = "recurring", "Định kỳ"
    EVENT = "event", "Theo sự kiện"
    UNPARSED = "unparsed", "Chưa rõ"


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    group_code = models.CharField("nhóm", max_length=10, blank=True)
    group_title = models.CharField("tên nhóm", max_length=300, blank=True)
    number = models.CharField("số thứ tự", max_length=10, blank=True)
    title = models.TextField("nội dung, nhiệm vụ")
    deliverable = models.TextField("sản phẩm", blank=True)
    lead_text = models.CharField("cơ quan chủ trì (như trong văn bản)", max_length=500, blank=True)
    partners_text = models.CharField("cơ quan phối hợp (như trong văn bản)", max_length=500, blank=True)
    timeframe_text = models.CharField("thời gian thực hiện", max_length=300, blank=True)
    timeframe_kind = models.CharField(max_length=12, choices=TimeframeKind.choices, default=TimeframeKind.UNPARSED)
    due_dates = models.JSONField("các hạn", default=list, blank=True)
    trigger = models.CharField("sự kiện kích hoạt", max_length=300, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    monitor_text = models.CharField("theo dõi, đôn đốc (như trong văn bản)", max_length=500, blank=True)
    funding = models.CharField("kinh phí", max_length=300, blank=True)
    source = models.CharField(max_length=10, default="appendix")
    # Form 1 item 4 of the periodic report counts these apart from the province's own tasks.
    central = models.BooleanField("nhiệm vụ Chính phủ, Thủ tướng Chính phủ giao", default=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"

    def __str__(self) -> str:
        return f"{self.group_code}.{self.number or '…'} {self.title[:80]}"

    @property
    def due_date_list(self) -> list[datetime.date]:
        return [datetime.date.fromisoformat(d) for d in self.due_dates]


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "Chủ trì"
    PARTNER = "partner", "Phối hợp"


class Progress(models.TextChoices):
    NOT_STARTED = "not_started", "Chưa thực hiện"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    DONE = "done", "Hoàn thành"


class Assignment(models.Model):
    """One task as one unit's job: fanned out from the task's lead and partner units."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField("vai trò", max_length=10, choices=AssignmentRole.choices)
    due_date = models.DateField("hạn", null=True, blank=True, db_index=True)
    progress = models.CharField("tiến độ", max_length=12, choices=Progress.choices, default=Progress.NOT_STARTED)
    completed_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "phân công"
        verbose_name_plural = "phân công"
        constraints = [models.UniqueConstraint(fields=["task", "unit", "role"], name="assignment_unique")]
        indexes = [
            # The overdue board: open assignments by due date.
            models.Index(fields=["progress", "due_date"], name="assignment_open_due"),
        ]

    @property
    def status(self) -> str:
        return assignment_status(self.progress, self.due_date, self.completed_on)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


STATUS_LABELS = {
    "not_started": "Chưa thực hiện",
    "in_progress": "Đang thực hiện",
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành trễ hạn",
    "overdue": "Quá hạn",
}


def assignment_status(progress: str, due: datetime.date | None, completed: datetime.date | None,
                      today: datetime.date | None = None) -> str:
    """The five statuses people read, from progress, due date and completion date."""
    today = today or timezone.localdate()
    if progress == Progress.DONE:
        return "done_late" if due and completed and completed > due else "done_on_time"
    if due and due < today:
        return "overdue"
    return progress


class Evidence(models.Model):
    """What proves a task done: a document (number, date), a file, a link."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="evidence")
    document_number = models.CharField("số văn bản", max_length=60, blank=True)
    document_date = models.DateField("ngày văn bản", null=True, blank=True)
    file = models.FileField("tệp", upload_to="evidence/%Y/%m/", blank=True)
    link = models.URLField("đường dẫn", blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "minh chứng"
        verbose_name_plural = "minh chứng"
        constraints = [
            models.CheckConstraint(
                name="evidence_not_empty",
                condition=~Q(document_number="") | ~Q(file="") | ~Q(link=""),
            )
        ]


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Đang chờ"
    RUNNING = "running", "Đang đọc"
    DONE = "done", "Đã đọc xong"
    FAILED = "failed", "Không đọc được"
    SAVED = "saved", "Đã lưu kế hoạch"


class PlanImport(models.Model):
    """One upload on its way to becoming a plan: read in the background, previewed, confirmed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    context_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # "Đọc như văn bản của đơn vị…": a person said whose plan this is read as (another province's
    # plan adopted by ours). Its issuer is taken to be this unit and relative names resolve against it.
    read_as = models.ForeignKey(Unit, verbose_name="đọc như văn bản của", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/")
    file_name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    progress = models.FloatField(default=0)
    error = models.TextField(blank=True)
    # The extracted text blocks, so confirming re-reads the structure without re-running OCR.
    blocks = models.JSONField(default=list, blank=True)
    source_format = models.CharField(max_length=20, blank=True)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Set when the upload is a unit's signed plan answering a request: saving it fulfils the obligation.
    obligation = models.ForeignKey("Obligation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "lượt nhập kế hoạch"
        verbose_name_plural = "lượt nhập kế hoạch"


class PlanRequest(models.Model):
    """The coordinator's demand: these units issue their own plan implementing `parent` by `deadline`."""

    parent = models.ForeignKey(Plan, verbose_name="kế hoạch cấp trên", on_delete=models.CASCADE, related_name="requests")
    deadline = models.DateField("hạn ban hành")
    message = models.TextField("lời nhắn", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "yêu cầu xây dựng kế hoạch"
        verbose_name_plural = "yêu cầu xây dựng kế hoạch"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Yêu cầu xây dựng kế hoạch thực hiện {self.parent.display_number} (hạn {self.deadline:%d/%m/%Y})"


class Obligation(models.Model):
    """One unit's duty under a request: done when the unit records its issued plan."""

    request = models.ForeignKey(PlanRequest, on_delete=models.CASCADE, related_name="obligations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="obligations")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="obligations")
    fulfilled_at = models.DateTimeField("ngày ghi nhận ban hành", null=True, blank=True)
    reminded_at = models.DateTimeField("nhắc lần cuối", null=True, blank=True)
    reminders = models.PositiveSmallIntegerField("số lần nhắc", default=0)
    # The unit's edited draft (drafts.draft_to_dict); empty until the unit edits it.
    draft = models.JSONField("dự thảo đã sửa", null=True, blank=True)

    class Meta:
        verbose_name = "nghĩa vụ xây dựng kế hoạch"
        verbose_name_plural = "nghĩa vụ xây dựng kế hoạch"
        constraints = [models.UniqueConstraint(fields=["request", "unit"], name="obligation_unique_unit")]
        indexes = [models.Index(fields=["request", "fulfilled_at"], name="obligation_status")]


class Notification(models.Model):
    """An in-app message (reminders); the same text also goes out by e-mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]
