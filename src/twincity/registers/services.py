"""Writes every register shares: saving an entry (plain text, search words, access, trace), versioned
edits, archiving, and turning an entry into follow-up matters.

A register's own services (``petitions/services.py``…) call these inside their transaction and add
what is particular to them (sides, endorsements, obligations…). The pattern::

    with transaction.atomic():
        registers.require_member(user, Action.CHANGE, partnership)
        entry = registers.save_new(Petition(partnership=partnership, title=title, ...))
        ... the entry's sides, parties ...
        registers.created(entry, user=user)      # re-checks access now that the sides exist, logs the event
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.access import may_act_in
from twincity.accounts.choices import Action
from twincity.audit.services import log_event
from twincity.core import search
from twincity.core.services import (
    ConflictError,
    archive,
    lock,
    require,
    restore,
    save_fields,
    touch,
    update_versioned,
)
from twincity.core.text import plain
from twincity.matters.models import Matter
from twincity.matters.services import create_matter
from twincity.regions.models import Partnership
from twincity.registers.choices import LinkRelation
from twincity.registers.models import MatterLink, RegisterEntry

__all__ = [
    "ConflictError",
    "archive_entry",
    "created",
    "follow_up",
    "link_matter",
    "links_for",
    "links_of",
    "next_code",
    "plain_values",
    "refresh_search",
    "require_member",
    "restore_entry",
    "save_new",
    "unlink_matter",
    "update_entry",
]


def require_member(user, action: str, partnership) -> None:
    """Refuse unless ``user`` may ``action`` something in ``partnership`` at all (before the entry exists)."""
    if not may_act_in(user, action, partnership.pk):
        raise PermissionDenied(_("You may not do this."))


def plain_values(model: type[RegisterEntry], values: dict) -> dict:
    """Free text arrives without markup (see core.text): the model's ``text_fields``."""
    text_fields = getattr(model, "text_fields", ())
    return {k: plain(v) if k in text_fields and isinstance(v, str) else v for k, v in values.items()}


def refresh_search(entry: RegisterEntry, *, save: bool = True) -> None:
    """Recompute the entry's search words (a derived field: the version does not move).

    With ``save`` (inside the caller's transaction, after the caller saved its own changes) the entry is
    locked and re-read first, so the words come from the row as it is now and only they are written.
    ``save=False`` is for a caller that holds the entry's lock and saves ``search_document`` with its fields.
    """
    if save:
        lock(entry)
    entry.search_document = search.document(entry.search_text())
    if save:
        save_fields(entry, ["search_document"])


# ---------------------------------------------------------------------------------------------- numbering


@dataclass(frozen=True)
class Numbering:
    """How a register numbers its entries when the office leaves the number empty.

    ``prefix`` (text, or a function of the entry) comes first; a yearly register then has the entry's year
    (``year_of``, else this year) and restarts at 01 each year: ``XY2026-03``; the others count on: ``ZC-07``.
    Numbers are gap-free (entries are archived, never deleted) and never reused.
    """

    prefix: str | Callable[[RegisterEntry], str] = ""
    yearly: bool = True
    year_of: Callable[[RegisterEntry], int | None] = lambda entry: None
    digits: int = 2

    def head(self, entry: RegisterEntry) -> str:
        prefix = self.prefix(entry) if callable(self.prefix) else self.prefix
        if not self.yearly:
            return prefix
        return f"{prefix}{self.year_of(entry) or timezone.localdate().year}-"


def _year(field: str) -> Callable[[RegisterEntry], int | None]:
    def year_of(entry):
        value = getattr(entry, field, None)
        return getattr(value, "year", value)

    return year_of


# One rule per register, as the office numbers them on paper (the demo's numbers follow the same rules). Keyed by
# the model's label: this layer does not import the registers above it. Lessons and gaps have their own place in
# their visit's list (``number``) and no rule.
NUMBERING: dict[str, Numbering] = {
    "petitions.petition": Numbering(year_of=_year("year")),  # 2026-03
    "agreements.agreement": Numbering("XY", year_of=_year("signed_on")),  # XY2026-03
    "exchanges.secondment": Numbering("HP", year_of=_year("start_date")),  # HP2026-03
    "siting.sitingcase": Numbering("布局"),  # 布局2026-03
    "visits.visit": Numbering(year_of=_year("start_date")),  # 2026-03
    "policies.policy": Numbering(lambda policy: f"{policy.side.code}-", yearly=False),  # TF-03 (per side)
    "policies.alignmentgroup": Numbering("ZC-", yearly=False),  # ZC-03
}


def next_code(entry: RegisterEntry) -> str:
    """The next free number of ``entry``'s register, for its partnership (inside the caller's transaction).

    The partnership's row is taken first (as every write does, ``core.services.touch``), so two entries of one
    partnership created at the same time are numbered one after the other, never the same."""
    rule = NUMBERING.get(entry._meta.label_lower)
    if rule is None:
        return ""
    touch(type(entry), [entry])
    head = rule.head(entry)
    taken = type(entry)._base_manager.filter(partnership_id=entry.partnership_id, code__startswith=head)
    highest = 0
    for code in taken.values_list("code", flat=True):
        tail = code[len(head) :]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{head}{highest + 1:0{rule.digits}d}"


