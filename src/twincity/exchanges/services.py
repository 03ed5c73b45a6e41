"""Every write to the register of secondments: one transaction each, access checked, trace left.

The rules: a secondment crosses from a unit of one side to a unit of the other (the sides are
derived from the units, never chosen); its term ends after it starts; either side's coordinator
(or the office) keeps the record, and either unit's contact may file its periodic reports, one per
period, once the term has started and until it is evaluated; a term may be cut short, with a
reason; the end-of-term evaluation is the host's alone (the office, the host side's coordinator or
the host unit's contact), given at or after the last day of the term.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.audit.services import log_event
from twincity.core.services import archive, lock, require, save_fields, update_versioned
from twincity.core.text import plain
from twincity.exchanges.choices import Rating
from twincity.exchanges.models import Secondment, SecondmentReport
from twincity.registers import services as registers

__all__ = [
    "EDITABLE_FIELDS",
    "FACTS",
    "archive_report",
    "archive_secondment",
    "create_secondment",
    "cut_short",
    "evaluate",
    "file_report",
    "may_evaluate",
    "restore_secondment",
    "update_report",
    "update_secondment",
]

# The secondment's own facts, in the order the form, the API and the entry's page give them.
FACTS = (
    "person_name",
    "rank",
    "post",
    "home_organisation",
    "host_organisation",
    "host_post",
    "start_date",
    "end_date",
    "objectives",
)
EDITABLE_FIELDS = ("code", "title", *FACTS, "field", "note")
PERIOD = re.compile(r"^\d{4}(-(Q[1-4]|H[12]|0[1-9]|1[0-2]))?$")


def _sides(partnership, home_organisation, host_organisation) -> dict:
    """The sides the two units speak for; a unit of no side of the partnership is refused."""
    sides = {}
    for name, unit in (("home", home_organisation), ("host", host_organisation)):
        side = unit.side_for(partnership) if unit is not None else None
        if side is None:
            raise ValidationError({f"{name}_organisation": _("This unit belongs to no side of the partnership.")})
        sides[f"{name}_side"] = side
    return sides


def _default_title(home_organisation, host_organisation) -> str:
    return _("%(home)s to %(host)s") % {"home": home_organisation.display_name, "host": host_organisation.display_name}


def _not_future(day: dt.date, field: str) -> dt.date:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    return day


def _period(period: str) -> str:
    period = plain(period).strip().upper()
    if not PERIOD.match(period):
        raise ValidationError({"period": _("Write the period as 2020, 2020-H2, 2020-Q3 or 2020-09.")})
    return period


def _live(secondment: Secondment, user, action: str) -> Secondment:
    """The secondment locked for a workflow step, once ``user`` may ``action`` it (``Action.EVALUATE``: as its
    host); an archived one takes no more steps."""
    lock(secondment)  # judged and written as it is now, never as the caller loaded it
    require(user, action, secondment)
    if secondment.is_archived:
        raise ValidationError(_("An archived secondment cannot be changed."))
    return secondment


def _save_step(secondment: Secondment, fields: list[str]) -> None:
    """Save what a workflow step decided (``fields`` of the locked secondment): a new version, validated,
    its search words refreshed; nothing else is written."""
    secondment.version += 1
    secondment.full_clean(exclude=["search_document"], validate_constraints=False)
    registers.refresh_search(secondment, save=False)
    save_fields(secondment, [*fields, "version", "search_document"])


def create_secondment(
    *,
    partnership,
    user,
    person_name: str,
    post: str,
    home_organisation,
    host_organisation,
    start_date: dt.date,
    end_date: dt.date,
    title: str = "",
    **fields,
) -> Secondment:
    """Record a secondment; its sides follow from the two units (a coordinator records only one touching its side)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not settable here: {sorted(unknown)}")
    with transaction.atomic():
        registers.require_member(user, Action.CHANGE, partnership)
        secondment = registers.save_new(
            Secondment(
                partnership=partnership,
                title=title.strip() or _default_title(home_organisation, host_organisation),
                person_name=person_name,
                post=post,
                home_organisation=home_organisation,
                host_organisation=host_organisation,
                start_date=start_date,
                end_date=end_date,
                **_sides(partnership, home_organisation, host_organisation),
                **fields,
            )
        )
        registers.created(secondment, user=user)
    return secondment


def update_secondment(secondment: Secondment, *, user, version: int | None, **changes) -> Secondment:
    """Edit the record (refused on a stale version); moving it to other units moves its sides with them."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {sorted(unknown)}")
    if "title" in changes and not (changes["title"] or "").strip():
        changes["title"] = _default_title(
            changes.get("home_organisation", secondment.home_organisation),
            changes.get("host_organisation", secondment.host_organisation),
        )
    if "home_organisation" in changes or "host_organisation" in changes:
        changes.update(
            _sides(
                secondment.partnership,
                changes.get("home_organisation", secondment.home_organisation),
                changes.get("host_organisation", secondment.host_organisation),
            )
        )
    return registers.update_entry(secondment, user=user, version=version, **changes)


def cut_short(secondment: Secondment, *, user, on: dt.date, reason: str) -> Secondment:
    """End the term early on ``on`` (either side may recall or send back), saying why."""
    reason = plain(reason).strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the term is cut short.")})
    with transaction.atomic():
        secondment = _live(secondment, user, Action.CHANGE)
        if secondment.cut_short_on is not None:
            raise ValidationError(_("This term was already cut short."))
        if secondment.is_evaluated:
            raise ValidationError(_("This term was already evaluated."))
        if not secondment.start_date <= on < secondment.end_date:
            raise ValidationError(
                {"on": _("A term is cut short between its start and its planned end; to call it off, archive it.")}
            )
        secondment.cut_short_on, secondment.cut_short_reason = on, reason
        _save_step(secondment, ["cut_short_on", "cut_short_reason"])
        log_event("secondment.cut_short", secondment, message=reason, data={"on": on.isoformat()})
    return secondment


def may_evaluate(user, secondment: Secondment) -> bool:
    """Is ``user`` on the host's end: the office, the host side's coordinator or the host unit's contact?"""
    return can(user, Action.EVALUATE, secondment)


