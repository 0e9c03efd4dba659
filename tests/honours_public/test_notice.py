"""The public notice (公示) of the proposed nominees, and objections lodged by anyone."""

import time

import pytest
from django.urls import reverse

from jingsai.common.models import AuditEntry
from jingsai.honours.models import Nomination, Objection, Round
from jingsai.public.honours_views import fill_stamp
from tests.honours_public.conftest import english, set_stage

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"
GROUNDS = "该职工的获奖证书系伪造，可向发证单位核实。"


def notice_url(year=2026):
    return reverse("public:honours_notice", args=[year])


def objection_url(nomination, year=2026):
    return reverse("public:honours_objection", args=[year, nomination.pk])


def post(nomination, *, grounds=GROUNDS, name="", contact="", stamp=None, website="", ip=IP):
    return english().post(
        objection_url(nomination),
        {
            "grounds": grounds,
            "name": name,
            "contact": contact,
            "website": website,
            "started": fill_stamp(time.time() - 30) if stamp is None else stamp,
        },
        REMOTE_ADDR=ip,
    )


def test_before_the_notice_the_page_says_it_has_not_started(honours, world):
    for stage in (Round.Stage.NOMINATION, Round.Stage.REVIEW, Round.Stage.SELECTION):
        set_stage(honours["round"], stage)
        response = english().get(notice_url())
        assert response.status_code == 200
        body = response.content.decode()
        assert 'id="not-started"' in body
        assert world["our_worker"].name not in body
        assert "张三丰数控快速对刀法" not in body


def test_an_unknown_year_is_404(honours):
    assert english().get(notice_url(2031)).status_code == 404


def test_the_notice_lists_the_proposed_nominees_per_category(honours, world):
    response = english().get(notice_url())
    assert response.status_code == 200
    body = response.content.decode()
    n = honours["nominations"]
    # people: full name and employer; results: title, kind, enterprise, authors; places
    for text in (
        world["our_worker"].name,
        world["ours"].name,
        world["their_worker"].name,
        world["theirs"].name,
        "张三丰数控快速对刀法",
        "赵六",
        "浦东新区职工实训中心甲",
        "Pudong craftsmen",
        "Advanced operation methods",
        "advanced operation method (先进操作法)",
        "Worker training centres",
    ):
        assert text in body, text
    # each nominee's own notice period
    ours = n["ours"]
    assert f"{ours.notice_from:%Y-%m-%d} – {ours.notice_until:%Y-%m-%d}" in body
    for key in ("ours", "theirs", "result", "place"):
        assert f'id="nominee-{n[key].pk}"' in body
        assert objection_url(n[key]) in body
    # removed, withdrawn and unproposed nominations are not on the notice
    for key, name in (("removed", "钱被撤"), ("withdrawn", "孙撤回"), ("unproposed", "周候补")):
        assert name not in body
        assert f'id="nominee-{n[key].pk}"' not in body


def test_the_notice_shows_no_id_number_or_phone(honours, world):
    body = english().get(notice_url()).content.decode()
    for worker in (world["our_worker"], world["their_worker"]):
        assert worker.id_number not in body
        assert worker.phone not in body
    # the narrative's excerpt is masked and shortened
    assert "13912345678" not in body
    assert "310115198506150017" not in body
    assert "139****5678" in body
    assert "事迹" * 100 not in body


def test_at_the_final_stage_the_notice_is_over_and_takes_no_objections(honours, world):
    set_stage(honours["round"], Round.Stage.FINAL)
    body = english().get(notice_url()).content.decode()
    assert 'id="notice-ended"' in body
    assert world["our_worker"].name in body
    assert objection_url(honours["nominations"]["ours"]) not in body
    response = post(honours["nominations"]["ours"])
    assert response.status_code == 200
    assert 'id="closed"' in response.content.decode()
    assert not Objection.objects.exists()


