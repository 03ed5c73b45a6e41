"""The person's own notifications and calendar addresses, and the calendar feeds those addresses open.

Notifications and calendar addresses belong to one person: they are looked up by their owner, and
another person's item is a 404. What a feed holds is decided by the meetings app through the access
door, with the rights the address's owner has at the moment of the fetch; the meetings app stands above
this one and hands its feeds over through ``core.registry.calendar_feeds`` (docs/layers.md).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from twincity.accounts.access import restrict
from twincity.accounts.choices import Action
from twincity.core import registry
from twincity.core.services import ConflictError
from twincity.notifications import kinds, services
from twincity.notifications.choices import Channel, DeliveryState, Timing
from twincity.notifications.forms import RobotForm
from twincity.notifications.models import CalendarToken, Delivery, Notification, Robot
from twincity.regions.models import Partnership


@login_required
def notification_list(request):
    """My notifications, newest first; ``?unread=1`` shows only those not yet read."""
    qs = Notification.objects.filter(user=request.user).select_related("partnership")
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        qs = qs.unread()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    unread = Notification.objects.filter(user=request.user).unread().count()
    return render(
        request,
        "notifications/list.html",
        {"page": page, "only_unread": only_unread, "unread": unread, "nav": "notifications"},
    )


def _own(request, pk: int) -> Notification:
    return get_object_or_404(Notification, pk=pk, user=request.user)


@login_required
@require_GET
def open_notification(request, pk: int):
    """Follow a notification's link, marking it read on the way."""
    notification = services.mark_read(_own(request, pk), user=request.user)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_read(request, pk: int):
    services.mark_read(_own(request, pk), user=request.user)
    if request.htmx:
        return render(request, "notifications/list.html#row", {"n": _own(request, pk)})
    return redirect(request.POST.get("next") or reverse("notifications:list"))


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(request.user)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("notifications:list")


# ------------------------------------------------------------------------------------------------ calendars


@login_required
def calendar_settings(request):
    """My calendar address: make a new one (shown once), or close it."""
    token = CalendarToken.objects.active().filter(user=request.user).first()
    secret = request.session.pop("tc_calendar_secret", None)
    feed_url = request.build_absolute_uri(reverse("notifications:feed", args=[secret])) if secret else None
    series = []
    if secret:
        series = [
            (s, request.build_absolute_uri(reverse("notifications:series_feed", args=[secret, s.pk])))
            for s in registry.calendar_feeds().visible_series(request.user)
        ]
    return render(
        request,
        "notifications/calendar.html",
        {"token": token, "feed_url": feed_url, "series_feeds": series, "nav": "notifications"},
    )


@login_required
@require_POST
def calendar_issue(request):
    _token, secret = services.issue_calendar_token(request.user)
    # Kept in the session for the one page that shows it, so that it never appears in a URL or a log.
    request.session["tc_calendar_secret"] = secret
    messages.success(request, _("A new calendar address was made. Earlier addresses no longer work."))
    return redirect("notifications:calendar")


@login_required
@require_POST
def calendar_revoke(request):
    services.revoke_calendar_tokens(request.user)
    messages.success(request, _("Your calendar address is closed: calendar programs using it get nothing more."))
    return redirect("notifications:calendar")


