"""A register declared once: its steps become pages and API actions, its menu entry and its shared-page
services come from the same declaration, and its pages are Django class-based views."""

import pytest
from django.urls import resolve, reverse
from drf_spectacular.generators import SchemaGenerator

from twincity.agreements.models import Obligation
from twincity.agreements.register import agreements
from twincity.core.views import ObjectListView, StepView, VersionedUpdateView
from twincity.petitions.api import PetitionViewSet
from twincity.petitions.models import Petition
from twincity.petitions.register import petitions
from twincity.petitions.tests.test_services import make_petition
from twincity.registers import registry
from twincity.registers.declaration import Step
from twincity.visits.models import Lesson
from twincity.visits.register import lessons


def test_every_declared_step_has_its_page_and_every_api_step_its_action():
    for declaration in registry.registers():
        for step in getattr(declaration, "steps", ()):
            if step.page:
                match = resolve(reverse(f"{declaration.app}:{step.name}", args=[1]))
                assert issubclass(match.func.view_class, StepView), step.name
    actions = {a.__name__: a for a in PetitionViewSet.get_extra_actions()}
    assert {"endorse", "submit", "archive"} <= set(actions)
    assert actions["submit"].mapping == {"post": "submit"}
    assert "revise_text" not in actions  # a step without a serializer stays on the page


def test_the_schema_documents_the_generated_actions_with_their_input_and_answer():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    submit = schema["paths"]["/api/petitions/{id}/submit/"]["post"]
    assert submit["description"].startswith("Submit to the authority")
    assert submit["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/Submit")
    assert submit["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Petition")
    lapse = schema["paths"]["/api/agreements/{id}/record-lapse/"]["post"]
    assert "requestBody" not in lapse


def test_pages_are_class_based_views_on_core_views():
    assert issubclass(resolve(reverse("petitions:petition_list")).func.view_class, ObjectListView)
    assert issubclass(resolve(reverse("petitions:petition_edit", args=[1])).func.view_class, VersionedUpdateView)
    assert issubclass(resolve(reverse("petitions:submit", args=[1])).func.view_class, StepView)
    assert issubclass(resolve(reverse("siting:sitingbid_edit", args=[1])).func.view_class, VersionedUpdateView)
    assert issubclass(resolve(reverse("policies:clause_edit", args=[1])).func.view_class, VersionedUpdateView)


def test_the_menu_and_the_shared_pages_find_the_declaration():
    assert petitions in registry.registers()
    assert registry.declaration_for(Obligation) is agreements  # a part goes to its entry's register
    assert registry.declaration_for(Lesson) is lessons
    assert registry.declaration_for(Step) is None


@pytest.mark.django_db
def test_a_step_is_post_only_and_found_through_the_door(client_as, world):
    petition = make_petition(world)
    url = reverse("petitions:consider", args=[petition.pk])
    assert client_as("office").get(url).status_code == 405
    assert client_as("outsider").post(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.urls("twincity.registers.tests.bare_urls")
def test_a_register_declared_with_fields_alone_has_its_form_table_and_filters(client_as, world):
    client = client_as("office")
    assert reverse("petitions:petition_list") == "/bare/"
    added = client.post(
        reverse("petitions:petition_add") + f"?partnership={world.partnership.pk}",
        {
            "code": "Q-1",
            "title": "共建西部陆海新通道",
            "year": 2021,
            "target_authority": "国家发展改革委",
            "note": "",
            "version": 0,
        },
    )
    assert added.status_code == 302, added.context["form"].errors
    petition = Petition.objects.get(code="Q-1")
    assert (petition.year, petition.target_authority) == (2021, "国家发展改革委")
    page = client.get(reverse("petitions:petition_list"), {"partnership": world.partnership.pk, "q": "陆海新通道"})
    assert page.status_code == 200
    assert [column.name for column in page.context["table"].columns] == ["code", "title", "field", "year"]
    assert [row.record.pk for row in page.context["table"].rows] == [petition.pk]
    assert client.get(reverse("petitions:petition_edit", args=[petition.pk])).status_code == 200
