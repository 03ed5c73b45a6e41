"""Policies judged by their effect (政策考核): a policy's page of the indicators it aims to move, each side
before and after it took effect, and the steps that add and remove those indicators (policy_effect.py)."""

from __future__ import annotations

from django import forms
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from twincity.accounts.choices import Action
from twincity.core.forms import StyledFormMixin
from twincity.core.views import ObjectDetailView, StepView
from twincity.indicators import policy_effect
from twincity.indicators.models import Indicator, PolicyTarget
from twincity.policies.models import Policy


class TargetForm(StyledFormMixin, forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    note = forms.CharField(label=_("Why this indicator"), max_length=300, required=False)

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        taken = PolicyTarget.objects.filter(policy=policy).values("indicator")
        self.fields["indicator"].queryset = Indicator.objects.filter(
            partnership_id=policy.partnership_id, archived_at__isnull=True
        ).exclude(pk__in=taken)


class PolicyEffectView(ObjectDetailView):
    """The indicators a policy aims to move, for each side, before and after it took effect."""

    queryset = Policy.objects.select_related("partnership", "side")
    template_name = "indicators/policy_effect.html"
    context_object_name = "policy"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy = self.object
        effects = policy_effect.effect(policy)
        may_edit = policy_effect.may_edit_targets(self.request.user, policy) and not policy.is_archived
        context.update(
            partnership=policy.partnership,
            effects=effects,
            charts={f"effect-chart-{e.target.pk}": e.chart for e in effects if e.chart},
            may_edit=may_edit,
            form=TargetForm(policy=policy) if may_edit else None,
        )
        return context


urls: list = [
    path("policies/<int:pk>/effect/", PolicyEffectView.as_view(), name="policy_effect"),
    path(
        "policies/<int:pk>/targets/add/",
        StepView.as_view(
            queryset=Policy.objects.all(),
            action=Action.VIEW,  # the service decides (whoever may edit the policy); others are refused there
            allowed=policy_effect.may_edit_targets,
            form_class=TargetForm,
            form_kwargs=lambda policy, user: {"policy": policy},
            run=lambda policy, user, data: policy_effect.add_target(
                policy, data["indicator"], user=user, note=data["note"]
            ),
            done=_("The indicator is among the policy's targets."),
            entry=lambda policy: reverse("indicators:policy_effect", args=[policy.pk]),
        ),
        name="policy_target_add",
    ),
    path(
        "policies/targets/<int:pk>/remove/",
        StepView.as_view(
            queryset=PolicyTarget.objects.select_related("policy", "indicator"),
            action=Action.VIEW,
            allowed=lambda user, target: policy_effect.may_edit_targets(user, target.policy),
            run=lambda target, user, data: policy_effect.remove_target(target, user=user),
            done=_("The indicator is off the policy's targets."),
            entry=lambda target: reverse("indicators:policy_effect", args=[target.policy_id]),
        ),
        name="policy_target_remove",
    ),
]
