"""Selection (评选) of the 830: the ranking of each category, its quota, and ties
across the quota boundary.

Terms:

- *live eligible nomination*: status ``submitted`` and ``eligible`` — the ones
  that are ranked and may be proposed (withdrawn, removed and ineligible ones
  are not).
- *ranking*: standard competition ranking by the review total, highest first
  (1, 2, 2, 4). Equal totals share a rank and **nothing else breaks a tie** —
  not one criterion's mark, not the order of nomination: separating equals is
  the committee's decision, recorded with its reason. Within a rank rows are
  listed by nomination id only so that the page is stable.
- *proposed*: on the list the committee puts forward (and then on public
  notice). Places are filled from the top, a whole group of equals at a time,
  while the group fits in the free places.
- *tie across the boundary*: the first group of equals that does not fit. With
  ``r`` the rank of the quota-th nomination, if more than the quota have a rank
  ≤ ``r``, those ranked above ``r`` are proposed and the committee must choose
  exactly ``quota − count(rank < r)`` of the group at ``r``
  (:func:`record_tie_decision`, reason required). Until it has, the list cannot
  go on to public notice nor be made final. A tie inside the quota needs no
  decision.
- *unfilled*: with fewer live eligible nominations than the quota, all are
  proposed and the remaining places stay empty.

:func:`propose` ranks a category from the review standings
(:func:`jingsai.honours.domain.scoring.standings`) at the selection stage and
stores rank, total and the proposal on each nomination. A recorded decision
stays in force when the category is proposed again with the same tie (same
rank, same tied nominations, same number of places); otherwise it becomes
inactive. At the notice stage places freed by an upheld objection are filled
from the stored ranking by :func:`fill_free_places` (a new tie there needs a
decision too, and the chosen start their own notice).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.access import policy
from jingsai.common.domain import audit
from jingsai.honours.domain.rounds import quota_of
from jingsai.honours.models import Nomination, Round, RoundCategory, TieDecision

S = Round.Stage
N = Nomination.Status


class SelectionRefused(Exception):  # noqa: N818 (a refusal shown to the user)
    """A refusal with one or more reasons (``reasons``), each a sentence for the user."""

    def __init__(self, *reasons: str):
        self.reasons = [str(reason) for reason in reasons if reason]
        super().__init__(" ".join(self.reasons))


def require_admin(actor: Any) -> None:
    if not policy.can_manage_honours(actor):
        raise SelectionRefused(_("Only programme admins may do this."))


def live_eligible(round_category: RoundCategory):
    return Nomination.objects.filter(
        round_category=round_category, status=N.SUBMITTED, eligible=True
    )


def notice_until(start: dt.date, days: int) -> dt.date:
    """The last day of a notice of ``days`` days starting on ``start`` (both days included):
    7 days from 1 May run until 7 May."""
    return start + dt.timedelta(days=max(days, 1) - 1)


# --- the pure rules ----------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    nomination_id: int
    total: Decimal
    rank: int


def rank(items: Iterable[tuple[int, Decimal]]) -> list[Ranked]:
    """Standard competition ranking by total, highest first; equal totals share a rank."""
    ordered = sorted(items, key=lambda item: (-item[1], item[0]))
    ranked: list[Ranked] = []
    current_rank, previous = 0, None
    for position, (nomination_id, total) in enumerate(ordered, start=1):
        if total != previous:
            current_rank, previous = position, total
        ranked.append(Ranked(nomination_id, total, current_rank))
    return ranked


@dataclass(frozen=True)
class Tie:
    rank: int
    tied: tuple[int, ...]  # nomination ids, ascending
    places: int  # how many of them the committee chooses

    @property
    def key(self) -> tuple[int, tuple[int, ...], int]:
        return (self.rank, self.tied, self.places)


@dataclass
class Plan:
    proposed: list[int] = field(default_factory=list)
    tie: Tie | None = None
    unfilled: int = 0


def plan(ranked: Iterable[Ranked], free: int) -> Plan:
    """Fill ``free`` places from ``ranked`` (the not yet proposed), a whole group of equals
    at a time; the first group that does not fit is the tie (places left for it)."""
    result = Plan()
    ordered = sorted(ranked, key=lambda r: (r.rank, r.nomination_id))
    for group_rank, group in itertools.groupby(ordered, key=lambda r: r.rank):
        if free <= 0:
            break
        ids = [r.nomination_id for r in group]
        if len(ids) <= free:
            result.proposed += ids
            free -= len(ids)
        else:
            result.tie = Tie(group_rank, tuple(sorted(ids)), free)
            return result
    result.unfilled = max(free, 0)
    return result


# --- standings -------------------------------------------------------------------


def standings_of(round_category: RoundCategory) -> dict[int, Any]:
    """Nomination id → the scoring standing (complete, total, flags)."""
    from jingsai.honours.domain import scoring

    return {s.nomination_id: s for s in scoring.standings(round_category)}


def flag_text(flag: str) -> str:
    kind, _sep, detail = flag.partition(":")
    if kind == "spread":
        return _("reviewers' marks too far apart (%(what)s)") % {"what": detail}
    if kind == "missing":
        return _("marks missing (%(what)s)") % {"what": detail}
    if kind == "no_reviewer":
        return _("no reviewer may review it")
    if kind == "no_criteria":
        return _("the category has no review criteria")
    return flag


def readiness(round_category: RoundCategory, standings: dict[int, Any] | None = None) -> list[str]:
    """Why the category cannot be ranked yet: nominations without complete standings or
    with open flags (spread flags are resolved by re-scoring). Empty when ready."""
    standings = standings_of(round_category) if standings is None else standings
    reasons = []
    nominations = live_eligible(round_category).select_related(
        "worker", "innovation", "organisation"
    )
    for nomination in nominations.order_by("id"):
        standing = standings.get(nomination.pk)
        if standing is None:
            problem = _("no review standing")
        elif standing.flags:
            problem = "; ".join(flag_text(f) for f in standing.flags)
        elif not standing.complete or standing.total is None:
            problem = _("review not complete")
        else:
            continue
        reasons.append(
            _("%(category)s: %(name)s — %(problem)s.")
            % {
                "category": round_category.category.name,
                "name": nomination.subject_name,
                "problem": problem,
            }
        )
    return reasons


def stale(round_category: RoundCategory, standings: dict[int, Any] | None = None) -> bool:
    """The stored ranking no longer matches the review standings (or is missing)."""
    standings = standings_of(round_category) if standings is None else standings
    for pk, total, stored_rank in live_eligible(round_category).values_list("pk", "total", "rank"):
        standing = standings.get(pk)
        if stored_rank is None or standing is None or standing.total != total:
            return True
    return False


# --- the stored state ------------------------------------------------------------


def open_plan(round_category: RoundCategory, quota: int | None = None) -> Plan | None:
    """What the stored ranking leaves to do now: the not-proposed nominations that would
    fill free places, and the undecided tie, if any. None while the category is unranked."""
    rows = list(
        live_eligible(round_category).order_by().values_list("pk", "total", "rank", "proposed")
    )
    if any(r[2] is None for r in rows):
        return None
    quota = quota_of(round_category) if quota is None else quota
    honoured = Nomination.objects.filter(round_category=round_category, status=N.HONOURED)
    free = quota - sum(1 for r in rows if r[3]) - honoured.count()
    return plan((Ranked(pk, total, r) for pk, total, r, proposed in rows if not proposed), free)


def undecided_tie(round_category: RoundCategory) -> Tie | None:
    pending = open_plan(round_category)
    return pending.tie if pending else None


@dataclass
class Row:
    nomination: Nomination
    rank: int | None
    total: Decimal | None
    proposed: bool
    tied: bool
    flags: list[str]
    live: bool


@dataclass
class SelectionState:
    round_category: RoundCategory
    quota: int
    rows: list[Row]
    ranked: bool
    tie: Tie | None
    pending: list[int]
    proposed: int
    unfilled: int
    decisions: list[TieDecision]


def selection_state(round_category: RoundCategory, *, with_flags: bool = True) -> SelectionState:
    """The category's page: every eligible nomination (live, honoured or removed) with rank,
    total, proposal, tie membership and the review flags; the quota, the undecided tie and
    the committee's decisions."""
    quota = quota_of(round_category)
    pending = open_plan(round_category, quota)
    tied = set(pending.tie.tied) if pending and pending.tie else set()
    flags: dict[int, list[str]] = {}
    if with_flags:
        flags = {
            pk: [flag_text(f) for f in s.flags] for pk, s in standings_of(round_category).items()
        }
    nominations = (
        Nomination.objects.filter(
            round_category=round_category,
            eligible=True,
            status__in=[N.SUBMITTED, N.HONOURED, N.REMOVED],
        )
        .select_related("worker", "innovation", "organisation", "nominator")
        .order_by("rank", "id")
    )
    rows = [
        Row(
            nomination=n,
            rank=n.rank,
            total=n.total,
            proposed=n.proposed,
            tied=n.pk in tied,
            flags=flags.get(n.pk, []),
            live=n.status == N.SUBMITTED,
        )
        for n in nominations
    ]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, not r.live, r.nomination.pk))
    proposed = sum(1 for r in rows if r.proposed and r.nomination.status != N.REMOVED)
    return SelectionState(
        round_category=round_category,
        quota=quota,
        rows=rows,
        ranked=pending is not None,
        tie=pending.tie if pending else None,
        pending=pending.proposed if pending else [],
        proposed=proposed,
        unfilled=pending.unfilled if pending else 0,
        decisions=list(round_category.tie_decisions.select_related("decided_by").order_by("-id")),
    )


