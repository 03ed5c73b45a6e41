from django import forms
from django.utils.translation import gettext_lazy as _

from twincity.accounts.models import Membership
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


class MemberForm(StyledFormMixin, forms.ModelForm):
    """Give someone a role: their account (a new user name makes one) and the membership. Which roles there are and
    which of them need a side or a unit is the membership's to say (``accounts``), so this form names no role."""

    username = forms.RegexField(label=_("User name"), regex=r"^[\w.@+-]+$", max_length=150)
    full_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Membership._meta.get_field("role").choices)
    field_order = ["username", "full_name", "email", "role", "region", "organisation", "title"]

    class Meta:
        model = Membership
        fields = ["role", "region", "organisation", "title"]
        labels = {
            "region": _("Side (for a coordinator)"),
            "organisation": _("Unit (for a unit contact)"),
            "title": _("Post"),
        }

    def __init__(self, *args, sides, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(pk__in=[s.pk for s in sides])
        self.fields["organisation"].queryset = units
