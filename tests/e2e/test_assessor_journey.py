"""An assessor checks a project site on his phone: marks saved as he types, a photo
taken as evidence, the check reviewed, submitted and locked."""

import datetime as dt
import re
import struct
import zlib
from urllib.parse import quote

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jingsai.catalogue.models import ProgrammeYear, Series
from jingsai.competitions.domain.services import create_competition
from jingsai.competitions.models import Competition
from jingsai.labour.domain import services
from jingsai.labour.models import Assessor, Block, Check, Indicator, Period, plain
from jingsai.people.models import Role
from tests.e2e.conftest import PASSWORD
from tests.factories import OrganisationFactory, make_user

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def tiny_png() -> bytes:
    """A real 1×1 PNG (a browser decodes it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xcc\x22\x22")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def labour(e2e_world):
    competition = create_competition(
        actor=None,
        year=ProgrammeYear.objects.get(year=2026),
        title="金色中环劳动竞赛",
        series=Series.objects.first(),
        organiser=e2e_world["ours"],
        kind=Competition.Kind.LABOUR,
        participants=Competition.Participants.PROJECT_SITES,
        registration_opens=timezone.now() - dt.timedelta(days=30),
        registration_closes=timezone.now() - dt.timedelta(days=1),
    )
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.JUDGING)
    league = services.league_of(competition)
    Indicator.objects.create(
        league=league,
        code="safety",
        name="安全",
        maximum=100,
        weight=40,
        order=1,
        guidance="临边防护、脚手架、用电",
    )
    Indicator.objects.create(
        league=league, code="quality", name="质量", maximum=50, weight=60, order=2
    )
    qiantan = Block.objects.create(league=league, name="前滩", order=1)
    sites = [
        services.add_participant(
            league,
            actor=None,
            name=name,
            enterprise=OrganisationFactory(name=f"上海{name}建设有限公司"),
            block=qiantan,
        )
        for name in ("前滩中心项目", "前滩公园项目")
    ]
    period = Period.objects.create(
        league=league,
        code="2026-03",
        name="2026年3月",
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 31),
    )
    user = make_user("assessor", Role.JUDGE)
    seat = Assessor.objects.create(league=league, user=user, name="抽查员", kind="spot")
    return {"league": league, "sites": sites, "period": period, "seat": seat}


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_assessor_checks_a_site_on_a_phone(
    labour, live_server, browser, settings, tmp_path, screenshot
):
    settings.MEDIA_ROOT = tmp_path
    league, period, site = labour["league"], labour["period"], labour["sites"][0]
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "assessor")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/home/")
    page.click("main a[href='/home/assessments/']")
    page.wait_for_url(f"{live_server.url}/home/assessments/")
    assert "金色中环劳动竞赛" in page.inner_text("main")
    assert fits_the_phone(page)

    # the open period: the sites by block
    period_url = f"{live_server.url}/home/assessments/{league.pk}/periods/{period.pk}/"
    page.click("main a:text-is('2026年3月')")
    page.wait_for_url(period_url)
    assert "前滩" in page.inner_text("main") and "前滩公园项目" in page.inner_text("main")
    assert fits_the_phone(page)
    page.click("main a:text-is('前滩中心项目')")
    check_url = f"{period_url}sites/{site.pk}/"
    page.wait_for_url(check_url)
    assert page.inner_text("h1") == "前滩中心项目"
    assert fits_the_phone(page)
    width = page.eval_on_selector("#id_mark-safety", "e => e.getBoundingClientRect().width")
    assert width > 300  # full width on the phone
    assert "100" in page.inner_text("label[for='id_mark-safety']")  # its maximum
    assert "临边防护" in page.inner_text("main")  # what is checked

    # a mark is saved as a draft when the field is left
    page.fill("#id_mark-safety", "86")
    page.keyboard.press("Tab")
    page.wait_for_selector("#sheet-saved .sheet-saved-at")
    assert page.evaluate("document.activeElement.id") == "id_mark-quality"  # natural tab order
    # a mark over the maximum is shown next to its field, and what was typed stays
    page.fill("#id_mark-quality", "55")
    page.keyboard.press("Tab")
    expect(page.locator("#err-quality")).to_have_text(re.compile(r"\S"))
    page.wait_for_selector("#id_mark-quality[aria-invalid='true']")
    assert page.input_value("#id_mark-quality") == "55"
    # Enter in a field saves the draft; it never submits the check
    page.fill("#id_mark-quality", "42.5")
    with page.expect_response(lambda response: response.url.endswith("/draft/")) as saved:
        page.press("#id_mark-quality", "Enter")
    assert saved.value.ok and saved.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#err-quality")).to_have_text(re.compile(r"^\s*$"))
    assert page.url == check_url
    note = "东侧临边防护缺失，已要求整改"
    page.fill("#id_note", note)
    with page.expect_response(
        lambda response: (
            response.url.endswith("/draft/") and quote(note) in (response.request.post_data or "")
        )
    ) as saved:
        page.keyboard.press("Tab")
    assert saved.value.ok
    check = Check.objects.get(period=period, participant=site, assessor=labour["seat"])
    assert check.note == note
    assert check.checked_on == timezone.localdate()  # the date is filled in for him
    assert check.status == Check.Status.DRAFT
    assert {k: str(plain(v)) for k, v in services.marks_of(check).items()} == {
        "safety": "86",
        "quality": "42.5",
    }

    # a photo taken at the site: the camera input, then its thumbnail
    assert page.get_attribute("#id_photo", "capture") == "environment"
    assert page.get_attribute("#id_photo", "accept") == "image/*"
    page.set_input_files(
        "#id_photo", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": tiny_png()}]
    )
    page.fill("#id_caption", "东侧临边")
    page.click("#photo-add")
    page.wait_for_selector("figure.photo-thumb img")
    expect(page.locator("figure.photo-thumb img").first).to_have_js_property("complete", True)
    assert page.eval_on_selector_all(
        "figure.photo-thumb img", "images => images.every(i => i.naturalWidth === 1)"
    )
    assert "东侧临边" in page.inner_text("#photos")
    assert page.input_value("#id_mark-quality") == "42.5"  # the draft is still there
    assert check.photos.count() == 1
    assert fits_the_phone(page)
    screenshot(page, "assessor-phone-check")

    # submit: review the marks, confirm, and the check is locked
    page.click("#sheet-submit")
    page.wait_for_selector("#confirm-submit")
    review = page.inner_text("main")
    assert "86" in review and "42.5" in review and "东侧临边防护缺失" in review
    assert fits_the_phone(page)
    page.click("#confirm-submit")
    page.wait_for_url(check_url)
    assert page.get_attribute("#sheet-state", "data-state") == "submitted"
    assert page.locator("input.mark-input").count() == 0
    assert page.locator("#id_photo").count() == 0
    assert page.locator("figure.photo-thumb img").count() == 1
    assert fits_the_phone(page)
    check.refresh_from_db()
    assert check.status == Check.Status.SUBMITTED
    context.close()
