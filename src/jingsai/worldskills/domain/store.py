"""Saving a WorldSkills scheme with the judging rows it generates, and reading it back.

:func:`save_scheme` writes, in one transaction, the scheme (sections, criteria,
sub-criteria, aspects, descriptors, deduction rules) and the judging
:class:`~jingsai.judging.models.Stage` (one per criterion with aspects: code =
letter, weight = mark) and :class:`~jingsai.judging.models.Criterion` rows (one
per aspect: see :mod:`jingsai.worldskills`), replacing the competition's
previous scheme. It is refused once the competition is past judging or has any
mark (:func:`check_replaceable`), and when the tie-breakers name a stage the new
scheme lacks. The change is one audit record with the scheme's figures before
and after.

:func:`scheme_data` reads a saved scheme back as :class:`~.layout.SchemeData`
(for the tree, the section table and the export).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingsai.common.domain import audit
from jingsai.competitions.models import Competition
from jingsai.judging.domain import tallies
from jingsai.judging.domain.panel import judging_of
from jingsai.judging.domain.scheme import TIME, check_changeable
from jingsai.judging.models import Criterion, Judging, Mark, Stage
from jingsai.worldskills.domain.layout import (
    JUDGEMENT,
    MEASUREMENT,
    SCALE,
    AspectData,
    CalculationData,
    CriterionData,
    SchemeData,
    SectionData,
    SubCriterionData,
)
from jingsai.worldskills.models import (
    Aspect,
    Calculation,
    Descriptor,
    Scheme,
    SchemeCriterion,
    Section,
    SubCriterion,
)


def check_replaceable(competition: Competition) -> None:
    """The competition's scheme may be replaced: not past judging, and no mark given."""
    check_changeable(competition)
    if Mark.objects.filter(competition=competition).exists():
        raise ValidationError(
            _("Marks have been given with this competition's scheme; it can no longer be replaced.")
        )


def engine_code(aspect_code: str) -> str:
    """The judging criterion's code of an aspect: A1.J1 → A1-J1."""
    return aspect_code.replace(".", "-")


def _summary(data: SchemeData | None) -> dict | None:
    if data is None:
        return None
    return {
        "title": data.title,
        "criteria": {c.letter: str(c.mark) for c in data.criteria},
        "aspects": len(data.aspects),
        "measurement": sum(1 for a in data.aspects if a.kind == MEASUREMENT),
        "judgement": sum(1 for a in data.aspects if a.kind == JUDGEMENT),
        "sections": {str(s.number): str(s.target) for s in data.sections},
        "calculations": [c.name for c in data.calculations],
    }


def save_scheme(
    *, actor: Any, competition: Competition, data: SchemeData, source_name: str = ""
) -> Scheme:
    """Replace the competition's marking scheme by ``data`` (checked by the importer)."""
    with transaction.atomic():
        competition = Competition.objects.select_for_update().get(pk=competition.pk)
        check_replaceable(competition)
        judging = Judging.objects.select_for_update().get(pk=judging_of(competition).pk)
        letters = {c.letter for c in data.criteria if c.aspects}
        stale = [r for r in judging.tiebreak_rules if r != TIME and r not in letters]
        if stale:
            raise ValidationError(
                _("The tie-breakers name stages the new scheme does not have: %(codes)s.")
                % {"codes": "、".join(stale)}
            )
        old = Scheme.objects.filter(competition=competition).first()
        before = _summary(scheme_data(old)) if old else None
        if old is None and Stage.objects.filter(competition=competition).exists():
            before = {
                "stages": list(
                    Stage.objects.filter(competition=competition).values_list("code", flat=True)
                ),
                "criteria": Criterion.objects.filter(competition=competition).count(),
            }
        settings = {}
        if old is not None:
            settings = {"spread_limit": old.spread_limit, "judges_per_panel": old.judges_per_panel}
            Aspect.objects.filter(scheme=old).delete()  # before the sections they protect
            old.delete()
        Criterion.objects.filter(competition=competition).delete()
        Stage.objects.filter(competition=competition).delete()
        scheme = _write(competition, data, source_name, settings)
        tallies.refresh(competition.pk)
        Judging.objects.filter(pk=competition.pk).update(computed_at=None)
        audit.record(
            actor=actor,
            action="worldskills:scheme",
            obj=scheme,
            before=before,
            after=_summary(data) | {"source": source_name},
        )
    return scheme


