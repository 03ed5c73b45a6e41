from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twincity.core.forms import MultipleFileField, StyledFormMixin, VersionedFormMixin
from twincity.core.widgets import PickerSelectMultiple
from twincity.matters.choices import MatterStatus, OwnerRole
from twincity.matters.models import Matter
from twincity.matters.services import OwnerSpec
from twincity.regions.models import Field, Organisation, units_by_side


class MatterForm(VersionedFormMixin, forms.ModelForm):
    """A matter's own fields, plus lead and supporting units and the responsible leader per side."""

    year = forms.IntegerField(label=_("Year of the list"), min_value=2000, max_value=2100)

    class Meta:
        model = Matter
        fields = ["code", "title", "field", "goal", "description", "start_date", "due_date"]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "start_date": forms.DateInput(),
            "due_date": forms.DateInput(),
        }

    def __init__(self, *args, partnership, sides, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.sides = sides
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Leave empty to number it automatically (for example 2020-07).")
        self.fields["field"].queryset = Field.objects.filter(partnership=partnership, archived_at__isnull=True)
        if self.instance.pk:
            del self.fields["year"]
            current = {o.organisation_id: o.role for o in self.instance.owners.all()}
            leaders = {s.region_id: s.responsible_leader for s in self.instance.sides.all()}
        else:
            self.fields["year"].initial = timezone.localdate().year
            current, leaders = {}, {}
        for side, side_units in units_by_side(sides):
            choices = [(o.pk, o.display_name) for o in side_units]
            self.fields[f"lead_{side.pk}"] = forms.TypedMultipleChoiceField(
                label=_("%(side)s: lead units") % {"side": side.label},
                choices=choices,
                coerce=int,
                required=False,
                initial=[pk for pk, role in current.items() if role == OwnerRole.LEAD and pk in dict(choices)],
                widget=PickerSelectMultiple(attrs={"size": 4}),
            )
            self.fields[f"support_{side.pk}"] = forms.TypedMultipleChoiceField(
                label=_("%(side)s: supporting units") % {"side": side.label},
                choices=choices,
                coerce=int,
                required=False,
                initial=[pk for pk, role in current.items() if role == OwnerRole.SUPPORT and pk in dict(choices)],
                widget=PickerSelectMultiple(attrs={"size": 4}),
            )
            self.fields[f"leader_{side.pk}"] = forms.CharField(
                label=_("%(side)s: responsible leader") % {"side": side.label},
                required=False,
                max_length=100,
                initial=leaders.get(side.pk, ""),
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    def side_fields(self):
        return [
            (side, self[f"lead_{side.pk}"], self[f"support_{side.pk}"], self[f"leader_{side.pk}"])
            for side in self.sides
        ]

    def main_fields(self):
        skip = {"version"} | {n for n in self.fields if n.split("_")[0] in {"lead", "support", "leader"}}
        return [self[n] for n in self.fields if n not in skip]

    def clean(self):
        data = super().clean()  # the dates are the model's rule (Matter.clean), told on the due date's field
        if not any(data.get(f"lead_{side.pk}") for side in self.sides):
            raise ValidationError(_("Name at least one lead unit."))
        for side in self.sides:
            both = set(data.get(f"lead_{side.pk}") or []) & set(data.get(f"support_{side.pk}") or [])
            if both:
                self.add_error(f"support_{side.pk}", _("A unit cannot both lead and support the same matter."))
        return data

    def owner_specs(self) -> list[OwnerSpec]:
        units = Organisation.objects.in_bulk(
            [pk for side in self.sides for key in ("lead", "support") for pk in self.cleaned_data[f"{key}_{side.pk}"]]
        )
        specs = []
        for side in self.sides:
            specs += [OwnerSpec(units[pk], OwnerRole.LEAD) for pk in self.cleaned_data[f"lead_{side.pk}"]]
            specs += [OwnerSpec(units[pk], OwnerRole.SUPPORT) for pk in self.cleaned_data[f"support_{side.pk}"]]
        return specs

    def leaders(self) -> dict[int, str]:
        return {side.pk: self.cleaned_data[f"leader_{side.pk}"] for side in self.sides}


class ProgressForm(StyledFormMixin, forms.Form):
    side = forms.TypedChoiceField(label=_("Side"), coerce=int)
    period = forms.CharField(label=_("Period"), max_length=20, help_text=_("For example 2020-06 or 2020-Q2"))
    percent_complete = forms.IntegerField(label=_("Percent complete"), min_value=0, max_value=100)
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint, images; several files allowed."),
    )

    def __init__(self, *args, sides, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["side"].choices = [(s.pk, s.label) for s in sides]
        if len(sides) == 1:
            self.fields["side"].initial = sides[0].pk
        self.fields["period"].initial = timezone.localdate().strftime("%Y-%m")


class MilestoneForm(StyledFormMixin, forms.Form):
    side = forms.TypedChoiceField(label=_("Side"), coerce=int)
    title = forms.CharField(label=_("Milestone"), max_length=300)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput())

    def __init__(self, *args, sides, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["side"].choices = [(s.pk, s.label) for s in sides]


class CloseMilestoneForm(VersionedFormMixin, forms.Form):
    done_date = forms.DateField(label=_("Done on"), widget=forms.DateInput(), initial=timezone.localdate)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))


class EditMilestoneForm(VersionedFormMixin, MilestoneForm):
    """A milestone's title, responsible side and due date (the fields it was added with), from the version read."""


class ArchiveMilestoneForm(VersionedFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why it is archived"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class StatusForm(VersionedFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=MatterStatus.choices)
    reason = forms.CharField(label=_("Reason or note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(VersionedFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why it is reopened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class RollOverForm(StyledFormMixin, forms.Form):
    to_year = forms.IntegerField(label=_("Into the list of"), min_value=2000, max_value=2100)
    code = forms.CharField(
        label=_("New code"), required=False, max_length=30, help_text=_("Leave empty to number it automatically.")
    )
    reason = forms.CharField(label=_("Why it rolls over"), widget=forms.Textarea(attrs={"rows": 2}))


class BulkRollOverForm(StyledFormMixin, forms.Form):
    """Year end: which open matters of a list roll into which year's list, and why."""

    to_year = forms.IntegerField(label=_("Into the list of"), min_value=2000, max_value=2100)
    reason = forms.CharField(label=_("Why they roll over"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class BulkStatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Set status"), choices=MatterStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False)


class ImportForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(
        label=_("Year of the list"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class JournalForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportEditForm(VersionedFormMixin, forms.Form):
    period = forms.CharField(label=_("Period"), max_length=20)
    percent_complete = forms.IntegerField(label=_("Percent complete"), min_value=0, max_value=100)
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 5}))
