"""A labour league at scale (issue 5): 5,000 participants × 12 periods × 10 indicators × 3 checks.

Usage: python benchmarks/bench_labour.py [--participants 5000] [--repeat 3] [--no-write]
Runs against a migrated database (benchmarks/bench.py fills one; on an empty one
the Pudong preset and a few hundred builder enterprises are added first). It
loads one labour competition with 5 blocks, 10 indicators, 12 confirmed monthly
periods and, per participant and period, one self-check, one mutual check and one
spot check, all submitted (180,000 checks, 1,800,000 marks at the default scale),
plus some bonuses (capped) and vetoes, written through the bare driver (COPY on
PostgreSQL); loading is reported, not a target. Then it times, median of
``--repeat`` runs:

- ``tallies``: :func:`jingsai.labour.domain.tallies.refresh_league`, the kind
  tallies built from the marks;
- ``results``: :func:`jingsai.labour.domain.compute.league_results`, all 12
  period rankings (overall and per block), red flags and the cumulative
  standings after each period — the figure with the ≤ 3 s aim;
- ``store``: :func:`jingsai.labour.domain.compute.store` of those results;
- ``sql``: one hand-written SQL query doing the period aggregation from the raw
  marks (mean per indicator ÷ maximum × weight summed per kind; kinds weighted;
  capped bonuses; vetoes; ``RANK()`` per period and per period and block) — the
  yardstick; ratios ``results / sql`` and ``(tallies + results) / sql``.

It checks that the fast results equal the reference
(:mod:`jingsai.labour.domain.assessment`) for a sample of participants and that
one period's top ten equals the SQL query's within 0.01.

Figures are merged into benchmarks/results.json under results[vendor]["labour"].
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from decimal import Decimal

import bench  # benchmarks/bench.py: django.setup(), log, results files
from bench_judging import _copy_or_insert, _next_id, _reset_sequences
from django.db import connection, transaction
from django.utils import timezone

from jingsai.catalogue.models import ProgrammeYear, Series
from jingsai.competitions.models import Competition, Entry
from jingsai.labour.domain import assessment, compute, tallies
from jingsai.labour.models import (
    MARK_SCALE,
    Assessor,
    Block,
    Bonus,
    BonusItem,
    Check,
    CheckMark,
    Indicator,
    League,
    Participant,
    Period,
    Veto,
    VetoItem,
)
from jingsai.organisations.models import Organisation
from jingsai.people.models import Role, RoleGrant, User
from jingsai.presets import demo, pudong

TARGET_SECONDS = 3.0
PERIODS = 12
INDICATORS = [
    ("safety", "安全", 15), ("quality", "质量", 15), ("progress", "进度", 10),
    ("civilised", "文明施工", 10), ("innovation", "技术创新", 10), ("energy", "节能降耗", 10),
    ("environment", "环境保护", 10), ("health", "职业健康", 5), ("team", "班组建设", 10),
    ("culture", "劳动竞赛氛围", 5),
]  # fmt: skip
BLOCKS = ["前滩", "张江", "金桥", "世博", "临港"]
KINDS = ("self", "mutual", "spot")
MUTUAL_ASSESSORS = 40
SPOT_ASSESSORS = 10
BONUS_SHARE = 0.03  # of participant-periods with a bonus
VETO_SHARE = 0.002
log = bench.log


def _ensure_world(rng: random.Random) -> list[int]:
    """The preset and builder enterprises (when the database is fresh); enterprise ids."""
    if not ProgrammeYear.objects.exists():
        pudong.apply(year=2026)
    if Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).count() < 100:
        demo.ensure_other_organisations()
        demo.create_enterprises(rng, 300)
    return list(
        Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).values_list("pk", flat=True)
    )


def load(participants: int, rng: random.Random) -> League:
    enterprise_ids = _ensure_world(rng)
    union = Organisation.objects.filter(kind=Organisation.Kind.UNION).first()
    year = ProgrammeYear.objects.order_by("-year").first()
    competition = Competition.objects.create(
        year=year,
        code=f"bench-labour-{int(time.time())}",
        title="基准：重大工程劳动竞赛",
        series=Series.objects.filter(code="golden-middle-ring").first()
        or Series.objects.order_by("order").first(),
        organiser=union,
        kind=Competition.Kind.LABOUR,
        participants=Competition.Participants.PROJECT_SITES,
        status=Competition.Status.JUDGING,
    )
    league = League.objects.create(competition=competition, bonus_cap=Decimal(5), flags_per_block=3)
    indicators = [
        Indicator.objects.create(
            league=league, code=code, name=name, maximum=100, weight=weight, order=order
        )
        for order, (code, name, weight) in enumerate(INDICATORS, start=1)
    ]
    bonus_items = [
        BonusItem.objects.create(league=league, code="award", name="获奖", cap=Decimal(3)),
        BonusItem.objects.create(
            league=league, code="adopted", name="创新成果采纳", cap=Decimal(2)
        ),
    ]
    veto_item = VetoItem.objects.create(league=league, code="accident", name="重大安全事故")
    blocks = [
        Block.objects.create(league=league, name=name, order=order)
        for order, name in enumerate(BLOCKS, start=1)
    ]
    periods = []
    for month in range(1, PERIODS + 1):
        first = dt.date(year.year, month, 1)
        last = dt.date(year.year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
        periods.append(
            Period.objects.create(
                league=league,
                code=f"{year.year}-{month:02d}",
                name=f"{year.year}年{month}月",
                starts_on=first,
                ends_on=last,
                status=Period.Status.CONFIRMED,
                confirmed_at=timezone.now(),
            )
        )
    # the assessors come from a works-inspection body, so no conflict stops them
    inspectorate = Organisation.objects.create(
        name=f"基准考核组{competition.pk}", kind=Organisation.Kind.SERVICE_BODY
    )
    assessors = {"mutual": [], "spot": []}
    for kind, count in (("mutual", MUTUAL_ASSESSORS), ("spot", SPOT_ASSESSORS)):
        for n in range(count):
            user = User.objects.create_user(
                f"bench_assessor_{competition.pk}_{kind}_{n}", password=None
            )
            RoleGrant.objects.create(user=user, role=Role.JUDGE, organisation=inspectorate)
            assessors[kind].append(
                Assessor.objects.create(
                    league=league,
                    user=user,
                    name=f"{kind}{n}",
                    kind=kind,
                    organisation=inspectorate,
                ).pk
            )

    now = timezone.now()
    started = time.perf_counter()
    connection.ensure_connection()
    with transaction.atomic():
        first_entry = _next_id(Entry)
        site_enterprise = [rng.choice(enterprise_ids) for _ in range(participants)]
        _copy_or_insert(
            Entry._meta.db_table,
            ["id", "competition_id", "enterprise_id", "team_name", "project_name", "status",
             "number", "return_field", "return_comment", "created_at", "updated_at"],
            (
                (first_entry + i, competition.pk, site_enterprise[i], "", f"基准项目{i + 1:05d}",
                 "approved", f"L{i + 1:05d}", "", "", now, now)
                for i in range(participants)
            ),
        )  # fmt: skip
        first_site = _next_id(Participant)
        _copy_or_insert(
            Participant._meta.db_table,
            ["id", "league_id", "entry_id", "name", "block_id", "enterprise_id", "address",
             "manager", "description"],
            (
                (first_site + i, league.pk, first_entry + i, f"基准项目{i + 1:05d}",
                 blocks[i % len(blocks)].pk, site_enterprise[i], "", "", "")
                for i in range(participants)
            ),
        )  # fmt: skip
        first_check = _next_id(Check)
        mutual, spot = assessors["mutual"], assessors["spot"]
        check_rows = []
        n = first_check
        for i in range(participants):
            for period in periods:
                day = period.starts_on + dt.timedelta(days=rng.randrange(20))
                for kind in KINDS:
                    assessor = (
                        None if kind == "self" else rng.choice(mutual if kind == "mutual" else spot)
                    )
                    check_rows.append(
                        (n, now, now, period.pk, first_site + i, kind, assessor, "submitted",
                         "web", day, "", now)
                    )  # fmt: skip
                    n += 1
        _copy_or_insert(
            Check._meta.db_table,
            ["id", "created_at", "updated_at", "period_id", "participant_id", "kind",
             "assessor_id", "status", "source", "checked_on", "note", "submitted_at"],
            check_rows,
        )  # fmt: skip
        del check_rows
        first_mark = _next_id(CheckMark)
        indicator_ids = [i.pk for i in indicators]

        def marks():
            mark_id = first_mark
            check_id = first_check
            for _i in range(participants):
                quality = rng.uniform(70, 95)
                for _p in range(PERIODS):
                    trend = quality + rng.uniform(-4, 4)
                    for kind in KINDS:
                        lift = 3 if kind == "self" else 0  # self-checks run a little high
                        for indicator_id in indicator_ids:
                            halves = int(2 * (trend + lift + rng.uniform(-6, 6)))
                            units = min(200, max(0, halves)) * MARK_SCALE // 2
                            yield (mark_id, check_id, indicator_id, units)
                            mark_id += 1
                        check_id += 1

        _copy_or_insert(
            CheckMark._meta.db_table, ["id", "check_ref_id", "indicator_id", "units"], marks()
        )
        pairs = [(p.pk, first_site + i) for i in range(participants) for p in periods]
        rng.shuffle(pairs)
        bonus_count = int(len(pairs) * BONUS_SHARE)
        veto_count = max(1, int(len(pairs) * VETO_SHARE))
        first_bonus = _next_id(Bonus)
        bonus_rows = []
        for period_id, site in pairs[:bonus_count]:
            for item in rng.sample(bonus_items, rng.randint(1, 2)):
                points = Decimal(rng.choice(["1", "2", "2.5", "3", "4"]))
                bonus_rows.append(
                    (first_bonus + len(bonus_rows), period_id, site, item.pk, points, "获奖")
                )
        _copy_or_insert(
            Bonus._meta.db_table,
            ["id", "period_id", "participant_id", "item_id", "points", "reason"],
            bonus_rows,
        )
        first_veto = _next_id(Veto)
        _copy_or_insert(
            Veto._meta.db_table,
            ["id", "period_id", "participant_id", "item_id", "reason"],
            (
                (first_veto + k, period_id, site, veto_item.pk, "高处坠落事故")
                for k, (period_id, site) in enumerate(pairs[bonus_count : bonus_count + veto_count])
            ),
        )
        _reset_sequences(Entry, Participant, Check, CheckMark, Bonus, Veto)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    checks = participants * PERIODS * len(KINDS)
    log(
        f"  loaded {participants:,} participants, {checks:,} checks, "
        f"{checks * len(INDICATORS):,} marks, {len(bonus_rows):,} bonuses, {veto_count} vetoes "
        f"in {time.perf_counter() - started:.1f} s"
    )
    league.load_seconds = time.perf_counter() - started
    league.bonus_rows, league.veto_rows = len(bonus_rows), veto_count
    return league


def sql_ranking(league: League) -> list[tuple]:
    """The yardstick: one hand-written query from the raw marks (floating point).

    Rows (period id, participant id, block id, score, rank, rank in block)."""
    mark, check = CheckMark._meta.db_table, Check._meta.db_table
    indicator, period = Indicator._meta.db_table, Period._meta.db_table
    participant, bonus = Participant._meta.db_table, Bonus._meta.db_table
    bonus_item, veto, lg = BonusItem._meta.db_table, Veto._meta.db_table, League._meta.db_table
    sql = f"""
        WITH per_indicator AS (
          SELECT c.period_id, c.participant_id, c.kind, m.indicator_id,
                 AVG(m.units * 1.0) AS mean
          FROM {mark} m JOIN {check} c ON c.id = m.check_ref_id
          JOIN {period} p ON p.id = c.period_id
          WHERE p.league_id = %s AND p.status <> 'open' AND c.status = 'submitted'
          GROUP BY c.period_id, c.participant_id, c.kind, m.indicator_id
        ), per_kind AS (
          SELECT pi.period_id, pi.participant_id, pi.kind,
                 SUM(pi.mean / {MARK_SCALE} / i.maximum * i.weight) AS score
          FROM per_indicator pi JOIN {indicator} i ON i.id = pi.indicator_id
          GROUP BY pi.period_id, pi.participant_id, pi.kind
        ), weighted AS (
          SELECT k.period_id, k.participant_id, k.score,
                 CASE k.kind WHEN 'self' THEN l.self_weight WHEN 'mutual' THEN l.mutual_weight
                      ELSE l.spot_weight END * 1.0 AS weight,
                 l.absent_kind
          FROM per_kind k JOIN {lg} l ON l.competition_id = %s
        ), base AS (
          SELECT period_id, participant_id,
                 SUM(score * weight) / CASE WHEN MAX(absent_kind) = 'leave_out'
                     THEN NULLIF(SUM(weight), 0) ELSE 100 END AS base
          FROM weighted GROUP BY period_id, participant_id
        ), per_item AS (
          SELECT b.period_id, b.participant_id,
                 CASE WHEN bi.cap IS NOT NULL AND b.points > bi.cap THEN bi.cap
                      ELSE b.points END * 1.0 AS points
          FROM {bonus} b JOIN {bonus_item} bi ON bi.id = b.item_id
          JOIN {period} p ON p.id = b.period_id
          WHERE p.league_id = %s AND p.status <> 'open'
        ), bonuses AS (
          SELECT pi.period_id, pi.participant_id,
                 CASE WHEN MAX(l.bonus_cap) IS NOT NULL AND SUM(pi.points) > MAX(l.bonus_cap)
                      THEN MAX(l.bonus_cap) * 1.0 ELSE SUM(pi.points) END AS points
          FROM per_item pi JOIN {lg} l ON l.competition_id = %s
          GROUP BY pi.period_id, pi.participant_id
        ), scored AS (
          SELECT b.period_id, b.participant_id, s.block_id,
                 CASE WHEN v.id IS NOT NULL THEN 0
                      ELSE COALESCE(b.base, 0) + COALESCE(bo.points, 0) END AS score
          FROM base b
          JOIN {participant} s ON s.id = b.participant_id
          LEFT JOIN bonuses bo
            ON bo.period_id = b.period_id AND bo.participant_id = b.participant_id
          LEFT JOIN {veto} v ON v.period_id = b.period_id AND v.participant_id = b.participant_id
        )
        SELECT period_id, participant_id, block_id, score,
               RANK() OVER (PARTITION BY period_id ORDER BY ROUND(score, 2) DESC) AS rank,
               RANK() OVER (PARTITION BY period_id, block_id ORDER BY ROUND(score, 2) DESC)
                 AS block_rank
        FROM scored ORDER BY period_id, rank, participant_id
    """  # noqa: S608
    pk = league.pk
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk, pk, pk, pk])
        return cursor.fetchall()


def timed(repeat: int, fn):
    """Median seconds of ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, result