# --- actions ---------------------------------------------------------------------


def _locked_round(round_id: int) -> Round:
    return Round.objects.select_for_update().order_by().get(pk=round_id)


def _category(round_category: RoundCategory) -> RoundCategory:
    return RoundCategory.objects.select_related("category", "round__year").get(pk=round_category.pk)


def propose_category(*, actor: Any, round_category: RoundCategory) -> Plan:
    """Rank the category from the standings and store the proposal; the caller holds the
    round's lock and has checked the stage (used by :func:`propose` and the stage move)."""
    standings = standings_of(round_category)
    reasons = readiness(round_category, standings)
    if reasons:
        raise SelectionRefused(*reasons)
    nominations = {
        n.pk: n for n in live_eligible(round_category).select_for_update().order_by("id")
    }
    ranked = rank((pk, standings[pk].total) for pk in nominations)
    quota = quota_of(round_category)
    result = plan(ranked, quota)
    chosen: list[int] = []
    kept = None
    for decision in TieDecision.objects.filter(round_category=round_category, active=True):
        key = (decision.rank, tuple(sorted(decision.tied)), len(decision.chosen))
        if result.tie is not None and kept is None and key == result.tie.key:
            kept = decision
            chosen = [int(pk) for pk in decision.chosen]
            continue
        decision.active = False
        decision.save(update_fields=["active", "updated_at"])
        audit.record(
            actor=actor,
            action="honours.tie_decision_lapsed",
            obj=decision,
            object_repr=f"{round_category} #{decision.pk}",
            after={"active": False},
            note=_("The ranking changed; the tie this decision settled is gone."),
        )
    proposed = set(result.proposed) | set(chosen)
    for r in ranked:
        nomination = nominations[r.nomination_id]
        nomination.rank = r.rank
        nomination.total = r.total
        nomination.proposed = r.nomination_id in proposed
        nomination.notice_from = nomination.notice_until = None
    Nomination.objects.bulk_update(
        nominations.values(), ["rank", "total", "proposed", "notice_from", "notice_until"]
    )
    # nominations that are not live eligible keep no place on the list
    Nomination.objects.filter(round_category=round_category, proposed=True).exclude(
        pk__in=list(nominations)
    ).update(proposed=False)
    audit.record(
        actor=actor,
        action="honours.proposed",
        obj=round_category,
        object_repr=f"{round_category.round} {round_category}",
        after={
            "quota": quota,
            "ranking": [[r.nomination_id, str(r.total), r.rank] for r in ranked],
            "proposed": sorted(proposed),
            "tie": (
                {
                    "rank": result.tie.rank,
                    "tied": list(result.tie.tied),
                    "places": result.tie.places,
                }
                if result.tie
                else None
            ),
            "decision_kept": kept.pk if kept else None,
            "unfilled": result.unfilled,
        },
    )
    return result


