"""Every section's figures equal direct counts over the source rows, for several filter
combinations and scopes (the whole programme, a co-organiser's competitions, an officer's
enterprises), and every bar's list has as many rows as the bar counts."""

from collections import Counter
from decimal import Decimal

import pytest

from jingsai.access import policy
from jingsai.competitions.models import Competition
from jingsai.dashboards.domain import medals, sections
from jingsai.dashboards.domain.base import Filters, Scope
from jingsai.dashboards.models import AwardTally, MedalCell
from jingsai.people.models import Role
from tests.dashboards_sections import direct
from tests.factories import OrganisationFactory, make_user

pytestmark = pytest.mark.django_db


def combos(data) -> list[dict]:
    series, brands = data["series"], data["brands"]
    zones, industries = data["zones"], data["industries"]
    return [
        {},
        {"series": series["hard-core-industries"].pk},
        {"brand": brands[0].pk},
        {"industry": industries[0].pk},
        {"zone": zones[1].pk},
        {"zone": 0},
        {"industry": 0},
        {"series": series["hard-core-industries"].pk, "zone": zones[0].pk},
        {"series": series["golden-middle-ring"].pk, "brand": brands[2].pk},
        {"series": series["city-digital-transformation"].pk, "industry": industries[1].pk},
    ]


def scopes(data) -> list[Scope]:
    comps = data["competitions"]
    enterprises = data["enterprises"]
    return [
        Scope(),
        Scope(
            competition_ids=frozenset(
                {comps["ic"].pk, comps["teams"].pk, data["league"].competition_id}
            )
        ),
        Scope(enterprise_ids=frozenset({enterprises[0].pk, enterprises[3].pk, enterprises[7].pk})),
        Scope(competition_ids=frozenset()),
    ]


def cases(data):
    year = data["years"][0]
    for scope in scopes(data):
        for combo in combos(data):
            yield Filters(year=year, **combo), scope


def figures(section) -> dict:
    return dict(section.figures)


def chart(section, key):
    return next(c for c in section.charts if c.key == key)


# --- medals -----------------------------------------------------------------------------


def _as_direct(unit: medals.Unit) -> dict:
    return {
        "counts": {a: n for a, n in unit.counts.items() if n},
        "ranked": unit.ranked,
        "total": unit.total,
        "points": unit.points,
    }


def test_medal_table_equals_direct_counts(sections_data):
    points = dict(medals.DEFAULT_POINTS)
    checked = 0
    for f, scope in cases(sections_data):
        m = medals.medals(f, scope)
        expected = direct.medal_units(f, scope, points)
        for by, units in (("zone", m.zones), ("industry", m.industries)):
            assert {u.key: _as_direct(u) for u in units} == {
                k: {**v, "counts": dict(v["counts"])} for k, v in expected[by].items()
            }, (by, f, scope)
        assert len(expected["enterprise"]) < medals.TABLE_ROWS
        assert {u.key: _as_direct(u) for u in m.enterprises} == {
            k: {**v, "counts": dict(v["counts"])} for k, v in expected["enterprise"].items()
        }, (f, scope)
        assert m.enterprises_ranked == len(expected["enterprise"])
        # ranked by points, standard competition ranking
        for before, after in zip(m.enterprises, m.enterprises[1:], strict=False):
            assert before.points >= after.points
            assert after.rank == (before.rank if after.points == before.points else
                                  m.enterprises.index(after) + 1)  # fmt: skip
        assert m.total.awards == sum(
            n for v in expected["zone"].values() for a, n in v["counts"].items() if a
        )
        checked += bool(expected["enterprise"])
    assert checked > 20  # most cases have results to compare


def test_unpublished_and_reopened_results_do_not_count(sections_data):
    comps = sections_data["competitions"]
    f = Filters(year=sections_data["years"][0])
    for key, counted in (("ic", True), ("digital", True), ("other", False), ("sites", False)):
        m = medals.medals(f, Scope(competition_ids=frozenset({comps[key].pk})))
        assert (m.total.ranked > 0) is counted, key
    comps["digital"].refresh_from_db()
    assert comps["digital"].status == Competition.Status.ARCHIVED


