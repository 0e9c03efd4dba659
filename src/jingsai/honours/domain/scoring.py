"""The reviewers' marks of a category summed up per nomination (评审汇总), for ranking.

Rules:

- the nominations scored are the category's *live* eligible ones: status
  ``submitted`` or ``honoured``, ``eligible`` true (withdrawn and removed ones drop out);
- the *expected* reviewers of a nomination are the category's reviewers who are
  not in conflict with it (:class:`jingsai.honours.domain.review.ConflictIndex`:
  the nominee's organisation or the nominating organisation is his seat's
  organisation, one where his account holds a role, or one he declared);
- only submitted review sheets count, and only those of expected reviewers (a
  conflict that arises after a sheet was submitted takes its marks out);
- per criterion, the expected reviewers' marks are aggregated with the round's
  rule by the judging engine (:func:`jingsai.judging.domain.aggregation.aggregate`:
  mean; trimmed mean, which drops one highest and one lowest mark only from 5
  marks on; median), exactly (a :class:`~fractions.Fraction`);
- flags: ``spread:<criterion>`` when the highest − lowest mark exceeds the
  criterion's spread limit (equal to the limit is no flag);
  ``missing:<criterion>:<reviewer>`` for every expected reviewer without a mark
  for the criterion on a submitted sheet; ``no_reviewer`` when no reviewer of the
  category may review the nomination; ``no_criteria`` when the category has none;
- a nomination is *complete* when every expected reviewer (at least one) has
  submitted a mark for every criterion; only then it has a total: the exact sum
  of the aggregated criterion marks, published rounded half-up to 2 places
  (:func:`jingsai.judging.domain.totals.round_half_up`). Spread flags do not stop
  a total: re-scoring is the admin's call (a reopened sheet stops counting until
  it is submitted again, so the nomination is incomplete meanwhile).

:func:`standings` runs a fixed number of queries per category, however many
nominations, reviewers and marks there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from jingsai.honours.domain.review import ConflictIndex, live_nominations
from jingsai.honours.models import ReviewCriterion, Reviewer, ReviewMark, Round, RoundCategory
from jingsai.judging.domain.aggregation import JUDGEMENT, criterion_result
from jingsai.judging.domain.totals import round_half_up

NO_REVIEWER = "no_reviewer"
NO_CRITERIA = "no_criteria"


@dataclass
class Standing:
    nomination_id: int
    total: Decimal | None  # the published total (2 places, half-up); None while incomplete
    exact: Fraction | None  # the exact sum; None while incomplete
    criteria: dict[int, Fraction | None]  # criterion id -> aggregated mark (None: no mark yet)
    flags: list[str] = field(default_factory=list)
    complete: bool = False
    expected: list[int] = field(default_factory=list)  # ids of the expected reviewers
    submitted: list[int] = field(default_factory=list)  # ... of those who submitted a mark


def _aggregation(round_category: RoundCategory) -> str:
    cached = RoundCategory.round.is_cached(round_category)
    if cached:
        return round_category.round.aggregation
    return Round.objects.values_list("aggregation", flat=True).get(pk=round_category.round_id)


def standings(round_category: RoundCategory) -> list[Standing]:
    """One :class:`Standing` per live eligible nomination of the category, by nomination id."""
    method = _aggregation(round_category)
    criteria = list(ReviewCriterion.objects.filter(round_category=round_category).order_by())
    criteria.sort(key=lambda c: (c.order, c.pk))
    reviewers = list(Reviewer.objects.filter(round_category=round_category).order_by("id"))
    index = ConflictIndex.for_reviewers(reviewers)
    nominations = list(
        live_nominations(round_category).select_related("worker", "innovation").order_by("id")
    )
    # (nomination, criterion) -> reviewer id -> mark, from submitted sheets only
    marks: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for nomination_id, reviewer_id, criterion_id, mark in ReviewMark.objects.filter(
        sheet__nomination__round_category=round_category,
        sheet__submitted_at__isnull=False,
    ).values_list("sheet__nomination_id", "sheet__reviewer_id", "criterion_id", "mark"):
        marks[(nomination_id, criterion_id)][reviewer_id] = mark
    names = {r.pk: r.name for r in reviewers}

    result = []
    for nomination in nominations:
        expected = [r for r in reviewers if not index.conflicted(r, nomination)]
        expected_ids = [r.pk for r in expected]
        flags: list[str] = []
        if not expected:
            flags.append(NO_REVIEWER)
        if not criteria:
            flags.append(NO_CRITERIA)
        aggregated: dict[int, Fraction | None] = {}
        complete = bool(expected) and bool(criteria)
        marked_by: set[int] = set()
        for criterion in criteria:
            given = marks.get((nomination.pk, criterion.pk), {})
            counted = {str(rid): given[rid] for rid in expected_ids if rid in given}
            marked_by.update(int(rid) for rid in counted)
            outcome = criterion_result(
                criterion=criterion.name,
                kind=JUDGEMENT,
                method=method,
                spread_limit=criterion.spread_limit,
                marks_by_judge=counted,
                assigned_judges=[str(rid) for rid in expected_ids],
            )
            aggregated[criterion.pk] = outcome.mark if counted else None
            for flag in outcome.flags:
                if flag.kind == "spread":
                    flags.append(f"spread:{criterion.name}")
                elif flag.kind == "missing" and flag.detail:
                    complete = False
                    flags.append(f"missing:{criterion.name}:{names[int(flag.detail)]}")
            if not counted:
                complete = False
        exact = sum(aggregated.values(), Fraction(0)) if complete else None
        result.append(
            Standing(
                nomination_id=nomination.pk,
                total=round_half_up(exact) if exact is not None else None,
                exact=exact,
                criteria=aggregated,
                flags=flags,
                complete=complete,
                expected=expected_ids,
                submitted=[rid for rid in expected_ids if rid in marked_by],
            )
        )
    return result


def standing_of(round_category: RoundCategory, nomination_id: int) -> Standing | None:
    return next((s for s in standings(round_category) if s.nomination_id == nomination_id), None)
