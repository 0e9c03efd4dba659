"""A judge's own mark sheets, as the portal's judge pages: his seats' assigned entries,
one sheet per entry: read it, save a draft, submit (which locks it).

Every call needs a seat on a panel (403 otherwise); the competition and the entry
must be one of his seats and one of the entries assigned to him there (404
otherwise). Under blind marking only the drawn code names an entry. Writes go
through :mod:`jingsai.judging.domain.sheets`, as the portal's do.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import codes_4xx

from jingsai.access import policy
from jingsai.api.auth import required_auth
from jingsai.api.errors import ErrorOut, Invalid, InvalidState, NotFound
from jingsai.api.pagination import PageIn, page_of, paged
from jingsai.api.schemas import Id
from jingsai.api.schemas.judging import MarksIn, SheetOut, SheetRowOut
from jingsai.api.scoping import require
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.judging.domain import panel, sheets
from jingsai.judging.models import BlindCode, Judging, PanelJudge, Sheet

router = Router(tags=["judging"], auth=required_auth)


def member_names(entry_ids) -> dict[int, list[str]]:
    """Entry id → its active members' names, captain first (one query)."""
    names: dict[int, list[str]] = {}
    members = EntryMember.objects.filter(entry_id__in=list(entry_ids), active=True).order_by(
        "entry_id", "-is_captain", "id"
    )
    for entry_id, name in members.values_list("entry_id", "worker__name"):
        names.setdefault(entry_id, []).append(name)
    return names


def entry_label(entry: Entry, *, hidden: bool, names: dict[int, list[str]] | None = None) -> str:
    """The drawn code under blind marking (nothing else); otherwise number and name."""
    if hidden:
        try:
            return entry.blind_code.code
        except BlindCode.DoesNotExist:
            return _("Anonymous entry (no code drawn yet)")
    if names is None:
        names = member_names([entry.pk])
    name = entry.team_name or entry.project_name or "、".join(names.get(entry.pk, []))
    return " · ".join(part for part in (entry.number or "", name) if part) or f"#{entry.pk}"


def state_of(sheet: Sheet | None, marks: int) -> str:
    if sheet is None:
        return "new"
    if sheet.status == Sheet.Status.SUBMITTED:
        return "submitted"
    if sheet.status == Sheet.Status.RETURNED:
        return "returned"
    return "draft" if marks else "new"


@router.get(
    "/sheets", response={200: paged(SheetRowOut), codes_4xx: ErrorOut}, url_name="judge_sheets"
)
def judge_sheets(request, page: Query[PageIn]):
    """The entries assigned to the caller in competitions being judged, with his sheets."""
    require(policy.is_judge, request.user)
    user = request.user
    seats = list(policy.judge_seats(user).filter(competition__status=Competition.Status.JUDGING))
    rows = []
    for seat in seats:
        competition = seat.competition
        hidden = panel.identities_hidden(competition)
        own = {
            s.entry_id: s
            for s in policy.sheets_visible_to(user, competition)
            .filter(judge=seat)
            .annotate(mark_count=Count("marks"))
        }
        entries = list(policy.entries_assigned_to(user, competition).select_related("blind_code"))
        names = {} if hidden else member_names(e.pk for e in entries)
        for entry in entries:
            sheet = own.get(entry.pk)
            marks = sheet.mark_count if sheet else 0
            rows.append(
                {
                    "competition_id": competition.pk,
                    "competition_title": competition.title,
                    "entry_id": entry.pk,
                    "label": entry_label(entry, hidden=hidden, names=names),
                    "state": state_of(sheet, marks),
                    "marks": marks,
                }
            )
    rows.sort(key=lambda r: (r["competition_id"], r["label"]))  # never in registration order
    return page_of(rows, page)


