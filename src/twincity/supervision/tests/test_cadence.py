import datetime as dt

from twincity.supervision.cadence import next_feedback_after
from twincity.supervision.models import SupervisionPolicy

ASSIGNED = dt.date(2026, 3, 1)


def policy(days="1,3,7", repeat=30):
    return SupervisionPolicy(feedback_days=days, feedback_repeat_days=repeat)


def test_the_listed_days_then_every_repeat():
    p = policy()
    assert next_feedback_after(p, ASSIGNED, ASSIGNED) == dt.date(2026, 3, 2)
    assert next_feedback_after(p, ASSIGNED, dt.date(2026, 3, 2)) == dt.date(2026, 3, 4)
    assert next_feedback_after(p, ASSIGNED, dt.date(2026, 3, 5)) == dt.date(2026, 3, 8)
    assert next_feedback_after(p, ASSIGNED, dt.date(2026, 3, 8)) == dt.date(2026, 4, 7)
    assert next_feedback_after(p, ASSIGNED, dt.date(2026, 4, 7)) == dt.date(2026, 5, 7)


def test_full_width_commas_spaces_and_nonsense_are_read_as_the_office_meant():
    p = policy(days=" 7，1 , x, 3,0")
    assert p.feedback_offsets() == [1, 3, 7]
    assert next_feedback_after(p, ASSIGNED, ASSIGNED) == dt.date(2026, 3, 2)


def test_no_listed_days_means_every_repeat():
    assert next_feedback_after(policy(days="", repeat=14), ASSIGNED, ASSIGNED) == dt.date(2026, 3, 15)
