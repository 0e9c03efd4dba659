"""Competition pages end to end through the Django test client, role by role."""

import io

import pytest
from python_calamine import CalamineWorkbook

from jingsai.competitions.models import Competition, Entry
from jingsai.people.models import Worker
from tests.factories import WorkerFactory
from tests.xlsx import xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号码", "手机号码", "工种", "技能等级"]


@pytest.fixture
def open_competition(make_competition):
    return make_competition(title="集成电路工艺员竞赛", enterprise_quota=5)


def test_admin_creates_a_competition_that_can_open(client_for, world):
    from jingsai.catalogue.models import ProgrammeYear, Series

    response = client_for("admin").post(
        "/office/competitions/new/",
        {
            "year": ProgrammeYear.objects.get(year=2026).pk,
            "title": "养老护理员技能竞赛",
            "series": Series.objects.get(code="service-efficiency").pk,
            "kind": "skill",
            "participants": "individuals",
            "organiser": world["union"].pk,
            "registration_opens": "2026-01-01T09:00",
            "registration_closes": "2099-12-31T17:00",
        },
    )
    assert response.status_code == 302
    competition = Competition.objects.get(title="养老护理员技能竞赛")
    assert competition.approval == "not_required"
    assert [level.name for level in competition.levels.all()] == [
        "企业初赛",
        "区域复赛",
        "区级决赛",
    ]
    client_for("admin").post(f"/office/competitions/{competition.pk}/move/", {"to": "open"})
    competition.refresh_from_db()
    assert competition.status == "open"


def test_co_organiser_applies_and_cannot_open_before_approval(client_for, world):
    from jingsai.catalogue.models import ProgrammeYear, Series

    co_org = world["users"]["coorganiser"].grants.get().organisation
    client = client_for("coorganiser")
    response = client.post(
        "/office/competitions/new/",
        {
            "year": ProgrammeYear.objects.get(year=2026).pk,
            "title": "5G 应用创新竞赛",
            "series": Series.objects.get(code="city-digital-transformation").pk,
            "kind": "skill",
            "participants": "individuals",
            "organiser": co_org.pk,
            "registration_closes": "2099-12-31T17:00",
        },
    )
    assert response.status_code == 302
    competition = Competition.objects.get(title="5G 应用创新竞赛")
    assert competition.approval == "drafting"
    client.post(f"/office/competitions/{competition.pk}/move/", {"to": "open"})
    competition.refresh_from_db()
    assert competition.status == "draft"
    client.post(f"/office/competitions/{competition.pk}/application/submit/")
    assert (
        client.get(f"/office/competitions/{competition.pk}/application/review/").status_code == 403
    )
    admin = client_for("admin")
    decisions = {f"decision-{lv.pk}": "approved" for lv in competition.levels.all()}
    admin.post(f"/office/competitions/{competition.pk}/application/review/", decisions)
    client.post(f"/office/competitions/{competition.pk}/move/", {"to": "open"})
    competition.refresh_from_db()
    assert (competition.approval, competition.status) == ("approved", "open")


def test_co_organiser_cannot_touch_another_organisers_competition(client_for, open_competition):
    client = client_for("coorganiser")
    assert client.get(f"/office/competitions/{open_competition.pk}/").status_code == 404
    client.post(f"/office/competitions/{open_competition.pk}/move/", {"to": "closed"})
    open_competition.refresh_from_db()
    assert open_competition.status == "open"


def test_officer_registers_own_workers_and_is_told_why_not(client_for, world, open_competition):
    client = client_for("officer")
    ours = world["our_worker"]
    response = client.post(
        f"/office/competitions/{open_competition.pk}/register/", {"worker": [ours.pk]}
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.enterprise, entry.status) == (world["ours"], "submitted")
    response = client.post(
        f"/office/competitions/{open_competition.pk}/register/", {"worker": [ours.pk]}, follow=True
    )
    assert "already entered" in response.content.decode() or "已报名" in response.content.decode()
    assert Entry.objects.count() == 1


