from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "cchc.feedback"
    label = "feedback"
    verbose_name = "Phản ánh, kiến nghị của người dân, doanh nghiệp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, record_queries  # noqa: F401 - registers the feedback's named record queries

        auditlog.register(models.Category)
        auditlog.register(models.Feedback, exclude_fields=["updated_at", "reminded_on"])
        auditlog.register(models.FeedbackRoute)
        auditlog.register(models.Answer)
