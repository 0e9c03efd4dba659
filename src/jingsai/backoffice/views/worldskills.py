"""WorldSkills marking schemes (:mod:`jingsai.worldskills`): upload of a CIS workbook,
the scheme as a tree with its standard-section table, export, medal settings, and
results by criterion and by standard section.

Who may use which page:

- upload, error report, tree, export, medals: those who manage the competition's
  judging (:func:`jingsai.access.policy.can_manage_judging`), as the judging
  set-up pages: a competition the user does not see answers 404, one he may not
  manage 403;
- results by criterion and section (and their .xlsx): anyone, signed in or not,
  once the results are public (public notice or published, on a public
  competition); before that those who may read the computed results
  (:func:`~jingsai.access.policy.can_read_results`: the chief judge, the
  managers and leadership, as on the results page), with anonymous codes instead
  of names under blind marking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jingsai.access import policy
from jingsai.access.decorators import requires
from jingsai.backoffice.views import import_reports
from jingsai.backoffice.views.judging import current_judging, managed_judging
from jingsai.backoffice.views.marking import _reachable
from jingsai.common.spreadsheet_import import XLSX_MIME_IMPORT
from jingsai.common.spreadsheets import Column, XlsxExport, record_export
from jingsai.competitions.models import Competition
from jingsai.judging.domain import panel, scheme
from jingsai.judging.models import BlindCode, plain
from jingsai.public.exhibition import competitions_with_public_results
from jingsai.worldskills.domain import cis_export, cis_import, medals, results, sections
from jingsai.worldskills.domain.layout import JUDGEMENT, MEASUREMENT
from jingsai.worldskills.domain.store import scheme_data, scheme_of
from jingsai.worldskills.forms import MedalsForm, SchemeUploadForm, medals_initial
from jingsai.worldskills.models import Section

ERRORS_SHOWN = 100


def _links(request, competition: Competition) -> dict:
    """What the WorldSkills navigation may offer this user."""
    user = request.user
    manage = user.is_authenticated and policy.can_manage_judging(user, competition)
    return {
        "ws_manage": manage,
        "ws_has_scheme": scheme_of(competition) is not None,
    }


# --- upload ------------------------------------------------------------------------


@requires(policy.can_browse_competitions)
def upload(request, pk):
    competition = managed_judging(request, pk)
    form = SchemeUploadForm(request.POST or None, request.FILES or None)
    result = None
    report_token = None
    refusal = ""
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            result = cis_import.import_scheme(
                actor=request.user,
                competition=competition,
                source=upload_file,
                source_name=upload_file.name,
            )
        except ValidationError as error:  # the competition refuses, or the file as a whole
            refusal = " ".join(error.messages)
        else:
            if result.ok:
                data = result.read.scheme
                messages.success(
                    request,
                    _(
                        "Marking scheme imported: %(criteria)d criteria worth %(total)s, "
                        "%(aspects)d aspects (%(m)d measurement, %(j)d judgement)."
                    )
                    % {
                        "criteria": len(data.criteria),
                        "total": plain(data.total),
                        "aspects": len(data.aspects),
                        "m": sum(1 for a in data.aspects if a.kind == MEASUREMENT),
                        "j": sum(1 for a in data.aspects if a.kind == JUDGEMENT),
                    },
                )
                return redirect("backoffice:worldskills_scheme", pk=pk)
            report_token = import_reports.keep(request, result.errors)
    return render(
        request,
        "backoffice/worldskills/upload.html",
        {
            "competition": competition,
            "form": form,
            "refusal": refusal,
            "locked": scheme.is_locked(competition),
            "result": result,
            "errors_shown": result.errors.errors[:ERRORS_SHOWN] if result else [],
            "report_token": report_token,
            "tab": "upload",
            **_links(request, competition),
        },
    )


@requires(policy.can_browse_competitions)
def upload_report(request, pk, token):
    managed_judging(request, pk)
    return import_reports.download(request, token, "marking-scheme-errors.xlsx")


# --- the scheme as a tree ----------------------------------------------------------


@dataclass
class AspectRow:
    code: str
    kind: str
    description: str
    extra: str
    requirement: str
    heading: str
    max_mark: str
    section: int | None
    section_title: str
    calculation: str
    descriptors: list[tuple[int, str]] = field(default_factory=list)


@requires(policy.can_browse_competitions)
def scheme_page(request, pk):
    competition = managed_judging(request, pk)
    saved = scheme_of(competition)
    if saved is None:
        return render(
            request,
            "backoffice/worldskills/scheme.html",
            {"competition": competition, "saved": None, "tab": "scheme"}
            | _links(request, competition),
        )
    data = scheme_data(saved)
    titles = {s.number: s.title for s in data.sections}
    criteria = []
    for c in data.criteria:
        subs = []
        for sub in c.subcriteria:
            rows = [
                AspectRow(
                    a.code,
                    a.kind,
                    a.description,
                    a.extra,
                    a.requirement,
                    a.heading,
                    plain(a.max_mark) if a.max_mark is not None else "",
                    a.section,
                    titles.get(a.section, ""),
                    a.calculation,
                    sorted(a.descriptors.items()),
                )
                for a in sub.aspects
            ]
            subs.append({"sub": sub, "aspects": rows})
        criteria.append(
            {
                "criterion": c,
                "mark": plain(c.mark),
                "subs": subs,
                "measurement": sum(1 for a in c.aspects if a.kind == MEASUREMENT),
                "judgement": sum(1 for a in c.aspects if a.kind == JUDGEMENT),
            }
        )
    table = sections.section_table(data)
    return render(
        request,
        "backoffice/worldskills/scheme.html",
        {
            "competition": competition,
            "saved": saved,
            "data": data,
            "total": plain(data.total),
            "criteria": criteria,
            "aspect_count": len(data.aspects),
            "measurement": sum(1 for a in data.aspects if a.kind == MEASUREMENT),
            "judgement": sum(1 for a in data.aspects if a.kind == JUDGEMENT),
            "table": table,
            "section_rows": [
                {
                    "number": r.number,
                    "title": r.title,
                    "target": plain(r.target),
                    "computed": plain(r.computed),
                    "variation": plain(r.variation),
                    "stated": plain(r.stated) if r.stated is not None else "",
                    "stated_differs": r.stated_differs,
                }
                for r in table.rows
            ],
            "table_target": plain(table.target),
            "table_computed": plain(table.computed),
            "table_variation": plain(table.variation),
            "calculations": data.calculations,
            "spread_limit": plain(saved.spread_limit),
            "tab": "scheme",
            **_links(request, competition),
        },
    )


# --- export -----------------------------------------------------------------------


@requires(policy.can_browse_competitions)
def export(request, pk):
    competition = managed_judging(request, pk)
    try:
        content = cis_export.export_competition(competition)
    except ValueError as error:  # more stages than a CIS workbook has criteria
        messages.error(request, str(error))
        return redirect("backoffice:judging_overview", pk=pk)
    filename = f"{competition.code}-marking-scheme.xlsx"
    response = HttpResponse(content, content_type=XLSX_MIME_IMPORT)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    record_export(request, filename=filename, rows=0)
    return response


# --- medals ------------------------------------------------------------------------


@requires(policy.can_browse_competitions)
def medals_page(request, pk):
    competition = managed_judging(request, pk)
    judging = current_judging(competition)
    form = MedalsForm(request.POST or None, initial=medals_initial(judging.awards))
    if request.method == "POST" and form.is_valid():
        try:
            medals.set_medals(actor=request.user, competition=competition, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Medal settings saved."))
            return redirect("backoffice:worldskills_medals", pk=pk)
    return render(
        request,
        "backoffice/worldskills/medals.html",
        {
            "competition": competition,
            "judging": judging,
            "form": form,
            "locked": scheme.is_locked(competition),
            "tab": "medals",
            **_links(request, competition),
        },
    )


# --- results by criterion and section ---------------------------------------------


def _results_access(request, pk) -> tuple[Competition | None, HttpResponse | None, bool]:
    """(the competition, a response instead of the page, names hidden).

    Public results: anyone. Otherwise a signed-in user who reaches the competition
    (404) and follows its marking (403)."""
    competition = Competition.objects.select_related("year", "organiser").filter(pk=pk).first()
    if competition is None or scheme_of(competition) is None:
        raise Http404
    if competitions_with_public_results().filter(pk=pk).exists():
        return competition, None, False
    user = request.user
    if not user.is_authenticated:
        return None, redirect_to_login(request.get_full_path()), False
    if not _reachable(user, competition):
        raise Http404
    if not policy.can_read_results(user, competition):
        raise PermissionDenied
    return competition, None, panel.identities_hidden(competition)


@dataclass
class BreakdownTable:
    letters: list[str]
    numbers: list[int]
    rows: list[results.Breakdown]
    problem: str = ""


def _breakdown(competition: Competition, hidden: bool) -> BreakdownTable:
    try:
        rows = results.breakdown(competition)
    except ValueError as error:  # a scheme that cannot be computed yet
        return BreakdownTable([], [], [], str(error))
    letters = list(
        competition.worldskills_scheme.criteria.filter(stage__isnull=False)
        .order_by("order", "id")
        .values_list("letter", flat=True)
    )
    numbers = list(
        Section.objects.filter(scheme__competition=competition)
        .order_by("order", "id")
        .values_list("number", flat=True)
    )
    if hidden:
        codes = dict(
            BlindCode.objects.filter(competition=competition).values_list("entry__number", "code")
        )
        for row in rows:
            row.entry = codes.get(row.entry, "—")
            row.name = row.organisation = ""
    return BreakdownTable(letters, numbers, rows)


def _cells(table: BreakdownTable, row: results.Breakdown) -> tuple[list, list]:
    by_letter, by_section = row.criteria, row.sections
    return (
        [by_letter.get(letter) for letter in table.letters],
        [by_section.get(number) for number in table.numbers],
    )


@login_not_required
def results_page(request, pk):
    competition, response, hidden = _results_access(request, pk)
    if response is not None:
        return response
    table = _breakdown(competition, hidden)
    lines = []
    for row in table.rows:
        criteria, by_section = _cells(table, row)
        lines.append({"row": row, "criteria": criteria, "sections": by_section})
    titles = dict(
        Section.objects.filter(scheme__competition=competition).values_list("number", "title")
    )
    return render(
        request,
        "backoffice/worldskills/results.html",
        {
            "competition": competition,
            "table": table,
            "lines": lines,
            "sections": [(n, titles.get(n, "")) for n in table.numbers],
            "hidden": hidden,
            "tab": "results",
            **_links(request, competition),
        },
    )


class BreakdownExport(XlsxExport):
    sheet_name = "results"
    personal_data = "entrants' names and results"

    def __init__(self, competition: Competition, table: BreakdownTable):
        self.table = table
        self.filename = f"{competition.code}-results-by-section.xlsx"
        self.columns = [
            Column(_("rank"), 6),
            Column(_("entry number"), 14),
            Column(_("name"), 24),
            Column(_("organisation"), 36),
            *[Column(_("criterion %(letter)s") % {"letter": x}, 12) for x in table.letters],
            *[Column(_("section %(number)s") % {"number": n}, 12) for n in table.numbers],
            Column(_("total"), 10),
            Column(_("award"), 24),
            Column(_("flags"), 30),
        ]

    def rows(self):
        for row in self.table.rows:
            criteria, by_section = _cells(self.table, row)
            yield [
                row.rank,
                row.entry,
                row.name,
                row.organisation,
                *[Decimal(v) if v is not None else "" for v in criteria],
                *[Decimal(v) if v is not None else "" for v in by_section],
                row.total,
                row.award,
                ";".join(row.flags),
            ]


@login_not_required
def results_xlsx(request, pk):
    competition, response, hidden = _results_access(request, pk)
    if response is not None:
        return response
    table = _breakdown(competition, hidden)
    if table.problem:
        messages.error(request, table.problem)
        return redirect("backoffice:worldskills_results", pk=pk)
    return BreakdownExport(competition, table).response(request)
