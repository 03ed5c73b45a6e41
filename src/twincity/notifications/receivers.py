"""Signal receivers of the notifications app."""

from twincity.core.cache import bump_user_stamp


def notice_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    """A notice was added, read or removed: the pages cached for its reader show its badge, so they go."""
    if not raw:
        bump_user_stamp(instance.user_id)
