"""Every write to the register of joint requests: one transaction each, access checked, trace left.

The rules: the text has versions and a new version clears the endorsements; a request is submitted
only when every side of the partnership has endorsed its current text; the authority's answer is
recorded only on a submitted request; a withdrawal needs a reason.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from twincity.accounts.access import Part, members_who
from twincity.accounts.choices import Action
from twincity.audit.services import log_event
from twincity.core.services import lock, require, save_fields
from twincity.core.text import join_words, plain
from twincity.notifications.services import announce
from twincity.petitions.choices import ANSWERS, TRANSITIONS, Notice, PetitionStatus
from twincity.petitions.models import Petition, PetitionSide, PetitionText
from twincity.registers import services as registers

EDITABLE_FIELDS = ("code", "title", "field", "year", "target_authority", "note")
TRANSITIONS_TO_WITHDRAWN = tuple(s for s, targets in TRANSITIONS.items() if PetitionStatus.WITHDRAWN in targets)


def _move(petition: Petition, to: str) -> None:
    if to not in TRANSITIONS.get(petition.status, set()):
        raise ValidationError(
            _("A request that is “%(now)s” cannot become “%(to)s”.")
            % {"now": petition.get_status_display(), "to": PetitionStatus(to).label}
        )
    petition.status = to


def _set_drafting_units(petition: Petition, units) -> None:
    """Put each drafting unit on its own side's half (a unit of no side of the partnership is refused)."""
    halves = {half.region_id: half for half in petition.sides.all()}
    by_side: dict[int, list] = {region_id: [] for region_id in halves}
    for unit in units or ():
        # A unit speaks for its region's side, or its parent region's (Organisation.side_for, without a query).
        side_id = unit.region_id if unit.region_id in by_side else unit.region.parent_id
        if side_id not in by_side:
            raise ValidationError(
                _("%(unit)s is not a unit of any side of this partnership.") % {"unit": unit.display_name}
            )
        by_side[side_id].append(unit)
    for region_id, half in halves.items():
        half.drafting_units.set(by_side[region_id])


def create_petition(*, partnership, user, title: str, year: int, text: str = "", drafting_units=(), **fields):
    """Add a joint request in drafting, with a half for every side of the partnership."""
    with transaction.atomic():
        registers.require_member(user, Action.CHANGE, partnership)
        petition = registers.save_new(Petition(partnership=partnership, title=title, year=year, **fields))
        for side in partnership.sides():
            PetitionSide.objects.create(petition=petition, region=side)
        _set_drafting_units(petition, drafting_units)
        if text.strip():
            PetitionText.objects.create(petition=petition, number=1, text=plain(text), author=user)
        registers.created(petition, user=user)
    return petition


def update_petition(petition: Petition, *, user, version: int | None, drafting_units=None, **changes) -> Petition:
    """Edit the request's own fields (and, when given, its drafting units); refused on a stale version."""
    with transaction.atomic():
        registers.update_entry(petition, user=user, version=version, **changes)
        if drafting_units is not None:
            _set_drafting_units(petition, drafting_units)
            require(user, Action.CHANGE, petition)
    return petition


def revise_text(petition: Petition, *, user, text: str) -> PetitionText:
    """A new version of the joint text. Endorsements were of the old text: they lapse."""
    text = plain(text).strip()
    if not text:
        raise ValidationError(_("The text is empty."))
    with transaction.atomic():
        lock(petition)  # the request first, then its halves: judged and written as it is now
        require(user, Action.CHANGE, petition)
        if petition.status not in (PetitionStatus.DRAFTING, PetitionStatus.ENDORSED):
            raise ValidationError(_("The text is fixed once the request was submitted."))
        number = (petition.texts.aggregate(n=Max("number"))["n"] or 0) + 1
        revision = PetitionText.objects.create(petition=petition, number=number, text=text, author=user)
        lapsed = 0
        for half in petition.sides.filter(endorsed_at__isnull=False).select_for_update().order_by("pk"):
            half.endorsed_text, half.endorsed_at, half.endorsed_by = None, None, None
            save_fields(half, ["endorsed_text", "endorsed_at", "endorsed_by"])  # the lapse is in the change log
            lapsed += 1
        if petition.status == PetitionStatus.ENDORSED:
            _move(petition, PetitionStatus.DRAFTING)
        petition.version += 1
        save_fields(petition, ["status", "version"])
        log_event("petition.text_revised", petition, data={"version": number, "endorsements_lapsed": lapsed})
    return revision


def endorse(petition: Petition, *, user, side) -> PetitionSide:
    """``side`` endorses the current text (by its coordinator or the office); the last endorsement makes it endorsed."""
    with transaction.atomic():
        lock(petition)  # the request first, then its halves: judged and written as it is now
        half = petition.sides.select_for_update().get(region=side)
        require(user, Action.CHANGE, half)
        if petition.status != PetitionStatus.DRAFTING:
            raise ValidationError(_("Only a request in drafting is endorsed."))
        current = petition.current_text()
        if current is None:
            raise ValidationError(_("There is no agreed text to endorse yet."))
        half.endorsed_text, half.endorsed_at, half.endorsed_by = current.number, timezone.now(), user
        save_fields(half, ["endorsed_text", "endorsed_at", "endorsed_by"])
        log_event("petition.endorsed", petition, data={"side": side.display_name, "text": current.number})
        if not petition.sides.filter(endorsed_text__isnull=True).exists():
            _move(petition, PetitionStatus.ENDORSED)
            petition.version += 1
            save_fields(petition, ["status", "version"])
            log_event("petition.fully_endorsed", petition, data={"text": current.number})
        _announce_endorsement(petition, half, current.number)
    return half


