"""A judge marks a WorldSkills entry on his phone: a judgement aspect by tapping a score
beside its descriptor, a yes/no measurement, a CHOICE option and a measured value; he
checks and submits, and the stored marks are the hand-computed ones."""

import datetime as dt

import pytest
from django.utils import timezone

from jingsai.catalogue.models import ProgrammeYear, Series
from jingsai.competitions.domain.services import create_competition
from jingsai.competitions.models import Competition
from jingsai.judging.domain import panel, sheets
from jingsai.judging.models import Sheet
from jingsai.people.models import Role
from jingsai.worldskills.domain import cis_export, cis_import
from jingsai.worldskills.models import MeasurementInput
from tests.e2e.conftest import PASSWORD
from tests.factories import make_user
from tests.portal.marking import add_entry
from tests.worldskills.conftest import small_scheme

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def worldskills_marking(e2e_world):
    competition = create_competition(
        actor=None,
        year=ProgrammeYear.objects.get(year=2026),
        title="浦东新区网络安装世赛选拔赛",
        series=Series.objects.first(),
        organiser=e2e_world["ours"],
        registration_opens=timezone.now() - dt.timedelta(days=30),
        registration_closes=timezone.now() - dt.timedelta(days=1),
    )
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.JUDGING)
    result = cis_import.import_scheme(
        actor=None,
        competition=competition,
        source=cis_export.write_workbook(small_scheme()),
        source_name="small.xlsx",
    )
    assert result.ok, result.errors.errors
    entry = add_entry(competition, e2e_world["theirs"], "WS-0001", "赵一甲")
    user = make_user("judge", Role.JUDGE)
    seat = panel.add_judge(
        actor=None, competition=competition, code="J01", name="裁判甲", user=user, is_chief=True
    )
    panel.assign_many(actor=None, judges=[seat], entries=[entry])
    return {"competition": competition, "entry": entry, "seat": seat}


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_judge_marks_a_worldskills_entry_on_a_phone(
    worldskills_marking, live_server, browser, screenshot
):
    competition = worldskills_marking["competition"]
    entry, seat = worldskills_marking["entry"], worldskills_marking["seat"]
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "judge")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/home/")
    sheet_url = f"{live_server.url}/home/judging/{competition.pk}/entries/{entry.pk}/"
    page.goto(sheet_url)
    assert fits_the_phone(page)

    # a judgement aspect: four scores, each with its descriptor, one big target each
    options = page.locator("fieldset[data-code='A1-J1'] label.ws-option")
    assert options.count() == 4
    assert options.nth(2).inner_text().split() == ["2", "most"]
    box = options.nth(2).bounding_box()
    assert box["height"] >= 44 and box["width"] > 300
    with page.expect_response(lambda r: r.url.endswith("/draft/")):
        options.nth(2).tap()
    page.wait_for_selector("#sheet-saved .sheet-saved-at")
    with page.expect_response(lambda r: r.url.endswith("/draft/")):
        page.locator("fieldset[data-code='B1-J1'] label.ws-option").nth(3).tap()
    # all or nothing: yes
    with page.expect_response(lambda r: r.url.endswith("/draft/")):
        page.locator("fieldset[data-code='A1-M1'] label.ws-option").nth(0).tap()
    # CHOICE: “Partly” (0.5 − 0.25)
    with page.expect_response(lambda r: r.url.endswith("/draft/")):
        page.locator("fieldset[data-code='A1-M3'] label.ws-option", has_text="Partly").tap()
    # a measured value with the rule explained: 2 errors → 0.75 − 2 × 0.25
    assert "0.25" in page.inner_text("fieldset[data-code='A1-M2']")
    page.fill("#id_mark-A1-M2", "2")
    with page.expect_response(lambda r: r.url.endswith("/draft/")):
        page.keyboard.press("Tab")
    assert fits_the_phone(page)
    sheet = Sheet.objects.get(judge=seat, entry=entry)
    assert sheet.status == Sheet.Status.DRAFT
    screenshot(page, "worldskills-phone-marking")

    page.click("#sheet-submit")
    page.wait_for_selector("#confirm-submit")
    assert fits_the_phone(page)
    page.click("#confirm-submit")
    page.wait_for_url(sheet_url)
    assert page.get_attribute("#sheet-state", "data-state") == "submitted"
    assert page.locator("input[type=radio]").count() == 0
    assert fits_the_phone(page)
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.SUBMITTED
    # scores 2 and 3 as scores; yes = 1; measured 2 → 0.25; Partly → 0.25
    assert {k: str(v.normalize()) for k, v in sheets.marks_of(sheet).items()} == {
        "A1-J1": "2",
        "B1-J1": "3",
        "A1-M1": "1",
        "A1-M2": "0.25",
        "A1-M3": "0.25",
    }
    assert MeasurementInput.objects.filter(sheet=sheet, measured=2).count() == 1
    assert MeasurementInput.objects.filter(sheet=sheet, choice=2).count() == 1
    context.close()
