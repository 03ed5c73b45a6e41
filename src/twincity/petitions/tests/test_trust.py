"""A write saves only what it changed (issue 9): a step of a joint request's workflow run with a copy
loaded earlier keeps the edit someone else had acknowledged, and every change leaves its record."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from twincity.audit.context import acting
from twincity.audit.models import ObjectChange
from twincity.petitions import services
from twincity.petitions.models import Petition, PetitionSide
from twincity.petitions.tests.test_services import make_petition
from twincity.registers import services as registers

pytestmark = pytest.mark.django_db

DAY = dt.date(2020, 7, 1)


def edit_meanwhile(petition, user, title):
    fresh = Petition.objects.get(pk=petition.pk)
    return services.update_petition(fresh, user=user, version=fresh.version, title=title).version


def endorse_both(petition, office):
    for side in petition.partnership.sides():
        services.endorse(Petition.objects.get(pk=petition.pk), user=office, side=side)


STEPS = ["endorse", "revise", "submit", "consider", "respond", "withdraw", "follow_up", "archive"]


@pytest.mark.parametrize("step", STEPS)
def test_a_request_edit_acknowledged_while_a_workflow_step_held_an_old_copy_is_kept(world, step):
    office = world.users["office"]
    petition = make_petition(world)
    with acting(office):
        if step in {"revise", "submit", "consider", "respond"}:
            endorse_both(petition, office)
        if step in {"consider", "respond"}:
            services.submit(Petition.objects.get(pk=petition.pk), user=office, submitted_on=DAY)
        stale = Petition.objects.get(pk=petition.pk)
        acknowledged = edit_meanwhile(petition, office, "已确认的新标题")
        if step == "endorse":
            services.endorse(stale, user=office, side=world.tf)
        elif step == "revise":
            services.revise_text(stale, user=office, text="修改后的文本")
        elif step == "submit":
            services.submit(stale, user=office, submitted_on=DAY)
        elif step == "consider":
            services.mark_under_consideration(stale, user=office)
        elif step == "respond":
            services.record_response(stale, user=office, outcome="granted", response="同意", response_on=DAY)
        elif step == "withdraw":
            services.withdraw(stale, user=office, reason="已由省级层面争取")
        elif step == "follow_up":
            registers.follow_up(stale, user=office, title="落实联合请示", year=2020)
        elif step == "archive":
            registers.archive_entry(stale, user=office)
    now = Petition.objects.get(pk=petition.pk)
    assert now.title == "已确认的新标题"
    assert now.version >= acknowledged
    if step not in {"follow_up", "endorse"}:
        assert now.version > acknowledged  # a step that changes the request's state moves its version
    # the copy the step was given is the request as it is now, not the old one
    if step != "follow_up":
        assert stale.title == "已确认的新标题"
        assert stale.version == now.version


def test_endorsements_that_lapse_with_a_new_text_are_each_in_the_change_log(world):
    office = world.users["office"]
    petition = make_petition(world)
    with acting(office):
        endorse_both(petition, office)
        halves = list(PetitionSide.objects.filter(petition=petition))
        stamps = {half.pk: half.last_updated for half in halves}
        services.revise_text(Petition.objects.get(pk=petition.pk), user=office, text="修改后的文本")
    side_type = ContentType.objects.get_for_model(PetitionSide)
    for half in halves:
        lapse = ObjectChange.objects.filter(changed_object_type=side_type, changed_object_id=half.pk).first()
        assert lapse is not None
        assert lapse.postchange_data["endorsed_text"] is None
        assert lapse.prechange_data["endorsed_text"] is not None
        assert PetitionSide.objects.get(pk=half.pk).last_updated > stamps[half.pk]
