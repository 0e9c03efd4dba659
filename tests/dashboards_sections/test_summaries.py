"""The summaries behind the medal table and the top enterprises stay equal to a rebuild
from scratch as results are published, re-opened, corrected and published again, and as
entries are approved, withdrawn and added."""

import datetime as dt
from decimal import Decimal

import pytest

from jingsai.competitions.domain import registration
from jingsai.competitions.models import Entry
from jingsai.dashboards.domain import enterprise_tally, medals
from jingsai.dashboards.domain.base import Filters, Scope
from jingsai.dashboards.models import AwardTally, EnterpriseTally, MedalCell
from jingsai.judging.domain import publication
from jingsai.judging.models import Result
from tests.dashboards_sections import direct
from tests.dashboards_sections.conftest import TODAY, publish

pytestmark = pytest.mark.django_db


def cells() -> list[tuple]:
    return sorted(
        MedalCell.objects.exclude(n=0).values_list(
            "year_id", "series", "brand", "enterprise", "industry", "zone", "award", "n", "total"
        )
    )


def tallies() -> list[tuple]:
    return sorted(
        AwardTally.objects.values_list(
            "competition_id", "year_id", "series", "brand", "enterprise", "industry", "zone",
            "award", "n", "total",
        )
    )  # fmt: skip


def assert_same_as_rebuilt() -> None:
    kept = (cells(), tallies())
    assert kept[0] and kept[1]
    medals.rebuild()
    assert (cells(), tallies()) == kept


def test_the_hooks_keep_the_medal_cells_equal_to_a_rebuild(sections_data):
    comps = sections_data["competitions"]
    f = Filters(year=sections_data["years"][0])
    assert_same_as_rebuilt()
    before = medals.medals(f, Scope()).total
    ic = comps["ic"]
    ic_results = Result.objects.filter(competition=ic)
    ic_awards = ic_results.exclude(award="").count()
    assert ic_awards

    # re-opened: ic's results leave the table at once
    publication.reopen_published(actor=None, competition=ic, reason="复核发现计分错误")
    after = medals.medals(f, Scope()).total
    assert after.ranked == before.ranked - ic_results.count()
    assert after.awards == before.awards - ic_awards
    assert not AwardTally.objects.filter(competition=ic).exists()
    assert_same_as_rebuilt()

    # corrected (one result loses its award, another's total changes) and published again
    first = ic_results.exclude(award="").order_by("position").first()
    Result.objects.filter(pk=first.pk).update(award="", total=Decimal("12.34"))
    publish(ic)
    again = medals.medals(f, Scope()).total
    assert again.ranked == before.ranked
    assert again.awards == before.awards - 1
    assert again.total == before.total - int(first.total * 100) + 1234
    assert_same_as_rebuilt()
    expected = direct.medal_units(f, Scope(), dict(medals.DEFAULT_POINTS))
    assert sum(u["points"] for u in expected["zone"].values()) == again.points


def test_a_refresh_without_a_change_changes_nothing(sections_data):
    kept = cells()
    medals.refresh(Entry.objects.values_list("competition_id", flat=True).distinct())
    assert cells() == kept


def test_results_on_notice_are_not_counted_until_published(sections_data):
    other = sections_data["competitions"]["other"]
    f = Filters(year=sections_data["years"][0])
    scope = Scope(competition_ids=frozenset({other.pk}))
    assert medals.medals(f, scope).total.ranked == 0
    medals.refresh([other])  # on notice: still nothing
    assert medals.medals(f, scope).total.ranked == 0
    publication.publish(actor=None, competition=other, today=TODAY + dt.timedelta(days=1))
    assert medals.medals(f, scope).total.ranked == Result.objects.filter(competition=other).count()
    assert_same_as_rebuilt()


def enterprise_rows() -> list[tuple]:
    return sorted(
        EnterpriseTally.objects.values_list(
            "year_id", "series", "brand", "enterprise", "workers", "entries"
        )
    )


def test_enterprise_tally_refresh_follows_entries(sections_data, make_competition):
    """What the participation hook does after every change of entries: the enterprises'
    rows recomputed, equal to a rebuild and to direct counts."""
    enterprises = sections_data["enterprises"]
    years = [y.pk for y in sections_data["years"]]
    fresh = make_competition(
        title="新竞赛", series=sections_data["series"]["service-efficiency"],
        brand=sections_data["brands"][1],
    )  # fmt: skip
    touched: set[int] = set()
    for enterprise in enterprises[2:6]:
        made = registration.register(
            actor=None, competition=fresh, enterprise=enterprise,
            workers=sections_data["workers"][enterprise.pk][:2],
        )  # fmt: skip
        for entry in made:
            registration.approve(actor=None, entry=entry)
        registration.withdraw(actor=None, entry=made[0], reason="病假")
        touched.add(enterprise.pk)
    enterprise_tally.refresh(
        touched | enterprise_tally.employers_of(
            w.pk for e in enterprises for w in sections_data["workers"][e.pk]
        ),
        years,
    )  # fmt: skip
    refreshed = enterprise_rows()
    enterprise_tally.rebuild()
    assert enterprise_rows() == refreshed
    f = Filters(year=sections_data["years"][0])
    counts = direct.participation_by_enterprise(f, Scope())
    for pk, workers, entries in enterprise_tally.top(f, "workers", 100):
        assert counts[pk] == (workers, entries)


def test_enterprise_tally_rows_per_class(sections_data):
    """One row per enterprise and (series, brand) class; the (0, 0) class is everything."""
    f = Filters(year=sections_data["years"][0])
    series = sections_data["series"]["hard-core-industries"].pk
    brand = sections_data["brands"][0].pk
    counts = direct.participation_by_enterprise(f, Scope())
    everything = {
        pk: (w, e) for pk, w, e in enterprise_tally.rows(f).values_list(
            "enterprise", "workers", "entries"
        )
    }  # fmt: skip
    assert everything == counts
    narrowed = Filters(year=f.year, series=series, brand=brand)
    assert {
        pk: (w, e) for pk, w, e in enterprise_tally.rows(narrowed).values_list(
            "enterprise", "workers", "entries"
        )
    } == direct.participation_by_enterprise(narrowed, Scope())  # fmt: skip


def test_approvals_keep_the_enterprise_tally(sections_data, make_competition):
    enterprise = sections_data["enterprises"][2]
    fresh = make_competition(title="新竞赛", series=sections_data["series"]["service-efficiency"])
    made = registration.register(
        actor=None, competition=fresh, enterprise=enterprise,
        workers=sections_data["workers"][enterprise.pk][:2],
    )  # fmt: skip
    for entry in made:
        registration.approve(actor=None, entry=entry)
    kept = enterprise_rows()
    enterprise_tally.rebuild()
    assert enterprise_rows() == kept
