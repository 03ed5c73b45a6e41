"""The pages of a register, written once: list, entry, add, edit, archive, Excel export and import,
follow-up matters and uploads. A register's ``views.py`` subclasses ``RegisterViews`` and names its
parts; its ``urls.py`` mounts ``RegisterViews.urls()`` beside its own workflow pages.

Every page asks the one door (``restrict``/``can``): an entry a user may not see is a 404 on every
path; an edit page the user may not use is a 404; a refused write is a 403 with the reason.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from twincity.accounts.access import can, may_act_in, partnerships_for
from twincity.accounts.choices import Action
from twincity.audit.models import AuditEvent, ObjectChange, with_names
from twincity.core.models import Attachment
from twincity.core.services import ConflictError, attach
from twincity.core.views import (
    XLSX,
    StepView,
    conflict_rows,
    display_value,
    editable_partnership,
    form_data,
    message_of,
    per_page,
    restricted_object,
)
from twincity.registers import registry, services
from twincity.registers.forms import FollowUpForm, LinkMatterForm, UploadForm
from twincity.registers.models import MatterLink

__all__ = ["XLSX", "RegisterViews", "display_value", "message_of", "run_step", "save_versioned", "step"]


def may_add(user, partnership) -> bool:
    return may_act_in(user, Action.CHANGE, partnership.pk)


def history_of(obj) -> dict:
    """The change records and named events of an entry and of what belongs to it."""
    ct = ContentType.objects.get_for_model(obj)
    return {
        "history": with_names(ObjectChange.objects.for_object(obj)[:200]),
        "events": AuditEvent.objects.filter(object_type=ct, object_id=obj.pk).select_related("user")[:100],
    }


def attachments_of(obj):
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, archived_at__isnull=True
    ).order_by("-created")


def run_step(request, obj, run, *, form=None, done: str = ""):
    """A workflow step posted from an entry's page: run it, say what happened or why not, and go back.

    The caller found ``obj`` through the door with the action the step needs (so a user who may
    not take the step got a 404); the service re-checks and enforces the workflow rules.
    """
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            run(form.cleaned_data if form is not None else {})
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, message_of(exc))
        else:
            if done:
                messages.success(request, done)
    return redirect(obj)


def save_versioned(request, obj, form, update, *, pages, done_url: str, extra: dict | None = None):
    """What every edit form of a versioned record does with a POST: ``update(obj, user=, version=, **data)``
    with the version the editor started from. A stale version renders the conflict page with both
    versions (409); a refusal is put on the form. Returns the response, or None to show the form (again).

    ``pages`` names the record's pages for the conflict page (a ``RegisterViews``, or anything with
    ``url_name``); ``extra`` adds to that page's context.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    data = form_data(form)
    try:
        update(obj, user=request.user, version=form.cleaned_data["version"], **data)
    except ConflictError as conflict:
        context = {
            "views": pages,
            "object": obj,
            "current": conflict.current,
            "rows": conflict_rows(form, conflict.current, data),
            "edit_url": request.path,
            "nav_is_register": True,
        }
        return render(request, "registers/conflict.html", {**context, **(extra or {})}, status=409)
    except (ValidationError, PermissionDenied) as exc:
        form.add_error(None, message_of(exc))
        return None
    messages.success(request, _("Saved."))
    return redirect(done_url)


def step(queryset, run, *, form_class=None, done="", entry=None, form_kwargs=None, allowed=None, action=Action.CHANGE):
    """The view of one workflow step, posted from an entry's page: a ``core.views.StepView``, which see."""
    return StepView.as_view(
        queryset=queryset,
        run=run,
        form_class=form_class,
        done=done,
        entry=entry,
        form_kwargs=form_kwargs,
        allowed=allowed,
        action=action,
    )


