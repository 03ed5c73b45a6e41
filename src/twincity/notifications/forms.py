"""Forms of the notifications app: a group robot (the secret is written, never shown back)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from twincity.notifications import kinds
from twincity.notifications.models import Robot
from twincity.regions.models import Region


class RobotForm(forms.ModelForm):
    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("DingTalk and Feishu sign each message with it. Leave empty to keep the one saved."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("notice kinds"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Robot
        fields = ["name", "side", "kind", "webhook_url", "secret", "kinds", "active"]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        side_ids = [r.pk for r in partnership.sides()]
        self.fields["side"].queryset = Region.objects.filter(pk__in=side_ids)
        self.fields["side"].empty_label = _("The whole partnership")
        self.fields["kinds"].choices = kinds.choices()
        self.fields["name"].label = _("Robot name")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif isinstance(widget, forms.TextInput | forms.URLInput | forms.PasswordInput):
                widget.attrs.setdefault("class", "form-control")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            if name == "kinds":
                widget.attrs.setdefault("class", "form-check-input")

    def clean_webhook_url(self):
        url = self.cleaned_data["webhook_url"]
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError(_("Enter the robot's web address (https://…)."))
        return url

    def values(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("name", "side", "kind", "webhook_url", "secret", "kinds", "active")}
