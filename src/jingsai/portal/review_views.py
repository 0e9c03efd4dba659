"""An 830 reviewer's pages (专家评审), made for a phone: his seats and the nominations
he reviews, and one review sheet per nomination, saved as a draft as he goes, then
checked, submitted and locked.

Every page asks :mod:`jingsai.access.policy`: the user must hold a reviewer seat
(403 otherwise); the seat in the URL must be his and the nomination one he reviews
(his seat's category, live and eligible, outside his conflicts: 404 otherwise, so
a changed id or a crafted post shows and saves nothing). The rules, including the
conflict rule asked again on every save, live in :mod:`jingsai.honours.domain.review`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from jingsai.access import policy
from jingsai.access.decorators import requires
from jingsai.honours.domain import review
from jingsai.honours.models import Nomination, ReviewCriterion, Reviewer, ReviewSheet, Round

FIELD_PREFIX = "mark-"


def _seats(user):
    return policy.reviewer_seats(user).select_related(
        "round_category__round__year", "round_category__category", "organisation"
    )


def _place(request, seat_pk: int, nomination_pk: int) -> tuple[Reviewer, Nomination]:
    """The user's seat and a nomination he reviews there, or 404."""
    seat = _seats(request.user).filter(pk=seat_pk).first()
    if seat is None:
        raise Http404
    nomination = review.reviewable(seat, nomination_pk)
    if nomination is None:
        raise Http404
    return seat, nomination


def _own_sheet(seat: Reviewer, nomination: Nomination) -> ReviewSheet | None:
    return ReviewSheet.objects.filter(reviewer=seat, nomination=nomination).first()


# --- the seats and their nominations -----------------------------------------------------


@dataclass
class SeatView:
    seat: Reviewer
    stage: str
    marking: bool
    listed: bool
    rows: list = field(default_factory=list)
    final: bool = False

    @property
    def submitted(self) -> int:
        return sum(1 for row in self.rows if row.state == "submitted")


# a final round is history: its seats are listed without their nominations, so the page
# does not grow with the years
LISTED_STAGES = (Round.Stage.REVIEW, Round.Stage.SELECTION, Round.Stage.NOTICE)


@requires(policy.can_review_honours)
def home(request):
    views = []
    for seat in _seats(request.user).order_by("-round_category__round__year__year", "id"):
        round_ = seat.round_category.round
        listed = round_.stage in LISTED_STAGES
        rows = review.nominations_to_review(seat) if listed else []
        for row in rows:
            row.url = reverse("portal:review_sheet", args=[seat.pk, row.nomination.pk])
        views.append(
            SeatView(
                seat=seat,
                stage=round_.get_stage_display(),
                marking=round_.stage == review.MARKING_STAGE,
                listed=listed,
                rows=rows,
                final=round_.stage == Round.Stage.FINAL,
            )
        )
    views.sort(key=lambda v: not v.marking)  # the rounds being reviewed first
    return render(request, "portal/review/home.html", {"seats": views})


# --- one review sheet ------------------------------------------------------------------


@dataclass
class MarkField:
    criterion_id: int
    name: str
    max_mark: Decimal
    value: str
    error: str = ""

    @property
    def html_name(self) -> str:
        return f"{FIELD_PREFIX}{self.criterion_id}"


def _typed(post, criteria: list[ReviewCriterion]) -> dict[int, str]:
    return {c.pk: post.get(f"{FIELD_PREFIX}{c.pk}", "").strip()[:20] for c in criteria}


def _fields(
    criteria: list[ReviewCriterion], values: dict[int, str], errors: dict[int, str]
) -> list[MarkField]:
    return [
        MarkField(
            criterion_id=c.pk,
            name=c.name,
            max_mark=review.plain(c.max_mark),
            value=values.get(c.pk, ""),
            error=errors.get(c.pk, ""),
        )
        for c in criteria
    ]


def _stored(sheet: ReviewSheet | None) -> dict[int, str]:
    return {k: str(review.plain(v)) for k, v in review.marks_of(sheet).items()}


def _state(sheet: ReviewSheet | None, marks: int) -> str:
    if sheet is None:
        return "new"
    if sheet.submitted_at:
        return "submitted"
    return "draft" if marks else "new"


