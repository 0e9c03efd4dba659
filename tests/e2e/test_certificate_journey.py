"""A member of the public scans a certificate's QR code on his phone: the address printed
in the PDF opens the verification page, which shows the certificate valid with the
holder's name masked (never an ID number); a revoked certificate says so, when and why."""

import datetime as dt
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.utils import timezone
from playwright.sync_api import expect

from jingsai.catalogue.models import ProgrammeYear, Series
from jingsai.certification import pdf
from jingsai.certification.domain import issuing
from jingsai.certification.models import Certificate, CertificationRule
from jingsai.common.masking import mask_name
from jingsai.competitions.domain.services import create_competition
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.judging.models import Result
from jingsai.organisations.models import Organisation
from tests.factories import OrganisationFactory, WorkerFactory

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def certificates(e2e_world, live_server, settings):
    """A published competition of two entrants; a first-prize certificate for the winner and
    a participation certificate for each. The QR codes point at the live server."""
    settings.JINGSAI_PUBLIC_URL = live_server.url
    competition = create_competition(
        actor=None,
        year=ProgrammeYear.objects.get(year=2026),
        title="浦东新区数控车工职业技能竞赛",
        series=Series.objects.get(code="hard-core-industries"),
        organiser=Organisation.objects.get(kind=Organisation.Kind.UNION),
        registration_opens=timezone.now() - dt.timedelta(days=60),
        registration_closes=timezone.now() - dt.timedelta(days=30),
    )
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.PUBLISHED)
    enterprise = OrganisationFactory(name="上海丁精密机械有限公司")
    holders = {}
    for position, (number, name, total, award) in enumerate(
        [("B01", "陈甲明", "95.00", "一等奖"), ("B02", "周乙华", "71.50", "")], start=1
    ):
        worker = WorkerFactory(employer=enterprise, name=name)
        entry = Entry.objects.create(
            competition=competition,
            enterprise=enterprise,
            status=Entry.Status.APPROVED,
            number=number,
        )
        EntryMember.objects.create(entry=entry, competition=competition, worker=worker)
        Result.objects.create(
            competition=competition,
            entry=entry,
            rank=position,
            total=Decimal(total),
            award=award,
            position=position,
        )
        holders[number] = worker
    CertificationRule.objects.create(
        competition=competition,
        condition=CertificationRule.Condition.AWARD,
        award="一等奖",
        title="一等奖证书",
    )
    CertificationRule.objects.create(
        competition=competition,
        order=2,
        condition=CertificationRule.Condition.TOTAL,
        min_total=Decimal(0),
        title="参赛证书",
    )
    issuing.apply_rules(actor=None, competition=competition)
    return holders


def scanned_address(certificate: Certificate) -> str:
    """What a phone reads from the QR code printed on the certificate's PDF."""
    page = pdfium.PdfDocument(pdf.render(certificate))[0]
    codes = zxingcpp.read_barcodes(page.render(scale=3).to_pil())
    assert len(codes) == 1
    return codes[0].text


def test_the_public_verifies_certificates_by_their_qr_address(
    certificates, live_server, browser, screenshot
):
    winner, other = certificates["B01"], certificates["B02"]
    prize = Certificate.objects.get(worker=winner, title="一等奖证书")
    address = scanned_address(prize)
    assert address == f"{live_server.url}/verify/{prize.number}/"

    context = browser.new_context(**PHONE, locale="zh-CN")  # nobody signed in
    page = context.new_page()
    response = page.goto(address)
    assert response.status == 200
    expect(page.locator("#status")).to_have_text("证书有效")
    record = page.inner_text("#verification dl")
    assert prize.number in record
    assert mask_name(winner.name) == "陈**" and "陈**" in record
    assert "2026 浦东新区数控车工职业技能竞赛" in record  # the year and the title
    assert "一等奖证书" in record and "一等奖" in record
    html = page.content()
    assert winner.name not in html  # the holder's name is masked ...
    assert winner.id_number not in html and winner.id_number[-4:] not in html  # ... no ID
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "certificate-valid-phone")

    # a revoked certificate: its QR address still answers, and says it is revoked
    participation = Certificate.objects.get(worker=other, title="参赛证书")
    issuing.revoke(actor=None, certificate=participation, reason="违规取消参赛资格")
    page.goto(scanned_address(participation))
    status = page.locator("#status")
    expect(status).to_contain_text("已撤销")
    expect(status).to_contain_text("违规取消参赛资格")
    expect(status).to_contain_text(f"{timezone.localdate():%Y-%m-%d}")
    assert "周**" in page.inner_text("#verification dl") and other.name not in page.content()
    assert page.locator(".notice-success").count() == 0
    screenshot(page, "certificate-revoked-phone")

    # a number that does not exist looks like any other unknown number
    unknown = page.goto(f"{live_server.url}/verify/JS2026-AAAAAAAAAA/")
    assert unknown.status == 404
    expect(page.locator("#status")).not_to_contain_text("证书有效")
    context.close()
