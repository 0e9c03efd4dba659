"""The dashboard's sections after participation (see :mod:`.base` for what a section is).

:data:`ALL` lists them in the page's order; each is ``(filters, scope) -> Section``:

1. ``top`` — the ten enterprises with most workers taking part, most approved entries
   and most awards;
2. ``medals`` — the medal table by enterprise, zone and industry (:mod:`.medals`);
3. ``labour`` — red flags (流动红旗) of the year's labour competitions by block, from
   published assessment periods only;
4. ``certificates`` — certificates of the year's competitions (valid, revoked) and the
   skill-level upgrades they brought;
5. ``training`` — hours attended in the year's courses and the workers trained;
6. ``innovation`` — the year's innovation results by kind and reward tier, with the
   verified benefit;
7. ``honours`` — the year's 830 round per category: quota, nominated, eligible,
   proposed, honoured.

:func:`drill` gives the list behind a bar of these sections: its key is
``"<section>:<what>:<id>"`` and its rows are exactly what the bar counts.

How the filters apply
    Series and brand are those of the competition a thing belongs to (the course's for
    training; for an innovation result without a competition, the series of its
    enterprise's industry, as in the innovation statistics; the 830 round has none, so
    it is narrowed by industry and zone only). Industry and zone (0: none) are those of
    the unit counted: an enterprise's own; a worker's (``Worker.industry``/``zone``,
    the copies of his employer's) for certificates, skill levels and training; an
    entry's industry is its enterprise's and its zone its own (results, labour
    participants); an 830 nominee's is the worker's, the result's enterprise's or the
    nominated place's.

How the scope applies
    A co-organiser's competitions: what belongs to them (results, flags, certificates,
    skill levels, courses tied to them, results that came from them; in the 830 round
    the nominees who took part in them or whose result came from them). An officer's
    enterprises: their entries and results, their workers' certificates, skill levels
    and training, their innovation results, and 830 nominations of their people,
    results or places or made by them.

Speed
    The figures that would read hundreds of thousands of rows read small summary tables:
    the top enterprises (:mod:`.enterprise_tally`; for a co-organiser the per-competition
    facts of :mod:`.competition_facts`) and the medal table (:mod:`.medals`; a limited
    scope's tally rows grouped in the database, the leaders chosen from the groups).
    Certificates, skill-level upgrades and training are counted from their facts
    (:mod:`.worker_facts`), which carry the worker's industry, zone and employer: grouped
    counts over small rows found through their competition or session (a list of the
    year's competition ids, not a subquery, so that both planners use that index), never
    joined to the worker. ``benchmarks/bench_sections.py`` measures them at Pudong scale.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Concat
from django.utils.translation import gettext as _

from jingsai.catalogue.models import Series, Zone
from jingsai.certification.models import Certificate
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.dashboards.domain import competition_facts, enterprise_tally, medals
from jingsai.dashboards.domain.base import Chart, Filters, Scope, Section, Table
from jingsai.dashboards.domain.base import Series as ChartSeries
from jingsai.dashboards.models import (
    AttendanceFact,
    CertificateFact,
    CompetitionWorker,
    TagBit,
    UpgradeFact,
    WorkerYear,
)
from jingsai.honours.models import Nomination, Round, RoundCategory
from jingsai.innovation.models import InnovationResult, RewardBand
from jingsai.labour.models import Block, Participant, Period, PeriodScore
from jingsai.organisations.models import Organisation
from jingsai.people.models import SkillLevel, Worker
from jingsai.skills.models import SkillRecord
from jingsai.training.models import Course, Session

APPROVED = Entry.Status.APPROVED
TOP = 10
COURSES_SHOWN = 20


# --- shared -----------------------------------------------------------------------------


def competitions(filters: Filters, scope: Scope) -> QuerySet[Competition]:
    """The year's competitions of the filters' series and brand, within the scope's."""
    found = Competition.objects.filter(year=filters.year).order_by()
    if filters.series is not None:
        found = found.filter(series_id=filters.series)
    if filters.brand is not None:
        found = found.filter(brand_id=filters.brand)
    if scope.competition_ids is not None:
        found = found.filter(pk__in=sorted(scope.competition_ids))
    return found


def competition_ids(filters: Filters, scope: Scope) -> list[int]:
    """The same, as a list (a few hundred ids): with a list rather than a subquery the
    planners take the counted table's competition index instead of scanning it in the
    order of another index."""
    return list(competitions(filters, scope).values_list("pk", flat=True))


def place(filters: Filters, industry: str, zone: str) -> Q:
    """The filters' industry and zone on these fields (0: none)."""
    q = Q()
    for value, name in ((filters.industry, industry), (filters.zone, zone)):
        if value is not None:
            q &= Q(**{name: value}) if value else Q(**{f"{name.removesuffix('_id')}__isnull": True})
    return q


def organisations_in_place(filters: Filters) -> QuerySet | None:
    if filters.industry is None and filters.zone is None:
        return None
    return Organisation.objects.filter(place(filters, "industry_id", "zone_id")).values("pk")


def _enterprises(scope: Scope) -> list[int] | None:
    return sorted(scope.enterprise_ids) if scope.enterprise_ids is not None else None


def _names(model) -> dict[int, str]:
    return {obj.pk: str(obj) for obj in model.objects.all()}


