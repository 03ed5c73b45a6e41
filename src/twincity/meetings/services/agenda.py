"""Agendas: proposals into the backlog, items placed, edited, moved and removed, the system's standing
proposals, and publication (after which every change is listed with its reason)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from twincity.accounts.access import can, coordinated_sides, is_office
from twincity.accounts.choices import Action
from twincity.audit.services import log_event
from twincity.core.services import attach, lock, require, save_fields, update_versioned
from twincity.core.text import plain
from twincity.meetings import sources
from twincity.meetings.choices import AgendaChangeKind, ItemSource, ItemStatus, SessionStatus
from twincity.meetings.models import AgendaChange, AgendaItem, MeetingSeries, Session
from twincity.meetings.notifications import announce_agenda_published
from twincity.meetings.services.common import ITEM_FIELDS, _lock_version, _plain, may_propose
from twincity.meetings.services.rotation import rotation
from twincity.regions.models import Region


def in_both_languages(write: Callable[[], str]) -> tuple[str, str]:
    """Text the system writes, in Chinese (stored as the record) and in English (shown to English readers)."""
    with override(settings.LANGUAGE_CODE):
        chinese = str(write())
    with override("en"):
        english = str(write())
    return chinese, english


def _agenda_change(
    session: Session, *, user, kind: str, text: Callable[[], str], item: AgendaItem | None = None, reason: str = ""
):
    """After publication every change to the agenda is listed for both sides and logged. ``text`` writes the
    line in the active language: it is stored in both."""
    if session.agenda_frozen:
        if not reason.strip():
            raise ValidationError({"reason": _("The agenda is published: say why it changes.")})
        chinese, english = in_both_languages(text)
        text = chinese
        AgendaChange.objects.create(
            session=session, item=item, kind=kind, text=chinese, text_en=english, reason=plain(reason), user=user
        )
        log_event(
            "session.agenda_changed", session, message=text, data={"kind": kind, "item": item.pk if item else None}
        )


def _require_open_agenda(session: Session) -> None:
    reason = session.agenda_closed_reason()
    if reason is not None:
        raise ValidationError(reason)


def _next_order(session: Session) -> int:
    return (session.items.filter(status=ItemStatus.ON_AGENDA).aggregate(m=Max("order"))["m"] or 0) + 1


def _check_item_links(series: MeetingSeries, values: dict) -> None:
    matter = values.get("matter")
    if matter is not None and matter.partnership_id != series.partnership_id:
        raise ValidationError({"matter": _("The matter belongs to another partnership.")})
    side = values.get("side")
    if side is not None and side.pk not in rotation(series.partnership):
        raise ValidationError({"side": _("The side must be a region of the partnership.")})
    unit = values.get("organisation")
    if unit is not None:
        unit_side = unit.side_for(series.partnership)
        if unit_side is None:
            raise ValidationError({"organisation": _("The unit does not belong to the partnership.")})
        if side is not None and unit_side.pk != side.pk:
            raise ValidationError({"organisation": _("The unit does not belong to the side it presents for.")})


def propose_item(series: MeetingSeries, *, user, title: str, side: Region | None, files=(), **fields) -> AgendaItem:
    """A side proposes a topic into the series backlog, for the host's secretariat to place on an agenda."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"Not an item field: {sorted(unknown)}")
    fields = _plain(fields)
    with transaction.atomic():
        if not may_propose(user, series, side.pk if side else None):
            raise PermissionDenied(_("You may propose items only for your own side."))
        _check_item_links(series, {**fields, "side": side})
        item = AgendaItem(
            series=series,
            partnership_id=series.partnership_id,
            title=plain(title),
            side=side,
            proposed_by=user,
            status=ItemStatus.BACKLOG,
            source=ItemSource.PROPOSED,
            **fields,
        )
        item.full_clean()
        item.save()
        for upload in files:
            attach(item, upload, user=user, partnership_id=series.partnership_id)
        log_event("agenda_item.proposed", item, data={"series": series.pk})
    return item


def may_edit_item(user, item: AgendaItem) -> bool:
    if item.session_id is not None:
        return can(user, Action.CHANGE, item.session)
    if is_office(user, item.partnership_id):
        return True
    if item.side_id in coordinated_sides(user, item.partnership_id):
        return True
    return item.proposed_by_id == getattr(user, "pk", None) and item.status == ItemStatus.BACKLOG


