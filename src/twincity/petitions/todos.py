"""What a joint request waits for (``supervision.todos``): each side's endorsement of the current text."""

from twincity.accounts.access import Part
from twincity.petitions.choices import PetitionStatus
from twincity.petitions.models import Petition, PetitionSide, PetitionText
from twincity.supervision import todos
from twincity.supervision.choices import TodoKind


def wanted(petition: Petition) -> list[todos.Want]:
    """While the request is being drafted, the coordinator of every side that has not endorsed the current text."""
    if petition.archived_at is not None or petition.status != PetitionStatus.DRAFTING:
        return []
    texts = list(petition.texts.all())
    if not texts:
        return []
    current = max(texts, key=lambda t: t.number)
    title = f"{petition.code} {petition.title}".strip()
    return [
        todos.Want(
            partnership_id=petition.partnership_id,
            part=Part.COORDINATES_SIDES,
            scope_id=half.region_id,
            kind=TodoKind.ENDORSE_REQUEST,
            title=title,
            url=petition.get_absolute_url(),
            active_from=todos.local_day(current.created),
        )
        for half in petition.sides.all()
        if half.endorsed_text != current.number
    ]


def register() -> None:
    todos.register(
        todos.Source(
            model=Petition,
            wanted=wanted,
            parts={PetitionSide: "petition_id", PetitionText: "petition_id"},
            prefetch=("texts", "sides"),
        )
    )
