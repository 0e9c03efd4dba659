"""A generated programme: two years, competitions across series and brands, enterprises
across zones and industries, and what happens to their entries; plus the direct counts the
summary must equal."""

import datetime as dt
import io
import random
from collections import Counter, defaultdict

import pytest
from django.db.models import Q
from django.utils import timezone, translation

from jingsai.catalogue.models import Brand, Industry, ProgrammeYear, Series, Zone
from jingsai.competitions.domain import preliminaries, registration
from jingsai.competitions.domain.roster import import_roster
from jingsai.competitions.models import Entry, EntryMember
from tests.factories import OrganisationFactory, WorkerFactory, make_id_number
from tests.xlsx import xlsx_bytes


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def direct(year, *, series=None, brand=None, industry=None, zone=None) -> dict:
    """The figures counted straight from the source tables, shaped like ``figures()``."""

    def competitions(prefix: str, s=series, b=brand) -> Q:
        q = Q(**{f"{prefix}year": year})
        if s is not None:
            q &= Q(**{f"{prefix}series_id": s})
        if b is not None:
            q &= Q(**{f"{prefix}brand_id": b})
        return q

    def place(q: Q, industry_field: str, zone_field: str, i=industry, z=zone) -> Q:
        if i is not None:
            q &= Q(**{industry_field: i or None})
        if z is not None:
            q &= Q(**{zone_field: z or None})
        return q

    def workers(**kw):
        q = place(
            competitions("competition__", kw.get("s", series), kw.get("b", brand)),
            "worker__industry_id",
            "worker__zone_id",
            kw.get("i", industry),
            kw.get("z", zone),
        )
        return (
            EntryMember.objects.filter(q, active=True, entry__status="approved")
            .values("worker_id")
            .distinct()
            .count()
        )

    def enterprises(**kw):
        q = place(
            competitions("competition__", kw.get("s", series), kw.get("b", brand)),
            "enterprise__industry_id",
            "enterprise__zone_id",
            kw.get("i", industry),
            kw.get("z", zone),
        )
        return Entry.objects.filter(q, status="approved").values("enterprise_id").distinct().count()

    def entries_qs(**kw):
        q = place(
            competitions("competition__", kw.get("s", series), kw.get("b", brand)),
            "enterprise__industry_id",
            "zone_id",
            kw.get("i", industry),
            kw.get("z", zone),
        )
        return Entry.objects.filter(q, status="approved")

    def entries(**kw):
        return entries_qs(**kw).count()

    series_ids = [series] if series else list(Series.objects.values_list("pk", flat=True))
    brand_ids = [brand] if brand else list(Brand.objects.values_list("pk", flat=True))
    every_industry = [0, *Industry.objects.values_list("pk", flat=True)]
    industry_ids = [industry] if industry is not None else every_industry
    zone_ids = [zone] if zone is not None else [0, *Zone.objects.values_list("pk", flat=True)]

    def shaped(count) -> dict:
        def nonzero(d):
            return {k: v for k, v in sorted(d.items()) if v}

        return {
            "total": count(),
            "by_industry": nonzero({i: count(i=i) for i in industry_ids}),
            "by_zone": nonzero({z: count(z=z) for z in zone_ids}),
            "by_series": nonzero({s: count(s=s) for s in series_ids}),
            "by_brand": nonzero({b: count(b=b) for b in brand_ids}),
        }

    result_entries = shaped(entries)
    scopes: Counter = Counter()
    months: Counter = Counter()
    for scope, created in entries_qs().values_list("level__scope", "created_at"):
        scopes[scope or ""] += 1
        local = timezone.localtime(created)
        months[local.year * 100 + local.month] += 1
    result_entries["by_scope"] = dict(sorted(scopes.items()))
    result_entries["by_month"] = dict(sorted(months.items()))
    return {
        "year": year.year,
        "targets": {"enterprises": year.target_enterprises, "workers": year.target_workers},
        "enterprises": shaped(enterprises),
        "workers": shaped(workers),
        "entries": result_entries,
    }


