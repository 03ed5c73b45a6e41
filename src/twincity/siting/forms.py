from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from twincity.accounts.access import coordinated_sides, is_office
from twincity.core.forms import StyledFormMixin
from twincity.meetings.choices import OutcomeKind
from twincity.meetings.models import Outcome
from twincity.regions.models import Organisation, Region
from twincity.registers.forms import RegisterForm
from twincity.siting.models import SitingBid, SitingCase
from twincity.siting.services import BidSpec

BID_PREFIX = "bid_"


class SitingCaseForm(RegisterForm):
    """A case's own fields; on creation also the author's side's bid (a coordinator raises a case only with one)."""

    bid_side = forms.ModelChoiceField(queryset=Region.objects.none(), required=False, label=_("Bid of side"))
    bid_unit = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False, label=_("Bidding unit"))
    bid_candidate_site = forms.CharField(label=_("Candidate site"), max_length=300, required=False)
    bid_need = forms.CharField(label=_("Need"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    bid_existing_capacity = forms.CharField(
        label=_("Existing capacity"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    bid_policy_offer = forms.CharField(
        label=_("Policy offer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = SitingCase
        fields = ["code", "title", "field", "industry", "description", "note"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in [n for n in self.fields if n.startswith(BID_PREFIX)]:
                del self.fields[name]  # bids are put in and edited on the case's page, one side each
            return
        office = is_office(self.user, self.partnership.pk)
        own = coordinated_sides(self.user, self.partnership.pk)
        side_ids = [s.pk for s in self.partnership.sides() if office or s.pk in own]
        self.fields["bid_side"].queryset = Region.objects.filter(pk__in=side_ids)
        self.fields["bid_side"].required = not office
        self.fields["bid_side"].help_text = _("The office may raise a case before any side bids.") if office else ""

    def clean(self):
        cleaned = super().clean()
        if "bid_side" in self.fields:
            if cleaned.get("bid_side") and not cleaned.get("bid_candidate_site"):
                self.add_error("bid_candidate_site", gettext("Name the candidate site of the bid."))
            if cleaned.get("bid_candidate_site") and not cleaned.get("bid_side"):
                self.add_error("bid_side", gettext("Say which side bids."))
        return cleaned

    @staticmethod
    def bid_spec(data: dict):
        """Take the bid's fields out of ``data``; the BidSpec they describe, or None."""
        values = {name[len(BID_PREFIX) :]: data.pop(name) for name in list(data) if name.startswith(BID_PREFIX)}
        if not values.get("side"):
            return None
        return BidSpec(**values)


class BidForm(RegisterForm):
    """One side's bid: where the project would go on that side, and why there."""

    class Meta:
        model = SitingBid
        fields = ["side", "unit", "candidate_site", "need", "existing_capacity", "policy_offer"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("need", "existing_capacity", "policy_offer")}

    def __init__(self, *args, sides=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["side"]
        else:
            self.fields["side"].queryset = Region.objects.filter(pk__in=[s.pk for s in sides])
            if len(sides) == 1:
                self.initial["side"] = sides[0].pk


class DecisionForm(StyledFormMixin, forms.Form):
    side = forms.ModelChoiceField(queryset=Region.objects.none(), label=_("The project goes to"))
    site = forms.CharField(
        label=_("Site"), max_length=300, required=False, help_text=_("Empty: the candidate site of that side's bid.")
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=forms.DateInput(), initial=timezone.localdate)
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, case: SitingCase, **kwargs):
        super().__init__(*args, **kwargs)
        live = case.bids.filter(withdrawn_on__isnull=True).values("side")
        self.fields["side"].queryset = Region.objects.filter(pk__in=live)


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class OutcomeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, outcome):
        return gettext("%(date)s %(series)s, decision %(number)s: %(text)s") % {
            "date": outcome.session.local_date.isoformat(),
            "series": outcome.session.series.name,
            "number": outcome.number or "",
            "text": outcome.text[:80],
        }


class NegotiationForm(StyledFormMixin, forms.Form):
    """A decision of a joint meeting of the partnership that negotiated the case (linked, not copied)."""

    outcome = OutcomeChoiceField(queryset=Outcome.objects.none(), label=_("Meeting decision"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, case: SitingCase, user, **kwargs):
        super().__init__(*args, **kwargs)
        linked = case.negotiations.filter(archived_at__isnull=True).values("outcome")
        self.fields["outcome"].queryset = (
            Outcome.objects.restrict(user)
            .filter(session__partnership_id=case.partnership_id, kind=OutcomeKind.DECISION, archived_at__isnull=True)
            .exclude(pk__in=linked)
            .select_related("session__series")
            .order_by("-session__starts_at", "number")
        )
