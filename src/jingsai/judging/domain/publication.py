"""From confirmed marks to published results: progress, the chief judge's
confirmation, public notice (公示), appeals (申诉) and publication.

- :func:`progress`: sheets expected (one per assignment), submitted, waiting
  for a second person's check, drafts and returned ones, and missing ones.
- :func:`confirm_marks`: the chief judge confirms once every assigned sheet
  counts; blind identities are revealed from then on.
- :func:`put_on_notice`: results computed after the last change, no open
  flag, a date range; the competition moves to public notice.
- :func:`lodge_appeal` / :func:`decide_appeal`: during the notice, within the
  appeal window, an entrant or his enterprise appeals; the arbitration group
  decides with a reason. An upheld appeal sends the competition back to
  judging (marks re-opened for the chief judge's correction; results must be
  computed and put on notice again).
- :func:`publish`: after the notice, with no appeal undecided; the
  certification rules are applied in the same transaction.
- :func:`reopen_published`: a correction after publication sends the
  competition back to judging; publishing again revokes and reissues only the
  certificates that changed, with this reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.certification.domain import issuing
from jingsai.common.domain import audit
from jingsai.common.models import AuditEntry
from jingsai.competitions.domain import lifecycle
from jingsai.competitions.models import Competition, Entry
from jingsai.judging.domain import compute
from jingsai.judging.models import Appeal, Assignment, Judging, Result, Sheet

S = Competition.Status


class PublicationRefused(Exception):  # noqa: N818 (a refusal shown to the user)
    pass


@dataclass
class Progress:
    expected: int
    counted: int
    awaiting_check: int
    drafts: int
    returned: int

    @property
    def missing(self) -> int:
        return self.expected - self.counted - self.awaiting_check - self.drafts - self.returned

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.counted == self.expected


def progress(competition: Competition) -> Progress:
    expected = Assignment.objects.filter(competition=competition).count()
    sheets = Sheet.objects.filter(competition=competition).aggregate(
        counted=Count(
            "pk",
            filter=Q(status=Sheet.Status.SUBMITTED)
            & (~Q(source=Sheet.Source.STAFF) | Q(checked_by__isnull=False)),
        ),
        awaiting=Count(
            "pk",
            filter=Q(
                status=Sheet.Status.SUBMITTED,
                source=Sheet.Source.STAFF,
                checked_by__isnull=True,
            ),
        ),
        drafts=Count("pk", filter=Q(status=Sheet.Status.DRAFT)),
        returned=Count("pk", filter=Q(status=Sheet.Status.RETURNED)),
    )
    return Progress(
        expected, sheets["counted"], sheets["awaiting"], sheets["drafts"], sheets["returned"]
    )


def missing_sheets(competition: Competition, limit: int = 200):
    """Assignments without a counted sheet (judge, entry), at most ``limit``."""
    counted = Sheet.objects.filter(competition=competition, status=Sheet.Status.SUBMITTED).filter(
        ~Q(source=Sheet.Source.STAFF) | Q(checked_by__isnull=False)
    )
    pairs = set(counted.values_list("judge_id", "entry_id"))
    out = []
    for assignment in (
        Assignment.objects.filter(competition=competition)
        .select_related("judge", "entry")
        .order_by("entry_id", "judge__code")
        .iterator(chunk_size=2000)
    ):
        if (assignment.judge_id, assignment.entry_id) not in pairs:
            out.append(assignment)
            if len(out) >= limit:
                break
    return out


def _judging(competition: Competition) -> Judging:
    """The competition's judging, locked; ``competition`` is re-read (its status may have moved)."""
    fresh = Competition.objects.select_for_update().get(pk=competition.pk)
    competition.status = fresh.status
    judging = Judging.objects.select_for_update().filter(pk=competition.pk).first()
    if judging is None:
        raise PublicationRefused(_("This competition has no marking scheme yet."))
    return judging