def test_medal_average_is_the_mean_total(sections_data):
    f = Filters(year=sections_data["years"][0])
    m = medals.medals(f, Scope())
    expected = direct.medal_units(f, Scope(), dict(medals.DEFAULT_POINTS))
    for unit in m.zones:
        d = expected["zone"][unit.key]
        assert unit.average == (Decimal(d["total"]) / 100 / d["ranked"]).quantize(Decimal("0.01"))


def test_ranked_without_an_award_does_not_lead_the_awards(make_competition):
    """Enterprises ranked without any award (more results, no award) come after one with an
    award in the top ten by awards, on either database (PostgreSQL sorts NULL first in a
    descending order), for the whole programme and for a co-organiser's competition."""
    competition = make_competition(status=Competition.Status.PUBLISHED)
    year = competition.year
    awarded = OrganisationFactory(name="获奖企业")
    unawarded = [OrganisationFactory(name=f"未获奖企业{i}") for i in range(11)]
    cells: Counter = Counter()
    for enterprise, award, n in [(awarded, "优秀奖", 1)] + [(e, "", 3) for e in unawarded]:
        AwardTally.objects.create(
            competition=competition, year=year, series=competition.series_id,
            enterprise=enterprise.pk, award=award, n=n, total=8000 * n,
        )  # fmt: skip
        for series in (0, competition.series_id):  # the classes it counts in, brand 0 (all)
            for unit in (enterprise.pk, 0):
                cells[(series, unit, award)] += n
    MedalCell.objects.bulk_create(
        MedalCell(year=year, series=series, enterprise=unit, award=award, n=n, total=8000 * n)
        for (series, unit, award), n in cells.items()
    )
    f = Filters(year=year)
    for scope in (Scope(), Scope(competition_ids=frozenset({competition.pk}))):
        leaders = medals.top_by_awards(f, scope)
        assert [(u.key, u.awards, u.ranked) for u in leaders] == [(awarded.pk, 1, 1)], scope
        table = medals.medals(f, scope)
        assert [u.key for u in table.by_awards] == [awarded.pk], scope
        assert table.enterprises[0].key == awarded.pk and table.enterprises_ranked == 12


# --- top enterprises --------------------------------------------------------------------


def test_top_enterprises_equal_direct_counts(sections_data):
    for f, scope in cases(sections_data):
        counts = direct.participation_by_enterprise(f, scope)
        rows = [(pk, w, e) for pk, (w, e) in counts.items()]
        by_workers = sorted((r for r in rows if r[1]), key=lambda r: (-r[1], -r[2], r[0]))[:10]
        by_entries = sorted((r for r in rows if r[2]), key=lambda r: (-r[2], -r[1], r[0]))[:10]
        assert sections.top_participation(f, scope) == (by_workers, by_entries), (f, scope)
        section = sections.top_enterprises(f, scope)
        assert chart(section, "top-workers").series[0].values == [r[1] for r in by_workers]
        assert chart(section, "top-entries").series[0].values == [r[2] for r in by_entries]
        units = direct.medal_units(f, scope, dict(medals.DEFAULT_POINTS))["enterprise"]
        awards = sorted(
            (
                (sum(n for a, n in u["counts"].items() if a), u["points"], -pk)
                for pk, u in units.items()
            ),
            reverse=True,
        )
        assert (
            chart(section, "top-awards").series[0].values == [a for a, _p, _pk in awards if a][:10]
        )


