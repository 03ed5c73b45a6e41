"""The statistics pages of the indicator system: its home, the definitions (data elements, indicators,
frameworks, reference panels, region aliases: the office's), and the figures (list, entry grid, finalising,
a figure's page with its revisions, its Excel export).

A partnership's pages carry it in the URL (``/indicators/p/<pk>/…``); someone who is not a member gets 404.
The office's pages (adding or editing a definition, finalising) are a 404 to everyone else."""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from twincity.accounts.access import can, is_office, partnerships_for, sides_spoken_for
from twincity.accounts.choices import Action
from twincity.audit.models import history_context
from twincity.core.cache import CachedPageMixin
from twincity.core.views import (
    XLSX,
    ArchiveView,
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    StepView,
    VersionedUpdateView,
    message_of,
    restricted_object,
)
from twincity.indicators import exports, forms, services
from twincity.indicators.choices import ObservationStatus
from twincity.indicators.filtersets import ElementFilterSet, IndicatorFilterSet, ObservationFilterSet
from twincity.indicators.models import (
    DataElement,
    Framework,
    FrameworkNode,
    Indicator,
    Observation,
    ReferencePanel,
    RegionAlias,
)
from twincity.indicators.services import FigureErrors, FigureRow
from twincity.indicators.tables import (
    ElementTable,
    IndicatorTable,
    ObservationTable,
    direction_text,
    formula_text,
    number_text,
)
from twincity.indicators.tasks import export_figures
from twincity.indicators.values import indicator_values
from twincity.regions.models import Partnership, Region

NAV = {"nav": "indicators"}
MAX_PERIODS_SHOWN = 12


# ---------------------------------------------------------------------------------------------- helpers


def member_partnership(request, pk) -> Partnership:
    """The partnership of the URL if the user is a member of it; 404 otherwise."""
    for partnership in partnerships_for(request.user):
        if partnership.pk == int(pk):
            return partnership
    raise Http404


def office_partnership(request, pk) -> Partnership:
    """The partnership of the URL if the user runs its office; 404 otherwise (nobody learns more)."""
    partnership = member_partnership(request, pk)
    if not is_office(request.user, partnership.pk):
        raise Http404
    return partnership


def entry_regions(user, partnership: Partnership) -> list[Region]:
    """The regions the user may enter figures for: the office all the sides and the regions under them; a
    coordinator their side's; a unit contact their unit's side's."""
    mapping = services.region_sides(partnership)
    if is_office(user, partnership.pk):
        ids = set(mapping)
    else:
        sides = sides_spoken_for(user, partnership)
        ids = {pk for pk, side in mapping.items() if side in sides}
    regions = Region.objects.filter(pk__in=ids, archived_at__isnull=True)
    sides_first = {pk: (0 if mapping[pk] == pk else 1) for pk in ids}
    return sorted(regions, key=lambda r: (mapping[r.pk], sides_first[r.pk], r.code))


class PartnershipPage(LoginRequiredMixin):
    """A page of one partnership's indicator system (``pk`` in the URL); members only (others 404)."""

    office_only = False
    partnership_kwarg = "pk"

    @cached_property
    def partnership(self) -> Partnership:
        getter = office_partnership if self.office_only else member_partnership
        return getter(self.request, self.kwargs[self.partnership_kwarg])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(NAV, partnership=self.partnership, is_office=is_office(self.request.user, self.partnership.pk))
        return context


class IndexView(LoginRequiredMixin, View):
    """The menu's entry: the indicator system of ``?partnership=`` (else the user's first)."""

    def get(self, request):
        partnerships = partnerships_for(request.user)
        wanted = request.GET.get("partnership")
        chosen = next((p for p in partnerships if str(p.pk) == wanted), partnerships[0] if partnerships else None)
        if chosen is None:
            raise Http404
        return redirect("indicators:home", pk=chosen.pk)