def confirm_marks(*, actor: Any, competition: Competition) -> Judging:
    """The chief judge confirms all marks; refused while any assigned sheet does not count."""
    with transaction.atomic():
        judging = _judging(competition)
        if competition.status != S.JUDGING:
            raise PublicationRefused(_("Marks are confirmed while the competition is judged."))
        if judging.marks_confirmed_at:
            raise PublicationRefused(_("The marks are already confirmed."))
        state = progress(competition)
        if not state.complete:
            raise PublicationRefused(
                _(
                    "%(missing)s of %(expected)s sheets do not count yet (missing, drafts, "
                    "returned or waiting for a second person's check)."
                )
                % {"missing": state.expected - state.counted, "expected": state.expected}
            )
        judging.marks_confirmed_at = timezone.now()
        judging.marks_confirmed_by = actor
        judging.save(update_fields=["marks_confirmed_at", "marks_confirmed_by", "updated_at"])
        audit.record(actor=actor, action="marks:confirm", obj=competition)
    return judging


def reopen_marks(*, actor: Any, competition: Competition, reason: str) -> Judging:
    """Re-open confirmed marks (for a correction); results must be computed again."""
    if not reason.strip():
        raise PublicationRefused(_("Say why the marks are re-opened."))
    with transaction.atomic():
        judging = _judging(competition)
        if competition.status != S.JUDGING:
            raise PublicationRefused(_("Marks are re-opened while the competition is judged."))
        judging.marks_confirmed_at = None
        judging.computed_at = None
        judging.save(update_fields=["marks_confirmed_at", "computed_at", "updated_at"])
        audit.record(actor=actor, action="marks:reopen", obj=competition, note=reason.strip())
    return judging


def compute_results(*, actor: Any, competition: Competition):
    with transaction.atomic():
        judging = _judging(competition)
        if competition.status != S.JUDGING:
            raise PublicationRefused(_("Results are computed while the competition is judged."))
        if not judging.marks_confirmed_at:
            raise PublicationRefused(_("The chief judge has not confirmed the marks yet."))
        return compute.store(actor=actor, competition=competition)


def put_on_notice(
    *, actor: Any, competition: Competition, starts: dt.date, ends: dt.date
) -> Judging:
    if ends < starts:
        raise PublicationRefused(_("The notice must end on or after the day it starts."))
    with transaction.atomic():
        judging = _judging(competition)
        if not judging.marks_confirmed_at:
            raise PublicationRefused(_("The chief judge has not confirmed the marks yet."))
        if not judging.computed_at or not Result.objects.filter(competition=competition).exists():
            raise PublicationRefused(_("Compute the results after the last change first."))
        flagged = compute.open_flags(competition)
        if flagged:
            raise PublicationRefused(
                _("%(count)s results still carry a flag; resolve them first.") % {"count": flagged}
            )
        judging.notice_from, judging.notice_until = starts, ends
        judging.save(update_fields=["notice_from", "notice_until", "updated_at"])
        lifecycle.move(
            actor=actor,
            competition=competition,
            to=S.PUBLIC_NOTICE,
            note=f"{starts.isoformat()} – {ends.isoformat()}",
            checked=True,
        )
    return judging


def appeal_deadline(judging: Judging) -> dt.date | None:
    if not judging.notice_from:
        return None
    return judging.notice_from + dt.timedelta(days=max(judging.appeal_days, 1) - 1)


def lodge_appeal(*, actor: Any, entry: Entry, grounds: str, today: dt.date | None = None) -> Appeal:
    """The caller has checked that ``actor`` may appeal for ``entry``."""
    today = today or timezone.localdate()
    if not grounds.strip():
        raise PublicationRefused(_("Give the grounds of the appeal."))
    with transaction.atomic():
        competition = Competition.objects.select_for_update().get(pk=entry.competition_id)
        judging = Judging.objects.get(pk=competition.pk)
        if competition.status != S.PUBLIC_NOTICE:
            raise PublicationRefused(_("Appeals are lodged during the public notice."))
        deadline = appeal_deadline(judging)
        if today < judging.notice_from or deadline is None or today > deadline:
            raise PublicationRefused(
                _("Appeals could be lodged from %(start)s to %(end)s.")
                % {"start": judging.notice_from, "end": deadline}
            )
        if Appeal.objects.filter(entry=entry, status=Appeal.Status.LODGED).exists():
            raise PublicationRefused(_("An appeal for this entry is already waiting."))
        appeal = Appeal.objects.create(
            competition=competition, entry=entry, lodged_by=actor, grounds=grounds.strip()
        )
        audit.record(actor=actor, action="appeal:lodge", obj=appeal, after={"entry": entry.number})
    return appeal


