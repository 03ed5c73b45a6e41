"""The Django side of the load run, run as a subprocess with the server's own settings and database.

    python -m bench.load.helper plan  < {"personas": [...]}   → credentials and what each persona may do
    python -m bench.load.helper final < {"matter": [ids], …}  → what the database holds for those objects

``plan`` gives each persona an API token (``issue_token``: the one place that knows the token model), a
session cookie for the pages, and the targets its writes aim at, asked of the access door (``restrict``):
the matters it may change, the (matter, side) pairs it may report on, the open milestones it may close,
the actions it may give feedback on, the joint requests it may edit. ``final`` reads the stored state
straight from the database, so the verdict does not depend on the API's read path.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twincity.settings")


def issue_token(user) -> str:
    """An API token for ``user``, sent as ``Authorization: Token <key>``.

    The only function that knows the token model (``accounts.ApiToken``: the key exists only here, once).
    """
    from twincity.accounts.models import ApiToken

    _token, key = ApiToken.issue(user)
    return key


def open_session(user) -> str:
    """A session key as signing in would create it (the dashboard is a page, not an API)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the one that checks passwords
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def plan(personas: list[str]) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from twincity.accounts.choices import Action
    from twincity.demo import PARTNERSHIP_NAME
    from twincity.matters.choices import CLOSED_STATUSES
    from twincity.matters.models import Matter, MatterOwner, MatterSide, Milestone
    from twincity.meetings.choices import OWNER_PENDING_STATUSES
    from twincity.meetings.models import ActionItem
    from twincity.petitions.models import Petition
    from twincity.regions.models import Partnership

    partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
    year = timezone.localdate().year
    open_matters = Matter.objects.filter(partnership=partnership, year=year, archived_at__isnull=True).exclude(
        status__in=CLOSED_STATUSES
    )
    open_ids = set(open_matters.values_list("pk", flat=True))
    sides: dict[int, list[int]] = {}
    for matter_id, region_id in (
        MatterSide.objects.filter(matter_id__in=open_ids).order_by("region_id").values_list("matter_id", "region_id")
    ):
        sides.setdefault(matter_id, []).append(region_id)
    result = {
        "partnership": partnership.pk,
        "year": year,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "matters": sorted(open_ids),
        "sides": sides,
        "personas": {},
    }
    User = get_user_model()
    for username in personas:
        user = User.objects.get(username=username)
        edit = sorted(set(Matter.objects.restrict(user, Action.CHANGE).values_list("pk", flat=True)) & open_ids)
        report = sorted(
            {
                (m, s)
                for m, s in MatterOwner.objects.restrict(user, Action.REPORT).values_list("matter_id", "side_id")
                if m in open_ids
            }
        )
        milestones = sorted(
            Milestone.objects.restrict(user, Action.REPORT)
            .filter(matter_id__in=open_ids, done_date__isnull=True, archived_at__isnull=True)
            .values_list("pk", flat=True)
        )
        actions = sorted(
            ActionItem.objects.restrict(user, Action.REPORT)
            .filter(status__in=OWNER_PENDING_STATUSES)
            .values_list("pk", flat=True)
        )
        petitions = sorted(
            Petition.objects.restrict(user, Action.CHANGE)
            .filter(partnership=partnership, archived_at__isnull=True)
            .values_list("pk", flat=True)
        )
        result["personas"][username] = {
            "token": issue_token(user),
            "session": open_session(user),
            "edit": edit,
            "report": [list(pair) for pair in report],
            "milestones": milestones,
            "actions": actions,
            "petitions": petitions,
        }
    return result


def final(wanted: dict) -> dict:
    from twincity.matters.models import Matter, Milestone, ProgressReport
    from twincity.meetings.models import ActionItem, ActionUpdate
    from twincity.petitions.models import Petition

    out: dict = {"objects": [], "created": []}
    for matter in Matter.objects.filter(pk__in=wanted.get("matter", [])):
        out["objects"].append(
            ["matter", matter.pk, {"version": matter.version, "title": matter.title, "description": matter.description}]
        )
    closed_or_seen = set(wanted.get("milestone", []))
    for m in Milestone.objects.filter(pk__in=closed_or_seen):
        out["objects"].append(
            [
                "milestone",
                m.pk,
                {"version": m.version, "evidence": m.evidence, "done_date": m.done_date and m.done_date.isoformat()},
            ]
        )
        out["created"].append(["milestone", m.pk, {"title": m.title, "matter": m.matter_id, "side": m.side_id}])
    for p in Petition.objects.filter(pk__in=wanted.get("petition", [])):
        out["objects"].append(["petition", p.pk, {"version": p.version, "note": p.note}])
    for r in ProgressReport.objects.filter(pk__in=wanted.get("report", [])):
        out["created"].append(
            [
                "report",
                r.pk,
                {
                    "matter": r.matter_id,
                    "side": r.side_id,
                    "text": r.text,
                    "percent_complete": r.percent_complete,
                    "archived": r.archived_at is not None,
                },
            ]
        )
    for a in ActionItem.objects.filter(pk__in=wanted.get("action", [])):
        out["objects"].append(["action", a.pk, {"version": a.version}])
    for u in ActionUpdate.objects.filter(pk__in=wanted.get("action-update", [])):
        out["created"].append(["action-update", u.pk, {"action": u.action_id, "text": u.text}])
    return out


def main(argv: list[str]) -> None:
    import django

    django.setup()
    request = json.load(sys.stdin)
    if argv[0] == "plan":
        answer = plan(request["personas"])
    elif argv[0] == "final":
        answer = final(request)
    else:
        raise SystemExit(f"unknown command {argv[0]!r}")
    json.dump(answer, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1:])
