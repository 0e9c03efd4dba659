"""Registration (报名) and its review.

An enterprise registers its workers one entry each (individual competitions)
or as a team (one entry with members), or itself (enterprise and project-site
competitions). Every rule of :mod:`jingsai.competitions.domain.eligibility`
is checked first; a batch is all or nothing. Entries are then reviewed by the
organiser: approved (and numbered, 参赛编号) or returned with a comment on the
field to correct, fixed and resubmitted. Each change is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingsai.common.domain import audit
from jingsai.competitions.domain import eligibility
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.dashboards.domain import participation
from jingsai.organisations.models import Organisation
from jingsai.people.models import Worker
from jingsai.training.domain import hours as training_hours

RETURN_FIELDS = {
    "team_name": gettext_lazy("team name"),
    "members": gettext_lazy("team members"),
    "project_name": gettext_lazy("project site"),
    "worker_name": gettext_lazy("name of the worker"),
    "worker_trade": gettext_lazy("trade"),
    "worker_skill_level": gettext_lazy("skill level"),
    "worker_phone": gettext_lazy("phone"),
    "other": gettext_lazy("other"),
}


# Entries are reviewed, fixed and withdrawn only until judging starts.
ENTRY_CHANGE_STATUSES = (Competition.Status.OPEN, Competition.Status.CLOSED)


def _check_changeable(competition: Competition) -> None:
    if competition.status not in ENTRY_CHANGE_STATUSES:
        raise RegistrationRefused(
            {
                "": [
                    _("Entries can no longer be changed: the competition is “%(status)s”.")
                    % {"status": competition.get_status_display()}
                ]
            }
        )


class RegistrationRefused(Exception):  # noqa: N818 (a refusal, reported to the user)
    """``refusals`` maps what was refused (a worker's name, or "") to the reasons."""

    def __init__(self, refusals: dict[str, list[str]]):
        self.refusals = refusals
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in refusals.items()))


def active_entries(competition: Competition):
    return Entry.objects.filter(competition=competition).exclude(status=Entry.Status.WITHDRAWN)


