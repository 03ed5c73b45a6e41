from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "twincity.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self):
        from twincity.audit import signals  # noqa: F401  (connects the change recorders)
