import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from jingsai.common.models import AuditEntry
from jingsai.organisations.domain.services import update_organisation
from jingsai.people.models import Worker
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


def table(response) -> str:
    page = response.content.decode()
    return page[page.index("<tbody>") : page.index("</tbody>")]


def test_register_worker_derives_birth_date_and_gender(client_for, world):
    client = client_for("admin")
    response = client.post(
        "/office/workers/new/",
        {
            "name": "周七",
            "id_number": "310115196503150028",
            "employer": world["ours"].credit_code,
            "trade": "焊工",
            "skill_level": "2",
            "phone": "13900002222",
        },
    )
    worker = Worker.objects.get(id_number="310115196503150028")
    assert response.status_code == 302
    assert (worker.birth_date.isoformat(), worker.gender, worker.name_initials) == (
        "1965-03-15",
        "F",
        "zq",
    )
    assert AuditEntry.objects.filter(
        object_type="people.worker", object_id=str(worker.pk), action="create"
    ).exists()


def test_invalid_id_number_is_refused_in_chinese_and_input_kept(client_for, world):
    client = client_for("admin")
    response = client.post(
        "/office/workers/new/",
        {
            "name": "周七",
            "id_number": "310115196503150029",
            "employer": world["ours"].credit_code,
            "trade": "焊工",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "身份证号" in page and "校验" in page
    assert (
        'value="周七"' in page and 'value="焊工"' in page and 'value="310115196503150029"' in page
    )
    assert not Worker.objects.filter(name="周七").exists()


def test_invalid_phone_is_refused_with_field_message(client_for, world):
    client = client_for("admin")
    response = client.post(
        "/office/workers/new/",
        {
            "name": "周七",
            "id_number": "310115196503150028",
            "employer": world["ours"].credit_code,
            "phone": "1391234",
        },
    )
    assert "id_phone_errors" in response.content.decode()
    assert not Worker.objects.filter(name="周七").exists()


def _id_number_error(response) -> str:
    page = response.content.decode()
    message = page[page.index('id="id_id_number_errors"') :]
    return message[: message.index("</ul>")]


def test_duplicate_id_number_names_the_existing_worker_masked(client_for, world):
    existing = world["their_worker"]
    response = client_for("admin").post(
        "/office/workers/new/",
        {"name": "冒名", "id_number": existing.id_number, "employer": world["ours"].credit_code},
    )
    message = _id_number_error(response)
    assert existing.masked_id_number in message
    assert existing.id_number not in message
    assert "李四" in message
    assert "上海乙医药有限公司" in message
    assert Worker.objects.filter(id_number=existing.id_number).count() == 1


def test_duplicate_id_number_from_another_enterprise_names_nobody(client_for, world):
    existing = world["their_worker"]
    response = client_for("officer").post(
        "/office/workers/new/", {"name": "冒名", "id_number": existing.id_number}
    )
    message = _id_number_error(response)
    assert existing.masked_id_number in message
    assert "李四" not in message
    assert "上海乙医药有限公司" not in message
    assert Worker.objects.filter(id_number=existing.id_number).count() == 1


def test_edit_keeps_id_number_when_left_blank(client_for, world):
    client = client_for("officer")
    worker = world["our_worker"]
    response = client.post(
        f"/office/workers/{worker.pk}/edit/",
        {"name": "张三丰", "id_number": "", "trade": "钳工", "phone": ""},
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.trade == "钳工" and worker.phone == "13912345678"


def test_officer_pages_show_masked_personal_data(client_for, world):
    worker = world["our_worker"]
    for url in (
        "/office/workers/",
        f"/office/workers/{worker.pk}/",
        f"/office/workers/{worker.pk}/edit/",
    ):
        page = client_for("officer").get(url).content.decode()
        assert worker.id_number not in page, url
        assert worker.phone not in page, url


def test_admin_sees_full_id_number_only_on_worker_page(client_for, world):
    worker = world["our_worker"]
    client = client_for("admin")
    assert worker.id_number in client.get(f"/office/workers/{worker.pk}/").content.decode()
    assert worker.id_number not in client.get("/office/workers/").content.decode()
    assert worker.id_number not in client.get(f"/office/workers/{worker.pk}/edit/").content.decode()


def test_id_number_search_redirects_without_number_in_url(client_for, world):
    worker = world["their_worker"]
    response = client_for("admin").post("/office/workers/", {"q": worker.id_number})
    assert response.status_code == 302
    assert response["Location"] == f"/office/workers/{worker.pk}/"
    assert worker.id_number not in response["Location"]


@pytest.mark.parametrize("typed", ["31011519800101123", "310115-19800101123-8", "3101151980"])
def test_partial_id_numbers_never_go_into_the_url(client_for, world, typed):
    client = client_for("admin")
    response = client.post("/office/workers/", {"q": typed})
    assert response["Location"] == "/office/workers/"
    digits = "".join(c for c in typed if c.isdigit())
    assert table(client.get(f"/office/workers/?q={digits}")).count("<tr>") == 1  # "no match" row


def test_id_number_with_separators_is_found(client_for, world):
    worker = world["their_worker"]
    spaced = f"{worker.id_number[:6]} {worker.id_number[6:14]}-{worker.id_number[14:]}"
    response = client_for("admin").post("/office/workers/", {"q": spaced})
    assert response["Location"] == f"/office/workers/{worker.pk}/"


def test_id_number_search_outside_scope_finds_nothing(client_for, world):
    response = client_for("officer").post(
        "/office/workers/", {"q": world["their_worker"].id_number}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/office/workers/"
    assert "李四" not in response.content.decode()


def test_name_and_initials_search(client_for, world):
    client = client_for("admin")
    response = client.post("/office/workers/", {"q": "张三"})
    assert response["Location"].endswith("?q=%E5%BC%A0%E4%B8%89")
    page = table(client.get(response["Location"]))
    assert "张三丰" in page and "李四" not in page
    page = table(client.get("/office/workers/?q=zsf"))
    assert "张三丰" in page and "李四" not in page


def test_filter_by_skill_level_and_zone(client_for, world):
    from jingsai.catalogue.models import Zone

    zone = Zone.objects.get(code="zhangjiang")
    update_organisation(actor=None, organisation=world["ours"], zone=zone)
    WorkerFactory(employer=world["theirs"], name="钱八", skill_level=1)
    client = client_for("admin")
    page = table(client.get(f"/office/workers/?zone={zone.pk}"))
    assert "张三丰" in page and "李四" not in page
    page = table(client.get("/office/workers/?skill_level=1"))
    assert "钱八" in page and "张三丰" not in page


def test_export_neutralises_formulas_and_masks(client_for, world):
    WorkerFactory(employer=world["ours"], name="=HYPERLINK(1)", trade="+SUM(A1)")
    response = client_for("admin").get("/office/workers/export.xlsx")
    data = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    by_name = {row[1]: row for row in rows[1:]}
    assert "'=HYPERLINK(1)" in by_name
    assert by_name["'=HYPERLINK(1)"][6] == "'+SUM(A1)"
    assert by_name["张三丰"][2] == world["our_worker"].masked_id_number


def test_worker_list_query_count_does_not_grow(client_for, world):
    client = client_for("admin")
    client.get("/office/workers/")
    with CaptureQueriesContext(connection) as few:
        client.get("/office/workers/")
    WorkerFactory.create_batch(5)
    with CaptureQueriesContext(connection) as many:
        client.get("/office/workers/")
    assert len(few) == len(many)


def test_admin_deletes_worker_with_audit(client_for, world):
    worker = world["their_worker"]
    response = client_for("admin").post(f"/office/workers/{worker.pk}/delete/")
    assert response.status_code == 302
    assert not Worker.objects.filter(pk=worker.pk).exists()
    entry = AuditEntry.objects.filter(action="delete", object_id=str(worker.pk)).get()
    assert entry.before["name"] == "李四"


def test_worker_with_a_history_is_kept_with_a_message(client_for, world, make_competition):
    from jingsai.competitions.models import Entry, EntryMember

    worker = world["their_worker"]
    competition = make_competition()
    entry = Entry.objects.create(competition=competition, enterprise=worker.employer)
    EntryMember.objects.create(entry=entry, competition=competition, worker=worker)
    response = client_for("admin").post(f"/office/workers/{worker.pk}/delete/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/office/workers/{worker.pk}/"
    page = response.content.decode()
    assert "李四" in page and "不能删除" in page
    assert Worker.objects.filter(pk=worker.pk).exists()
    assert not AuditEntry.objects.filter(action="delete", object_id=str(worker.pk)).exists()


def test_export_too_large_is_refused_with_a_message(client_for, world, settings):
    settings.JINGSAI_EXPORT_ROW_LIMIT = 1
    response = client_for("admin").get("/office/workers/export.xlsx", follow=True)
    assert response.redirect_chain[-1][0].startswith("/office/workers/")
    assert "超过 1 条" in response.content.decode()
