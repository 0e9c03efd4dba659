"""Expert review of the 830 nominations (专家评审): reviewers, conflicts, marking.

- Reviewers sit on one category (:class:`~jingsai.honours.models.Reviewer`); a
  programme admin adds and removes them and records declared conflicts while the
  round is at the nomination or review stage. A reviewer with a submitted sheet
  stays (reopen his sheets first).
- The conflict rule (回避), the judges' rule: a reviewer is in conflict with a
  nomination when the nominee's organisation (a worker's employer, a result's
  enterprise, the nominated place itself) or the nominating organisation is his
  seat's organisation, an organisation where his account holds a role, or one he
  has declared. He never sees or marks such a nomination: every save asks
  :func:`marking_refusal`.
- Marking: only the reviewer's own account marks his sheet, only while the round
  is at the review stage; each mark is 0..the criterion's maximum with at most 2
  decimals. A draft is saved as he goes; submitting needs every criterion and
  locks the sheet (a conditional update: a double tap changes nothing). Only
  submitted sheets count (:mod:`jingsai.honours.domain.scoring`).
- A programme admin may reopen a submitted sheet with a reason (for instance to
  re-score a spread flag); it stops counting until the reviewer submits again.

Every change is recorded in the audit trail in the transaction that makes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.access import policy
from jingsai.common.domain import audit
from jingsai.common.models import AuditEntry
from jingsai.honours.models import (
    Nomination,
    ReviewCriterion,
    Reviewer,
    ReviewerConflict,
    ReviewMark,
    ReviewSheet,
    Round,
    RoundCategory,
)
from jingsai.organisations.models import Organisation
from jingsai.people.models import RoleGrant

LIVE_STATUSES = (Nomination.Status.SUBMITTED, Nomination.Status.HONOURED)
MANAGING_STAGES = (Round.Stage.NOMINATION, Round.Stage.REVIEW)
MARKING_STAGE = Round.Stage.REVIEW
MARK_PLACES = Decimal("0.01")
REOPENED = "honours.review_reopened"


class ReviewRefused(Exception):  # noqa: N818 (a refusal shown to the user)
    def __init__(self, message: str, *, field_errors: Mapping[int, str] | None = None):
        self.field_errors = dict(field_errors or {})
        super().__init__(message)


def live_nominations(round_category: RoundCategory):
    """The category's nominations under review: eligible, nominated or honoured."""
    return Nomination.objects.filter(
        round_category=round_category, eligible=True, status__in=LIVE_STATUSES
    )


def criteria_of(round_category: RoundCategory) -> list[ReviewCriterion]:
    return list(
        ReviewCriterion.objects.filter(round_category=round_category).order_by("order", "id")
    )


# --- the conflict rule ---------------------------------------------------------------