def update_item(item: AgendaItem, *, user, version: int | None, reason: str = "", files=(), **changes) -> AgendaItem:
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"Not an item field: {sorted(unknown)}")
    changes = _plain(changes)
    with transaction.atomic():
        _lock_item(item, version=version, changes=changes)
        if not may_edit_item(user, item):
            raise PermissionDenied(_("You may not change this item."))
        if item.session_id:
            _require_open_agenda(item.session)
        _check_item_links(item.series, {"side": item.side, **changes})
        before = {k: getattr(item, k) for k in changes}
        # The version was checked by the lock; who may edit is asked again after the edit (it must not move
        # the item out of the editor's reach).
        update_versioned(item, item.version, changes, user=user, may=may_edit_item)
        for upload in files:
            attach(item, upload, user=user, partnership_id=item.partnership_id)
        diff = [k for k in changes if before[k] != changes[k]]
        # A generated title or description edited by a person is no longer the system's text: its English copy goes.
        dropped = [f"{k}_en" for k in ("title", "description") if k in diff and getattr(item, f"{k}_en")]
        for name in dropped:
            setattr(item, name, "")
        if dropped:
            save_fields(item, dropped)
        if item.session_id and (diff or files):
            _agenda_change(
                item.session,
                user=user,
                kind=AgendaChangeKind.EDITED,
                item=item,
                text=lambda: (
                    _("Item “%(title)s” edited (%(fields)s).")
                    % {
                        "title": item.display_title,
                        "fields": ", ".join(str(AgendaItem._meta.get_field(k).verbose_name) for k in diff)
                        or _("papers"),
                    }
                ),
                reason=reason,
            )
    return item


def _lock_item(item: AgendaItem, *, version: int | None = None, changes: dict | None = None) -> AgendaItem:
    """Lock an agenda item after its session (the parent first), and bring both up to date."""
    if item.session_id is not None:
        lock(item.session)
    _lock_version(item, version, changes or {})
    return item


def withdraw_item(item: AgendaItem, *, user, reason: str = "") -> AgendaItem:
    """Take a proposal out of the backlog (it stays on record as withdrawn)."""
    with transaction.atomic():
        _lock_item(item)
        if not may_edit_item(user, item):
            raise PermissionDenied(_("You may not change this item."))
        if item.status != ItemStatus.BACKLOG:
            raise ValidationError(_("Only an item in the backlog can be withdrawn; take it off the agenda first."))
        item.status = ItemStatus.WITHDRAWN
        item.version += 1
        save_fields(item, ["status", "version"])
        log_event("agenda_item.withdrawn", item, message=plain(reason))
    return item


def schedule_item(item: AgendaItem, session: Session, *, user, reason: str = "") -> AgendaItem:
    """The host's secretariat places a backlog item on its session's agenda."""
    with transaction.atomic():
        require(user, Action.CHANGE, session)
        lock(session)
        lock(item)
        _require_open_agenda(session)
        if item.series_id != session.series_id:
            raise ValidationError(_("The item belongs to another series."))
        if item.status != ItemStatus.BACKLOG:
            raise ValidationError(_("Only an item in the backlog can be placed on an agenda."))
        item.session, item.status, item.order = session, ItemStatus.ON_AGENDA, _next_order(session)
        item.version += 1
        save_fields(item, ["session", "status", "order", "version"])
        _item_added(session, item, user=user, reason=reason)
    return item


def _item_added(session: Session, item: AgendaItem, *, user, reason: str) -> None:
    """Record on the agenda's change log that ``item`` came onto it."""
    _agenda_change(
        session,
        user=user,
        kind=AgendaChangeKind.ADDED,
        item=item,
        text=lambda: _("Item “%(title)s” added.") % {"title": item.display_title},
        reason=reason,
    )


