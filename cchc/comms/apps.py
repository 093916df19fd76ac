import importlib

from django.apps import AppConfig

# The portal's signal, sent as article_published.send(sender=Article, article=article).
PORTAL_SIGNAL = "cchc.portal.signals.article_published"
RECEIVER_UID = "cchc.comms.portal_article_recorded"


def connect_portal_signal() -> bool:
    """Connect our receiver to the portal's signal when the portal defines it (True if connected).

    Looked up by its dotted path, so the comms app neither imports portal models nor breaks while
    the portal is not there yet; called again at any time, it connects once (dispatch_uid).
    """
    module_name, _, attribute = PORTAL_SIGNAL.rpartition(".")
    try:
        signal = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError):
        return False
    from .services import portal_article_recorded

    signal.connect(portal_article_recorded, dispatch_uid=RECEIVER_UID, weak=False)
    return True


class CommsConfig(AppConfig):
    name = "cchc.comms"
    label = "comms"
    verbose_name = "Thông tin, tuyên truyền CCHC"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Activity, exclude_fields=["updated_at"], m2m_fields={"topics"})
        auditlog.register(models.ActivityFile)
        auditlog.register(models.Requirement)
        connect_portal_signal()