def _write(competition: Competition, data: SchemeData, source_name: str, settings) -> Scheme:
    scheme = Scheme.objects.create(
        competition=competition, title=data.title[:200], source_name=source_name[:200], **settings
    )
    spread = Decimal(scheme.spread_limit)
    sections = {
        s.number: Section.objects.create(
            scheme=scheme,
            number=s.number,
            title=s.title[:300],
            target=s.target,
            stated=s.stated,
            order=order,
        )
        for order, s in enumerate(data.sections, start=1)
    }
    calculations = {
        c.name: Calculation.objects.create(
            scheme=scheme,
            name=c.name[:100],
            kind=c.kind,
            enabled=c.enabled,
            parameters=[list(p) for p in c.parameters],
            order=order,
        )
        for order, c in enumerate(data.calculations, start=1)
    }
    descriptors = []
    for order, item in enumerate(data.criteria, start=1):
        stage = None
        if item.aspects:
            stage = Stage.objects.create(
                competition=competition,
                code=item.letter,
                name=(item.name or item.letter)[:100],
                weight=item.mark,
                order=order,
            )
        criterion = SchemeCriterion.objects.create(
            scheme=scheme,
            letter=item.letter,
            name=item.name[:200],
            mark=item.mark,
            stage=stage,
            order=order,
        )
        position = 0
        for sub_order, sub in enumerate(item.subcriteria, start=1):
            sub_row = SubCriterion.objects.create(
                criterion=criterion,
                code=sub.code,
                name=sub.name[:300],
                day=sub.day[:20],
                order=sub_order,
            )
            engine = []
            aspects = []
            for aspect_order, a in enumerate(sub.aspects, start=1):
                position += 1
                judgement = a.kind == JUDGEMENT
                engine.append(
                    Criterion(
                        competition=competition,
                        stage=stage,
                        code=engine_code(a.code),
                        name=_short(a.description, 200),
                        max_mark=a.max_mark,
                        kind=Criterion.Kind.JUDGEMENT if judgement else Criterion.Kind.MEASUREMENT,
                        aggregation=Criterion.Aggregation.MEAN,
                        spread_limit=spread if judgement else None,
                        scale=SCALE if judgement else None,
                        all_or_nothing=not judgement and not a.calculation,
                        order=position,
                    )
                )
                aspects.append(
                    Aspect(
                        scheme=scheme,
                        sub_criterion=sub_row,
                        code=a.code,
                        kind=a.kind,
                        description=a.description,
                        extra=a.extra,
                        requirement=a.requirement,
                        heading=a.heading[:300],
                        section=sections[a.section],
                        calculation=calculations.get(a.calculation) if a.calculation else None,
                        max_mark=a.max_mark,
                        order=aspect_order,
                    )
                )
            Criterion.objects.bulk_create(engine)
            engine = {
                c.code: c
                for c in Criterion.objects.filter(
                    competition=competition, code__in=[c.code for c in engine]
                )
            }
            for aspect in aspects:
                aspect.criterion = engine[engine_code(aspect.code)]
            Aspect.objects.bulk_create(aspects)
            saved = {a.code: a for a in Aspect.objects.filter(sub_criterion=sub_row)}
            descriptors += [
                Descriptor(aspect=saved[a.code], score=score, text=text)
                for a in sub.aspects
                for score, text in sorted(a.descriptors.items())
            ]
    Descriptor.objects.bulk_create(descriptors)
    return scheme


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scheme_data(scheme: Scheme) -> SchemeData:
    """A saved scheme as plain data, read in a fixed number of queries."""
    data = SchemeData(title=scheme.title)
    data.sections = [
        SectionData(s.number, s.title, s.target.normalize(), s.stated)
        for s in Section.objects.filter(scheme=scheme).order_by("order", "id")
    ]
    data.calculations = [
        CalculationData(c.name, c.kind, c.enabled, [tuple(p) for p in c.parameters])
        for c in Calculation.objects.filter(scheme=scheme).order_by("order", "id")
    ]
    descriptors: dict[int, dict[int, str]] = {}
    for aspect_id, score, text in Descriptor.objects.filter(aspect__scheme=scheme).values_list(
        "aspect_id", "score", "text"
    ):
        descriptors.setdefault(aspect_id, {})[score] = text
    aspects: dict[int, list[AspectData]] = {}
    for a in (
        Aspect.objects.filter(scheme=scheme)
        .select_related("section", "calculation")
        .order_by("sub_criterion_id", "order", "id")
    ):
        aspects.setdefault(a.sub_criterion_id, []).append(
            AspectData(
                kind=a.kind,
                description=a.description,
                max_mark=a.max_mark.normalize(),
                section=a.section.number,
                calculation=a.calculation.name if a.calculation else "",
                extra=a.extra,
                requirement=a.requirement,
                heading=a.heading,
                descriptors=descriptors.get(a.pk, {}),
                code=a.code,
            )
        )
    subs: dict[int, list[SubCriterionData]] = {}
    for s in SubCriterion.objects.filter(criterion__scheme=scheme).order_by(
        "criterion_id", "order", "id"
    ):
        subs.setdefault(s.criterion_id, []).append(
            SubCriterionData(s.code, s.name, s.day, aspects.get(s.pk, []))
        )
    data.criteria = [
        CriterionData(c.letter, c.name, c.mark.normalize(), subs.get(c.pk, []))
        for c in SchemeCriterion.objects.filter(scheme=scheme).order_by("order", "id")
    ]
    return data


def scheme_of(competition: Competition) -> Scheme | None:
    return Scheme.objects.filter(competition=competition).first()