class RegisterViews:
    """The standard pages of one register model (NetBox's model views, gathered in one class).

    A subclass sets ``model``, ``filterset_class``, ``table_class``, ``form_class``, the services
    ``create``/``update`` (``create(partnership=, user=, **cleaned)``, ``update(obj, user=, version=,
    **cleaned)``), and optionally ``workbook`` (an ``excel.RegisterWorkbook``: export, and import when
    it ``imports``), ``detail_fields`` (shown in the entry's facts), ``uploads`` (documents on the
    entry) and ``follow_up`` (the entry turns into matters). ``detail_context`` adds what its own
    template needs.
    """

    model = None
    filterset_class = None
    table_class = None
    form_class = None
    workbook = None
    detail_fields: tuple[str, ...] = ()
    uploads = False
    follow_up = False
    list_select_related: tuple[str, ...] = ("field",)
    per_page = 50

    # --- names ---

    @property
    def name(self) -> str:
        return self.model._meta.model_name

    @property
    def app(self) -> str:
        return self.model._meta.app_label

    def url_name(self, page: str = "") -> str:
        return f"{self.app}:{self.name}_{page}" if page else f"{self.app}:{self.name}"

    def template(self, page: str) -> list[str]:
        return [f"{self.app}/{self.name}_{page}.html", f"registers/{page}.html"]

    def create(self, **kwargs):
        raise NotImplementedError

    def update(self, obj, **kwargs):
        raise NotImplementedError

    # --- hooks ---

    def list_queryset(self):
        return self.model.objects.select_related(*self.list_select_related).defer("search_document")

    def detail_queryset(self):
        return self.model.objects.select_related("partnership", "field")

    def detail_context(self, request, obj) -> dict:
        return {}

    def form_kwargs(self, request, partnership, obj=None) -> dict:
        return {}

    def base_context(self, request, **extra) -> dict:
        return {
            "nav": self.app,
            "nav_is_register": True,
            "views": self,
            "verbose_name": self.model._meta.verbose_name,
            "verbose_name_plural": self.model._meta.verbose_name_plural,
            **extra,
        }

    def get_object(self, request, pk: int, action: str = Action.VIEW):
        return restricted_object(request, self.detail_queryset(), action, pk=pk)

    # --- pages ---

    def list(self, request):
        queryset = self.list_queryset().restrict(request.user, Action.VIEW)
        filterset = self.filterset_class(request.GET, queryset=queryset, request=request)
        rows = filterset.qs if filterset.is_valid() else queryset.none()
        table = self.table_class(rows, request=request)
        RequestConfig(request, paginate={"per_page": per_page(request, self.per_page)}).configure(table)
        partnership = filterset.form.cleaned_data.get("partnership") if filterset.is_valid() else None
        partnership = partnership or next(iter(partnerships_for(request.user)), None)
        query = request.GET.copy()
        query.pop("page", None)
        context = self.base_context(
            request,
            filterset=filterset,
            table=table,
            partnership=partnership,
            can_add=partnership is not None and may_add(request.user, partnership),
            query_string=query.urlencode(),
        )
        template = self.template("list")
        if request.htmx and not request.htmx.boosted:
            template = [f"{t}#results" for t in template]
        return render(request, template, context)

    def detail(self, request, pk: int):
        obj = self.get_object(request, pk)
        context = self.base_context(
            request,
            object=obj,
            partnership=obj.partnership,
            facts=[(obj._meta.get_field(n).verbose_name, display_value(obj, n)) for n in self.detail_fields],
            can_change=can(request.user, Action.CHANGE, obj),
            **history_of(obj),
        )
        if self.follow_up:
            context["links"] = services.links_of(obj)
        if self.uploads:
            context["attachments"] = attachments_of(obj)
        context.update(self.detail_context(request, obj))
        return render(request, self.template("detail"), context)

    def add(self, request):
        partnership = editable_partnership(request, request.GET.get("partnership"))
        form = self.form_class(
            request.POST or None,
            partnership=partnership,
            user=request.user,
            version=0,
            **self.form_kwargs(request, partnership),
        )
        if request.method == "POST" and form.is_valid():
            data = form_data(form)
            try:
                obj = self.create(partnership=partnership, user=request.user, **data)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, message_of(exc))
            else:
                messages.success(request, _("Added: %(entry)s.") % {"entry": obj})
                return redirect(obj)
        return render(request, self.template("form"), self.base_context(request, form=form, partnership=partnership))

    def edit(self, request, pk: int):
        obj = self.get_object(request, pk, Action.CHANGE)
        fresh = self.model.objects.get(pk=obj.pk) if request.method == "POST" else obj
        form = self.form_class(
            request.POST or None,
            instance=fresh,
            partnership=obj.partnership,
            user=request.user,
            version=obj.version,
            **self.form_kwargs(request, obj.partnership, obj),
        )
        saved = save_versioned(request, obj, form, self.update, pages=self, done_url=obj.get_absolute_url())
        if saved is not None:
            return saved
        context = self.base_context(request, form=form, object=obj, partnership=obj.partnership)
        return render(request, self.template("form"), context)

    def archive(self, request, pk: int):
        obj = self.get_object(request, pk, Action.CHANGE)
        try:
            registry.hook(self.model, "archive", services.archive_entry)(obj, user=request.user)
        except ValidationError as exc:
            messages.error(request, message_of(exc))
            return redirect(obj)
        messages.success(
            request,
            _("%(entry)s archived. It stays in the history and the “archived” filter finds it.") % {"entry": obj},
        )
        return redirect(reverse(self.url_name("list")) + f"?partnership={obj.partnership_id}")

    def export(self, request):
        queryset = self.list_queryset().restrict(request.user, Action.VIEW)
        filterset = self.filterset_class(request.GET, queryset=queryset, request=request)
        if not filterset.is_valid():
            raise Http404
        partnership = filterset.form.cleaned_data.get("partnership") or next(iter(partnerships_for(request.user)), None)
        if partnership is None:
            raise Http404
        content = self.workbook.export(filterset.qs.filter(partnership=partnership), partnership)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{self.name}s.xlsx"'
        return response

    def import_(self, request):
        partnership = editable_partnership(request, request.POST.get("partnership") or request.GET.get("partnership"))
        form = UploadForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            result = self.workbook.import_file(form.cleaned_data["file"], partnership=partnership, user=request.user)
            if result.is_valid:
                messages.success(
                    request,
                    _("Imported: %(created)s added, %(updated)s updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                target = reverse(self.url_name("list")) + f"?partnership={partnership.pk}"
                if request.htmx:
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
        context = self.base_context(request, form=form, partnership=partnership, result=result)
        templates = self.template("import")
        if request.htmx and request.method == "POST":
            templates = [f"{t}#result" for t in templates]
        refused = bool(result and not result.is_valid) or bool(form.errors)
        # htmx swaps only 2xx answers into the page; a plain form post says 400.
        return render(request, templates, context, status=400 if refused and not request.htmx else 200)

    # --- wiring ---

    def urls(self, prefix: str = "") -> list:
        """The URL patterns of this register's standard pages, named ``<model>_list``, ``<model>``…"""
        n = self.name
        page = login_required
        patterns = [
            path(f"{prefix}", page(self.list), name=f"{n}_list"),
            path(f"{prefix}add/", page(self.add), name=f"{n}_add"),
            path(f"{prefix}<int:pk>/", page(self.detail), name=n),
            path(f"{prefix}<int:pk>/edit/", page(self.edit), name=f"{n}_edit"),
            path(f"{prefix}<int:pk>/archive/", page(require_POST(self.archive)), name=f"{n}_archive"),
        ]
        if self.workbook is not None:
            patterns.append(path(f"{prefix}export.xlsx", page(self.export), name=f"{n}_export"))
            if self.workbook.imports:
                patterns.append(path(f"{prefix}import/", page(self.import_), name=f"{n}_import"))
        return patterns


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


@login_required
def follow_up(request, label: str, pk: int):
    """Turn an entry (a request, an obligation, a lesson, a gap, a decision) into a new matter in one step."""
    subject = _subject(request, label, pk, Action.CHANGE)
    if not hasattr(subject, "matter_links"):
        raise Http404
    partnership = _partnership_of(subject)
    form = FollowUpForm(request.POST or None, partnership=partnership, initial={"title": str(subject)[:300]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            matter = registry.hook(type(subject), "follow_up", services.follow_up)(
                subject,
                user=request.user,
                title=data["title"],
                year=data["year"],
                owners=form.owner_specs(),
                note=data["note"],
                due_date=data["due_date"],
                goal=data["goal"],
                field_id=getattr(subject, "field_id", None),
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
    from twincity.matters.models import Matter

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
                link_matter = registry.hook(type(subject), "link", services.link_matter)
                link_matter(subject, matter, user=request.user, note=form.cleaned_data["note"])
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
            upload_file = registry.hook(type(subject), "upload", _attach)
            upload_file(subject, form.cleaned_data["file"], user=request.user)
        except ValidationError as exc:
            messages.error(request, message_of(exc))
        else:
            messages.success(request, _("File uploaded."))
    else:
        messages.error(request, _("Choose a file."))
    return redirect(_back(subject))


def _attach(subject, file, *, user):
    return attach(subject, file, user=user, partnership_id=_partnership_of(subject).pk)


def _partnership_of(subject):
    from twincity.regions.models import Partnership

    return Partnership.objects.get(pk=subject.audit_partnership_id())
