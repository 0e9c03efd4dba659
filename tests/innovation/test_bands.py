"""Reward tiers: the boundaries of the default bands (equality included), the hours
path, the highest tier wins, and re-tiering the verified results when bands change."""

from decimal import Decimal

import pytest

from jingsai.common.models import AuditEntry
from jingsai.innovation.domain import bands
from jingsai.innovation.domain.bands import BandRefused, tier_for
from jingsai.innovation.models import InnovationResult, RewardBand

pytestmark = pytest.mark.django_db
S = InnovationResult.Status
D = Decimal


def name(money, hours, table):
    band = tier_for(None if money is None else D(money), None if hours is None else D(hours), table)
    return band.name if band else None


@pytest.mark.parametrize(
    ("money", "hours", "tier"),
    [
        ("1000000", None, "一等"),  # equal to the threshold: reached
        ("999999.99", None, "二等"),
        ("200000", None, "二等"),
        ("199999.99", None, "三等"),
        ("50000", None, "三等"),
        ("49999.99", None, "鼓励"),
        ("0", None, "鼓励"),
        (None, None, "鼓励"),  # no money named counts as 0 yuan
        # hours only
        (None, "10000", "一等"),
        (None, "9999.9", "二等"),
        (None, "2000", "二等"),
        (None, "1999.9", "三等"),
        (None, "500", "三等"),
        (None, "499.9", "鼓励"),
        # the higher of the two wins
        ("60000", "2000", "二等"),
        ("1000000", "1", "一等"),
        ("100", "10000", "一等"),
    ],
)
def test_default_band_boundaries(default_bands, money, hours, tier):
    assert name(money, hours, default_bands) == tier


def test_a_band_without_hours_is_reached_by_money_only(db):
    table = [
        RewardBand(pk=1, name="甲", min_money=D(1000), min_hours=None, order=1),
        RewardBand(pk=2, name="乙", min_money=D(500), min_hours=D(10), order=2),
    ]
    assert name(None, "1000000", table) == "乙"  # no hours threshold on 甲
    assert name("999.99", None, table) == "乙"
    assert name("499", "9.9", table) is None  # reaches nothing
    assert name("499", "10", table) == "乙"
    # order decides, not the list's order
    assert name("1000", None, list(reversed(table))) == "甲"


def test_default_bands_are_loaded_once(db):
    first = bands.ensure_default_bands()
    assert [(b.name, b.min_money, b.min_hours, b.order) for b in first] == [
        ("一等", D(1_000_000), D(10_000), 1),
        ("二等", D(200_000), D(2_000), 2),
        ("三等", D(50_000), D(500), 3),
        ("鼓励", D(0), None, 4),
    ]
    assert [b.pk for b in bands.ensure_default_bands()] == [b.pk for b in first]
    assert RewardBand.objects.count() == 4


def tiers(*results):
    return [
        InnovationResult.objects.get(pk=r.pk).reward_band.name
        if InnovationResult.objects.get(pk=r.pk).reward_band
        else None
        for r in results
    ]


def test_changing_the_bands_re_tiers_verified_results(users, make_result, advance, default_bands):
    admin = users["admin"]
    a = advance(make_result(title="甲"), S.VERIFIED, money=D(250_000))
    b = advance(make_result(title="乙"), S.RECOGNISED, money=D(60_000))
    c = advance(make_result(title="丙"), S.VERIFIED, money=None, hours=D(2_500))
    pending = advance(make_result(title="丁"), S.ADOPTED)
    assert tiers(a, b, c) == ["二等", "三等", "二等"]

    second = RewardBand.objects.get(name="二等")
    band, changed = bands.save_band(
        actor=admin, band=second, name="二等", min_money=D(300_000), min_hours=D(3_000), order=2
    )
    assert changed == 2  # 250,000 < 300,000 and 2,500 h < 3,000 h: both drop to 三等
    assert tiers(a, b, c) == ["三等", "三等", "三等"]
    assert InnovationResult.objects.get(pk=pending.pk).reward_band is None
    retiered = AuditEntry.objects.filter(action="innovation.retiered").order_by("id")
    assert {e.object_id for e in retiered} == {str(a.pk), str(c.pk)}
    entry = retiered.get(object_id=str(a.pk))
    assert (entry.before["tier"], entry.after["tier"]) == ("二等", "三等")
    saved = AuditEntry.objects.filter(
        action="innovation.band_saved", object_id=str(band.pk)
    ).order_by("id")
    assert saved.last().before["min_money"] == "200000.00"
    assert saved.last().after["min_money"] == "300000.00"

    # a new top tier, ranked first
    top, changed = bands.save_band(
        actor=admin, name="特等", min_money=D(60_000), min_hours=None, order=0
    )
    assert changed == 2 and tiers(a, b, c) == ["特等", "特等", "三等"]

    # deleting it moves its results to their tier under the others
    changed = bands.delete_band(actor=admin, band=top)
    assert changed == 2 and tiers(a, b, c) == ["三等", "三等", "三等"]
    assert not RewardBand.objects.filter(name="特等").exists()
    assert AuditEntry.objects.filter(action="innovation.band_deleted", object_id=str(top.pk))


def test_only_programme_admins_change_the_bands(users, default_bands):
    band = RewardBand.objects.get(name="鼓励")
    for role in ("officer", "coorganiser", "leader", "worker"):
        with pytest.raises(BandRefused):
            bands.save_band(actor=users[role], band=band, min_money=D(1))
        with pytest.raises(BandRefused):
            bands.delete_band(actor=users[role], band=band)
    band.refresh_from_db()
    assert band.min_money == 0


def test_a_band_is_checked(users, default_bands):
    with pytest.raises(BandRefused) as caught:
        bands.save_band(actor=users["admin"], name="二等", min_money=D(5), order=9)
    assert caught.value.field == "name"
    with pytest.raises(BandRefused):
        bands.save_band(actor=users["admin"], name="新", min_money=D(-5), order=9)
    assert RewardBand.objects.count() == 4
