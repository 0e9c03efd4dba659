"""A judge marks an entry on his phone: drafts saved as he types, submitted, locked."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jingsai.catalogue.models import ProgrammeYear, Series
from jingsai.competitions.domain.services import create_competition
from jingsai.competitions.models import Competition
from jingsai.judging.domain import panel, sheets
from jingsai.judging.models import BlindCode, Judging, Sheet
from jingsai.people.models import Role
from tests.e2e.conftest import PASSWORD
from tests.factories import make_user
from tests.portal.marking import add_entry, add_scheme

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def blind_marking(e2e_world):
    competition = create_competition(
        actor=None,
        year=ProgrammeYear.objects.get(year=2026),
        title="浦东新区数控车工技能竞赛（决赛）",
        series=Series.objects.first(),
        organiser=e2e_world["ours"],
        registration_opens=timezone.now() - dt.timedelta(days=30),
        registration_closes=timezone.now() - dt.timedelta(days=1),
    )
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.JUDGING)
    add_scheme(competition)
    entries = [
        add_entry(competition, e2e_world["theirs"], f"CNC-{n:04d}", name)
        for n, name in enumerate(["赵一甲", "钱二乙", "孙三丙"], start=1)
    ]
    user = make_user("judge", Role.JUDGE)
    seat = panel.add_judge(
        actor=None, competition=competition, code="J01", name="裁判甲", user=user, is_chief=True
    )
    panel.assign_many(actor=None, judges=[seat], entries=entries)
    Judging.objects.filter(pk=competition.pk).update(blind=True)
    panel.draw_blind_codes(actor=None, competition=competition)
    return {"competition": competition, "entries": entries, "seat": seat}


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_judge_marks_an_entry_on_a_phone(blind_marking, live_server, browser, screenshot):
    competition, seat = blind_marking["competition"], blind_marking["seat"]
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "judge")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/home/")
    page.click("main a[href='/home/judging/']")
    page.wait_for_url(f"{live_server.url}/home/judging/")
    listed = page.inner_text("main")
    assert "CNC-0001" not in listed and "赵一甲" not in listed and "上海乙医药" not in listed
    assert fits_the_phone(page)

    # the first entry by its drawn code
    code, entry_id = (
        BlindCode.objects.filter(competition=competition)
        .order_by("code")
        .values_list("code", "entry_id")[0]
    )
    page.click(f"main a:text-is('{code}')")
    sheet_url = f"{live_server.url}/home/judging/{competition.pk}/entries/{entry_id}/"
    page.wait_for_url(sheet_url)
    assert page.inner_text("h1") == code
    assert fits_the_phone(page)
    width = page.eval_on_selector("#id_mark-exam", "e => e.getBoundingClientRect().width")
    assert width > 300  # full width on the phone
    assert "30" in page.inner_text("label[for='id_mark-exam']")  # its maximum

    # a mark is saved as a draft when the field is left
    page.fill("#id_mark-exam", "27.5")
    page.keyboard.press("Tab")
    page.wait_for_selector("#sheet-saved .sheet-saved-at")
    assert page.evaluate("document.activeElement.id") == "id_mark-accuracy"  # natural tab order
    # a wrong mark is shown next to its field, and nothing typed is lost
    page.fill("#id_mark-accuracy", "41")
    page.keyboard.press("Tab")
    expect(page.locator("#err-accuracy")).to_have_text(re.compile(r"\S"))
    page.wait_for_selector("#id_mark-accuracy[aria-invalid='true']")
    assert page.input_value("#id_mark-accuracy") == "41"
    page.fill("#id_mark-accuracy", "36")
    page.keyboard.press("Tab")
    expect(page.locator("#err-accuracy")).to_have_text(re.compile(r"^\s*$"))
    # Enter in a field saves the draft; it never submits the sheet
    page.fill("#id_mark-safety", "28")
    with page.expect_response(lambda response: response.url.endswith("/draft/")) as saved:
        page.press("#id_mark-safety", "Enter")
    assert saved.value.ok and saved.value.request.headers.get("hx-request") == "true"
    page.wait_for_load_state()
    assert page.url == sheet_url
    assert page.evaluate("document.activeElement.id") == "id_mark-safety"  # still there
    sheet = Sheet.objects.get(judge=seat, entry_id=entry_id)
    assert sheet.status == Sheet.Status.DRAFT
    assert {k: str(v) for k, v in sheets.marks_of(sheet).items()} == {
        "exam": "27.5",
        "accuracy": "36",
        "safety": "28",
    }
    assert fits_the_phone(page)
    screenshot(page, "judge-phone-marking")

    # submit: check the marks, confirm, and the sheet is locked
    page.click("#sheet-submit")
    page.wait_for_selector("#confirm-submit")
    assert code in page.inner_text("main") and "CNC-0001" not in page.inner_text("main")
    assert fits_the_phone(page)
    screenshot(page, "judge-phone-review")
    page.click("#confirm-submit")
    page.wait_for_url(sheet_url)
    assert page.get_attribute("#sheet-state", "data-state") == "submitted"
    assert page.locator("input.mark-input").count() == 0
    assert fits_the_phone(page)
    screenshot(page, "judge-phone-submitted")
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.SUBMITTED
    context.close()
