"""Labour-competition checks on a phone (考核): an assessor's seats and open periods,
the participants he may assess, and one check form per participant, saved as a
draft as he goes, then submitted (after a review) and locked; photos taken at the
site as evidence. An enterprise officer enters his own sites' self-checks (自查)
with the same form.

Every page asks :mod:`jingsai.access.policy`. The deeper pages answer 403 to a
user who neither sits on an inspection team (assessor pages) nor is an
enterprise officer (self-check pages); the league, period and participant in the
URL must be one of his seats, an open period of that seat's league and a
participant he may assess there (never across a conflict of interest) — or one
of his enterprises' participants for a self-check — otherwise 404, so a changed
id shows nothing. Photos are streamed by :func:`photo` to those entitled, never
through ``MEDIA_URL``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jingsai.access import policy
from jingsai.access.decorators import get_visible_or_404, requires
from jingsai.competitions.models import Competition
from jingsai.labour.domain import services
from jingsai.labour.models import (
    Assessor,
    Check,
    Indicator,
    League,
    Participant,
    Period,
    Photo,
    plain,
)
from jingsai.people.models import Role

FIELD_PREFIX = "mark-"
PHOTO_TYPES = {"png": "image/png", "jpg": "image/jpeg"}
# a league whose competition is still a draft or archived takes no checks
CLOSED_COMPETITIONS = (Competition.Status.DRAFT, Competition.Status.ARCHIVED)


def signed_in(user) -> bool:
    """The list and the photos: what each user may see is decided inside."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_assessor(user) -> bool:
    return policy.assessor_seats(user).exists()


def _is_officer(user) -> bool:
    return bool(policy.organisation_ids_for(user, Role.ENTERPRISE_OFFICER))


def enters_checks(user) -> bool:
    """An assessor (his checks) or an enterprise officer (his sites' self-checks)."""
    return is_assessor(user) or _is_officer(user)


def _open_periods(league: League):
    return league.periods.filter(status=Period.Status.OPEN).order_by("starts_on", "id")


def _entering_leagues():
    return League.objects.exclude(competition__status__in=CLOSED_COMPETITIONS)


# --- where the user is: his seat (or his enterprise), the period, the participant -----


@dataclass
class Place:
    league: League
    period: Period
    assessor: Assessor | None  # None: a self-check
    participant: Participant | None = None

    @property
    def is_self(self) -> bool:
        return self.assessor is None

    @property
    def kind(self) -> str:
        return Check.Kind.SELF if self.is_self else self.assessor.kind

    def url(self, action: str = "") -> str:
        args = [self.league.pk, self.period.pk, self.participant.pk]
        if self.is_self:
            name = {"": "assess_self_check"}.get(action, f"assess_self_{action}")
        else:
            name = {"": "assess_check"}.get(action, f"assess_check_{action}")
        return reverse(f"portal:{name}", args=args)

    @property
    def list_url(self) -> str:
        if self.is_self:
            return reverse("portal:assess_home")
        return reverse("portal:assess_period", args=[self.league.pk, self.period.pk])

    def own_check(self) -> Check | None:
        return (
            Check.objects.filter(
                period=self.period,
                participant=self.participant,
                kind=self.kind,
                assessor=self.assessor,
            )
            .prefetch_related("photos")
            .first()
        )


def _seat(request, pk: int) -> Assessor:
    seats = policy.assessor_seats(request.user)
    if not is_assessor(request.user):
        raise PermissionDenied
    seat = seats.filter(league_id=pk, league__in=_entering_leagues()).first()
    if seat is None:
        raise Http404
    return seat


def _assessor_place(request, pk: int, period_pk: int, participant_pk: int | None = None) -> Place:
    """The user's seat in league ``pk``, an open period of it and, if asked, a participant
    he may assess (not across a conflict); 403 for a non-assessor, 404 otherwise."""
    seat = _seat(request, pk)
    period = get_visible_or_404(_open_periods(seat.league), pk=period_pk)
    place = Place(seat.league, period, seat)
    if participant_pk is not None:
        place.participant = get_visible_or_404(services.participants_for(seat), pk=participant_pk)
    return place


