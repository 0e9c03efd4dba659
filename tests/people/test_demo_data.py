import pytest
from django.core.management import call_command
from django.test import override_settings

from jingsai.organisations.models import Organisation
from jingsai.organisations.validators import validate_credit_code
from jingsai.people.models import User, Worker
from jingsai.people.validators import parse_id_number

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_demo_data_makes_valid_people_and_one_account_per_role():
    call_command(
        "demo-data".replace("-", "_"), "--enterprises", "20", "--workers", "300", "--quiet"
    )
    assert Worker.objects.count() == 300
    assert Organisation.objects.filter(kind="enterprise").count() == 20
    for worker in Worker.objects.select_related("employer"):
        parsed = parse_id_number(worker.id_number)
        assert (parsed.birth_date, parsed.gender) == (worker.birth_date, worker.gender)
        assert (worker.zone_id, worker.industry_id) == (
            worker.employer.zone_id,
            worker.employer.industry_id,
        )
    for enterprise in Organisation.objects.filter(kind="enterprise"):
        validate_credit_code(enterprise.credit_code)
        assert "科技科技" not in enterprise.name
    accounts = {u.username for u in User.objects.all() if u.has_usable_password()}
    assert accounts == {
        "admin", "leader", "coorganiser", "officer", "judge", "worker", "expert",
    }  # fmt: skip
    # the labour league's inspection team and the other 830 reviewers: names, no sign-in
    team = User.objects.exclude(username__in=accounts)
    assert team.exists() and all(u.username.startswith(("gmr_", "expert")) for u in team)
    assert (
        Worker.objects.get(user__username="worker")
        .employer.grants.filter(user__username="officer")
        .exists()
    )


@override_settings(DEBUG=True)
def test_demo_data_twice_adds_more_without_collisions():
    call_command("demo_data", "--enterprises", "5", "--workers", "100", "--quiet")
    call_command("demo_data", "--enterprises", "5", "--workers", "100", "--quiet")
    assert Worker.objects.count() == 200
    assert User.objects.exclude(username__startswith="gmr_").count() == 6 + 5  # + reviewers


@override_settings(DEBUG=False)
def test_demo_data_without_debug_creates_no_published_logins():
    call_command("demo_data", "--enterprises", "3", "--workers", "10", "--quiet")
    assert Worker.objects.count() == 10
    assert not User.objects.exists()


def test_create_admin_command(preset, monkeypatch):
    from jingsai.access import policy

    monkeypatch.setenv("JINGSAI_ADMIN_PASSWORD", "Huangpu-River-2026!")
    call_command("create_admin", "alice")
    alice = User.objects.get(username="alice")
    assert policy.is_programme_admin(alice)
    assert alice.check_password("Huangpu-River-2026!")


def test_create_admin_refuses_a_weak_password(preset, monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.setenv("JINGSAI_ADMIN_PASSWORD", "123")
    with pytest.raises(CommandError):
        call_command("create_admin", "bob")
    assert not User.objects.filter(username="bob").exists()
