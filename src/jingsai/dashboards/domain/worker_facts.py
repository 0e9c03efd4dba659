"""Certificates, skill-level upgrades and training attendance as the dashboard counts them,
with the worker's industry, zone and employer beside each (see
:class:`~jingsai.dashboards.models.CertificateFact`, :class:`UpgradeFact`,
:class:`AttendanceFact`).

These sections are narrowed by the *worker's* industry and zone (``Worker.industry`` /
``zone``, the copies of his employer's) and, for an enterprise officer, by his employer.
Counted from the source tables, each certificate, record or attendance of the year had
to be joined to its worker — most of the dashboard's time at Pudong scale. The facts carry
the copies, so a figure is a grouped count over small rows found through their competition
or session, and the lists behind the bars are the source rows whose facts were counted.

What is counted (one fact per counted row, none for the others)
    - a certificate of a competition (``Certificate.competition`` set) held by a worker,
      valid or revoked (its ``status``);
    - a skill-level record in force (``revoked_at`` empty) that a competition brought
      (``source`` ``competition``, ``competition`` set);
    - an attendance with the worker present, with its hours.

The competition, session and worker of a counted row never change; what can change is
the certificate's status, the record's revocation, the attendance's presence and hours,
and the worker's industry, zone and employer. Each path that changes them calls the
refresh here inside its own transaction (tests in ``tests/dashboards_perf`` compare the
facts with :func:`rebuild` and the figures with direct counts after each):

- ``certification.domain.issuing``: ``_create`` (every certificate issued, by
  ``apply_rules`` and for honours) and ``_revoke`` (by ``apply_rules``, ``revoke``, and
  ``certification.domain.honours.revoke``) → :func:`certificates_changed`;
- ``skills.domain.records``: ``record_level``, ``record_levels`` (the evaluation import
  and the certificates' level grants) and ``revoke_record`` → :func:`records_changed`;
- ``training.domain.attendance._save`` (attendance taken on the page or imported) →
  :func:`attendance_changed`;
- ``people.domain.workers.update_worker`` (a new employer, zone or industry) and
  ``organisations.domain.services.update_organisation`` (its workers' zone and industry
  follow) → :func:`workers_changed`.

Nothing else writes them: certificates, records and attendances are not deleted by the
platform (a worker or competition that has them is ``PROTECT``-ed; a session deleted takes
its attendance and facts with it, ``CASCADE``); ``_ensure_initial`` makes ``initial``
records, which are not counted. A bulk load behind the services (the benchmark) calls
:func:`rebuild`, as ``participation.rebuild`` and ``jingsai rebuild-dashboard`` do.

Each refresh locks the workers concerned (in id order, as the participation summary
does) before reading their copies, so a concurrent change of a worker's employer and an
issue of his certificate cannot leave a fact with the old copy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import batched

from django.db import connection

from jingsai.catalogue.models import ProgrammeYear
from jingsai.certification.models import Certificate
from jingsai.competitions.models import Competition
from jingsai.dashboards.models import AttendanceFact, CertificateFact, UpgradeFact
from jingsai.people.models import Worker
from jingsai.skills.models import SkillRecord
from jingsai.training.models import Attendance, Course, Session

CHUNK = 900  # ids per IN (…): below SQLite's limit on parameters
COPIES = "COALESCE(w.industry_id, 0), COALESCE(w.zone_id, 0), COALESCE(w.employer_id, 0)"


def _q(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


# What each fact table is made from: (fact model, its key column, the source's alias,
# INSERT … SELECT without its WHERE, the source's own conditions and their parameters).
def _certificates():
    return (
        CertificateFact,
        "certificate_id",
        f"INSERT INTO {_q(CertificateFact)} "  # noqa: S608 (names from the models)
        "(certificate_id, competition_id, worker_id, status, industry, zone, employer) "
        f"SELECT c.id, c.competition_id, c.worker_id, c.status, {COPIES} "
        f"FROM {_q(Certificate)} c JOIN {_q(Worker)} w ON w.id = c.worker_id ",
        "c",
        "c.competition_id IS NOT NULL",
        [],
    )


def _upgrades():
    return (
        UpgradeFact,
        "record_id",
        f"INSERT INTO {_q(UpgradeFact)} "  # noqa: S608 (names from the models)
        "(record_id, competition_id, worker_id, level, industry, zone, employer) "
        f"SELECT r.id, r.competition_id, r.worker_id, r.level, {COPIES} "
        f"FROM {_q(SkillRecord)} r JOIN {_q(Worker)} w ON w.id = r.worker_id ",
        "r",
        "r.source = %s AND r.revoked_at IS NULL AND r.competition_id IS NOT NULL",
        [SkillRecord.Source.COMPETITION],
    )


def _attendances():
    return (
        AttendanceFact,
        "attendance_id",
        f"INSERT INTO {_q(AttendanceFact)} "  # noqa: S608 (names from the models)
        "(attendance_id, session_id, worker_id, hours, industry, zone, employer) "
        f"SELECT a.id, a.session_id, a.worker_id, a.hours, {COPIES} "
        f"FROM {_q(Attendance)} a JOIN {_q(Worker)} w ON w.id = a.worker_id ",
        "a",
        "a.present = %s",
        [True],
    )


KINDS = (_certificates, _upgrades, _attendances)


def _refresh(kind, column: str, ids: Iterable[int], *, session_id: int | None = None) -> None:
    """Delete the facts whose ``column`` is in ``ids`` (at that session, if given) and make
    them again from the source rows."""
    model, _key, insert, alias, condition, params = kind()
    session = " AND session_id = %s" if session_id is not None else ""
    also = [session_id] if session_id is not None else []
    with connection.cursor() as cursor:
        for chunk in batched(sorted(set(ids)), CHUNK):
            chunk = list(chunk)
            cursor.execute(
                f"DELETE FROM {_q(model)} WHERE {column} IN ({_marks(chunk)}){session}",  # noqa: S608
                [*chunk, *also],
            )
            cursor.execute(
                f"{insert}WHERE {condition} AND {alias}.{column} IN ({_marks(chunk)})"
                + (f" AND {alias}.session_id = %s" if session else ""),
                [*params, *chunk, *also],
            )


def _lock_workers(ids: Iterable[int]) -> None:
    for chunk in batched(sorted({i for i in ids if i}), CHUNK):
        list(
            Worker.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


# --- the hooks --------------------------------------------------------------------------


def certificates_changed(certificate_ids: Iterable[int]) -> None:
    """These certificates were issued or revoked: their facts follow."""
    _refresh_keys(_certificates, Certificate, certificate_ids)


def records_changed(record_ids: Iterable[int]) -> None:
    """These skill-level records were made or revoked: their facts follow."""
    _refresh_keys(_upgrades, SkillRecord, record_ids)


def attendance_changed(session_id: int, worker_ids: Iterable[int]) -> None:
    """The attendance of these workers at this session was saved: their facts follow."""
    workers = sorted(set(worker_ids))
    _lock_workers(workers)
    _refresh(_attendances, "worker_id", workers, session_id=session_id)


def workers_changed(worker_ids: Iterable[int]) -> None:
    """These workers' employer, zone or industry changed: the copies in their facts
    follow (call it after the change, in its transaction)."""
    workers = sorted(set(worker_ids))
    _lock_workers(workers)
    for kind in KINDS:
        _refresh(kind, "worker_id", workers)


def _refresh_keys(kind, source, ids: Iterable[int]) -> None:
    """The facts of these source rows (``source``: their model), their workers locked."""
    ids = sorted(set(ids))
    for chunk in batched(ids, CHUNK):
        _lock_workers(source.objects.filter(pk__in=chunk).values_list("worker_id", flat=True))
    model, key, insert, alias, condition, params = kind()
    with connection.cursor() as cursor:
        for chunk in batched(ids, CHUNK):
            chunk = list(chunk)
            cursor.execute(
                f"DELETE FROM {_q(model)} WHERE {key} IN ({_marks(chunk)})",  # noqa: S608
                chunk,
            )
            cursor.execute(
                f"{insert}WHERE {condition} AND {alias}.id IN ({_marks(chunk)})",
                [*params, *chunk],
            )


# --- from scratch -----------------------------------------------------------------------


def rebuild(year: ProgrammeYear) -> Counter:
    """The facts of the year's competitions (certificates, upgrades) and of its courses'
    sessions (attendance) from the source tables, set-based."""
    comps = f"SELECT id FROM {_q(Competition)} WHERE year_id = %s"  # noqa: S608
    sessions = (
        f"SELECT s.id FROM {_q(Session)} s JOIN {_q(Course)} k ON k.id = s.course_id "  # noqa: S608
        "WHERE k.year = %s"
    )
    with connection.cursor() as cursor:
        for kind, column, inside, value in (
            (_certificates, "competition_id", comps, year.pk),
            (_upgrades, "competition_id", comps, year.pk),
            (_attendances, "session_id", sessions, year.year),
        ):
            model, _key, insert, alias, condition, params = kind()
            cursor.execute(
                f"DELETE FROM {_q(model)} WHERE {column} IN ({inside})",  # noqa: S608
                [value],
            )
            cursor.execute(
                f"{insert}WHERE {condition} AND {alias}.{column} IN ({inside})",
                [*params, value],
            )
    return Counter(
        certificate_facts=CertificateFact.objects.filter(competition__year=year).count(),
        upgrade_facts=UpgradeFact.objects.filter(competition__year=year).count(),
        attendance_facts=AttendanceFact.objects.filter(session__course__year=year.year).count(),
    )
