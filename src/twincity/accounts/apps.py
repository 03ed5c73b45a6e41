from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "twincity.accounts"
    label = "accounts"
    verbose_name = _("People and access")

    def ready(self):
        from twincity.accounts import receivers  # noqa: F401
