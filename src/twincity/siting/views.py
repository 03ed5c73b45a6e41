"""Pages of the register of siting cases: the standard register pages plus bids, negotiation and the decision."""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.accounts.access import can, is_office
from twincity.accounts.choices import Action
from twincity.core.views import restricted_object
from twincity.registers.views import RegisterViews, message_of, save_versioned, step
from twincity.siting import excel, forms, services, specialisation
from twincity.siting.choices import OPEN_STATUSES
from twincity.siting.filtersets import SitingCaseFilterSet
from twincity.siting.models import NegotiationRecord, SitingBid, SitingCase
from twincity.siting.tables import SitingCaseTable

# The names of the bid pages, for the shared conflict page ("edit the current version" → sitingbid_edit).
BID_PAGES = SimpleNamespace(url_name="siting:sitingbid")


class SitingCaseViews(RegisterViews):
    model = SitingCase
    filterset_class = SitingCaseFilterSet
    table_class = SitingCaseTable
    form_class = forms.SitingCaseForm
    workbook = excel.SitingCaseWorkbook()
    follow_up = True
    detail_fields = ("industry", "description")
    list_select_related = ("field", "decided_side")

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


views = SitingCaseViews()


def _case(request, pk, action=Action.CHANGE):
    return restricted_object(request, SitingCase.objects.all(), action, pk=pk)


def _bid(request, pk):
    return restricted_object(request, SitingBid.objects.select_related("case", "side"), Action.CHANGE, pk=pk)


def _form_page(request, case, form, *, title, bid=None, status=200):
    context = {"form": form, "object": case, "bid": bid, "partnership": case.partnership, "title": title}
    return render(request, "siting/bid_form.html", context, status=status)


@login_required
def bid_add(request, pk):
    """A side puts in its bid: the office for any side, a coordinator for their own side (others: 404)."""
    case = _case(request, pk, Action.VIEW)
    sides = services.bid_sides(request.user, case)
    if not sides:
        raise Http404
    form = forms.BidForm(
        request.POST or None,
        partnership=case.partnership,
        user=request.user,
        version=0,
        sides=sides,
        initial={"side": request.GET.get("side")},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.submit_bid(case, user=request.user, **data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, _("Bid of %(side)s put in.") % {"side": data["side"].display_name})
            return redirect(case)
    return _form_page(request, case, form, title=_("Put in a bid"))


@login_required
def bid_edit(request, pk):
    """A side edits its own bid while the case is open; a stale version shows both versions (409)."""
    bid = _bid(request, pk)
    case = bid.case
    if bid.is_withdrawn or case.is_closed:
        raise Http404
    fresh = SitingBid.objects.get(pk=bid.pk) if request.method == "POST" else bid
    form = forms.BidForm(
        request.POST or None, instance=fresh, partnership=case.partnership, user=request.user, version=bid.version
    )
    saved = save_versioned(request, bid, form, services.update_bid, pages=BID_PAGES, done_url=bid.get_absolute_url())
    if saved is not None:
        return saved
    return _form_page(request, case, form, title=_("Edit the bid of %(side)s") % {"side": bid.side.label}, bid=bid)


bid_withdraw = step(
    SitingBid.objects.select_related("case", "side"),
    lambda bid, user, data: services.withdraw_bid(bid, user=user, reason=data["reason"]),
    form_class=forms.ReasonForm,
    done=lambda bid: _("The bid of %(side)s is withdrawn.") % {"side": bid.side.label},
    entry=lambda bid: bid.case,
)
unlink_negotiation = step(
    NegotiationRecord.objects.filter(archived_at__isnull=True).select_related("case"),
    lambda record, user, data: services.unlink_negotiation(record, user=user),
    done=gettext_lazy("The meeting decision is off the negotiation record."),
    entry=lambda record: record.case,
)


def _for_the_office(user, case) -> bool:
    """The office records the joint meeting's decision and a withdrawal; anyone else gets a 404 (the
    coordinators may change the case, but these steps are not theirs)."""
    return is_office(user, case.partnership_id)


withdraw = step(
    SitingCase.objects,
    lambda case, user, data: services.withdraw_case(case, user=user, reason=data["reason"]),
    form_class=forms.ReasonForm,
    allowed=_for_the_office,
    done=gettext_lazy("Withdrawn."),
)
link_negotiation = step(
    SitingCase.objects,
    lambda case, user, data: services.link_negotiation(case, user=user, **data),
    form_class=forms.NegotiationForm,
    # The decisions of this partnership's meetings the user may see.
    form_kwargs=lambda case, user: {"case": case, "user": user},
    done=gettext_lazy("The meeting decision is in the negotiation record."),
)
decide = step(
    SitingCase.objects,
    lambda case, user, data: services.decide(case, user=user, **data),
    form_class=forms.DecisionForm,
    form_kwargs=lambda case, user: {"case": case},  # the sides with a live bid
    allowed=_for_the_office,
    done=gettext_lazy("The decision is recorded; the case is closed."),
)
