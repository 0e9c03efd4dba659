import pytest

from jingsai.access import policy
from jingsai.common.models import AuditEntry
from jingsai.competitions.domain import lifecycle
from jingsai.competitions.domain.registration import (
    RegistrationRefused,
    approve,
    register,
    resubmit,
    return_for_changes,
)
from jingsai.competitions.models import Competition, CompetitionLevel, Entry
from tests.factories import OrganisationFactory, WorkerFactory

pytestmark = pytest.mark.django_db
S = Competition.Status


def test_the_whole_life_and_its_audit(make_competition):
    competition = make_competition(status=S.DRAFT)
    for to in (S.OPEN, S.CLOSED, S.JUDGING, S.PUBLIC_NOTICE, S.PUBLISHED, S.ARCHIVED):
        checked = to in (S.PUBLIC_NOTICE, S.PUBLISHED)  # the publication service's moves
        competition = lifecycle.move(actor=None, competition=competition, to=to, checked=checked)
        assert competition.status == to
    actions = list(
        AuditEntry.objects.filter(
            object_type="competitions.competition", object_id=str(competition.pk)
        )
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-6:] == [
        "status:open", "status:closed", "status:judging",
        "status:public_notice", "status:published", "status:archived",
    ]  # fmt: skip


def test_results_moves_only_through_the_publication_service(make_competition):
    competition = make_competition(status=S.JUDGING)
    with pytest.raises(lifecycle.MoveRefused, match="results page"):
        lifecycle.move(actor=None, competition=competition, to=S.PUBLIC_NOTICE)
    competition.refresh_from_db()
    assert competition.status == S.JUDGING


@pytest.mark.parametrize(
    ("frm", "to"), [(S.DRAFT, S.PUBLISHED), (S.OPEN, S.JUDGING), (S.ARCHIVED, S.OPEN)]
)
def test_skipping_steps_is_refused(make_competition, frm, to):
    competition = make_competition(status=frm)
    with pytest.raises(lifecycle.MoveRefused):
        lifecycle.move(actor=None, competition=competition, to=to)
    competition.refresh_from_db()
    assert competition.status == frm


def test_who_may_move(make_competition, world):
    co_org = world["users"]["coorganiser"].grants.get().organisation
    competition = make_competition(status=S.OPEN)
    competition.co_organisers.set([co_org])
    users = world["users"]
    assert policy.can_move_competition(users["coorganiser"], competition, S.CLOSED)
    assert policy.can_move_competition(users["admin"], competition, S.CLOSED)
    assert not policy.can_move_competition(users["officer"], competition, S.CLOSED)
    assert not policy.can_move_competition(users["leader"], competition, S.CLOSED)
    Competition.objects.filter(pk=competition.pk).update(status=S.JUDGING)
    competition.refresh_from_db()
    assert not policy.can_move_competition(users["coorganiser"], competition, S.PUBLIC_NOTICE)
    assert policy.can_move_competition(users["admin"], competition, S.PUBLIC_NOTICE)


def test_application_is_approved_level_by_level_before_it_opens(make_competition):
    competition = make_competition(status=S.DRAFT)
    Competition.objects.filter(pk=competition.pk).update(approval=Competition.Approval.DRAFTING)
    competition.levels.update(review=CompetitionLevel.Review.PENDING)
    competition.refresh_from_db()
    with pytest.raises(lifecycle.MoveRefused):
        lifecycle.move(actor=None, competition=competition, to=S.OPEN)
    lifecycle.submit_application(actor=None, competition=competition)
    levels = list(competition.levels.order_by("order"))
    decisions = {lv.pk: ("approved", "") for lv in levels}
    decisions[levels[1].pk] = ("returned", "复赛名额请说明")
    competition = lifecycle.review_application(
        actor=None, competition=competition, decisions=decisions
    )
    assert competition.approval == Competition.Approval.RETURNED
    assert CompetitionLevel.objects.get(pk=levels[1].pk).review_comment == "复赛名额请说明"
    with pytest.raises(lifecycle.MoveRefused):
        lifecycle.move(actor=None, competition=competition, to=S.OPEN)
    lifecycle.submit_application(actor=None, competition=competition)
    competition = lifecycle.review_application(
        actor=None, competition=competition, decisions={lv.pk: ("approved", "") for lv in levels}
    )
    assert competition.approval == Competition.Approval.APPROVED
    assert lifecycle.move(actor=None, competition=competition, to=S.OPEN).status == S.OPEN