def _self_place(request, pk: int, period_pk: int, participant_pk: int) -> Place:
    """An open period of league ``pk`` and one of the officer's enterprises' participants."""
    if not _is_officer(request.user):
        raise PermissionDenied
    league = get_visible_or_404(_entering_leagues().select_related("competition"), pk=pk)
    period = get_visible_or_404(_open_periods(league), pk=period_pk)
    participant = get_visible_or_404(
        policy.participants_self_checked_by(request.user, league).select_related("block"),
        pk=participant_pk,
    )
    return Place(league, period, None, participant)


def _place(request, pk, period_pk, participant_pk, self_check: bool) -> Place:
    if self_check:
        return _self_place(request, pk, period_pk, participant_pk)
    return _assessor_place(request, pk, period_pk, participant_pk)


# --- the list of seats, periods and self-checks --------------------------------------


def _state(check: Check | None) -> str:
    if check is None:
        return "new"
    if check.status == Check.Status.SUBMITTED:
        return "submitted"
    return "draft"


@dataclass
class PeriodRow:
    period: Period
    url: str
    submitted: int
    total: int


@dataclass
class SeatRow:
    seat: Assessor
    periods: list[PeriodRow]


@dataclass
class SiteRow:
    participant: Participant
    url: str
    state: str
    marks: int = 0


@dataclass
class SelfPeriod:
    period: Period
    rows: list[SiteRow]


@dataclass
class SelfLeague:
    league: League
    periods: list[SelfPeriod] = field(default_factory=list)


def _seat_rows(user) -> list[SeatRow]:
    rows = []
    seats = policy.assessor_seats(user).filter(league__in=_entering_leagues())
    for seat in seats.order_by("-league__competition__registration_closes", "-id"):
        total = services.participants_for(seat).count()
        periods = []
        for period in _open_periods(seat.league):
            submitted = (
                Check.objects.filter(
                    period=period,
                    assessor=seat,
                    kind=seat.kind,
                    status=Check.Status.SUBMITTED,
                    participant__in=services.participants_for(seat),
                )
                .values("participant")
                .distinct()
                .count()
            )
            url = reverse("portal:assess_period", args=[seat.league_id, period.pk])
            periods.append(PeriodRow(period, url, submitted, total))
        rows.append(SeatRow(seat, periods))
    return rows


def _self_leagues(user) -> list[SelfLeague]:
    enterprises = policy.organisation_ids_for(user, Role.ENTERPRISE_OFFICER)
    if not enterprises:
        return []
    leagues = (
        _entering_leagues()
        .filter(participants__enterprise_id__in=enterprises)
        .select_related("competition")
        .distinct()
        .order_by("-competition__registration_closes", "pk")
    )
    result = []
    for league in leagues:
        participants = list(
            policy.participants_self_checked_by(user, league).select_related("block")
        )
        if not participants:
            continue
        entry = SelfLeague(league)
        for period in _open_periods(league):
            checks = {
                c.participant_id: c
                for c in Check.objects.filter(
                    period=period,
                    kind=Check.Kind.SELF,
                    assessor__isnull=True,
                    participant__in=participants,
                )
            }
            rows = [
                SiteRow(
                    p,
                    reverse("portal:assess_self_check", args=[league.pk, period.pk, p.pk]),
                    _state(checks.get(p.pk)),
                )
                for p in participants
            ]
            entry.periods.append(SelfPeriod(period, rows))
        result.append(entry)
    return result


@requires(signed_in)
def assessments(request):
    """Everything the user may enter; a message for anybody else."""
    seats = _seat_rows(request.user)
    self_leagues = _self_leagues(request.user)
    return render(
        request,
        "portal/assessment/home.html",
        {"seats": seats, "self_leagues": self_leagues},
    )


@dataclass
class BlockGroup:
    name: str
    rows: list[SiteRow]