def propose(*, actor: Any, round_category: RoundCategory) -> Plan:
    """(Re)rank the category and propose up to the quota (selection stage, admins only)."""
    require_admin(actor)
    with transaction.atomic():
        round_ = _locked_round(round_category.round_id)
        if round_.stage != S.SELECTION:
            raise SelectionRefused(
                _(
                    "The ranking is proposed at the selection stage; "
                    "the round is at the %(stage)s stage."
                )
                % {"stage": round_.get_stage_display()}
            )
        return propose_category(actor=actor, round_category=_category(round_category))


def _start_notice_for(nominations: Iterable[Nomination], round_: Round, today: dt.date) -> None:
    for nomination in nominations:
        nomination.proposed = True
        if round_.stage == S.NOTICE:
            nomination.notice_from = today
            nomination.notice_until = notice_until(today, round_.notice_days)
        nomination.save(update_fields=["proposed", "notice_from", "notice_until", "updated_at"])


def fill_free_places(
    *, actor: Any, round_category: RoundCategory, today: dt.date | None = None, note: str = ""
) -> Plan | None:
    """Propose the next ranked nominations into the category's free places (notice stage:
    each starts its own notice today). Stops at a tie, which needs a committee decision.
    The caller holds the round's lock."""
    today = today or timezone.localdate()
    round_category = _category(round_category)
    round_ = Round.objects.get(pk=round_category.round_id)
    pending = open_plan(round_category)
    if pending is None or not pending.proposed:
        return pending
    promoted = list(
        live_eligible(round_category)
        .filter(pk__in=pending.proposed)
        .select_related("worker", "innovation", "organisation")
        .order_by("rank", "id")
    )
    _start_notice_for(promoted, round_, today)
    for nomination in promoted:
        audit.record(
            actor=actor,
            action="honours.promoted",
            obj=nomination,
            after={
                "rank": nomination.rank,
                "proposed": True,
                "notice_from": nomination.notice_from,
                "notice_until": nomination.notice_until,
            },
            note=note,
        )
    return pending


