"""Eligibility rules one by one, with hand-computed cases."""

import datetime as dt

import pytest
from django.utils import timezone

from jingsai.competitions.domain import eligibility
from jingsai.competitions.domain.registration import RegistrationRefused, register
from jingsai.competitions.models import Competition, Entry
from jingsai.organisations.domain.services import update_organisation
from tests.factories import OrganisationFactory, WorkerFactory, make_id_number

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (dt.date(1990, 6, 15), dt.date(2026, 6, 15), 36),  # birthday counts
        (dt.date(1990, 6, 15), dt.date(2026, 6, 14), 35),
        (dt.date(2000, 2, 29), dt.date(2026, 2, 28), 25),
        (dt.date(2000, 2, 29), dt.date(2026, 3, 1), 26),
    ],
)
def test_age_in_full_years(birth, day, age):
    assert eligibility.age_on(birth, day) == age


def _refused(competition, enterprise, workers, **kw):
    with pytest.raises(RegistrationRefused) as error:
        register(actor=None, competition=competition, enterprise=enterprise, workers=workers, **kw)
    return " ".join(" ".join(v) for v in error.value.refusals.values())


def test_registration_window(make_competition):
    enterprise = OrganisationFactory()
    worker = WorkerFactory(employer=enterprise)
    draft = make_competition(status=Competition.Status.DRAFT)
    assert "not open" in _refused(draft, enterprise, [worker])
    early = make_competition(registration_opens=timezone.now() + dt.timedelta(days=1))
    assert "opens on" in _refused(early, enterprise, [worker])
    late = make_competition(
        registration_opens=timezone.now() - dt.timedelta(days=9),
        registration_closes=timezone.now() - dt.timedelta(minutes=1),
    )
    assert "closed on" in _refused(late, enterprise, [worker])


def test_zone_and_industry(make_competition, zhangjiang, chips):
    competition = make_competition()
    competition.eligible_zones.set([zhangjiang])
    competition.eligible_industries.set([chips])
    inside = OrganisationFactory(zone=zhangjiang, industry=chips)
    wrong_industry = OrganisationFactory(zone=zhangjiang)
    assert register(
        actor=None,
        competition=competition,
        enterprise=inside,
        workers=[WorkerFactory(employer=inside)],
    )
    text = _refused(competition, wrong_industry, [WorkerFactory(employer=wrong_industry)])
    assert "industry" in text
    assert "zone" not in text


@pytest.mark.parametrize(("level", "allowed"), [(None, False), (2, False), (3, True), (5, True)])
def test_skill_level_range(make_competition, level, allowed):
    competition = make_competition(skill_level_from=3, skill_level_to=5)
    enterprise = OrganisationFactory()
    worker = WorkerFactory(employer=enterprise, skill_level=level)
    if allowed:
        assert register(
            actor=None, competition=competition, enterprise=enterprise, workers=[worker]
        )
    else:
        assert "skill level" in _refused(competition, enterprise, [worker]).lower()


def test_age_range_counted_on_the_day_set(make_competition):
    competition = make_competition(min_age=18, max_age=35, age_on=dt.date(2026, 6, 1))
    enterprise = OrganisationFactory()
    young = WorkerFactory(
        employer=enterprise, id_number=make_id_number(birth=dt.date(2008, 6, 2), seq=1)
    )
    just_18 = WorkerFactory(
        employer=enterprise, id_number=make_id_number(birth=dt.date(2008, 6, 1), seq=3)
    )
    just_35 = WorkerFactory(
        employer=enterprise, id_number=make_id_number(birth=dt.date(1990, 6, 2), seq=5)
    )
    just_36 = WorkerFactory(
        employer=enterprise, id_number=make_id_number(birth=dt.date(1990, 6, 1), seq=7)
    )
    assert "Aged 17" in _refused(competition, enterprise, [young])
    assert "Aged 36" in _refused(competition, enterprise, [just_36])
    assert (
        len(
            register(
                actor=None,
                competition=competition,
                enterprise=enterprise,
                workers=[just_18, just_35],
            )
        )
        == 2
    )


