from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from twincity.core.forms import StyledFormMixin
from twincity.registers.forms import RegisterForm
from twincity.visits.choices import Topic, VisitStatus
from twincity.visits.models import Gap, Lesson, Visit
from twincity.visits.services import VISIT_FIELDS


class Topics(tuple):
    """Chosen topics: hashable, and shown by their names (the shared conflict page prints the value as it is)."""

    def __str__(self) -> str:
        return "、".join(str(Topic(value).label) for value in self)


class TopicsField(forms.MultipleChoiceField):
    def clean(self, value):
        return Topics(super().clean(value))


class VisitForm(RegisterForm):
    """A visit's own fields and its topics; whether it took place is a step on its page, not a field."""

    # A list box like the other multiple choices of the site's forms (Ctrl or Shift to choose several).
    topics = TopicsField(
        label=_("Topics"), choices=Topic.choices, required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )

    class Meta:
        model = Visit
        fields = list(VISIT_FIELDS)
        widgets = {"start_date": forms.DateInput(), "end_date": forms.DateInput()}

    field_order = [*Meta.fields[: Meta.fields.index("level") + 1], "topics"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, rows in (("members", 2), ("programme", 3), ("outcomes", 4), ("note", 2)):
            self.fields[name].widget.attrs["rows"] = rows
        if self.instance.pk:
            self.fields["topics"].initial = self.instance.topic_values


class LearningForm(RegisterForm):
    """A lesson's or a gap's fields; its source visit is one of the partnership's visits that took place."""

    class Meta:
        # No office number (编号) here: a lesson is known by its visit and its place in that visit's list.
        fields = ["number", "title", "side", "visit", "field", "text", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit"].queryset = Visit.objects.filter(
            partnership=self.partnership, status=VisitStatus.HELD, archived_at__isnull=True
        ).select_related("visiting_region", "host_region")
        self.fields["text"].widget.attrs["rows"] = 5
        self.fields["note"].widget.attrs["rows"] = 2


class LessonForm(LearningForm):
    class Meta(LearningForm.Meta):
        model = Lesson


class GapForm(LearningForm):
    class Meta(LearningForm.Meta):
        model = Gap


class HeldForm(StyledFormMixin, forms.Form):
    outcomes = forms.CharField(
        label=pgettext_lazy("visit", "Outcomes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class CancelForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=500)
