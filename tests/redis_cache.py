"""The shared cache of ``CACHE_URL`` (Redis) for tests: the settings production makes of
it, and a fixture that turns it on under a key prefix of the test's own. Needs the Redis
server of the test machine (127.0.0.1:6379, or ``TEST_REDIS_URL``)."""

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.test import override_settings

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
NOBODY_LISTENS = "redis://127.0.0.1:1/0"


def production_settings(cache_url: str, tmp_path, *names: str):
    """What ``jingsai.settings`` makes of this CACHE_URL, read in a process of its own:
    the settings ``names`` (as JSON), or the finished process when it fails."""
    env = os.environ | {
        "CACHE_URL": cache_url,
        "DJANGO_SETTINGS_MODULE": "jingsai.settings",
        "SECRET_KEY": "x" * 50,
        "JINGSAI_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    probe = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    done = subprocess.run(  # noqa: S603 (this interpreter, a fixed program)
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    return json.loads(done.stdout) if done.returncode == 0 else done


def caches_for(cache_url: str, tmp_path, prefix: str) -> dict:
    config = production_settings(cache_url, tmp_path, "CACHES")["CACHES"]
    config["default"]["KEY_PREFIX"] = prefix
    return config


def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis server at {REDIS_URL}")
    return client


@pytest.fixture
def shared_cache(tmp_path):
    """The cache CACHE_URL gives, under a key prefix of this test's own."""
    server = redis_client()
    prefix = f"jingsai-test-{uuid.uuid4().hex}"
    with override_settings(CACHES=caches_for(REDIS_URL, tmp_path, prefix)):
        yield server, prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)
