"""What every register of the office shares: the entry's common fields, and its links to matters.

A register (joint requests, agreements, visits, lessons, gaps, secondments, policies, alignment
groups, siting cases) is a list the office keeps of one kind of work. Each kind is its own model in
its own app, built on ``RegisterEntry``; whatever turns into follow-up work links to the matters it
created or serves through ``MatterLink``, so the office can answer "what did we do about it".
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from twincity.core.addresses import addresses_of
from twincity.core.models import ChangeLoggedModel, PrimaryModel
from twincity.registers.choices import LinkRelation


class MatterLink(ChangeLoggedModel):
    """A key cooperation matter that an entry (a request, an obligation, a lesson, a gap, a decision) created
    or serves."""

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    matter = models.ForeignKey(
        "matters.Matter", on_delete=models.PROTECT, related_name="register_links", verbose_name=_("matter")
    )
    relation = models.CharField(_("relation"), max_length=10, choices=LinkRelation.choices, default=LinkRelation.SERVES)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("linked by")
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("follow-up matter")
        verbose_name_plural = _("follow-up matters")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "matter"],
                condition=models.Q(archived_at__isnull=True),
                name="one_live_link_per_matter",
            )
        ]

    class Access:
        partnership = "partnership"

    def __str__(self) -> str:
        return f"{self.subject} → {self.matter}"

    def audit_parent(self):
        return self.subject


class RegisterEntry(PrimaryModel):
    """The fields every register's entry has: its partnership, the office's number, title, field and notes.

    A concrete register sets ``search_fields`` (the text its list search finds) and declares its
    ``Access`` (how it reaches the partnership and the sides that may edit it).
    """

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    code = models.CharField(pgettext_lazy("register entry", "number"), max_length=30, blank=True)
    title = models.CharField(_("title"), max_length=300)
    field = models.ForeignKey(
        "regions.Field", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("field")
    )
    note = models.TextField(_("notes"), blank=True)
    search_document = models.TextField(editable=False, blank=True, default="")

    matter_links = GenericRelation(MatterLink)

    search_fields: tuple[str, ...] = ("code", "title", "note")
    # Text fields stripped of markup on the way in (core.text.plain); the register adds its own.
    text_fields: tuple[str, ...] = ("code", "title", "note")

    class Meta:
        abstract = True
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}" if self.code else self.title

    @classmethod
    def addresses(cls) -> Callable[[int], str]:
        """An entry's address from its id (``core.addresses.addresses_of``): read once for a list or a panel of
        entries, and for one by ``get_absolute_url``."""
        return addresses_of(f"{cls._meta.app_label}:{cls._meta.model_name}")

    def get_absolute_url(self) -> str:
        # Reversed once per register (core.addresses): a list links every row to its entry.
        return self.addresses()(self.pk)

    def search_text(self) -> str:
        """The text the list's search finds this entry by (segmented into ``search_document``)."""
        return " ".join(str(getattr(self, name) or "") for name in self.search_fields)