def _place(request, competition_id: int, entry_id: int) -> tuple[PanelJudge, Entry, bool]:
    require(policy.is_judge, request.user)
    seat = policy.judge_seats(request.user).filter(competition_id=competition_id).first()
    if seat is None:
        raise NotFound()
    entry = (
        policy.entries_assigned_to(request.user, seat.competition)
        .select_related("competition", "blind_code")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotFound()
    return seat, entry, panel.identities_hidden(seat.competition)


def _refusal(seat: PanelJudge, entry: Entry, *, hidden: bool) -> str:
    competition = entry.competition
    if competition.status not in sheets.MARKING_STATUSES:
        return _("Marking is not open: the competition is not being judged.")
    if Judging.objects.filter(pk=competition.pk, marks_confirmed_at__isnull=False).exists():
        return _("The chief judge has confirmed the marks; they are closed.")
    reason = panel.marking_refusal(seat, entry)
    if reason and hidden:
        return _("You may not mark this entry: you have a conflict of interest with it.")
    return reason


def _sheet_out(request, seat: PanelJudge, entry: Entry, hidden: bool) -> dict:
    criteria = sheets.criteria_of(entry.competition)
    sheet = (
        policy.sheets_visible_to(request.user, seat.competition)
        .filter(judge=seat, entry=entry)
        .first()
    )
    stored = sheets.marks_of(sheet) if sheet else {}
    return {
        "competition_id": seat.competition_id,
        "entry_id": entry.pk,
        "label": entry_label(entry, hidden=hidden),
        "state": state_of(sheet, len(stored)),
        "version": sheet.version if sheet else 0,
        "refusal": _refusal(seat, entry, hidden=hidden),
        "criteria": [
            {
                "code": c.code,
                "name": c.name,
                "stage": c.stage.name,
                "max_mark": c.max_mark,
                "required": sheets.required(c),
            }
            for c in criteria
        ],
        "marks": stored,
    }


SHEET = "/competitions/{int:competition_id}/entries/{int:entry_id}/sheet"


@router.get(SHEET, response={200: SheetOut, codes_4xx: ErrorOut}, url_name="judge_sheet")
def judge_sheet(request, competition_id: Id, entry_id: Id):
    seat, entry, hidden = _place(request, competition_id, entry_id)
    return _sheet_out(request, seat, entry, hidden)


def _refused(refused: sheets.SheetRefused):
    if refused.field_errors:
        raise Invalid(
            str(refused),
            [
                {"location": "body", "field": f"marks.{code}", "message": message}
                for code, message in refused.field_errors.items()
            ],
        ) from None
    raise InvalidState(str(refused)) from None


def _marks(payload: MarksIn) -> dict[str, str]:
    return {code: str(value) for code, value in payload.marks.items()}


@router.put(SHEET, response={200: SheetOut, codes_4xx: ErrorOut}, url_name="judge_sheet_draft")
def judge_sheet_draft(request, competition_id: Id, entry_id: Id, payload: MarksIn):
    """Save a draft: the marks given replace those stored; others stay as they were."""
    seat, entry, hidden = _place(request, competition_id, entry_id)
    refusal = _refusal(seat, entry, hidden=hidden)
    if refusal:
        raise InvalidState(refusal)
    try:
        sheets.save_draft(judge=seat, entry=entry, values=_marks(payload))
    except sheets.SheetRefused as refused:
        _refused(refused)
    return _sheet_out(request, seat, entry, hidden)


@router.post(
    SHEET + "/submit", response={200: SheetOut, codes_4xx: ErrorOut}, url_name="judge_sheet_submit"
)
def judge_sheet_submit(request, competition_id: Id, entry_id: Id, payload: MarksIn):
    """Save the marks given (if any) and submit: every required criterion needs a mark;
    the sheet is then locked. A second submission is refused (409) and changes nothing."""
    seat, entry, hidden = _place(request, competition_id, entry_id)
    refusal = _refusal(seat, entry, hidden=hidden)
    if refusal:
        raise InvalidState(refusal)
    try:
        sheets.submit(actor=request.user, judge=seat, entry=entry, values=_marks(payload))
    except sheets.SheetRefused as refused:
        _refused(refused)
    return _sheet_out(request, seat, entry, hidden)
