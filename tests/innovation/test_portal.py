"""The worker's innovation pages in the portal: he sees the results he authored only,
records one (himself an author, his employer the enterprise, colleagues as
co-authors), follows status, tier and rejection reasons, and handles files."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingsai.innovation.domain import lifecycle
from jingsai.innovation.models import Author, InnovationResult, ResultFile
from jingsai.people.models import Role
from tests.factories import WorkerFactory, make_user

pytestmark = pytest.mark.django_db
K = InnovationResult.Kind
S = InnovationResult.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_only_workers_use_the_portal_pages(users, client_of):
    for role in ("officer", "coorganiser", "nobody"):
        assert client_of(users[role]).get("/home/innovations/").status_code == 403
    assert client_of(users["worker"]).get("/home/innovations/").status_code == 200


def test_a_worker_sees_only_the_results_he_authored(
    users, client_of, world, colleague, make_result, advance
):
    mine = advance(make_result(title="我的成果"), S.VERIFIED, money=Decimal(60_000))
    rejected = make_result(title="被退回的建议", kind=K.SUGGESTION)
    lifecycle.reject(actor=users["officer"], result=rejected, reason="缺少实施方案")
    colleagues = make_result(title="同事的成果", authors=[colleague])
    worker = client_of(users["worker"])
    page = worker.get("/home/innovations/").content.decode()
    assert "我的成果" in page and "被退回的建议" in page and "同事的成果" not in page
    assert "三等" in page  # the tier of the verified one
    assert "缺少实施方案" in page  # the reason of the rejected one
    detail = worker.get(f"/home/innovations/{mine.pk}/").content.decode()
    assert re.search(r'id="tier"><strong>三等</strong>', detail)
    assert worker.get(f"/home/innovations/{colleagues.pk}/").status_code == 404
    assert worker.get(f"/home/innovations/{colleagues.pk}/edit/").status_code == 404


def test_a_worker_records_a_result_with_colleagues(users, client_of, world, colleague, year):
    worker = client_of(users["worker"])
    page = worker.get("/home/innovations/new/").content.decode()
    assert "王五" in page  # his colleague is offered
    assert "李四" not in page  # another enterprise's worker is not
    assert world["our_worker"].masked_id_number not in page
    form = {
        "kind": K.METHOD,
        "title": "张三丰快速换模法",
        "year": year.pk,
        "description": "换模时间从 40 分钟降到 15 分钟。",
    }
    # a worker of another enterprise cannot be slipped in
    response = worker.post("/home/innovations/new/", form | {"authors": [world["their_worker"].pk]})
    assert response.status_code == 200 and not InnovationResult.objects.exists()
    response = worker.post("/home/innovations/new/", form | {"authors": [colleague.pk]})
    result = InnovationResult.objects.get()
    assert response["Location"] == f"/home/innovations/{result.pk}/"
    assert result.enterprise == world["ours"] and result.submitted_by == users["worker"]
    assert list(
        Author.objects.filter(result=result).order_by("order").values_list("worker_id", flat=True)
    ) == [world["our_worker"].pk, colleague.pk]
    # alone, he is the only author
    worker.post("/home/innovations/new/", form | {"title": "独立完成"})
    alone = InnovationResult.objects.get(title="独立完成")
    assert list(alone.authors.values_list("worker_id", flat=True)) == [world["our_worker"].pk]


def test_a_worker_edits_until_adoption_and_keeps_his_place(
    users, client_of, world, colleague, make_result, advance
):
    result = make_result(authors=[colleague, world["our_worker"]])
    worker = client_of(users["worker"])
    response = worker.post(
        f"/home/innovations/{result.pk}/edit/",
        {
            "kind": K.ACHIEVEMENT,
            "title": "新标题",
            "year": result.year_id,
            "description": "说明",
            "authors": [colleague.pk],
        },
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.title == "新标题"
    assert list(
        Author.objects.filter(result=result).order_by("order").values_list("worker_id", flat=True)
    ) == [colleague.pk, world["our_worker"].pk]
    advance(result, S.ADOPTED)
    assert worker.get(f"/home/innovations/{result.pk}/edit/").status_code == 403
    page = worker.get(f"/home/innovations/{result.pk}/").content.decode()
    assert "Edit the result" not in page and "Add the file" not in page


def test_files_in_the_portal(users, client_of, world, colleague, make_result):
    result = make_result()
    worker = client_of(users["worker"])
    worker.post(
        f"/home/innovations/{result.pk}/files/",
        {"title": "图纸", "file": SimpleUploadedFile("x.png", b"not an image")},
    )
    assert not ResultFile.objects.exists()
    worker.post(f"/home/innovations/{result.pk}/files/", {"file": SimpleUploadedFile("x.pdf", PDF)})
    item = ResultFile.objects.get()
    url = f"/home/innovations/{result.pk}/files/{item.pk}/"
    assert b"".join(worker.get(url).streaming_content) == PDF
    # another worker of the same enterprise who is not an author does not get it
    other = WorkerFactory(employer=world["ours"], name="孙八")
    other.user = make_user("worker-2", Role.WORKER, world["ours"])
    other.save()
    assert client_of(other.user).get(url).status_code == 404
    assert (
        client_of(other.user).get(f"/office/innovation/{result.pk}/files/{item.pk}/").status_code
        == 403
    )
    assert worker.post(f"{url}remove/").status_code == 302
    assert not ResultFile.objects.exists()
