"""The worker's record (职工技能档案): everything the platform knows of one worker's career.

:func:`career_of` gathers, across years, every competition the worker entered
(with the entry's status), the published results of those entries, the
certificates issued to him (valid and revoked; honour certificates have no
competition), his training hours per course, his skill-level history, his
honours (the 830: his own, and those of results he authored; lost ones with the
reason) and the innovation results he authored. The pages and the PDF share it.

Certification, training, innovation and honours are separate apps: when one is not installed (or
not built yet) its part is ``None`` and the pages say so; nothing here
imports them at module level.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from jingsai.competitions.models import Competition, EntryMember
from jingsai.people.models import Worker
from jingsai.skills.domain.records import history

# Results count in a worker's record once published (archived competitions were published).
PUBLISHED = (Competition.Status.PUBLISHED, Competition.Status.ARCHIVED)


@dataclass(frozen=True)
class EntryLine:
    year: int
    competition: str
    competition_code: str
    competition_status: str
    entry_number: str
    team_name: str
    enterprise: str
    status: str  # the entry's status, as displayed
    withdrawn: bool
    entered_on: dt.date | None


@dataclass(frozen=True)
class ResultLine:
    year: int
    competition: str
    team_name: str
    rank: int
    total: Decimal
    award: str


@dataclass(frozen=True)
class CertificateLine:
    number: str
    title: str
    competition: str  # "" for an honour certificate
    award: str
    issued_on: dt.date
    issuer: str
    valid: bool
    status: str
    revoked_on: dt.date | None
    revoke_reason: str
    honour: str = ""  # an honour certificate's year and category


@dataclass(frozen=True)
class HonourLine:
    year: int
    category: str
    title: str
    result: str  # the innovation result honoured ("" for the worker's own honour)
    granted_on: dt.date
    term_ends: dt.date | None
    held: bool  # not lost at a re-rating
    status: str
    lost_on: dt.date | None
    lost_reason: str


@dataclass(frozen=True)
class InnovationLine:
    year: int
    title: str
    kind: str
    enterprise: str
    status: str
    tier: str
    money_saved: Decimal | None
    hours_saved: Decimal | None


@dataclass(frozen=True)
class TrainingLine:
    year: int
    course: str
    competition: str
    hours: Decimal


@dataclass(frozen=True)
class LevelLine:
    pk: int
    level: int
    level_name: str
    trade: str
    awarded_on: dt.date
    source: str
    source_name: str
    evidence: str
    evaluator: str
    competition: str
    certificate_number: str
    in_force: bool
    revoked_on: dt.date | None
    revoke_reason: str


@dataclass
class Career:
    worker: Worker
    entries: list[EntryLine] = field(default_factory=list)
    results: list[ResultLine] = field(default_factory=list)
    # ``None``: the app is not installed (the page says so), ``[]``: nothing yet
    certificates: list[CertificateLine] | None = None
    training: list[TrainingLine] | None = None
    levels: list[LevelLine] = field(default_factory=list)
    honours: list[HonourLine] | None = None
    innovations: list[InnovationLine] | None = None
    generated_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def training_hours(self) -> Decimal:
        return sum((t.hours for t in self.training or ()), Decimal(0))

    @property
    def years(self) -> list[int]:
        found = {e.year for e in self.entries} | {r.year for r in self.results}
        return sorted(found, reverse=True)


def _entries(worker: Worker) -> list[EntryLine]:
    members = (
        EntryMember.objects.filter(worker=worker)
        .select_related("entry__enterprise", "entry__competition__year")
        .order_by("-entry__competition__year__year", "-entry__created_at", "-entry_id")
    )
    lines = []
    for member in members:
        entry = member.entry
        competition = entry.competition
        withdrawn = not member.active or entry.status == entry.Status.WITHDRAWN
        lines.append(
            EntryLine(
                year=competition.year.year,
                competition=competition.title,
                competition_code=competition.code,
                competition_status=competition.get_status_display(),
                entry_number=entry.number or "",
                team_name=entry.team_name,
                enterprise=entry.enterprise.name,
                status=str(entry.Status.WITHDRAWN.label)
                if withdrawn
                else entry.get_status_display(),
                withdrawn=withdrawn,
                entered_on=timezone.localdate(entry.created_at) if entry.created_at else None,
            )
        )
    return lines


def _results(worker: Worker) -> list[ResultLine]:
    from jingsai.judging.models import Result

    results = (
        Result.objects.filter(
            entry__members__worker=worker,
            competition__status__in=PUBLISHED,
        )
        .select_related("competition__year", "entry")
        .order_by("-competition__year__year", "competition__title", "pk")
        .distinct()
    )
    return [
        ResultLine(
            year=r.competition.year.year,
            competition=r.competition.title,
            team_name=r.entry.team_name,
            rank=r.rank,
            total=r.total,
            award=r.award,
        )
        for r in results
    ]


def _certificates(worker: Worker) -> list[CertificateLine] | None:
    if not apps.is_installed("jingsai.certification"):
        return None
    try:
        from jingsai.certification.models import Certificate
    except ImportError:  # pragma: no cover (installed but not importable)
        return None
    certificates = (
        Certificate.objects.filter(worker=worker)
        .select_related("competition", "issuer", "honour__round__year", "honour__category")
        .order_by("-issued_on", "-pk")
    )
    return [
        CertificateLine(
            number=c.number,
            title=c.title,
            competition=c.competition.title if c.competition_id else "",
            award=c.award,
            issued_on=c.issued_on,
            issuer=c.issuer.name,
            valid=c.status == Certificate.Status.VALID,
            status=c.get_status_display(),
            revoked_on=timezone.localdate(c.revoked_at) if c.revoked_at else None,
            revoke_reason=c.revoke_reason,
            honour=(f"{c.honour.round.year.year} {c.honour.category.name}" if c.honour_id else ""),
        )
        for c in certificates
    ]


def _training(worker: Worker) -> list[TrainingLine] | None:
    """Training hours per course (赛训合一), from the training app when it is installed
    (``None`` otherwise: the pages then say hours are not recorded on the platform)."""
    if not apps.is_installed("jingsai.training"):
        return None
    try:
        from jingsai.training.domain import hours
        from jingsai.training.models import Course
    except ImportError:  # pragma: no cover (installed but not importable)
        return None
    by_course = hours.of_worker(worker.pk).by_course
    courses = Course.objects.filter(pk__in=by_course).select_related("competition")
    return [
        TrainingLine(
            year=c.year,
            course=c.title,
            competition=c.competition.title if c.competition_id else "",
            hours=by_course[c.pk],
        )
        for c in sorted(courses, key=lambda c: (-c.year, c.title, c.pk))
    ]


def _levels(worker: Worker) -> list[LevelLine]:
    return [
        LevelLine(
            pk=r.pk,
            level=r.level,
            level_name=r.get_level_display(),
            trade=r.trade,
            awarded_on=r.awarded_on,
            source=r.source,
            source_name=r.get_source_display(),
            evidence=r.evidence,
            evaluator=r.evaluator.name if r.evaluator_id else "",
            competition=r.competition.title if r.competition_id else "",
            certificate_number=r.certificate_number,
            in_force=r.revoked_at is None,
            revoked_on=timezone.localdate(r.revoked_at) if r.revoked_at else None,
            revoke_reason=r.revoke_reason,
        )
        for r in history(worker)
    ]


def _honours(worker: Worker) -> list[HonourLine] | None:
    """His honours (the 830) of final rounds: his own and those of the innovation results he
    authored, the latest first; lost ones stay listed, with the reason."""
    if not apps.is_installed("jingsai.honours"):
        return None
    try:
        from jingsai.honours.models import Honour, Round
        from jingsai.innovation.models import Author
    except ImportError:  # pragma: no cover (installed but not importable)
        return None
    authored = Author.objects.filter(worker=worker).values("result_id")
    honours = (
        Honour.objects.filter(
            Q(worker=worker) | Q(innovation_id__in=authored),
            round__stage=Round.Stage.FINAL,
        )
        .select_related("round__year", "category", "innovation")
        .order_by("-round__year__year", "category__order", "pk")
    )
    return [
        HonourLine(
            year=h.round.year.year,
            category=h.category.name,
            title=h.title,
            result=h.innovation.title if h.innovation_id else "",
            granted_on=h.granted_on,
            term_ends=h.term_ends,
            held=h.status != Honour.Status.LOST,
            status=h.get_status_display(),
            lost_on=h.lost_on,
            lost_reason=h.lost_reason,
        )
        for h in honours
    ]


def _innovations(worker: Worker) -> list[InnovationLine] | None:
    """The innovation results he is an author of (成果转化), the latest first."""
    if not apps.is_installed("jingsai.innovation"):
        return None
    try:
        from jingsai.innovation.models import Author, InnovationResult
    except ImportError:  # pragma: no cover (installed but not importable)
        return None
    results = (
        InnovationResult.objects.filter(
            pk__in=Author.objects.filter(worker=worker).values("result_id")
        )
        .select_related("year", "enterprise", "reward_band")
        .order_by("-year__year", "-pk")
    )
    return [
        InnovationLine(
            year=r.year.year,
            title=r.title,
            kind=r.get_kind_display(),
            enterprise=r.enterprise.name,
            status=r.get_status_display(),
            tier=r.reward_band.name if r.reward_band_id else "",
            money_saved=r.money_saved,
            hours_saved=r.hours_saved,
        )
        for r in results
    ]


def career_of(worker: Worker) -> Career:
    """The worker's whole record, for the pages and the PDF."""
    if "employer" not in worker._state.fields_cache:
        worker = Worker.objects.select_related("employer").get(pk=worker.pk)
    return Career(
        worker=worker,
        entries=_entries(worker),
        results=_results(worker),
        certificates=_certificates(worker),
        training=_training(worker),
        levels=_levels(worker),
        honours=_honours(worker),
        innovations=_innovations(worker),
    )
