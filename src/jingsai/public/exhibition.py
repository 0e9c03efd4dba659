"""What the public may see of competitions, without signing in.

:func:`public_competitions` is the one rule: a competition is public once it
has opened for registration, and stays public through judging, the public
notice, publication and the archive. Drafts (and any status added later that is
not listed here) are never public; the pages answer 404 for them.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from jingsai.catalogue.models import ProgrammeYear
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.judging.models import Result
from jingsai.labour.models import Period, PeriodScore
from jingsai.people.models import SkillLevel

S = Competition.Status

PUBLIC_STATUSES = (
    S.OPEN,
    S.CLOSED,
    S.JUDGING,
    S.PUBLIC_NOTICE,
    S.PUBLISHED,
    S.ARCHIVED,
)


def public_competitions() -> QuerySet[Competition]:
    """Every competition the public may see (never a draft)."""
    return Competition.objects.filter(status__in=PUBLIC_STATUSES)


def open_first(queryset: QuerySet[Competition]) -> QuerySet[Competition]:
    """Competitions open for registration first, then the newest."""
    return queryset.annotate(
        open_rank=Case(
            When(status=S.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("open_rank", "-year__year", "-id")


# --- results ---------------------------------------------------------------------
# Results are public while on public notice (公示) and once published or archived;
# before that (and for a competition that went back to judging after an upheld
# appeal) the results page answers 404. Only rank, entry number, name,
# organisation, total and award are shown: never ID numbers or phones.

RESULT_STATUSES = (S.PUBLIC_NOTICE, S.PUBLISHED, S.ARCHIVED)


def results_are_public(competition: Competition) -> bool:
    return competition.status in RESULT_STATUSES


def competitions_with_public_results() -> QuerySet[Competition]:
    return public_competitions().filter(status__in=RESULT_STATUSES)


@dataclass(frozen=True)
class PublicResult:
    rank: int
    entry: str
    name: str
    organisation: str
    total: Decimal
    award: str


def result_name(entry, member_names: dict[int, list[str]]) -> str:
    """How results name an entry (the rule of ``compute.entry_name``): its team or project
    site, else its workers (captain first), else its enterprise."""
    if entry.team_name:
        return entry.team_name
    if entry.project_name:
        return entry.project_name
    names = member_names.get(entry.pk)
    if names:
        return "、".join(names)
    return entry.enterprise.name


def member_names(competition: Competition, entry_ids=None) -> dict[int, list[str]]:
    """Entry id → its active members' names, captain first."""
    members = EntryMember.objects.filter(competition=competition, active=True)
    if entry_ids is not None:
        members = members.filter(entry_id__in=list(entry_ids))
    names: dict[int, list[str]] = defaultdict(list)
    for entry_id, name in members.order_by("entry_id", "-is_captain", "id").values_list(
        "entry_id", "worker__name"
    ):
        names[entry_id].append(name)
    return names


def public_results(competition: Competition) -> QuerySet[Result]:
    return (
        Result.objects.filter(competition=competition)
        .select_related("entry", "entry__enterprise")
        .order_by("position")
    )


def public_result_lines(competition: Competition, results) -> list[PublicResult]:
    """Stored results as the public sees them, named as the results computation names them."""
    results = list(results)
    names = member_names(competition, [r.entry_id for r in results])
    return [
        PublicResult(
            rank=r.rank,
            entry=r.entry.number or f"#{r.entry_id}",
            name=result_name(r.entry, names),
            organisation=r.entry.enterprise.name,
            total=r.total,
            award=r.award,
        )
        for r in results
    ]


# --- the exhibition (赛展合一) -----------------------------------------------------------
# A programme year as the public sees it: per series and per brand the public
# competitions with their participation, the winners of published competitions,
# the red-flag holders of the labour leagues' latest published periods, and (later)
# the year's honours and innovations. Figures are counted with a few aggregate
# queries over the whole year, never one query per competition, so the page stays
# fast with hundreds of competitions and 100k+ entries.
#
# Of a person the public sees the name, the employer and the award; on a
# competition's own page also what the award brought (the certificates issued and
# the skill level raised by the competition). Never ID numbers, phones, birth
# dates or photos.

