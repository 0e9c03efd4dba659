"""The sections' figures counted straight from the source rows, in Python, for comparison."""

from collections import Counter, defaultdict
from decimal import Decimal

from jingsai.certification.models import Certificate
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.dashboards.domain.base import Filters, Scope
from jingsai.honours.models import Nomination
from jingsai.innovation.models import InnovationResult
from jingsai.judging.models import Result
from jingsai.labour.models import PeriodScore
from jingsai.skills.models import SkillRecord
from jingsai.training.models import Attendance

PUBLIC = ("published", "archived")


def _is(value, wanted) -> bool:
    """A filter value (None: any; 0: none) against a row's id (None: none)."""
    return wanted is None or (value or 0) == wanted


def competition_ok(c: Competition, f: Filters, scope: Scope) -> bool:
    return (
        c.year_id == f.year.pk
        and _is(c.series_id, f.series)
        and (f.brand is None or c.brand_id == f.brand)
        and (scope.competition_ids is None or c.pk in scope.competition_ids)
    )


def in_enterprises(enterprise_id, scope: Scope) -> bool:
    return scope.enterprise_ids is None or enterprise_id in scope.enterprise_ids


def medal_units(f: Filters, scope: Scope, points: dict[str, int]) -> dict:
    """by → unit → {"counts", "ranked", "total" (hundredths), "points"} over published
    results (by: enterprise, zone, industry)."""
    units: dict = {by: defaultdict(lambda: {"counts": Counter(), "ranked": 0, "total": 0,
                                            "points": 0})
                   for by in ("enterprise", "zone", "industry")}  # fmt: skip
    for r in Result.objects.select_related("competition", "entry__enterprise"):
        entry, enterprise = r.entry, r.entry.enterprise
        if r.competition.status not in PUBLIC or not competition_ok(r.competition, f, scope):
            continue
        if not (_is(enterprise.industry_id, f.industry) and _is(entry.zone_id, f.zone)):
            continue
        if not in_enterprises(entry.enterprise_id, scope):
            continue
        for by, key in (
            ("enterprise", entry.enterprise_id),
            ("zone", entry.zone_id or 0),
            ("industry", enterprise.industry_id or 0),
        ):
            unit = units[by][key]
            unit["counts"][r.award] += 1
            unit["ranked"] += 1
            unit["total"] += int(r.total * 100)
            unit["points"] += points.get(r.award, 0)
    return {by: dict(found) for by, found in units.items()}


def participation_by_enterprise(f: Filters, scope: Scope) -> dict[int, tuple[int, int]]:
    """Enterprise → (workers, entries): its employees among the active members of approved
    entries, its approved entries; filtered by the enterprise's own industry and zone."""
    workers: dict[int, set] = defaultdict(set)
    entries: Counter = Counter()
    for m in EntryMember.objects.filter(active=True, entry__status="approved").select_related(
        "competition", "worker__employer"
    ):
        employer = m.worker.employer
        if employer is None or not competition_ok(m.competition, f, scope):
            continue
        if not (_is(employer.industry_id, f.industry) and _is(employer.zone_id, f.zone)):
            continue
        if in_enterprises(employer.pk, scope):
            workers[employer.pk].add(m.worker_id)
    for e in Entry.objects.filter(status="approved").select_related("competition", "enterprise"):
        if not competition_ok(e.competition, f, scope) or not in_enterprises(
            e.enterprise_id, scope
        ):
            continue
        if _is(e.enterprise.industry_id, f.industry) and _is(e.enterprise.zone_id, f.zone):
            entries[e.enterprise_id] += 1
    return {
        pk: (len(workers.get(pk, ())), entries.get(pk, 0)) for pk in set(workers) | set(entries)
    }


