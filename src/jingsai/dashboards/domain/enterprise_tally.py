"""Workers taking part and approved entries per enterprise (the top-enterprise lists).

:class:`~jingsai.dashboards.models.EnterpriseTally` holds, per programme year,
enterprise and (series, brand) class (0: all, as in the cells), the enterprise's
workers taking part (from :class:`~jingsai.dashboards.models.WorkerYear`: its employees
who are active members of approved entries of the year) and its approved entries. Ten
thousand enterprises make ten thousand rows per class, so "the ten enterprises with most
workers in series S" is one index range scan, whatever the number of entries.

- :func:`refresh`: recompute the rows of some enterprises (in some years) from the facts
  and the entries. Call it in the transaction that changed them, after the participation
  facts (``participation.entries_changed``), with the entries' enterprises and the
  employers of their members.
- :func:`rebuild`: a year from scratch, set-based.
- :func:`top`: the leading enterprises for the filters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from itertools import batched

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from jingsai.catalogue.models import ProgrammeYear
from jingsai.competitions.models import Entry
from jingsai.dashboards.domain.base import Filters
from jingsai.dashboards.models import EnterpriseTally, TagBit, WorkerYear
from jingsai.organisations.models import Organisation
from jingsai.people.models import Worker

CHUNK = 900  # ids per IN (…): below SQLite's limit on parameters
APPROVED = Entry.Status.APPROVED


def classes(series: int, brand: int) -> tuple[tuple[int, int], ...]:
    """The (series, brand) classes (0: all) that one (series, brand) pair counts in."""
    if brand:
        return ((0, 0), (series, 0), (0, brand), (series, brand))
    return ((0, 0), (series, 0))


def _tag_classes():
    pairs = {v: (s, b) for s, b, v in TagBit.objects.values_list("series_id", "brand", "value")}

    @lru_cache(maxsize=8192)
    def of(tags: int) -> frozenset[tuple[int, int]]:
        out: set[tuple[int, int]] = set()
        while tags:
            low = tags & -tags
            out.update(classes(*pairs[low]))
            tags ^= low
        return frozenset(out)

    return of


def _counts(enterprise_ids, year_ids) -> dict[tuple[int, int, int, int], list[int]]:
    """(year, series, brand, enterprise) → [workers, entries] from the source rows
    (``enterprise_ids`` None: every enterprise)."""
    counts: dict[tuple[int, int, int, int], list[int]] = defaultdict(lambda: [0, 0])
    facts = WorkerYear.objects.order_by()
    entries = Entry.objects.filter(status=APPROVED).order_by()
    if enterprise_ids is not None:
        facts = facts.filter(enterprise__in=enterprise_ids)
        entries = entries.filter(enterprise_id__in=enterprise_ids)
    if year_ids is not None:
        facts = facts.filter(year_id__in=year_ids)
        entries = entries.filter(competition__year_id__in=year_ids)
    of = _tag_classes()
    for year, enterprise, tags, n in facts.values_list("year_id", "enterprise", "tags").annotate(
        n=Count("id")
    ):
        for s, b in of(tags):
            counts[(year, s, b, enterprise)][0] += n
    for year, enterprise, series, brand, n in entries.values_list(
        "competition__year_id", "enterprise_id", "competition__series_id", "competition__brand_id"
    ).annotate(n=Count("id")):
        for s, b in classes(series, brand or 0):
            counts[(year, s, b, enterprise)][1] += n
    return counts


def _store(counts: dict) -> int:
    EnterpriseTally.objects.bulk_create(
        (
            EnterpriseTally(
                year_id=year, series=s, brand=b, enterprise=enterprise, workers=w, entries=e
            )
            for (year, s, b, enterprise), (w, e) in sorted(counts.items())
            if w or e
        ),
        batch_size=2000,
    )
    return len(counts)


def refresh(enterprise_ids: Iterable[int], year_ids: Iterable[int] | None = None) -> None:
    """Recompute these enterprises' rows (in these years, or all) from the source rows."""
    ids = sorted({i for i in enterprise_ids if i})
    years = sorted(set(year_ids)) if year_ids is not None else None
    if not ids or years == []:
        return
    with transaction.atomic():
        for chunk in batched(ids, CHUNK):
            # in id order, as the participation summary locks them: no deadlock between two
            # transactions, and the second one counts what the first committed
            list(
                Organisation.objects.select_for_update()
                .filter(pk__in=chunk)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            stored = EnterpriseTally.objects.filter(enterprise__in=chunk)
            if years is not None:
                stored = stored.filter(year_id__in=years)
            stored._raw_delete(stored.db)
            _store(_counts(chunk, years))


def employers_of(worker_ids: Iterable[int]) -> set[int]:
    ids = sorted(set(worker_ids))
    found: set[int] = set()
    for chunk in batched(ids, CHUNK):
        found.update(
            Worker.objects.filter(pk__in=chunk, employer_id__isnull=False)
            .order_by()
            .values_list("employer_id", flat=True)
            .distinct()
        )
    return found


def rebuild(year: ProgrammeYear | None = None) -> int:
    """Recompute a year (every year when None) from scratch; returns the number of rows."""
    years = [year] if year is not None else list(ProgrammeYear.objects.order_by("year"))
    made = 0
    for one in years:
        with transaction.atomic():
            stored = EnterpriseTally.objects.filter(year=one)
            stored._raw_delete(stored.db)
            made += _store(_counts(None, [one.pk]))
    return made


# --- reading ----------------------------------------------------------------------------


def place_q(filters: Filters, prefix: str = "") -> Q:
    """The filters' industry and zone on an organisation (``prefix`` to reach it); 0 is
    "none"."""
    q = Q()
    for name in ("industry", "zone"):
        value = getattr(filters, name)
        if value is not None:
            q &= (
                Q(**{f"{prefix}{name}_id": value})
                if value
                else Q(**{f"{prefix}{name}__isnull": True})
            )
    return q


def rows(filters: Filters, enterprise_ids: Iterable[int] | None = None) -> QuerySet:
    """The tally rows of the filters' class, narrowed to the enterprises' industry and zone."""
    found = EnterpriseTally.objects.filter(
        year=filters.year, series=filters.series or 0, brand=filters.brand or 0
    ).order_by()
    if filters.industry is not None or filters.zone is not None:
        found = found.filter(
            enterprise__in=Organisation.objects.filter(place_q(filters)).values("pk")
        )
    if enterprise_ids is not None:
        found = found.filter(enterprise__in=list(enterprise_ids))
    return found


def top(
    filters: Filters, by: str, limit: int = 10, enterprise_ids: Iterable[int] | None = None
) -> list[tuple[int, int, int]]:
    """(enterprise, workers, entries) of the ``limit`` enterprises with most ``by``
    ("workers" or "entries"), ties by the other figure then by id."""
    other = "entries" if by == "workers" else "workers"
    found = (
        rows(filters, enterprise_ids)
        .filter(**{f"{by}__gt": 0})
        .order_by(f"-{by}", f"-{other}", "enterprise")
        .values_list("enterprise", "workers", "entries")[:limit]
    )
    return list(found)
