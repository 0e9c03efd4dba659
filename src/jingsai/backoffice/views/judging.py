"""Setting up a competition's judging (organisers and programme admins): the
settings and marking scheme, the panel and its conflicts, assignments, and the
anonymous codes of blind marking.

Every page asks :func:`jingsai.access.policy.can_manage_judging` (403) after the
competition has been found among those the user may see (404); every stage,
criterion, judge or assignment named in a URL must be the competition's (404).
The rules live in :mod:`jingsai.judging.domain.scheme` and
:mod:`jingsai.judging.domain.panel`.
"""

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingsai.access import policy
from jingsai.access.decorators import requires
from jingsai.backoffice.judging_forms import (
    AssignmentForm,
    ConflictForm,
    CriterionForm,
    GroupAssignmentForm,
    JudgeForm,
    JudgingSettingsForm,
    StageForm,
    approved_entries,
)
from jingsai.backoffice.views.competitions import visible_competition
from jingsai.backoffice.views.querystrings import query_without_page
from jingsai.common.pagination import paginate
from jingsai.competitions.models import Competition
from jingsai.judging.domain import panel, scheme
from jingsai.judging.models import (
    Assignment,
    BlindCode,
    Conflict,
    Criterion,
    Judging,
    PanelJudge,
    Stage,
    plain,
)
from jingsai.worldskills.domain.store import scheme_of

ASSIGNMENT_PAGE_SIZE = 50
HUNDRED = Decimal(100)


def managed_judging(request, pk) -> Competition:
    """The competition, if the user may see it (404) and manage its judging (403)."""
    competition = visible_competition(request, pk)
    if not policy.can_manage_judging(request.user, competition):
        raise PermissionDenied
    return competition


def current_judging(competition: Competition) -> Judging:
    """The settings, without creating them on a read (an unsaved default otherwise)."""
    return Judging.objects.filter(pk=competition.pk).first() or Judging(competition=competition)


def _back(name: str, competition: Competition, request=None):
    url = reverse(f"backoffice:{name}", args=[competition.pk])
    query = request.GET.urlencode() if request is not None else ""
    return redirect(f"{url}?{query}" if query else url)


# --- settings and marking scheme ---------------------------------------------------


@requires(policy.can_browse_competitions)
def overview(request, pk):
    competition = managed_judging(request, pk)
    judging = current_judging(competition)
    form = JudgingSettingsForm(request.POST or None, instance=current_judging(competition))
    if request.method == "POST" and form.is_valid():
        try:
            scheme.save_settings(actor=request.user, competition=competition, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:judging_overview", pk=pk)
    stages = list(
        Stage.objects.filter(competition=competition).prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("order", "id"))
        )
    )
    for stage in stages:
        stage.weight_text = plain(stage.weight)
        stage.max_text = plain(sum((c.max_mark for c in stage.criteria.all()), Decimal(0)))
    weights = sum((stage.weight for stage in stages), Decimal(0))
    return render(
        request,
        "backoffice/judging/overview.html",
        {
            "competition": competition,
            "judging": judging,
            "form": form,
            "stages": stages,
            "weights_total_text": plain(weights),
            "weights_off": bool(stages) and weights != HUNDRED,
            "locked": scheme.is_locked(competition),
            "judge_count": PanelJudge.objects.filter(competition=competition).count(),
            "worldskills": scheme_of(competition),
            "tab": "overview",
        },
    )


def _stage_of(competition, stage_pk) -> Stage:
    return get_object_or_404(
        Stage.objects.select_related("competition"), pk=stage_pk, competition=competition
    )


def _criterion_of(competition, criterion_pk) -> Criterion:
    return get_object_or_404(
        Criterion.objects.select_related("competition", "stage"),
        pk=criterion_pk,
        competition=competition,
    )


def _edit(request, competition, form, *, save, title):
    """Validate ``form`` and hand its data to ``save``; refusals go back onto the form."""
    if request.method == "POST" and form.is_valid():
        try:
            save(dict(form.cleaned_data))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:judging_overview", pk=competition.pk)
    return render(
        request,
        "backoffice/judging/form.html",
        {"competition": competition, "form": form, "title": title, "tab": "overview"},
    )


def _remove(request, competition, remove, done: str):
    try:
        remove()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("backoffice:judging_overview", pk=competition.pk)


def _next_order(items) -> int:
    return (items.aggregate(top=Max("order"))["top"] or 0) + 1


