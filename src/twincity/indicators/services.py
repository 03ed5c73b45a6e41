"""Every write of the indicator system's statistics: one transaction each, access checked, trace left.

The rules:

* **Figures.** ``record_observations`` is the one write path for figures: the entry form, the API's bulk
  write, the file import and the demo all call it. It validates every row first (known data element and
  region, a period written as the element's frequency wants, a finite value in range) and writes nothing
  unless every row is valid; then it creates the new figures and updates the changed provisional ones, and
  checks after writing, inside the transaction, that the person may report every row it touched (a side's
  coordinator its own side's figures; a unit contact its own side's in its unit's name; the office any,
  including regions outside both sides). A finalised figure is not changed by it: it says so for the row.
* **Finalising** is the office's (``finalise``): it checks and freezes provisional figures.
* **Revisions.** A finalised figure changes only through ``revise``, which records the old and the new value
  and the reason (``Revision``). A side's revision sends the figure back to provisional, for the office to
  finalise again; the office's keeps it final.
* **Definitions** (data elements, indicators, frameworks, reference panels, region aliases) are the office's.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.accounts.access import is_office, memberships, require_in, restrict
from twincity.accounts.choices import Action
from twincity.audit.services import log_event, log_events
from twincity.core.services import (
    archive,
    bulk_create,
    bulk_save,
    load_rows,
    lock,
    require,
    save_fields,
    update_versioned,
)
from twincity.core.text import plain
from twincity.indicators.choices import Event, ObservationStatus, period_frequency
from twincity.indicators.models import (
    VALUE,
    DataElement,
    Framework,
    FrameworkNode,
    Indicator,
    Observation,
    ReferencePanel,
    RegionAlias,
    Revision,
)
from twincity.indicators.regionnames import normalise_name
from twincity.regions.models import Organisation, Partnership, Region

OFFICE_ONLY = gettext_lazy("Only the office keeps the indicator system's definitions.")
FINALISE_OFFICE_ONLY = gettext_lazy("Only the office finalises figures.")
# The largest absolute value the value column holds (24 digits, 6 after the point).
MAX_VALUE = Decimal(10) ** (VALUE["max_digits"] - VALUE["decimal_places"])


# ----------------------------------------------------------------------------- sides


def region_sides(partnership: Partnership) -> dict[int, int]:
    """Region id → the side (region id) it belongs to: the sides themselves and the regions right under them."""
    sides = list(partnership.memberships.values_list("region_id", flat=True))
    mapping = {pk: pk for pk in sides}
    for pk, parent in Region.objects.filter(parent_id__in=sides).values_list("pk", "parent_id"):
        mapping.setdefault(pk, parent)
    return mapping


def own_unit(user, partnership: Partnership) -> int | None:
    """The unit a unit contact reports in the name of (their membership's), if they are one in the partnership."""
    for m in memberships(user):
        if m.partnership_id == partnership.pk and m.organisation_id:
            return m.organisation_id
    return None


# ----------------------------------------------------------------------------- figures


@dataclass
class FigureRow:
    """One figure to record, as a form, the API, a file or the demo gives it. ``line`` names it in messages
    (a file's row number, an API item's index)."""

    element: DataElement | int | str
    region: Region | int
    period: str
    value: object
    source: str = ""
    note: str = ""
    organisation: Organisation | int | None = None
    line: int | str | None = None


@dataclass
class RowError:
    line: int | str | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Row %(row)s, %(column)s: %(message)s") % {
            "row": self.line,
            "column": self.column,
            "message": self.message,
        }


