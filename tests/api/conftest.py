"""API clients per role: each signs in with a personal token of the world's user."""

import pytest
from django.test import Client

from jingsai.api import tokens
from tests.judging.conftest import judged  # noqa: F401 (a judged competition, reused)


class ApiClient:
    """A Django test client that sends a bearer token and JSON bodies."""

    def __init__(self, secret: str | None = None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path, data=None, **extra):
        return self.client.get(path, data, headers=self.headers | extra)

    def _send(self, method, path, body, **extra):
        send = getattr(self.client, method)
        return send(path, body, content_type="application/json", headers=self.headers | extra)

    def post(self, path, body=None, **extra):
        return self._send("post", path, body or {}, **extra)

    def put(self, path, body=None, **extra):
        return self._send("put", path, body or {}, **extra)


@pytest.fixture
def token_for(world):
    def make(role_or_user) -> str:
        user = world["users"][role_or_user] if isinstance(role_or_user, str) else role_or_user
        _token, secret = tokens.create_token(actor=user, name="test")
        return secret

    return make


@pytest.fixture
def api_as(token_for):
    def make(role_or_user) -> ApiClient:
        return ApiClient(token_for(role_or_user))

    return make


@pytest.fixture
def anonymous_api(db):
    return ApiClient()
