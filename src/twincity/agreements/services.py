"""Every write to the register of agreements: one transaction each, access checked, trace left.

The rules:

* an agreement has at least two parties on at least two different sides; each party's side is the
  side its unit speaks for in the partnership (``Organisation.side_for``), never typed in;
* the office edits every agreement; a region coordinator edits the agreements their side is party
  to, but only their own side's parties and obligations (each side edits its own half);
* the signed document is a PDF, OFD, Word file or scan, checked for type, content and size;
* an agreement in force (or whose lapse was recorded) is renewed either by a new expiry date or by a
  successor agreement (it is then "renewed"); an agreement in force is terminated on a day within
  its term, with a reason; one past its date is recorded as lapsed ("expired");
* an obligation belongs to one side that is party to the agreement and turns into a key cooperation
  matter in one step (``follow_up_obligation``).

Whether an agreement has expired is computed from its date (see the models' docstring).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.choices import Action
from twincity.agreements.choices import DOCUMENT_EXTENSIONS, RENEWABLE, AgreementStatus
from twincity.agreements.models import Agreement, AgreementParty, Obligation
from twincity.audit.services import log_event
from twincity.core.models import Attachment
from twincity.core.services import ConflictError, attach, lock, require, save_fields
from twincity.core.text import plain
from twincity.matters.choices import OwnerRole
from twincity.matters.services import OwnerSpec
from twincity.regions.models import Organisation
from twincity.registers import services as registers
from twincity.supervision.services import follow

__all__ = [
    "ConflictError",
    "PartySpec",
    "add_obligation",
    "archive_agreement",
    "archive_obligation",
    "attach_document",
    "create_agreement",
    "documents_of",
    "follow_up_obligation",
    "obligations_with_follow_up",
    "record_lapse",
    "renew",
    "terminate",
    "update_agreement",
    "update_obligation",
    "withdraw_document",
]

EDITABLE_FIELDS = ("code", "title", "field", "topic", "signed_on", "starts_on", "expires_on", "note")
OBLIGATION_FIELDS = ("text", "organisation", "due_date")


@dataclass(frozen=True)
class PartySpec:
    """A unit that signs the agreement, and who signed for it."""

    organisation: Organisation
    signatory: str = ""
    signatory_post: str = ""


# --------------------------------------------------------------------------------------------------
# Checks shared by creation and edits
# --------------------------------------------------------------------------------------------------


def _check_fields(partnership, fields: dict, agreement: Agreement | None = None) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    code = plain(fields.get("code") or "").strip()
    if code:
        taken = Agreement.objects.filter(partnership=partnership, code=code)
        if agreement is not None:
            taken = taken.exclude(pk=agreement.pk)
        if taken.exists():
            raise ValidationError({"code": _("Another agreement already has the number %(code)s.") % {"code": code}})
    field = fields.get("field")
    if field is not None and field.partnership_id != partnership.pk:
        raise ValidationError({"field": _("The field belongs to another partnership.")})
    signed_on = fields.get("signed_on")
    if signed_on and signed_on > timezone.localdate():
        raise ValidationError(
            {"signed_on": _("An agreement is registered once it is signed: the date cannot be in the future.")}
        )


def _validated_parties(partnership, parties) -> list[tuple[PartySpec, int]]:
    """Each party with the side it signs for; at least two parties on at least two different sides."""
    result, seen = [], set()
    for spec in parties:
        side = spec.organisation.side_for(partnership)
        if side is None:
            raise ValidationError(
                _("%(unit)s is not a unit of any side of this partnership.") % {"unit": spec.organisation.display_name}
            )
        if spec.organisation.pk in seen:
            raise ValidationError(_("%(unit)s is listed twice.") % {"unit": spec.organisation.display_name})
        seen.add(spec.organisation.pk)
        result.append((spec, side.pk))
    if len(result) < 2 or len({side_id for _spec, side_id in result}) < 2:
        raise ValidationError(_("An agreement has at least two parties, on at least two different sides."))
    return result


def _set_parties(agreement: Agreement, parties, *, user=None) -> None:
    """Make the parties exactly ``parties``. With ``user`` (an edit), every party added, changed or removed
    must be on a side the user may change: a coordinator edits their own side's parties only."""
    validated = _validated_parties(agreement.partnership, parties)
    existing = {p.organisation_id: p for p in agreement.parties.all()}
    wanted = {spec.organisation.pk for spec, _side in validated}
    for org_id, party in existing.items():
        if org_id not in wanted:
            if user is not None:
                require(user, Action.CHANGE, party)
            party.delete()  # a signing link, not an accountable record: its removal is in the change log
    for spec, side_id in validated:
        signatory, post = plain(spec.signatory).strip(), plain(spec.signatory_post).strip()
        party = existing.get(spec.organisation.pk)
        if party is None:
            party = AgreementParty(
                agreement=agreement,
                organisation=spec.organisation,
                side_id=side_id,
                signatory=signatory,
                signatory_post=post,
            )
            party.full_clean(exclude=["agreement"], validate_constraints=False)
            party.save()
            if user is not None:
                require(user, Action.CHANGE, party)
        elif (party.signatory, party.signatory_post, party.side_id) != (signatory, post, side_id):
            if user is not None:
                require(user, Action.CHANGE, party)
            party.signatory, party.signatory_post, party.side_id = signatory, post, side_id
            party.full_clean(exclude=["agreement"], validate_constraints=False)
            save_fields(party, ["signatory", "signatory_post", "side"])


