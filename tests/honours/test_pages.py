"""The 830 pages through the test client: rounds, settings, the nomination flow,
scoping (an enterprise sees only its own nominations until the notice), crafted
requests, the export and the files."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from jingsai.catalogue.models import ProgrammeYear
from jingsai.common.models import AuditEntry
from jingsai.honours.domain import nominations
from jingsai.honours.models import Nomination, Round
from tests.factories import WorkerFactory
from tests.honours.conftest import close_window

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def users(world):
    return world["users"]


@pytest.fixture
def craftsmen(world, rc, officer_b):
    """One nomination by each enterprise in the craftsman category."""
    ours = WorkerFactory(employer=world["ours"], skill_level=2, name="陈工匠")
    theirs = WorkerFactory(employer=world["theirs"], skill_level=1, name="周技师")
    craftsman = rc("pudong-craftsman")
    a = nominations.nominate(
        actor=world["users"]["officer"], round_category=craftsman, subject=ours,
        nominator=world["ours"], narrative="甲公司推荐",
    )  # fmt: skip
    b = nominations.nominate(
        actor=officer_b, round_category=craftsman, subject=theirs,
        nominator=world["theirs"], narrative="乙公司推荐",
    )  # fmt: skip
    return a, b


def test_who_may_open_the_pages(world, client_for, round_):
    for role in ("nobody", "worker", "judge"):
        client = client_for(role)
        assert client.get("/office/honours/").status_code == 403
        assert client.get(f"/office/honours/rounds/{round_.pk}/").status_code == 403
    for role in ("admin", "leader", "coorganiser", "officer"):
        assert client_for(role).get("/office/honours/").status_code == 200
    for role in ("leader", "coorganiser", "officer"):
        client = client_for(role)
        assert client.get(f"/office/honours/rounds/{round_.pk}/settings/").status_code == 403
        assert client.post(f"/office/honours/rounds/{round_.pk}/recheck/").status_code == 403


def test_an_admin_sets_up_the_round_of_a_year(world, client_of, users, preset):
    admin = client_of(users["admin"])
    year = ProgrammeYear.objects.get(year=2026)
    page = admin.get("/office/honours/").content.decode()
    assert "Set up the 2026 round" in page
    assert (
        client_of(users["officer"])
        .post("/office/honours/rounds/new/", {"year": year.pk})
        .status_code
        == 403
    )
    response = admin.post("/office/honours/rounds/new/", {"year": year.pk})
    round_ = Round.objects.get(year=year)
    assert response.status_code == 302 and response["Location"] == (
        f"/office/honours/rounds/{round_.pk}/"
    )
    assert round_.categories.count() == 8
    page = admin.get(response["Location"]).content.decode()
    assert "Pudong craftsmen" in page and "Check eligibility again" in page
    assert ">240<" in page  # 8 × 30 places


def test_round_page_counts_only_what_the_user_may_see(world, client_of, users, round_, craftsmen):
    page = client_of(users["officer"]).get(f"/office/honours/rounds/{round_.pk}/").content.decode()
    row = re.search(r"Pudong craftsmen</a></td>.*?</tr>", page, re.S).group(0)
    assert re.findall(r"<td>(\d+)</td>", row) == ["30", "1", "1"]
    page = client_of(users["admin"]).get(f"/office/honours/rounds/{round_.pk}/").content.decode()
    row = re.search(r"Pudong craftsmen</a></td>.*?</tr>", page, re.S).group(0)
    assert re.findall(r"<td>(\d+)</td>", row) == ["30", "2", "2"]


def test_an_enterprise_sees_only_its_own_nominations_until_the_notice(
    world, client_of, users, officer_b, round_, craftsmen
):
    a, b = craftsmen
    rc = a.round_category
    officer = client_of(users["officer"])
    page = officer.get(f"/office/honours/categories/{rc.pk}/").content.decode()
    assert "陈工匠" in page and "周技师" not in page
    assert officer.get(f"/office/honours/nominations/{a.pk}/").status_code == 200
    assert officer.get(f"/office/honours/nominations/{b.pk}/").status_code == 404
    other = client_of(officer_b)
    assert other.get(f"/office/honours/nominations/{a.pk}/").status_code == 404
    for role in ("admin", "leader"):
        page = client_of(users[role]).get(f"/office/honours/categories/{rc.pk}/").content.decode()
        assert "陈工匠" in page and "周技师" in page
        assert client_of(users[role]).get(f"/office/honours/nominations/{b.pk}/").status_code == 200
    # the export holds the same rows, ID numbers masked
    response = officer.get(f"/office/honours/categories/{rc.pk}/nominations.xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = rows.get_sheet_by_index(0).to_python()
    assert [r[0] for r in rows[1:]] == ["陈工匠"]
    assert rows[1][1] == a.worker.masked_id_number and a.worker.id_number not in str(rows)
    # on public notice, the proposed nominations of others are visible
    Round.objects.filter(pk=round_.pk).update(stage=Round.Stage.NOTICE)
    Nomination.objects.filter(pk=b.pk).update(proposed=True)
    assert officer.get(f"/office/honours/nominations/{b.pk}/").status_code == 200


def test_the_nomination_flow_of_an_officer(world, client_of, users, rc, round_, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    worker = WorkerFactory(employer=world["ours"], skill_level=2, name="陈工匠")
    junior = WorkerFactory(employer=world["ours"], skill_level=4, name="吴新手")
    craftsman = rc("pudong-craftsman")
    officer = client_of(users["officer"])
    # choose: his enterprise's workers are listed, others' are not
    page = officer.get(f"/office/honours/categories/{craftsman.pk}/nominate/").content.decode()
    assert "陈工匠" in page and "吴新手" in page and "李四" not in page
    assert worker.masked_id_number in page and worker.id_number not in page
    # an ineligible worker: the reasons, and no form
    page = officer.get(
        f"/office/honours/categories/{craftsman.pk}/nominate/{junior.pk}/"
    ).content.decode()
    assert "no (intermediate worker (level 4))" in page
    assert "Not eligible for this category" in page and "Submit the nomination" not in page
    response = officer.post(
        f"/office/honours/categories/{craftsman.pk}/nominate/{junior.pk}/",
        {"nominator": world["ours"].pk, "narrative": "试试"},
    )
    assert response.status_code == 200 and not Nomination.objects.exists()
    assert "吴新手 is not eligible for Pudong craftsmen:" in response.content.decode()
    # an eligible one: the checks, the form, then the nomination
    url = f"/office/honours/categories/{craftsman.pk}/nominate/{worker.pk}/"
    page = officer.get(url).content.decode()
    assert "yes (technician (level 2))" in page and "Submit the nomination" in page
    response = officer.post(
        url,
        {
            "nominator": world["ours"].pk,
            "narrative": "扎根一线三十年",
            "files": [SimpleUploadedFile("事迹材料.pdf", PDF)],
        },
    )
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/office/honours/nominations/{nomination.pk}/"
    page = officer.get(response["Location"]).content.decode()
    assert "扎根一线三十年" in page and "事迹材料.pdf" in page and "Withdraw" in page
    stored = nomination.files.get()
    download = officer.get(f"/office/honours/nominations/{nomination.pk}/files/{stored.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    # withdrawing through the page, with a reason
    response = officer.post(
        f"/office/honours/nominations/{nomination.pk}/withdraw/", {"reason": "材料需补充"}
    )
    nomination.refresh_from_db()
    assert response.status_code == 302 and nomination.status == Nomination.Status.WITHDRAWN


def test_crafted_requests_for_another_enterprise_are_refused(
    world, client_of, users, rc, officer_b, craftsmen, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    a, b = craftsmen
    craftsman = rc("pudong-craftsman")
    their_worker = WorkerFactory(employer=world["theirs"], skill_level=1)
    own = WorkerFactory(employer=world["ours"], skill_level=1)
    officer = client_of(users["officer"])
    count = Nomination.objects.count()
    # another enterprise's worker: not there at all
    url = f"/office/honours/categories/{craftsman.pk}/nominate/{their_worker.pk}/"
    assert officer.get(url).status_code == 404
    assert officer.post(url, {"nominator": world["ours"].pk, "narrative": "x"}).status_code == 404
    # his own worker, on behalf of another enterprise: not a choice
    response = officer.post(
        f"/office/honours/categories/{craftsman.pk}/nominate/{own.pk}/",
        {"nominator": world["theirs"].pk, "narrative": "x"},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Nomination.objects.count() == count
    # another enterprise's nomination: not there to edit, withdraw or download from
    assert officer.get(f"/office/honours/nominations/{b.pk}/edit/").status_code == 404
    response = officer.post(f"/office/honours/nominations/{b.pk}/withdraw/", {"reason": "x"})
    assert response.status_code == 404
    b.refresh_from_db()
    assert b.status == Nomination.Status.SUBMITTED
    nominations.update(actor=officer_b, nomination=b, files=[SimpleUploadedFile("b.pdf", PDF)])
    stored = b.files.get()
    assert officer.get(f"/office/honours/nominations/{b.pk}/files/{stored.pk}/").status_code == 404
    # nor is a file of another nomination reached through one's own
    assert officer.get(f"/office/honours/nominations/{a.pk}/files/{stored.pk}/").status_code == 404


def test_an_admin_searches_for_the_worker_and_id_numbers_stay_out_of_urls(
    world, client_of, users, rc
):
    worker = WorkerFactory(employer=world["theirs"], skill_level=2, name="孙大师")
    url = f"/office/honours/categories/{rc('pudong-craftsman').pk}/nominate/"
    admin = client_of(users["admin"])
    page = admin.get(url).content.decode()
    assert "Search for the worker to nominate." in page and "孙大师" not in page
    page = admin.post(url, {"q": "孙大"}).content.decode()
    assert "孙大师" in page
    page = admin.post(url, {"q": worker.id_number}).content.decode()
    assert "孙大师" in page and worker.id_number not in page
    page = admin.post(url, {"q": "孙", "tail": worker.id_number[-4:]}).content.decode()
    assert "孙大师" in page
    wrong = "9999" if not worker.id_number.endswith("9999") else "8888"
    page = admin.post(url, {"q": "孙", "tail": wrong}).content.decode()
    assert "孙大师" not in page
    page = admin.post(url, {"q": worker.id_number[:10]}).content.decode()
    assert "Enter all 18 characters of the ID number" in page


def test_settings_rules_and_criteria_pages(world, client_of, users, rc, round_):
    admin = client_of(users["admin"])
    response = admin.post(
        f"/office/honours/rounds/{round_.pk}/settings/",
        {
            "nomination_opens": "2026-03-01T09:00",
            "nomination_closes": "2026-02-01T09:00",
            "aggregation": "trimmed",
            "notice_days": "7",
            "place_term_years": "3",
        },
    )
    assert response.status_code == 200 and "Nominations must close after they open." in (
        response.content.decode()
    )
    response = admin.post(
        f"/office/honours/rounds/{round_.pk}/settings/",
        {"aggregation": "median", "notice_days": "10", "place_term_years": "4"},
    )
    assert response.status_code == 302
    round_.refresh_from_db()
    assert (round_.aggregation, round_.notice_days, round_.exclusive_people) == (
        "median", 10, False,
    )  # fmt: skip
    craftsman = rc("pudong-craftsman")
    page = admin.get(f"/office/honours/categories/{craftsman.pk}/rules/").content.decode()
    assert 'name="max_skill_level"' in page and 'name="organisation_kinds"' not in page
    response = admin.post(
        f"/office/honours/categories/{craftsman.pk}/rules/",
        {"quota": "20", "max_skill_level": "1", "top_rank": "3", "rank_scope": "district",
         "rank_years": "3"},
    )  # fmt: skip
    assert response.status_code == 302
    page = admin.get(f"/office/honours/categories/{craftsman.pk}/").content.decode()
    assert "skill level senior technician (level 1) or above" in page
    assert AuditEntry.objects.filter(action="honours.category_rules").exists()
    response = admin.post(
        f"/office/honours/categories/{craftsman.pk}/criteria/new/",
        {"name": "传承", "max_mark": "20", "spread_limit": "5", "order": "4"},
    )
    assert response.status_code == 302 and craftsman.criteria.count() == 4
    Round.objects.filter(pk=round_.pk).update(stage=Round.Stage.REVIEW)
    response = admin.get(f"/office/honours/categories/{craftsman.pk}/criteria/new/", follow=True)
    assert "fixed once the round leaves the nomination stage" in response.content.decode()
    criterion = craftsman.criteria.first()
    response = admin.post(
        f"/office/honours/categories/{craftsman.pk}/criteria/{criterion.pk}/delete/", follow=True
    )
    assert "fixed once the round leaves the nomination stage" in response.content.decode()
    assert craftsman.criteria.count() == 4


def test_recheck_from_the_round_page(world, client_of, users, rc, round_, craftsmen):
    craftsman = rc("pudong-craftsman")
    craftsman.max_skill_level = 1
    craftsman.save()
    response = client_of(users["admin"]).post(
        f"/office/honours/rounds/{round_.pk}/recheck/", follow=True
    )
    page = response.content.decode()
    assert (
        "1 nominations changed" in page
        and "陈工匠 (Pudong craftsmen) is no longer eligible." in page
    )


def test_closed_window_shows_no_nomination_form(world, client_of, users, rc, round_):
    close_window(round_)
    worker = WorkerFactory(employer=world["ours"], skill_level=2)
    craftsman = rc("pudong-craftsman")
    officer = client_of(users["officer"])
    page = officer.get(f"/office/honours/rounds/{round_.pk}/").content.decode()
    assert "Nominations closed on" in page and "/nominate/" not in page
    page = officer.get(
        f"/office/honours/categories/{craftsman.pk}/nominate/{worker.pk}/"
    ).content.decode()
    assert "Nominations closed on" in page and "Submit the nomination" not in page
    response = officer.post(
        f"/office/honours/categories/{craftsman.pk}/nominate/{worker.pk}/",
        {"nominator": world["ours"].pk, "narrative": "x"},
    )
    assert "Nominations closed on" in response.content.decode()
    assert not Nomination.objects.exists()


def test_results_places_evidence_and_edit_pages(
    world, client_of, users, rc, round_, innovation, result_for
):
    from jingsai.organisations.models import Organisation

    admin = client_of(users["admin"])
    officer = client_of(users["officer"])
    for code in ("innovation-base", "training-centre", "innovation-achievement"):
        page = admin.get(f"/office/honours/categories/{rc(code).pk}/rules/").content.decode()
        assert 'name="quota"' in page and 'name="max_skill_level"' not in page
    assert (
        'value="training_body"'
        in admin.get(
            f"/office/honours/categories/{rc('training-centre').pk}/rules/"
        ).content.decode()
    )
    assert admin.get(f"/office/honours/rounds/{round_.pk}/settings/").status_code == 200
    criterion = rc("innovation-base").criteria.first()
    assert (
        admin.get(
            f"/office/honours/categories/{rc('innovation-base').pk}/criteria/{criterion.pk}/edit/"
        ).status_code
        == 200
    )
    # a result: only the category's kind is offered, the evidence is its verification
    result = innovation(world["ours"], title="刀具快换")
    innovation(world["ours"], title="操作法", kind="method")
    innovation(world["theirs"], title="别家成果")
    achievement = rc("innovation-achievement")
    page = officer.get(f"/office/honours/categories/{achievement.pk}/nominate/").content.decode()
    assert "刀具快换" in page and "操作法" not in page and "别家成果" not in page
    url = f"/office/honours/categories/{achievement.pk}/nominate/{result.pk}/"
    page = officer.get(url).content.decode()
    assert f'value="verification:{result.pk}"' in page
    response = officer.post(
        url,
        {
            "nominator": world["ours"].pk,
            "narrative": "年节约 12 万元",
            "evidence": [f"verification:{result.pk}"],
        },
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get(innovation=result)
    assert [e["kind"] for e in nomination.evidence] == ["verification"]
    # a place: the officer's own enterprise, with its entries' awards as evidence
    worker = WorkerFactory(employer=world["ours"], skill_level=3)
    award = result_for(worker, rank=1, year=2025, award="一等奖")
    base = rc("innovation-base")
    page = officer.get(f"/office/honours/categories/{base.pk}/nominate/").content.decode()
    assert "上海甲芯片有限公司" in page and "上海乙医药有限公司" not in page
    page = admin.get(f"/office/honours/categories/{base.pk}/nominate/?q=上海乙").content.decode()
    assert "上海乙医药有限公司" in page and "上海甲芯片有限公司" not in page
    centre = Organisation.objects.get(name="浦东新区职工实训中心")
    page = admin.get(f"/office/honours/categories/{base.pk}/nominate/").content.decode()
    assert centre.name not in page  # not of a kind the category takes
    url = f"/office/honours/categories/{base.pk}/nominate/{world['ours'].pk}/"
    page = officer.get(url).content.decode()
    assert f'value="result:{award.pk}"' in page
    # a crafted evidence key is not a choice
    response = officer.post(
        url, {"nominator": world["ours"].pk, "narrative": "x", "evidence": ["result:999999"]}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Nomination.objects.filter(organisation=world["ours"]).exists()
    # editing the result's nomination
    page = officer.get(f"/office/honours/nominations/{nomination.pk}/edit/").content.decode()
    assert "年节约 12 万元" in page and "checked" in page
    response = officer.post(
        f"/office/honours/nominations/{nomination.pk}/edit/",
        {"narrative": "年节约 12 万元，推广到三个车间"},
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.narrative == "年节约 12 万元，推广到三个车间" and nomination.evidence == []