def test_returning_a_level_needs_a_comment(make_competition):
    competition = make_competition(status=S.DRAFT)
    Competition.objects.filter(pk=competition.pk).update(approval=Competition.Approval.DRAFTING)
    competition.refresh_from_db()
    lifecycle.submit_application(actor=None, competition=competition)
    decisions = {lv.pk: ("returned", "") for lv in competition.levels.all()}
    with pytest.raises(lifecycle.MoveRefused):
        lifecycle.review_application(actor=None, competition=competition, decisions=decisions)


def test_review_approve_numbers_and_return_resubmit(make_competition):
    competition = make_competition()
    enterprise = OrganisationFactory()
    first, second = register(
        actor=None, competition=competition, enterprise=enterprise,
        workers=WorkerFactory.create_batch(2, employer=enterprise),
    )  # fmt: skip
    approve(actor=None, entry=second)
    approve(actor=None, entry=first)
    assert Entry.objects.get(pk=second.pk).number == f"{competition.code.upper()}-0001"
    assert Entry.objects.get(pk=first.pk).number == f"{competition.code.upper()}-0002"
    returned = return_for_changes(
        actor=None, entry=first, field="worker_trade", comment="工种应为数控车工"
    )
    assert (returned.status, returned.return_field) == ("returned", "worker_trade")
    with pytest.raises(RegistrationRefused):
        approve(actor=None, entry=returned)
    again = resubmit(actor=None, entry=returned)
    assert again.status == "submitted"
    approve(actor=None, entry=again)
    assert Entry.objects.get(pk=first.pk).number == f"{competition.code.upper()}-0002"  # kept


def test_entries_cannot_change_once_judging_starts(make_competition):
    from jingsai.competitions.domain.registration import withdraw

    competition = make_competition()
    enterprise = OrganisationFactory()
    (entry,) = register(
        actor=None,
        competition=competition,
        enterprise=enterprise,
        workers=[WorkerFactory(employer=enterprise)],
    )
    approve(actor=None, entry=entry)
    Competition.objects.filter(pk=competition.pk).update(status=S.JUDGING)
    for action in (
        lambda: withdraw(actor=None, entry=entry),
        lambda: return_for_changes(actor=None, entry=entry, field="other", comment="x"),
    ):
        with pytest.raises(RegistrationRefused):
            action()
    assert Entry.objects.get(pk=entry.pk).status == "approved"


def test_changing_an_approved_application_sends_it_back(make_competition):
    from django.core.exceptions import ValidationError

    from jingsai.competitions.domain.services import save_level, update_competition

    competition = make_competition(status=S.DRAFT)
    Competition.objects.filter(pk=competition.pk).update(approval=Competition.Approval.APPROVED)
    competition.refresh_from_db()
    save_level(
        actor=None, competition=competition, by_programme_admin=False, name="加赛", scope="district"
    )
    competition.refresh_from_db()
    assert competition.approval == Competition.Approval.DRAFTING
    assert set(competition.levels.values_list("review", flat=True)) == {"pending"}
    with pytest.raises(lifecycle.MoveRefused):
        lifecycle.move(actor=None, competition=competition, to=S.OPEN)
    lifecycle.submit_application(actor=None, competition=competition)
    with pytest.raises(ValidationError):  # not while it is being reviewed
        update_competition(
            actor=None, competition=competition, by_programme_admin=False, title="改"
        )