def _evidence(nomination: Nomination) -> list[dict]:
    items = nomination.evidence if isinstance(nomination.evidence, list) else []
    shown = []
    for item in items:
        if isinstance(item, dict):
            label = item.get("label") or item.get("title") or ""
            shown.append({"kind": str(item.get("kind", "")), "label": str(label)})
        elif item:
            shown.append({"kind": "", "label": str(item)})
    return shown


def _nominee(nomination: Nomination) -> dict:
    """What the reviewer reads about the nominee (never ID numbers or phones)."""
    if nomination.worker_id:
        worker = nomination.worker
        return {
            "kind": _("worker"),
            "name": worker.name,
            "organisation": worker.employer.name if worker.employer_id else "",
            "trade": worker.trade,
            "level": worker.get_skill_level_display() if worker.skill_level else "",
        }
    if nomination.innovation_id:
        result = nomination.innovation
        return {
            "kind": result.get_kind_display(),
            "name": result.title,
            "organisation": result.enterprise.name,
            "authors": "、".join(a.worker.name for a in result.authors.select_related("worker")),
            "description": result.description,
        }
    place = nomination.organisation
    return {"kind": place.get_kind_display(), "name": place.name, "organisation": ""}


def _urls(seat: Reviewer, nomination: Nomination) -> dict[str, str]:
    args = [seat.pk, nomination.pk]
    return {
        "list_url": reverse("portal:review_home"),
        "sheet_url": reverse("portal:review_sheet", args=args),
        "draft_url": reverse("portal:review_sheet_draft", args=args),
        "submit_url": reverse("portal:review_sheet_submit", args=args),
    }


def _render_sheet(
    request,
    seat: Reviewer,
    nomination: Nomination,
    *,
    typed: dict[int, str] | None = None,
    errors: dict[int, str] | None = None,
    message: str = "",
):
    """The sheet; what was just typed wins over the stored marks, so nothing typed is
    lost when something is refused."""
    criteria = review.criteria_of(seat.round_category)
    sheet = _own_sheet(seat, nomination)
    stored = _stored(sheet)
    values = stored | {k: v for k, v in (typed or {}).items() if v}
    state = _state(sheet, len(stored))
    refusal = review.marking_refusal(request.user, seat, nomination)
    return render(
        request,
        "portal/review/sheet.html",
        {
            "seat": seat,
            "category": seat.round_category,
            "nomination": nomination,
            "nominee": _nominee(nomination),
            "evidence": _evidence(nomination),
            "files": [
                (title, reverse("portal:review_file", args=[seat.pk, nomination.pk, pk]))
                for pk, title in nomination.files.values_list("pk", "title")
            ],
            "sheet": sheet,
            "state": state,
            "refusal": refusal,
            "editable": not refusal and state != "submitted",
            "message": message,
            "reopened": review.reopen_reason(sheet),
            "fields": _fields(criteria, values, errors or {}),
            "saved_at": sheet.updated_at if sheet and stored else None,
            **_urls(seat, nomination),
        },
    )


@requires(policy.can_review_honours)
def sheet(request, seat_pk, nomination_pk):
    seat, nomination = _place(request, seat_pk, nomination_pk)
    return _render_sheet(request, seat, nomination)


def _save(request, seat: Reviewer, nomination: Nomination, values: dict[int, str]):
    """Save what is valid; returns (sheet or None, field errors, refusal)."""
    try:
        saved = review.save_marks(
            actor=request.user, reviewer=seat, nomination=nomination, marks=values
        )
        return saved, {}, ""
    except review.ReviewRefused as refused:
        errors = refused.field_errors
        if not errors:
            return None, {}, str(refused)
    # keep the valid marks; the wrong ones stay on the page with their error
    valid = {k: v for k, v in values.items() if k not in errors}
    if not any(valid.values()):
        return None, errors, ""
    try:
        saved = review.save_marks(
            actor=request.user, reviewer=seat, nomination=nomination, marks=valid
        )
        return saved, errors, ""
    except review.ReviewRefused as refused:
        return None, errors | refused.field_errors, str(refused)