class FigureErrors(ValidationError):
    """Rows that cannot be recorded, each with its row and column; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__([str(e) for e in errors])


@dataclass
class Outcome:
    created: list[Observation] = field(default_factory=list)
    updated: list[Observation] = field(default_factory=list)
    unchanged: int = 0


def parse_value(raw) -> Decimal:
    """A figure as people type it: ``1,234.5``, ``１２３``, `` 12 ``; refuses text, NaN, infinity and the too large."""
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, bool):
        raise ValueError(_("not a number"))
    elif isinstance(raw, int | float):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise ValueError(_("not a finite number"))
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    else:
        text = unicodedata.normalize("NFKC", str(raw or "")).strip().replace(",", "").replace(" ", "")
        if not text:
            raise ValueError(_("empty"))
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number") % {"value": str(raw)[:40]}) from None
    if not value.is_finite():
        raise ValueError(_("not a finite number"))
    if abs(value) >= MAX_VALUE:
        raise ValueError(_("too large"))
    if value.as_tuple().exponent < -VALUE["decimal_places"]:  # more decimals than kept: round, as Excel shows it
        value = value.quantize(Decimal(1).scaleb(-VALUE["decimal_places"]))
    return value


def _elements(partnership: Partnership) -> tuple[dict, dict]:
    by_pk, by_code = {}, {}
    for element in DataElement.objects.filter(partnership=partnership, archived_at__isnull=True):
        by_pk[element.pk] = element
        by_code[element.code] = element
    return by_pk, by_code


def existing_figures(partnership: Partnership, clean, *, lock: bool = True) -> list[Observation]:
    """The live figures with the keys of ``clean`` (element, region, period), locked. On PostgreSQL they are
    looked up key by key through the unique index (a join on the keys), so that a large table is not scanned
    once per chunk of a big import; elsewhere by the three key sets."""
    if connection.vendor == "postgresql" and len(clean) > 200:
        table = Observation._meta.db_table
        keys = list(clean)
        return list(
            Observation.objects.raw(
                f"SELECT o.* FROM {table} o JOIN unnest(%s::bigint[], %s::bigint[], %s::varchar[]) "
                "AS k(e, r, p) ON o.element_id = k.e AND o.region_id = k.r AND o.period = k.p "
                "WHERE o.partnership_id = %s AND o.archived_at IS NULL" + (" FOR UPDATE OF o" if lock else ""),
                [[k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys], partnership.pk],
            )
        )
    queryset = Observation.objects.select_for_update() if lock else Observation.objects.all()
    return list(
        queryset.filter(partnership=partnership, element_id__in={k[0] for k in clean}, archived_at__isnull=True).filter(
            region_id__in={k[1] for k in clean}, period__in={k[2] for k in clean}
        )
    )


def record_observations(
    partnership: Partnership, rows: list[FigureRow], *, user, default_source: str = "", trail: str = "each"
) -> Outcome:
    """Record figures (the one write path for them); see the module docstring. Raises ``FigureErrors``.

    ``trail="each"`` (forms, the API) leaves a change record for every figure. A file import passes
    ``trail="load"``: new figures are inserted by ``core.services.load_rows`` without a change record each,
    and the import records itself as one named event beside its job (which keeps the file); changed
    figures still get theirs. ``Outcome.created`` then holds the new figures' ids."""
    by_pk, by_code = _elements(partnership)
    sides = region_sides(partnership)
    region_ids = set(Region.objects.filter(archived_at__isnull=True).values_list("pk", flat=True))
    unit = own_unit(user, partnership)
    office = is_office(user, partnership.pk)
    errors: list[RowError] = []
    clean: dict[tuple[int, int, str], dict] = {}
    for row in rows:
        element = row.element
        if isinstance(element, DataElement):
            element = by_pk.get(element.pk)
        elif isinstance(element, int):
            element = by_pk.get(element)
        else:
            element = by_code.get(str(element or "").strip())
        if element is None:
            errors.append(RowError(row.line, _("data element"), _("no such data element")))
            continue
        region_id = row.region.pk if isinstance(row.region, Region) else row.region
        if region_id not in region_ids:
            errors.append(RowError(row.line, _("region"), _("no such region")))
            continue
        period = str(row.period or "").strip().upper()
        frequency = period_frequency(period)
        if frequency is None:
            errors.append(RowError(row.line, _("period"), _("write a period as 2020, 2020Q1 or 202001")))
            continue
        if frequency != element.frequency:
            errors.append(
                RowError(
                    row.line,
                    _("period"),
                    _("%(element)s is %(frequency)s: “%(period)s” does not fit")
                    % {"element": element.code, "frequency": element.get_frequency_display(), "period": period},
                )
            )
            continue
        try:
            value = parse_value(row.value)
        except ValueError as exc:
            errors.append(RowError(row.line, _("value"), str(exc)))
            continue
        key = (element.pk, region_id, period)
        if key in clean:
            errors.append(RowError(row.line, _("period"), _("the same figure appears twice")))
            continue
        organisation = row.organisation.pk if isinstance(row.organisation, Organisation) else row.organisation
        clean[key] = {
            "line": row.line,
            "value": value,
            "source": plain(row.source or default_source or element.source)[:200],
            "note": plain(row.note or "")[:500],
            "organisation_id": organisation if organisation is not None else (None if office else unit),
            "side_id": sides.get(region_id),
        }
    if errors:
        raise FigureErrors(errors)
    if not clean:
        return Outcome()
    with transaction.atomic():
        found = existing_figures(partnership, clean)
        existing = {(obs.element_id, obs.region_id, obs.period): obs for obs in found}
        new, changed, unchanged = [], [], 0
        for key, row in clean.items():
            obs = existing.get(key)
            if obs is None:
                values = {
                    "partnership_id": partnership.pk,
                    "element_id": key[0],
                    "region_id": key[1],
                    "period": key[2],
                    "value": row["value"],
                    "source": row["source"],
                    "note": row["note"],
                    "side_id": row["side_id"],
                    "organisation_id": row["organisation_id"],
                }
                new.append(values if trail == "load" else Observation(**values))
                continue
            if obs.value == row["value"] and (obs.source, obs.note) == (row["source"], row["note"] or obs.note):
                unchanged += 1
                continue
            if obs.is_final:
                if obs.value == row["value"]:
                    unchanged += 1
                    continue
                errors.append(
                    RowError(row["line"], _("value"), _("this figure is final: record a revision with its reason"))
                )
                continue
            obs.value, obs.source = row["value"], row["source"]
            obs.note = row["note"] or obs.note
            obs.version += 1
            changed.append(obs)
        if errors:
            raise FigureErrors(errors)
        if changed:
            may = set(
                restrict(Observation.objects.filter(pk__in=[o.pk for o in changed]), user, Action.REPORT).values_list(
                    "pk", flat=True
                )
            )
            refused = [o for o in changed if o.pk not in may]
            if refused:
                raise PermissionDenied(
                    _("You may not change some of these figures (another side's or another unit's).")
                )
            bulk_save(changed, ["value", "source", "note", "version"])
        if new:
            if trail == "load":
                ids = load_rows(Observation, new)
                new = ids
            else:
                bulk_create(new)
                ids = [o.pk for o in new]
            allowed = restrict(Observation.objects.filter(pk__in=ids), user, Action.REPORT).count()
            if allowed != len(ids):
                raise PermissionDenied(
                    _("You may enter figures only for your own side (and, as a unit contact, in your unit's name).")
                )
        return Outcome(created=new, updated=changed, unchanged=unchanged)


