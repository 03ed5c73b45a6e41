"""What every part of the demo stands on: the partnership, its two sides, its units and one account per
persona, built from ``demo.toml`` beside this module. ``World`` is what each app's ``demo.load`` receives
(the tests hand them a smaller one: ``twincity.testing.demo_loader``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.choices import Role
from twincity.accounts.services import add_membership
from twincity.regions.choices import DEFAULT_FIELDS, MeetingCadence, OrganisationKind
from twincity.regions.models import CounterpartPair, Field, Organisation, Partnership, PartnershipRegion, Region

DATA = tomllib.loads(Path(__file__).with_name("demo.toml").read_text(encoding="utf-8"))

DEMO_PASSWORD = "tianfu-liangjiang-2020"  # demo only: printed by the command and written in the README
PARTNERSHIP_NAME = DATA["partnership"]["name"]


@dataclass(frozen=True)
class Persona:
    username: str
    label: str  # shown as the user's name
    role: str | None
    region: str | None = None
    unit: str | None = None
    title: str = ""


PERSONAS = tuple(
    Persona(username, label, Role(role) if role else None, region or None, unit or None, title)
    for username, label, role, region, unit, title in DATA["personas"]
)
USERNAMES = tuple(p.username for p in PERSONAS)
ADMIN = Persona("admin", "系统管理员（演示）", None)
# When the story begins: the office set up the partnership, its units and its people before the second docking
# meeting of 19 June 2020 (the first thing the article dates).
STORY_BEGINS = dt.date(2020, 5, 18)


class World:
    """The demo's partnership and its people, by the keys the data files use: ``regions["TF"]``,
    ``units["tf-market"]``, ``users["office"]``, ``fields["改革"]``; ``today`` dates the current year."""

    def __init__(self, today: dt.date, out):
        self.today = today
        self.out = out
        self.clock = None  # the story's clock while the demo loads (``demo.clock``): ``at`` dates a step
        self.partnership: Partnership | None = None
        self.units: dict[str, Organisation] = {}
        self.regions: dict[str, Region] = {}
        self.users: dict[str, object] = {}
        self.fields: dict[str, Field] = {}
        self.areas: dict[str, str] = {code: area["name"] for code, area in DATA["areas"].items()}
        # Units whose own contact files their reports (the others' are filed by the side's coordinator).
        self.unit_contacts: dict[str, str] = {
            p.unit: p.username for p in PERSONAS if p.role == Role.UNIT_CONTACT and p.unit
        }

    def at(self, when: dt.date | dt.datetime):
        """``with world.at(day):`` every stamp the services make inside is that day (see ``demo.clock``)."""
        return self.clock.at(when) if self.clock is not None else contextlib.nullcontext()

    def make_users(self) -> None:
        User = get_user_model()
        hashed = make_password(DEMO_PASSWORD)  # hash once: nine PBKDF2 rounds would cost seconds
        for persona in [*PERSONAS, ADMIN]:
            user = User.objects.filter(username=persona.username).first()
            if user is None:
                user = User(
                    username=persona.username,
                    first_name=persona.label,
                    email=f"{persona.username}@example.org",
                    date_joined=timezone.now(),  # the field's default is the real clock's, not the story's
                )
                user.password = hashed
                if persona is ADMIN:
                    user.is_staff = user.is_superuser = True
                user.save()
            else:
                self.out.write(
                    _("User %(username)s already exists: kept as it is, password unchanged.")
                    % {"username": persona.username}
                    + "\n"
                )
            self.users[persona.username] = user

    def make_partnership(self) -> Partnership:
        values = dict(DATA["partnership"])
        values["meeting_cadence"] = MeetingCadence(values["meeting_cadence"])
        partnership = Partnership.objects.create(**values)
        for code, name, name_en, short, order in DATA["regions"]:
            region, _created = Region.objects.get_or_create(
                code=code, defaults={"name": name, "name_en": name_en, "short_name": short}
            )
            PartnershipRegion.objects.create(partnership=partnership, region=region, rotation_order=order)
            self.regions[code] = region
        for order, (zh, en) in enumerate(DEFAULT_FIELDS):
            self.fields[zh] = Field.objects.create(partnership=partnership, name=zh, name_en=en, order=order)
        self.partnership = partnership
        return partnership

    def _unit(self, key, region, kind, name, name_en, short, contact="", parent=None) -> Organisation:
        unit, _created = Organisation.objects.get_or_create(
            region=region,
            name=name,
            defaults={
                "name_en": name_en,
                "kind": OrganisationKind(kind),
                "short_name": short,
                "contact_name": contact,
                "parent": parent,
            },
        )
        self.units[key] = unit
        return unit

    def make_units(self) -> None:
        """The paired units of both sides (``tf-market``, ``lj-market``, …), the others, and the counterpart pairs."""
        pairs = []
        for key, kind, name, name_en, short in DATA["paired_units"]:
            made = []
            for code, area in DATA["areas"].items():
                parent = self.units.get(f"{code.lower()}-group") if key == "office" else None
                made.append(
                    self._unit(
                        f"{code.lower()}-{key}",
                        self.regions[code],
                        kind,
                        f"{area['name']}{name}",
                        f"{area['name_en']} {name_en}",
                        f"{area['name'][:2]}{short}",
                        parent=parent,
                    )
                )
            pairs.append((made[0], made[1], ""))
        for key, code, kind, name, name_en, short, contact, parent_key in DATA["other_units"]:
            parent = self.units[parent_key] if parent_key else None
            self._unit(key, self.regions[code], kind, name, name_en, short, contact, parent)
        for first, second, note in DATA["extra_pairs"]:
            pairs.append((self.units[first], self.units[second], note))
        for first, second, note in pairs:
            pair = CounterpartPair(partnership=self.partnership, first=first, second=second, note=note)
            pair.full_clean()
            pair.save()

    def make_memberships(self) -> None:
        for persona in PERSONAS:
            if persona.role is None:
                continue
            add_membership(
                self.users[persona.username],
                self.partnership,
                persona.role,
                region=self.regions[persona.region] if persona.region else None,
                organisation=self.units[persona.unit] if persona.unit else None,
                title=persona.title,
            )