@requires(enters_checks)
def period(request, pk, period_pk):
    """The participants the assessor may assess in this period, by block, with his checks."""
    place = _assessor_place(request, pk, period_pk)
    seat = place.assessor
    query = request.GET.get("q", "").strip()[:50]
    participants = services.participants_for(seat)
    allowed = set(participants.values_list("pk", flat=True))
    if query:
        participants = participants.filter(name__icontains=query)
    own = {
        c.participant_id: c
        for c in Check.objects.filter(period=place.period, assessor=seat, kind=seat.kind).annotate(
            mark_count=Count("marks")
        )
    }
    groups: list[BlockGroup] = []
    for participant in participants.order_by("block__order", "block_id", "name", "id"):
        name = participant.block.name if participant.block else _("No block")
        if not groups or groups[-1].name != name:
            groups.append(BlockGroup(name, []))
        check = own.get(participant.pk)
        groups[-1].rows.append(
            SiteRow(
                participant,
                reverse("portal:assess_check", args=[pk, period_pk, participant.pk]),
                _state(check),
                check.mark_count if check else 0,
            )
        )
    submitted = sum(
        1
        for c in own.values()
        if c.status == Check.Status.SUBMITTED and c.participant_id in allowed
    )
    return render(
        request,
        "portal/assessment/period.html",
        {
            "seat": seat,
            "league": place.league,
            "competition": place.league.competition,
            "period": place.period,
            "groups": groups,
            "query": query,
            "total": len(allowed),
            "submitted": submitted,
            "indicators": place.league.indicators.count(),
        },
    )


# --- one check -----------------------------------------------------------------------


@dataclass
class MarkField:
    code: str
    name: str
    maximum: Decimal
    guidance: str
    value: str
    error: str = ""

    @property
    def html_name(self) -> str:
        return FIELD_PREFIX + self.code


def _indicators(league: League) -> list[Indicator]:
    return list(league.indicators.all())


def _no_scheme() -> str:
    return _("The assessment scheme has no indicator yet: checks cannot be entered.")


def _typed(post, indicators: list[Indicator]) -> dict[str, str]:
    return {i.code: post.get(FIELD_PREFIX + i.code, "").strip() for i in indicators}


def _fields(indicators, values: dict[str, str], errors: dict[str, str]) -> list[MarkField]:
    return [
        MarkField(
            code=i.code,
            name=i.name,
            maximum=plain(i.maximum),
            guidance=i.guidance,
            value=values.get(i.code, ""),
            error=errors.get(i.code, ""),
        )
        for i in indicators
    ]


def _stored(check: Check | None) -> dict[str, str]:
    if check is None:
        return {}
    return {code: str(plain(value)) for code, value in services.marks_of(check).items()}


def _validate(indicators, values: dict[str, str]) -> dict[str, str]:
    """Each typed mark's error (all of them at once, not only the first)."""
    errors = {}
    for indicator in indicators:
        value = values.get(indicator.code, "")
        if value:
            try:
                services.to_units(value, indicator)
            except services.LabourRefused as refused:
                errors[indicator.code] = refused.message
    return errors


def _checked_on(post) -> tuple[dt.date | None, str]:
    text = post.get("checked_on", "").strip()
    if not text:
        return None, ""
    try:
        return dt.date.fromisoformat(text), ""
    except ValueError:
        return None, _("Enter the date as YYYY-MM-DD.")


def _note(post) -> str | None:
    return post["note"].strip()[:5000] if "note" in post else None


def _save_draft(request, place: Place, indicators, values):
    """Save what is valid; returns (check or None, field errors, refusal)."""
    if not indicators:
        return None, {}, _no_scheme()
    errors = _validate(indicators, values)
    checked_on, date_error = _checked_on(request.POST)
    if date_error:
        errors["checked_on"] = date_error
    valid = {code: v for code, v in values.items() if code not in errors}
    try:
        check = services.save_check(
            actor=request.user,
            period=place.period,
            participant=place.participant,
            kind=place.kind,
            assessor=place.assessor,
            values=valid,
            note=_note(request.POST),
            checked_on=checked_on,
        )
    except services.LabourRefused as refused:
        if refused.field:
            return None, errors | {refused.field: refused.message}, ""
        return None, errors, refused.message
    return check, errors, ""


def _context(place: Place) -> dict:
    return {
        "place": place,
        "league": place.league,
        "competition": place.league.competition,
        "period": place.period,
        "participant": place.participant,
        "is_self": place.is_self,
        "list_url": place.list_url,
        "check_url": place.url(),
        "draft_url": place.url("draft"),
        "submit_url": place.url("submit"),
        "photos_url": place.url("photos"),
    }


