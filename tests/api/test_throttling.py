"""Rate limits: anonymous callers by address, signed-in callers by user, each with its
own budget; over it, 429 in the API's error shape with ``Retry-After``."""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from jingsai.api.throttling import AnonymousThrottle, RateThrottle
from tests.api.conftest import ApiClient

YEARS = "/api/v1/catalogue/years"  # public: anonymous callers and token users alike
THROTTLED_ZH = "请求过于频繁，请稍后再试。"


@pytest.fixture(autouse=True)
def fresh_counts():
    """The counts live in the process's cache, shared by the whole run."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """The throttles' clock, moved by hand."""
    now = {"t": 1_000_000.0}
    monkeypatch.setattr(RateThrottle, "timer", staticmethod(lambda: now["t"]))
    return now


def anonymous(address="192.0.2.10") -> Client:
    return Client(REMOTE_ADDR=address)


def statuses(client, n, **headers) -> list[int]:
    return [client.get(YEARS, headers=headers).status_code for _ in range(n)]


@override_settings(JINGSAI_API_RATE_ANON="3/min")
def test_the_call_over_the_anonymous_limit_is_refused_with_429(preset, clock):
    client = anonymous()
    assert statuses(client, 3) == [200, 200, 200]
    response = client.get(YEARS)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "throttled", "message": THROTTLED_ZH, "detail": None}
    assert response["Retry-After"] == "60"  # the clock stood still: a whole window to wait


@override_settings(JINGSAI_API_RATE_ANON="2/min")
def test_retry_after_says_when_the_oldest_call_leaves_the_window(preset, clock):
    client = anonymous()
    assert client.get(YEARS).status_code == 200
    clock["t"] += 10
    assert client.get(YEARS).status_code == 200
    clock["t"] += 15
    response = client.get(YEARS)
    assert response.status_code == 429
    assert response["Retry-After"] == "35"  # 60 s after the first call, 25 s have gone


@override_settings(JINGSAI_API_RATE_ANON="2/min")
def test_each_address_has_its_own_budget_and_x_forwarded_for_is_not_believed(preset):
    client = anonymous("192.0.2.10")
    assert statuses(client, 2) == [200, 200]
    # a client naming another address of its own does not get a fresh budget
    assert statuses(client, 1, **{"X-Forwarded-For": "203.0.113.99"}) == [429]
    assert statuses(anonymous("192.0.2.11"), 1) == [200]


@override_settings(
    JINGSAI_API_RATE_ANON="1/min", SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
)
def test_behind_the_proxy_the_address_the_proxy_saw_is_counted(preset):
    proxy = anonymous("10.0.0.1")  # every caller comes through the reverse proxy
    first = {"X-Forwarded-For": "203.0.113.99, 198.51.100.1"}
    second = {"X-Forwarded-For": "203.0.113.99, 198.51.100.2"}
    assert statuses(proxy, 2, **first) == [200, 429]
    assert statuses(proxy, 2, **second) == [200, 429]


@override_settings(JINGSAI_API_RATE_ANON="2/min", JINGSAI_API_RATE_USER="3/min")
def test_a_token_user_has_a_budget_of_his_own(world, token_for):
    address = {"REMOTE_ADDR": "192.0.2.20"}
    assert statuses(anonymous("192.0.2.20"), 3) == [200, 200, 429]
    admin = ApiClient(token_for("admin"))
    admin.client = Client(**address)  # the same address as the throttled anonymous caller
    assert [admin.get(YEARS).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert admin.get(YEARS).json()["code"] == "throttled"
    # another user, from the same address, is not held back by the first
    officer = ApiClient(token_for("officer"))
    officer.client = Client(**address)
    assert officer.get(YEARS).status_code == 200
    # the budget is the user's: his browser session shares it, a second token too
    session = Client(**address)
    session.force_login(world["users"]["admin"])
    assert session.get(YEARS).status_code == 429
    assert ApiClient(token_for("admin")).get(YEARS).status_code == 429


@override_settings(JINGSAI_API_RATE_ANON="2/min")
def test_the_limit_resets_when_the_window_has_passed(preset, clock):
    client = anonymous()
    assert statuses(client, 3) == [200, 200, 429]
    clock["t"] += 59
    assert statuses(client, 1) == [429]
    clock["t"] += 1
    assert statuses(client, 3) == [200, 200, 429]


@override_settings(JINGSAI_API_RATE_USER="1/min")
def test_the_limit_resets_with_the_cache(world, api_as):
    admin = api_as("admin")
    assert [admin.get(YEARS).status_code for _ in range(2)] == [200, 429]
    cache.clear()
    assert admin.get(YEARS).status_code == 200


def test_the_rate_is_read_at_each_request(preset):
    client = anonymous()
    with override_settings(JINGSAI_API_RATE_ANON="1/min"):
        assert statuses(client, 2) == [200, 429]
    with override_settings(JINGSAI_API_RATE_ANON="5/min"):
        assert statuses(client, 1) == [200]


def test_a_malformed_rate_is_refused_when_the_throttle_is_made():
    with override_settings(JINGSAI_API_RATE_ANON="lots"), pytest.raises(ValueError, match="lots"):
        AnonymousThrottle()


@override_settings(JINGSAI_API_RATE_ANON="1/min")
def test_a_caller_without_a_valid_token_gets_401_not_429(preset):
    client = anonymous()
    assert statuses(client, 2) == [200, 429]
    response = client.get(YEARS, headers={"Authorization": "Bearer jsk_wrong"})
    assert response.status_code == 401
