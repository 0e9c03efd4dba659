"""The 830 selection in the back office: stages, ranking and committee decisions, the
public notice and its objections, the final list with its honour certificates,
re-ratings of places and the year-over-year count.

Programme admins change things; leadership reads every page
(:func:`jingsai.access.policy.reads_everything`); anyone else gets 403. Objects
named in a URL belong to the round in the URL (404 otherwise). Objectors' names
and contact details are shown masked except to programme admins. The rules live
in :mod:`jingsai.honours.domain` (stages, selection, notice, final, reratings).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jingsai.access import policy
from jingsai.access.decorators import get_visible_or_404, requires
from jingsai.certification import pdf
from jingsai.certification.models import Certificate
from jingsai.common.masking import mask_name
from jingsai.honours.domain import final, notice, reratings, selection, stages
from jingsai.honours.domain.rounds import quotas_of
from jingsai.honours.domain.selection import SelectionRefused
from jingsai.honours.models import Honour, Nomination, Objection, Rerating, Round, RoundCategory

S = Round.Stage
N = Nomination.Status


# --- forms -----------------------------------------------------------------------


class TieForm(forms.Form):
    chosen = forms.TypedMultipleChoiceField(
        label=gettext_lazy("chosen by the committee"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=gettext_lazy("the committee's reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, tie=None, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        names = {row.nomination.pk: row.nomination.subject_name for row in rows}
        tied = tie.tied if tie else ()
        self.fields["chosen"].choices = [(pk, names.get(pk, pk)) for pk in tied]


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("dismiss", gettext_lazy("dismiss")),
            ("uphold", gettext_lazy("uphold: remove the nominee")),
        ]
    )
    reason = forms.CharField(
        label=gettext_lazy("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class DecideForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=gettext_lazy("outcome"),
        choices=[("1", gettext_lazy("passed")), ("0", gettext_lazy("failed: the title is lost"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    score = forms.DecimalField(
        label=gettext_lazy("score"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=2,
    )
    reason = forms.CharField(
        label=gettext_lazy("reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class ScheduleForm(forms.Form):
    due_on = forms.DateField(
        label=gettext_lazy("due on"), widget=forms.DateInput(attrs={"type": "date"})
    )


# --- helpers ---------------------------------------------------------------------


def _round(pk) -> Round:
    return get_visible_or_404(Round.objects.select_related("year"), pk=pk)


def _category(round_: Round, rc_pk) -> RoundCategory:
    return get_object_or_404(
        RoundCategory.objects.select_related("category", "round__year"), pk=rc_pk, round=round_
    )


def _refused(request, error: SelectionRefused) -> None:
    for reason in error.reasons or [str(error)]:
        messages.error(request, reason)


def _manages(request) -> bool:
    return policy.can_manage_honours(request.user)


def _stage_bar(round_: Round) -> list[dict]:
    current = stages.ORDER.index(round_.stage)
    return [
        {"code": code, "label": S(code).label, "current": i == current, "done": i < current}
        for i, code in enumerate(stages.ORDER)
    ]


# --- index: the year-over-year count and the rounds --------------------------------


@requires(policy.reads_everything)
def index(request):
    today = timezone.localdate()
    return render(
        request,
        "backoffice/honours_selection/index.html",
        {
            "years": final.year_over_year(),
            "due": reratings.due_reratings(today).count(),
        },
    )


# --- a round: stages ------------------------------------------------------------------


@requires(policy.reads_everything)
def round_page(request, pk):
    round_ = _round(pk)
    today = timezone.localdate()
    to = stages.next_stage(round_)
    refusals = stages.refusals(round_, to, today) if to else []
    categories = list(
        round_.categories.select_related("category")
        .annotate(
            live=Count(
                "nominations",
                filter=Q(nominations__status=N.SUBMITTED, nominations__eligible=True),
            ),
            proposed=Count(
                "nominations",
                filter=Q(
                    nominations__status__in=[N.SUBMITTED, N.HONOURED],
                    nominations__proposed=True,
                ),
            ),
            honoured=Count("nominations", filter=Q(nominations__status=N.HONOURED)),
        )
        .order_by("category__order", "id")
    )
    quotas = quotas_of(round_)
    for rc in categories:
        rc.quota = quotas.get(rc.category_id, rc.category.default_quota)
        tie = selection.undecided_tie(rc) if round_.stage in (S.SELECTION, S.NOTICE) else None
        rc.tie = tie
    open_objections = Objection.objects.filter(
        nomination__round_category__round=round_, status=Objection.Status.OPEN
    ).count()
    return render(
        request,
        "backoffice/honours_selection/round.html",
        {
            "round": round_,
            "bar": _stage_bar(round_),
            "next": S(to) if to else None,
            "refusals": refusals,
            "categories": categories,
            "open_objections": open_objections,
            "manages": _manages(request),
            "quota_total": sum(rc.quota for rc in categories),
        },
    )


@requires(policy.can_manage_honours)
@require_POST
def move(request, pk):
    round_ = _round(pk)
    to = request.POST.get("to", "")
    try:
        round_ = stages.move(actor=request.user, round_=round_, to=to)
    except SelectionRefused as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("The round is now at the %(stage)s stage.") % {"stage": S(to).label}
        )
    return redirect("backoffice:honours_sel_round", pk=pk)


# --- a category: ranking, proposal, ties -------------------------------------------------


@requires(policy.reads_everything)
def category_page(request, pk, rc_pk):
    round_ = _round(pk)
    rc = _category(round_, rc_pk)
    state = selection.selection_state(rc)
    names = {row.nomination.pk: row.nomination.subject_name for row in state.rows}
    for decision in state.decisions:
        decision.tied_names = [names.get(int(i), str(i)) for i in decision.tied]
        decision.chosen_names = [names.get(int(i), str(i)) for i in decision.chosen]
    manages = _manages(request)
    tie_form = None
    if manages and state.tie and round_.stage in (S.SELECTION, S.NOTICE):
        tie_form = TieForm(tie=state.tie, rows=state.rows)
    return render(
        request,
        "backoffice/honours_selection/category.html",
        {
            "round": round_,
            "bar": _stage_bar(round_),
            "rc": rc,
            "state": state,
            "manages": manages,
            "tie_form": tie_form,
            "can_propose": manages and round_.stage == S.SELECTION,
            "can_promote": manages and round_.stage == S.NOTICE and bool(state.pending),
        },
    )


@requires(policy.can_manage_honours)
@require_POST
def propose(request, pk, rc_pk):
    round_ = _round(pk)
    rc = _category(round_, rc_pk)
    try:
        if round_.stage == S.NOTICE:
            selection.promote_next(actor=request.user, round_category=rc)
        else:
            selection.propose(actor=request.user, round_category=rc)
    except SelectionRefused as error:
        _refused(request, error)
    else:
        messages.success(request, _("The ranking and the proposal are up to date."))
    return redirect("backoffice:honours_sel_category", pk=pk, rc_pk=rc_pk)


@requires(policy.can_manage_honours)
@require_POST
def tie_decision(request, pk, rc_pk):
    round_ = _round(pk)
    rc = _category(round_, rc_pk)
    try:
        selection.record_tie_decision(
            actor=request.user,
            round_category=rc,
            chosen_ids=[v for v in request.POST.getlist("chosen") if v.isdigit()],
            reason=request.POST.get("reason", "")[:2000],
        )
    except SelectionRefused as error:
        _refused(request, error)
    else:
        messages.success(request, _("The committee's decision is recorded."))
    return redirect("backoffice:honours_sel_category", pk=pk, rc_pk=rc_pk)


# --- the public notice and objections --------------------------------------------------


@requires(policy.reads_everything)
def notice_page(request, pk):
    round_ = _round(pk)
    manages = _manages(request)
    status = request.GET.get("status", "")
    objections = (
        Objection.objects.filter(nomination__round_category__round=round_)
        .select_related(
            "nomination__worker",
            "nomination__innovation",
            "nomination__organisation",
            "nomination__round_category__category",
            "resolved_by",
        )
        .order_by("-created_at", "-id")
    )
    if status in Objection.Status.values:
        objections = objections.filter(status=status)
    objections = list(objections[:500])
    for objection in objections:
        if manages:
            objection.shown_name, objection.shown_contact = objection.name, objection.contact
        else:
            objection.shown_name = mask_name(objection.name)
            objection.shown_contact = notice.mask_contact(objection.contact)
    on_notice = (
        Nomination.objects.filter(
            round_category__round=round_,
            status__in=[N.SUBMITTED, N.HONOURED],
            proposed=True,
        )
        .select_related("worker", "innovation", "organisation", "round_category__category")
        .annotate(open_objections=Count("objections", filter=Q(objections__status="open")))
        .order_by("round_category__category__order", "rank", "id")
    )
    return render(
        request,
        "backoffice/honours_selection/notice.html",
        {
            "round": round_,
            "bar": _stage_bar(round_),
            "objections": objections,
            "on_notice": on_notice,
            "status": status,
            "statuses": Objection.Status.choices,
            "manages": manages,
            "can_resolve": manages and round_.stage == S.NOTICE,
            "resolve_form": ResolveForm(),
            "today": timezone.localdate(),
            "final_refusals": final.refusals(round_) if round_.stage == S.NOTICE else [],
        },
    )


@requires(policy.can_manage_honours)
@require_POST
def resolve(request, pk, objection_pk):
    round_ = _round(pk)
    objection = get_object_or_404(
        Objection, pk=objection_pk, nomination__round_category__round=round_
    )
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose uphold or dismiss and give the reason."))
        return redirect("backoffice:honours_sel_notice", pk=pk)
    try:
        notice.resolve_objection(
            actor=request.user,
            objection=objection,
            uphold=form.cleaned_data["decision"] == "uphold",
            reason=form.cleaned_data["reason"],
        )
    except SelectionRefused as error:
        _refused(request, error)
    else:
        messages.success(request, _("The objection is resolved."))
    return redirect("backoffice:honours_sel_notice", pk=pk)


# --- the final list --------------------------------------------------------------------


@requires(policy.reads_everything)
def honours_page(request, pk):
    round_ = _round(pk)
    honours = list(
        Honour.objects.filter(round=round_)
        .select_related(
            "category",
            "worker",
            "innovation",
            "organisation",
            "nomination__worker",
            "nomination__innovation",
            "nomination__organisation",
        )
        .prefetch_related(
            Prefetch(
                "certificates",
                queryset=Certificate.objects.select_related(
                    "worker", "holder_organisation"
                ).order_by("id"),
            ),
            Prefetch("reratings", queryset=Rerating.objects.filter(decided_on__isnull=True)),
        )
        .order_by("category__order", "nomination__rank", "id")
    )
    for honour in honours:
        honour.open_rerating = next(iter(honour.reratings.all()), None)
        honour.is_place = honour.category.kind == "places"
    return render(
        request,
        "backoffice/honours_selection/honours.html",
        {
            "round": round_,
            "bar": _stage_bar(round_),
            "honours": honours,
            "manages": _manages(request),
            "schedule_form": ScheduleForm(),
        },
    )


@requires(policy.reads_everything)
def certificate_pdf(request, cert_pk):
    certificate = get_object_or_404(
        Certificate.objects.select_related(
            "worker", "holder_organisation", "issuer", "honour__round__year", "honour__category"
        ),
        pk=cert_pk,
        honour__isnull=False,
    )
    response = HttpResponse(pdf.render(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    return response


# --- re-ratings ------------------------------------------------------------------------


@requires(policy.reads_everything)
def rerating_list(request):
    today = timezone.localdate()
    rows = list(reratings.upcoming_reratings()[:500])
    for row in rows:
        row.is_due = row.due_on <= today
    decided = (
        Rerating.objects.filter(decided_on__isnull=False)
        .select_related("honour__organisation", "honour__category", "honour__round__year")
        .order_by("-decided_on", "-id")[:50]
    )
    return render(
        request,
        "backoffice/honours_selection/reratings.html",
        {
            "rows": rows,
            "decided": decided,
            "due": sum(1 for r in rows if r.is_due),
            "manages": _manages(request),
            "form": DecideForm(),
            "today": today,
        },
    )


@requires(policy.can_manage_honours)
@require_POST
def rerating_decide(request, rerating_pk):
    rerating = get_object_or_404(Rerating, pk=rerating_pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the outcome; a score is a number from 0 to 100."))
        return redirect("backoffice:honours_sel_reratings")
    try:
        reratings.decide(
            actor=request.user,
            rerating=rerating,
            passed=form.cleaned_data["passed"],
            score=form.cleaned_data["score"],
            reason=form.cleaned_data["reason"],
        )
    except SelectionRefused as error:
        _refused(request, error)
    else:
        messages.success(request, _("The re-rating is recorded."))
    return redirect("backoffice:honours_sel_reratings")


@requires(policy.can_manage_honours)
@require_POST
def rerating_schedule(request, honour_pk):
    honour = get_object_or_404(Honour, pk=honour_pk)
    form = ScheduleForm(request.POST)
    due_on: dt.date | None = form.cleaned_data["due_on"] if form.is_valid() else None
    try:
        reratings.schedule(actor=request.user, honour=honour, due_on=due_on)
    except SelectionRefused as error:
        _refused(request, error)
    else:
        messages.success(request, _("The re-rating is scheduled."))
    return redirect("backoffice:honours_sel_honours", pk=honour.round_id)
