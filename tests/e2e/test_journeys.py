import pytest

from jingsai.people.models import Worker

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


def test_officer_registers_a_worker_on_a_phone(e2e_world, live_server, browser, screenshot):
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
    screenshot(page, "officer-phone-worker")
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


def test_officer_imports_a_roster_in_the_browser(e2e_world, sign_in, live_server, tmp_path):
    import datetime as dt

    from django.utils import timezone

    from jingsai.catalogue.models import ProgrammeYear, Series
    from jingsai.competitions.domain.services import create_competition
    from jingsai.competitions.models import Competition, Entry
    from tests.xlsx import xlsx_bytes

    competition = create_competition(
        actor=None,
        year=ProgrammeYear.objects.get(year=2026),
        title="数控车工技能竞赛",
        series=Series.objects.first(),
        organiser=e2e_world["ours"],
        registration_opens=timezone.now() - dt.timedelta(days=1),
        registration_closes=timezone.now() + dt.timedelta(days=1),
    )
    Competition.objects.filter(pk=competition.pk).update(status="open")
    header = ["姓名", "身份证号码", "手机号码", "工种", "技能等级"]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        xlsx_bytes([header, ["孙三", "310115196503150028"], ["李四", "110105194912310021"]])
    )
    good = tmp_path / "good.xlsx"
    good.write_bytes(
        xlsx_bytes([header, ["孙三", "310115196503150028"], ["李四", "11010519491231002X"]])
    )
    page = sign_in("officer")
    page.goto(f"{live_server.url}/office/competitions/{competition.pk}/roster/")
    page.set_input_files("#id_file", str(bad))
    page.click("main button[type=submit]")
    page.wait_for_selector("#roster-result table")
    assert "校验码" in page.inner_text("#roster-result")
    assert page.url.endswith("/roster/")
    assert not Entry.objects.exists()
    page.set_input_files("#id_file", str(good))
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/office/competitions/{competition.pk}/entries/")
    assert Entry.objects.count() == 2
    assert "孙三" in page.inner_text("table")
