"""The kinds of notice, as people read them (the bell, the e-mail subject, the preferences page).

Each app names the notices it sends in a ``Notice`` TextChoices of its own ``choices.py`` and registers it
from ``AppConfig.ready()`` (``notifications.kinds.register(Notice)``), as it registers its audit verbs.
A kind is the unit of a person's choice: immediately, in the daily digest, or not at all.
"""

from twincity.notifications.choices import NotificationKind

LABELS: dict[str, str] = dict(NotificationKind.choices)
# The same, as a choice list kept in step: the API schema names this choice set once (``NoticeKindEnum``).
CHOICES: list[tuple[str, str]] = list(LABELS.items())


def register(kinds) -> None:
    LABELS.update(kinds if isinstance(kinds, dict) else dict(kinds.choices))
    CHOICES[:] = sorted(LABELS.items())


def label(kind: str) -> str:
    return str(LABELS.get(kind, kind))


def choices() -> list[tuple[str, str]]:
    return sorted(((k, str(v)) for k, v in LABELS.items()), key=lambda kv: kv[0])
