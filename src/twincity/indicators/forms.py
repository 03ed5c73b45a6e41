"""The forms of the indicator system's statistics pages: definitions (the office's), the entry grid's choice
of elements and periods, finalising, revising a final figure."""

from __future__ import annotations

import unicodedata

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from twincity.core.forms import StyledFormMixin, VersionedFormMixin
from twincity.core.text import plain
from twincity.indicators import services
from twincity.indicators.choices import PERIOD_RE
from twincity.indicators.models import DataElement, Framework, FrameworkNode, Indicator, Observation, ReferencePanel
from twincity.regions.models import Region

MAX_ENTRY_ELEMENTS = 10
MAX_ENTRY_PERIODS = 8


class PlainTextMixin:
    """Free text through ``core.text.plain`` (no control characters, no markup surprises)."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = plain(value)
        return cleaned


class ElementForm(PlainTextMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = DataElement
        fields = list(services.ELEMENT_FIELDS)
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}


class IndicatorForm(PlainTextMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["code", "name", "name_en", "numerator", "denominator", "factor", "unit", "direction", "definition"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        elements = DataElement.objects.filter(partnership=partnership, archived_at__isnull=True)
        self.fields["numerator"].queryset = elements
        self.fields["denominator"].queryset = elements


class FrameworkForm(PlainTextMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Framework
        fields = ["code", "name", "name_en", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class NodeForm(PlainTextMixin, StyledFormMixin, forms.ModelForm):
    """A node of a framework's tree: under which node, which indicator (for a leaf), direction and weight."""

    class Meta:
        model = FrameworkNode
        fields = ["parent", "code", "name", "name_en", "indicator", "direction", "weight", "order"]

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = FrameworkNode.objects.filter(framework=framework)
        if self.instance.pk:
            nodes = nodes.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = nodes
        self.fields["parent"].label = _("Under")
        self.fields["indicator"].queryset = Indicator.objects.filter(
            partnership=framework.partnership_id, archived_at__isnull=True
        )
        self.fields["indicator"].help_text = _("A leaf names its indicator; a dimension names none.")

    def _post_clean(self):
        pass  # the service validates the node (tree, partnership, code once) and says why not


class PanelForm(PlainTextMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ReferencePanel
        fields = ["name", "name_en", "description", "regions"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "regions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = Region.objects.filter(archived_at__isnull=True).order_by("code")
        self.fields["regions"].widget.attrs["class"] = "form-check-input"


class AliasForm(StyledFormMixin, forms.Form):
    alias = forms.CharField(label=_("Spelling in files"), max_length=100)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(archived_at__isnull=True).order_by("code")


def _periods(text: str) -> list[str]:

    text = unicodedata.normalize("NFKC", text or "").upper()
    periods = [p for p in text.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if p]
    return list(dict.fromkeys(periods))


class EntryChoiceForm(StyledFormMixin, forms.Form):
    """What the entry grid shows: some data elements and some periods (2020, 2020Q1, 202001, comma-separated)."""

    elements = forms.ModelMultipleChoiceField(label=_("Data elements"), queryset=DataElement.objects.none())
    periods = forms.CharField(
        label=_("Periods"), max_length=200, help_text=_("One or more, separated by commas: 2023, 2024Q1, 202405.")
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["elements"].queryset = DataElement.objects.filter(partnership=partnership, archived_at__isnull=True)

    def clean_elements(self):
        elements = self.cleaned_data["elements"]
        if len(elements) > MAX_ENTRY_ELEMENTS:
            raise forms.ValidationError(gettext("Choose at most %(n)s data elements.") % {"n": MAX_ENTRY_ELEMENTS})
        return elements

    def clean_periods(self):
        periods = _periods(self.cleaned_data["periods"])
        wrong = [p for p in periods if not PERIOD_RE.match(p)]
        if wrong or not periods:
            raise forms.ValidationError(gettext("Write a period as 2020, 2020Q1 or 202001."))
        if len(periods) > MAX_ENTRY_PERIODS:
            raise forms.ValidationError(gettext("Choose at most %(n)s periods.") % {"n": MAX_ENTRY_PERIODS})
        return periods


class FinaliseForm(forms.Form):
    figures = forms.ModelMultipleChoiceField(label=_("Figures"), queryset=Observation.objects.none())

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figures"].queryset = queryset


class RevisionForm(StyledFormMixin, forms.Form):
    value = forms.CharField(label=_("New value"), max_length=60)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
