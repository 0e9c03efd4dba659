"""With ``CACHE_URL`` the rate counts live in Redis, shared by every worker process and
application server: a process that starts afresh (a new cache connection) sees the calls
the others counted. Needs the Redis server of the test machine (127.0.0.1:6379, or
``TEST_REDIS_URL``)."""

import os
import subprocess
import sys
import uuid

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
YEARS = "/api/v1/catalogue/years"


def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis server at {REDIS_URL}")
    return client


@pytest.fixture
def shared_cache():
    """The settings CACHE_URL gives, under a prefix of this test's own."""
    server = redis_client()
    prefix = f"jingsai-test-{uuid.uuid4().hex}"
    config = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=config):
        yield server, prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def a_new_process():
    """What a worker process starting afresh has: no cache object or connection yet."""
    before = caches["default"]
    caches.close_all()
    del caches["default"]
    assert caches["default"] is not before


@override_settings(JINGSAI_API_RATE_ANON="2/min")
def test_the_counts_are_in_redis_and_seen_by_every_process(preset, shared_cache):
    server, prefix = shared_cache
    client = Client(REMOTE_ADDR="192.0.2.77")
    assert [client.get(YEARS).status_code for _ in range(2)] == [200, 200]
    keys = [k.decode() for k in server.scan_iter(f"{prefix}:*")]
    assert len(keys) == 1 and "jingsai-api-throttle:anon:192.0.2.77" in keys[0]
    a_new_process()
    assert client.get(YEARS).status_code == 429
    assert Client(REMOTE_ADDR="192.0.2.78").get(YEARS).status_code == 200


@pytest.mark.parametrize(
    ("url", "accepted"),
    [("redis://127.0.0.1:6379/0", True), ("memcached://127.0.0.1:11211", False)],
)
def test_cache_url_must_name_a_redis_server(url, accepted, tmp_path):
    env = os.environ | {
        "CACHE_URL": url,
        "DJANGO_SETTINGS_MODULE": "jingsai.settings",
        "SECRET_KEY": "x" * 50,
        "JINGSAI_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])"
    )
    done = subprocess.run(  # noqa: S603 (this interpreter, a fixed program)
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    if accepted:
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["django.core.cache.backends.redis.RedisCache", url]
    else:
        assert done.returncode != 0
        assert "CACHE_URL must be a redis://, rediss:// or unix:// address." in done.stderr
