"""Forms every register shares: an entry's own fields (versioned), follow-up matters, links, uploads."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twincity.core.forms import StyledFormMixin, VersionedFormMixin
from twincity.core.widgets import PickerSelectMultiple
from twincity.matters.services import OwnerSpec
from twincity.regions.models import Field, Organisation, Region, units_by_side


def units_of_sides(sides) -> list[tuple[Region, list[Organisation]]]:
    """The live units of each side, by name (the choices of a register's forms)."""
    return units_by_side(sides, order=("name",))


class RegisterForm(VersionedFormMixin, forms.ModelForm):
    """An entry's own fields. Choices of fields, units and sides are those of the entry's partnership."""

    def __init__(self, *args, partnership, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.user = user
        sides = partnership.sides()
        side_ids = [s.pk for s in sides]
        unit_ids = [o.pk for _side, units in units_of_sides(sides) for o in units]
        for field in self.fields.values():
            model = getattr(getattr(field, "queryset", None), "model", None)
            if model is Field:
                field.queryset = Field.objects.filter(partnership=partnership, archived_at__isnull=True)
            elif model is Organisation:
                field.queryset = Organisation.objects.filter(pk__in=unit_ids).order_by("region", "name")
            elif model is Region:
                field.queryset = Region.objects.filter(pk__in=side_ids)
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)


class FollowUpForm(StyledFormMixin, forms.Form):
    """A new key cooperation matter following up an entry: its title, year, due date and owning units."""

    title = forms.CharField(label=_("Title of the matter"), max_length=300)
    year = forms.IntegerField(label=_("Year of the list"), min_value=2000, max_value=2100)
    field = forms.ModelChoiceField(queryset=Field.objects.none(), label=_("Field"), required=False)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=forms.DateInput())
    goal = forms.CharField(label=_("Goal"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("Why it follows up this entry"), required=False, max_length=300)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["field"].queryset = Field.objects.filter(partnership=partnership, archived_at__isnull=True)
        self.sides = partnership.sides()
        for side, units in units_of_sides(self.sides):
            self.fields[f"units_{side.pk}"] = forms.TypedMultipleChoiceField(
                label=_("%(side)s: lead units") % {"side": side.display_name},
                choices=[(o.pk, o.display_name) for o in units],
                coerce=int,
                required=False,
                widget=PickerSelectMultiple(attrs={"size": 5}),
            )

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"units_{side.pk}") for side in self.sides):
            raise forms.ValidationError(_("Name at least one lead unit."))
        return cleaned

    def owner_specs(self):
        ids = [pk for side in self.sides for pk in self.cleaned_data.get(f"units_{side.pk}", [])]
        units = Organisation.objects.in_bulk(ids)
        return [OwnerSpec(units[pk]) for pk in ids]


class LinkMatterForm(StyledFormMixin, forms.Form):
    """An existing matter that serves the entry, chosen by its code (and the year of its list)."""

    code = forms.CharField(label=_("Code of the matter"), max_length=30, help_text=_("For example 2020-07."))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("File"))
