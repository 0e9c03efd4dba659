"""Leadership opens the dashboard: the headline against the targets, every chart drawn
by ECharts (SVG), a click on a bar opens the list behind it; on a phone nothing is wider
than the screen; the page prints."""

import datetime as dt

import pytest
from django.utils import timezone

from jingsai.catalogue.models import Brand, ProgrammeYear, Series, Zone
from jingsai.competitions.domain import registration
from jingsai.competitions.domain.services import create_competition
from jingsai.competitions.models import Competition
from jingsai.organisations.models import Organisation
from jingsai.people.models import Role
from tests.e2e.conftest import screenshot_dir
from tests.factories import OrganisationFactory, WorkerFactory, make_user

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def participation(e2e_world):
    union = Organisation.objects.get(kind=Organisation.Kind.UNION)
    y2026 = ProgrammeYear.objects.get(year=2026)
    y2025 = ProgrammeYear.objects.create(year=2025, title="2025", target_workers=500)
    zones = list(Zone.objects.order_by("order")[:3])
    brand = Brand.objects.order_by("order").first()
    enterprises = [OrganisationFactory(zone=zones[i % 3]) for i in range(4)]

    def competition(year, series_code, title):
        made = create_competition(
            actor=None,
            year=year,
            title=title,
            series=Series.objects.get(code=series_code),
            brand=brand if series_code == "hard-core-industries" else None,
            organiser=union,
            registration_opens=timezone.now() - dt.timedelta(days=1),
            registration_closes=timezone.now() + dt.timedelta(days=10),
        )
        Competition.objects.filter(pk=made.pk).update(status=Competition.Status.OPEN)
        made.refresh_from_db()
        return made

    competitions = [
        (competition(y2026, "hard-core-industries", "集成电路技能竞赛"), 3),
        (competition(y2026, "service-efficiency", "汽修技能竞赛"), 2),
        (competition(y2025, "hard-core-industries", "去年的竞赛"), 1),
    ]
    for enterprise in enterprises:
        workers = [WorkerFactory(employer=enterprise) for _ in range(3)]
        for comp, n in competitions:
            for entry in registration.register(
                actor=None, competition=comp, enterprise=enterprise, workers=workers[:n]
            ):
                registration.approve(actor=None, entry=entry)
    make_user("leader", Role.LEADERSHIP, union)
    return {"zones": zones, "enterprises": enterprises}


def charts_drawn(page) -> list[dict]:
    return page.eval_on_selector_all(
        ".chart[data-chart]",
        """els => els.map(el => {
            const drawn = el.querySelector('svg, canvas');
            const box = drawn ? drawn.getBoundingClientRect() : {width: 0, height: 0};
            return {key: el.dataset.chart, width: box.width, height: box.height};
        })""",
    )


def click_bar(page, chart_key: str, index: int, series: int = 0) -> None:
    """Click the middle of a bar (series 0: this year, 1: last year) where ECharts laid it out."""
    selector = f".chart[data-chart='{chart_key}']"
    page.locator(selector).scroll_into_view_if_needed()
    point = page.eval_on_selector(
        selector,
        """(el, [index, series]) => {
            const chart = echarts.getInstanceByDom(el);
            const bar = chart.getModel().getSeriesByIndex(series).getData().getItemLayout(index);
            const box = el.getBoundingClientRect();
            return {x: box.left + bar.x + bar.width / 2, y: box.top + bar.y + bar.height / 2};
        }""",
        [index, series],
    )
    page.mouse.click(point["x"], point["y"])


def test_leadership_reads_the_dashboard_and_drills_into_a_bar(
    participation, live_server, sign_in, tmp_path
):
    page = sign_in("leader")
    page.click("header a[href='/office/dashboard/']")
    page.wait_for_url(f"{live_server.url}/office/dashboard/")
    page.goto(f"{live_server.url}/office/dashboard/?year=2026")
    page.wait_for_selector(".chart[data-chart] svg")
    assert page.locator("#headline-workers [data-value]").get_attribute("data-value") == "12"
    assert page.locator("#headline-enterprises [data-value]").get_attribute("data-value") == "4"
    drawn = charts_drawn(page)
    assert len(drawn) >= 10
    assert all(c["width"] > 100 and c["height"] > 100 for c in drawn), drawn
    # bars are drawn: SVG paths in the zone chart, one per zone and year
    paths = page.locator(".chart[data-chart='workers-by-zone'] svg path").count()
    assert paths >= 3
    page.screenshot(path=str(screenshot_dir(tmp_path) / "dashboard.png"), full_page=True)

    # the first zone's bar: the workers behind it
    zone = participation["zones"][0]
    click_bar(page, "workers-by-zone", 0)
    page.wait_for_url("**/office/dashboard/drill/**")
    assert f"key=participation%3Aworkers-zone%3A{zone.pk}" in page.url
    rows = page.locator("#drill-rows tbody tr")
    expected = sum(1 for e in participation["enterprises"] if e.zone_id == zone.pk) * 3
    assert rows.count() == expected
    assert "********" in rows.first.inner_text()  # ID numbers masked
    page.screenshot(path=str(screenshot_dir(tmp_path) / "dashboard-drill.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#drill-export")
    assert download.value.suggested_filename.endswith(".xlsx")

    # last year's bar (the second series) opens last year's list
    page.goto(f"{live_server.url}/office/dashboard/?year=2026")
    page.wait_for_selector(".chart[data-chart] svg")
    click_bar(page, "workers-by-zone", 0, series=1)
    page.wait_for_url("**/office/dashboard/drill/**")
    assert "year=2025" in page.url
    assert page.locator("#drill-rows tbody tr").count() == expected // 3  # one worker each

    # a filter reloads the page narrowed
    page.goto(f"{live_server.url}/office/dashboard/?year=2026")
    page.wait_for_selector(".chart[data-chart] svg")
    page.select_option("select[name=zone]", str(zone.pk))
    page.wait_for_url(f"**/office/dashboard/?*zone={zone.pk}*")
    page.wait_for_selector(".chart[data-chart] svg")
    assert page.locator("#headline-workers [data-value]").get_attribute("data-value") == str(
        expected
    )

    # printed on A4: every chart drawn within the A4 text width, every table open
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    printed = charts_drawn(page)
    assert all(0 < c["width"] <= 680 and c["height"] > 100 for c in printed), printed
    assert page.locator("details.dashboard-table:not([open])").count() == 0
    page.screenshot(path=str(screenshot_dir(tmp_path) / "dashboard-print.png"), full_page=True)
    pdf = page.pdf(format="A4", path=str(screenshot_dir(tmp_path) / "dashboard.pdf"))
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_the_dashboard_fits_a_phone(participation, live_server, browser, tmp_path):
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "leader")
    page.fill("#id_password", "pw-for-tests-123")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/home/")
    page.goto(f"{live_server.url}/office/dashboard/?year=2026")
    page.wait_for_selector(".chart[data-chart] svg")
    drawn = charts_drawn(page)
    assert all(330 <= c["width"] <= 390 and c["height"] > 100 for c in drawn), drawn
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(screenshot_dir(tmp_path) / "dashboard-phone.png"), full_page=True)
    # one screen: the headline figures and the first charts
    page.eval_on_selector("#headline-workers", "el => el.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(screenshot_dir(tmp_path) / "dashboard-phone-headline.png"))
    context.close()
