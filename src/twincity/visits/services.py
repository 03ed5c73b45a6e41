"""Every write to the registers of visits, lessons and gaps: one transaction each, access checked, trace left.

The rules:

* a visit goes from one side of the partnership to another; it ends on or after the day it starts;
  its topics come from the list of topics; a visit is "held" only once it has started, and a planned
  visit that will not take place is cancelled with a reason;
* a lesson or a gap belongs to the side that learned it (that side's coordinator, or the office,
  edits it and turns it into matters); its source visit, when given, took place and the side took
  part in it; within one visit a side numbers its lessons (and its gaps) once each;
* turning a lesson or a gap into a follow-up matter creates the matter with its usual rules (a
  coordinator creates only matters their side is party to) and links it as "created from it";
* a visit with live lessons or gaps is not archived (they would point to nothing).

Lessons and gaps share one set of services, parameterised by the model (``create_learning`` …);
``create_lesson``/``create_gap`` and their siblings only name the model.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.choices import Action
from twincity.audit.services import log_event
from twincity.core.services import lock, require, save_fields
from twincity.core.text import plain
from twincity.registers import services as registers
from twincity.registers.choices import LinkRelation
from twincity.visits.choices import Topic, VisitStatus
from twincity.visits.models import Gap, Learning, Lesson, Visit, VisitTopic

__all__ = [
    "archive_gap",
    "archive_learning",
    "archive_lesson",
    "archive_visit",
    "cancel_visit",
    "create_gap",
    "create_learning",
    "create_lesson",
    "create_visit",
    "follow_up_learning",
    "link_follow_up",
    "mark_held",
    "unlink_follow_up",
    "update_gap",
    "update_learning",
    "update_lesson",
    "update_visit",
]

# What an edit may change (in the order the form shows it); status changes only through the steps.
VISIT_FIELDS = (
    "code",
    "title",
    "visiting_region",
    "host_region",
    "start_date",
    "end_date",
    "level",
    "head_of_delegation",
    "members",
    "programme",
    "outcomes",
    "field",
    "note",
)
LEARNING_FIELDS = ("code", "title", "field", "note", "side", "visit", "number", "text")


def _refuse_unknown(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")  # a programming error, not the user's


# --------------------------------------------------------------------------------------------------
# Visits
# --------------------------------------------------------------------------------------------------


def _clean_topics(topics) -> list[str]:
    wanted = []
    for topic in topics or ():
        if topic not in Topic.values:
            raise ValidationError({"topics": _("“%(topic)s” is not a topic of visits.") % {"topic": topic}})
        if topic not in wanted:
            wanted.append(topic)
    return wanted


def _set_topics(visit: Visit, topics) -> None:
    """Make the visit's topics exactly ``topics`` (rows removed and added show in the visit's history)."""
    wanted = _clean_topics(topics)
    existing = {row.topic: row for row in visit.topics.all()}
    for topic, row in existing.items():
        if topic not in wanted:
            row.delete()  # a label on the visit, not an accountable record: its removal is in the change log
    for topic in wanted:
        if topic not in existing:
            VisitTopic.objects.create(visit=visit, topic=topic)
    if hasattr(visit, "_prefetched_objects_cache"):
        visit._prefetched_objects_cache.pop("topics", None)


def _check_held_on(status: str, start_date) -> None:
    if status == VisitStatus.HELD and start_date and start_date > timezone.localdate():
        raise ValidationError({"status": _("A visit that has not started yet cannot have taken place.")})


def create_visit(*, partnership, user, topics=(), status: str | None = None, **fields) -> Visit:
    """Record a visit; it is "held" when it has started, "planned" when it lies ahead (unless ``status`` says)."""
    _refuse_unknown(fields, VISIT_FIELDS)
    with transaction.atomic():
        registers.require_member(user, Action.CHANGE, partnership)
        start_date = fields.get("start_date")
        if status is None:
            status = VisitStatus.PLANNED if start_date and start_date > timezone.localdate() else VisitStatus.HELD
        _check_held_on(status, start_date)
        visit = registers.save_new(Visit(partnership=partnership, status=status, **fields))
        _set_topics(visit, topics)
        registers.created(visit, user=user)  # a coordinator records only visits their side took part in
    return visit


def update_visit(visit: Visit, *, user, version: int | None, topics=None, **changes) -> Visit:
    """Edit the visit's own fields (and, when given, its topics); refused on a stale version."""
    _refuse_unknown(changes, VISIT_FIELDS)
    with transaction.atomic():
        registers.update_entry(visit, user=user, version=version, **changes)
        _check_held_on(visit.status, visit.start_date)
        stranded = [
            str(entry)
            for model in (Lesson, Gap)
            for entry in model.objects.filter(visit=visit, archived_at__isnull=True).exclude(
                side_id__in=(visit.visiting_region_id, visit.host_region_id)
            )
        ]
        if stranded:
            raise ValidationError(
                _("Lessons or gaps of this visit were learned by a side no longer in it: %(entries)s.")
                % {"entries": "；".join(stranded)}
            )
        if topics is not None:
            _set_topics(visit, topics)
    return visit


