"""The public verification page and the back-office pages of certification."""

import re
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from django.test import Client
from django.urls import reverse

from jingsai.certification.domain import issuing
from jingsai.certification.models import Certificate, CertificationRule
from jingsai.common.masking import mask_name

pytestmark = pytest.mark.django_db
C = CertificationRule.Condition


@pytest.fixture
def issued(published):
    competition = published["competition"]
    CertificationRule.objects.create(
        competition=competition, condition=C.AWARD, award="一等奖", title="一等奖证书"
    )
    CertificationRule.objects.create(
        competition=competition, order=2, condition=C.TOTAL, min_total=Decimal(60), title="合格证书"
    )
    issuing.apply_rules(actor=None, competition=competition)
    return published


def public():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def verify_url(number):
    return reverse("certification:verify", args=[number])


# --- public verification ---------------------------------------------------------------


def test_a_valid_certificate_is_shown_masked_without_the_id_number(issued):
    worker = issued["workers"]["A"]
    certificate = Certificate.objects.get(worker=worker, title="一等奖证书")
    response = public().get(verify_url(certificate.number))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Valid certificate" in html
    assert mask_name(worker.name) in html
    assert worker.name not in html
    assert worker.id_number not in html and worker.id_number[-4:] not in html
    assert "2026年数控车工职业技能竞赛" in html and "一等奖" in html
    assert certificate.issuer.name in html
    # lower case and spaces typed by hand find it too
    typed = "  " + certificate.number.lower() + " "
    lookup = public().get(reverse("certification:verify_lookup"), {"number": typed})
    assert lookup.status_code == 302 and lookup["Location"] == verify_url(certificate.number)


def test_a_revoked_certificate_says_when_and_why(issued):
    certificate = Certificate.objects.filter(title="合格证书").first()
    issuing.revoke(actor=None, certificate=certificate, reason="违规取消资格")
    response = public().get(verify_url(certificate.number))
    assert response.status_code == 200
    html = response.content.decode()
    assert "REVOKED" in html and "违规取消资格" in html
    certificate.refresh_from_db()
    assert certificate.revoked_at.strftime("%Y-%m-%d")[:4] in html


def test_unknown_and_guessed_numbers_look_the_same(issued):
    real = Certificate.objects.first().number
    guessed = real[:-1] + ("A" if real[-1] != "A" else "B")
    pages = [public().get(verify_url(n)) for n in ("JS2026-AAAAAAAAAA", guessed, "NONSENSE")]
    assert {p.status_code for p in pages} == {404}
    assert {p.templates[0].name for p in pages} == {"certification/verify.html"}
    bodies = [without_tokens(p.content.decode()).replace(n, "") for p, n in zip(
        pages, ("JS2026-AAAAAAAAAA", guessed, "NONSENSE"), strict=True)]  # fmt: skip
    assert len(set(bodies)) == 1
    assert "No certificate with this number" in bodies[0]
    assert public().get(reverse("certification:verify_lookup")).status_code == 200
    bad = public().get(reverse("certification:verify_lookup"), {"number": "<script>"})
    assert bad.status_code == 404 and "<script>" not in bad.content.decode()


# --- back office -------------------------------------------------------------------------


def office(name, competition, *args):
    return reverse(f"backoffice:{name}", args=[competition.pk, *args])


@pytest.mark.parametrize("role", ["leader", "coorganiser", "officer", "judge", "worker", "nobody"])
def test_only_programme_admins_reach_the_certification_pages(issued, client_for, role):
    competition = issued["competition"]
    certificate = Certificate.objects.first()
    rule = CertificationRule.objects.first()
    client = client_for(role)
    for url in (
        office("certification_certificates", competition),
        office("certification_rules", competition),
        office("certification_rule_create", competition),
        office("certification_pdf", competition, certificate.pk),
        office("certification_batch_pdf", competition),
    ):
        assert client.get(url).status_code in (403, 404), url
    for url, data in (
        (office("certification_apply", competition), {}),
        (office("certification_revoke", competition, certificate.pk), {"reason": "x"}),
        (office("certification_rule_remove", competition, rule.pk), {}),
    ):
        assert client.post(url, data).status_code in (403, 404), url
    assert Certificate.objects.filter(status="revoked").count() == 0
    assert CertificationRule.objects.count() == 2
    detail = client.get(reverse("backoffice:competition_detail", args=[competition.pk]))
    assert "certificates-link" not in detail.content.decode()


def test_the_admin_manages_rules_and_certificates(issued, client_for):
    competition = issued["competition"]
    admin = client_for("admin")
    detail = admin.get(reverse("backoffice:competition_detail", args=[competition.pk]))
    assert office("certification_certificates", competition) in detail.content.decode()
    listing = admin.get(office("certification_certificates", competition))
    assert listing.status_code == 200
    html = listing.content.decode()
    worker = issued["workers"]["A"]
    assert worker.masked_id_number in html and worker.id_number not in html
    assert html.count("<tr>") - 1 == Certificate.objects.count()
    only_first = admin.get(
        office("certification_certificates", competition), {"title": "一等奖证书"}
    )
    assert only_first.content.decode().count("一等奖证书</td>") == 1
    # a rule added through the form, applied with the button
    response = admin.post(
        office("certification_rule_create", competition),
        {"order": 3, "condition": "rank", "max_rank": 2, "title": "优胜证书",
         "level_action": "set", "level": 2},
    )  # fmt: skip
    assert response.status_code == 302
    invalid = admin.post(
        office("certification_rule_create", competition),
        {"order": 4, "condition": "award", "award": "", "title": "空"},
    )
    assert invalid.status_code == 200 and CertificationRule.objects.count() == 3
    admin.post(office("certification_apply", competition), {"reason": ""})
    assert Certificate.objects.filter(title="优胜证书").count() == 3
    # one PDF, the batch, a revocation
    certificate = Certificate.objects.filter(title="优胜证书").first()
    one = admin.get(office("certification_pdf", competition, certificate.pk))
    assert one["Content-Type"] == "application/pdf"
    assert certificate.number in pdfium.PdfDocument(one.content)[0].get_textpage().get_text_range()
    batch = admin.get(office("certification_batch_pdf", competition))
    assert len(pdfium.PdfDocument(b"".join(batch.streaming_content))) == Certificate.objects.count()
    admin.post(office("certification_revoke", competition, certificate.pk), {"reason": "误发"})
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.revoke_reason == "误发"
    other = Certificate.objects.filter(status="valid").first()
    admin.post(office("certification_revoke", competition, other.pk), {"reason": ""})
    other.refresh_from_db()
    assert other.status == "valid"
    rule = CertificationRule.objects.get(title="优胜证书")
    assert admin.get(office("certification_rule_edit", competition, rule.pk)).status_code == 200
    admin.post(office("certification_rule_remove", competition, rule.pk))
    assert not CertificationRule.objects.filter(pk=rule.pk).exists()


def test_rules_and_certificates_of_another_competition_answer_404(
    issued, client_for, make_competition
):
    other = make_competition(status="published")
    certificate = Certificate.objects.first()
    rule = CertificationRule.objects.first()
    admin = client_for("admin")
    assert admin.get(office("certification_pdf", other, certificate.pk)).status_code == 404
    assert admin.get(office("certification_rule_edit", other, rule.pk)).status_code == 404
    assert (
        admin.post(
            office("certification_revoke", other, certificate.pk), {"reason": "x"}
        ).status_code
        == 404
    )
