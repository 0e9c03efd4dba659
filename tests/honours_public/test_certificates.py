"""Honour certificates (the 830): no competition; the holder a worker or an organisation.
The PDF names the honour instead of a competition, without rank or total; the public
verification page shows the honour, a worker's name masked and an organisation's in full."""

import datetime as dt
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from django.urls import reverse

from jingsai.certification import pdf
from jingsai.certification.models import Certificate
from jingsai.common.masking import mask_name
from tests.honours_public.conftest import english

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    return pdfium.PdfDocument(data)[0].get_textpage().get_text_range()


@pytest.fixture
def certificates(final, world):
    granted = final["granted"]
    common = {"issued_on": dt.date(2026, 12, 1), "issuer": world["union"]}
    person = Certificate.objects.create(
        number="RY-2026-P001",
        worker=world["our_worker"],
        honour=granted["ours"],
        title="浦东工匠证书",
        basis="2026 浦东工匠",
        # stray figures on an honour certificate are not printed as a rank or total
        rank=7,
        total=Decimal("88.50"),
        **common,
    )
    place = Certificate.objects.create(
        number="RY-2026-O001",
        holder_organisation=final["place"],
        honour=granted["place"],
        title="职工实训中心铭牌证书",
        basis="2026 职工实训中心",
        **common,
    )
    author = Certificate.objects.create(
        number="RY-2026-R001",
        worker=final["colleague"],
        honour=granted["result"],
        title="先进操作法证书",
        basis="2026 先进操作法",
        **common,
    )
    return {"person": person, "place": place, "author": author}


def test_the_pdf_of_a_worker_s_honour_certificate(certificates, world):
    certificate = Certificate.objects.get(pk=certificates["person"].pk)
    text = text_of(pdf.render(certificate))
    for expected in ("浦东工匠证书", world["our_worker"].name, "浦东工匠", "2026",
                     "RY-2026-P001", world["union"].name):  # fmt: skip
        assert expected in text, expected
    assert "88.5" not in text and "总分" not in text and "第 7 名" not in text
    assert world["our_worker"].id_number not in text


def test_the_pdf_of_an_organisation_s_honour_certificate(certificates):
    text = text_of(pdf.render(certificates["place"]))
    for expected in ("职工实训中心铭牌证书", "浦东新区职工实训中心甲", "职工实训中心", "2026"):
        assert expected in text, expected


def test_the_pdf_of_a_result_s_honour_names_the_result(certificates):
    text = text_of(pdf.render(certificates["author"]))
    assert "赵六" in text and "《张三丰数控快速对刀法》" in text and "先进操作法" in text


def test_a_batch_mixes_competition_less_certificates(certificates):
    import io

    target = io.BytesIO()
    pages = pdf.render_many(Certificate.objects.order_by("id"), target)
    assert pages == 3
    assert len(pdfium.PdfDocument(target.getvalue())) == 3


def test_the_verification_page_shows_the_honour(certificates, world):
    response = english().get(reverse("certification:verify", args=["RY-2026-P001"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<dd id="honour">2026 Pudong craftsmen</dd>' in body
    assert mask_name(world["our_worker"].name) in body
    assert world["our_worker"].name not in body
    assert world["our_worker"].id_number not in body
    assert "<dt>competition</dt>" not in body


def test_the_verification_page_names_an_organisation_in_full(certificates):
    body = english().get(reverse("certification:verify", args=["RY-2026-O001"])).content.decode()
    assert "浦东新区职工实训中心甲" in body
    assert "2026 Worker training centres" in body
    result = english().get(reverse("certification:verify", args=["RY-2026-R001"]))
    assert "《张三丰数控快速对刀法》" in result.content.decode()
    assert "赵六" not in result.content.decode()
