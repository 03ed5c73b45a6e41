"""What every API endpoint shares: the same door as the pages, attribution, versions and clear errors.

* Rows come through ``restrict(user, "view")``: an object the user may not see is a 404, on a
  list, a detail, a filter choice or a related-field choice alike.
* A write on an object the user can see is decided by the services, which raise ``PermissionDenied``
  (403) when the user may not do that particular thing.
* DRF authenticates tokens inside the view, after the audit middleware ran: the views name the
  user to the audit context themselves, so API changes are attributed like page changes.
* Every update names the version the client edited (``version`` in the body or an
  ``If-Match: "<version>"`` header). Without it (or with ``If-Match: *``) the request is refused
  with 428; with a stale one, 409 and a body that says what the record is now and which fields
  someone else changed. An If-Match that names no version (not a number, zero, negative, beyond
  any version, a list of tags) is a 412; a weak tag ``W/"3"`` names version 3.
* Lists come in pages of at most 500 (``Pagination``); ids and numbers in filters stay within what
  the database holds (``core.filtersets.BoundedFilterSet``).
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.audit import context as audit_context
from twincity.audit.models import ObjectChange
from twincity.core.cache import get_or_render, piece_key
from twincity.core.filtersets import DB_INT_MAX
from twincity.core.services import ConflictError

__all__ = [
    "IF_MATCH",
    "MAX_VERSION",
    "AuditedAPIMixin",
    "Pagination",
    "PreconditionFailed",
    "PreconditionRequired",
    "RestrictedPrimaryKeyRelatedField",
    "RestrictedViewSetMixin",
    "VersionField",
    "api_docs",
    "expected_version",
    "not_found",
    "refuse_unless",
]

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy(
        'The version you edited, as "3". Either this header or "version" in the body is required.'
    ),
)

# One version, quoted or not. A weak tag (W/"3") names the same version: a proxy that compresses the
# answer weakens the ETag it passes on, and the version does not depend on the encoding.
_ETAG = re.compile(r'^\s*(?:W/)?("?)(\d{1,19})\1\s*$')
# PrimaryModel.version is a PositiveIntegerField: a version beyond it names no version of anything.
MAX_VERSION = 2**31 - 1


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy('If-Match must name one version of this record, as "3".')
    default_code = "precondition_failed"


class Pagination(LimitOffsetPagination):
    """Pages of at most 500 rows; a ``limit`` or ``offset`` that is not a whole number (or a limit below 1)
    is a 400 instead of being quietly replaced, and a limit above 500 gives 500 rows."""

    max_limit = 500

    def _whole(self, request, name: str, minimum: int):
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return None
        try:
            value = int(raw.strip())
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise exceptions.ValidationError(
                {name: [_("Enter a whole number of at least %(minimum)s.") % {"minimum": minimum}]}
            )
        return value

    def get_limit(self, request):
        value = self._whole(request, self.limit_query_param, 1)
        return self.default_limit if value is None else min(value, self.max_limit)

    def get_offset(self, request):
        value = self._whole(request, self.offset_query_param, 0)
        return 0 if value is None else min(value, DB_INT_MAX)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_limit)
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"].update(minimum=0)
        return parameters


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = gettext_lazy(
        "Say which version you edited: send “version” in the body or an If-Match header, so that a change "
        "someone else saved meanwhile is not overwritten."
    )
    default_code = "version_required"


class VersionField(serializers.IntegerField):
    """The version the client edited (the ``version`` it last read)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_VERSION)
        kwargs.setdefault(
            "help_text",
            gettext_lazy("The version you edited. Required here or as an If-Match header; a stale one gets 409."),
        )
        super().__init__(**kwargs)


def expected_version(request, validated: dict | None = None) -> int:
    """The version the client says it edited: ``version`` in the body, else the If-Match header; 428 if neither."""
    body = (validated or {}).get("version")
    header = (request.headers.get("If-Match") or "").strip()
    from_header = None
    if header and header != "*":  # "*" (any version) names none: the same as no header
        match = _ETAG.match(header)
        if match is None or not 1 <= int(match.group(2)) <= MAX_VERSION:
            raise PreconditionFailed()
        from_header = int(match.group(2))
    if body is not None and from_header is not None and body != from_header:
        raise exceptions.ValidationError({"version": [_("The version in the body and in If-Match differ.")]})
    version = body if body is not None else from_header
    if version is None:
        raise PreconditionRequired()
    return version


def refuse_unless(user, action_name: str, obj) -> None:
    """Say 403 before looking at the body or the version: the user sees the object but may not do this to it."""
    if not can(user, action_name, obj):
        raise exceptions.PermissionDenied(_("You may not do this."))


class RestrictedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object chosen by id among those the requesting user may see (never anyone else's).

    The browsable API lists these choices in its forms: they go through the same door as the rows.
    """

    def __init__(self, *, action: str = Action.VIEW, **kwargs):
        self.access_action = action
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return queryset.restrict(user, self.access_action).active()


def _api_name(model, attname: str) -> str:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field.name
    return attname


def changed_since(obj, version: int) -> list[str]:
    """The fields others changed after ``version``, read from the change records."""
    changes = ObjectChange.objects.filter(
        changed_object_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        changed_object_id=obj.pk,
        postchange_data__version__gt=version,
    ).only("prechange_data", "postchange_data")
    fields: set[str] = set()
    for change in changes:
        before, after = change.prechange_data or {}, change.postchange_data or {}
        for key in set(before) | set(after):
            if key != "version" and before.get(key) != after.get(key):
                fields.add(_api_name(type(obj), key))
    return sorted(fields)


class AuditedAPIMixin:
    """Attribute changes to the token's user, and turn the services' exceptions into HTTP answers."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        audit_context.set_user(request.user)

    def handle_exception(self, exc):
        if isinstance(exc, ConflictError):
            return self.conflict_response(exc)
        if isinstance(exc, DjangoValidationError):
            if hasattr(exc, "error_dict"):
                detail = {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
            else:
                detail = {"non_field_errors": exc.messages}
            exc = exceptions.ValidationError(detail)
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied(str(exc) or None)
        return super().handle_exception(exc)

    def conflict_response(self, conflict: ConflictError) -> Response:
        current = conflict.current
        attempted = sorted(_api_name(type(current), name) for name in conflict.attempted)
        yours = getattr(self, "_expected_version", None)
        changed = changed_since(current, yours) if yours is not None else []
        data = {
            "detail": _(
                "This record was changed by someone else while you were editing it (it is now at version "
                "%(version)s). Nothing was saved: load it again, then redo your change."
            )
            % {"version": current.version},
            "code": "conflict",
            "current_version": current.version,
            "your_version": yours,
            "changed_fields": changed,
            "conflicting_fields": [name for name in attempted if name in changed] if changed else attempted,
            "current": self.conflict_representation(current),
        }
        return Response(data, status=status.HTTP_409_CONFLICT, headers={"ETag": f'"{current.version}"'})

    def conflict_representation(self, current) -> dict:
        # The viewset's own serializer (an action may have set another one for its input).
        return type(self).serializer_class(current, context=self.get_serializer_context()).data

    def expected_version(self, validated: dict | None = None) -> int:
        self._expected_version = expected_version(self.request, validated)
        return self._expected_version


_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


def json_date(value) -> str | None:
    """A date as DRF's serializers write it (None stays None): for rows built without a serializer."""
    return None if value is None else _DATE.to_representation(value)


def json_datetime(value) -> str | None:
    """A time as DRF's serializers write it (in the current time zone, ``Z`` for UTC)."""
    return None if value is None else _DATETIME.to_representation(value)


class LeanListMixin:
    """A list answered with plain dicts built from the page's rows as plain values: ``lean_queryset`` turns the
    filtered queryset into ``values()`` rows (no model instance per row), ``list_rows`` builds the page's answers
    from them, reading what is nested (a matter's sides and owners) in a query per kind for the whole page.

    ``serializer_class`` stays what the schema documents and what details and writes use; a test per viewset
    compares ``list_rows`` with the serializer's output on records with every field filled.
    """

    def lean_queryset(self, queryset):
        raise NotImplementedError

    def list_rows(self, rows: list[dict]) -> list[dict]:
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        queryset = self.lean_queryset(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(queryset)
        data = self.list_rows(list(page if page is not None else queryset))
        return self.get_paginated_response(data) if page is not None else Response(data)


class RestrictedViewSetMixin(AuditedAPIMixin):
    """Rows through ``restrict(user, "view")``; filters on lists only; archived rows left out of lists.

    Set ``filterset_handles_archived`` when the FilterSet already leaves archived rows out unless asked.
    """

    filterset_handles_archived = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "list" and request.method == "GET":
            # After authentication, before the handler: the list's answer goes through the cache (core.cache), keyed
            # on the access scope like the pages' results (the rows are the door's, whoever asks) and on the address
            # the next/previous links are written with. Whatever class wrote ``list`` (a lean one, a viewset's own).
            self.get = self.cached_list(self.get)

    def cached_list(self, handler):
        def answer(request, *args, **kwargs):
            what = f"api:{type(self).__module__}.{type(self).__qualname__}:{request.path}"
            key = piece_key(what, request, extra=[request.build_absolute_uri("/")])
            found = {}

            def compute():
                found["response"] = handler(request, *args, **kwargs)
                return found["response"].data

            data = get_or_render(key, compute, keep=lambda _data: found["response"].status_code == 200)
            return found.get("response") or Response(data)

        return answer

    def get_queryset(self):
        queryset = self.queryset.all().restrict(self.request.user, Action.VIEW)
        if self.action == "list" and not self.filterset_handles_archived:
            queryset = queryset.active()
        return queryset

    def filter_queryset(self, queryset):
        # Filters narrow lists; a detail is found by id alone (an archived record stays readable).
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        version = response.data.get("version") if isinstance(response.data, dict) else None
        if version is not None:
            response["ETag"] = f'"{version}"'
        return response


@csrf_exempt  # it changes nothing; a token client's POST to a wrong address gets this 404, not a CSRF page
def not_found(request, *args, **kwargs):
    """An address under /api/ that names nothing (``/api/matters/0.5/``): a JSON 404 like every other."""
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail), "code": "not_found"}, status=404)


@login_required
def api_docs(request):
    """The browsable documentation of the API (Swagger UI served from this site, no inline script)."""
    return render(request, "api/docs.html", {"schema_url": reverse("api:schema")})


def exception_handler(exc, context):
    """DRF's answer to an error, in the reader's language: a hidden or missing object is ``未找到。`` /
    ``Not found.`` (Django's ``Http404`` carries "No Matter matches the given query.", English and naming the
    model). The rest is DRF's own handling (its messages are translated)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
