from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "cchc.orgs"
    verbose_name = "Cơ quan, đơn vị"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.contrib.auth import get_user_model

        from . import models

        auditlog.register(
            models.Unit, m2m_fields={"predecessors"}, exclude_fields=["path", "depth", "updated_at"]
        )
        auditlog.register(models.UnitGroup, m2m_fields={"members"})
        auditlog.register(models.Membership)
        auditlog.register(models.NameMapping)
        auditlog.register(get_user_model(), exclude_fields=["password", "last_login"])
