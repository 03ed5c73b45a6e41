"""The outside attack, kept in the suite: every operation of the OpenAPI schema under a fuzzer.

Schemathesis reads the schema the API serves (``/api/schema/``) and sends generated requests, valid
and invalid, through the WSGI application as the office, a unit contact and the outsider, with a
token. Each answer must be no server error and must conform to the schema: a documented status
code, the documented content type and a body of the documented shape. Examples are few and
derandomised, so the walk is reproducible and takes a few minutes on each database.
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from twincity.accounts.models import ApiToken
from twincity.testing import build_world, built_once, populate

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ_PERSONAS = ("office", "tf-unit", "outsider")


@pytest.fixture(scope="class")
def tokens(django_db_setup, django_db_blocker):
    """The personas' tokens, with one of everything in the database for the fuzzer to find.

    Built once for the class (``testing.built_once``): each operation's test runs in a savepoint of it,
    rolled back afterwards, so every operation meets the same fresh data, as when each built its own.

    The WSGI application closes the database connection at the end of each request; inside a test that
    would close the test's transaction (PostgreSQL). Django's test client stops that the same way.
    """

    def build():
        world = populate(build_world())
        return {name: ApiToken.issue(world.users[name])[1] for name in FUZZ_PERSONAS}

    with built_once(django_db_blocker, build) as keys:
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            yield keys
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


def test_the_fuzzed_schema_is_the_served_one(api_as):
    response = api_as("office").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert json.loads(response.content) == served_schema()


def served_schema() -> dict:
    """The document ``/api/schema/`` serves (``test_the_fuzzed_schema_is_the_served_one`` holds them equal).

    Built in-process at collection, when no database exists yet to sign in with; schemathesis's lazy
    loader (``from_fixture``) does not run under pytest 9.
    """

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


# Every phase (explicit examples, coverage of edge values, random fuzzing), without the coverage phase's
# calls of methods an operation does not have (the router answers 405 to those, a walk of its own).
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"unexpected-methods": []}}})
SERVED = served_schema()
schema = schemathesis.openapi.from_dict(SERVED, config=CONFIG)
schema.app = get_wsgi_application()
# For the unit contact and the outsider: explicit examples and random fuzzing, without the coverage
# phase's hundreds of edge values (the office's walk has them, and test_api_bounds.py sends them to
# every filter, page and detail), so that the module stays within a few minutes.
READER_CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
reader_schema = schemathesis.openapi.from_dict(SERVED, config=READER_CONFIG)
reader_schema.app = schema.app
FUZZ = settings(
    max_examples=3,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def call_as(persona, case, tokens):
    case.call_and_validate(headers={"Authorization": f"Token {tokens[persona]}"}, checks=CHECKS)


# One class per persona: the data is built once per class, and pytest-xdist's --dist loadscope gives
# each class to one worker, so the three walks can run side by side.
@pytest.mark.django_db
class TestTheOffice:
    @schema.parametrize()
    @FUZZ
    def test_gets_no_server_error_and_only_documented_answers(self, case, tokens):
        call_as("office", case, tokens)


@pytest.mark.django_db
class TestAUnitContact:
    @reader_schema.parametrize()
    @FUZZ
    def test_gets_no_server_error_and_only_documented_answers(self, case, tokens):
        call_as("tf-unit", case, tokens)


@pytest.mark.django_db
class TestTheOutsider:
    @reader_schema.parametrize()
    @FUZZ
    def test_gets_no_server_error_and_only_documented_answers(self, case, tokens):
        call_as("outsider", case, tokens)
