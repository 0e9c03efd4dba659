"""The settings of an 830 round, changed by programme admins and audited.

- :func:`update_round`: the nomination window, the public notice's length, the
  aggregation of reviewers' marks, the term of a place's title, and whether a
  person may be nominated in one people category only;
- :func:`update_category`: a category's eligibility rules
  (:mod:`jingsai.honours.domain.eligibility`) and its quota for the year (the
  catalogue's :class:`~jingsai.catalogue.models.HonourQuota`, which
  :func:`~jingsai.honours.domain.rounds.quota_of` reads);
- :func:`add_criterion`, :func:`update_criterion`, :func:`remove_criterion`: the
  review criteria, only while the round is at the nomination stage (reviewers
  mark on them afterwards).

Nothing changes once the round is final. A round is made with
:func:`jingsai.honours.domain.rounds.ensure_round`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingsai.access import policy
from jingsai.catalogue.models import HonourQuota
from jingsai.common.domain import audit
from jingsai.honours.models import ReviewCriterion, Round, RoundCategory
from jingsai.organisations.models import Organisation

ROUND_FIELDS = (
    "nomination_opens",
    "nomination_closes",
    "aggregation",
    "notice_days",
    "place_term_years",
    "exclusive_people",
)
RULE_FIELDS = (
    "max_skill_level",
    "top_rank",
    "rank_scope",
    "rank_years",
    "by_innovation",
    "innovation_kind",
    "requires_verified_benefit",
    "organisation_kinds",
)
CRITERION_FIELDS = ("name", "max_mark", "spread_limit", "order")


class SettingsRefused(ValidationError):  # noqa: N818 (a refusal shown to the user)
    pass


def _require_admin(actor: Any) -> None:
    if not policy.can_manage_honours(actor):
        raise SettingsRefused(_("Only programme admins change the settings of the 830 round."))


def _require_not_final(round_: Round) -> None:
    if round_.stage == Round.Stage.FINAL:
        raise SettingsRefused(
            _("The %(year)s round is final; its settings no longer change.")
            % {"year": round_.year.year}
        )


def _locked_round(round_: Round) -> Round:
    return (
        Round.objects.select_for_update(of=("self",))
        .select_related("year")
        .order_by()
        .get(pk=round_.pk)
    )


def update_round(*, actor: Any, round_: Round, **changes: Any) -> Round:
    """Change the round's settings (fields of :data:`ROUND_FIELDS`)."""
    _require_admin(actor)
    unknown = set(changes) - set(ROUND_FIELDS)
    if unknown:
        raise ValueError(f"not round settings: {sorted(unknown)}")
    with transaction.atomic():
        round_ = _locked_round(round_)
        _require_not_final(round_)
        before = {name: getattr(round_, name) for name in ROUND_FIELDS}
        for name, value in changes.items():
            setattr(round_, name, value)
        opens, closes = round_.nomination_opens, round_.nomination_closes
        if opens and closes and closes <= opens:
            raise SettingsRefused(_("Nominations must close after they open."))
        round_.full_clean()
        round_.save()
        after = {name: getattr(round_, name) for name in ROUND_FIELDS}
        if audit.changed_fields(before, after):
            audit.record(
                actor=actor, action="honours.round_settings", obj=round_, before=before, after=after
            )
    return round_


def _rules(rc: RoundCategory) -> dict[str, Any]:
    return {name: getattr(rc, name) for name in RULE_FIELDS}


def update_category(
    *, actor: Any, round_category: RoundCategory, quota: int | None = None, **rules: Any
) -> RoundCategory:
    """Change a category's eligibility rules (:data:`RULE_FIELDS`) and, when given, its
    quota for the round's year."""
    _require_admin(actor)
    unknown = set(rules) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"not category rules: {sorted(unknown)}")
    if "organisation_kinds" in rules:
        kinds = list(dict.fromkeys(rules["organisation_kinds"] or []))
        bad = [k for k in kinds if k not in Organisation.Kind.values]
        if bad:
            raise SettingsRefused(
                _("Unknown kinds of organisation: %(kinds)s.") % {"kinds": ", ".join(bad)}
            )
        rules["organisation_kinds"] = kinds
    if quota is not None and quota < 0:
        raise SettingsRefused(_("The quota cannot be negative."))
    with transaction.atomic():
        round_ = _locked_round(round_category.round)
        _require_not_final(round_)
        rc = (
            RoundCategory.objects.select_for_update(of=("self",))
            .select_related("category")
            .order_by()
            .get(pk=round_category.pk)
        )
        rc.round = round_
        before = _rules(rc)
        for name, value in rules.items():
            setattr(rc, name, value)
        rc.full_clean()
        rc.save()
        after = _rules(rc)
        if quota is not None:
            row, _created = HonourQuota.objects.get_or_create(
                year_id=round_.year_id,
                category_id=rc.category_id,
                defaults={"quota": rc.category.default_quota},
            )
            before["quota"] = row.quota
            if row.quota != quota:
                row.quota = quota
                row.save(update_fields=["quota"])
            after["quota"] = quota
        if audit.changed_fields(before, after):
            audit.record(
                actor=actor, action="honours.category_rules", obj=rc, before=before, after=after
            )
    return rc


