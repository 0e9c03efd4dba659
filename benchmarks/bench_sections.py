"""Benchmark of the dashboard's other sections at Pudong scale (issue 8): top enterprises,
the medal table, labour red flags, certificates and skill levels, training, innovation
results and the 830 round (``jingsai.dashboards.domain.sections.ALL``).

Usage: python benchmarks/bench_sections.py [--runs 50] [--published 20] [--certified 一等奖]
       [--courses 200] [--sessions 6] [--seats 30] [--reuse] [--no-write]

The database comes from DATABASE_URL (SQLite under JINGSAI_DATA_DIR when unset) and must
hold the participation benchmark's data (``bench_dashboard.py``: 10,000 enterprises,
1,000,000 workers, 2,000,000 entries in 2026). What the other sections count is added
once, through the bare driver, when the year has no results yet:

- ``--published`` competitions of 2026 published, with a result for every approved entry
  (about 18,000 each: 360,000 results) and awards 一等奖 10 %, 二等奖 20 %, 三等奖 30 %,
  优秀奖 10 %; a certificate for each ``--certified`` award (2 % revoked) and a
  skill-level upgrade for each first prize (36,000 of each by default);
- two labour competitions of 2,500 project sites in 5 blocks, 12 monthly periods
  (10 published, 3 red flags per block and period): 60,000 period scores;
- ``--courses`` × ``--sessions`` sessions of ``--seats`` workers (36,000 attendances);
- 20,000 innovation results; the 830 round with 2,000 nominations.

The medal and top-enterprise summaries are then rebuilt (timed), the planner statistics
refreshed (``VACUUM ANALYZE`` on PostgreSQL, as autovacuum keeps them), and every section
is timed for ``--runs`` random filter combinations for the whole programme, a
co-organiser's five competitions and an officer's enterprise; with the participation
section too when :mod:`jingsai.dashboards.domain.registry` is there (the whole dashboard's
data). Also timed: the publication hook (a competition of 18,000 results re-opened and
published again), the top-enterprise refresh of one enterprise, and the hooks that keep
the per-competition and worker facts in step (a certificate issued or revoked, a session's
attendance saved, a worker's employer changed, an enterprise's industry changed).

The certificates, skill-level records and attendances are loaded behind the services, so
their facts are rebuilt from scratch (timed), and so are the per-competition facts when
the participation benchmark ran before they existed. The figures are merged into
benchmarks/results.json under results[vendor]["sections"] and rendered into
benchmarks/results.md (``--no-write``: printed only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingsai.settings_test")

import django

django.setup()

import bench  # benchmarks/bench.py: the results files
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from jingsai.catalogue.models import Brand, Industry, ProgrammeYear, Series, Zone
from jingsai.certification.models import Certificate
from jingsai.competitions.domain.services import create_competition
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.dashboards.domain import (
    competition_facts,
    enterprise_tally,
    medals,
    participation,
    participation_section,
    sections,
    worker_facts,
)
from jingsai.dashboards.domain.base import Filters, Scope
from jingsai.dashboards.models import (
    AttendanceFact,
    AwardTally,
    CertificateFact,
    CompetitionWorker,
    EnterpriseTally,
    MedalCell,
)
from jingsai.honours.domain import rounds
from jingsai.honours.models import Nomination, RoundCategory
from jingsai.innovation.models import InnovationResult, RewardBand
from jingsai.judging.models import Result
from jingsai.labour.models import Block, League, Participant, Period, PeriodScore
from jingsai.organisations.models import Organisation
from jingsai.people.models import Worker
from jingsai.skills.models import SkillRecord
from jingsai.training.models import Attendance, Course, Session

TARGET_P95_MS = 300.0
YEAR = 2026
SITES = 2_500  # per labour competition
BLOCKS = ("前滩", "张江", "金桥", "陆家嘴", "临港")
PERIODS = 12
INNOVATIONS = 20_000
NOMINATIONS_PER_CATEGORY = 250
AWARD_SHARES = (("一等奖", 0.10), ("二等奖", 0.20), ("三等奖", 0.30), ("优秀奖", 0.10))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def insert(model, columns: list[str], rows) -> int:
    """Rows through the bare driver, the model's other columns at their defaults."""
    given = set(columns)
    constants = {
        f.column: f.get_db_prep_save(f.get_default(), connection)
        for f in model._meta.concrete_fields
        if f.column not in given and not f.primary_key
    }
    names = [*columns, *constants]
    tail = tuple(constants.values())
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *tail))
                    count += 1
        else:
            raw = connection.connection.cursor()
            rows = list(rows)
            raw.executemany(
                f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(names))})",  # noqa: S608
                ((*row, *tail) for row in rows),
            )
            count = len(rows)
    return count


