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

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from twincity.core.addresses import reversed_once
from twincity.core.validators import DB_INT_MAX

# The models whose choices are long enough to need a search (by label: core imports no app above it).
PICKED_MODELS = frozenset({"regions.Organisation", "auth.User", "accounts.User"})

# The filters whose options load when the person opens them, not with the page (a partnership may have thousands of
# units): the model's label → the name of the address that answers with the <option>s (``?partnership=``,
# ``?side=``, ``?selected=``).
OPTIONS_ON_DEMAND = {"regions.Organisation": "regions:unit_options"}


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


class OptionsOnDemand(forms.Select):
    """A filter's picker whose options load when it is opened: the page carries "All" and the chosen one only.

    With htmx and no Tom Select the select fetches its <option>s on first focus (or hover); Tom Select loads the same
    address itself (``lazyOptions`` in ``app.js``). Both send the form's partnership and side, so the options are the
    units of the partnership (and side) on screen, each read through the access door by the answering view.
    """

    def __init__(self, options_url: str, attrs=None, choices=()):
        self.options_url = options_url
        super().__init__(attrs, choices)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = next((v for v in context["widget"]["value"] if v), "")
        context["widget"]["attrs"].update(
            {
                "data-options-url": self.options_url,
                "hx-get": self.options_url,
                "hx-include": "closest form",
                "hx-vals": json.dumps({"selected": chosen}),
                "hx-trigger": "focus once, mouseenter once",
                "hx-target": "this",
                "hx-swap": "innerHTML",
                "hx-sync": "this:drop",
            }
        )
        return context

    def optgroups(self, name, value, attrs=None):
        """ "All" (when the field offers it) and the chosen choice, read by its key alone."""
        iterator = self.choices
        shown = []
        field = getattr(iterator, "field", None)
        if field is not None and field.empty_label is not None:
            shown.append(("", field.empty_label))
        keys = [v for v in value if v and str(v).isdigit() and int(v) <= DB_INT_MAX]  # the form refused the rest
        if keys and field is not None:
            shown += [iterator.choice(obj) for obj in iterator.queryset.filter(pk__in=keys)]
        return [
            (None, [self.create_option(name, key, label, str(key) in value, index, attrs=attrs)], index)
            for index, (key, label) in enumerate(shown)
        ]


def mark_picker(field, *, on_demand: bool = False) -> None:
    """Make a choice field over units or people a picker, whatever widget it has (a select of any kind).

    ``on_demand`` (a filter bar's fields): a single choice over a model of ``OPTIONS_ON_DEMAND`` becomes an
    ``OptionsOnDemand`` picker, so that the page does not carry thousands of options nobody opened.
    """
    model = getattr(field, "choices_model", None)  # a filter's choices, not made yet (core.filtersets)
    if model is None:
        queryset = getattr(field, "queryset", None)
        model = None if queryset is None else queryset.model
    widget = field.widget
    if model is None or model._meta.label not in PICKED_MODELS:
        return
    address = OPTIONS_ON_DEMAND.get(model._meta.label)
    if on_demand and address and type(widget) is forms.Select:
        field.widget = widget = OptionsOnDemand(reversed_once(address), attrs=widget.attrs)
        widget.choices = field.choices
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return
    if isinstance(widget, forms.Select):  # and SelectMultiple
        for key, value in picker_attrs().items():
            widget.attrs.setdefault(key, value)
