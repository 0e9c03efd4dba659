"""The WorldSkills pages: upload (with its located errors and report), the tree and the
section table, export, medals, the judge's phone sheet, results by criterion and
section; and who may reach each of them. Figures are worked out by hand in comments."""

import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from python_calamine import CalamineWorkbook

from jingsai.competitions.models import Competition, Entry
from jingsai.judging.domain import awards, panel, sheets
from jingsai.judging.models import Judging, Sheet
from jingsai.people.models import Role, RoleGrant
from jingsai.worldskills.domain import cis_export, cis_import, marking, results
from jingsai.worldskills.domain.layout import canonical
from jingsai.worldskills.models import MeasurementInput, Scheme
from tests.factories import OrganisationFactory, make_user
from tests.worldskills.conftest import SAMPLE, sample_rows, set_cell, small_scheme, workbook_from

pytestmark = pytest.mark.django_db

MAIN = "CIS Marking Scheme Import"


def office(competition, page=""):
    return f"/office/competitions/{competition.pk}/worldskills/{page}"


def sheet_url(competition, entry, action=""):
    return f"/home/judging/{competition.pk}/entries/{entry.pk}/{action + '/' if action else ''}"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def client_for(client_for):
    """The conftest's clients, reading the pages in English (the msgids)."""

    def make(role: str) -> Client:
        client = client_for(role)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


@pytest.fixture
def site(world, make_competition):
    """The small scheme (see conftest) on a competition being judged: entries E1–E3,
    judges J1 (the demo ``judge``), J2 (``judge2``) and J3 (chief, ``chief``) on each;
    another competition with its own panel."""
    competition = make_competition(status=Competition.Status.JUDGING, title="网络技术世赛选拔")
    result = cis_import.import_scheme(
        actor=None,
        competition=competition,
        source=cis_export.write_workbook(small_scheme()),
        source_name="small.xlsx",
    )
    assert result.ok, result.errors.errors
    neutral = OrganisationFactory(name="上海丁评审中心")
    entries = [
        Entry.objects.create(
            competition=competition,
            enterprise=world["ours"] if n != 2 else world["theirs"],
            status=Entry.Status.APPROVED,
            number=f"E{n}",
            team_name=f"队伍{n}",
        )
        for n in (1, 2, 3)
    ]
    users = {
        "J1": world["users"]["judge"],
        "J2": make_user("judge2", Role.JUDGE, neutral),
        "J3": make_user("chief", Role.JUDGE, neutral),
    }
    judges = {
        code: panel.add_judge(
            actor=None,
            competition=competition,
            code=code,
            name=f"Judge {code}",
            organisation=neutral,
            user=user,
            is_chief=(code == "J3"),
        )
        for code, user in users.items()
    }
    panel.assign_many(actor=None, judges=list(judges.values()), entries=entries)
    other = make_competition(status=Competition.Status.JUDGING, title="焊工技能竞赛")
    outsider = make_user("outsider", Role.JUDGE, neutral)
    stranger = panel.add_judge(
        actor=None, competition=other, code="X1", name="裁判丙", user=outsider
    )
    elsewhere = Entry.objects.create(
        competition=other, enterprise=world["theirs"], status=Entry.Status.APPROVED, number="W1"
    )
    panel.assign_many(actor=None, judges=[stranger], entries=[elsewhere])
    return {
        "competition": competition,
        "entries": {e.number: e for e in entries},
        "judges": judges,
        "users": users,
        "other": other,
        "outsider": outsider,
        "elsewhere": elsewhere,
    }


