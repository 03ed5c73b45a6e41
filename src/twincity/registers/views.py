"""The pages every register shares beyond its own (``registers/pages.py``, made per register by its
``Declaration``): turning an entry, or a part of one, into a follow-up matter, linking and unlinking a
matter, uploading a document. One URL each (``registers:follow_up``…), for any register; each asks the
register's declaration (``registry.declaration_for``) for the service that takes the step, so its
rules and events hold on every path.

Every page asks the one door (``restrict``/``can``): an entry a user may not see is a 404 on every
path; a refused write is said with its reason.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.core.views import message_of, restricted_object
from twincity.matters.models import Matter
from twincity.regions.models import Partnership
from twincity.registers import registry, services
from twincity.registers.declaration import Declaration
from twincity.registers.forms import FollowUpForm, LinkMatterForm, UploadForm
from twincity.registers.models import MatterLink

DEFAULT = Declaration()  # the shared services, for an entry of no declared register


may_add = DEFAULT.may_add  # may the user add entries to the partnership's registers?


def _declaration(subject) -> Declaration:
    return registry.declaration_for(type(subject)) or DEFAULT


# ---------------------------------------------------------------------------------------------- shared pages


def _subject(request, label: str, pk: int, action: str = Action.VIEW):
    """An entry (or part of one) that can have follow-up matters or documents, through the door."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError) as exc:
        raise Http404 from exc
    if not hasattr(model, "matter_links") and not getattr(model, "accepts_uploads", False):
        raise Http404
    return restricted_object(request, model.objects.all(), action, pk=pk)


def _back(subject) -> str:
    url = getattr(subject, "follow_up_url", None)
    return url() if callable(url) else subject.get_absolute_url()


def follow_up_title(subject) -> str:
    """The title a matter following ``subject`` up starts with: the entry's own title (not "1. …", not its code)."""
    return getattr(subject, "follow_up_title", None) or getattr(subject, "title", None) or str(subject)


def follow_up_field_id(subject) -> int | None:
    """The field a matter following ``subject`` up is filed in: the entry's, else what it infers (a lesson: its
    visit's)."""
    field = getattr(subject, "follow_up_field", None) or getattr(subject, "field", None)
    return field.pk if field is not None else None


@login_required
def follow_up(request, label: str, pk: int):
    """Turn an entry (a request, an obligation, a lesson, a gap, a decision) into a new matter in one step."""
    subject = _subject(request, label, pk, Action.CHANGE)
    if not hasattr(subject, "matter_links"):
        raise Http404
    partnership = _partnership_of(subject)
    # The matter is titled and filed as the entry is (its own title without its number, its field or its
    # parent's); the form shows both and the user may change them.
    initial = {"title": follow_up_title(subject)[:300], "field": follow_up_field_id(subject)}
    form = FollowUpForm(request.POST or None, partnership=partnership, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            matter = _declaration(subject).turn_into_matter(
                subject,
                user=request.user,
                title=data["title"],
                year=data["year"],
                owners=form.owner_specs(),
                note=data["note"],
                due_date=data["due_date"],
                goal=data["goal"],
                field_id=data["field"].pk if data["field"] else follow_up_field_id(subject),
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, _("Matter %(code)s created to follow this up.") % {"code": matter.code})
            return redirect(_back(subject))
    context = {"form": form, "subject": subject, "partnership": partnership, "back": _back(subject)}
    return render(request, "registers/follow_up.html", context)


@login_required
@require_POST
def link(request, label: str, pk: int):
    """Record that an existing matter serves the entry."""
    subject = _subject(request, label, pk, Action.CHANGE)
    form = LinkMatterForm(request.POST)
    if form.is_valid():
        matter = (
            Matter.objects.restrict(request.user)
            .filter(partnership_id=_partnership_of(subject).pk, code=form.cleaned_data["code"].strip())
            .order_by("-year")
            .first()
        )
        if matter is None:
            messages.error(request, _("No matter of this partnership has the code %(code)s.") % form.cleaned_data)
        else:
            try:
                _declaration(subject).link_matter(subject, matter, user=request.user, note=form.cleaned_data["note"])
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, message_of(exc))
            else:
                messages.success(request, _("Matter %(code)s linked.") % {"code": matter.code})
    else:
        messages.error(request, _("Give the code of the matter."))
    return redirect(_back(subject))


@login_required
@require_POST
def unlink(request, pk: int):
    link = restricted_object(request, MatterLink.objects.filter(archived_at__isnull=True), pk=pk)
    subject = link.subject
    if subject is None or not can(request.user, Action.CHANGE, subject):
        raise Http404
    services.unlink_matter(link, user=request.user)
    messages.success(request, _("The matter is no longer linked."))
    return redirect(_back(subject))


@login_required
@require_POST
def upload(request, label: str, pk: int):
    """A document of an entry (a signed agreement, a policy's text), checked for type and size."""
    subject = _subject(request, label, pk, Action.CHANGE)
    if not getattr(subject, "accepts_uploads", False):
        raise Http404
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            _declaration(subject).attach(subject, form.cleaned_data["file"], user=request.user)
        except ValidationError as exc:
            messages.error(request, message_of(exc))
        else:
            messages.success(request, _("File uploaded."))
    else:
        messages.error(request, _("Choose a file."))
    return redirect(_back(subject))


def _partnership_of(subject):
    return Partnership.objects.get(pk=subject.audit_partnership_id())
