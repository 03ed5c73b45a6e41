"""The audit log as a workbook: the filtered changes, one line per changed value, as the log page reads them."""

from __future__ import annotations

import itertools

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from twincity.audit.models import with_names
from twincity.audit.tables import author, shown_diff
from twincity.core import xlsx

EXPORT_LIMIT = 50_000  # changes per file: beyond it the file says so and the reader narrows the filters
CHUNK = 2_000


def export_changes(changes) -> bytes:
    """``changes`` (a filtered, restricted queryset of ``ObjectChange``) as an xlsx file."""
    book = xlsx.ExportBook()
    ws = book.sheet(_("Audit log"))
    headers = [
        _("Time"),
        _("User"),
        pgettext("audit", "Action"),
        _("Kind"),
        _("Object"),
        _("Field"),
        _("Before"),
        _("After"),
        _("Request"),
    ]
    for letter, width in zip("ABCDEFGHI", (18, 14, 10, 16, 40, 18, 30, 30, 12), strict=True):
        ws.width(letter, width)
    ws.freeze("A2")
    ws.append([ws.header(h, font=xlsx.HEADER_FONT, fill=xlsx.HEADER_FILL) for h in headers])
    rows = changes.select_related("changed_object_type", "user").order_by("-time", "-pk")
    written = 0
    for chunk in itertools.batched(rows[: EXPORT_LIMIT + 1].iterator(chunk_size=CHUNK), CHUNK):
        for change in with_names(chunk):
            written += 1
            if written > EXPORT_LIMIT:
                ws.append([_("More changes match these filters: narrow them (dates, kind) to export the rest.")])
                return book.save()
            when = timezone.localtime(change.time).strftime("%Y-%m-%d %H:%M:%S")
            head = [when, author(change), change.get_action_display(), change.changed_object_type.name]
            head.append(change.object_repr)
            request = str(change.request_id)[:8] if change.request_id else ""
            diff = shown_diff(change) or [("", "", "")]
            for field, before, after in diff:
                ws.append([*head, field, str(before), str(after), request])
    return book.save()