def _end_of_term(begins: dt.date, years: int) -> dt.date:
    """The last day of a term of ``years`` years beginning on ``begins`` (29 February falls back to the 28th)."""
    try:
        anniversary = begins.replace(year=begins.year + years)
    except ValueError:
        anniversary = begins.replace(year=begins.year + years, day=28)
    return anniversary - dt.timedelta(days=1)


def _locked(agreement: Agreement, *, user, version: int | None) -> Agreement:
    """The agreement, locked for this transaction and brought up to date in place, after the access and
    version checks (the agreement before its parties and obligations: the lock order every step keeps)."""
    lock(agreement, version=version)
    require(user, Action.CHANGE, agreement)
    return agreement


def _saved(agreement: Agreement, fields: list[str]) -> Agreement:
    """Save a workflow step: ``fields`` of the locked agreement and a new version, nothing else."""
    agreement.version += 1
    agreement.full_clean(exclude=["search_document"], validate_constraints=False)
    save_fields(agreement, [*fields, "version"])
    if "status" in fields:
        follow_obligations(agreement)
    return agreement


def follow_obligations(agreement: Agreement) -> None:
    """Keep the supervision of the agreement's obligations with a due date in step (its status changed)."""
    for obligation in agreement.obligations.filter(due_date__isnull=False):
        follow(obligation)


# --------------------------------------------------------------------------------------------------
# The agreement
# --------------------------------------------------------------------------------------------------


def create_agreement(*, partnership, user, title: str, parties, term_years: int | None = None, **fields) -> Agreement:
    """Register an agreement in force, with its parties (at least two, on at least two sides).

    ``term_years`` sets the expiry from the day it comes into force (or is signed) when no
    ``expires_on`` is given. A coordinator may register only agreements their side is party to.
    """
    _check_fields(partnership, fields)
    with transaction.atomic():
        registers.require_member(user, Action.CHANGE, partnership)
        if term_years and not fields.get("expires_on"):
            begins = fields.get("starts_on") or fields.get("signed_on")
            if begins is None:
                raise ValidationError({"expires_on": _("A term needs the day the agreement comes into force.")})
            fields["expires_on"] = _end_of_term(begins, term_years)
        agreement = registers.save_new(Agreement(partnership=partnership, title=title, **fields))
        _set_parties(agreement, parties)
        registers.refresh_search(agreement)
        registers.created(agreement, user=user)
    return agreement


def update_agreement(agreement: Agreement, *, user, version: int | None, parties=None, **changes) -> Agreement:
    """Edit the agreement's own fields (and, when given, its parties); refused on a stale version.

    The workflow fields (status, termination, renewal) change only through their own steps.
    """
    _check_fields(agreement.partnership, changes, agreement)
    with transaction.atomic():
        registers.update_entry(agreement, user=user, version=version, **changes)
        if parties is not None:
            _set_parties(agreement, parties, user=user)
            registers.refresh_search(agreement)
        require(user, Action.CHANGE, agreement)
    return agreement


def renew(
    agreement: Agreement,
    *,
    user,
    new_expires_on: dt.date | None = None,
    successor: Agreement | None = None,
    version: int | None = None,
    note: str = "",
) -> Agreement:
    """Renew an agreement: either its term is extended to ``new_expires_on`` (it stays, or is again, in
    force), or a ``successor`` agreement replaces it (it is then "renewed", pointing to the successor)."""
    if (new_expires_on is None) == (successor is None):
        raise ValidationError(_("Give either a new expiry date or the agreement that succeeds it."))
    note = plain(note).strip()
    with transaction.atomic():
        agreement = _locked(agreement, user=user, version=version)
        if agreement.status not in RENEWABLE:
            raise ValidationError(
                _("An agreement that is “%(status)s” cannot be renewed.") % {"status": agreement.get_status_display()}
            )
        if new_expires_on is not None:
            if agreement.expires_on is None:
                raise ValidationError(_("An open-ended agreement needs no renewal."))
            if new_expires_on <= agreement.expires_on:
                raise ValidationError(
                    {
                        "expires_on": _("The new expiry date must be later than the current one (%(date)s).")
                        % {"date": agreement.expires_on.isoformat()}
                    }
                )
            previous = agreement.expires_on
            agreement.expires_on, agreement.status = new_expires_on, AgreementStatus.IN_FORCE
            _saved(agreement, ["expires_on", "status"])
            log_event(
                "agreement.extended",
                agreement,
                message=note,
                data={"from": previous.isoformat(), "to": new_expires_on.isoformat()},
            )
            return agreement
        if successor.pk == agreement.pk or successor.partnership_id != agreement.partnership_id:
            raise ValidationError(_("The successor must be another agreement of the same partnership."))
        if successor.is_archived or successor.status != AgreementStatus.IN_FORCE:
            raise ValidationError(_("The successor must be an agreement in force."))
        if successor.renewed_by_id == agreement.pk:
            raise ValidationError(_("The successor was itself renewed by this agreement."))
        agreement.status, agreement.renewed_by = AgreementStatus.RENEWED, successor
        _saved(agreement, ["status", "renewed_by"])
        log_event(
            "agreement.renewed", agreement, message=note, data={"successor": successor.pk, "title": str(successor)}
        )
    return agreement


def terminate(
    agreement: Agreement, *, user, terminated_on: dt.date, reason: str, version: int | None = None
) -> Agreement:
    """End an agreement in force before its term, on a day within its term, saying why."""
    reason = plain(reason).strip()
    if not reason:
        raise ValidationError({"termination_reason": _("Say why the agreement is terminated.")})
    if terminated_on > timezone.localdate():
        raise ValidationError({"terminated_on": _("The date cannot be in the future.")})
    with transaction.atomic():
        agreement = _locked(agreement, user=user, version=version)
        if agreement.status != AgreementStatus.IN_FORCE:
            raise ValidationError(_("Only an agreement in force can be terminated."))
        begins = agreement.starts_on or agreement.signed_on
        if begins and terminated_on < begins:
            raise ValidationError({"terminated_on": _("An agreement cannot end before it comes into force.")})
        if agreement.expires_on and terminated_on > agreement.expires_on:
            raise ValidationError(
                {
                    "terminated_on": _("The agreement had already expired on %(date)s: record the lapse instead.")
                    % {"date": agreement.expires_on.isoformat()}
                }
            )
        agreement.status = AgreementStatus.TERMINATED
        agreement.terminated_on, agreement.termination_reason = terminated_on, reason
        _saved(agreement, ["status", "terminated_on", "termination_reason"])
        log_event("agreement.terminated", agreement, message=reason, data={"on": terminated_on.isoformat()})
    return agreement


