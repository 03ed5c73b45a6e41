from django import forms
from django.utils.translation import gettext_lazy as _

from twincity.core.forms import MultipleFileField, StyledFormMixin
from twincity.supervision.choices import Rating


class SideForm(StyledFormMixin, forms.Form):
    """Which owning side the step is taken for (the sides the user acts for)."""

    side = forms.TypedChoiceField(label=_("Side"), coerce=int)

    def __init__(self, *args, sides=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["side"].choices = [(s.side_id, str(s.side)) for s in sides]
        if len(sides) == 1:
            self.fields["side"].initial = sides[0].side_id


class SignOffForm(SideForm):
    pass


class FeedbackForm(SideForm):
    text = forms.CharField(label=_("Feedback"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(label=_("Percent complete"), min_value=0, max_value=100, required=False)


class CompletionForm(SideForm):
    note = forms.CharField(label=_("What shows it is done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    links = forms.CharField(
        label=_("Links"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One web address a line."),
    )
    files = MultipleFileField(label=_("Files"), required=False, help_text=_("PDF, Word, Excel, images."))

    def clean_links(self):
        return [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]


class CloseForm(StyledFormMixin, forms.Form):
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices)
    review = forms.CharField(
        label=_("Review"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why it is returned"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
