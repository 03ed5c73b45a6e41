"""Figures are entered by their own side, finalised by the office and revised only with a reason."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from twincity.audit.context import acting
from twincity.indicators import services
from twincity.indicators.choices import ObservationStatus
from twincity.indicators.models import Observation, Revision
from twincity.indicators.tests.helpers import build_statistics, figures
from twincity.indicators.values import indicator_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_statistics()


def test_a_liangjiang_contact_enters_a_liangjiang_figure_in_their_units_name(w):
    outcome = figures(w, w.users["lj-unit"], [(w.gdp, w.lj, "2020", "1,234.5")])
    obs = outcome.created[0]
    assert (obs.value, obs.side_id, obs.organisation_id) == (Decimal("1234.5"), w.lj.pk, w.lj_dept.pk)
    assert obs.status == ObservationStatus.PROVISIONAL


@pytest.mark.parametrize("persona", ["lj-unit", "lj-coord", "leader", "auditor", "outsider"])
def test_nobody_but_tianfu_and_the_office_enters_a_tianfu_figure(w, persona):
    with pytest.raises(PermissionDenied):
        figures(w, w.users[persona], [(w.gdp, w.tf, "2020", 1)])
    assert not Observation.objects.exists()


def test_only_the_office_enters_figures_of_regions_outside_both_sides(w):
    with pytest.raises(PermissionDenied):
        figures(w, w.users["tf-coord"], [(w.gdp, w.provinces[2], "2020", 1)])
    figures(w, w.users["office"], [(w.gdp, w.provinces[2], "2020", 1)])
    assert Observation.objects.get().side_id is None


def test_a_bad_row_writes_nothing_and_names_its_row_and_column(w):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        figures(
            w, w.users["office"], [(w.gdp, w.tf, "2020", 1), (w.gdp, w.lj, "2020Q5", 2), (w.rd, w.lj, "2020", "abc")]
        )
    messages = " ".join(caught.value.messages)
    assert "period" in messages
    assert "abc" in messages
    assert not Observation.objects.exists()


def test_a_final_figure_changes_only_through_a_recorded_revision(w):
    obs = figures(w, w.users["tf-coord"], [(w.gdp, w.tf, "2020", 100)]).created[0]
    with acting(w.users["tf-coord"]), pytest.raises(PermissionDenied):
        services.finalise(w.partnership, [obs], user=w.users["tf-coord"])
    with acting(w.users["office"]):
        assert services.finalise(w.partnership, [obs], user=w.users["office"]) == 1
    with pytest.raises(ValidationError):
        figures(w, w.users["tf-coord"], [(w.gdp, w.tf, "2020", 101)])
    with acting(w.users["tf-coord"]):
        with pytest.raises(ValidationError):
            services.revise(obs, value=101, reason="", user=w.users["tf-coord"])
        services.revise(obs, value=101, reason="统计局年报修订", user=w.users["tf-coord"])
    obs.refresh_from_db()
    assert obs.value == 101
    assert obs.status == ObservationStatus.PROVISIONAL
    assert Revision.objects.get().old_value == 100


def test_an_indicator_is_its_formula_over_the_figures(w):
    figures(
        w,
        w.users["office"],
        [(w.gdp, w.tf, "2020", 200), (w.rd, w.tf, "2020", 5), (w.gdp, w.lj, "2020", 0), (w.rd, w.lj, "2020", 1)],
    )
    values = indicator_values([w.intensity], [w.tf.pk, w.lj.pk], ["2020", "2021"])
    assert values[0, 0, 0] == pytest.approx(2.5)
    assert values[0, 1, 0] != values[0, 1, 0]  # zero denominator: NaN
    assert values[1, 0, 0] != values[1, 0, 0]  # no figure: NaN
