from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from twincity.accounts.access import can, is_office, may_act_in
from twincity.accounts.choices import Action
from twincity.accounts.models import Membership
from twincity.accounts.services import enrol, revoke
from twincity.audit.models import ObjectChange, with_names
from twincity.core.services import ConflictError, archive
from twincity.core.views import restricted_object
from twincity.matters.models import Matter  # models of another app may be read, views not
from twincity.regions import forms, services
from twincity.regions.models import CounterpartPair, Field, Organisation, Partnership


@login_required
def partnership_list(request):
    partnerships = (
        Partnership.objects.restrict(request.user).active().annotate(n_regions=Count("regions", distinct=True))
    )
    return render(request, "regions/partnership_list.html", {"partnerships": partnerships, "nav": "partnership"})


@login_required
def partnership_detail(request, pk: int):
    """The partnership: its sides in rotation order, their units by kind, counterpart pairs and fields."""
    partnership = restricted_object(request, Partnership.objects.all(), pk=pk)
    sides = partnership.sides()
    side_ids = [s.pk for s in sides]
    units = (
        Organisation.objects.restrict(request.user)
        .active()
        .filter(Q(region_id__in=side_ids) | Q(region__parent_id__in=side_ids))
        .select_related("region")
        .annotate(n_matters=Count("matter_roles", distinct=True))
        .order_by("kind", "name")
    )
    by_side = {s.pk: [] for s in sides}
    for unit in units:
        by_side.setdefault(unit.region_id if unit.region_id in by_side else unit.region.parent_id, []).append(unit)
    counterparts = (
        CounterpartPair.objects.restrict(request.user)
        .active()
        .filter(partnership=partnership)
        .select_related("first", "second")
    )
    context = {
        "nav": "partnership",
        "partnership": partnership,
        "sides": [(s, by_side.get(s.pk, [])) for s in sides],
        "counterparts": counterparts,
        "fields": partnership.fields.filter(archived_at__isnull=True),
        "history": with_names(ObjectChange.objects.for_object(partnership)[:100]),
        "is_office": is_office(request.user, partnership.pk),
        "can_add_unit": may_act_in(request.user, Action.CHANGE, partnership.pk),
    }
    return render(request, "regions/partnership_detail.html", context)


@login_required
def organisation_detail(request, pk: int):
    unit = restricted_object(request, Organisation.objects.select_related("region", "parent"), pk=pk)
    matters = (
        Matter.objects.restrict(request.user)
        .active()
        .filter(owners__organisation=unit)
        .with_light()
        .select_related("year_list")
        .order_by("-year", "code")[:200]
    )
    context = {
        "unit": unit,
        "matters": matters,
        "history": with_names(ObjectChange.objects.for_object(unit)[:100]),
        "can_change": can(request.user, "change", unit),
        "nav": "partnership",
    }
    return render(request, "regions/organisation_detail.html", context)


def _office_partnership(request, pk: int) -> Partnership:
    """The partnership if the user runs its office; 404 otherwise (settings are the office's business)."""
    partnership = restricted_object(request, Partnership.objects.all(), pk=pk)
    if not is_office(request.user, partnership.pk):
        raise Http404
    return partnership


