"""The worker's record shows his honours (his own and his results'; a lost title with the
reason), the innovation results he authored and his honour certificates; so does its PDF."""

import datetime as dt

import pypdfium2 as pdfium
import pytest
from django.urls import reverse

from jingsai.certification.models import Certificate
from jingsai.honours.models import Honour
from jingsai.skills.domain.career import career_of
from jingsai.skills.domain.career_pdf import render
from tests.honours_public.conftest import grant, make_result, nominate

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


@pytest.fixture
def record(final, world, year):
    """Besides the 2026 honours: an earlier 浦东工匠 title he lost, a certificate for his
    2026 title, and a rejected result of his."""
    ours = world["our_worker"]
    make_result(year, world["ours"], [ours], title="被驳回的建议", kind="suggestion",
                status="rejected")  # fmt: skip
    inventor = final["round"].categories.get(category__code="worker-inventor")
    lost = grant(
        nominate(inventor, world["ours"], rank=5, worker=ours),
        status=Honour.Status.LOST,
        lost_on=dt.date(2027, 3, 1),
        lost_reason="事迹材料失实",
    )
    certificate = Certificate.objects.create(
        number="RY-2026-0001",
        worker=ours,
        honour=final["granted"]["ours"],
        title="浦东工匠证书",
        issued_on=dt.date(2026, 12, 1),
        issuer=world["union"],
        basis="2026 浦东工匠",
    )
    return {"lost": lost, "certificate": certificate}


def test_the_record_gathers_honours_innovations_and_honour_certificates(record, world):
    career = career_of(world["our_worker"])
    honours = {(h.category, h.result): h for h in career.honours}
    assert set(honours) == {
        ("浦东工匠", ""),
        ("先进操作法", "张三丰数控快速对刀法"),  # a result he authored
        ("工人发明家", ""),
    }
    assert honours[("浦东工匠", "")].held and honours[("浦东工匠", "")].year == 2026
    lost = honours[("工人发明家", "")]
    assert not lost.held
    assert (lost.lost_on, lost.lost_reason) == (dt.date(2027, 3, 1), "事迹材料失实")
    assert [(i.title, i.status) for i in career.innovations] == [
        ("被驳回的建议", "rejected"),
        ("张三丰数控快速对刀法", "benefit verified"),
    ]
    assert career.innovations[1].tier == "一等"
    (line,) = career.certificates
    assert (line.number, line.title, line.competition) == ("RY-2026-0001", "浦东工匠证书", "")
    assert line.honour == "2026 浦东工匠"
    # another worker's record has none of it
    theirs = career_of(world["their_worker"])
    assert [h.category for h in theirs.honours] == ["浦东工匠"]
    assert theirs.innovations == [] and theirs.certificates == []


def test_the_honours_count_only_once_the_list_is_final(honours, world):
    # on notice: nothing granted yet, nothing in the record
    career = career_of(world["our_worker"])
    assert career.honours == []
    assert [i.title for i in career.innovations] == ["张三丰数控快速对刀法"]


def test_the_worker_sees_them_on_his_record_page(client_for, record, world):
    page = client_for("worker").get(reverse("portal:record"), headers={"accept-language": "en"})
    assert page.status_code == 200
    body = page.content.decode()
    honours = body[body.index('id="record-honours"') :]
    honours = honours[: honours.index("</section>")]
    assert "浦东工匠" in honours and "张三丰数控快速对刀法" in honours
    assert "lost 2027-03-01: 事迹材料失实" in honours
    innovations = body[body.index('id="record-innovations"') :]
    assert "被驳回的建议" in innovations and "一等" in innovations
    assert "RY-2026-0001" in body
    assert world["our_worker"].id_number not in body


def test_the_record_pdf_holds_them(client_for, record, world):
    response = client_for("worker").get(reverse("portal:record_pdf"))
    assert response.status_code == 200
    text = pdf_text(response.content)
    for expected in (
        "浦东工匠",
        "工人发明家",
        "事迹材料失实",
        "张三丰数控快速对刀法",
        "被驳回的建议",
        "RY-2026-0001",
        "2026 浦东工匠",
    ):
        assert expected in text, expected
    assert world["our_worker"].id_number not in text
    # rendered directly too, for a worker with nothing of it
    assert world["their_worker"].name in pdf_text(render(career_of(world["their_worker"])))