def promote_next(
    *, actor: Any, round_category: RoundCategory, today: dt.date | None = None
) -> Plan | None:
    """At the notice stage, propose the next ranked into free places (e.g. after a withdrawal);
    each starts its own notice today. Admins only."""
    require_admin(actor)
    with transaction.atomic():
        round_ = _locked_round(round_category.round_id)
        if round_.stage != S.NOTICE:
            raise SelectionRefused(
                _("The next ranked are proposed into free places during the public notice.")
            )
        pending = open_plan(round_category)
        if pending is None or not pending.proposed:
            raise SelectionRefused(_("No place is free for the next ranked."))
        return fill_free_places(actor=actor, round_category=round_category, today=today)


def record_tie_decision(
    *,
    actor: Any,
    round_category: RoundCategory,
    chosen_ids: Iterable[int | str],
    reason: str,
    today: dt.date | None = None,
) -> TieDecision:
    """The committee chooses exactly as many of the tied nominations as there are places
    left, with its reason. At the notice stage the chosen start their notice today."""
    require_admin(actor)
    reason = (reason or "").strip()
    today = today or timezone.localdate()
    try:
        chosen = sorted({int(pk) for pk in chosen_ids})
    except (TypeError, ValueError):
        raise SelectionRefused(_("Choose among the tied nominations.")) from None
    with transaction.atomic():
        round_ = _locked_round(round_category.round_id)
        if round_.stage not in (S.SELECTION, S.NOTICE):
            raise SelectionRefused(
                _(
                    "Ties are decided at the selection or notice stage; "
                    "the round is at the %(stage)s stage."
                )
                % {"stage": round_.get_stage_display()}
            )
        round_category = _category(round_category)
        pending = open_plan(round_category)
        if pending is None or pending.tie is None:
            raise SelectionRefused(_("There is no tie awaiting a committee decision."))
        tie = pending.tie
        reasons = []
        if not reason:
            reasons.append(_("Give the committee's reason."))
        if not set(chosen) <= set(tie.tied):
            reasons.append(_("Choose only among the tied nominations."))
        if len(chosen) != tie.places:
            reasons.append(
                _("Choose exactly %(places)d of the %(tied)d tied nominations (%(chosen)d chosen).")
                % {"places": tie.places, "tied": len(tie.tied), "chosen": len(chosen)}
            )
        if reasons:
            raise SelectionRefused(*reasons)
        decision = TieDecision.objects.create(
            round_category=round_category,
            rank=tie.rank,
            tied=list(tie.tied),
            chosen=chosen,
            reason=reason,
            decided_by=actor if getattr(actor, "pk", None) else None,
            active=True,
        )
        nominations = list(
            live_eligible(round_category)
            .filter(pk__in=list(pending.proposed) + chosen)
            .select_for_update()
            .order_by("id")
        )
        _start_notice_for(nominations, round_, today)
        audit.record(
            actor=actor,
            action="honours.tie_decided",
            obj=decision,
            object_repr=f"{round_category.round} {round_category} #{decision.pk}",
            after={
                "rank": tie.rank,
                "tied": list(tie.tied),
                "chosen": chosen,
                "also_proposed": list(pending.proposed),
                "stage": round_.stage,
                "notice_from": today if round_.stage == S.NOTICE else None,
            },
            note=reason,
        )
    return decision