def stamp(moment):
    """A datetime as the bare driver stores it."""
    return moment.replace(tzinfo=None).isoformat(" ") if connection.vendor == "sqlite" else moment


def day(value: dt.date):
    return value.isoformat() if connection.vendor == "sqlite" else value


# --- the data ---------------------------------------------------------------------------


def load(year: ProgrammeYear, args, rng: random.Random) -> dict:
    published, certified = args.published, set(args.certified.split(","))
    courses_n, sessions_n, seats_n = args.courses, args.sessions, args.seats
    union = Organisation.objects.filter(kind=Organisation.Kind.UNION).first()
    now = timezone.now()
    made: dict[str, int] = {}
    chosen = list(
        Competition.objects.filter(year=year, kind=Competition.Kind.SKILL)
        .annotate(n=Count("entries"))
        .filter(n__gt=0)
        .order_by("pk")
        .values_list("pk", flat=True)[:published]
    )
    start = time.perf_counter()
    results = certificates = upgrades = 0
    for competition in chosen:
        rows = list(
            Entry.objects.filter(competition_id=competition, status="approved")
            .order_by()
            .values_list("pk", "members__worker_id")
        )
        rng.shuffle(rows)
        totals = sorted((Decimal(rng.randrange(4000, 10000)) / 100 for _r in rows), reverse=True)
        bounds, cumulative = [], 0.0
        for award, share in AWARD_SHARES:
            cumulative += share
            bounds.append((round(cumulative * len(rows)), award))
        result_rows, cert_rows, record_rows = [], [], []
        rank = 0
        for position, ((entry, worker), total) in enumerate(zip(rows, totals, strict=True), 1):
            if position == 1 or total != totals[position - 2]:
                rank = position
            award = next((a for bound, a in bounds if rank <= bound), "")
            result_rows.append((competition, entry, rank, total, "{}", award, "", position))
            if award in certified and worker:
                revoked = rng.random() < 0.02
                number = f"B{competition}-{entry}"
                cert_rows.append(
                    (
                        number, competition, entry, worker, f"{award}证书", award, total, rank,
                        2 if award == "一等奖" else None, day(now.date()), union.pk,
                        "revoked" if revoked else "valid", stamp(now) if revoked else None, "",
                        False, award, stamp(now),
                    )
                )  # fmt: skip
                if award == "一等奖" and not revoked:
                    record_rows.append(
                        (worker, 2, "", day(now.date()), "competition", number, competition, number,
                         stamp(now))
                    )  # fmt: skip
        with transaction.atomic():
            results += insert(
                Result,
                ["competition_id", "entry_id", "rank", "total", "stage_scores", "award",
                 "flags", "position"],
                result_rows,
            )  # fmt: skip
            certificates += insert(
                Certificate,
                ["number", "competition_id", "entry_id", "worker_id", "title", "award", "total",
                 "rank", "level", "issued_on", "issuer_id", "status", "revoked_at",
                 "revoke_reason", "revoked_by_hand", "basis", "created_at"],
                cert_rows,
            )  # fmt: skip
            upgrades += insert(
                SkillRecord,
                ["worker_id", "level", "trade", "awarded_on", "source", "evidence",
                 "competition_id", "certificate_number", "recorded_at"],
                record_rows,
            )  # fmt: skip
    Competition.objects.filter(pk__in=chosen).update(status=Competition.Status.PUBLISHED)
    made.update(results=results, certificates=certificates, upgrades=upgrades)
    log(f"  results and certificates: {time.perf_counter() - start:.0f} s, {made}")

    # labour competitions: project sites of enterprises, 12 periods of scores
    start = time.perf_counter()
    enterprises = list(
        Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).values_list("pk", "zone_id")
    )
    ring = Series.objects.get(code="golden-middle-ring")
    scores = 0
    for n in range(2):
        competition = create_competition(
            actor=None, year=year, title=f"金色中环劳动竞赛{n + 1}", series=ring, organiser=union,
            kind=Competition.Kind.LABOUR, participants=Competition.Participants.PROJECT_SITES,
        )  # fmt: skip
        Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.JUDGING)
        league = League.objects.create(competition=competition, flags_per_block=3)
        blocks = [
            Block.objects.create(league=league, name=name, order=order)
            for order, name in enumerate(BLOCKS)
        ]
        sites = rng.sample(enterprises, SITES)
        first = (Entry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        insert(
            Entry,
            ["id", "competition_id", "enterprise_id", "zone_id", "status", "project_name",
             "created_at", "updated_at"],
            [(first + i, competition.pk, e, z, "approved", f"项目{i}", stamp(now), stamp(now))
             for i, (e, z) in enumerate(sites)],
        )  # fmt: skip
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                    [Entry._meta.db_table, first + len(sites)],
                )
        insert(
            Participant,
            ["league_id", "entry_id", "name", "block_id", "enterprise_id", "address", "manager",
             "description"],
            [(league.pk, first + i, f"项目{i}", blocks[i % len(blocks)].pk, e, "", "", "")
             for i, (e, _z) in enumerate(sites)],
        )  # fmt: skip
        participants = list(Participant.objects.filter(league=league).values_list("pk", "block_id"))
        for month in range(1, PERIODS + 1):
            period = Period.objects.create(
                league=league, code=f"{YEAR}-{month:02d}", name=f"{month}月",
                starts_on=dt.date(YEAR, month, 1), ends_on=dt.date(YEAR, month, 28),
                status="published" if month <= 10 else "confirmed",
            )  # fmt: skip
            ranked = sorted(participants, key=lambda _p: rng.random())
            per_block: dict[int, int] = {}
            rows = []
            for rank, (participant, block) in enumerate(ranked, start=1):
                per_block[block] = per_block.get(block, 0) + 1
                vetoed = rng.random() < 0.01
                score = Decimal(10000 - rank) / 100
                rows.append((period.pk, participant, score, 0, score, vetoed, rank,
                             per_block[block], per_block[block] <= 3 and not vetoed))  # fmt: skip
            scores += insert(
                PeriodScore,
                ["period_id", "participant_id", "base", "bonus", "score", "vetoed", "rank",
                 "block_rank", "flag"],
                rows,
            )  # fmt: skip
    made["period_scores"] = scores
    log(f"  labour: {time.perf_counter() - start:.0f} s")

    # training
    start = time.perf_counter()
    training = Organisation.objects.filter(kind=Organisation.Kind.TRAINING_BODY).first() or union
    workers = list(Worker.objects.order_by("?").values_list("pk", flat=True)[:200_000])
    courses = [
        Course(title=f"课程{i}", year=YEAR, organiser=training,
               competition_id=chosen[i % len(chosen)] if i % 2 else None)
        for i in range(courses_n)
    ]  # fmt: skip
    Course.objects.bulk_create(courses, batch_size=1000)
    sessions = [
        Session(course=c, date=dt.date(YEAR, 1 + (i % 11), 1 + i), starts_at=dt.time(9),
                ends_at=dt.time(12), hours=Decimal("3.0"))
        for c in courses for i in range(sessions_n)
    ]  # fmt: skip
    Session.objects.bulk_create(sessions, batch_size=1000)
    rows = []
    for index, session in enumerate(sessions):
        course_index = index // sessions_n
        begin = (course_index * seats_n) % (len(workers) - seats_n)
        seats = workers[begin : begin + seats_n]
        for worker in seats:
            present = rng.random() < 0.85
            rows.append((session.pk, worker, present, Decimal("3.0") if present else 0, "web",
                         stamp(now)))  # fmt: skip
    made["attendances"] = insert(
        Attendance, ["session_id", "worker_id", "present", "hours", "source", "recorded_at"], rows
    )
    log(f"  training: {time.perf_counter() - start:.0f} s")

    # innovation results
    start = time.perf_counter()
    bands = [
        RewardBand.objects.create(name=name, min_money=money, order=order)
        for order, (name, money) in enumerate(
            (("一等", Decimal(1_000_000)), ("二等", Decimal(100_000)), ("三等", Decimal(1000))), 1
        )
    ]
    statuses = list(InnovationResult.Status.values)
    rows = []
    for i in range(INNOVATIONS):
        status = rng.choice(statuses)
        verified = status in ("verified", "recognised")
        money = Decimal(rng.randrange(1000, 2_000_000)) if verified else None
        band = next((b.pk for b in bands if money is not None and money >= b.min_money), None)
        enterprise = enterprises[rng.randrange(len(enterprises))][0]
        rows.append((rng.choice(InnovationResult.Kind.values), f"成果{i}", year.pk, enterprise,
                     rng.choice(chosen) if i % 3 == 0 else None, "说明", status, money,
                     Decimal(rng.randrange(10, 5000)) if verified else None, band,
                     stamp(now), stamp(now)))  # fmt: skip
    made["innovations"] = insert(
        InnovationResult,
        ["kind", "title", "year_id", "enterprise_id", "competition_id", "description", "status",
         "money_saved", "hours_saved", "reward_band_id", "created_at", "updated_at"],
        rows,
    )  # fmt: skip
    log(f"  innovation: {time.perf_counter() - start:.0f} s")

    # the 830 round
    round_ = rounds.ensure_round(actor=None, year=year)
    innovations = list(
        InnovationResult.objects.filter(year=year).values_list("pk", "enterprise_id")[:5000]
    )
    rows = []
    for rc in RoundCategory.objects.filter(round=round_).select_related("category"):
        people = rng.sample(workers, NOMINATIONS_PER_CATEGORY)
        for i in range(NOMINATIONS_PER_CATEGORY):
            kind = rc.category.kind
            worker = innovation = organisation = None
            if kind == "people":
                worker = people[i]
            elif kind == "results":
                innovation = innovations[(rc.pk * NOMINATIONS_PER_CATEGORY + i) % len(innovations)][
                    0
                ]
            else:
                organisation = enterprises[
                    (rc.pk * NOMINATIONS_PER_CATEGORY + i) % len(enterprises)
                ][0]
            rows.append((rc.pk, worker, innovation, organisation, union.pk, "事迹",
                         rng.choice(("submitted", "submitted", "withdrawn", "honoured")),
                         rng.random() < 0.8, rng.random() < 0.1, stamp(now), stamp(now)))  # fmt: skip
    made["nominations"] = insert(
        Nomination,
        ["round_category_id", "worker_id", "innovation_id", "organisation_id", "nominator_id",
         "narrative", "status", "eligible", "proposed", "created_at", "updated_at"],
        rows,
    )  # fmt: skip
    return made


