"""What the meeting pages share: the members-only door, the object lookups through the access door, and
how a service's refusal reaches the page."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from twincity.accounts.access import partnerships_for
from twincity.accounts.choices import Action
from twincity.core.models import Attachment
from twincity.core.services import ConflictError
from twincity.core.views import StepView, message_of, restricted_object
from twincity.matters.models import Matter
from twincity.meetings.models import ActionOwner, ActionUpdate, Session
from twincity.meetings.tables import action_light_badge
from twincity.regions.models import Partnership


def _form_errors(form) -> str:
    return "; ".join(
        f"{form.fields[f].label if f in form.fields else ''} {' '.join(e)}".strip() for f, e in form.errors.items()
    )


def members_only(view):
    """The meeting pages exist only for people with a place in a partnership: anyone else gets 404."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not partnerships_for(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


class MembersOnlyMixin:
    """``members_only`` for the class-based views: someone signed in with no place in a partnership gets 404."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not partnerships_for(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SessionStepView(MembersOnlyMixin, StepView):
    """A workflow step posted from a session's page (held, lock the minutes…); back to the page at ``anchor``.

    ``queryset`` says what the URL's ``pk`` is: a session, or a line of its minutes (which has a ``session``)."""

    queryset = Session.objects.filter(archived_at__isnull=True)
    anchor = ""

    def entry(self, obj):
        session = obj if isinstance(obj, Session) else obj.session
        return reverse("meetings:session", args=[session.pk]) + (f"#{self.anchor}" if self.anchor else "")


def _partnership_from(request) -> Partnership | None:
    partnerships = partnerships_for(request.user)
    wanted = request.GET.get("partnership") or request.POST.get("partnership")
    return next((p for p in partnerships if str(p.pk) == wanted), partnerships[0] if partnerships else None)


def _visible_matters(user, partnership):
    return (
        Matter.objects.restrict(user)
        .filter(partnership=partnership, archived_at__isnull=True)
        .exclude(status__in=["completed", "cancelled"])
        .select_related("year_list")
        .order_by("-year_list__year", "code")
    )


def _session_queryset():
    return Session.objects.filter(archived_at__isnull=True).select_related(
        "series", "partnership", "host", "secretariat", "agenda_published_by"
    )


def _session(request, pk: int, action: str = Action.VIEW) -> Session:
    return restricted_object(request, _session_queryset(), action, pk=pk)


def _back_to(session: Session, anchor: str = ""):
    return redirect(reverse("meetings:session", args=[session.pk]) + (f"#{anchor}" if anchor else ""))


def _run(request, call, success="", *, form=None, conflict: str = ""):
    """Call a service from a page and say what came of it; the one place a meeting page handles a refusal.

    A refusal (or a stale version, said as ``conflict``) goes on ``form`` when given, else into a message on
    the page the user comes back to. Success says the service's own ``outcome_message``, else ``success``
    (text, or a callable of the result). Returns the service's result, or ``None`` when it was refused.
    """
    try:
        result = call()
    except (ConflictError, ValidationError, PermissionDenied) as exc:
        if isinstance(exc, ConflictError):
            text = conflict or _("Someone else changed this meanwhile. Check it and try again.")
        else:
            text = message_of(exc)
        if form is not None:
            form.add_error(None, text)
        else:
            messages.error(request, text)
        return None
    message = getattr(result, "outcome_message", None) or (success(result) if callable(success) else success)
    if message:
        messages.success(request, message)
    return result


def _attachments_for(objects) -> dict[int, list[Attachment]]:
    objects = list(objects)
    if not objects:
        return {}
    ct = ContentType.objects.get_for_model(type(objects[0]))
    result: dict[int, list[Attachment]] = {}
    for a in Attachment.objects.filter(
        content_type=ct, object_id__in=[o.pk for o in objects], archived_at__isnull=True
    ).order_by("pk"):
        result.setdefault(a.object_id, []).append(a)
    return result


def _actions_with_history(queryset, today):
    updates = ActionUpdate.objects.select_related("author", "organisation").order_by("created", "pk")
    actions = list(
        queryset.with_light(today)
        .select_related("session__series", "matter")
        .prefetch_related(
            Prefetch("owners", queryset=ActionOwner.objects.select_related("organisation", "side")),
            Prefetch("updates", queryset=updates),
        )
    )
    files = _attachments_for(u for a in actions for u in a.updates.all())
    for a in actions:
        a.light_badge = action_light_badge(a.light)
        for u in a.updates.all():
            u.files = files.get(u.pk, [])
    return actions
