"""Labour-competition services: set-up, checks, bonuses and vetoes, confirming,
correcting and publishing periods. Every change is validated, saved and audited
in one transaction; every change to what counts refreshes the kind tallies.

The conflict rule is the judges': an assessor never assesses a participant of
an organisation he belongs to (his seat's organisation or any organisation where
his account holds a role), nor one he has declared a conflict with.

A confirmed period is locked: checks, bonuses and vetoes of it change only as
corrections, with a reason, in the audit trail, and the stored scores and
standings are recomputed at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.common.domain import audit
from jingsai.common.uploads import check_upload, removed_on_failure
from jingsai.competitions.domain.registration import next_entry_number
from jingsai.competitions.models import Competition, Entry
from jingsai.dashboards.domain import participation
from jingsai.labour.domain import compute, tallies
from jingsai.labour.models import (
    MARK_SCALE,
    Assessor,
    AssessorConflict,
    Block,
    Bonus,
    BonusItem,
    Check,
    CheckMark,
    Indicator,
    League,
    Participant,
    Period,
    Photo,
    Veto,
    VetoItem,
    plain,
)
from jingsai.people.models import RoleGrant

PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_KINDS = {"jpg", "png"}
PROTECTED_FIELDS = {
    Period: ("status", "confirmed_at", "confirmed_by_id", "published_at"),
    League: ("finalised_at",),
}
LOCKED_FIELDS = {"maximum", "weight", "self_weight", "mutual_weight", "spot_weight", "absent_kind"}


class LabourRefused(Exception):  # noqa: N818 (a refusal shown to the user)
    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


# --- set-up ---------------------------------------------------------------------


def league_of(competition: Competition, *, actor: Any = None) -> League:
    """The competition's league, created with the defaults on first use."""
    if competition.kind != Competition.Kind.LABOUR:
        raise LabourRefused(_("Only a labour competition has periodic assessments."))
    league = League.objects.filter(competition=competition).first()
    if league is None:
        with transaction.atomic():
            league = League.objects.create(competition=competition)
            audit.record(actor=actor, action="create", obj=league, after=audit.snapshot(league))
    return league


def scheme_locked(league: League) -> bool:
    """Once a period is confirmed, indicators and weights no longer change."""
    return league.periods.exclude(status=Period.Status.OPEN).exists()


def scheme_problems(league: League) -> list[str]:
    problems = []
    indicators = list(league.indicators.all())
    if not indicators:
        problems.append(_("The scheme has no indicator."))
    elif sum((i.weight for i in indicators), Decimal(0)) != 100:
        problems.append(
            _("The indicator weights add up to %(sum)s%%, not 100%%.")
            % {"sum": plain(sum((i.weight for i in indicators), Decimal(0)))}
        )
    weights = sum(league.kind_weights().values(), Decimal(0))
    if weights != 100:
        problems.append(
            _("The check-kind weights add up to %(sum)s%%, not 100%%.") % {"sum": plain(weights)}
        )
    return problems


def save_scheme_object(instance, *, actor: Any, note: str = ""):
    """Create or change a block, indicator, bonus or veto item, period or league settings."""
    league = instance if isinstance(instance, League) else instance.league
    scheme_fields = isinstance(instance, (Indicator, League))
    with transaction.atomic():
        before = None
        if instance.pk and not instance._state.adding:
            stored = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
            before = audit.snapshot(stored)
            for name in PROTECTED_FIELDS.get(type(instance), ()):
                setattr(instance, name, getattr(stored, name))  # moved by their own services
        if scheme_fields and before is not None and scheme_locked(league):
            changed = set(audit.changed_fields(before, audit.snapshot(instance)))
            if changed & LOCKED_FIELDS:
                raise LabourRefused(
                    _("A period is confirmed: indicators and check weights can no longer change.")
                )
        if isinstance(instance, Indicator) and before is None and scheme_locked(league):
            raise LabourRefused(
                _("A period is confirmed: indicators and check weights can no longer change.")
            )
        try:
            instance.full_clean()
        except ValidationError as error:
            raise LabourRefused(" ".join(error.messages)) from None
        instance.save()
        after = audit.snapshot(instance)
        action = "create" if before is None else "update"
        if before is None or audit.changed_fields(before, after):
            audit.record(
                actor=actor, action=action, obj=instance, before=before, after=after, note=note
            )
        if isinstance(instance, Indicator):
            tallies.refresh_league(league)
        if not isinstance(instance, Block) and scheme_locked(league):
            compute.recompute(league)  # settings, caps and period weights change the tables
    return instance