# (entry, judge) → what the phone sends; J1 also enters the measurements
PHONE = {
    ("E1", "J1"): {"A1-J1": "2", "B1-J1": "3", "A1-M1": "1", "A1-M2": "2", "A1-M3": "2"},
    ("E1", "J2"): {"A1-J1": "3", "B1-J1": "3"},
    ("E1", "J3"): {"A1-J1": "2", "B1-J1": "2"},
    ("E2", "J1"): {"A1-J1": "3", "B1-J1": "3", "A1-M1": "1", "A1-M2": "0", "A1-M3": "1"},
    ("E2", "J2"): {"A1-J1": "3", "B1-J1": "3"},
    ("E2", "J3"): {"A1-J1": "3", "B1-J1": "3"},
    ("E3", "J1"): {"A1-J1": "0", "B1-J1": "0", "A1-M1": "0", "A1-M2": "5", "A1-M3": "3"},
    ("E3", "J2"): {"A1-J1": "0", "B1-J1": "0"},
    ("E3", "J3"): {"A1-J1": "0", "B1-J1": "0"},
}


def _phone_submit(client, competition, entry, inputs):
    form = {f"mark-{code}": value for code, value in inputs.items()}
    check = client.post(sheet_url(competition, entry, "submit"), form)
    assert check.status_code == 200 and "confirm-submit" in check.content.decode()
    done = client.post(sheet_url(competition, entry, "submit"), form | {"confirm": "1"})
    assert done.status_code == 302


def _mark_everything(site):
    competition = site["competition"]
    for (number, judge), inputs in PHONE.items():
        client = client_of(site["users"][judge])
        _phone_submit(client, competition, site["entries"][number], inputs)


def _stored(site, number, judge) -> dict[str, str]:
    sheet = Sheet.objects.get(judge=site["judges"][judge], entry=site["entries"][number])
    return {code: str(value.normalize()) for code, value in sheets.marks_of(sheet).items()}


# --- upload, tree, export --------------------------------------------------------------


def test_uploading_the_sample_shows_its_tree_and_section_table(client_for, make_competition):
    competition = make_competition(status=Competition.Status.JUDGING)
    admin = client_for("admin")
    with open(SAMPLE, "rb") as handle:
        response = admin.post(office(competition, "upload/"), {"file": handle})
    assert response.status_code == 302 and response["Location"] == office(competition)
    scheme = Scheme.objects.get(competition=competition)
    assert scheme.source_name == SAMPLE.name
    page = admin.get(office(competition)).content.decode()
    assert "220 aspects: 201 measurement, 19 judgement" in page
    assert page.count('class="ws-criterion"') == 4
    # the section table: computed 6, 1, 7, 60, 26 against the stated 15, 15, 27, 23, 20
    computed = re.findall(r'data-section="(\d)">.*?<td class="computed">([\d.]+)</td>', page)
    assert computed == [("1", "6"), ("2", "1"), ("3", "7"), ("4", "60"), ("5", "26")]
    assert page.count("the computed figure is shown") == 5
    assert 'data-aspect="A1.J1"' in page or 'data-aspect="A1.M1"' in page
    # judgement aspects show their four descriptors
    assert page.count('class="ws-descriptors"') == 19


def test_a_broken_workbook_lists_every_problem_and_saves_nothing(client_for, make_competition):
    competition = make_competition(status=Competition.Status.JUDGING)
    rows = sample_rows()
    set_cell(rows, MAIN, 15, "K", 31)  # criterion A stated as 31 (its aspects give 30)
    set_cell(rows, MAIN, 42, "J", "Deduct 1")  # a calculation the Calculations sheet lacks
    admin = client_for("admin")
    response = admin.post(
        office(competition, "upload/"),
        {"file": io.BytesIO(workbook_from(rows))},
    )
    assert response.status_code == 200
    page = response.content.decode()
    errors = re.findall(r"<tr><td>([^<]*)</td><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td>", page)
    assert (MAIN, "15", "K（Mark）", "Criterion A is worth 31 but its aspects add up to 30.") in [
        (s, r, c, m.replace("&#x27;", "'")) for s, r, c, m in errors
    ]
    assert any(s == MAIN and r == "42" and c.startswith("J") for s, r, c, _m in errors)
    assert len(errors) == 2
    assert not Scheme.objects.filter(competition=competition).exists()
    report_url = re.search(r'href="([^"]+\.xlsx)" id="error-report"', page).group(1)
    report = admin.get(report_url)
    assert report.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(report.streaming_content)))
    lines = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert any(
        "15" in [str(int(c)) if isinstance(c, float) else str(c) for c in line]
        for line in lines[1:]
    )
    # the report belongs to the session that uploaded: another manager gets 404
    other = Client()
    other.force_login(make_user("admin2", Role.PROGRAMME_ADMIN, competition.organiser))
    assert other.get(report_url).status_code == 404


def test_an_upload_is_refused_with_the_reason_once_marks_exist(site, client_for):
    competition = site["competition"]
    marking.save_draft(
        judge=site["judges"]["J1"], entry=site["entries"]["E1"], inputs={"A1-J1": "2"}
    )
    with open(SAMPLE, "rb") as handle:
        response = client_for("admin").post(office(competition, "upload/"), {"file": handle})
    assert response.status_code == 200
    assert "Marks have been given with this competition" in response.content.decode()
    assert Scheme.objects.get(competition=competition).title == "99 Test Skill"


def test_export_reads_back_to_the_same_scheme(site, client_for):
    competition = site["competition"]
    response = client_for("admin").get(office(competition, "export.xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-marking-scheme.xlsx"')
    back = cis_import.read_workbook(response.content)
    assert back.ok, back.errors.errors
    assert canonical(back.scheme) == canonical(small_scheme())


def test_export_of_a_scheme_built_on_the_platform(client_for, make_competition):
    from tests.portal.marking import add_scheme

    competition = make_competition(status=Competition.Status.JUDGING)
    add_scheme(competition)  # theory 30 (exam 30, M); practical 70 (accuracy 40, safety 30, J)
    response = client_for("admin").get(office(competition, "export.xlsx"))
    assert response.status_code == 200
    back = cis_import.read_workbook(response.content)
    assert back.ok, back.errors.errors
    assert [(c.letter, c.mark) for c in back.scheme.criteria] == [
        ("A", Decimal(30)),
        ("B", Decimal(70)),
    ]
    assert [(a.code, a.kind, a.max_mark) for a in back.scheme.aspects] == [
        ("A1.M1", "M", Decimal(30)),
        ("B1.J1", "J", Decimal(40)),
        ("B1.J2", "J", Decimal(30)),
    ]


def test_the_judging_overview_links_to_the_worldskills_pages(site, client_for):
    competition = site["competition"]
    page = client_for("admin").get(f"/office/competitions/{competition.pk}/judging/")
    html = page.content.decode()
    for target in ("", "upload/", "export.xlsx", "medals/", "results/"):
        assert f'href="{office(competition, target)}"' in html
    tree = client_for("admin").get(office(competition)).content.decode()
    assert f'href="/office/competitions/{competition.pk}/judging/"' in tree


# --- who may reach the pages -------------------------------------------------------------


@pytest.mark.parametrize("page", ["", "upload/", "export.xlsx", "medals/"])
def test_staff_pages_refuse_everyone_but_the_managers(site, client_for, page):
    competition = site["competition"]
    url = office(competition, page)
    assert client_for("admin").get(url).status_code == 200
    assert client_for("officer").get(url).status_code == 403  # sees it, may not manage it
    assert client_for("coorganiser").get(url).status_code == 404  # not his competition
    assert client_for("worker").get(url).status_code == 403
    assert client_of(site["outsider"]).get(url).status_code == 403  # another panel's judge
    assert client_of(site["users"]["J3"]).get(url).status_code == 403  # even the chief judge
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_a_co_organiser_manages_his_own_competition_but_not_another_by_its_id(
    site, world, client_for, make_competition
):
    gov = RoleGrant.objects.get(user=world["users"]["coorganiser"]).organisation
    own = make_competition(status=Competition.Status.JUDGING, organiser=gov)
    coorganiser = client_for("coorganiser")
    assert coorganiser.get(office(own)).status_code == 200
    assert coorganiser.get(office(site["competition"], "medals/")).status_code == 404
    assert coorganiser.get("/office/competitions/999999/worldskills/").status_code == 404


def test_the_upload_refuses_a_post_from_a_non_manager(site, client_for):
    competition = site["competition"]
    with open(SAMPLE, "rb") as handle:
        response = client_for("officer").post(office(competition, "upload/"), {"file": handle})
    assert response.status_code == 403
    assert Scheme.objects.get(competition=competition).title == "99 Test Skill"


def test_results_by_section_before_publication_are_for_those_following_the_marking(
    site, client_for
):
    competition = site["competition"]
    url = office(competition, "results/")
    assert client_for("admin").get(url).status_code == 200
    assert client_of(site["users"]["J3"]).get(url).status_code == 200  # the chief judge
    assert client_of(site["users"]["J1"]).get(url).status_code == 403  # a judge of the panel
    assert client_of(site["outsider"]).get(url).status_code == 404  # another panel's judge
    assert client_for("officer").get(url).status_code == 403
    assert client_for("worker").get(url).status_code == 404
    assert Client().get(url).status_code == 302
    assert client_for("admin").get(office(site["other"], "results/")).status_code == 404


# --- medals ------------------------------------------------------------------------------


def test_medal_settings_give_medals_by_rank_and_medallions(site, client_for):
    _mark_everything(site)
    competition = site["competition"]
    admin = client_for("admin")
    response = admin.post(
        office(competition, "medals/"),
        {"gold": "1", "silver": "0", "bronze": "0", "excellence_at": "4"},
    )
    assert response.status_code == 302
    levels = awards.parse_awards(Judging.objects.get(pk=competition.pk).awards)
    assert [(lv.places, lv.at_least) for lv in levels] == [(1, None), (None, Decimal(4))]
    # E2 5.75 gold; E1 4.44 ≥ 4 a medallion; E3 0 nothing
    assert [(r.entry, r.award) for r in results.breakdown(competition)] == [
        ("E2", levels[0].name),
        ("E1", levels[1].name),
        ("E3", ""),
    ]
    refused = admin.post(
        office(competition, "medals/"),
        {"gold": "-1", "silver": "0", "bronze": "0", "excellence_at": ""},
    )
    assert refused.status_code == 200 and 'aria-invalid="true"' in refused.content.decode()
    assert client_for("officer").post(office(competition, "medals/"), {}).status_code == 403


# --- the judge's phone sheet ------------------------------------------------------------


def test_the_judges_sheet_shows_descriptors_choices_and_the_rule(site):
    competition = site["competition"]
    page = client_of(site["users"]["J1"]).get(sheet_url(competition, site["entries"]["E1"]))
    html = page.content.decode()
    assert page.status_code == 200
    # a judgement aspect: four scores with their descriptors
    assert html.count('name="mark-A1-J1"') == 4 and html.count('name="mark-B1-J1"') == 4
    for text in ("none", "some", "most", "all"):
        assert f'<span class="ws-option-detail">{text}</span>' in html
    # all or nothing: yes (1) or no (0)
    assert 'name="mark-A1-M1" value="1"' in html and 'name="mark-A1-M1" value="0"' in html
    # CHOICE: Full Marks 0.5, Partly 0.25, No Marks 0 (0.5 − 0.75 floored)
    assert re.search(r'value="2">\s*<span class="ws-option-label">Partly</span>', html)
    assert "mark: 0.25" in html
    # measured value with its rule: target 0, every full 1 deducts 0.25
    assert 'name="mark-A1-M2"' in html and "Target 0; every full 1 of difference" in html


def test_the_phone_form_stores_the_hand_computed_marks(site):
    competition = site["competition"]
    e1 = site["entries"]["E1"]
    client = client_of(site["users"]["J1"])
    _phone_submit(client, competition, e1, PHONE[("E1", "J1")])
    # score 2 and 3 are stored as scores; M1 yes = 1; measured 2 → 0.75 − 2 × 0.25 = 0.25;
    # choice 2 (Partly) → 0.5 − 0.25 = 0.25
    assert _stored(site, "E1", "J1") == {
        "A1-J1": "2",
        "B1-J1": "3",
        "A1-M1": "1",
        "A1-M2": "0.25",
        "A1-M3": "0.25",
    }
    sheet = Sheet.objects.get(judge=site["judges"]["J1"], entry=e1)
    assert sheet.status == Sheet.Status.SUBMITTED
    kept = {
        (m.aspect.code, m.choice, m.measured)
        for m in MeasurementInput.objects.filter(sheet=sheet).select_related("aspect")
    }
    assert kept == {("A1.M2", None, Decimal(2)), ("A1.M3", 2, None)}
    # the locked sheet shows what was entered
    html = client.get(sheet_url(competition, e1)).content.decode()
    assert 'data-state="submitted"' in html and 'data-code="A1-M3">Partly mark: 0.25' in html


def test_a_score_of_4_is_refused_with_a_message_and_nothing_is_lost(site):
    competition = site["competition"]
    e1 = site["entries"]["E1"]
    client = client_of(site["users"]["J1"])
    response = client.post(
        sheet_url(competition, e1, "draft"), {"mark-A1-J1": "4", "mark-B1-J1": "2"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The score must be a whole number from 0 to 3." in html
    assert _stored(site, "E1", "J1") == {"B1-J1": "2"}  # the valid score is kept
    htmx = client.post(
        sheet_url(competition, e1, "draft"), {"mark-A1-J1": "4"}, HTTP_HX_REQUEST="true"
    )
    assert 'id="err-A1-J1" hx-swap-oob="true">The score must be' in htmx.content.decode()


def test_a_measured_value_far_off_gives_zero_never_below(site):
    competition = site["competition"]
    e3 = site["entries"]["E3"]
    client = client_of(site["users"]["J1"])
    response = client.post(sheet_url(competition, e3, "draft"), {"mark-A1-M2": "5"})
    assert response.status_code == 302
    # |5 − 0| = 5 full steps × 0.25 = 1.25 > 0.75: the mark is 0, not −0.5
    assert _stored(site, "E3", "J1") == {"A1-M2": "0"}
    html = client.get(sheet_url(competition, e3)).content.decode()
    assert 'name="mark-A1-M2" value="5"' in html  # the re-opened sheet shows the measure
    bad = client.post(sheet_url(competition, e3, "draft"), {"mark-A1-M2": "abc"})
    assert "“abc” is not a number." in bad.content.decode()


def test_the_sheet_is_prefilled_when_reopened(site):
    competition = site["competition"]
    e2 = site["entries"]["E2"]
    client = client_of(site["users"]["J1"])
    client.post(
        sheet_url(competition, e2, "draft"),
        {"mark-A1-J1": "1", "mark-A1-M1": "0", "mark-A1-M3": "3"},
    )
    html = client.get(sheet_url(competition, e2)).content.decode()
    assert re.search(r'name="mark-A1-J1" value="1" checked', html)
    assert re.search(r'name="mark-A1-M1" value="0" checked', html)
    assert re.search(r'name="mark-A1-M3" value="3" checked', html)
    assert not re.search(r'name="mark-A1-M1" value="1" checked', html)


def test_submitting_without_a_judgement_score_asks_for_it(site):
    competition = site["competition"]
    e1 = site["entries"]["E1"]
    response = client_of(site["users"]["J1"]).post(
        sheet_url(competition, e1, "submit"), {"mark-A1-J1": "2"}
    )
    html = response.content.decode()
    assert "Give a score." in html and "confirm-submit" not in html
    assert Sheet.objects.get(entry=e1, judge=site["judges"]["J1"]).status == Sheet.Status.DRAFT


def test_a_judge_reaches_only_his_own_entries(site):
    competition = site["competition"]
    outsider = client_of(site["outsider"])
    assert outsider.get(sheet_url(competition, site["entries"]["E1"])).status_code == 404
    judge = client_of(site["users"]["J1"])
    # another competition's entry under this competition's id
    assert judge.get(sheet_url(competition, site["elsewhere"])).status_code == 404
    assert judge.get(sheet_url(site["other"], site["elsewhere"])).status_code == 404


# --- results by criterion and section ------------------------------------------------------


def test_results_by_section_page_equals_the_breakdown(site, client_for):
    _mark_everything(site)
    competition = site["competition"]
    rows = results.breakdown(competition)
    # E1: A1.J1 1.5 × (2+3+2)/9 = 7/6, B1.J1 2 × 8/9 = 16/9, M 1 + 0.25 + 0.25
    # A = 7/6 + 3/2 = 8/3 (2.67); B = 16/9 (1.78); S1 = 7/6 + 1/4 (1.42); S2 = 1.25 + 16/9 (3.03)
    by_entry = {r.entry: r for r in rows}
    assert by_entry["E1"].criteria == {"A": Decimal("2.67"), "B": Decimal("1.78")}
    assert by_entry["E1"].sections == {1: Decimal("1.42"), 2: Decimal("3.03")}
    assert by_entry["E1"].total == Decimal("4.44")
    # E2: everything in full: 3.75 + 2; S1 1.5 + 0.75; S2 1 + 0.5 + 2
    assert by_entry["E2"].sections == {1: Decimal("2.25"), 2: Decimal("3.5")}
    assert by_entry["E2"].total == Decimal("5.75")
    assert by_entry["E3"].total == Decimal(0)  # measured 5 and “No Marks” floor at 0
    page = client_for("admin").get(office(competition, "results/")).content.decode()
    shown = re.findall(r'<tr data-entry="(E\d)"><td>(\d+)</td>.*?</tr>', page, flags=re.DOTALL)
    assert [(e, int(r)) for e, r in shown] == [(r.entry, r.rank) for r in rows]
    for row in rows:
        line = re.search(rf'<tr data-entry="{row.entry}">(.*?)</tr>', page, re.DOTALL).group(1)
        cells = re.findall(r'<td class="(?:criterion|section)">([^<]*)</td>', line)
        expected = [str(v) for v in row.criteria.values()] + [str(v) for v in row.sections.values()]
        assert cells == expected
        assert f'<td class="total"><strong>{row.total}</strong>' in line
    export = client_for("admin").get(office(competition, "results/export.xlsx"))
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(export.streaming_content)))
    lines = book.get_sheet_by_name("results").to_python()
    assert [line[1] for line in lines[1:]] == ["E2", "E1", "E3"]
    assert lines[2][4:8] == [2.67, 1.78, 1.42, 3.03] and lines[2][8] == 4.44


def test_published_results_by_section_are_public(site, client_for):
    _mark_everything(site)
    competition = site["competition"]
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.PUBLISHED)
    url = office(competition, "results/")
    response = Client().get(url)
    assert response.status_code == 200 and 'data-entry="E2"' in response.content.decode()
    assert 'id="worldskills-nav"' not in response.content.decode()  # no staff links
    assert client_for("worker").get(url).status_code == 200
    assert Client().get(office(competition, "results/export.xlsx")).status_code == 200


def test_back_office_sheets_show_scores_for_scaled_criteria(site, client_for):
    competition = site["competition"]
    client = client_of(site["users"]["J1"])
    _phone_submit(client, competition, site["entries"]["E1"], PHONE[("E1", "J1")])
    sheet = Sheet.objects.get(judge=site["judges"]["J1"], entry=site["entries"]["E1"])
    page = client_for("admin").get(
        f"/office/competitions/{competition.pk}/marking/sheets/{sheet.pk}/"
    )
    html = page.content.decode()
    assert "score 2 of 3" in html and "score 3 of 3" in html  # A1.J1 and B1.J1
    assert "scored 0–3" in html and 'id="scaled-hint"' not in html  # may not correct
    chief = client_of(site["users"]["J3"])
    corrected = chief.get(f"/office/competitions/{competition.pk}/marking/sheets/{sheet.pk}/")
    assert 'id="scaled-hint"' in corrected.content.decode()
    paper = client_for("admin").get(f"/office/competitions/{competition.pk}/marking/paper/")
    text = paper.content.decode()
    assert "A1-J1 Quality of finish (score 0–3; max mark 1.5)" in text
    assert "A1-M1 Door fitted (0–1)" in text  # an ordinary mark keeps its label
