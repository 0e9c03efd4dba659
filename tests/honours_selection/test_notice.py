"""The public notice: objections lodged by anyone (with limits), and their resolution."""

import datetime as dt
import hashlib
import json

import pytest
from django.conf import settings

from jingsai.common.models import AuditEntry
from jingsai.honours.domain import final, notice, selection, stages
from jingsai.honours.domain.notice import ObjectionRefused, lodge_objection, resolve_objection
from jingsai.honours.domain.selection import SelectionRefused, Tie
from jingsai.honours.models import Nomination, Objection, Round
from tests.honours_selection.conftest import D0, reload

S = Round.Stage
N = Nomination.Status
GROUNDS = "该候选人的获奖材料与实际不符，请核实。"
IP = "203.0.113.7"
pytestmark = pytest.mark.django_db


@pytest.fixture
def on_notice(h):
    """浦东工匠 with quota 2: 95, 90 proposed and on notice from D0; 85 and 80 next."""
    rc = h.quota(h.rc("pudong-craftsman"), 2)
    noms = [h.worker(rc, t) for t in (95, 90, 85, 80)]
    stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    stages.move(actor=h.admin, round_=h.round, to=S.NOTICE, today=D0)
    return rc, noms


def test_start_notice_dates_are_inclusive(h, on_notice):
    _rc, (a, b, c, _d) = on_notice
    assert (reload(a).notice_from, reload(a).notice_until) == (D0, D0 + dt.timedelta(days=6))
    assert reload(c).notice_from is None
    assert notice.on_notice(reload(a), D0 + dt.timedelta(days=6))
    assert not notice.on_notice(reload(a), D0 + dt.timedelta(days=7))
    assert not notice.on_notice(reload(a), D0 - dt.timedelta(days=1))
    assert not notice.on_notice(reload(c), D0)
    assert set(notice.on_notice_now(h.refresh(), D0)) == {reload(a), reload(b)}


# --- lodging -----------------------------------------------------------------------


def test_lodge_objection_stores_a_salted_hash_never_the_address(on_notice):
    _rc, (a, *_rest) = on_notice
    objection = lodge_objection(
        a, GROUNDS, name="王先生", contact="13912345678", address=IP, today=D0 + dt.timedelta(1)
    )
    objection.refresh_from_db()
    expected = hashlib.sha256(f"{settings.SECRET_KEY}:honours-objection:{IP}".encode()).hexdigest()
    assert objection.address_hash == expected
    assert objection.address_hash != hashlib.sha256(IP.encode()).hexdigest()
    assert objection.status == Objection.Status.OPEN and objection.grounds == GROUNDS
    stored = json.dumps(list(Objection.objects.values()), default=str)
    assert IP not in stored
    entry = AuditEntry.objects.get(action="honours.objection_lodged")
    trail = json.dumps(
        [entry.before, entry.after, entry.note, entry.object_repr], ensure_ascii=False
    )
    assert IP not in trail and "13912345678" not in trail and "王先生" not in trail
    assert entry.actor_id is None and entry.after["nomination"] == a.pk


def test_grounds_length_is_checked(on_notice):
    _rc, (a, *_rest) = on_notice
    with pytest.raises(ObjectionRefused, match="at least 10 characters"):
        lodge_objection(a, "  不属实  ", address=IP, today=D0)
    with pytest.raises(ObjectionRefused, match="at most 2000 characters"):
        lodge_objection(a, "材" * 2001, address=IP, today=D0)
    lodge_objection(a, "材" * 2000, address=IP, today=D0)
    lodge_objection(a, "材" * 10, address=IP, today=D0)
    assert Objection.objects.count() == 2


def test_at_most_three_a_day_from_one_address(on_notice):
    _rc, (a, b, *_rest) = on_notice
    for nomination in (a, b, a):
        lodge_objection(nomination, GROUNDS, address=IP, today=D0)
    with pytest.raises(ObjectionRefused, match="At most 3 objections a day"):
        lodge_objection(b, GROUNDS, address=IP, today=D0)
    lodge_objection(b, GROUNDS, address="198.51.100.1", today=D0)  # another address
    # yesterday's objections do not count today
    Objection.objects.update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    lodge_objection(b, GROUNDS, address=IP, today=D0)
    assert Objection.objects.count() == 5


def test_at_most_twenty_a_day_against_one_nominee(on_notice):
    _rc, (a, b, *_rest) = on_notice
    for n in range(20):
        lodge_objection(a, GROUNDS, address=f"10.0.0.{n}", today=D0)
    with pytest.raises(ObjectionRefused, match="most objections accepted in one day"):
        lodge_objection(a, GROUNDS, address="10.0.1.1", today=D0)
    lodge_objection(b, GROUNDS, address="10.0.1.1", today=D0)
    assert Objection.objects.filter(nomination=a).count() == 20


def test_only_a_nomination_on_notice_can_be_objected_to(h, on_notice):
    _rc, (a, _b, c, _d) = on_notice
    with pytest.raises(ObjectionRefused, match="not on public notice"):
        lodge_objection(c, GROUNDS, address=IP, today=D0)  # not proposed
    with pytest.raises(ObjectionRefused, match="not on public notice"):
        lodge_objection(a, GROUNDS, address=IP, today=D0 + dt.timedelta(days=7))  # notice over
    with pytest.raises(ObjectionRefused, match="not on public notice"):
        lodge_objection(a, GROUNDS, address=IP, today=D0 - dt.timedelta(days=1))
    h.set_stage(S.SELECTION)
    with pytest.raises(ObjectionRefused, match="not on public notice"):
        lodge_objection(a, GROUNDS, address=IP, today=D0)
    assert not Objection.objects.exists()