def verify(league: League, results: compute.LeagueResults, sql_rows: list[tuple], rng) -> int:
    """The fast results against the reference for a sample, and against the SQL top ten."""
    scheme = compute.scheme_of(league)
    codes = dict(Indicator.objects.filter(league=league).values_list("pk", "code"))
    bonus_codes = dict(BonusItem.objects.filter(league=league).values_list("pk", "code"))
    vetoed = set(
        Veto.objects.filter(period__league=league).values_list("period_id", "participant_id")
    )
    sample_period = results.periods[len(results.periods) // 2]
    scored = {s.participant: s for s in results.scores[sample_period.pk]}
    sample = rng.sample(sorted(scored), 8)
    sample += [p for period_id, p in vetoed if period_id == sample_period.pk and p in scored][:2]
    sample += list(
        Bonus.objects.filter(period=sample_period).values_list("participant_id", flat=True)[:3]
    )
    for participant in sample:
        checks: dict[int, tuple[str, dict]] = {}
        for check_id, kind, indicator_id, units in CheckMark.objects.filter(
            check_ref__period=sample_period, check_ref__participant_id=participant
        ).values_list("check_ref_id", "check_ref__kind", "indicator_id", "units"):
            checks.setdefault(check_id, (kind, {}))[1][codes[indicator_id]] = (
                Decimal(units) / MARK_SCALE
            )
        bonuses = {
            bonus_codes[item]: points
            for item, points in Bonus.objects.filter(
                period=sample_period, participant_id=participant
            ).values_list("item_id", "points")
        }
        (expected,) = assessment.period(
            scheme,
            [
                assessment.PeriodInput(
                    str(participant),
                    "b",
                    [assessment.Check(kind, marks) for kind, marks in checks.values()],
                    bonuses,
                    "veto" if (sample_period.pk, participant) in vetoed else "",
                )
            ],
        )
        got = scored[participant]
        if Decimal(got.score) / 100 != expected.score or got.vetoed != expected.vetoed:
            sys.exit(f"participant {participant}: fast {got.score / 100} ≠ reference {expected}")
    fast_top = [(s.participant, s.score) for s in results.scores[sample_period.pk][:10]]
    sql_top = [(row[1], row[3]) for row in sql_rows if row[0] == sample_period.pk][:10]
    for (_, fast_score), (_, sql_score) in zip(fast_top, sql_top, strict=True):
        if abs(fast_score / 100 - float(sql_score)) > 0.01:
            sys.exit(f"top ten differ: fast {fast_top} vs SQL {sql_top}")
    # the same participants (ties at the tenth place may order differently)
    if {p for p, _ in fast_top} != {p for p, _ in sql_top} and fast_top[-1][1] != fast_top[-2][1]:
        sys.exit(f"top ten differ: fast {fast_top} vs SQL {sql_top}")
    sql_flags = sum(
        1 for row in sql_rows if row[5] <= league.flags_per_block and (row[0], row[1]) not in vetoed
    )
    fast_flags = sum(s.flag for items in results.scores.values() for s in items)
    log(f"  checked: {len(sample)} participants equal the reference; top ten equals the SQL's; "
        f"flags fast {fast_flags}, SQL {sql_flags}")  # fmt: skip
    return fast_flags


def measure(participants: int, repeat: int) -> dict:
    rng = random.Random(20261126)
    league = load(participants, rng)
    load_seconds = league.load_seconds
    bonus_rows, veto_rows = league.bonus_rows, league.veto_rows
    league = League.objects.get(pk=league.pk)

    def refresh():
        with transaction.atomic():
            tallies.refresh_league(league)

    tally_seconds, tally_runs, _ = timed(repeat, refresh)
    log(f"  (a) tallies from the marks: {tally_seconds:.2f} s (runs {_runs(tally_runs)})")
    results_seconds, results_runs, results = timed(repeat, lambda: compute.league_results(league))
    log(
        f"  (b) period rankings, flags and standings: {results_seconds:.2f} s "
        f"(runs {_runs(results_runs)})"
    )

    def store():
        compute.store(league, results)

    store_seconds, store_runs, _ = timed(repeat, store)
    log(f"  (c) store: {store_seconds:.2f} s (runs {_runs(store_runs)})")
    sql_seconds, sql_runs, sql_rows = timed(repeat, lambda: sql_ranking(league))
    log(
        f"  (d) one hand-written SQL query: {sql_seconds:.2f} s ({len(sql_rows):,} rows; "
        f"runs {_runs(sql_runs)})"
    )
    flags = verify(league, results, sql_rows, rng)
    ratio = results_seconds / sql_seconds
    ratio_with_tallies = (tally_seconds + results_seconds) / sql_seconds
    log(f"  (b)/(d) = {ratio:.2f}; ((a)+(b))/(d) = {ratio_with_tallies:.2f}")
    checks = participants * PERIODS * len(KINDS)
    return {
        "participants": participants,
        "periods": PERIODS,
        "indicators": len(INDICATORS),
        "blocks": len(BLOCKS),
        "checks": checks,
        "marks": checks * len(INDICATORS),
        "bonuses": bonus_rows,
        "vetoes": veto_rows,
        "flags": flags,
        "repeat": repeat,
        "load_seconds": round(load_seconds, 1),
        "tallies_seconds": round(tally_seconds, 2),
        "results_seconds": round(results_seconds, 2),
        "results_seconds_target": TARGET_SECONDS,
        "store_seconds": round(store_seconds, 2),
        "sql_seconds": round(sql_seconds, 2),
        "ratio_to_sql": round(ratio, 2),
        "ratio_with_tallies_to_sql": round(ratio_with_tallies, 2),
    }


def _runs(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only; keep results.json")
    args = parser.parse_args()
    vendor = connection.vendor
    log(
        f"== {vendor}: labour league of {args.participants:,} participants × {PERIODS} periods "
        f"× {len(INDICATORS)} indicators × {len(KINDS)} checks"
    )
    figures = measure(args.participants, args.repeat)
    if args.no_write:
        print(json.dumps(figures, indent=2))
        return
    results = json.loads(bench.RESULTS.read_text()) if bench.RESULTS.exists() else {}
    if vendor not in results:
        sys.exit(f"no {vendor} figures in {bench.RESULTS}: run benchmarks/bench.py first")
    results[vendor]["labour"] = figures
    bench.RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    bench.render(results)


if __name__ == "__main__":
    main()