def test_officer_cannot_register_another_enterprises_worker_by_crafted_post(
    client_for, world, open_competition
):
    client = client_for("officer")
    client.post(
        f"/office/competitions/{open_competition.pk}/register/",
        {"worker": [world["their_worker"].pk]},
    )
    assert not Entry.objects.exists()
    # nor by naming the other enterprise
    client.post(
        f"/office/competitions/{open_competition.pk}/register/?enterprise={world['theirs'].credit_code}",
        {"worker": [world["their_worker"].pk]},
    )
    assert not Entry.objects.exists()


def test_officer_roster_upload_all_or_nothing_with_report(client_for, world, open_competition):
    client = client_for("officer")
    rows = [
        HEADER,
        ["孙三", "310115196503150028", "", "", ""],
        ["李四", world["their_worker"].id_number, "", "", ""],
    ]
    upload = io.BytesIO(xlsx_bytes(rows))
    upload.name = "roster.xlsx"
    response = client.post(f"/office/competitions/{open_competition.pk}/roster/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert not Entry.objects.exists()
    assert not Worker.objects.filter(id_number="310115196503150028").exists()
    report_url = next(line for line in page.split('"') if "/roster/report/" in line)
    report = client.get(report_url)
    rows_back = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(report.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert int(rows_back[1][1]) == 3
    # another user cannot fetch the report
    assert client_for("admin").get(report_url).status_code == 404
    good = io.BytesIO(xlsx_bytes(rows[:2]))
    good.name = "roster.xlsx"
    response = client.post(f"/office/competitions/{open_competition.pk}/roster/", {"file": good})
    assert response.status_code == 302
    assert Entry.objects.get().enterprise == world["ours"]


def test_a_non_excel_upload_is_refused_with_a_message(client_for, open_competition):
    upload = io.BytesIO(b"%PDF-1.4 not a roster")
    upload.name = "roster.xlsx"
    response = client_for("officer").post(
        f"/office/competitions/{open_competition.pk}/roster/", {"file": upload}
    )
    assert "xlsx" in response.content.decode()
    assert not Entry.objects.exists()


def test_review_flow_through_the_pages(client_for, world, open_competition):
    client_for("officer").post(
        f"/office/competitions/{open_competition.pk}/register/",
        {"worker": [world["our_worker"].pk]},
    )
    entry = Entry.objects.get()
    admin = client_for("admin")
    admin.post(
        f"/office/competitions/{open_competition.pk}/entries/{entry.pk}/",
        {"action": "return", "field": "worker_trade", "comment": "工种写错了"},
    )
    entry.refresh_from_db()
    assert (entry.status, entry.return_field) == ("returned", "worker_trade")
    page = client_for("officer").get(
        f"/office/competitions/{open_competition.pk}/entries/{entry.pk}/"
    )
    assert "工种写错了" in page.content.decode()
    client_for("officer").post(
        f"/office/competitions/{open_competition.pk}/entries/{entry.pk}/", {"action": "resubmit"}
    )
    # an officer cannot approve his own entry
    client_for("officer").post(
        f"/office/competitions/{open_competition.pk}/entries/{entry.pk}/", {"action": "approve"}
    )
    entry.refresh_from_db()
    assert entry.status == "submitted"
    admin.post(
        f"/office/competitions/{open_competition.pk}/entries/{entry.pk}/", {"action": "approve"}
    )
    entry.refresh_from_db()
    assert entry.number == f"{open_competition.code.upper()}-0001"


def test_officer_sees_only_own_entries_and_export(client_for, world, open_competition):
    from jingsai.competitions.domain.registration import register

    register(
        actor=None,
        competition=open_competition,
        enterprise=world["ours"],
        workers=[world["our_worker"]],
    )
    register(
        actor=None,
        competition=open_competition,
        enterprise=world["theirs"],
        workers=[world["their_worker"]],
    )
    theirs = Entry.objects.get(enterprise=world["theirs"])
    client = client_for("officer")
    assert (
        client.get(f"/office/competitions/{open_competition.pk}/entries/{theirs.pk}/").status_code
        == 404
    )
    data = b"".join(
        client.get(
            f"/office/competitions/{open_competition.pk}/entries/export.xlsx"
        ).streaming_content
    )
    names = {
        row[4]
        for row in CalamineWorkbook.from_filelike(io.BytesIO(data))
        .get_sheet_by_index(0)
        .to_python()[1:]
    }
    assert names == {"张三丰"}
    assert (
        len(
            client_for("admin")
            .get(f"/office/competitions/{open_competition.pk}/entries/")
            .context["page"]
            .items
        )
        == 2
    )


def test_preliminary_report_and_promotion(client_for, world, open_competition):
    from jingsai.competitions.domain.registration import approve, register

    open_competition.levels.filter(order=1).update(promoted=1)
    workers = [world["our_worker"], WorkerFactory(employer=world["ours"])]
    for entry in register(
        actor=None, competition=open_competition, enterprise=world["ours"], workers=workers
    ):
        approve(actor=None, entry=entry)
    client = client_for("officer")
    client.post(
        f"/office/competitions/{open_competition.pk}/preliminary/",
        {"action": "report", "participants": "120"},
    )
    from jingsai.competitions.models import PreliminaryReport

    assert PreliminaryReport.objects.get().participants == 120
    ids = list(Entry.objects.values_list("pk", flat=True))
    client.post(
        f"/office/competitions/{open_competition.pk}/preliminary/",
        {"action": "promote", "entry": ids},
    )
    assert not Entry.objects.filter(
        level__order=2
    ).exists()  # two asked, one allowed: nothing moves
    client.post(
        f"/office/competitions/{open_competition.pk}/preliminary/",
        {"action": "promote", "entry": ids[:1]},
    )
    assert Entry.objects.filter(level__order=2).count() == 1


def test_roster_template_has_chinese_headers(client_for, open_competition):
    data = (
        client_for("officer")
        .get(f"/office/competitions/{open_competition.pk}/roster/template.xlsx")
        .content
    )
    header = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()[0]
    assert header[:2] == ["姓名 *", "身份证号码 *"]


@pytest.mark.parametrize("role", ["admin", "leader", "officer", "coorganiser"])
def test_competition_pages_render(client_for, role, open_competition):
    client = client_for(role)
    assert client.get("/office/competitions/").status_code == 200
    status = client.get(f"/office/competitions/{open_competition.pk}/").status_code
    assert status == (404 if role == "coorganiser" else 200)


def test_co_organiser_cannot_change_who_organises(client_for, world, make_competition):
    co_org = world["users"]["coorganiser"].grants.get().organisation
    competition = make_competition(status="draft")
    competition.co_organisers.set([co_org])
    Competition.objects.filter(pk=competition.pk).update(approval="drafting")
    data = {
        "year": competition.year.pk, "title": "改名", "series": competition.series.pk,
        "kind": "skill", "participants": "individuals", "organiser": co_org.pk,
        "co_organisers": [world["union"].pk], "registration_closes": "2099-12-31T17:00",
    }  # fmt: skip
    client_for("coorganiser").post(f"/office/competitions/{competition.pk}/edit/", data)
    competition.refresh_from_db()
    assert competition.title == "改名"
    assert competition.organiser == world["union"]
    assert list(competition.co_organisers.all()) == [co_org]


def test_officer_changes_a_returned_teams_members(client_for, world, make_competition):
    from jingsai.competitions.domain.registration import register, return_for_changes

    competition = make_competition(participants="teams", team_min=2, team_max=3)
    first, second, third = (
        world["our_worker"],
        WorkerFactory(employer=world["ours"]),
        WorkerFactory(employer=world["ours"]),
    )
    (entry,) = register(
        actor=None,
        competition=competition,
        enterprise=world["ours"],
        workers=[first, second],
        team_name="甲队",
    )
    return_for_changes(actor=None, entry=entry, field="members", comment="请更换队员")
    client = client_for("officer")
    page = client.get(f"/office/competitions/{competition.pk}/entries/{entry.pk}/").content.decode()
    assert f'value="{third.pk}"' in page
    client.post(
        f"/office/competitions/{competition.pk}/entries/{entry.pk}/",
        {
            "action": "resubmit",
            "team_name": "甲队",
            "worker": [third.pk, first.pk, world["their_worker"].pk],
        },
    )
    entry.refresh_from_db()
    assert entry.status == "submitted"
    members = list(
        entry.members.filter(active=True)
        .order_by("-is_captain", "id")
        .values_list("worker_id", flat=True)
    )
    assert members[0] == third.pk  # the first chosen is the captain
    assert set(members) == {third.pk, first.pk}  # another enterprise's worker is dropped
