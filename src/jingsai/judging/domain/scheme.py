"""Setting up a competition's judging: its settings and marking scheme (评分标准).

Every change is audited and refused once the competition is past judging (on
public notice, published or archived): results have been computed from the
scheme by then. A criterion that has marks cannot be removed, and its maximum
cannot go below the highest mark given. Codes are unique within the
competition (one set for stages, one for criteria); tie-breakers name stage
codes or “time”.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from jingsai.common.domain import audit
from jingsai.common.domain.changes import create_audited, delete_audited, update_audited
from jingsai.competitions.models import Competition
from jingsai.judging.domain import tallies
from jingsai.judging.domain.awards import parse_awards
from jingsai.judging.domain.panel import judging_of
from jingsai.judging.models import MARK_SCALE, Criterion, Judging, Mark, Stage

S = Competition.Status
LOCKED_STATUSES = (S.PUBLIC_NOTICE, S.PUBLISHED, S.ARCHIVED)
TIME = "time"
SETTINGS_FIELDS = ("awards", "min_total", "tiebreak", "blind", "appeal_days")


def is_locked(competition: Competition) -> bool:
    """The scheme and settings no longer change: the competition is past judging."""
    return competition.status in LOCKED_STATUSES


def check_changeable(competition: Competition) -> None:
    if is_locked(competition):
        raise ValidationError(
            _("The competition is past judging; its marking scheme can no longer change.")
        )


def weights_total(competition: Competition) -> Decimal:
    total = Stage.objects.filter(competition=competition).aggregate(total=Sum("weight"))["total"]
    return total or Decimal(0)


# --- settings -------------------------------------------------------------------


def awards_problem(text: str) -> str:
    """Why the awards text cannot be read ("" when it can)."""
    try:
        parse_awards(text)
    except (ValueError, ArithmeticError) as error:  # a bad number raises InvalidOperation
        if "more than 100%" in str(error):
            return _("The award shares add up to more than 100%.")
        return _(
            "Write each award as name:share, separated by commas, "
            "e.g. 一等奖:10%,二等奖:20%,三等奖:30%."
        )
    return ""


def tiebreak_rules(text: str) -> list[str]:
    return [t.strip() for t in (text or "").replace("，", ",").split(",") if t.strip()]


def tiebreak_problem(text: str, competition: Competition) -> str:
    """Why the tie-breakers cannot be used ("" when they can)."""
    codes = set(Stage.objects.filter(competition=competition).values_list("code", flat=True))
    rules = tiebreak_rules(text)
    unknown = [rule for rule in rules if rule != TIME and rule not in codes]
    if unknown:
        return _("“%(rules)s” is neither “time” nor the code of a stage of this competition.") % {
            "rules": "、".join(unknown)
        }
    if len(set(rules)) != len(rules):
        return _("Each tie-breaker is named once.")
    return ""


def save_settings(
    *,
    actor: Any,
    competition: Competition,
    awards: str,
    min_total: Decimal,
    tiebreak: str,
    blind: bool,
    appeal_days: int,
    arbitrators=None,
) -> Judging:
    """Change the judging settings; the arbitration group may change at any time."""
    changes = {
        "awards": (awards or "").strip(),
        "min_total": min_total if min_total is not None else Decimal(0),
        "tiebreak": ",".join(tiebreak_rules(tiebreak)),
        "blind": bool(blind),
        "appeal_days": appeal_days,
    }
    errors = {}
    if problem := awards_problem(changes["awards"]):
        errors["awards"] = problem
    if changes["min_total"] < 0:
        errors["min_total"] = _("The minimum total cannot be negative.")
    if problem := tiebreak_problem(changes["tiebreak"], competition):
        errors["tiebreak"] = problem
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        judging = Judging.objects.select_for_update().get(pk=judging_of(competition).pk)
        if any(getattr(judging, name) != value for name, value in changes.items()):
            check_changeable(competition)
            update_audited(judging, actor=actor, changes=changes)
        if arbitrators is not None:
            before = sorted(judging.arbitrators.values_list("pk", flat=True))
            after = sorted(user.pk for user in arbitrators)
            if before != after:
                judging.arbitrators.set(after)
                audit.record(
                    actor=actor,
                    action="judging:arbitrators",
                    obj=judging,
                    before={"arbitrators": before},
                    after={"arbitrators": after},
                )
    return judging


# --- stages ---------------------------------------------------------------------


def _check_stage_code(competition: Competition, code: str, stage: Stage | None = None) -> None:
    clash = Stage.objects.filter(competition=competition, code=code)
    if stage is not None:
        clash = clash.exclude(pk=stage.pk)
    if clash.exists():
        raise ValidationError(
            {
                "code": _("A stage of this competition already has the code %(code)s.")
                % {"code": code}
            }
        )


def add_stage(
    *,
    actor: Any,
    competition: Competition,
    code: str,
    name: str,
    weight: Decimal,
    order: int | None = None,
) -> Stage:
    check_changeable(competition)
    code = code.strip()
    with transaction.atomic():
        judging_of(competition)
        _check_stage_code(competition, code)
        if not order:
            order = (
                Stage.objects.filter(competition=competition).aggregate(top=Max("order"))["top"]
                or 0
            ) + 1
        return create_audited(
            Stage(competition=competition, code=code, name=name, weight=weight, order=order),
            actor=actor,
        )


def update_stage(*, actor: Any, stage: Stage, **changes: Any) -> Stage:
    competition = stage.competition
    check_changeable(competition)
    if "code" in changes:
        changes["code"] = changes["code"].strip()
    with transaction.atomic():
        stage = Stage.objects.select_for_update().get(pk=stage.pk)
        if changes.get("code", stage.code) != stage.code:
            _check_stage_code(competition, changes["code"], stage)
            if stage.code in judging_of(competition).tiebreak_rules:
                raise ValidationError(
                    {"code": _("The tie-breakers name this stage by its code; change them first.")}
                )
        if not changes.get("order"):
            changes.pop("order", None)
        return update_audited(stage, actor=actor, changes=changes)


def delete_stage(*, actor: Any, stage: Stage) -> None:
    competition = stage.competition
    check_changeable(competition)
    with transaction.atomic():
        if Mark.objects.filter(criterion__stage=stage).exists():
            raise ValidationError(
                _("Marks have been given for this stage's criteria; it cannot be removed.")
            )
        if stage.code in judging_of(competition).tiebreak_rules:
            raise ValidationError(
                _("The tie-breakers name this stage; change them before removing it.")
            )
        for criterion in Criterion.objects.filter(stage=stage):
            delete_audited(criterion, actor=actor)
        tallies.refresh_stages(criterion.competition_id)
        delete_audited(stage, actor=actor)


# --- criteria -------------------------------------------------------------------


def _check_criterion_code(
    competition: Competition, code: str, criterion: Criterion | None = None
) -> None:
    clash = Criterion.objects.filter(competition=competition, code=code)
    if criterion is not None:
        clash = clash.exclude(pk=criterion.pk)
    if clash.exists():
        raise ValidationError(
            {
                "code": _("A criterion of this competition already has the code %(code)s.")
                % {"code": code}
            }
        )


def _check_stage_of(competition: Competition, stage: Stage) -> None:
    if stage.competition_id != competition.pk:
        raise ValidationError({"stage": _("Choose a stage of this competition.")})


def add_criterion(
    *,
    actor: Any,
    stage: Stage,
    code: str,
    name: str,
    max_mark: Decimal,
    kind: str = Criterion.Kind.JUDGEMENT,
    aggregation: str = Criterion.Aggregation.MEAN,
    spread_limit: Decimal | None = None,
    order: int | None = None,
) -> Criterion:
    competition = stage.competition
    check_changeable(competition)
    code = code.strip()
    with transaction.atomic():
        _check_criterion_code(competition, code)
        if not order:
            order = (
                Criterion.objects.filter(stage=stage).aggregate(top=Max("order"))["top"] or 0
            ) + 1
        return create_audited(
            Criterion(
                competition=competition,
                stage=stage,
                code=code,
                name=name,
                max_mark=max_mark,
                kind=kind,
                aggregation=aggregation,
                spread_limit=spread_limit,
                order=order,
            ),
            actor=actor,
        )


def highest_mark(criterion: Criterion) -> Decimal | None:
    units = Mark.objects.filter(criterion=criterion).aggregate(top=Max("units"))["top"]
    return None if units is None else (Decimal(units) / MARK_SCALE).normalize()


def update_criterion(*, actor: Any, criterion: Criterion, **changes: Any) -> Criterion:
    competition = criterion.competition
    check_changeable(competition)
    if "code" in changes:
        changes["code"] = changes["code"].strip()
    with transaction.atomic():
        criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
        if "stage" in changes:
            _check_stage_of(competition, changes["stage"])
        if changes.get("code", criterion.code) != criterion.code:
            _check_criterion_code(competition, changes["code"], criterion)
        top = highest_mark(criterion)
        if top is not None and "max_mark" in changes and changes["max_mark"] < top:
            raise ValidationError(
                {
                    "max_mark": _(
                        "A mark of %(mark)s has already been given; the maximum cannot go below it."
                    )
                    % {"mark": top}
                }
            )
        if not changes.get("order"):
            changes.pop("order", None)
        criterion = update_audited(criterion, actor=actor, changes=changes)
        # its kind, aggregation, spread limit or stage change what the tallies hold
        tallies.refresh_stages(competition.pk)
        return criterion


def delete_criterion(*, actor: Any, criterion: Criterion) -> None:
    check_changeable(criterion.competition)
    with transaction.atomic():
        if Mark.objects.filter(criterion=criterion).exists():
            raise ValidationError(
                _("Marks have been given for this criterion; it cannot be removed.")
            )
        delete_audited(criterion, actor=actor)
