"""Reading from a PostgreSQL replica (``DATABASE_REPLICA_URL``), for pages that only read.

A replica lags its primary by a moment, so nothing that a user has just changed may be
read from it: the router sends reads to the ``replica`` database only inside views
marked :func:`reads_from_replica` — the public pages and the leadership dashboard, which
write nothing and may be a second behind — and only when a replica is configured. Every
write, every other page and every migration use ``default``.

Set ``DATABASE_REPLICA_URL`` (one streaming replica, or a pooler such as PgBouncer or
HAProxy in front of several) and the settings add the ``replica`` database and this
router (``docs/deployment.md``).
"""

from __future__ import annotations

import functools
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_reading: ContextVar[bool] = ContextVar("jingsai_reads_from_replica", default=False)


def _fresh(model) -> bool:
    """Read from the primary even in a replica view: who is signed in (a session made a
    moment ago may not have reached the replica yet)."""
    return model._meta.app_label == "sessions" or model._meta.label == settings.AUTH_USER_MODEL


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    """Reads inside :func:`reads_from_replica` views go to the replica; all else to
    ``default`` (None lets Django choose it)."""

    def db_for_read(self, model, **hints):
        if _reading.get() and replica_configured() and not _fresh(model):
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of default: the same objects

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica follows its primary's schema


def reads_from_replica(view):
    """Mark a view that only reads: its queries may be served by the replica."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = _reading.set(True)
        try:
            return view(*args, **kwargs)
        finally:
            _reading.reset(token)

    return wrapper
