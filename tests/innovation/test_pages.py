"""Back-office pages: scoping (404 outside one's results), the list with its filters,
pagination and .xlsx export, statistics and their export, recording a result with
its authors, the steps offered only to those entitled, files, history, reward tiers."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from jingsai.common.models import AuditEntry
from jingsai.innovation.domain import lifecycle
from jingsai.innovation.models import Author, InnovationResult, ResultFile, RewardBand
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db
K = InnovationResult.Kind
S = InnovationResult.Status
D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sheet_rows(response, index=0):
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return book, book.get_sheet_by_index(index).to_python()


@pytest.fixture
def both(world, theirs, make_result):
    """A result of ours and one of theirs."""
    return (
        make_result(title="我们的成果"),
        make_result(title="他们的成果", enterprise=theirs, authors=[world["their_worker"]]),
    )


def test_who_may_use_the_pages(users, client_of, both):
    ours, _theirs = both
    for role in ("worker", "judge", "nobody"):
        client = client_of(users[role])
        assert client.get("/office/innovation/").status_code == 403
        assert client.get(f"/office/innovation/{ours.pk}/").status_code == 403
        assert client.get("/office/innovation/statistics/").status_code == 403
        assert client.get("/office/innovation/new/").status_code == 403
    for role in ("admin", "leader", "coorganiser", "officer"):
        assert client_of(users[role]).get("/office/innovation/").status_code == 200
    # leadership reads, records nothing
    assert client_of(users["leader"]).get("/office/innovation/new/").status_code == 403
    assert client_of(users["coorganiser"]).get("/office/innovation/new/").status_code == 403


def test_an_officer_sees_his_enterprises_results_only(users, their_officer, client_of, both):
    ours, theirs = both
    officer = client_of(users["officer"])
    page = officer.get("/office/innovation/").content.decode()
    assert "我们的成果" in page and "他们的成果" not in page
    assert officer.get(f"/office/innovation/{ours.pk}/").status_code == 200
    assert officer.get(f"/office/innovation/{theirs.pk}/").status_code == 404
    assert officer.post(f"/office/innovation/{theirs.pk}/review/").status_code == 404
    other = client_of(their_officer)
    assert other.get(f"/office/innovation/{ours.pk}/").status_code == 404
    assert other.get(f"/office/innovation/{ours.pk}/edit/").status_code == 404
    for role in ("admin", "leader", "coorganiser"):
        page = client_of(users[role]).get("/office/innovation/").content.decode()
        assert "我们的成果" in page and "他们的成果" in page


def test_the_list_filters_and_pages(settings, users, client_of, world, make_result, advance):
    settings.JINGSAI_LIST_PAGE_SIZE = 2
    for i in range(3):
        make_result(title=f"方法{i}", kind=K.METHOD)
    advance(make_result(title="建议", kind=K.SUGGESTION), S.VERIFIED)
    admin = client_of(users["admin"])
    titles = re.compile(r'<a href="/office/innovation/\d+/">([^<]+)</a>')
    first = admin.get("/office/innovation/?kind=method").content.decode()
    second = admin.get("/office/innovation/?kind=method&page=2").content.decode()
    assert titles.findall(first) == ["方法2", "方法1"]
    assert titles.findall(second) == ["方法0"]
    assert 'href="?kind=method&amp;page=2"' in first
    assert titles.findall(admin.get("/office/innovation/?status=verified").content.decode()) == [
        "建议"
    ]
    assert titles.findall(admin.get("/office/innovation/?enterprise=乙医药").content.decode()) == []


def test_the_export_matches_the_list(users, client_of, world, colleague, make_result, advance):
    verified = lifecycle.verify_benefit(
        actor=users["coorganiser"],
        result=advance(
            make_result(title="=导出成果", authors=[world["our_worker"], colleague]), S.ADOPTED
        ),
        money_saved=D("250000.50"),
        hours_saved=D(300),
        evidence="财务报告",
    )
    make_result(title="另一项", kind=K.METHOD)
    admin = client_of(users["admin"])
    page = admin.get("/office/innovation/").content.decode()
    listed = re.findall(r'<a href="/office/innovation/\d+/">([^<]+)</a>', page)
    response = admin.get("/office/innovation/results.xlsx")
    assert response.status_code == 200
    _book, rows = sheet_rows(response)
    header, body = rows[0], rows[1:]
    assert header[:8] == [
        "title", "kind", "year", "enterprise", "industry", "from competition", "authors", "status",
    ]  # fmt: skip
    # the same results in the same order (a title that looks like a formula stays text)
    assert [r[0].lstrip("'") for r in body] == listed == ["另一项", "=导出成果"]
    row = next(r for r in body if r[0] == "'=导出成果")
    column = dict(zip(header, row, strict=True))
    assert column["authors"] == "张三丰、王五"
    assert column["enterprise"] == world["ours"].name
    assert column["status"] == "benefit verified"
    assert column["money saved (yuan)"] == 250000.5
    assert column["hours saved"] == 300
    assert column["reward tier"] == "二等"
    assert column["verified by"] == "coorganiser"
    assert column["verified at"] is not None
    assert verified.reward_band.name == "二等"
    # filtered like the list
    _book, rows = sheet_rows(admin.get("/office/innovation/results.xlsx?kind=method"))
    assert [r[0] for r in rows[1:]] == ["另一项"]
    # an officer's export holds his enterprise's results only
    _book, rows = sheet_rows(client_of(users["officer"]).get("/office/innovation/results.xlsx"))
    assert len(rows) == 3


def test_statistics_page_and_export(users, client_of, theirs, world, make_result, advance):
    advance(make_result(title="甲"), S.VERIFIED, money=D(250_000))
    advance(
        make_result(title="乙", enterprise=theirs, authors=[world["their_worker"]]),
        S.VERIFIED,
        money=D(60_000),
    )
    admin = client_of(users["admin"])
    page = admin.get("/office/innovation/statistics/").content.decode()
    assert re.search(r'id="total-count">2<', page)
    assert re.search(r'id="total-money">310,000<', page)
    response = admin.get("/office/innovation/statistics.xlsx")
    book, rows = sheet_rows(response)
    assert book.sheet_names == [
        "By kind", "By year", "By enterprise (top 20)", "By industry", "By series",
        "By reward tier", "By status",
    ]  # fmt: skip
    assert rows[0] == ["By kind", "number of results", "with verified benefit",
                       "money saved (yuan)", "hours saved"]  # fmt: skip
    assert rows[1] == ["innovation achievement (职工创新成果)", 2, 2, 310000, 0]
    tiers = book.get_sheet_by_name("By reward tier").to_python()
    assert tiers[1:] == [["二等", 1, 1, 250000, 0], ["三等", 1, 1, 60000, 0]]
    # the officer's statistics count his enterprise only
    officer = client_of(users["officer"])
    _book, rows = sheet_rows(officer.get("/office/innovation/statistics.xlsx"))
    assert rows[1][1:3] == [1, 1]


def test_recording_a_result_with_its_authors(users, client_of, world, colleague, year):
    officer = client_of(users["officer"])
    page = officer.get("/office/innovation/new/").content.decode()
    # his enterprise's workers are offered as authors without a search
    assert f'value="{colleague.pk}"' in page and "王五" in page
    assert f'value="{world["their_worker"].pk}"' not in page
    form = {
        "kind": K.ACHIEVEMENT,
        "title": "新型夹具",
        "year": year.pk,
        "enterprise": world["ours"].pk,
        "description": "一种快速夹具。",
    }
    # finding authors keeps what was typed and records nothing
    response = officer.post("/office/innovation/new/", form | {"find": "1", "author_q": "王"})
    assert response.status_code == 200 and not InnovationResult.objects.exists()
    content = response.content.decode()
    assert "新型夹具" in content and f'value="{colleague.pk}"' in content
    assert "Please correct" not in content
    # no author: refused with the reason
    response = officer.post("/office/innovation/new/", form)
    assert "Name at least one author." in response.content.decode()
    # another enterprise's worker cannot be named (a crafted request)
    response = officer.post(
        "/office/innovation/new/", form | {"authors": [colleague.pk, world["their_worker"].pk]}
    )
    assert response.status_code == 200 and not InnovationResult.objects.exists()
    response = officer.post(
        "/office/innovation/new/", form | {"authors": [colleague.pk, world["our_worker"].pk]}
    )
    result = InnovationResult.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/office/innovation/{result.pk}/"
    )
    assert list(Author.objects.filter(result=result).order_by("order").values_list(
        "worker_id", flat=True)) == [colleague.pk, world["our_worker"].pk]  # fmt: skip
    assert (result.status, result.enterprise, result.submitted_by) == (
        S.SUBMITTED, world["ours"], users["officer"],
    )  # fmt: skip
    # an officer records for his enterprise only
    response = officer.post(
        "/office/innovation/new/",
        form | {"title": "别家的", "enterprise": world["theirs"].pk,
                "authors": [world["their_worker"].pk]},
    )  # fmt: skip
    assert response.status_code == 200 and InnovationResult.objects.count() == 1


def test_an_admin_finds_authors_by_search(users, client_of, world, year):
    admin = client_of(users["admin"])
    page = admin.get("/office/innovation/new/").content.decode()
    assert f'value="{world["their_worker"].pk}"' not in page  # nobody listed without a search
    found = admin.post("/office/innovation/new/", {"find": "1", "author_q": "李"}).content.decode()
    assert f'value="{world["their_worker"].pk}"' in found
    partial = admin.post(
        "/office/innovation/new/", {"find": "1", "author_q": "3101151980"}
    ).content.decode()
    assert "whole ID number" in partial


def test_steps_are_offered_and_allowed_to_those_entitled(
    users, their_officer, client_of, make_result, advance
):
    result = make_result()
    url = f"/office/innovation/{result.pk}/"
    officer, union_side = client_of(users["officer"]), client_of(users["coorganiser"])
    admin, leader = client_of(users["admin"]), client_of(users["leader"])
    assert "Start the enterprise review" in officer.get(url).content.decode()
    assert "Start the enterprise review" not in union_side.get(url).content.decode()
    assert "Next steps" not in leader.get(url).content.decode()
    assert union_side.post(url + "review/").status_code == 403
    assert leader.post(url + "review/").status_code == 403
    assert officer.post(url + "review/").status_code == 302
    result.refresh_from_db()
    assert result.status == S.IN_REVIEW

    response = officer.post(url + "adopt/", {"adopted_on": "2026-01-05", "note": "已推广"})
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.status == S.ADOPTED and str(result.adopted_on) == "2026-01-05"

    # the enterprise does not verify its own benefit: no form, and 403 when posted
    assert "Verify the benefit" not in officer.get(url).content.decode()
    benefit = {"money_saved": "250000", "evidence": "财务报告"}
    assert officer.post(url + "verify/", benefit).status_code == 403
    assert "Verify the benefit" in union_side.get(url).content.decode()
    response = union_side.post(url + "verify/", {"money_saved": "-3", "evidence": "x"})
    assert (
        response.status_code == 200 and "Ensure this value is greater" in response.content.decode()
    )
    response = union_side.post(url + "verify/", {"evidence": "x"})
    assert "money saved, the hours saved or the quality gain" in response.content.decode()
    assert union_side.post(url + "verify/", benefit).status_code == 302
    result.refresh_from_db()
    assert result.status == S.VERIFIED and result.verified_by == users["coorganiser"]
    page = admin.get(url).content.decode()
    assert re.search(r'id="tier"><strong>二等</strong>', page)
    assert "Recognise the result" in page
    assert "Recognise the result" not in union_side.get(url).content.decode()
    assert union_side.post(url + "recognise/").status_code == 403
    assert admin.post(url + "recognise/").status_code == 302
    result.refresh_from_db()
    assert result.status == S.RECOGNISED
    # the history shows each step
    page = admin.get(url).content.decode()
    for action in ("innovation.recorded", "innovation.review_started", "innovation.adopted",
                   "innovation.benefit_verified", "innovation.recognised"):  # fmt: skip
        assert action in page


def test_a_rejection_needs_a_reason_on_the_page(users, client_of, make_result):
    result = make_result()
    url = f"/office/innovation/{result.pk}/"
    officer = client_of(users["officer"])
    response = officer.post(url + "reject/", {"reason": "  "})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    result.refresh_from_db()
    assert result.status == S.SUBMITTED
    assert officer.post(url + "reject/", {"reason": "不具备推广价值"}).status_code == 302
    result.refresh_from_db()
    assert (result.status, result.rejection_reason) == (S.REJECTED, "不具备推广价值")
    assert "不具备推广价值" in officer.get(url).content.decode()
    assert not AuditEntry.objects.filter(action="innovation.rejected", note="").exists()


def test_files_are_checked_and_served_to_those_who_see_the_result(
    users, their_officer, client_of, make_result
):
    result = make_result()
    url = f"/office/innovation/{result.pk}/"
    officer = client_of(users["officer"])
    response = officer.post(
        url + "files/",
        {"title": "说明书", "file": SimpleUploadedFile("a.pdf", b"just text", "application/pdf")},
        follow=True,
    )
    assert "not accepted here" in response.content.decode()
    assert not ResultFile.objects.exists()
    officer.post(
        url + "files/", {"title": "说明书", "file": SimpleUploadedFile("../../x.pdf", PDF)}
    )
    item = ResultFile.objects.get()
    assert item.content_type == "application/pdf" and item.size == len(PDF)
    assert re.fullmatch(rf"innovation/{result.pk}/[0-9a-f]{{32}}\.pdf", item.file.name)
    assert AuditEntry.objects.filter(action="innovation.file_added", object_id=str(result.pk))
    file_url = f"{url}files/{item.pk}/"
    for client in (officer, client_of(users["admin"]), client_of(users["coorganiser"])):
        response = client.get(file_url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
    assert client_of(their_officer).get(file_url).status_code == 404
    assert client_of(users["nobody"]).get(file_url).status_code == 403
    # leadership reads but does not change files
    assert client_of(users["leader"]).post(f"{file_url}remove/").status_code == 403
    assert officer.post(f"{file_url}remove/").status_code == 302
    assert not ResultFile.objects.exists()


def test_reward_tiers_page(users, client_of, make_result, advance):
    assert client_of(users["officer"]).get("/office/innovation/tiers/").status_code == 403
    assert client_of(users["coorganiser"]).get("/office/innovation/tiers/").status_code == 403
    admin = client_of(users["admin"])
    RewardBand.objects.all().delete()
    page = admin.get("/office/innovation/tiers/").content.decode()
    assert RewardBand.objects.count() == 4 and "一等" in page and "鼓励" in page
    result = advance(make_result(), S.VERIFIED, money=D(250_000))
    second = RewardBand.objects.get(name="二等")
    response = admin.post(
        f"/office/innovation/tiers/{second.pk}/",
        {"name": "二等", "min_money": "300000", "min_hours": "2000", "order": "2"},
        follow=True,
    )
    assert "1 verified results changed tier" in response.content.decode()
    result.refresh_from_db()
    assert result.reward_band.name == "三等"
    response = admin.post(
        "/office/innovation/tiers/",
        {"name": "特等", "min_money": "100000", "min_hours": "", "order": "0"},
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.reward_band.name == "特等"
    top = RewardBand.objects.get(name="特等")
    assert admin.post(f"/office/innovation/tiers/{top.pk}/delete/").status_code == 302
    result.refresh_from_db()
    assert result.reward_band.name == "三等"


def test_an_officer_edits_a_result_before_adoption(users, client_of, world, colleague,
                                                   make_result, advance):  # fmt: skip
    result = make_result()
    officer = client_of(users["officer"])
    url = f"/office/innovation/{result.pk}/edit/"
    page = officer.get(url).content.decode()
    assert re.search(rf'value="{world["our_worker"].pk}" checked', page)
    response = officer.post(
        url,
        {
            "kind": K.METHOD,
            "title": "改名后的操作法",
            "year": result.year_id,
            "enterprise": world["ours"].pk,
            "description": "新的说明",
            "authors": [world["our_worker"].pk, colleague.pk],
        },
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert (result.kind, result.title) == (K.METHOD, "改名后的操作法")
    assert result.authors.count() == 2
    advance(result, S.ADOPTED)
    assert officer.get(url).status_code == 403
    assert "Edit the result" not in officer.get(f"/office/innovation/{result.pk}/").content.decode()


def test_worker_names_are_not_leaked_to_another_enterprise(users, their_officer, client_of):
    WorkerFactory(employer=users["officer"].grants.get().organisation, name="钱七")
    page = client_of(their_officer).get("/office/innovation/new/").content.decode()
    assert "钱七" not in page