@login_required
def partnership_settings(request, pk: int):
    """The office's settings page: light thresholds, fields of cooperation, people and their roles."""
    partnership = _office_partnership(request, pk)
    sides = partnership.sides()
    units = (
        Organisation.objects.restrict(request.user).active().filter(Q(region__in=sides) | Q(region__parent__in=sides))
    )
    kind = request.POST.get("form") if request.method == "POST" else None
    thresholds = forms.ThresholdForm(
        request.POST if kind == "thresholds" else None,
        version=partnership.version,
        initial={"near_days": partnership.health_near_days, "lag_margin": partnership.health_lag_margin},
    )
    field_form = forms.FieldForm(request.POST if kind == "field" else None)
    member_form = forms.MemberForm(request.POST if kind == "member" else None, sides=sides, units=units)
    try:
        if kind == "thresholds" and thresholds.is_valid():
            services.update_thresholds(
                partnership,
                user=request.user,
                version=thresholds.cleaned_data["version"],
                near_days=thresholds.cleaned_data["near_days"],
                lag_margin=thresholds.cleaned_data["lag_margin"],
            )
            messages.success(request, _("Thresholds saved; every matter's light follows."))
            return redirect("regions:settings", pk=pk)
        if kind == "field" and field_form.is_valid():
            services.add_field(partnership, user=request.user, **field_form.cleaned_data)
            messages.success(request, _("Field added."))
            return redirect("regions:settings", pk=pk)
        if kind == "field_archive":
            field = get_object_or_404(
                Field.objects.restrict(request.user, "change"), pk=request.POST.get("field"), partnership=partnership
            )
            archive(field, user=request.user)
            messages.success(request, _("Field archived; matters keep it."))
            return redirect("regions:settings", pk=pk)
        if kind == "member" and member_form.is_valid():
            user, _membership, password = enrol(partnership, acting_user=request.user, **member_form.cleaned_data)
            if password:
                messages.warning(
                    request,
                    _(
                        "Account %(user)s created. Its one-time password is %(password)s — "
                        "hand it over in person and ask them to change it after signing in."
                    )
                    % {"user": user.username, "password": password},
                )
            else:
                messages.success(request, _("Role given to %(user)s.") % {"user": user.username})
            return redirect("regions:settings", pk=pk)
        if kind == "revoke":
            membership = get_object_or_404(
                Membership.objects.restrict(request.user, "change"),
                pk=request.POST.get("membership"),
                partnership=partnership,
            )
            revoke(membership, acting_user=request.user)
            messages.success(request, _("Role ended for %(user)s.") % {"user": membership.user.username})
            return redirect("regions:settings", pk=pk)
    except ConflictError:
        messages.error(request, _("Someone else changed these settings meanwhile. Check them and try again."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    members = (
        Membership.objects.restrict(request.user)
        .filter(partnership=partnership, archived_at__isnull=True)
        .select_related("user", "region", "organisation")
        .order_by("role", "user__username")
    )
    context = {
        "nav": "partnership",
        "partnership": partnership,
        "thresholds": thresholds,
        "field_form": field_form,
        "member_form": member_form,
        "fields": partnership.fields.filter(archived_at__isnull=True),
        "members": members,
    }
    return render(request, "regions/settings.html", context)


@login_required
def organisation_edit(request, pk: int | None = None, partnership_pk: int | None = None):
    """Add a unit to a side (office, or a coordinator on its own side), or edit one."""
    if pk is not None:
        unit = restricted_object(request, Organisation.objects.select_related("region"), "change", pk=pk)
        partnership = next(
            (p for p in Partnership.objects.restrict(request.user) if unit.side_for(p) is not None), None
        )
    else:
        unit = None
        partnership = restricted_object(request, Partnership.objects.all(), pk=partnership_pk)
        if not may_act_in(request.user, Action.CHANGE, partnership.pk):
            raise Http404
    if partnership is None:
        raise Http404
    form = forms.OrganisationForm(request.POST or None, instance=unit, sides=partnership.sides())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data.items())
        try:
            if unit is None:
                region = data.pop("region")
                unit = services.create_organisation(partnership, user=request.user, region=region, **data)
            else:
                services.update_organisation(
                    unit, user=request.user, version=int(request.POST.get("version", unit.version)), **data
                )
        except ConflictError:
            messages.error(request, _("Someone else changed this unit meanwhile. Check it and try again."))
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Saved."))
            return redirect("regions:organisation", pk=unit.pk)
    return render(
        request,
        "regions/organisation_form.html",
        {"form": form, "unit": unit, "partnership": partnership, "nav": "partnership"},
    )


@login_required
def unit_options(request):
    """The <option>s of a unit filter, loaded when the person opens it (a partnership may have thousands)."""
    units = Organisation.objects.restrict(request.user).active().select_related("region").order_by("region", "name")
    if request.GET.get("partnership", "").isdigit():
        partnership = restricted_object(request, Partnership.objects.all(), pk=int(request.GET["partnership"]))
        sides = [s.pk for s in partnership.sides()]
        units = units.filter(Q(region_id__in=sides) | Q(region__parent_id__in=sides))
    if request.GET.get("side", "").isdigit():
        side = int(request.GET["side"])
        units = units.filter(Q(region_id=side) | Q(region__parent_id=side))
    selected = request.GET.get("selected") or request.GET.get("organisation", "")  # the chosen one stays chosen
    return render(request, "regions/unit_options.html", {"units": units[:5000], "selected": selected})