@dataclass
class ConflictIndex:
    """The conflicts of many reviewers at once: two queries, whatever their number."""

    belongs: dict[int, set[int]]  # reviewer id -> his seat's and his account's organisations
    declared: dict[int, set[int]]  # reviewer id -> organisations he declared

    @classmethod
    def for_reviewers(cls, reviewers: Sequence[Reviewer]) -> ConflictIndex:
        belongs = {r.pk: ({r.organisation_id} if r.organisation_id else set()) for r in reviewers}
        declared: dict[int, set[int]] = {r.pk: set() for r in reviewers}
        if not reviewers:
            return cls(belongs, declared)
        seats_of_user: dict[int, list[int]] = {}
        for r in reviewers:
            seats_of_user.setdefault(r.user_id, []).append(r.pk)
        for user_id, org_id in RoleGrant.objects.filter(user_id__in=seats_of_user).values_list(
            "user_id", "organisation_id"
        ):
            for seat in seats_of_user[user_id]:
                belongs[seat].add(org_id)
        for reviewer_id, org_id in ReviewerConflict.objects.filter(
            reviewer__in=[r.pk for r in reviewers]
        ).values_list("reviewer_id", "organisation_id"):
            declared[reviewer_id].add(org_id)
        return cls(belongs, declared)

    def clash(self, reviewer: Reviewer, nomination: Nomination) -> tuple[str, str, int] | None:
        """(how: "belongs"/"declared", whose: "nominee"/"nominator", organisation id) or None."""
        sides = (
            ("nominee", nomination.subject_organisation_id),
            ("nominator", nomination.nominator_id),
        )
        for how, orgs in (
            ("belongs", self.belongs.get(reviewer.pk, set())),
            ("declared", self.declared.get(reviewer.pk, set())),
        ):
            for whose, org_id in sides:
                if org_id and org_id in orgs:
                    return how, whose, org_id
        return None

    def conflicted(self, reviewer: Reviewer, nomination: Nomination) -> bool:
        return self.clash(reviewer, nomination) is not None

    def reason(self, reviewer: Reviewer, nomination: Nomination) -> str:
        found = self.clash(reviewer, nomination)
        if found is None:
            return ""
        how, whose, org_id = found
        values = {
            "reviewer": reviewer.name,
            "organisation": Organisation.objects.filter(pk=org_id)
            .values_list("name", flat=True)
            .first(),
            "nominee": nomination.subject_name,
        }
        if how == "belongs":
            if whose == "nominator":
                text = _("%(reviewer)s belongs to %(organisation)s, which nominated %(nominee)s.")
            elif nomination.organisation_id:
                text = _("%(reviewer)s belongs to %(organisation)s, the nominated place.")
            else:
                text = _(
                    "%(reviewer)s belongs to %(organisation)s, the organisation of the "
                    "nominee %(nominee)s."
                )
        elif whose == "nominator":
            text = _(
                "%(reviewer)s has declared a conflict of interest with %(organisation)s, "
                "which nominated %(nominee)s."
            )
        elif nomination.organisation_id:
            text = _(
                "%(reviewer)s has declared a conflict of interest with %(organisation)s, "
                "the nominated place."
            )
        else:
            text = _(
                "%(reviewer)s has declared a conflict of interest with %(organisation)s, "
                "the organisation of the nominee %(nominee)s."
            )
        return text % values


def conflict_reason(reviewer: Reviewer, nomination: Nomination) -> str:
    """Why ``reviewer`` may not review ``nomination`` under the conflict rule ("" when he may)."""
    return ConflictIndex.for_reviewers([reviewer]).reason(reviewer, nomination)


def _round_of(round_category: RoundCategory) -> Round:
    return Round.objects.select_related("year").get(pk=round_category.round_id)


def marking_closed(round_: Round) -> str:
    """Why no one marks now ("" while the round is at the review stage)."""
    if round_.stage != MARKING_STAGE:
        return _("Marking is not open: the round is at the %(stage)s stage.") % {
            "stage": round_.get_stage_display()
        }
    return ""


def marking_refusal(actor: Any, reviewer: Reviewer, nomination: Nomination) -> str:
    """Why ``actor`` may not mark ``nomination`` on ``reviewer``'s sheet ("" when he may)."""
    if getattr(actor, "pk", None) is None or actor.pk != reviewer.user_id:
        return _("Only the reviewer himself marks his sheets.")
    if nomination.round_category_id != reviewer.round_category_id:
        return _("This nomination is not in your category.")
    if not nomination.eligible or nomination.status not in LIVE_STATUSES:
        return _("This nomination is not under review.")
    closed = marking_closed(_round_of(reviewer.round_category))
    if closed:
        return closed
    return conflict_reason(reviewer, nomination)


# --- reviewers -------------------------------------------------------------------------


