"""Pages of the register of agreements: the standard register pages plus the agreement's workflow
(renewal, termination, recording a lapse), its signed documents and its obligations."""

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.agreements import excel, forms, services
from twincity.agreements.choices import RENEWABLE, AgreementStatus
from twincity.agreements.filtersets import AgreementFilterSet
from twincity.agreements.models import Agreement, Obligation
from twincity.agreements.tables import AgreementTable
from twincity.core.models import Attachment
from twincity.core.views import restricted_object
from twincity.regions.models import Region
from twincity.registers.views import RegisterViews, run_step, step


class AgreementViews(RegisterViews):
    model = Agreement
    filterset_class = AgreementFilterSet
    table_class = AgreementTable
    form_class = forms.AgreementForm
    workbook = excel.AgreementWorkbook()
    follow_up = True
    detail_fields = ("topic", "signed_on", "starts_on", "expires_on")

    def list_queryset(self):
        return super().list_queryset().with_state().prefetch_related("parties__organisation")

    def detail_queryset(self):
        return super().detail_queryset().with_state().select_related("renewed_by")

    def create(self, **data):
        return services.create_agreement(**data)

    def update(self, obj, **data):
        return services.update_agreement(obj, **data)

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


views = AgreementViews()


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


LIVE = Agreement.objects.filter(archived_at__isnull=True)
LIVE_OBLIGATIONS = Obligation.objects.filter(
    archived_at__isnull=True, agreement__archived_at__isnull=True
).select_related("agreement")


renew = step(
    LIVE,
    lambda agreement, user, data: services.renew(agreement, user=user, **data),
    form_class=forms.RenewForm,
    form_kwargs=lambda agreement, user: {"agreement": agreement},  # successors: this partnership's agreements
    done=gettext_lazy("Renewed."),
)
terminate = step(
    LIVE,
    lambda agreement, user, data: services.terminate(agreement, user=user, **data),
    form_class=forms.TerminateForm,
    done=gettext_lazy("The agreement is terminated."),
)
record_lapse = step(
    LIVE,
    lambda agreement, user, data: services.record_lapse(agreement, user=user),
    done=gettext_lazy("The lapse is recorded: the agreement has expired."),
)


@login_required
@require_POST
def withdraw_document(request, pk):
    # Not ``step``: a document is read through its partnership, while the step needs the right to change
    # the agreement it belongs to (a coordinator withdraws their agreements' files).
    documents = Attachment.objects.filter(
        archived_at__isnull=True, content_type=ContentType.objects.get_for_model(Agreement)
    )
    document = restricted_object(request, documents, pk=pk)
    agreement = document.parent
    if agreement is None or agreement.is_archived or not can(request.user, Action.CHANGE, agreement):
        raise Http404
    return run_step(
        request,
        agreement,
        lambda data: services.withdraw_document(document, user=request.user),
        done=_("The document is withdrawn; it stays in the history."),
    )


add_obligation = step(
    LIVE,
    lambda agreement, user, data: services.add_obligation(agreement, user=user, **data),
    form_class=forms.ObligationForm,
    # The form offers only the sides party to this agreement that the user may change.
    form_kwargs=lambda agreement, user: {
        "agreement": agreement,
        "own_sides": Region.objects.restrict(user, Action.CHANGE),
    },
    done=gettext_lazy("Obligation recorded."),
)


def _edit_obligation(obligation, user, data):
    """The edit, with a stale version told as the reason why nothing was saved (the page shows no conflict form)."""
    try:
        services.update_obligation(obligation, user=user, **data)
    except services.ConflictError as conflict:
        raise ValidationError(
            _("Someone else changed this obligation meanwhile; nothing was saved. It now reads: %(text)s")
            % {"text": conflict.current.text}
        ) from conflict


obligation_edit = step(
    LIVE_OBLIGATIONS, _edit_obligation, form_class=forms.ObligationEditForm, done=gettext_lazy("Obligation saved.")
)
obligation_archive = step(
    LIVE_OBLIGATIONS,
    lambda obligation, user, data: services.archive_obligation(obligation, user=user),
    done=gettext_lazy("Obligation archived; it stays in the history."),
)
