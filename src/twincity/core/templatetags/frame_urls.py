"""``{% url %}`` for the frame every page renders (``base.html`` and its menus): Django's tag, each address reversed
once per process (``core.addresses.reversed_once``).

The frame names about thirty addresses a page (the menus, the switcher, the sign-out form), the same on every
request; ``reverse()`` walks the URL patterns for each (about 20 µs: a thirtieth of a list page on a cache miss).
``{% load frame_urls %}`` after Django's tags replaces ``url`` in that one template.
"""

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from twincity.core.addresses import reversed_once

register = template.Library()


class FrameURLNode(URLNode):
    """Django's ``URLNode.render`` with ``reversed_once`` for ``reverse``."""

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        if isinstance(view_name, SafeString):  # a quoted name: ``reversed_once`` keeps only plain str (str() is self)
            view_name = str.__str__(view_name)
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
