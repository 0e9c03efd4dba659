"""With ``CACHE_URL`` the rate counts live in Redis, shared by every worker process and
application server: a process that starts afresh (a new cache connection) sees the calls
the others counted. Values are JSON, never pickles, and a Redis server that cannot be
reached answers as an empty cache. Needs the Redis server of the test machine
(127.0.0.1:6379, or ``TEST_REDIS_URL``)."""

import json
import logging
import uuid

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from tests.redis_cache import (
    NOBODY_LISTENS,
    caches_for,
    production_settings,
    shared_cache,  # noqa: F401 (the fixture)
)

YEARS = "/api/v1/catalogue/years"


def a_new_process():
    """What a worker process starting afresh has: no cache object or connection yet."""
    before = caches["default"]
    caches.close_all()
    del caches["default"]
    assert caches["default"] is not before


@override_settings(JINGSAI_API_RATE_ANON="2/min")
def test_the_counts_are_in_redis_and_seen_by_every_process(preset, shared_cache):  # noqa: F811
    server, prefix = shared_cache
    client = Client(REMOTE_ADDR="192.0.2.77")
    assert [client.get(YEARS).status_code for _ in range(2)] == [200, 200]
    keys = [k.decode() for k in server.scan_iter(f"{prefix}:*")]
    assert len(keys) == 1 and "jingsai-api-throttle:anon:192.0.2.77" in keys[0]
    stored = json.loads(server.get(keys[0]))  # JSON, not a pickle
    assert len(stored) == 2 and all(isinstance(t, float) for t in stored)
    a_new_process()
    assert client.get(YEARS).status_code == 429
    assert Client(REMOTE_ADDR="192.0.2.78").get(YEARS).status_code == 200


@override_settings(JINGSAI_API_RATE_ANON="1/min")
def test_a_redis_server_that_cannot_be_reached_answers_as_an_empty_cache(preset, tmp_path, caplog):
    prefix = f"jingsai-test-{uuid.uuid4().hex}"
    with (
        override_settings(CACHES=caches_for(NOBODY_LISTENS, tmp_path, prefix)),
        caplog.at_level(logging.WARNING, logger="jingsai.common.cache"),
    ):
        client = Client(REMOTE_ADDR="192.0.2.79")
        # nothing can be counted: the calls go through rather than fail
        assert [client.get(YEARS).status_code for _ in range(3)] == [200, 200, 200]
        cache = caches["default"]
        cache.set("k", [1.5])
        assert cache.get("k", "none") == "none" and cache.add("k", 1) is False
    assert "shared cache unavailable, get skipped: ConnectionError" in caplog.text


def test_values_are_stored_as_json_and_counts_as_integers(shared_cache):  # noqa: F811
    server, prefix = shared_cache
    cache = caches["default"]
    cache.set("page", "<p>上海浦东</p>")
    cache.set("history", [1.5, 2.25])
    cache.set("count", 3)
    assert cache.incr("count") == 4
    assert (cache.get("page"), cache.get("history"), cache.get("count")) == (
        "<p>上海浦东</p>",
        [1.5, 2.25],
        4,
    )
    raw = {k.decode().rsplit(":", 1)[-1]: server.get(k) for k in server.scan_iter(f"{prefix}:*")}
    assert raw == {
        "page": '"<p>上海浦东</p>"'.encode(),
        "history": b"[1.5,2.25]",
        "count": b"4",
    }


@pytest.mark.parametrize(
    ("url", "accepted"),
    [("redis://127.0.0.1:6379/0", True), ("memcached://127.0.0.1:11211", False)],
)
def test_cache_url_must_name_a_redis_server(url, accepted, tmp_path):
    found = production_settings(url, tmp_path, "CACHES")
    if accepted:
        assert isinstance(found, dict), found.stderr
        default = found["CACHES"]["default"]
        assert default["BACKEND"] == "jingsai.common.cache.SharedCache"
        assert default["LOCATION"] == url
        assert default["OPTIONS"]["serializer"] == "jingsai.common.cache.JsonSerializer"
    else:
        assert found.returncode != 0
        assert "CACHE_URL must be a redis://, rediss:// or unix:// address." in found.stderr
