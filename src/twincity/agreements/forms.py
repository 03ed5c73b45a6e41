from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twincity.agreements.choices import AgreementStatus
from twincity.agreements.models import Agreement
from twincity.agreements.services import PartySpec
from twincity.core.forms import StyledFormMixin
from twincity.regions.models import Organisation, Region
from twincity.registers.forms import RegisterForm, units_of_sides


class AgreementForm(RegisterForm):
    """An agreement's own fields and its parties, one row per signing unit (each goes to its own side).

    The rows clean to ``parties`` (a list of ``PartySpec``) for the services; ``term_years`` (new
    agreements only) fills the expiry date from the day it comes into force.
    """

    term_years = forms.IntegerField(
        label=_("Term (years)"),
        min_value=1,
        max_value=50,
        required=False,
        help_text=_("Fills the expiry date when it is left empty."),
    )

    class Meta:
        model = Agreement
        fields = ["code", "title", "field", "topic", "signed_on", "starts_on", "expires_on", "note"]
        widgets = {
            **{name: forms.DateInput() for name in ("signed_on", "starts_on", "expires_on")},
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = list(self.instance.parties.select_related("organisation")) if self.instance.pk else []
        if self.instance.pk:
            del self.fields["term_years"]
        self.order_fields([*self.Meta.fields[:-1], "term_years", "note"])
        choices = [
            (side.display_name, [(u.pk, u.display_name) for u in units])
            for side, units in units_of_sides(self.partnership.sides())
        ]
        self.party_rows = []
        for i in range(max(len(existing) + 1, 3)):
            party = existing[i] if i < len(existing) else None
            names = (f"party_{i}_unit", f"party_{i}_signatory", f"party_{i}_post")
            self.fields[names[0]] = forms.TypedChoiceField(
                label=_("Unit"),
                choices=[("", "—"), *choices],
                coerce=int,
                empty_value=None,
                required=False,
                initial=party.organisation_id if party else None,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[names[1]] = forms.CharField(
                label=_("Signatory"), max_length=100, required=False, initial=party.signatory if party else ""
            )
            self.fields[names[2]] = forms.CharField(
                label=_("Post"), max_length=100, required=False, initial=party.signatory_post if party else ""
            )
            for name in names:
                self.fields[name].widget.attrs["class"] = "form-select" if name.endswith("_unit") else "form-control"
            self.party_rows.append(names)

    def party_fields(self):
        """The party rows as bound fields (unit, signatory, post), for the form's own template."""
        return [[self[name] for name in names] for names in self.party_rows]

    def visible_fields(self):
        """The entry's own fields; the party rows are laid out as a table by the template."""
        rows = {name for names in self.party_rows for name in names}
        return [field for field in super().visible_fields() if field.name not in rows]

    def clean(self):
        cleaned = super().clean()
        ids = []
        for unit_name, signatory_name, post_name in self.party_rows:
            unit_id = cleaned.pop(unit_name, None)
            signatory, post = cleaned.pop(signatory_name, ""), cleaned.pop(post_name, "")
            if unit_id:
                ids.append((unit_id, signatory, post))
        units = Organisation.objects.in_bulk([unit_id for unit_id, _s, _p in ids])
        cleaned["parties"] = [PartySpec(units[unit_id], s, p) for unit_id, s, p in ids if unit_id in units]
        if len(cleaned["parties"]) < 2:
            raise forms.ValidationError(_("An agreement has at least two parties, on at least two different sides."))
        if "term_years" in cleaned and not cleaned["term_years"]:
            cleaned.pop("term_years")
        return cleaned


class ObligationForm(StyledFormMixin, forms.Form):
    """What one side undertakes; the side is its unit's when a unit is named."""

    side = forms.ModelChoiceField(label=_("Side"), queryset=Region.objects.none(), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=Organisation.objects.none(), required=False
    )
    text = forms.CharField(label=_("Obligation"), widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(label=_("Due date"), required=False, widget=forms.DateInput())

    def __init__(self, *args, agreement, own_sides, **kwargs):
        """``own_sides``: the regions the user may change (a coordinator records their own side's obligations)."""
        super().__init__(*args, **kwargs)
        side_ids = set(agreement.parties.values_list("side_id", flat=True))
        side_ids &= set(own_sides.values_list("pk", flat=True))
        sides = [side for side in agreement.partnership.sides() if side.pk in side_ids]
        self.fields["side"].queryset = Region.objects.filter(pk__in=side_ids)
        unit_ids = [unit.pk for _side, units in units_of_sides(sides) for unit in units]
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=unit_ids).order_by("region", "name")


class ObligationEditForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("Obligation"), widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(label=_("Due date"), required=False, widget=forms.DateInput())


class RenewForm(StyledFormMixin, forms.Form):
    """Either a new expiry date (the term is extended) or the agreement that succeeds this one."""

    new_expires_on = forms.DateField(label=_("New expiry date"), required=False, widget=forms.DateInput())
    successor = forms.ModelChoiceField(
        label=_("Or: the new agreement that replaces it"), queryset=Agreement.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = (
            Agreement.objects.filter(
                partnership_id=agreement.partnership_id, status=AgreementStatus.IN_FORCE, archived_at__isnull=True
            )
            .exclude(pk=agreement.pk)
            .order_by("-signed_on", "-pk")
        )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("new_expires_on")) == bool(cleaned.get("successor")):
            raise forms.ValidationError(_("Give either a new expiry date or the agreement that succeeds it."))
        return cleaned


class TerminateForm(StyledFormMixin, forms.Form):
    terminated_on = forms.DateField(label=_("Terminated on"), widget=forms.DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=500)
