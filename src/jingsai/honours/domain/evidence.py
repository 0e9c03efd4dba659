"""Evidence a nomination may cite, picked from what the platform knows.

:func:`candidates` lists, for a nominee, the items a nominator may tick; each
is an :class:`EvidenceItem` with a key ``"kind:id"``. A nomination stores the
ticked items as a snapshot (kind, id, label, date), so the evidence reads the
same later even if the platform's records change.

- a worker: published results (rank, award, competition), valid certificates,
  skill-level records in force, training hours in all and per course, and the
  innovation results he authored with verified benefit;
- an innovation result: its verified benefit (money, hours, tier), the
  competition it came from, and its authors' valid certificates;
- an organisation: the training courses it ran, its innovation results with
  verified benefit, and its entries' awards in published competitions.

Each kind lists the newest first, at most :data:`PER_KIND` items, with one
query per kind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.honours.models import Round
from jingsai.innovation.models import InnovationResult
from jingsai.organisations.models import Organisation
from jingsai.people.models import Worker

PER_KIND = 50
PUBLISHED = ("published", "archived")
VERIFIED = (InnovationResult.Status.VERIFIED, InnovationResult.Status.RECOGNISED)


@dataclass(frozen=True)
class EvidenceItem:
    kind: str
    id: int
    label: str
    date: dt.date | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    def snapshot(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "label": self.label,
            "date": self.date.isoformat() if self.date else "",
        }


def _day(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localdate(value)
    return value


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- pieces shared by the subjects ---------------------------------------------------


def _results(**lookup) -> list[EvidenceItem]:
    from jingsai.judging.models import Result

    rows = (
        Result.objects.filter(competition__status__in=PUBLISHED, **lookup)
        .annotate(published_at=F("competition__judging__published_at"))
        .select_related("competition__year", "entry")
        .order_by("-competition__year__year", F("published_at").desc(nulls_last=True), "-pk")[
            :PER_KIND
        ]
    )
    items = []
    for r in rows:
        parts = [_("rank %(rank)s") % {"rank": r.rank}]
        if r.award:
            parts.append(r.award)
        parts.append(f"{r.competition.title} ({r.competition.year.year})")
        if r.entry.team_name:
            parts.append(r.entry.team_name)
        items.append(EvidenceItem("result", r.pk, " · ".join(parts), _day(r.published_at)))
    return items


def _certificates(**lookup) -> list[EvidenceItem]:
    if not apps.is_installed("jingsai.certification"):
        return []
    from jingsai.certification.models import Certificate

    rows = (
        Certificate.objects.filter(status=Certificate.Status.VALID, **lookup)
        .select_related("worker")
        .order_by("-issued_on", "-pk")[:PER_KIND]
    )
    return [
        EvidenceItem(
            "certificate",
            c.pk,
            " · ".join(
                p for p in (c.worker.name if c.worker_id else "", c.number, c.title, c.award) if p
            ),
            c.issued_on,
        )
        for c in rows
    ]


def _innovation_label(result: InnovationResult) -> str:
    parts = [result.title, result.get_kind_display()]
    if result.money_saved is not None:
        parts.append(_("%(yuan)s yuan saved") % {"yuan": _plain(result.money_saved)})
    if result.hours_saved is not None:
        parts.append(_("%(hours)s hours saved") % {"hours": _plain(result.hours_saved)})
    if result.reward_band_id:
        parts.append(result.reward_band.name)
    return " · ".join(parts)


def _innovations(queryset) -> list[EvidenceItem]:
    rows = (
        queryset.filter(status__in=VERIFIED)
        .select_related("reward_band")
        .order_by("-verified_at", "-pk")[:PER_KIND]
    )
    return [
        EvidenceItem("innovation", r.pk, _innovation_label(r), _day(r.verified_at)) for r in rows
    ]


# --- a worker ----------------------------------------------------------------------


def _skill_records(worker: Worker) -> list[EvidenceItem]:
    from jingsai.skills.models import SkillRecord

    rows = SkillRecord.objects.filter(worker=worker, revoked_at__isnull=True).order_by(
        "-awarded_on", "-pk"
    )[:PER_KIND]
    return [
        EvidenceItem(
            "skill",
            r.pk,
            " · ".join(p for p in (r.get_level_display(), r.trade, r.get_source_display()) if p),
            r.awarded_on,
        )
        for r in rows
    ]


def _training(worker: Worker) -> list[EvidenceItem]:
    if not apps.is_installed("jingsai.training"):
        return []
    from jingsai.training.domain.hours import of_worker, plain
    from jingsai.training.models import Course

    hours = of_worker(worker.pk)
    if not hours.by_course:
        return []
    courses = (
        Course.objects.filter(
            pk__in=list(hours.by_course),
            sessions__attendances__worker=worker,
            sessions__attendances__present=True,
        )
        .annotate(last_day=Max("sessions__date"))
        .order_by("-last_day", "-pk")[:PER_KIND]
    )
    items = [
        EvidenceItem(
            "training",
            worker.pk,
            _("Training hours in all: %(hours)s") % {"hours": plain(hours.total)},
            None,
        )
    ]
    items += [
        EvidenceItem(
            "course",
            c.pk,
            _("%(course)s (%(year)s): %(hours)s training hours")
            % {"course": c.title, "year": c.year, "hours": plain(hours.by_course[c.pk])},
            c.last_day,
        )
        for c in courses
    ]
    return items


def for_worker(worker: Worker) -> list[EvidenceItem]:
    return (
        _results(entry__members__worker=worker, entry__members__active=True)
        + _certificates(worker=worker)
        + _skill_records(worker)
        + _training(worker)
        + _innovations(InnovationResult.objects.filter(authors__worker=worker))
    )


# --- an innovation result ------------------------------------------------------------


def for_innovation(result: InnovationResult) -> list[EvidenceItem]:
    items = []
    if result.status in VERIFIED:
        parts = []
        if result.money_saved is not None:
            parts.append(_("%(yuan)s yuan saved") % {"yuan": _plain(result.money_saved)})
        if result.hours_saved is not None:
            parts.append(_("%(hours)s hours saved") % {"hours": _plain(result.hours_saved)})
        if result.reward_band_id:
            parts.append(_("tier %(tier)s") % {"tier": result.reward_band.name})
        if result.quality_gain:
            parts.append(result.quality_gain[:100])
        items.append(
            EvidenceItem(
                "verification",
                result.pk,
                _("Benefit verified: %(what)s") % {"what": " · ".join(parts) or "—"},
                _day(result.verified_at),
            )
        )
    if result.competition_id:
        competition = result.competition
        items.append(
            EvidenceItem(
                "competition",
                competition.pk,
                _("From the competition %(title)s (%(year)s)")
                % {"title": competition.title, "year": competition.year.year},
                None,
            )
        )
    items += _certificates(worker__innovations__result=result)
    return items


# --- an organisation -----------------------------------------------------------------


def _courses_run(organisation: Organisation) -> list[EvidenceItem]:
    if not apps.is_installed("jingsai.training"):
        return []
    from jingsai.training.models import Course

    rows = (
        Course.objects.filter(organiser=organisation)
        .annotate(last_day=Max("sessions__date"))
        .order_by("-year", F("last_day").desc(nulls_last=True), "-pk")[:PER_KIND]
    )
    return [
        EvidenceItem("course", c.pk, f"{c.title} ({c.year})", c.last_day or dt.date(c.year, 1, 1))
        for c in rows
    ]


def for_organisation(organisation: Organisation) -> list[EvidenceItem]:
    return (
        _courses_run(organisation)
        + _innovations(InnovationResult.objects.filter(enterprise=organisation))
        + _results(entry__enterprise=organisation, award__gt="")
    )


def candidates(subject, round_: Round | None = None) -> list[EvidenceItem]:
    """What the platform knows of ``subject`` that a nomination may cite, newest first
    within each kind. ``round_`` is the round nominated in (accepted for callers; the
    items are the nominee's whole record)."""
    del round_
    if isinstance(subject, Worker):
        return for_worker(subject)
    if isinstance(subject, InnovationResult):
        if "competition" not in subject._state.fields_cache and subject.competition_id:
            subject = InnovationResult.objects.select_related(
                "competition__year", "reward_band"
            ).get(pk=subject.pk)
        return for_innovation(subject)
    if isinstance(subject, Organisation):
        return for_organisation(subject)
    raise TypeError(f"no evidence for {type(subject).__name__}")


def by_key(items: list[EvidenceItem]) -> dict[str, EvidenceItem]:
    return {item.key: item for item in items}
