"""The stages of an honours round and the moves between them (programme admins only).

    nomination → review → selection → notice → final

One step forward at a time, each with its preconditions; a refusal lists every
concrete reason (:func:`refusals` gives them to the page before anyone tries):

- nomination → review: closes nominations (the window's end is set to now if it
  was later or open-ended);
- review → selection: every live eligible nomination of every category has
  complete review standings with no open flags — reviewers' marks too far
  apart are resolved by re-scoring first; each missing or flagged nomination is
  named. Every category is then ranked and proposed up to its quota
  (:func:`jingsai.honours.domain.selection.propose_category`);
- selection → notice: :func:`jingsai.honours.domain.notice.start_notice`;
- notice → final: :func:`jingsai.honours.domain.final.finalise`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.common.domain import audit
from jingsai.honours.domain import final, notice, selection
from jingsai.honours.domain.selection import SelectionRefused, require_admin
from jingsai.honours.models import Round

S = Round.Stage
ORDER = [S.NOMINATION, S.REVIEW, S.SELECTION, S.NOTICE, S.FINAL]


def next_stage(round_: Round) -> str | None:
    index = ORDER.index(round_.stage)
    return ORDER[index + 1] if index + 1 < len(ORDER) else None


def _categories(round_: Round):
    return round_.categories.select_related("category", "round").order_by("category__order", "id")


def refusals(round_: Round, to: str, today: dt.date | None = None) -> list[str]:
    """Why the round cannot move to ``to`` now (empty: it can)."""
    if to not in ORDER:
        return [_("Unknown stage.")]
    if next_stage(round_) != to:
        return [
            _("The round moves one stage forward at a time: from %(stage)s the next is %(next)s.")
            % {
                "stage": round_.get_stage_display(),
                "next": S(next_stage(round_)).label if next_stage(round_) else "—",
            }
        ]
    if to == S.SELECTION:
        reasons = []
        for round_category in _categories(round_):
            reasons += selection.readiness(round_category)
        return reasons
    if to == S.NOTICE:
        return notice.start_refusals(round_)
    if to == S.FINAL:
        return final.refusals(round_, today)
    return []


def move(*, actor: Any, round_: Round, to: str, today: dt.date | None = None) -> Round:
    """Move the round one stage forward (see the module)."""
    require_admin(actor)
    if to == S.NOTICE:
        _check_next(round_, to)
        return notice.start_notice(actor=actor, round_=round_, today=today)
    if to == S.FINAL:
        _check_next(round_, to)
        final.finalise(actor=actor, round_=round_, today=today)
        return Round.objects.get(pk=round_.pk)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().order_by().get(pk=round_.pk)
        reasons = refusals(round_, to, today)
        if reasons:
            raise SelectionRefused(*reasons)
        before = {"stage": round_.stage}
        after: dict[str, Any] = {"stage": to}
        fields = ["stage", "updated_at"]
        if to == S.REVIEW:
            now = timezone.now()
            if round_.nomination_closes is None or round_.nomination_closes > now:
                before["nomination_closes"] = round_.nomination_closes
                round_.nomination_closes = now
                after["nomination_closes"] = now
                fields.append("nomination_closes")
        round_.stage = to
        round_.save(update_fields=fields)
        audit.record(actor=actor, action="honours.stage", obj=round_, before=before, after=after)
        if to == S.SELECTION:
            for round_category in _categories(round_):
                selection.propose_category(actor=actor, round_category=round_category)
    return round_


def _check_next(round_: Round, to: str) -> None:
    current = Round.objects.get(pk=round_.pk)
    if next_stage(current) != to:
        raise SelectionRefused(*refusals(current, to))