# --- measuring --------------------------------------------------------------------------


def percentile(times: list[float], share: float) -> float:
    times = sorted(times)
    return round(times[max(0, int(share * len(times) + 0.999999) - 1)], 1)


def timed(function, *args) -> tuple[float, object]:
    start = time.perf_counter()
    value = function(*args)
    return (time.perf_counter() - start) * 1000, value


def measure(year: ProgrammeYear, runs: int, rng: random.Random) -> dict:
    series = list(Series.objects.values_list("pk", flat=True))
    brands = list(Brand.objects.values_list("pk", flat=True))
    industries = list(Industry.objects.values_list("pk", flat=True))
    zones = list(Zone.objects.values_list("pk", flat=True))

    def maybe(values):
        return rng.choice(values) if rng.random() < 0.5 else None

    combos = [Filters(year=year)] + [
        Filters(year=year, series=maybe(series), brand=maybe(brands),
                industry=maybe(industries), zone=maybe(zones))
        for _ in range(runs - 1)
    ]  # fmt: skip
    published = list(
        Competition.objects.filter(year=year, status="published").values_list("pk", flat=True)
    )
    others = list(
        Competition.objects.filter(year=year)
        .exclude(status="published")
        .values_list("pk", flat=True)
    )
    busiest = (
        EnterpriseTally.objects.filter(year=year, series=0, brand=0)
        .order_by("-entries")
        .values_list("enterprise", flat=True)
        .first()
    )
    scopes = {
        "everything": Scope(),
        "co-organiser (5 competitions)": Scope(
            competition_ids=frozenset(published[:2] + others[:3])
        ),
        "officer (the busiest enterprise)": Scope(enterprise_ids=frozenset({busiest})),
    }
    from jingsai.dashboards.domain import registry

    builders = [("participation", participation_section.build)] + [
        (name_of(build), build) for build in sections.ALL
    ]
    out: dict = {}
    for scope_name, scope in scopes.items():
        for _name, build in builders:  # warm-up
            build(Filters(year=year), scope)
        per_section: dict[str, list[float]] = {name: [] for name, _build in builders}
        totals, whole = [], []
        for filters in combos:
            total = 0.0
            for name, build in builders[1:]:
                ms, _section = timed(build, filters, scope)
                per_section[name].append(ms)
                total += ms
            totals.append(total)
            ms, _section = timed(builders[0][1], filters, scope)
            per_section["participation"].append(ms)
            ms, _all = timed(registry.sections, filters, scope)
            whole.append(ms)
        figures = {
            name: {"p50_ms": percentile(t, 0.5), "p95_ms": percentile(t, 0.95)}
            for name, t in per_section.items()
        }
        figures["all seven sections"] = {
            "p50_ms": percentile(totals, 0.5),
            "p95_ms": percentile(totals, 0.95),
            "max_ms": round(max(totals), 1),
        }
        figures[WHOLE] = {
            "p50_ms": percentile(whole, 0.5),
            "p95_ms": percentile(whole, 0.95),
            "max_ms": round(max(whole), 1),
        }
        out[scope_name] = figures
        log(f"  {scope_name}: sections p50 {figures['all seven sections']['p50_ms']} ms, "
            f"p95 {figures['all seven sections']['p95_ms']} ms; whole dashboard p50 "
            f"{percentile(whole, 0.5)} ms, p95 {percentile(whole, 0.95)} ms")  # fmt: skip
    return out


