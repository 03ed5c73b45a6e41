"""The partnership and the units that take part in it."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from twincity.core.models import PrimaryModel
from twincity.regions.choices import MeetingCadence, OrganisationKind


def display_name(name: str, name_en: str) -> str:
    """A name as the page's language shows it: the English one on an English page when there is one."""
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


class BilingualName(models.Model):
    """A name in Chinese (shown by default) and in English (shown in the English interface)."""

    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return display_name(self.name, self.name_en)


class Partnership(BilingualName, PrimaryModel):
    """A cooperation mechanism (合作机制) joining two or more regions, run by a joint office (双城办)."""

    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    meeting_cadence = models.CharField(
        _("meeting cadence"), max_length=20, choices=MeetingCadence.choices, default=MeetingCadence.MONTHLY
    )
    description = models.TextField(_("description"), blank=True)
    regions = models.ManyToManyField(
        "Region", through="PartnershipRegion", related_name="partnerships", verbose_name=_("regions")
    )
    # Health-light thresholds (see matters.health).
    health_near_days = models.PositiveSmallIntegerField(
        _("days before a due date that turn the light yellow"), default=14
    )
    health_lag_margin = models.PositiveSmallIntegerField(
        _("percentage points the reported progress may lag the time elapsed"), default=20
    )
    # Set by every write of the core services to a record of the partnership (core.services.touch), so that
    # caches of its figures carry it in their key. A time rather than a counter: a value is never handed out
    # twice, even after a rolled-back transaction or a restored backup. Bookkeeping: not in change records,
    # never written by save().
    changed_at = models.DateTimeField(null=True, editable=False)

    audit_exclude = (*PrimaryModel.audit_exclude, "changed_at")

    class Meta:
        ordering = ["name"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")

    class Access:
        partnership = "pk"

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is None and not self._state.adding:
            # A copy loaded before someone's write must not put its older stamp back (see changed_at).
            update_fields = [f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "changed_at"]
        super().save(*args, update_fields=update_fields, **kwargs)

    def audit_partnership_id(self):
        return self.pk

    def sides(self) -> list["Region"]:
        """The member regions in host-rotation order (the regions read through their seats: one instance a side)."""
        return list(self.sides_of(self.pk))

    @staticmethod
    def sides_of(partnership_id: int) -> models.QuerySet:
        """The member regions of the partnership ``partnership_id`` in host-rotation order, as a queryset."""
        return Region.objects.filter(memberships__partnership=partnership_id).order_by(
            "memberships__rotation_order", "memberships__pk"
        )


class Region(BilingualName, PrimaryModel):
    """A region (地区 / 新区) taking part in a partnership; may sit under a parent region."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    short_name = models.CharField(_("short name"), max_length=20, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    class Access:
        partnership = ("partnerships", "parent__partnerships")
        regions = "pk"

    def audit_partnership_id(self):
        link = self.memberships.first()
        return link.partnership_id if link else None

    @property
    def label(self) -> str:
        """A short name for tight places (charts, table cells): 天府, or the English name in English."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.short_name or self.display_name


class PartnershipRegion(PrimaryModel):
    """A region's seat in a partnership: its side and its place in the host rotation."""

    audit_parent_field = "partnership"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="memberships")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="memberships")
    rotation_order = models.PositiveSmallIntegerField(_("rotation order"), default=0)

    class Meta:
        ordering = ["partnership", "rotation_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["partnership", "region"], name="partnership_region_unique")]
        verbose_name = _("member region")
        verbose_name_plural = _("member regions")

    class Access:
        partnership = "partnership"
        regions = "region"

    def __str__(self) -> str:
        return f"{self.partnership} · {self.region}"


class Organisation(BilingualName, PrimaryModel):
    """A unit (单位) of one side: department, subdistrict, function zone, enterprise, the office itself."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices, default=OrganisationKind.OTHER)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent unit")
    )
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        ordering = ["region", "kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="organisation_name_unique_in_region")]

    class Access:
        partnership = ("region__partnerships", "region__parent__partnerships")
        regions = ("region", "region__parent")
        organisations = "pk"

    def audit_partnership_id(self):
        link = self.region.memberships.first() or (self.region.parent and self.region.parent.memberships.first())
        return link.partnership_id if link else None

    def side_for(self, partnership: Partnership) -> Region | None:
        """The member region this unit speaks for in the partnership (its region or that region's parent)."""
        member_ids = set(partnership.memberships.values_list("region_id", flat=True))
        if self.region_id in member_ids:
            return self.region
        if self.region.parent_id in member_ids:
            return self.region.parent
        return None


class CounterpartPair(PrimaryModel):
    """Two units on different sides that work with each other (对口单位)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="counterparts", verbose_name=_("partnership")
    )
    first = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    second = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("counterpart"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("counterpart pair")
        verbose_name_plural = _("counterpart pairs")
        constraints = [models.UniqueConstraint(fields=["partnership", "first", "second"], name="counterpart_unique")]

    class Access:
        partnership = "partnership"
        regions = ("first__region", "second__region")

    def __str__(self) -> str:
        return f"{self.first} ⇄ {self.second}"

    def clean(self):
        if self.first_id and self.second_id and self.first.region_id == self.second.region_id:
            raise ValidationError(_("Counterpart units must belong to different regions."))


class Field(PrimaryModel):
    """A field of cooperation (领域: 产业、开放、创新…), an editable list per partnership."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="fields", verbose_name=_("partnership")
    )
    name = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=50, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["partnership", "order", "pk"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="field_name_unique")]

    class Access:
        partnership = "partnership"

    display_name = BilingualName.display_name

    def __str__(self) -> str:
        return self.display_name


def side_units(sides, *, order: tuple[str, ...] | None = None):
    """The live units that speak for ``sides``: those of a side's region or of a region under it.

    Read by region in the database, not by loading every unit of every partnership; ``order``
    defaults to the units' usual order.
    """
    ids = [side.pk for side in sides]
    units = Organisation.objects.filter(archived_at__isnull=True).filter(
        models.Q(region__in=ids) | models.Q(region__parent__in=ids)
    )
    units = units.select_related("region")
    return units.order_by(*order) if order else units


def units_by_side(sides, *, order: tuple[str, ...] | None = None) -> list[tuple[Region, list[Organisation]]]:
    """Each side with its live units (see ``side_units``), in the sides' order."""
    units = list(side_units(sides, order=order))
    return [(side, [o for o in units if side.pk in (o.region_id, o.region.parent_id)]) for side in sides]