# Winners are shown once results are published (not while on public notice:
# an appeal may still change them, and certificates are issued at publication).
WINNER_STATUSES = (S.PUBLISHED, S.ARCHIVED)
WINNERS_PER_COMPETITION = 5  # on the year page
WINNERS_ON_COMPETITION_PAGE = 30  # the results page lists them all, page by page


def winners_are_public(competition: Competition) -> bool:
    return competition.status in WINNER_STATUSES


def current_year() -> ProgrammeYear | None:
    """This calendar year's programme, else the newest before it, else the first after it."""
    this_year = timezone.localdate().year
    return (
        ProgrammeYear.objects.filter(year__lte=this_year).order_by("-year").first()
        or ProgrammeYear.objects.order_by("year").first()
    )


def exhibited_years() -> QuerySet[ProgrammeYear]:
    """The programme years with something to exhibit, newest first: a public competition,
    a final honours list, or an innovation result with verified benefit."""
    shown = Exists(public_competitions().filter(year=OuterRef("pk")))
    if apps.is_installed("jingsai.honours"):
        from jingsai.honours.models import Round

        shown |= Exists(Round.objects.filter(year=OuterRef("pk"), stage=Round.Stage.FINAL))
    if apps.is_installed("jingsai.innovation"):
        from jingsai.innovation.models import InnovationResult

        shown |= Exists(
            InnovationResult.objects.filter(
                year=OuterRef("pk"), status__in=EXHIBITED_INNOVATION_STATUSES
            )
        )
    return ProgrammeYear.objects.filter(shown).order_by("-year")


@dataclass(frozen=True)
class Figures:
    """Participation: approved entries, and the distinct workers and enterprises in them."""

    competitions: int = 0
    entries: int = 0
    workers: int = 0
    enterprises: int = 0


def participation(competitions: QuerySet[Competition], by: str | None = None) -> dict:
    """Participation in the competitions, counted in two aggregate queries.

    ``by`` None gives one :class:`Figures` under the key None; otherwise the figures
    per value of ``by`` ("competition", "competition__series" or "competition__brand").
    A worker (or an enterprise) in several of the competitions counts once per key.
    ``Figures.competitions`` is left at 0: the caller knows its competitions.
    """
    entries = Entry.objects.filter(competition__in=competitions, status=Entry.Status.APPROVED)
    # Members of entries not approved (few) are left out by id, so that the members are
    # counted from the (competition, worker) index without a join to every entry.
    members = EntryMember.objects.filter(competition__in=competitions, active=True).exclude(
        entry_id__in=Entry.objects.filter(competition__in=competitions)
        .exclude(status=Entry.Status.APPROVED)
        .values("id")
    )
    entry_counts = {"entries": Count("id"), "enterprises": Count("enterprise", distinct=True)}
    worker_counts = {"workers": Count("worker", distinct=True)}
    if by is None:
        row = entries.aggregate(**entry_counts) | members.aggregate(**worker_counts)
        return {None: Figures(**row)}
    rows: dict = defaultdict(dict)
    for row in entries.order_by().values(by).annotate(**entry_counts):
        rows[row.pop(by)].update(row)
    for row in members.order_by().values(by).annotate(**worker_counts):
        rows[row.pop(by)].update(row)
    return {key: Figures(**values) for key, values in rows.items()}


@dataclass(frozen=True)
class Gain:
    """What an award brought one person: valid certificates and skill levels raised."""

    person: str
    certificates: tuple[str, ...]
    levels: tuple[str, ...]


@dataclass
class PublicWinner:
    """An award holder as the public sees it: name, employer and award (and, on the
    competition's own page, what the award brought)."""

    rank: int
    name: str
    organisation: str
    award: str
    gains: list[Gain] = field(default_factory=list)