def test_the_objection_form_hides_its_honeypot(honours):
    response = english().get(objection_url(honours["nominations"]["ours"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<div class="hp-field" hidden aria-hidden="true">' in body
    assert 'name="website"' in body and 'name="started"' in body
    assert response["Cache-Control"].startswith("max-age=0")


def test_objections_cannot_be_raised_against_nominees_off_the_notice(honours):
    n = honours["nominations"]
    for key in ("removed", "withdrawn", "unproposed"):
        assert english().get(objection_url(n[key])).status_code == 404
        assert post(n[key]).status_code == 404
    # a nominee of another year's notice is not found under this year
    assert english().get(objection_url(n["ours"], year=2031)).status_code == 404
    assert not Objection.objects.exists()


def test_an_objection_is_lodged_and_confirmed_with_a_reference(honours):
    nomination = honours["nominations"]["ours"]
    response = post(nomination, name="王先生", contact="13800001111")
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.nomination == nomination
    assert objection.grounds == GROUNDS
    assert (objection.name, objection.contact) == ("王先生", "13800001111")
    assert objection.status == Objection.Status.OPEN
    confirmation = english().get(response["Location"])
    assert confirmation.status_code == 200
    body = confirmation.content.decode()
    assert f"<strong>{objection.pk}</strong>" in body
    assert "Staff will look into it and resolve it" in body
    # the reference cannot be forged
    forged = reverse("public:honours_objection_received", args=[2026]) + f"?ref={objection.pk}"
    assert english().get(forged).status_code == 404


def test_the_client_address_is_stored_nowhere(honours):
    assert post(honours["nominations"]["ours"]).status_code == 302
    objection = Objection.objects.get()
    for field in Objection._meta.concrete_fields:
        assert IP not in str(getattr(objection, field.attname)), field.name
    assert objection.address_hash and objection.address_hash != IP
    entries = list(AuditEntry.objects.all())
    assert any(e.action == "honours.objection_lodged" for e in entries)
    for entry in entries:
        stored = " ".join(
            str(v) for v in (entry.before, entry.after, entry.note, entry.object_repr)
        )
        assert IP not in stored


def test_a_filled_honeypot_is_refused_politely_and_nothing_is_stored(honours):
    response = post(honours["nominations"]["ours"], website="http://spam.example")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Your objection could not be accepted" in body
    assert "spam.example" not in body  # the honeypot is emptied
    assert not Objection.objects.exists()


def test_a_form_sent_too_fast_is_refused_and_can_be_sent_again(honours):
    nomination = honours["nominations"]["ours"]
    response = post(nomination, stamp=fill_stamp())  # sent the moment it was shown
    assert response.status_code == 200
    body = response.content.decode()
    assert "sent very quickly" in body
    assert GROUNDS in body  # kept for the second try
    assert not Objection.objects.exists()
    # a forged or missing stamp is refused too
    for stamp in ("", "1700000000", fill_stamp()[:-3] + "abc"):
        response = post(nomination, stamp=stamp)
        assert "This form has expired" in response.content.decode()
    assert not Objection.objects.exists()
    assert post(nomination).status_code == 302
    assert Objection.objects.count() == 1


def test_the_domain_refusals_are_shown(honours):
    nomination = honours["nominations"]["ours"]
    response = post(nomination, grounds="太短")
    assert response.status_code == 200
    assert "at least 10 characters" in response.content.decode()
    assert not Objection.objects.exists()
    # at most three a day from one address
    for key in ("ours", "theirs", "result"):
        assert post(honours["nominations"][key]).status_code == 302
    response = post(honours["nominations"]["place"])
    assert "At most 3 objections a day" in response.content.decode()
    assert Objection.objects.count() == 3
    # from another address it is accepted
    assert post(honours["nominations"]["place"], ip="198.51.100.9").status_code == 302


def test_a_nominee_whose_notice_period_ended_takes_no_objection(honours):
    import datetime as dt

    nomination = honours["nominations"]["theirs"]
    Nomination.objects.filter(pk=nomination.pk).update(
        notice_from=dt.date(2026, 1, 1), notice_until=dt.date(2026, 1, 7)
    )
    body = english().get(notice_url()).content.decode()
    assert f'id="nominee-{nomination.pk}"' in body  # still on the list
    assert objection_url(nomination) not in body
    response = post(nomination)
    assert 'id="closed"' in response.content.decode()
    assert not Objection.objects.exists()