class HomeView(PartnershipPage, CachedPageMixin, TemplateView):
    template_name = "indicators/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        p = self.partnership
        figures = Observation.objects.filter(partnership=p, archived_at__isnull=True)
        context["counts"] = {
            "elements": DataElement.objects.filter(partnership=p, archived_at__isnull=True).count(),
            "indicators": Indicator.objects.filter(partnership=p, archived_at__isnull=True).count(),
            "frameworks": Framework.objects.filter(partnership=p, archived_at__isnull=True).count(),
            "panels": ReferencePanel.objects.filter(partnership=p, archived_at__isnull=True).count(),
            "aliases": RegionAlias.objects.filter(partnership=p).count(),
            "figures": figures.count(),
            "provisional": figures.filter(status=ObservationStatus.PROVISIONAL).count(),
        }
        context["may_enter"] = bool(entry_regions(self.request.user, p))
        return context


# ---------------------------------------------------------------------------------------------- lists


class PartnershipListView(PartnershipPage, ObjectListView):
    """A list of one partnership's definitions or figures (archived ones left out)."""

    def get_queryset(self):
        return super().get_queryset().filter(partnership=self.partnership, archived_at__isnull=True)

    heading = ""
    add_name = ""

    def get_extra_context(self) -> dict:
        return {"query_string": self.request.GET.urlencode(), "heading": self.heading, "add_name": self.add_name}


class ElementListView(PartnershipListView):
    heading = gettext_lazy("Data elements")
    add_name = "indicators:element_add"
    queryset = DataElement.objects.all()
    filterset_class = ElementFilterSet
    table_class = ElementTable
    template_name = "indicators/element_list.html"


class IndicatorListView(PartnershipListView):
    heading = gettext_lazy("Indicators")
    add_name = "indicators:indicator_add"
    queryset = Indicator.objects.select_related("numerator", "denominator")
    filterset_class = IndicatorFilterSet
    table_class = IndicatorTable
    template_name = "indicators/element_list.html"


class ObservationListView(PartnershipListView):
    heading = gettext_lazy("Figures")
    queryset = Observation.objects.select_related("element", "region", "organisation")
    filterset_class = ObservationFilterSet
    table_class = ObservationTable
    template_name = "indicators/element_list.html"

    def get_extra_context(self) -> dict:
        may_enter = bool(entry_regions(self.request.user, self.partnership))
        return {**super().get_extra_context(), "may_enter": may_enter, "list_kind": "figures"}


# ---------------------------------------------------------------------------------------------- definitions


class DefinitionCreateView(PartnershipPage, ObjectCreateView):
    """The office adds a definition; ``service`` creates it; others get 404."""

    office_only = True
    template_name = "indicators/element_form.html"
    service = None
    title = ""
    detail = ""

    def get_partnership(self):
        return self.partnership

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "version": 0}

    def create(self, **data):
        return type(self).service(**data)

    def get_success_message(self) -> str:
        return _("%(entry)s added.") % {"entry": self.object}

    def get_success_url(self) -> str:
        return reverse(self.detail, args=[self.object.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)


class DefinitionEditView(VersionedUpdateView):
    """The office edits a definition (versioned: a stale edit shows both versions); others get 404."""

    action = Action.ADMINISTER
    template_name = "indicators/element_form.html"
    service = None
    detail = ""

    def update(self, obj, **data):
        return type(self).service(obj, **data)

    def get_success_url(self) -> str:
        return reverse(self.detail, args=[self.object.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            partnership=self.object.partnership, title=_("Edit %(entry)s") % {"entry": self.object}, **NAV, **kwargs
        )

    def get_conflict_context(self) -> dict:
        return NAV


class DefinitionArchiveView(ArchiveView):
    action = Action.ADMINISTER
    service = None
    list_name = ""

    def archive(self, obj, *, user):
        type(self).service(obj, user=user)

    def get_success_url(self, obj) -> str:
        return reverse(self.list_name, args=[obj.partnership_id])


class ElementCreateView(DefinitionCreateView):
    form_class = forms.ElementForm
    service = staticmethod(services.create_element)
    title = gettext_lazy("Add a data element")
    detail = "indicators:element"


class ElementEditView(DefinitionEditView):
    queryset = DataElement.objects.filter(archived_at__isnull=True)
    form_class = forms.ElementForm
    service = staticmethod(services.update_element)
    detail = "indicators:element"


class ElementArchiveView(DefinitionArchiveView):
    queryset = DataElement.objects.filter(archived_at__isnull=True)
    service = staticmethod(services.archive_element)
    list_name = "indicators:element_list"


def pivot(observations, regions: list[Region]) -> dict:
    """Figures as a table: regions × periods (the latest periods), each cell the figure or None."""
    periods = sorted({o.period for o in observations}, reverse=True)[:MAX_PERIODS_SHOWN][::-1]
    cells = {(o.region_id, o.period): o for o in observations}
    rows = [(region, [cells.get((region.pk, p)) for p in periods]) for region in regions]
    return {"periods": periods, "rows": [r for r in rows if any(r[1])]}


class ElementDetailView(ObjectDetailView):
    queryset = DataElement.objects.select_related("partnership")
    template_name = "indicators/element_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        element = self.object
        observations = list(
            Observation.objects.filter(element=element, archived_at__isnull=True)
            .restrict(self.request.user)
            .select_related("region")
        )
        regions = sorted({o.region for o in observations}, key=lambda r: r.code)
        context.update(
            NAV,
            partnership=element.partnership,
            is_office=is_office(self.request.user, element.partnership_id),
            figures=pivot(observations, regions),
        )
        return context


class IndicatorCreateView(DefinitionCreateView):
    form_class = forms.IndicatorForm
    service = staticmethod(services.create_indicator)
    title = gettext_lazy("Add an indicator")
    detail = "indicators:indicator"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}


class IndicatorEditView(DefinitionEditView):
    queryset = Indicator.objects.filter(archived_at__isnull=True)
    form_class = forms.IndicatorForm
    service = staticmethod(services.update_indicator)
    detail = "indicators:indicator"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.object.partnership}


