"""The OpenAPI schema says what the API really answers, errors included.

drf-spectacular documents the success of each operation; clients (and the fuzzer in
core/tests/test_api_fuzz.py) also meet its refusals. ``AutoSchema`` adds them to every operation, once:

* 400 (the query or the body is invalid), 401 (no or a bad token), 403 (seen but not allowed),
  404 (not there, or not yours to see) on every operation;
* 409 (stale version or a state that forbids the step), 412 (an If-Match that names no version)
  and 428 (no version named) on every write.

Error bodies are DRF's: ``{"detail": "…", "code": "…"}`` or ``{"<field>": ["…"]}``; a 409 adds what
the record is now (``core.api.AuditedAPIMixin.conflict_response``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent

# No property is typed: a refused field may be called "code" or "detail" and then holds a list of messages.
ERROR_SCHEMA = {
    "type": "object",
    "description": 'DRF\'s error body: {"detail": "…", "code": "…"}, or {"<field>": ["…"]} for each refused field.',
    "additionalProperties": True,
}
# A time of day as the API writes it ("09:30:00", local time). OpenAPI's "time" format is RFC 3339's
# full-time, which requires an offset: validators refuse "09:30:00" against it.
LOCAL_TIME = {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"}

ERRORS = {
    "400": _("Invalid query or body."),
    "401": _("No valid token or session."),
    "403": _("You see this record but may not do this."),
    "404": _("Not found, or not yours to see."),
}
WRITE_ERRORS = {
    "409": _("Changed by someone else since your version, or the record's state forbids the step."),
    "412": _("If-Match names no version of this record."),
    "428": _("Say which version you edited (version in the body or If-Match)."),
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema with the refusals of every operation documented (see the module docstring)."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if schema.get("format") == "time":
            del schema["format"]
            schema.update(LOCAL_TIME)
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        component = ResolvedComponent(name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA)
        self.registry.register_on_missing(component)
        errors = dict(ERRORS)
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            errors.update(WRITE_ERRORS)
        for code, description in errors.items():
            if code not in responses:
                response = self._get_response_for_code(component.ref, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses
