from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cchc.portal"
    label = "portal"
    verbose_name = "Chuyên mục Cải cách hành chính"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Article, exclude_fields=["updated_at", "search_text"])
        auditlog.register(models.ArticleImage)
        auditlog.register(models.LegalDocument, exclude_fields=["updated_at", "search_text"])
        auditlog.register(models.ProcedureChange, exclude_fields=["updated_at", "search_text"])
        auditlog.register(models.ServiceGuide, exclude_fields=["updated_at", "search_text"])
        auditlog.register(models.Contact, exclude_fields=["updated_at"])
