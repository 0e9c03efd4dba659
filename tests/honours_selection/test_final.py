"""Making the list final: the refusals, the honours and their certificates, all or nothing;
re-rating of places; the year-over-year count."""

import datetime as dt
from decimal import Decimal

import pytest

from jingsai.certification.domain import honours as honour_certificates
from jingsai.certification.models import Certificate
from jingsai.common.models import AuditEntry
from jingsai.honours.domain import final, reratings, stages
from jingsai.honours.domain.notice import lodge_objection
from jingsai.honours.domain.selection import SelectionRefused
from jingsai.honours.models import Honour, Nomination, Rerating, Round
from jingsai.organisations.models import Organisation
from tests.honours_selection.conftest import D0, reload

S = Round.Stage
N = Nomination.Status
AFTER = D0 + dt.timedelta(days=7)  # the first day after a 7-day notice from D0
pytestmark = pytest.mark.django_db


@pytest.fixture
def full(h):
    """One category of each kind on notice from D0: people (quota 2, three nominated),
    results (quota 1, two authors) and places (quota 1)."""
    people = h.quota(h.rc("pudong-craftsman"), 2)
    results = h.quota(h.rc("innovation-achievement"), 1)
    places = h.quota(h.rc("innovation-base"), 1)
    noms = {
        "p1": h.worker(people, 95),
        "p2": h.worker(people, 90),
        "p3": h.worker(people, 80),
        "r1": h.result(results, 88, authors=2),
        "r2": h.result(results, 70, authors=1),
        "b1": h.place(places, 91),
    }
    stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    stages.move(actor=h.admin, round_=h.round, to=S.NOTICE, today=D0)
    return noms


def test_finalise_refused_at_the_wrong_stage(h):
    h.worker(h.quota(h.rc("pudong-craftsman"), 2), 90)
    stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    with pytest.raises(SelectionRefused) as refused:
        final.finalise(actor=h.admin, round_=h.round, today=AFTER)
    assert refused.value.reasons == [
        "The list is made final after the public notice; the round is at the selection stage."
    ]
    assert not Honour.objects.exists()


def test_finalise_refused_while_an_objection_is_open(h, full):
    lodge_objection(full["p1"], "材料与事实不符，请核实。", address="10.0.0.1", today=D0)
    with pytest.raises(SelectionRefused) as refused:
        stages.move(actor=h.admin, round_=h.round, to=S.FINAL, today=AFTER)
    assert refused.value.reasons == [
        f"1 objection(s) still open (against {full['p1'].worker.name}): resolve each first."
    ]
    assert h.refresh().stage == S.NOTICE and not Honour.objects.exists()


def test_finalise_refused_while_a_tie_is_undecided(h, full):
    # a tie at notice: the nominee at rank 2 is removed and two equals follow
    extra = h.worker(h.rc("pudong-craftsman"), None)
    Nomination.objects.filter(pk=extra.pk).update(rank=3, total=Decimal("80.00"))
    Nomination.objects.filter(pk=full["p2"].pk).update(status=N.REMOVED, proposed=False)
    with pytest.raises(SelectionRefused) as refused:
        final.finalise(actor=h.admin, round_=h.round, today=AFTER)
    assert refused.value.reasons == [
        "浦东工匠: 2 nominations tied at rank 3 for 1 place(s) need a committee decision."
    ]


def test_finalise_refused_while_the_notice_runs(h, full):
    last_day = D0 + dt.timedelta(days=6)
    with pytest.raises(SelectionRefused) as refused:
        final.finalise(actor=h.admin, round_=h.round, today=last_day)
    (reason,) = refused.value.reasons
    assert reason.startswith(
        f"The public notice runs until {last_day.isoformat()} for 4 nominee(s)"
    )


def test_every_reason_is_listed_at_once(h, full):
    lodge_objection(full["p2"], "材料与事实不符，请核实。", address="10.0.0.1", today=D0)
    reasons = final.refusals(h.refresh(), D0)
    assert len(reasons) == 2
    assert reasons[0].startswith("1 objection(s) still open")
    assert reasons[1].startswith("The public notice runs until")


def test_finalise_grants_honours_and_certificates(h, full):
    union = Organisation.objects.get(kind=Organisation.Kind.UNION, parent=None)
    honours = stages.move(actor=h.admin, round_=h.round, to=S.FINAL, today=AFTER)
    round_ = h.refresh()
    assert honours.stage == round_.stage == S.FINAL and round_.finalised_at is not None
    assert Honour.objects.count() == 4
    for key in ("p1", "p2", "r1", "b1"):
        assert reload(full[key]).status == N.HONOURED
    for key in ("p3", "r2"):
        assert reload(full[key]).status == N.SUBMITTED

    craftsman = Honour.objects.get(nomination=full["p1"])
    assert (craftsman.title, craftsman.granted_on, craftsman.term_ends) == ("浦东工匠", AFTER, None)
    assert craftsman.worker == full["p1"].worker
    (certificate,) = Certificate.objects.filter(honour=craftsman)
    assert certificate.worker == full["p1"].worker and certificate.holder_organisation is None
    assert certificate.title == "2026年度浦东工匠" and certificate.issuer == union
    assert certificate.issued_on == AFTER and certificate.competition is None
    assert certificate.number.startswith("JS2026-") and certificate.status == "valid"

    result = Honour.objects.get(nomination=full["r1"])
    authors = list(
        full["r1"].innovation.authors.order_by("order").values_list("worker_id", flat=True)
    )
    assert result.innovation == full["r1"].innovation
    assert (
        list(
            Certificate.objects.filter(honour=result)
            .order_by("id")
            .values_list("worker_id", flat=True)
        )
        == authors
    )
    assert len(authors) == 2
    assert {c.title for c in Certificate.objects.filter(honour=result)} == {"2026年度职工创新成果"}

    base = Honour.objects.get(nomination=full["b1"])
    assert base.organisation == full["b1"].organisation
    assert base.term_ends == dt.date(2029, 5, 11)  # granted 2026-05-11, 3 years
    (place_certificate,) = Certificate.objects.filter(honour=base)
    assert place_certificate.worker is None
    assert place_certificate.holder_organisation == full["b1"].organisation
    assert list(Rerating.objects.values_list("honour_id", "due_on")) == [
        (base.pk, dt.date(2029, 5, 11))
    ]
    assert Certificate.objects.count() == 1 + 1 + 2 + 1

    entry = AuditEntry.objects.get(action="honours.finalised")
    assert len(entry.after["honours"]) == 4
    assert sorted(n for row in entry.after["honours"] for n in row["certificates"]) == sorted(
        Certificate.objects.values_list("number", flat=True)
    )


