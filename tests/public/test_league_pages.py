"""Public pages of a labour competition: the league (published periods only, red flags,
standings with movement) and a participant's page (published periods for the public,
confirmed ones too, marked, for those entitled to read the participant)."""

import pytest
from django.test import Client

from jingsai.competitions.models import Competition
from jingsai.labour.domain import history, services
from jingsai.labour.models import Block, Period
from tests.factories import OrganisationFactory
from tests.labour.conftest import league  # noqa: F401 (the fixture)
from tests.labour.test_league import check, first_period, second_period

pytestmark = pytest.mark.django_db


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def signed_in(user) -> Client:
    client = english()
    client.force_login(user)
    return client


def league_url(data, period: str | None = None) -> str:
    url = f"/competitions/{data['competition'].code}/league/"
    return f"{url}?period={period}" if period else url


def participant_url(data, site: str) -> str:
    return f"{league_url(data)}participants/{data['sites'][site].pk}/"


@pytest.fixture
def published(league):  # noqa: F811
    """Period 1 confirmed and published; period 2 confirmed, not published
    (A 60.00 with a bonus and B 50.00, D 100.00 in it)."""
    p1 = first_period(league)
    services.confirm(actor=None, period=p1)
    services.publish(actor=None, period=p1)
    p2 = second_period(league)
    check(league, p2, "A", "spot", "60", "30", league["spot"])
    services.set_bonus(
        actor=None,
        period=p2,
        participant=league["sites"]["A"],
        item=league["bonus2"],
        points="1",
        reason="二月秘密奖励",
    )
    services.confirm(actor=None, period=p2)
    return league


def test_nothing_public_before_a_period_is_published(league):  # noqa: F811
    p1 = first_period(league)
    services.confirm(actor=None, period=p1)
    detail = english().get(f"/competitions/{league['competition'].code}/")
    assert detail.status_code == 200
    assert league_url(league).encode() not in detail.content
    assert english().get(league_url(league)).status_code == 404
    assert english().get(participant_url(league, "A")).status_code == 404
    # … but those entitled read the confirmed period on the participant's page
    response = signed_in(league["users"]["admin"]).get(participant_url(league, "A"))
    assert response.status_code == 200
    assert "unpublished" in response.content.decode()


def test_the_league_page_shows_only_published_periods(published):
    detail = english().get(f"/competitions/{published['competition'].code}/")
    assert league_url(published).encode() in detail.content
    response = english().get(league_url(published))
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["period"].code == "2026-01"
    assert [p.code for p in response.context["periods"]] == ["2026-01"]
    assert "2026年1月" in body and "2026年2月" not in body
    assert "89.80" in body and "86.80" in body and "85.80" in body
    for unpublished in ("100.00", "60.00", "50.00", "二月秘密奖励"):
        assert unpublished not in body
    # a crafted ?period= of the confirmed, unpublished period (or of none) is 404
    assert english().get(league_url(published, "2026-02")).status_code == 404
    assert english().get(league_url(published, "no-such")).status_code == 404
    # an admin sees the same public page
    admin_body = signed_in(published["users"]["admin"]).get(league_url(published)).content
    assert b"2026-02" not in admin_body and b"100.00" not in admin_body


def test_an_open_period_never_appears(published):
    p2 = Period.objects.get(league=published["league"], code="2026-02")
    services.reopen(actor=None, period=p2, reason="漏检")
    response = english().get(league_url(published))
    assert [p.code for p in response.context["periods"]] == ["2026-01"]
    assert english().get(league_url(published, "2026-02")).status_code == 404


def test_flag_holders_per_block_with_ties(published):
    response = english().get(league_url(published))
    table = response.context["table"]
    holders = {
        ranking.block.name: sorted(p.name for p in ranking.flag_holders) for ranking in table.blocks
    }
    assert holders == {"前滩": ["项目B"], "张江": ["项目D", "项目E"]}  # D and E tie at 86.80
    overview = response.context["flags"]
    assert [b.name for b in overview.blocks] == ["前滩", "张江"]
    [row] = overview.rows
    assert [sorted(p.name for p in cell) for cell in row.holders] == [["项目B"], ["项目D", "项目E"]]
    body = response.content.decode()
    ranking = body[body.index('id="ranking"') : body.index('id="standings"')]
    # flag holders are marked with the flag and the words, not colour alone
    assert ranking.count("<mark>🚩") == 3
    assert ranking.count("🚩 red flag</td>") == 3
    assert "vetoed" in ranking  # C, vetoed, scores zero and holds no flag
    flags = body[body.index('id="red-flags"') :]
    for name in ("项目B", "项目D", "项目E"):
        assert name in flags
    assert "项目A" not in flags and "项目C" not in flags


def test_period_picker_and_movement_once_both_periods_are_published(published):
    p2 = Period.objects.get(league=published["league"], code="2026-02")
    services.publish(actor=None, period=p2)
    response = english().get(league_url(published))
    assert response.context["period"].code == "2026-02"
    body = response.content.decode()
    standings = body[body.index('id="standings"') : body.index('id="red-flags"')]
    # D 93.40 (2nd → 1st), A 72.90 (4th → 2nd), B 69.90 (1st → 3rd), E 43.40 (2nd → 4th)
    arrows = [(row.participant.name, row.arrow) for row in response.context["table"].standings]
    assert arrows == [
        ("项目D", "▲1"),
        ("项目A", "▲2"),
        ("项目B", "▼2"),
        ("项目E", "▼2"),
        ("项目C", "–"),
    ]
    assert 'title="up 1 place">▲1<' in standings and 'title="up 2 places">▲2<' in standings
    assert 'title="down 2 places">▼2<' in standings and 'title="no change">–<' in standings
    assert '<option value="2026-01">' in body and '<option value="2026-02" selected>' in body
    earlier = english().get(league_url(published, "2026-01"))
    assert earlier.status_code == 200
    assert earlier.context["period"].code == "2026-01"
    assert 'id="earlier-period"' in earlier.content.decode()
    assert "▲" not in earlier.content.decode()  # the first period has no movement