def _ordered(model, counts: dict) -> list[tuple[int, str, int]]:
    """(id, name, value) in the catalogue's order, then "none" (0)."""
    out = [(obj.pk, str(obj), counts[obj.pk]) for obj in model.objects.all() if counts.get(obj.pk)]
    if counts.get(0):
        out.append((0, _("none"), counts[0]))
    return out


def _chart(key, title, rows, series_name, drill_prefix="", kind="bar", unit="") -> Chart:
    return Chart(
        key=key,
        title=title,
        kind=kind,
        labels=[name for _k, name, _v in rows],
        series=[ChartSeries(series_name, [value for _k, _n, value in rows])],
        drill=[f"{drill_prefix}:{k}" if drill_prefix else "" for k, _n, _v in rows],
        unit=unit,
    )


def _rows(queryset: QuerySet, row: Callable):
    from jingsai.dashboards.domain.drill import Rows

    return Rows(queryset, row)


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _hours(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.1"))


# --- 1. top enterprises -----------------------------------------------------------------


def _scoped_participation(filters: Filters, scope: Scope) -> dict[int, list[int]]:
    """Enterprise → [workers, entries] counted over the scope's competitions: its
    employees among the active members of approved entries, and its approved entries, as
    the year's tally counts them (:mod:`.enterprise_tally`). Both are read from the
    per-competition facts (:mod:`.competition_facts`); the enterprises' industry and zone
    are checked after."""
    counts = competition_facts.by_enterprise(competition_ids(filters, scope))
    orgs = organisations_in_place(filters)
    if orgs is not None:
        inside = set(orgs.values_list("pk", flat=True))
        counts = {k: v for k, v in counts.items() if k in inside}
    ids = _enterprises(scope)
    if ids is not None:
        counts = {k: v for k, v in counts.items() if k in scope.enterprise_ids}
    return counts


def top_participation(filters: Filters, scope: Scope) -> tuple[list, list]:
    """(enterprise, workers, entries) of the top ten by workers and by entries."""
    if scope.competition_ids is None:
        ids = _enterprises(scope)
        return (
            enterprise_tally.top(filters, "workers", TOP, ids),
            enterprise_tally.top(filters, "entries", TOP, ids),
        )
    counts = _scoped_participation(filters, scope)
    rows = [(e, w, n) for e, (w, n) in counts.items()]
    by_workers = heapq.nsmallest(TOP, (r for r in rows if r[1]), key=lambda r: (-r[1], -r[2], r[0]))
    by_entries = heapq.nsmallest(TOP, (r for r in rows if r[2]), key=lambda r: (-r[2], -r[1], r[0]))
    return by_workers, by_entries


def top_enterprises(filters: Filters, scope: Scope) -> Section:
    by_workers, by_entries = top_participation(filters, scope)
    by_awards = medals.top_by_awards(filters, scope, TOP)
    orgs = Organisation.objects.select_related("zone", "industry").in_bulk(
        {r[0] for r in by_workers} | {r[0] for r in by_entries}
    )

    def name(pk: int) -> str:
        return orgs[pk].name if pk in orgs else f"#{pk}"

    def table(key, title, rows) -> Table:
        return Table(
            key=key,
            title=title,
            headers=[
                _("rank"), _("enterprise"), _("zone"), _("industry"),
                _("workers taking part"), _("approved entries"),
            ],
            rows=[
                [
                    rank, name(pk),
                    str(orgs[pk].zone or "") if pk in orgs else "",
                    str(orgs[pk].industry or "") if pk in orgs else "",
                    workers, entries,
                ]
                for rank, (pk, workers, entries) in enumerate(rows, start=1)
            ],
        )  # fmt: skip

    section = Section(
        key="top",
        title=_("Top enterprises"),
        figures=[
            (
                _("Most workers taking part in one enterprise"),
                by_workers[0][1] if by_workers else 0,
            ),
            (_("Most approved entries of one enterprise"), by_entries[0][2] if by_entries else 0),
            (_("Most awards of one enterprise"), by_awards[0].awards if by_awards else 0),
        ],
    )
    section.charts = [
        Chart(
            key="top-workers",
            title=_("Top 10 enterprises by workers taking part"),
            labels=[name(r[0]) for r in by_workers],
            series=[ChartSeries(_("workers taking part"), [r[1] for r in by_workers])],
            drill=[f"top:workers:{r[0]}" for r in by_workers],
        ),
        Chart(
            key="top-entries",
            title=_("Top 10 enterprises by approved entries"),
            labels=[name(r[0]) for r in by_entries],
            series=[ChartSeries(_("approved entries"), [r[2] for r in by_entries])],
            drill=[f"top:entries:{r[0]}" for r in by_entries],
        ),
        Chart(
            key="top-awards",
            title=_("Top 10 enterprises by awards"),
            labels=[u.name for u in by_awards],
            series=[ChartSeries(_("awards"), [u.awards for u in by_awards])],
            drill=[f"top:awards:{u.key}" for u in by_awards],
        ),
    ]
    section.tables = [
        table("top-workers", _("Top 10 enterprises by workers taking part"), by_workers),
        table("top-entries", _("Top 10 enterprises by approved entries"), by_entries),
        Table(
            key="top-awards",
            title=_("Top 10 enterprises by awards"),
            headers=[
                _("rank"), _("enterprise"), _("zone"), _("industry"), _("awards"),
                _("points"), _("ranked results"),
            ],
            rows=[
                [rank, u.name, u.zone, u.industry, u.awards, u.points, u.ranked]
                for rank, u in enumerate(by_awards, start=1)
            ],
        ),
    ]  # fmt: skip
    return section


def _tag_mask(filters: Filters) -> int | None:
    if filters.series is None and filters.brand is None:
        return None
    bits = TagBit.objects.all()
    if filters.series is not None:
        bits = bits.filter(series_id=filters.series)
    if filters.brand is not None:
        bits = bits.filter(brand=filters.brand)
    return sum(bits.values_list("value", flat=True))


def _worker_table(key: str, title: str, workers: QuerySet[Worker]) -> Table:
    def row(w: Worker) -> list:
        return [
            w.name,
            w.masked_id_number,
            w.employer.name if w.employer_id else "",
            str(w.zone or ""),
            w.trade,
        ]

    return Table(
        key=key,
        title=title,
        headers=[_("name"), _("ID number"), _("employer"), _("zone"), _("trade")],
        rows=_rows(workers.select_related("employer", "zone").order_by("pk"), row),
    )


def _entry_table(key: str, title: str, entries: QuerySet[Entry]) -> Table:
    def row(e: Entry) -> list:
        return [
            e.number or f"#{e.pk}",
            e.competition.title,
            e.team_name or e.project_name,
            str(e.zone or ""),
            e.n_members,
        ]

    return Table(
        key=key,
        title=title,
        headers=[
            _("entry number"), _("competition"), _("team or project site"), _("zone"),
            _("workers"),
        ],
        rows=_rows(
            entries.select_related("competition", "zone")
            .annotate(n_members=Count("members", filter=Q(members__active=True)))
            .order_by("pk"),
            row,
        ),
    )  # fmt: skip


def _drill_top(key: str, what: str, pk: int, filters: Filters, scope: Scope) -> Table | None:
    org = Organisation.objects.filter(pk=pk).first()
    if org is None or what not in ("workers", "entries", "awards"):
        return None
    title = f"{org.name} ({filters.year.year})"
    inside = Organisation.objects.filter(
        place(filters, "industry_id", "zone_id"), pk=pk
    ).exists() and (scope.enterprise_ids is None or pk in scope.enterprise_ids)
    if what == "awards":
        results = medals.awarded_results(filters, scope, enterprise=pk)
        return medals.result_table(key, _("Awards: %(title)s") % {"title": title}, results)
    if what == "workers":
        if not inside:
            workers = Worker.objects.none()
        elif scope.competition_ids is None:
            facts = WorkerYear.objects.filter(year=filters.year, enterprise=pk).order_by()
            mask = _tag_mask(filters)
            if mask is not None:
                facts = facts.annotate(hit=F("tags").bitand(mask)).filter(hit__gt=0)
            workers = Worker.objects.filter(pk__in=facts.values("worker_id"))
        else:
            workers = Worker.objects.filter(
                pk__in=CompetitionWorker.objects.filter(
                    competition_id__in=competition_ids(filters, scope), enterprise=pk
                ).values("worker_id")
            )
        return _worker_table(key, _("Workers taking part: %(title)s") % {"title": title}, workers)
    entries = (
        Entry.objects.filter(
            status=APPROVED,
            enterprise_id=pk,
            competition_id__in=competition_ids(filters, scope),
        )
        if inside
        else Entry.objects.none()
    )
    return _entry_table(key, _("Approved entries: %(title)s") % {"title": title}, entries)


# --- 3. labour competitions -------------------------------------------------------------


def _participants(filters: Filters, scope: Scope) -> QuerySet[Participant]:
    found = Participant.objects.filter(
        place(filters, "enterprise__industry_id", "entry__zone_id"),
        league_id__in=competition_ids(filters, scope),
    ).order_by()
    ids = _enterprises(scope)
    if ids is not None:
        found = found.filter(enterprise_id__in=ids)
    return found


def _published_scores(filters: Filters, scope: Scope) -> QuerySet[PeriodScore]:
    found = PeriodScore.objects.filter(
        place(filters, "participant__enterprise__industry_id", "participant__entry__zone_id"),
        period__status=Period.Status.PUBLISHED,
        period__league_id__in=competition_ids(filters, scope),
    ).order_by()
    ids = _enterprises(scope)
    if ids is not None:
        found = found.filter(participant__enterprise_id__in=ids)
    return found


def _block_labels(blocks: dict[int, tuple[str, str, int]]) -> dict[int, str]:
    """Block id → its name, with the competition when two competitions are shown."""
    several = len({league for _n, _t, league in blocks.values()}) > 1
    return {
        pk: (f"{title} · {name}" if several else name) for pk, (name, title, _l) in blocks.items()
    }


def labour(filters: Filters, scope: Scope) -> Section:
    participants = _participants(filters, scope)
    people = list(participants.values_list("pk", "block_id", "league_id"))
    block_of = {pk: block or 0 for pk, block, _league in people}
    leagues = sorted({league for _pk, _block, league in people})
    periods = list(
        Period.objects.filter(league_id__in=leagues, status=Period.Status.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
    scores = PeriodScore.objects.filter(period_id__in=periods).order_by()
    if filters.industry is not None or filters.zone is not None or scope.enterprise_ids is not None:
        scores = scores.filter(participant_id__in=participants.values("pk"))
    # one pass over the published periods' scores: flags and vetoes per participant,
    # grouped on "participant_id + 0": read through their periods, rather than the whole
    # table in participant order (SQLite's choice otherwise, several times slower)
    per_participant = {
        r["unit"]: r
        for r in scores.filter(Q(flag=True) | Q(vetoed=True))
        .annotate(unit=F("participant_id") + 0)
        .values("unit")
        .annotate(flags=Count("id", filter=Q(flag=True)), vetoes=Count("id", filter=Q(vetoed=True)))
    }
    flags: dict[int, int] = {}
    vetoes: dict[int, int] = {}
    for pk, r in per_participant.items():
        block = block_of.get(pk, 0)
        flags[block] = flags.get(block, 0) + r["flags"]
        vetoes[block] = vetoes.get(block, 0) + r["vetoes"]
    people_in: dict[int, int] = {}
    for _pk, block, _league in people:
        people_in[block or 0] = people_in.get(block or 0, 0) + 1
    titles = dict(Competition.objects.filter(pk__in=leagues).values_list("pk", "title"))
    blocks: dict[int, tuple[str, str, int]] = {}
    # each league's blocks in their order, then its participants without a block
    for pk, name, _order, league in (
        Block.objects.filter(league_id__in=leagues, pk__in=[b for b in people_in if b])
        .order_by("league_id", "order", "id")
        .values_list("pk", "name", "order", "league_id")
    ):
        blocks[pk] = (name, titles.get(league, ""), league)
    if people_in.get(0):
        blocks[0] = (_("no block"), titles.get(leagues[0], "") if len(leagues) == 1 else "", 0)
    labels = _block_labels({k: v for k, v in blocks.items() if k})
    labels[0] = _("no block")
    ordered = list(blocks)
    flagged = [(b, labels[b], flags[b]) for b in ordered if flags.get(b)]
    section = Section(
        key="labour",
        title=_("Labour competitions: red flags"),
        figures=[
            (_("Labour competitions"), len(leagues)),
            (_("Participants"), len(people)),
            (_("Published periods"), len(periods)),
            (_("Red flags"), sum(flags.values())),
            (_("Vetoes"), sum(vetoes.values())),
        ],
        charts=[
            _chart("labour-flags", _("Red flags by block"), flagged, _("red flags"), "labour:block")
        ],
    )
    section.tables.append(
        Table(
            key="labour-blocks",
            title=_("Red flags by block"),
            headers=[_("competition"), _("block"), _("participants"), _("red flags"), _("vetoes")],
            rows=[
                [
                    blocks[b][1], blocks[b][0], people_in.get(b, 0), flags.get(b, 0),
                    vetoes.get(b, 0),
                ]
                for b in ordered
            ],
        )
    )  # fmt: skip
    leaders = sorted(
        (r for r in per_participant.values() if r["flags"]),
        key=lambda r: (-r["flags"], r["unit"]),
    )[:TOP]
    named = Participant.objects.select_related(
        "enterprise", "block", "league__competition"
    ).in_bulk([r["unit"] for r in leaders])
    section.tables.append(
        Table(
            key="labour-most",
            title=_("Most red flags"),
            headers=[
                _("participant"), _("enterprise"), _("competition"), _("block"), _("red flags"),
            ],
            rows=[
                [
                    p.name, p.enterprise.name, p.league.competition.title,
                    p.block.name if p.block_id else "", r["flags"],
                ]
                for r in leaders
                if (p := named.get(r["unit"])) is not None
            ],
        )
    )  # fmt: skip
    return section


def _drill_labour(key: str, what: str, pk: int, filters: Filters, scope: Scope) -> Table | None:
    if what != "block":
        return None
    scores = _published_scores(filters, scope).filter(flag=True)
    scores = (
        scores.filter(participant__block_id=pk)
        if pk
        else scores.filter(participant__block__isnull=True)
    )

    def row(s: PeriodScore) -> list:
        p = s.participant
        return [
            p.league.competition.title,
            s.period.name,
            p.block.name if p.block_id else "",
            p.name,
            p.enterprise.name,
            s.score,
            s.block_rank,
        ]

    return Table(
        key=key,
        title=_("Red flags (%(year)s)") % {"year": filters.year.year},
        headers=[
            _("competition"), _("period"), _("block"), _("participant"), _("enterprise"),
            _("score"), _("rank in block"),
        ],
        rows=_rows(
            scores.select_related(
                "period", "participant__block", "participant__enterprise",
                "participant__league__competition",
            ).order_by("period__starts_on", "period_id", "block_rank", "participant_id"),
            row,
        ),
    )  # fmt: skip


# --- 4. certificates and skill levels ---------------------------------------------------


def _facts_in_place(found: QuerySet, filters: Filters, scope: Scope) -> QuerySet:
    """Narrow worker facts (:mod:`.worker_facts`) to the filters' industry and zone (the
    worker's copies, 0: none) and to an officer's enterprises (the worker's employer)."""
    if filters.industry is not None:
        found = found.filter(industry=filters.industry)
    if filters.zone is not None:
        found = found.filter(zone=filters.zone)
    ids = _enterprises(scope)
    if ids is not None:
        found = found.filter(employer__in=ids)
    return found


def _certificate_facts(filters: Filters, scope: Scope) -> QuerySet[CertificateFact]:
    found = CertificateFact.objects.filter(
        competition_id__in=competition_ids(filters, scope)
    ).order_by()
    return _facts_in_place(found, filters, scope)


def _upgrade_facts(filters: Filters, scope: Scope) -> QuerySet[UpgradeFact]:
    found = UpgradeFact.objects.filter(
        competition_id__in=competition_ids(filters, scope)
    ).order_by()
    return _facts_in_place(found, filters, scope)


def _certificates(filters: Filters, scope: Scope) -> QuerySet[Certificate]:
    """The certificates counted: those whose facts the section counts."""
    return Certificate.objects.filter(
        pk__in=_certificate_facts(filters, scope).values("certificate_id")
    ).order_by()


def _upgrades(filters: Filters, scope: Scope) -> QuerySet[SkillRecord]:
    return SkillRecord.objects.filter(
        pk__in=_upgrade_facts(filters, scope).values("record_id")
    ).order_by()


def certificates(filters: Filters, scope: Scope) -> Section:
    # two grouped counts (certificates by competition and status, upgrades by competition
    # and level); series, totals and the table are summed from them
    issued: dict[int, dict[str, int]] = {}
    for competition, status, n in (
        _certificate_facts(filters, scope)
        .values("competition_id", "status")
        .annotate(n=Count("pk"))
        .values_list("competition_id", "status", "n")
    ):
        issued.setdefault(competition, {})[status] = n
    records = _upgrade_facts(filters, scope)
    upgrades: dict[int, int] = {}
    by_level: dict[int, int] = {}
    for competition, level, n in (
        records.values("competition_id", "level")
        .annotate(n=Count("pk"))
        .values_list("competition_id", "level", "n")
    ):
        upgrades[competition] = upgrades.get(competition, 0) + n
        by_level[level] = by_level.get(level, 0) + n
    meta = {
        pk: (title, series)
        for pk, title, series in Competition.objects.filter(
            pk__in=set(issued) | set(upgrades)
        ).values_list("pk", "title", "series_id")
    }
    valid_of = {c: counts.get(Certificate.Status.VALID, 0) for c, counts in issued.items()}
    revoked_of = {c: counts.get(Certificate.Status.REVOKED, 0) for c, counts in issued.items()}
    by_series: dict[int, int] = {}
    for competition, n in valid_of.items():
        if n:
            by_series[meta[competition][1]] = by_series.get(meta[competition][1], 0) + n
    levels = [
        (lv, str(label), by_level[lv]) for lv, label in SkillLevel.choices if by_level.get(lv)
    ]
    valid, revoked = sum(valid_of.values()), sum(revoked_of.values())
    section = Section(
        key="certificates",
        title=_("Certificates and skill levels"),
        figures=[
            (_("Certificates issued"), valid + revoked),
            (_("Valid"), valid),
            (_("Revoked"), revoked),
            (_("Skill-level upgrades"), sum(by_level.values())),
        ],
        charts=[
            _chart(
                "certificates-series",
                _("Valid certificates by series"),
                _ordered(Series, by_series),
                _("valid certificates"),
                "certificates:series",
            ),
            _chart(
                "certificates-levels",
                _("Skill-level upgrades by level"),
                levels,
                _("upgrades"),
                "certificates:level",
            ),
        ],
    )
    order = sorted(meta, key=lambda c: (-valid_of.get(c, 0), -upgrades.get(c, 0), c))
    section.tables.append(
        Table(
            key="certificates-competitions",
            title=_("Certificates by competition"),
            headers=[_("competition"), _("valid"), _("revoked"), _("skill-level upgrades")],
            rows=[
                [meta[c][0], valid_of.get(c, 0), revoked_of.get(c, 0), upgrades.get(c, 0)]
                for c in order
            ],
        )
    )
    return section


def _drill_certificates(key, what, value, filters: Filters, scope: Scope) -> Table | None:
    if what == "series":
        if not Series.objects.filter(pk=value).exists():
            return None
        certs = _certificates(filters, scope).filter(
            status=Certificate.Status.VALID, competition__series_id=value
        )

        def row(c: Certificate) -> list:
            return [
                c.number,
                c.title,
                c.worker.name if c.worker_id else "",
                c.worker.employer.name if c.worker_id and c.worker.employer_id else "",
                c.competition.title if c.competition_id else "",
                c.award,
                c.issued_on,
            ]

        return Table(
            key=key,
            title=_("Valid certificates: %(series)s (%(year)s)")
            % {"series": Series.objects.get(pk=value), "year": filters.year.year},
            headers=[
                _("certificate number"), _("certificate title"), _("holder"), _("employer"),
                _("competition"), _("award"), _("issued on"),
            ],
            rows=_rows(
                certs.select_related("worker__employer", "competition").order_by("pk"), row
            ),
        )  # fmt: skip
    if what == "level":
        if value not in SkillLevel.values:
            return None
        records = _upgrades(filters, scope).filter(level=value)

        def level_row(r: SkillRecord) -> list:
            return [
                r.worker.name,
                r.worker.employer.name if r.worker.employer_id else "",
                r.get_level_display(),
                r.trade,
                r.awarded_on,
                r.certificate_number,
            ]

        return Table(
            key=key,
            title=_("Skill-level upgrades: %(level)s (%(year)s)")
            % {"level": SkillLevel(value).label, "year": filters.year.year},
            headers=[
                _("worker"), _("employer"), _("skill level"), _("trade"), _("date"),
                _("certificate number"),
            ],
            rows=_rows(
                records.select_related("worker__employer").order_by("pk"), level_row
            ),
        )  # fmt: skip
    return None


# --- 5. training ------------------------------------------------------------------------


def _sessions(filters: Filters, scope: Scope) -> QuerySet[Session]:
    """The sessions of the year's courses (of the filters' series and brand, within a
    co-organiser's competitions)."""
    found = Session.objects.filter(course__year=filters.year.year).order_by()
    if filters.series is not None:
        found = found.filter(course__competition__series_id=filters.series)
    if filters.brand is not None:
        found = found.filter(course__competition__brand_id=filters.brand)
    if scope.competition_ids is not None:
        found = found.filter(course__competition_id__in=sorted(scope.competition_ids))
    return found


def _attendance(filters: Filters, scope: Scope) -> QuerySet[AttendanceFact]:
    """The attendances counted (workers present), as facts with the worker's copies."""
    found = AttendanceFact.objects.filter(
        session_id__in=_sessions(filters, scope).values("pk")
    ).order_by()
    return _facts_in_place(found, filters, scope)


def training(filters: Filters, scope: Scope) -> Section:
    sessions = {
        pk: (course, date.year * 100 + date.month)
        for pk, course, date in _sessions(filters, scope).values_list("pk", "course_id", "date")
    }
    attended = _attendance(filters, scope)
    # hours per session, in one pass; courses and months are summed from them
    per_session = dict(
        attended.values("session_id").annotate(h=Sum("hours")).values_list("session_id", "h")
    )
    hours = sum((Decimal(h or 0) for h in per_session.values()), Decimal(0))
    months: dict[int, Decimal] = {}
    per_course: dict[int, list] = {}
    for session, h in per_session.items():
        course, month = sessions[session]
        months[month] = months.get(month, Decimal(0)) + Decimal(h or 0)
        row = per_course.setdefault(course, [Decimal(0), 0])
        row[0] += Decimal(h or 0)
        row[1] += 1
    # workers trained by zone (each worker's facts carry his one zone)
    by_zone = dict(
        attended.values("zone")
        .annotate(n=Count("worker_id", distinct=True))
        .values_list("zone", "n")
    )
    top = sorted(per_course, key=lambda c: (-per_course[c][0], c))[:COURSES_SHOWN]
    workers_of = dict(
        attended.filter(session__course_id__in=top)
        .values("session__course_id")
        .annotate(n=Count("worker_id", distinct=True))
        .values_list("session__course_id", "n")
    )
    courses = Course.objects.select_related("organiser", "competition").in_bulk(top)
    month_rows = [(m, f"{m // 100}-{m % 100:02d}", _hours(months[m])) for m in sorted(months)]
    return Section(
        key="training",
        title=_("Training"),
        figures=[
            (_("Training hours"), _hours(hours)),
            (_("Workers trained"), sum(by_zone.values())),
            (_("Courses"), len(per_course)),
            (_("Sessions"), len(per_session)),
        ],
        charts=[
            _chart(
                "training-months",
                _("Training hours by month"),
                month_rows,
                _("hours"),
                kind="line",
                unit=_("hours"),
            ),
            _chart(
                "training-zones",
                _("Workers trained by zone"),
                _ordered(Zone, by_zone),
                _("workers trained"),
                "training:zone",
            ),
        ],
        tables=[
            Table(
                key="training-courses",
                title=_("Courses with most training hours (top %(n)s)") % {"n": COURSES_SHOWN},
                headers=[
                    _("course"), _("run by"), _("competition"), _("sessions"),
                    _("workers trained"), _("training hours"),
                ],
                rows=[
                    [
                        courses[c].title, courses[c].organiser.name,
                        courses[c].competition.title if courses[c].competition_id else "",
                        per_course[c][1], workers_of.get(c, 0), _hours(per_course[c][0]),
                    ]
                    for c in top
                ],
            )
        ],
    )  # fmt: skip


def _drill_training(key, what, value, filters: Filters, scope: Scope) -> Table | None:
    if what != "zone" or (value and not Zone.objects.filter(pk=value).exists()):
        return None
    attended = _attendance(filters, scope).filter(zone=value)
    workers = (
        attended.values("worker_id", "worker__name", "worker__id_number", "worker__employer__name")
        .annotate(hours=Sum("hours"), sessions=Count("session_id"))
        .order_by("worker_id")
    )
    from jingsai.common.masking import mask_id_number

    def row(r: dict) -> list:
        return [
            r["worker__name"],
            mask_id_number(r["worker__id_number"]),
            r["worker__employer__name"] or "",
            r["sessions"],
            _hours(r["hours"]),
        ]

    name = str(Zone.objects.get(pk=value)) if value else _("none")
    return Table(
        key=key,
        title=_("Workers trained: %(zone)s (%(year)s)") % {"zone": name, "year": filters.year.year},
        headers=[_("name"), _("ID number"), _("employer"), _("sessions"), _("training hours")],
        rows=_rows(workers, row),
    )


# --- 6. innovation ----------------------------------------------------------------------

IS = InnovationResult.Status
ADOPTED = (IS.ADOPTED, IS.VERIFIED, IS.RECOGNISED)
VERIFIED = (IS.VERIFIED, IS.RECOGNISED)


def _innovations(filters: Filters, scope: Scope) -> QuerySet[InnovationResult]:
    found = InnovationResult.objects.filter(
        place(filters, "enterprise__industry_id", "enterprise__zone_id"), year=filters.year
    ).order_by()
    if filters.series is not None:
        found = found.filter(
            Q(competition__series_id=filters.series)
            | Q(competition__isnull=True, enterprise__industry__series_id=filters.series)
        )
    if filters.brand is not None:
        found = found.filter(competition__brand_id=filters.brand)
    if scope.competition_ids is not None:
        found = found.filter(competition_id__in=sorted(scope.competition_ids))
    ids = _enterprises(scope)
    if ids is not None:
        found = found.filter(enterprise_id__in=ids)
    return found


INNOVATION_FIGURES = {
    "n": Count("id"),
    "adopted": Count("id", filter=Q(status__in=ADOPTED)),
    "verified": Count("id", filter=Q(status__in=VERIFIED)),
    "money": Sum("money_saved", filter=Q(status__in=VERIFIED)),
    "hours": Sum("hours_saved", filter=Q(status__in=VERIFIED)),
}


def innovation(filters: Filters, scope: Scope) -> Section:
    results = _innovations(filters, scope)
    total = results.aggregate(**INNOVATION_FIGURES)
    # A limited scope groups on a copy of the kind and of the tier: its few results read
    # through their competition or enterprise, not the year's walked in the order of the
    # kind or tier index (SQLite's choice otherwise); the whole programme's tiers too.
    kind = F("kind") if scope.everything else Concat("kind", Value(""))
    kinds = {r["code"]: r for r in results.values(code=kind).annotate(**INNOVATION_FIGURES)}
    kind_rows = [
        (code, str(label), kinds[code])
        for code, label in InnovationResult.Kind.choices
        if code in kinds
    ]
    tiers = {
        r["band"] or 0: r
        for r in results.filter(status__in=VERIFIED)
        .values(band=F("reward_band_id") + 0)
        .annotate(**INNOVATION_FIGURES)
    }
    bands = list(RewardBand.objects.order_by("order", "-min_money", "id"))
    tier_rows = [(b.pk, b.name, tiers[b.pk]) for b in bands if b.pk in tiers]
    if 0 in tiers:
        tier_rows.append((0, _("no tier"), tiers[0]))
    return Section(
        key="innovation",
        title=_("Innovation results"),
        figures=[
            (_("Results"), total["n"]),
            (_("Adopted"), total["adopted"]),
            (_("Benefit verified"), total["verified"]),
            (_("Money saved (yuan)"), _money(total["money"])),
            (_("Hours saved"), _hours(total["hours"])),
        ],
        charts=[
            _chart(
                "innovation-kinds",
                _("Innovation results by kind"),
                [(c, label, r["n"]) for c, label, r in kind_rows],
                _("results"),
                "innovation:kind",
            ),
            _chart(
                "innovation-tiers",
                _("Results with verified benefit by reward tier"),
                [(pk, name, r["n"]) for pk, name, r in tier_rows],
                _("results"),
                "innovation:tier",
            ),
        ],
        tables=[
            Table(
                key="innovation-kinds",
                title=_("Innovation results by kind"),
                headers=[
                    _("kind"), _("results"), _("adopted"), _("benefit verified"),
                    _("money saved (yuan)"), _("hours saved"),
                ],
                rows=[
                    [
                        label, r["n"], r["adopted"], r["verified"], _money(r["money"]),
                        _hours(r["hours"]),
                    ]
                    for _c, label, r in kind_rows
                ],
            ),
            Table(
                key="innovation-tiers",
                title=_("Results with verified benefit by reward tier"),
                headers=[_("tier"), _("results"), _("money saved (yuan)"), _("hours saved")],
                rows=[
                    [name, r["n"], _money(r["money"]), _hours(r["hours"])]
                    for _pk, name, r in tier_rows
                ],
            ),
        ],
    )  # fmt: skip


def _drill_innovation(key, what, value: str, filters: Filters, scope: Scope) -> Table | None:
    results = _innovations(filters, scope)
    if what == "kind":
        if value not in InnovationResult.Kind.values:
            return None
        results = results.filter(kind=value)
        title = InnovationResult.Kind(value).label
    elif what == "tier":
        if not value.isdigit():
            return None
        pk = int(value)
        band = RewardBand.objects.filter(pk=pk).first()
        if pk and band is None:
            return None
        results = results.filter(status__in=VERIFIED)
        results = (
            results.filter(reward_band_id=pk) if pk else results.filter(reward_band__isnull=True)
        )
        title = band.name if band else _("no tier")
    else:
        return None

    def row(r: InnovationResult) -> list:
        return [
            r.title,
            r.get_kind_display(),
            r.enterprise.name,
            r.get_status_display(),
            _money(r.money_saved) if r.money_saved is not None else "",
            _hours(r.hours_saved) if r.hours_saved is not None else "",
            r.reward_band.name if r.reward_band_id else "",
        ]

    return Table(
        key=key,
        title=_("Innovation results: %(what)s (%(year)s)")
        % {"what": title, "year": filters.year.year},
        headers=[
            _("title"), _("kind"), _("enterprise"), _("status"), _("money saved (yuan)"),
            _("hours saved"), _("reward tier"),
        ],
        rows=_rows(results.select_related("enterprise", "reward_band").order_by("pk"), row),
    )  # fmt: skip


# --- 7. the 830 round -------------------------------------------------------------------

LIVE = (Nomination.Status.SUBMITTED, Nomination.Status.HONOURED)


def _nominations(round_: Round, filters: Filters, scope: Scope) -> QuerySet[Nomination]:
    found = Nomination.objects.filter(round_category__round=round_, status__in=LIVE).order_by()
    for value, name in ((filters.industry, "industry"), (filters.zone, "zone")):
        if value is None:
            continue
        test, wanted = (f"{name}_id", value) if value else (f"{name}__isnull", True)
        found = found.filter(
            Q(worker__isnull=False, **{f"worker__{test}": wanted})
            | Q(innovation__isnull=False, **{f"innovation__enterprise__{test}": wanted})
            | Q(organisation__isnull=False, **{f"organisation__{test}": wanted})
        )
    ids = _enterprises(scope)
    if ids is not None:
        found = found.filter(
            Q(worker__employer_id__in=ids)
            | Q(innovation__enterprise_id__in=ids)
            | Q(organisation_id__in=ids)
            | Q(nominator_id__in=ids)
        )
    if scope.competition_ids is not None:
        comps = sorted(scope.competition_ids)
        # a nominee who took part in one of them (probed per nomination through the
        # one-entry-per-person index), or a result that came from one
        took_part = EntryMember.objects.filter(
            worker_id=OuterRef("worker_id"),
            competition_id__in=comps,
            active=True,
            entry__status=APPROVED,
        )
        found = found.filter(Q(innovation__competition_id__in=comps) | Q(Exists(took_part)))
    return found


def honours(filters: Filters, scope: Scope) -> Section:
    round_ = Round.objects.filter(year=filters.year).first()
    section = Section(key="honours", title=_("The 830 round"))
    if round_ is None:
        section.figures = [(_("830 round"), _("not set up for this year"))]
        return section
    from jingsai.honours.domain.rounds import quotas_of

    quotas = quotas_of(round_)
    categories = list(
        RoundCategory.objects.filter(round=round_)
        .select_related("category")
        .order_by("category__order", "category_id")
    )
    counts = {
        r["round_category_id"]: r
        for r in _nominations(round_, filters, scope)
        .values("round_category_id")
        .annotate(
            live=Count("id"),
            eligible=Count("id", filter=Q(eligible=True)),
            proposed=Count("id", filter=Q(proposed=True)),
            honoured=Count("id", filter=Q(status=Nomination.Status.HONOURED)),
        )
    }
    rows = []
    for rc in categories:
        c = counts.get(rc.pk, {})
        rows.append(
            [
                str(rc.category), quotas.get(rc.category_id, rc.category.default_quota),
                c.get("live", 0), c.get("eligible", 0), c.get("proposed", 0), c.get("honoured", 0),
            ]
        )  # fmt: skip
    section.figures = [
        (_("Stage"), str(Round.Stage(round_.stage).label)),
        (_("Places (quota)"), sum(r[1] for r in rows)),
        (_("Nominated"), sum(r[2] for r in rows)),
        (_("Eligible"), sum(r[3] for r in rows)),
        (_("Proposed"), sum(r[4] for r in rows)),
        (_("Honoured"), sum(r[5] for r in rows)),
    ]
    section.charts = [
        Chart(
            key="honours-categories",
            title=_("Nominations by category"),
            labels=[r[0] for r in rows],
            series=[ChartSeries(_("nominated"), [r[2] for r in rows])],
            drill=[f"honours:category:{rc.pk}" for rc in categories],
        )
    ]
    section.tables = [
        Table(
            key="honours-categories",
            title=_("The 830 round by category"),
            headers=[
                _("category"), _("quota"), _("nominated"), _("eligible"), _("proposed"),
                _("honoured"),
            ],
            rows=rows,
        )
    ]  # fmt: skip
    return section


def _drill_honours(key, what, pk: int, filters: Filters, scope: Scope) -> Table | None:
    if what != "category":
        return None
    rc = (
        RoundCategory.objects.filter(pk=pk, round__year=filters.year)
        .select_related("round", "category")
        .first()
    )
    if rc is None:
        return None
    found = _nominations(rc.round, filters, scope).filter(round_category=rc)

    def row(n: Nomination) -> list:
        return [
            n.subject_name,
            n.nominator.name,
            _("yes") if n.eligible else _("no"),
            n.rank or "",
            n.total if n.total is not None else "",
            _("yes") if n.proposed else _("no"),
            n.get_status_display(),
        ]

    return Table(
        key=key,
        title=_("Nominations: %(category)s (%(year)s)")
        % {"category": rc.category, "year": filters.year.year},
        headers=[
            _("nominee"), _("nominated by"), _("eligible"), _("rank"), _("total"),
            _("proposed"), _("status"),
        ],
        rows=_rows(
            found.select_related("worker", "innovation", "organisation", "nominator").order_by(
                "rank", "pk"
            ),
            row,
        ),
    )  # fmt: skip


# --- the list of sections, and drilling -------------------------------------------------

ALL: list[Callable[[Filters, Scope], Section]] = [
    top_enterprises,
    medals.section,
    labour,
    certificates,
    training,
    innovation,
    honours,
]


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 12 else None


def drill(key: str, filters: Filters, scope: Scope) -> Table | None:
    """The rows behind a bar of these sections (``"<section>:<what>:<id>"``); None for a
    key that names nothing."""
    parts = (key or "").split(":")
    if len(parts) != 3 or not all(parts):
        return None
    section, what, value = parts
    if section == "innovation":
        return _drill_innovation(key, what, value, filters, scope)
    number = _number(value)
    if number is None:
        return None
    handlers = {
        "top": _drill_top,
        "medals": medals.drill,
        "labour": _drill_labour,
        "certificates": _drill_certificates,
        "training": _drill_training,
        "honours": _drill_honours,
    }
    handler = handlers.get(section)
    if handler is None:
        return None
    if section == "medals":
        return medals.drill(key, what, value, filters, scope)
    return handler(key, what, number, filters, scope)
