"""The office's memory: what changed, who did it, when, and in which request.

* ``ObjectChange``: written automatically for every create, change and archive of a domain object,
  with the values before and after.
* ``AuditEvent``: a named workflow step (``matter.rolled_over``, ``matter.completion_confirmed``)
  written by the service that performed it.
* ``JournalEntry``: a note a person writes on an object ("called the lead unit, report follows").
"""

import functools
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from twincity.audit.choices import ChangeAction
from twincity.audit.events import label
from twincity.core.querysets import RestrictedQuerySet


class ObjectChangeQuerySet(RestrictedQuerySet):
    def for_object(self, obj):
        """Changes of ``obj`` and of the records that belong to it (a matter's milestones, owners…)."""
        ct = ContentType.objects.get_for_model(obj)
        return self.filter(
            models.Q(changed_object_type=ct, changed_object_id=obj.pk)
            | models.Q(related_object_type=ct, related_object_id=obj.pk)
        ).select_related("changed_object_type", "user")


class ObjectChange(models.Model):
    """One recorded change of one object."""

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("user")
    )
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    request_id = models.UUIDField(_("request id"), null=True, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=ChangeAction.choices)
    changed_object_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    changed_object_id = models.PositiveBigIntegerField()
    changed_object = GenericForeignKey("changed_object_type", "changed_object_id")
    related_object_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", null=True)
    related_object_id = models.PositiveBigIntegerField(null=True)
    object_repr = models.CharField(_("object"), max_length=200)
    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("partnership")
    )
    prechange_data = models.JSONField(_("before"), null=True, blank=True)
    postchange_data = models.JSONField(_("after"), null=True, blank=True)

    objects = ObjectChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-pk"]
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        indexes = [
            models.Index(fields=["changed_object_type", "changed_object_id"]),
            models.Index(fields=["related_object_type", "related_object_id"]),
            # The log's default view: one partnership's changes, newest first (its first page, its capped
            # count and its "next" pages are all a walk along this index; docs/lists.md).
            models.Index(fields=["partnership", "-time", "-id"], name="audit_change_log_idx"),
        ]

    class Access:
        partnership = "partnership"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def diff(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field whose value changed."""
        before = self.prechange_data or {}
        after = self.postchange_data or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    def readable_diff(self, *, derived: bool = False) -> list[tuple[str, object, object]]:
        """The diff as people read it: field names in their language, choices by label, references by name (after
        ``with_names``), people by their name, times in local time, yes/no, "—" for nothing; derived values, keys
        and version numbers left out.

        Models name the values they derive (and that nobody types) in ``audit_derived``; those are recorded but
        shown only with ``derived=True`` (the log shows them for a change that moved nothing else, a new threshold
        moving a matter's dates, rather than an empty "changed: —").
        """
        model = self.changed_object_type.model_class()
        if model is None:
            return self.diff()
        return self._readable(model, self.diff(), derived)

    def shown_diff(self) -> list[tuple[str, object, object]]:
        """What a change record shows a reader: what people changed; for a change that moved only what the system
        derives (a new threshold moving a matter's dates), those values, so that no record reads "changed: —".

        Worked out once per record and language (a history asks it to choose the records it shows, then shows
        them); ``with_names`` forgets it, as the names change what it reads."""
        language = get_language()
        kept = self.__dict__.get("_shown_rows")
        if kept is not None and kept[0] == language:
            return kept[1]
        model = self.changed_object_type.model_class()
        if model is None:
            return self.diff()
        diff = self.diff()
        shown = self._readable(model, diff, False) or self._readable(model, diff, True)
        self._shown_rows = (language, shown)
        return shown

    def _readable(self, model, diff, derived: bool) -> list[tuple[str, object, object]]:
        """``readable_diff`` of ``diff``: what each field shows decided once per model (``shown_fields``), its name
        once per model and language (``field_labels``), not per change."""
        shown = shown_fields(model, derived)
        labels = None
        rows = []
        for name, before, after in diff:
            how = shown.get(name)
            if how is None:
                continue
            shown_before, shown_after = self._as_shown(how, before), self._as_shown(how, after)
            if shown_before != shown_after:  # None → "" is no change to a reader
                if labels is None:
                    labels = field_labels(model)
                rows.append((labels[name], shown_before, shown_after))
        return rows

    def _shown(self, field, value):
        return self._as_shown(shown_as(field), value)

    def _as_shown(self, how: tuple[int, object], value):
        """A recorded value as a reader is shown it, ``how`` being ``shown_as(field)``."""
        if value is None or value == "":
            return "—"
        kind, extra = how
        if kind == _PLAIN:
            return value
        if kind == _DECIMAL:
            try:  # "15.0000" as people write it: 15; "33.3300": 33.33
                return format(Decimal(str(value)).normalize(), "f")
            except (InvalidOperation, ValueError):
                return value
        if kind == _CHOICE:
            return extra.get(value, value)
        if kind == _REFERENCE:
            return getattr(self, "_names", {}).get(extra, {}).get(value, value)
        if kind == _BOOLEAN:
            return _("Yes") if value else _("No")
        if kind == _MOMENT and isinstance(value, str):
            moment = parse_datetime(value)
            if moment is not None:
                if timezone.is_aware(moment):
                    moment = timezone.localtime(moment)
                return moment.strftime("%Y-%m-%d %H:%M")
        return value


# How a recorded value is shown (``shown_as``): as it is, a decimal as people write it, a choice by its label, a
# reference by name, yes or no, a time in local time.
_PLAIN, _DECIMAL, _CHOICE, _REFERENCE, _BOOLEAN, _MOMENT = range(6)


def shown_as(field) -> tuple[int, object]:
    """(how, what it needs) a value of ``field`` is shown: the choices' labels (lazy, so in the reader's language),
    the model a reference names."""
    if isinstance(field, models.DecimalField):
        return _DECIMAL, None
    if field.choices:
        return _CHOICE, dict(field.flatchoices)
    if field.many_to_one:
        return _REFERENCE, field.related_model
    if isinstance(field, models.BooleanField):
        return _BOOLEAN, None
    if isinstance(field, models.DateTimeField):
        return _MOMENT, None
    return _PLAIN, None


@functools.cache
def shown_fields(model, derived: bool = False) -> dict[str, tuple[int, object]]:
    """The recorded keys of ``model`` a reader is shown (with ``derived``, those of a change that moved only derived
    values), each with ``shown_as`` its field: once per model and process."""
    hidden = hidden_fields(model)
    if derived:
        hidden = (hidden - derived_keys(model)) | {"version", *NEVER_SHOWN}
    return {f.attname: shown_as(f) for f in model._meta.concrete_fields if f.attname not in hidden}


_LABELS: dict[tuple[type, str | None], dict[str, str]] = {}


def field_labels(model) -> dict[str, str]:
    """Each recorded key of ``model`` by its field's name in the active language: once per model and language."""
    key = (model, get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {f.attname: str(f.verbose_name) for f in model._meta.concrete_fields}
    return labels


# Recorded but never shown, even for a change that moved nothing else: the words a record is found by.
NEVER_SHOWN = ("search_document",)


@functools.cache
def derived_keys(model) -> frozenset[str]:
    """The recorded keys of what nobody types: the version and the values the model derives (``audit_derived``)."""
    derived = set(getattr(model, "audit_derived", ()))
    keys = {"version"}
    for field in model._meta.concrete_fields:
        if field.name in derived or field.attname in derived:
            keys.add(field.attname)
    return frozenset(keys)


@functools.cache
def hidden_fields(model) -> frozenset[str]:
    """The recorded values a reader is not shown: the key, the version, what the model derives, the two halves of a
    generic reference (the record it points to is named elsewhere)."""
    hidden = derived_keys(model) | {model._meta.pk.attname, *NEVER_SHOWN}
    for private in model._meta.private_fields:
        if isinstance(private, GenericForeignKey):
            hidden |= {private.fk_field, f"{private.ct_field}_id"}
    return hidden


@functools.cache
def reference_fields(model) -> dict[str, type]:
    """The recorded keys of ``model`` that refer to another record, each with the model it refers to."""
    return {f.attname: f.related_model for f in model._meta.concrete_fields if f.many_to_one}


def references_of(change) -> dict[type, set]:
    """The records a change's changed values refer to: their ids by model (what ``with_names`` names)."""
    model = change.changed_object_type.model_class()
    if model is None:
        return {}
    fields = reference_fields(model)
    wanted: dict[type, set] = {}
    for name, before, after in change.diff():
        related = fields.get(name)
        if related is not None:
            wanted.setdefault(related, set()).update(v for v in (before, after) if v is not None)
    return {related: ids for related, ids in wanted.items() if ids}


def display_name(obj) -> str:
    """How a record referred to is named to people: a person by their name (not the sign-in name), others by str."""
    full_name = getattr(obj, "get_full_name", None)
    if callable(full_name):
        return full_name() or obj.get_username()
    return str(obj)


def with_names(changes, known: dict[type, dict] | None = None) -> list[ObjectChange]:
    """The changes, with the records their foreign keys point to named ("side: ∅ → 天府", not "∅ → 1").

    One query per kind of record referred to, however many changes: call it on a page's history. ``known``: names a
    page has read already (``{model: {pk: name}}``), not asked for again.
    """
    changes = list(changes)
    names: dict[type, dict] = {model: dict(named) for model, named in (known or {}).items()}
    wanted: dict[type, set] = defaultdict(set)
    for change in changes:
        for related, ids in references_of(change).items():
            wanted[related].update(ids - names.get(related, {}).keys())
    for related, ids in wanted.items():
        if ids:
            found = related._base_manager.in_bulk(ids)
            names.setdefault(related, {}).update((pk, display_name(obj)) for pk, obj in found.items())
    for change in changes:
        change._names = names
        change.__dict__.pop("_shown_rows", None)  # read again with the names
    return changes


def history_of(obj, *, limit: int = 200) -> list[ObjectChange]:
    """The change records of an object and of what belongs to it, as its history shows them: references named
    (``with_names``), and an update that changed nothing a reader is shown (only the search words, say) left out.

    A history shows what changed only for an update (``includes/history.html``): only updates have their references
    named, not a creation's or an archiving's values nobody reads."""
    changes = list(ObjectChange.objects.for_object(obj)[:limit])
    with_names([c for c in changes if c.action == ChangeAction.UPDATE])
    return [c for c in changes if c.action != ChangeAction.UPDATE or c.shown_diff()]


class AuditEvent(models.Model):
    """A named step of a workflow, written by the service that took it."""

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("user")
    )
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    request_id = models.UUIDField(_("request id"), null=True, db_index=True)
    verb = models.CharField(_("event"), max_length=64, db_index=True)
    object_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", null=True)
    object_id = models.PositiveBigIntegerField(null=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("partnership")
    )
    message = models.TextField(_("message"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    class Access:
        partnership = "partnership"

    def __str__(self) -> str:
        return f"{self.verb} {self.object_repr}"

    @property
    def label(self) -> str:
        return label(self.verb)


class JournalEntry(models.Model):
    """A person's note on an object: kept with the object's history, never edited away."""

    class Kind(models.TextChoices):
        INFO = "info", _("Note")
        SUCCESS = "success", _("Good news")
        WARNING = "warning", _("Concern")
        DANGER = "danger", _("Problem")

    time = models.DateTimeField(_("time"), auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    object_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INFO)
    text = models.TextField(_("note"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-pk"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    class Access:
        partnership = "partnership"

    def __str__(self) -> str:
        return self.text[:50]


def history_context(obj) -> dict:
    """What a page's history panel shows of an object: its change records (``history_of``) and its named events."""
    return {
        "history": history_of(obj),
        "events": AuditEvent.objects.filter(
            object_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("user")[:100],
    }
