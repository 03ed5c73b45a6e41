"""The view classes every app builds its pages from, and the few pages of the core itself.

All of them are Django generic views, so Django's mixins apply, and all of them ask the one door:

* ``ObjectListView``: a filtered, sortable, paginated table (django-filter's ``FilterView`` with
  django-tables2's ``SingleTableMixin``); rows narrowed by ``restrict`` before any filter.
* ``ObjectDetailView``: one object, found through the door (someone who may not see it gets 404).
* ``ObjectCreateView``: a form whose valid data goes to a service, ``create(partnership=, user=, **data)``.
* ``VersionedUpdateView``: an edit form whose data goes to ``update(obj, user=, version=, **data)``;
  a stale version answers the conflict page (409) with both versions.
* ``StepView``: a workflow step posted from an object's page: run it, say what happened, go back.
* ``ArchiveView``: archive an object (POST), then go to its list.
* ``ExportView`` and ``ImportView``: a list as an Excel file, and an Excel file back into a list.

A refusal of a service (``ValidationError``, ``PermissionDenied``) is put on the form, or said as a
message on the page the user comes back to; ``message_of`` gives its words.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from twincity.accounts.access import can, may_act_in, partnerships_for
from twincity.accounts.choices import Action
from twincity.core.cache import CachedPageMixin, CachedResultsMixin
from twincity.core.models import Attachment
from twincity.core.pagination import COUNT_CAP, SEARCH_COUNT_CAP, CappedPaginator
from twincity.core.services import ConflictError
from twincity.core.text import join_words

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def healthz(request):
    """200 when the application and its database answer; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
def home(request):
    partnerships = partnerships_for(request.user)
    if len(partnerships) >= 1:
        return redirect("dashboard", pk=partnerships[0].pk)
    return render(request, "core/no_partnership.html", status=200)


# ---------------------------------------------------------------------------------------------- helpers


