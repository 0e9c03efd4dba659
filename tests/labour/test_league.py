"""The league through its services: hand-computed periods, standings, corrections,
the conflict rule, photos; and the fast computation against the reference."""

import random
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingsai.common.models import AuditEntry
from jingsai.labour.domain import assessment, compute, services, tallies
from jingsai.labour.models import (
    Assessor,
    Block,
    Bonus,
    BonusItem,
    Check,
    CheckMark,
    Indicator,
    League,
    Period,
    PeriodScore,
    Standing,
    Veto,
)
from jingsai.people.models import Role
from tests.factories import OrganisationFactory, make_user

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def check(league, period, site, kind, safety, quality, assessor=None, actor=None):
    return services.save_check(
        actor=actor,
        period=period,
        participant=league["sites"][site],
        kind=kind,
        assessor=assessor,
        values={"safety": safety, "quality": quality},
        submit=True,
    )


def first_period(league):
    """Period 1 of the docstring's example (see the test for the figures)."""
    p1 = league["periods"][0]
    spot, mutual = league["spot"], league["mutual"]
    check(league, p1, "A", "self", "90", "40")
    check(league, p1, "A", "spot", "80", "45", spot)
    check(league, p1, "A", "mutual", "70", "35", mutual)
    check(league, p1, "B", "spot", "100", "41.5", spot)
    check(league, p1, "C", "spot", "95", "38", spot)
    check(league, p1, "D", "spot", "85", "44", spot)
    check(league, p1, "E", "spot", "85", "44", spot)
    sites = league["sites"]
    services.set_bonus(
        actor=None,
        period=p1,
        participant=sites["A"],
        item=league["bonus"],
        points="4",
        reason="获市级奖项",
    )
    services.set_bonus(
        actor=None,
        period=p1,
        participant=sites["A"],
        item=league["bonus2"],
        points="2.5",
        reason="创新成果采纳",
    )
    services.set_veto(
        actor=None, period=p1, participant=sites["C"], item=league["veto"], reason="高处坠落事故"
    )
    return p1


def table(period):
    return {
        s.participant.name[-1]: (str(s.score), s.rank, s.block_rank, s.flag)
        for s in PeriodScore.objects.filter(period=period).select_related("participant")
    }


def standings(period):
    return {
        s.participant.name[-1]: (str(s.score), s.rank, s.previous_rank, s.periods)
        for s in Standing.objects.filter(period=period).select_related("participant")
    }


def test_period_scores_veto_bonus_caps_and_ties_at_the_flag_boundary(league):
    # A: self 90×0.4+40×1.2 = 84, mutual 28+42 = 70, spot 32+54 = 86;
    #    base 84×0.2 + 70×0.3 + 86×0.5 = 80.8; bonus 4→3 (cap) + 2.5 = 5.5 → 5 (total cap)
    # B: spot only, kinds left out: 40 + 41.5×1.2 = 89.8
    # C: 83.6 but vetoed → 0, no flag; D and E: 34 + 52.8 = 86.8, tied first in 张江
    p1 = first_period(league)
    services.confirm(actor=None, period=p1)
    assert table(p1) == {
        "B": ("89.80", 1, 1, True),
        "D": ("86.80", 2, 1, True),
        "E": ("86.80", 2, 1, True),
        "A": ("85.80", 4, 2, False),
        "C": ("0.00", 5, 3, False),
    }
    score_a = PeriodScore.objects.get(period=p1, participant=league["sites"]["A"])
    assert (score_a.base, score_a.bonus) == (Decimal("80.80"), Decimal("5.00"))
    assert PeriodScore.objects.get(period=p1, participant=league["sites"]["C"]).vetoed


def second_period(league):
    p2 = league["periods"][1]
    check(league, p2, "B", "spot", "50", "25", league["spot"])
    check(league, p2, "D", "spot", "100", "50", league["spot"])
    return p2


def test_cumulative_standings_missing_period_counts_as_zero(league):
    p1 = first_period(league)
    services.confirm(actor=None, period=p1)
    p2 = second_period(league)
    services.confirm(actor=None, period=p2)
    # B (89.8+50)/2 = 69.9; D (86.8+100)/2 = 93.4; E 86.8/2 = 43.4; A 85.8/2 = 42.9; C 0
    assert standings(p2) == {
        "D": ("93.40", 1, 2, 2),
        "B": ("69.90", 2, 1, 2),
        "E": ("43.40", 3, 2, 1),
        "A": ("42.90", 4, 4, 1),
        "C": ("0.00", 5, 5, 1),
    }
    assert Standing.objects.get(period=p2, participant=league["sites"]["D"]).movement == 1
    assert Standing.objects.get(period=p2, participant=league["sites"]["E"]).movement == -1
    # A, C, E were not assessed in period 2: they have no period score, and are not ranked
    assert set(table(p2)) == {"B", "D"}


