"""The scoping rule for each role, through every page and export that shows workers."""

import io

import pytest
from python_calamine import CalamineWorkbook

from jingsai.access import policy
from jingsai.organisations.models import Organisation
from jingsai.people.models import Worker

pytestmark = pytest.mark.django_db


def _export_names(response):
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    return {row[1] for row in rows[1:]}


def test_officer_sees_only_own_enterprise_workers(world):
    officer = world["users"]["officer"]
    assert set(policy.workers_visible_to(officer)) == {world["our_worker"]}
    assert set(policy.organisations_visible_to(officer)) == {world["ours"]}


@pytest.mark.parametrize("url_name", ["worker_detail", "worker_edit", "worker_delete"])
def test_officer_cannot_reach_another_enterprises_worker(client_for, world, url_name):
    client = client_for("officer")
    pk = world["their_worker"].pk
    assert (
        client.get(
            f"/office/workers/{pk}/"
            + {"worker_detail": "", "worker_edit": "edit/", "worker_delete": "delete/"}[url_name]
        ).status_code
        == 404
    )


def test_officer_cannot_change_another_enterprises_worker_by_post(client_for, world):
    client = client_for("officer")
    worker = world["their_worker"]
    response = client.post(f"/office/workers/{worker.pk}/edit/", {"name": "篡改", "trade": "x"})
    assert response.status_code == 404
    worker.refresh_from_db()
    assert worker.name == "李四"
    assert client.post(f"/office/workers/{worker.pk}/delete/").status_code == 404
    assert Worker.objects.filter(pk=worker.pk).exists()


def test_officer_cannot_reach_another_enterprise(client_for, world):
    client = client_for("officer")
    assert client.get(f"/office/organisations/{world['theirs'].pk}/").status_code == 404
    assert client.get(f"/office/organisations/{world['theirs'].pk}/edit/").status_code == 404


def test_officer_list_and_export_hold_only_own_workers(client_for, world):
    client = client_for("officer")
    page = client.get("/office/workers/").content.decode()
    assert "张三丰" in page and "李四" not in page
    names = _export_names(client.get("/office/workers/export.xlsx"))
    assert names == {"张三丰"}
    # asking for the other enterprise through a filter changes nothing
    names = _export_names(client.get(f"/office/workers/export.xlsx?employer={world['theirs'].pk}"))
    assert names == set()
    org_names = _export_names(client.get("/office/organisations/export.xlsx"))
    assert org_names == {"上海甲芯片有限公司"}


def test_officer_cannot_register_a_worker_for_another_enterprise(client_for, world):
    client = client_for("officer")
    response = client.post(
        "/office/workers/new/",
        {
            "name": "王五",
            "id_number": "310115198001011238",
            "employer": world["theirs"].credit_code,
        },
    )
    assert response.status_code == 302
    created = Worker.objects.get(id_number="310115198001011238")
    assert created.employer == world["ours"]  # the employer field is fixed to his enterprise


def test_admin_sees_everything(world):
    admin = world["users"]["admin"]
    assert policy.workers_visible_to(admin).count() == 2
    assert policy.can_change_worker(admin, world["their_worker"])


def test_leadership_reads_but_cannot_change(client_for, world):
    client = client_for("leader")
    assert client.get(f"/office/workers/{world['their_worker'].pk}/").status_code == 200
    assert client.get(f"/office/workers/{world['their_worker'].pk}/edit/").status_code == 403
    assert client.get("/office/workers/new/").status_code == 403
    assert client.get("/office/organisations/new/").status_code == 403


@pytest.mark.parametrize("role", ["coorganiser", "judge", "worker", "nobody"])
def test_roles_without_worker_pages_are_refused(client_for, world, role):
    client = client_for(role)
    assert client.get("/office/workers/").status_code == 403
    assert client.get("/office/workers/export.xlsx").status_code == 403
    assert client.get(f"/office/workers/{world['their_worker'].pk}/").status_code == 403


def test_worker_sees_only_self(world):
    assert list(policy.workers_visible_to(world["users"]["worker"])) == [world["our_worker"]]


def test_anonymous_is_sent_to_login(world):
    from django.test import Client

    response = Client().get("/office/workers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_officer_loses_rights_when_the_organisation_is_no_longer_an_enterprise(world):
    officer = world["users"]["officer"]
    Organisation.objects.filter(pk=world["ours"].pk).update(kind="service_body", credit_code=None)
    officer = type(officer).objects.get(pk=officer.pk)
    assert not policy.workers_visible_to(officer).exists()
    assert not policy.employers_for_new_workers(officer).exists()


def test_officer_who_is_also_a_worker_elsewhere_sees_his_own_record(world):
    from jingsai.people.models import Role, RoleGrant

    officer = world["users"]["officer"]
    theirs = world["their_worker"]
    theirs.user = officer
    theirs.save()
    RoleGrant.objects.create(user=officer, role=Role.WORKER, organisation=world["theirs"])
    officer = type(officer).objects.get(pk=officer.pk)
    assert set(policy.workers_visible_to(officer)) == {world["our_worker"], theirs}


def test_co_organiser_opens_own_organisation_only(client_for, world):
    client = client_for("coorganiser")
    own = world["users"]["coorganiser"].grants.get().organisation
    assert client.get(f"/office/organisations/{own.pk}/").status_code == 200
    assert client.get(f"/office/organisations/{world['ours'].pk}/").status_code == 404


def test_officer_sees_year_of_birth_not_the_date(client_for, world):
    worker = world["our_worker"]
    page = client_for("officer").get(f"/office/workers/{worker.pk}/").content.decode()
    assert worker.birth_date.strftime("%Y-%m-%d") not in page
    assert f"<dd>{worker.birth_date.year}</dd>" in page
