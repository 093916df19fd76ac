from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cchc.inspections"
    verbose_name = "Kiểm tra CCHC"

    def ready(self) -> None:
        from . import record_queries  # noqa: F401  (registers the named record queries)
