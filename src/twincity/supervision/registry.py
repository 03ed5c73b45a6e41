"""What supervision knows of the items it follows: an adapter per model, registered by the item's own app.

Supervision sits below matters, meetings and the registers (layers point down), so it never imports them.
Each of those apps describes its supervised models in ``AppConfig.ready()``::

    from twincity.supervision.registry import Supervised, register
    register(Supervised(kind="action", model=ActionItem, describe=describe_action))

``describe(obj)`` returns an ``ItemSpec``: what the case copies from the item (its partnership, code, title,
link, field, dates and owning sides). The case is opened and kept in step by the item's services calling
``supervision.services.follow(obj)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Model


@dataclass(frozen=True)
class Owner:
    side_id: int
    organisation_id: int | None = None


@dataclass(frozen=True)
class ItemSpec:
    partnership_id: int
    code: str
    title: str
    url: str
    assigned_on: dt.date
    due_on: dt.date
    owners: tuple[Owner, ...]
    field_id: int | None = None
    # False when the item is not (or no longer) supervised: cancelled, archived, not yet assigned.
    active: bool = True


@dataclass(frozen=True)
class Supervised:
    kind: str  # a short name, stored on the case (``matter``, ``milestone``, ``action``, ``obligation``…)
    model: type[Model]
    describe: Callable[[Model], ItemSpec]
    label: str = ""  # shown in filters: "Meeting action", "Milestone"…
    extra: dict = field(default_factory=dict)


_BY_KIND: dict[str, Supervised] = {}
_BY_MODEL: dict[type[Model], Supervised] = {}


def register(entry: Supervised) -> None:
    _BY_KIND[entry.kind] = entry
    _BY_MODEL[entry.model] = entry


def for_model(model: type[Model]) -> Supervised | None:
    return _BY_MODEL.get(model)


def for_kind(kind: str) -> Supervised | None:
    return _BY_KIND.get(kind)


def kinds() -> list[Supervised]:
    return list(_BY_KIND.values())
