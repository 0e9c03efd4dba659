"""The final list: honours granted, honour certificates issued; the year-over-year count.

:func:`finalise` (programme admins) makes the round's list final. It is refused,
with every reason listed, unless the round is at the notice stage, no objection
is open, no tie across a quota boundary is undecided, no free place awaits the
next ranked, and every proposed nominee's notice has run out (the last day of
the notice is ``notice_until``: the list can be made final from the day after).
Then, in one transaction, each proposed nomination:

- becomes ``honoured``, with an :class:`~jingsai.honours.models.Honour` titled
  with the category's name, granted today; places hold it for the round's
  ``place_term_years`` (``term_ends``) and get their re-rating scheduled then;
- gets its honour certificates (:mod:`jingsai.certification.domain.honours`):
  people one to the worker, results one to each author, places one to the
  organisation; issued by the district union (the union without a parent) and
  titled ``<year>年度<category>``.

The round moves to ``final``. Anything failing undoes everything.

:func:`year_over_year` counts, for every programme year with a round, each
category's quota and how many honours were granted (filled): the "830" is 8
categories × 30 = 240 places in the Pudong preset.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.catalogue.models import HonourCategory
from jingsai.certification.domain import honours as honour_certificates
from jingsai.common.domain import audit
from jingsai.honours.domain import notice, reratings, selection
from jingsai.honours.domain.rounds import quotas_of
from jingsai.honours.domain.selection import SelectionRefused, require_admin
from jingsai.honours.models import Honour, Nomination, Objection, Round
from jingsai.organisations.models import Organisation

S = Round.Stage
N = Nomination.Status
NAMES_SHOWN = 5


def district_union() -> Organisation | None:
    return (
        Organisation.objects.filter(kind=Organisation.Kind.UNION, parent__isnull=True)
        .order_by("id")
        .first()
    )


def _names(nominations: list[Nomination]) -> str:
    names = [n.subject_name for n in nominations[:NAMES_SHOWN]]
    if len(nominations) > NAMES_SHOWN:
        names.append("…")
    return "、".join(names)


def refusals(round_: Round, today: dt.date | None = None) -> list[str]:
    """Why the list cannot be made final today (empty: it can)."""
    today = today or timezone.localdate()
    reasons = []
    if round_.stage != S.NOTICE:
        reasons.append(
            _(
                "The list is made final after the public notice; "
                "the round is at the %(stage)s stage."
            )
            % {"stage": round_.get_stage_display()}
        )
        return reasons  # the other conditions are about the notice
    open_objections = list(
        Objection.objects.filter(
            nomination__round_category__round=round_, status=Objection.Status.OPEN
        )
        .select_related("nomination__worker", "nomination__innovation", "nomination__organisation")
        .order_by("id")
    )
    if open_objections:
        reasons.append(
            _("%(n)d objection(s) still open (against %(names)s): resolve each first.")
            % {
                "n": len(open_objections),
                "names": _names(
                    list({o.nomination_id: o.nomination for o in open_objections}.values())
                ),
            }
        )
    for round_category in round_.categories.select_related("category").order_by(
        "category__order", "id"
    ):
        pending = selection.open_plan(round_category)
        if pending is None:
            reasons.append(
                _("%(category)s: not ranked yet.") % {"category": round_category.category.name}
            )
            continue
        if pending.tie is not None:
            reasons.append(notice.tie_reason(round_category, pending.tie))
        elif pending.proposed:
            reasons.append(
                _("%(category)s: a place is free for the next ranked; propose the next first.")
                % {"category": round_category.category.name}
            )
    running: dict[dt.date | None, list[Nomination]] = defaultdict(list)
    for nomination in (
        Nomination.objects.filter(
            round_category__round=round_, status=N.SUBMITTED, eligible=True, proposed=True
        )
        .select_related("worker", "innovation", "organisation")
        .order_by("notice_until", "id")
    ):
        if nomination.notice_until is None or nomination.notice_until >= today:
            running[nomination.notice_until].append(nomination)
    for until, nominations in running.items():
        if until is None:
            reasons.append(
                _("%(n)d proposed nominee(s) have not been on notice (%(names)s).")
                % {"n": len(nominations), "names": _names(nominations)}
            )
        else:
            reasons.append(
                _("The public notice runs until %(day)s for %(n)d nominee(s) (%(names)s).")
                % {"day": until.isoformat(), "n": len(nominations), "names": _names(nominations)}
            )
    if district_union() is None:
        reasons.append(_("There is no district union to issue the honour certificates."))
    return reasons


def _grant(*, actor: Any, nomination: Nomination, round_: Round, issuer, today: dt.date):
    category = nomination.round_category.category
    is_place = category.kind == HonourCategory.Kind.PLACES
    nomination.status = N.HONOURED
    nomination.save(update_fields=["status", "updated_at"])
    honour = Honour.objects.create(
        round=round_,
        category=category,
        nomination=nomination,
        worker_id=nomination.worker_id,
        innovation_id=nomination.innovation_id,
        organisation_id=nomination.organisation_id,
        title=category.name,
        granted_on=today,
        term_ends=reratings.add_years(today, round_.place_term_years) if is_place else None,
    )
    certificates = honour_certificates.issue(
        actor=actor, honour=honour, issuer=issuer, today=today, audit_it=False
    )
    rerating = None
    if is_place:
        rerating = reratings.Rerating.objects.create(honour=honour, due_on=honour.term_ends)
    return honour, certificates, rerating


def finalise(*, actor: Any, round_: Round, today: dt.date | None = None) -> list[Honour]:
    """Make the list final (see the module); all or nothing."""
    require_admin(actor)
    today = today or timezone.localdate()
    with transaction.atomic():
        round_ = Round.objects.select_for_update().order_by().get(pk=round_.pk)
        round_ = Round.objects.select_related("year").get(pk=round_.pk)
        reasons = refusals(round_, today)
        if reasons:
            raise SelectionRefused(*reasons)
        issuer = district_union()
        nominations = list(
            Nomination.objects.select_for_update(of=("self",))
            .filter(round_category__round=round_, status=N.SUBMITTED, eligible=True, proposed=True)
            .order_by("id")
        )
        nominations = list(
            Nomination.objects.filter(pk__in=[n.pk for n in nominations])
            .select_related("round_category__category", "worker", "innovation", "organisation")
            .order_by("round_category__category__order", "rank", "id")
        )
        granted, log = [], []
        for nomination in nominations:
            honour, certificates, rerating = _grant(
                actor=actor, nomination=nomination, round_=round_, issuer=issuer, today=today
            )
            granted.append(honour)
            log.append(
                {
                    "honour": honour.pk,
                    "nomination": nomination.pk,
                    "category": honour.category.code,
                    "certificates": [c.number for c in certificates],
                    "term_ends": honour.term_ends,
                    "rerating_due": rerating.due_on if rerating else None,
                }
            )
        before = round_.stage
        round_.stage = S.FINAL
        round_.finalised_at = timezone.now()
        round_.save(update_fields=["stage", "finalised_at", "updated_at"])
        audit.record(
            actor=actor,
            action="honours.finalised",
            obj=round_,
            before={"stage": before},
            after={"stage": round_.stage, "granted_on": today, "honours": log},
        )
    return granted


# --- year over year ---------------------------------------------------------------


@dataclass
class CategoryCount:
    category: HonourCategory
    quota: int
    filled: int

    @property
    def unfilled(self) -> int:
        return max(self.quota - self.filled, 0)


@dataclass
class YearCount:
    year: int
    round: Round
    final: bool
    categories: list[CategoryCount] = field(default_factory=list)

    @property
    def quota(self) -> int:
        return sum(c.quota for c in self.categories)

    @property
    def filled(self) -> int:
        return sum(c.filled for c in self.categories)

    @property
    def unfilled(self) -> int:
        return sum(c.unfilled for c in self.categories)


def year_over_year() -> list[YearCount]:
    """Per programme year with a round (latest first): each category's quota and the honours
    granted in it (filled; a title lost later still counts as granted), and the totals."""
    rounds = list(Round.objects.select_related("year").order_by("-year__year"))
    granted: dict[tuple[int, int], int] = {
        (row["round_id"], row["category_id"]): row["n"]
        for row in Honour.objects.values("round_id", "category_id").annotate(n=Count("id"))
    }
    years = []
    for round_ in rounds:
        quotas = quotas_of(round_)
        row = YearCount(year=round_.year.year, round=round_, final=round_.stage == S.FINAL)
        for round_category in round_.categories.select_related("category").order_by(
            "category__order", "category_id"
        ):
            category = round_category.category
            row.categories.append(
                CategoryCount(
                    category=category,
                    quota=quotas.get(category.pk, category.default_quota),
                    filled=granted.get((round_.pk, category.pk), 0),
                )
            )
        years.append(row)
    return years
