"""The joint requests' list rows (``PetitionTable.lean_rows`` with ``registers.tables.Cells``, one f-string a row)
against the rows they replace: ``LeanTable``'s general rendering byte for byte, and django-tables2's own cell by
cell, in both languages, with every field filled and empty and with hostile text."""

import datetime as dt

import pytest
from django.utils import translation

from twincity.petitions.choices import PetitionStatus
from twincity.petitions.models import Petition
from twincity.petitions.tables import PetitionTable
from twincity.regions.models import Field
from twincity.testkit import HOSTILE, normalised_cells, rows_three_ways


def petitions() -> list[Petition]:
    """Requests as the list reads them, every field filled (hostile where it is text) and every field empty."""
    filled = Petition(
        pk=7,
        code=HOSTILE,
        year=2026,
        title=HOSTILE,
        field=Field(pk=3, name=HOSTILE, name_en=f"EN {HOSTILE}"),
        target_authority=HOSTILE,
        status=PetitionStatus.PARTLY_GRANTED,
        submitted_on=dt.date(2026, 3, 9),
        response_on=dt.date(2026, 11, 30),
    )
    drafting = Petition(
        pk=8, code="QS-2026-001", year=2026, title="请示", field=Field(pk=4, name="开放", name_en=""), status="drafting"
    )
    empty = Petition(pk=9, code="", year=None, title="", field=None, target_authority="", status="")
    return [filled, drafting, empty]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_the_general_ones_byte_for_byte_and_django_tables2s(language):
    with translation.override(language):
        lean, general, theirs = rows_three_ways(PetitionTable(petitions()))
    assert lean == general
    assert normalised_cells(lean) == normalised_cells(theirs)
    assert lean.count("<tr ") == 3
    assert "<script>" not in lean
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;" in lean
    assert 'href="/petitions/7/"' in lean
    assert "2026-03-09" in lean
    assert "2026-11-30" in lean


def test_the_english_page_shows_the_english_names():
    with translation.override("en"):
        lean, general, _ = rows_three_ways(PetitionTable(petitions()))
    assert lean == general
    assert "EN &lt;script&gt;" in lean
    assert "Partly granted" in lean


def test_another_set_of_columns_is_rendered_the_general_way():
    lean, general, theirs = rows_three_ways(PetitionTable(petitions(), exclude=("year",)))
    assert lean == general
    assert normalised_cells(lean) == normalised_cells(theirs)


def test_no_rows_say_so():
    lean, general, _ = rows_three_ways(PetitionTable([]))
    assert lean == general
    assert "colspan" in lean
