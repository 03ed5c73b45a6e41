import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twincity.core.forms import MultipleFileField, StyledFormMixin, VersionedFormMixin
from twincity.meetings.choices import OutcomeKind
from twincity.meetings.models import MeetingSeries, Session
from twincity.meetings.services import SERIES_FIELDS
from twincity.regions.models import Organisation, Region, side_units
from twincity.supervision.choices import Rating


def _units_of(partnership, sides=None):
    return list(side_units(sides if sides is not None else partnership.sides(), order=("region", "name")))


class SeriesForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = MeetingSeries
        fields = list(SERIES_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "default_time": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_host"].queryset = Region.objects.filter(pk__in=[s.pk for s in partnership.sides()])
        self.fields["day_of_month"].min_value = 1
        self.fields["day_of_month"].max_value = 28

    def clean_day_of_month(self):
        value = self.cleaned_data["day_of_month"]
        if not 1 <= value <= 28:
            raise ValidationError(_("Choose a day from 1 to 28, which every month has."))
        return value


class GenerateForm(StyledFormMixin, forms.Form):
    count = forms.IntegerField(label=_("How many sessions"), min_value=1, max_value=24, initial=3)


class SessionAddForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput())
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))


class SessionForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Session
        fields = ["host", "venue", "chair", "secretariat", "duration_minutes", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, partnership, may_change_host: bool, **kwargs):
        super().__init__(*args, **kwargs)
        sides = partnership.sides()
        self.fields["host"].queryset = Region.objects.filter(pk__in=[s.pk for s in sides])
        if not may_change_host:
            self.fields["host"].disabled = True
            self.fields["host"].help_text = _("Only the office hands a session to another host.")
        self.fields["secretariat"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in _units_of(partnership)])
        self.fields["secretariat"].help_text = _("A unit of the host side.")


class RescheduleForm(VersionedFormMixin, forms.Form):
    date = forms.DateField(label=_("New date"), widget=forms.DateInput())
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"]))


class CancelForm(VersionedFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why it is cancelled"), widget=forms.Textarea(attrs={"rows": 2}))


class ItemForm(StyledFormMixin, forms.Form):
    """A topic: proposed into the backlog, or put straight on an agenda by the secretariat."""

    title = forms.CharField(label=_("Title"), max_length=300)
    side = forms.ModelChoiceField(label=_("Side"), queryset=Region.objects.none(), required=False)
    presenter = forms.CharField(label=_("Presenter"), max_length=100, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Presenting unit"), queryset=Organisation.objects.none(), required=False
    )
    duration_minutes = forms.IntegerField(label=_("Minutes needed"), min_value=1, max_value=600, initial=10)
    matter = forms.ModelChoiceField(label=_("Linked matter"), queryset=None, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label=_("Papers"), required=False)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        help_text=_("Needed once the agenda is published: both sides see it."),
    )

    def __init__(self, *args, partnership, matters, sides=None, with_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        all_sides = partnership.sides()
        offered = sides if sides is not None else all_sides
        self.fields["side"].queryset = Region.objects.filter(pk__in=[s.pk for s in offered])
        if len(offered) == 1:
            self.fields["side"].initial = offered[0].pk
            self.fields["side"].required = True
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in _units_of(partnership, offered)]
        )
        self.fields["matter"].queryset = matters
        if not with_reason:
            del self.fields["reason"]

    def item_fields(self) -> dict:
        keys = ("presenter", "organisation", "duration_minutes", "description", "matter")
        return {k: self.cleaned_data[k] for k in keys if k in self.cleaned_data}


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False)


class AttendanceForm(StyledFormMixin, forms.Form):
    side = forms.ModelChoiceField(label=_("Side"), queryset=Region.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100)
    post = forms.CharField(label=_("Post"), max_length=150, required=False)
    is_leader = forms.BooleanField(label=_("Leader"), required=False)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["side"].queryset = Region.objects.filter(pk__in=[s.pk for s in partnership.sides()])


class OutcomeForm(StyledFormMixin, forms.Form):
    """An outcome; for a decision or an action, optionally the action it creates."""

    item = forms.ModelChoiceField(label=_("Agenda item"), queryset=None, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OutcomeKind.choices, initial=OutcomeKind.DECISION)
    text = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}))
    creates_action = forms.BooleanField(label=_("This creates an action"), required=False)
    action_title = forms.CharField(label=_("Action"), max_length=300, required=False)
    owners = forms.ModelMultipleChoiceField(
        label=_("Owning units"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=forms.DateInput())
    matter = forms.ModelChoiceField(label=_("Matter it serves"), queryset=None, required=False)
    new_matter_title = forms.CharField(
        label=_("Or: new matter for this year's list"),
        max_length=300,
        required=False,
        help_text=_("Creates the matter in one step, owned by the same units."),
    )

    def __init__(self, *args, session, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = session.items.filter(status="on_agenda").order_by("order")
        self.fields["owners"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in _units_of(session.partnership)]
        ).select_related("region")
        self.fields["owners"].label_from_instance = lambda o: f"{o.region.short_name or o.region.name} · {o.name}"
        self.fields["matter"].queryset = matters

    def clean(self):
        data = super().clean()
        wants_action = data.get("creates_action") or data.get("kind") == OutcomeKind.ACTION
        if wants_action:
            if data.get("kind") == OutcomeKind.INFORMATION:
                self.add_error("kind", _("Information noted creates no action; record a decision or an action."))
            if not data.get("owners"):
                self.add_error("owners", _("Name at least one owning unit."))
            if not data.get("due_date"):
                self.add_error("due_date", _("Give a due date."))
            if data.get("matter") and data.get("new_matter_title"):
                self.add_error("new_matter_title", _("Link an existing matter or create a new one, not both."))
        data["wants_action"] = bool(wants_action)
        return data


class OutcomeEditForm(VersionedFormMixin, forms.Form):
    text = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}))


class SummaryForm(StyledFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("Summary of the minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ConfirmForm(StyledFormMixin, forms.Form):
    side = forms.ModelChoiceField(label=_("For the side"), queryset=Region.objects.none())
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, sides, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["side"].queryset = Region.objects.filter(pk__in=sides)
        if len(sides) == 1:
            self.fields["side"].initial = next(iter(sides))


class AmendmentForm(StyledFormMixin, forms.Form):
    outcome = forms.ModelChoiceField(label=_("Outcome concerned"), queryset=None, required=False)
    text = forms.CharField(label=_("Amendment"), widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason"))

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = session.outcomes.all()


class StepForm(StyledFormMixin, forms.Form):
    """Acknowledge, feed back, report done (with evidence), verify, return or cancel an action."""

    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label=_("Evidence"), required=False)
    rating = forms.ChoiceField(label=_("Rating"), required=False, choices=[("", "—"), *Rating.choices])


class ActionForm(VersionedFormMixin, forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput())
    owners = forms.ModelMultipleChoiceField(
        label=_("Owning units"), queryset=Organisation.objects.none(), widget=forms.SelectMultiple(attrs={"size": 5})
    )
    reason = forms.CharField(label=_("Reason for the change"), required=False)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in _units_of(partnership)])