def add_item(session: Session, *, user, title: str, reason: str = "", files=(), **fields) -> AgendaItem:
    """The secretariat puts an item straight on its agenda."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"Not an item field: {sorted(unknown)}")
    fields = _plain(fields)
    with transaction.atomic():
        require(user, Action.CHANGE, session)
        lock(session)
        _require_open_agenda(session)
        _check_item_links(session.series, fields)
        item = AgendaItem(
            series=session.series,
            partnership_id=session.partnership_id,
            session=session,
            status=ItemStatus.ON_AGENDA,
            order=_next_order(session),
            title=plain(title),
            proposed_by=user,
            **fields,
        )
        item.full_clean()
        item.save()
        for upload in files:
            attach(item, upload, user=user, partnership_id=session.partnership_id)
        _item_added(session, item, user=user, reason=reason)
    return item


def unschedule_item(item: AgendaItem, *, user, reason: str = "") -> AgendaItem:
    """Take an item off the agenda: a proposal goes back to the backlog, a standing item is dropped."""
    with transaction.atomic():
        _lock_item(item)
        if item.session_id is None or item.status != ItemStatus.ON_AGENDA:
            raise ValidationError(_("The item is not on an agenda."))
        session = item.session
        require(user, Action.CHANGE, session)
        _require_open_agenda(session)
        _agenda_change(
            session,
            user=user,
            kind=AgendaChangeKind.REMOVED,
            item=item,
            text=lambda: _("Item “%(title)s” removed.") % {"title": item.display_title},
            reason=reason,
        )
        if item.source == ItemSource.PROPOSED:
            item.session, item.status = None, ItemStatus.BACKLOG
        else:
            item.status = ItemStatus.WITHDRAWN
        item.version += 1
        save_fields(item, ["session", "status", "version"])
    return item


def move_item(item: AgendaItem, *, user, up: bool, reason: str = "") -> AgendaItem:
    with transaction.atomic():
        _lock_item(item)
        if item.session_id is None or item.status != ItemStatus.ON_AGENDA:
            raise ValidationError(_("The item is not on an agenda."))
        session = item.session
        require(user, Action.CHANGE, session)
        _require_open_agenda(session)
        items = list(session.items.filter(status=ItemStatus.ON_AGENDA).order_by("order", "pk"))
        index = next(i for i, it in enumerate(items) if it.pk == item.pk)
        other = index - 1 if up else index + 1
        if other < 0 or other >= len(items):
            return item
        items[index], items[other] = items[other], items[index]
        for position, it in enumerate(items, start=1):
            if it.order != position:
                it.order = position
                it.save(update_fields=["order", "last_updated"])
        item.refresh_from_db()
        _agenda_change(
            session,
            user=user,
            kind=AgendaChangeKind.MOVED,
            item=item,
            text=lambda: (
                _("Item “%(title)s” moved to position %(n)s.") % {"title": item.display_title, "n": item.order}
            ),
            reason=reason,
        )
    return item


def previous_session(session: Session) -> Session | None:
    return (
        session.series.sessions.exclude(status=SessionStatus.CANCELLED)
        .filter(starts_at__lt=session.starts_at, archived_at__isnull=True)
        .order_by("-starts_at")
        .first()
    )


def _item_key(item: AgendaItem) -> str:
    target = item.action_id or item.matter_id or item.object_id
    return f"{item.source}:{target}"


def propose_standing_items(session: Session, *, today: dt.date | None = None) -> list[sources.Proposal]:
    """What the state of the work puts on this agenda, leaving out what is already on it."""
    today = today or timezone.localdate()
    previous = previous_session(session)
    since = previous.local_date if previous else None
    taken = {
        _item_key(i)
        for i in session.items.filter(status__in=[ItemStatus.ON_AGENDA, ItemStatus.WITHDRAWN]).exclude(
            source=ItemSource.PROPOSED
        )
    }
    result = []
    for source in sorted(sources.SOURCES.values(), key=lambda s: s.order):
        result.extend(p for p in source.proposals(session, since, today) if p.key not in taken)
    return result


def add_proposals(session: Session, *, user, keys: list[str] | None = None, reason: str = "") -> list[AgendaItem]:
    """Accept the system's proposals (all of them, or those whose keys are given) onto the agenda."""
    with transaction.atomic():
        require(user, Action.CHANGE, session)
        lock(session)
        _require_open_agenda(session)
        proposals = propose_standing_items(session)
        if keys is not None:
            wanted = set(keys)
            proposals = [p for p in proposals if p.key in wanted]
        return [_add_proposal(session, p, user=user, reason=reason) for p in proposals]


def _add_proposal(session: Session, proposal: sources.Proposal, *, user, reason: str = "") -> AgendaItem:
    obj = proposal.obj
    title, description = proposal.texts_in(settings.LANGUAGE_CODE)
    title_en, description_en = proposal.texts_in("en")
    item = AgendaItem.objects.create(
        series=session.series,
        partnership_id=session.partnership_id,
        session=session,
        status=ItemStatus.ON_AGENDA,
        source=proposal.source,
        order=_next_order(session),
        title=title[:300],
        description=description,
        title_en=title_en[:300] if title_en != title else "",
        description_en=description_en if description_en != description else "",
        presenter=proposal.presenter,
        side_id=proposal.side_id,
        duration_minutes=proposal.duration_minutes,
        matter=proposal.matter,
        action=proposal.action,
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        proposed_by=None,
    )
    _item_added(session, item, user=user, reason=reason or _("Added by the system"))
    return item


def publish_agenda(session: Session, *, user) -> int:
    """Publish the agenda to both sides and freeze it. Open actions from earlier sessions that are not on
    it yet are carried forward onto it first. Returns how many actions were carried forward."""
    with transaction.atomic():
        require(user, Action.CHANGE, session)
        lock(session)
        _require_open_agenda(session)
        if session.agenda_frozen:
            raise ValidationError(_("The agenda is already published."))
        carried = [p for p in propose_standing_items(session) if p.source == ItemSource.OPEN_ACTION]
        for proposal in carried:
            _add_proposal(session, proposal, user=user)
        if not session.items.filter(status=ItemStatus.ON_AGENDA).exists():
            raise ValidationError(_("The agenda is empty: add at least one item before publishing it."))
        session.agenda_published_at = timezone.now()
        session.agenda_published_by = user
        session.version += 1
        save_fields(session, ["agenda_published_at", "agenda_published_by", "version"])
        log_event(
            "session.agenda_published",
            session,
            data={"items": session.items.filter(status=ItemStatus.ON_AGENDA).count(), "carried_forward": len(carried)},
        )
        announce_agenda_published(session)
    return len(carried)