class IndicatorArchiveView(DefinitionArchiveView):
    queryset = Indicator.objects.filter(archived_at__isnull=True)
    service = staticmethod(services.archive_indicator)
    list_name = "indicators:indicator_list"


class IndicatorDetailView(ObjectDetailView):
    queryset = Indicator.objects.select_related("partnership", "numerator", "denominator")
    template_name = "indicators/indicator_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ind = self.object
        partnership = ind.partnership
        mapping = services.region_sides(partnership)
        regions = sorted(Region.objects.filter(pk__in=mapping), key=lambda r: (mapping[r.pk] != r.pk, r.code))
        element_ids = [ind.numerator_id] + ([ind.denominator_id] if ind.denominator_id else [])
        periods = sorted(
            {
                p[:4]
                for p in Observation.objects.filter(element_id__in=element_ids, archived_at__isnull=True)
                .values_list("period", flat=True)
                .distinct()
            }
        )[-MAX_PERIODS_SHOWN:]
        values = indicator_values([ind], [r.pk for r in regions], periods)
        rows = []
        for j, region in enumerate(regions):
            cells = [values[i, j, 0] for i in range(len(periods))]
            if any(c == c for c in cells):  # NaN is not equal to itself
                rows.append((region, [None if c != c else round(float(c), 4) for c in cells]))
        context.update(
            NAV,
            partnership=partnership,
            is_office=is_office(self.request.user, partnership.pk),
            formula=formula_text(ind),
            direction=direction_text(ind.direction),
            periods=periods,
            rows=rows,
        )
        return context


class FrameworkListView(PartnershipPage, TemplateView):
    template_name = "indicators/framework_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["frameworks"] = Framework.objects.filter(partnership=self.partnership, archived_at__isnull=True)
        return context


class FrameworkCreateView(DefinitionCreateView):
    form_class = forms.FrameworkForm
    service = staticmethod(services.create_framework)
    title = gettext_lazy("Add an indicator framework")
    detail = "indicators:framework"


class FrameworkEditView(DefinitionEditView):
    queryset = Framework.objects.filter(archived_at__isnull=True)
    form_class = forms.FrameworkForm
    service = staticmethod(services.update_framework)
    detail = "indicators:framework"


class FrameworkArchiveView(DefinitionArchiveView):
    queryset = Framework.objects.filter(archived_at__isnull=True)
    service = staticmethod(services.archive_framework)
    list_name = "indicators:framework_list"


