from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "twincity.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.models.signals import post_migrate

        from twincity.core.search import repair_sqlite_indexes

        post_migrate.connect(repair_sqlite_indexes, sender=self, dispatch_uid="twincity_repair_fts")

        from twincity.core import cache

        cache.connect()  # every save of a partnership's row moves its change stamp (docs/architecture.md)
