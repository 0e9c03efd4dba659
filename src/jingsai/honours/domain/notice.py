"""The public notice (公示) of the proposed list, and objections to it.

- :func:`start_notice` puts every proposed nomination on notice: from today for
  the round's ``notice_days`` days, both ends included (7 days from 1 May run
  until 7 May; the list can be made final from 8 May).
- :func:`lodge_objection`: anyone (no account) objects to a nomination while it
  is on notice — proposed, the round at the notice stage and today within its
  ``notice_from``..``notice_until``. Contact details are optional. Simple
  anti-abuse, no settings: the grounds are 10–2000 characters; at most
  :data:`PER_ADDRESS_PER_DAY` (3) objections a day from one address, whatever
  the nominee, and at most :data:`PER_NOMINATION_PER_DAY` (20) a day against
  one nominee from everyone. The address is stored only as a salted SHA-256
  (:func:`address_hash`, salted with ``SECRET_KEY``), never the IP itself; the
  audit record names neither the objector nor his contact details.
- :func:`resolve_objection` (programme admins, with a reason): *dismissed* —
  the nominee stays; *upheld* — the nominee is removed (status ``removed``, no
  longer proposed) and the next ranked live eligible nomination of the category
  is proposed with its own notice starting today (the notice restarts for that
  person; :func:`jingsai.honours.domain.selection.fill_free_places`). When the
  next rank is a group of equals larger than the free places, it is a new tie
  across the boundary that needs a committee decision
  (:func:`~jingsai.honours.domain.selection.record_tie_decision`). Other open
  objections against a nominee just removed are closed as *dismissed* with the
  note "nominee already removed" (there is nothing left to uphold).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.common.domain import audit
from jingsai.common.masking import mask_name, mask_personal_data_in_text, mask_phone
from jingsai.honours.domain import selection
from jingsai.honours.domain.selection import SelectionRefused, notice_until, require_admin
from jingsai.honours.models import Nomination, Objection, Round, RoundCategory

S = Round.Stage
N = Nomination.Status

GROUNDS_MIN = 10
GROUNDS_MAX = 2000
NAME_MAX = 50
CONTACT_MAX = 100
PER_ADDRESS_PER_DAY = 3
PER_NOMINATION_PER_DAY = 20


class ObjectionRefused(SelectionRefused):
    pass


def address_hash(address: str) -> str:
    """A salted SHA-256 of the objector's address; the address itself is never stored.
    An unknown address hashes like any other value (all unknowns share one limit)."""
    salted = f"{settings.SECRET_KEY}:honours-objection:{(address or '').strip()}"
    return hashlib.sha256(salted.encode()).hexdigest()


def mask_contact(value: str) -> str:
    """``13912345678`` → ``139****5678``; ``wang@example.com`` → ``w***@example.com``."""
    value = (value or "").strip()
    if not value:
        return ""
    if "@" in value:
        local, _at, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = "".join(c for c in value if c.isdigit())
    if len(digits) >= 7:
        return mask_phone(digits)
    return mask_name(value)


def on_notice(nomination: Nomination, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(
        nomination.status == N.SUBMITTED
        and nomination.proposed
        and nomination.round_category.round.stage == S.NOTICE
        and nomination.notice_from
        and nomination.notice_until
        and nomination.notice_from <= today <= nomination.notice_until
    )


def on_notice_now(round_: Round, today: dt.date | None = None):
    """The round's nominations on notice today (for the public notice page)."""
    today = today or timezone.localdate()
    if round_.stage != S.NOTICE:
        return Nomination.objects.none()
    return Nomination.objects.filter(
        round_category__round=round_,
        status=N.SUBMITTED,
        proposed=True,
        notice_from__lte=today,
        notice_until__gte=today,
    )


