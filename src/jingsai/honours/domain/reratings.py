"""Re-rating (复评) of honoured places.

A place (职工科技创新基地, 职工实训中心 …) holds its title for the round's
``place_term_years`` and is re-rated when the term ends: :func:`schedule` makes
the re-rating (due by default on ``term_ends``; made automatically when the
list is made final). :func:`decide` (programme admins):

- passed: the term is extended by ``place_term_years`` from the due date and
  the next re-rating is scheduled on the new end of term;
- failed (the reason is required): the title is lost (``lost``, ``lost_on``,
  ``lost_reason``) and the honour's valid certificates are revoked with the
  reason.

:func:`due_reratings` lists the undecided re-ratings due on or before a day.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.catalogue.models import HonourCategory
from jingsai.certification.domain import honours as honour_certificates
from jingsai.common.domain import audit
from jingsai.honours.domain.selection import SelectionRefused, require_admin
from jingsai.honours.models import Honour, Rerating

H = Honour.Status


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def open_rerating(honour: Honour) -> Rerating | None:
    return honour.reratings.filter(decided_on__isnull=True).order_by("due_on", "id").first()


def schedule_unchecked(*, actor: Any, honour: Honour, due_on: dt.date, note: str = "") -> Rerating:
    rerating = Rerating.objects.create(honour=honour, due_on=due_on)
    audit.record(
        actor=actor,
        action="honours.rerating_scheduled",
        obj=rerating,
        object_repr=f"{honour.title} · {honour.organisation or honour.nomination}",
        after={"honour": honour.pk, "due_on": due_on},
        note=note,
    )
    return rerating


def schedule(*, actor: Any, honour: Honour, due_on: dt.date | None = None) -> Rerating:
    """Schedule a place's re-rating (default: when its term ends)."""
    require_admin(actor)
    with transaction.atomic():
        honour = Honour.objects.select_for_update().order_by().get(pk=honour.pk)
        if honour.category.kind != HonourCategory.Kind.PLACES:
            raise SelectionRefused(_("Only places are re-rated."))
        if honour.status != H.ACTIVE:
            raise SelectionRefused(_("This title is no longer held."))
        if open_rerating(honour) is not None:
            raise SelectionRefused(_("A re-rating is already scheduled for this place."))
        due_on = due_on or honour.term_ends
        if due_on is None:
            raise SelectionRefused(_("Give the day the re-rating is due."))
        return schedule_unchecked(actor=actor, honour=honour, due_on=due_on)


def decide(
    *,
    actor: Any,
    rerating: Rerating,
    passed: bool,
    score: Decimal | str | None = None,
    reason: str = "",
    today: dt.date | None = None,
) -> Rerating:
    """Record the re-rating's outcome (see the module)."""
    require_admin(actor)
    reason = (reason or "").strip()
    today = today or timezone.localdate()
    if score in ("", None):
        score = None
    else:
        try:
            score = Decimal(str(score))
        except InvalidOperation:
            raise SelectionRefused(_("The score is a number from 0 to 100.")) from None
        if not Decimal(0) <= score <= Decimal(100):
            raise SelectionRefused(_("The score is a number from 0 to 100."))
    if not passed and not reason:
        raise SelectionRefused(_("Give the reason the place failed its re-rating."))
    with transaction.atomic():
        rerating = Rerating.objects.select_for_update().order_by().get(pk=rerating.pk)
        Honour.objects.select_for_update().order_by().get(pk=rerating.honour_id)
        honour = Honour.objects.select_related("round__year", "category", "organisation").get(
            pk=rerating.honour_id
        )
        if rerating.decided_on is not None:
            raise SelectionRefused(_("This re-rating has already been decided."))
        if honour.status != H.ACTIVE:
            raise SelectionRefused(_("This title is no longer held."))
        rerating.passed = passed
        rerating.score = score
        rerating.reason = reason
        rerating.decided_on = today
        rerating.decided_by = actor if getattr(actor, "pk", None) else None
        rerating.save(
            update_fields=["passed", "score", "reason", "decided_on", "decided_by", "updated_at"]
        )
        before = {"status": honour.status, "term_ends": honour.term_ends}
        revoked: list[str] = []
        if passed:
            honour.term_ends = add_years(rerating.due_on, honour.round.place_term_years)
            honour.save(update_fields=["term_ends", "updated_at"])
        else:
            honour.status = H.LOST
            honour.lost_on = today
            honour.lost_reason = reason
            honour.save(update_fields=["status", "lost_on", "lost_reason", "updated_at"])
            revoked = honour_certificates.revoke_for_honour(
                actor=actor,
                honour=honour,
                reason=_("The title was lost at re-rating: %(reason)s") % {"reason": reason},
            )
        audit.record(
            actor=actor,
            action="honours.rerating_decided",
            obj=rerating,
            object_repr=f"{honour.title} · {honour.organisation or honour.nomination}",
            before=before,
            after={
                "passed": passed,
                "score": score,
                "status": honour.status,
                "term_ends": honour.term_ends,
                "revoked": revoked,
            },
            note=reason,
        )
        if passed:
            schedule_unchecked(actor=actor, honour=honour, due_on=honour.term_ends)
    return rerating


def due_reratings(today: dt.date | None = None):
    """Undecided re-ratings of held titles due on or before ``today``, earliest first."""
    today = today or timezone.localdate()
    return upcoming_reratings().filter(due_on__lte=today)


def upcoming_reratings():
    """All undecided re-ratings of held titles, earliest first."""
    return (
        Rerating.objects.filter(decided_on__isnull=True, honour__status=H.ACTIVE)
        .select_related("honour__organisation", "honour__category", "honour__round__year")
        .order_by("due_on", "id")
    )
