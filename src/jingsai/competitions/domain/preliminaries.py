"""Enterprise preliminaries (企业初赛): the enterprise reports how many of its
workers took part, and promotes its finalists — its approved entries — to the
next level, at most as many as the first level's ``promoted`` allows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jingsai.common.domain import audit
from jingsai.competitions.domain.registration import RegistrationRefused
from jingsai.competitions.models import Competition, Entry, PreliminaryReport
from jingsai.dashboards.domain import participation
from jingsai.organisations.models import Organisation


def report_preliminary(
    *,
    actor: Any,
    competition: Competition,
    enterprise: Organisation,
    participants: int,
    held_on=None,
    note: str = "",
) -> PreliminaryReport:
    with transaction.atomic():
        report = PreliminaryReport.objects.filter(
            competition=competition, enterprise=enterprise
        ).first()
        before = audit.snapshot(report) if report else None
        if report is None:
            report = PreliminaryReport(competition=competition, enterprise=enterprise)
        report.participants, report.held_on, report.note = participants, held_on, note
        report.reported_by = actor if getattr(actor, "is_authenticated", False) else None
        report.save()
        audit.record(
            actor=actor,
            action="report_preliminary",
            obj=report,
            before=before,
            after=audit.snapshot(report),
        )
    return report


def promote(
    *, actor: Any, competition: Competition, enterprise: Organisation, entries: Sequence[Entry]
) -> int:
    """Promote these approved entries of ``enterprise`` from the first level to the second."""
    levels = list(competition.levels.order_by("order")[:2])
    if len(levels) < 2:
        raise RegistrationRefused({"": [_("The competition has no next level.")]})
    first, second = levels
    entries = list({entry.pk: entry for entry in entries}.values())
    refusals = []
    if competition.status not in (Competition.Status.OPEN, Competition.Status.CLOSED):
        refusals.append(_("Finalists are promoted before judging starts."))
    for entry in entries:
        if entry.enterprise_id != enterprise.pk or entry.competition_id != competition.pk:
            refusals.append(_("Entry %(entry)s is not your enterprise's.") % {"entry": entry})
        elif entry.status != Entry.Status.APPROVED:
            refusals.append(_("Entry %(entry)s is not approved.") % {"entry": entry})
        elif entry.level_id != first.pk:
            refusals.append(_("Entry %(entry)s is not at the first level.") % {"entry": entry})
    with transaction.atomic():
        Competition.objects.select_for_update().get(pk=competition.pk)
        already = (
            Entry.objects.filter(competition=competition, enterprise=enterprise, level=second)
            .exclude(status=Entry.Status.WITHDRAWN)
            .count()
        )
        if first.promoted is not None and already + len(entries) > first.promoted:
            refusals.append(
                _(
                    "At most %(n)d finalists of an enterprise go on to “%(level)s”; "
                    "%(already)d already have."
                )
                % {"n": first.promoted, "level": second.name, "already": already}
            )
        if refusals:
            raise RegistrationRefused({"": refusals})
        ids = [e.pk for e in entries]
        Entry.objects.filter(pk__in=ids).update(level=second)
        participation.entries_changed(ids)
        audit.record(
            actor=actor,
            action="promote",
            obj=competition,
            after={"entries": ids, "to_level": second.name, "enterprise": enterprise.pk},
        )
    return len(ids)