def test_cumulative_standings_missing_period_left_out(league):
    lg = league["league"]
    lg.missing_period = League.Absent.LEAVE_OUT
    lg.save()
    p1 = first_period(league)
    services.confirm(actor=None, period=p1)
    p2 = second_period(league)
    services.confirm(actor=None, period=p2)
    assert standings(p2) == {
        "D": ("93.40", 1, 2, 2),
        "E": ("86.80", 2, 2, 1),
        "A": ("85.80", 3, 4, 1),
        "B": ("69.90", 4, 1, 2),
        "C": ("0.00", 5, 5, 1),
    }


def test_weighted_standings_and_year_end_awards(league):
    lg = league["league"]
    p1 = first_period(league)
    services.confirm(actor=None, period=p1)
    p2 = second_period(league)
    services.confirm(actor=None, period=p2)
    services.save_scheme_object(
        League.objects.get(pk=lg.pk), actor=None
    )  # unchanged: nothing recorded, nothing breaks
    lg.refresh_from_db()
    lg.cumulative = League.Cumulative.WEIGHTED
    services.save_scheme_object(lg, actor=None)
    p2.weight = Decimal(3)
    services.save_scheme_object(p2, actor=None)
    # D: (86.8×1 + 100×3) ÷ 4 = 96.7; B: (89.8 + 150) ÷ 4 = 59.95; E: 86.8 ÷ 4 = 21.7
    got = standings(p2)
    assert got["D"][0] == "96.70"
    assert got["B"][0] == "59.95"
    assert got["E"][0] == "21.70"
    services.finalise(actor=None, league=lg)
    awards = {
        s.participant.name[-1]: s.award
        for s in Standing.objects.filter(period=p2).select_related("participant")
    }
    assert awards == {"D": "一等奖", "B": "二等奖", "E": "", "A": "", "C": ""}


def test_a_confirmed_period_changes_only_as_a_correction_with_its_reason(league):
    p1 = first_period(league)
    services.confirm(actor=None, period=p1)
    b_spot = Check.objects.get(period=p1, participant=league["sites"]["B"], kind="spot")
    with pytest.raises(services.LabourRefused):
        check(league, p1, "B", "spot", "100", "30", league["spot"])
    with pytest.raises(services.LabourRefused):
        services.correct_check(
            actor=None, check=b_spot, values={"safety": "100", "quality": "30"}, reason=" "
        )
    with pytest.raises(services.LabourRefused):
        services.set_bonus(
            actor=None,
            period=p1,
            participant=league["sites"]["B"],
            item=league["bonus"],
            points="1",
            reason="x",
        )
    admin = league["users"]["admin"]
    services.correct_check(
        actor=admin, check=b_spot, values={"safety": "100", "quality": "30"}, reason="抄录错误"
    )
    # B: 40 + 36 = 76 → fourth; A now leads 前滩 and takes its flag
    assert table(p1)["B"] == ("76.00", 4, 2, False)
    assert table(p1)["A"] == ("85.80", 3, 1, True)
    entry = AuditEntry.objects.filter(action="correct").latest("id")
    assert entry.note == "抄录错误"
    assert entry.before["marks"]["quality"] == "41.5"
    assert entry.after["marks"]["quality"] == "30"
    # lifting the veto is a correction too, and gives C its score and 前滩's flag back
    services.set_veto(
        actor=admin,
        period=p1,
        participant=league["sites"]["C"],
        item=None,
        reason="",
        correction="经复核非责任事故",
    )
    assert table(p1)["C"] == ("83.60", 4, 2, False)
    assert not Veto.objects.filter(period=p1).exists()


def test_periods_are_confirmed_in_order_and_the_scheme_locks(league):
    p1, p2 = league["periods"]
    with pytest.raises(services.LabourRefused, match="first"):
        services.confirm(actor=None, period=p2)
    services.confirm(actor=None, period=p1)
    safety = Indicator.objects.get(league=league["league"], code="safety")
    safety.weight = Decimal(50)
    with pytest.raises(services.LabourRefused):
        services.save_scheme_object(safety, actor=None)
    with pytest.raises(services.LabourRefused):
        services.delete_scheme_object(safety, actor=None)


def test_confirm_refuses_a_scheme_whose_weights_do_not_add_up(league):
    Indicator.objects.filter(code="safety").update(weight=30)
    with pytest.raises(services.LabourRefused, match="90"):
        services.confirm(actor=None, period=league["periods"][0])


