"""Signing in: failed attempts locked out per account and per address with a message that
says so; a second factor (TOTP) for programme admins and chief judges, set up at the first
sign-in, asked at each one, reset by a programme admin."""

import re

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from jingsai.access import policy, signin
from jingsai.common.models import AuditEntry
from jingsai.judging.models import PanelJudge

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-password-42"
LIMIT = settings.AXES_FAILURE_LIMIT  # the configured limit (5 unless set otherwise)


def english(client: Client, address: str = "10.0.0.1") -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.defaults["REMOTE_ADDR"] = address
    return client


def sign_in(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


@pytest.fixture
def accounts(world):
    users = world["users"]
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    return users


# --- throttling -------------------------------------------------------------------------


@override_settings(AXES_ENABLED=True)
def test_an_account_is_locked_after_the_limit_and_says_so(accounts):
    client = english(Client())
    for _n in range(LIMIT - 1):
        assert sign_in(client, "officer", "wrong").status_code == 200  # the form again
    locked = sign_in(client, "officer", "wrong")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert f"Too many failed sign-ins ({LIMIT})" in text
    assert "Try again in 15 minutes" in text
    # even the right password is refused now, from another address too
    assert sign_in(english(Client(), "10.9.9.9"), "officer", PASSWORD).status_code == 429
    # other accounts from other addresses are not affected
    assert sign_in(english(Client(), "10.9.9.8"), "leader", PASSWORD).status_code == 302


@override_settings(AXES_ENABLED=True)
def test_an_address_is_locked_whatever_the_account(accounts):
    client = english(Client(), "10.1.1.1")
    names = ["nobody1", "nobody2", "nobody3", "nobody4", "nobody5", "nobody6"]
    answers = [sign_in(client, name, "guess").status_code for name in names[:LIMIT]]
    assert answers[-1] == 429 and set(answers[:-1]) == {200}
    assert sign_in(client, "leader", PASSWORD).status_code == 429  # the address is locked
    assert sign_in(english(Client(), "10.1.1.2"), "leader", PASSWORD).status_code == 302


@override_settings(AXES_ENABLED=True)
def test_a_successful_sign_in_clears_the_accounts_failures(accounts):
    client = english(Client(), "10.2.2.2")
    for _n in range(LIMIT - 1):
        sign_in(client, "judge", "wrong")
    assert sign_in(client, "judge", PASSWORD).status_code == 302
    client = english(Client(), "10.2.2.3")
    for _n in range(LIMIT - 1):
        assert sign_in(client, "judge", "wrong").status_code == 200


@override_settings(AXES_ENABLED=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_the_proxy_the_address_it_saw_counts_not_what_the_client_claims(accounts):
    for n in range(LIMIT):
        Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 10.5.5.5").post(
            "/login/", {"username": f"ghost{n}", "password": "x"}
        )
    blocked = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 10.5.5.5")
    assert sign_in(blocked, "leader", PASSWORD).status_code == 429
    other = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.0, 10.5.5.6")
    assert sign_in(other, "leader", PASSWORD).status_code == 302


# --- the second factor --------------------------------------------------------------------


def code_of(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@override_settings(JINGSAI_TWO_FACTOR=True)
def test_a_programme_admin_sets_up_the_app_then_confirms_each_sign_in(accounts):
    admin = accounts["admin"]
    client = english(Client())
    client.force_login(admin)
    answer = client.get("/office/workers/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/two-factor/setup/?next=")
    page = client.get(answer["Location"])
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    assert re.search(r'id="otp-secret">[A-Z2-7 ]{20,}<', html)
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    wrong = client.post(answer["Location"], {"code": "000000" if code_of(device) != "000000"
                                             else "111111"})  # fmt: skip
    assert "The code is wrong or has expired." in wrong.content.decode()
    assert client.get("/office/workers/").status_code == 302  # still not in
    too_soon = client.post(answer["Location"], {"code": code_of(device)})
    assert "Too many wrong codes" in too_soon.content.decode()  # a wrong code delays the next
    device.refresh_from_db()
    device.throttle_reset()  # as the delay runs out
    done = client.post(answer["Location"], {"code": code_of(device), "next": "/office/workers/"})
    assert done.status_code == 302 and done["Location"] == "/office/workers/"
    assert client.get("/office/workers/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="two_factor:setup", object_id=str(admin.pk)).exists()

    # the next sign-in asks for the code, not a new set-up
    later = english(Client())
    later.force_login(admin)
    asked = later.get("/office/dashboard/")
    assert asked["Location"].startswith("/two-factor/?next=")
    assert later.get("/two-factor/setup/")["Location"].startswith("/two-factor/")
    device.refresh_from_db()
    device.last_t = -1  # the code just used may not be used twice; let the clock move on
    device.save()
    ok = later.post("/two-factor/", {"code": code_of(device), "next": "/office/dashboard/"})
    assert ok["Location"] == "/office/dashboard/"
    assert later.get("/office/dashboard/").status_code == 200


@override_settings(JINGSAI_TWO_FACTOR=True)
def test_wrong_codes_are_throttled(accounts):
    admin = accounts["admin"]
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    client = english(Client())
    client.force_login(admin)
    right = code_of(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    first = client.post("/two-factor/", {"code": wrong})
    assert "The code is wrong or has expired." in first.content.decode()
    second = client.post("/two-factor/", {"code": right})  # too soon after a wrong one
    assert "Too many wrong codes" in second.content.decode()
    assert client.get("/office/workers/").status_code == 302
    assert "Enter the six digits" in client.post("/two-factor/", {"code": "12ab"}).content.decode()


@override_settings(JINGSAI_TWO_FACTOR=True)
def test_who_needs_the_second_factor(accounts, make_competition):
    for role in ("leader", "officer", "coorganiser", "worker"):
        client = Client()
        client.force_login(accounts[role])
        assert client.get("/home/").status_code == 200, role
    judge = accounts["judge"]
    client = Client()
    client.force_login(judge)
    assert client.get("/home/").status_code == 200  # an ordinary judge: no
    competition = make_competition()
    PanelJudge.objects.create(competition=competition, user=judge, code="J1", is_chief=True)
    assert client.get("/home/")["Location"].startswith("/two-factor/setup/")  # a chief: yes
    assert client.post("/logout/").status_code == 302  # signing out stays open


@override_settings(JINGSAI_TWO_FACTOR=True)
def test_the_one_query_answer_equals_the_answer_from_roles_and_seats(accounts, make_competition):
    chief = accounts["judge"]
    PanelJudge.objects.create(competition=make_competition(), user=chief, code="J1", is_chief=True)
    answers = {}
    for role, user in accounts.items():
        fresh = type(user).objects.get(pk=user.pk)  # nothing read yet: one query
        by_query = signin.needs_second_factor(fresh)
        policy.grants_of(fresh), policy.seats_of(fresh)  # what a page reads anyway
        assert signin.needs_second_factor(fresh) == by_query, role
        answers[role] = by_query
    assert answers["admin"] is True and answers["judge"] is True
    assert not any(answers[role] for role in ("leader", "officer", "coorganiser", "worker"))


@override_settings(JINGSAI_TWO_FACTOR=True)
def test_a_programme_admin_resets_a_lost_phone(accounts):
    leader = accounts["leader"]
    TOTPDevice.objects.create(user=leader, name="app", confirmed=True)
    admin = accounts["admin"]
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    client = english(Client())
    client.force_login(admin)
    client.post("/two-factor/", {"code": code_of(device)})
    page = client.get(f"/office/accounts/{leader.pk}/")
    assert "Two-factor sign-in: set up" in page.content.decode()
    done = client.post(f"/office/accounts/{leader.pk}/second-factor/reset/")
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=leader).exists()
    assert AuditEntry.objects.filter(action="two_factor:reset", object_id=str(leader.pk)).exists()
    # nobody else may
    other = Client()
    other.force_login(leader)
    TOTPDevice.objects.create(user=admin, name="spare", confirmed=True)
    assert other.post(f"/office/accounts/{admin.pk}/second-factor/reset/").status_code == 403
    assert TOTPDevice.objects.filter(user=admin).count() == 2


def test_off_in_the_test_settings_and_on_by_default():
    assert settings.JINGSAI_TWO_FACTOR is False
    source = (settings.BASE_DIR / "settings.py").read_text()
    assert 'env_bool("JINGSAI_TWO_FACTOR", default=True)' in source


@override_settings(JINGSAI_TWO_FACTOR=True)
def test_the_api_answers_json_to_a_session_that_owes_its_second_factor(accounts):
    client = english(Client())
    client.force_login(accounts["admin"])
    answer = client.get("/api/v1/workers")
    assert answer.status_code == 401
    assert answer.json()["code"] == "not_authenticated"
    assert "second factor" in answer.json()["message"]