def entered_worker_ids(competition: Competition, worker_ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    ids = list(worker_ids)
    for i in range(0, len(ids), 900):
        found.update(
            EntryMember.objects.filter(
                competition=competition, active=True, worker_id__in=ids[i : i + 900]
            ).values_list("worker_id", flat=True)
        )
    return found


def _lock(competition: Competition) -> Competition:
    return Competition.objects.select_for_update().get(pk=competition.pk)


def check_workers(
    rules: eligibility.Rules,
    *,
    competition: Competition,
    enterprise: Organisation,
    workers: Sequence[Worker],
) -> dict[str, list[str]]:
    """Refusals for each worker (by name) that may not enter for ``enterprise``."""
    refusals: dict[str, list[str]] = {}
    already = entered_worker_ids(competition, [w.pk for w in workers])
    trained = (
        training_hours.competition_hours(competition.pk, [w.pk for w in workers])
        if rules.required_hours is not None
        else {}
    )
    for worker in workers:
        reasons = []
        if worker.employer_id != enterprise.pk:
            reasons.append(
                _("%(name)s is not registered as a worker of %(enterprise)s.")
                % {"name": worker.name, "enterprise": enterprise.name}
            )
        if worker.pk in already:
            reasons.append(eligibility.already_entered_refusal(worker.name))
        reasons += eligibility.employer_refusals(
            rules, zone_id=enterprise.zone_id, industry_id=enterprise.industry_id
        )
        reasons += eligibility.person_refusals(
            rules, birth_date=worker.birth_date, skill_level=worker.skill_level
        )
        reasons += eligibility.training_refusals(
            rules, name=worker.name, hours=trained.get(worker.pk)
        )
        if reasons:
            refusals[f"{worker.name}（{worker.masked_id_number}）"] = reasons
    return refusals


def register(
    *,
    actor: Any,
    competition: Competition,
    enterprise: Organisation,
    workers: Sequence[Worker] = (),
    team_name: str = "",
    project_name: str = "",
) -> list[Entry]:
    """Register, all or nothing; raises :class:`RegistrationRefused` with every reason."""
    with transaction.atomic():
        competition = _lock(competition)
        rules = eligibility.rules_for(competition)
        general = eligibility.window_refusals(rules)
        workers = list(workers)
        if len({w.pk for w in workers}) != len(workers):
            general.append(_("The same worker is listed twice."))
        kind = competition.participants
        if kind == Competition.Participants.TEAMS:
            if not team_name.strip():
                general.append(_("A team needs a name."))
            general += eligibility.team_size_refusals(rules, size=len(workers))
            adding = 1
        elif kind == Competition.Participants.INDIVIDUALS:
            if not workers:
                general.append(_("Choose at least one worker."))
            adding = len(workers)
        else:
            adding = 1
            general += eligibility.employer_refusals(
                rules, zone_id=enterprise.zone_id, industry_id=enterprise.industry_id
            )
            if kind == Competition.Participants.PROJECT_SITES and not project_name.strip():
                general.append(_("A project site entry needs the project's name."))
        entries = active_entries(competition)
        general += eligibility.limit_refusals(
            rules,
            entries_now=entries.count(),
            enterprise_entries_now=entries.filter(enterprise=enterprise).count(),
            adding=adding,
        )
        refusals = {"": general} if general else {}
        if competition.takes_workers:
            refusals |= check_workers(
                rules, competition=competition, enterprise=enterprise, workers=workers
            )
        if refusals:
            raise RegistrationRefused(refusals)
        groups = (
            [[w] for w in workers] if kind == Competition.Participants.INDIVIDUALS else [workers]
        )
        first_level = competition.levels.order_by("order").first()
        created = []
        for group in groups:
            entry = Entry.objects.create(
                competition=competition,
                enterprise=enterprise,
                team_name=team_name.strip(),
                project_name=project_name.strip(),
                zone_id=enterprise.zone_id,
                level=first_level,
                submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            EntryMember.objects.bulk_create(
                EntryMember(
                    entry=entry,
                    competition=competition,
                    worker=w,
                    is_captain=(i == 0 and bool(team_name)),
                )
                for i, w in enumerate(group)
            )
            audit.record(
                actor=actor,
                action="register",
                obj=entry,
                after=audit.snapshot(entry) | {"members": [w.pk for w in group]},
            )
            created.append(entry)
        return created


def _change_status(entry: Entry, *, actor: Any, action: str, note: str = "", **changes) -> Entry:
    before = audit.snapshot(entry)
    for field, value in changes.items():
        setattr(entry, field, value)
    entry.save()
    audit.record(
        actor=actor, action=action, obj=entry, before=before, after=audit.snapshot(entry), note=note
    )
    return entry


def next_entry_number(competition: Competition) -> str:
    """``CODE-0001``, ``CODE-0002`` … in order of approval (call under the competition's lock)."""
    numbered = Entry.objects.filter(competition=competition).exclude(number=None).count()
    return f"{competition.code.upper()}-{numbered + 1:04d}"


def approve(*, actor: Any, entry: Entry) -> Entry:
    with transaction.atomic():
        competition = _lock(entry.competition)
        _check_changeable(competition)
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.status not in (Entry.Status.SUBMITTED,):
            raise RegistrationRefused({"": [_("Only an entry awaiting review can be approved.")]})
        number = entry.number or next_entry_number(competition)
        entry = _change_status(
            entry,
            actor=actor,
            action="approve",
            status=Entry.Status.APPROVED,
            number=number,
            return_field="",
            return_comment="",
        )
        participation.entries_changed([entry.pk])
        return entry


def return_for_changes(*, actor: Any, entry: Entry, field: str, comment: str) -> Entry:
    if field not in RETURN_FIELDS:
        raise RegistrationRefused({"": [_("Choose the field to correct.")]})
    if not comment.strip():
        raise RegistrationRefused({"": [_("Say what is to be corrected.")]})
    with transaction.atomic():
        _check_changeable(_lock(entry.competition))
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.status not in (Entry.Status.SUBMITTED, Entry.Status.APPROVED):
            raise RegistrationRefused({"": [_("This entry cannot be returned now.")]})
        entry = _change_status(
            entry,
            actor=actor,
            action="return",
            status=Entry.Status.RETURNED,
            return_field=field,
            return_comment=comment.strip(),
        )
        participation.entries_changed([entry.pk])
        return entry


def resubmit(
    *,
    actor: Any,
    entry: Entry,
    team_name: str | None = None,
    workers: Sequence[Worker] | None = None,
) -> Entry:
    """The officer's corrected entry goes back for review; eligibility is checked again."""
    with transaction.atomic():
        competition = _lock(entry.competition)
        _check_changeable(competition)
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.status != Entry.Status.RETURNED:
            raise RegistrationRefused({"": [_("Only a returned entry can be resubmitted.")]})
        rules = eligibility.rules_for(competition)
        general: list[str] = []
        current = list(
            Worker.objects.filter(entries__entry=entry, entries__active=True).select_related(
                "employer"
            )
        )
        new_members = list(workers) if workers is not None else current
        if competition.is_team:
            name = (team_name if team_name is not None else entry.team_name).strip()
            if not name:
                general.append(_("A team needs a name."))
            general += eligibility.team_size_refusals(rules, size=len(new_members))
        refusals = {"": general} if general else {}
        if competition.takes_workers:
            EntryMember.objects.filter(entry=entry).update(active=False)
            refusals |= check_workers(
                rules, competition=competition, enterprise=entry.enterprise, workers=new_members
            )
        if refusals:
            raise RegistrationRefused(refusals)  # leaving the block undoes the deactivation
        if competition.takes_workers:
            EntryMember.objects.filter(entry=entry).delete()
            EntryMember.objects.bulk_create(
                EntryMember(
                    entry=entry,
                    competition=competition,
                    worker=w,
                    is_captain=i == 0 and competition.is_team,
                )
                for i, w in enumerate(new_members)
            )
        changes: dict[str, Any] = {"status": Entry.Status.SUBMITTED}
        if team_name is not None:
            changes["team_name"] = team_name.strip()
        return _change_status(entry, actor=actor, action="resubmit", **changes)


def withdraw(*, actor: Any, entry: Entry, reason: str = "") -> Entry:
    with transaction.atomic():
        _check_changeable(_lock(entry.competition))
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.status == Entry.Status.WITHDRAWN:
            return entry
        EntryMember.objects.filter(entry=entry).update(active=False)
        entry = _change_status(
            entry, actor=actor, action="withdraw", note=reason, status=Entry.Status.WITHDRAWN
        )
        participation.entries_changed([entry.pk])
        return entry
