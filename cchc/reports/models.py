"""The national statistical forms of the periodic CCHC report, as data.

A `FormSet` is the set of forms a guiding document prescribes (today the seven "Biểu mẫu" that come
with Công văn 4625/BNV-CCHC ngày 02/7/2025), versioned: a new year or a new guiding document copies
the last set and edits it. Each `ReportForm` is one area's form; its `Indicator`s are the numbered
rows ("STT | Chỉ tiêu thống kê | Đơn vị tính | Số liệu | Ghi chú"), a tree by their codes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cchc.orgs.models import Unit


class FormSet(models.Model):
    title = models.CharField("tên bộ biểu mẫu", max_length=255)
    document = models.CharField(
        "văn bản hướng dẫn", max_length=255, help_text="Ví dụ: Công văn số 4625/BNV-CCHC ngày 02/7/2025."
    )
    year = models.PositiveSmallIntegerField("năm áp dụng")
    version = models.PositiveSmallIntegerField("phiên bản", default=1)
    previous = models.ForeignKey(
        "self", verbose_name="sao chép từ", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The narrative outline that goes with the forms: [[key, heading], …], "I", "I.4", "II.1"…
    outline = models.JSONField("đề cương báo cáo", default=list, blank=True)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    class Meta:
        verbose_name = "bộ biểu mẫu báo cáo"
        verbose_name_plural = "bộ biểu mẫu báo cáo"
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["document", "year", "version"], name="formset_document_year_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year}, phiên bản {self.version})"


class ReportForm(models.Model):
    form_set = models.ForeignKey(FormSet, verbose_name="bộ biểu mẫu", on_delete=models.CASCADE, related_name="forms")
    number = models.PositiveSmallIntegerField("số biểu mẫu")
    title = models.CharField("lĩnh vực", max_length=255)

    class Meta:
        verbose_name = "biểu mẫu"
        verbose_name_plural = "biểu mẫu"
        ordering = ["form_set", "number"]
        constraints = [models.UniqueConstraint(fields=["form_set", "number"], name="reportform_set_number")]

    def __str__(self) -> str:
        return f"Biểu mẫu {self.number}. {self.title}"


class IndicatorKind(models.TextChoices):
    GROUP = "group", "Nhóm chỉ tiêu (không có số liệu)"
    COUNT = "count", "Số lượng"
    MONEY = "money", "Số tiền"
    PERCENT = "percent", "Tỷ lệ nhập trực tiếp (%)"
    RATIO = "ratio", "Tỷ lệ tính từ tử số và mẫu số (%)"
    SHARE = "share", "Tỷ lệ đơn vị trả lời “Có” (%)"
    YESNO = "yesno", "Có/Không"
    CHOICE = "choice", "Lựa chọn theo mã"


class Indicator(models.Model):
    form = models.ForeignKey(ReportForm, verbose_name="biểu mẫu", on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField("STT", max_length=20, help_text="Như in trên biểu mẫu, không có dấu chấm cuối: 2.1")
    name = models.TextField("chỉ tiêu thống kê")
    parent = models.ForeignKey(
        "self", verbose_name="chỉ tiêu cha", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField("thứ tự", default=0)
    kind = models.CharField("loại", max_length=10, choices=IndicatorKind.choices)
    unit_label = models.CharField(
        "đơn vị tính", max_length=120, blank=True, help_text="Như in trên biểu mẫu: “Văn bản”, “%”, “Có = 1; Không = 0”."
    )
    # For yes/no and coded choices: [[code, label], …] as printed ("Trực tuyến = 0 …").
    options = models.JSONField("các mã được chấp nhận", default=list, blank=True)
    numerator = models.ForeignKey(
        "self", verbose_name="tử số", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    denominator = models.ForeignKey(
        "self", verbose_name="mẫu số", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For a share: which units answer the yes/no question that the province's percentage counts.
    share_scope = models.CharField(
        "đơn vị trả lời", max_length=20, blank=True, help_text="Loại đơn vị (sở, ngành / UBND cấp xã) với chỉ tiêu tỷ lệ đơn vị."
    )
    cumulative = models.BooleanField("lũy kế", default=False, help_text="Lũy kế đến thời điểm báo cáo, không chỉ trong kỳ.")
    local = models.BooleanField("chỉ tiêu riêng của tỉnh", default=False)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "chỉ tiêu thống kê"
        verbose_name_plural = "chỉ tiêu thống kê"
        ordering = ["form", "position"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="indicator_form_code")]

    def __str__(self) -> str:
        return f"{self.form.number}/{self.code}. {self.name}"

    @property
    def takes_value(self) -> bool:
        return self.kind != IndicatorKind.GROUP


class PeriodKind(models.TextChoices):
    Q1 = "q1", "Quý I"
    HALF = "h1", "6 tháng"
    Q3 = "q3", "Quý III"
    NINE = "m9", "9 tháng"
    YEAR = "year", "Năm"


class Period(models.Model):
    """One reporting period: its data window, due dates and who reports (DHIS2's expected reports).

    *On time* (submitted by `unit_due` plus `timely_days`) and *locked* (no entry after `locked_on`)
    are separate settings, as DHIS2 teaches: a late report is still accepted until the lock.
    """

    form_set = models.ForeignKey(FormSet, verbose_name="bộ biểu mẫu", on_delete=models.PROTECT, related_name="periods")
    kind = models.CharField("kỳ báo cáo", max_length=4, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField("năm")
    start = models.DateField("số liệu từ ngày")
    end = models.DateField("số liệu đến ngày")
    national_due = models.DateField("hạn gửi Bộ Nội vụ")
    unit_due = models.DateField("hạn các đơn vị gửi Sở Nội vụ")
    timely_days = models.PositiveSmallIntegerField("số ngày vẫn tính là đúng hạn", default=0)
    locked_on = models.DateField("khóa nhập liệu sau ngày")
    reporting_kinds = models.JSONField("loại đơn vị phải báo cáo", default=list)
    opened_at = models.DateTimeField("ngày mở kỳ", null=True, blank=True)

    class Meta:
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"
        ordering = ["-year", "-end"]
        constraints = [models.UniqueConstraint(fields=["year", "kind"], name="period_year_kind")]

    def __str__(self) -> str:
        return f"Báo cáo CCHC {self.in_sentence}"

    @property
    def label(self) -> str:
        """"Quý I năm 2026", "6 tháng năm 2026", "Năm 2026"."""
        if self.kind == PeriodKind.YEAR:
            return f"Năm {self.year}"
        return f"{self.get_kind_display()} năm {self.year}"

    @property
    def in_sentence(self) -> str:
        """The label inside a sentence: "quý I năm 2026", "năm 2026"."""
        return self.label[0].lower() + self.label[1:]


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    SUBMITTED = "submitted", "Đã gửi"
    RETURNED = "returned", "Bị trả lại"
    APPROVED = "approved", "Đã duyệt"


class Report(models.Model):
    period = models.ForeignKey(Period, verbose_name="kỳ báo cáo", on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="reports")
    status = models.CharField("trạng thái", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    # Narrative under the outline's headings: {"I.1": "…", "III.2": "…"}.
    narrative = models.JSONField("nội dung báo cáo", default=dict, blank=True)
    number = models.CharField("số văn bản", max_length=40, blank=True)
    submitted_at = models.DateTimeField("ngày gửi", null=True, blank=True)
    approved_at = models.DateTimeField("ngày duyệt", null=True, blank=True)
    compiled = models.BooleanField("tổng hợp từ đơn vị cấp dưới", default=False)
    # Optimistic concurrency: every save bumps it; a save made from an older copy is refused.
    revision = models.PositiveIntegerField("lần sửa", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "báo cáo định kỳ"
        verbose_name_plural = "báo cáo định kỳ"
        ordering = ["period", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="report_period_unit")]
        indexes = [models.Index(fields=["period", "status"], name="report_period_status")]

    def __str__(self) -> str:
        return f"{self.period} — {self.unit.display_name}"

    @property
    def is_locked(self) -> bool:
        return self.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


class ValueOrigin(models.TextChoices):
    TYPED = "typed", "Nhập tay"
    RECORDS = "records", "Từ dữ liệu hệ thống"
    COMPILED = "compiled", "Tổng hợp từ đơn vị cấp dưới"
    IMPORTED = "import", "Nhập từ tệp"


class ReportValue(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField("số liệu", max_digits=20, decimal_places=4, null=True, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    # Where a pre-filled figure comes from ("12 nhiệm vụ của Kế hoạch 21/KH-UBND"), and its link.
    source = models.CharField("nguồn số liệu", max_length=300, blank=True)
    source_url = models.CharField("liên kết nguồn", max_length=300, blank=True)
    origin = models.CharField("nguồn", max_length=10, choices=ValueOrigin.choices, default=ValueOrigin.TYPED)
    # Frozen at submission for a figure the system feeds: what the records gave and which records
    # (ids of the named query's model), so the submitted figure opens exactly what was counted.
    computed = models.DecimalField("số liệu từ hệ thống", max_digits=20, decimal_places=4, null=True, blank=True)
    records = models.JSONField("bản ghi được đếm", default=list, blank=True)

    class Meta:
        verbose_name = "số liệu chỉ tiêu"
        verbose_name_plural = "số liệu chỉ tiêu"
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="reportvalue_report_indicator")]


class ReportStep(models.Model):
    """The report's own timeline: who submitted, returned (and why), approved or re-opened it."""

    class Action(models.TextChoices):
        OPENED = "opened", "Mở kỳ, tạo báo cáo"
        SAVED = "saved", "Cập nhật"
        SUBMITTED = "submitted", "Gửi báo cáo"
        RETURNED = "returned", "Trả lại"
        APPROVED = "approved", "Phê duyệt"
        REOPENED = "reopened", "Mở lại để sửa"
        COMPILED = "compiled", "Tổng hợp"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("thao tác", max_length=10, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("lúc", auto_now_add=True)
    comment = models.TextField("ý kiến", blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "bước xử lý báo cáo"
        verbose_name_plural = "bước xử lý báo cáo"
