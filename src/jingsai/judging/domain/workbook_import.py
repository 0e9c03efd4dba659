"""``import-competition``: a whole judged competition from a workbook, in one step.

The workbook is read and checked whole by :mod:`.workbook` (nothing is saved
unless it has no error). Then, in one transaction: the competition (in the
latest programme year, first series, organised by the union; the Pudong preset
is loaded first on an empty install), its stages and criteria, its approved
entries with their numbers and times, the judges of its panel, the
assignments (every judge to every entry except across a conflict) and the
marks, on submitted sheets of source ``import``. Organisations are matched by
exact name, or recorded as new organisations of kind “other”. The competition
is left in judging, ready for the chief judge to confirm the marks.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from jingsai.catalogue.models import ProgrammeYear, Series
from jingsai.common.domain import audit
from jingsai.common.pinyin import pinyin_initials
from jingsai.competitions.models import Competition, Entry
from jingsai.dashboards.domain import participation
from jingsai.judging.domain import awards, tallies
from jingsai.judging.domain.workbook import CompetitionWorkbook, WorkbookError, WorkbookRefused
from jingsai.judging.models import (
    MARK_SCALE,
    Assignment,
    Criterion,
    Judging,
    Mark,
    PanelJudge,
    Sheet,
    Stage,
)
from jingsai.organisations.models import Organisation


def _organisations(names: set[str]) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    for organisation in Organisation.objects.filter(name__in=names).order_by("id"):
        found.setdefault(organisation.name, organisation)
    for name in sorted(names - set(found)):
        found[name] = Organisation.objects.create(
            name=name, name_initials=pinyin_initials(name), kind=Organisation.Kind.OTHER
        )
    return found


def _home() -> tuple[ProgrammeYear, Series, Organisation]:
    if not ProgrammeYear.objects.exists() or not Series.objects.exists():
        from jingsai.presets import pudong

        pudong.apply(year=pudong.default_year())
    year = ProgrammeYear.objects.order_by("-year").first()
    series = Series.objects.order_by("order", "id").first()
    union = (
        Organisation.objects.filter(kind=Organisation.Kind.UNION, parent=None)
        .order_by("id")
        .first()
    )
    return year, series, union


LIMITS = (
    # (sheet, what, values, longest the database keeps)
    ("competition", "slug", lambda w: [w.slug], 30),
    ("competition", "title", lambda w: [w.title], 200),
    ("stages", "code", lambda w: [s.code for s in w.scheme.stages], 30),
    ("stages", "name", lambda w: [s.name for s in w.scheme.stages], 100),
    ("criteria", "code", lambda w: [c.code for c in w.scheme.criteria], 30),
    ("criteria", "name", lambda w: [c.name for c in w.scheme.criteria], 200),
    ("entries", "number", lambda w: [e.number for e in w.entries], 40),
    ("entries", "name", lambda w: [e.name for e in w.entries], 100),
    ("entries", "organisation", lambda w: [e.organisation for e in w.entries], 200),
    ("judges", "code", lambda w: [j.code for j in w.judges], 30),
    ("judges", "name", lambda w: [j.name for j in w.judges], 100),
    ("judges", "organisation", lambda w: [j.organisation for j in w.judges], 200),
)


def _too_long(workbook: CompetitionWorkbook) -> list[WorkbookError]:
    errors = []
    for sheet, what, values, longest in LIMITS:
        for position, value in enumerate(values(workbook)):
            if value and len(value) > longest:
                row = position + 2 if sheet != "competition" else 0
                errors.append(
                    WorkbookError(
                        sheet, row, "", f"the {what} “{value[:40]}…” is longer than {longest}"
                    )
                )
    return errors


def import_competition(workbook: CompetitionWorkbook, *, actor: Any = None) -> Competition:
    too_long = _too_long(workbook)
    if too_long:
        raise WorkbookRefused(too_long)
    if Competition.objects.filter(code=workbook.slug).exists():
        raise WorkbookRefused(
            [
                WorkbookError(
                    "competition",
                    0,
                    "",
                    f"a competition with the slug “{workbook.slug}” already exists",
                )
            ]
        )
    scheme = workbook.scheme
    with transaction.atomic():
        year, series, union = _home()
        competition = Competition.objects.create(
            year=year,
            code=workbook.slug,
            title=workbook.title,
            series=series,
            organiser=union,
            status=Competition.Status.JUDGING,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        Judging.objects.create(
            competition=competition,
            awards=awards.awards_text(scheme.award_levels),
            min_total=scheme.min_total,
            tiebreak=",".join(scheme.tiebreak),
        )
        stages = {}
        for order, spec in enumerate(scheme.stages, start=1):
            stages[spec.code] = Stage.objects.create(
                competition=competition,
                code=spec.code,
                name=spec.name or spec.code,
                weight=spec.weight,
                order=order,
            )
        criteria = {}
        for order, spec in enumerate(scheme.criteria, start=1):
            criteria[spec.code] = Criterion.objects.create(
                competition=competition,
                stage=stages[spec.stage],
                code=spec.code,
                name=spec.name or spec.code,
                max_mark=spec.max_mark,
                kind=spec.kind,
                aggregation=spec.method,
                spread_limit=spec.spread_limit,
                scale=spec.scale,
                all_or_nothing=spec.all_or_nothing,
                order=order,
            )
        organisations = _organisations(
            {e.organisation for e in workbook.entries if e.organisation}
            | {j.organisation for j in workbook.judges if j.organisation}
        )
        fallback = union
        entries = {}
        for spec in workbook.entries:
            entries[spec.number] = Entry.objects.create(
                competition=competition,
                enterprise=organisations.get(spec.organisation, fallback),
                team_name=spec.name,
                status=Entry.Status.APPROVED,
                number=spec.number,
                time_seconds=spec.time_seconds,
            )
        # approved entries (without members): their enterprises take part, set-based
        participation.entries_changed([entry.pk for entry in entries.values()])
        judges = {}
        for spec in workbook.judges:
            judges[spec.code] = PanelJudge.objects.create(
                competition=competition,
                code=spec.code,
                name=spec.name or spec.code,
                organisation=organisations.get(spec.organisation),
            )
        Assignment.objects.bulk_create(
            [
                Assignment(competition=competition, judge=judges[code], entry=entries[number])
                for number, codes in workbook.assigned.items()
                for code in codes
            ],
            batch_size=2000,
        )
        by_sheet: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
        for (entry, judge, criterion), mark in workbook.marks.items():
            by_sheet[(entry, judge)][criterion] = mark
        now = timezone.now()
        sheets = Sheet.objects.bulk_create(
            [
                Sheet(
                    competition=competition,
                    judge=judges[judge],
                    entry=entries[entry],
                    status=Sheet.Status.SUBMITTED,
                    source=Sheet.Source.IMPORT,
                    entered_by=actor if getattr(actor, "is_authenticated", False) else None,
                    submitted_at=now,
                )
                for entry, judge in by_sheet
            ],
            batch_size=2000,
        )
        marks = []
        for sheet, key in zip(sheets, by_sheet, strict=True):
            for criterion, value in by_sheet[key].items():
                marks.append(
                    Mark(
                        sheet=sheet,
                        competition=competition,
                        entry=entries[key[0]],
                        criterion=criteria[criterion],
                        units=_units(value),
                        counts=True,
                    )
                )
        Mark.objects.bulk_create(marks, batch_size=2000)
        tallies.refresh(competition.pk)
        audit.record(
            actor=actor,
            action="competition:import",
            obj=competition,
            after={
                "stages": len(stages),
                "criteria": len(criteria),
                "entries": len(entries),
                "judges": len(judges),
                "marks": len(marks),
            },
        )
    return competition


def _units(value) -> int:
    scaled = value * MARK_SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"the mark {value} has more than 4 decimal places")
    return int(scaled)
