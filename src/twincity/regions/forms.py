from django import forms
from django.utils.translation import gettext_lazy as _

from twincity.accounts.choices import Role
from twincity.core.forms import StyledFormMixin, VersionedFormMixin
from twincity.regions.models import Organisation, Region


class ThresholdForm(VersionedFormMixin, forms.Form):
    near_days = forms.IntegerField(label=_("Yellow when a deadline is this many days away"), min_value=0, max_value=365)
    lag_margin = forms.IntegerField(
        label=_("Yellow when reported progress lags the time elapsed by more than (percentage points)"),
        min_value=0,
        max_value=100,
    )


class FieldForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name (Chinese)"), max_length=50)
    name_en = forms.CharField(label=_("Name (English)"), max_length=50, required=False)


class OrganisationForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["region", "name", "name_en", "short_name", "kind", "contact_name", "contact_phone", "contact_email"]

    def __init__(self, *args, sides, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [s.pk for s in sides]
        self.fields["region"].queryset = Region.objects.filter(pk__in=ids) | Region.objects.filter(parent_id__in=ids)


class MemberForm(StyledFormMixin, forms.Form):
    username = forms.RegexField(label=_("User name"), regex=r"^[\w.@+-]+$", max_length=150)
    full_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    region = forms.ModelChoiceField(label=_("Side (for a coordinator)"), queryset=Region.objects.none(), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Unit (for a unit contact)"), queryset=Organisation.objects.none(), required=False
    )
    title = forms.CharField(label=_("Post"), max_length=100, required=False)

    def __init__(self, *args, sides, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(pk__in=[s.pk for s in sides])
        self.fields["organisation"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.REGION_COORDINATOR and not data.get("region"):
            self.add_error("region", _("A region coordinator needs the side they coordinate."))
        if data.get("role") == Role.UNIT_CONTACT and not data.get("organisation"):
            self.add_error("organisation", _("A unit contact needs the unit they speak for."))
        return data
