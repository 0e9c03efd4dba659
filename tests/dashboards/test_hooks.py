"""Every path that changes what the dashboard counts keeps the participation summary in
step: after each change, made through the real service, the cells and facts equal a
rebuild from scratch and the figures equal direct counts."""

import itertools

import pytest
from django.core.management import call_command
from django.test import override_settings

from jingsai.catalogue.models import ProgrammeYear, Series
from jingsai.competitions.domain import registration
from jingsai.competitions.domain.services import save_level, update_competition
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.dashboards.domain import participation_section
from jingsai.dashboards.domain.base import Scope
from jingsai.dashboards.domain.figures import Filters, figures
from jingsai.dashboards.domain.participation import rebuild
from jingsai.dashboards.models import (
    Cell,
    EnterpriseCell,
    EnterpriseWorker,
    EnterpriseYear,
    EntryFact,
    WorkerYear,
)
from jingsai.judging.domain.workbook_import import import_competition
from jingsai.labour.domain import services as labour
from jingsai.organisations.domain.services import update_organisation
from jingsai.organisations.models import Organisation
from jingsai.people.domain.workers import update_worker
from jingsai.people.models import Worker
from tests.dashboards.conftest import direct
from tests.factories import OrganisationFactory
from tests.judging.test_compute import random_workbook

pytestmark = pytest.mark.django_db


def snapshot():
    """Cells (those not 0) and every fact, as sets of rows."""
    place = ("industry", "zone")
    return {
        "cells": set(
            Cell.objects.exclude(n=0).values_list(
                "year_id", "measure", "series", "brand", "industry", "zone", "scope", "month", "n"
            )
        ),
        "workers": set(
            WorkerYear.objects.values_list("year_id", "worker_id", "tags", *place, "enterprise")
        ),
        "enterprises": set(
            EnterpriseYear.objects.values_list("year_id", "enterprise_id", "tags", *place)
        ),
        "entries": set(
            EntryFact.objects.values_list(
                "entry_id", "year_id", "series", "brand", *place, "scope", "month", "enterprise"
            )
        ),
        "enterprise workers": set(
            EnterpriseWorker.objects.values_list(
                "year_id", "enterprise", "worker_id", "tags", *place
            )
        ),
        "enterprise cells": set(
            EnterpriseCell.objects.exclude(n=0).values_list(
                "year_id", "enterprise", "series", "brand", *place, "n"
            )
        ),
    }


def filter_values(year):
    """A few of every filter: all, the first two of each, and "none" for place."""
    series = [None, *Series.objects.order_by("order").values_list("pk", flat=True)[:2]]
    counted = Cell.objects.filter(year=year).order_by("pk")
    brands = [None, *counted.exclude(brand=0).values_list("brand", flat=True)]
    industries = [None, 0, *counted.exclude(industry=0).values_list("industry", flat=True)]
    zones = [None, 0, *counted.exclude(zone=0).values_list("zone", flat=True)]

    def firsts(values, n):
        return list(dict.fromkeys(values))[:n]

    return itertools.product(
        firsts(series, 2), firsts(brands, 2), firsts(industries, 3), firsts(zones, 3)
    )


def officer_scopes() -> list[Scope]:
    """One enterprise, two, and every organisation with an entry (an officer's scopes)."""
    with_entries = sorted(set(Entry.objects.values_list("enterprise_id", flat=True)))
    return [
        Scope(enterprise_ids=frozenset(with_entries[:1])),
        Scope(enterprise_ids=frozenset(with_entries[1:3])),
        Scope(enterprise_ids=frozenset(with_entries)),
    ]