# --- resolving ---------------------------------------------------------------------


def test_upheld_removes_the_nominee_and_the_next_starts_its_own_notice(h, on_notice):
    rc, (a, b, c, d) = on_notice
    first = lodge_objection(a, GROUNDS, address=IP, today=D0)
    second = lodge_objection(a, "另一份异议材料，内容重复。", address="10.1.1.1", today=D0)
    day = D0 + dt.timedelta(days=3)
    resolve_objection(
        actor=h.admin, objection=first, uphold=True, reason="经核实材料不实", today=day
    )
    first.refresh_from_db()
    assert first.status == Objection.Status.UPHELD and first.resolution == "经核实材料不实"
    assert first.resolved_by == h.admin and first.resolved_at is not None
    removed = reload(a)
    assert removed.status == N.REMOVED and not removed.proposed
    promoted = reload(c)
    assert promoted.proposed
    assert (promoted.notice_from, promoted.notice_until) == (day, day + dt.timedelta(days=6))
    assert (reload(b).notice_from, reload(d).proposed) == (D0, False)
    # the other objection against the removed nominee is closed, not left open
    second.refresh_from_db()
    assert second.status == Objection.Status.DISMISSED
    assert second.resolution == "nominee already removed"
    actions = list(
        AuditEntry.objects.filter(action__startswith="honours.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-4:] == [
        "honours.objection_upheld",
        "honours.nominee_removed",
        "honours.objection_dismissed",
        "honours.promoted",
    ]
    promoted_entry = AuditEntry.objects.get(action="honours.promoted")
    assert promoted_entry.object_id == str(c.pk)
    assert promoted_entry.after["notice_from"] == day.isoformat()
    # the list cannot be final before the promoted nominee's notice runs out
    reasons = final.refusals(h.refresh(), D0 + dt.timedelta(days=7))
    assert reasons == [
        f"The public notice runs until {(day + dt.timedelta(days=6)).isoformat()} "
        f"for 1 nominee(s) ({c.worker.name})."
    ]
    assert final.refusals(h.refresh(), day + dt.timedelta(days=7)) == []
    assert rc.pk


def test_upheld_with_a_tied_next_group_needs_a_decision(h):
    rc = h.quota(h.rc("pudong-craftsman"), 2)
    a, b, c, d = (h.worker(rc, t) for t in (95, 90, 85, 85))
    stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    stages.move(actor=h.admin, round_=h.round, to=S.NOTICE, today=D0)
    objection = lodge_objection(b, GROUNDS, address=IP, today=D0)
    day = D0 + dt.timedelta(days=2)
    resolve_objection(actor=h.admin, objection=objection, uphold=True, reason="属实", today=day)
    assert not reload(c).proposed and not reload(d).proposed
    assert selection.undecided_tie(rc) == Tie(rank=3, tied=(c.pk, d.pk), places=1)
    reasons = final.refusals(h.refresh(), D0 + dt.timedelta(days=30))
    assert reasons == [
        "浦东工匠: 2 nominations tied at rank 3 for 1 place(s) need a committee decision."
    ]
    with pytest.raises(SelectionRefused, match="Choose exactly 1"):
        selection.record_tie_decision(
            actor=h.admin, round_category=rc, chosen_ids=[c.pk, d.pk], reason="x", today=day
        )
    decided = D0 + dt.timedelta(days=4)
    selection.record_tie_decision(
        actor=h.admin, round_category=rc, chosen_ids=[c.pk], reason="委员会表决", today=decided
    )
    chosen = reload(c)
    assert chosen.proposed and chosen.notice_from == decided
    assert chosen.notice_until == decided + dt.timedelta(days=6)
    assert not reload(d).proposed and reload(a).proposed
    assert final.refusals(h.refresh(), decided + dt.timedelta(days=7)) == []


def test_dismissed_with_a_reason_keeps_the_nominee(h, on_notice):
    _rc, (a, *_rest) = on_notice
    objection = lodge_objection(a, GROUNDS, contact="wang@example.com", address=IP, today=D0)
    with pytest.raises(SelectionRefused, match="Give the reason"):
        resolve_objection(actor=h.admin, objection=objection, uphold=False, reason=" ")
    resolve_objection(actor=h.admin, objection=objection, uphold=False, reason="材料经核实无误")
    objection.refresh_from_db()
    assert objection.status == Objection.Status.DISMISSED
    assert objection.resolution == "材料经核实无误"
    nominee = reload(a)
    assert nominee.status == N.SUBMITTED and nominee.proposed
    entry = AuditEntry.objects.get(action="honours.objection_dismissed")
    assert entry.note == "材料经核实无误" and "wang@example.com" not in json.dumps(entry.after)
    with pytest.raises(SelectionRefused, match="already been resolved"):
        resolve_objection(actor=h.admin, objection=objection, uphold=True, reason="再议")


@pytest.mark.parametrize("role", ["leader", "officer", "coorganiser"])
def test_only_admins_resolve_objections(h, users, on_notice, role):
    _rc, (a, *_rest) = on_notice
    objection = lodge_objection(a, GROUNDS, address=IP, today=D0)
    with pytest.raises(SelectionRefused, match="Only programme admins"):
        resolve_objection(
            actor=getattr(users, role), objection=objection, uphold=True, reason="属实"
        )
    objection.refresh_from_db()
    assert objection.status == Objection.Status.OPEN


def test_mask_contact():
    assert notice.mask_contact("13912345678") == "139****5678"
    assert notice.mask_contact("wang@example.com") == "w***@example.com"
    assert notice.mask_contact("") == ""