def delete_scheme_object(instance, *, actor: Any) -> None:
    league = instance.league
    locked = isinstance(instance, Indicator) or (
        isinstance(instance, Period) and instance.status != Period.Status.OPEN
    )
    if locked and scheme_locked(league):
        raise LabourRefused(_("A confirmed period and its scheme cannot be removed."))
    with transaction.atomic():
        before = audit.snapshot(instance)
        label, pk, text = instance._meta.label_lower, instance.pk, str(instance)
        try:
            instance.delete()
        except Exception as error:  # ProtectedError: still used by checks, bonuses …
            raise LabourRefused(_("It is still in use and cannot be removed.")) from error
        audit.record(
            actor=actor,
            action="delete",
            object_type=label,
            object_id=pk,
            object_repr=text,
            before=before,
        )
        if isinstance(instance, Indicator):
            tallies.refresh_league(league)


def monthly_periods(league: League, year: int, *, actor: Any) -> list[Period]:
    """Twelve monthly periods of ``year`` (those not there yet)."""
    made = []
    with transaction.atomic():
        for month in range(1, 13):
            code = f"{year}-{month:02d}"
            if league.periods.filter(code=code).exists():
                continue
            first = dt.date(year, month, 1)
            last = (dt.date(year + (month == 12), month % 12 + 1, 1)) - dt.timedelta(days=1)
            made.append(
                save_scheme_object(
                    Period(
                        league=league,
                        code=code,
                        name=_("%(year)s month %(month)s") % {"year": year, "month": month},
                        starts_on=first,
                        ends_on=last,
                    ),
                    actor=actor,
                )
            )
    return made


def add_participant(
    league: League,
    *,
    actor: Any,
    name: str,
    enterprise,
    block=None,
    entry: Entry | None = None,
    **details,
) -> Participant:
    """A participant; an approved, numbered entry of the competition is made for it
    unless it comes from one (a site registered by its enterprise)."""
    competition = league.competition
    with transaction.atomic():
        Competition.objects.select_for_update().get(pk=competition.pk)
        if entry is None:
            entry = Entry(
                competition=competition,
                enterprise=enterprise,
                status=Entry.Status.APPROVED,
                number=next_entry_number(competition),
                submitted_by=actor if getattr(actor, "pk", None) else None,
            )
            if competition.participants == Competition.Participants.TEAMS:
                entry.team_name = name[:100]
            else:
                entry.project_name = name[:200]
            entry.zone_id = getattr(enterprise, "zone_id", None)
            entry.save()
            audit.record(actor=actor, action="create", obj=entry, after=audit.snapshot(entry))
            participation.entries_changed([entry.pk])  # an approved entry: it counts now
        elif entry.competition_id != competition.pk or entry.status != Entry.Status.APPROVED:
            raise LabourRefused(_("Only an approved entry of this competition can take part."))
        participant = Participant(
            league=league, entry=entry, name=name, enterprise=enterprise, block=block, **details
        )
        try:
            participant.full_clean()
        except ValidationError as error:
            raise LabourRefused(" ".join(error.messages)) from None
        participant.save()
        audit.record(
            actor=actor, action="create", obj=participant, after=audit.snapshot(participant)
        )
    return participant


