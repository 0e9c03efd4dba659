"""Statistics: hand-computed figures for a small set of results, and for several
filters every table equals a direct count over the rows."""

from collections import defaultdict
from decimal import Decimal

import pytest

from jingsai.catalogue.models import Industry, ProgrammeYear, Series
from jingsai.innovation.domain import lifecycle
from jingsai.innovation.domain.stats import Filters, filter_results, statistics
from jingsai.innovation.models import InnovationResult
from tests.factories import OrganisationFactory, WorkerFactory

pytestmark = pytest.mark.django_db
K = InnovationResult.Kind
S = InnovationResult.Status
D = Decimal


@pytest.fixture
def results(world, ours, theirs, make_result, advance, make_competition):
    y2025 = ProgrammeYear.objects.create(year=2025, title="2025 年度")
    third = OrganisationFactory(name="上海丙物流有限公司")
    digital = make_competition(
        title="5G 应用创新大赛", series=Series.objects.get(code="city-digital-transformation")
    )
    them = [world["their_worker"]]
    made = {
        "r1": advance(make_result(title="r1"), S.VERIFIED, money=D(250_000), hours=D(300)),
        "r2": advance(
            make_result(title="r2", kind=K.METHOD, competition=digital),
            S.VERIFIED,
            money=None,
            hours=D(600),
        ),
        "r3": make_result(title="r3", kind=K.SUGGESTION, year=y2025),
        "r4": advance(
            make_result(title="r4", enterprise=theirs, authors=them),
            S.RECOGNISED,
            money=D(1_200_000),
        ),
        "r5": make_result(title="r5", kind=K.METHOD, year=y2025, enterprise=theirs, authors=them),
        "r6": advance(
            make_result(
                title="r6",
                kind=K.SUGGESTION,
                enterprise=third,
                authors=[WorkerFactory(employer=third)],
            ),
            S.VERIFIED,
            money=D(10_000),
        ),
        "r7": advance(make_result(title="r7"), S.ADOPTED),
    }
    lifecycle.reject(actor=None, result=made["r5"], reason="不符合要求")
    return made


def table(rows):
    return {row.label: (row.count, row.verified, row.money, row.hours) for row in rows}


def test_hand_computed_figures(results, ours, theirs):
    stats = statistics(InnovationResult.objects.all(), none_label="none")
    assert (stats.total.count, stats.total.verified) == (7, 4)
    assert (stats.total.money, stats.total.hours) == (D(1_460_000), D(900))
    kinds = dict(K.choices)
    assert table(stats.by_kind) == {
        kinds[K.ACHIEVEMENT]: (3, 2, D(1_450_000), D(300)),
        kinds[K.METHOD]: (2, 1, D(0), D(600)),
        kinds[K.SUGGESTION]: (2, 1, D(10_000), D(0)),
    }
    assert [r.label for r in stats.by_year] == ["2026", "2025"]
    assert table(stats.by_year) == {
        "2026": (5, 4, D(1_460_000), D(900)),
        "2025": (2, 0, D(0), D(0)),
    }
    assert [r.label for r in stats.by_enterprise] == [ours.name, theirs.name, "上海丙物流有限公司"]
    assert table(stats.by_enterprise) == {
        ours.name: (4, 2, D(250_000), D(900)),
        theirs.name: (2, 1, D(1_200_000), D(0)),
        "上海丙物流有限公司": (1, 1, D(10_000), D(0)),
    }
    chips, health = Industry.objects.get(code="chips"), Industry.objects.get(code="healthcare")
    assert table(stats.by_industry) == {
        str(chips): (4, 2, D(250_000), D(900)),
        str(health): (2, 1, D(1_200_000), D(0)),
        "none": (1, 1, D(10_000), D(0)),
    }
    series = {s.code: str(s) for s in Series.objects.all()}
    # r2 came from a city-digital competition; the others of ours take their industry's series
    assert table(stats.by_series) == {
        series["hard-core-industries"]: (3, 1, D(250_000), D(300)),
        series["city-digital-transformation"]: (1, 1, D(0), D(600)),
        series["service-efficiency"]: (2, 1, D(1_200_000), D(0)),
        "none": (1, 1, D(10_000), D(0)),
    }
    assert [r.label for r in stats.by_tier] == ["一等", "二等", "三等", "鼓励", "none"]
    assert table(stats.by_tier) == {
        "一等": (1, 1, D(1_200_000), D(0)),
        "二等": (1, 1, D(250_000), D(300)),
        "三等": (1, 1, D(0), D(600)),
        "鼓励": (1, 1, D(10_000), D(0)),
        "none": (3, 0, D(0), D(0)),
    }
    statuses = dict(S.choices)
    assert table(stats.by_status) == {
        statuses[S.VERIFIED]: (3, 3, D(260_000), D(900)),
        statuses[S.RECOGNISED]: (1, 1, D(1_200_000), D(0)),
        statuses[S.SUBMITTED]: (1, 0, D(0), D(0)),
        statuses[S.REJECTED]: (1, 0, D(0), D(0)),
        statuses[S.ADOPTED]: (1, 0, D(0), D(0)),
    }