def assert_in_step(*, counts: bool = True) -> int:
    """The summary kept by the hooks equals a rebuild, and the figures direct counts (an
    officer's, from the per-enterprise facts, the counts over the source rows); returns
    how many filter combinations were compared."""
    assert not Cell.objects.filter(n__lt=0).exists()
    assert not EnterpriseCell.objects.filter(n__lt=0).exists()
    kept = snapshot()
    rebuild()
    rebuilt = snapshot()
    for part in kept:
        assert kept[part] == rebuilt[part], part
    assert kept["cells"] and kept["entries"] and kept["enterprise workers"]
    compared = 0
    for year in ProgrammeYear.objects.all() if counts else ():
        for series, brand, industry, zone in filter_values(year):
            filters = Filters(year=year, series=series, brand=brand, industry=industry, zone=zone)
            expected = direct(year, series=series, brand=brand, industry=industry, zone=zone)
            assert figures(filters) == expected, (year.year, series, brand, industry, zone)
            for scope in officer_scopes():
                assert participation_section.enterprise_counts(
                    filters, scope
                ) == participation_section.scoped_counts(filters, scope), (filters, scope)
            compared += 1
    return compared


def totals(year) -> tuple[int, int, int]:
    shown = figures(Filters(year=year))
    return shown["enterprises"]["total"], shown["workers"]["total"], shown["entries"]["total"]


@pytest.fixture
def approved(busy):
    """The busy programme, checked in step before the change under test."""
    assert_in_step(counts=False)
    return busy


def test_labour_participant_taken_in(approved, make_competition):
    year = approved["years"][0]
    competition = make_competition(
        kind=Competition.Kind.LABOUR,
        participants=Competition.Participants.PROJECT_SITES,
        series=approved["series"]["golden-middle-ring"],
        brand=approved["brands"][1],
        title="金色中环劳动竞赛",
    )
    league = labour.league_of(competition)
    newcomer = OrganisationFactory(zone=approved["zones"][2], industry=approved["industries"][0])
    known = approved["enterprises"][0]
    enterprises, workers, entries = totals(year)
    for n, enterprise in enumerate([newcomer, newcomer, known]):
        labour.add_participant(league, actor=None, name=f"项目{n}", enterprise=enterprise)
    assert Entry.objects.filter(competition=competition, status="approved").count() == 3
    assert totals(year) == (enterprises + 1, workers, entries + 3)
    shown = figures(Filters(year=year, series=competition.series_id, brand=competition.brand_id))
    assert shown["enterprises"]["total"] == 2
    # taking in entries that are already participants changes nothing
    before = snapshot()
    assert labour.take_in_entries(league, actor=None) == 0
    assert snapshot() == before
    assert assert_in_step()


def test_workbook_import_of_a_judged_competition(approved):
    year = approved["years"][0]
    enterprises, workers, entries = totals(year)
    workbook = random_workbook(7)
    competition = import_competition(workbook)
    assert competition.year == year
    assert competition.entries.filter(status="approved").count() == len(workbook.entries) > 3
    organisations = {e.organisation for e in workbook.entries}
    assert totals(year) == (
        enterprises + len(organisations),
        workers,  # entries without members
        entries + len(workbook.entries),
    )
    assert assert_in_step()


def test_worker_changes_employer_to_another_zone_and_industry(approved):
    year = approved["years"][0]
    enterprises = approved["enterprises"]
    counted = WorkerYear.objects.filter(year=year, enterprise=enterprises[0].pk).first()
    worker = Worker.objects.get(pk=counted.worker_id)
    target = next(
        e
        for e in enterprises
        if e.zone_id not in (None, worker.zone_id)
        and e.industry_id not in (None, worker.industry_id)
    )
    before = figures(Filters(year=year, zone=target.zone_id))["workers"]["total"]
    update_worker(actor=None, worker=worker, employer=target)
    moved = WorkerYear.objects.get(year=year, worker=worker)
    assert (moved.zone, moved.industry, moved.enterprise) == (
        target.zone_id,
        target.industry_id,
        target.pk,
    )
    assert figures(Filters(year=year, zone=target.zone_id))["workers"]["total"] == before + 1
    # a change of something not counted leaves the summary alone
    kept = snapshot()
    update_worker(actor=None, worker=worker, trade="钳工")
    assert snapshot() == kept
    assert assert_in_step()