def test_capacity_and_enterprise_quota(make_competition):
    competition = make_competition(capacity=3, enterprise_quota=2)
    first, second = OrganisationFactory(), OrganisationFactory()
    register(
        actor=None,
        competition=competition,
        enterprise=first,
        workers=WorkerFactory.create_batch(2, employer=first),
    )
    assert "at most" in _refused(competition, first, [WorkerFactory(employer=first)])
    register(
        actor=None,
        competition=competition,
        enterprise=second,
        workers=[WorkerFactory(employer=second)],
    )
    assert "full" in _refused(competition, second, [WorkerFactory(employer=second)])


def test_withdrawn_entries_free_their_places(make_competition):
    from jingsai.competitions.domain.registration import withdraw

    competition = make_competition(capacity=1)
    enterprise = OrganisationFactory()
    worker = WorkerFactory(employer=enterprise)
    (entry,) = register(
        actor=None, competition=competition, enterprise=enterprise, workers=[worker]
    )
    withdraw(actor=None, entry=entry)
    assert register(actor=None, competition=competition, enterprise=enterprise, workers=[worker])


def test_one_entry_per_person(make_competition):
    competition = make_competition()
    enterprise = OrganisationFactory()
    worker = WorkerFactory(employer=enterprise, name="赵一")
    register(actor=None, competition=competition, enterprise=enterprise, workers=[worker])
    assert "already entered" in _refused(competition, enterprise, [worker])


def test_a_batch_is_all_or_nothing(make_competition):
    competition = make_competition(skill_level_from=1, skill_level_to=3)
    enterprise = OrganisationFactory()
    good = WorkerFactory(employer=enterprise, skill_level=2)
    bad = WorkerFactory(employer=enterprise, skill_level=5)
    _refused(competition, enterprise, [good, bad])
    assert not Entry.objects.exists()


def test_worker_of_another_enterprise_is_refused(make_competition):
    competition = make_competition()
    ours, theirs = OrganisationFactory(), OrganisationFactory()
    assert "not registered as a worker of" in _refused(
        competition, ours, [WorkerFactory(employer=theirs)]
    )


def test_team_size(make_competition):
    competition = make_competition(participants="teams", team_min=2, team_max=3)
    enterprise = OrganisationFactory()
    workers = WorkerFactory.create_batch(4, employer=enterprise)
    assert "at least 2" in _refused(competition, enterprise, workers[:1], team_name="甲队")
    assert "at most 3" in _refused(competition, enterprise, workers, team_name="甲队")
    (entry,) = register(
        actor=None,
        competition=competition,
        enterprise=enterprise,
        workers=workers[:3],
        team_name="甲队",
    )
    assert entry.members.count() == 3
    assert "already entered" in _refused(
        competition, enterprise, [workers[0], workers[3]], team_name="乙队"
    )


def test_refusals_are_in_chinese(make_competition):
    from django.utils import translation

    competition = make_competition(skill_level_from=1, skill_level_to=2)
    enterprise = OrganisationFactory()
    with translation.override("zh-hans"):
        text = _refused(
            competition, enterprise, [WorkerFactory(employer=enterprise, skill_level=4)]
        )
    assert "技能等级" in text
    assert "中级工" in text


def test_changing_the_employer_zone_is_seen_at_once(make_competition, zhangjiang):
    competition = make_competition()
    competition.eligible_zones.set([zhangjiang])
    enterprise = OrganisationFactory()
    worker = WorkerFactory(employer=enterprise)
    _refused(competition, enterprise, [worker])
    update_organisation(actor=None, organisation=enterprise, zone=zhangjiang)
    enterprise.refresh_from_db()
    assert register(actor=None, competition=competition, enterprise=enterprise, workers=[worker])
