"""The register of siting cases, declared: the standard register pages plus bids, negotiation and the decision."""

from functools import cached_property

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.core.views import ObjectCreateView, VersionedUpdateView, restricted_object
from twincity.meetings.services import is_office
from twincity.registers.declaration import Declaration, Step
from twincity.siting import excel, forms, services, specialisation
from twincity.siting.choices import OPEN_STATUSES
from twincity.siting.filtersets import SitingCaseFilterSet
from twincity.siting.models import NegotiationRecord, SitingBid, SitingCase
from twincity.siting.tables import SitingCaseTable


def _for_the_office(user, case) -> bool:
    """The office records the joint meeting's decision and a withdrawal; anyone else gets a 404 (the
    coordinators may change the case, but these steps are not theirs)."""
    return is_office(user, case.partnership_id)


STEPS = (
    Step(
        "sitingbid_withdraw",
        lambda bid, user, data: services.withdraw_bid(bid, user=user, reason=data["reason"]),
        url="bids/<int:pk>/withdraw/",
        queryset=SitingBid.objects.select_related("case", "side"),
        form=forms.ReasonForm,
        done=lambda bid: _("The bid of %(side)s is withdrawn.") % {"side": bid.side.label},
        entry=lambda bid: bid.case,
    ),
    Step(
        "link_negotiation",
        lambda case, user, data: services.link_negotiation(case, user=user, **data),
        url="<int:pk>/negotiation/",
        form=forms.NegotiationForm,
        # The decisions of this partnership's meetings the user may see.
        form_kwargs=lambda case, user: {"case": case, "user": user},
        done=gettext_lazy("The meeting decision is in the negotiation record."),
    ),
    Step(
        "unlink_negotiation",
        lambda record, user, data: services.unlink_negotiation(record, user=user),
        url="negotiation/<int:pk>/unlink/",
        queryset=NegotiationRecord.objects.filter(archived_at__isnull=True).select_related("case"),
        done=gettext_lazy("The meeting decision is off the negotiation record."),
        entry=lambda record: record.case,
    ),
    Step(
        "decide",
        lambda case, user, data: services.decide(case, user=user, **data),
        form=forms.DecisionForm,
        form_kwargs=lambda case, user: {"case": case},  # the sides with a live bid
        allowed=_for_the_office,
        done=gettext_lazy("The decision is recorded; the case is closed."),
    ),
    Step(
        "withdraw",
        lambda case, user, data: services.withdraw_case(case, user=user, reason=data["reason"]),
        form=forms.ReasonForm,
        allowed=_for_the_office,
        done=gettext_lazy("Withdrawn."),
    ),
)


class SitingCaseRegister(Declaration):
    model = SitingCase
    label = gettext_lazy("Siting cases")
    icon = "geo-alt"
    order = 60
    filterset_class = SitingCaseFilterSet
    table_class = SitingCaseTable
    form_class = forms.SitingCaseForm
    workbook = excel.SitingCaseWorkbook()
    follow_up = True
    detail_fields = ("industry", "description")
    list_select_related = ("field", "decided_side")
    steps = STEPS

    def create(self, **data):
        bid = forms.SitingCaseForm.bid_spec(data)
        return services.create_siting_case(bids=[bid] if bid else [], **data)

    def update(self, obj, **data):
        return services.update_siting_case(obj, **data)

    def detail_queryset(self):
        return super().detail_queryset().select_related("decided_side")

    def detail_context(self, request, obj):
        user = request.user
        bids = list(obj.bids.select_related("side", "unit").order_by("pk"))
        is_open = obj.status in OPEN_STATUSES and not obj.is_archived
        for bid in bids:
            bid.may_change = is_open and not bid.is_withdrawn and can(user, Action.CHANGE, bid)
            bid.reason_form = forms.ReasonForm(auto_id=f"id_bid{bid.pk}_%s") if bid.may_change else None
        negotiations = obj.negotiations.filter(archived_at__isnull=True).select_related("outcome__session__series")
        can_change = can(user, Action.CHANGE, obj)
        office = is_office(user, obj.partnership_id)
        figures = specialisation.specialisation_for(obj)
        return {
            "bids": bids,
            "negotiations": negotiations,
            "bid_sides": services.bid_sides(user, obj) if not obj.is_archived else [],
            "may_link": can_change and is_open,
            "may_decide": office and is_open and any(not b.is_withdrawn for b in bids),
            "may_withdraw": office and is_open,
            "specialisation": _by_side(figures, obj.partnership.sides()) if figures is not None else None,
            "decision_form": forms.DecisionForm(case=obj),
            "negotiation_form": forms.NegotiationForm(case=obj, user=user) if can_change and is_open else None,
            "reason_form": forms.ReasonForm(),
        }


def _by_side(figures, sides) -> list[tuple]:
    """Each side of the partnership with the figures the providers gave for it (an empty list: none yet)."""
    return [(side, [f for f in figures if getattr(f.side, "pk", f.side) == side.pk]) for side in sides]


class BidPage:
    """The form page of a bid: the case's title above it, and back to the case."""

    template_name = "siting/bid_form.html"
    form_class = forms.BidForm

    def bid_context(self, case, title, bid=None) -> dict:
        return {"object": case, "bid": bid, "partnership": case.partnership, "title": title}


class BidAddView(BidPage, ObjectCreateView):
    """A side puts in its bid: the office for any side, a coordinator for their own side (others: 404)."""

    @cached_property
    def case(self):
        return restricted_object(self.request, SitingCase.objects.all(), Action.VIEW, pk=self.kwargs["pk"])

    def get_partnership(self):
        return self.case.partnership

    def get_form_kwargs(self):
        sides = services.bid_sides(self.request.user, self.case)
        if not sides:
            raise Http404
        kwargs = super().get_form_kwargs()
        kwargs.update(partnership=self.partnership, user=self.request.user, version=0, sides=sides)
        kwargs["initial"] = {"side": self.request.GET.get("side")}
        return kwargs

    def create(self, *, partnership, user, **data):
        return services.submit_bid(self.case, user=user, **data)

    def get_success_message(self) -> str:
        return _("Bid of %(side)s put in.") % {"side": self.object.side.display_name}

    def get_success_url(self) -> str:
        return self.case.get_absolute_url()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.bid_context(self.case, _("Put in a bid"))}


class BidEditView(BidPage, VersionedUpdateView):
    """A side edits its own bid while the case is open; a stale version shows both versions (409)."""

    queryset = SitingBid.objects.select_related("case", "side")

    def get_object(self, queryset=None):
        bid = super().get_object(queryset)
        if bid.is_withdrawn or bid.case.is_closed:
            raise Http404
        return bid

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(partnership=self.object.case.partnership, user=self.request.user)
        return kwargs

    def update(self, obj, **data):
        return services.update_bid(obj, **data)

    def get_context_data(self, **kwargs):
        bid = self.object
        title = _("Edit the bid of %(side)s") % {"side": bid.side.label}
        return {**super().get_context_data(**kwargs), **self.bid_context(bid.case, title, bid)}

    def get_conflict_context(self) -> dict:
        return {"nav": "siting", "nav_is_register": True}


cases = SitingCaseRegister()
