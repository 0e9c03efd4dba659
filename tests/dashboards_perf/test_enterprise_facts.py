"""An enterprise officer's participation figures, read from the per-enterprise facts
(``enterprise_facts``: the workers taking part through each enterprise's entries, their
cells, and the entry facts with their enterprise), equal the counts over the source rows
for every filter, for one enterprise and several, a worker taking part through two
enterprises' entries among them; the facts follow each change and equal a rebuild."""

import io

import pytest
from django.core.management import call_command

from jingsai.competitions.domain import registration
from jingsai.competitions.models import EntryMember
from jingsai.dashboards.domain import participation_section
from jingsai.dashboards.domain.base import Filters, Scope
from jingsai.dashboards.models import EnterpriseCell, EnterpriseWorker, EntryFact
from jingsai.people.domain.workers import update_worker
from jingsai.people.models import Worker
from tests.dashboards.test_hooks import assert_in_step, filter_values, snapshot
from tests.dashboards_pages.conftest import scoped_direct

pytestmark = pytest.mark.django_db


def officers(*groups) -> list[Scope]:
    return [Scope(enterprise_ids=frozenset(e.pk for e in group)) for group in groups]


def assert_counted_as_the_source_rows(year, scopes: list[Scope]) -> int:
    """For every filter combination: the figures from the per-enterprise facts equal those
    counted over the source rows, and their totals a direct count; returns how many
    figures were compared."""
    compared = 0
    for series, brand, industry, zone in filter_values(year):
        f = Filters(year=year, series=series, brand=brand, industry=industry, zone=zone)
        for scope in scopes:
            got = participation_section.enterprise_counts(f, scope)
            assert got == participation_section.scoped_counts(f, scope), (f, scope)
            compared += 1
    for scope in scopes:
        got = participation_section.enterprise_counts(Filters(year=year), scope)
        expected = scoped_direct(year, enterprises=sorted(scope.enterprise_ids))
        assert {measure: got[measure]["total"] for measure in expected} == expected, scope
    return compared


def test_an_officers_figures_equal_the_source_counts(busy):
    y2026, y2025 = busy["years"]
    enterprises = busy["enterprises"]
    scopes = officers(*([e] for e in enterprises), enterprises[:3], enterprises)
    assert assert_counted_as_the_source_rows(y2026, scopes) > 300
    assert assert_counted_as_the_source_rows(y2025, scopes) > 30
    nothing = participation_section.counts(Filters(year=y2026), *officers([]))
    assert [nothing[m]["total"] for m in ("workers", "enterprises", "entries")] == [0, 0, 0]
    whole = participation_section.counts(Filters(year=y2026), Scope())
    one = participation_section.counts(Filters(year=y2026), scopes[0])
    assert 0 < one["workers"]["total"] < whole["workers"]["total"]
    assert one["enterprises"]["total"] == 1
    assert 0 < one["entries"]["total"] < whole["entries"]["total"]
    assert one["entries"]["by_month"] and one["workers"]["by_series"]


def test_counts_reads_an_officers_figures_from_the_facts(busy, monkeypatch):
    """Not counted over the source rows (seconds for the busiest enterprise of Pudong)."""
    scope = officers(busy["enterprises"][:2])[0]
    f = Filters(year=busy["years"][0])
    expected = participation_section.scoped_counts(f, scope)

    def refused(*args, **kwargs):
        raise AssertionError("counted over the source rows")

    monkeypatch.setattr(participation_section, "scoped_counts", refused)
    assert participation_section.counts(f, scope) == expected
    section = participation_section.build(f, scope)
    assert dict(section.figures)  # built without the source rows, last year's too


def test_a_worker_taking_part_through_two_enterprises(busy, make_competition):
    """He moves to another employer, who enters him in a competition: counted once in a
    scope of both enterprises, in each one's own; withdrawn, in the first one's only."""
    year = busy["years"][0]
    first, second = busy["enterprises"][0], busy["enterprises"][1]
    worker = Worker.objects.get(
        pk=EntryMember.objects.filter(
            entry__enterprise=first, entry__status="approved", active=True, competition__year=year
        )
        .order_by("pk")
        .values_list("worker_id", flat=True)
        .first()
    )
    update_worker(actor=None, worker=worker, employer=second)
    fresh = make_competition(
        year=year, title="新竞赛", series=busy["series"]["service-efficiency"],
        brand=busy["brands"][1],
    )  # fmt: skip
    made = registration.register(actor=None, competition=fresh, enterprise=second, workers=[worker])
    for entry in made:
        registration.approve(actor=None, entry=entry)

    def through() -> set[int]:
        return set(
            EnterpriseWorker.objects.filter(year=year, worker=worker).values_list(
                "enterprise", flat=True
            )
        )

    assert through() == {first.pk, second.pk}
    alone_first, alone_second, both = officers([first], [second], [first, second])
    totals = [
        participation_section.counts(Filters(year=year), scope)["workers"]["total"]
        for scope in (alone_first, alone_second, both)
    ]
    assert totals[2] == totals[0] + totals[1] - 1  # counted once
    # in the first enterprise's scope with his new employer's zone, as the year counts him
    in_zone = Filters(year=year, zone=second.zone_id)
    assert second.zone_id != first.zone_id
    counted = participation_section.counts(in_zone, alone_first)
    assert counted == participation_section.scoped_counts(in_zone, alone_first)
    assert counted["workers"]["total"] >= 1
    assert assert_counted_as_the_source_rows(year, [alone_first, alone_second, both]) > 50
    assert_in_step(counts=False)

    registration.withdraw(actor=None, entry=made[0], reason="病假")
    assert through() == {first.pk}
    after = participation_section.counts(Filters(year=year), both)["workers"]["total"]
    assert after == totals[2]  # still taking part through the first enterprise
    assert participation_section.counts(Filters(year=year), alone_second)["workers"]["total"] == (
        totals[1] - 1
    )
    assert assert_counted_as_the_source_rows(year, [alone_first, alone_second, both]) > 50
    assert_in_step(counts=False)


def test_rebuild_makes_the_per_enterprise_facts(busy):
    """From nothing, as after the migration that adds them (``rebuild-dashboard``)."""
    kept = snapshot()
    assert kept["enterprise workers"] and kept["enterprise cells"]
    assert {row[-1] for row in kept["entries"]} >= {e.pk for e in busy["enterprises"][2:]}
    EnterpriseWorker.objects.all().delete()
    EnterpriseCell.objects.all().delete()
    EntryFact.objects.update(enterprise=0)
    call_command("rebuild_dashboard", stdout=io.StringIO())
    assert snapshot() == kept