def test_the_conflict_rule_and_the_assessors_kind(league):
    p1 = league["periods"][0]
    with pytest.raises(services.LabourRefused, match="belongs to"):
        check(league, p1, "D", "mutual", "80", "40", league["mutual"])
    with pytest.raises(services.LabourRefused, match="mutual"):
        check(league, p1, "A", "spot", "80", "40", league["mutual"])
    services.add_conflict = None  # the declared conflicts are rows
    league["spot"].conflicts.create(participant=league["sites"]["E"], reason="亲属在该项目")
    with pytest.raises(services.LabourRefused, match="亲属"):
        check(league, p1, "E", "spot", "80", "40", league["spot"])
    names = {p.name for p in services.participants_for(league["spot"])}
    assert names == {"项目A", "项目B", "项目C", "项目D"}
    names = {p.name for p in services.participants_for(league["mutual"])}
    assert "项目D" not in names


def test_marks_are_refused_out_of_range_or_incomplete_on_submit(league):
    p1 = league["periods"][0]
    with pytest.raises(services.LabourRefused, match="0 to 50"):
        check(league, p1, "A", "spot", "80", "50.5", league["spot"])
    with pytest.raises(services.LabourRefused, match="not a number"):
        check(league, p1, "A", "spot", "八十", "40", league["spot"])
    draft = services.save_check(
        actor=None,
        period=p1,
        participant=league["sites"]["A"],
        kind="spot",
        assessor=league["spot"],
        values={"safety": "80"},
    )
    assert draft.status == Check.Status.DRAFT
    with pytest.raises(services.LabourRefused, match="质量 has no mark"):
        services.save_check(
            actor=None,
            period=p1,
            participant=league["sites"]["A"],
            kind="spot",
            assessor=league["spot"],
            values={"safety": "80"},
            submit=True,
        )


