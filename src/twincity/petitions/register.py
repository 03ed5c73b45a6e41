"""The register of joint requests, declared once: its pages, its workflow (page and API) and its menu entry."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.core.api import RestrictedPrimaryKeyRelatedField
from twincity.petitions import excel, forms, services
from twincity.petitions.choices import Channel, PetitionStatus
from twincity.petitions.filtersets import PetitionFilterSet
from twincity.petitions.models import Petition, PetitionSide
from twincity.petitions.tables import ROW_FIELDS, PetitionTable
from twincity.regions.models import Region
from twincity.registers.declaration import Declaration, Step
from twincity.registers.pages import RegisterListView


class EndorseSerializer(serializers.Serializer):
    side = RestrictedPrimaryKeyRelatedField(queryset=Region.objects.all())


class SubmitSerializer(serializers.Serializer):
    submitted_on = serializers.DateField()
    channel = serializers.ChoiceField(choices=Channel.choices)


STEPS = (
    Step(
        "revise_text",
        lambda petition, user, data: services.revise_text(petition, user=user, text=data["text"]),
        form=forms.TextForm,
        url="<int:pk>/text/",
        done=gettext_lazy("New version of the text saved; every side endorses it again."),
    ),
    # On the page a side's half is endorsed; over the API the request, naming the side.
    Step(
        "endorse",
        lambda half, user, data: services.endorse(half.petition, user=user, side=half.region),
        url="sides/<int:pk>/endorse/",
        queryset=PetitionSide.objects.select_related("petition", "region"),
        done=lambda half: _("Endorsed for %(side)s.") % {"side": half.region.display_name},
        entry=lambda half: half.petition,
    ),
    Step(
        "endorse",
        lambda petition, user, data: services.endorse(petition, user=user, side=data["side"]),
        serializer=EndorseSerializer,
        page=False,
        # Either side's coordinator reaches the step; the service lets each endorse only its own side.
        action=Action.VIEW,
        doc="A side endorses the current text (its coordinator or the office); the last one makes the request "
        "endorsed.",
    ),
    Step(
        "submit",
        lambda petition, user, data: services.submit(petition, user=user, **data),
        form=forms.SubmitForm,
        serializer=SubmitSerializer,
        done=gettext_lazy("Submitted."),
        doc="Submit to the authority: refused until every side endorsed the current text.",
    ),
    Step("consider", lambda petition, user, data: services.mark_under_consideration(petition, user=user)),
    Step(
        "respond",
        lambda petition, user, data: services.record_response(petition, user=user, **data),
        form=forms.ResponseForm,
        done=gettext_lazy("The answer is recorded."),
    ),
    Step(
        "withdraw",
        lambda petition, user, data: services.withdraw(petition, user=user, reason=data["reason"]),
        form=forms.ReasonForm,
        done=gettext_lazy("Withdrawn."),
    ),
)


class PetitionListView(RegisterListView):
    """The list reads what its rows show and sort by (``petitions.tables.ROW_FIELDS``), not the notes and answers;
    its PDF and Excel file read whole records."""

    def get_queryset(self):
        return super().get_queryset().only(*ROW_FIELDS)


class PetitionRegister(Declaration):
    model = Petition
    label = gettext_lazy("Joint requests")
    icon = "send"
    order = 10
    filterset_class = PetitionFilterSet
    table_class = PetitionTable
    list_view = PetitionListView
    form_class = forms.PetitionForm
    workbook = excel.PetitionWorkbook()
    follow_up = True
    detail_fields = ("year", "target_authority", "submitted_on", "channel", "response_on", "response")
    steps = STEPS

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


petitions = PetitionRegister()
