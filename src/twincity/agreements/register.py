"""The register of agreements, declared once: its pages, its workflow (renewal, termination, recording a
lapse, page and API), its signed documents and its obligations, and its menu entry."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.agreements import excel, forms, services
from twincity.agreements.choices import RENEWABLE, AgreementStatus
from twincity.agreements.filtersets import AgreementFilterSet
from twincity.agreements.models import Agreement, Obligation
from twincity.agreements.tables import AgreementTable
from twincity.core.api import RestrictedPrimaryKeyRelatedField
from twincity.core.models import Attachment
from twincity.regions.models import Region
from twincity.registers.declaration import Declaration, Step


class RenewSerializer(serializers.Serializer):
    new_expires_on = serializers.DateField(required=False)
    successor = RestrictedPrimaryKeyRelatedField(queryset=Agreement.objects.all(), required=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class TerminateSerializer(serializers.Serializer):
    terminated_on = serializers.DateField()
    reason = serializers.CharField(max_length=500)


LIVE = Agreement.objects.filter(archived_at__isnull=True)
LIVE_OBLIGATIONS = Obligation.objects.filter(
    archived_at__isnull=True, agreement__archived_at__isnull=True
).select_related("agreement")
# An agreement's documents are read through its partnership; withdrawing one needs the right to change
# the agreement it belongs to (a coordinator withdraws their agreements' files).
DOCUMENTS = Attachment.objects.filter(
    archived_at__isnull=True, content_type__app_label="agreements", content_type__model="agreement"
)


def _may_withdraw(user, document) -> bool:
    agreement = document.parent
    return agreement is not None and not agreement.is_archived and can(user, Action.CHANGE, agreement)


def _edit_obligation(obligation, user, data):
    """The edit, with a stale version told as the reason why nothing was saved (the page shows no conflict form)."""
    try:
        services.update_obligation(obligation, user=user, **data)
    except services.ConflictError as conflict:
        raise ValidationError(
            _("Someone else changed this obligation meanwhile; nothing was saved. It now reads: %(text)s")
            % {"text": conflict.current.text}
        ) from conflict


STEPS = (
    Step(
        "renew",
        lambda agreement, user, data: services.renew(agreement, user=user, **data),
        form=forms.RenewForm,
        form_kwargs=lambda agreement, user: {"agreement": agreement},  # successors: this partnership's agreements
        serializer=RenewSerializer,
        queryset=LIVE,
        done=gettext_lazy("Renewed."),
        doc="Renew: extend the term to ``new_expires_on``, or name the ``successor`` agreement that replaces it.",
    ),
    Step(
        "terminate",
        lambda agreement, user, data: services.terminate(agreement, user=user, **data),
        form=forms.TerminateForm,
        serializer=TerminateSerializer,
        queryset=LIVE,
        done=gettext_lazy("The agreement is terminated."),
        doc="End the agreement before its term, on a day within it, with a reason.",
    ),
    Step(
        "record_lapse",
        lambda agreement, user, data: services.record_lapse(agreement, user=user),
        url="<int:pk>/lapse/",
        serializer=None,
        api_path="record-lapse",
        queryset=LIVE,
        done=gettext_lazy("The lapse is recorded: the agreement has expired."),
        doc='Record that an agreement past its expiry date was not renewed (its status becomes "expired").',
    ),
    Step(
        "withdraw_document",
        lambda document, user, data: services.withdraw_document(document, user=user),
        url="documents/<int:pk>/withdraw/",
        queryset=DOCUMENTS,
        action=Action.VIEW,
        allowed=_may_withdraw,
        entry=lambda document: document.parent,
        done=gettext_lazy("The document is withdrawn; it stays in the history."),
    ),
    Step(
        "add_obligation",
        lambda agreement, user, data: services.add_obligation(agreement, user=user, **data),
        url="<int:pk>/obligations/",
        form=forms.ObligationForm,
        # The form offers only the sides party to this agreement that the user may change.
        form_kwargs=lambda agreement, user: {
            "agreement": agreement,
            "own_sides": Region.objects.restrict(user, Action.CHANGE),
        },
        queryset=LIVE,
        done=gettext_lazy("Obligation recorded."),
    ),
    Step(
        "obligation_edit",
        _edit_obligation,
        url="obligations/<int:pk>/edit/",
        form=forms.ObligationEditForm,
        queryset=LIVE_OBLIGATIONS,
        done=gettext_lazy("Obligation saved."),
    ),
    Step(
        "obligation_archive",
        lambda obligation, user, data: services.archive_obligation(obligation, user=user),
        url="obligations/<int:pk>/archive/",
        queryset=LIVE_OBLIGATIONS,
        done=gettext_lazy("Obligation archived; it stays in the history."),
    ),
)


class AgreementRegister(Declaration):
    model = Agreement
    label = gettext_lazy("Agreements")
    icon = "file-earmark-text"
    order = 20
    filterset_class = AgreementFilterSet
    table_class = AgreementTable
    form_class = forms.AgreementForm
    workbook = excel.AgreementWorkbook()
    follow_up = True
    detail_fields = ("topic", "signed_on", "starts_on", "expires_on")
    parts = (Obligation,)
    steps = STEPS

    def list_queryset(self):
        return super().list_queryset().with_state().prefetch_related("parties__organisation")

    def detail_queryset(self):
        return super().detail_queryset().with_state().select_related("renewed_by")

    def create(self, **data):
        return services.create_agreement(**data)

    def update(self, obj, **data):
        return services.update_agreement(obj, **data)

    def attach(self, subject, file, *, user):
        return services.attach_document(subject, file, user=user)

    def turn_into_matter(self, subject, **kwargs):
        if isinstance(subject, Obligation):
            return services.follow_up_obligation(subject, **kwargs)
        return super().turn_into_matter(subject, **kwargs)

    def detail_context(self, request, obj):
        user = request.user
        today = timezone.localdate()
        can_change = can(user, Action.CHANGE, obj) and not obj.is_archived
        obligations = services.obligations_with_follow_up(obj)
        for obligation in obligations:
            obligation.can_change = can_change and can(user, Action.CHANGE, obligation)
            obligation.edit_form = forms.ObligationEditForm(
                initial={"version": obligation.version, "text": obligation.text, "due_date": obligation.due_date},
                auto_id=f"id_ob{obligation.pk}_%s",
            )
        own_sides = Region.objects.restrict(user, Action.CHANGE)
        obligation_form = forms.ObligationForm(agreement=obj, own_sides=own_sides)
        state = obj.state
        return {
            "facts": _facts(obj),
            "state": state,
            "days_left": obj.days_left(today) if state == AgreementStatus.IN_FORCE else None,
            "parties": obj.parties.select_related("organisation", "side"),
            "obligations": obligations,
            "renews": obj.renews.order_by("-signed_on", "-pk"),
            "documents": services.documents_of(obj),
            "may_renew": can_change and obj.status in RENEWABLE,
            "may_terminate": can_change and state == AgreementStatus.IN_FORCE,
            "may_record_lapse": can_change and obj.status == AgreementStatus.IN_FORCE and state != obj.status,
            "may_add_obligation": can_change and obligation_form.fields["side"].queryset.exists(),
            "can_change": can_change,
            "renew_form": forms.RenewForm(agreement=obj),
            "terminate_form": forms.TerminateForm(),
            "obligation_form": obligation_form,
        }


def _facts(agreement) -> list[tuple[str, object]]:
    """The agreement's facts as the page shows them (an open-ended agreement says so; an ended one says how)."""
    field = Agreement._meta.get_field
    facts = [
        (field("topic").verbose_name, agreement.topic),
        (field("signed_on").verbose_name, agreement.signed_on),
        (field("starts_on").verbose_name, agreement.starts_on),
        (field("expires_on").verbose_name, agreement.expires_on or _("open-ended (no expiry date)")),
    ]
    if agreement.status == AgreementStatus.TERMINATED:
        facts.append((field("terminated_on").verbose_name, agreement.terminated_on))
        facts.append((field("termination_reason").verbose_name, agreement.termination_reason))
    return facts


agreements = AgreementRegister()