def framework_tree(framework: Framework) -> list[dict]:
    """The tree flattened for a page, top down: each node with its depth, direction and weight, and its
    effective share of the index (its weight over its siblings', times its parent's share)."""
    nodes = list(framework.nodes.select_related("indicator").order_by("order", "pk"))
    children: dict[int | None, list] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    out: list[dict] = []

    def walk(parent_id, depth, share):
        siblings = children.get(parent_id, [])
        total = sum(float(n.weight) for n in siblings)
        for node in siblings:
            own = share * (float(node.weight) / total if total else 0.0)
            out.append(
                {
                    "node": node,
                    "depth": depth,
                    "prefix": "\u3000" * (depth - 1) + "└ " if depth else "",
                    "direction": direction_text(node.direction),
                    "weight": number_text(node.weight),
                    "share": round(own * 100, 2),
                }
            )
            walk(node.pk, depth + 1, own)

    walk(None, 0, 1.0)
    return out


class FrameworkDetailView(ObjectDetailView):
    queryset = Framework.objects.select_related("partnership")
    template_name = "indicators/framework_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        framework = self.object
        context.update(
            NAV,
            partnership=framework.partnership,
            is_office=is_office(self.request.user, framework.partnership_id),
            tree=framework_tree(framework),
        )
        return context