def _check_manager(actor: Any, round_category: RoundCategory) -> Round:
    if not policy.can_manage_honours(actor):
        raise ReviewRefused(_("Only a programme admin manages the reviewers."))
    round_ = _round_of(round_category)
    if round_.stage not in MANAGING_STAGES:
        raise ReviewRefused(
            _(
                "Reviewers are managed at the nomination and review stages; "
                "the round is at the %(stage)s stage."
            )
            % {"stage": round_.get_stage_display()}
        )
    return round_


def add_reviewer(
    *, actor: Any, round_category: RoundCategory, user, name: str = "", organisation=None
) -> Reviewer:
    _check_manager(actor, round_category)
    if user is None or not user.is_active:
        raise ReviewRefused(_("Choose an active account for the reviewer."))
    name = (name or "").strip() or str(user)
    with transaction.atomic():
        if Reviewer.objects.filter(round_category=round_category, user=user).exists():
            raise ReviewRefused(
                _("%(user)s already reviews %(category)s.")
                % {"user": user, "category": round_category}
            )
        try:
            with transaction.atomic():
                reviewer = Reviewer.objects.create(
                    round_category=round_category,
                    user=user,
                    name=name[:50],
                    organisation=organisation,
                )
        except IntegrityError:
            raise ReviewRefused(
                _("%(user)s already reviews %(category)s.")
                % {"user": user, "category": round_category}
            ) from None
        audit.record(
            actor=actor,
            action="honours.reviewer_added",
            obj=reviewer,
            after=audit.snapshot(reviewer) | {"category": str(round_category)},
        )
    return reviewer


def remove_reviewer(*, actor: Any, reviewer: Reviewer) -> None:
    _check_manager(actor, reviewer.round_category)
    with transaction.atomic():
        if ReviewSheet.objects.filter(reviewer=reviewer, submitted_at__isnull=False).exists():
            raise ReviewRefused(
                _("%(reviewer)s has submitted review sheets; reopen them before removing him.")
                % {"reviewer": reviewer.name}
            )
        before = audit.snapshot(reviewer)
        drafts = ReviewSheet.objects.filter(reviewer=reviewer).count()
        text, pk = str(reviewer), reviewer.pk
        reviewer.delete()
        audit.record(
            actor=actor,
            action="honours.reviewer_removed",
            object_type="honours.reviewer",
            object_id=pk,
            object_repr=text,
            before=before,
            after={"drafts_deleted": drafts},
        )


def _touching(organisation_id: int):
    """Nominations whose nominee or nominator is this organisation (the conflict rule's sides)."""
    return (
        Q(nomination__worker__employer_id=organisation_id)
        | Q(nomination__innovation__enterprise_id=organisation_id)
        | Q(nomination__organisation_id=organisation_id)
        | Q(nomination__nominator_id=organisation_id)
    )


def declare_conflict(
    *, actor: Any, reviewer: Reviewer, organisation: Organisation, reason: str = ""
) -> ReviewerConflict:
    """Record a declared conflict; his drafts for the organisation's nominations go.

    Refused while he has a submitted sheet there: reopen it first."""
    _check_manager(actor, reviewer.round_category)
    reason = (reason or "").strip()
    with transaction.atomic():
        sheets = ReviewSheet.objects.filter(Q(reviewer=reviewer) & _touching(organisation.pk))
        if sheets.filter(submitted_at__isnull=False).exists():
            raise ReviewRefused(
                _(
                    "%(reviewer)s has submitted sheets for nominations of %(organisation)s; "
                    "reopen them first."
                )
                % {"reviewer": reviewer.name, "organisation": organisation}
            )
        conflict, created = ReviewerConflict.objects.get_or_create(
            reviewer=reviewer, organisation=organisation, defaults={"reason": reason[:200]}
        )
        dropped = [s.nomination_id for s in sheets]
        ReviewSheet.objects.filter(pk__in=[s.pk for s in sheets]).delete()
        if created or dropped:
            audit.record(
                actor=actor,
                action="honours.reviewer_conflict",
                obj=reviewer,
                after={
                    "organisation": organisation.pk,
                    "organisation_name": organisation.name,
                    "reason": reason,
                    "drafts_deleted_for": dropped,
                },
                note=reason,
            )
    return conflict


