"""The leadership dashboard (领导驾驶舱): the page, its data endpoint, the list behind a
bar with its export, and the yearly report.

Every URL needs ``policy.can_read_dashboard`` (403 otherwise) and counts only what
``policy.dashboard_scope`` gives the reader: everything for programme admins and
leadership, a co-organiser's competitions, an officer's enterprises.

Filters are GET parameters: ``year`` (the programme year, e.g. 2026; the current one
when missing), ``series``, ``brand``, ``industry`` and ``zone`` (catalogue ids;
``industry``/``zone`` 0 is "none"). An empty value means "all"; a value that is not a
number or names nothing answers 404 rather than silently showing other figures.
``compare=1`` puts every section beside last year's (participation always is); the page,
its data and the yearly report take it alike.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override

from jingsai.access import policy
from jingsai.access.decorators import requires
from jingsai.catalogue.models import Brand, Industry, ProgrammeYear, Series, Zone
from jingsai.common.replicas import reads_from_replica
from jingsai.common.spreadsheets import XLSX_MIME, Column, XlsxExport
from jingsai.dashboards.domain import drill, registry
from jingsai.dashboards.domain.base import Filters, Scope, Table

CATALOGUE = {"series": Series, "brand": Brand, "industry": Industry, "zone": Zone}
NONE_ALLOWED = ("industry", "zone")


# --- filters ----------------------------------------------------------------------------


def default_year() -> ProgrammeYear | None:
    years = ProgrammeYear.objects.order_by("-year")
    return years.filter(year=timezone.localdate().year).first() or years.first()


def filters_from(params) -> Filters | None:
    """The filters of a request (404 for a value that names nothing); None: no year yet."""
    raw_year = params.get("year", "").strip()
    if raw_year:
        if not raw_year.isdigit():
            raise Http404
        year = ProgrammeYear.objects.filter(year=int(raw_year)).first()
        if year is None:
            raise Http404
    else:
        year = default_year()
        if year is None:
            return None
    chosen: dict[str, int | None] = {}
    for name, model in CATALOGUE.items():
        raw = params.get(name, "").strip()
        if not raw:
            chosen[name] = None
            continue
        if not raw.isdigit():
            raise Http404
        value = int(raw)
        if value == 0 and name in NONE_ALLOWED:
            chosen[name] = 0
        elif value and model.objects.filter(pk=value).exists():
            chosen[name] = value
        else:
            raise Http404
    return Filters(year=year, **chosen)


def compared(params) -> bool:
    """``compare=1``: every section beside last year's (participation always is)."""
    return params.get("compare", "") == "1"


def query_of(filters: Filters, **extra) -> str:
    pairs = [("year", filters.year.year)]
    pairs += [
        (name, getattr(filters, name)) for name in CATALOGUE if getattr(filters, name) is not None
    ]
    pairs += [(k, v) for k, v in extra.items() if v not in (None, "")]
    return urlencode(pairs)


def scope_note(scope: Scope) -> str:
    if scope.competition_ids is not None:
        return _("Figures of the competitions you organise or co-organise.")
    if scope.enterprise_ids is not None:
        return _("Figures of your enterprise's entries.")
    return ""


def _choices(filters: Filters | None) -> dict:
    return {
        "filters": filters,
        "years": ProgrammeYear.objects.order_by("-year").values_list("year", flat=True),
        "series_list": Series.objects.order_by("order", "id"),
        "brands": Brand.objects.order_by("order", "id"),
        "industries": Industry.objects.order_by("order", "id"),
        "zones": Zone.objects.order_by("order", "id"),
    }


