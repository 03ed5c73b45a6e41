"""``{% translate "…" %}`` for the frame every page renders (``base.html``) and the list pages' fixed labels: Django's
tag, a constant text's translation kept per process and language.

The frame says about fifty fixed texts a page (menus, titles, the sign-out button); Django's tag resolves and
translates each again on every request (about 10 µs: a fiftieth of a list page on a cache miss). Only a plain
quoted text is kept (no variable, filter, ``context`` or ``as``), by the active language: what ``gettext`` answers
for it does not change while the process runs. ``{% load frame_i18n %}`` after ``i18n`` replaces ``translate`` and
``trans`` in that one template.
"""

from django import template
from django.templatetags.i18n import TranslateNode
from django.templatetags.i18n import do_translate as django_translate
from django.utils.translation import get_language

register = template.Library()

_KEPT: dict[tuple, str] = {}
MAX_KEPT = 5000  # texts × languages; emptied beyond this (the templates hold a few hundred)


class FrameTranslateNode(TranslateNode):
    """Django's ``TranslateNode``, its answer for a constant text kept by language."""

    def render(self, context):
        expression = self.filter_expression
        if self.asvar or self.message_context or expression.filters or expression.var.lookups is not None:
            return super().render(context)
        key = (get_language(), expression.var.literal, self.noop)
        value = _KEPT.get(key)
        if value is None:
            value = super().render(context)
            if len(_KEPT) >= MAX_KEPT:
                _KEPT.clear()
            _KEPT[key] = value
        return value


@register.tag("translate")
@register.tag("trans")
def translate(parser, token):
    node = django_translate(parser, token)
    return FrameTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)
