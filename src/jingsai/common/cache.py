"""The cache shared by every worker and application server (``CACHE_URL``, a Redis server).

What the platform keeps there is small and can be lost: the open API's rate counts and
the public exhibition page. So:

- values are stored as JSON (:class:`JsonSerializer`), never as pickles: whoever could
  write into Redis cannot make the application servers run code by it;
- a Redis server that is down or slow (past the timeouts of the settings' ``OPTIONS``,
  half a second) does not turn a page into an error or a long wait: :class:`SharedCache`
  answers as an empty cache would (nothing found, nothing kept), and logs a warning. The
  rate limits let calls through meanwhile, and the exhibition page is gathered afresh.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class JsonSerializer:
    """Integers as they are (Redis counts them with INCR), everything else as JSON."""

    def dumps(self, obj) -> int | bytes:
        if type(obj) is int:
            return obj
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()

    def loads(self, data: bytes):
        try:
            return int(data)
        except ValueError:
            return json.loads(data)


@contextmanager
def _unavailable(operation: str) -> Iterator[None]:
    try:
        yield
    except RedisError as error:
        logger.warning("shared cache unavailable, %s skipped: %s", operation, type(error).__name__)


class SharedCache(RedisCache):
    """Django's Redis cache, answering as an empty cache while Redis cannot be reached."""

    def get(self, key, default=None, version=None):
        with _unavailable("get"):
            return super().get(key, default, version)
        return default

    def get_many(self, keys, version=None):
        with _unavailable("get_many"):
            return super().get_many(keys, version)
        return {}

    def has_key(self, key, version=None):
        with _unavailable("has_key"):
            return super().has_key(key, version)
        return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with _unavailable("set"):
            super().set(key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        with _unavailable("set_many"):
            return super().set_many(data, timeout, version)
        return list(data)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with _unavailable("add"):
            return super().add(key, value, timeout, version)
        return False

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        with _unavailable("touch"):
            return super().touch(key, timeout, version)
        return False

    def delete(self, key, version=None):
        with _unavailable("delete"):
            return super().delete(key, version)
        return False

    def delete_many(self, keys, version=None):
        with _unavailable("delete_many"):
            super().delete_many(keys, version)

    def clear(self):
        with _unavailable("clear"):
            return super().clear()
        return False
