"""Reward tiers (奖励等级) of innovation results by their verified benefit.

A band is reached when the money saved is at least its ``min_money`` yuan, or — when
the band has ``min_hours`` — the hours saved are at least ``min_hours``. A result
falls in the highest band it reaches: bands are ranked by ``order`` (1 is the
highest), then by the larger money threshold. A verified result that names no money
counts as 0 yuan (so a band from 0 yuan takes every verified result, e.g. one with a
quality gain only); one that names no hours never reaches a band by hours.

Only programme admins change the bands (``can_manage_reward_bands``). Saving or
deleting a band re-tiers every verified and recognised result at once, in the same
transaction, with an audit record for each result whose tier changed
(``innovation.retiered``) besides the band's own (``innovation.band_saved`` /
``innovation.band_deleted``). :func:`ensure_default_bands` loads the defaults
(一等 / 二等 / 三等 / 鼓励) when there are no bands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingsai.access import policy
from jingsai.common.domain import audit
from jingsai.innovation.models import InnovationResult, RewardBand

VERIFIED_STATES = (InnovationResult.Status.VERIFIED, InnovationResult.Status.RECOGNISED)

# (name, money saved from in yuan, or hours saved from, order)
DEFAULT_BANDS: list[tuple[str, Decimal, Decimal | None, int]] = [
    ("一等", Decimal(1_000_000), Decimal(10_000), 1),
    ("二等", Decimal(200_000), Decimal(2_000), 2),
    ("三等", Decimal(50_000), Decimal(500), 3),
    ("鼓励", Decimal(0), None, 4),
]
BAND_FIELDS = ("name", "min_money", "min_hours", "order")


class BandRefused(Exception):  # noqa: N818 (a refusal shown to the user)
    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


def ordered_bands(bands: Iterable[RewardBand]) -> list[RewardBand]:
    """Highest band first: by order (1 is the highest), then the larger money threshold."""
    return sorted(bands, key=lambda b: (b.order, -b.min_money, b.pk or 0))


def reaches(band: RewardBand, money: Decimal | None, hours: Decimal | None) -> bool:
    money = Decimal(0) if money is None else money
    if money >= band.min_money:
        return True
    return band.min_hours is not None and hours is not None and hours >= band.min_hours


def tier_for(
    money: Decimal | None, hours: Decimal | None, bands: Sequence[RewardBand]
) -> RewardBand | None:
    """The highest-ordered band that ``money`` (yuan) or ``hours`` reaches; None if none."""
    return next((band for band in ordered_bands(bands) if reaches(band, money, hours)), None)


def _refuse_unless_manager(actor: Any) -> None:
    if actor is not None and not policy.can_manage_reward_bands(actor):
        raise BandRefused(_("Only programme admins set the reward tiers."))


def _locked_bands() -> list[RewardBand]:
    return list(RewardBand.objects.select_for_update().order_by("order", "-min_money", "id"))


def retier(*, actor: Any, bands: Sequence[RewardBand] | None = None) -> int:
    """Put every verified or recognised result in its tier under ``bands`` (the stored
    bands when not given); return how many results changed tier. Call it in the
    transaction that changed the bands."""
    bands = ordered_bands(_locked_bands() if bands is None else bands)
    names = {band.pk: band.name for band in bands}
    rows = (
        InnovationResult.objects.select_for_update()
        .order_by()
        .filter(status__in=VERIFIED_STATES)
        .values_list("pk", "title", "money_saved", "hours_saved", "reward_band_id")
    )
    moves: dict[int | None, list[tuple[int, str, int | None]]] = defaultdict(list)
    for pk, title, money, hours, old in rows:
        band = tier_for(money, hours, bands)
        new = band.pk if band else None
        if new != old:
            moves[new].append((pk, title, old))
    changed = 0
    for new, items in moves.items():
        ids = [pk for pk, _title, _old in items]
        for start in range(0, len(ids), 500):
            InnovationResult.objects.filter(pk__in=ids[start : start + 500]).update(
                reward_band_id=new
            )
        for pk, title, old in items:
            audit.record(
                actor=actor,
                action="innovation.retiered",
                object_type=InnovationResult._meta.label_lower,
                object_id=pk,
                object_repr=title,
                before={"reward_band": old, "tier": names.get(old, "")},
                after={"reward_band": new, "tier": names.get(new, "")},
            )
        changed += len(items)
    return changed


def save_band(
    *, actor: Any, band: RewardBand | None = None, **fields: Any
) -> tuple[RewardBand, int]:
    """Create (``band=None``) or change a band, then re-tier the verified results;
    return the band and how many results changed tier."""
    unknown = set(fields) - set(BAND_FIELDS)
    if unknown:
        raise TypeError(f"not a band field: {sorted(unknown)}")
    _refuse_unless_manager(actor)
    with transaction.atomic():
        bands = _locked_bands()
        if band is None:
            band, before = RewardBand(), None
        else:
            band = next((b for b in bands if b.pk == band.pk), None)
            if band is None:
                raise BandRefused(_("This tier no longer exists."))
            before = audit.snapshot(band)
        for name, value in fields.items():
            setattr(band, name, value.strip() if isinstance(value, str) else value)
        try:
            band.full_clean()
        except ValidationError as error:
            field = next((k for k in getattr(error, "message_dict", {}) if k != "__all__"), "")
            raise BandRefused(" ".join(error.messages), field) from error
        if any(b.pk != band.pk and b.name == band.name for b in bands):
            raise BandRefused(_("Another tier has this name."), "name")
        band.save()
        band.refresh_from_db()  # the stored decimals, as the audit trail shows them
        audit.record(
            actor=actor,
            action="innovation.band_saved",
            obj=band,
            before=before,
            after=audit.snapshot(band),
        )
        others = [b for b in bands if b.pk != band.pk]
        changed = retier(actor=actor, bands=[*others, band])
    return band, changed


def delete_band(*, actor: Any, band: RewardBand) -> int:
    """Delete a band; the verified results in it move to their tier under the others.
    Return how many results changed tier."""
    _refuse_unless_manager(actor)
    with transaction.atomic():
        bands = _locked_bands()
        band = next((b for b in bands if b.pk == band.pk), None)
        if band is None:
            raise BandRefused(_("This tier no longer exists."))
        changed = retier(actor=actor, bands=[b for b in bands if b.pk != band.pk])
        before = audit.snapshot(band)
        pk, name = band.pk, band.name
        band.delete()
        audit.record(
            actor=actor,
            action="innovation.band_deleted",
            object_type=RewardBand._meta.label_lower,
            object_id=pk,
            object_repr=name,
            before=before,
        )
    return changed


def ensure_default_bands(*, actor: Any = None) -> list[RewardBand]:
    """The bands; the defaults (一等 ≥ 1,000,000 yuan or ≥ 10,000 h; 二等 ≥ 200,000 or
    ≥ 2,000 h; 三等 ≥ 50,000 or ≥ 500 h; 鼓励 from 0) are created when there are none,
    and the verified results put in their tiers."""
    with transaction.atomic():
        bands = _locked_bands()
        if bands:
            return bands
        _refuse_unless_manager(actor)
        bands = [
            RewardBand.objects.create(name=name, min_money=money, min_hours=hours, order=order)
            for name, money, hours, order in DEFAULT_BANDS
        ]
        for band in bands:
            audit.record(
                actor=actor,
                action="innovation.band_saved",
                obj=band,
                after=audit.snapshot(band),
                note="default tiers",
            )
        retier(actor=actor, bands=bands)
    return ordered_bands(bands)