def evaluate(
    secondment: Secondment, *, user, rating: str, evaluation: str, evaluated_on: dt.date | None = None
) -> Secondment:
    """The host's end-of-term evaluation (考核鉴定): at or after the last day of the term (or the day it was cut short).

    Given again, it replaces the earlier one; both stay in the history.
    """
    evaluation = plain(evaluation).strip()
    if rating not in Rating.values:
        raise ValidationError({"rating": _("Choose a rating.")})
    if not evaluation:
        raise ValidationError({"evaluation": _("Write the evaluation.")})
    with transaction.atomic():
        secondment = _live(secondment, user, Action.EVALUATE)
        evaluated_on = _not_future(evaluated_on or timezone.localdate(), "evaluated_on")
        if evaluated_on < secondment.last_day:
            raise ValidationError(
                {
                    "evaluated_on": _(
                        "The host evaluates at or after the end of the term (%(day)s), or once it was cut short."
                    )
                    % {"day": secondment.last_day.isoformat()}
                }
            )
        previous = secondment.rating
        secondment.rating, secondment.evaluation = rating, evaluation
        secondment.evaluated_by, secondment.evaluated_on = user, evaluated_on
        _save_step(secondment, ["rating", "evaluation", "evaluated_by", "evaluated_on"])
        data = {"rating": rating, "on": evaluated_on.isoformat()}
        if previous:
            log_event("secondment.evaluation_revised", secondment, data={**data, "previous": previous})
        else:
            log_event("secondment.evaluated", secondment, data=data)
    return secondment


def file_report(
    secondment: Secondment, *, user, period: str, text: str, reported_on: dt.date | None = None
) -> SecondmentReport:
    """A periodic report, filed by either unit (or its side's coordinator, or the office): one per period."""
    period, text = _period(period), plain(text).strip()
    if not text:
        raise ValidationError({"text": _("The report is empty.")})
    with transaction.atomic():
        secondment = _live(secondment, user, Action.REPORT)
        if secondment.is_evaluated:
            raise ValidationError(_("The term was evaluated: it takes no more reports."))
        reported_on = _not_future(reported_on or timezone.localdate(), "reported_on")
        if reported_on < secondment.start_date:
            raise ValidationError({"reported_on": _("Reports are filed once the term has started.")})
        if secondment.reports.filter(period=period, archived_at__isnull=True).exists():
            raise ValidationError({"period": _("There is already a report for this period: correct that one.")})
        report = SecondmentReport(
            secondment=secondment, period=period, text=text, reported_on=reported_on, filed_by=user
        )
        report.full_clean(validate_constraints=False)
        report.save()
        registers.refresh_search(secondment)
        log_event("secondment.reported", secondment, message=period, data={"report": report.pk, "period": period})
    return report


def update_report(report: SecondmentReport, *, user, version: int | None, **changes) -> SecondmentReport:
    """Correct a filed report (its period or text), refused on a stale version."""
    unknown = set(changes) - {"period", "text"}
    if unknown:
        raise TypeError(f"Not editable here: {sorted(unknown)}")
    if "period" in changes:
        changes["period"] = _period(changes["period"])
    if "text" in changes:
        changes["text"] = plain(changes["text"]).strip()
        if not changes["text"]:
            raise ValidationError({"text": _("The report is empty.")})
    with transaction.atomic():
        lock(report.secondment)  # the secondment before its reports: the lock order every step keeps
        clash = SecondmentReport.objects.filter(
            secondment_id=report.secondment_id, period=changes.get("period", report.period), archived_at__isnull=True
        ).exclude(pk=report.pk)
        if clash.exists():
            raise ValidationError({"period": _("There is already a report for this period: correct that one.")})
        update_versioned(report, version, changes, user=user, action=Action.REPORT)
        registers.refresh_search(report.secondment)
    return report


def archive_report(report: SecondmentReport, *, user) -> SecondmentReport:
    """Withdraw a report filed by mistake (archived, never deleted); its words leave the search."""
    with transaction.atomic():
        lock(report.secondment)
        archive(report, user=user, action=Action.REPORT)
        registers.refresh_search(report.secondment)
    return report


def archive_secondment(secondment: Secondment, *, user) -> Secondment:
    """Take a secondment off the register (also how one that never started is called off)."""
    return registers.archive_entry(secondment, user=user)


def restore_secondment(secondment: Secondment, *, user) -> Secondment:
    return registers.restore_entry(secondment, user=user)
