"""Supervision pages: the weekly digest of a side (its coordinators, the office) and the monthly briefing (the
leaders, the office), each as a page and a PDF; ``briefings`` sends each member to the one meant for them."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from twincity.accounts.access import coordinated_sides, is_office, may_act_in
from twincity.accounts.choices import Action
from twincity.supervision import digests
from twincity.supervision.views.scoring import chosen_partnership


def reads_briefing(user, partnership_id: int) -> bool:
    """The monthly briefing is the leaders' and the office's."""
    return may_act_in(user, Action.APPROVE, partnership_id)


def digest_sides(user, partnership) -> list:
    """The sides whose weekly digest the user reads: the office every side, a coordinator theirs."""
    sides = partnership.sides()
    if is_office(user, partnership.pk):
        return sides
    mine = coordinated_sides(user, partnership.pk)
    return [s for s in sides if s.pk in mine]


def _month(request) -> dt.date:
    text = request.GET.get("month", "")
    try:
        return dt.date.fromisoformat(f"{text}-01") if text else timezone.localdate().replace(day=1)
    except ValueError:
        raise Http404 from None


def _day(request) -> dt.date:
    text = request.GET.get("date", "")
    try:
        return dt.date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        raise Http404 from None


def _briefing(request):
    partnership = chosen_partnership(request)
    if not reads_briefing(request.user, partnership.pk):
        raise Http404
    return digests.monthly(partnership, _month(request))


def _digest(request):
    partnership = chosen_partnership(request)
    sides = digest_sides(request.user, partnership)
    wanted = request.GET.get("side")
    side = next((s for s in sides if str(s.pk) == wanted), None) if wanted else (sides[0] if sides else None)
    if side is None:
        raise Http404
    return digests.weekly(partnership, side, _day(request)), sides


def _pdf(d: digests.Digest, name: str) -> HttpResponse:
    response = HttpResponse(digests.render_pdf(d), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@login_required
def briefings(request):
    """The menu's line: the briefing for the leaders and the office, a coordinator's digest, else the scores."""
    partnership = chosen_partnership(request)
    query = f"?partnership={partnership.pk}"
    if reads_briefing(request.user, partnership.pk):
        return redirect(reverse("supervision:briefing") + query)
    if digest_sides(request.user, partnership):
        return redirect(reverse("supervision:digest") + query)
    return redirect(reverse("supervision:scores") + query)


@login_required
def briefing(request):
    d = _briefing(request)
    previous = (d.start - dt.timedelta(days=1)).strftime("%Y-%m")
    following = (d.end + dt.timedelta(days=1)).strftime("%Y-%m")
    context = {
        "nav": "supervision",
        "partnership": d.partnership,
        "month": d.start.strftime("%Y-%m"),
        "previous": previous,
        "following": following,
        "pdf_url": digests.pdf_url(d),
        "charts": {"chart-colours": digests.chart(d)},
        **digests.context(d),
    }
    return render(request, "supervision/briefing.html", context)


@login_required
def briefing_pdf(request):
    d = _briefing(request)
    return _pdf(d, f"briefing-{d.start.strftime('%Y-%m')}")


@login_required
def digest(request):
    d, sides = _digest(request)
    on = d.end + dt.timedelta(days=1)
    context = {
        "nav": "supervision",
        "partnership": d.partnership,
        "sides": sides,
        "on": on,
        "previous": (on - dt.timedelta(days=7)).isoformat(),
        "following": (on + dt.timedelta(days=7)).isoformat(),
        "pdf_url": digests.pdf_url(d),
        "charts": {"chart-colours": digests.chart(d)},
        **digests.context(d),
    }
    return render(request, "supervision/digest.html", context)


@login_required
def digest_pdf(request):
    d, _sides = _digest(request)
    return _pdf(d, f"digest-{d.side.pk}-{d.end.isoformat()}")


urlpatterns = [
    path("briefings/", briefings, name="briefings"),
    path("briefing/", briefing, name="briefing"),
    path("briefing/pdf/", briefing_pdf, name="briefing_pdf"),
    path("digest/", digest, name="digest"),
    path("digest/pdf/", digest_pdf, name="digest_pdf"),
]
