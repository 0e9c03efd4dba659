"""The back-office pages of the selection: who reads, who acts, and what they show."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from jingsai.certification.models import Certificate
from jingsai.honours.domain import final, stages
from jingsai.honours.domain.notice import lodge_objection
from jingsai.honours.models import Honour, Nomination, Objection, Rerating, Round, TieDecision
from tests.honours_selection.conftest import reload

S = Round.Stage
pytestmark = pytest.mark.django_db


@pytest.fixture
def tied(h):
    """浦东工匠 quota 2 at the selection stage: 95 proposed, 85 and 85 tied for one place."""
    rc = h.quota(h.rc("pudong-craftsman"), 2)
    noms = [h.worker(rc, t, name=name) for t, name in ((95, "甲工"), (85, "乙工"), (85, "丙工"))]
    stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    return rc, noms


def url(name, *args):
    return reverse(f"backoffice:honours_sel_{name}", args=args)


@pytest.fixture
def client_for(client_for):
    """These pages are read in English (the messages are compared in English)."""

    def make(role: str):
        client = client_for(role)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def test_admin_and_leadership_read_every_page(h, tied, client_for):
    rc, _noms = tied
    pages = [
        url("index"),
        url("round", h.round.pk),
        url("category", h.round.pk, rc.pk),
        url("notice", h.round.pk),
        url("honours", h.round.pk),
        url("reratings"),
    ]
    for role in ("admin", "leader"):
        client = client_for(role)
        for page in pages:
            assert client.get(page).status_code == 200, (role, page)


@pytest.mark.parametrize("role", ["officer", "coorganiser", "judge", "worker", "nobody"])
def test_others_are_refused(h, tied, client_for, role):
    rc, (_a, b, _c) = tied
    client = client_for(role)
    assert client.get(url("index")).status_code == 403
    assert client.get(url("round", h.round.pk)).status_code == 403
    assert client.get(url("category", h.round.pk, rc.pk)).status_code == 403
    response = client.post(url("tie", h.round.pk, rc.pk), {"chosen": [b.pk], "reason": "x"})
    assert response.status_code == 403
    assert not TieDecision.objects.exists()


def test_leadership_reads_but_cannot_act(h, tied, client_for):
    rc, (_a, b, _c) = tied
    leader = client_for("leader")
    page = leader.get(url("category", h.round.pk, rc.pk)).content.decode()
    assert "Record the committee" not in page and "Rank and propose again" not in page
    assert (
        leader.post(url("tie", h.round.pk, rc.pk), {"chosen": [b.pk], "reason": "x"}).status_code
        == 403
    )
    assert leader.post(url("move", h.round.pk), {"to": S.NOTICE}).status_code == 403
    assert leader.post(url("propose", h.round.pk, rc.pk)).status_code == 403
    assert h.refresh().stage == S.SELECTION and not TieDecision.objects.exists()


def test_unknown_objects_are_404(h, tied, client_for):
    rc, _noms = tied
    admin = client_for("admin")
    assert admin.get(url("round", 99999)).status_code == 404
    other = h.rc("worker-inventor")
    assert admin.get(url("category", h.round.pk, other.pk)).status_code == 200
    assert admin.get(url("category", 99999, rc.pk)).status_code == 404
    assert admin.post(url("resolve", h.round.pk, 99999), {"decision": "dismiss"}).status_code == 404


def test_category_page_highlights_the_tie_and_records_the_decision(h, tied, client_for):
    rc, (_a, b, c) = tied
    admin = client_for("admin")
    page = admin.get(url("category", h.round.pk, rc.pk)).content.decode()
    assert 'class="tied"' in page and page.count('class="tied"') == 2
    assert "2 nominations share rank 2 for 1 place(s)" in page
    # the move to notice is refused with the reason on the page
    response = admin.post(url("move", h.round.pk), {"to": S.NOTICE}, follow=True)
    assert "浦东工匠: 2 nominations tied at rank 2 for 1 place(s) need a committee decision." in (
        response.content.decode()
    )
    assert h.refresh().stage == S.SELECTION
    # choosing both is refused; no reason is refused
    response = admin.post(
        url("tie", h.round.pk, rc.pk), {"chosen": [b.pk, c.pk], "reason": "理由"}, follow=True
    )
    assert "Choose exactly 1 of the 2 tied nominations (2 chosen)." in response.content.decode()
    response = admin.post(url("tie", h.round.pk, rc.pk), {"chosen": [c.pk]}, follow=True)
    assert "Give the committee&#x27;s reason." in response.content.decode()
    assert not TieDecision.objects.exists()
    admin.post(url("tie", h.round.pk, rc.pk), {"chosen": [c.pk], "reason": "答辩成绩更优"})
    decision = TieDecision.objects.get()
    assert decision.chosen == [c.pk] and decision.reason == "答辩成绩更优"
    assert reload(c).proposed and not reload(b).proposed
    page = admin.get(url("category", h.round.pk, rc.pk)).content.decode()
    assert "答辩成绩更优" in page and 'class="tied"' not in page
    admin.post(url("move", h.round.pk), {"to": S.NOTICE})
    assert h.refresh().stage == S.NOTICE


@pytest.fixture
def noticed(h, tied):
    rc, (a, b, c) = tied
    from jingsai.honours.domain import selection

    selection.record_tie_decision(
        actor=h.admin, round_category=rc, chosen_ids=[b.pk], reason="表决"
    )
    stages.move(actor=h.admin, round_=h.round, to=S.NOTICE)
    objection = lodge_objection(
        a, "候选人材料存在虚报情况。", name="王小明", contact="13912345678", address="10.0.0.9"
    )
    return rc, (a, b, c), objection


def test_objector_contact_is_masked_except_to_admins(h, noticed, client_for):
    page = client_for("leader").get(url("notice", h.round.pk)).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    assert "王**" in page and "王小明" not in page
    assert "Uphold" not in page
    page = client_for("admin").get(url("notice", h.round.pk)).content.decode()
    assert "13912345678" in page and "王小明" in page and "Uphold: remove the nominee" in page


def test_objection_upheld_from_the_page(h, noticed, client_for):
    _rc, (a, b, c), objection = noticed
    admin = client_for("admin")
    response = admin.post(url("resolve", h.round.pk, objection.pk), {"decision": "uphold"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == Objection.Status.OPEN  # no reason: nothing done
    admin.post(
        url("resolve", h.round.pk, objection.pk), {"decision": "uphold", "reason": "经查属实"}
    )
    objection.refresh_from_db()
    assert objection.status == Objection.Status.UPHELD
    assert reload(a).status == Nomination.Status.REMOVED
    promoted = reload(c)
    assert promoted.proposed and promoted.notice_from == timezone.localdate()
    # leadership cannot resolve
    second = lodge_objection(b, "该候选人获奖信息有误。", address="10.0.0.10")
    assert (
        client_for("leader")
        .post(url("resolve", h.round.pk, second.pk), {"decision": "dismiss", "reason": "x"})
        .status_code
        == 403
    )


def test_finalise_from_the_page_then_honours_and_reratings(h, noticed, client_for):
    _rc, (_a, _b, _c), objection = noticed
    admin = client_for("admin")
    response = admin.post(url("move", h.round.pk), {"to": S.FINAL}, follow=True)
    page = response.content.decode()
    assert "1 objection(s) still open" in page and "The public notice runs until" in page
    admin.post(
        url("resolve", h.round.pk, objection.pk), {"decision": "dismiss", "reason": "不属实"}
    )
    # the notice has run out: make the dates earlier
    Nomination.objects.filter(proposed=True).update(
        notice_from=timezone.localdate() - dt.timedelta(days=10),
        notice_until=timezone.localdate() - dt.timedelta(days=4),
    )
    admin.post(url("move", h.round.pk), {"to": S.FINAL})
    assert h.refresh().stage == S.FINAL
    assert Honour.objects.count() == 2 and Certificate.objects.count() == 2
    page = admin.get(url("honours", h.round.pk)).content.decode()
    for certificate in Certificate.objects.all():
        assert certificate.number in page
    certificate = Certificate.objects.first()
    response = admin.get(url("certificate_pdf", certificate.pk))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client_for("officer").get(url("certificate_pdf", certificate.pk)).status_code == 403
    index = admin.get(url("index")).content.decode()
    assert 'class="filled-total">2<' in index
    assert 'class="quota-total">212<' in index  # 2 + 7 × 30


def test_rerating_decided_from_the_page(h, client_for):
    rc = h.quota(h.rc("training-centre"), 1)
    place = h.place(rc, 90)
    stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    today = timezone.localdate()
    stages.move(actor=h.admin, round_=h.round, to=S.NOTICE, today=today - dt.timedelta(days=10))
    final.finalise(actor=h.admin, round_=h.round)
    honour = Honour.objects.get(nomination=place)
    rerating = Rerating.objects.get(honour=honour)
    Rerating.objects.filter(pk=rerating.pk).update(due_on=today)
    admin = client_for("admin")
    page = admin.get(url("reratings")).content.decode()
    assert honour.organisation.name in page and "1 due now" in page
    response = admin.post(url("rerating_decide", rerating.pk), {"passed": "0"}, follow=True)
    assert "Give the reason the place failed its re-rating." in response.content.decode()
    assert (
        client_for("leader")
        .post(url("rerating_decide", rerating.pk), {"passed": "0", "reason": "x"})
        .status_code
        == 403
    )
    admin.post(url("rerating_decide", rerating.pk), {"passed": "0", "reason": "未开展培训"})
    honour.refresh_from_db()
    assert honour.status == Honour.Status.LOST and honour.lost_reason == "未开展培训"
    assert Certificate.objects.get(honour=honour).status == Certificate.Status.REVOKED