def record_lapse(agreement: Agreement, *, user, version: int | None = None, note: str = "") -> Agreement:
    """The office notes that an agreement past its expiry date was not renewed: it is recorded as expired."""
    with transaction.atomic():
        agreement = _locked(agreement, user=user, version=version)
        if agreement.status != AgreementStatus.IN_FORCE or agreement.state_on() != AgreementStatus.EXPIRED:
            raise ValidationError(
                _("Only an agreement in force whose expiry date has passed can be recorded as lapsed.")
            )
        agreement.status = AgreementStatus.EXPIRED
        _saved(agreement, ["status"])
        log_event("agreement.expired", agreement, message=plain(note).strip())
    return agreement


def archive_agreement(agreement: Agreement, *, user) -> Agreement:
    """Take an agreement off the register (entered by mistake, a duplicate); it stays in the history."""
    with transaction.atomic():
        registers.archive_entry(agreement, user=user)
        follow_obligations(agreement)
    return agreement


# --------------------------------------------------------------------------------------------------
# The signed document
# --------------------------------------------------------------------------------------------------


def attach_document(agreement: Agreement, upload, *, user) -> Attachment:
    """Upload the signed agreement (PDF, OFD, Word or a scan); type, content and size are checked."""
    suffix = PurePosixPath(upload.name or "").suffix.lower().lstrip(".")
    if suffix not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            _("The signed agreement must be one of: %(allowed)s.") % {"allowed": ", ".join(DOCUMENT_EXTENSIONS)}
        )
    if agreement.is_archived:
        raise ValidationError(_("An archived agreement takes no documents."))
    with transaction.atomic():
        require(user, Action.CHANGE, agreement)
        document = attach(agreement, upload, user=user, partnership_id=agreement.partnership_id)
        log_event("agreement.document_attached", agreement, data={"file": document.name, "size": document.size})
    return document


def withdraw_document(document: Attachment, *, user) -> Attachment:
    """Take a document off the agreement (a wrong file); it is archived, not deleted."""
    agreement = document.parent
    if not isinstance(agreement, Agreement):
        raise ValueError("Not a document of an agreement")
    with transaction.atomic():
        require(user, Action.CHANGE, agreement)
        if document.archived_at is None:
            document.archived_at = timezone.now()
            document.save(update_fields=["archived_at", "last_updated"])
            log_event("agreement.document_withdrawn", agreement, data={"file": document.name})
    return document


def documents_of(agreement: Agreement) -> list[Attachment]:
    """The agreement's live documents, newest first (read; downloads go through ``core:attachment``)."""
    return list(
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(Agreement), object_id=agreement.pk, archived_at__isnull=True
        ).order_by("-created", "-pk")
    )


# --------------------------------------------------------------------------------------------------
# Obligations
# --------------------------------------------------------------------------------------------------


def _obligation_side(agreement: Agreement, *, side, organisation):
    """The side of an obligation: its unit's side when a unit is named; it must be a party's side."""
    if organisation is not None:
        unit_side = organisation.side_for(agreement.partnership)
        if unit_side is None:
            raise ValidationError(
                {"organisation": _("%(unit)s is not a unit of any side of this partnership.") % {"unit": organisation}}
            )
        if side is not None and side.pk != unit_side.pk:
            raise ValidationError({"organisation": _("The responsible unit belongs to another side.")})
        side = unit_side
    if side is None:
        raise ValidationError({"side": _("Say which side undertakes the obligation.")})
    if not agreement.parties.filter(side=side).exists():
        raise ValidationError({"side": _("%(side)s is not a party to this agreement.") % {"side": side.display_name}})
    return side


