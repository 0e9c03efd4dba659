import pytest

from jingsai.people.models import Worker

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


def test_officer_registers_a_worker_on_a_phone(e2e_world, live_server, browser):
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", "pw-for-tests-123")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/home/")
    assert page.locator("h1").inner_text() == "本企业"
    page.click("text=登记职工")
    page.fill("#id_name", "周七")
    page.fill("#id_id_number", "310115196503150029")  # wrong check character
    page.fill("#id_trade", "焊工")
    page.click("main button[type=submit]")
    error = page.locator("#id_id_number_errors").inner_text()
    assert "校验码" in error
    assert page.input_value("#id_name") == "周七"
    assert page.input_value("#id_trade") == "焊工"
    page.fill("#id_id_number", "310115196503150028")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/office/workers/*/")
    assert "310115********0028" in page.content()
    assert "310115196503150028" not in page.content()
    # nothing on the page is wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    worker = Worker.objects.get(id_number="310115196503150028")
    assert (worker.employer, worker.gender) == (e2e_world["ours"], "F")
    context.close()


def test_admin_finds_a_worker_by_id_number_without_it_in_the_url(e2e_world, sign_in, live_server):
    page = sign_in("admin")
    page.goto(f"{live_server.url}/office/workers/")
    worker = e2e_world["their_worker"]
    page.fill("#id_q", worker.id_number)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/office/workers/{worker.pk}/")
    assert worker.id_number not in page.url
    assert worker.id_number in page.content()  # programme admins see it on the worker's own page


def test_switch_to_english_and_back(e2e_world, sign_in):
    page = sign_in("admin")
    assert page.locator("h1").inner_text() == "竞赛管理"
    page.click("button[lang=en]")
    assert page.locator("h1").inner_text() == "Programme administration"
    page.click("button[lang=zh-hans]")
    assert page.locator("h1").inner_text() == "竞赛管理"
