"""A programme year's honours round, its categories and their default rules.

:func:`ensure_round` makes the round of a year with one :class:`RoundCategory`
per honour category of the catalogue, each with the Pudong defaults (all
editable afterwards):

- 浦东工匠 (``pudong-craftsman``): skill level 技师 (level 2) or above, or a rank
  of 3 or better in a district-level competition in the last 3 years;
- 工人发明家 (``worker-inventor``): an author of an innovation result with
  verified benefit;
- 职工科技创新英才 (``innovation-talent``): skill level 高级工 (level 3) or above,
  or an author of an innovation result with verified benefit;
- results categories: an adopted result of the matching kind with verified
  benefit;
- 职工科技创新基地 (``innovation-base``): an enterprise;
- 职工实训中心 (``training-centre``): an enterprise or a school/training body;
- categories added to the catalogue later get no rule but the kind check.

Every category gets three review criteria (40 + 30 + 30 = 100, spread limit
15). The quota is the year's :class:`~jingsai.catalogue.models.HonourQuota`
(made from the category's default quota when missing).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.catalogue.models import HonourCategory, HonourQuota, ProgrammeYear
from jingsai.common.domain import audit
from jingsai.honours.models import ReviewCriterion, Round, RoundCategory
from jingsai.innovation.models import InnovationResult
from jingsai.organisations.models import Organisation

K = InnovationResult.Kind
ORG = Organisation.Kind

DEFAULT_RULES: dict[str, dict] = {
    "pudong-craftsman": {"max_skill_level": 2, "top_rank": 3, "rank_years": 3},
    "worker-inventor": {"by_innovation": True},
    "innovation-talent": {"max_skill_level": 3, "by_innovation": True},
    "innovation-achievement": {"innovation_kind": K.ACHIEVEMENT},
    "operation-method": {"innovation_kind": K.METHOD},
    "rationalisation-suggestion": {"innovation_kind": K.SUGGESTION},
    "innovation-base": {"organisation_kinds": [ORG.ENTERPRISE]},
    "training-centre": {"organisation_kinds": [ORG.ENTERPRISE, ORG.TRAINING_BODY]},
}

DEFAULT_CRITERIA = {
    HonourCategory.Kind.PEOPLE: [
        ("事迹与贡献", Decimal(40)),
        ("技能与创新水平", Decimal(30)),
        ("示范带动作用", Decimal(30)),
    ],
    HonourCategory.Kind.RESULTS: [
        ("创新性", Decimal(40)),
        ("经济与社会效益", Decimal(30)),
        ("推广价值", Decimal(30)),
    ],
    HonourCategory.Kind.PLACES: [
        ("建设与管理", Decimal(40)),
        ("培养与创新成效", Decimal(30)),
        ("示范辐射作用", Decimal(30)),
    ],
}
DEFAULT_SPREAD = Decimal(15)


class RoundRefused(Exception):  # noqa: N818 (a refusal shown to the user)
    pass


def round_of(year: ProgrammeYear) -> Round | None:
    return Round.objects.filter(year=year).first()


@transaction.atomic
def ensure_round(*, actor: Any, year: ProgrammeYear) -> Round:
    """The year's round, made with every catalogue category and its defaults if missing;
    categories added to the catalogue since are added too."""
    round_, created = Round.objects.get_or_create(year=year)
    have = set(round_.categories.values_list("category_id", flat=True))
    added = []
    for category in HonourCategory.objects.order_by("order", "id"):
        HonourQuota.objects.get_or_create(
            year=year, category=category, defaults={"quota": category.default_quota}
        )
        if category.pk in have:
            continue
        rules = DEFAULT_RULES.get(category.code, {})
        round_category = RoundCategory.objects.create(round=round_, category=category, **rules)
        ReviewCriterion.objects.bulk_create(
            ReviewCriterion(
                round_category=round_category,
                name=name,
                max_mark=maximum,
                spread_limit=DEFAULT_SPREAD,
                order=order,
            )
            for order, (name, maximum) in enumerate(DEFAULT_CRITERIA[category.kind], start=1)
        )
        added.append(category.code)
    if created or added:
        audit.record(
            actor=actor,
            action="honours.round_ensured",
            obj=round_,
            after={"year": year.year, "categories": added},
        )
    return round_


def quota_of(round_category: RoundCategory) -> int:
    quota = (
        HonourQuota.objects.filter(
            year_id=round_category.round.year_id, category_id=round_category.category_id
        )
        .values_list("quota", flat=True)
        .first()
    )
    return round_category.category.default_quota if quota is None else quota


def quotas_of(round_: Round) -> dict[int, int]:
    """Quota per category id for the round's year."""
    quotas = dict(
        HonourQuota.objects.filter(year_id=round_.year_id).values_list("category_id", "quota")
    )
    return {
        rc.category_id: quotas.get(rc.category_id, rc.category.default_quota)
        for rc in round_.categories.select_related("category")
    }


def nomination_window_open(round_: Round, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    if round_.stage != Round.Stage.NOMINATION:
        return False
    if round_.nomination_opens and now < round_.nomination_opens:
        return False
    return not (round_.nomination_closes and now > round_.nomination_closes)


def window_refusal(round_: Round, now: dt.datetime | None = None) -> str:
    """Why nominations are not accepted now ("" when they are)."""
    now = now or timezone.now()
    if round_.stage != Round.Stage.NOMINATION:
        return _("Nominations for %(year)s are closed: the round is at the %(stage)s stage.") % {
            "year": round_.year.year,
            "stage": round_.get_stage_display(),
        }
    if round_.nomination_opens and now < round_.nomination_opens:
        return _("Nominations open on %(day)s.") % {
            "day": timezone.localtime(round_.nomination_opens).strftime("%Y-%m-%d %H:%M")
        }
    if round_.nomination_closes and now > round_.nomination_closes:
        return _("Nominations closed on %(day)s.") % {
            "day": timezone.localtime(round_.nomination_closes).strftime("%Y-%m-%d %H:%M")
        }
    return ""
