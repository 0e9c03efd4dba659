"""Browser journeys in headless Debian Chromium (never a downloaded browser)."""

import os
from pathlib import Path

import pytest

from jingsai.organisations.models import Organisation
from jingsai.people.models import Role
from jingsai.presets import pudong
from tests.factories import OrganisationFactory, WorkerFactory, make_user

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("JINGSAI_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "pw-for-tests-123"
NO_CHROMIUM = (
    f"browser journeys need Debian's Chromium at {CHROMIUM} "
    "(apt-get install chromium fonts-noto-cjk; JINGSAI_CHROMIUM names another one)"
)


def chromium_found() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser; without it every journey is skipped
    (once per session: the skip is kept and repeated for every test that asks for a page)."""
    if not chromium_found():
        pytest.skip(NO_CHROMIUM)
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


def screenshot_dir(tmp_path) -> Path:
    """Screenshots go to $JINGSAI_SCREENSHOTS when set (CI keeps them), else the test's
    tmp dir."""
    target = Path(os.environ.get("JINGSAI_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture
def screenshot(tmp_path):
    """``screenshot(page, "name")``: the page as ``name.png`` (the whole page unless
    ``full_page=False``) in :func:`screenshot_dir`; its path."""

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = screenshot_dir(tmp_path) / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        assert path.read_bytes().startswith(b"\x89PNG")
        return path

    return take


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