# --- review criteria ---------------------------------------------------------------


def criteria_refusal(round_: Round) -> str:
    """Why the review criteria cannot change now ("" when they can)."""
    if round_.stage != Round.Stage.NOMINATION:
        return _(
            "The review criteria are fixed once the round leaves the nomination stage "
            "(it is at the %(stage)s stage): reviewers mark on them."
        ) % {"stage": round_.get_stage_display()}
    return ""


def _criteria_changeable(actor: Any, round_category: RoundCategory) -> RoundCategory:
    _require_admin(actor)
    round_ = _locked_round(round_category.round)
    refusal = criteria_refusal(round_)
    if refusal:
        raise SettingsRefused(refusal)
    round_category.round = round_
    return round_category


def _criterion_state(criterion: ReviewCriterion) -> dict[str, Any]:
    return {name: getattr(criterion, name) for name in CRITERION_FIELDS}


def _check_marks(max_mark: Decimal | None, spread_limit: Decimal | None) -> None:
    if max_mark is not None and spread_limit is not None and spread_limit > max_mark:
        raise SettingsRefused(_("The spread limit cannot exceed the maximum mark."))


def add_criterion(
    *,
    actor: Any,
    round_category: RoundCategory,
    name: str,
    max_mark: Decimal,
    spread_limit: Decimal | None = None,
    order: int | None = None,
) -> ReviewCriterion:
    _check_marks(max_mark, spread_limit)
    with transaction.atomic():
        rc = _criteria_changeable(actor, round_category)
        if order is None:
            last = rc.criteria.order_by("-order").values_list("order", flat=True).first()
            order = (last or 0) + 1
        criterion = ReviewCriterion(
            round_category=rc,
            name=name.strip(),
            max_mark=max_mark,
            spread_limit=spread_limit,
            order=order,
        )
        criterion.full_clean()
        criterion.save()
        audit.record(
            actor=actor,
            action="honours.criterion_added",
            obj=criterion,
            after=_criterion_state(criterion) | {"category": rc.category.code},
        )
    return criterion


def update_criterion(*, actor: Any, criterion: ReviewCriterion, **fields: Any) -> ReviewCriterion:
    unknown = set(fields) - set(CRITERION_FIELDS)
    if unknown:
        raise ValueError(f"not criterion fields: {sorted(unknown)}")
    with transaction.atomic():
        criterion = (
            ReviewCriterion.objects.select_for_update(of=("self",))
            .select_related("round_category__round__year", "round_category__category")
            .order_by()
            .get(pk=criterion.pk)
        )
        _criteria_changeable(actor, criterion.round_category)
        before = _criterion_state(criterion)
        for name, value in fields.items():
            setattr(criterion, name, value.strip() if name == "name" else value)
        _check_marks(criterion.max_mark, criterion.spread_limit)
        criterion.full_clean()
        criterion.save()
        after = _criterion_state(criterion)
        if audit.changed_fields(before, after):
            audit.record(
                actor=actor,
                action="honours.criterion_changed",
                obj=criterion,
                before=before,
                after=after,
            )
    return criterion


def remove_criterion(*, actor: Any, criterion: ReviewCriterion) -> None:
    with transaction.atomic():
        criterion = (
            ReviewCriterion.objects.select_for_update(of=("self",))
            .select_related("round_category__round__year", "round_category__category")
            .order_by()
            .get(pk=criterion.pk)
        )
        rc = _criteria_changeable(actor, criterion.round_category)
        if rc.criteria.count() <= 1:
            raise SettingsRefused(_("A category needs at least one review criterion."))
        before = _criterion_state(criterion) | {"category": rc.category.code}
        text, pk = str(criterion), criterion.pk
        criterion.delete()
        audit.record(
            actor=actor,
            action="honours.criterion_removed",
            object_type="honours.reviewcriterion",
            object_id=pk,
            object_repr=text,
            before=before,
        )
