from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "cchc.plans"
    verbose_name = "Kế hoạch, nhiệm vụ"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Plan, exclude_fields=["updated_at", "body"])
        auditlog.register(models.Task)
        auditlog.register(models.Assignment, exclude_fields=["updated_at"])
        auditlog.register(models.Evidence)
