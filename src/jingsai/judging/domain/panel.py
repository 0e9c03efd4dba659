"""The judging panel: judges, conflicts of interest (回避), assignments, blind codes.

The conflict rule: a judge never marks an entry of an organisation he belongs
to (the organisation recorded on his panel seat, or any organisation where his
account holds a role) or one he has declared a conflict with. Automatic
assignment skips such pairs and says why; a manual assignment that breaks the
rule is refused with the reason; a mark from such a judge is never accepted
(:func:`marking_refusal`, asked on every save).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from jingsai.common.domain import audit
from jingsai.competitions.models import Competition, Entry
from jingsai.judging.models import Assignment, BlindCode, Conflict, Judging, PanelJudge, Sheet
from jingsai.people.models import RoleGrant

BLIND_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY"  # no look-alikes (B/8, I/1, O/0, S/5, Z/2)
BLIND_DIGITS = "3456789"


class PanelRefused(Exception):  # noqa: N818 (a refusal shown to the user)
    pass


def organisations_of(judge: PanelJudge) -> set[int]:
    """Organisations the judge belongs to: his seat's and his account's."""
    ids = {judge.organisation_id} if judge.organisation_id else set()
    if judge.user_id:
        ids |= set(
            RoleGrant.objects.filter(user_id=judge.user_id).values_list(
                "organisation_id", flat=True
            )
        )
    return ids


def declared_conflicts(judge: PanelJudge) -> set[int]:
    return set(Conflict.objects.filter(judge=judge).values_list("organisation_id", flat=True))


@dataclass
class ConflictIndex:
    """Conflicts of many judges at once (for assigning in bulk)."""

    belongs: dict[int, set[int]]
    declared: dict[int, set[int]]

    @classmethod
    def for_judges(cls, judges: Sequence[PanelJudge]) -> ConflictIndex:
        belongs = {j.pk: ({j.organisation_id} if j.organisation_id else set()) for j in judges}
        by_user = {j.user_id: j.pk for j in judges if j.user_id}
        for user_id, org_id in RoleGrant.objects.filter(user_id__in=by_user).values_list(
            "user_id", "organisation_id"
        ):
            if org_id:  # a grant without an organisation (a programme role) is no conflict
                belongs[by_user[user_id]].add(org_id)
        declared: dict[int, set[int]] = {j.pk: set() for j in judges}
        for judge_id, org_id in Conflict.objects.filter(judge__in=judges).values_list(
            "judge_id", "organisation_id"
        ):
            declared[judge_id].add(org_id)
        return cls(belongs, declared)

    def reason(self, judge: PanelJudge, entry: Entry) -> str:
        return conflict_message(
            judge,
            entry,
            belongs=entry.enterprise_id in self.belongs.get(judge.pk, ()),
            declared=entry.enterprise_id in self.declared.get(judge.pk, ()),
        )


def conflict_message(judge: PanelJudge, entry: Entry, *, belongs: bool, declared: bool) -> str:
    """The conflict rule's refusal: he belongs to the entry's organisation, or has declared
    a conflict with it ("" when neither)."""
    if belongs:
        return _("%(judge)s belongs to %(organisation)s, the organisation of entry %(entry)s.") % {
            "judge": judge.name,
            "organisation": entry.enterprise,
            "entry": entry_label(entry),
        }
    if declared:
        return _(
            "%(judge)s has declared a conflict of interest with %(organisation)s, "
            "the organisation of entry %(entry)s."
        ) % {"judge": judge.name, "organisation": entry.enterprise, "entry": entry_label(entry)}
    return ""


def entry_label(entry: Entry) -> str:
    return entry.number or f"#{entry.pk}"


def conflict_reason(judge: PanelJudge, entry: Entry) -> str:
    """Why ``judge`` may not mark ``entry`` under the conflict rule ("" when he may)."""
    return ConflictIndex.for_judges([judge]).reason(judge, entry)


@dataclass(frozen=True)
class MarkingFacts:
    """What decides whether a judge's mark for an entry is taken now, read in one query:
    the marks confirmed (closed), the entry assigned to him, a declared conflict with its
    organisation, an account role there."""

    confirmed: bool
    assigned: bool
    declared: bool
    belongs: bool


def marking_facts(judge: PanelJudge, entry: Entry) -> MarkingFacts:
    """One round trip: asked on every draft a judge saves (the busiest request)."""
    sql = """
        SELECT
          EXISTS (SELECT 1 FROM judging_judging
                  WHERE competition_id = %s AND marks_confirmed_at IS NOT NULL),
          EXISTS (SELECT 1 FROM judging_assignment WHERE judge_id = %s AND entry_id = %s),
          EXISTS (SELECT 1 FROM judging_conflict WHERE judge_id = %s AND organisation_id = %s),
          EXISTS (SELECT 1 FROM people_rolegrant WHERE user_id = %s AND organisation_id = %s)
    """
    params = [
        entry.competition_id,
        judge.pk,
        entry.pk,
        judge.pk,
        entry.enterprise_id,
        judge.user_id,
        entry.enterprise_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        confirmed, assigned, declared, belongs = cursor.fetchone()
    return MarkingFacts(bool(confirmed), bool(assigned), bool(declared), bool(belongs))


def marking_refusal(judge: PanelJudge, entry: Entry, facts: MarkingFacts | None = None) -> str:
    """Why a mark from ``judge`` for ``entry`` is not accepted ("" when it is); ``facts``
    when the caller has just read them."""
    if judge.competition_id != entry.competition_id:
        return _("This judge is not on this competition's panel.")
    facts = facts or marking_facts(judge, entry)
    enterprise = entry.enterprise_id
    reason = conflict_message(
        judge,
        entry,
        belongs=bool(enterprise) and (facts.belongs or judge.organisation_id == enterprise),
        declared=bool(enterprise) and facts.declared,
    )
    if reason:
        return reason
    if not facts.assigned:
        return _("This entry is not assigned to this judge.")
    return ""


def judging_of(competition: Competition) -> Judging:
    judging, _created = Judging.objects.get_or_create(competition=competition)
    return judging


# --- the panel -----------------------------------------------------------------


def add_judge(
    *,
    actor: Any,
    competition: Competition,
    code: str,
    name: str,
    user=None,
    organisation=None,
    is_chief: bool = False,
) -> PanelJudge:
    code = code.strip()
    if not code:
        raise PanelRefused(_("Give the judge a code."))
    with transaction.atomic():
        if PanelJudge.objects.filter(competition=competition, code=code).exists():
            raise PanelRefused(_("The code %(code)s is already on this panel.") % {"code": code})
        if user and PanelJudge.objects.filter(competition=competition, user=user).exists():
            raise PanelRefused(_("This account already sits on this panel."))
        if is_chief:
            PanelJudge.objects.filter(competition=competition, is_chief=True).update(is_chief=False)
        judge = PanelJudge.objects.create(
            competition=competition,
            code=code,
            name=name.strip() or (str(user) if user else code),
            user=user,
            organisation=organisation,
            is_chief=is_chief,
        )
        judging_of(competition)
        audit.record(actor=actor, action="panel:add", obj=judge, after=audit.snapshot(judge))
    return judge


def make_chief(*, actor: Any, judge: PanelJudge) -> PanelJudge:
    with transaction.atomic():
        PanelJudge.objects.filter(competition_id=judge.competition_id, is_chief=True).update(
            is_chief=False
        )
        PanelJudge.objects.filter(pk=judge.pk).update(is_chief=True)
        judge.is_chief = True
        audit.record(actor=actor, action="panel:chief", obj=judge)
    return judge


def declare_conflict(*, actor: Any, judge: PanelJudge, organisation, reason: str = "") -> Conflict:
    """Record a conflict; assignments it breaks are removed unless he has marked them."""
    with transaction.atomic():
        conflict, _created = Conflict.objects.get_or_create(
            judge=judge, organisation=organisation, defaults={"reason": reason.strip()}
        )
        clashing = Assignment.objects.filter(judge=judge, entry__enterprise=organisation)
        marked = Sheet.objects.filter(
            judge=judge, entry__enterprise=organisation, marks__isnull=False
        ).exists()
        if marked:
            raise PanelRefused(
                _(
                    "%(judge)s has already marked entries of %(organisation)s; "
                    "the chief judge must first send those sheets back."
                )
                % {"judge": judge.name, "organisation": organisation}
            )
        removed = clashing.count()
        clashing.delete()
        Sheet.objects.filter(judge=judge, entry__enterprise=organisation).delete()
        audit.record(
            actor=actor,
            action="panel:conflict",
            obj=judge,
            after={"organisation": str(organisation), "reason": reason, "unassigned": removed},
        )
    return conflict


def remove_judge(*, actor: Any, judge: PanelJudge) -> None:
    with transaction.atomic():
        if Sheet.objects.filter(judge=judge).exists():
            raise PanelRefused(_("This judge has mark sheets; he cannot leave the panel."))
        before = audit.snapshot(judge)
        judge_repr, judge_pk = str(judge), judge.pk
        judge.delete()
        audit.record(
            actor=actor,
            action="panel:remove",
            object_type="judging.paneljudge",
            object_id=judge_pk,
            object_repr=judge_repr,
            before=before,
        )


# --- assignments ----------------------------------------------------------------


def assign(*, actor: Any, judge: PanelJudge, entry: Entry) -> Assignment:
    """A manual assignment; refused with the reason when the conflict rule forbids it."""
    if judge.competition_id != entry.competition_id:
        raise PanelRefused(_("The judge and the entry are in different competitions."))
    if entry.status != Entry.Status.APPROVED:
        raise PanelRefused(_("Only approved entries are judged."))
    reason = conflict_reason(judge, entry)
    if reason:
        raise PanelRefused(reason)
    with transaction.atomic():
        assignment, created = Assignment.objects.get_or_create(
            judge=judge, entry=entry, defaults={"competition_id": entry.competition_id}
        )
        if created:
            audit.record(
                actor=actor,
                action="assign",
                obj=assignment,
                after={"judge": judge.code, "entry": entry_label(entry)},
            )
    return assignment


@dataclass
class AssignmentReport:
    created: int
    already: int
    refused: list[str]


def assign_many(
    *, actor: Any, judges: Iterable[PanelJudge], entries: Iterable[Entry]
) -> AssignmentReport:
    """Assign every judge to every entry (a group), skipping conflicts with the reason."""
    judges = list(judges)
    entries = [e for e in entries if e.status == Entry.Status.APPROVED]
    index = ConflictIndex.for_judges(judges)
    entry_ids = {e.pk for e in entries}
    existing = {
        pair
        for pair in Assignment.objects.filter(judge__in=judges).values_list("judge_id", "entry_id")
        if pair[1] in entry_ids
    }
    new, refused = [], []
    for entry in entries:
        for judge in judges:
            reason = index.reason(judge, entry)
            if reason:
                refused.append(reason)
            elif (judge.pk, entry.pk) not in existing:
                new.append(
                    Assignment(competition_id=entry.competition_id, judge=judge, entry=entry)
                )
    with transaction.atomic():
        Assignment.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        if new:
            competition_id = entries[0].competition_id
            audit.record(
                actor=actor,
                action="assign:many",
                object_type="competitions.competition",
                object_id=competition_id,
                object_repr=str(entries[0].competition),
                after={
                    "judges": [j.code for j in judges],
                    "assignments": len(new),
                    "refused": len(refused),
                },
            )
    return AssignmentReport(len(new), len(existing), refused)


def unassign(*, actor: Any, assignment: Assignment) -> None:
    with transaction.atomic():
        if Sheet.objects.filter(judge=assignment.judge, entry=assignment.entry).exists():
            raise PanelRefused(_("The judge has a mark sheet for this entry; it stays assigned."))
        text, pk = str(assignment), assignment.pk
        assignment.delete()
        audit.record(
            actor=actor,
            action="unassign",
            object_type="judging.assignment",
            object_id=pk,
            object_repr=text,
        )


# --- blind codes (加密编号) -------------------------------------------------------


def _random_code() -> str:
    letters = "".join(secrets.choice(BLIND_ALPHABET) for _ in range(2))
    digits = "".join(secrets.choice(BLIND_DIGITS) for _ in range(4))
    return letters + digits


def draw_blind_codes(*, actor: Any, competition: Competition) -> int:
    """Give every approved entry without one a drawn anonymous code; returns how many."""
    with transaction.atomic():
        Competition.objects.select_for_update().get(pk=competition.pk)
        taken = set(
            BlindCode.objects.filter(competition=competition).values_list("code", flat=True)
        )
        entries = Entry.objects.filter(
            competition=competition, status=Entry.Status.APPROVED, blind_code__isnull=True
        ).values_list("pk", flat=True)
        new = []
        for entry_id in entries:
            code = _random_code()
            while code in taken:
                code = _random_code()
            taken.add(code)
            new.append(BlindCode(entry_id=entry_id, competition=competition, code=code))
        BlindCode.objects.bulk_create(new, batch_size=2000)
        if new:
            audit.record(
                actor=actor,
                action="blind:draw",
                obj=competition,
                after={"codes": len(new)},
            )
    return len(new)


def identities_hidden(competition: Competition) -> bool:
    """Blind marking hides who an entry is until the chief judge has confirmed all marks."""
    judging = Judging.objects.filter(pk=competition.pk).first()
    return bool(judging and judging.blind and not judging.marks_confirmed_at)
