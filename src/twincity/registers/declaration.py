"""A register declared once: one ``Declaration`` per model, from which its pages, URLs, API actions and
menu entry are made.

A register app writes, in ``<app>/register.py``::

    class PetitionRegister(Declaration):
        model = Petition
        label = gettext_lazy("Joint requests")      # the menu entry
        icon, order = "send", 10
        filterset_class = PetitionFilterSet           # list, export and API filters
        table_class = PetitionTable                   # the list's columns
        form_class = PetitionForm                     # add and edit
        workbook = PetitionWorkbook()                 # Excel export (and import)
        detail_fields = ("year", "target_authority")  # the facts on the entry's page
        steps = (Step("submit", run=submit, form=SubmitForm, serializer=SubmitSerializer, done=_("Submitted.")),)

        def create(self, **data): return services.create_petition(**data)
        def update(self, obj, **data): return services.update_petition(obj, **data)

    petitions = PetitionRegister()

``petitions.urls()`` are its pages (``<model>_list``, ``<model>``, ``_add``, ``_edit``, ``_archive``,
``_export``, ``_pdf``, ``_import``) and its steps' pages; a ``RegisterViewSet`` with ``register = petitions``
gets one API action per step that has a ``serializer``; ``registry.register(petitions)`` puts it in the
menu and lets the shared pages (follow-up, link, upload) use its services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.forms import modelform_factory
from django.urls import path, reverse
from django_filters.filterset import filterset_factory

from twincity.accounts.access import may_act_in
from twincity.accounts.choices import Action
from twincity.core.services import attach
from twincity.core.views import StepView
from twincity.registers import pages, services
from twincity.registers.filtersets import RegisterFilterSet
from twincity.registers.forms import RegisterForm
from twincity.registers.tables import RegisterTable

NO_API = object()


@dataclass(frozen=True)
class Step:
    """One workflow step, declared once: the service it runs, the page's form and the API's input.

    ``run(obj, user, data)`` calls the service (``data``: the form's or the serializer's cleaned data).
    On the page (``page=True``) the step is a ``StepView`` posted to ``url`` (default
    ``<int:pk>/<name>/``) and named ``<app>:<name>``: the object is found in ``queryset`` (default: the
    register's model) with ``action``, narrowed by ``allowed(user, obj)``; ``form`` with
    ``form_kwargs(obj, user)``; ``done`` said on success; back to ``entry(obj)`` (the object).
    Over the API (when ``serializer`` is given; ``None`` for a step without input) it is the action
    ``api_name`` (default ``name``) at ``api_path``, found with ``api_action`` (default ``action``),
    answering ``api_status`` with the entry; ``doc`` describes it in the schema.
    """

    name: str
    run: Callable
    form: type | None = None
    serializer: Any = NO_API
    url: str = ""
    queryset: Any = None
    action: str = Action.CHANGE
    allowed: Callable | None = None
    form_kwargs: Callable | None = None
    entry: Callable | None = None
    done: Any = ""
    page: bool = True
    api_name: str = ""
    api_path: str | None = None
    api_action: str = ""
    api_status: int = 200
    doc: str = ""

    @property
    def in_api(self) -> bool:
        return self.serializer is not NO_API

    def view(self, model):
        queryset = self.queryset if self.queryset is not None else model.objects.all()
        return StepView.as_view(
            queryset=queryset,
            run=self.run,
            form_class=self.form,
            form_kwargs=self.form_kwargs,
            allowed=self.allowed,
            action=self.action,
            done=self.done,
            entry=self.entry,
        )


class Declaration:
    """The declaration of one register model (NetBox's model views, gathered in one class).

    A subclass sets ``model``, ``filterset_class``, ``table_class``, ``form_class``, the services
    ``create``/``update`` (``create(partnership=, user=, **cleaned)``, ``update(obj, user=, version=,
    **cleaned)``), and optionally ``workbook`` (an ``excel.RegisterWorkbook``: export, and import when
    it ``imports``), ``detail_fields`` (shown in the entry's facts), ``uploads`` (documents on the
    entry), ``follow_up`` (the entry turns into matters), ``steps`` (its workflow), ``label``, ``icon``
    and ``order`` (its menu entry) and ``parts`` (models of its parts that have follow-up matters too).
    ``detail_context`` adds what its own template needs; ``may_add`` narrows who adds entries.

    A simple register need not write its form, table and filters: without ``form_class`` the form has
    the number, title, field, ``fields`` and notes; without ``table_class`` the list shows number, title,
    field and ``columns``; without ``filterset_class`` it filters by words, partnership and field.
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
    steps: tuple[Step, ...] = ()
    parts: tuple[type, ...] = ()
    label = ""
    icon = "journal-text"
    order = 100
    fields: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()

    # The page classes; a register may subclass one to change a page.
    list_view = pages.RegisterListView
    detail_view = pages.RegisterDetailView
    create_view = pages.RegisterCreateView
    update_view = pages.RegisterUpdateView
    archive_view = pages.RegisterArchiveView
    export_view = pages.RegisterExportView
    pdf_view = pages.RegisterPdfView
    import_view = pages.RegisterImportView

    def __init__(self):
        model = self.model
        if model is None:
            return
        if self.form_class is None:
            self.form_class = modelform_factory(
                model, form=RegisterForm, fields=["code", "title", "field", *self.fields, "note"]
            )
        if self.table_class is None:
            columns = ("code", "title", "field", *self.columns)
            meta = type("Meta", (RegisterTable.Meta,), {"model": model, "fields": columns, "sequence": columns})
            self.table_class = type(f"{model.__name__}Table", (RegisterTable,), {"Meta": meta})
        if self.filterset_class is None:
            self.filterset_class = filterset_factory(model, RegisterFilterSet, ["q", "partnership", "field"])

    # --- names ---

    @property
    def name(self) -> str:
        return self.model._meta.model_name

    @property
    def app(self) -> str:
        return self.model._meta.app_label

    def url_name(self, page: str = "") -> str:
        return f"{self.app}:{self.name}_{page}" if page else f"{self.app}:{self.name}"

    @property
    def list_url(self) -> str:
        return reverse(self.url_name("list"))

    def template(self, page: str) -> list[str]:
        return [f"{self.app}/{self.name}_{page}.html", f"registers/{page}.html"]

    # --- services ---

    def create(self, **kwargs):
        raise NotImplementedError

    def update(self, obj, **kwargs):
        raise NotImplementedError

    def archive(self, entry, *, user):
        return services.archive_entry(entry, user=user)

    def turn_into_matter(self, subject, **kwargs):
        """A new matter following ``subject`` (the entry, or one of its ``parts``) up."""
        return services.follow_up(subject, **kwargs)

    def link_matter(self, subject, matter, *, user, note: str = ""):
        return services.link_matter(subject, matter, user=user, note=note)

    def attach(self, subject, file, *, user):
        return attach(subject, file, user=user, partnership_id=subject.audit_partnership_id())

    def handles(self, model) -> bool:
        """Are ``model``'s shared pages (follow-up, link, upload) this register's?"""
        return model is self.model or model in self.parts

    # --- hooks of the pages ---

    def list_queryset(self):
        return self.model.objects.select_related(*self.list_select_related).defer("search_document")

    def detail_queryset(self):
        return self.model.objects.select_related("partnership", "field")

    def detail_context(self, request, obj) -> dict:
        return {}

    def form_kwargs(self, request, partnership, obj=None) -> dict:
        return {}

    def may_add(self, user, partnership) -> bool:
        return may_act_in(user, Action.CHANGE, partnership.pk)

    def base_context(self, request, **extra) -> dict:
        return {
            "nav": self.app,
            "nav_is_register": True,
            "views": self,
            "verbose_name": self.model._meta.verbose_name,
            "verbose_name_plural": self.model._meta.verbose_name_plural,
            **extra,
        }

    # --- wiring ---

    def urls(self, prefix: str = "") -> list:
        """The URL patterns of this register's pages, named ``<model>_list``, ``<model>``…, then its steps'."""
        n = self.name
        pages = [
            path(f"{prefix}", self.list_view.as_view(register=self), name=f"{n}_list"),
            path(f"{prefix}add/", self.create_view.as_view(register=self), name=f"{n}_add"),
            path(f"{prefix}<int:pk>/", self.detail_view.as_view(register=self), name=n),
            path(f"{prefix}<int:pk>/edit/", self.update_view.as_view(register=self), name=f"{n}_edit"),
            path(f"{prefix}<int:pk>/archive/", self.archive_view.as_view(register=self), name=f"{n}_archive"),
        ]
        pages.append(path(f"{prefix}export.pdf", self.pdf_view.as_view(register=self), name=f"{n}_pdf"))
        if self.workbook is not None:
            pages.append(path(f"{prefix}export.xlsx", self.export_view.as_view(register=self), name=f"{n}_export"))
            if self.workbook.imports:
                pages.append(path(f"{prefix}import/", self.import_view.as_view(register=self), name=f"{n}_import"))
        pages.extend(
            path(step.url or f"{prefix}<int:pk>/{step.name}/", step.view(self.model), name=step.name)
            for step in self.steps
            if step.page
        )
        return pages
