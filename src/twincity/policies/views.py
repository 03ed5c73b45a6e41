"""Policy alignment, declared: the registers of policies and of alignment groups, the clauses of a policy,
and the group's comparison with its steps (clauses in and out, negotiation, agreeing to differ)."""

from functools import cached_property, partial

from django.db.models import Prefetch
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from twincity.accounts.access import can, may_act_in
from twincity.accounts.choices import Action
from twincity.core import registry
from twincity.core.views import VersionedUpdateView
from twincity.policies import excel, forms, services
from twincity.policies.choices import AlignmentStatus
from twincity.policies.divergence import exceeds
from twincity.policies.filtersets import AlignmentGroupFilterSet, PolicyFilterSet
from twincity.policies.models import AlignmentGroup, AlignmentMember, Clause, Policy
from twincity.policies.tables import AlignmentGroupTable, PolicyTable
from twincity.registers.declaration import Declaration, Step
from twincity.registers.views import may_add


class ClauseEditView(VersionedUpdateView):
    """Edit a clause (its value moves every comparison it is in); a stale edit is refused with both versions."""

    queryset = Clause.objects.select_related("policy__side")
    form_class = forms.ClauseForm
    template_name = "policies/clause_form.html"

    @cached_property
    def back(self) -> str:
        request = self.request
        back = request.GET.get("next") or request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        return back or self.object.policy.get_absolute_url()

    def update(self, obj, **data):
        return services.update_clause(obj, **data)

    def get_success_url(self) -> str:
        return self.back

    def get_context_data(self, **kwargs):
        return super().get_context_data(back=self.back, nav="policies", nav_is_register=True, **kwargs)

    def get_conflict_context(self) -> dict:
        return {"nav": "policies", "nav_is_register": True}


class PolicyRegister(Declaration):
    model = Policy
    label = gettext_lazy("Policies")
    icon = "file-earmark-text"
    order = 50
    filterset_class = PolicyFilterSet
    table_class = PolicyTable
    form_class = forms.PolicyForm
    workbook = excel.PolicyWorkbook()
    uploads = True
    detail_fields = ("side", "issuing_body", "document_number", "effective_on", "expires_on")
    list_select_related = ("field", "side")
    steps = (
        Step(
            "clause_add",
            lambda policy, user, data: services.add_clause(policy, user=user, **data),
            url="<int:pk>/clauses/add/",
            form=partial(forms.ClauseForm, prefix="clause"),
            done=gettext_lazy("Clause added."),
        ),
        Step(
            "clause_archive",
            lambda clause, user, data: services.archive_clause(clause, user=user),
            url="clauses/<int:pk>/archive/",
            queryset=Clause.objects.select_related("policy"),
            done=gettext_lazy("Clause archived; it no longer counts in any comparison."),
            entry=lambda clause: clause.policy,
        ),
    )

    def create(self, **data):
        return services.create_policy(**data)

    def update(self, obj, **data):
        return services.update_policy(obj, **data)

    def attach(self, subject, file, *, user):
        return services.attach_document(subject, file, user=user)

    def detail_queryset(self):
        return super().detail_queryset().select_related("side")

    def detail_context(self, request, obj):
        asked = (("unit", "unit"), ("term_name", "term"))
        clause_asked = {key: request.GET[name][:200] for key, name in asked if request.GET.get(name)}
        clauses = list(obj.clauses.order_by("archived_at", "reference", "pk"))
        compared: dict[int, list] = {}
        members = AlignmentMember.objects.filter(
            clause__in=clauses, archived_at__isnull=True, group__archived_at__isnull=True
        ).select_related("group")
        for member in members:
            compared.setdefault(member.clause_id, []).append(member.group)
        for clause in clauses:
            clause.groups = compared.get(clause.pk, [])
        return {
            "object_links": registry.object_links(obj, request.user),
            "clauses": [c for c in clauses if not c.is_archived],
            "archived_clauses": [c for c in clauses if c.is_archived],
            # Reached from an alignment group with nothing to compare: the form comes open, in the group's unit.
            "clause_form": forms.ClauseForm(prefix="clause", initial=clause_asked),
            "clause_asked": bool(clause_asked),
        }


# Steps on a group a coordinator may only read: found with "view", then narrowed (404 for the rest); the
# services decide finer (a side adds only its own clauses, negotiates only where it has one). Their forms
# need the group and the user (the clauses and statuses offered); a member's removal form is prefixed by
# the member (several stand on one page).
GROUPS = AlignmentGroup.objects.select_related("partnership")