def message_of(exc: ValidationError | PermissionDenied) -> str:
    """The words of a service's refusal, as a page shows them."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this.")


def restricted_object(request, queryset, action: str = Action.VIEW, **lookup):
    """The object if the user may ``action`` it, else 404 (never a 403 that confirms it exists)."""
    return get_object_or_404(queryset.restrict(request.user, action), **lookup)


def editable_partnership(request, wanted: str | None):
    """The partnership (the one asked for, else the first) the user may add records to; 404 if none."""
    partnerships = [p for p in partnerships_for(request.user) if may_act_in(request.user, Action.CHANGE, p.pk)]
    chosen = next((p for p in partnerships if str(p.pk) == wanted), partnerships[0] if partnerships else None)
    if chosen is None:
        raise Http404
    return chosen


def per_page(request, default: int) -> int:
    """Rows per page: ``?per_page=`` within 10–500, else ``default``."""
    try:
        value = int(request.GET.get("per_page", default))
    except ValueError:
        return default
    return max(10, min(value, 500))


def is_fragment_request(request) -> bool:
    """An htmx request that swaps part of the page (a boosted one wants the whole page)."""
    return bool(request.htmx) and not request.htmx.boosted


def display_value(obj, name: str):
    """A field's value as an object's page shows it (choices by label, related sets joined)."""
    getter = getattr(obj, f"get_{name}_display", None)
    value = getter() if getter else getattr(obj, name, None)
    if hasattr(value, "all"):
        return join_words(str(v) for v in value.all())
    return value


def submitted_value(form, name: str):
    """A cleaned form value as the conflict page shows it (choices by label, several values joined)."""
    value = form.cleaned_data.get(name)
    field = form.fields[name]
    if hasattr(field, "choices") and not hasattr(field, "queryset"):
        labels = dict(field.choices)
        if isinstance(value, list | tuple):
            return join_words(str(labels.get(v, v)) for v in value)
        return labels.get(value, value)
    if isinstance(value, list | tuple | set) or hasattr(value, "model"):
        return join_words(str(v) for v in value)
    return value


def conflict_rows(form, current, data: dict) -> list[tuple]:
    """(label, the saved value, the value the editor sent) for each field of the form that was sent."""
    return [
        (form[name].label, display_value(current, name), submitted_value(form, name))
        for name in data
        if name in form.fields
    ]


def form_data(form) -> dict:
    """What a versioned form sends to its service: its cleaned data without the version it carries."""
    return {k: v for k, v in form.cleaned_data.items() if k != "version"}


# ---------------------------------------------------------------------------------------------- lists


class ObjectListView(LoginRequiredMixin, CachedPageMixin, CachedResultsMixin, SingleTableMixin, FilterView):
    """A filtered, sortable, paginated table; an htmx request gets only the table fragment.

    Subclasses set ``queryset`` (or override ``get_queryset``), ``filterset_class``, ``table_class``
    and ``template_name``; the queryset is always narrowed by ``restrict(user, action)`` before
    filtering. ``?per_page=`` chooses 10–500 rows a page. A non-boosted htmx request gets the
    ``template#results`` partial. ``get_extra_context`` adds to the page's context. The results are
    cached where the template wraps them in ``{% cachedpiece %}`` (``core.cache.CachedResultsMixin``).
    """

    queryset = None
    filterset_class = None
    table_class = None
    template_name = ""
    partial_name = "results"
    per_page = 50
    count_cap, search_count_cap = COUNT_CAP, SEARCH_COUNT_CAP  # the count stops there (core/pagination.py)
    action = Action.VIEW

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user, self.action)

    def get_filterset_kwargs(self, filterset_class):
        # Always bound, even with no parameter: a filterset's defaults (e.g. no archived rows) then apply.
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}

    def get_table(self, **kwargs):
        # No ``request=`` to the table: it would paginate itself once more with a plain Paginator (a full
        # COUNT) before get_table_pagination's; the mixin's RequestConfig sets the request and the order.
        return super().get_table(**kwargs)

    def get_table_pagination(self, table):
        # Pages that do not grow with the data (core/pagination.py): a capped count, numbered pages up to
        # the cap, keyset pages after it (?after=).
        cap = self.search_count_cap if self.request.GET.get("q", "").strip() else self.count_cap
        return {
            "per_page": per_page(self.request, self.per_page),
            "paginator_class": CappedPaginator,
            "cap": cap,
            "after": self.request.GET.get("after"),
        }

    def get_context_object_name(self, object_list):
        return None  # the table is what the page shows; no second name for the rows

    def get_extra_context(self) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        context.update(self.get_extra_context())
        return context

    def get_template_names(self):
        names = [self.template_name] if isinstance(self.template_name, str) else list(self.template_name)
        if is_fragment_request(self.request):
            return [f"{name}#{self.partial_name}" for name in names]
        return names


# ---------------------------------------------------------------------------------------------- one object


class DoorObjectMixin:
    """``get_object``: the object named by the URL's ``pk``, found through the door with ``action``."""

    action = Action.VIEW

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        return restricted_object(self.request, queryset, self.action, pk=self.kwargs["pk"])


class ObjectDetailView(LoginRequiredMixin, CachedPageMixin, DoorObjectMixin, DetailView):
    """One object's page; someone who may not see it gets 404."""


