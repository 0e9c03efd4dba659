"""Rate limits of the open API, on ninja's throttling.

Two budgets, each a sliding window kept in Django's default cache:

- an anonymous caller (the public endpoints: catalogue, competitions, results,
  certificate verification) is counted by his address
  (:func:`jingsai.access.signin.client_ip`: behind the reverse proxy, the address the
  proxy saw — what a client writes into ``X-Forwarded-For`` itself does not count);
- a signed-in caller (a personal token or the browser's session) is counted by his
  user, whatever address or token he comes with.

The rates (``JINGSAI_API_RATE_ANON``, ``JINGSAI_API_RATE_USER``: ``"60/min"``,
``"600/min"``, ``"1000/hour"``…) are read on every request, so a changed setting
applies at once. Over the limit the answer is 429 ``throttled`` with ``Retry-After``
(whole seconds until the oldest counted request leaves the window).

The counts live in the cache: in Redis when ``CACHE_URL`` names one, shared by every
process of every server; otherwise in Django's local-memory cache, where each process
counts on its own (docs/deployment.md). A request refused with 401 (no valid token) is
refused before it is counted.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from ninja.throttling import SimpleRateThrottle

from jingsai.access.signin import client_ip


class RateThrottle(SimpleRateThrottle):
    """ninja's cache-backed throttle, with its rate read from ``setting`` at each request
    and its per-request state kept per thread (ninja shares one throttle object
    between every request of the process)."""

    setting = ""
    cache_format = "jingsai-api-throttle:%(scope)s:%(ident)s"
    timer = staticmethod(time.time)

    def __init__(self):
        self._local = threading.local()
        super().__init__(rate=self.get_rate())  # a malformed rate fails at start-up

    def get_rate(self) -> str:
        return getattr(settings, self.setting)

    def allow_request(self, request) -> bool:
        self._local.wait = None
        key = self.get_cache_key(request)
        if key is None:
            return True
        limit, duration = self.parse_rate(self.get_rate())
        now = self.timer()
        # newest first; only the last ``limit`` requests inside the window matter
        history = [t for t in self.cache.get(key, []) if t > now - duration][:limit]
        if len(history) >= limit:
            # the limit-th newest request must leave the window before another fits
            self._local.wait = max(history[limit - 1] + duration - now, 1)
            return False
        self.cache.set(key, [now, *history][:limit], duration)
        return True

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


class AnonymousThrottle(RateThrottle):
    """Callers who are not signed in, by address."""

    scope = "anon"
    setting = "JINGSAI_API_RATE_ANON"

    def get_cache_key(self, request) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class UserThrottle(RateThrottle):
    """Signed-in callers (token or session), by user."""

    scope = "user"
    setting = "JINGSAI_API_RATE_USER"

    def get_cache_key(self, request) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


def throttles() -> list[RateThrottle]:
    return [AnonymousThrottle(), UserThrottle()]