def _render_check(
    request,
    place: Place,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    photo_error: str = "",
    caption: str = "",
    note: str | None = None,
    checked_on: str | None = None,
):
    """The form; ``typed`` (what was just posted) wins over the stored marks, so nothing
    typed is lost when something is refused. A submitted check is shown read-only."""
    indicators = _indicators(place.league)
    check = place.own_check()
    stored = _stored(check)
    values = stored | {code: v for code, v in (typed or {}).items() if v}
    state = _state(check)
    errors = errors or {}
    if checked_on is None:
        date = check.checked_on if check and check.checked_on else timezone.localdate()
        checked_on = date.isoformat()
    return render(
        request,
        "portal/assessment/check.html",
        {
            **_context(place),
            "check": check,
            "state": state,
            "editable": state != "submitted" and bool(indicators),
            "message": message or ("" if indicators else _no_scheme()),
            "fields": _fields(indicators, values, errors),
            "note": check.note if note is None and check else (note or ""),
            "checked_on": checked_on,
            "date_error": errors.get("checked_on", ""),
            "photos": [(p, reverse("portal:assess_photo", args=[p.pk])) for p in check.photos.all()]
            if check
            else [],
            "photo_error": photo_error,
            "caption": caption,
            "saved_at": check.updated_at if check else None,
        },
    )


@requires(enters_checks)
def check_form(request, pk, period_pk, participant_pk, self_check=False):
    place = _place(request, pk, period_pk, participant_pk, self_check)
    return _render_check(request, place)


@requires(enters_checks)
def check_draft(request, pk, period_pk, participant_pk, self_check=False):
    """Save the draft: answers htmx with a small fragment, a plain post with the page."""
    place = _place(request, pk, period_pk, participant_pk, self_check)
    if request.method != "POST":
        return redirect(place.url())
    indicators = _indicators(place.league)
    values = _typed(request.POST, indicators)
    saved, errors, refusal = _save_draft(request, place, indicators, values)
    if request.htmx:
        codes = [i.code for i in indicators] + ["checked_on"]
        return render(
            request,
            "portal/assessment/_saved.html",
            {
                "saved_at": saved.updated_at if saved else None,
                "errors": errors,
                "refusal": refusal,
                "fields": [(code, errors.get(code, "")) for code in codes],
            },
        )
    if saved is not None and not errors:
        time = timezone.localtime(saved.updated_at).strftime("%H:%M")
        messages.success(request, _("Draft saved at %(time)s.") % {"time": time})
        return redirect(place.url())
    return _render_check(
        request,
        place,
        typed=values,
        errors=errors,
        message=refusal,
        note=_note(request.POST),
        checked_on=request.POST.get("checked_on", "").strip(),
    )


@requires(enters_checks)
def check_submit(request, pk, period_pk, participant_pk, self_check=False):
    """Submit in two steps: what was typed is saved and shown for review, then a second
    post (``confirm=1``) locks it. A repeated post (a double tap) changes nothing."""
    place = _place(request, pk, period_pk, participant_pk, self_check)
    if request.method != "POST":
        return redirect(place.url())
    indicators = _indicators(place.league)
    values = _typed(request.POST, indicators)
    current = place.own_check()
    if current is not None and current.status == Check.Status.SUBMITTED:
        messages.warning(request, _("This check is already submitted and locked."))
        return redirect(place.url())
    if not indicators:
        messages.error(request, _no_scheme())
        return redirect(place.url())
    if request.POST.get("confirm") != "1":
        return _review(request, place, indicators, values)
    checked_on, date_error = _checked_on(request.POST)
    if date_error:
        return _render_check(
            request, place, typed=values, errors={"checked_on": date_error}, message=date_error
        )
    try:
        services.save_check(
            actor=request.user,
            period=place.period,
            participant=place.participant,
            kind=place.kind,
            assessor=place.assessor,
            values=values,
            note=_note(request.POST),
            checked_on=checked_on,
            submit=True,
        )
    except services.LabourRefused as refused:
        if refused.field:
            return _render_check(
                request,
                place,
                typed=values,
                errors={refused.field: refused.message},
                message=refused.message,
            )
        messages.warning(request, refused.message)
    else:
        messages.success(request, _("Check submitted and locked."))
    return redirect(place.url())