def _start_of_today() -> dt.datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def lodge_objection(
    nomination: Nomination,
    grounds: str,
    name: str = "",
    contact: str = "",
    address: str = "",
    *,
    today: dt.date | None = None,
) -> Objection:
    """Anyone objects to a nomination on notice (see the module for the limits)."""
    grounds = (grounds or "").strip()
    name = (name or "").strip()
    contact = (contact or "").strip()
    reasons = []
    if len(grounds) < GROUNDS_MIN:
        reasons.append(
            _("State the grounds of the objection in at least %(n)d characters.")
            % {"n": GROUNDS_MIN}
        )
    if len(grounds) > GROUNDS_MAX:
        reasons.append(_("The grounds may be at most %(n)d characters long.") % {"n": GROUNDS_MAX})
    if len(name) > NAME_MAX:
        reasons.append(_("The name may be at most %(n)d characters long.") % {"n": NAME_MAX})
    if len(contact) > CONTACT_MAX:
        reasons.append(
            _("The contact details may be at most %(n)d characters long.") % {"n": CONTACT_MAX}
        )
    if reasons:
        raise ObjectionRefused(*reasons)
    hashed = address_hash(address)
    with transaction.atomic():
        # the nominee's row is the lock that makes the daily counts exact
        nomination = Nomination.objects.select_for_update().order_by().get(pk=nomination.pk)
        nomination = Nomination.objects.select_related("round_category__round").get(
            pk=nomination.pk
        )
        if not on_notice(nomination, today):
            raise ObjectionRefused(_("This nomination is not on public notice."))
        since = _start_of_today()
        if (
            Objection.objects.filter(address_hash=hashed, created_at__gte=since).count()
            >= PER_ADDRESS_PER_DAY
        ):
            raise ObjectionRefused(
                _("At most %(n)d objections a day can be lodged from one address; try tomorrow.")
                % {"n": PER_ADDRESS_PER_DAY}
            )
        if (
            Objection.objects.filter(nomination=nomination, created_at__gte=since).count()
            >= PER_NOMINATION_PER_DAY
        ):
            raise ObjectionRefused(
                _(
                    "This nominee has received the most objections accepted in one day; "
                    "try tomorrow."
                )
            )
        objection = Objection.objects.create(
            nomination=nomination,
            grounds=grounds,
            name=name,
            contact=contact,
            address_hash=hashed,
        )
        audit.record(
            actor=None,
            action="honours.objection_lodged",
            obj=objection,
            object_repr=f"{nomination.round_category} · {nomination.subject_name}",
            # no name, contact details or address: the objector stays out of the trail
            after={
                "nomination": nomination.pk,
                "status": objection.status,
                "grounds": mask_personal_data_in_text(grounds),
            },
        )
    return objection


# --- starting the notice ------------------------------------------------------------


def start_refusals(round_: Round) -> list[str]:
    """Why the proposed list cannot go on notice now (empty: it can)."""
    reasons = []
    if round_.stage != S.SELECTION:
        reasons.append(
            _(
                "The public notice starts from the selection stage; "
                "the round is at the %(stage)s stage."
            )
            % {"stage": round_.get_stage_display()}
        )
        return reasons
    for round_category in round_.categories.select_related("category").order_by(
        "category__order", "id"
    ):
        name = round_category.category.name
        if not selection.live_eligible(round_category).exists():
            continue
        standings = selection.standings_of(round_category)
        problems = selection.readiness(round_category, standings)
        if problems:
            reasons += problems
            continue
        if selection.stale(round_category, standings):
            reasons.append(
                _("%(category)s: the review totals changed since the ranking; propose again.")
                % {"category": name}
            )
            continue
        pending = selection.open_plan(round_category)
        if pending is None:
            reasons.append(_("%(category)s: not ranked yet.") % {"category": name})
        elif pending.tie is not None:
            reasons.append(tie_reason(round_category, pending.tie))
        elif pending.proposed:
            reasons.append(
                _("%(category)s: places are free for the next ranked; propose again.")
                % {"category": name}
            )
    return reasons


def tie_reason(round_category: RoundCategory, tie: selection.Tie) -> str:
    return _(
        "%(category)s: %(tied)d nominations tied at rank %(rank)d for %(places)d place(s) "
        "need a committee decision."
    ) % {
        "category": round_category.category.name,
        "tied": len(tie.tied),
        "rank": tie.rank,
        "places": tie.places,
    }