WHOLE = "whole dashboard (registry.sections, with participation)"


def name_of(build) -> str:
    """A section builder's name: its function's, or its module's for ``medals.section``."""
    return build.__module__.rsplit(".", 1)[-1] if build.__name__ == "section" else build.__name__


def hooks(year: ProgrammeYear) -> dict:
    """The publication hook on a competition of the benchmark's size, and the top-enterprise
    refresh of one enterprise."""
    competition = (
        Competition.objects.filter(year=year, status="published")
        .annotate(n=Count("results"))
        .order_by("-n")
        .first()
    )
    n = Result.objects.filter(competition=competition).count()
    kept = (MedalCell.objects.count(), AwardTally.objects.count())
    with transaction.atomic():
        Competition.objects.filter(pk=competition.pk).update(status="judging")
        reopen, _v = timed(medals.refresh, [competition.pk])
        Competition.objects.filter(pk=competition.pk).update(status="published")
        publish, _v = timed(medals.refresh, [competition.pk])
    assert AwardTally.objects.count() == kept[1]
    busiest = (
        EnterpriseTally.objects.filter(year=year, series=0, brand=0)
        .order_by("-entries")
        .values_list("enterprise", "entries")
        .first()
    )
    typical = (
        EnterpriseTally.objects.filter(year=year, series=0, brand=0)
        .order_by("entries")
        .values_list("enterprise", "entries")[5000]
    )
    with transaction.atomic():
        big, _v = timed(enterprise_tally.refresh, [busiest[0]], [year.pk])
        small, _v = timed(enterprise_tally.refresh, [typical[0]], [year.pk])
    facts = fact_hooks(year)
    return facts | {
        "results_of_the_competition": n,
        "medal_refresh_on_reopen_ms": round(reopen, 1),
        "medal_refresh_on_publish_ms": round(publish, 1),
        "enterprise_refresh_busiest_ms": round(big, 1),
        "enterprise_refresh_busiest_entries": busiest[1],
        "enterprise_refresh_typical_ms": round(small, 1),
        "enterprise_refresh_typical_entries": typical[1],
    }


