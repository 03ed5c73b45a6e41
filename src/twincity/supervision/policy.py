"""The office edits its partnership's supervision settings (``SupervisionPolicy``): deadlines, feedback cadence,
sheet thresholds and the scoring formula.

One service, ``update_policy``: the office only (``administer``), in a transaction, the partnership's row locked
first (so two first saves cannot both create the settings), refused when someone saved since the editor loaded
the page (the settings carry no version number; their ``last_updated`` stamp is the token, ``stamp_of``),
validated by the model's rules below, and audited with ``Event.POLICY_CHANGED`` (before and after).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.accounts.access import require_in
from twincity.accounts.choices import Action
from twincity.audit.services import log_event
from twincity.core.services import ConflictError
from twincity.regions.models import Partnership
from twincity.supervision.choices import Event
from twincity.supervision.models import SupervisionPolicy

WEIGHT_FIELDS = ("weight_on_time", "weight_delay", "weight_feedback", "weight_rating", "weight_red")
FIELDS = (
    "signoff_days",
    "feedback_days",
    "feedback_repeat_days",
    "remind_before_days",
    "blue_days",
    "yellow_late_days",
    "escalate_coordinator_days",
    "escalate_leader_days",
    *WEIGHT_FIELDS,
    "delay_cap_days",
)
NEW = "new"


def stamp_of(policy: SupervisionPolicy) -> str:
    """The concurrency token of the settings as loaded: their last save, or ``new`` before the first."""
    return policy.last_updated.isoformat() if policy.pk and policy.last_updated else NEW


def parse_feedback_days(text: str) -> str:
    """The feedback days as the office typed them (commas, full-width commas, spaces), in order: ``1,3,7``.
    Anything but whole numbers from 1 to 365 is refused."""
    days = []
    for part in text.replace("，", ",").replace("、", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 365:
            raise ValidationError(
                _("Feedback days are whole numbers from 1 to 365, separated by commas (e.g. 1,3,7), not “%(part)s”.")
                % {"part": part[:20]}
            )
        days.append(int(part))
    return ",".join(str(d) for d in sorted(set(days)))


def check_policy(values: dict) -> dict:
    """The rules of the settings, on their values: the weights sum to 100, the feedback days parse, the
    escalation comes to the leaders no sooner than to the coordinator, a delay cap of at least one day."""
    errors = {}
    total = sum(int(values.get(name) or 0) for name in WEIGHT_FIELDS)
    if total != 100:
        errors["weight_on_time"] = _("The weights must add up to 100; they add up to %(total)s.") % {"total": total}
    try:
        values["feedback_days"] = parse_feedback_days(values.get("feedback_days") or "")
    except ValidationError as exc:
        errors["feedback_days"] = exc.messages[0]
    if int(values.get("delay_cap_days") or 0) < 1:
        errors["delay_cap_days"] = _("The delay that scores zero must be at least one day.")
    if int(values.get("escalate_leader_days") or 0) < int(values.get("escalate_coordinator_days") or 0):
        errors["escalate_leader_days"] = _("Sheets reach the leaders no sooner than the coordinators.")
    if errors:
        raise ValidationError(errors)
    return values


def update_policy(partnership: Partnership, *, user, stamp: str, changes: dict) -> SupervisionPolicy:
    """Save the office's changes to the partnership's settings (see the module docstring)."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValueError(f"not a setting: {sorted(unknown)}")
    with transaction.atomic():
        require_in(
            user, Action.ADMINISTER, partnership.pk, _("Only the joint office changes the supervision settings.")
        )
        no_key = connection.features.has_select_for_no_key_update
        Partnership.objects.select_for_update(no_key=no_key).get(pk=partnership.pk)
        policy = SupervisionPolicy.objects.select_for_update().filter(partnership=partnership).first()
        policy = policy or SupervisionPolicy(partnership=partnership)
        if stamp_of(policy) != stamp:
            raise ConflictError(policy, changes)
        values = {name: getattr(policy, name) for name in FIELDS}
        before = dict(values)
        values.update(changes)
        values = check_policy(values)
        changed = {name: values[name] for name in FIELDS if values[name] != before[name]}
        for name, value in changed.items():
            setattr(policy, name, value)
        policy.full_clean(exclude=["partnership"], validate_unique=False)
        policy.save()
        if changed:
            log_event(
                Event.POLICY_CHANGED,
                policy,
                user=user,
                data={"before": {k: before[k] for k in changed}, "after": changed},
            )
    return policy


class PolicyForm(forms.ModelForm):
    """The settings page's form; the rules are ``check_policy``'s, asked again by the service."""

    stamp = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = SupervisionPolicy
        fields = FIELDS

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data.update(check_policy({name: data.get(name) for name in FIELDS}))
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    self.add_error(name, messages)
        return data


SECTIONS = (
    (
        gettext_lazy("Deadlines and feedback"),
        ("signoff_days", "feedback_days", "feedback_repeat_days", "remind_before_days"),
    ),
    (
        gettext_lazy("Supervision sheets"),
        ("blue_days", "yellow_late_days", "escalate_coordinator_days", "escalate_leader_days"),
    ),
    (gettext_lazy("Scoring formula (weights add up to 100)"), (*WEIGHT_FIELDS, "delay_cap_days")),
)
