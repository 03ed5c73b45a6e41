"""The standard pages of a register, as class-based views on ``core.views``: each is made for one
register by ``Declaration.urls()`` (``as_view(register=...)``) and asks the declaration for its model,
its queries, its services and its templates.

Every page asks the one door: an entry a user may not see is a 404 on every path; an edit page the
user may not use is a 404; a refused write is a 403 with the reason, or the reason on the form.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from twincity.accounts.access import can, partnerships_for
from twincity.accounts.choices import Action
from twincity.audit.models import history_context
from twincity.core.listexport import ListPdfMixin
from twincity.core.models import Attachment
from twincity.core.views import (
    ArchiveView,
    ExportView,
    ImportView,
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    VersionedUpdateView,
    display_value,
)
from twincity.registers import services
from twincity.registers.forms import UploadForm


def attachments_of(obj):
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, archived_at__isnull=True
    ).order_by("-created")


class RegisterPage:
    """What every page of a register has: its declaration (``register``), its templates
    (``<app>/<model>_<page>.html``, else ``registers/<page>.html``) and the register's context."""

    register = None
    page = ""

    def get_template_names(self):
        return self.register.template(self.page)

    def get_context_object_name(self, obj):
        return None  # templates say ``object``

    def get_context_data(self, **kwargs):
        return self.register.base_context(self.request, **super().get_context_data(**kwargs))


class RegisterListView(RegisterPage, ObjectListView):
    page = "list"
    results_cache = "scope"  # the rows are the door's, whoever asks (core.cache)

    @property
    def template_name(self):
        return self.register.template("list")

    def get_template_names(self):
        return ObjectListView.get_template_names(self)

    def get_queryset(self):
        return self.register.list_queryset().restrict(self.request.user, Action.VIEW)

    def get_filterset_class(self):
        return self.register.filterset_class

    def get_table_class(self):
        return self.register.table_class

    @property
    def per_page(self):
        return self.register.per_page

    def get_extra_context(self) -> dict:
        filterset = self.filterset
        partnership = filterset.form.cleaned_data.get("partnership") if filterset.is_valid() else None
        partnership = partnership or next(iter(partnerships_for(self.request.user)), None)
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            "partnership": partnership,
            "can_add": partnership is not None and self.register.may_add(self.request.user, partnership),
            "query_string": query.urlencode(),
        }


class RegisterDetailView(RegisterPage, ObjectDetailView):
    page = "detail"

    def get_queryset(self):
        return self.register.detail_queryset()

    def get_context_data(self, **kwargs):
        obj, register = self.object, self.register
        context = super().get_context_data(
            partnership=obj.partnership,
            facts=[(obj._meta.get_field(n).verbose_name, display_value(obj, n)) for n in register.detail_fields],
            can_change=can(self.request.user, Action.CHANGE, obj),
            **history_context(obj),
            **kwargs,
        )
        if register.follow_up:
            context["links"] = services.links_of(obj)
        if register.uploads:
            context["attachments"] = attachments_of(obj)
        context.update(register.detail_context(self.request, obj))
        return context


class RegisterCreateView(RegisterPage, ObjectCreateView):
    page = "form"
    success_message = gettext_lazy("Added: %(entry)s.")

    def get_partnership(self):
        partnership = super().get_partnership()
        if not self.register.may_add(self.request.user, partnership):
            raise Http404
        return partnership

    def get_form_class(self):
        return self.register.form_class

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(partnership=self.partnership, user=self.request.user, version=0)
        kwargs.update(self.register.form_kwargs(self.request, self.partnership))
        return kwargs

    def create(self, **data):
        return self.register.create(**data)


class RegisterUpdateView(RegisterPage, VersionedUpdateView):
    page = "form"

    def get_queryset(self):
        return self.register.detail_queryset()

    def get_form_class(self):
        return self.register.form_class

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        partnership = self.object.partnership
        kwargs.update(partnership=partnership, user=self.request.user)
        kwargs.update(self.register.form_kwargs(self.request, partnership, self.object))
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(partnership=self.object.partnership, **kwargs)

    def get_conflict_context(self) -> dict:
        return self.register.base_context(self.request)

    def update(self, obj, **data):
        return self.register.update(obj, **data)


class RegisterArchiveView(ArchiveView):
    register = None

    def get_queryset(self):
        return self.register.detail_queryset()

    def archive(self, obj, *, user):
        return self.register.archive(obj, user=user)

    def get_success_url(self, obj) -> str:
        return reverse(self.register.url_name("list")) + f"?partnership={obj.partnership_id}"


class RegisterExportView(ExportView):
    register = None

    def get_queryset(self):
        return self.register.list_queryset().restrict(self.request.user, Action.VIEW)

    @property
    def filterset_class(self):
        return self.register.filterset_class

    @property
    def filename(self):
        return f"{self.register.name}s.xlsx"

    def export(self, rows, partnership) -> bytes:
        return self.register.workbook.export(rows, partnership)


class RegisterImportView(ImportView):
    register = None
    form_class = UploadForm

    @property
    def template_name(self):
        return self.register.template("import")

    def run_import(self, form, *, partnership, user):
        return self.register.workbook.import_file(form.cleaned_data["file"], partnership=partnership, user=user)

    def get_success_url(self, partnership) -> str:
        return reverse(self.register.url_name("list")) + f"?partnership={partnership.pk}"

    def get_context_data(self, **kwargs) -> dict:
        return self.register.base_context(self.request, **super().get_context_data(**kwargs))


class RegisterPdfView(ListPdfMixin, RegisterListView):
    """The register's list as on screen (filters, order), as a titled PDF."""

    def get_pdf_title(self) -> str:
        return capfirst(str(self.register.model._meta.verbose_name_plural))  # as the list's heading

    @property
    def pdf_filename(self) -> str:
        return f"{self.register.name}s.pdf"
