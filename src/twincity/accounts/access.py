"""The one place where access is decided.

``restrict(queryset, user, action)`` narrows any queryset of the office's models to the rows a user
may act on; ``can(user, action, obj)`` asks the same question of one object, against the database.
Pages, htmx fragments, the API, exports, downloads and feeds all call these and nothing else.

The rules are a matrix of role × action → scope:

=================== ============ ============= ============ ======== ========
action              office admin coordinator   unit contact leader   auditor
=================== ============ ============= ============ ======== ========
view                partnership  partnership   partnership  partnership partnership
change              partnership  own side      —            —        —
report              partnership  own side      own unit     —        —
approve             partnership  —             —            partnership —
audit               partnership  —             —            —        partnership
administer          partnership  —             —            —        —
evaluate            partnership  own side      own unit     —        —
=================== ============ ============= ============ ======== ========

A model says how it relates to these scopes in an inner ``Access`` class: ``partnership``,
``regions`` (the sides it is party to) and ``organisations`` (the units that own it) are field
paths (or tuples of alternative paths); ``organisation_side`` names a field that must also equal
the unit's side (a milestone of the Tianfu side can be closed only by a Tianfu owner), and
``organisation_owners`` a path to units the unit must also be among (a progress report is filed by
a unit, and that unit must own the matter it reports on). ``by_action`` maps an action to the
declarations that differ for it (a secondment's sides and units are both the home's and the host's,
but only the host's side and unit evaluate it: ``by_action = {Action.EVALUATE: {"regions": "host_side",
"organisations": "host_organisation"}}``). Anyone without a matching membership gets an empty
queryset, which views turn into a 404.

Predicates asked before a record exists, or of a partnership rather than a record, live here too:
``may_act_in``/``require_in`` (may the user do this anywhere in the partnership?), ``is_office``,
``coordinated_sides``, ``sides_spoken_for``… and ``members_who`` answers the other way round: which
members take part in what (reminders pick their recipients with it). No module outside ``accounts``
compares roles; ruff's banned-api rule (TID251) keeps it so.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from twincity.accounts.choices import Action, Role
from twincity.accounts.models import Membership
from twincity.core.reads import Compiled
from twincity.regions.models import Partnership

PARTNERSHIP, REGIONS, ORGANISATIONS = "partnership", "regions", "organisations"

RULES: dict[str, dict[str, str]] = {
    Action.VIEW: {
        Role.OFFICE_ADMIN: PARTNERSHIP,
        Role.REGION_COORDINATOR: PARTNERSHIP,
        Role.UNIT_CONTACT: PARTNERSHIP,
        Role.LEADER: PARTNERSHIP,
        Role.AUDITOR: PARTNERSHIP,
    },
    Action.CHANGE: {Role.OFFICE_ADMIN: PARTNERSHIP, Role.REGION_COORDINATOR: REGIONS},
    Action.REPORT: {Role.OFFICE_ADMIN: PARTNERSHIP, Role.REGION_COORDINATOR: REGIONS, Role.UNIT_CONTACT: ORGANISATIONS},
    Action.APPROVE: {Role.OFFICE_ADMIN: PARTNERSHIP, Role.LEADER: PARTNERSHIP},
    Action.AUDIT: {Role.OFFICE_ADMIN: PARTNERSHIP, Role.AUDITOR: PARTNERSHIP},
    Action.ADMINISTER: {Role.OFFICE_ADMIN: PARTNERSHIP},
    Action.EVALUATE: {
        Role.OFFICE_ADMIN: PARTNERSHIP,
        Role.REGION_COORDINATOR: REGIONS,
        Role.UNIT_CONTACT: ORGANISATIONS,
    },
}
# What an ``Access`` class may declare (and ``by_action`` may override for one action).
DECLARATIONS = (PARTNERSHIP, REGIONS, ORGANISATIONS, "organisation_side", "organisation_owners")


def memberships(user) -> list:
    """The user's active memberships, loaded once per user object (i.e. once per request), each with its partnership
    read in the same query (``m.partnership``: the frame's list of them, ``partnerships_for``, costs none of its own),
    by the partnership's name (then id) and the role."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_twincity_memberships", None)
    if cached is None:
        cached = user._twincity_memberships = _read_memberships(user.pk)
    return cached


def memberships_queryset(user_id: int) -> QuerySet:
    """What ``memberships`` reads, as the ORM says it (``_read_memberships`` is held to it by the tests)."""
    return (
        Membership.objects.filter(user_id=user_id, archived_at__isnull=True, partnership__archived_at__isnull=True)
        .select_related("partnership")
        .order_by("partnership__name", "partnership_id", "role")
    )


# ``memberships_queryset`` compiled once per process (``core.reads``; a prepared statement of each connection on
# PostgreSQL): every request reads the memberships first, and the ORM would compile the same statement again each
# time (most of what the read cost, about 1 ms).
_MEMBERSHIPS = Compiled(memberships_queryset, user_id=int)


def _read_memberships(user_id: int) -> list:
    """``list(memberships_queryset(user_id))``: the same rows, made into the same objects (the partnership set as
    ``select_related`` sets it)."""
    return _MEMBERSHIPS(user_id=user_id)


# What is kept on the user object for the request, all of it read from or built on ``memberships(user)``.
_KEPT = ("_twincity_memberships", "_twincity_access_q", "_twincity_partnerships")


def forget(user) -> None:
    """Drop what is kept of the user's memberships and built on them (after they changed)."""
    for name in _KEPT:
        if hasattr(user, name):
            delattr(user, name)


def _declared(model: type[Model], name: str, action: str | None = None):
    """What the model's ``Access`` declares as ``name``, for ``action`` when its ``by_action`` says otherwise."""
    access = getattr(model, "Access", None)
    if access is None:
        raise ImproperlyConfigured(f"{model._meta.label} has no Access class: it cannot be restricted")
    overrides = getattr(access, "by_action", None) or {}
    if action is not None and action in overrides:
        override = overrides[action]
        unknown = set(override) - set(DECLARATIONS)
        if unknown:
            raise ImproperlyConfigured(f"{model._meta.label}.Access.by_action[{action!r}] declares {sorted(unknown)}")
        if name in override:
            return override[name]
    return getattr(access, name, None)


def _paths(model: type[Model], scope: str, action: str | None = None) -> tuple[str, ...]:
    value = _declared(model, scope, action)
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _is_multivalued(model: type[Model], path: str) -> bool:
    current = model
    for part in path.split("__"):
        if part == "pk":
            return False
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        current = field.related_model
    return False


def _through_step(model: type[Model], path: str):
    """For a path that is a many-to-many, or one foreign key then a many-to-many (a region's ``partnerships``, its
    ``parent__partnerships``): (the path to the row at the many-to-many's near end, ``"pk"`` for the row itself; the
    table of the pairs; its field naming that row; its field naming the far end). None for any other path."""
    *before, last = path.split("__")
    if len(before) > 1:
        return None
    near = model
    if before:
        try:
            step = model._meta.get_field(before[0])
        except FieldDoesNotExist:
            return None
        if not (step.many_to_one or (step.one_to_one and step.concrete)):
            return None
        near = step.related_model
    try:
        field = near._meta.get_field(last)
    except FieldDoesNotExist:
        return None
    if not field.many_to_many or field.related_model is near:
        return None
    if field.concrete:  # declared on this side
        return (
            before[0] if before else "pk",
            field.remote_field.through,
            field.m2m_field_name(),
            field.m2m_reverse_field_name(),
        )
    declared = field.field  # the other side declared it: its pairs read the other way round
    return (before[0] if before else "pk", field.through, declared.m2m_reverse_field_name(), declared.m2m_field_name())


def _match(model: type[Model], paths: tuple[str, ...], values: set[int]) -> Q | None:
    """Rows where any of the paths points to one of ``values``; multi-valued paths go through a subquery: of the
    pairs' own table when the path ends in a many-to-many one step away (``region IN (SELECT region_id FROM
    <pairs> WHERE partnership_id IN …)``, the rows the join through the model found, without the join), else of the
    model joined along the path."""
    result = None
    subqueries = {}  # one of the pairs' subquery for the paths through the same pairs (a region and its parent)
    for path in paths:
        if not _is_multivalued(model, path):
            q = Q(**{f"{path}__in": values})
        elif (through := _through_step(model, path)) is not None:
            near, pairs, row, far = through
            if (pairs, row, far) not in subqueries:
                subqueries[pairs, row, far] = pairs._base_manager.filter(**{f"{far}__in": values}).values(row)
            q = Q(**{f"{near}__in": subqueries[pairs, row, far]})
        else:
            q = Q(pk__in=model._base_manager.filter(**{f"{path}__in": values}).values("pk"))
        result = q if result is None else result | q
    return result


def _membership_q(model: type[Model], membership, scope: str, action: str | None = None) -> Q | None:
    in_partnership = _match(model, _paths(model, PARTNERSHIP, action), {membership.partnership_id})
    if in_partnership is None:
        return None
    if scope == PARTNERSHIP:
        return in_partnership
    if scope == REGIONS:
        if membership.region_id is None:
            return None
        by_region = _match(model, _paths(model, REGIONS, action), {membership.region_id})
        return None if by_region is None else in_partnership & by_region
    if scope == ORGANISATIONS:
        if membership.organisation_id is None:
            return None
        by_unit = _match(model, _paths(model, ORGANISATIONS, action), {membership.organisation_id})
        if by_unit is None:
            return None
        side_field = _declared(model, "organisation_side", action)
        if side_field:
            by_unit &= Q(**{side_field: membership.region_id})
        owners = _declared(model, "organisation_owners", action)
        if owners:
            by_unit &= _match(model, (owners,), {membership.organisation_id})
        return in_partnership & by_unit
    raise ValueError(scope)


def access_q(model: type[Model], user, action: str) -> Q | None:
    """The condition a row must meet for ``user`` to do ``action``; None means nothing at all.

    Built once per model and action for a user object (i.e. once per request), beside ``memberships(user)`` on
    which alone it depends, and dropped with it by ``forget``: a list page restricts the same model several times
    (its rows, its filters' choices, its counts). The Q is shared: combine it (``&``, ``|``, ``filter``), never
    change it in place."""
    kept = getattr(user, "_twincity_access_q", None)
    key = (model, action)
    if kept is not None and key in kept:
        return kept[key]
    q = _access_q(model, user, action)
    if user is not None and getattr(user, "is_authenticated", False):
        if kept is None:
            kept = user._twincity_access_q = {}
        kept[key] = q
    return q


def _access_q(model: type[Model], user, action: str) -> Q | None:
    rules = RULES.get(action)
    if rules is None:
        raise ValueError(f"Unknown action {action!r}")
    unknown = set(getattr(getattr(model, "Access", None), "by_action", None) or {}) - set(RULES)
    if unknown:
        raise ImproperlyConfigured(f"{model._meta.label}.Access.by_action names unknown actions {sorted(unknown)}")
    result = None
    for membership in memberships(user):
        scope = rules.get(membership.role)
        if scope is None:
            continue
        q = _membership_q(model, membership, scope, action)
        if q is not None:
            result = q if result is None else result | q
    return result


def restrict(queryset: QuerySet, user, action: str = Action.VIEW) -> QuerySet:
    """Narrow ``queryset`` to the rows ``user`` may ``action``. The one door."""
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    q = access_q(queryset.model, user, action)
    return queryset.none() if q is None else queryset.filter(q)


def can(user, action: str, obj: Model) -> bool:
    """May ``user`` do ``action`` to ``obj``? Asked of the database, so it holds after a save too."""
    if obj is None or obj.pk is None:
        return False
    if user is not None and user.is_authenticated and user.is_active and user.is_superuser:
        return True
    cache = obj.__dict__.setdefault("_twincity_can", {})
    key = (getattr(user, "pk", None), action)
    if key not in cache:
        cache[key] = restrict(type(obj)._base_manager.filter(pk=obj.pk), user, action).exists()
    return cache[key]


def can_expression(model: type[Model], user, action: str) -> Exists:
    """``can(user, action, row)`` as an expression of the rows' own query (``annotate(may_change=…)``): the same
    door (``restrict``), asked inside the query that reads the rows instead of in one query a row."""
    return Exists(restrict(model._base_manager.filter(pk=OuterRef("pk")), user, action))


def roles(user, partnership_id: int) -> set[str]:
    if user is not None and user.is_authenticated and user.is_superuser:
        return set(Role.values)
    return {m.role for m in memberships(user) if m.partnership_id == partnership_id}


def may_act_in(user, action: str, partnership_id: int, model: type[Model] | None = None) -> bool:
    """Does the user hold a role that may ``action`` something in the partnership at all? Asked before a
    record exists (may they add a matter, a register entry, a unit?); the record itself is checked after.

    With ``model``, only a role whose scope the model's ``Access`` declares counts: a coordinator acts on their
    side's records, so on no alignment group, which names no side (the groups are the office's)."""
    rules = RULES[action]
    if model is None or (user is not None and user.is_authenticated and user.is_superuser):
        return bool(roles(user, partnership_id) & set(rules))
    for m in memberships(user):
        scope = rules.get(m.role) if m.partnership_id == partnership_id else None
        if scope == PARTNERSHIP:
            return True
        if scope == REGIONS and m.region_id and _paths(model, REGIONS, action):
            return True
        if scope == ORGANISATIONS and m.organisation_id and _paths(model, ORGANISATIONS, action):
            return True
    return False


def require_in(user, action: str, partnership_id: int, message: str | None = None) -> None:
    """Refuse (``PermissionDenied`` with ``message``, which may be lazy, or a plain reason) unless ``may_act_in`` says
    yes. For steps asked of a partnership rather than of one record (a step only the office takes)."""
    if not may_act_in(user, action, partnership_id):
        raise PermissionDenied(str(message) if message else _("You may not do this."))


def is_office(user, partnership_id: int) -> bool:
    """Does the user run the partnership's joint office (an office admin there, or a superuser)?"""
    return may_act_in(user, Action.ADMINISTER, partnership_id)


def coordinated_sides(user, partnership_id: int) -> set[int]:
    """The sides (regions) of the partnership the user coordinates."""
    return {
        m.region_id
        for m in memberships(user)
        if m.partnership_id == partnership_id and m.role == Role.REGION_COORDINATOR and m.region_id
    }


def may_report_for_side(user, matter, side_id: int) -> bool:
    """May the user file a progress report on this side's half of the matter? The office; the side's coordinator,
    on a matter they may change; a contact of one of the matter's owning units on that side."""
    partnership_id = matter.partnership_id
    if is_office(user, partnership_id):
        return True
    for m in memberships(user):
        if m.partnership_id != partnership_id or m.region_id != side_id:
            continue
        if m.role == Role.REGION_COORDINATOR and can(user, Action.CHANGE, matter):
            return True
        if m.role == Role.UNIT_CONTACT and can(user, Action.REPORT, matter):
            return True
    return False


def minutes_sides(user, partnership_id: int) -> set[int]:
    """The sides for whom the user confirms joint minutes: a coordinator's side, or a leader's whose membership
    names a side (the office confirms for every side)."""
    return {
        m.region_id
        for m in memberships(user)
        if m.partnership_id == partnership_id and m.role in (Role.REGION_COORDINATOR, Role.LEADER) and m.region_id
    }


def sides_spoken_for(user, partnership) -> set[int]:
    """The sides the user speaks for: those they coordinate, and the side of the unit they are a contact of."""
    sides = coordinated_sides(user, partnership.pk)
    for m in memberships(user):
        if m.partnership_id == partnership.pk and m.role == Role.UNIT_CONTACT and m.organisation_id:
            side = m.organisation.side_for(partnership)
            if side is not None:
                sides.add(side.pk)
    return sides


def partnerships_for(user) -> list:
    """The active partnerships the user may read, by name (then id), kept on the user object: what
    ``restrict(Partnership.objects…, VIEW).active()`` gives. A member's are those of their memberships, read with them
    (no query of its own); a superuser's are every one (a query)."""
    cached = getattr(user, "_twincity_partnerships", None)
    if cached is None:
        if user is not None and user.is_authenticated and user.is_active and user.is_superuser:
            cached = list(Partnership.objects.restrict(user, Action.VIEW).active().order_by("name", "pk"))
        else:
            found = {}
            for m in memberships(user):  # by name already; only the roles that may read a partnership
                if m.role in RULES[Action.VIEW]:
                    found.setdefault(m.partnership_id, m.partnership)
            cached = list(found.values())
        user._twincity_partnerships = cached
    return cached


def units_of(user, partnership_id: int) -> set[int]:
    return {m.organisation_id for m in memberships(user) if m.partnership_id == partnership_id and m.organisation_id}


def can_audit(user) -> bool:
    """Does the user read the audit log of at least one partnership?"""
    if user is not None and user.is_authenticated and user.is_superuser:
        return True
    return any(m.role in RULES[Action.AUDIT] for m in memberships(user))


def may_manage_people(user, partnership_id: int) -> bool:
    """May ``user`` look after the people of a partnership (give and end roles, reset passwords)? The office may."""
    return is_office(user, partnership_id)


def may_reset_password(user, target, partnership_id: int) -> bool:
    """May ``user`` reset ``target``'s password as the office of the partnership?

    Only a member of that partnership, never a superuser, never oneself (that is the password page), and never
    someone who also belongs to a partnership that ``user`` does not run: resetting would hand the office the
    way into that other partnership.
    """
    if target is None or not target.is_active or target.is_superuser or target.pk == getattr(user, "pk", None):
        return False
    if not may_manage_people(user, partnership_id):
        return False
    theirs = {m.partnership_id for m in memberships(target)}
    return partnership_id in theirs and all(may_manage_people(user, p) for p in theirs)


class Part(StrEnum):
    """What a member does in a partnership, as ``members_who`` is asked it."""

    ATTENDS_SESSIONS = "attends_sessions"  # the joint sessions: the office, the coordinators, the leaders
    SPEAKS_FOR_UNITS = "speaks_for_units"  # the contacts of the units named
    COORDINATES_SIDES = "coordinates_sides"  # the coordinators of the sides named
    RUNS_OFFICE = "runs_office"  # the joint office's staff
    DECIDES = "decides"  # the leaders, who approve and confirm


# Part → the roles that take it, and the membership field that names what it is taken for (None: the partnership).
PARTS: dict[str, tuple[tuple[str, ...], str | None]] = {
    Part.ATTENDS_SESSIONS: ((Role.OFFICE_ADMIN, Role.REGION_COORDINATOR, Role.LEADER), None),
    Part.SPEAKS_FOR_UNITS: ((Role.UNIT_CONTACT,), "organisation_id"),
    Part.COORDINATES_SIDES: ((Role.REGION_COORDINATOR,), "region_id"),
    Part.RUNS_OFFICE: ((Role.OFFICE_ADMIN,), None),
    Part.DECIDES: ((Role.LEADER,), None),
}


def desks(user) -> list[tuple[int, str, int | None]]:
    """The desks the user sits at, as ``(partnership_id, part, scope_id)``: what a to-do is addressed to.

    The office and the leaders sit at the partnership's desk (``scope_id`` None); a coordinator at the desk of
    each side they coordinate; a unit contact at their unit's. Read from the memberships already loaded for
    the request, so asking costs no query of its own."""
    if not getattr(user, "is_authenticated", False):
        return []
    found: set[tuple[int, str, int | None]] = set()
    for m in memberships(user):
        for part, (taken_by, scope) in PARTS.items():
            if part == Part.ATTENDS_SESSIONS or m.role not in taken_by:
                continue
            scope_id = None if scope is None else getattr(m, scope)
            if scope is not None and scope_id is None:
                continue
            found.add((m.partnership_id, str(part), scope_id))
    return sorted(found, key=lambda d: (d[0], d[1], d[2] or 0))


def members_who(partnership_id: int, part: str, among=None) -> QuerySet:
    """The live memberships (open accounts only, each with its user) of those who take ``part`` in the partnership:
    attend its joint sessions; speak for the units ``among`` (their ids); coordinate the sides ``among``.

    Who is told of something is asked here, as who may do something is; the caller still asks ``can`` whether
    each may see what they are told of."""
    taken_by, scope = PARTS[part]
    if (scope is None) != (among is None):
        raise TypeError(f"members_who({part!r}) takes {'no ' if scope is None else ''}among")
    filters = {"role__in": taken_by}
    if scope is not None:
        filters[f"{scope}__in"] = among
    return Membership.objects.filter(
        partnership_id=partnership_id, archived_at__isnull=True, user__is_active=True, **filters
    ).select_related("user")
