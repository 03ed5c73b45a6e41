"""The scoring arithmetic on a record built by hand; every expected figure is worked out in the comments."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twincity.regions.choices import OrganisationKind
from twincity.regions.models import Organisation
from twincity.supervision import scoring
from twincity.supervision.choices import Rating
from twincity.supervision.models import SupervisionPolicy
from twincity.supervision.tests import scorekit as kit
from twincity.testing import build_world

pytestmark = pytest.mark.django_db

START, END, TODAY = dt.date(2026, 1, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 15)
D = dt.date


def build_record(w):
    """Unit A (Tianfu market supervision) and unit B (Liangjiang market supervision), first half of 2026.

    A: c1 due 3-01 closed 2-25 (−4 days, 优秀); c2 due 4-01 closed 4-11 (10 days late, 合格, red sheet);
       c3 due 5-01 still open (overdue; a feedback due 6-10 missed); c4 joint with B due 6-01 closed 6-01 (0, 良好);
       c5 due 9-01 open (outside the period). Feedback: 4 given in the period, 1 of them late.
    B: c4; c6 due 2-01 closed 2-21 (20 days late, 不合格, red sheet). Feedback: 2 given, none late.
    """
    a, b = w.tf_dept, w.lj_dept
    c1 = kit.case(w, owners=[a], due_on=D(2026, 3, 1), closed_on=D(2026, 2, 25), rating=Rating.EXCELLENT, field=w.field)
    c2 = kit.case(w, owners=[a], due_on=D(2026, 4, 1), closed_on=D(2026, 4, 11), rating=Rating.PASS, field=w.field)
    kit.sheet(c2, raised_on=D(2026, 4, 2), closed_on=D(2026, 4, 11))
    c3 = kit.case(w, owners=[a], due_on=D(2026, 5, 1), next_feedback_on=D(2026, 6, 10), field=w.field)
    c4 = kit.case(w, owners=[a, b], due_on=D(2026, 6, 1), closed_on=D(2026, 6, 1), rating=Rating.GOOD, field=w.field)
    kit.case(w, owners=[a], due_on=D(2026, 9, 1), field=w.field)
    c6 = kit.case(w, owners=[b], due_on=D(2026, 2, 1), closed_on=D(2026, 2, 21), rating=Rating.FAIL, field=w.field)
    kit.sheet(c6, raised_on=D(2026, 2, 2), closed_on=D(2026, 2, 21))
    for c, day, late in ((c1, D(2026, 2, 1), False), (c2, D(2026, 3, 1), True), (c3, D(2026, 5, 2), False)):
        kit.feedback(c, a, on=day, late=late)
    kit.feedback(c4, a, on=D(2026, 5, 1))
    kit.feedback(c4, b, on=D(2026, 5, 1))
    kit.feedback(c6, b, on=D(2026, 1, 20))
    kit.feedback(c1, a, on=D(2025, 12, 20), late=True)  # before the period: not counted
    return a, b


def table(w, by=scoring.UNIT, policy=None):
    rows = scoring.score_table(w.partnership.pk, start=START, end=END, by=by, policy=policy, today=TODAY)
    return {r.key: r for r in rows}


def test_each_component_and_the_score_of_a_unit_are_as_worked_out_by_hand():
    w = build_world()
    a, b = build_record(w)
    rows = table(w)
    assert set(rows) == {a.pk, b.pk}
    ra, rb = rows[a.pk], rows[b.pk]
    # A: items c1 c2 c3 c4; closed c1 c2 c4, on time c1 c4; c3 overdue → on time 2/4.
    assert (ra.items, ra.closed, ra.closed_on_time, ra.overdue_open) == (4, 3, 2, 1)
    assert ra.components["on_time"] == pytest.approx(0.5)
    # delay (0 + 10 + 0) / 3 = 3.33 days → 1 − 3.33/30.
    assert ra.average_delay == pytest.approx(3.33)
    assert ra.components["delay"] == pytest.approx(1 - 10 / 3 / 30)
    # feedback: 4 given, 1 late, 1 missed → 1 − 2/5.
    assert (ra.feedback_given, ra.feedback_late, ra.feedback_missed) == (4, 1, 1)
    assert ra.components["feedback"] == pytest.approx(0.6)
    # ratings (100 + 70 + 85) / 3 = 85.
    assert ra.components["rating"] == pytest.approx(0.85)
    # red: c2 of 4 items.
    assert ra.components["red"] == pytest.approx(0.75)
    # 40×0.5 + 20×0.8889 + 15×0.6 + 15×0.85 + 10×0.75 = 20 + 17.778 + 9 + 12.75 + 7.5 = 67.03
    assert ra.score == 67.0
    # B: c4 on time, c6 20 days late → 0.5; delay 10 → 0.6667; feedback 1; ratings (85+0)/2; red 1/2.
    # 20 + 13.333 + 15 + 6.375 + 5 = 59.71
    assert rb.components == pytest.approx(
        {"on_time": 0.5, "delay": 1 - 10 / 30, "feedback": 1.0, "rating": 0.425, "red": 0.5}
    )
    assert rb.score == 59.7
    assert [r.key for r in scoring.score_table(w.partnership.pk, start=START, end=END, today=TODAY)] == [a.pk, b.pk]
    assert "67.0" in ra.formula
    assert "40×0.500" in ra.formula


def test_per_side_and_per_field():
    w = build_world()
    _a, _b = build_record(w)
    sides = table(w, scoring.SIDE)
    assert sides[w.tf.pk].score == 67.0
    assert sides[w.lj.pk].score == 59.7
    fields = table(w, scoring.FIELD)
    row = fields[w.field.pk]
    # items c1 c2 c3 c4 c6; closed 4, on time 2, overdue 1 → 2/5; delay 30/4 = 7.5 → 0.75; feedback 6 given,
    # 1 late, 1 missed → 5/7; ratings (100+70+85+0)/4 = 63.75; red 2/5.
    assert (row.items, row.closed, row.closed_on_time, row.overdue_open) == (5, 4, 2, 1)
    assert row.components == pytest.approx(
        {"on_time": 0.4, "delay": 0.75, "feedback": 5 / 7, "rating": 0.6375, "red": 0.6}
    )
    # 16 + 15 + 10.714 + 9.5625 + 6 = 57.28
    assert row.score == 57.3


def test_the_office_changing_the_formula_changes_the_scores():
    w = build_world()
    a, b = build_record(w)
    policy = SupervisionPolicy.of(w.partnership.pk)
    policy.weight_on_time, policy.weight_delay, policy.weight_feedback = 0, 0, 0
    policy.weight_rating, policy.weight_red = 0, 100
    rows = table(w, policy=policy)
    assert rows[a.pk].score == 75.0
    assert rows[b.pk].score == 50.0
    policy.weight_red, policy.weight_rating = 50, 50
    rows = table(w, policy=policy)
    assert rows[a.pk].score == pytest.approx((0.75 * 50 + 0.85 * 50), abs=0.05)


def test_a_component_without_data_is_left_out_of_the_weights():
    w = build_world()
    c = kit.case(w, owners=[w.tf_dept2], due_on=D(2026, 3, 1))  # open, overdue, nothing else
    rows = table(w)
    row = rows[w.tf_dept2.pk]
    assert row.components["delay"] is None
    assert row.components["rating"] is None
    # on time 0/1 (40), red 1 − 0/1 (10): (0 + 10) / 50 × 100 = 20.
    assert row.score == 20.0
    assert c.pk


def test_the_trend_scores_each_month():
    w = build_world()
    a, _b = build_record(w)
    result = scoring.trend(w.partnership.pk, start=START, end=END, by=scoring.UNIT, keys={a.pk}, today=TODAY)
    assert result["months"] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    series = result["series"][a.pk]
    assert len(series) == 6
    # February: c1 closed on time (优秀), feedback of 2-01 on time: every component full → 100.
    assert series[1] == 100.0


def test_the_number_of_queries_does_not_depend_on_the_number_of_units():
    w = build_world()
    build_record(w)
    with CaptureQueriesContext(connection) as few:
        scoring.score_table(w.partnership.pk, start=START, end=END, today=TODAY)
    for i in range(12):
        unit = Organisation.objects.create(region=w.tf, name=f"单位{i}", kind=OrganisationKind.DEPARTMENT)
        c = kit.case(w, owners=[unit], due_on=D(2026, 3, 1), closed_on=D(2026, 3, 3), rating=Rating.GOOD)
        kit.feedback(c, unit, on=D(2026, 2, 1))
    with CaptureQueriesContext(connection) as many:
        rows = scoring.score_table(w.partnership.pk, start=START, end=END, today=TODAY)
    assert len(rows) == 14
    assert len(many) == len(few) <= 6
