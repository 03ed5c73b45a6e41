"""Searchable pickers for units and people: a select that Tom Select (vendored from npm, see the Makefile)
turns into a box one types into, initialised by ``static/twincity/app.js`` on every ``select[data-picker]``.

Without JavaScript it stays the select it is (a multiple one gets its ``size``), so a form works either
way. Tom Select sets its positions through the CSSOM (``element.style``), which the CSP (``style-src
'self'``) allows; it writes no ``style`` attribute or element.

A form uses ``PickerSelect``/``PickerSelectMultiple`` as the widget; a FilterSet's unit filters become
pickers by themselves (``mark_picker``, called by ``StyledFilterSet``), as do the form fields of
``PICKED_MODELS`` that ``StyledFormMixin`` styles.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# The models whose choices are long enough to need a search (by label: core imports no app above it).
PICKED_MODELS = frozenset({"regions.Organisation", "auth.User", "accounts.User"})


def picker_attrs(*, placeholder: str = "") -> dict:
    return {"data-picker": "", "data-placeholder": str(placeholder or _("Type to search…"))}


class PickerSelect(forms.Select):
    """One choice, searchable as one types."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "form-select", **picker_attrs(), **(attrs or {})}, choices)


class PickerSelectMultiple(forms.SelectMultiple):
    """Several choices, searchable as one types; each chosen one shown with a button that removes it."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "form-select", "size": 6, **picker_attrs(), **(attrs or {})}, choices)


def mark_picker(field) -> None:
    """Make a choice field over units or people a picker, whatever widget it has (a select of any kind)."""
    queryset = getattr(field, "queryset", None)
    widget = field.widget
    if queryset is None or queryset.model._meta.label not in PICKED_MODELS:
        return
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return
    if isinstance(widget, forms.Select):  # and SelectMultiple
        for key, value in picker_attrs().items():
            widget.attrs.setdefault(key, value)
