"""Fuzzing the API against its own OpenAPI schema (schemathesis), in the normal suite.

Every operation gets a fixed budget of generated requests (``MAX_EXAMPLES``,
derandomised: the same requests on every run), sent by a programme admin's token to
the in-process WSGI application over a small world (two enterprises, a judged
competition with its panel). Each answer must not be a server error and must match
the schema (status code documented, body of the documented shape).
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as budget
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from jingsai.api.api import api

MAX_EXAMPLES = 25

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()


@pytest.fixture
def admin_headers(world, judged, token_for, settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]  # schemathesis's WSGI client's host
    # As Django's test client does: the WSGI handler would close the test's connection
    # (inside the test's transaction) at the end of every request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Bearer {token_for('admin')}"}
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@budget(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_no_server_error_and_every_answer_matches_the_schema(case, admin_headers):
    case.call_and_validate(
        headers=admin_headers, checks=[not_a_server_error, response_schema_conformance]
    )
