from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo (``twincity load_demo``): no models of its own, only the command and the loader."""

    name = "twincity.demo"
    verbose_name = _("Demo")