def add_obligation(
    agreement: Agreement, *, user, text: str, side=None, organisation=None, due_date: dt.date | None = None
) -> Obligation:
    """Record what one side undertook in the agreement (a coordinator records their own side's)."""
    text = plain(text).strip()
    if not text:
        raise ValidationError({"text": _("Say what the side undertakes.")})
    with transaction.atomic():
        require(user, Action.CHANGE, agreement)
        side = _obligation_side(agreement, side=side, organisation=organisation)
        obligation = Obligation(agreement=agreement, side=side, organisation=organisation, text=text, due_date=due_date)
        obligation.full_clean()
        obligation.save()
        require(user, Action.CHANGE, obligation)  # each side records its own obligations
        log_event("obligation.created", obligation, data={"agreement": agreement.pk})
        follow(obligation)
    return obligation


def update_obligation(obligation: Obligation, *, user, version: int | None, **changes) -> Obligation:
    """Edit an obligation's text, responsible unit or due date; refused on a stale version."""
    unknown = set(changes) - set(OBLIGATION_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    if "text" in changes and not plain(changes["text"] or "").strip():
        raise ValidationError({"text": _("Say what the side undertakes.")})
    with transaction.atomic():
        if changes.get("organisation") is not None:
            _obligation_side(obligation.agreement, side=obligation.side, organisation=changes["organisation"])
        registers.update_entry(obligation, user=user, version=version, **changes)
        follow(obligation)
    return obligation


def archive_obligation(obligation: Obligation, *, user) -> Obligation:
    with transaction.atomic():
        registers.archive_entry(obligation, user=user)
        follow(obligation)
    return obligation


def _follow_up_owners(obligation: Obligation):
    """The matter's owners: the obligation's unit (or its side's parties) and the other sides' parties, all leads."""
    parties = list(obligation.agreement.parties.select_related("organisation"))
    units = [obligation.organisation] if obligation.organisation else []
    units += [p.organisation for p in parties if p.side_id == obligation.side_id and not obligation.organisation]
    units += [p.organisation for p in parties if p.side_id != obligation.side_id]
    unique = list({unit.pk: unit for unit in units}.values())
    return [OwnerSpec(unit, OwnerRole.LEAD) for unit in unique]


def follow_up_obligation(obligation: Obligation, *, user, year: int, title: str = "", owners=None, **fields):
    """Turn an obligation into a key cooperation matter in one step (see ``registers.services.follow_up``).

    By default the matter takes the obligation's text as its title, the agreement's field, the
    obligation's due date, and as owners the obligation's unit and the other sides' parties.
    """
    if obligation.is_archived:
        raise ValidationError(_("An archived obligation is not followed up."))
    agreement = obligation.agreement
    title = plain(title).strip() or obligation.text[:300]
    fields.pop("field_id", None)  # the shared follow-up page names the field by id: always the agreement's
    fields.setdefault("field", agreement.field)
    if obligation.due_date and not fields.get("due_date"):
        fields["due_date"] = obligation.due_date
    fields.setdefault(
        "description",
        _("Obligation under the agreement “%(agreement)s”: %(text)s")
        % {"agreement": agreement, "text": obligation.text},
    )
    return registers.follow_up(
        obligation,
        user=user,
        title=title,
        year=year,
        owners=owners if owners is not None else _follow_up_owners(obligation),
        **fields,
    )


def obligations_with_follow_up(agreement: Agreement) -> list[Obligation]:
    """The agreement's live obligations, each with ``follow_ups``: its matter links, each matter with its
    light, status and percent (a fixed number of queries, for the agreement's page)."""
    obligations = list(agreement.obligations.filter(archived_at__isnull=True).select_related("side", "organisation"))
    links = registers.links_for(obligations)
    for obligation in obligations:
        obligation.follow_ups = links.get(obligation.pk, [])
    return obligations