def test_enterprise_moves_zone_and_industry(approved):
    enterprise = approved["enterprises"][1]
    zone, industry = approved["zones"][2], approved["industries"][2]
    assert (enterprise.zone_id, enterprise.industry_id) != (zone.pk, industry.pk)
    members = set(
        EntryMember.objects.filter(
            worker__employer=enterprise, active=True, entry__status="approved"
        ).values_list("worker_id", flat=True)
    )
    assert members
    update_organisation(actor=None, organisation=enterprise, zone=zone, industry=industry)
    assert set(
        WorkerYear.objects.filter(worker_id__in=members).values_list("zone", "industry")
    ) == {(zone.pk, industry.pk)}
    assert set(
        EnterpriseYear.objects.filter(enterprise=enterprise).values_list("zone", "industry")
    ) == {(zone.pk, industry.pk)}
    facts = EntryFact.objects.filter(entry__enterprise=enterprise)
    assert facts.exists() and set(facts.values_list("industry", flat=True)) == {industry.pk}
    assert assert_in_step()


def test_competition_changes_series_brand_and_year(approved):
    y2026, y2025 = approved["years"]
    competition = approved["competitions"]["ic"]
    approved_entries = competition.entries.filter(status="approved").count()
    assert approved_entries > 3
    golden = approved["series"]["golden-middle-ring"]
    update_competition(
        actor=None, competition=competition, series=golden, brand=approved["brands"][2]
    )
    already = Entry.objects.filter(competition=approved["competitions"]["other"], status="approved")
    shown = figures(Filters(year=y2026, series=golden.pk))
    assert shown["entries"]["total"] == approved_entries + already.count()
    assert assert_in_step()
    # to another programme year: counted there, and no longer in this one
    entries_2025 = totals(y2025)[2]
    competition.refresh_from_db()
    update_competition(actor=None, competition=competition, year=y2025)
    assert totals(y2025)[2] == entries_2025 + approved_entries
    assert not EntryFact.objects.filter(entry__competition=competition, year=y2026).exists()
    assert assert_in_step()


def test_entries_withdrawn_and_returned_after_approval(approved):
    year = approved["years"][0]
    competition = approved["competitions"]["other"]
    entries = list(competition.entries.filter(status="approved").order_by("pk")[:4])
    total = totals(year)[2]
    registration.withdraw(actor=None, entry=entries[0], reason="ill")
    registration.return_for_changes(actor=None, entry=entries[1], field="other", comment="x")
    assert totals(year)[2] == total - 2
    assert not EntryFact.objects.filter(entry_id__in=[entries[0].pk, entries[1].pk]).exists()
    assert assert_in_step()


def test_level_scope_changes_with_approved_entries_at_it(approved):
    year = approved["years"][0]
    competition = approved["competitions"]["digital"]
    level = competition.levels.order_by("order").first()
    at_level = competition.entries.filter(status="approved", level=level).count()
    assert at_level
    before = figures(Filters(year=year))["entries"]["by_scope"]
    save_level(actor=None, competition=competition, level=level, scope="district")
    after = figures(Filters(year=year))["entries"]["by_scope"]
    assert after["district"] == before.get("district", 0) + at_level
    assert after["enterprise"] == before["enterprise"] - at_level
    assert assert_in_step()


def test_organisation_reclassified_from_enterprise(approved):
    """Its entries stay its: it still takes part in the year (under no industry now)."""
    year = approved["years"][0]
    enterprise = approved["enterprises"][2]
    assert EnterpriseYear.objects.filter(year=year, enterprise=enterprise).exists()
    counts = totals(year)
    update_organisation(
        actor=None, organisation=enterprise, kind=Organisation.Kind.OTHER, industry=None
    )
    assert totals(year) == counts
    assert EnterpriseYear.objects.get(year=year, enterprise=enterprise).industry == 0
    assert not EntryFact.objects.filter(entry__enterprise=enterprise).exclude(industry=0)
    assert set(
        Worker.objects.filter(employer=enterprise).values_list("industry_id", flat=True)
    ) == {None}
    assert assert_in_step()


@override_settings(DEBUG=True)
def test_demo_data_is_counted_as_a_rebuild_would():
    call_command("demo_data", "--enterprises", "20", "--workers", "600", "--quiet")
    year = ProgrammeYear.objects.order_by("-year").first()
    enterprises, workers, entries = totals(year)
    # the judging demo's approved entries and the labour league's project sites
    assert entries == Entry.objects.filter(status="approved").count() > 100
    assert workers > 3 and enterprises > 4
    assert assert_in_step() > 20
