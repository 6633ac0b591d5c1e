"""The API keeps to the document it serves: Schemathesis generates requests from
/api/v1/openapi.json (valid and invalid), sends them to the app, and checks every answer
against the document (status, content type, headers, body schema) and that no request makes
a server error; its stateful phase follows the document's links from one answer to the next
request. On a small, fixed budget, so the suite stays quick and the same each run."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import checks
from test_api import token_for

from wasstraat.extensions import db
from wasstraat.workflow import Role

# The answers against the document. Left out: positive_data_acceptance and
# missing_required_header, which expect a schema-valid request to succeed and a missing
# header to get a 400; an implementation item's PATCH answers 412 to a stale If-Match and
# 428 to none (RFC 6585), both in the document.
CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_headers_conformance,
          checks.response_schema_conformance, checks.negative_data_rejection]
BUDGET = settings(max_examples=12, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))


@pytest.fixture
def api_schema(app, create_project):
    app.config["API_RATE_LIMIT"] = 1_000_000
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def bearer(create_project) -> dict[str, str]:
    """A project leader's token, on a project of their own (so some paths exist)."""
    team = create_project()
    token = token_for(team[Role.PROJECT_LEADER])
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_every_answer_keeps_to_the_document(app, api_schema, bearer):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        @BUDGET
        @given(case=operation.as_strategy())
        def each(case):
            with app.app_context():  # each request its own, as on a server
                case.call_and_validate(headers=bearer, checks=CHECKS)

        each()


def test_following_the_links_keeps_to_the_document(app, api_schema, bearer):
    class Workflow(api_schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": bearer}

        def call(self, case, **kwargs):
            with app.app_context():
                return super().call(case, **kwargs)

        def validate_response(self, response, case, **kwargs):
            case.validate_response(response, checks=CHECKS)

    run_state_machine_as_test(Workflow, settings=settings(
        BUDGET, max_examples=20, stateful_step_count=6))