def fact_hooks(year: ProgrammeYear) -> dict:
    """The per-competition and worker facts' hooks on one certificate, one session, one
    worker and the busiest enterprise (each a median of five calls, in a transaction)."""

    def median(function, *args) -> float:
        times = []
        for _ in range(5):
            with transaction.atomic():
                ms, _v = timed(function, *args)
            times.append(ms)
        return round(sorted(times)[2], 1)

    certificate = CertificateFact.objects.order_by("pk").values_list("pk", flat=True).first()
    session = AttendanceFact.objects.order_by("session_id").values_list("session_id").first()[0]
    present = list(
        AttendanceFact.objects.filter(session_id=session).values_list("worker_id", flat=True)
    )
    worker = CertificateFact.objects.order_by("pk").values_list("worker_id", flat=True).first()
    busiest = (
        EnterpriseTally.objects.filter(year=year, series=0, brand=0)
        .order_by("-entries")
        .values_list("enterprise", flat=True)
        .first()
    )
    employees = list(Worker.objects.filter(employer=busiest).values_list("pk", flat=True))
    return {
        "certificate_hook_ms": median(worker_facts.certificates_changed, [certificate]),
        "attendance_hook_ms": median(worker_facts.attendance_changed, session, present),
        "attendance_hook_workers": len(present),
        "worker_facts_hook_ms": median(worker_facts.workers_changed, [worker]),
        "worker_participation_refresh_ms": median(participation.refresh_workers, [worker]),
        "enterprise_workers_facts_hook_ms": median(worker_facts.workers_changed, employees),
        "enterprise_workers": len(employees),
        "competition_facts_enterprise_refresh_ms": median(
            competition_facts.refresh_enterprises, [busiest]
        ),
    }


