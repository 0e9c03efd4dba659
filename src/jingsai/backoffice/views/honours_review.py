"""The 830 expert review in the back office: reviewers per category, declared
conflicts, the review progress with its flags, and reopening a sheet for re-scoring.

Programme admins and leadership read every page (``policy.can_read_honours_review``);
only programme admins change anything (``policy.can_manage_honours``, 403 otherwise).
A reviewer, sheet or nomination named in a URL must belong to the category in the
URL (404). The rules live in :mod:`jingsai.honours.domain.review`; the totals and
flags in :mod:`jingsai.honours.domain.scoring`.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jingsai.access import policy
from jingsai.access.decorators import requires
from jingsai.backoffice.judging_forms import AnyOrganisationField
from jingsai.honours.domain import review, scoring
from jingsai.honours.models import (
    Nomination,
    Reviewer,
    ReviewerConflict,
    ReviewSheet,
    Round,
    RoundCategory,
)
from jingsai.judging.domain.totals import round_half_up
from jingsai.people.models import User

ACCOUNTS_LISTED = 500


# --- forms -----------------------------------------------------------------------------


def accounts_with_a_role():
    return (
        User.objects.filter(is_active=True, grants__isnull=False)
        .distinct()
        .order_by("username")[:ACCOUNTS_LISTED]
    )


class ReviewerForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("account (username)"),
        max_length=150,
        widget=forms.TextInput(attrs={"list": "reviewer-accounts", "autocomplete": "off"}),
        help_text=gettext_lazy("Type to search the accounts holding a role, or any username."),
    )
    name = forms.CharField(
        label=gettext_lazy("name"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("Left empty, the account's name is used."),
    )
    organisation = AnyOrganisationField(
        required=False,
        help_text=gettext_lazy(
            "The reviewer's own organisation (credit code or exact name); he does not "
            "review its nominations."
        ),
    )

    def clean_username(self):
        value = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=value, is_active=True).first()
        if user is None:
            raise ValidationError(_("No active account has this username."))
        return user


class ConflictForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label=gettext_lazy("reviewer"), queryset=Reviewer.objects.none()
    )
    organisation = AnyOrganisationField()
    reason = forms.CharField(label=gettext_lazy("reason"), max_length=200, required=False)

    def __init__(self, *args, round_category, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = Reviewer.objects.filter(
            round_category=round_category
        ).order_by("id")


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("reason"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


# --- helpers ---------------------------------------------------------------------------


def _category(pk) -> RoundCategory:
    return get_object_or_404(RoundCategory.objects.select_related("round__year", "category"), pk=pk)


def _two_places(value: Fraction | None) -> str:
    return "" if value is None else str(round_half_up(value))


def _flag_texts(flags: list[str]) -> tuple[list[str], list[str]]:
    """(readable flags other than missing marks, reviewers with missing marks)."""
    texts, missing = [], []
    for flag in flags:
        kind, _sep, rest = flag.partition(":")
        if kind == "spread":
            texts.append(
                _("marks on %(criterion)s differ by more than the spread limit")
                % {"criterion": rest}
            )
        elif kind == "missing":
            who = rest.rpartition(":")[2]
            if who not in missing:
                missing.append(who)
        elif kind == scoring.NO_REVIEWER:
            texts.append(_("no reviewer may review it (conflicts)"))
        elif kind == scoring.NO_CRITERIA:
            texts.append(_("the category has no review criteria"))
        else:
            texts.append(flag)
    return texts, missing


def _category_context(request, category: RoundCategory, **forms_) -> dict:
    progress = review.progress(category)
    conflicts = {}
    for conflict in ReviewerConflict.objects.filter(
        reviewer__round_category=category
    ).select_related("organisation"):
        conflicts.setdefault(conflict.reviewer_id, []).append(conflict)
    for row in progress.reviewers:
        row.conflicts = conflicts.get(row.reviewer.pk, [])
    for row in progress.nominations:
        standing = row.standing
        row.marks = [_two_places(standing.criteria.get(c.pk)) for c in progress.criteria]
        row.flag_texts, row.missing = _flag_texts(standing.flags)
    manages = policy.can_manage_honours(request.user)
    managing_stage = category.round.stage in review.MANAGING_STAGES
    return {
        "category": category,
        "round": category.round,
        "progress": progress,
        "manages": manages,
        "can_change_reviewers": manages and managing_stage,
        "reviewer_form": forms_.get("reviewer_form") or ReviewerForm(prefix="reviewer"),
        "conflict_form": forms_.get("conflict_form")
        or ConflictForm(round_category=category, prefix="conflict"),
        "accounts": accounts_with_a_role() if manages and managing_stage else [],
    }


# --- pages -----------------------------------------------------------------------------


@requires(policy.can_read_honours_review)
def index(request):
    rounds = list(
        Round.objects.select_related("year").prefetch_related(
            Prefetch(
                "categories",
                queryset=RoundCategory.objects.select_related("category").annotate(
                    reviewer_count=Count("reviewers", distinct=True),
                    nomination_count=Count(
                        "nominations",
                        filter=Q(
                            nominations__eligible=True,
                            nominations__status__in=review.LIVE_STATUSES,
                        ),
                        distinct=True,
                    ),
                ),
            )
        )
    )
    return render(request, "backoffice/honours_review/index.html", {"rounds": rounds})


@requires(policy.can_read_honours_review)
def category_page(request, pk):
    category = _category(pk)
    return render(
        request,
        "backoffice/honours_review/category.html",
        _category_context(request, category),
    )


@requires(policy.can_manage_honours)
@require_POST
def add_reviewer(request, pk):
    category = _category(pk)
    form = ReviewerForm(request.POST, prefix="reviewer")
    if form.is_valid():
        data = form.cleaned_data
        try:
            reviewer = review.add_reviewer(
                actor=request.user,
                round_category=category,
                user=data["username"],
                name=data["name"],
                organisation=data["organisation"],
            )
        except review.ReviewRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _("%(reviewer)s now reviews %(category)s.")
                % {"reviewer": reviewer.name, "category": category},
            )
            return redirect("backoffice:honours_rev_category", pk=category.pk)
    return render(
        request,
        "backoffice/honours_review/category.html",
        _category_context(request, category, reviewer_form=form),
    )


@requires(policy.can_manage_honours)
@require_POST
def declare_conflict(request, pk):
    category = _category(pk)
    form = ConflictForm(request.POST, round_category=category, prefix="conflict")
    if form.is_valid():
        data = form.cleaned_data
        try:
            review.declare_conflict(
                actor=request.user,
                reviewer=data["reviewer"],
                organisation=data["organisation"],
                reason=data["reason"],
            )
        except review.ReviewRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _(
                    "Conflict recorded: %(reviewer)s does not review nominations "
                    "of %(organisation)s."
                )
                % {"reviewer": data["reviewer"].name, "organisation": data["organisation"]},
            )
            return redirect("backoffice:honours_rev_category", pk=category.pk)
    return render(
        request,
        "backoffice/honours_review/category.html",
        _category_context(request, category, conflict_form=form),
    )


@requires(policy.can_manage_honours)
@require_POST
def remove_reviewer(request, pk, reviewer_pk):
    category = _category(pk)
    reviewer = get_object_or_404(Reviewer, pk=reviewer_pk, round_category=category)
    try:
        review.remove_reviewer(actor=request.user, reviewer=reviewer)
    except review.ReviewRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("%(reviewer)s removed.") % {"reviewer": reviewer.name})
    return redirect("backoffice:honours_rev_category", pk=category.pk)


def _nomination_context(request, category: RoundCategory, nomination: Nomination, form=None):
    criteria = review.criteria_of(category)
    reviewers = list(Reviewer.objects.filter(round_category=category).order_by("id"))
    index = review.ConflictIndex.for_reviewers(reviewers)
    sheets = {
        s.reviewer_id: s
        for s in ReviewSheet.objects.filter(nomination=nomination).prefetch_related("marks")
    }
    rows = []
    for reviewer in reviewers:
        sheet = sheets.get(reviewer.pk)
        marks = {m.criterion_id: m.mark for m in sheet.marks.all()} if sheet else {}
        rows.append(
            {
                "reviewer": reviewer,
                "conflict": index.reason(reviewer, nomination),
                "sheet": sheet,
                "marks": [review.plain(marks[c.pk]) if c.pk in marks else "" for c in criteria],
                "sum": review.plain(sum(marks.values(), Decimal(0))) if marks else "",
            }
        )
    standing = scoring.standing_of(category, nomination.pk)
    flag_texts, missing = _flag_texts(standing.flags) if standing else ([], [])
    return {
        "category": category,
        "round": category.round,
        "nomination": nomination,
        "criteria": criteria,
        "rows": rows,
        "standing": standing,
        "aggregated": [_two_places(standing.criteria.get(c.pk)) for c in criteria]
        if standing
        else [],
        "flag_texts": flag_texts,
        "missing": missing,
        "can_reopen": policy.can_manage_honours(request.user)
        and category.round.stage == review.MARKING_STAGE,
        "reopen_form": form or ReopenForm(),
    }


@requires(policy.can_read_honours_review)
def nomination_page(request, pk, nomination_pk):
    category = _category(pk)
    nomination = get_object_or_404(
        Nomination.objects.select_related("worker", "innovation", "organisation", "nominator"),
        pk=nomination_pk,
        round_category=category,
    )
    return render(
        request,
        "backoffice/honours_review/nomination.html",
        _nomination_context(request, category, nomination),
    )


@requires(policy.can_manage_honours)
@require_POST
def reopen_sheet(request, pk, sheet_pk):
    category = _category(pk)
    sheet = get_object_or_404(
        ReviewSheet.objects.select_related("reviewer", "nomination"),
        pk=sheet_pk,
        reviewer__round_category=category,
    )
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            review.reopen_sheet(actor=request.user, sheet=sheet, reason=form.cleaned_data["reason"])
        except review.ReviewRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _("The sheet of %(reviewer)s is reopened; it counts again once resubmitted.")
                % {"reviewer": sheet.reviewer.name},
            )
    else:
        messages.error(request, _("Say why the sheet is reopened."))
    return redirect(
        "backoffice:honours_rev_nomination", pk=category.pk, nomination_pk=sheet.nomination_id
    )
