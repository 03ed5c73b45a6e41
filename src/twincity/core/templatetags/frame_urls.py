"""``{% url %}`` for the frame every page renders (``base.html`` and its menus): Django's tag, each address reversed
once per process.

The frame names about thirty addresses a page (the menus, the switcher, the sign-out form), the same on every
request; ``reverse()`` walks the URL patterns for each (about 20 µs: a thirtieth of a list page on a cache miss).
Here an address is kept by everything it depends on: the name, the arguments (plain numbers and strings only;
anything else is reversed as Django does), the current application, the script prefix (a deployment under a path)
and the URL patterns themselves (``get_resolver``, new after ``clear_url_caches``). The project's patterns do not
depend on the language (no ``i18n_patterns``). ``{% load frame_urls %}`` after Django's tags replaces ``url`` in
that one template.
"""

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

_PLAIN = (int, str)
_KEPT: dict[tuple, str] = {}
MAX_KEPT = 5000  # addresses with a partnership's id in them: a few per partnership; emptied beyond this


def reversed_once(view_name: str, args: list, kwargs: dict, current_app) -> str:
    """``reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)``, kept (see the module)."""
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


class FrameURLNode(URLNode):
    """Django's ``URLNode.render`` with ``reversed_once`` for ``reverse``."""

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reversed_once(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return FrameURLNode(node.view_name, node.args, node.kwargs, node.asvar)
