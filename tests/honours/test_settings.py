"""Round settings, category rules and quota, review criteria: admins only, audited;
criteria fixed once the round leaves the nomination stage."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jingsai.catalogue.models import HonourQuota
from jingsai.common.models import AuditEntry
from jingsai.honours.domain import rounds
from jingsai.honours.domain import settings as honours_settings
from jingsai.honours.domain.settings import SettingsRefused
from jingsai.honours.models import ReviewCriterion, Round

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(world):
    return world["users"]["admin"]


def test_round_settings_are_changed_by_admins_and_audited(world, admin, round_):
    opens = timezone.now() + dt.timedelta(days=1)
    closes = opens + dt.timedelta(days=30)
    for role in ("officer", "leader", "coorganiser"):
        with pytest.raises(SettingsRefused):
            honours_settings.update_round(actor=world["users"][role], round_=round_, notice_days=5)
    honours_settings.update_round(
        actor=admin,
        round_=round_,
        nomination_opens=opens,
        nomination_closes=closes,
        notice_days=10,
        aggregation="mean",
        place_term_years=5,
        exclusive_people=False,
    )
    round_.refresh_from_db()
    assert (round_.notice_days, round_.aggregation, round_.place_term_years) == (10, "mean", 5)
    assert round_.nomination_closes == closes and not round_.exclusive_people
    entry = AuditEntry.objects.get(action="honours.round_settings")
    assert entry.actor_id == admin.pk
    assert entry.before["notice_days"] == 7 and entry.after["notice_days"] == 10
    assert entry.before["exclusive_people"] is True and entry.after["exclusive_people"] is False
    # the window must make sense; nothing saved
    with pytest.raises(SettingsRefused) as info:
        honours_settings.update_round(actor=admin, round_=round_, nomination_closes=opens)
    assert info.value.messages == ["Nominations must close after they open."]
    # an unchanged save writes nothing to the trail
    honours_settings.update_round(actor=admin, round_=round_, notice_days=10)
    assert AuditEntry.objects.filter(action="honours.round_settings").count() == 1
    Round.objects.filter(pk=round_.pk).update(stage=Round.Stage.FINAL)
    with pytest.raises(SettingsRefused) as info:
        honours_settings.update_round(actor=admin, round_=round_, notice_days=3)
    assert info.value.messages == ["The 2026 round is final; its settings no longer change."]


def test_category_rules_and_quota(world, admin, rc):
    craftsman = rc("pudong-craftsman")
    assert rounds.quota_of(craftsman) == 30
    with pytest.raises(SettingsRefused):
        honours_settings.update_category(
            actor=world["users"]["officer"], round_category=craftsman, top_rank=10
        )
    honours_settings.update_category(
        actor=admin,
        round_category=craftsman,
        quota=25,
        max_skill_level=1,
        top_rank=2,
        rank_scope="industry",
        rank_years=2,
        by_innovation=True,
    )
    craftsman.refresh_from_db()
    assert (craftsman.max_skill_level, craftsman.top_rank, craftsman.rank_scope) == (
        1, 2, "industry",
    )  # fmt: skip
    assert craftsman.rank_years == 2 and craftsman.by_innovation
    assert rounds.quota_of(craftsman) == 25
    assert HonourQuota.objects.get(year__year=2026, category__code="pudong-craftsman").quota == 25
    entry = AuditEntry.objects.get(action="honours.category_rules")
    assert entry.before["quota"] == 30 and entry.after["quota"] == 25
    assert entry.before["max_skill_level"] == 2 and entry.after["max_skill_level"] == 1
    base = rc("innovation-base")
    with pytest.raises(SettingsRefused) as info:
        honours_settings.update_category(
            actor=admin, round_category=base, organisation_kinds=["enterprise", "castle"]
        )
    assert info.value.messages == ["Unknown kinds of organisation: castle."]
    honours_settings.update_category(
        actor=admin, round_category=base, organisation_kinds=["enterprise", "training_body"]
    )
    base.refresh_from_db()
    assert base.organisation_kinds == ["enterprise", "training_body"]


def test_review_criteria_change_only_at_the_nomination_stage(world, admin, rc, round_):
    craftsman = rc("pudong-craftsman")
    assert [c.max_mark for c in craftsman.criteria.all()] == [40, 30, 30]
    with pytest.raises(SettingsRefused):
        honours_settings.add_criterion(
            actor=world["users"]["officer"],
            round_category=craftsman,
            name="x",
            max_mark=Decimal(10),
        )
    added = honours_settings.add_criterion(
        actor=admin, round_category=craftsman, name="传承与创新", max_mark=Decimal(20)
    )
    assert added.order == 4 and added.spread_limit is None
    first = craftsman.criteria.get(order=1)
    honours_settings.update_criterion(
        actor=admin, criterion=first, max_mark=Decimal(30), spread_limit=Decimal(10)
    )
    first.refresh_from_db()
    assert (first.max_mark, first.spread_limit) == (Decimal(30), Decimal(10))
    with pytest.raises(SettingsRefused) as info:
        honours_settings.update_criterion(actor=admin, criterion=first, spread_limit=Decimal(31))
    assert info.value.messages == ["The spread limit cannot exceed the maximum mark."]
    honours_settings.remove_criterion(actor=admin, criterion=added)
    assert not ReviewCriterion.objects.filter(pk=added.pk).exists()
    actions = list(
        AuditEntry.objects.filter(action__startswith="honours.criterion_")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "honours.criterion_added",
        "honours.criterion_changed",
        "honours.criterion_removed",
    ]
    # after the nomination stage: refused with the reason, nothing changes
    Round.objects.filter(pk=round_.pk).update(stage=Round.Stage.REVIEW)
    expected = [
        "The review criteria are fixed once the round leaves the nomination stage "
        "(it is at the expert review stage): reviewers mark on them."
    ]
    with pytest.raises(SettingsRefused) as info:
        honours_settings.add_criterion(
            actor=admin, round_category=craftsman, name="x", max_mark=Decimal(10)
        )
    assert info.value.messages == expected
    with pytest.raises(SettingsRefused) as info:
        honours_settings.update_criterion(actor=admin, criterion=first, max_mark=Decimal(50))
    assert info.value.messages == expected
    with pytest.raises(SettingsRefused):
        honours_settings.remove_criterion(actor=admin, criterion=first)
    first.refresh_from_db()
    assert first.max_mark == Decimal(30) and craftsman.criteria.count() == 3


def test_the_last_criterion_stays(world, admin, rc):
    base = rc("innovation-base")
    criteria = list(base.criteria.all())
    honours_settings.remove_criterion(actor=admin, criterion=criteria[0])
    honours_settings.remove_criterion(actor=admin, criterion=criteria[1])
    with pytest.raises(SettingsRefused) as info:
        honours_settings.remove_criterion(actor=admin, criterion=criteria[2])
    assert info.value.messages == ["A category needs at least one review criterion."]