def test_photos_images_only_and_size_limited(league, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p1 = league["periods"][0]
    c = services.save_check(
        actor=None,
        period=p1,
        participant=league["sites"]["A"],
        kind="spot",
        assessor=league["spot"],
        values={"safety": "80"},
    )
    photo = services.add_photo(actor=None, check=c, upload=SimpleUploadedFile("x.png", PNG))
    assert photo.kind == "png" and photo.file.name.startswith("labour/")
    assert "x.png" not in photo.file.name
    with pytest.raises(services.LabourRefused, match="not accepted"):
        services.add_photo(
            actor=None, check=c, upload=SimpleUploadedFile("x.jpg", b"%PDF-1.4 fake")
        )
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\x00" * services.PHOTO_MAX_BYTES)
    with pytest.raises(services.LabourRefused, match="MB"):
        services.add_photo(actor=None, check=c, upload=big)
    assert c.photos.count() == 1


# --- the fast computation equals the reference ---------------------------------------


def _random_league(rng, world, make_competition, *, absent, missing, cumulative):
    from jingsai.competitions.models import Competition

    competition = make_competition(kind=Competition.Kind.LABOUR)
    league = services.league_of(competition)
    weights = [Decimal(rng.choice([10, 15, 20, 25])) for _ in range(3)]
    kind_weights = [Decimal(rng.randint(0, 60)) for _ in range(2)]
    league.self_weight, league.mutual_weight = kind_weights
    league.spot_weight = 100 - sum(kind_weights)
    league.absent_kind, league.missing_period, league.cumulative = absent, missing, cumulative
    league.flags_per_block = rng.randint(1, 3)
    league.bonus_cap = rng.choice([None, Decimal("4.5")])
    league.save()
    indicators = []
    for n, weight in enumerate([*weights, 100 - sum(weights)]):
        indicators.append(
            Indicator.objects.create(
                league=league,
                code=f"i{n}",
                name=f"指标{n}",
                maximum=Decimal(rng.choice(["100", "30", "7.5", "12.25"])),
                weight=weight,
            )
        )
    items = [
        BonusItem.objects.create(league=league, code="b1", name="b1", cap=Decimal("2.5")),
        BonusItem.objects.create(league=league, code="b2", name="b2"),
    ]
    veto = league.veto_items.create(code="v", name="v")
    blocks = [Block.objects.create(league=league, name=f"块{n}") for n in range(3)]
    sites = [
        services.add_participant(
            league, actor=None, name=f"S{n:02d}", enterprise=world["ours"], block=rng.choice(blocks)
        )
        for n in range(18)
    ]
    outsider = OrganisationFactory(name="考核单位")
    assessors = [
        Assessor.objects.create(
            league=league,
            user=make_user(f"a{competition.pk}_{n}", Role.JUDGE, outsider),
            name=f"A{n}",
            kind=rng.choice(["spot", "mutual"]),
        )
        for n in range(5)
    ]
    import datetime as dt

    periods = [
        Period.objects.create(
            league=league,
            code=f"p{m}",
            name=f"P{m}",
            starts_on=dt.date(2026, m, 1),
            ends_on=dt.date(2026, m, 20),
            weight=Decimal(rng.choice(["1", "2", "0.5"])),
        )
        for m in range(1, 5)
    ]
    for period in periods:
        for site in sites:
            if rng.random() < 0.15:
                continue  # not assessed
            writers = [None, *rng.sample(assessors, rng.randint(0, 4))]
            for assessor in writers:
                if assessor is None and rng.random() < 0.4:
                    continue
                c = Check.objects.create(
                    period=period,
                    participant=site,
                    kind=assessor.kind if assessor else "self",
                    assessor=assessor,
                    status="submitted",
                )
                for indicator in indicators:
                    top = int(indicator.maximum * 100)
                    value = rng.choice([0, top, rng.randint(0, top)])
                    CheckMark.objects.create(check_ref=c, indicator=indicator, units=value * 100)
            if rng.random() < 0.3:
                Bonus.objects.create(
                    period=period,
                    participant=site,
                    item=rng.choice(items),
                    points=Decimal(rng.randint(0, 400)) / 100,
                    reason="r",
                )
            if rng.random() < 0.08:
                Veto.objects.create(period=period, participant=site, item=veto, reason="r")
    Period.objects.filter(league=league).update(status=Period.Status.CONFIRMED)
    tallies.refresh_league(league)
    return league


def _reference(league):
    scheme = compute.scheme_of(league)
    codes = dict(Indicator.objects.filter(league=league).values_list("pk", "code"))
    items = dict(BonusItem.objects.filter(league=league).values_list("pk", "code"))
    blocks = {p.pk: str(p.block_id) for p in league.participants.all()}
    periods = list(league.periods.order_by("starts_on"))
    history: dict[str, dict[str, Decimal]] = {}
    by_period = {}
    for period in periods:
        inputs = []
        for pk, block in blocks.items():
            checks = []
            for c in Check.objects.filter(period=period, participant_id=pk):
                marks = {codes[m.indicator_id]: m.value for m in c.marks.all()}
                checks.append(assessment.Check(c.kind, marks))
            bonuses = {
                items[b.item_id]: b.points
                for b in Bonus.objects.filter(period=period, participant_id=pk)
            }
            veto = Veto.objects.filter(period=period, participant_id=pk).first()
            if not checks and not bonuses and not veto:
                continue
            inputs.append(
                assessment.PeriodInput(str(pk), block, checks, bonuses, veto.reason if veto else "")
            )
        results = assessment.period(scheme, inputs)
        by_period[period.pk] = {
            int(r.participant): (r.score, r.rank, r.block_rank, r.flag) for r in results
        }
        for r in results:
            history.setdefault(r.participant, {})[period.code] = r.score
    codes_in_order = [p.code for p in periods]
    final = assessment.standings(
        scheme, history, codes_in_order, {str(k): v for k, v in blocks.items()}
    )
    return by_period, {int(s.participant): (s.score, s.rank, s.previous_rank) for s in final}


@pytest.mark.parametrize("seed", range(4))
def test_fast_computation_equals_the_reference(seed, world, make_competition):
    rng = random.Random(seed)
    absent = [League.Absent.LEAVE_OUT, League.Absent.AS_ZERO][seed % 2]
    missing = [League.Absent.AS_ZERO, League.Absent.LEAVE_OUT][seed // 2 % 2]
    cumulative = [League.Cumulative.MEAN, League.Cumulative.WEIGHTED][seed // 2 % 2]
    league = _random_league(
        rng, world, make_competition, absent=absent, missing=missing, cumulative=cumulative
    )
    expected_periods, expected_final = _reference(league)
    results = compute.recompute(league)
    for period in results.periods:
        got = {
            s.participant: (Decimal(s.score) / 100, s.rank, s.block_rank, s.flag)
            for s in results.scores[period.pk]
        }
        assert got == expected_periods[period.pk]
    last = results.periods[-1].pk
    got_final = {
        s.participant: (Decimal(s.score) / 100, s.rank, s.previous_rank)
        for s in results.standings[last]
    }
    assert got_final == expected_final


def test_periods_are_published_in_order(league):
    p1, p2 = league["periods"]
    services.confirm(actor=None, period=p1)
    services.confirm(actor=None, period=p2)
    with pytest.raises(services.LabourRefused, match="first"):
        services.publish(actor=None, period=p2)
    services.publish(actor=None, period=p1)
    assert services.publish(actor=None, period=p2).status == Period.Status.PUBLISHED
