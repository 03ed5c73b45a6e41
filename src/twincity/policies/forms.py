from django import forms
from django.utils.translation import gettext_lazy as _

from twincity.accounts.access import coordinated_sides, is_office
from twincity.accounts.choices import Action
from twincity.core.forms import StyledFormMixin, VersionedFormMixin
from twincity.policies.choices import AlignmentStatus
from twincity.policies.models import AlignmentGroup, AlignmentMember, Clause, Policy
from twincity.registers.forms import RegisterForm


class PolicyForm(RegisterForm):
    """A policy's own fields; its side is chosen when it is entered (a coordinator's own side by default)."""

    class Meta:
        model = Policy
        fields = [
            "code",
            "side",
            "title",
            "field",
            "issuing_body",
            "document_number",
            "effective_on",
            "expires_on",
            "note",
        ]
        widgets = {"effective_on": forms.DateInput(), "expires_on": forms.DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["side"]  # who issued a policy does not change
        elif not is_office(self.user, self.partnership.pk):
            # A coordinator enters the policies of their own side.
            own = coordinated_sides(self.user, self.partnership.pk)
            field = self.fields["side"]
            field.queryset = field.queryset.filter(pk__in=own)
            if len(own) == 1:
                field.initial = next(iter(own))


class GroupForm(RegisterForm):
    """An alignment group's term, unit and tolerance (the office's)."""

    class Meta:
        model = AlignmentGroup
        fields = ["code", "title", "field", "term_name", "unit", "tolerance", "tolerance_kind", "note"]
        help_texts = {
            "unit": _("Every clause of the group is stated in this unit (%, 元/人, 万元/亩…)."),
            "tolerance": _("The group is flagged when the divergence exceeds this."),
        }


class ClauseForm(VersionedFormMixin, forms.ModelForm):
    """A clause with its term as a figure (a new one has no version yet)."""

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, version=version, **kwargs)
        if version is None:
            del self.fields["version"]
        if self.instance.value is not None:
            self.initial["value"] = f"{self.instance.value.normalize():f}"  # 45, not 45.0000

    class Meta:
        model = Clause
        fields = ["reference", "term_name", "value", "unit", "qualifier", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class MemberForm(StyledFormMixin, forms.Form):
    """A clause of the user's side (or any side, for the office) to compare in the group."""

    clause = forms.ModelChoiceField(queryset=Clause.objects.none(), label=_("Clause to compare"))

    def __init__(self, *args, group, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["clause"]
        field.queryset = eligible_clauses(group, user)
        field.label_from_instance = lambda c: f"{c.policy.side.label} · {c.policy.title} · {c}"


def eligible_clauses(group, user):
    """Live clauses in the group's unit that the user may change and that are not compared in it yet."""
    return (
        Clause.objects.restrict(user, Action.CHANGE)
        .filter(
            policy__partnership_id=group.partnership_id,
            archived_at__isnull=True,
            policy__archived_at__isnull=True,
            unit=group.unit,
        )
        .exclude(pk__in=AlignmentMember.objects.filter(group=group, archived_at__isnull=True).values("clause_id"))
        .select_related("policy__side")
        .order_by("policy__side", "policy__title", "reference", "pk")
    )


class StatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, AlignmentStatus(s).label) for s in statuses]


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