def entry_member_names(entry_ids) -> dict[int, list[str]]:
    """Entry id → its active members' names, captain first, for entries of any competitions."""
    names: dict[int, list[str]] = defaultdict(list)
    members = EntryMember.objects.filter(entry_id__in=list(entry_ids), active=True)
    for entry_id, name in members.order_by("entry_id", "-is_captain", "id").values_list(
        "entry_id", "worker__name"
    ):
        names[entry_id].append(name)
    return names


def award_holders(competition: Competition) -> QuerySet[Result]:
    """The competition's results with an award, in result order (its winners)."""
    return public_results(competition).exclude(award="")


def _winner(result: Result, names: dict[int, list[str]]) -> PublicWinner:
    return PublicWinner(
        rank=result.rank,
        name=result_name(result.entry, names),
        organisation=result.entry.enterprise.name,
        award=result.award,
    )


def winner_gains(competition: Competition, results) -> dict[int, list[Gain]]:
    """Entry id → what each active member gained from this competition: the titles of
    the valid certificates issued for the entry (when certification is installed) and
    the skill levels in force that this competition raised. Three queries at most."""
    entry_ids = [r.entry_id for r in results]
    if not entry_ids:
        return {}
    members = list(
        EntryMember.objects.filter(competition=competition, entry_id__in=entry_ids, active=True)
        .order_by("entry_id", "-is_captain", "id")
        .values_list("entry_id", "worker_id", "worker__name")
    )
    certificates: dict[tuple[int, int], list[str]] = defaultdict(list)
    if apps.is_installed("jingsai.certification"):
        from jingsai.certification.models import Certificate

        for entry_id, worker_id, title in (
            Certificate.objects.filter(
                competition=competition,
                entry_id__in=entry_ids,
                status=Certificate.Status.VALID,
            )
            .order_by("id")
            .values_list("entry_id", "worker_id", "title")
        ):
            if title not in certificates[(entry_id, worker_id)]:
                certificates[(entry_id, worker_id)].append(title)
    levels: dict[int, list[str]] = defaultdict(list)
    if apps.is_installed("jingsai.skills"):
        from jingsai.skills.models import SkillRecord

        for worker_id, level in (
            SkillRecord.objects.filter(
                competition=competition,
                worker_id__in=[worker_id for _e, worker_id, _n in members],
                revoked_at__isnull=True,
            )
            .order_by("awarded_on", "id")
            .values_list("worker_id", "level")
        ):
            label = str(SkillLevel(level).label)
            if label not in levels[worker_id]:
                levels[worker_id].append(label)
    gains: dict[int, list[Gain]] = defaultdict(list)
    for entry_id, worker_id, name in members:
        held = tuple(certificates.get((entry_id, worker_id), ()))
        raised = tuple(levels.get(worker_id, ()))
        if held or raised:
            gains[entry_id].append(Gain(person=name, certificates=held, levels=raised))
    return gains


def competition_winners(competition: Competition, *, limit: int | None = None) -> list:
    """The award holders of a published competition with what they gained; [] before."""
    if not winners_are_public(competition):
        return []
    results = award_holders(competition)
    if limit is not None:
        results = results[:limit]
    results = list(results)
    names = member_names(competition, [r.entry_id for r in results])
    gains = winner_gains(competition, results)
    winners = []
    for result in results:
        winner = _winner(result, names)
        winner.gains = gains.get(result.entry_id, [])
        winners.append(winner)
    return winners


def result_gains(competition: Competition, results) -> list[list[Gain]]:
    """For each result (in order) what its award brought; nothing for a result without
    an award or before publication."""
    results = list(results)
    if not winners_are_public(competition):
        return [[] for _r in results]
    gains = winner_gains(competition, [r for r in results if r.award])
    return [gains.get(r.entry_id, []) if r.award else [] for r in results]