@requires(policy.can_browse_competitions)
def stage_edit(request, pk, stage_pk=None):
    competition = managed_judging(request, pk)
    stage = _stage_of(competition, stage_pk) if stage_pk else None
    initial = {} if stage else {"order": _next_order(Stage.objects.filter(competition=competition))}
    form = StageForm(request.POST or None, instance=stage, initial=initial)

    def save(data):
        if stage is None:
            scheme.add_stage(actor=request.user, competition=competition, **data)
        else:
            scheme.update_stage(actor=request.user, stage=stage, **data)

    title = _("Edit stage") if stage else _("Add a stage")
    return _edit(request, competition, form, save=save, title=title)


@requires(policy.can_browse_competitions)
@require_POST
def stage_delete(request, pk, stage_pk):
    competition = managed_judging(request, pk)
    stage = _stage_of(competition, stage_pk)
    return _remove(
        request,
        competition,
        lambda: scheme.delete_stage(actor=request.user, stage=stage),
        _("Stage removed."),
    )


@requires(policy.can_browse_competitions)
def criterion_edit(request, pk, criterion_pk=None):
    competition = managed_judging(request, pk)
    criterion = _criterion_of(competition, criterion_pk) if criterion_pk else None
    initial = {}
    wanted = request.GET.get("stage", "")
    if criterion is None and wanted.isdigit():
        stage = Stage.objects.filter(competition=competition, pk=wanted).first()
        if stage is not None:
            initial = {"stage": stage, "order": _next_order(Criterion.objects.filter(stage=stage))}
    form = CriterionForm(
        request.POST or None, instance=criterion, initial=initial, competition=competition
    )

    def save(data):
        if criterion is None:
            scheme.add_criterion(actor=request.user, **data)
        else:
            scheme.update_criterion(actor=request.user, criterion=criterion, **data)

    title = _("Edit criterion") if criterion else _("Add a criterion")
    return _edit(request, competition, form, save=save, title=title)


@requires(policy.can_browse_competitions)
@require_POST
def criterion_delete(request, pk, criterion_pk):
    competition = managed_judging(request, pk)
    criterion = _criterion_of(competition, criterion_pk)
    return _remove(
        request,
        competition,
        lambda: scheme.delete_criterion(actor=request.user, criterion=criterion),
        _("Criterion removed."),
    )


# --- the panel ----------------------------------------------------------------------


