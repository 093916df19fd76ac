"""The yearly CCHC inspection (kiểm tra công tác CCHC): the plan with the units to inspect, teams,
dates and areas; the visit with its checklist and findings; the conclusion (Thông báo kết luận).

Each finding's remedy is a plain task of the inspection's `plans.Plan` (kind INSPECTION, task
source "remedy") assigned to the inspected unit, so the unit closes it with evidence where it
closes every other task, and the finding reads "handled" when that assignment is done.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.orgs.models import Unit
from cchc.plans.models import Assignment, Plan, Progress

REMEDY_SOURCE = "remedy"  # Task.source of a finding's remedial task (not a plan task of form 1 item 2)


class InspectionPlan(models.Model):
    plan = models.OneToOneField(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="inspection")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị kiểm tra", on_delete=models.PROTECT, related_name="inspection_plans")
    year = models.PositiveSmallIntegerField("năm")
    areas = models.JSONField("nội dung kiểm tra", default=list, blank=True)  # area codes (checklist.AREAS)
    source_name = models.CharField("tệp đã nhập", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kế hoạch kiểm tra CCHC"
        verbose_name_plural = "kế hoạch kiểm tra CCHC"
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return self.plan.title


class Team(models.Model):
    inspection = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField("tên đoàn", max_length=200)
    leader = models.CharField("trưởng đoàn", max_length=200, blank=True)
    members = models.TextField("thành viên", blank=True)

    class Meta:
        verbose_name = "đoàn kiểm tra"
        verbose_name_plural = "đoàn kiểm tra"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """One unit the plan inspects, or a name of the imported plan that is not (yet) a unit of ours."""

    inspection = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị được kiểm tra", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="inspection_targets")
    name_text = models.CharField("tên như trong văn bản", max_length=300, blank=True)
    unresolved_note = models.CharField("lý do chưa nhận diện", max_length=300, blank=True)
    timeframe_text = models.CharField("thời gian kiểm tra", max_length=120, blank=True)
    start = models.DateField("từ ngày", null=True, blank=True)
    end = models.DateField("đến ngày", null=True, blank=True)
    team = models.ForeignKey(Team, verbose_name="đoàn", null=True, blank=True, on_delete=models.SET_NULL, related_name="targets")
    areas = models.JSONField("nội dung kiểm tra", default=list, blank=True)
    reason = models.CharField("căn cứ lựa chọn", max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "đơn vị được kiểm tra"
        verbose_name_plural = "đơn vị được kiểm tra"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "unit"], condition=Q(unit__isnull=False), name="target_unique_unit"),
            models.CheckConstraint(name="target_window_order",
                                   condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(start__lte=models.F("end"))),
        ]

    def __str__(self) -> str:
        return self.unit.name if self.unit_id else f"{self.name_text} (chưa nhận diện)"


class Visit(models.Model):
    """The inspection carried out at one target: checklist, findings, conclusion."""

    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="visit")
    date = models.DateField("ngày kiểm tra")
    members = models.TextField("thành phần đoàn", blank=True)
    checklist = models.JSONField("kết quả theo nội dung kiểm tra", default=dict, blank=True)  # {item: "dat"/"chua_dat"}
    summary = models.TextField("kết quả đạt được", blank=True)
    conclusion_number = models.CharField("số thông báo kết luận", max_length=40, blank=True)
    conclusion_date = models.DateField("ngày thông báo kết luận", null=True, blank=True)
    signer_name = models.CharField("người ký", max_length=120, blank=True)
    signer_title = models.CharField("chức vụ ký", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "cuộc kiểm tra"
        verbose_name_plural = "cuộc kiểm tra"
        ordering = ["date", "pk"]


class Finding(models.Model):
    """A shortcoming found (vấn đề phát hiện qua kiểm tra) and what the unit must do about it."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="findings")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="inspection_findings")
    area = models.CharField("lĩnh vực", max_length=10, blank=True)
    text = models.TextField("tồn tại, hạn chế")
    remedy = models.TextField("yêu cầu khắc phục")
    due_date = models.DateField("hạn khắc phục")
    assignment = models.OneToOneField(Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="finding")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "vấn đề phát hiện qua kiểm tra"
        verbose_name_plural = "vấn đề phát hiện qua kiểm tra"
        ordering = ["visit", "pk"]

    @property
    def status(self) -> str:
        """handled (the remedy done), in_progress (being handled), open."""
        if self.assignment is None:
            return "open"
        if self.assignment.progress == Progress.DONE:
            return "handled"
        return "in_progress" if self.assignment.progress == Progress.IN_PROGRESS else "open"

    @property
    def status_label(self) -> str:
        return {"handled": "Đã xử lý xong", "in_progress": "Đang xử lý", "open": "Chưa xử lý"}[self.status]