def test_a_scope_of_every_competition_counts_what_the_summaries_hold(sections_data):
    everything = Scope(competition_ids=frozenset(Competition.objects.values_list("pk", flat=True)))
    for combo in combos(sections_data):
        f = Filters(year=sections_data["years"][0], **combo)
        assert sections.top_participation(f, everything) == sections.top_participation(f, Scope())
        by_all, by_cells = medals.medals(f, everything), medals.medals(f, Scope())
        assert [_as_direct(u) for u in by_all.enterprises] == [
            _as_direct(u) for u in by_cells.enterprises
        ]
        assert [_as_direct(u) for u in by_all.zones] == [_as_direct(u) for u in by_cells.zones]


# --- the other sections -----------------------------------------------------------------


def test_labour_red_flags_equal_direct_counts(sections_data):
    for f, scope in cases(sections_data):
        expected = direct.labour(f, scope)
        section = sections.labour(f, scope)
        assert figures(section)["Red flags"] == sum(expected["flags"].values())
        assert figures(section)["Vetoes"] == expected["vetoes"]
        flags = chart(section, "labour-flags")
        assert dict(zip([int(k.rsplit(":", 1)[1]) for k in flags.drill], flags.series[0].values,
                        strict=True)) == expected["flags"]  # fmt: skip
    whole = figures(sections.labour(Filters(year=sections_data["years"][0]), Scope()))
    # two published periods of five sites: three flags each; the confirmed one is not counted
    assert whole["Red flags"] == 6
    assert whole["Published periods"] == 2
    assert whole["Participants"] == 5


def test_certificates_and_upgrades_equal_direct_counts(sections_data):
    for f, scope in cases(sections_data):
        expected = direct.certificates(f, scope)
        section = sections.certificates(f, scope)
        got = figures(section)
        assert got["Valid"] == expected["certificates"]["valid"]
        assert got["Revoked"] == expected["certificates"]["revoked"]
        assert got["Certificates issued"] == got["Valid"] + got["Revoked"]
        assert got["Skill-level upgrades"] == sum(expected["upgrades"].values())
        levels = chart(section, "certificates-levels")
        assert {int(k.rsplit(":", 1)[1]): v for k, v in zip(levels.drill, levels.series[0].values,
                                                             strict=True)} == dict(
            expected["upgrades"]
        )  # fmt: skip
    whole = figures(sections.certificates(Filters(year=sections_data["years"][0]), Scope()))
    assert whole["Revoked"] == 1 and whole["Valid"] > 5 and whole["Skill-level upgrades"] > 0


def test_training_equals_direct_counts(sections_data):
    for f, scope in cases(sections_data):
        expected = direct.training(f, scope)
        section = sections.training(f, scope)
        got = figures(section)
        assert got["Training hours"] == expected["hours"]
        assert got["Workers trained"] == expected["workers"]
        assert got["Courses"] == expected["courses"]
        zones = chart(section, "training-zones")
        got_zones = zip(zones.drill, zones.series[0].values, strict=True)
        assert {int(k.rsplit(":", 1)[1]): v for k, v in got_zones} == expected["by_zone"]
        months = chart(section, "training-months")
        assert sum(months.series[0].values) == expected["hours"]
    whole = figures(sections.training(Filters(year=sections_data["years"][0]), Scope()))
    assert whole["Courses"] == 2  # the 2025 course is not counted


def test_innovation_equals_direct_counts(sections_data):
    for f, scope in cases(sections_data):
        expected = direct.innovation(f, scope)
        section = sections.innovation(f, scope)
        got = figures(section)
        assert got["Results"] == expected["counts"]["n"]
        assert got["Adopted"] == expected["counts"]["adopted"]
        assert got["Benefit verified"] == expected["counts"]["verified"]
        assert got["Money saved (yuan)"] == expected["money"]
        kinds = chart(section, "innovation-kinds")
        for key, value in zip(kinds.drill, kinds.series[0].values, strict=True):
            assert value == expected["counts"][("kind", key.rsplit(":", 1)[1])]
        tiers = chart(section, "innovation-tiers")
        for key, value in zip(tiers.drill, tiers.series[0].values, strict=True):
            assert value == expected["counts"][("tier", int(key.rsplit(":", 1)[1]))]
    whole = figures(sections.innovation(Filters(year=sections_data["years"][0]), Scope()))
    assert whole["Results"] > whole["Adopted"] > whole["Benefit verified"] > 0


