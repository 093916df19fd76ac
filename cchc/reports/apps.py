from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cchc.reports"
    label = "reports"
    verbose_name = "Báo cáo định kỳ CCHC"

    def ready(self):
        from auditlog.registry import auditlog

        from cchc.reports import models, signals

        auditlog.register(models.FormSet)
        auditlog.register(models.Indicator)
        auditlog.register(models.Period)
        auditlog.register(models.Report, exclude_fields=["updated_at", "revision"])
        auditlog.register(models.ReportValue)
        signals.connect()  # units created or merged while a period is open get their report