def decide_appeal(*, actor: Any, appeal: Appeal, uphold: bool, reason: str) -> Appeal:
    """Decide with a reason; an upheld appeal sends the competition back to judging."""
    if not reason.strip():
        raise PublicationRefused(_("A decision needs its reason."))
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status != Appeal.Status.LODGED:
            raise PublicationRefused(_("This appeal has already been decided."))
        appeal.status = Appeal.Status.UPHELD if uphold else Appeal.Status.DISMISSED
        appeal.decision = reason.strip()
        appeal.decided_by = actor
        appeal.decided_at = timezone.now()
        appeal.save()
        audit.record(
            actor=actor,
            action=f"appeal:{appeal.status}",
            obj=appeal,
            after={"entry": appeal.entry.number, "status": appeal.status},
            note=reason.strip(),
        )
        if uphold:
            competition = Competition.objects.get(pk=appeal.competition_id)
            if competition.status == S.PUBLIC_NOTICE:
                lifecycle.move(
                    actor=actor,
                    competition=competition,
                    to=S.JUDGING,
                    note=_("Appeal upheld: %(reason)s") % {"reason": reason.strip()},
                    checked=True,
                )
            Judging.objects.filter(pk=competition.pk).update(
                marks_confirmed_at=None, computed_at=None, notice_from=None, notice_until=None
            )
    return appeal


def publish(*, actor: Any, competition: Competition, today: dt.date | None = None) -> Judging:
    today = today or timezone.localdate()
    with transaction.atomic():
        judging = _judging(competition)
        if competition.status != S.PUBLIC_NOTICE:
            raise PublicationRefused(_("Results are published after their public notice."))
        if judging.notice_until and today <= judging.notice_until:
            raise PublicationRefused(
                _("The public notice runs until %(date)s.") % {"date": judging.notice_until}
            )
        if Appeal.objects.filter(competition=competition, status=Appeal.Status.LODGED).exists():
            raise PublicationRefused(_("An appeal is still waiting for its decision."))
        judging.published_at = timezone.now()
        judging.save(update_fields=["published_at", "updated_at"])
        lifecycle.move(actor=actor, competition=competition, to=S.PUBLISHED, checked=True)
        issuing.apply_rules(
            actor=actor, competition=competition, reason=_reopen_reason(competition)
        )
        from jingsai.dashboards.domain import medals  # the dashboard's medal table

        medals.refresh([competition])  # counts them now
    return judging


def _reopen_reason(competition: Competition) -> str:
    """The reason of the last re-opening after publication ("" if never re-opened)."""
    entry = (
        AuditEntry.objects.filter(
            object_type="competitions.competition",
            object_id=str(competition.pk),
            action="results:reopen",
        )
        .order_by("-id")
        .first()
    )
    return entry.note if entry else ""


def reopen_published(*, actor: Any, competition: Competition, reason: str) -> Judging:
    """Published results back to judging for a correction (marks re-opened, as after an
    upheld appeal); they are computed, put on notice and published again."""
    if not reason.strip():
        raise PublicationRefused(_("Say why the published results are re-opened."))
    with transaction.atomic():
        judging = _judging(competition)
        if competition.status != S.PUBLISHED:
            raise PublicationRefused(_("Only published results are re-opened for a correction."))
        lifecycle.move(
            actor=actor, competition=competition, to=S.JUDGING, note=reason.strip(), checked=True
        )
        Judging.objects.filter(pk=competition.pk).update(
            marks_confirmed_at=None,
            computed_at=None,
            notice_from=None,
            notice_until=None,
            published_at=None,
        )
        audit.record(actor=actor, action="results:reopen", obj=competition, note=reason.strip())
        from jingsai.dashboards.domain import medals  # the dashboard's medal table

        medals.refresh([competition])  # no longer counts them
        judging.refresh_from_db()
    return judging
