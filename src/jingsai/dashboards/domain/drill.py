"""The list behind a bar (钻取): a drill key names it, ``"<section>:<what>:<id>"``.

The participation section's keys (:mod:`.participation_section`):

- ``participation:<measure>:all`` — everything the headline figure counts;
- ``participation:<measure>-<by>:<id>`` — the bar for ``id`` of a breakdown by
  ``series``, ``brand``, ``industry`` or ``zone`` (``0``: none), and for entries also
  ``level`` (a level's scope, ``none``) and ``month`` (``yyyymm``);

``measure`` is ``workers``, ``enterprises`` or ``entries``. The list is exactly what the
bar counts: for the whole programme it is read from the facts the cells are summed from
(:class:`~jingsai.dashboards.models.WorkerYear`, ``EnterpriseYear``, ``EntryFact``), for a
limited scope from the same source rows as the scoped counts. A bar for ``id`` is the
total of the filters narrowed to ``id``, so that is how it is listed.

Other sections' keys go to :func:`jingsai.dashboards.domain.sections.drill` when it exists.
Lists are lazy (:class:`Rows`): a page reads ``LIMIT n+1``, the export streams them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.common.pagination import Page, page_number_from
from jingsai.competitions.models import Entry
from jingsai.dashboards.domain import participation_section as ps
from jingsai.dashboards.domain.base import Filters, Scope, Table
from jingsai.dashboards.models import EnterpriseYear, EntryFact, TagBit, WorkerYear
from jingsai.organisations.models import Organisation
from jingsai.people.models import Worker


class Rows(Sequence):
    """A queryset's rows turned into table rows, lazily: slices read only that page."""

    def __init__(self, queryset: QuerySet, row: Callable[[Any], list]):
        self.queryset = queryset
        self.row = row

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.row(obj) for obj in self.queryset[index]]
        return self.row(self.queryset[index])

    def __len__(self) -> int:
        return self.queryset.order_by().count()

    def __iter__(self) -> Iterator[list]:
        for obj in self.queryset.iterator(chunk_size=2000):
            yield self.row(obj)

    def count_upto(self, cap: int) -> int:
        return self.queryset.order_by()[:cap].count()


