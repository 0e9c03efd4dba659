"""The participation summary equals direct counts, kept in step by the entry changes."""

import itertools

import pytest
from django.core.management import call_command

from jingsai.competitions.domain import registration
from jingsai.competitions.models import Entry, EntryMember
from jingsai.dashboards.domain.figures import Filters, figures
from jingsai.dashboards.domain.participation import (
    entries_changed,
    rebuild,
    refresh_enterprises,
    refresh_workers,
)
from jingsai.dashboards.models import Cell, EnterpriseYear, EntryFact, TagBit, WorkerYear
from tests.dashboards.conftest import direct

pytestmark = pytest.mark.django_db


def combinations(p):
    year = p["years"][0]
    hard = p["series"]["hard-core-industries"].pk
    digital = p["series"]["city-digital-transformation"].pk
    b0, b1 = p["brands"][0].pk, p["brands"][1].pk
    z0 = p["zones"][0].pk
    i0, i1 = p["industries"][0].pk, p["industries"][1].pk
    for series, brand, industry, zone in itertools.product(
        (None, hard, digital), (None, b0, b1), (None, i0, i1, 0), (None, z0, 0)
    ):
        yield year, series, brand, industry, zone


def check_all(p):
    compared = 0
    for year, series, brand, industry, zone in combinations(p):
        filters = Filters(year=year, series=series, brand=brand, industry=industry, zone=zone)
        expected = direct(year, series=series, brand=brand, industry=industry, zone=zone)
        assert figures(filters) == expected, (series, brand, industry, zone)
        compared += 1
    other = p["years"][1]
    assert figures(Filters(year=other)) == direct(other)
    return compared


def cells():
    return set(
        Cell.objects.exclude(n=0).values_list(
            "year_id", "measure", "series", "brand", "industry", "zone", "scope", "month", "n"
        )
    )


def facts():
    place = ("industry", "zone")
    return (
        set(WorkerYear.objects.values_list("year_id", "worker_id", "tags", *place)),
        set(EnterpriseYear.objects.values_list("year_id", "enterprise_id", "tags", *place)),
        set(
            EntryFact.objects.values_list(
                "entry_id", "year_id", "series", "brand", *place, "scope", "month"
            )
        ),
    )


def test_nothing_counts_before_approval(programme):
    year = programme["years"][0]
    assert Entry.objects.filter(status="submitted").count() > 50
    shown = figures(Filters(year=year))
    assert shown["workers"]["total"] == shown["enterprises"]["total"] == 0
    assert shown["entries"]["total"] == 0
    assert shown["targets"] == {"enterprises": 10_000, "workers": 1_000_000}


def test_figures_equal_direct_counts_after_every_kind_of_change(busy):
    year = busy["years"][0]
    shown = figures(Filters(year=year))
    # the data set is not trivial: several of everything
    assert shown["workers"]["total"] > 30
    assert len(shown["workers"]["by_series"]) == 3
    assert len(shown["entries"]["by_series"]) == 4
    assert set(shown["entries"]["by_scope"]) == {"enterprise", "zone"}  # promoted: zone round
    assert len(shown["entries"]["by_month"]) == 2
    assert 0 in shown["workers"]["by_industry"] and 0 in shown["enterprises"]["by_zone"]
    # a worker in two series counts once in all, once in each
    by_series = shown["workers"]["by_series"]
    assert sum(by_series.values()) > shown["workers"]["total"]
    assert check_all(busy) == 3 * 3 * 4 * 3