def take_in_entries(league: League, *, actor: Any) -> int:
    """Approved entries of the competition not yet in the league become participants."""
    entries = Entry.objects.filter(
        competition=league.competition, status=Entry.Status.APPROVED, participant__isnull=True
    ).select_related("enterprise")
    count = 0
    for entry in entries:
        add_participant(
            league,
            actor=actor,
            name=entry.project_name or entry.team_name or str(entry.enterprise),
            enterprise=entry.enterprise,
            entry=entry,
        )
        count += 1
    return count


# --- assessors and the conflict rule --------------------------------------------------


def assessor_organisations(assessor: Assessor) -> set[int]:
    ids = {assessor.organisation_id} if assessor.organisation_id else set()
    ids |= set(
        RoleGrant.objects.filter(user_id=assessor.user_id).values_list("organisation_id", flat=True)
    )
    return ids


def conflict_reason(assessor: Assessor, participant: Participant) -> str:
    if participant.enterprise_id in assessor_organisations(assessor):
        return _("%(assessor)s belongs to %(organisation)s, the enterprise of %(participant)s.") % {
            "assessor": assessor.name,
            "organisation": participant.enterprise,
            "participant": participant.name,
        }
    declared = AssessorConflict.objects.filter(assessor=assessor, participant=participant).first()
    if declared:
        return _(
            "%(assessor)s has declared a conflict of interest with %(participant)s: %(reason)s"
        ) % {
            "assessor": assessor.name,
            "participant": participant.name,
            "reason": declared.reason,
        }
    return ""


def participants_for(assessor: Assessor):
    """The participants the assessor may assess: all but his conflicts."""
    return (
        Participant.objects.filter(league=assessor.league)
        .exclude(enterprise_id__in=assessor_organisations(assessor))
        .exclude(pk__in=AssessorConflict.objects.filter(assessor=assessor).values("participant"))
        .select_related("block", "enterprise")
    )


# --- checks ---------------------------------------------------------------------


