"""Only programme admins, leadership, co-organisers and enterprise officers read the
dashboard: every dashboard URL refuses the others, and asks anonymous visitors to sign in."""

import pytest
from django.test import Client

from jingsai.dashboards.domain import registry

pytestmark = pytest.mark.django_db

URLS = [
    "/office/dashboard/?year=2026",
    "/office/dashboard/data.json?year=2026",
    "/office/dashboard/drill/?year=2026&key=participation:workers:all",
    "/office/dashboard/drill.xlsx?year=2026&key=participation:workers:all",
    "/office/dashboard/report.xlsx?year=2026",
    "/office/dashboard/report.pdf?year=2026",
]


@pytest.mark.parametrize("role", ["worker", "judge", "nobody"])
def test_refused_to_those_not_entitled(board, as_user, role):
    client = as_user(role)
    for url in URLS:
        assert client.get(url).status_code == 403, url
    assert "Dashboard" not in client.get("/home/").content.decode()


def test_anonymous_is_sent_to_sign_in(board):
    for url in URLS:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("role", ["admin", "leader", "coorganiser", "officer2"])
def test_open_to_readers(board, as_user, role):
    client = as_user(role)
    for url in URLS[:4]:
        assert client.get(url).status_code == 200, url
    reports = {
        "report.xlsx": hasattr(registry.optional("report"), "xlsx"),
        "report.pdf": hasattr(registry.optional("report_pdf"), "render"),
    }
    page = client.get(URLS[0]).content.decode()
    for url in URLS[4:]:
        present = reports[url.rsplit("/", 1)[1].split("?")[0]]
        assert client.get(url).status_code == (200 if present else 404), url
        assert (url.split("?")[0] in page) == present
    assert 'href="/office/dashboard/"' in client.get("/home/").content.decode()


def test_optional_modules():
    assert registry.optional("no_such_module") is None
    assert registry.optional("figures") is not None


def test_no_programme_year_yet(db):
    from jingsai.people.models import Role
    from tests.factories import make_user

    client = Client()
    client.force_login(make_user("lead", Role.LEADERSHIP))
    response = client.get("/office/dashboard/")
    assert response.status_code == 200
    assert response.context["board"] is None
    assert client.get("/office/dashboard/data.json").status_code == 404