def _token_user(secret: str):
    token = CalendarToken.lookup(secret)
    if token is None:
        raise Http404
    # Once an hour is enough to know that an address is in use; no write on every poll.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 3600:
        CalendarToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _ics_response(payload: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(payload, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def feed(request, secret: str):
    """Every meeting session the address's owner may see (unknown or closed address: 404)."""
    user = _token_user(secret)
    return _ics_response(registry.calendar_feeds().user_feed(user), "twincity.ics")


@require_GET
def series_feed(request, secret: str, pk: int):
    """The sessions of one meeting series, for someone who may see it (otherwise 404)."""
    user = _token_user(secret)
    payload = registry.calendar_feeds().series_feed(user, pk)
    if payload is None:
        raise Http404
    return _ics_response(payload, f"series-{pk}.ics")


# ------------------------------------------------------------------------------------------------ preferences


@login_required
def preferences(request):
    """My notice preferences: per kind of notice, in the application and by e-mail (immediately, digest, off)."""
    table = services.preferences_table(request.user)
    if request.method == "POST":
        chosen = {}
        for kind, channel in table:
            value = request.POST.get(f"pref-{kind}-{channel}")
            if value is not None:
                chosen[(kind, channel)] = value
        try:
            count = services.set_preferences(request.user, chosen)
        except ValueError:
            messages.error(request, _("That choice does not exist. Nothing was changed."))
            return redirect("notifications:preferences")
        messages.success(request, _("Your notice preferences were saved (%(count)s changed).") % {"count": count})
        return redirect("notifications:preferences")
    rows = [
        (kind, kinds.label(kind), table[(kind, Channel.IN_APP)], table[(kind, Channel.EMAIL)])
        for kind, _label in kinds.choices()
    ]
    return render(
        request,
        "notifications/preferences.html",
        {"rows": rows, "timings": Timing.choices, "app_timings": APP_TIMINGS, "nav": "notifications"},
    )


APP_TIMINGS = [(v, label) for v, label in Timing.choices if v != Timing.DIGEST]


# ------------------------------------------------------------------------------------------------ the office's outbox


def _office_partnership(request, pk: int) -> Partnership:
    return get_object_or_404(restrict(Partnership.objects.all(), request.user, Action.ADMINISTER), pk=pk)


@login_required
def deliveries(request, partnership: int):
    """The partnership's outbox: what waits, what went, what failed (with the last answer) and a retry button."""
    p = _office_partnership(request, partnership)
    qs = restrict(Delivery.objects.all(), request.user, Action.ADMINISTER).filter(partnership=p)
    state = request.GET.get("state", "")
    if state in DeliveryState.values:
        qs = qs.filter(state=state)
    counts = dict(
        restrict(Delivery.objects.all(), request.user, Action.ADMINISTER)
        .filter(partnership=p)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    page = Paginator(qs.select_related("recipient", "robot"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/deliveries.html",
        {
            "p": p,
            "partnership": p,
            "page": page,
            "state": state,
            "states": [(v, label, counts.get(v, 0)) for v, label in DeliveryState.choices],
            "nav": "supervision",
        },
    )


@login_required
@require_POST
def retry(request, pk: int):
    row = get_object_or_404(restrict(Delivery.objects.all(), request.user, Action.ADMINISTER), pk=pk)
    try:
        services.retry_delivery(row, user=request.user)
    except ValueError:
        messages.error(request, _("Only a failed delivery can be retried."))
    else:
        messages.success(request, _("The delivery is queued again."))
    return redirect(reverse("notifications:deliveries", args=[row.partnership_id]) + "?state=failed")


@login_required
def robots(request, partnership: int):
    """The partnership's group robots, and a form to add one."""
    p = _office_partnership(request, partnership)
    form = RobotForm(request.POST or None, partnership=p)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_robot(Robot(partnership=p), user=request.user, **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The robot was added."))
            return redirect("notifications:robots", partnership=p.pk)
    rows = restrict(Robot.objects.all(), request.user, Action.ADMINISTER).filter(partnership=p).select_related("side")
    return render(
        request,
        "notifications/robots.html",
        {"p": p, "partnership": p, "robots": rows, "form": form, "nav": "supervision"},
    )


def _own_robot(request, pk: int) -> Robot:
    return get_object_or_404(
        restrict(Robot.objects.all(), request.user, Action.ADMINISTER).select_related("partnership"), pk=pk
    )


@login_required
def robot_edit(request, pk: int):
    robot = _own_robot(request, pk)
    form = RobotForm(request.POST or None, instance=robot, partnership=robot.partnership)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            services.save_robot(
                Robot.objects.get(pk=robot.pk), user=request.user, version=form.cleaned_data["version"], **values
            )
        except ConflictError:
            form.add_error(None, _("Someone else changed this robot meanwhile. Reload the page and try again."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The robot was saved."))
            return redirect("notifications:robots", partnership=robot.partnership_id)
    return render(
        request,
        "notifications/robot_edit.html",
        {"p": robot.partnership, "robot": robot, "form": form, "nav": "supervision"},
    )


@login_required
@require_POST
def robot_test(request, pk: int):
    robot = _own_robot(request, pk)
    error = services.test_robot(robot, user=request.user)
    if error:
        messages.error(request, _("The robot did not take the test message: %(error)s") % {"error": error})
    else:
        messages.success(request, _("The test message was sent."))
    return redirect("notifications:robots", partnership=robot.partnership_id)
