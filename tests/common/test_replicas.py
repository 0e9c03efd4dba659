"""The replica router: only reads inside read-only views go to the replica, and only when
one is configured; who is signed in, writes and migrations always use the primary."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from jingsai.common import replicas
from jingsai.competitions.models import Competition
from jingsai.people.models import User

router = replicas.ReplicaRouter()


def test_reads_go_to_the_replica_only_inside_marked_views(monkeypatch):
    monkeypatch.setattr(replicas, "replica_configured", lambda: True)
    assert router.db_for_read(Competition) is None

    @replicas.reads_from_replica
    def view():
        return (
            router.db_for_read(Competition),
            router.db_for_read(Session),
            router.db_for_read(User),
            router.db_for_write(Competition),
        )

    assert view() == ("replica", None, None, None)
    assert router.db_for_read(Competition) is None  # reset after the view, even on error

    @replicas.reads_from_replica
    def failing():
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        failing()
    assert router.db_for_read(Competition) is None


def test_without_a_replica_everything_uses_the_primary():
    assert "replica" not in settings.DATABASES
    assert replicas.reads_from_replica(lambda: router.db_for_read(Competition))() is None


def test_no_migration_runs_on_the_replica():
    assert router.allow_migrate("replica", "competitions") is False
    assert router.allow_migrate("default", "competitions") is True
    assert "jingsai.common.replicas.ReplicaRouter" in settings.DATABASE_ROUTERS


@pytest.mark.django_db
def test_read_only_pages_are_marked_and_others_are_not(world, monkeypatch):
    seen: list[tuple[str, bool]] = []
    original = replicas.ReplicaRouter.db_for_read

    def spy(self, model, **hints):
        seen.append((model._meta.label, replicas._reading.get()))
        return original(self, model, **hints)

    monkeypatch.setattr(replicas.ReplicaRouter, "db_for_read", spy)
    client = Client()
    for url in ("/", "/competitions/", "/exhibition/", "/honours/"):
        seen.clear()
        assert client.get(url).status_code == 200, url
        assert seen and all(marked for _label, marked in seen), url
    client.force_login(world["users"]["leader"])
    seen.clear()
    assert client.get("/office/dashboard/data.json").status_code in (200, 404)
    assert any(marked for _label, marked in seen)
    seen.clear()
    assert client.get("/office/workers/").status_code == 200  # a page that may write
    assert seen and not any(marked for _label, marked in seen)
