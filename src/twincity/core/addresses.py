"""Addresses reversed once: ``reverse()`` walks the URL patterns on every call (about 20 µs), and a page names the
same addresses again and again (its frame's menus; a list's link per row).

``reversed_once`` keeps an address by everything it depends on: the name, the arguments (plain numbers and strings
only; anything else is reversed as Django does), the current application, the script prefix (a deployment under a
path) and the URL patterns themselves (``get_resolver``, new after ``clear_url_caches``). The project's patterns do
not depend on the language (no ``i18n_patterns``). ``address_of(name, pk)`` is an object's address: reversed once
with a stand-in id, the id put in its place, so a page of rows costs one ``reverse()``, not one a row;
``addresses_of(name)`` reads it once for a page of them.
"""

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

_PLAIN = (int, str)
_KEPT: dict[tuple, str] = {}
MAX_KEPT = 5000  # addresses with a partnership's id in them: a few per partnership; emptied beyond this
STAND_IN = 987654321987  # an id no address holds otherwise (its digits are looked for once in the address)


def reversed_once(view_name: str, args=(), kwargs=None, current_app=None) -> str:
    """``reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)``, kept (see the module)."""
    kwargs = kwargs or {}
    if type(view_name) is not str or not all(type(v) in _PLAIN for v in (*args, *kwargs.values())):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    key = (
        view_name,
        tuple(args),
        tuple(sorted(kwargs.items())),
        current_app,
        get_script_prefix(),
        get_resolver(get_urlconf()),
    )
    url = _KEPT.get(key)
    if url is None:
        url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        if len(_KEPT) >= MAX_KEPT:
            _KEPT.clear()
        _KEPT[key] = url
    return url


def address_of(view_name: str, pk) -> str:
    """``reverse(view_name, args=[pk])`` for an object's id (an ``<int:pk>`` address): the address with a stand-in
    id, reversed once, and this id in its place. Anything but a plain non-negative id is reversed as Django does."""
    return addresses_of(view_name)(pk)


def addresses_of(view_name: str):
    """``address_of`` for many ids of one kind (a page of rows): the address read once, a function of the id."""
    before, found, after = reversed_once(view_name, [STAND_IN]).partition(str(STAND_IN))
    if not found or str(STAND_IN) in after:
        return lambda pk: reverse(view_name, args=[pk])

    def address(pk) -> str:
        if type(pk) is not int or pk < 0:
            return reverse(view_name, args=[pk])
        return f"{before}{pk}{after}"

    return address