def test_hand_computed_small_case(programme):
    """One enterprise's worker in two competitions of different series: one worker, two
    entries, one enterprise; withdrawing one entry keeps him counted under the other."""
    year = programme["years"][0]
    ic = programme["competitions"]["ic"]
    digital = programme["competitions"]["digital"]
    worker_entries = {}
    for entry in Entry.objects.filter(competition__in=[ic, digital]):
        for worker_id in entry.members.values_list("worker_id", flat=True):
            worker_entries.setdefault(worker_id, []).append(entry)
    worker_id, (first, second) = next((w, es) for w, es in worker_entries.items() if len(es) == 2)
    registration.approve(actor=None, entry=first)
    registration.approve(actor=None, entry=second)
    zone = first.enterprise.zone_id or 0
    shown = figures(Filters(year=year, zone=zone))
    assert shown["workers"]["total"] == 1
    assert shown["workers"]["by_series"] == {ic.series_id: 1, digital.series_id: 1}
    assert shown["workers"]["by_brand"] == {ic.brand_id: 1}  # digital has no brand
    assert shown["enterprises"]["total"] == 1
    assert shown["entries"]["total"] == 2
    assert figures(Filters(year=year, zone=zone, brand=ic.brand_id))["workers"]["total"] == 1
    assert (
        figures(Filters(year=year, zone=zone, series=digital.series_id, brand=ic.brand_id))[
            "workers"
        ]["total"]
        == 0
    )  # no competition is both
    registration.withdraw(actor=None, entry=second if second.competition == digital else first)
    shown = figures(Filters(year=year, zone=zone))
    assert shown["workers"]["by_series"] == {ic.series_id: 1}
    assert shown["workers"]["total"] == 1
    assert shown["entries"]["total"] == 1
    assert not EntryMember.objects.filter(worker_id=worker_id, competition=digital, active=True)


def test_rebuild_gives_the_same_cells_and_facts(busy):
    incremental_cells, incremental_facts = cells(), facts()
    assert len(incremental_cells) > 100
    counts = rebuild()
    assert counts["entries"] == Entry.objects.filter(status="approved").count()
    assert cells() == incremental_cells
    assert facts() == incremental_facts
    assert not Cell.objects.filter(n=0).exists()  # a rebuild leaves no empty cells
    check_all(busy)


def test_rebuild_command_for_one_year(busy, capsys):
    y2026 = busy["years"][0]
    before = cells()
    Cell.objects.filter(year=y2026).update(n=0)
    WorkerYear.objects.filter(year=y2026).delete()
    call_command("rebuild_dashboard", "--year", "2026")
    assert "workers" in capsys.readouterr().out
    assert cells() == before
    with pytest.raises(Exception, match="no programme year 1999"):
        call_command("rebuild_dashboard", "--year", "1999")


def test_a_worker_moved_to_another_zone_is_recounted_when_refreshed(busy):
    year = busy["years"][0]
    moved = WorkerYear.objects.filter(year=year).exclude(zone=busy["zones"][1].pk).first()
    from jingsai.people.models import Worker

    Worker.objects.filter(pk=moved.worker_id).update(zone=busy["zones"][1])
    enterprise = busy["enterprises"][0]
    from jingsai.organisations.models import Organisation

    Organisation.objects.filter(pk=enterprise.pk).update(industry=busy["industries"][2])
    assert figures(Filters(year=year)) != direct(year)  # stale until refreshed
    refresh_workers([moved.worker_id])
    refresh_enterprises([enterprise.pk])
    check_all(busy)


def test_entries_changed_is_idempotent_and_takes_many_at_once(busy):
    before = cells()
    entries_changed(Entry.objects.values_list("pk", flat=True))
    assert cells() == before
    # facts removed behind its back are put back by the same call
    EntryFact.objects.all().delete()
    WorkerYear.objects.all().delete()
    EnterpriseYear.objects.all().delete()
    Cell.objects.all().delete()
    entries_changed(Entry.objects.values_list("pk", flat=True))
    assert cells() == before


def test_series_brand_pairs_get_one_bit_each(busy):
    bits = list(TagBit.objects.values_list("bit", "value"))
    assert sorted(b for b, _ in bits) == list(range(len(bits)))
    assert all(v == 1 << b for b, v in bits)
    pairs = {(c.series_id, c.brand_id or 0) for c in busy["competitions"].values()}
    assert set(TagBit.objects.values_list("series_id", "brand")) == pairs
