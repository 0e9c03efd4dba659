"""Tokens and sessions: who the API takes a request from, and the token page."""

import hashlib

import pytest
from django.test import Client

from jingsai.api.models import ApiToken
from jingsai.common.models import AuditEntry
from tests.api.conftest import ApiClient

WORKERS = "/api/v1/workers"


def test_a_token_signs_the_request_in(world, api_as):
    response = api_as("admin").get(WORKERS)
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_a_token_records_when_it_was_last_used(world, token_for):
    secret = token_for("admin")
    ApiClient(secret).get(WORKERS)
    assert ApiToken.objects.get(hash=hashlib.sha256(secret.encode()).hexdigest()).last_used


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer jsk_not-a-token-at-all"},
        {"Authorization": "Bearer "},
        {"Authorization": "Token abc"},
    ],
)
def test_no_valid_token_answers_401_json_not_a_redirect(world, headers):
    response = Client().get(WORKERS, headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_authenticated"


def test_a_revoked_token_no_longer_works(world, token_for):
    secret = token_for("admin")
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert ApiClient(secret).get(WORKERS).status_code == 401


def test_an_inactive_users_token_no_longer_works(world, token_for):
    secret = token_for("admin")
    world["users"]["admin"].is_active = False
    world["users"]["admin"].save()
    response = ApiClient(secret).get(WORKERS)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_wrong_token_does_not_fall_back_to_the_session(world):
    client = Client()
    client.force_login(world["users"]["admin"])
    assert client.get(WORKERS).status_code == 200
    response = client.get(WORKERS, headers={"Authorization": "Bearer jsk_wrong"})
    assert response.status_code == 401


def test_the_session_needs_the_csrf_token_for_writes(world, make_competition):
    competition = make_competition()
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["officer"])
    response = client.post(
        f"/api/v1/competitions/{competition.pk}/entries/bulk",
        {"rows": [{"name": "王五", "id_number": "310115198506150016"}]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_user_without_a_role_may_not_have_tokens(world):
    client = Client()
    client.force_login(world["users"]["nobody"])
    assert client.get("/home/tokens/").status_code == 403


def test_the_token_page_shows_a_new_token_once_and_keeps_only_its_hash(world):
    client = Client()
    client.force_login(world["users"]["officer"])
    response = client.post("/home/tokens/", {"name": "ERP"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("jsk_") and len(secret) == 4 + 43
    assert secret in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.prefix) == (world["users"]["officer"], "ERP", secret[:12])
    assert token.hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = " ".join(str(v) for v in ApiToken.objects.values_list().get())
    assert secret not in stored
    again = client.get("/home/tokens/")
    assert secret not in again.content.decode()
    assert secret[:12] in again.content.decode()
    assert ApiClient(secret).get(WORKERS).status_code == 200
    entry = AuditEntry.objects.filter(action="api_token:create").get()
    assert entry.actor_label == "officer" and secret not in str(entry.after)


def test_revoking_on_the_page_stops_the_token(world):
    client = Client()
    client.force_login(world["users"]["officer"])
    secret = client.post("/home/tokens/", {"name": "ERP"}).context["secret"]
    token = ApiToken.objects.get()
    response = client.post(f"/home/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert ApiClient(secret).get(WORKERS).status_code == 401
    assert AuditEntry.objects.filter(action="api_token:revoke", object_id=str(token.pk)).exists()


def test_another_users_token_cannot_be_revoked(world, token_for):
    token_for("admin")
    token = ApiToken.objects.get()
    client = Client()
    client.force_login(world["users"]["officer"])
    assert client.post(f"/home/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
