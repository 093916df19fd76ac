from django.apps import AppConfig


class ContestConfig(AppConfig):
    name = "cchc.contest"
    label = "contest"
    verbose_name = "Cuộc thi tìm hiểu cải cách hành chính"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Contest)
        auditlog.register(models.Round)