def save_new(entry: RegisterEntry) -> RegisterEntry:
    """Validate and save a new entry (inside the caller's transaction); its text plain, its search words set; an
    entry given no number gets its register's next (``next_code``)."""
    for name in getattr(entry, "text_fields", ()):
        value = getattr(entry, name, None)
        if isinstance(value, str):
            setattr(entry, name, plain(value))
    if not (entry.code or "").strip():
        entry.code = next_code(entry)
    entry.full_clean(exclude=["search_document"], validate_constraints=False)
    refresh_search(entry, save=False)
    entry.save()
    return entry


def created(entry: models.Model, *, user, action: str = Action.CHANGE) -> models.Model:
    """The entry is complete: it must be within its author's reach, and its creation is logged."""
    require(user, action, entry)
    log_event(f"{entry._meta.model_name}.created", entry)
    return entry


def update_entry(entry: RegisterEntry, *, user, version: int | None, action: str = Action.CHANGE, **changes):
    """A versioned edit of the entry's own fields (refused with ConflictError if someone saved meanwhile)."""
    changes = plain_values(type(entry), changes)
    with transaction.atomic():
        update_versioned(entry, version, changes, user=user, action=action)
        if hasattr(entry, "search_document"):
            refresh_search(entry)
    return entry


def archive_entry(entry, *, user):
    return archive(entry, user=user)


def restore_entry(entry, *, user):
    return restore(entry, user=user)


def _subject_partnership_id(subject: models.Model) -> int:
    partnership_id = subject.audit_partnership_id()
    if partnership_id is None:
        raise ValueError(f"{subject._meta.label} does not belong to a partnership")
    return partnership_id


def link_matter(subject: models.Model, matter, *, user, relation: str = LinkRelation.SERVES, note: str = ""):
    """Record that ``matter`` follows up ``subject`` (who may change the subject, and may see the matter)."""
    with transaction.atomic():
        require(user, Action.CHANGE, subject)
        if matter.partnership_id != _subject_partnership_id(subject):
            raise ValidationError(_("The matter belongs to another partnership."))
        require(user, Action.VIEW, matter)
        content_type = ContentType.objects.get_for_model(subject)
        existing = MatterLink.objects.filter(
            content_type=content_type, object_id=subject.pk, matter=matter, archived_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        link = MatterLink.objects.create(
            partnership_id=matter.partnership_id,
            content_type=content_type,
            object_id=subject.pk,
            matter=matter,
            relation=relation,
            note=plain(note)[:300],
            created_by=user,
        )
        log_event("matter_link.created", link, data={"matter": matter.code, "subject": str(subject)})
    return link


def unlink_matter(link: MatterLink, *, user) -> MatterLink:
    """Take a matter off the entry's follow-up (the link is archived; both stay in the history)."""
    with transaction.atomic():
        require(user, Action.CHANGE, link.subject)
        if link.archived_at is None:
            link.archived_at = timezone.now()
            link.save(update_fields=["archived_at", "last_updated"])
            log_event("matter_link.archived", link, data={"matter": link.matter.code})
    return link


def follow_up(subject: models.Model, *, user, title: str, year: int, owners=(), leaders=None, note: str = "", **fields):
    """Turn ``subject`` into a new key cooperation matter in one step, linked as "created from it".

    The matter goes through ``matters.services.create_matter`` with its usual rules (a coordinator
    creates only matters their side is party to); nothing is written if either step is refused.
    """
    with transaction.atomic():
        require(user, Action.CHANGE, subject)
        partnership = subject.partnership if hasattr(subject, "partnership") else None
        if partnership is None:
            partnership = Partnership.objects.get(pk=_subject_partnership_id(subject))
        matter = create_matter(
            partnership=partnership, year=year, title=title, user=user, owners=list(owners), leaders=leaders, **fields
        )
        link_matter(subject, matter, user=user, relation=LinkRelation.CREATED, note=note)
    return matter


def links_for(subjects) -> dict[int, list[MatterLink]]:
    """The live links of entries of one model, by entry id, each with its matter (light, status, percent).

    Two queries whatever the number of entries, for a list page or one entry's page alike.
    """
    subjects = list(subjects)
    if not subjects:
        return {}
    links = list(
        MatterLink.objects.filter(
            content_type=ContentType.objects.get_for_model(subjects[0]),
            object_id__in=[s.pk for s in subjects],
            archived_at__isnull=True,
        ).order_by("created", "pk")
    )
    matters = Matter.objects.with_light().select_related("year_list").in_bulk({link.matter_id for link in links})
    result: dict[int, list[MatterLink]] = {s.pk: [] for s in subjects}
    for link in links:
        link.matter = matters[link.matter_id]
        result[link.object_id].append(link)
    return result


def links_of(subject: models.Model) -> list[MatterLink]:
    """The live links of one entry with their matters, for its page."""
    return links_for([subject])[subject.pk]
