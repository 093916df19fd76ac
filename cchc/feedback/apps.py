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
        # Who routed, answered, hid what and when; never the sender's name, phone, e-mail or text.
        auditlog.register(models.Feedback, include_fields=[
            "status", "category", "unit", "deadline", "answered_on", "citizen_resolved", "hidden", "hidden_reason", "hidden_by",
        ])
        auditlog.register(models.FeedbackRoute)
        auditlog.register(models.Answer, include_fields=["feedback", "unit", "by"])