def labour(f: Filters, scope: Scope) -> dict:
    flags: Counter = Counter()
    vetoes = 0
    for s in PeriodScore.objects.select_related(
        "period",
        "participant__entry",
        "participant__enterprise",
        "participant__league__competition",
    ):
        p = s.participant
        if s.period.status != "published" or not competition_ok(p.league.competition, f, scope):
            continue
        if not (_is(p.enterprise.industry_id, f.industry) and _is(p.entry.zone_id, f.zone)):
            continue
        if not in_enterprises(p.enterprise_id, scope):
            continue
        if s.flag:
            flags[p.block_id or 0] += 1
        vetoes += s.vetoed
    return {"flags": dict(flags), "vetoes": vetoes}


def certificates(f: Filters, scope: Scope) -> dict:
    found: Counter = Counter()
    for c in Certificate.objects.select_related("competition", "worker"):
        if c.competition is None or not competition_ok(c.competition, f, scope):
            continue
        w = c.worker
        if not (_is(w.industry_id, f.industry) and _is(w.zone_id, f.zone)):
            continue
        if not in_enterprises(w.employer_id, scope):
            continue
        found[c.status] += 1
        if c.status == "valid":
            found[("series", c.competition.series_id)] += 1
    upgrades: Counter = Counter()
    for r in SkillRecord.objects.filter(source="competition").select_related(
        "competition", "worker"
    ):
        w = r.worker
        if r.revoked_at is not None or not competition_ok(r.competition, f, scope):
            continue
        if not (_is(w.industry_id, f.industry) and _is(w.zone_id, f.zone)):
            continue
        if in_enterprises(w.employer_id, scope):
            upgrades[r.level] += 1
    return {"certificates": found, "upgrades": upgrades}


def training(f: Filters, scope: Scope) -> dict:
    hours = Decimal(0)
    workers: set = set()
    by_zone: dict = defaultdict(set)
    courses: set = set()
    for a in Attendance.objects.filter(present=True).select_related(
        "session__course__competition", "worker"
    ):
        course = a.session.course
        competition = course.competition
        if course.year != f.year.year:
            continue
        if f.series is not None and (competition is None or competition.series_id != f.series):
            continue
        if f.brand is not None and (competition is None or competition.brand_id != f.brand):
            continue
        if scope.competition_ids is not None and (
            competition is None or competition.pk not in scope.competition_ids
        ):
            continue
        w = a.worker
        if not (_is(w.industry_id, f.industry) and _is(w.zone_id, f.zone)):
            continue
        if not in_enterprises(w.employer_id, scope):
            continue
        hours += a.hours
        workers.add(w.pk)
        by_zone[w.zone_id or 0].add(w.pk)
        courses.add(course.pk)
    return {
        "hours": hours,
        "workers": len(workers),
        "courses": len(courses),
        "by_zone": {k: len(v) for k, v in by_zone.items()},
    }


def innovation(f: Filters, scope: Scope) -> dict:
    out: Counter = Counter()
    money = Decimal(0)
    for r in InnovationResult.objects.select_related("competition", "enterprise__industry"):
        if r.year_id != f.year.pk:
            continue
        series = r.competition.series_id if r.competition else (
            r.enterprise.industry.series_id if r.enterprise.industry else None
        )  # fmt: skip
        if f.series is not None and series != f.series:
            continue
        if f.brand is not None and (r.competition is None or r.competition.brand_id != f.brand):
            continue
        if scope.competition_ids is not None and r.competition_id not in scope.competition_ids:
            continue
        if not (_is(r.enterprise.industry_id, f.industry) and _is(r.enterprise.zone_id, f.zone)):
            continue
        if not in_enterprises(r.enterprise_id, scope):
            continue
        out["n"] += 1
        out[("kind", r.kind)] += 1
        if r.status in ("adopted", "verified", "recognised"):
            out["adopted"] += 1
        if r.status in ("verified", "recognised"):
            out["verified"] += 1
            out[("tier", r.reward_band_id or 0)] += 1
            money += r.money_saved or 0
    return {"counts": out, "money": money}


