from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "cchc.scoring"
    label = "scoring"
    verbose_name = "Chỉ số CCHC (PAR Index)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, record_queries  # noqa: F401 - registers the PAR Index's named record queries

        # Every change to criteria, rounds and scores is audited (who, when, before/after).
        auditlog.register(models.CriteriaSet, exclude_fields=["updated_at"])
        auditlog.register(models.Node)
        auditlog.register(models.Round, exclude_fields=["updated_at"], m2m_fields={"excluded_nodes"})
        auditlog.register(models.Scorecard, exclude_fields=["updated_at"])
        auditlog.register(models.NodeScore, exclude_fields=["updated_at"])
        auditlog.register(models.NodeEvidence)
        auditlog.register(models.AppraiserAssignment, m2m_fields={"areas"})
