"""Pages of the register of joint requests: the standard register pages plus the request's workflow."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.core.views import restricted_object
from twincity.petitions import excel, forms, services
from twincity.petitions.choices import PetitionStatus
from twincity.petitions.filtersets import PetitionFilterSet
from twincity.petitions.models import Petition, PetitionSide
from twincity.petitions.tables import PetitionTable
from twincity.registers.views import RegisterViews, run_step


class PetitionViews(RegisterViews):
    model = Petition
    filterset_class = PetitionFilterSet
    table_class = PetitionTable
    form_class = forms.PetitionForm
    workbook = excel.PetitionWorkbook()
    follow_up = True
    detail_fields = ("year", "target_authority", "submitted_on", "channel", "response_on", "response")

    def create(self, **data):
        return services.create_petition(**data)

    def update(self, obj, **data):
        return services.update_petition(obj, **data)

    def detail_context(self, request, obj):
        sides = list(obj.sides.select_related("region", "endorsed_by").prefetch_related("drafting_units"))
        current = obj.current_text()
        drafting = obj.status == PetitionStatus.DRAFTING
        for half in sides:
            half.endorses_current = current is not None and half.endorsed_text == current.number
            half.may_endorse = drafting and current is not None and not half.endorses_current
            half.may_endorse = half.may_endorse and can(request.user, Action.CHANGE, half)
        can_change = can(request.user, Action.CHANGE, obj)
        status = obj.status
        return {
            "sides": sides,
            "texts": obj.texts.select_related("author"),
            "current_text": current,
            "may_revise": can_change and status in (PetitionStatus.DRAFTING, PetitionStatus.ENDORSED),
            "may_submit": can_change and status == PetitionStatus.ENDORSED,
            "may_answer": can_change and status in (PetitionStatus.SUBMITTED, PetitionStatus.UNDER_CONSIDERATION),
            "may_consider": can_change and status == PetitionStatus.SUBMITTED,
            "may_withdraw": can_change and status in services.TRANSITIONS_TO_WITHDRAWN,
            "text_form": forms.TextForm(initial={"text": current.text if current else ""}),
            "submit_form": forms.SubmitForm(),
            "response_form": forms.ResponseForm(),
            "reason_form": forms.ReasonForm(),
        }


views = PetitionViews()


def _petition(request, pk):
    return restricted_object(request, Petition.objects.all(), Action.CHANGE, pk=pk)


@login_required
@require_POST
def revise_text(request, pk):
    petition = _petition(request, pk)
    form = forms.TextForm(request.POST)
    return run_step(
        request,
        petition,
        lambda data: services.revise_text(petition, user=request.user, text=data["text"]),
        form=form,
        done=_("New version of the text saved; every side endorses it again."),
    )


@login_required
@require_POST
def endorse(request, pk):
    half = restricted_object(request, PetitionSide.objects.select_related("petition", "region"), Action.CHANGE, pk=pk)
    return run_step(
        request,
        half.petition,
        lambda data: services.endorse(half.petition, user=request.user, side=half.region),
        done=_("Endorsed for %(side)s.") % {"side": half.region.display_name},
    )


@login_required
@require_POST
def submit(request, pk):
    petition = _petition(request, pk)
    return run_step(
        request,
        petition,
        lambda data: services.submit(petition, user=request.user, **data),
        form=forms.SubmitForm(request.POST),
        done=_("Submitted."),
    )


@login_required
@require_POST
def consider(request, pk):
    petition = _petition(request, pk)
    return run_step(request, petition, lambda data: services.mark_under_consideration(petition, user=request.user))


@login_required
@require_POST
def respond(request, pk):
    petition = _petition(request, pk)
    return run_step(
        request,
        petition,
        lambda data: services.record_response(petition, user=request.user, **data),
        form=forms.ResponseForm(request.POST),
        done=_("The answer is recorded."),
    )


@login_required
@require_POST
def withdraw(request, pk):
    petition = _petition(request, pk)
    return run_step(
        request,
        petition,
        lambda data: services.withdraw(petition, user=request.user, reason=data["reason"]),
        form=forms.ReasonForm(request.POST),
        done=_("Withdrawn."),
    )
