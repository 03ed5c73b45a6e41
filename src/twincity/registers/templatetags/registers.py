from django import template

register = template.Library()


@register.filter
def tc_label(obj) -> str:
    """The model label of an object, as the register pages' shared URLs take it ("agreements.obligation")."""
    return obj._meta.label_lower