class NodeFormView(LoginRequiredMixin, FormView):
    """The office adds a node to a framework's tree or edits one (``services.save_node``); others 404."""

    form_class = forms.NodeForm
    template_name = "indicators/framework_node_form.html"

    @cached_property
    def framework(self) -> Framework:
        if "node" in self.kwargs:
            return self.node.framework
        return restricted_object(self.request, Framework.objects.all(), Action.ADMINISTER, pk=self.kwargs["pk"])

    @cached_property
    def node(self) -> FrameworkNode | None:
        if "node" not in self.kwargs:
            return None
        return restricted_object(
            self.request, FrameworkNode.objects.select_related("framework"), Action.ADMINISTER, pk=self.kwargs["node"]
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["framework"] = self.framework
        if self.node is not None:
            kwargs["instance"] = FrameworkNode.objects.get(pk=self.node.pk)
        else:
            kwargs["initial"] = {"parent": self.request.GET.get("parent")}
        return kwargs

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.save_node(self.framework, user=self.request.user, node=self.node, **data)
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, message_of(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("indicators:framework", pk=self.framework.pk)

    def get_context_data(self, **kwargs):
        title = _("Edit a node") if self.node is not None else _("Add a node")
        return super().get_context_data(
            framework=self.framework, partnership=self.framework.partnership, title=title, **NAV, **kwargs
        )


class PanelListView(PartnershipPage, TemplateView):
    template_name = "indicators/panel_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panels"] = ReferencePanel.objects.filter(
            partnership=self.partnership, archived_at__isnull=True
        ).prefetch_related("regions")
        return context


class PanelCreateView(DefinitionCreateView):
    form_class = forms.PanelForm
    service = staticmethod(services.create_panel)
    title = gettext_lazy("Add a reference panel")

    def get_success_url(self) -> str:
        return reverse("indicators:panel_list", args=[self.partnership.pk])


class PanelEditView(DefinitionEditView):
    queryset = ReferencePanel.objects.filter(archived_at__isnull=True)
    form_class = forms.PanelForm
    service = staticmethod(services.update_panel)

    def get_success_url(self) -> str:
        return reverse("indicators:panel_list", args=[self.object.partnership_id])


class AliasListView(PartnershipPage, FormView):
    """The spellings of regions' names met in files; the office adds and removes them here."""

    template_name = "indicators/alias_list.html"
    form_class = forms.AliasForm

    def post(self, request, *args, **kwargs):
        if not is_office(request.user, self.partnership.pk):
            raise Http404
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.set_alias(partnership=self.partnership, user=self.request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, message_of(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Spelling added."))
        return redirect("indicators:alias_list", pk=self.partnership.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["aliases"] = RegionAlias.objects.filter(partnership=self.partnership).select_related("region")
        return context


def _remove_alias(alias, user, data):
    services.remove_alias(alias, user=user)


# ---------------------------------------------------------------------------------------------- figures


class ObservationDetailView(ObjectDetailView):
    queryset = Observation.objects.select_related("element", "region", "side", "organisation", "partnership")
    template_name = "indicators/observation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obs = self.object
        user = self.request.user
        may_report = obs.archived_at is None and can(user, Action.REPORT, obs)
        context.update(
            NAV,
            partnership=obs.partnership,
            value=number_text(obs.value),
            revisions=obs.revisions.select_related("revised_by"),
            may_revise=may_report and obs.is_final,
            may_withdraw=may_report and not obs.is_final,
            may_finalise=obs.archived_at is None and not obs.is_final and is_office(user, obs.partnership_id),
            revision_form=forms.RevisionForm(initial={"version": obs.version}),
            **history_context(obs),
        )
        return context


def _revise(obs, user, data):
    services.revise(obs, value=data["value"], reason=data["reason"], user=user, version=data.get("version"))


def _withdraw(obs, user, data):
    services.archive_observation(obs, user=user)


def _finalise_one(obs, user, data):
    if services.finalise(obs.partnership, [obs], user=user) == 0:
        raise ValidationError(_("This figure is no longer provisional."))


def _figures_of(obs):
    return reverse("indicators:observation_list", args=[obs.partnership_id])


class FinaliseView(PartnershipPage, TemplateView):
    """The office's finalising page: provisional figures (filtered as the figures' list), ticked and finalised."""

    office_only = True
    template_name = "indicators/observation_finalise.html"

    def provisional(self):
        rows = Observation.objects.filter(
            partnership=self.partnership, archived_at__isnull=True, status=ObservationStatus.PROVISIONAL
        ).restrict(self.request.user)
        filterset = ObservationFilterSet(self.request.GET, queryset=rows, request=self.request)
        return filterset, (filterset.qs if filterset.is_valid() else rows.none())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, rows = self.provisional()
        context.update(
            filterset=filterset,
            rows=rows.select_related("element", "region", "organisation")[:500],
        )
        return context


class FinaliseStep(StepView):
    """Finalise the ticked provisional figures (the office; others 404)."""

    queryset = Partnership.objects.all()
    action = Action.VIEW
    form_class = forms.FinaliseForm

    @staticmethod
    def allowed(user, partnership):
        return is_office(user, partnership.pk)

    @staticmethod
    def form_kwargs(partnership, user):
        return {
            "queryset": Observation.objects.filter(
                partnership=partnership, archived_at__isnull=True, status=ObservationStatus.PROVISIONAL
            )
        }

    def run(self, partnership, user, data):
        self.count = services.finalise(partnership, data["figures"], user=user)

    def done(self, partnership):
        return _("%(n)s figures finalised.") % {"n": self.count}

    @staticmethod
    def entry(partnership):
        return reverse("indicators:observation_finalise", args=[partnership.pk])


class EntryView(PartnershipPage, TemplateView):
    """The data-entry grid of a side: regions the user may enter for × the chosen elements and periods.

    Each cell carries the value and the version shown; a cell typed differently is recorded through
    ``services.record_observations_checked``: every row valid or nothing written, and a figure someone else
    changed since the page was loaded is refused for its cell, not overwritten. Final figures are shown, not
    edited (they change through a revision on their page)."""

    template_name = "indicators/observation_entry.html"

    @cached_property
    def regions(self) -> list[Region]:
        regions = entry_regions(self.request.user, self.partnership)
        if not regions:
            raise Http404
        return regions

    def choice_form(self):
        data = self.request.GET if "periods" in self.request.GET else None
        return forms.EntryChoiceForm(data, partnership=self.partnership)

    def get(self, request, *args, **kwargs):
        self.regions  # noqa: B018 - 404 before anything else for someone who enters for no region
        return super().get(request, *args, **kwargs)

    def grid(self, form, errors=None, typed=None):
        if not form.is_bound or not form.is_valid():
            return None
        elements = list(form.cleaned_data["elements"])
        periods = form.cleaned_data["periods"]
        current = {
            (o.element_id, o.region_id, o.period): o
            for o in Observation.objects.filter(
                partnership=self.partnership,
                archived_at__isnull=True,
                element__in=elements,
                region__in=self.regions,
                period__in=periods,
            )
        }
        columns = [(e, p) for e in elements for p in periods]
        rows = []
        for region in self.regions:
            cells = []
            for element, period in columns:
                key = f"c-{element.pk}-{region.pk}-{period}"
                obs = current.get((element.pk, region.pk, period))
                shown = number_text(obs.value) if obs is not None else ""
                cells.append(
                    {
                        "key": key,
                        "obs": obs,
                        "shown": shown,
                        "value": (typed or {}).get(key, shown),
                        "version": obs.version if obs is not None else 0,
                        "errors": (errors or {}).get(key, []),
                        "wrong_frequency": element.frequency != services.period_frequency(period),
                    }
                )
            rows.append({"region": region, "cells": cells})
        return {"columns": columns, "rows": rows}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or self.choice_form()
        context.update(form=form, grid=self.grid(form, kwargs.get("errors"), kwargs.get("typed")))
        return context

    def post(self, request, *args, **kwargs):
        form = self.choice_form()
        if not form.is_valid():
            raise Http404
        allowed = {r.pk for r in self.regions}
        elements = {e.pk: e for e in form.cleaned_data["elements"]}
        rows, versions, typed = [], {}, {}
        for key, raw in request.POST.items():
            if not key.startswith("c-"):
                continue
            try:
                _c, element_id, region_id, period = key.split("-", 3)
                element_id, region_id = int(element_id), int(region_id)
            except ValueError:
                continue
            raw = raw.strip()
            typed[key] = raw
            if raw == request.POST.get(f"o{key}", "").strip() or element_id not in elements:
                continue  # not typed over: nothing to record
            if region_id not in allowed:
                raise Http404
            if raw == "":
                continue  # a blank cell records nothing (a figure is withdrawn on its page)
            try:
                version = int(request.POST.get(f"v{key}", "0"))
            except ValueError:
                version = -1
            rows.append(FigureRow(element=element_id, region=region_id, period=period, value=raw, line=key))
            versions[key] = version
        errors: dict[str, list[str]] = {}
        if rows:
            try:
                outcome = services.record_observations_checked(
                    self.partnership, rows, user=request.user, versions=versions
                )
            except FigureErrors as exc:
                for error in exc.errors:
                    errors.setdefault(error.line, []).append(f"{error.column}: {error.message}")
            except PermissionDenied as exc:
                messages.error(request, message_of(exc))
                context = self.get_context_data(form=form, typed=typed)
                return render(request, self.template_name, context, status=403)
            else:
                messages.success(
                    request,
                    _("Saved: %(created)s added, %(updated)s changed.")
                    % {"created": len(outcome.created), "updated": len(outcome.updated)},
                )
                return redirect(f"{request.path}?{request.GET.urlencode()}")
        else:
            messages.info(request, _("Nothing was typed over: nothing to save."))
            return redirect(f"{request.path}?{request.GET.urlencode()}")
        messages.error(request, _("Nothing was saved: correct the cells marked below."))
        context = self.get_context_data(form=form, errors=errors, typed=typed)
        return render(request, self.template_name, context, status=400)


class ObservationExportView(PartnershipPage, View):
    """The filtered figures as an Excel file (the figures' list's filter); a long list is written by the background
    worker and offered on its job's page (``indicators.exports``)."""

    def get(self, request, *args, **kwargs):
        rows = exports.figures(request.user, self.partnership, request.GET)
        if rows is None:
            raise Http404
        total = rows.count()
        if total > exports.sync_rows():
            with transaction.atomic():
                job = exports.start_export(self.partnership, request.user, request.GET, total)
                transaction.on_commit(lambda: export_figures.enqueue(job.pk))
            messages.info(
                request, _("%(count)s figures: the file is being written in the background.") % {"count": total}
            )
            return redirect("indicators:job_detail", pk=job.pk)
        response = HttpResponse(exports.workbook(rows), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="figures.xlsx"'
        return response


_figures = Observation.objects.filter(archived_at__isnull=True).select_related("partnership")

urls = [
    path("", IndexView.as_view(), name="index"),
    path("p/<int:pk>/", HomeView.as_view(), name="home"),
    # data elements
    path("p/<int:pk>/elements/", ElementListView.as_view(), name="element_list"),
    path("p/<int:pk>/elements/add/", ElementCreateView.as_view(), name="element_add"),
    path("elements/<int:pk>/", ElementDetailView.as_view(), name="element"),
    path("elements/<int:pk>/edit/", ElementEditView.as_view(), name="element_edit"),
    path("elements/<int:pk>/archive/", ElementArchiveView.as_view(), name="element_archive"),
    # indicators
    path("p/<int:pk>/indicators/", IndicatorListView.as_view(), name="indicator_list"),
    path("p/<int:pk>/indicators/add/", IndicatorCreateView.as_view(), name="indicator_add"),
    path("indicators/<int:pk>/", IndicatorDetailView.as_view(), name="indicator"),
    path("indicators/<int:pk>/edit/", IndicatorEditView.as_view(), name="indicator_edit"),
    path("indicators/<int:pk>/archive/", IndicatorArchiveView.as_view(), name="indicator_archive"),
    # frameworks
    path("p/<int:pk>/frameworks/", FrameworkListView.as_view(), name="framework_list"),
    path("p/<int:pk>/frameworks/add/", FrameworkCreateView.as_view(), name="framework_add"),
    path("frameworks/<int:pk>/", FrameworkDetailView.as_view(), name="framework"),
    path("frameworks/<int:pk>/edit/", FrameworkEditView.as_view(), name="framework_edit"),
    path("frameworks/<int:pk>/archive/", FrameworkArchiveView.as_view(), name="framework_archive"),
    path("frameworks/<int:pk>/nodes/add/", NodeFormView.as_view(), name="framework_node_add"),
    path("frameworks/nodes/<int:node>/edit/", NodeFormView.as_view(), name="framework_node_edit"),
    # reference panels and region aliases
    path("p/<int:pk>/panels/", PanelListView.as_view(), name="panel_list"),
    path("p/<int:pk>/panels/add/", PanelCreateView.as_view(), name="panel_add"),
    path("panels/<int:pk>/edit/", PanelEditView.as_view(), name="panel_edit"),
    path("p/<int:pk>/aliases/", AliasListView.as_view(), name="alias_list"),
    path(
        "aliases/<int:pk>/remove/",
        StepView.as_view(
            queryset=RegionAlias.objects.all(),
            action=Action.ADMINISTER,
            run=_remove_alias,
            done=gettext_lazy("Spelling removed."),
            entry=lambda alias: reverse("indicators:alias_list", args=[alias.partnership_id]),
        ),
        name="alias_remove",
    ),
    # figures
    path("p/<int:pk>/figures/", ObservationListView.as_view(), name="observation_list"),
    path("p/<int:pk>/figures/export/", ObservationExportView.as_view(), name="observation_export"),
    path("p/<int:pk>/figures/entry/", EntryView.as_view(), name="observation_entry"),
    path("p/<int:pk>/figures/finalise/", FinaliseView.as_view(), name="observation_finalise"),
    path("p/<int:pk>/figures/finalise/run/", FinaliseStep.as_view(), name="observation_finalise_run"),
    path("figures/<int:pk>/", ObservationDetailView.as_view(), name="observation"),
    path(
        "figures/<int:pk>/revise/",
        StepView.as_view(
            queryset=_figures,
            action=Action.REPORT,
            form_class=forms.RevisionForm,
            allowed=lambda user, obs: obs.is_final,
            run=_revise,
            done=gettext_lazy("Revision recorded."),
            entry=lambda obs: reverse("indicators:observation", args=[obs.pk]),
        ),
        name="observation_revise",
    ),
    path(
        "figures/<int:pk>/withdraw/",
        StepView.as_view(
            queryset=_figures,
            action=Action.REPORT,
            allowed=lambda user, obs: not obs.is_final,
            run=_withdraw,
            done=gettext_lazy("Figure withdrawn. It stays in the history."),
            entry=_figures_of,
        ),
        name="observation_withdraw",
    ),
    path(
        "figures/<int:pk>/finalise/",
        StepView.as_view(
            queryset=_figures,
            action=Action.VIEW,
            allowed=lambda user, obs: not obs.is_final and is_office(user, obs.partnership_id),
            run=_finalise_one,
            done=gettext_lazy("Figure finalised."),
            entry=lambda obs: reverse("indicators:observation", args=[obs.pk]),
        ),
        name="observation_finalise_one",
    ),
]
