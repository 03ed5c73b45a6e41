"""The partnership filter of the matter list, the joint requests' (every register's) and the meetings' lists: the
partnership asked for is taken from those the frame read (``core.filtersets.AlreadyReadChoiceFilter``), and it
answers as its choices would."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from twincity.accounts.access import partnerships_for
from twincity.accounts.choices import Role
from twincity.accounts.services import add_membership
from twincity.matters.filtersets import MatterFilterSet
from twincity.matters.models import Matter
from twincity.meetings.filtersets import ActionFilterSet, MeetingSeriesFilterSet, SessionFilterSet
from twincity.meetings.models import ActionItem, MeetingSeries, Session
from twincity.petitions.filtersets import PetitionFilterSet
from twincity.petitions.models import Petition
from twincity.regions.models import Partnership

pytestmark = pytest.mark.django_db

FILTERSETS = [
    (MatterFilterSet, Matter),
    (PetitionFilterSet, Petition),
    (SessionFilterSet, Session),
    (ActionFilterSet, ActionItem),
    (MeetingSeriesFilterSet, MeetingSeries),
]


def filterset(cls, model, user, **params):
    request = RequestFactory().get("/", params)
    request.user = get_user_model().objects.get(pk=user.pk)  # the request's own user object
    return cls(request.GET, queryset=model.objects.all(), request=request), request.user


@pytest.mark.parametrize(("cls", "model"), FILTERSETS)
def test_the_partnership_asked_for_is_the_one_the_frame_read(world, django_assert_num_queries, cls, model):
    form_set, user = filterset(cls, model, world.users["office"], partnership=str(world.partnership.pk))
    read = partnerships_for(user)
    with django_assert_num_queries(0):
        assert form_set.form.is_valid(), form_set.form.errors
    assert form_set.form.cleaned_data["partnership"] is read[0]


@pytest.mark.parametrize(("cls", "model"), FILTERSETS)
def test_another_partnership_is_asked_of_the_choices_and_refused(world, django_assert_num_queries, cls, model):
    form_set, user = filterset(cls, model, world.users["office"], partnership=f"0{world.partnership.pk}")
    partnerships_for(user)
    with django_assert_num_queries(1):
        assert form_set.form.is_valid(), form_set.form.errors
    assert form_set.form.cleaned_data["partnership"] == world.partnership
    other = Partnership.objects.create(name="另一机制", short_name="OTHER")
    for who in ("office", "outsider"):
        form_set, _user = filterset(cls, model, world.users[who], partnership=str(other.pk))
        assert not form_set.form.is_valid()
        assert "partnership" in form_set.form.errors
    form_set, _user = filterset(cls, model, world.users["outsider"], partnership=str(world.partnership.pk))
    assert not form_set.form.is_valid()


@pytest.mark.parametrize(("cls", "model"), FILTERSETS)
def test_a_role_in_another_partnership_makes_it_a_choice(world, cls, model):
    other = Partnership.objects.create(name="另一机制", short_name="OTHER")
    add_membership(world.users["outsider"], other, Role.LEADER)
    form_set, _user = filterset(cls, model, world.users["outsider"], partnership=str(other.pk))
    assert form_set.form.is_valid(), form_set.form.errors
    assert form_set.form.cleaned_data["partnership"] == other