GROUP_STEPS = (
    Step(
        "member_add",
        lambda group, user, data: services.add_member(group, data["clause"], user=user),
        url="groups/<int:pk>/members/add/",
        queryset=GROUPS,
        form=forms.MemberForm,
        form_kwargs=lambda group, user: {"group": group, "user": user},
        allowed=lambda user, group: may_add(user, group.partnership),
        action=Action.VIEW,
        done=gettext_lazy("Clause added to the comparison."),
    ),
    Step(
        "member_remove",
        lambda member, user, data: services.remove_member(member, user=user, reason=data["reason"]),
        url="groups/members/<int:pk>/remove/",
        queryset=AlignmentMember.objects.filter(archived_at__isnull=True).select_related("group"),
        form=forms.ReasonForm,
        form_kwargs=lambda member, user: {"prefix": f"remove-{member.pk}"},
        allowed=lambda user, member: can(user, Action.CHANGE, member.group),
        action=Action.VIEW,
        entry=lambda member: member.group,
        done=gettext_lazy("Clause taken out of the comparison."),
    ),
    # Put the group under negotiation, or record that the sides agreed to differ (with a reason).
    Step(
        "set_status",
        lambda group, user, data: services.set_status(group, user=user, status=data["status"], reason=data["reason"]),
        url="groups/<int:pk>/status/",
        queryset=GROUPS,
        form=forms.StatusForm,
        form_kwargs=lambda group, user: {"statuses": services.holdable_statuses(user, group)},
        allowed=lambda user, group: services.may_hold(user, group, AlignmentStatus.NEGOTIATING),
        action=Action.VIEW,
        done=gettext_lazy("Status changed."),
    ),
    # End a negotiation or an agreement to differ: the figures decide the status again.
    Step(
        "resume",
        lambda group, user, data: services.resume_comparison(group, user=user, reason=data["reason"]),
        url="groups/<int:pk>/resume/",
        queryset=GROUPS,
        form=forms.ReasonForm,
        form_kwargs=lambda group, user: {"prefix": "resume"},
        allowed=lambda user, group: services.may_hold(
            user, group, group.status if group.is_held else AlignmentStatus.NEGOTIATING
        ),
        action=Action.VIEW,
        done=gettext_lazy("The comparison decides the status again."),
    ),
)


class AlignmentGroupRegister(Declaration):
    model = AlignmentGroup
    label = gettext_lazy("Policy alignment")
    icon = "sliders"
    order = 51
    filterset_class = AlignmentGroupFilterSet
    table_class = AlignmentGroupTable
    form_class = forms.GroupForm
    workbook = excel.AlignmentGroupWorkbook()
    follow_up = True
    steps = GROUP_STEPS

    def create(self, **data):
        return services.create_group(**data)

    def update(self, obj, **data):
        return services.update_group(obj, **data)

    def list_queryset(self):
        live = services.in_side_order(
            AlignmentMember.objects.filter(
                archived_at__isnull=True, clause__archived_at__isnull=True, clause__policy__archived_at__isnull=True
            ).select_related("clause__policy__side")
        )
        return super().list_queryset().prefetch_related(Prefetch("members", queryset=live, to_attr="live_members"))

    def may_add(self, user, partnership):
        # a group names no side: only whoever may change a record of the whole partnership (the office) sets one up
        return super().may_add(user, partnership) and may_act_in(user, Action.CHANGE, partnership.pk, AlignmentGroup)

    def detail_context(self, request, obj):
        user = request.user
        columns = services.side_by_side(obj)
        highest = max((v for column in columns for v in column.values), default=0)
        for column in columns:
            for member in column.members:
                member.may_edit = can(user, Action.CHANGE, member.clause)
                member.bar = round(member.clause.value / highest * 100, 1) if highest else 0
                member.remove_form = forms.ReasonForm(prefix=f"remove-{member.pk}")
        statuses = services.holdable_statuses(user, obj)
        held = obj.status if obj.is_held else AlignmentStatus.NEGOTIATING
        member_form = None
        clause_policies = []
        if not obj.is_archived and may_add(user, obj.partnership):
            member_form = forms.MemberForm(group=obj, user=user)
            if not member_form.fields["clause"].queryset.exists():
                member_form = None
            # Where a clause in the group's unit can be entered: the user's own live policies (a new clause is
            # entered on its policy, then added here).
            clause_policies = list(
                Policy.objects.restrict(user, Action.CHANGE)
                .filter(partnership_id=obj.partnership_id, archived_at__isnull=True)
                .select_related("side")
                .order_by("side__code", "title", "pk")[:12]
            )
        return {
            "columns": columns,
            "flagged": exceeds(obj.divergence, obj.tolerance),
            "statuses": statuses,
            "status_form": forms.StatusForm(statuses=statuses) if statuses and not obj.is_archived else None,
            "may_resume": obj.is_held and not obj.is_archived and services.may_hold(user, obj, held),
            "resume_form": forms.ReasonForm(prefix="resume"),
            "member_form": member_form,
            "clause_policies": clause_policies,
        }


policies = PolicyRegister()
groups = AlignmentGroupRegister()
