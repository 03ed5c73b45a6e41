from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

from twincity.audit.models import ObjectChange
from twincity.core.views import restricted_object
from twincity.regions.models import CounterpartPair, Organisation, Partnership


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
        "history": ObjectChange.objects.for_object(partnership)[:100],
    }
    return render(request, "regions/partnership_detail.html", context)


@login_required
def organisation_detail(request, pk: int):
    unit = restricted_object(request, Organisation.objects.select_related("region", "parent"), pk=pk)
    from twincity.matters.models import Matter  # models of another app may be read, views not

    matters = (
        Matter.objects.restrict(request.user)
        .active()
        .filter(owners__organisation=unit)
        .with_light()
        .select_related("year_list")
        .order_by("-year_list__year", "code")[:200]
    )
    context = {
        "unit": unit,
        "matters": matters,
        "history": ObjectChange.objects.for_object(unit)[:100],
        "nav": "partnership",
    }
    return render(request, "regions/organisation_detail.html", context)