class ObjectCreateView(LoginRequiredMixin, FormView):
    """A form that adds a record through its service, in the partnership the user may add to.

    Subclasses set ``form_class`` and ``template_name`` and write ``create(**data)``, which receives
    ``partnership=``, ``user=`` and the form's cleaned data (without ``version``). The partnership
    is ``?partnership=`` if the user may add there, else the first one they may (404 if none).
    A refusal goes on the form; success says ``success_message`` and goes to the new record.
    """

    success_message = ""

    @cached_property
    def partnership(self):
        return self.get_partnership()

    def get_partnership(self):
        return editable_partnership(self.request, self.request.GET.get("partnership"))

    def create(self, **data):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(partnership=self.partnership, **kwargs)

    def form_valid(self, form):
        try:
            self.object = self.create(partnership=self.partnership, user=self.request.user, **form_data(form))
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, message_of(exc))
            return self.form_invalid(form)
        message = self.get_success_message()
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url())

    def get_success_message(self) -> str:
        return str(self.success_message) % {"entry": self.object} if self.success_message else ""

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class VersionedUpdateView(LoginRequiredMixin, DoorObjectMixin, UpdateView):
    """The edit form of a versioned record: ``update(obj, user=, version=, **data)`` with the version
    the editor started from.

    The object is found through the door with ``action`` ("change": someone who may not edit it gets
    404). A POST binds the form to a fresh copy of the record (so the service compares versions, not
    a half-changed object). A stale version renders ``conflict_template`` with both versions (409);
    a refusal is put on the form. ``update_kwargs`` adds to the service's arguments, and
    ``get_conflict_context`` to the conflict page's context.
    """

    action = Action.CHANGE
    conflict_template = "core/conflict.html"
    success_message = gettext_lazy("Saved.")

    def update(self, obj, **data):
        raise NotImplementedError

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "POST":
            kwargs["instance"] = type(self.object)._default_manager.get(pk=self.object.pk)
        kwargs["version"] = self.object.version
        return kwargs

    def form_valid(self, form):
        data = form_data(form)
        try:
            self.update(self.object, user=self.request.user, version=form.cleaned_data["version"], **data)
        except ConflictError as conflict:
            return self.conflict(form, conflict.current, data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, message_of(exc))
            return self.form_invalid(form)
        messages.success(self.request, str(self.success_message))
        return redirect(self.get_success_url())

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def get_edit_url(self) -> str:
        return self.request.path

    def get_conflict_context(self) -> dict:
        return {}

    def conflict(self, form, current, data: dict):
        context = {
            "view": self,
            "object": self.object,
            "current": current,
            "rows": conflict_rows(form, current, data),
            "edit_url": self.get_edit_url(),
            **self.get_conflict_context(),
        }
        return render(self.request, self.conflict_template, context, status=409)


class ReportCorrectionView(VersionedUpdateView):
    """Correct a filed report (a matter's progress report, a secondment's periodic report): found with
    "report"; the form starts from the report's ``initial_fields``; a stale version is said on the form
    (reports are short: the editor reloads rather than compares)."""

    action = Action.REPORT
    context_object_name = "report"
    initial_fields: tuple[str, ...] = ("period", "text")
    success_message = gettext_lazy("Report corrected.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        report = kwargs.pop("instance")
        kwargs["initial"] = {name: getattr(report, name) for name in self.initial_fields}
        return kwargs

    def conflict(self, form, current, data):
        form.add_error(None, _("Someone else corrected this report meanwhile. Nothing was overwritten: reload it."))
        return self.form_invalid(form)


class StepView(LoginRequiredMixin, View):
    """One workflow step, posted from an object's page: run it, say what happened or why not, go back.

    The object is found in ``queryset`` through the door with ``action`` ("change" unless the service
    decides finer; whoever may not reach it gets 404); ``allowed(user, obj)``, when given, narrows
    that further (404 too). ``form_class`` (optional) is bound to the POST with ``form_kwargs(obj,
    user)``; its errors are said as messages. ``run(obj, user, data)`` calls the service (``data``
    is the form's cleaned data, or ``{}``); the service re-checks and enforces the workflow rules,
    and its refusal is said as a message. ``done`` (text, or a callable of the object) is said on
    success. ``entry(obj)`` is the page to go back to (the object itself by default).

    These may be methods of a subclass or given to ``as_view()``::

        path("<int:pk>/submit/", StepView.as_view(queryset=Petition.objects, run=submit, done=_("Submitted.")))
    """

    http_method_names = ["post"]
    queryset = None
    action = Action.CHANGE
    form_class = None
    form_kwargs = None
    allowed = None
    run = None
    done = ""
    entry = None

    def get_object(self):
        found = restricted_object(self.request, self.queryset.all(), self.action, pk=self.kwargs["pk"])
        if self.allowed is not None and not self.allowed(self.request.user, found):
            raise Http404
        return found

    def get_form(self, obj):
        if self.form_class is None:
            return None
        extra = self.form_kwargs(obj, self.request.user) if self.form_kwargs is not None else {}
        return self.form_class(self.request.POST, self.request.FILES or None, **extra)

    def post(self, request, *args, **kwargs):
        found = self.get_object()
        form = self.get_form(found)
        if form is not None and not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        else:
            try:
                self.run(found, request.user, form.cleaned_data if form is not None else {})
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, message_of(exc))
            else:
                done = self.done(found) if callable(self.done) else str(self.done)
                if done:
                    messages.success(request, done)
        return redirect(self.entry(found) if self.entry is not None else found)


