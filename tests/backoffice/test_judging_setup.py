"""Setting up judging through the back-office pages: scheme, panel, assignments,
anonymous codes, and who may reach them."""

import html
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from jingsai.common.models import AuditEntry
from jingsai.competitions.models import Competition, Entry
from jingsai.judging.models import (
    Assignment,
    BlindCode,
    Conflict,
    Criterion,
    Judging,
    Mark,
    PanelJudge,
    Sheet,
    Stage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def office(client_for):
    """A signed-in client whose pages come in English."""

    def make(role: str = "admin"):
        client = client_for(role)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def competition(make_competition):
    return make_competition(status=Competition.Status.JUDGING, title="数控车工技能竞赛")


def url(competition, rest: str = "") -> str:
    return f"/office/competitions/{competition.pk}/judging/{rest}"


def approved(competition, enterprise, n: int) -> Entry:
    return Entry.objects.create(
        competition=competition,
        enterprise=enterprise,
        status=Entry.Status.APPROVED,
        number=f"{competition.code.upper()}-{n:04d}",
    )


def add_stage(client, competition, code="theory", name="理论", weight="30", order=""):
    return client.post(
        url(competition, "stages/new/"),
        {"code": code, "name": name, "weight": weight, "order": order or "1"},
    )


def add_criterion(client, competition, stage, code, max_mark="100", **extra):
    data = {
        "stage": stage.pk,
        "code": code,
        "name": f"指标 {code}",
        "max_mark": max_mark,
        "kind": "judgement",
        "aggregation": "mean",
        "spread_limit": "",
        "order": "1",
    }
    return client.post(url(competition, "criteria/new/"), data | extra)


def settings_form(**overrides):
    data = {
        "awards": "一等奖:10%,二等奖:20%,三等奖:30%",
        "min_total": "60",
        "tiebreak": "",
        "appeal_days": "3",
    }
    return data | overrides


# --- the marking scheme --------------------------------------------------------------


def test_admin_defines_a_scheme_end_to_end(office, competition):
    client = office()
    assert add_stage(client, competition, "theory", "理论知识", "30").status_code == 302
    assert add_stage(client, competition, "practical", "实际操作", "70", "2").status_code == 302
    theory, practical = Stage.objects.filter(competition=competition).order_by("order")
    assert (theory.code, practical.code, practical.weight) == ("theory", "practical", 70)
    assert Judging.objects.filter(pk=competition.pk).exists()  # created with the first stage

    assert add_criterion(client, competition, theory, "t1", "100").status_code == 302
    response = add_criterion(
        client,
        competition,
        practical,
        "p1",
        "60",
        aggregation="trimmed",
        spread_limit="5",
    )
    assert response.status_code == 302
    assert (
        add_criterion(client, competition, practical, "p2", "40", kind="measurement").status_code
        == 302
    )
    p1 = Criterion.objects.get(code="p1")
    assert (p1.stage, p1.competition, p1.aggregation, p1.spread_limit) == (
        practical,
        competition,
        "trimmed",
        Decimal(5),
    )

    # edit a criterion and a stage
    response = client.post(
        url(competition, f"criteria/{p1.pk}/edit/"),
        {
            "stage": practical.pk,
            "code": "p1",
            "name": "零件加工",
            "max_mark": "50",
            "kind": "judgement",
            "aggregation": "median",
            "spread_limit": "",
            "order": "1",
        },
    )
    assert response.status_code == 302
    p1.refresh_from_db()
    assert (p1.name, p1.max_mark, p1.aggregation, p1.spread_limit) == (
        "零件加工",
        Decimal(50),
        "median",
        None,
    )

    response = client.post(
        url(competition),
        settings_form(tiebreak="practical，time", blind="on"),
    )
    assert response.status_code == 302
    judging = Judging.objects.get(pk=competition.pk)
    assert (judging.tiebreak_rules, judging.blind, judging.min_total) == (
        ["practical", "time"],
        True,
        Decimal(60),
    )

    page = text(client.get(url(competition)))
    for shown in ("theory", "理论知识", "practical", "零件加工", "p2", "median", "100"):
        assert shown in page
    assert "not 100%" not in page
    assert "Draw anonymous codes" in page

    actions = set(
        AuditEntry.objects.filter(object_type__startswith="judging.").values_list(
            "object_type", "action"
        )
    )
    assert {
        ("judging.stage", "create"),
        ("judging.criterion", "create"),
        ("judging.criterion", "update"),
        ("judging.judging", "update"),
    } <= actions


def test_weights_not_adding_up_to_100_are_flagged(office, competition):
    client = office()
    add_stage(client, competition, "theory", "理论", "30")
    page = text(client.get(url(competition)))
    assert "The stage weights add up to 30%, not 100%." in page


def test_competition_page_links_to_judging_for_managers_only(office, competition):
    detail = f"/office/competitions/{competition.pk}/"
    assert url(competition) in text(office().get(detail))
    assert url(competition) not in text(office("leader").get(detail))


def test_duplicate_codes_are_refused_on_the_field(office, competition):
    client = office()
    add_stage(client, competition, "theory", "理论", "30")
    response = add_stage(client, competition, "theory", "又一个理论", "70")
    assert response.status_code == 200
    assert "A stage of this competition already has the code theory." in text(response)
    assert 'id="id_code_errors"' in response.content.decode()
    assert Stage.objects.filter(competition=competition).count() == 1

    stage = Stage.objects.get(competition=competition)
    add_criterion(client, competition, stage, "c1")
    response = add_criterion(client, competition, stage, "c1")
    assert response.status_code == 200
    assert "A criterion of this competition already has the code c1." in text(response)
    assert Criterion.objects.count() == 1

    # renaming another stage onto an existing code is refused too
    add_stage(client, competition, "practical", "实操", "70")
    practical = Stage.objects.get(code="practical")
    response = client.post(
        url(competition, f"stages/{practical.pk}/edit/"),
        {"code": "theory", "name": "实操", "weight": "70", "order": "2"},
    )
    assert "A stage of this competition already has the code theory." in text(response)
    practical.refresh_from_db()
    assert practical.code == "practical"


def test_codes_are_per_competition(office, competition, make_competition):
    other = make_competition(status=Competition.Status.JUDGING, title="焊工竞赛")
    client = office()
    add_stage(client, competition, "theory")
    assert add_stage(client, other, "theory").status_code == 302


@pytest.mark.parametrize(
    ("awards", "message"),
    [
        ("一等奖10%", "Write each award as name:share"),
        ("一等奖:abc", "Write each award as name:share"),
        ("一等奖:60%,二等奖:50%", "The award shares add up to more than 100%."),
    ],
)
def test_bad_awards_text_is_refused(office, competition, awards, message):
    client = office()
    response = client.post(url(competition), settings_form(awards=awards))
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert 'id="id_awards_errors"' in response.content.decode()
    judging = Judging.objects.filter(pk=competition.pk).first()
    assert judging is None or judging.awards == ""


def test_tie_breakers_name_stages_or_time(office, competition):
    client = office()
    add_stage(client, competition, "practical", "实操", "100")
    response = client.post(url(competition), settings_form(tiebreak="theory,time"))
    assert response.status_code == 200
    assert "“theory” is neither “time” nor the code of a stage" in text(response)
    assert (
        client.post(url(competition), settings_form(tiebreak="practical,time")).status_code == 302
    )
    # a stage named by the tie-breakers keeps its code and cannot be removed
    stage = Stage.objects.get(code="practical")
    response = client.post(url(competition, f"stages/{stage.pk}/delete/"), follow=True)
    assert "The tie-breakers name this stage" in text(response)
    assert Stage.objects.filter(pk=stage.pk).exists()


def _marked_criterion(competition, world):
    stage = Stage.objects.create(competition=competition, code="s", name="阶段", weight=100)
    criterion = Criterion.objects.create(
        competition=competition, stage=stage, code="c", name="指标", max_mark=10
    )
    judge = PanelJudge.objects.create(competition=competition, code="J1", name="裁判甲")
    entry = approved(competition, world["ours"], 1)
    sheet = Sheet.objects.create(competition=competition, judge=judge, entry=entry)
    Mark.objects.create(
        sheet=sheet, competition=competition, entry=entry, criterion=criterion, units=85_000
    )
    return criterion


def test_a_criterion_with_marks_is_kept(office, competition, world):
    criterion = _marked_criterion(competition, world)
    client = office()
    response = client.post(url(competition, f"criteria/{criterion.pk}/delete/"), follow=True)
    assert "Marks have been given for this criterion; it cannot be removed." in text(response)
    assert Criterion.objects.filter(pk=criterion.pk).exists()
    response = client.post(url(competition, f"stages/{criterion.stage_id}/delete/"), follow=True)
    assert "Marks have been given for this stage" in text(response)
    # its maximum cannot go below a mark given (8.5)
    form = {
        "stage": criterion.stage_id,
        "code": "c",
        "name": "指标",
        "max_mark": "8",
        "kind": "judgement",
        "aggregation": "mean",
        "order": "1",
    }
    response = client.post(url(competition, f"criteria/{criterion.pk}/edit/"), form)
    assert "A mark of 8.5 has already been given" in text(response)
    criterion.refresh_from_db()
    assert criterion.max_mark == 10
    assert (
        client.post(
            url(competition, f"criteria/{criterion.pk}/edit/"), form | {"max_mark": "8.5"}
        ).status_code
        == 302
    )


def test_an_unmarked_criterion_and_stage_are_removed_and_audited(office, competition):
    client = office()
    add_stage(client, competition, "theory", "理论", "100")
    stage = Stage.objects.get()
    add_criterion(client, competition, stage, "c1")
    criterion = Criterion.objects.get()
    assert client.post(url(competition, f"criteria/{criterion.pk}/delete/")).status_code == 302
    assert not Criterion.objects.exists()
    add_criterion(client, competition, stage, "c2")
    assert client.post(url(competition, f"stages/{stage.pk}/delete/")).status_code == 302
    assert not Stage.objects.exists() and not Criterion.objects.exists()
    assert AuditEntry.objects.filter(action="delete", object_type="judging.stage").exists()
    assert AuditEntry.objects.filter(action="delete", object_type="judging.criterion").count() == 2


@pytest.mark.parametrize("status", ["public_notice", "published", "archived"])
def test_the_scheme_is_locked_after_judging(office, competition, status):
    client = office()
    add_stage(client, competition, "theory", "理论", "100")
    Competition.objects.filter(pk=competition.pk).update(status=status)
    response = add_stage(client, competition, "practical", "实操", "100")
    assert response.status_code == 200
    assert "past judging" in text(response)
    stage = Stage.objects.get()
    client.post(url(competition, f"stages/{stage.pk}/delete/"))
    assert Stage.objects.filter(competition=competition).count() == 1
    response = client.post(url(competition), settings_form(awards="一等奖:50%"))
    assert "past judging" in text(response)
    assert Judging.objects.get(pk=competition.pk).awards == ""


# --- the panel ------------------------------------------------------------------------


def add_judge(client, competition, code, name="", **extra):
    data = {"action": "judge", "judge-code": code, "judge-name": name}
    data |= {f"judge-{k}": v for k, v in extra.items()}
    return client.post(url(competition, "panel/"), data)


def test_judges_join_and_the_chief_is_unique(office, competition, world):
    client = office()
    judge_user = world["users"]["judge"]
    assert (
        add_judge(client, competition, "J1", "", user=judge_user.pk, is_chief="on").status_code
        == 302
    )
    j1 = PanelJudge.objects.get(code="J1")
    assert (j1.user, j1.name, j1.is_chief) == (judge_user, str(judge_user), True)
    response = add_judge(
        client, competition, "J2", "王裁判", organisation=world["ours"].credit_code, is_chief="on"
    )
    assert response.status_code == 302
    j1.refresh_from_db()
    j2 = PanelJudge.objects.get(code="J2")
    assert (j1.is_chief, j2.is_chief, j2.organisation) == (False, True, world["ours"])

    assert client.post(url(competition, f"panel/{j1.pk}/chief/")).status_code == 302
    assert list(
        PanelJudge.objects.filter(competition=competition, is_chief=True).values_list(
            "code", flat=True
        )
    ) == ["J1"]

    # a code already on the panel, and an account without the judge role
    response = add_judge(client, competition, "J2", "重复")
    assert "The code J2 is already on this panel." in text(response)
    response = add_judge(client, competition, "J3", "某人", user=world["users"]["officer"].pk)
    assert response.status_code == 200
    assert PanelJudge.objects.filter(competition=competition).count() == 2
    response = add_judge(client, competition, "J3", "某人", organisation="没有这个单位")
    assert "No organisation has this name or credit code." in text(response)

    page = text(client.get(url(competition, "panel/")))
    assert "J1" in page and "王裁判" in page and world["ours"].name in page

    assert client.post(url(competition, f"panel/{j2.pk}/remove/")).status_code == 302
    assert not PanelJudge.objects.filter(pk=j2.pk).exists()
    assert AuditEntry.objects.filter(action="panel:remove").exists()


def test_a_judge_with_sheets_stays_on_the_panel(office, competition, world):
    criterion = _marked_criterion(competition, world)
    judge = PanelJudge.objects.get(competition=criterion.competition)
    response = office().post(url(competition, f"panel/{judge.pk}/remove/"), follow=True)
    assert "This judge has mark sheets" in text(response)
    assert PanelJudge.objects.filter(pk=judge.pk).exists()


def test_manual_assignment_across_a_conflict_is_refused_with_the_reason(office, competition, world):
    client = office()
    ours, theirs = world["ours"], world["theirs"]
    add_judge(client, competition, "J1", "钱裁判", organisation=ours.credit_code)
    judge = PanelJudge.objects.get(code="J1")
    our_entry, their_entry = approved(competition, ours, 1), approved(competition, theirs, 2)

    def assign(entry):
        return client.post(
            url(competition, "assignments/"),
            {"action": "assign", "one-judge": judge.pk, "one-number": entry.number},
        )

    response = assign(our_entry)
    assert response.status_code == 200
    assert f"钱裁判 belongs to {ours.name}, the organisation of entry {our_entry.number}." in text(
        response
    )
    assert not Assignment.objects.exists()

    assert assign(their_entry).status_code == 302
    assert Assignment.objects.filter(judge=judge, entry=their_entry).exists()

    # declaring a conflict with the other enterprise removes that assignment ...
    response = client.post(
        url(competition, "panel/"),
        {
            "action": "conflict",
            "conflict-judge": judge.pk,
            "conflict-organisation": theirs.name,
            "conflict-reason": "曾在该企业任职",
        },
    )
    assert response.status_code == 302
    assert Conflict.objects.filter(judge=judge, organisation=theirs).exists()
    assert not Assignment.objects.exists()
    assert "曾在该企业任职" in text(client.get(url(competition, "panel/")))
    # ... and refuses it from now on
    response = assign(their_entry)
    assert (
        f"钱裁判 has declared a conflict of interest with {theirs.name}, "
        f"the organisation of entry {their_entry.number}."
    ) in text(response)
    assert not Assignment.objects.exists()

    response = client.post(
        url(competition, "assignments/"),
        {"action": "assign", "one-judge": judge.pk, "one-number": "NO-SUCH"},
    )
    assert "No entry of this competition has this number." in text(response)


def test_a_judge_account_belongs_to_its_role_organisations(office, competition, world):
    """The account's judge role is held at the training centre: its entries are off limits."""
    client = office()
    judge_user = world["users"]["judge"]
    training = judge_user.grants.get().organisation
    add_judge(client, competition, "J1", "", user=judge_user.pk)
    entry = approved(competition, training, 1)
    response = client.post(
        url(competition, "assignments/"),
        {"action": "assign", "one-judge": PanelJudge.objects.get().pk, "one-number": entry.number},
    )
    assert f"belongs to {training.name}" in text(response)
    assert not Assignment.objects.exists()


def test_group_assignment_skips_conflicts_and_reports_them(office, competition, world):
    client = office()
    ours, theirs = world["ours"], world["theirs"]
    add_judge(client, competition, "J1", "钱裁判", organisation=ours.credit_code)
    add_judge(client, competition, "J2", "孙裁判")
    j1, j2 = PanelJudge.objects.order_by("code")
    entries = [approved(competition, ours, 1), approved(competition, ours, 2)]
    entries += [approved(competition, theirs, 3), approved(competition, theirs, 4)]
    Entry.objects.create(competition=competition, enterprise=theirs)  # awaiting review

    response = client.post(
        url(competition, "assignments/"),
        {"action": "group", "group-judges": [j1.pk, j2.pk], "group-group": "all"},
    )
    assert response.status_code == 200
    page = text(response)
    assert "6 assignments made." in page
    assert "2 pairs were skipped under the conflict rule:" in page
    for entry in entries[:2]:
        assert f"钱裁判 belongs to {ours.name}, the organisation of entry {entry.number}." in page
    assert set(Assignment.objects.values_list("judge__code", "entry__number")) == {
        ("J1", entries[2].number),
        ("J1", entries[3].number),
        *(("J2", e.number) for e in entries),
    }
    assert AuditEntry.objects.filter(action="assign:many").count() == 1

    # the table shows each entry's judges
    table = text(client.get(url(competition, "assignments/")))
    assert entries[0].number in table and "J2" in table

    # again: nothing new, the same refusals
    response = client.post(
        url(competition, "assignments/"),
        {"action": "group", "group-judges": [j1.pk, j2.pk], "group-group": "all"},
    )
    assert "0 assignments made." in text(response)
    assert "6 were already in place." in text(response)
    assert Assignment.objects.count() == 6


def test_group_by_prefix_and_by_selection(office, competition, world, make_competition):
    client = office()
    theirs = world["theirs"]
    add_judge(client, competition, "J1", "孙裁判")
    judge = PanelJudge.objects.get()
    code = competition.code.upper()
    first = [approved(competition, theirs, n) for n in range(1, 4)]
    tenth = approved(competition, theirs, 10)
    response = client.post(
        url(competition, "assignments/"),
        {
            "action": "group",
            "group-judges": [judge.pk],
            "group-group": "prefix",
            "group-prefix": f"{code.lower()}-000",
        },
    )
    assert "3 assignments made." in text(response)
    assert set(Assignment.objects.values_list("entry", flat=True)) == {e.pk for e in first}

    response = client.post(
        url(competition, "assignments/"),
        {"action": "group", "group-judges": [judge.pk], "group-group": "prefix"},
    )
    assert "Give the start of the entry numbers." in text(response)

    other = make_competition(status=Competition.Status.JUDGING, title="焊工竞赛")
    foreign = approved(other, theirs, 1)
    response = client.post(
        url(competition, "assignments/"),
        {
            "action": "group",
            "group-judges": [judge.pk],
            "group-group": "selected",
            "group-entries": [tenth.pk, foreign.pk],
        },
    )
    assert response.status_code == 200
    assert not Assignment.objects.filter(entry=foreign).exists()
    response = client.post(
        url(competition, "assignments/"),
        {
            "action": "group",
            "group-judges": [judge.pk],
            "group-group": "selected",
            "group-entries": [tenth.pk],
        },
    )
    assert "1 assignment made." in text(response)
    assert Assignment.objects.filter(entry=tenth).exists()

    assignment = Assignment.objects.get(entry=tenth)
    assert client.post(url(competition, f"assignments/{assignment.pk}/remove/")).status_code == 302
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEntry.objects.filter(action="unassign").exists()


def test_the_entry_table_pages_and_filters(office, competition, world):
    for n in range(1, 61):
        approved(competition, world["theirs"], n)
    client = office()
    code = competition.code.upper()
    first = text(client.get(url(competition, "assignments/")))
    assert f"{code}-0001" in first and f"{code}-0050" in first and f"{code}-0051" not in first
    second = text(client.get(url(competition, "assignments/?page=2")))
    assert f"{code}-0051" in second and f"{code}-0001" not in second
    filtered = text(client.get(url(competition, f"assignments/?number={code}-006")))
    assert f"{code}-0060" in filtered and f"{code}-0059" not in filtered


# --- anonymous codes ------------------------------------------------------------------


def test_blind_codes_are_drawn_once_and_unique(office, competition, world):
    entries = [approved(competition, world["theirs"], n) for n in range(1, 41)]
    Entry.objects.create(competition=competition, enterprise=world["theirs"])  # not approved
    client = office()
    # blind marking off: no drawing
    client.post(url(competition, "blind-codes/draw/"))
    assert not BlindCode.objects.exists()

    client.post(url(competition), settings_form(blind="on"))
    response = client.post(url(competition, "blind-codes/draw/"), follow=True)
    assert "40 anonymous codes drawn." in text(response)
    codes = dict(BlindCode.objects.values_list("entry_id", "code"))
    assert set(codes) == {e.pk for e in entries}
    assert len(set(codes.values())) == 40

    response = client.post(url(competition, "blind-codes/draw/"), follow=True)
    assert "Every approved entry already has its anonymous code." in text(response)
    assert dict(BlindCode.objects.values_list("entry_id", "code")) == codes

    # the mapping is on the managers' page
    page = text(client.get(url(competition, "blind-codes/")))
    some = BlindCode.objects.select_related("entry").order_by("code").first()
    assert some.code in page and some.entry.number in page


def test_a_judge_never_sees_the_code_mapping(office, competition, world):
    judge_user = world["users"]["judge"]
    PanelJudge.objects.create(competition=competition, code="J1", name="裁判", user=judge_user)
    Judging.objects.create(competition=competition, blind=True)
    approved(competition, world["theirs"], 1)
    office().post(url(competition, "blind-codes/draw/"))
    assert BlindCode.objects.count() == 1
    response = office("judge").get(url(competition, "blind-codes/"))
    assert response.status_code in (403, 404)
    assert BlindCode.objects.get().code not in response.content.decode()


# --- access ---------------------------------------------------------------------------


@pytest.fixture
def furnished(competition, world):
    """A competition with one of everything, for the access checks."""
    stage = Stage.objects.create(competition=competition, code="s", name="阶段", weight=100)
    criterion = Criterion.objects.create(
        competition=competition, stage=stage, code="c", name="指标", max_mark=10
    )
    judge = PanelJudge.objects.create(competition=competition, code="J1", name="裁判甲")
    entry = approved(competition, world["theirs"], 1)
    assignment = Assignment.objects.create(competition=competition, judge=judge, entry=entry)
    Judging.objects.create(competition=competition, blind=True)
    return {"stage": stage, "criterion": criterion, "judge": judge, "assignment": assignment}


def page_urls(competition, things):
    s, c, j, a = (things[k].pk for k in ("stage", "criterion", "judge", "assignment"))
    gets = [
        "",
        "stages/new/",
        f"stages/{s}/edit/",
        "criteria/new/",
        f"criteria/{c}/edit/",
        "panel/",
        "assignments/",
        "blind-codes/",
    ]
    posts = [
        *gets,
        f"stages/{s}/delete/",
        f"criteria/{c}/delete/",
        f"panel/{j}/chief/",
        f"panel/{j}/remove/",
        f"assignments/{a}/remove/",
        "blind-codes/draw/",
    ]
    return [url(competition, g) for g in gets], [url(competition, p) for p in posts]


@pytest.mark.parametrize("role", ["officer", "judge", "leader", "coorganiser", "worker"])
def test_other_roles_reach_no_judging_page(office, world, competition, furnished, role):
    client = office(role)
    if role == "judge":  # even a judge on this very panel
        PanelJudge.objects.filter(pk=furnished["judge"].pk).update(user=world["users"]["judge"])
    gets, posts = page_urls(competition, furnished)
    for address in gets:
        assert client.get(address).status_code in (403, 404), address
    for address in posts:
        assert client.post(address, {"action": "judge", "judge-code": "X"}).status_code in (
            403,
            404,
        ), address
    assert Stage.objects.filter(pk=furnished["stage"].pk).exists()
    assert Criterion.objects.filter(pk=furnished["criterion"].pk).exists()
    assert PanelJudge.objects.filter(competition=competition).count() == 1
    assert Assignment.objects.filter(pk=furnished["assignment"].pk).exists()
    assert not BlindCode.objects.exists()
    assert not PanelJudge.objects.filter(is_chief=True).exists()


def test_officer_gets_403_and_outsiders_404(office, competition, furnished):
    assert office("officer").get(url(competition)).status_code == 403  # sees the competition
    assert office("leader").get(url(competition)).status_code == 403
    assert office("coorganiser").get(url(competition)).status_code == 404  # not his competition


def test_a_co_organiser_manages_his_own_competitions_judging(office, make_competition, world):
    co_org = world["users"]["coorganiser"].grants.get().organisation
    own = make_competition(status=Competition.Status.JUDGING, organiser=co_org)
    client = office("coorganiser")
    assert client.get(url(own)).status_code == 200
    assert add_stage(client, own, "theory", "理论", "100").status_code == 302


def test_the_admin_reaches_every_page(office, competition, furnished):
    client = office()
    gets, _posts = page_urls(competition, furnished)
    for address in gets:
        assert client.get(address).status_code == 200, address


def test_ids_of_another_competition_answer_404(
    office, competition, furnished, make_competition, world
):
    other = make_competition(status=Competition.Status.JUDGING, title="焊工竞赛")
    client = office()
    s, c, j, a = (furnished[k].pk for k in ("stage", "criterion", "judge", "assignment"))
    for address in (
        f"stages/{s}/edit/",
        f"criteria/{c}/edit/",
    ):
        assert client.get(url(other, address)).status_code == 404, address
    for address in (
        f"stages/{s}/edit/",
        f"stages/{s}/delete/",
        f"criteria/{c}/edit/",
        f"criteria/{c}/delete/",
        f"panel/{j}/chief/",
        f"panel/{j}/remove/",
        f"assignments/{a}/remove/",
    ):
        assert client.post(url(other, address)).status_code == 404, address
    assert Stage.objects.filter(pk=s).exists() and Criterion.objects.filter(pk=c).exists()
    assert PanelJudge.objects.filter(pk=j, is_chief=False).exists()
    assert Assignment.objects.filter(pk=a).exists()
    # nor may a criterion be put under another competition's stage
    response = client.post(
        url(other, "criteria/new/"),
        {"stage": s, "code": "x", "name": "x", "max_mark": "1", "kind": "judgement",
         "aggregation": "mean", "order": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Criterion.objects.filter(code="x").exists()
    # nor another competition's judge chosen in a form
    other_entry = approved(other, world["theirs"], 1)
    response = client.post(
        url(other, "assignments/"),
        {"action": "assign", "one-judge": j, "one-number": other_entry.number},
    )
    assert response.status_code == 200
    assert not Assignment.objects.filter(entry=other_entry).exists()


def test_changes_are_post_only(office, competition, furnished):
    client = office()
    s, c, j, a = (furnished[k].pk for k in ("stage", "criterion", "judge", "assignment"))
    for address in (
        f"stages/{s}/delete/",
        f"criteria/{c}/delete/",
        f"panel/{j}/chief/",
        f"panel/{j}/remove/",
        f"assignments/{a}/remove/",
        "blind-codes/draw/",
    ):
        assert client.get(url(competition, address)).status_code == 405, address
    assert Stage.objects.filter(pk=s).exists() and Assignment.objects.filter(pk=a).exists()
    assert not BlindCode.objects.exists()
