"""Free text from users is stored as plain text: any markup is removed on the way in (nh3), and
templates escape it on the way out. Exports and documents therefore never carry live HTML."""

import html

import nh3


def plain(value: str | None) -> str:
    """``value`` without HTML tags (script and style content dropped), entities turned back into characters."""
    if not value:
        return value or ""
    if "<" not in value:
        return value
    return html.unescape(nh3.clean(value, tags=set(), clean_content_tags={"script", "style"}))