@dataclass
class ExhibitedCompetition:
    competition: Competition
    figures: Figures
    winners: list[PublicWinner]
    winner_count: int

    @property
    def more_winners(self) -> int:
        return self.winner_count - len(self.winners)


@dataclass
class Shelf:
    """A series or a brand with its competitions of the year."""

    tag: object
    figures: Figures
    competitions: list[ExhibitedCompetition]


@dataclass(frozen=True)
class FlagHolder:
    name: str
    enterprise: str


@dataclass
class BlockFlags:
    block: str  # "" for the participants without a block
    holders: list[FlagHolder]


@dataclass
class LeagueFlags:
    """A labour competition's red-flag holders in its latest published period."""

    competition: Competition
    period: object
    blocks: list[BlockFlags]


@dataclass
class YearExhibition:
    year: ProgrammeYear
    figures: Figures
    series: list[Shelf]
    brands: list[Shelf]
    flags: list[LeagueFlags]
    honours: list
    innovations: list

    @property
    def competitions(self) -> list[ExhibitedCompetition]:
        return [c for shelf in self.series for c in shelf.competitions]


def _top_winners(competition_ids: list[int], per_competition: int) -> dict[int, list]:
    """Competition id → its first award holders (three queries for all competitions).

    The window picks the ids first, without joins, so that the joins are made for the
    rows shown only."""
    first = (
        Result.objects.filter(competition_id__in=competition_ids)
        .exclude(award="")
        .annotate(
            place=Window(RowNumber(), partition_by=[F("competition_id")], order_by=F("position"))
        )
        .filter(place__lte=per_competition)
        .values_list("id", flat=True)
    )
    results = list(
        Result.objects.filter(pk__in=list(first))
        .select_related("entry", "entry__enterprise")
        .order_by("competition_id", "position")
    )
    names = entry_member_names(r.entry_id for r in results)
    winners: dict[int, list[PublicWinner]] = defaultdict(list)
    for result in results:
        winners[result.competition_id].append(_winner(result, names))
    return winners


def _winner_counts(competition_ids: list[int]) -> dict[int, int]:
    return dict(
        Result.objects.filter(competition_id__in=competition_ids)
        .exclude(award="")
        .order_by()
        .values("competition_id")
        .annotate(n=Count("id"))
        .values_list("competition_id", "n")
    )


def league_flags(competitions: list[Competition]) -> list[LeagueFlags]:
    """The red-flag holders of each labour competition's latest published period, per
    block (ties: all of them); two queries for all the leagues."""
    labour = {c.pk: c for c in competitions if c.kind == Competition.Kind.LABOUR}
    latest: dict[int, object] = {}
    for period in Period.objects.filter(
        league_id__in=list(labour), status=Period.Status.PUBLISHED
    ).order_by("league_id", "-starts_on", "-id"):
        latest.setdefault(period.league_id, period)
    if not latest:
        return []
    league_of = {period.pk: league_id for league_id, period in latest.items()}
    holders: dict[int, dict] = defaultdict(dict)
    scores = (
        PeriodScore.objects.filter(period_id__in=list(league_of), flag=True)
        .select_related("participant__block", "participant__enterprise")
        .order_by("participant__block__order", "participant__block_id", "rank", "participant__name")
    )
    for score in scores:
        participant = score.participant
        block = participant.block
        key = (1, 0, 0) if block is None else (0, block.order, block.pk)
        cell = holders[league_of[score.period_id]]
        cell.setdefault(key, BlockFlags(block.name if block else "", [])).holders.append(
            FlagHolder(participant.name, participant.enterprise.name)
        )
    return [
        LeagueFlags(
            competition,
            latest[pk],
            [cell for _key, cell in sorted(holders[pk].items(), key=lambda kv: kv[0])],
        )
        for pk, competition in labour.items()
        if holders.get(pk)
    ]