# --- what a reviewer marks -------------------------------------------------------------


@dataclass
class ReviewRow:
    nomination: Nomination
    sheet: ReviewSheet | None
    marks: int
    criteria: int

    @property
    def state(self) -> str:  # new | draft | submitted
        if self.sheet is None:
            return "new"
        if self.sheet.submitted_at:
            return "submitted"
        return "draft" if self.marks else "new"


def nominations_to_review(reviewer: Reviewer) -> list[ReviewRow]:
    """The category's live eligible nominations outside his conflicts, with his sheet."""
    category = reviewer.round_category
    index = ConflictIndex.for_reviewers([reviewer])
    nominations = (
        live_nominations(category)
        .select_related("worker", "innovation", "organisation", "nominator")
        .order_by("id")
    )
    sheets = {
        s.nomination_id: s
        for s in ReviewSheet.objects.filter(reviewer=reviewer).annotate(mark_count=Count("marks"))
    }
    criteria = ReviewCriterion.objects.filter(round_category=category).count()
    rows = []
    for nomination in nominations:
        if index.conflicted(reviewer, nomination):
            continue
        sheet = sheets.get(nomination.pk)
        rows.append(ReviewRow(nomination, sheet, sheet.mark_count if sheet else 0, criteria))
    return rows


def reviewable(reviewer: Reviewer, nomination_id: int) -> Nomination | None:
    """The nomination, if it is one this reviewer reviews (his category, live, no conflict)."""
    nomination = (
        live_nominations(reviewer.round_category)
        .select_related("worker", "innovation", "organisation", "nominator")
        .filter(pk=nomination_id)
        .first()
    )
    if nomination is None or conflict_reason(reviewer, nomination):
        return None
    return nomination


def parse_mark(value: Any, criterion: ReviewCriterion) -> Decimal:
    """A typed mark, checked: a number from 0 to the maximum with at most 2 decimals."""
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
    if number < 0 or number > criterion.max_mark:
        raise ValueError(
            _("The mark must be between 0 and %(max)s.") % {"max": plain(criterion.max_mark)}
        )
    if number != number.quantize(MARK_PLACES):
        raise ValueError(_("A mark has at most 2 decimal places."))
    return number.quantize(MARK_PLACES)


def parse_marks(
    criteria: list[ReviewCriterion], marks: Mapping[int, Any]
) -> tuple[dict[int, Decimal], dict[int, str]]:
    """(criterion id → checked mark, criterion id → error); blank marks are skipped."""
    known = {c.pk: c for c in criteria}
    parsed: dict[int, Decimal] = {}
    errors: dict[int, str] = {}
    for criterion_id, raw in marks.items():
        try:
            criterion = known.get(int(criterion_id))
        except (TypeError, ValueError):
            criterion = None
        if criterion is None:
            raise ReviewRefused(_("A mark is for a criterion that is not in this category."))
        if raw is None or str(raw).strip() == "":
            continue
        try:
            parsed[criterion.pk] = parse_mark(raw, criterion)
        except ValueError as error:
            errors[criterion.pk] = str(error)
    return parsed, errors


