"""Free text from users is stored as plain text: any markup is removed on the way in (nh3), and
templates escape it on the way out. Exports and documents therefore never carry live HTML.

The promise, for API clients too: a stored value never holds anything a browser would parse as a tag
(``<`` followed by a letter, ``/``, ``!`` or ``?``), however the input was nested or encoded
(``&lt;img …&gt;``, ``&amp;lt;``, ``&#60;``, mixed), and cleaning is idempotent
(``plain(plain(x)) == plain(x)``). How:

1. tags are removed by nh3 (the content of ``script`` and ``style`` is dropped with them);
2. character references are turned back into characters until none is left (text encoded several
   times over comes out as the characters meant); past ``MAX_DECODE`` rounds, which no honest text
   needs, the remaining ``&`` are written as the full-width ``＆`` so that nothing decodes any more;
3. a ``<`` that would open a tag becomes the full-width ``＜`` (U+FF1C): the text reads the same, and
   no browser, HTML parser or later cleaning turns it back into markup. Line ends become ``\\n``, as
   the HTML parser of step 1 makes them.

Ordinary text is kept as typed: ``A < B``, ``5<6``, ``R&D``, ``“引号”``, ``<中文>`` (a ``<`` followed
by a space, a digit or a non-ASCII character opens no tag). Typed raw, ``x<y`` (an ASCII letter right
after ``<``) is the start of a tag to nh3 as to a browser and is removed, as before; encoded
(``x&lt;y``) it becomes ``x＜y``. Entities become their characters (``AT&amp;T`` → ``AT&T``).
"""

import html
import re

import nh3
from django.utils import translation
from django.utils.functional import Promise
from django.utils.timezone import is_aware, template_localtime

MAX_DECODE = 8
TAG_OPENER = re.compile(r"<(?=[A-Za-z/!?])")


def plain(value: str | None) -> str:
    """``value`` without HTML tags, entities turned into characters, and no ``<`` left that opens a tag."""
    if not value:
        return value or ""
    if "<" not in value and "&" not in value:
        return value
    text = nh3.clean(value, tags=set(), clean_content_tags={"script", "style"})
    for _round in range(MAX_DECODE):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    else:
        if html.unescape(text) != text:
            text = text.replace("&", "＆")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return TAG_OPENER.sub("＜", text)


def join_words(items) -> str:
    """Several names in one line, as the reader's language lists them: 天府、两江 in Chinese, "Tianfu, Liangjiang"
    in English. For what a page or a message says now; a file kept in Chinese (the workbooks) keeps its "、"."""
    language = translation.get_language() or ""
    return ("、" if language.startswith("zh") else ", ").join(str(item) for item in items)


def escaped(value) -> str:
    """``value`` as ``format_html`` puts an argument into HTML (``conditional_escape``), as a plain ``str``: safe
    HTML as it is, anything else (a lazy translation too) as text escaped. For HTML built with f-strings, where
    ``format_html`` per piece was the cost (the table frame, the filter bar, the form renderer)."""
    if isinstance(value, Promise):
        value = str(value)
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def local_time(value, zone=None, *, seconds: bool = False) -> str:
    """A time as a template shows it with ``|date:"Y-m-d H:i"`` (``"Y-m-d H:i:s"`` with ``seconds``): in the page's
    time zone (``zone``, when the caller read it once for many rows; else ``template_localtime``)."""
    if zone is None:
        value = template_localtime(value)
    elif is_aware(value):
        value = value.astimezone(zone)
    shown = f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"
    return f"{shown}:{value.second:02d}" if seconds else shown
