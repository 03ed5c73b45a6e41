from django.db import models


class RestrictedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to what one user may do.

    ``Model.objects.restrict(user, action)`` is the one door to the office's data: every list,
    detail page, edit, export, API endpoint and htmx fragment goes through it. The rules live in
    ``twincity.accounts.access`` (one place); this method only forwards to them.
    """

    def restrict(self, user, action: str = "view"):
        from twincity.accounts.access import restrict  # noqa: PLC0415 - access imports accounts.models, which stand on core.models

        return restrict(self, user, action)

    def active(self):
        """Leave out archived records (the default for lists)."""
        if any(f.name == "archived_at" for f in self.model._meta.concrete_fields):
            return self.filter(archived_at__isnull=True)
        return self
