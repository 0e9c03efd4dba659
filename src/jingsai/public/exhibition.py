"""What the public may see of competitions, without signing in.

:func:`public_competitions` is the one rule: a competition is public once it
has opened for registration, and stays public through judging, the public
notice, publication and the archive. Drafts (and any status added later that is
not listed here) are never public; the pages answer 404 for them.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, IntegerField, QuerySet, Value, When

from jingsai.competitions.models import Competition, EntryMember
from jingsai.judging.models import Result

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
