"""The national statistical forms of the periodic CCHC report, as data.

A `FormSet` is the set of forms a guiding document prescribes (today the seven "Biểu mẫu" that come
with Công văn 4625/BNV-CCHC ngày 02/7/2025), versioned: a new year or a new guiding document copies
the last set and edits it. Each `ReportForm` is one area's form; its `Indicator`s are the numbered
rows ("STT | Chỉ tiêu thống kê | Đơn vị tính | Số liệu | Ghi chú"), a tree by their codes.
"""

from __future__ import annotations

from django.db import models


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