@requires(policy.can_browse_competitions)
def panel_page(request, pk):
    competition = managed_judging(request, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    judge_form = JudgeForm(request.POST if action == "judge" else None, prefix="judge")
    conflict_form = ConflictForm(
        request.POST if action == "conflict" else None, competition=competition, prefix="conflict"
    )
    if action == "judge" and judge_form.is_valid():
        data = judge_form.cleaned_data
        try:
            judge = panel.add_judge(
                actor=request.user,
                competition=competition,
                code=data["code"],
                name=data["name"] or "",
                user=data["user"],
                organisation=data["organisation"],
                is_chief=data["is_chief"],
            )
        except panel.PanelRefused as error:
            judge_form.add_error(None, str(error))
        else:
            messages.success(request, _("%(judge)s joined the panel.") % {"judge": judge})
            return redirect("backoffice:judging_panel", pk=pk)
    if action == "conflict" and conflict_form.is_valid():
        data = conflict_form.cleaned_data
        try:
            panel.declare_conflict(
                actor=request.user,
                judge=data["judge"],
                organisation=data["organisation"],
                reason=data["reason"],
            )
        except panel.PanelRefused as error:
            conflict_form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Conflict recorded: %(judge)s does not mark entries of %(organisation)s.")
                % {"judge": data["judge"].name, "organisation": data["organisation"]},
            )
            return redirect("backoffice:judging_panel", pk=pk)
    judges = list(
        PanelJudge.objects.filter(competition=competition)
        .select_related("user", "organisation")
        .prefetch_related(
            Prefetch(
                "conflicts",
                queryset=Conflict.objects.select_related("organisation").order_by("id"),
            )
        )
    )
    # counted on the judge index, one group per judge (not a join over every assignment)
    assigned = dict(
        Assignment.objects.filter(judge__in=[j.pk for j in judges])
        .values_list("judge")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for judge in judges:
        judge.assigned = assigned.get(judge.pk, 0)
    return render(
        request,
        "backoffice/judging/panel.html",
        {
            "competition": competition,
            "judges": judges,
            "judge_form": judge_form,
            "conflict_form": conflict_form,
            "tab": "panel",
        },
    )


def _judge_of(competition, judge_pk) -> PanelJudge:
    return get_object_or_404(PanelJudge, pk=judge_pk, competition=competition)


@requires(policy.can_browse_competitions)
@require_POST
def make_chief(request, pk, judge_pk):
    competition = managed_judging(request, pk)
    judge = panel.make_chief(actor=request.user, judge=_judge_of(competition, judge_pk))
    messages.success(request, _("%(judge)s is now the chief judge.") % {"judge": judge})
    return redirect("backoffice:judging_panel", pk=pk)


@requires(policy.can_browse_competitions)
@require_POST
def remove_judge(request, pk, judge_pk):
    competition = managed_judging(request, pk)
    judge = _judge_of(competition, judge_pk)
    try:
        panel.remove_judge(actor=request.user, judge=judge)
    except panel.PanelRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(judge)s left the panel.") % {"judge": judge})
    return redirect("backoffice:judging_panel", pk=pk)


# --- assignments ----------------------------------------------------------------------


@requires(policy.can_browse_competitions)
def assignments(request, pk):
    competition = managed_judging(request, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    group_form = GroupAssignmentForm(
        request.POST if action == "group" else None, competition=competition, prefix="group"
    )
    single_form = AssignmentForm(
        request.POST if action == "assign" else None, competition=competition, prefix="one"
    )
    report = None
    if action == "group" and group_form.is_valid():
        report = panel.assign_many(
            actor=request.user,
            judges=group_form.cleaned_data["judges"],
            entries=group_form.chosen_entries(),
        )
    if action == "assign" and single_form.is_valid():
        judge, entry = single_form.cleaned_data["judge"], single_form.cleaned_data["number"]
        try:
            panel.assign(actor=request.user, judge=judge, entry=entry)
        except panel.PanelRefused as error:
            single_form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Entry %(entry)s is assigned to %(judge)s.")
                % {"entry": panel.entry_label(entry), "judge": judge},
            )
            return _back("judging_assignments", competition, request)

    entries = approved_entries(competition).select_related("enterprise").order_by("number")
    prefix = request.GET.get("number", "").strip()
    if prefix:
        entries = entries.filter(number__istartswith=prefix)
    page = paginate(entries, page=request.GET.get("page"), page_size=ASSIGNMENT_PAGE_SIZE)
    by_entry = defaultdict(list)
    for assignment in (
        Assignment.objects.filter(competition=competition, entry_id__in=[e.pk for e in page.items])
        .select_related("judge")
        .order_by("judge__code")
    ):
        by_entry[assignment.entry_id].append(assignment)
    for entry in page.items:
        entry.judge_assignments = by_entry.get(entry.pk, [])
    selected = set(request.POST.getlist("group-entries")) if action == "group" else set()
    return render(
        request,
        "backoffice/judging/assignments.html",
        {
            "competition": competition,
            "group_form": group_form,
            "single_form": single_form,
            "report": report,
            "page": page,
            "number": prefix,
            "query": query_without_page(request.GET),
            "full_query": request.GET.urlencode(),
            "selected": selected,
            "has_judges": PanelJudge.objects.filter(competition=competition).exists(),
            "tab": "assignments",
        },
    )


@requires(policy.can_browse_competitions)
@require_POST
def unassign(request, pk, assignment_pk):
    competition = managed_judging(request, pk)
    assignment = get_object_or_404(
        Assignment.objects.select_related("judge", "entry"),
        pk=assignment_pk,
        competition=competition,
    )
    try:
        panel.unassign(actor=request.user, assignment=assignment)
    except panel.PanelRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Entry %(entry)s is no longer assigned to %(judge)s.")
            % {"entry": panel.entry_label(assignment.entry), "judge": assignment.judge},
        )
    return _back("judging_assignments", competition, request)


# --- anonymous codes (加密编号) ---------------------------------------------------------


@requires(policy.can_browse_competitions)
def blind_codes(request, pk):
    competition = managed_judging(request, pk)
    codes = (
        BlindCode.objects.filter(competition=competition)
        .select_related("entry__enterprise")
        .order_by("code")
    )
    return render(
        request,
        "backoffice/judging/blind_codes.html",
        {
            "competition": competition,
            "judging": current_judging(competition),
            "page": paginate(codes, page=request.GET.get("page")),
            "query": "",
            "without_code": approved_entries(competition)
            .filter(blind_code__isnull=True)
            .order_by()[:1]
            .exists(),
            "tab": "blind",
        },
    )


@requires(policy.can_browse_competitions)
@require_POST
def draw_blind_codes(request, pk):
    competition = managed_judging(request, pk)
    if not current_judging(competition).blind:
        messages.error(request, _("Blind marking is off for this competition."))
        return redirect("backoffice:judging_overview", pk=pk)
    drawn = panel.draw_blind_codes(actor=request.user, competition=competition)
    if drawn:
        messages.success(request, _("%(n)s anonymous codes drawn.") % {"n": drawn})
    else:
        messages.info(request, _("Every approved entry already has its anonymous code."))
    return redirect("backoffice:judging_blind_codes", pk=pk)