def honours(round_, f: Filters, scope: Scope) -> dict:
    """Category id → [nominated, eligible, proposed, honoured] among live nominations."""
    took_part = set()
    if scope.competition_ids is not None:
        took_part = set(
            EntryMember.objects.filter(
                active=True, entry__status="approved", competition_id__in=scope.competition_ids
            ).values_list("worker_id", flat=True)
        )
    out: dict = defaultdict(lambda: [0, 0, 0, 0])
    for n in Nomination.objects.filter(round_category__round=round_).select_related(
        "worker", "innovation__enterprise", "organisation"
    ):
        if n.status not in ("submitted", "honoured"):
            continue
        if n.worker:
            place, owner = n.worker, n.worker.employer_id
        elif n.innovation:
            place, owner = n.innovation.enterprise, n.innovation.enterprise_id
        else:
            place, owner = n.organisation, n.organisation_id
        if not (_is(place.industry_id, f.industry) and _is(place.zone_id, f.zone)):
            continue
        if scope.enterprise_ids is not None and not (
            owner in scope.enterprise_ids or n.nominator_id in scope.enterprise_ids
        ):
            continue
        if scope.competition_ids is not None and not (
            (n.innovation and n.innovation.competition_id in scope.competition_ids)
            or n.worker_id in took_part
        ):
            continue
        row = out[n.round_category.category_id]
        row[0] += 1
        row[1] += n.eligible
        row[2] += n.proposed
        row[3] += n.status == "honoured"
    return dict(out)


def participation(f: Filters, scope: Scope) -> dict:
    """The participation figures of a scope counted row by row (the shape of
    ``participation_section.counts`` without year and targets): workers (active members
    of approved entries, in their own industry and zone), enterprises (with an approved
    entry, in their own) and approved entries (their enterprise's industry, their own zone,
    level scope and month of registration)."""
    from django.utils import timezone

    found: dict = {m: defaultdict(lambda: defaultdict(set)) for m in ("workers", "enterprises",
                                                                       "entries")}  # fmt: skip

    def add(measure, pk, competition, industry, zone, **more) -> None:
        counted = found[measure]
        counted["total"][None].add(pk)
        counted["by_series"][competition.series_id].add(pk)
        if competition.brand_id:
            counted["by_brand"][competition.brand_id].add(pk)
        counted["by_industry"][industry or 0].add(pk)
        counted["by_zone"][zone or 0].add(pk)
        for by, value in more.items():
            counted[by][value].add(pk)

    for m in EntryMember.objects.filter(active=True, entry__status="approved").select_related(
        "competition", "worker", "entry"
    ):
        w = m.worker
        if not competition_ok(m.competition, f, scope):
            continue
        if not in_enterprises(m.entry.enterprise_id, scope):
            continue
        if _is(w.industry_id, f.industry) and _is(w.zone_id, f.zone):
            add("workers", w.pk, m.competition, w.industry_id, w.zone_id)
    for e in Entry.objects.filter(status="approved").select_related(
        "competition", "enterprise", "level"
    ):
        if not competition_ok(e.competition, f, scope) or not in_enterprises(
            e.enterprise_id, scope
        ):
            continue
        o = e.enterprise
        if _is(o.industry_id, f.industry) and _is(o.zone_id, f.zone):
            add("enterprises", o.pk, e.competition, o.industry_id, o.zone_id)
        if _is(o.industry_id, f.industry) and _is(e.zone_id, f.zone):
            local = timezone.localtime(e.created_at)
            add("entries", e.pk, e.competition, o.industry_id, e.zone_id,
                by_scope=e.level.scope if e.level_id else "",
                by_month=local.year * 100 + local.month)  # fmt: skip
    out: dict = {}
    for measure, counted in found.items():
        out[measure] = {
            by: {k: len(v) for k, v in sorted(values.items(), key=lambda kv: str(kv[0]))}
            for by, values in counted.items()
            if by != "total"
        }
        out[measure]["total"] = len(counted["total"][None])
    return out
