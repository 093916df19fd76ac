"""One record for every long piece of work run by the task queue: who asked, how far it is, its result."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.orgs.models import Unit


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang chạy"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Không thành công"


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(models.Model):
    kind = models.CharField("loại", max_length=60)
    title = models.CharField("tên công việc", max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người yêu cầu", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    params = models.JSONField(default=dict, blank=True)
    # A second start with the same key while one is queued or running gets that one (a double click).
    dedupe_key = models.CharField(max_length=200, blank=True)
    status = models.CharField("trạng thái", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    progress = models.FloatField(default=0)
    error = models.TextField(blank=True)
    result = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written by the running worker every few seconds: a running job without it for a while is dead.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "công việc chạy nền"
        verbose_name_plural = "công việc chạy nền"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="jobs_one_active_per_key",
                                    condition=Q(status__in=["queued", "running"]) & ~Q(dedupe_key="")),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="jobs_status_beat")]

    def __str__(self) -> str:
        return self.title

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def percent(self) -> int:
        return round(100 * min(1.0, max(0.0, self.progress)))
