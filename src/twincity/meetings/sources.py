"""Where the standing items of an agenda come from: a registry of agenda sources.

Each source looks at the state of the work and proposes items for a session. The meetings app
registers the sources it knows (matters turned red since the last session, matters awaiting a
decision, actions still open); other apps add theirs from their ``AppConfig.ready()``::

    from twincity.meetings.sources import AgendaSource, register

    class EndorsementSource(AgendaSource):
        key = "petition_endorsement"
        label = _("Joint request awaiting endorsement")

        def proposals(self, session, since, today):
            return [Proposal(key=f"{self.key}:{p.pk}", source=self.key, title=..., obj=p) for p in ...]

    register(EndorsementSource())

A proposal is only a suggestion: the host's secretariat accepts it onto the agenda (``add_proposals``),
except open actions, which return on the next agenda by themselves when it is published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override, pgettext

from twincity.matters.choices import CLOSED_STATUSES, Light, MatterStatus
from twincity.matters.models import Matter
from twincity.meetings.choices import ItemSource
from twincity.meetings.models import ActionItem


@dataclass
class Proposal:
    """An item the system suggests for a session's agenda."""

    key: str
    source: str
    title: str
    reason: str = ""
    matter: object | None = None
    action: object | None = None
    obj: object | None = None
    side_id: int | None = None
    presenter: str = ""
    duration_minutes: int = 5
    extra: dict = field(default_factory=dict)
    # Writes (title, reason) in the active language; the item is stored in both (``AgendaItem.title_en``).
    # A source that leaves it out has its title and reason stored as written, in the proposer's language.
    texts: Callable[[], tuple[str, str]] | None = None

    @property
    def source_label(self) -> str:
        return label(self.source)

    def texts_in(self, language: str) -> tuple[str, str]:
        if self.texts is None:
            return self.title, self.reason
        with override(language):
            title, reason = self.texts()
        return str(title), str(reason)

    @classmethod
    def written(cls, texts: Callable[[], tuple[str, str]], **fields) -> Proposal:
        """A proposal whose title and reason ``texts`` writes in whichever language is active."""
        title, reason = texts()
        return cls(title=str(title), reason=str(reason), texts=texts, **fields)


class AgendaSource:
    key: str = ""
    label = ""
    order: int = 100

    def proposals(self, session, since: dt.date | None, today: dt.date) -> list[Proposal]:
        raise NotImplementedError

    def proposal(self, obj, title: str, reason: str = "", **extra) -> Proposal:
        """A proposal about ``obj`` (a register entry), keyed so that the same entry is proposed once."""
        return Proposal(key=f"{self.key}:{obj.pk}", source=self.key, title=title, reason=reason, obj=obj, **extra)


SOURCES: dict[str, AgendaSource] = {}


def register(source: AgendaSource) -> AgendaSource:
    if not source.key:
        raise ValueError("An agenda source needs a key")
    SOURCES[source.key] = source
    return source


def label(key: str) -> str:
    if key in SOURCES:
        return str(SOURCES[key].label)
    try:
        return str(ItemSource(key).label)
    except ValueError:
        return key


def _matters(session):
    return Matter.objects.filter(partnership_id=session.partnership_id, archived_at__isnull=True)


def _lead_side(matter) -> int | None:
    leads = [o for o in matter.owners.all() if o.role == "lead"]
    return leads[0].side_id if leads else None


class RedMatters(AgendaSource):
    """Matters whose light turned red since the last session (all red matters before the first one)."""

    key = ItemSource.RED_MATTER
    label = gettext_lazy("Matter turned red")
    order = 10

    def proposals(self, session, since, today):
        matters = _matters(session).light_is(Light.RED, today)
        if since is not None:
            # Red means a due date or the next milestone has passed; "since" means none passed before.
            matters = matters.filter(Q(due_date__isnull=True) | Q(due_date__gte=since)).filter(
                Q(next_milestone_due__isnull=True) | Q(next_milestone_due__gte=since)
            )
        result = []
        for matter in matters.prefetch_related("owners").order_by("code")[:200]:
            passed = [d for d in (matter.due_date, matter.next_milestone_due) if d and d < today]

            def texts(matter=matter, passed=passed):
                return (
                    _("Red matter %(code)s %(title)s") % {"code": matter.code, "title": matter.title},
                    _("Overdue since %(date)s") % {"date": min(passed).isoformat()} if passed else "",
                )

            result.append(
                Proposal.written(
                    texts,
                    key=f"{self.key}:{matter.pk}",
                    source=self.key,
                    matter=matter,
                    side_id=_lead_side(matter),
                    duration_minutes=10,
                )
            )
        return result


class MattersAwaitingDecision(AgendaSource):
    """Matters the meeting must decide on: completion reported, proposed, suspended, or left on last year's list."""

    key = ItemSource.AWAITING_DECISION
    label = gettext_lazy("Matter awaiting a decision")
    order = 20

    def proposals(self, session, since, today):
        matters = (
            _matters(session)
            .filter(
                Q(completion_requested_at__isnull=False, status__in=[MatterStatus.APPROVED, MatterStatus.IN_PROGRESS])
                | Q(status__in=[MatterStatus.PROPOSED, MatterStatus.SUSPENDED])
                | (Q(year_list__year__lt=today.year) & ~Q(status__in=CLOSED_STATUSES))
            )
            .select_related("year_list")
            .prefetch_related("owners")
            .order_by("year_list__year", "code")[:200]
        )
        return [
            Proposal.written(
                lambda matter=matter: (
                    _("Decide on %(code)s %(title)s") % {"code": matter.code, "title": matter.title},
                    self.why(matter),
                ),
                key=f"{self.key}:{matter.pk}",
                source=self.key,
                matter=matter,
                side_id=_lead_side(matter),
                duration_minutes=5,
            )
            for matter in matters
        ]

    @staticmethod
    def why(matter) -> str:
        if matter.completion_requested_at and matter.status not in CLOSED_STATUSES:
            return _("Completion reported: confirm it")
        if matter.status == MatterStatus.PROPOSED:
            return _("Proposed: approve it")
        if matter.status == MatterStatus.SUSPENDED:
            return _("Suspended: resume or cancel it")
        return _("Unfinished on the %(year)s list: roll it over") % {"year": matter.year_list.year}


class OpenActions(AgendaSource):
    """Actions decided at earlier sessions of the series and not yet verified: carried forward."""

    key = ItemSource.OPEN_ACTION
    label = gettext_lazy("Open action carried forward")
    order = 30

    def proposals(self, session, since, today):
        actions = (
            ActionItem.objects.open()
            .filter(session__series_id=session.series_id, session__starts_at__lt=session.starts_at)
            .exclude(session=session)
            .select_related("session")
            .prefetch_related("owners__organisation")
            .order_by("due_date", "pk")
        )
        result = []
        for action in actions:

            def texts(action=action):
                owners = pgettext("list separator", ", ").join(o.organisation.display_name for o in action.owners.all())
                return (
                    _("Action %(code)s %(title)s") % {"code": action.code, "title": action.title},
                    _("%(status)s, due %(date)s; owners: %(owners)s")
                    % {"status": action.get_status_display(), "date": action.due_date.isoformat(), "owners": owners},
                )

            result.append(
                Proposal.written(
                    texts,
                    key=f"{self.key}:{action.pk}",
                    source=self.key,
                    action=action,
                    matter=None,
                    side_id=next((o.side_id for o in action.owners.all()), None),
                    duration_minutes=5,
                )
            )
        return result


register(RedMatters())
register(MattersAwaitingDecision())
register(OpenActions())