def _review(request, place: Place, indicators, values):
    saved, errors, refusal = _save_draft(request, place, indicators, values)
    check = saved or place.own_check()
    stored = _stored(check)
    for indicator in indicators:
        if indicator.code not in stored and indicator.code not in errors:
            errors[indicator.code] = _("Enter a mark.")
    if errors or refusal:
        return _render_check(
            request,
            place,
            typed=values,
            errors=errors,
            message=refusal or _("Some marks are missing or not valid."),
            note=_note(request.POST),
            checked_on=request.POST.get("checked_on", "").strip(),
        )
    return render(
        request,
        "portal/assessment/confirm.html",
        {
            **_context(place),
            "check": check,
            "fields": _fields(indicators, stored, {}),
            "photo_count": check.photos.count(),
        },
    )


# --- photos --------------------------------------------------------------------------


@requires(enters_checks)
def photos(request, pk, period_pk, participant_pk, self_check=False):
    """Add photos to the check (a draft is started if there is none yet)."""
    place = _place(request, pk, period_pk, participant_pk, self_check)
    if request.method != "POST":
        return redirect(place.url())
    uploads = request.FILES.getlist("photo")
    caption = request.POST.get("caption", "").strip()[:200]
    if not _indicators(place.league):
        return _render_check(request, place, photo_error=_no_scheme(), caption=caption)
    if not uploads:
        return _render_check(
            request, place, photo_error=_("Choose or take a photo first."), caption=caption
        )
    check = place.own_check()
    if check is not None and check.status == Check.Status.SUBMITTED:
        messages.warning(request, _("This check is already submitted and locked."))
        return redirect(place.url())
    # every photo is looked at first: none that may be added, no draft is started for them
    refusals = []
    for upload in uploads:
        try:
            services.photo_kind(upload)
        except services.LabourRefused as refused:
            refusals.append(_refused_photo(upload, refused, len(uploads)))
    if len(refusals) == len(uploads):
        return _render_check(request, place, photo_error=" ".join(refusals), caption=caption)
    if check is None:
        try:
            check = services.save_check(
                actor=request.user,
                period=place.period,
                participant=place.participant,
                kind=place.kind,
                assessor=place.assessor,
                values={},
            )
        except services.LabourRefused as refused:
            return _render_check(request, place, photo_error=refused.message, caption=caption)
    added, refusals = 0, []
    for upload in uploads:
        try:
            services.add_photo(actor=request.user, check=check, upload=upload, caption=caption)
        except services.LabourRefused as refused:
            refusals.append(_refused_photo(upload, refused, len(uploads)))
        else:
            added += 1
    if refusals:
        if added:
            messages.success(request, _added(added))
        return _render_check(request, place, photo_error=" ".join(refusals), caption=caption)
    messages.success(request, _added(added))
    return redirect(place.url() + "#photos")


def _refused_photo(upload, refused, uploads: int) -> str:
    """Why a photo was refused; named by its file when several were sent together."""
    name = (upload.name or "")[:80]
    return f"{name}: {refused.message}" if uploads > 1 else refused.message


def _added(count: int) -> str:
    return ngettext("%(count)s photo added.", "%(count)s photos added.", count) % {"count": count}


def _may_see_photo(user, photo: Photo) -> bool:
    check = photo.check_ref
    if check.assessor is not None and check.assessor.user_id == user.pk:
        return True
    league = check.period.league
    if (
        check.kind == Check.Kind.SELF
        and policy.participants_self_checked_by(user, league)
        .filter(pk=check.participant_id)
        .exists()
    ):
        return True
    return policy.can_read_league(user, league.competition)


@requires(signed_in)
def photo(request, photo_pk):
    """One photo, to the check's assessor, the officer whose self-check it is, or those
    who read the league; 404 for anybody else (no hint that it exists)."""
    found = (
        Photo.objects.select_related(
            "check_ref__assessor", "check_ref__period__league__competition"
        )
        .filter(pk=photo_pk)
        .first()
    )
    if found is None or found.kind not in PHOTO_TYPES or not _may_see_photo(request.user, found):
        raise Http404
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=PHOTO_TYPES[found.kind],
        as_attachment=False,
        filename=f"photo-{found.pk}.{found.kind}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