def finalise(partnership: Partnership, observations, *, user) -> int:
    """Finalise provisional figures (the office). Returns how many were finalised."""
    require_in(user, Action.ADMINISTER, partnership.pk, FINALISE_OFFICE_ONLY)
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Observation.objects.select_for_update().filter(
                partnership=partnership,
                pk__in=[getattr(o, "pk", o) for o in observations],
                status=ObservationStatus.PROVISIONAL,
                archived_at__isnull=True,
            )
        )
        for obs in rows:
            obs.status, obs.finalised_at, obs.finalised_by_id = ObservationStatus.FINAL, now, user.pk
            obs.version += 1
        bulk_save(rows, ["status", "finalised_at", "finalised_by", "version"])
        log_events(Event.OBSERVATION_FINALISED, rows, user=user)
        return len(rows)


def revise(observation: Observation, *, value, reason: str, user, version: int | None = None) -> Revision:
    """Change a finalised figure with a recorded reason (see the module docstring)."""
    reason = plain(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the figure is revised.")})
    try:
        new_value = parse_value(value)
    except ValueError as exc:
        raise ValidationError({"value": str(exc)}) from None
    with transaction.atomic():
        obs = lock(observation, version=version)
        require(user, Action.REPORT, obs)
        if not obs.is_final:
            raise ValidationError(_("This figure is still provisional: correct it directly."))
        if obs.value == new_value:
            raise ValidationError({"value": _("The new value is the same as the old one.")})
        revision = Revision.objects.create(
            observation=obs, old_value=obs.value, new_value=new_value, reason=reason[:500], revised_by=user
        )
        obs.value = new_value
        fields = ["value", "version"]
        if not is_office(user, obs.partnership_id):
            obs.status, obs.finalised_at, obs.finalised_by = ObservationStatus.PROVISIONAL, None, None
            fields += ["status", "finalised_at", "finalised_by"]
        obs.version += 1
        save_fields(obs, fields)
        log_event(
            Event.OBSERVATION_REVISED,
            obs,
            user=user,
            data={"old": str(revision.old_value), "new": str(new_value), "reason": reason[:500]},
        )
        return revision


def archive_observation(observation: Observation, *, user, version: int | None = None) -> Observation:
    """Withdraw a provisional figure entered by mistake (kept, archived). A final figure is revised instead."""
    with transaction.atomic():
        obs = lock(observation, version=version)
        require(user, Action.REPORT, obs)
        if obs.is_final:
            raise ValidationError(_("A final figure is not withdrawn: record a revision instead."))
        return archive(obs, user=user, action=Action.REPORT)  # the core's one archiving path


# ----------------------------------------------------------------------------- definitions (the office's)

ELEMENT_FIELDS = (
    "code",
    "name",
    "name_en",
    "unit",
    "definition",
    "source",
    "frequency",
    "aggregation",
    "category_set",
    "category",
)
INDICATOR_FIELDS = ("code", "name", "name_en", "numerator", "denominator", "factor", "unit", "direction", "definition")
FRAMEWORK_FIELDS = ("code", "name", "name_en", "description")
NODE_FIELDS = ("parent", "code", "name", "name_en", "indicator", "direction", "weight", "order")


def _create(model, partnership: Partnership, user, allowed: tuple[str, ...], fields: dict):
    require_in(user, Action.ADMINISTER, partnership.pk, OFFICE_ONLY)
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationError(_("These cannot be set here: %(fields)s.") % {"fields": ", ".join(unknown)})
    obj = model(partnership=partnership, **fields)
    obj.full_clean(validate_constraints=True)
    obj.save()
    return obj


def _update(obj, user, allowed: tuple[str, ...], changes: dict, version: int | None):
    require_in(user, Action.ADMINISTER, obj.partnership_id, OFFICE_ONLY)
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError(_("These cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)})
    return update_versioned(obj, version, changes, user=user, action=Action.ADMINISTER)


@transaction.atomic
def create_element(*, partnership: Partnership, user, **fields) -> DataElement:
    return _create(DataElement, partnership, user, ELEMENT_FIELDS, fields)


def update_element(element: DataElement, *, user, version: int | None = None, **changes) -> DataElement:
    with transaction.atomic():
        if "frequency" in changes and changes["frequency"] != element.frequency and element.observations.exists():
            raise ValidationError({"frequency": _("Figures were recorded at this frequency: it cannot change now.")})
        return _update(element, user, ELEMENT_FIELDS, changes, version)


def _check_indicator(partnership: Partnership, fields: dict) -> None:
    for name in ("numerator", "denominator"):
        element = fields.get(name)
        if element is not None and element.partnership_id != partnership.pk:
            raise ValidationError({name: _("Choose a data element of this partnership.")})
    if fields.get("factor") is not None and Decimal(fields["factor"]) == 0:
        raise ValidationError({"factor": _("The factor cannot be zero.")})


@transaction.atomic
def create_indicator(*, partnership: Partnership, user, **fields) -> Indicator:
    _check_indicator(partnership, fields)
    return _create(Indicator, partnership, user, INDICATOR_FIELDS, fields)


def update_indicator(indicator: Indicator, *, user, version: int | None = None, **changes) -> Indicator:
    _check_indicator(indicator.partnership, changes)
    with transaction.atomic():
        return _update(indicator, user, INDICATOR_FIELDS, changes, version)


@transaction.atomic
def create_framework(*, partnership: Partnership, user, **fields) -> Framework:
    return _create(Framework, partnership, user, FRAMEWORK_FIELDS, fields)


def update_framework(framework: Framework, *, user, version: int | None = None, **changes) -> Framework:
    with transaction.atomic():
        return _update(framework, user, FRAMEWORK_FIELDS, changes, version)


def _check_node(framework: Framework, node: FrameworkNode) -> None:
    if node.parent_id is not None and node.parent.framework_id != framework.pk:
        raise ValidationError({"parent": _("Choose a node of this framework.")})
    if node.indicator_id is not None and node.indicator.partnership_id != framework.partnership_id:
        raise ValidationError({"indicator": _("Choose an indicator of this partnership.")})
    if (
        node.parent_id is None
        and FrameworkNode.objects.filter(framework=framework, parent__isnull=True).exclude(pk=node.pk).exists()
    ):
        raise ValidationError({"parent": _("A framework has one index at its top: choose the node above this one.")})
    if node.indicator_id is not None and node.pk and node.children.exists():
        raise ValidationError({"indicator": _("A node with nodes under it is a dimension, not an indicator.")})
    if node.weight is not None and Decimal(node.weight) < 0:
        raise ValidationError({"weight": _("A weight cannot be negative.")})
    seen, current = {node.pk}, node.parent
    while current is not None:  # no node under itself
        if current.pk in seen:
            raise ValidationError({"parent": _("A node cannot sit under itself.")})
        seen.add(current.pk)
        current = current.parent


def save_node(framework: Framework, *, user, node: FrameworkNode | None = None, **fields) -> FrameworkNode:
    """Add a node to a framework's tree, or change one (the office). The framework's version moves, so two
    people editing one tree do not overwrite each other."""
    require_in(user, Action.ADMINISTER, framework.partnership_id, OFFICE_ONLY)
    unknown = sorted(set(fields) - set(NODE_FIELDS))
    if unknown:
        raise ValidationError(_("These cannot be set here: %(fields)s.") % {"fields": ", ".join(unknown)})
    with transaction.atomic():
        framework = lock(framework)
        if node is None:
            node = FrameworkNode(framework=framework)
        for name, value in fields.items():
            setattr(node, name, value)
        if node.indicator_id and "direction" not in fields and node._state.adding:
            node.direction = node.indicator.direction
        _check_node(framework, node)
        node.full_clean(exclude=["framework"], validate_constraints=True)
        node.save()
        framework.version += 1
        save_fields(framework, ["version"])
        return node


@transaction.atomic
def create_panel(*, partnership: Partnership, user, name: str, name_en: str = "", regions=(), description: str = ""):
    require_in(user, Action.ADMINISTER, partnership.pk, OFFICE_ONLY)
    panel = ReferencePanel(
        partnership=partnership, name=plain(name), name_en=plain(name_en), description=plain(description)
    )
    panel.full_clean()
    panel.save()
    panel.regions.set(regions)
    return panel


@transaction.atomic
def set_alias(*, partnership: Partnership, user, alias: str, region: Region) -> RegionAlias:
    """Teach the importer another spelling of a region's name (two spellings of one name are one alias)."""

    require_in(user, Action.ADMINISTER, partnership.pk, OFFICE_ONLY)
    key = normalise_name(alias)
    if not key:
        raise ValidationError({"alias": _("Give the spelling met in files.")})
    obj, _created = RegionAlias.objects.update_or_create(
        partnership=partnership, alias=key, defaults={"region": region}
    )
    return obj


# ----------------------------------------------------------------------------- archiving and small edits (pages)


def _archive_definition(obj, user):
    """Archive a definition (kept in the history, out of the lists): the office's."""

    require_in(user, Action.ADMINISTER, obj.partnership_id, OFFICE_ONLY)
    return archive(obj, user=user, action=Action.ADMINISTER)


def archive_element(element: DataElement, *, user) -> DataElement:
    """Archive a data element; its figures stay (archived elements take no new figures)."""
    return _archive_definition(element, user)


def archive_indicator(indicator: Indicator, *, user) -> Indicator:
    return _archive_definition(indicator, user)


def archive_framework(framework: Framework, *, user) -> Framework:
    return _archive_definition(framework, user)


def update_panel(panel: ReferencePanel, *, user, version: int | None = None, regions=None, **changes):
    """Change a reference panel's names, description and regions (the office); a stale version is a conflict."""
    changes = {k: plain(v) if isinstance(v, str) else v for k, v in changes.items()}
    with transaction.atomic():
        panel = _update(panel, user, ("name", "name_en", "description"), changes, version)
        if regions is not None:
            panel.regions.set(regions)
        return panel


@transaction.atomic
def remove_alias(alias: RegionAlias, *, user) -> None:
    """Forget a spelling (a configuration, not a record: its removal is in the change log)."""
    require_in(user, Action.ADMINISTER, alias.partnership_id, OFFICE_ONLY)
    alias.delete()


STALE_FIGURE = gettext_lazy(
    "someone else changed this figure since you loaded it (it is now %(value)s): nothing was saved, reload and check"
)


def record_observations_checked(
    partnership: Partnership, rows: list[FigureRow], *, user, versions: dict, default_source: str = ""
) -> Outcome:
    """``record_observations`` for an editor who saw the figures at some versions (the entry grid, the API's
    bulk write with ``version``): ``versions`` maps a row's ``line`` to the version the editor saw (0: no
    figure yet). A figure created, changed or withdrawn by someone else since is refused for that row, and
    nothing is written."""
    with transaction.atomic():
        wanted = {}
        _by_pk, by_code = _elements(partnership)
        for row in rows:
            if row.line in versions:
                element = getattr(row.element, "pk", row.element)
                if isinstance(element, str):
                    element = getattr(by_code.get(element.strip()), "pk", None)
                wanted[(element, getattr(row.region, "pk", row.region), str(row.period).strip().upper())] = row.line
        current = {}
        if wanted:
            found = (
                Observation.objects.select_for_update()
                .filter(partnership=partnership, archived_at__isnull=True)
                .filter(element_id__in={k[0] for k in wanted}, region_id__in={k[1] for k in wanted})
                .filter(period__in={k[2] for k in wanted})
            )
            current = {(o.element_id, o.region_id, o.period): o for o in found}
        errors = []
        for key, line in wanted.items():
            obs = current.get(key)
            seen = versions[line] or 0
            now = obs.version if obs is not None else 0
            if seen != now:
                shown = str(obs.value.normalize()) if obs is not None else "∅"
                errors.append(RowError(line, _("value"), str(STALE_FIGURE) % {"value": shown}))
        if errors:
            raise FigureErrors(errors)
        return record_observations(partnership, rows, user=user, default_source=default_source)