def _announce_endorsement(petition: Petition, half: PetitionSide, text_number: int) -> None:
    """Tell the coordinators of the sides that have not endorsed yet that the request waits for them; once every
    side has, tell the office and every side's coordinators that it may be submitted."""
    waiting = list(petition.sides.filter(endorsed_text__isnull=True).select_related("region"))
    name = petition.code or petition.title
    with translation.override(settings.LANGUAGE_CODE):
        if waiting:
            for other in waiting:
                people = members_who(petition.partnership_id, Part.COORDINATES_SIDES, among=[other.region_id])
                announce(
                    Notice.AWAITING_ENDORSEMENT,
                    recipients=[m.user for m in people],
                    subject=_("Joint request waiting for your endorsement: %(name)s") % {"name": name},
                    body=_("%(side)s endorsed text %(number)s of “%(title)s”.")
                    % {"side": half.region.display_name, "number": text_number, "title": petition.title},
                    url=petition.get_absolute_url(),
                    partnership_id=petition.partnership_id,
                    key=f"petition_awaiting:{petition.pk}:text:{text_number}:side:{other.region_id}",
                    side_ids=[other.region_id],
                )
            return
        sides = list(petition.sides.values_list("region_id", flat=True))
        people = [m.user for m in members_who(petition.partnership_id, Part.COORDINATES_SIDES, among=sides)]
        people += [m.user for m in members_who(petition.partnership_id, Part.RUNS_OFFICE)]
        announce(
            Notice.ENDORSED,
            recipients=people,
            subject=_("Joint request endorsed by every side: %(name)s") % {"name": name},
            body=_("Text %(number)s of “%(title)s” may now be submitted.")
            % {"number": text_number, "title": petition.title},
            url=petition.get_absolute_url(),
            partnership_id=petition.partnership_id,
            key=f"petition_endorsed:{petition.pk}:text:{text_number}",
        )


def submit(petition: Petition, *, user, submitted_on: dt.date, channel: str = "") -> Petition:
    """Send the request to the authority: only when every side endorsed the current text."""
    with transaction.atomic():
        lock(petition)  # the request first, then its halves: judged and written as it is now
        require(user, Action.CHANGE, petition)
        current = petition.current_text()
        missing = [
            half.region.display_name
            for half in petition.sides.select_related("region")
            if current is None or half.endorsed_text != current.number
        ]
        if missing:
            raise ValidationError(
                _("Every side must endorse the current text before submission; still missing: %(sides)s.")
                % {"sides": join_words(missing)}
            )
        if submitted_on > timezone.localdate():
            raise ValidationError(_("The submission date cannot be in the future."))
        _move(petition, PetitionStatus.SUBMITTED)
        petition.submitted_on, petition.channel = submitted_on, channel
        petition.version += 1
        petition.full_clean(exclude=["search_document"], validate_constraints=False)
        save_fields(petition, ["status", "submitted_on", "channel", "version"])
        log_event("petition.submitted", petition, data={"on": submitted_on.isoformat(), "channel": channel})
    return petition


def _step(petition: Petition, *, user, to: str, verb: str, message: str = "") -> Petition:
    """Move the request to ``to`` (if its workflow allows it) and log ``verb``."""
    with transaction.atomic():
        lock(petition)  # the request first, then its halves: judged and written as it is now
        require(user, Action.CHANGE, petition)
        _move(petition, to)
        petition.version += 1
        save_fields(petition, ["status", "version"])
        log_event(verb, petition, message=message)
    return petition


def mark_under_consideration(petition: Petition, *, user) -> Petition:
    return _step(petition, user=user, to=PetitionStatus.UNDER_CONSIDERATION, verb="petition.under_consideration")


def record_response(petition: Petition, *, user, outcome: str, response: str, response_on: dt.date) -> Petition:
    """The authority answered: granted, partly granted or declined, with what it said and when."""
    if outcome not in ANSWERS:
        raise ValidationError(_("Choose granted, partly granted or declined."))
    with transaction.atomic():
        lock(petition)  # the request first, then its halves: judged and written as it is now
        require(user, Action.CHANGE, petition)
        _move(petition, outcome)
        if petition.submitted_on and response_on < petition.submitted_on:
            raise ValidationError(_("The response cannot come before the submission."))
        if response_on > timezone.localdate():
            raise ValidationError(_("The response date cannot be in the future."))
        petition.response, petition.response_on = plain(response), response_on
        petition.version += 1
        registers.refresh_search(petition, save=False)  # the request is locked: its words come from it as it is now
        save_fields(petition, ["status", "response", "response_on", "version", "search_document"])
        log_event(f"petition.{outcome}", petition, data={"on": response_on.isoformat()})
    return petition


def withdraw(petition: Petition, *, user, reason: str) -> Petition:
    reason = plain(reason).strip()
    if not reason:
        raise ValidationError(_("Say why the request is withdrawn."))
    return _step(petition, user=user, to=PetitionStatus.WITHDRAWN, verb="petition.withdrawn", message=reason)
