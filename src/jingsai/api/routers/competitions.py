"""Competitions, their entries (and bulk registration), and their results.

Anonymous callers see what the public pages show: every competition but drafts,
and results on public notice or published. Signed-in callers also see the
competitions of their scope (``policy.competitions_visible_to``), the entries of
their scope (``policy.entries_visible_to``) and, where ``policy.can_read_results``,
results before publication.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import ngettext
from ninja import Field, Query, Router, Schema
from ninja.responses import Status, codes_4xx

from jingsai.access import policy
from jingsai.api.auth import optional_auth, required_auth, required_auth_then
from jingsai.api.bulk_entries import import_entries
from jingsai.api.errors import ErrorOut, Invalid, InvalidState, NotFound
from jingsai.api.pagination import PageIn, page_of, paged
from jingsai.api.schemas import MAX_ID, Id, choice
from jingsai.api.schemas.competitions import (
    BulkEntriesIn,
    BulkEntriesOut,
    CompetitionOut,
    EntryOut,
    ResultOut,
)
from jingsai.api.scoping import record_personal_data, require, visible_or_404
from jingsai.common.masking import mask_id_number
from jingsai.common.spreadsheet_import import SpreadsheetRefused
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.judging.models import Result
from jingsai.public.exhibition import PUBLIC_STATUSES, RESULT_STATUSES, member_names, result_name

router = Router(tags=["competitions"])

ENTRANTS = "entrants' names and masked ID numbers"


def competitions_for(user):
    """The public's competitions, and those of the user's scope."""
    public = Q(status__in=PUBLIC_STATUSES)
    if policy.can_browse_competitions(user):
        visible = policy.competitions_visible_to(user).values("pk")
        return Competition.objects.filter(public | Q(pk__in=visible))
    return Competition.objects.filter(public)


def competition_out(c: Competition) -> dict:
    return {
        "id": c.pk,
        "code": c.code,
        "title": c.title,
        "year": c.year.year,
        "series_id": c.series_id,
        "brand_id": c.brand_id,
        "industry_ids": sorted(i.pk for i in c.industries.all()),
        "kind": c.kind,
        "participants": c.participants,
        "status": c.status,
        "organiser_id": c.organiser_id,
        "organiser_name": c.organiser.name,
        "registration_opens": c.registration_opens,
        "registration_closes": c.registration_closes,
        "capacity": c.capacity,
        "enterprise_quota": c.enterprise_quota,
    }


class CompetitionFilters(Schema):
    year: int | None = Field(None, ge=2000, le=9999, description="the programme year, e.g. 2026")
    series: int | None = Field(None, ge=1, le=MAX_ID)
    brand: int | None = Field(None, ge=1, le=MAX_ID)
    status: choice(Competition.Status) | None = None  # type: ignore[valid-type]


@router.get(
    "",
    response={200: paged(CompetitionOut), codes_4xx: ErrorOut},
    auth=optional_auth,
    url_name="competition_list",
)
def competition_list(request, page: Query[PageIn], filters: Query[CompetitionFilters]):
    competitions = competitions_for(request.user).select_related("year", "organiser")
    if filters.year is not None:
        competitions = competitions.filter(year__year=filters.year)
    if filters.series is not None:
        competitions = competitions.filter(series_id=filters.series)
    if filters.brand is not None:
        competitions = competitions.filter(brand_id=filters.brand)
    if filters.status is not None:
        competitions = competitions.filter(status=filters.status)
    result = page_of(competitions.prefetch_related("industries").order_by("-id"), page)
    result["items"] = [competition_out(c) for c in result["items"]]
    return result


def _competition(request, competition_id: int) -> Competition:
    return visible_or_404(
        competitions_for(request.user).select_related("year", "organiser"), pk=competition_id
    )


@router.get(
    "/{int:competition_id}",
    response={200: CompetitionOut, codes_4xx: ErrorOut},
    auth=optional_auth,
    url_name="competition_detail",
)
def competition_detail(request, competition_id: Id):
    return competition_out(_competition(request, competition_id))


# --- entries ---------------------------------------------------------------------------


def _scoped_competition(request, competition_id: int) -> Competition:
    """As the back office's entry pages: the role must browse competitions (403), and the
    competition be one of its scope (404)."""
    require(policy.can_browse_competitions, request.user)
    return visible_or_404(
        policy.competitions_visible_to(request.user).select_related("year", "organiser"),
        pk=competition_id,
    )


class EntryFilters(Schema):
    status: choice(Entry.Status) | None = None  # type: ignore[valid-type]


def entry_out(entry: Entry) -> dict:
    return {
        "id": entry.pk,
        "number": entry.number,
        "status": entry.status,
        "enterprise_id": entry.enterprise_id,
        "enterprise_name": entry.enterprise.name,
        "team_name": entry.team_name,
        "project_name": entry.project_name,
        "level": entry.level.name if entry.level_id else None,
        "members": [
            {
                "worker_id": m.worker_id,
                "name": m.worker.name,
                "id_number": mask_id_number(m.worker.id_number),
                "is_captain": m.is_captain,
            }
            for m in entry.active_members
        ],
    }


@router.get(
    "/{int:competition_id}/entries",
    response={200: paged(EntryOut), codes_4xx: ErrorOut},
    auth=required_auth,
    url_name="entry_list",
)
def entry_list(request, competition_id: Id, page: Query[PageIn], filters: Query[EntryFilters]):
    competition = _scoped_competition(request, competition_id)
    entries = policy.entries_visible_to(request.user, competition).select_related(
        "enterprise", "level"
    )
    if filters.status is not None:
        entries = entries.filter(status=filters.status)
    result = page_of(entries.order_by("-id"), page)
    members = (
        EntryMember.objects.filter(entry__in=[e.pk for e in result["items"]], active=True)
        .select_related("worker")
        .order_by("-is_captain", "id")
    )
    by_entry: dict[int, list] = {}
    for member in members:
        by_entry.setdefault(member.entry_id, []).append(member)
    for entry in result["items"]:
        entry.active_members = by_entry.get(entry.pk, [])
    result["items"] = [entry_out(e) for e in result["items"]]
    record_personal_data(
        request, rows=sum(len(e["members"]) for e in result["items"]), what=ENTRANTS
    )
    return result


def _registering_competition(request) -> Competition:
    """The competition of the path, if the caller may register for it (403/404)."""
    competition_id = request.resolver_match.kwargs.get("competition_id")
    if not isinstance(competition_id, int) or not 1 <= competition_id <= MAX_ID:
        raise NotFound()
    competition = _scoped_competition(request, competition_id)
    require(policy.can_register, request.user, competition)
    request.registering_for = competition
    return competition


@router.post(
    "/{int:competition_id}/entries/bulk",
    response={201: BulkEntriesOut, codes_4xx: ErrorOut},
    auth=required_auth_then(_registering_competition),  # refused before the body is read
    url_name="entry_bulk_create",
)
def entry_bulk_create(request, competition_id: Id, payload: BulkEntriesIn):
    """Register many workers at once, as the Excel roster does: every row is checked by
    the roster's rules, and nothing is saved unless all pass (422 lists every problem
    with its row, counted from 1, and field). A caller who may not register for the
    competition is refused (403, or 404 outside his scope) before the rows are read."""
    competition = request.registering_for
    enterprises = list(policy.enterprises_registering_for(request.user).order_by("id"))
    try:
        result, problems = import_entries(
            actor=request.user, competition=competition, rows=payload.rows, enterprises=enterprises
        )
    except SpreadsheetRefused as refused:
        raise InvalidState(" ".join(refused.messages)) from None
    if not result.ok:
        raise Invalid(_rows_refused(len(problems)), problems)
    return Status(
        201, {"rows": result.rows, "entries": result.entries, "new_workers": result.new_workers}
    )


def _rows_refused(n: int) -> str:
    return ngettext(
        "%(n)d problem found; nothing was saved.", "%(n)d problems found; nothing was saved.", n
    ) % {"n": n}


# --- results ---------------------------------------------------------------------------


@router.get(
    "/{int:competition_id}/results",
    response={200: paged(ResultOut), codes_4xx: ErrorOut},
    auth=optional_auth,
    url_name="result_list",
)
def result_list(request, competition_id: Id, page: Query[PageIn]):
    """Results on public notice or published, for anyone; before that, for those who may
    read them (the chief judge, the competition's managers, leadership)."""
    competition = _competition(request, competition_id)
    published = competition.status in RESULT_STATUSES
    if not published:
        in_scope = policy.competitions_visible_to(request.user).filter(pk=competition.pk).exists()
        if not (in_scope and policy.can_read_results(request.user, competition)):
            raise NotFound()
    results = (
        Result.objects.filter(competition=competition)
        .select_related("entry", "entry__enterprise")
        .order_by("position")
    )
    result = page_of(results, page)
    names = member_names(competition, [r.entry_id for r in result["items"]])
    result["items"] = [
        {
            "rank": r.rank,
            "entry_id": r.entry_id,
            "entry": r.entry.number or f"#{r.entry_id}",
            "name": result_name(r.entry, names),
            "organisation": r.entry.enterprise.name,
            "total": r.total,
            "award": r.award,
            "published": published,
        }
        for r in result["items"]
    ]
    return result
