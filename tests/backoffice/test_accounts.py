import pytest
from django.test import Client

from jingsai.common.models import AuditEntry
from jingsai.people.models import Role, RoleGrant, User

pytestmark = pytest.mark.django_db

STRONG = "Chang-Jiang-2026!"


def test_admin_creates_officer_account_who_can_sign_in(client_for, world):
    response = client_for("admin").post(
        "/office/accounts/new/",
        {
            "username": "officer2",
            "display_name": "乙公司工会",
            "password": STRONG,
            "role": Role.ENTERPRISE_OFFICER,
            "organisation": world["theirs"].credit_code,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="officer2")
    assert list(user.grants.values_list("role", "organisation")) == [
        (Role.ENTERPRISE_OFFICER, world["theirs"].pk)
    ]
    assert AuditEntry.objects.filter(action="grant", object_type="people.rolegrant").exists()
    client = Client()
    assert client.login(username="officer2", password=STRONG)
    page = client.get("/office/workers/").content.decode()
    assert "李四" in page and "张三丰" not in page


def test_weak_password_is_refused_and_nothing_saved(client_for, world):
    response = client_for("admin").post(
        "/office/accounts/new/",
        {
            "username": "weak",
            "password": "123",
            "role": Role.JUDGE,
            "organisation": "浦东新区职工实训中心",
        },
    )
    assert "id_password_errors" in response.content.decode()
    assert not User.objects.filter(username="weak").exists()


def test_officer_role_needs_an_enterprise(client_for, world):
    response = client_for("admin").post(
        "/office/accounts/new/",
        {
            "username": "wrong",
            "password": STRONG,
            "role": Role.ENTERPRISE_OFFICER,
            "organisation": "浦东新区职工实训中心",
        },
    )
    assert "id_organisation_errors" in response.content.decode()
    assert not User.objects.filter(username="wrong").exists()


def test_worker_login_is_linked_to_the_worker(client_for, world):
    worker = world["their_worker"]
    client_for("admin").post(
        "/office/accounts/new/",
        {
            "username": "lisi",
            "password": STRONG,
            "role": Role.WORKER,
            "organisation": world["theirs"].credit_code,
            "worker_id_number": worker.id_number,
        },
    )
    worker.refresh_from_db()
    assert worker.user.username == "lisi"


def test_worker_login_must_be_at_the_workers_employer(client_for, world):
    response = client_for("admin").post(
        "/office/accounts/new/",
        {
            "username": "lisi",
            "password": STRONG,
            "role": Role.WORKER,
            "organisation": world["ours"].credit_code,
            "worker_id_number": world["their_worker"].id_number,
        },
    )
    assert "id_worker_id_number_errors" in response.content.decode()
    assert not User.objects.filter(username="lisi").exists()


def test_revoke_and_deactivate(client_for, world):
    client = client_for("admin")
    officer = world["users"]["officer"]
    grant = officer.grants.get()
    assert (
        client.post(f"/office/accounts/{officer.pk}/grants/{grant.pk}/revoke/").status_code == 302
    )
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    client.post(f"/office/accounts/{officer.pk}/active/", {"active": "0"})
    officer.refresh_from_db()
    assert officer.is_active is False
    assert AuditEntry.objects.filter(action="deactivate", object_id=str(officer.pk)).exists()


def test_admin_cannot_revoke_own_admin_role(client_for, world):
    admin = world["users"]["admin"]
    grant = admin.grants.get()
    client_for("admin").post(f"/office/accounts/{admin.pk}/grants/{grant.pk}/revoke/")
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


@pytest.mark.parametrize("role", ["leader", "officer", "coorganiser", "judge", "worker"])
def test_only_admins_manage_accounts(client_for, world, role):
    client = client_for(role)
    assert client.get("/office/accounts/").status_code == 403
    target = world["users"]["nobody"]
    response = client.post(
        f"/office/accounts/{target.pk}/grants/",
        {"role": Role.PROGRAMME_ADMIN, "organisation": "浦东新区总工会"},
    )
    assert response.status_code == 403
    assert not target.grants.exists()
