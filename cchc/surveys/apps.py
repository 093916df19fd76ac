from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "cchc.surveys"
    label = "surveys"
    verbose_name = "Khảo sát sự hài lòng (SIPAS, ĐTXHH)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, record_queries  # noqa: F401 - registers the surveys' named record queries

        auditlog.register(models.Questionnaire, exclude_fields=["updated_at"])
        auditlog.register(models.Survey, exclude_fields=["updated_at"])