@requires(policy.can_review_honours)
@require_POST
def sheet_draft(request, seat_pk, nomination_pk):
    """Save the draft: answers htmx with a small fragment, a plain post with the page."""
    seat, nomination = _place(request, seat_pk, nomination_pk)
    criteria = review.criteria_of(seat.round_category)
    values = _typed(request.POST, criteria)
    saved, errors, refusal = _save(request, seat, nomination, values)
    if request.htmx:
        return render(
            request,
            "portal/review/_saved.html",
            {
                "saved_at": saved.updated_at if saved else None,
                "errors": errors,
                "refusal": refusal,
                "fields": [(c.pk, errors.get(c.pk, "")) for c in criteria],
            },
        )
    if saved is not None and not errors:
        time = timezone.localtime(saved.updated_at).strftime("%H:%M")
        messages.success(request, _("Draft saved at %(time)s.") % {"time": time})
        return redirect("portal:review_sheet", seat_pk=seat.pk, nomination_pk=nomination.pk)
    return _render_sheet(request, seat, nomination, typed=values, errors=errors, message=refusal)


@requires(policy.can_review_honours)
@require_POST
def sheet_submit(request, seat_pk, nomination_pk):
    """Submit in two steps: the typed marks are saved and shown for a check, then a
    second post (with ``confirm``) locks them. A repeated post changes nothing."""
    seat, nomination = _place(request, seat_pk, nomination_pk)
    criteria = review.criteria_of(seat.round_category)
    values = _typed(request.POST, criteria)
    back = redirect("portal:review_sheet", seat_pk=seat.pk, nomination_pk=nomination.pk)
    refusal = review.marking_refusal(request.user, seat, nomination)
    if refusal:
        messages.error(request, refusal)
        return back
    current = _own_sheet(seat, nomination)
    if current is not None and current.submitted_at:
        messages.warning(request, _("This sheet is already submitted and locked."))
        return back
    if request.POST.get("confirm") != "1":
        return _check_before_submitting(request, seat, nomination, criteria, values)
    try:
        review.save_marks(
            actor=request.user, reviewer=seat, nomination=nomination, marks=values, submit=True
        )
    except review.ReviewRefused as refused:
        if refused.field_errors:
            return _render_sheet(
                request,
                seat,
                nomination,
                typed=values,
                errors=refused.field_errors,
                message=str(refused),
            )
        messages.warning(request, str(refused))
    else:
        messages.success(request, _("Review sheet submitted and locked."))
    return back


def _check_before_submitting(request, seat, nomination, criteria, values):
    saved, errors, refusal = (
        _save(request, seat, nomination, values) if any(values.values()) else (None, {}, "")
    )
    stored = _stored(saved or _own_sheet(seat, nomination))
    for criterion in criteria:
        if criterion.pk not in stored and criterion.pk not in errors:
            errors[criterion.pk] = _("Enter a mark.")
    if errors or refusal:
        return _render_sheet(
            request,
            seat,
            nomination,
            typed=values,
            errors=errors,
            message=refusal or _("Some marks are missing or not valid."),
        )
    fields = _fields(criteria, stored, {})
    total = sum((Decimal(f.value) for f in fields), Decimal(0))
    return render(
        request,
        "portal/review/confirm.html",
        {
            "seat": seat,
            "nomination": nomination,
            "fields": fields,
            "total": review.plain(total),
            "max_total": review.plain(sum((c.max_mark for c in criteria), Decimal(0))),
            **_urls(seat, nomination),
        },
    )


@requires(policy.can_review_honours)
def nomination_file(request, seat_pk, nomination_pk, file_pk):
    """A file of a nomination the reviewer reviews (404 for any other)."""
    _seat, nomination = _place(request, seat_pk, nomination_pk)
    row = nomination.files.filter(pk=file_pk).first()
    if row is None:
        raise Http404
    extension = row.file.name.rsplit(".", 1)[-1]
    title = row.title
    if title.lower().endswith(f".{extension.lower()}"):
        title = title.rsplit(".", 1)[0]
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{title or pgettext('download', 'file')}.{extension}",
        content_type=row.content_type,
    )