def test_finalise_is_all_or_nothing(h, full, monkeypatch):
    real = honour_certificates.issue
    calls = []

    def failing(**kwargs):
        calls.append(kwargs["honour"].pk)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(honour_certificates, "issue", failing)
    with pytest.raises(RuntimeError):
        final.finalise(actor=h.admin, round_=h.round, today=AFTER)
    assert len(calls) == 3
    assert h.refresh().stage == S.NOTICE and h.round.finalised_at is None
    assert not Honour.objects.exists() and not Certificate.objects.exists()
    assert not Rerating.objects.exists()
    assert not Nomination.objects.filter(status=N.HONOURED).exists()
    assert not AuditEntry.objects.filter(action="honours.finalised").exists()


@pytest.mark.parametrize("role", ["leader", "officer"])
def test_only_admins_finalise(h, users, full, role):
    with pytest.raises(SelectionRefused, match="Only programme admins"):
        final.finalise(actor=getattr(users, role), round_=h.round, today=AFTER)
    assert h.refresh().stage == S.NOTICE


# --- re-rating ------------------------------------------------------------------------


@pytest.fixture
def base(h, full):
    final.finalise(actor=h.admin, round_=h.round, today=AFTER)
    return Honour.objects.get(nomination=full["b1"])


def test_failed_rerating_loses_the_title_and_revokes_the_certificates(h, base):
    rerating = base.reratings.get()
    assert list(reratings.due_reratings(dt.date(2029, 5, 10))) == []
    assert list(reratings.due_reratings(dt.date(2029, 5, 11))) == [rerating]
    with pytest.raises(SelectionRefused, match="Give the reason"):
        reratings.decide(actor=h.admin, rerating=rerating, passed=False, reason="")
    day = dt.date(2029, 5, 20)
    reratings.decide(
        actor=h.admin,
        rerating=rerating,
        passed=False,
        score="52",
        reason="基地已停止运行",
        today=day,
    )
    base.refresh_from_db()
    rerating.refresh_from_db()
    assert (base.status, base.lost_on, base.lost_reason) == ("lost", day, "基地已停止运行")
    assert (rerating.passed, rerating.score, rerating.decided_on) == (False, Decimal("52"), day)
    (certificate,) = Certificate.objects.filter(honour=base)
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoke_reason == "The title was lost at re-rating: 基地已停止运行"
    # the other honours' certificates are untouched
    assert Certificate.objects.filter(status="valid").count() == 4
    assert AuditEntry.objects.filter(action="honours.rerating_decided").count() == 1
    assert list(reratings.due_reratings(dt.date(2035, 1, 1))) == []
    with pytest.raises(SelectionRefused, match="already been decided"):
        reratings.decide(actor=h.admin, rerating=rerating, passed=True)


def test_passed_rerating_extends_the_term_and_schedules_the_next(h, base):
    rerating = base.reratings.get()
    reratings.decide(actor=h.admin, rerating=rerating, passed=True, score=90)
    base.refresh_from_db()
    assert base.status == "active" and base.term_ends == dt.date(2032, 5, 11)
    assert list(
        base.reratings.filter(decided_on__isnull=True).values_list("due_on", flat=True)
    ) == [dt.date(2032, 5, 11)]
    assert Certificate.objects.filter(honour=base, status="valid").count() == 1


def test_rerating_rules(h, users, base, full):
    rerating = base.reratings.get()
    with pytest.raises(SelectionRefused, match="Only programme admins"):
        reratings.decide(actor=users.leader, rerating=rerating, passed=False, reason="x")
    with pytest.raises(SelectionRefused, match="from 0 to 100"):
        reratings.decide(actor=h.admin, rerating=rerating, passed=True, score="120")
    with pytest.raises(SelectionRefused, match="already scheduled"):
        reratings.schedule(actor=h.admin, honour=base)
    people = Honour.objects.get(nomination=full["p1"])
    with pytest.raises(SelectionRefused, match="Only places are re-rated"):
        reratings.schedule(actor=h.admin, honour=people)


def test_add_years_on_29_february():
    assert reratings.add_years(dt.date(2028, 2, 29), 3) == dt.date(2031, 2, 28)


def test_year_over_year_counts_filled_places(h, full):
    final.finalise(actor=h.admin, round_=h.round, today=AFTER)
    (year,) = final.year_over_year()
    assert year.year == 2026 and year.final
    counts = {c.category.code: (c.quota, c.filled) for c in year.categories}
    assert counts["pudong-craftsman"] == (2, 2)
    assert counts["innovation-achievement"] == (1, 1)
    assert counts["innovation-base"] == (1, 1)
    assert counts["training-centre"] == (30, 0)
    assert len(counts) == 8
    assert year.quota == 2 + 1 + 1 + 5 * 30 and year.filled == 4