def direct(rows, key):
    """The figures of each group, counted row by row."""
    groups = defaultdict(lambda: [0, 0, D(0), D(0)])
    for r in rows:
        g = groups[key(r)]
        g[0] += 1
        if r.status in (S.VERIFIED, S.RECOGNISED):
            g[1] += 1
            g[2] += r.money_saved or 0
            g[3] += r.hours_saved or 0
    return {k: tuple(v) for k, v in groups.items()}


def series_id(r):
    if r.competition_id:
        return r.competition.series_id
    industry = r.enterprise.industry
    return industry.series_id if industry else None


def by_key(rows):
    return {row.key: (row.count, row.verified, row.money, row.hours) for row in rows}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"year": "2026"},
        {"year": "2025"},
        {"kind": "method"},
        {"status": "verified"},
        {"enterprise": "甲芯片"},
        {"industry": "chips"},
        {"series": "hard-core-industries"},
        {"series": "city-digital-transformation"},
        {"year": "2026", "kind": "achievement", "industry": "chips"},
    ],
)
def test_figures_equal_direct_counts(results, params):
    query = dict(params)
    if "industry" in query:
        query["industry"] = str(Industry.objects.get(code=query["industry"]).pk)
    if "series" in query:
        query["series"] = str(Series.objects.get(code=query["series"]).pk)
    filtered = filter_results(InnovationResult.objects.all(), Filters.from_query(query))
    stats = statistics(filtered)

    everything = list(
        InnovationResult.objects.select_related(
            "year", "enterprise__industry", "competition"
        ).order_by("id")
    )

    def keep(r):
        return (
            (not params.get("year") or r.year.year == int(params["year"]))
            and (not params.get("kind") or r.kind == params["kind"])
            and (not params.get("status") or r.status == params["status"])
            and (not params.get("enterprise") or params["enterprise"] in r.enterprise.name)
            and (not params.get("industry") or r.enterprise.industry_id == int(query["industry"]))
            and (not params.get("series") or series_id(r) == int(query["series"]))
        )

    rows = [r for r in everything if keep(r)]
    assert rows, "each filter keeps some results"
    assert (stats.total.count, stats.total.verified, stats.total.money, stats.total.hours) == (
        direct(rows, lambda r: None).get(None, (0, 0, D(0), D(0)))
    )
    assert by_key(stats.by_kind) == direct(rows, lambda r: r.kind)
    assert by_key(stats.by_year) == direct(rows, lambda r: r.year.year)
    assert by_key(stats.by_enterprise) == direct(rows, lambda r: r.enterprise_id)
    assert by_key(stats.by_industry) == direct(rows, lambda r: r.enterprise.industry_id)
    assert by_key(stats.by_series) == direct(rows, series_id)
    assert by_key(stats.by_tier) == direct(rows, lambda r: r.reward_band_id)
    assert by_key(stats.by_status) == direct(rows, lambda r: r.status)
    assert filtered.count() == len(rows)


def test_enterprises_are_the_top_n(results, ours):
    stats = statistics(InnovationResult.objects.all(), top=1)
    assert [(r.label, r.count) for r in stats.by_enterprise] == [(ours.name, 4)]


def test_stats_are_aggregate_queries(results, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        statistics(InnovationResult.objects.all())


def test_malformed_filters_are_ignored():
    filters = Filters.from_query({"year": "20x6", "kind": "poem", "status": "lost", "series": "-1"})
    assert filters == Filters()