def to_units(value: Any, indicator: Indicator) -> int:
    """A typed mark as whole ten-thousandths, refused unless 0 ≤ mark ≤ the maximum."""
    text = str(value).strip().replace("，", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise LabourRefused(
            _("“%(value)s” is not a number.") % {"value": text[:20]}, indicator.code
        ) from None
    if not number.is_finite() or number < 0 or number > indicator.maximum:
        raise LabourRefused(
            _("%(indicator)s takes a mark from 0 to %(maximum)s.")
            % {"indicator": indicator.name, "maximum": plain(indicator.maximum)},
            indicator.code,
        )
    units = number * MARK_SCALE
    if units != units.to_integral_value():
        raise LabourRefused(
            _("%(indicator)s: at most 4 decimal places.") % {"indicator": indicator.name},
            indicator.code,
        )
    return int(units)


def parse_marks(league: League, values: Mapping[str, Any], *, complete: bool) -> dict[int, int]:
    """Indicator code → typed value, as indicator id → units. Blank values are skipped;
    ``complete`` requires every indicator."""
    parsed = {}
    for indicator in league.indicators.all():
        value = values.get(indicator.code)
        if value is None or str(value).strip() == "":
            if complete:
                raise LabourRefused(
                    _("%(indicator)s has no mark.") % {"indicator": indicator.name},
                    indicator.code,
                )
            continue
        parsed[indicator.pk] = to_units(value, indicator)
    return parsed


def _check_for(
    period: Period,
    participant: Participant,
    kind: str,
    assessor: Assessor | None,
    *,
    actor: Any,
    source: str = Check.Source.WEB,
) -> Check:
    """The check row, locked; created as a draft on first use. Refuses across a conflict."""
    if participant.league_id != period.league_id:
        raise LabourRefused(_("The participant is not in this competition."))
    if assessor is not None:
        if assessor.league_id != period.league_id:
            raise LabourRefused(_("The assessor is not on this competition's team."))
        reason = conflict_reason(assessor, participant)
        if reason:
            raise LabourRefused(reason)
        if kind != assessor.kind:
            raise LabourRefused(
                _("%(assessor)s enters %(kind)s checks only.")
                % {"assessor": assessor.name, "kind": assessor.get_kind_display()}
            )
    elif kind != Check.Kind.SELF:
        raise LabourRefused(_("A mutual or spot check needs its assessor."))
    list(
        Participant.objects.select_for_update()
        .filter(pk=participant.pk)
        .order_by()
        .values_list("pk")
    )
    check, _created = Check.objects.select_for_update().get_or_create(
        period=period,
        participant=participant,
        kind=kind,
        assessor=assessor,
        defaults={"entered_by": actor if getattr(actor, "pk", None) else None, "source": source},
    )
    return check


def _write_marks(check: Check, parsed: dict[int, int]) -> None:
    existing = {m.indicator_id: m for m in check.marks.all()}
    for indicator_id, units in parsed.items():
        mark = existing.get(indicator_id)
        if mark is None:
            CheckMark.objects.create(check_ref=check, indicator_id=indicator_id, units=units)
        elif mark.units != units:
            mark.units = units
            mark.save(update_fields=["units"])


def marks_of(check: Check) -> dict[str, Decimal]:
    return {m.indicator.code: m.value for m in check.marks.select_related("indicator")}


def save_check(
    *,
    actor: Any,
    period: Period,
    participant: Participant,
    kind: str,
    assessor: Assessor | None,
    values: Mapping[str, Any],
    note: str | None = None,
    checked_on: dt.date | None = None,
    submit: bool = False,
    source: str = Check.Source.WEB,
) -> Check:
    """Save a draft (any marks typed so far) or submit (every indicator marked).

    Only while the period is open; a submitted check is locked for its author
    (staff change it as a correction)."""
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        if not period.is_open:
            raise LabourRefused(
                _("%(period)s is confirmed; a change is a correction with a reason.")
                % {"period": period.name}
            )
        check = _check_for(period, participant, kind, assessor, actor=actor, source=source)
        if check.status == Check.Status.SUBMITTED and source == Check.Source.WEB:
            raise LabourRefused(_("This check is submitted and locked."))
        parsed = parse_marks(period.league, values, complete=submit)
        before = audit.snapshot(check) | {"marks": {str(k): v for k, v in marks_of(check).items()}}
        _write_marks(check, parsed)
        if note is not None:
            check.note = note
        if checked_on is not None:
            check.checked_on = checked_on
        check.source = source
        if submit:
            check.status = Check.Status.SUBMITTED
            check.submitted_at = timezone.now()
        check.save()
        if submit:
            audit.record(
                actor=actor,
                action="submit",
                obj=check,
                before=before,
                after=audit.snapshot(check) | {"marks": marks_of(check)},
            )
            tallies.refresh(period, [participant.pk])
    return check


def correct_check(*, actor: Any, check: Check, values: Mapping[str, Any], reason: str) -> Check:
    """Change a submitted check's marks; after confirmation the period is recomputed."""
    if not reason.strip():
        raise LabourRefused(_("A correction needs its reason."), "reason")
    with transaction.atomic():
        check = Check.objects.select_for_update().select_related("period__league").get(pk=check.pk)
        parsed = parse_marks(check.period.league, values, complete=True)
        before = {"marks": marks_of(check)}
        _write_marks(check, parsed)
        check.status = Check.Status.SUBMITTED
        check.submitted_at = check.submitted_at or timezone.now()
        check.save()
        audit.record(
            actor=actor,
            action="correct",
            obj=check,
            before=before,
            after={"marks": marks_of(check)},
            note=reason.strip(),
        )
        tallies.refresh(check.period, [check.participant_id])
        _recompute_if_confirmed(check.period)
    return check


def photo_kind(upload) -> str:
    """The kind of an uploaded photo ("jpeg" or "png", by its content), or LabourRefused:
    not an image of those kinds, or more than 8 MB."""
    if upload.size > PHOTO_MAX_BYTES:
        raise LabourRefused(
            _("The photo is %(size)s MB; at most %(limit)s MB is accepted.")
            % {"size": f"{upload.size / 1048576:.1f}", "limit": PHOTO_MAX_BYTES // 1048576},
            "photo",
        )
    try:
        return check_upload(upload, allowed=PHOTO_KINDS)
    except ValidationError as error:
        raise LabourRefused(" ".join(error.messages), "photo") from None


def add_photo(*, actor: Any, check: Check, upload, caption: str = "") -> Photo:
    """Evidence for a check: a JPEG or PNG (by its content), at most 8 MB."""
    kind = photo_kind(upload)
    with removed_on_failure() as store, transaction.atomic():
        photo = Photo(
            check_ref=check,
            kind=kind,
            size=upload.size,
            caption=caption[:200],
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        upload.seek(0)
        store(photo.file, "photo", ContentFile(upload.read()))
        photo.save()
        audit.record(
            actor=actor,
            action="upload",
            obj=check,
            after={"photo": photo.pk, "kind": kind, "size": photo.size},
        )
    return photo


# --- bonuses and vetoes ------------------------------------------------------------


def _open_or_reason(period: Period, reason: str) -> bool:
    """True when the period is confirmed (a correction, which needs its reason)."""
    if period.is_open:
        return False
    if not reason.strip():
        raise LabourRefused(
            _("%(period)s is confirmed; a change is a correction with a reason.")
            % {"period": period.name},
            "correction",
        )
    return True


def set_bonus(
    *,
    actor: Any,
    period: Period,
    participant: Participant,
    item: BonusItem,
    points: Any,
    reason: str,
    correction: str = "",
) -> Bonus | None:
    """Award bonus points (0 or blank removes them); the reason is required."""
    try:
        value = Decimal(str(points).strip() or "0")
    except InvalidOperation:
        raise LabourRefused(_("The points are not a number."), "points") from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise LabourRefused(_("Points are a number ≥ 0 with at most 2 decimals."), "points")
    if value and not reason.strip():
        raise LabourRefused(_("Say why the bonus is given."), "reason")
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        corrected = _open_or_reason(period, correction)
        existing = Bonus.objects.filter(period=period, participant=participant, item=item).first()
        before = audit.snapshot(existing) if existing else None
        if not value:
            if existing:
                existing.delete()
            bonus = None
        else:
            bonus = existing or Bonus(period=period, participant=participant, item=item)
            bonus.points, bonus.reason = value, reason.strip()[:300]
            bonus.entered_by = actor if getattr(actor, "pk", None) else None
            bonus.save()
        audit.record(
            actor=actor,
            action="correct" if corrected else "bonus",
            obj=participant,
            before=before,
            after=audit.snapshot(bonus) if bonus else None,
            note=correction.strip(),
        )
        if corrected:
            _recompute_if_confirmed(period)
    return bonus


def set_veto(
    *,
    actor: Any,
    period: Period,
    participant: Participant,
    item: VetoItem | None,
    reason: str,
    correction: str = "",
) -> Veto | None:
    """Record a veto (一票否决) with its reason; ``item=None`` lifts it."""
    if item is not None and not reason.strip():
        raise LabourRefused(_("Say what happened: a veto needs its reason."), "reason")
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        corrected = _open_or_reason(period, correction)
        existing = Veto.objects.filter(period=period, participant=participant).first()
        before = audit.snapshot(existing) if existing else None
        if item is None:
            if existing:
                existing.delete()
            veto = None
        else:
            veto = existing or Veto(period=period, participant=participant)
            veto.item, veto.reason = item, reason.strip()[:300]
            veto.entered_by = actor if getattr(actor, "pk", None) else None
            veto.save()
        audit.record(
            actor=actor,
            action="correct" if corrected else "veto",
            obj=participant,
            before=before,
            after=audit.snapshot(veto) if veto else None,
            note=correction.strip(),
        )
        if corrected:
            _recompute_if_confirmed(period)
    return veto


# --- confirming and publishing ---------------------------------------------------------


def _recompute_if_confirmed(period: Period) -> None:
    if period.status != Period.Status.OPEN:
        compute.recompute(period.league)


def confirm(*, actor: Any, period: Period) -> Period:
    """Lock the period and compute its scores, flags and the standings after it.

    Periods are confirmed in order; drafts left in the period do not count."""
    with transaction.atomic():
        period = Period.objects.select_for_update().select_related("league").get(pk=period.pk)
        league = period.league
        if not period.is_open:
            raise LabourRefused(_("%(period)s is already confirmed.") % {"period": period.name})
        problems = scheme_problems(league)
        if problems:
            raise LabourRefused(" ".join(problems))
        earlier = league.periods.filter(
            status=Period.Status.OPEN, starts_on__lt=period.starts_on
        ).first()
        if earlier:
            raise LabourRefused(
                _("Confirm %(earlier)s first: periods are confirmed in order.")
                % {"earlier": earlier.name}
            )
        before = audit.snapshot(period)
        period.status = Period.Status.CONFIRMED
        period.confirmed_at = timezone.now()
        period.confirmed_by = actor if getattr(actor, "pk", None) else None
        period.save()
        tallies.refresh(period)
        compute.recompute(league)
        audit.record(
            actor=actor, action="confirm", obj=period, before=before, after=audit.snapshot(period)
        )
    return period


def reopen(*, actor: Any, period: Period, reason: str) -> Period:
    """Unlock the last confirmed, unpublished period (e.g. a check was forgotten)."""
    if not reason.strip():
        raise LabourRefused(_("Say why the period is reopened."), "reason")
    with transaction.atomic():
        period = Period.objects.select_for_update().select_related("league").get(pk=period.pk)
        if period.status != Period.Status.CONFIRMED:
            raise LabourRefused(_("Only a confirmed, unpublished period can be reopened."))
        if (
            period.league.periods.filter(starts_on__gt=period.starts_on)
            .exclude(status=Period.Status.OPEN)
            .exists()
        ):
            raise LabourRefused(_("A later period is confirmed; correct marks instead."))
        before = audit.snapshot(period)
        period.status, period.confirmed_at, period.confirmed_by = Period.Status.OPEN, None, None
        period.save()
        compute.recompute(period.league)
        audit.record(
            actor=actor,
            action="reopen",
            obj=period,
            before=before,
            after=audit.snapshot(period),
            note=reason.strip(),
        )
    return period


def publish(*, actor: Any, period: Period) -> Period:
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        if period.status != Period.Status.CONFIRMED:
            raise LabourRefused(_("Only a confirmed period can be published."))
        earlier = (
            Period.objects.filter(league_id=period.league_id, starts_on__lt=period.starts_on)
            .exclude(status=Period.Status.PUBLISHED)
            .first()
        )
        if earlier:  # the standings after a period include every period before it
            raise LabourRefused(
                _("Publish %(earlier)s first: periods are published in order.")
                % {"earlier": earlier.name}
            )
        before = audit.snapshot(period)
        period.status, period.published_at = Period.Status.PUBLISHED, timezone.now()
        period.save()
        audit.record(
            actor=actor, action="publish", obj=period, before=before, after=audit.snapshot(period)
        )
    return period


def finalise(*, actor: Any, league: League) -> League:
    """Year-end: every period confirmed; the final standings give the awards."""
    with transaction.atomic():
        league = League.objects.select_for_update().get(pk=league.pk)
        if not league.periods.exists() or league.periods.filter(status=Period.Status.OPEN).exists():
            raise LabourRefused(_("Every period must be confirmed before the year-end standings."))
        compute.finalise(league)
        audit.record(
            actor=actor,
            action="finalise",
            obj=league,
            after={"finalised_at": league.finalised_at, "awards": league.awards},
        )
    return league


def recompute_participants(period: Period, participant_ids: Iterable[int]) -> None:
    """After a bulk change (an import): refresh tallies; recompute when confirmed."""
    tallies.refresh(period, participant_ids)
    _recompute_if_confirmed(period)
