"""The life of a competition: draft → open → closed → judging → public notice →
published → archived, and the application (立项申请) that a co-organiser's
competition passes before it may open.

:data:`MOVES` lists every allowed move and who may make it: ``"admin"`` (a
programme admin) or ``"organiser"`` (a programme admin, or staff of the
competition's organiser or co-organisers). :mod:`jingsai.access.policy` reads
it; :func:`move` checks the preconditions and writes the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jingsai.common.domain import audit
from jingsai.competitions.models import Competition, CompetitionLevel

S = Competition.Status

MOVES: dict[tuple[str, str], str] = {
    (S.DRAFT, S.OPEN): "organiser",
    (S.OPEN, S.CLOSED): "organiser",
    (S.CLOSED, S.OPEN): "admin",  # reopen registration
    (S.CLOSED, S.JUDGING): "organiser",
    (S.JUDGING, S.PUBLIC_NOTICE): "admin",
    (S.PUBLIC_NOTICE, S.JUDGING): "admin",  # back after an upheld objection
    (S.PUBLIC_NOTICE, S.PUBLISHED): "admin",
    (S.PUBLISHED, S.JUDGING): "admin",  # a correction after publication
    (S.PUBLISHED, S.ARCHIVED): "admin",
}


# Moves that carry results: only the judging app's publication service makes them,
# after its own checks (marks confirmed, results computed, no open flag, appeals).
RESULT_MOVES = {
    (S.JUDGING, S.PUBLIC_NOTICE),
    (S.PUBLIC_NOTICE, S.JUDGING),
    (S.PUBLIC_NOTICE, S.PUBLISHED),
    (S.PUBLISHED, S.JUDGING),
}


class MoveRefused(Exception):  # noqa: N818 (a refusal, reported to the user)
    pass


def moves_from(status: str) -> list[str]:
    """Moves offered on the competition's page (results moves have their own page)."""
    return [to for (frm, to) in MOVES if frm == status and (frm, to) not in RESULT_MOVES]


def open_refusals(competition: Competition) -> list[str]:
    """Why a competition may not open yet (empty when it may)."""
    reasons = []
    if competition.approval not in (
        Competition.Approval.NOT_REQUIRED,
        Competition.Approval.APPROVED,
    ):
        reasons.append(_("The application has not been approved."))
    levels = list(competition.levels.all())
    if not levels:
        reasons.append(_("The competition has no levels yet."))
    if any(level.review != CompetitionLevel.Review.APPROVED for level in levels):
        reasons.append(_("Not every level has been approved."))
    if not competition.registration_closes:
        reasons.append(_("The registration window has no closing time."))
    if competition.is_team and not (competition.team_min and competition.team_max):
        reasons.append(_("A team competition needs its team size."))
    return reasons


def move(
    *, actor: Any, competition: Competition, to: str, note: str = "", checked: bool = False
) -> Competition:
    """Move ``competition`` to ``to``; the caller has checked that ``actor`` may.

    A move in :data:`RESULT_MOVES` needs ``checked=True`` (given only by
    :mod:`jingsai.judging.domain.publication`).
    """
    with transaction.atomic():
        competition = Competition.objects.select_for_update().get(pk=competition.pk)
        if (competition.status, to) not in MOVES:
            raise MoveRefused(
                _("A competition cannot go from “%(from)s” to “%(to)s”.")
                % {"from": competition.get_status_display(), "to": S(to).label}
            )
        if (competition.status, to) in RESULT_MOVES and not checked:
            raise MoveRefused(
                _("Results are put on notice and published from the competition's results page.")
            )
        if to == S.OPEN:
            reasons = open_refusals(competition)
            if reasons:
                raise MoveRefused(" ".join(reasons))
        before = audit.snapshot(competition)
        competition.status = to
        competition.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action=f"status:{to}",
            obj=competition,
            before=before,
            after=audit.snapshot(competition),
            note=note,
        )
    return competition


# --- the application (立项申请) ----------------------------------------------


def submit_application(*, actor: Any, competition: Competition) -> Competition:
    with transaction.atomic():
        competition = Competition.objects.select_for_update().get(pk=competition.pk)
        if competition.approval not in (
            Competition.Approval.DRAFTING,
            Competition.Approval.RETURNED,
        ):
            raise MoveRefused(_("This application is not waiting to be submitted."))
        if not competition.levels.exists():
            raise MoveRefused(_("The competition has no levels yet."))
        before = audit.snapshot(competition)
        competition.approval = Competition.Approval.PENDING
        competition.save(update_fields=["approval", "updated_at"])
        competition.levels.exclude(review=CompetitionLevel.Review.APPROVED).update(
            review=CompetitionLevel.Review.PENDING
        )
        audit.record(
            actor=actor,
            action="application:submit",
            obj=competition,
            before=before,
            after=audit.snapshot(competition),
        )
    return competition


def review_application(
    *,
    actor: Any,
    competition: Competition,
    decisions: dict[int, tuple[str, str]],
) -> Competition:
    """``decisions`` maps each level's id to (approved | returned, comment).

    All levels approved → the application is approved; any returned → the
    application is returned with the comments on those levels.
    """
    with transaction.atomic():
        competition = Competition.objects.select_for_update().get(pk=competition.pk)
        if competition.approval != Competition.Approval.PENDING:
            raise MoveRefused(_("This application is not awaiting approval."))
        levels = {level.pk: level for level in competition.levels.all()}
        if set(decisions) != set(levels):
            raise MoveRefused(_("Give a decision for every level."))
        before = audit.snapshot(competition)
        level_log = {}
        for pk, (decision, comment) in decisions.items():
            if decision not in (CompetitionLevel.Review.APPROVED, CompetitionLevel.Review.RETURNED):
                raise MoveRefused(_("Give a decision for every level."))
            if decision == CompetitionLevel.Review.RETURNED and not comment.strip():
                raise MoveRefused(
                    _("Say why the level “%(level)s” is returned.") % {"level": levels[pk].name}
                )
            level = levels[pk]
            level.review, level.review_comment = decision, comment.strip()
            level.save(update_fields=["review", "review_comment"])
            level_log[level.name] = [decision, comment.strip()]
        all_approved = all(d == CompetitionLevel.Review.APPROVED for d, _c in decisions.values())
        competition.approval = (
            Competition.Approval.APPROVED if all_approved else Competition.Approval.RETURNED
        )
        competition.save(update_fields=["approval", "updated_at"])
        audit.record(
            actor=actor,
            action="application:review",
            obj=competition,
            before=before,
            after=audit.snapshot(competition) | {"levels": level_log},
        )
    return competition