def plain(value: Decimal) -> Decimal:
    """30.00 → 30, 7.50 → 7.5 (never 3E+1)."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def marks_of(sheet: ReviewSheet | None) -> dict[int, Decimal]:
    if sheet is None or sheet.pk is None:
        return {}
    return dict(sheet.marks.values_list("criterion_id", "mark"))


def save_marks(
    *,
    actor: Any,
    reviewer: Reviewer,
    nomination: Nomination,
    marks: Mapping[int, Any],
    submit: bool = False,
) -> ReviewSheet:
    """Save the reviewer's marks (criterion id → mark; blank ones are left as they were);
    with ``submit``, every criterion needs a mark and the sheet is locked."""
    with transaction.atomic():
        refusal = marking_refusal(actor, reviewer, nomination)
        if refusal:
            raise ReviewRefused(refusal)
        criteria = criteria_of(reviewer.round_category)
        parsed, errors = parse_marks(criteria, marks)
        sheet = _locked_sheet(reviewer, nomination)
        if sheet.submitted_at:
            raise ReviewRefused(_("This sheet is submitted and locked."))
        if errors:
            raise ReviewRefused(_("Some marks are not valid."), field_errors=errors)
        stored = marks_of(sheet)
        have = stored | parsed
        if submit:
            missing = {c.pk: _("Enter a mark.") for c in criteria if c.pk not in have}
            if missing:
                raise ReviewRefused(_("Some marks are missing."), field_errors=missing)
        _write(sheet, stored, parsed)
        changed = {k: v for k, v in parsed.items() if stored.get(k) != v}
        now = timezone.now()
        if submit:
            if not ReviewSheet.objects.filter(pk=sheet.pk, submitted_at__isnull=True).update(
                submitted_at=now, updated_at=now
            ):
                raise ReviewRefused(_("This sheet is submitted and locked."))
            sheet.refresh_from_db()
            audit.record(
                actor=actor,
                action="honours.review_submitted",
                obj=sheet,
                object_repr=f"{reviewer.name} · {nomination.subject_name}",
                after={"marks": _named(criteria, have)},
            )
        else:
            ReviewSheet.objects.filter(pk=sheet.pk).update(updated_at=now)
            sheet.updated_at = now
            if changed:
                audit.record(
                    actor=actor,
                    action="honours.review_draft",
                    obj=sheet,
                    object_repr=f"{reviewer.name} · {nomination.subject_name}",
                    before={"marks": _named(criteria, {k: stored.get(k) for k in changed})},
                    after={"marks": _named(criteria, changed)},
                )
    return sheet


def _named(criteria: list[ReviewCriterion], values: Mapping[int, Decimal | None]) -> dict:
    names = {c.pk: c.name for c in criteria}
    return {names.get(k, str(k)): (str(v) if v is not None else None) for k, v in values.items()}


def _locked_sheet(reviewer: Reviewer, nomination: Nomination) -> ReviewSheet:
    sheet = (
        ReviewSheet.objects.select_for_update()
        .filter(reviewer=reviewer, nomination=nomination)
        .order_by()
        .first()
    )
    if sheet is not None:
        return sheet
    try:
        with transaction.atomic():
            ReviewSheet.objects.create(reviewer=reviewer, nomination=nomination)
    except IntegrityError:
        pass  # made at the same moment by another request: take that one
    return (
        ReviewSheet.objects.select_for_update()
        .order_by()
        .get(reviewer=reviewer, nomination=nomination)
    )


def _write(sheet: ReviewSheet, stored: dict[int, Decimal], parsed: dict[int, Decimal]) -> None:
    new = []
    for criterion_id, value in parsed.items():
        if criterion_id not in stored:
            new.append(ReviewMark(sheet=sheet, criterion_id=criterion_id, mark=value))
        elif stored[criterion_id] != value:
            ReviewMark.objects.filter(sheet=sheet, criterion_id=criterion_id).update(mark=value)
    ReviewMark.objects.bulk_create(new)


def reopen_sheet(*, actor: Any, sheet: ReviewSheet, reason: str) -> ReviewSheet:
    """A programme admin unlocks a submitted sheet (e.g. to re-score a spread flag); it
    stops counting until the reviewer submits it again."""
    if not policy.can_manage_honours(actor):
        raise ReviewRefused(_("Only a programme admin reopens a review sheet."))
    reason = (reason or "").strip()
    if not reason:
        raise ReviewRefused(_("Say why the sheet is reopened."))
    with transaction.atomic():
        sheet = (
            ReviewSheet.objects.select_for_update()
            .select_related("reviewer", "nomination")
            .order_by()
            .get(pk=sheet.pk)
        )
        closed = marking_closed(_round_of(sheet.reviewer.round_category))
        if closed:
            raise ReviewRefused(closed)
        if not sheet.submitted_at:
            raise ReviewRefused(_("Only a submitted sheet can be reopened."))
        criteria = criteria_of(sheet.reviewer.round_category)
        before = {"submitted_at": sheet.submitted_at, "marks": _named(criteria, marks_of(sheet))}
        ReviewSheet.objects.filter(pk=sheet.pk).update(submitted_at=None, updated_at=timezone.now())
        sheet.refresh_from_db()
        audit.record(
            actor=actor,
            action=REOPENED,
            obj=sheet,
            object_repr=f"{sheet.reviewer.name} · {sheet.nomination.subject_name}",
            before=before,
            after={"submitted_at": None},
            note=reason,
        )
    return sheet


def reopen_reason(sheet: ReviewSheet | None) -> str:
    """Why a draft sheet was last reopened ("" when it never was or is submitted again)."""
    if sheet is None or sheet.pk is None or sheet.submitted_at:
        return ""
    entry = (
        AuditEntry.objects.filter(
            action=REOPENED, object_type="honours.reviewsheet", object_id=str(sheet.pk)
        )
        .order_by("-id")
        .values_list("note", flat=True)
        .first()
    )
    return entry or ""


# --- progress ---------------------------------------------------------------------------


@dataclass
class ReviewerProgress:
    reviewer: Reviewer
    expected: int  # nominations he reviews (outside his conflicts)
    submitted: int
    drafts: int


@dataclass
class NominationProgress:
    nomination: Nomination
    standing: Any  # jingsai.honours.domain.scoring.Standing
    sheets: list[ReviewSheet] = field(default_factory=list)


@dataclass
class Progress:
    reviewers: list[ReviewerProgress]
    nominations: list[NominationProgress]
    criteria: list[ReviewCriterion]

    @property
    def flagged(self) -> int:
        return sum(1 for n in self.nominations if n.standing.flags)

    @property
    def complete(self) -> int:
        return sum(1 for n in self.nominations if n.standing.complete)


def progress(round_category: RoundCategory) -> Progress:
    """Per reviewer: nominations expected and sheets submitted; per nomination: its
    standing (aggregated marks, flags) and sheets."""
    from jingsai.honours.domain import scoring  # scoring builds on this module

    standings = {s.nomination_id: s for s in scoring.standings(round_category)}
    nominations = list(
        live_nominations(round_category)
        .select_related("worker", "innovation", "organisation", "nominator")
        .order_by("id")
    )
    reviewers = list(
        Reviewer.objects.filter(round_category=round_category)
        .select_related("user", "organisation")
        .order_by("id")
    )
    sheets = list(
        ReviewSheet.objects.filter(nomination__in=[n.pk for n in nominations])
        .select_related("reviewer")
        .order_by("reviewer_id", "id")
    )
    by_nomination: dict[int, list[ReviewSheet]] = {}
    for sheet in sheets:
        by_nomination.setdefault(sheet.nomination_id, []).append(sheet)
    rows = []
    for reviewer in reviewers:
        expected = {n.pk for n in nominations if reviewer.pk in standings[n.pk].expected}
        own = [s for s in sheets if s.reviewer_id == reviewer.pk and s.nomination_id in expected]
        rows.append(
            ReviewerProgress(
                reviewer=reviewer,
                expected=len(expected),
                submitted=sum(1 for s in own if s.submitted_at),
                drafts=sum(1 for s in own if not s.submitted_at),
            )
        )
    return Progress(
        reviewers=rows,
        nominations=[
            NominationProgress(n, standings[n.pk], by_nomination.get(n.pk, [])) for n in nominations
        ],
        criteria=criteria_of(round_category),
    )
