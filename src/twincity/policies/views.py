"""Pages of policy alignment: the standard register pages of policies and of alignment groups, the clauses
of a policy, and the group's comparison with its steps (clauses in and out, negotiation, agreeing to differ)."""

from functools import partial
from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from twincity.accounts.access import can, may_act_in
from twincity.accounts.choices import Action
from twincity.core.views import editable_partnership, restricted_object
from twincity.policies import excel, forms, services
from twincity.policies.choices import AlignmentStatus
from twincity.policies.divergence import exceeds
from twincity.policies.filtersets import AlignmentGroupFilterSet, PolicyFilterSet
from twincity.policies.models import AlignmentGroup, AlignmentMember, Clause, Policy
from twincity.policies.tables import AlignmentGroupTable, PolicyTable
from twincity.registers.views import RegisterViews, may_add, save_versioned, step


class PolicyViews(RegisterViews):
    model = Policy
    filterset_class = PolicyFilterSet
    table_class = PolicyTable
    form_class = forms.PolicyForm
    workbook = excel.PolicyWorkbook()
    uploads = True
    detail_fields = ("side", "issuing_body", "document_number", "effective_on", "expires_on")
    list_select_related = ("field", "side")

    def create(self, **data):
        return services.create_policy(**data)

    def update(self, obj, **data):
        return services.update_policy(obj, **data)

    def detail_queryset(self):
        return super().detail_queryset().select_related("side")

    def detail_context(self, request, obj):
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
            "clauses": [c for c in clauses if not c.is_archived],
            "archived_clauses": [c for c in clauses if c.is_archived],
            "clause_form": forms.ClauseForm(prefix="clause"),
        }


class AlignmentGroupViews(RegisterViews):
    model = AlignmentGroup
    filterset_class = AlignmentGroupFilterSet
    table_class = AlignmentGroupTable
    form_class = forms.GroupForm
    workbook = excel.AlignmentGroupWorkbook()
    follow_up = True

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

    def base_context(self, request, **extra):
        context = super().base_context(request, **extra)
        partnership = context.get("partnership")
        if context.get("can_add"):  # a group names no side: only the office sets one up
            context["can_add"] = may_act_in(request.user, Action.CHANGE, partnership.pk, AlignmentGroup)
        return context

    def add(self, request):
        partnership = editable_partnership(request, request.GET.get("partnership"))
        if not may_act_in(request.user, Action.CHANGE, partnership.pk, AlignmentGroup):
            raise Http404
        return super().add(request)

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
        if not obj.is_archived and may_add(user, obj.partnership):
            member_form = forms.MemberForm(group=obj, user=user)
            if not member_form.fields["clause"].queryset.exists():
                member_form = None
        return {
            "columns": columns,
            "flagged": exceeds(obj.divergence, obj.tolerance),
            "statuses": statuses,
            "status_form": forms.StatusForm(statuses=statuses) if statuses and not obj.is_archived else None,
            "may_resume": obj.is_held and not obj.is_archived and services.may_hold(user, obj, held),
            "resume_form": forms.ReasonForm(prefix="resume"),
            "member_form": member_form,
        }


policy_views = PolicyViews()
group_views = AlignmentGroupViews()
# The shared conflict page names the edit page through ``views.url_name``: a clause's is ``policies:clause_edit``.
CLAUSE_PAGES = SimpleNamespace(url_name=lambda: "policies:clause")


# ------------------------------------------------------------------------------------------------ clauses


clause_add = step(
    Policy.objects,
    lambda policy, user, data: services.add_clause(policy, user=user, **data),
    form_class=partial(forms.ClauseForm, prefix="clause"),
    done=gettext_lazy("Clause added."),
)


@login_required
def clause_edit(request, pk):
    """Edit a clause (its value moves every comparison it is in); a stale edit is refused with both versions."""
    clause = restricted_object(request, Clause.objects.select_related("policy__side"), Action.CHANGE, pk=pk)
    back = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    back = back or clause.policy.get_absolute_url()
    fresh = Clause.objects.get(pk=clause.pk) if request.method == "POST" else clause
    form = forms.ClauseForm(request.POST or None, instance=fresh, version=clause.version)
    saved = save_versioned(request, clause, form, services.update_clause, pages=CLAUSE_PAGES, done_url=back)
    if saved is not None:
        return saved
    context = {"form": form, "object": clause, "back": back, "nav": "policies", "nav_is_register": True}
    return render(request, "policies/clause_form.html", context)


clause_archive = step(
    Clause.objects.select_related("policy"),
    lambda clause, user, data: services.archive_clause(clause, user=user),
    done=gettext_lazy("Clause archived; it no longer counts in any comparison."),
    entry=lambda clause: clause.policy,
)


# ------------------------------------------------------------------------------------------------ groups
# These steps stay hand-written: ``step`` finds its object with "change", but a group is the office's
# to change and a coordinator takes these steps on a group they may only read (their own side's clause
# in, negotiation); their forms also need the group and the user (the clauses and statuses offered),
# and a member's removal form is prefixed by the member (several stand on one page).


# Steps on a group a coordinator may only read: found with "view", then narrowed (404 for the rest); the
# services decide finer (a side adds only its own clauses, negotiates only where it has one).
GROUPS = AlignmentGroup.objects.select_related("partnership")

member_add = step(
    GROUPS,
    lambda group, user, data: services.add_member(group, data["clause"], user=user),
    form_class=forms.MemberForm,
    form_kwargs=lambda group, user: {"group": group, "user": user},
    allowed=lambda user, group: may_add(user, group.partnership),
    action=Action.VIEW,
    done=gettext_lazy("Clause added to the comparison."),
)
member_remove = step(
    AlignmentMember.objects.filter(archived_at__isnull=True).select_related("group"),
    lambda member, user, data: services.remove_member(member, user=user, reason=data["reason"]),
    form_class=forms.ReasonForm,
    form_kwargs=lambda member, user: {"prefix": f"remove-{member.pk}"},
    allowed=lambda user, member: can(user, Action.CHANGE, member.group),
    action=Action.VIEW,
    entry=lambda member: member.group,
    done=gettext_lazy("Clause taken out of the comparison."),
)
# Put the group under negotiation, or record that the sides agreed to differ (with a reason).
set_status = step(
    GROUPS,
    lambda group, user, data: services.set_status(group, user=user, status=data["status"], reason=data["reason"]),
    form_class=forms.StatusForm,
    form_kwargs=lambda group, user: {"statuses": services.holdable_statuses(user, group)},
    allowed=lambda user, group: services.may_hold(user, group, AlignmentStatus.NEGOTIATING),
    action=Action.VIEW,
    done=gettext_lazy("Status changed."),
)
# End a negotiation or an agreement to differ: the figures decide the status again.
resume = step(
    GROUPS,
    lambda group, user, data: services.resume_comparison(group, user=user, reason=data["reason"]),
    form_class=forms.ReasonForm,
    form_kwargs=lambda group, user: {"prefix": "resume"},
    allowed=lambda user, group: services.may_hold(
        user, group, group.status if group.is_held else AlignmentStatus.NEGOTIATING
    ),
    action=Action.VIEW,
    done=gettext_lazy("The comparison decides the status again."),
)
