"""A labour competition's league in the back office (organisers and programme admins
manage it; leadership and the inspection team read it): settings and scheme,
participants, assessors and their conflicts, periods, the progress of a period's
checks, bonuses and vetoes, confirmation, rankings, standings, corrections, check
imports and the year's end.

Every page finds the competition among those the user may see (404), then asks
:func:`jingsai.access.policy.can_read_league` or
:func:`~jingsai.access.policy.can_manage_league` (403). Every block, indicator,
participant, assessor, period, check or photo named in a URL belongs to that
competition's league (404 otherwise). Changes are POST only and go through
:mod:`jingsai.labour.domain.services` (or the audited helpers of
:mod:`jingsai.common.domain.changes`); its refusals are shown on the form.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, ProtectedError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jingsai.access import policy
from jingsai.access.decorators import requires
from jingsai.backoffice.league_forms import (
    AssessorForm,
    BlockForm,
    BonusForm,
    BonusItemForm,
    CheckCorrectionForm,
    ChecksImportForm,
    ConflictForm,
    IndicatorForm,
    LeagueSettingsForm,
    MonthlyPeriodsForm,
    ParticipantForm,
    PeriodForm,
    ReasonForm,
    RemovalForm,
    VetoForm,
    VetoItemForm,
)
from jingsai.backoffice.views import import_reports
from jingsai.backoffice.views.competitions import visible_competition
from jingsai.backoffice.views.querystrings import query_without_page
from jingsai.common.domain import changes
from jingsai.common.models import AuditEntry
from jingsai.common.pagination import paginate
from jingsai.common.spreadsheet_import import XLSX_MIME_IMPORT
from jingsai.common.spreadsheets import Column, XlsxExport
from jingsai.competitions.models import Competition, Entry
from jingsai.labour.domain import checks_import, services
from jingsai.labour.domain.services import LabourRefused
from jingsai.labour.models import (
    Assessor,
    AssessorConflict,
    Block,
    Bonus,
    BonusItem,
    Check,
    Indicator,
    League,
    Participant,
    Period,
    PeriodScore,
    Photo,
    Standing,
    Veto,
    VetoItem,
    plain,
    units_to_decimal,
)

GRID_PAGE_SIZE = 200
TABLE_PAGE_SIZE = 200
IMPORT_ERRORS_SHOWN = 50
KINDS = [(k.value, k.label) for k in Check.Kind]
PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


# --- access ----------------------------------------------------------------------


def _competition(request, pk, allowed) -> Competition:
    """A labour competition the user sees (404) and ``allowed`` lets him use (403)."""
    competition = visible_competition(request, pk)
    if competition.kind != Competition.Kind.LABOUR:
        raise Http404
    if not allowed(request.user, competition):
        raise PermissionDenied
    return competition


def _league(request, pk, *, manage: bool = False) -> League:
    """The competition's league; a manager's first visit sets it up, a reader gets 404."""
    competition = _competition(
        request, pk, policy.can_manage_league if manage else policy.can_read_league
    )
    league = League.objects.filter(competition=competition).first()
    if league is None:
        if not policy.can_manage_league(request.user, competition):
            raise Http404
        league = services.league_of(competition, actor=request.user)
    league.competition = competition
    return league


def _context(request, league: League, tab: str, **extra) -> dict:
    return {
        "competition": league.competition,
        "league": league,
        "manage": policy.can_manage_league(request.user, league.competition),
        "tab": tab,
        **extra,
    }


def _period(league: League, period_pk) -> Period:
    return get_object_or_404(Period, pk=period_pk, league=league)


def _participant(league: League, participant_pk) -> Participant:
    return get_object_or_404(
        Participant.objects.select_related("block", "enterprise", "entry"),
        pk=participant_pk,
        league=league,
    )


def _refuse(form, refused: LabourRefused) -> None:
    """A domain refusal onto the form, next to its field when the form has it."""
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


def _history(obj, limit: int = 30):
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("-occurred_at", "-id")[:limit]


# --- overview and settings -----------------------------------------------------------


def _period_rows(league: League) -> list[Period]:
    periods = list(league.periods.all())
    counts: dict[int, Counter] = defaultdict(Counter)
    for period_id, status, n in (
        Check.objects.filter(period__league=league)
        .values_list("period_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[period_id][status] = n
    scored = dict(
        PeriodScore.objects.filter(period__league=league)
        .values_list("period_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    flags = dict(
        PeriodScore.objects.filter(period__league=league, flag=True)
        .values_list("period_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for period in periods:
        period.submitted = counts[period.pk][Check.Status.SUBMITTED]
        period.drafts = counts[period.pk][Check.Status.DRAFT]
        period.scored = scored.get(period.pk, 0)
        period.flags = flags.get(period.pk, 0)
    return periods


def _can_finalise(periods: list[Period]) -> bool:
    return bool(periods) and all(not p.is_open for p in periods)


@requires(policy.can_browse_competitions)
def overview(request, pk):
    competition = _competition(request, pk, policy.can_read_league)
    manage = policy.can_manage_league(request.user, competition)
    league = League.objects.filter(competition=competition).first()
    if league is None and manage:
        league = services.league_of(competition, actor=request.user)
    if league is None:
        return render(
            request,
            "backoffice/league/overview.html",
            {"competition": competition, "league": None, "manage": False, "tab": "overview"},
        )
    league.competition = competition
    form = None
    if manage:
        form = LeagueSettingsForm(
            request.POST or None, instance=League.objects.get(pk=league.pk), prefix="settings"
        )
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.save_scheme_object(form.instance, actor=request.user)
            except LabourRefused as refused:
                _refuse(form, refused)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("backoffice:league_overview", pk=pk)
    periods = _period_rows(league)
    last_confirmed = next((p for p in reversed(periods) if not p.is_open), None)
    return render(
        request,
        "backoffice/league/overview.html",
        _context(
            request,
            league,
            "overview",
            form=form,
            problems=services.scheme_problems(league),
            locked=services.scheme_locked(league),
            periods=periods,
            last_confirmed=last_confirmed,
            can_finalise=manage and _can_finalise(periods),
            counts={
                "participants": league.participants.count(),
                "blocks": league.blocks.count(),
                "indicators": league.indicators.count(),
                "assessors": league.assessors.count(),
            },
        ),
    )


@requires(policy.can_browse_competitions)
@require_POST
def finalise(request, pk):
    league = _league(request, pk, manage=True)
    try:
        services.finalise(actor=request.user, league=league)
    except LabourRefused as refused:
        messages.error(request, refused.message)
        return redirect("backoffice:league_overview", pk=pk)
    messages.success(request, _("The year-end standings are final and the awards are given."))
    last = league.periods.order_by("-starts_on", "-id").first()
    return redirect("backoffice:league_standings", pk=pk, period_pk=last.pk)


# --- the scheme ----------------------------------------------------------------------

SCHEME_KINDS = {
    "indicator": (
        Indicator,
        IndicatorForm,
        gettext_lazy("Add an indicator"),
        gettext_lazy("Edit indicator"),
        gettext_lazy("Indicator removed."),
    ),
    "bonus": (
        BonusItem,
        BonusItemForm,
        gettext_lazy("Add a bonus item"),
        gettext_lazy("Edit bonus item"),
        gettext_lazy("Bonus item removed."),
    ),
    "veto": (
        VetoItem,
        VetoItemForm,
        gettext_lazy("Add a veto item"),
        gettext_lazy("Edit veto item"),
        gettext_lazy("Veto item removed."),
    ),
    "block": (
        Block,
        BlockForm,
        gettext_lazy("Add a block"),
        gettext_lazy("Edit block"),
        gettext_lazy("Block removed."),
    ),
}


@requires(policy.can_browse_competitions)
def scheme(request, pk):
    league = _league(request, pk)
    indicators = list(league.indicators.all())
    return render(
        request,
        "backoffice/league/scheme.html",
        _context(
            request,
            league,
            "scheme",
            indicators=indicators,
            weights_total=plain(sum((i.weight for i in indicators), Decimal(0))),
            bonus_items=league.bonus_items.all(),
            veto_items=league.veto_items.all(),
            blocks=league.blocks.annotate(n=Count("participants")),
            problems=services.scheme_problems(league),
            locked=services.scheme_locked(league),
        ),
    )


def _scheme_kind(kind: str):
    if kind not in SCHEME_KINDS:
        raise Http404
    return SCHEME_KINDS[kind]


@requires(policy.can_browse_competitions)
def scheme_edit(request, pk, kind, item_pk=None):
    league = _league(request, pk, manage=True)
    model, form_class, add_title, edit_title, _done = _scheme_kind(kind)
    if item_pk is not None:
        item = get_object_or_404(model, pk=item_pk, league=league)
        initial = {}
    else:
        item = model(league=league)
        initial = {}
        if "order" in form_class._meta.fields:
            top = model.objects.filter(league=league).aggregate(top=Max("order"))["top"]
            initial["order"] = (top or 0) + 1
    form = form_class(request.POST or None, instance=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_scheme_object(form.instance, actor=request.user)
        except LabourRefused as refused:
            _refuse(form, refused)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:league_scheme", pk=pk)
    return render(
        request,
        "backoffice/league/form.html",
        _context(
            request,
            league,
            "scheme",
            form=form,
            title=edit_title if item_pk is not None else add_title,
            back=reverse("backoffice:league_scheme", args=[pk]),
        ),
    )


@requires(policy.can_browse_competitions)
@require_POST
def scheme_delete(request, pk, kind, item_pk):
    league = _league(request, pk, manage=True)
    model, _form, _add, _edit, done = _scheme_kind(kind)
    item = get_object_or_404(model, pk=item_pk, league=league)
    try:
        services.delete_scheme_object(item, actor=request.user)
    except LabourRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, str(done))
    return redirect("backoffice:league_scheme", pk=pk)


# --- participants --------------------------------------------------------------------


@requires(policy.can_browse_competitions)
def participants(request, pk):
    league = _league(request, pk)
    found = Participant.objects.filter(league=league).select_related("block", "enterprise", "entry")
    blocks = list(league.blocks.all())
    block = request.GET.get("block", "")
    if block == "none":
        found = found.filter(block__isnull=True)
    elif block.isdigit():
        found = found.filter(block_id=int(block))
    page = paginate(found, page=request.GET.get("page"), page_size=GRID_PAGE_SIZE)
    waiting = Entry.objects.filter(
        competition=league.competition, status=Entry.Status.APPROVED, participant__isnull=True
    ).count()
    return render(
        request,
        "backoffice/league/participants.html",
        _context(
            request,
            league,
            "participants",
            page=page,
            query=query_without_page(request.GET),
            blocks=blocks,
            block=block,
            waiting=waiting,
        ),
    )


@requires(policy.can_browse_competitions)
def participant_create(request, pk):
    league = _league(request, pk, manage=True)
    form = ParticipantForm(
        request.POST or None, instance=Participant(league=league), league=league, adding=True
    )
    if request.method == "POST" and form.is_valid():
        details = form.details()
        name, block = details.pop("name"), details.pop("block")
        try:
            participant = services.add_participant(
                league,
                actor=request.user,
                name=name,
                enterprise=form.cleaned_data["enterprise"],
                block=block,
                **details,
            )
        except LabourRefused as refused:
            _refuse(form, refused)
        else:
            messages.success(
                request,
                _("%(name)s takes part as entry %(number)s.")
                % {"name": participant.name, "number": participant.entry.number or "—"},
            )
            return redirect("backoffice:league_participants", pk=pk)
    return render(
        request,
        "backoffice/league/form.html",
        _context(
            request,
            league,
            "participants",
            form=form,
            title=_("Add a participant"),
            back=reverse("backoffice:league_participants", args=[pk]),
        ),
    )


@requires(policy.can_browse_competitions)
def participant_edit(request, pk, participant_pk):
    league = _league(request, pk, manage=True)
    participant = _participant(league, participant_pk)
    form = ParticipantForm(request.POST or None, instance=participant, league=league)
    if request.method == "POST" and form.is_valid():
        try:
            changes.update_audited(
                Participant.objects.get(pk=participant.pk),
                actor=request.user,
                changes=form.details(),
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:league_participants", pk=pk)
    return render(
        request,
        "backoffice/league/form.html",
        _context(
            request,
            league,
            "participants",
            form=form,
            title=_("Edit participant"),
            subtitle=f"{participant.entry.number or ''} · {participant.enterprise}",
            back=reverse("backoffice:league_participants", args=[pk]),
            history=_history(participant),
        ),
    )


@requires(policy.can_browse_competitions)
@require_POST
def take_in(request, pk):
    league = _league(request, pk, manage=True)
    try:
        count = services.take_in_entries(league, actor=request.user)
    except LabourRefused as refused:
        messages.error(request, refused.message)
    else:
        if count:
            messages.success(request, _("%(n)s approved entries now take part.") % {"n": count})
        else:
            messages.info(request, _("Every approved entry already takes part."))
    return redirect("backoffice:league_participants", pk=pk)


# --- assessors -----------------------------------------------------------------------


@requires(policy.can_browse_competitions)
def assessors(request, pk):
    league = _league(request, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    if action and not policy.can_manage_league(request.user, league.competition):
        raise PermissionDenied
    assessor_form = AssessorForm(request.POST if action == "assessor" else None, prefix="assessor")
    conflict_form = ConflictForm(
        request.POST if action == "conflict" else None, league=league, prefix="conflict"
    )
    if action == "assessor" and assessor_form.is_valid():
        data = assessor_form.cleaned_data
        user = data["username"]
        if Assessor.objects.filter(league=league, user=user).exists():
            assessor_form.add_error("username", _("This login is already on the inspection team."))
        else:
            assessor = Assessor(
                league=league,
                user=user,
                name=(data["name"] or user.get_full_name() or str(user))[:50],
                organisation=data["organisation"],
                kind=data["kind"],
                is_lead=data["is_lead"],
            )
            try:
                changes.create_audited(assessor, actor=request.user)
            except ValidationError as error:
                assessor_form.add_error(None, " ".join(error.messages))
            else:
                messages.success(
                    request, _("%(name)s joined the inspection team.") % {"name": assessor.name}
                )
                return redirect("backoffice:league_assessors", pk=pk)
    if action == "conflict" and conflict_form.is_valid():
        data = conflict_form.cleaned_data
        if AssessorConflict.objects.filter(
            assessor=data["assessor"], participant=data["participant"]
        ).exists():
            conflict_form.add_error("participant", _("This conflict is already declared."))
        else:
            try:
                changes.create_audited(
                    AssessorConflict(
                        assessor=data["assessor"],
                        participant=data["participant"],
                        reason=data["reason"],
                    ),
                    actor=request.user,
                )
            except ValidationError as error:
                conflict_form.add_error(None, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("Conflict recorded: %(assessor)s does not assess %(participant)s.")
                    % {"assessor": data["assessor"].name, "participant": data["participant"].name},
                )
                return redirect("backoffice:league_assessors", pk=pk)
    team = list(
        Assessor.objects.filter(league=league)
        .select_related("user", "organisation")
        .prefetch_related("conflicts__participant")
        .annotate(n_checks=Count("checks"))
    )
    return render(
        request,
        "backoffice/league/assessors.html",
        _context(
            request,
            league,
            "assessors",
            assessors=team,
            assessor_form=assessor_form,
            conflict_form=conflict_form,
        ),
    )


@requires(policy.can_browse_competitions)
@require_POST
def assessor_remove(request, pk, assessor_pk):
    league = _league(request, pk, manage=True)
    assessor = get_object_or_404(Assessor, pk=assessor_pk, league=league)
    try:
        changes.delete_audited(assessor, actor=request.user)
    except ProtectedError:
        messages.error(
            request, _("%(name)s has entered checks and stays on the team.") % {"name": assessor}
        )
    else:
        messages.success(request, _("%(name)s left the inspection team.") % {"name": assessor})
    return redirect("backoffice:league_assessors", pk=pk)


@requires(policy.can_browse_competitions)
@require_POST
def conflict_remove(request, pk, conflict_pk):
    league = _league(request, pk, manage=True)
    conflict = get_object_or_404(
        AssessorConflict.objects.select_related("assessor", "participant"),
        pk=conflict_pk,
        assessor__league=league,
    )
    changes.delete_audited(conflict, actor=request.user)
    messages.success(request, _("The declared conflict is removed."))
    return redirect("backoffice:league_assessors", pk=pk)


# --- periods -------------------------------------------------------------------------


@requires(policy.can_browse_competitions)
def periods(request, pk):
    league = _league(request, pk)
    return render(
        request,
        "backoffice/league/periods.html",
        _context(
            request,
            league,
            "periods",
            periods=_period_rows(league),
            monthly_form=MonthlyPeriodsForm(prefix="monthly"),
        ),
    )


@requires(policy.can_browse_competitions)
@require_POST
def monthly(request, pk):
    league = _league(request, pk, manage=True)
    form = MonthlyPeriodsForm(request.POST, prefix="monthly")
    if not form.is_valid():
        messages.error(request, _("Give a year from 2000 to 2100."))
        return redirect("backoffice:league_periods", pk=pk)
    try:
        made = services.monthly_periods(league, form.cleaned_data["year"], actor=request.user)
    except LabourRefused as refused:
        messages.error(request, refused.message)
    else:
        if made:
            messages.success(request, _("%(n)s monthly periods created.") % {"n": len(made)})
        else:
            messages.info(request, _("Every month of this year already has its period."))
    return redirect("backoffice:league_periods", pk=pk)


@requires(policy.can_browse_competitions)
def period_edit(request, pk, period_pk=None):
    league = _league(request, pk, manage=True)
    period = _period(league, period_pk) if period_pk is not None else Period(league=league)
    form = PeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_scheme_object(form.instance, actor=request.user)
        except LabourRefused as refused:
            _refuse(form, refused)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:league_periods", pk=pk)
    return render(
        request,
        "backoffice/league/form.html",
        _context(
            request,
            league,
            "periods",
            form=form,
            title=_("Edit period") if period_pk is not None else _("Add a period"),
            back=reverse("backoffice:league_periods", args=[pk]),
        ),
    )


@requires(policy.can_browse_competitions)
@require_POST
def period_delete(request, pk, period_pk):
    league = _league(request, pk, manage=True)
    period = _period(league, period_pk)
    try:
        services.delete_scheme_object(period, actor=request.user)
    except LabourRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Period removed."))
    return redirect("backoffice:league_periods", pk=pk)


# --- one period: progress, bonuses and vetoes ---------------------------------------


def _kind_counts(period: Period, participant_ids=None) -> dict:
    """(participant id, kind) → {"submitted": n, "draft": n}; None as participant: totals."""
    checks = Check.objects.filter(period=period)
    if participant_ids is not None:
        checks = checks.filter(participant_id__in=participant_ids)
    counts: dict = defaultdict(Counter)
    for participant_id, kind, status, n in (
        checks.values_list("participant_id", "kind", "status").annotate(n=Count("id")).order_by()
    ):
        counts[(participant_id, kind)][status] += n
    return counts


def _render_period(request, league, period, *, bonus_form=None, veto_form=None, status=200):
    manage = policy.can_manage_league(request.user, league.competition)
    confirmed = not period.is_open
    found = Participant.objects.filter(league=league).select_related("block", "entry")
    page = paginate(found, page=request.GET.get("page"), page_size=GRID_PAGE_SIZE)
    counts = _kind_counts(period, [p.pk for p in page.items])
    rows = []
    for participant in page.items:
        cells = []
        for kind, _label in KINDS:
            c = counts.get((participant.pk, kind), Counter())
            cells.append((c[Check.Status.SUBMITTED], c[Check.Status.DRAFT]))
        rows.append((participant, cells))
    totals = Counter()
    kind_totals = {kind: Counter() for kind, _label in KINDS}
    for kind, status_, n in (
        Check.objects.filter(period=period)
        .values_list("kind", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        totals[status_] += n
        kind_totals[kind][status_] += n
    bonuses = Bonus.objects.filter(period=period).select_related("participant", "item")
    vetoes = Veto.objects.filter(period=period).select_related("participant", "item")
    return render(
        request,
        "backoffice/league/period.html",
        _context(
            request,
            league,
            "periods",
            period=period,
            confirmed=confirmed,
            page=page,
            query=query_without_page(request.GET),
            rows=rows,
            kinds=KINDS,
            totals=totals,
            kind_totals=[(label, kind_totals[kind]) for kind, label in KINDS],
            bonuses=bonuses,
            vetoes=vetoes,
            bonus_form=(bonus_form or BonusForm(league=league, confirmed=confirmed, prefix="bonus"))
            if manage
            else None,
            veto_form=(veto_form or VetoForm(league=league, confirmed=confirmed, prefix="veto"))
            if manage
            else None,
            removal_form=RemovalForm(confirmed=confirmed, prefix="remove") if manage else None,
            reopen_form=ReasonForm(prefix="reopen"),
            has_bonus_items=league.bonus_items.exists(),
            has_veto_items=league.veto_items.exists(),
            history=_history(period, 20),
        ),
        status=status,
    )


@requires(policy.can_browse_competitions)
def period_page(request, pk, period_pk):
    league = _league(request, pk)
    return _render_period(request, league, _period(league, period_pk))


def _back_to_period(pk, period):
    return redirect("backoffice:league_period", pk=pk, period_pk=period.pk)


@requires(policy.can_browse_competitions)
@require_POST
def bonus_add(request, pk, period_pk):
    league = _league(request, pk, manage=True)
    period = _period(league, period_pk)
    form = BonusForm(request.POST, league=league, confirmed=not period.is_open, prefix="bonus")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_bonus(
                actor=request.user,
                period=period,
                participant=data["participant"],
                item=data["item"],
                points=data["points"],
                reason=data["reason"],
                correction=form.correction(),
            )
        except LabourRefused as refused:
            _refuse(form, refused)
        else:
            messages.success(request, _("Bonus saved."))
            return _back_to_period(pk, period)
    return _render_period(request, league, period, bonus_form=form)


def _remove(request, pk, period, change, done: str):
    """Remove a bonus or lift a veto; once the period is confirmed, with a correction reason."""
    form = RemovalForm(request.POST, confirmed=not period.is_open, prefix="remove")
    form.is_valid()
    try:
        change(form.correction())
    except LabourRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done)
    return _back_to_period(pk, period)


@requires(policy.can_browse_competitions)
@require_POST
def bonus_remove(request, pk, period_pk, bonus_pk):
    league = _league(request, pk, manage=True)
    period = _period(league, period_pk)
    bonus = get_object_or_404(
        Bonus.objects.select_related("participant", "item"), pk=bonus_pk, period=period
    )
    return _remove(
        request,
        pk,
        period,
        lambda correction: services.set_bonus(
            actor=request.user,
            period=period,
            participant=bonus.participant,
            item=bonus.item,
            points="0",
            reason="",
            correction=correction,
        ),
        _("Bonus removed."),
    )


@requires(policy.can_browse_competitions)
@require_POST
def veto_add(request, pk, period_pk):
    league = _league(request, pk, manage=True)
    period = _period(league, period_pk)
    form = VetoForm(request.POST, league=league, confirmed=not period.is_open, prefix="veto")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_veto(
                actor=request.user,
                period=period,
                participant=data["participant"],
                item=data["item"],
                reason=data["reason"],
                correction=form.correction(),
            )
        except LabourRefused as refused:
            _refuse(form, refused)
        else:
            messages.success(request, _("Veto recorded."))
            return _back_to_period(pk, period)
    return _render_period(request, league, period, veto_form=form)


@requires(policy.can_browse_competitions)
@require_POST
def veto_remove(request, pk, period_pk, veto_pk):
    league = _league(request, pk, manage=True)
    period = _period(league, period_pk)
    veto = get_object_or_404(Veto.objects.select_related("participant"), pk=veto_pk, period=period)
    return _remove(
        request,
        pk,
        period,
        lambda correction: services.set_veto(
            actor=request.user,
            period=period,
            participant=veto.participant,
            item=None,
            reason="",
            correction=correction,
        ),
        _("Veto lifted."),
    )


# --- confirming, reopening, publishing -------------------------------------------------


@requires(policy.can_browse_competitions)
def confirm(request, pk, period_pk):
    """A confirmation page (what will count, what will not), then POST confirms."""
    league = _league(request, pk, manage=True)
    period = _period(league, period_pk)
    if request.method == "POST":
        try:
            services.confirm(actor=request.user, period=period)
        except LabourRefused as refused:
            messages.error(request, refused.message)
            return redirect("backoffice:league_confirm", pk=pk, period_pk=period.pk)
        messages.success(
            request,
            _("%(period)s is confirmed: scores, red flags and standings are computed.")
            % {"period": period.name},
        )
        return redirect("backoffice:league_ranking", pk=pk, period_pk=period.pk)
    statuses = Counter(
        dict(
            Check.objects.filter(period=period)
            .values_list("status")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    assessed = (
        Check.objects.filter(period=period, status=Check.Status.SUBMITTED)
        .values("participant_id")
        .distinct()
        .count()
    )
    earlier = league.periods.filter(
        status=Period.Status.OPEN, starts_on__lt=period.starts_on
    ).first()
    return render(
        request,
        "backoffice/league/confirm.html",
        _context(
            request,
            league,
            "periods",
            period=period,
            submitted=statuses[Check.Status.SUBMITTED],
            drafts=statuses[Check.Status.DRAFT],
            assessed=assessed,
            participants=league.participants.count(),
            bonuses=Bonus.objects.filter(period=period).count(),
            vetoes=Veto.objects.filter(period=period).count(),
            problems=services.scheme_problems(league),
            earlier=earlier,
        ),
    )


@requires(policy.can_browse_competitions)
@require_POST
def reopen(request, pk, period_pk):
    league = _league(request, pk, manage=True)
    period = _period(league, period_pk)
    form = ReasonForm(request.POST, prefix="reopen")
    try:
        services.reopen(
            actor=request.user, period=period, reason=form.data.get(form.add_prefix("reason"), "")
        )
    except LabourRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("%(period)s is open again.") % {"period": period.name})
    return _back_to_period(pk, period)


@requires(policy.can_browse_competitions)
@require_POST
def publish(request, pk, period_pk):
    league = _league(request, pk, manage=True)
    period = _period(league, period_pk)
    try:
        services.publish(actor=request.user, period=period)
    except LabourRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("%(period)s is published.") % {"period": period.name})
    return _back_to_period(pk, period)


# --- ranking and standings -------------------------------------------------------------


def _block_filter(request, league: League):
    blocks = list(league.blocks.all())
    wanted = request.GET.get("block", "")
    chosen = next((b for b in blocks if str(b.pk) == wanted), None)
    return blocks, chosen


def _scores(period: Period, block: Block | None):
    scores = PeriodScore.objects.filter(period=period).select_related(
        "participant__block", "participant__entry", "participant__enterprise"
    )
    if block is not None:
        return scores.filter(participant__block=block).order_by(
            "block_rank", "rank", "participant_id"
        )
    return scores.order_by("rank", "participant_id")


def _standings(period: Period, block: Block | None):
    standings = Standing.objects.filter(period=period).select_related(
        "participant__block", "participant__entry", "participant__enterprise"
    )
    if block is not None:
        return standings.filter(participant__block=block).order_by(
            "block_rank", "rank", "participant_id"
        )
    return standings.order_by("rank", "participant_id")


def _movement(standing: Standing) -> tuple[str, int]:
    move = standing.movement
    if move is None:
        return "new", 0
    if move > 0:
        return "up", move
    if move < 0:
        return "down", -move
    return "same", 0


@requires(policy.can_browse_competitions)
def ranking(request, pk, period_pk):
    league = _league(request, pk)
    period = _period(league, period_pk)
    blocks, block = _block_filter(request, league)
    page = paginate(_scores(period, block), page=request.GET.get("page"), page_size=TABLE_PAGE_SIZE)
    return render(
        request,
        "backoffice/league/ranking.html",
        _context(
            request,
            league,
            "periods",
            period=period,
            page=page,
            query=query_without_page(request.GET),
            blocks=blocks,
            block=block,
            block_query=f"?block={block.pk}" if block else "",
        ),
    )


@requires(policy.can_browse_competitions)
def standings(request, pk, period_pk):
    league = _league(request, pk)
    period = _period(league, period_pk)
    blocks, block = _block_filter(request, league)
    page = paginate(
        _standings(period, block), page=request.GET.get("page"), page_size=TABLE_PAGE_SIZE
    )
    for standing in page.items:
        standing.move_kind, standing.move_by = _movement(standing)
    return render(
        request,
        "backoffice/league/standings.html",
        _context(
            request,
            league,
            "periods",
            period=period,
            page=page,
            query=query_without_page(request.GET),
            blocks=blocks,
            block=block,
            block_query=f"?block={block.pk}" if block else "",
            final=bool(league.finalised_at)
            and not league.periods.filter(starts_on__gt=period.starts_on).exists(),
        ),
    )


class RankingExport(XlsxExport):
    sheet_name = "ranking"

    def __init__(self, league: League, period: Period, scores):
        self.scores = scores
        self.filename = f"{league.competition.code}-{period.code}-ranking.xlsx"
        self.columns = [
            Column(_("rank"), 6),
            Column(_("rank in block"), 8),
            Column(_("entry number"), 14),
            Column(_("participant"), 30),
            Column(_("enterprise"), 30),
            Column(_("block"), 12),
            Column(_("base score"), 10),
            Column(_("bonus"), 8),
            Column(_("score"), 10),
            Column(_("vetoed"), 8),
            Column(_("red flag"), 8),
        ]

    def rows(self):
        for s in self.scores.iterator(chunk_size=2000):
            p = s.participant
            yield [
                s.rank,
                s.block_rank,
                str(p.entry.number or ""),
                p.name,
                str(p.enterprise),
                str(p.block) if p.block else "",
                s.base,
                s.bonus,
                s.score,
                _("vetoed") if s.vetoed else "",
                "🚩" if s.flag else "",
            ]


class StandingsExport(XlsxExport):
    sheet_name = "standings"

    def __init__(self, league: League, period: Period, standings):
        self.standings = standings
        self.filename = f"{league.competition.code}-{period.code}-standings.xlsx"
        self.columns = [
            Column(_("rank"), 6),
            Column(_("rank in block"), 8),
            Column(_("entry number"), 14),
            Column(_("participant"), 30),
            Column(_("enterprise"), 30),
            Column(_("block"), 12),
            Column(_("cumulative score"), 12),
            Column(_("periods scored"), 8),
            Column(_("red flags so far"), 8),
            Column(_("previous rank"), 8),
            Column(_("movement"), 8),
            Column(_("award"), 10),
        ]

    def rows(self):
        for s in self.standings.iterator(chunk_size=2000):
            p = s.participant
            yield [
                s.rank,
                s.block_rank,
                str(p.entry.number or ""),
                p.name,
                str(p.enterprise),
                str(p.block) if p.block else "",
                s.score,
                s.periods,
                s.flags,
                s.previous_rank,
                s.movement,
                s.award,
            ]


@requires(policy.can_browse_competitions)
def ranking_xlsx(request, pk, period_pk):
    league = _league(request, pk)
    period = _period(league, period_pk)
    _blocks, block = _block_filter(request, league)
    return RankingExport(league, period, _scores(period, block)).response(request)


@requires(policy.can_browse_competitions)
def standings_xlsx(request, pk, period_pk):
    league = _league(request, pk)
    period = _period(league, period_pk)
    _blocks, block = _block_filter(request, league)
    return StandingsExport(league, period, _standings(period, block)).response(request)


# --- checks --------------------------------------------------------------------------


@requires(policy.can_browse_competitions)
def participant_checks(request, pk, period_pk, participant_pk):
    league = _league(request, pk)
    period = _period(league, period_pk)
    participant = _participant(league, participant_pk)
    checks = (
        Check.objects.filter(period=period, participant=participant)
        .select_related("assessor", "entered_by")
        .annotate(n_photos=Count("photos"))
        .order_by("kind", "assessor__name", "id")
    )
    return render(
        request,
        "backoffice/league/participant_checks.html",
        _context(
            request,
            league,
            "periods",
            period=period,
            participant=participant,
            checks=checks,
            bonuses=Bonus.objects.filter(period=period, participant=participant).select_related(
                "item"
            ),
            veto=Veto.objects.filter(period=period, participant=participant)
            .select_related("item")
            .first(),
            score=PeriodScore.objects.filter(period=period, participant=participant).first(),
        ),
    )


def _check_of(league: League, check_pk) -> Check:
    return get_object_or_404(
        Check.objects.select_related(
            "period", "participant__block", "participant__entry", "assessor", "entered_by"
        ),
        pk=check_pk,
        period__league=league,
    )


@requires(policy.can_browse_competitions)
def check_detail(request, pk, check_pk):
    league = _league(request, pk)
    check = _check_of(league, check_pk)
    manage = policy.can_manage_league(request.user, league.competition)
    indicators = list(league.indicators.all())
    form = None
    if manage:
        form = CheckCorrectionForm(
            request.POST or None,
            indicators=indicators,
            current=services.marks_of(check),
            prefix="correct",
        )
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.correct_check(
                    actor=request.user,
                    check=check,
                    values=form.mark_values(),
                    reason=form.cleaned_data["reason"],
                )
            except LabourRefused as refused:
                form.add_mark_error(refused.field, refused.message)
            else:
                messages.success(
                    request, _("The check is corrected; the reason is in the audit trail.")
                )
                return redirect("backoffice:league_check", pk=pk, check_pk=check.pk)
    units = dict(check.marks.values_list("indicator_id", "units"))
    return render(
        request,
        "backoffice/league/check.html",
        _context(
            request,
            league,
            "periods",
            check=check,
            period=check.period,
            marks=[
                (i, units_to_decimal(units[i.pk]) if i.pk in units else None) for i in indicators
            ],
            photos=check.photos.all(),
            form=form,
            history=_history(check),
        ),
    )


@requires(policy.can_browse_competitions)
def photo(request, pk, photo_pk):
    """A photo's bytes, for those who may read the league (never through MEDIA_URL)."""
    league = _league(request, pk)
    found = get_object_or_404(Photo, pk=photo_pk, check_ref__period__league=league)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    kind = found.kind if found.kind in PHOTO_TYPES else ""
    response = FileResponse(handle, content_type=PHOTO_TYPES.get(kind, "application/octet-stream"))
    response["Content-Disposition"] = (
        f'inline; filename="photo-{found.pk}.{kind}"' if kind else "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- checks from a spreadsheet --------------------------------------------------------


@requires(policy.can_browse_competitions)
def import_template(request, pk, period_pk):
    league = _league(request, pk, manage=True)
    period = _period(league, period_pk)
    response = HttpResponse(checks_import.template(league), content_type=XLSX_MIME_IMPORT)
    response["Content-Disposition"] = (
        f'attachment; filename="{league.competition.code}-{period.code}-checks-template.xlsx"'
    )
    return response


@requires(policy.can_browse_competitions)
def checks_upload(request, pk, period_pk):
    league = _league(request, pk, manage=True)
    period = _period(league, period_pk)
    form = ChecksImportForm(request.POST or None, request.FILES or None)
    result = None
    report_token = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = checks_import.import_checks(
                actor=request.user, period=period, source=upload, size=upload.size
            )
        except ValidationError as error:  # SpreadsheetRefused: the file as a whole
            form.add_error("file", error.messages)
        else:
            if not result.errors:
                messages.success(
                    request,
                    _("%(checks)d checks imported from %(rows)d rows.")
                    % {"checks": result.checks, "rows": result.rows},
                )
                return _back_to_period(pk, period)
            report_token = import_reports.keep(request, result.errors)
    return render(
        request,
        "backoffice/league/import.html",
        _context(
            request,
            league,
            "periods",
            period=period,
            form=form,
            result=result,
            errors_shown=result.errors.errors[:IMPORT_ERRORS_SHOWN] if result else [],
            report_token=report_token,
        ),
    )


@requires(policy.can_browse_competitions)
def import_report(request, pk, period_pk, token):
    league = _league(request, pk, manage=True)
    _period(league, period_pk)
    return import_reports.download(request, token, "checks-errors.xlsx")