def test_honours_equal_direct_counts(sections_data):
    round_ = sections_data["round"]
    for f, scope in cases(sections_data):
        expected = direct.honours(round_, f, scope)
        section = sections.honours(f, scope)
        table = section.tables[0]
        from jingsai.honours.models import RoundCategory

        by_name = {
            str(rc.category): rc.category_id
            for rc in RoundCategory.objects.filter(round=round_).select_related("category")
        }
        got = {by_name[row[0]]: row[2:] for row in table.rows if any(row[2:])}
        assert got == expected, (f, scope)
        assert all(row[1] == 30 for row in table.rows)
    whole = figures(sections.honours(Filters(year=sections_data["years"][0]), Scope()))
    assert whole["Nominated"] > whole["Eligible"] > whole["Proposed"] > whole["Honoured"] > 0
    assert whole["Places (quota)"] == 240


def test_a_year_without_a_round(sections_data):
    section = sections.honours(Filters(year=sections_data["years"][1]), Scope())
    assert not section.charts and section.figures


# --- drilling ---------------------------------------------------------------------------


def test_every_bar_lists_as_many_rows_as_it_counts(sections_data):
    drilled = 0
    for f, scope in cases(sections_data):
        for build in sections.ALL:
            section = build(f, scope)
            for c in section.charts:
                assert len(c.drill) == len(c.labels) == len(c.series[0].values)
                for key, value in zip(c.drill, c.series[0].values, strict=True):
                    if not key:
                        continue
                    table = sections.drill(key, f, scope)
                    assert table is not None, key
                    rows = list(table.rows)
                    assert len(rows) == value, (key, f, scope)
                    assert all(len(row) == len(table.headers) for row in rows)
                    drilled += 1
    assert drilled > 300


def test_unknown_drill_keys_name_nothing(sections_data):
    f = Filters(year=sections_data["years"][0])
    for key in ("", "top", "top:workers", "top:workers:x", "nope:zone:1", "medals:zone:999999",
                "medals:colour:1", "innovation:kind:nope", "innovation:tier:x",
                "certificates:level:9", "certificates:series:999999", "honours:category:999999",
                "training:zone:999999", "labour:period:1", "top:workers:999999"):  # fmt: skip
        assert sections.drill(key, f, Scope()) is None, key


def test_drill_stays_within_the_scope(sections_data):
    f = Filters(year=sections_data["years"][0])
    enterprises = sections_data["enterprises"]
    mine = Scope(enterprise_ids=frozenset({enterprises[0].pk}))
    other = enterprises[3].pk
    assert list(sections.drill(f"top:entries:{other}", f, mine).rows) == []
    assert list(sections.drill(f"top:workers:{other}", f, mine).rows) == []
    assert list(sections.drill(f"top:awards:{other}", f, mine).rows) == []
    everything = list(sections.drill(f"top:entries:{other}", f, Scope()).rows)
    assert everything


def test_a_co_organisers_scope(sections_data):
    """The policy's scope for co-organiser staff: their competitions only."""
    comps = sections_data["competitions"]
    gov = sections_data["world"]["users"]["coorganiser"].grants.get().organisation
    comps["teams"].co_organisers.add(gov)
    user = make_user("coorg2", Role.CO_ORGANISER, gov)
    scope = policy.dashboard_scope(user)
    assert scope.competition_ids == frozenset({comps["teams"].pk})
    f = Filters(year=sections_data["years"][0])
    m = medals.medals(f, scope)
    teams = direct.medal_units(
        f, Scope(competition_ids=frozenset({comps["teams"].pk})), dict(medals.DEFAULT_POINTS)
    )
    assert m.total.ranked == sum(u["ranked"] for u in teams["zone"].values()) > 0
    assert m.total.ranked < medals.medals(f, Scope()).total.ranked
