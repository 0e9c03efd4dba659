"""Browser journeys in headless Debian Chromium (never a downloaded browser)."""

import os

import pytest

from jingsai.organisations.models import Organisation
from jingsai.people.models import Role
from jingsai.presets import pudong
from tests.factories import OrganisationFactory, WorkerFactory, make_user

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("JINGSAI_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "pw-for-tests-123"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def no_policy_violations(request):
    """Every journey runs under the Content-Security-Policy: a script or style that it
    blocks fails the test (the browser reports it on the console)."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield
    assert blocked == []


@pytest.fixture
def e2e_world(transactional_db):
    pudong.apply(year=2026)
    union = Organisation.objects.get(kind=Organisation.Kind.UNION)
    ours = OrganisationFactory(name="上海甲芯片有限公司")
    theirs = OrganisationFactory(name="上海乙医药有限公司")
    return {
        "ours": ours,
        "theirs": theirs,
        "our_worker": WorkerFactory(employer=ours, name="张三丰"),
        "their_worker": WorkerFactory(employer=theirs, name="李四"),
        "admin": make_user("admin", Role.PROGRAMME_ADMIN, union),
        "officer": make_user("officer", Role.ENTERPRISE_OFFICER, ours),
    }


@pytest.fixture
def sign_in(live_server, page):
    def go(username: str):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/home/")
        return page

    return go
