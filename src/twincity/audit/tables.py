import django_tables2 as tables
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from twincity.accounts.access import partnerships_for
from twincity.audit.models import ObjectChange, display_name, with_names
from twincity.core.tables import LeanTable, choice_display, td_attributes_of
from twincity.core.text import escaped, local_time


def author(record) -> str:
    """Who made a change, by their name (the sign-in name when they have none, or when the account is gone)."""
    return display_name(record.user) if record.user_id and record.user else record.user_name or "—"


def shown_diff(change) -> list[tuple[str, object, object]]:
    return change.shown_diff()


def changes_html(change, escape=escaped):
    """Up to eight changed fields, each with its value before and after (cut at 60 characters), or a dash.
    ``escape`` is ``escaped`` or one that remembers (``Escapes``: a page repeats the fields' names and values)."""
    rows = shown_diff(change)[:8]
    if not rows:
        return "—"
    return mark_safe(  # every text escaped
        "".join(
            f'<div class="small"><span class="text-muted">{escape(k)}</span> <span class="tc-diff-old">'
            f'{escape(str(b)[:60])}</span> → <span class="tc-diff-new">{escape(str(a)[:60])}</span></div>'
            for k, b, a in rows
        )
    )


class Escapes(dict):
    """``escaped`` for a page of rows, remembering each plain string's escaped form (the same fields' names and
    values recur from row to row); anything else (safe HTML, a lazy translation) is escaped as ``escaped`` does."""

    def __call__(self, value) -> str:
        if type(value) is not str:
            return escaped(value)
        found = self.get(value)
        if found is None:
            found = self[value] = escaped(value)
        return found


def already_named(request) -> dict[type, dict]:
    """The records a request has read already, named as ``with_names`` names them: the reader's partnerships."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    named: dict[type, dict] = {}
    for partnership in partnerships_for(user):
        named.setdefault(type(partnership), {})[partnership.pk] = display_name(partnership)
    return named


COLUMNS = ("time", "user_name", "action", "changed_object_type", "object_repr", "changes", "request_id")
# What the log page reads of a change (``ObjectChangeListView``): what a row shows or sorts by, and who made it.
ROW_FIELDS = (
    "time",
    "user",
    "user__username",
    "user__first_name",
    "user__last_name",
    "user_name",
    "request_id",
    "action",
    "changed_object_type",
    "object_repr",
    "prechange_data",
    "postchange_data",
)


class ObjectChangeTable(LeanTable):
    time = tables.DateTimeColumn(verbose_name=_("Time"), format="Y-m-d H:i:s")
    user_name = tables.Column(verbose_name=_("User"), empty_values=())
    action = tables.Column(verbose_name=pgettext_lazy("audit", "Action"))
    changed_object_type = tables.Column(verbose_name=_("Kind"), accessor="changed_object_type")
    object_repr = tables.Column(verbose_name=_("Object"))
    changes = tables.Column(verbose_name=_("Changes"), accessor="pk", orderable=False, empty_values=())
    request_id = tables.Column(verbose_name=_("Request"), orderable=False)

    class Meta:
        model = ObjectChange
        fields = ()
        sequence = COLUMNS
        attrs = {"class": "table table-sm align-middle mb-0", "id": "audit-table"}
        empty_text = _("No changes match these filters.")

    def before_render(self, request):
        if hasattr(self, "page"):
            changes = [row.record for row in self.page.object_list]
            # Each change's kind from Django's own cache of kinds (the page reads the changes without them).
            kind = ObjectChange._meta.get_field("changed_object_type")
            for change in changes:
                if not kind.is_cached(change):
                    kind.set_cached_value(change, ContentType.objects.get_for_id(change.changed_object_type_id))
            # The records the page's changes refer to, named: the partnerships the page has read already (the
            # reader's, ``partnerships_for``), any other in one query per kind of record, for the page only.
            with_names(changes, known=already_named(request))

    def lean_rows(self) -> SafeString:
        """The page's rows as ``LeanTable.lean_rows`` renders them from these columns (a test compares the two),
        each row one f-string: the headers and the kinds' names read once for the page, not per cell."""
        if tuple(column.name for column in self.columns) != COLUMNS:
            return super().lean_rows()  # another set of columns: the general way
        td = td_attributes_of(self)
        default = {name: escaped(self.columns[name].default) for name in ("action", "object_repr", "request_id")}
        kinds: dict[int, str] = {}
        escape = Escapes()
        zone = get_current_timezone() if settings.USE_TZ else None
        out = []
        for c in self.paginated_rows.data:
            parity = "odd" if next(self._counter) % 2 else "even"
            action = choice_display(c, "action")
            kind = kinds.get(c.changed_object_type_id)
            if kind is None:
                kind = kinds[c.changed_object_type_id] = escaped(c.changed_object_type.name)
            if c.request_id is None:
                request = default["request_id"]
            else:
                request_id = escaped(c.request_id)
                request = f'<a class="font-monospace small" href="?request_id={request_id}">{request_id[:8]}</a>'
            out.append(
                f'<tr class="{parity}">'
                f"<td {td['time']}>{local_time(c.time, zone, seconds=True)}</td>"
                f"<td {td['user_name']}>{escape(author(c))}</td>"
                f"<td {td['action']}>{escape(action) if action else default['action']}</td>"
                f"<td {td['changed_object_type']}>{kind}</td>"
                f"<td {td['object_repr']}>{escaped(c.object_repr) if c.object_repr else default['object_repr']}</td>"
                f"<td {td['changes']}>{changes_html(c, escape)}</td>"
                f"<td {td['request_id']}>{request}</td>"
                "</tr>"
            )
        if not out:
            return super().lean_rows()  # the empty text
        return mark_safe("".join(out))  # every text above escaped

    def render_user_name(self, record):
        return author(record)

    def render_changes(self, record):
        return changes_html(record)

    def render_changed_object_type(self, value):
        return value.name

    def render_request_id(self, value):
        return format_html('<a class="font-monospace small" href="?request_id={}">{}</a>', value, str(value)[:8])
