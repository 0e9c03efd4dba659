"""The reviewer's phone pages and the back office's reviewer management and progress."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from jingsai.common.models import AuditEntry
from jingsai.honours.models import NominationFile, Reviewer, ReviewerConflict, ReviewSheet
from jingsai.people.models import Role
from tests.factories import OrganisationFactory, WorkerFactory, make_user
from tests.honours_review.conftest import put_sheet, set_round

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def client_for(world):
    def make(role: str) -> Client:
        return login(world["users"][role])

    return make


@pytest.fixture
def seat(make_reviewer):
    return make_reviewer("甲")


@pytest.fixture
def nomination(nominate):
    worker = WorkerFactory(name="钱师傅", trade="数控车工", skill_level=2)
    nomination = nominate(
        worker,
        narrative="扎根数控车床一线二十年。",
        evidence=[
            {"kind": "result", "id": 1, "label": "2025 数控车工技能竞赛 第2名"},
            {"kind": "level", "id": 2, "label": "技师（2023）"},
        ],
    )
    NominationFile.objects.create(
        nomination=nomination,
        title="事迹材料.pdf",
        file="honours/1/x.pdf",
        content_type="application/pdf",
        size=10,
    )
    return nomination


def fields(criteria, *values):
    return {f"mark-{c.pk}": v for c, v in zip(criteria, values, strict=True)}


def urls(seat, nomination):
    args = [seat.pk, nomination.pk]
    return (
        reverse("portal:review_sheet", args=args),
        reverse("portal:review_sheet_draft", args=args),
        reverse("portal:review_sheet_submit", args=args),
    )


# --- the reviewer's pages --------------------------------------------------------------


def test_home_lists_the_nominations_outside_conflicts(seat, nomination, nominate, criteria):
    employer = OrganisationFactory()
    ReviewerConflict.objects.create(reviewer=seat, organisation=employer)
    hidden = nominate(WorkerFactory(employer=employer, name="孙回避"))
    put_sheet(seat, nomination, ["12", None, None], submitted=False)
    response = login(seat.user).get(reverse("portal:review_home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "钱师傅" in page and "孙回避" not in page
    assert f'data-nomination="{nomination.pk}"' in page
    assert f'data-nomination="{hidden.pk}"' not in page
    assert 'data-state="draft"' in page and "1/3" in page


def test_before_the_review_stage_nothing_is_listed(category, seat, nomination):
    set_round(category.round, stage="nomination")
    page = login(seat.user).get(reverse("portal:review_home")).content.decode()
    assert "钱师傅" not in page and "has not started" in page


@pytest.mark.parametrize("role", ["admin", "leader", "officer", "judge", "nobody"])
def test_reviewer_pages_need_a_seat(client_for, role, seat, nomination, criteria):
    client = client_for(role)
    sheet_url, draft_url, _submit = urls(seat, nomination)
    assert client.get(reverse("portal:review_home")).status_code == 403
    assert client.get(sheet_url).status_code == 403
    assert client.post(draft_url, fields(criteria, "1", "1", "1")).status_code == 403
    assert not ReviewSheet.objects.exists()


def test_the_sheet_shows_the_nomination(seat, nomination, criteria, world):
    sheet_url, draft_url, _submit = urls(seat, nomination)
    response = login(seat.user).get(sheet_url)
    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        "钱师傅",
        "数控车工",
        "technician (level 2)",
        nomination.nominator.name,
        "扎根数控车床一线二十年。",
        "2025 数控车工技能竞赛 第2名",
        "技师（2023）",
        "事迹材料.pdf",
        draft_url,
    ):
        assert text in page
    for c in criteria:
        assert f'name="mark-{c.pk}"' in page
    assert "max 40" in page and "max 30" in page
    assert nomination.worker.id_number not in page and nomination.worker.phone not in page


def test_draft_then_two_step_submit(seat, nomination, criteria):
    client = login(seat.user)
    sheet_url, draft_url, submit_url = urls(seat, nomination)
    response = client.post(draft_url, fields(criteria, "35", "", ""))
    assert response.status_code == 302 and response["Location"] == sheet_url
    sheet = ReviewSheet.objects.get()
    assert sheet.marks.get().mark == Decimal("35.00") and sheet.submitted_at is None
    # htmx: a small fragment; a wrong mark is not saved and says why
    response = client.post(draft_url, fields(criteria, "35", "31", "20"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "between 0 and 30" in fragment and f'id="err-{criteria[1].pk}"' in fragment
    assert sorted(sheet.marks.values_list("mark", flat=True)) == [Decimal("20"), Decimal("35")]
    # step one: the marks are saved and shown for a check; nothing is locked
    response = client.post(submit_url, fields(criteria, "35", "25.5", "20"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="confirm" value="1"' in page and "80.5 of 100" in page
    assert ReviewSheet.objects.get().submitted_at is None
    # step two
    response = client.post(submit_url, fields(criteria, "35", "25.5", "20") | {"confirm": "1"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.submitted_at is not None
    page = client.get(sheet_url).content.decode()
    assert "Submitted and locked" in page and 'name="mark-' not in page
    # a later post changes nothing
    client.post(draft_url, fields(criteria, "1", "1", "1"))
    client.post(submit_url, fields(criteria, "1", "1", "1") | {"confirm": "1"})
    assert sorted(sheet.marks.values_list("mark", flat=True)) == [
        Decimal("20"),
        Decimal("25.5"),
        Decimal("35"),
    ]


def test_submit_with_a_missing_mark_goes_back_to_the_sheet(seat, nomination, criteria):
    _sheet, _draft, submit_url = urls(seat, nomination)
    response = login(seat.user).post(submit_url, fields(criteria, "35", "", "20"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a mark." in page and 'name="confirm"' not in page
    response = login(seat.user).post(
        submit_url, fields(criteria, "35", "", "20") | {"confirm": "1"}
    )
    assert response.status_code == 200 and "Some marks are missing" in response.content.decode()
    assert ReviewSheet.objects.get().submitted_at is None


def test_get_on_the_posting_urls_is_refused(seat, nomination):
    _sheet, draft_url, submit_url = urls(seat, nomination)
    client = login(seat.user)
    assert client.get(draft_url).status_code == 405
    assert client.get(submit_url).status_code == 405


@pytest.mark.parametrize("how", ["employer", "nominator", "grant", "declared"])
def test_a_crafted_post_on_a_conflicted_nomination_saves_nothing(
    world, nominate, make_reviewer, criteria, how
):
    employer = OrganisationFactory()
    nominator = world["union"]
    nomination = nominate(WorkerFactory(employer=employer), nominator=nominator)
    if how == "employer":
        reviewer = make_reviewer(organisation=employer)
    elif how == "nominator":
        reviewer = make_reviewer(organisation=nominator)
    elif how == "grant":
        reviewer = make_reviewer(role_at=employer)
    else:
        reviewer = make_reviewer()
        ReviewerConflict.objects.create(reviewer=reviewer, organisation=employer)
    client = login(reviewer.user)
    sheet_url, draft_url, submit_url = urls(reviewer, nomination)
    assert client.get(sheet_url).status_code == 404
    assert client.post(draft_url, fields(criteria, "40", "30", "30")).status_code == 404
    response = client.post(submit_url, fields(criteria, "40", "30", "30") | {"confirm": "1"})
    assert response.status_code == 404
    assert not ReviewSheet.objects.exists()


def test_another_reviewers_sheet_is_not_found(seat, nomination, make_reviewer, criteria):
    other = make_reviewer("乙")
    put_sheet(seat, nomination, ["30", "20", "20"], submitted=False)
    client = login(other.user)
    sheet_url, draft_url, submit_url = urls(seat, nomination)  # his colleague's seat
    assert client.get(sheet_url).status_code == 404
    assert client.post(draft_url, fields(criteria, "1", "1", "1")).status_code == 404
    assert (
        client.post(submit_url, fields(criteria, "1", "1", "1") | {"confirm": "1"}).status_code
        == 404
    )
    sheet = ReviewSheet.objects.get()
    assert sheet.reviewer == seat and sheet.submitted_at is None
    assert sorted(sheet.marks.values_list("mark", flat=True)) == [20, 20, 30]


def test_marking_closed_outside_the_review_stage(category, seat, nomination, criteria):
    set_round(category.round, stage="selection")
    client = login(seat.user)
    sheet_url, draft_url, submit_url = urls(seat, nomination)
    page = client.get(sheet_url).content.decode()
    assert "Marking is not open" in page and 'name="mark-' not in page
    response = client.post(draft_url, fields(criteria, "1", "1", "1"), HTTP_HX_REQUEST="true")
    assert "Marking is not open" in response.content.decode()
    client.post(submit_url, fields(criteria, "1", "1", "1") | {"confirm": "1"})
    assert not ReviewSheet.objects.exists()


def test_a_reopened_sheet_shows_why(world, seat, nomination, criteria):
    from jingsai.honours.domain import review

    sheet = put_sheet(seat, nomination, ["40", "5", "10"])
    review.reopen_sheet(actor=world["users"]["admin"], sheet=sheet, reason="请复核事迹分")
    page = login(seat.user).get(urls(seat, nomination)[0]).content.decode()
    assert "请复核事迹分" in page and f'name="mark-{criteria[0].pk}" value="40"' in page


# --- the back office -------------------------------------------------------------------


def rev_url(name, *args):
    return reverse(f"backoffice:honours_rev_{name}", args=args)


def test_admin_adds_a_reviewer_by_username(client_for, category):
    expert = make_user("Expert-Wang")
    org = OrganisationFactory(name="上海理工大学", kind="training_body", credit_code=None)
    client = client_for("admin")
    page = client.get(rev_url("category", category.pk)).content.decode()
    assert 'list="reviewer-accounts"' in page and '<option value="judge">' in page
    response = client.post(
        rev_url("add", category.pk),
        {
            "reviewer-username": "expert-wang",
            "reviewer-name": "王教授",
            "reviewer-organisation": "上海理工大学",
        },
    )
    assert response.status_code == 302
    reviewer = Reviewer.objects.get()
    assert (reviewer.user, reviewer.name, reviewer.organisation) == (expert, "王教授", org)
    response = client.post(rev_url("add", category.pk), {"reviewer-username": "no-such-user"})
    assert response.status_code == 200
    assert "No active account has this username." in response.content.decode()
    assert Reviewer.objects.count() == 1


def test_admin_declares_a_conflict_and_removes_a_reviewer(client_for, category, make_reviewer):
    reviewer = make_reviewer("甲")
    org = OrganisationFactory(name="上海戊电子有限公司")
    client = client_for("admin")
    response = client.post(
        rev_url("conflict", category.pk),
        {
            "conflict-reviewer": reviewer.pk,
            "conflict-organisation": org.credit_code,
            "conflict-reason": "曾任职",
        },
    )
    assert response.status_code == 302
    assert ReviewerConflict.objects.get().organisation == org
    page = client.get(rev_url("category", category.pk)).content.decode()
    assert "上海戊电子有限公司" in page and "曾任职" in page
    assert client.post(rev_url("remove", category.pk, reviewer.pk)).status_code == 302
    assert not Reviewer.objects.exists()
    assert AuditEntry.objects.filter(action="honours.reviewer_removed").count() == 1


def test_a_reviewer_of_another_category_is_not_removed_here(
    client_for, category, round_, make_reviewer
):
    from jingsai.honours.models import RoundCategory

    other = RoundCategory.objects.exclude(pk=category.pk).filter(round=round_)[0]
    elsewhere = make_reviewer(round_category=other)
    response = client_for("admin").post(rev_url("remove", category.pk, elsewhere.pk))
    assert response.status_code == 404 and Reviewer.objects.filter(pk=elsewhere.pk).exists()


def test_progress_shows_totals_and_flags(client_for, category, nominate, make_reviewer):
    a, b = make_reviewer("甲"), make_reviewer("乙")
    flagged = nominate(WorkerFactory(name="周一"))
    done = nominate(WorkerFactory(name="吴二"))
    waiting = nominate(WorkerFactory(name="郑三"))
    put_sheet(a, flagged, ["40", "20", "20"])
    put_sheet(b, flagged, ["10", "20", "20"])
    put_sheet(a, done, ["30", "20", "20"])
    put_sheet(b, done, ["31", "21", "20.01"])
    put_sheet(a, waiting, ["30", "20", "20"])
    for role in ("admin", "leader"):
        response = client_for(role).get(rev_url("category", category.pk))
        assert response.status_code == 200
        page = response.content.decode()
        assert "65.00" in page  # 25 + 20 + 20, with a spread flag
        assert "71.01" in page  # 30.5 + 20.5 + 20.005 = 71.005 → 71.01
        assert "differ by more than the spread limit" in page
        assert "waiting for 乙" in page
        assert "2 of 3 nominations fully marked · 2 with flags" in page


def test_leadership_reads_but_does_not_change(client_for, world, category, nominate, make_reviewer):
    reviewer = make_reviewer("甲")
    nomination = nominate()
    sheet = put_sheet(reviewer, nomination, ["40", "20", "20"])
    client = client_for("leader")
    page = client.get(rev_url("category", category.pk)).content.decode()
    assert "Add a reviewer" not in page and "Remove" not in page
    page = client.get(rev_url("nomination", category.pk, nomination.pk)).content.decode()
    assert "Reopen for re-scoring" not in page and "80.00" in page
    assert client.get(rev_url("index")).status_code == 200
    assert (
        client.post(rev_url("add", category.pk), {"reviewer-username": "judge"}).status_code == 403
    )
    assert client.post(rev_url("remove", category.pk, reviewer.pk)).status_code == 403
    assert (
        client.post(
            rev_url("conflict", category.pk),
            {"conflict-reviewer": reviewer.pk, "conflict-organisation": world["ours"].name},
        ).status_code
        == 403
    )
    assert client.post(rev_url("reopen", category.pk, sheet.pk), {"reason": "x"}).status_code == 403
    assert Reviewer.objects.count() == 1 and not ReviewerConflict.objects.exists()
    assert ReviewSheet.objects.get().submitted_at is not None


@pytest.mark.parametrize("role", ["coorganiser", "officer", "judge", "worker", "nobody"])
def test_others_see_no_review_pages(client_for, category, role):
    client = client_for(role)
    assert client.get(rev_url("index")).status_code == 403
    assert client.get(rev_url("category", category.pk)).status_code == 403


def test_a_reviewer_does_not_see_the_back_office_progress(category, seat):
    assert login(seat.user).get(rev_url("category", category.pk)).status_code == 403


def test_admin_reopens_a_sheet_with_a_reason(client_for, category, nominate, make_reviewer):
    reviewer = make_reviewer("甲")
    nomination = nominate()
    sheet = put_sheet(reviewer, nomination, ["40", "20", "20"])
    client = client_for("admin")
    page = client.get(rev_url("nomination", category.pk, nomination.pk)).content.decode()
    assert "Reopen for re-scoring" in page
    response = client.post(rev_url("reopen", category.pk, sheet.pk), {"reason": ""})
    assert response.status_code == 302
    assert ReviewSheet.objects.get().submitted_at is not None
    response = client.post(
        rev_url("reopen", category.pk, sheet.pk), {"reason": "分差过大"}, follow=True
    )
    assert "is reopened" in response.content.decode()
    assert ReviewSheet.objects.get().submitted_at is None
    entry = AuditEntry.objects.get(action="honours.review_reopened")
    assert entry.note == "分差过大"


def test_index_lists_the_categories(client_for, category, make_reviewer, nominate):
    make_reviewer()
    nominate()
    nominate(eligible=False)
    page = client_for("admin").get(rev_url("index")).content.decode()
    assert rev_url("category", category.pk) in page
    link = f'<a href="{rev_url("category", category.pk)}">{category}</a>'
    assert f'data-category="{category.pk}"><td>{link}</td><td>1</td><td>1</td>' in page


def test_the_conflicted_reviewer_is_shown_with_the_reason(
    client_for, category, nominate, make_reviewer
):
    employer = OrganisationFactory(name="上海己化工有限公司")
    make_reviewer("甲", organisation=employer)
    nomination = nominate(WorkerFactory(employer=employer, name="冯四"))
    page = (
        client_for("admin").get(rev_url("nomination", category.pk, nomination.pk)).content.decode()
    )
    assert "甲 belongs to 上海己化工有限公司" in page
    assert Role.JUDGE  # the fixtures' accounts keep their roles


def test_the_reviewer_downloads_the_nominations_files(
    settings, tmp_path, seat, nominate, make_reviewer
):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    employer = OrganisationFactory()
    nomination = nominate(WorkerFactory(employer=employer))
    row = NominationFile(
        nomination=nomination, title="事迹材料.pdf", content_type="application/pdf"
    )
    row.size = 9
    row.file.save("upload.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    other = nominate()
    args = [seat.pk, nomination.pk, row.pk]
    page = login(seat.user).get(urls(seat, nomination)[0]).content.decode()
    assert reverse("portal:review_file", args=args) in page
    response = login(seat.user).get(reverse("portal:review_file", args=args))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n"
    assert "attachment" in response["Content-Disposition"]
    # the file is looked up within the nomination in the URL
    wrong = reverse("portal:review_file", args=[seat.pk, other.pk, row.pk])
    assert login(seat.user).get(wrong).status_code == 404
    # a reviewer in conflict with the nomination gets nothing
    conflicted = make_reviewer(organisation=employer)
    url = reverse("portal:review_file", args=[conflicted.pk, nomination.pk, row.pk])
    assert login(conflicted.user).get(url).status_code == 404
    # nor does a colleague through another's seat
    assert login(conflicted.user).get(reverse("portal:review_file", args=args)).status_code == 404
