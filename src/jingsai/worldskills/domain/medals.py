"""Medals the WorldSkills way, as the engine's awards.

WorldSkills gives medals by rank: gold to the first, silver to the second,
bronze to the third; tied competitors share a rank and its medal, and the ranks
after a tie skip as always (1, 1, 3: two golds and a bronze). Competitors
without a medal whose total reaches a set mark receive a Medallion for
Excellence. The counts are settings (a national selection may give more places).

This writes the engine's awards setting (``Gold medal:#1,…,Medallion for
Excellence:>=70``; see :mod:`jingsai.judging.domain.awards`), so results,
notice, publication, certificates and the medal table all follow.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jingsai.competitions.models import Competition
from jingsai.judging.domain import scheme
from jingsai.judging.domain.panel import judging_of
from jingsai.judging.models import Judging, plain


def medals_text(
    *, gold: int = 1, silver: int = 1, bronze: int = 1, excellence_at: Decimal | None = None
) -> str:
    levels = [
        (_("Gold medal"), gold),
        (_("Silver medal"), silver),
        (_("Bronze medal"), bronze),
    ]
    parts = [f"{name}:#{count}" for name, count in levels if count]
    if excellence_at is not None:
        parts.append(f"{_('Medallion for Excellence')}:>={plain(Decimal(excellence_at))}")
    return ",".join(parts)


def set_medals(
    *,
    actor: Any,
    competition: Competition,
    gold: int = 1,
    silver: int = 1,
    bronze: int = 1,
    excellence_at: Decimal | None = None,
) -> Judging:
    """Give medals by rank (and medallions at or above ``excellence_at``), audited."""
    if min(gold, silver, bronze) < 0:
        raise ValidationError(_("The number of medals cannot be negative."))
    if excellence_at is not None and Decimal(excellence_at) < 0:
        raise ValidationError(_("The mark for a Medallion for Excellence cannot be negative."))
    judging = judging_of(competition)
    return scheme.save_settings(
        actor=actor,
        competition=competition,
        awards=medals_text(gold=gold, silver=silver, bronze=bronze, excellence_at=excellence_at),
        min_total=judging.min_total,
        tiebreak=judging.tiebreak,
        blind=judging.blind,
        appeal_days=judging.appeal_days,
    )