# --- honours (the 830) and innovation results (成果转化) -----------------------------------
# Of the final honours list the public sees, per category: a person's name and employer,
# a result's title, enterprise, authors and reward tier, a place's organisation and its
# term. Honours lost at a re-rating are left out of the exhibition (the year's full list
# at /honours/<year>/ shows them as lost). Innovation results are shown once their
# benefit is verified. Never ID numbers or phones.

HONOURS_PER_CATEGORY = 12  # on the year page; the full list is on /honours/<year>/
INNOVATIONS_ON_YEAR_PAGE = 20
EXHIBITED_INNOVATION_STATUSES = ("verified", "recognised")


@dataclass(frozen=True)
class PublicHonour:
    """An honour as the public sees it."""

    kind: str  # the category's kind: people, results or places
    name: str  # the person's name, the result's title or the organisation's name
    organisation: str  # the person's employer or the result's enterprise ("" for a place)
    authors: tuple[str, ...] = ()
    tier: str = ""
    granted_on: object = None
    term_ends: object = None
    lost: bool = False
    status: str = ""


@dataclass
class HonourGroup:
    """A category's honours of a year (the first ``limit`` of them, and how many in all)."""

    category: object
    honours: list[PublicHonour]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.honours)


def innovation_author_names(result_ids) -> dict[int, list[str]]:
    """Innovation result id → its authors' names, in order (one query)."""
    from jingsai.innovation.models import Author

    names: dict[int, list[str]] = defaultdict(list)
    ids = list(result_ids)
    if not ids:
        return names
    for result_id, name in (
        Author.objects.filter(result_id__in=ids)
        .order_by("result_id", "order", "id")
        .values_list("result_id", "worker__name")
    ):
        names[result_id].append(name)
    return names


def public_honour(honour, authors: dict[int, list[str]]) -> PublicHonour:
    common = {
        "kind": honour.category.kind,
        "granted_on": honour.granted_on,
        "term_ends": honour.term_ends,
        "lost": honour.status == "lost",
        "status": honour.get_status_display(),
    }
    if honour.worker_id:
        return PublicHonour(
            name=honour.worker.name, organisation=honour.worker.employer.name, **common
        )
    if honour.innovation_id:
        result = honour.innovation
        return PublicHonour(
            name=result.title,
            organisation=result.enterprise.name,
            authors=tuple(authors.get(result.pk, ())),
            tier=result.reward_band.name if result.reward_band_id else "",
            **common,
        )
    return PublicHonour(
        name=honour.organisation.name if honour.organisation_id else honour.title,
        organisation="",
        **common,
    )


def public_honours_of(honours) -> list:
    """Honours (a queryset) with what the public sees of them loaded (two queries)."""
    honours = list(
        honours.select_related(
            "category",
            "worker__employer",
            "innovation__enterprise",
            "innovation__reward_band",
            "organisation",
        )
    )
    authors = innovation_author_names(h.innovation_id for h in honours if h.innovation_id)
    return [(h, public_honour(h, authors)) for h in honours]


def honour_groups(honours, *, limit: int | None = None) -> list[HonourGroup]:
    """Honours grouped by category, in the categories' order (two queries)."""
    groups: dict[int, HonourGroup] = {}
    for honour, shown in public_honours_of(honours):
        group = groups.get(honour.category_id)
        if group is None:
            group = groups[honour.category_id] = HonourGroup(honour.category, [], 0)
        group.total += 1
        if limit is None or len(group.honours) < limit:
            group.honours.append(shown)
    return sorted(groups.values(), key=lambda g: (g.category.order, g.category.pk))


def final_honours(year: ProgrammeYear):
    """The honours granted by the year's round once its list is final (a queryset)."""
    from jingsai.honours.models import Honour, Round

    return Honour.objects.filter(round__year=year, round__stage=Round.Stage.FINAL)


