"""Pages of the register of joint requests: the standard register pages plus the request's workflow."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.petitions import excel, forms, services
from twincity.petitions.choices import PetitionStatus
from twincity.petitions.filtersets import PetitionFilterSet
from twincity.petitions.models import Petition, PetitionSide
from twincity.petitions.tables import PetitionTable
from twincity.registers.views import RegisterViews, step


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

revise_text = step(
    Petition.objects,
    lambda petition, user, data: services.revise_text(petition, user=user, text=data["text"]),
    form_class=forms.TextForm,
    done=gettext_lazy("New version of the text saved; every side endorses it again."),
)
endorse = step(
    PetitionSide.objects.select_related("petition", "region"),
    lambda half, user, data: services.endorse(half.petition, user=user, side=half.region),
    done=lambda half: _("Endorsed for %(side)s.") % {"side": half.region.display_name},
    entry=lambda half: half.petition,
)
submit = step(
    Petition.objects,
    lambda petition, user, data: services.submit(petition, user=user, **data),
    form_class=forms.SubmitForm,
    done=gettext_lazy("Submitted."),
)
consider = step(Petition.objects, lambda petition, user, data: services.mark_under_consideration(petition, user=user))
respond = step(
    Petition.objects,
    lambda petition, user, data: services.record_response(petition, user=user, **data),
    form_class=forms.ResponseForm,
    done=gettext_lazy("The answer is recorded."),
)
withdraw = step(
    Petition.objects,
    lambda petition, user, data: services.withdraw(petition, user=user, reason=data["reason"]),
    form_class=forms.ReasonForm,
    done=gettext_lazy("Withdrawn."),
)