@pytest.fixture
def programme(make_competition):
    """Builds the data set step by step; returns what the tests need to name."""
    rng = random.Random(8)
    y2026 = ProgrammeYear.objects.get(year=2026)
    y2025 = ProgrammeYear.objects.create(year=2025, title="2025", target_workers=500)
    series = {s.code: s for s in Series.objects.all()}
    brands = list(Brand.objects.order_by("order")[:3])
    zones = list(Zone.objects.order_by("order")[:3])
    industries = list(Industry.objects.order_by("order")[:3])
    enterprises = []
    for i in range(8):
        enterprises.append(
            OrganisationFactory(
                zone=zones[i % 3] if i != 7 else None,
                industry=industries[(i // 2) % 3] if i != 6 else None,
            )
        )
    workers = {e.pk: [WorkerFactory(employer=e) for _ in range(5)] for e in enterprises}

    def comp(year, s, b, **kw):
        return make_competition(year=year, series=series[s], brand=b, **kw)

    competitions = {
        "ic": comp(y2026, "hard-core-industries", brands[0]),
        "digital": comp(y2026, "city-digital-transformation", None),
        "teams": comp(
            y2026, "hard-core-industries", brands[1], participants="teams", team_min=2, team_max=3
        ),
        "sites": comp(y2026, "service-efficiency", brands[0], participants="enterprises"),
        "old": comp(y2025, "hard-core-industries", brands[0]),
        "other": comp(y2026, "golden-middle-ring", brands[2]),
    }
    made: dict[str, list[Entry]] = defaultdict(list)
    for key in ("ic", "digital", "other", "old"):
        for enterprise in enterprises:
            chosen = rng.sample(workers[enterprise.pk], rng.randint(1, 4))
            made[key] += registration.register(
                actor=None, competition=competitions[key], enterprise=enterprise, workers=chosen
            )
    for enterprise in enterprises[:5]:
        made["teams"] += registration.register(
            actor=None,
            competition=competitions["teams"],
            enterprise=enterprise,
            workers=rng.sample(workers[enterprise.pk], 3),
            team_name=f"队{enterprise.pk}",
        )
    for enterprise in enterprises[2:]:
        made["sites"] += registration.register(
            actor=None, competition=competitions["sites"], enterprise=enterprise
        )
    # some registered in an earlier month (before approval, so the month is theirs)
    for entry in made["ic"][::3]:
        Entry.objects.filter(pk=entry.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    return {
        "rng": rng,
        "years": (y2026, y2025),
        "series": series,
        "brands": brands,
        "zones": zones,
        "industries": industries,
        "enterprises": enterprises,
        "workers": workers,
        "competitions": competitions,
        "entries": made,
    }


def approve_most(entries, rng, share=0.8):
    approved = []
    for entry in entries:
        if rng.random() < share:
            registration.approve(actor=None, entry=entry)
            approved.append(entry)
    return approved


@pytest.fixture
def busy(programme):
    """Approvals, returns, withdrawals, a resubmission, a roster import and a promotion."""
    rng = programme["rng"]
    made = programme["entries"]
    approved = {key: approve_most(entries, rng) for key, entries in made.items()}
    for entry in approved["ic"][:2]:
        registration.return_for_changes(
            actor=None, entry=entry, field="other", comment="wrong trade"
        )
    for entry in approved["digital"][:3]:
        registration.withdraw(actor=None, entry=entry, reason="ill")
    teams = approved["teams"]
    registration.withdraw(actor=None, entry=teams[0])
    returned = teams[1]
    registration.return_for_changes(actor=None, entry=returned, field="members", comment="one")
    members = list(returned.members.values_list("worker_id", flat=True))
    workers = [w for w in programme["workers"][returned.enterprise_id] if w.pk in members[:2]]
    registration.resubmit(actor=None, entry=returned, workers=workers)
    registration.approve(actor=None, entry=returned)
    # a roster for one enterprise, then its entries approved
    enterprise = programme["enterprises"][0]
    competition = programme["competitions"]["other"]
    already = set(
        EntryMember.objects.filter(competition=competition, active=True).values_list(
            "worker_id", flat=True
        )
    )
    rows = [["姓名", "身份证号码"]] + [
        [w.name, w.id_number] for w in programme["workers"][enterprise.pk] if w.pk not in already
    ]
    rows.append(["新人甲", make_id_number(birth=dt.date(1990, 2, 2), seq=17)])
    result = import_roster(
        actor=None,
        competition=competition,
        source=io.BytesIO(xlsx_bytes(rows)),
        enterprises=[enterprise],
    )
    assert result.ok and result.entries == len(rows) - 1
    imported = Entry.objects.filter(competition=competition, enterprise=enterprise).filter(
        status="submitted"
    )
    for entry in imported:
        registration.approve(actor=None, entry=entry)
    # promotion of an enterprise's approved first-level entries
    ic = programme["competitions"]["ic"]
    for enterprise in programme["enterprises"][:3]:
        finalists = list(
            Entry.objects.filter(competition=ic, enterprise=enterprise, status="approved")[:1]
        )
        if finalists:
            preliminaries.promote(
                actor=None, competition=ic, enterprise=enterprise, entries=finalists
            )
    return programme