def rebuild_facts(year: ProgrammeYear) -> dict:
    """The worker facts of the rows loaded behind the services, and the per-competition
    facts when the year has none yet: from scratch, timed."""
    made: dict = {}
    start = time.perf_counter()
    with transaction.atomic():
        made |= worker_facts.rebuild(year)
    made["worker_facts_rebuild_s"] = round(time.perf_counter() - start, 1)
    if not CompetitionWorker.objects.filter(competition__year=year).exists():
        start = time.perf_counter()
        with transaction.atomic():
            made |= competition_facts.rebuild(year)
        made["competition_facts_rebuild_s"] = round(time.perf_counter() - start, 1)
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50, help="filter combinations timed")
    parser.add_argument("--published", type=int, default=20, help="competitions with results")
    parser.add_argument(
        "--certified", default="一等奖", help="awards that earn a certificate, comma-separated"
    )
    parser.add_argument("--courses", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=6, help="per course")
    parser.add_argument("--seats", type=int, default=30, help="workers per course")
    parser.add_argument("--no-write", action="store_true", help="print only; keep results.json")
    parser.add_argument(
        "--reuse", action="store_true", help="measure again: the summaries are built already"
    )
    args = parser.parse_args()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    year = ProgrammeYear.objects.get(year=YEAR)
    rng = random.Random(88)
    report: dict = {"vendor": connection.vendor}
    if not Result.objects.filter(competition__year=year).exists():
        log("loading results, certificates, labour, training, innovation, 830 …")
        report["loaded"] = load(year, args, rng)
    if not args.reuse:
        start = time.perf_counter()
        report["medal_tally_rows"] = medals.rebuild(year)
        report["medal_rebuild_s"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        report["enterprise_tally_rows"] = enterprise_tally.rebuild(year)
        report["enterprise_rebuild_s"] = round(time.perf_counter() - start, 1)
        report["facts"] = rebuild_facts(year)
        log(f"  facts rebuilt: {report['facts']}")
        log(f"  summaries rebuilt: medals {report['medal_rebuild_s']} s, "
            f"enterprises {report['enterprise_rebuild_s']} s")  # fmt: skip
    report["medal_cells"] = MedalCell.objects.filter(year=year).count()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # statistics and the visibility map, as
            connection.ensure_connection()  # autovacuum keeps them in production
            connection.connection.autocommit = True
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    report["source_rows"] = {
        "entries": Entry.objects.count(),
        "entry_members": EntryMember.objects.count(),
        "results": Result.objects.count(),
        "certificates": Certificate.objects.count(),
        "skill_records": SkillRecord.objects.count(),
        "period_scores": PeriodScore.objects.count(),
        "attendances": Attendance.objects.count(),
        "innovation_results": InnovationResult.objects.count(),
        "nominations": Nomination.objects.count(),
    }
    report["timings"] = measure(year, args.runs, rng)
    report["hooks"] = hooks(year)
    report["target_p95_ms"] = TARGET_P95_MS
    report["runs"] = args.runs
    if args.no_write:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    results = json.loads(bench.RESULTS.read_text()) if bench.RESULTS.exists() else {}
    if connection.vendor not in results:
        sys.exit(
            f"no {connection.vendor} figures in {bench.RESULTS}: run benchmarks/bench.py first"
        )
    if args.reuse:  # the rebuilds' figures are those of the run that made them
        previous = results[connection.vendor].get("sections") or {}
        report = {k: v for k, v in previous.items() if k not in report} | report
    results[connection.vendor]["sections"] = report
    bench.RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    bench.render(results)


if __name__ == "__main__":
    main()