def mark_held(visit: Visit, *, user, outcomes: str | None = None) -> Visit:
    """A planned visit took place (and, when given, what came of it)."""
    with transaction.atomic():
        lock(visit)  # judged and written as it is now, never as the caller loaded it
        require(user, Action.CHANGE, visit)
        if visit.status != VisitStatus.PLANNED:
            raise ValidationError(_("Only a planned visit can be recorded as held."))
        _check_held_on(VisitStatus.HELD, visit.start_date)
        visit.status = VisitStatus.HELD
        if outcomes is not None:
            visit.outcomes = plain(outcomes)
        visit.version += 1
        registers.refresh_search(visit, save=False)
        save_fields(visit, ["status", "outcomes", "version", "search_document"])
        log_event("visit.held", visit)
    return visit


def cancel_visit(visit: Visit, *, user, reason: str) -> Visit:
    """A planned visit will not take place; the reason is kept in its history."""
    reason = plain(reason).strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the visit is cancelled.")})
    with transaction.atomic():
        lock(visit)  # judged and written as it is now, never as the caller loaded it
        require(user, Action.CHANGE, visit)
        if visit.status != VisitStatus.PLANNED:
            raise ValidationError(_("Only a planned visit can be cancelled."))
        visit.status = VisitStatus.CANCELLED
        visit.version += 1
        save_fields(visit, ["status", "version"])
        log_event("visit.cancelled", visit, message=reason)
    return visit


def archive_visit(visit: Visit, *, user) -> Visit:
    """Archive a visit, once its lessons and gaps are archived or moved to another visit."""
    with transaction.atomic():
        require(user, Action.CHANGE, visit)
        lock(visit)  # the visit before its lessons and gaps
        if any(model.objects.filter(visit=visit, archived_at__isnull=True).exists() for model in (Lesson, Gap)):
            raise ValidationError(_("The visit still has lessons or gaps: archive them or move them first."))
        registers.archive_entry(visit, user=user)
    return visit


# --------------------------------------------------------------------------------------------------
# Lessons and gaps: one set of services, parameterised by the model
# --------------------------------------------------------------------------------------------------


def _next_number(model: type[Learning], visit: Visit, side) -> int:
    taken = model.objects.filter(visit=visit, side=side, archived_at__isnull=True).aggregate(n=Max("number"))["n"]
    return (taken or 0) + 1


def _check_number_free(entry: Learning) -> None:
    if entry.visit_id is None or entry.number is None:
        return
    clash = (
        type(entry)
        .objects.filter(visit_id=entry.visit_id, side_id=entry.side_id, number=entry.number, archived_at__isnull=True)
        .exclude(pk=entry.pk)
    )
    if clash.exists():
        raise ValidationError(
            {"number": _("This side already has a no. %(number)s from this visit.") % {"number": entry.number}}
        )


def create_learning(model: type[Learning], *, partnership, user, **fields) -> Learning:
    """Add a lesson or a gap of one side (numbered after the side's others from the same visit, unless given)."""
    _refuse_unknown(fields, LEARNING_FIELDS)
    with transaction.atomic():
        registers.require_member(user, Action.CHANGE, partnership)
        entry = model(partnership=partnership, **fields)
        if entry.visit_id and entry.side_id and entry.number is None:
            entry.number = _next_number(model, entry.visit, entry.side)
        _check_number_free(entry)
        registers.save_new(entry)
        registers.created(entry, user=user)  # a coordinator records only what their own side learned
    return entry


def update_learning(entry: Learning, *, user, version: int | None, **changes) -> Learning:
    """Edit a lesson or a gap; refused on a stale version, or if it would leave its editor's side."""
    _refuse_unknown(changes, LEARNING_FIELDS)
    with transaction.atomic():
        registers.update_entry(entry, user=user, version=version, **changes)
        _check_number_free(entry)
    return entry


def archive_learning(entry: Learning, *, user) -> Learning:
    """Archive a lesson or a gap; its follow-up matters go on by themselves."""
    return registers.archive_entry(entry, user=user)


def follow_up_learning(
    entry: Learning, *, user, title: str, year: int, owners=(), leaders=None, note: str = "", **fields
):
    """Turn a lesson or a gap into a new key cooperation matter, linked as "created from it".

    The matter is created by ``matters.services.create_matter`` with its own rules: the coordinator of
    the side that learned it creates only matters their side is party to. Nothing is written if either
    step is refused.
    """
    with transaction.atomic():
        lock(entry)
        require(user, Action.CHANGE, entry)
        if entry.is_archived:
            raise ValidationError(_("An archived entry is not followed up."))
        matter = registers.follow_up(
            entry, user=user, title=title, year=year, owners=owners, leaders=leaders, note=note, **fields
        )
        log_event(f"{entry._meta.model_name}.followed_up", entry, data={"matter": matter.code})
    return matter


def link_follow_up(entry: Learning, matter, *, user, note: str = ""):
    """Record that an existing matter follows up a lesson or a gap (it "serves it")."""
    with transaction.atomic():
        if entry.is_archived:
            raise ValidationError(_("An archived entry is not followed up."))
        return registers.link_matter(entry, matter, user=user, relation=LinkRelation.SERVES, note=note)


def unlink_follow_up(link, *, user):
    """Take a matter off a lesson's or a gap's follow-up (the link is archived, both stay in the history)."""
    return registers.unlink_matter(link, user=user)


def create_lesson(*, partnership, user, **fields) -> Lesson:
    return create_learning(Lesson, partnership=partnership, user=user, **fields)


def create_gap(*, partnership, user, **fields) -> Gap:
    return create_learning(Gap, partnership=partnership, user=user, **fields)


update_lesson = update_gap = update_learning
archive_lesson = archive_gap = archive_learning