def year_honours(year: ProgrammeYear) -> list[HonourGroup]:
    """The year's final honours (the 830 selection) per category for the exhibition: the
    first :data:`HONOURS_PER_CATEGORY` of each, titles lost at a re-rating left out; []
    before the list is final. Two queries."""
    if not apps.is_installed("jingsai.honours"):
        return []
    from jingsai.honours.models import Honour

    return honour_groups(
        final_honours(year).exclude(status=Honour.Status.LOST), limit=HONOURS_PER_CATEGORY
    )


@dataclass(frozen=True)
class PublicInnovation:
    title: str
    kind: str
    enterprise: str
    authors: tuple[str, ...]
    money_saved: Decimal | None
    hours_saved: Decimal | None
    tier: str
    status: str


def year_innovations(year: ProgrammeYear) -> list[PublicInnovation]:
    """The year's innovation results with verified benefit (成果转化), newest first, at
    most :data:`INNOVATIONS_ON_YEAR_PAGE`. Two queries."""
    if not apps.is_installed("jingsai.innovation"):
        return []
    from jingsai.innovation.models import InnovationResult

    results = list(
        InnovationResult.objects.filter(year=year, status__in=EXHIBITED_INNOVATION_STATUSES)
        .select_related("enterprise", "reward_band")
        .order_by(F("verified_at").desc(nulls_last=True), "-id")[:INNOVATIONS_ON_YEAR_PAGE]
    )
    authors = innovation_author_names(r.pk for r in results)
    return [
        PublicInnovation(
            title=r.title,
            kind=r.get_kind_display(),
            enterprise=r.enterprise.name,
            authors=tuple(authors.get(r.pk, ())),
            money_saved=r.money_saved,
            hours_saved=r.hours_saved,
            tier=r.reward_band.name if r.reward_band_id else "",
            status=r.get_status_display(),
        )
        for r in results
    ]


def _shelves(exhibited: list[ExhibitedCompetition], attribute: str, figures: dict) -> list[Shelf]:
    """The competitions grouped by their series (or brand), in the tags' order."""
    groups: dict[int, list[ExhibitedCompetition]] = defaultdict(list)
    tags = {}
    for item in exhibited:
        tag = getattr(item.competition, attribute)
        if tag is not None:
            groups[tag.pk].append(item)
            tags[tag.pk] = tag
    shelves = []
    for pk, tag in sorted(tags.items(), key=lambda kv: (kv[1].order, kv[0])):
        counted = figures.get(pk, Figures())
        shelves.append(
            Shelf(
                tag,
                Figures(len(groups[pk]), counted.entries, counted.workers, counted.enterprises),
                groups[pk],
            )
        )
    return shelves


def year_exhibition(year: ProgrammeYear) -> YearExhibition:
    """Everything the year's exhibition page shows, in a constant number of queries."""
    competitions_of_year = public_competitions().filter(year=year)
    competitions = list(
        competitions_of_year.select_related("year", "series", "brand", "organiser").order_by(
            "series__order", "series_id", "-id"
        )
    )
    ids = [c.pk for c in competitions]
    per_competition = participation(competitions_of_year, "competition")
    published = [c.pk for c in competitions if winners_are_public(c)]
    winners = _top_winners(published, WINNERS_PER_COMPETITION) if published else {}
    counts = _winner_counts(published) if published else {}
    exhibited = [
        ExhibitedCompetition(
            c,
            per_competition.get(c.pk, Figures()),
            winners.get(c.pk, []),
            counts.get(c.pk, 0),
        )
        for c in competitions
    ]
    total = participation(competitions_of_year)[None] if ids else Figures()
    return YearExhibition(
        year=year,
        figures=Figures(len(ids), total.entries, total.workers, total.enterprises),
        series=_shelves(
            exhibited,
            "series",
            participation(competitions_of_year, "competition__series") if ids else {},
        ),
        brands=_shelves(
            exhibited,
            "brand",
            participation(competitions_of_year, "competition__brand") if ids else {},
        ),
        flags=league_flags(competitions),
        honours=year_honours(year),
        innovations=year_innovations(year),
    )
