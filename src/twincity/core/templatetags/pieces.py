"""``{% cachedpiece "name" %}…{% endcachedpiece %}``: a piece of a list page kept in the cache.

The view puts ``results_cache_key`` in the context (``core.cache.CachedResultsMixin``): the user's access scope,
the normalised query, the language, the day and the change stamps. Without it (a superuser, a POST) the body
is simply rendered. Never wrap anything with a CSRF token, the user's name or their to-do badge in it."""

from django import template

from twincity.core.cache import get_or_render

register = template.Library()


class PieceNode(template.Node):
    def __init__(self, name, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context):
        key = context.get("results_cache_key")
        if not key:
            return self.nodelist.render(context)
        return get_or_render(f"{key}:{self.name.resolve(context)}", lambda: self.nodelist.render(context))


@register.tag
def cachedpiece(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("cachedpiece takes one argument: the piece's name")
    nodelist = parser.parse(("endcachedpiece",))
    parser.delete_first_token()
    return PieceNode(parser.compile_filter(bits[1]), nodelist)