class ArchiveView(LoginRequiredMixin, DoorObjectMixin, View):
    """Archive an object (POST): ``archive(obj, user=)``; then its list, or its page if refused.

    Nothing accountable is deleted: archiving keeps the record in the history. The object is found
    through the door with "change". A ``ValidationError`` is said as a message; ``PermissionDenied``
    is the 403 it is.
    """

    http_method_names = ["post"]
    action = Action.CHANGE
    queryset = None
    success_message = gettext_lazy("%(entry)s archived. It stays in the history and the “archived” filter finds it.")

    def get_queryset(self):
        return self.queryset.all()

    def archive(self, obj, *, user):
        raise NotImplementedError

    def get_success_url(self, obj) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            self.archive(obj, user=request.user)
        except ValidationError as exc:
            messages.error(request, message_of(exc))
            return redirect(obj)
        messages.success(request, str(self.success_message) % {"entry": obj})
        return redirect(self.get_success_url(obj))


# ---------------------------------------------------------------------------------------------- Excel


class ExportView(LoginRequiredMixin, View):
    """A filtered list as an Excel file, for one partnership.

    The rows are ``queryset`` narrowed by the door, then by ``filterset_class`` (invalid filters: 404);
    the partnership is the filter's, else the user's first (none: 404). ``export(rows, partnership)``
    returns the workbook's bytes; ``filename`` names the file.
    """

    queryset = None
    filterset_class = None
    filename = "export.xlsx"
    action = Action.VIEW

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user, self.action)

    def export(self, rows, partnership) -> bytes:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise Http404
        partnership = filterset.form.cleaned_data.get("partnership") or next(iter(partnerships_for(request.user)), None)
        if partnership is None:
            raise Http404
        response = HttpResponse(
            self.export(filterset.qs.filter(partnership=partnership), partnership), content_type=XLSX
        )
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response


class ImportView(LoginRequiredMixin, View):
    """An Excel file read into a list of a partnership the user may add to (``?partnership=``).

    ``form_class`` is the upload form; ``run_import(form, partnership=, user=)`` returns a result
    with ``is_valid``, ``created`` and ``updated``. A valid file: a message and the list
    (``get_success_url(partnership)``; an htmx post gets 204 with ``HX-Redirect``). A refused file
    shows the page again with the problems: 400 for a plain form post, 200 with only the
    ``template#result`` partial for htmx (which swaps only 2xx answers into the page).
    """

    form_class = None
    template_name = ""
    partial_name = "result"

    @cached_property
    def partnership(self):
        request = self.request
        return editable_partnership(request, request.POST.get("partnership") or request.GET.get("partnership"))

    def run_import(self, form, *, partnership, user):
        raise NotImplementedError

    def get_success_url(self, partnership) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs) -> dict:
        return {"view": self, "partnership": self.partnership, **kwargs}

    def get_template_names(self) -> list[str]:
        names = [self.template_name] if isinstance(self.template_name, str) else list(self.template_name)
        if self.request.htmx and self.request.method == "POST":
            return [f"{name}#{self.partial_name}" for name in names]
        return names

    def get(self, request, *args, **kwargs):
        return self.respond(self.form_class(), None)

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST or None, request.FILES or None)
        result = None
        if form.is_valid():
            result = self.run_import(form, partnership=self.partnership, user=request.user)
            if result.is_valid:
                messages.success(
                    request,
                    _("Imported: %(created)s added, %(updated)s updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                target = self.get_success_url(self.partnership)
                if request.htmx:
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
        return self.respond(form, result)

    def respond(self, form, result):
        refused = bool(result and not result.is_valid) or bool(form.errors)
        status = 400 if refused and not self.request.htmx else 200
        context = self.get_context_data(form=form, result=result)
        return render(self.request, self.get_template_names(), context, status=status)


# ---------------------------------------------------------------------------------------------- core pages


@login_required
def attachment_download(request, pk: int):
    """Uploaded files are served only here, to those who may see the object they belong to."""
    attachment = restricted_object(request, Attachment.objects.filter(archived_at__isnull=True), pk=pk)
    parent = attachment.parent
    if parent is None or not can(request.user, Action.VIEW, parent):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing from storage.")) from exc
    response = FileResponse(handle, as_attachment=True, filename=attachment.name)
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csrf_failure(request, reason=""):
    return HttpResponse(
        _("Your session expired or the form was sent twice. Go back, reload and try again."), status=403
    )