def start_notice(*, actor: Any, round_: Round, today: dt.date | None = None) -> Round:
    """Every proposed nomination goes on notice today for ``notice_days`` days (inclusive)."""
    require_admin(actor)
    today = today or timezone.localdate()
    with transaction.atomic():
        round_ = Round.objects.select_for_update().order_by().get(pk=round_.pk)
        reasons = start_refusals(round_)
        if reasons:
            raise SelectionRefused(*reasons)
        until = notice_until(today, round_.notice_days)
        count = Nomination.objects.filter(
            round_category__round=round_, status=N.SUBMITTED, eligible=True, proposed=True
        ).update(notice_from=today, notice_until=until, updated_at=timezone.now())
        before = round_.stage
        round_.stage = S.NOTICE
        round_.save(update_fields=["stage", "updated_at"])
        audit.record(
            actor=actor,
            action="honours.stage",
            obj=round_,
            before={"stage": before},
            after={"stage": round_.stage, "notice_from": today, "notice_until": until,
                   "on_notice": count},
        )  # fmt: skip
    return round_


# --- resolving objections -----------------------------------------------------------


def resolve_objection(
    *,
    actor: Any,
    objection: Objection,
    uphold: bool,
    reason: str,
    today: dt.date | None = None,
) -> Objection:
    """Dismiss (the nominee stays) or uphold (removed; the next ranked is proposed and starts
    its notice today; a tie there needs a committee decision). Admins only, reason required."""
    require_admin(actor)
    reason = (reason or "").strip()
    today = today or timezone.localdate()
    if not reason:
        raise SelectionRefused(_("Give the reason for the resolution."))
    with transaction.atomic():
        nomination = Nomination.objects.select_related(
            "round_category__round", "round_category__category", "worker", "innovation",
            "organisation",
        ).get(pk=objection.nomination_id)  # fmt: skip
        # the round first, as every other change of the selection does
        round_ = (
            Round.objects.select_for_update().order_by().get(pk=nomination.round_category.round_id)
        )
        objection = Objection.objects.select_for_update().order_by().get(pk=objection.pk)
        if objection.status != Objection.Status.OPEN:
            raise SelectionRefused(_("This objection has already been resolved."))
        if round_.stage != S.NOTICE:
            raise SelectionRefused(
                _(
                    "Objections are resolved during the public notice; "
                    "the round is at the %(stage)s stage."
                )
                % {"stage": round_.get_stage_display()}
            )
        now = timezone.now()
        objection.status = Objection.Status.UPHELD if uphold else Objection.Status.DISMISSED
        objection.resolution = reason
        objection.resolved_by = actor if getattr(actor, "pk", None) else None
        objection.resolved_at = now
        objection.save(
            update_fields=["status", "resolution", "resolved_by", "resolved_at", "updated_at"]
        )
        audit.record(
            actor=actor,
            action="honours.objection_" + objection.status,
            obj=objection,
            object_repr=f"{nomination.round_category} · {nomination.subject_name}",
            before={"status": Objection.Status.OPEN},
            after={"status": objection.status, "nomination": nomination.pk},
            note=reason,
        )
        if uphold and nomination.status == N.SUBMITTED:
            _remove(actor=actor, nomination=nomination, objection=objection, reason=reason)
            moot = _("nominee already removed")
            for other in (
                Objection.objects.select_for_update()
                .filter(nomination=nomination, status=Objection.Status.OPEN)
                .order_by("id")
            ):
                other.status = Objection.Status.DISMISSED
                other.resolution = moot
                other.resolved_by = objection.resolved_by
                other.resolved_at = now
                other.save(
                    update_fields=["status", "resolution", "resolved_by", "resolved_at",
                                   "updated_at"]
                )  # fmt: skip
                audit.record(
                    actor=actor,
                    action="honours.objection_dismissed",
                    obj=other,
                    object_repr=f"{nomination.round_category} · {nomination.subject_name}",
                    before={"status": Objection.Status.OPEN},
                    after={"status": other.status, "nomination": nomination.pk},
                    note=moot,
                )
            selection.fill_free_places(
                actor=actor,
                round_category=nomination.round_category,
                today=today,
                note=_("Promoted after the objection #%(id)d was upheld.") % {"id": objection.pk},
            )
    return objection


def _remove(*, actor: Any, nomination: Nomination, objection: Objection, reason: str) -> None:
    before = {"status": nomination.status, "proposed": nomination.proposed}
    nomination.status = N.REMOVED
    nomination.proposed = False
    nomination.save(update_fields=["status", "proposed", "updated_at"])
    audit.record(
        actor=actor,
        action="honours.nominee_removed",
        obj=nomination,
        before=before,
        after={"status": nomination.status, "proposed": False, "objection": objection.pk},
        note=reason,
    )