def cell(value) -> str:
    """A table cell as shown: numbers with thousands separators, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | Decimal | float):
        return intcomma(value)
    return str(value)


def _reports() -> dict:
    report = registry.optional("report")
    pdf = registry.optional("report_pdf")
    return {"has_xlsx_report": hasattr(report, "xlsx"), "has_pdf_report": hasattr(pdf, "render")}


def _filters_or_404(request) -> Filters:
    filters = filters_from(request.GET)
    if filters is None:
        raise Http404
    return filters


# --- the page and its data --------------------------------------------------------------

# ECharts lays out its charts with style attributes: the page allows inline styles (never
# inline scripts); every other page keeps the stricter policy of the settings.
CHARTS_CSP = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}


@requires(policy.can_read_dashboard)
@reads_from_replica
@csp_override(CHARTS_CSP)
def dashboard(request):
    filters = filters_from(request.GET)
    context = _choices(filters)
    if filters is None:
        return render(request, "backoffice/dashboard/index.html", context | {"board": None})
    scope = policy.dashboard_scope(request.user)
    last_year = compared(request.GET)
    board = registry.dashboard(filters, scope, last_year=last_year)
    sections = [
        {
            "section": s,
            "figures": [
                (label, value, s.figures_last[i] if s.figures_last else None)
                for i, (label, value) in enumerate(s.figures)
            ],
            "tables": [
                {"table": t, "rows": [[cell(v) for v in row] for row in t.rows]} for t in s.tables
            ],
        }
        for s in board.sections
    ]
    return render(
        request,
        "backoffice/dashboard/index.html",
        context
        | _reports()
        | {
            "board": board,
            "sections": sections,
            "payload": board.as_json(),
            "query": query_of(filters),
            "report_query": query_of(filters, compare="1" if last_year else None),
            "previous_query": query_of(board.previous) if board.previous else "",
            "scope_note": scope_note(scope),
            "compare": last_year,
        },
    )


@requires(policy.can_read_dashboard)
@reads_from_replica
def dashboard_data(request):
    filters = _filters_or_404(request)
    board = registry.dashboard(
        filters, policy.dashboard_scope(request.user), last_year=compared(request.GET)
    )
    return JsonResponse(board.as_json())


# --- the list behind a bar --------------------------------------------------------------


def _drill_table(request) -> tuple[Filters, Table]:
    filters = _filters_or_404(request)
    table = drill.rows(request.GET.get("key", ""), filters, policy.dashboard_scope(request.user))
    if table is None:
        raise Http404
    return filters, table


@requires(policy.can_read_dashboard)
@reads_from_replica
def dashboard_drill(request):
    filters, table = _drill_table(request)
    page = drill.page(table.rows, request.GET.get("page"))
    query = query_of(filters, key=table.key)
    return render(
        request,
        "backoffice/dashboard/drill.html",
        {
            "table": table,
            "page": page,
            "rows": [[cell(v) for v in row] for row in page.items],
            "query": query,
            "dashboard_query": query_of(filters),
            "filters": filters,
            "filter_labels": _filter_labels(filters),
        },
    )


def _filter_labels(filters: Filters) -> list[tuple[str, str]]:
    labels = [(_("year"), str(filters.year.year))]
    titles = {
        "series": _("series"),
        "brand": _("brand"),
        "industry": _("industry"),
        "zone": _("zone"),
    }
    for name, model in CATALOGUE.items():
        value = getattr(filters, name)
        if value is not None:
            shown = _("none") if value == 0 else str(model.objects.get(pk=value))
            labels.append((titles[name], shown))
    return labels


class DrillExport(XlsxExport):
    """Exactly the rows of the list, in its order and columns."""

    personal_data = "names in the list behind a figure"

    sheet_name = "list"

    def __init__(self, table: Table, filename: str):
        self.table = table
        self.filename = filename
        self.columns = [Column(h, 18) for h in table.headers]

    def rows(self):
        return iter(self.table.rows)


@requires(policy.can_read_dashboard)
@reads_from_replica
def dashboard_drill_export(request):
    filters, table = _drill_table(request)
    limit = settings.JINGSAI_EXPORT_ROW_LIMIT
    if drill.count(table.rows, limit + 1) > limit:
        messages.error(
            request,
            _("More than %(limit)s rows match: narrow the filters to export them.")
            % {"limit": f"{limit:,}"},
        )
        return redirect(
            f"{reverse('backoffice:dashboard_drill')}?{query_of(filters, key=table.key)}"
        )
    safe = "".join(c if c.isalnum() else "-" for c in table.key)
    return DrillExport(table, f"dashboard-{filters.year.year}-{safe}.xlsx").response(request)


# --- the yearly report ------------------------------------------------------------------


def _report(request, module_name: str, function: str, content_type: str, suffix: str):
    module = registry.optional(module_name)
    make = getattr(module, function, None)
    if make is None:
        raise Http404
    filters = _filters_or_404(request)
    sections = registry.sections(
        filters, policy.dashboard_scope(request.user), last_year=compared(request.GET)
    )
    data = make(sections, filters)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed by FileResponse)
    handle.write(data)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"dashboard-report-{filters.year.year}.{suffix}",
        content_type=content_type,
    )


@requires(policy.can_read_dashboard)
@reads_from_replica
def dashboard_report(request) -> HttpResponse:
    return _report(request, "report", "xlsx", XLSX_MIME, "xlsx")


@requires(policy.can_read_dashboard)
@reads_from_replica
def dashboard_report_pdf(request) -> HttpResponse:
    return _report(request, "report_pdf", "render", "application/pdf", "pdf")
