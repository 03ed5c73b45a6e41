"""The office's supervision settings: validation, concurrency, the trail, and nobody else."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from twincity.audit.models import AuditEvent
from twincity.core.services import ConflictError
from twincity.supervision import policy as policies
from twincity.supervision.choices import Event
from twincity.supervision.models import SupervisionPolicy
from twincity.testing import PERSONAS, build_world

pytestmark = pytest.mark.django_db


def form_data(policy, **changes):
    data = {name: getattr(policy, name) for name in policies.FIELDS}
    data["stamp"] = policies.stamp_of(policy)
    data.update(changes)
    return data


@pytest.fixture
def w():
    return build_world()


def url(w):
    return reverse("supervision:policy", args=[w.partnership.pk])


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_office_opens_the_settings(client, w, persona):
    client.force_login(w.users[persona])
    assert client.get(url(w)).status_code == (200 if persona == "office" else 404)
    policy = SupervisionPolicy.of(w.partnership.pk)
    response = client.post(url(w), form_data(policy, weight_on_time=50, weight_delay=10))
    assert response.status_code == (302 if persona == "office" else 404)
    saved = SupervisionPolicy.objects.filter(partnership=w.partnership).first()
    assert (saved is not None and saved.weight_on_time == 50) is (persona == "office")


def test_the_office_saves_the_formula_and_it_is_recorded(client, w):
    client.force_login(w.users["office"])
    policy = SupervisionPolicy.of(w.partnership.pk)
    response = client.post(
        url(w), form_data(policy, feedback_days="7，1、3", weight_on_time=30, weight_red=20, escalate_leader_days=9)
    )
    assert response.status_code == 302
    saved = SupervisionPolicy.objects.get(partnership=w.partnership)
    assert saved.feedback_days == "1,3,7"
    assert (saved.weight_on_time, saved.weight_red, saved.escalate_leader_days) == (30, 20, 9)
    event = AuditEvent.objects.get(verb=Event.POLICY_CHANGED)
    assert event.data["after"]["weight_on_time"] == 30
    assert event.data["before"]["weight_on_time"] == 40


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"weight_on_time": 50}, "weight_on_time", "100"),
        ({"weight_red": 0}, "weight_on_time", "90"),
        ({"feedback_days": "1,3,x"}, "feedback_days", "x"),
        ({"feedback_days": "0,3"}, "feedback_days", "0"),
        ({"feedback_days": "1,999"}, "feedback_days", "999"),
        ({"delay_cap_days": 0}, "delay_cap_days", ""),
        ({"escalate_leader_days": 1, "escalate_coordinator_days": 3}, "escalate_leader_days", ""),
        ({"weight_delay": -5, "weight_on_time": 65}, "weight_delay", ""),
        ({"signoff_days": "abc"}, "signoff_days", ""),
    ],
)
def test_bad_settings_are_refused_with_a_reason_and_nothing_saved(client, w, changes, field, words):
    client.force_login(w.users["office"])
    policy = SupervisionPolicy.of(w.partnership.pk)
    response = client.post(url(w), form_data(policy, **changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert words in " ".join(errors[field])
    assert not SupervisionPolicy.objects.filter(partnership=w.partnership).exists()
    assert not AuditEvent.objects.filter(verb=Event.POLICY_CHANGED).exists()


def test_the_service_asks_the_same_rules_and_the_door(w):
    policy = SupervisionPolicy.of(w.partnership.pk)
    with pytest.raises(ValidationError):
        policies.update_policy(
            w.partnership, user=w.users["office"], stamp=policies.stamp_of(policy), changes={"weight_red": 99}
        )
    for persona in ("tf-coord", "leader", "outsider"):
        with pytest.raises(PermissionDenied):
            policies.update_policy(
                w.partnership, user=w.users[persona], stamp=policies.stamp_of(policy), changes={"signoff_days": 5}
            )
    assert not SupervisionPolicy.objects.filter(partnership=w.partnership).exists()


def test_two_editors_the_second_is_told_and_nothing_is_overwritten(client, w):
    office = w.users["office"]
    first = SupervisionPolicy.of(w.partnership.pk)
    policies.update_policy(w.partnership, user=office, stamp=policies.stamp_of(first), changes={"signoff_days": 3})
    loaded = SupervisionPolicy.of(w.partnership.pk)
    stale = form_data(loaded, weight_on_time=30, weight_red=20)
    policies.update_policy(w.partnership, user=office, stamp=policies.stamp_of(loaded), changes={"signoff_days": 4})
    client.force_login(office)
    response = client.post(url(w), stale)
    assert response.status_code == 409
    assert 'id="conflict-message"' in response.content.decode()
    saved = SupervisionPolicy.objects.get(partnership=w.partnership)
    assert (saved.signoff_days, saved.weight_on_time) == (4, 40)
    # Saving again from the conflict page (its form carries the current stamp) keeps the editor's values.
    again = response.context["form"].data.copy()
    assert client.post(url(w), again).status_code == 302
    saved.refresh_from_db()
    assert (saved.signoff_days, saved.weight_on_time, saved.weight_red) == (3, 30, 20)
    with pytest.raises(ConflictError):
        policies.update_policy(w.partnership, user=office, stamp=policies.NEW, changes={"signoff_days": 6})


def test_the_formula_on_the_scores_page_follows_the_settings(client, w):
    office = w.users["office"]
    policy = SupervisionPolicy.of(w.partnership.pk)
    policies.update_policy(
        w.partnership,
        user=office,
        stamp=policies.stamp_of(policy),
        changes={
            "weight_on_time": 10,
            "weight_delay": 10,
            "weight_feedback": 10,
            "weight_rating": 10,
            "weight_red": 60,
        },
    )
    client.force_login(w.users["leader"])
    body = client.get(reverse("supervision:scores")).content.decode()
    assert "60 ×" in body