def test_a_draft_or_a_skill_competition_has_no_league_page(published, make_competition):
    skill = make_competition(status=Competition.Status.JUDGING, code="skill-2026")
    assert english().get(f"/competitions/{skill.code}/league/").status_code == 404
    Competition.objects.filter(pk=published["competition"].pk).update(
        status=Competition.Status.DRAFT
    )
    assert english().get(league_url(published)).status_code == 404
    assert english().get(participant_url(published, "A")).status_code == 404


def test_the_participant_page_for_the_public_shows_published_periods(published):
    response = english().get(participant_url(published, "A"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "项目A" in body and published["sites"]["A"].enterprise.name in body
    assert [line.period.code for line in response.context["history"].lines] == ["2026-01"]
    assert "85.80" in body and "获市级奖项" in body and "创新成果采纳" in body
    assert "2026年2月" not in body and "60.00" not in body and "二月秘密奖励" not in body
    assert "unpublished" not in body
    assert body.count('class="chart-mark"') == 1


def test_a_vetoed_participant_shows_the_veto_and_its_reason(published):
    body = english().get(participant_url(published, "C")).content.decode()
    assert "重大安全事故" in body and "高处坠落事故" in body
    assert "chart-veto" in body
    assert "No red flag yet." in body


def test_flags_won_on_the_participant_page(published):
    body = english().get(participant_url(published, "D")).content.decode()
    flags = body[body.index('id="flags"') : body.index('id="bonuses"')]
    assert "🚩 2026年1月" in flags
    assert "chart-flag" in body


@pytest.mark.parametrize("role", ["admin", "officer"])
def test_those_entitled_also_see_confirmed_periods_marked_unpublished(published, role):
    response = signed_in(published["users"][role]).get(participant_url(published, "A"))
    assert response.status_code == 200
    assert response.context["entitled"]
    body = response.content.decode()
    lines = response.context["history"].lines
    assert [(line.period.code, line.published) for line in lines] == [
        ("2026-01", True),
        ("2026-02", False),
    ]
    assert "60.00" in body and "二月秘密奖励" in body
    assert 'id="unpublished-notice"' in body
    assert "<mark>unpublished</mark>" in body
    assert body.count('class="chart-mark"') == 2
    assert 'fill="#ffffff"' in body  # the unpublished point is hollow


def test_an_officer_reads_only_his_own_sites_unpublished_periods(published):
    response = signed_in(published["users"]["officer"]).get(participant_url(published, "B"))
    assert response.status_code == 200  # B is theirs: the public view
    assert not response.context["entitled"]
    assert "2026年2月" not in response.content.decode()
    assert "50.00" not in response.content.decode()


def test_a_participant_of_another_league_is_404(published, make_competition):
    other = make_competition(
        status=Competition.Status.JUDGING,
        kind=Competition.Kind.LABOUR,
        participants=Competition.Participants.PROJECT_SITES,
        title="另一个劳动竞赛",
        code="other-labour-2026",
    )
    other_league = services.league_of(other)
    stranger = services.add_participant(
        other_league,
        actor=None,
        name="别的项目",
        enterprise=OrganisationFactory(name="上海庚建设有限公司"),
        block=Block.objects.create(league=other_league, name="金桥"),
    )
    url = f"{league_url(published)}participants/{stranger.pk}/"
    assert english().get(url).status_code == 404
    assert signed_in(published["users"]["admin"]).get(url).status_code == 404
    assert english().get(f"{league_url(published)}participants/999999/").status_code == 404


def test_a_participant_name_is_escaped_everywhere(published):
    site = published["sites"]["B"]
    site.name = "<script>alert(1)</script>"
    site.save()
    for url in (league_url(published), participant_url(published, "B")):
        body = english().get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_history_keeps_to_published_periods_unless_asked(published):
    site = published["sites"]["A"]
    public = history.participant_history(site)
    full = history.participant_history(site, published_only=False)
    assert [line.period.code for line in public.lines] == ["2026-01"]
    assert [line.period.code for line in full.lines] == ["2026-01", "2026-02"]
    assert [b.reason for b in public.bonuses] == ["获市级奖项", "创新成果采纳"]
    assert [b.reason for b in full.bonuses][-1] == "二月秘密奖励"
    p2 = Period.objects.get(league=published["league"], code="2026-02")
    with pytest.raises(LookupError):
        history.period_table(p2)
    assert history.period_table(p2, published_only=False).standings
    assert len(history.flag_overview(published["league"]).rows) == 1
    assert len(history.flag_overview(published["league"], published_only=False).rows) == 2


def test_the_pages_render_in_chinese(published):
    chinese = Client(headers={"accept-language": "zh-hans"})
    assert chinese.get(league_url(published)).status_code == 200
    assert chinese.get(participant_url(published, "D")).status_code == 200