def page(rows: Sequence, number: Any, page_size: int | None = None) -> Page:
    """A page of a table's rows (a list or :class:`Rows`), counted up to the list cap."""
    page_size = page_size or settings.JINGSAI_LIST_PAGE_SIZE
    cap = settings.JINGSAI_LIST_COUNT_CAP
    number = page_number_from(number, last=-(-cap // page_size))
    offset = (number - 1) * page_size
    items = list(rows[offset : offset + page_size + 1])
    count = rows.count_upto(cap + 1) if isinstance(rows, Rows) else len(rows)
    return Page(
        items=items[:page_size],
        number=number,
        page_size=page_size,
        has_next=len(items) > page_size,
        count=min(count, cap),
        count_is_capped=count > cap,
    )


def count(rows: Sequence, cap: int) -> int:
    return rows.count_upto(cap) if isinstance(rows, Rows) else min(len(rows), cap)


# --- keys -------------------------------------------------------------------------------


def parse(key: str) -> tuple[str, str, str] | None:
    parts = (key or "").split(":")
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def _other_drill():
    from jingsai.dashboards.domain import registry

    return getattr(registry.other_sections(), "drill", None)


def rows(key: str, filters: Filters, scope: Scope) -> Table | None:
    """The list behind ``key`` within the filters and the reader's scope; None if the key
    names nothing."""
    parsed = parse(key)
    if parsed is None:
        return None
    section, what, value = parsed
    if section == ps.KEY:
        return _participation(key, what, value, filters, scope)
    drill = _other_drill()
    return drill(key, filters, scope) if drill is not None else None


# --- participation ----------------------------------------------------------------------


def _narrowed(what: str, value: str, filters: Filters):
    """(measure, filters narrowed to the bar, extra entry constraint, bar label) or None."""
    measure, _dash, by = what.partition("-")
    if measure not in ps.MEASURES:
        return None
    if by == "":
        return (measure, filters, None, None) if value == "all" else None
    if by in ("level", "month") and measure != "entries":
        return None
    if by == "level":
        scope = "" if value == "none" else value
        if scope not in ps.LEVELS and scope != "":
            return None
        return measure, filters, ("level", scope), ps.names("level")[scope]
    try:
        number = int(value)
    except ValueError:
        return None
    if by == "month":
        if not 100001 <= number <= 999912 or not 1 <= number % 100 <= 12:
            return None
        return measure, filters, ("month", number), ps.month_label(number)
    if by not in ps.BREAKDOWNS:
        return None
    labels = ps.names(by)
    if number not in labels or (number == 0 and by in ("series", "brand")):
        return None
    current = getattr(filters, by)
    if current is not None and current != number:
        return measure, None, None, labels[number]  # outside the filters: an empty list
    return measure, replace(filters, **{by: number}), None, labels[number]


def _tag_mask(filters: Filters) -> int | None:
    """The bits of the (series, brand) pairs the filters accept; None: no tag filter."""
    if filters.series is None and filters.brand is None:
        return None
    bits = TagBit.objects.all()
    if filters.series is not None:
        bits = bits.filter(series_id=filters.series)
    if filters.brand is not None:
        bits = bits.filter(brand=filters.brand)
    return sum(bits.values_list("value", flat=True))


def _facts(model, filters: Filters) -> QuerySet:
    facts = model.objects.filter(year=filters.year).order_by()
    if filters.industry is not None:
        facts = facts.filter(industry=filters.industry)
    if filters.zone is not None:
        facts = facts.filter(zone=filters.zone)
    mask = _tag_mask(filters)
    if mask is not None:
        if not mask:
            return facts.none()
        facts = facts.annotate(hit=F("tags").bitand(mask)).filter(hit__gt=0)
    return facts


def _entry_facts(filters: Filters, extra) -> QuerySet:
    facts = EntryFact.objects.filter(year=filters.year).order_by()
    for name in ("series", "brand", "industry", "zone"):
        value = getattr(filters, name)
        if value is not None:
            facts = facts.filter(**{name: value})
    if extra is not None:
        facts = facts.filter(**{"scope" if extra[0] == "level" else "month": extra[1]})
    return facts


def _scoped_entries(filters: Filters, scope: Scope, extra) -> QuerySet:
    entries = ps.source_rows("entries", filters, scope)
    if extra is None:
        return entries
    if extra[0] == "level":
        return (
            entries.filter(level__scope=extra[1])
            if extra[1]
            else entries.filter(level__isnull=True)
        )
    tz = timezone.get_default_timezone()
    return entries.annotate(
        m=ExtractYear("created_at", tzinfo=tz) * 100 + ExtractMonth("created_at", tzinfo=tz)
    ).filter(m=extra[1])


def queryset(measure: str, filters: Filters | None, scope: Scope, extra=None) -> QuerySet:
    """Workers, enterprises or entries that the figure counts (``filters`` None: none)."""
    model = {"workers": Worker, "enterprises": Organisation, "entries": Entry}[measure]
    if filters is None:
        return model.objects.none()
    if scope.everything:
        if measure == "workers":
            ids = _facts(WorkerYear, filters).values("worker_id")
        elif measure == "enterprises":
            ids = _facts(EnterpriseYear, filters).values("enterprise_id")
        else:
            ids = _entry_facts(filters, extra).values("entry_id")
    else:
        source = (
            _scoped_entries(filters, scope, extra)
            if measure == "entries"
            else ps.source_rows(measure, filters, scope)
        )
        ids = source.values(ps.FIELDS[measure]["id"])
    return model.objects.filter(pk__in=ids)


def _worker_rows(workers: QuerySet) -> tuple[list[str], Rows]:
    headers = [_("name"), _("ID number"), _("employer"), _("industry"), _("zone"), _("trade")]

    def row(w: Worker) -> list:
        return [
            w.name,
            w.masked_id_number,
            w.employer.name if w.employer_id else "",
            str(w.industry or ""),
            str(w.zone or ""),
            w.trade,
        ]

    qs = workers.select_related("employer", "industry", "zone").order_by("pk")
    return headers, Rows(qs, row)


def _enterprise_rows(enterprises: QuerySet) -> tuple[list[str], Rows]:
    headers = [_("name"), _("unified social credit code"), _("industry"), _("zone")]

    def row(o: Organisation) -> list:
        return [o.name, o.credit_code or "", str(o.industry or ""), str(o.zone or "")]

    return headers, Rows(enterprises.select_related("industry", "zone").order_by("pk"), row)


def _entry_rows(entries: QuerySet) -> tuple[list[str], Rows]:
    headers = [
        _("entry number"),
        _("competition"),
        _("enterprise"),
        _("team or project site"),
        _("zone"),
        _("level reached"),
        _("workers"),
        _("registered on"),
    ]

    def row(e: Entry) -> list:
        return [
            e.number or f"#{e.pk}",
            e.competition.title,
            e.enterprise.name,
            e.team_name or e.project_name,
            str(e.zone or ""),
            e.level.name if e.level_id else "",
            e.n_members,
            timezone.localtime(e.created_at).date(),
        ]

    qs = (
        entries.select_related("competition", "enterprise", "zone", "level")
        .annotate(n_members=Count("members", filter=Q(members__active=True)))
        .order_by("pk")
    )
    return headers, Rows(qs, row)


def _participation(key, what, value, filters, scope) -> Table | None:
    narrowed = _narrowed(what, value, filters)
    if narrowed is None:
        return None
    measure, used, extra, bar = narrowed
    by = what.partition("-")[2]
    found = queryset(measure, used, scope, extra)
    headers, table_rows = {
        "workers": _worker_rows,
        "enterprises": _enterprise_rows,
        "entries": _entry_rows,
    }[measure](found)
    titles = {
        "workers": _("Workers taking part"),
        "enterprises": _("Enterprises taking part"),
        "entries": _("Approved entries"),
    }
    title = titles[measure]
    if bar is not None:
        by_names = {
            "series": _("series"),
            "brand": _("brand"),
            "industry": _("industry"),
            "zone": _("zone"),
            "level": _("competition level"),
            "month": _("month of registration"),
        }
        title = f"{title} · {by_names[by]}: {bar}"
    return Table(key=key, title=f"{title} ({filters.year.year})", headers=headers, rows=table_rows)
