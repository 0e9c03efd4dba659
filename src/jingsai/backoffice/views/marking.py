"""Marking follow-up and results: the chief judge's progress page and sheets, paper
sheets with a second person's check, mark imports, results, public notice,
publication and appeals.

Every view finds the competition the same way (:func:`_competition`): it must be
one the user sees, or one where he has a judge's seat or sits in the arbitration
group (404 otherwise), and the page's policy must allow him (403 otherwise).
Sheets, criteria, entries and appeals named in a URL belong to that competition
(404 otherwise). Changes are POST only and go through one domain function each.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingsai.access import policy
from jingsai.access.decorators import requires
from jingsai.backoffice.marking_forms import (
    AppealForm,
    CorrectionForm,
    DecisionForm,
    MarksFieldsMixin,
    MarksImportForm,
    NoticeForm,
    PaperCheckForm,
    PaperSheetForm,
    ReasonForm,
    mark_field_name,
)
from jingsai.backoffice.views import import_reports
from jingsai.backoffice.views.querystrings import query_without_page
from jingsai.common.models import AuditEntry
from jingsai.common.pagination import paginate
from jingsai.common.spreadsheet_import import XLSX_MIME_IMPORT
from jingsai.common.spreadsheets import Column, XlsxExport, neutralise, record_export
from jingsai.competitions.domain.lifecycle import MoveRefused
from jingsai.competitions.models import Competition, Entry
from jingsai.judging.domain import compute, marks_import, panel, publication, results, sheets
from jingsai.judging.domain.publication import PublicationRefused
from jingsai.judging.domain.sheets import SheetRefused, units_to_decimal
from jingsai.judging.domain.workbook_template import workbook_template
from jingsai.judging.models import Appeal, BlindCode, Judging, Result, Sheet, Stage, plain
from jingsai.people.models import Role
from jingsai.public.exhibition import member_names, result_name

S = Competition.Status
MISSING_SHOWN = 200
FLAGGED_SHOWN = 200
IMPORT_ERRORS_SHOWN = 50


# --- access ----------------------------------------------------------------------


def takes_part_in_judging(user) -> bool:
    """Staff who browse competitions, judges with a seat, members of an arbitration group."""
    return (
        policy.can_browse_competitions(user)
        or policy.is_judge(user)
        or bool(getattr(user, "is_authenticated", False) and user.arbitrating.exists())
    )


def may_appeal(user) -> bool:
    """Entrants and enterprise officers (which entries: :func:`policy.entries_appealable_by`)."""
    return policy.has_role(user, Role.WORKER, Role.ENTERPRISE_OFFICER)


def _reachable(user, competition: Competition) -> bool:
    if policy.competitions_visible_to(user).filter(pk=competition.pk).exists():
        return True
    if policy.seat_in(user, competition) is not None:
        return True
    judging = Judging.objects.filter(pk=competition.pk).first()
    return bool(judging and judging.arbitrators.filter(pk=user.pk).exists())


def _competition(request, pk, allowed: Callable[..., bool]) -> Competition:
    """The competition, if the user may reach it (404) and ``allowed`` says yes (403)."""
    competition = Competition.objects.select_related("year", "organiser").filter(pk=pk).first()
    if competition is None or not _reachable(request.user, competition):
        raise Http404
    if not allowed(request.user, competition):
        raise PermissionDenied
    return competition


# --- how entries are named -------------------------------------------------------


def entry_label(entry: Entry, hidden: bool) -> str:
    """The entry number, or its anonymous code while blind marking hides identities."""
    if hidden:
        code = getattr(entry, "blind_code", None)  # no code drawn: the accessor raises
        return code.code if code else "—"
    return entry.number or f"#{entry.pk}"


def _judging(competition: Competition) -> Judging | None:
    return Judging.objects.select_related("marks_confirmed_by").filter(pk=competition.pk).first()


# --- progress (the chief judge) --------------------------------------------------


@dataclass
class FlaggedEntry:
    label: str
    name: str
    flags: list[str]
    number: str


def _flagged(competition: Competition, hidden: bool) -> tuple[list[FlaggedEntry], str]:
    try:
        rows = compute.compute(competition)
    except ValueError as error:  # a scheme that cannot be computed yet (a stage without marks)
        return [], str(error)
    codes = (
        dict(BlindCode.objects.filter(competition=competition).values_list("entry__number", "code"))
        if hidden
        else {}
    )
    flagged = []
    for row in rows:
        if not row.flags:
            continue
        flagged.append(
            FlaggedEntry(
                label=codes.get(row.entry, "—") if hidden else row.entry,
                name="" if hidden else row.name,
                flags=row.flags,
                number="" if hidden else row.entry,
            )
        )
        if len(flagged) >= FLAGGED_SHOWN:
            break
    return flagged, ""


def _sheets(request, competition: Competition):
    found = Sheet.objects.filter(competition=competition).select_related(
        "judge", "entry", "entry__blind_code"
    )
    status = request.GET.get("status", "")
    if status in Sheet.Status.values:
        found = found.filter(status=status)
    entry = request.GET.get("entry", "").strip()
    if entry:
        found = found.filter(Q(entry__number=entry) | Q(entry__blind_code__code=entry.upper()))
    return found.order_by("entry_id", "judge__code"), status, entry


@requires(takes_part_in_judging)
def progress(request, pk):
    competition = _competition(request, pk, policy.can_follow_marking)
    user = request.user
    hidden = panel.identities_hidden(competition)
    judging = _judging(competition)
    missing = publication.missing_sheets(competition, limit=MISSING_SHOWN)
    if hidden:
        codes = dict(
            BlindCode.objects.filter(entry_id__in={a.entry_id for a in missing}).values_list(
                "entry_id", "code"
            )
        )
        missing_rows = [(a.judge, codes.get(a.entry_id, "—")) for a in missing]
    else:
        missing_rows = [(a.judge, entry_label(a.entry, False)) for a in missing]
    flagged, compute_problem = _flagged(competition, hidden)
    found, status, entry = _sheets(request, competition)
    page = paginate(found, page=request.GET.get("page"))
    chief = policy.is_chief_judge(user, competition)
    confirmed = bool(judging and judging.marks_confirmed_at)
    return render(
        request,
        "backoffice/marking/progress.html",
        {
            "competition": competition,
            "judging": judging,
            "state": publication.progress(competition),
            "missing": missing_rows,
            "missing_capped": len(missing) >= MISSING_SHOWN,
            "flagged": flagged,
            "compute_problem": compute_problem,
            "hidden": hidden,
            "page": page,
            "sheet_rows": [(s, entry_label(s.entry, hidden)) for s in page.items],
            "query": query_without_page(request.GET),
            "statuses": Sheet.Status.choices,
            "status": status,
            "entry": entry,
            "chief": chief,
            "manage": policy.can_manage_judging(user, competition),
            "follow": True,
            "can_confirm": chief and competition.status == S.JUDGING and not confirmed,
            "can_reopen": chief and competition.status == S.JUDGING and confirmed,
            "reopen_form": ReasonForm(prefix="reopen"),
            "can_decide": policy.can_decide_appeals(user, competition),
        },
    )


@requires(takes_part_in_judging)
@require_POST
def confirm(request, pk):
    competition = _competition(request, pk, policy.is_chief_judge)
    try:
        publication.confirm_marks(actor=request.user, competition=competition)
    except PublicationRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("All marks are confirmed."))
    return redirect("backoffice:marking_progress", pk=pk)


@requires(takes_part_in_judging)
@require_POST
def reopen(request, pk):
    competition = _competition(request, pk, policy.is_chief_judge)
    form = ReasonForm(request.POST, prefix="reopen")
    try:
        publication.reopen_marks(
            actor=request.user,
            competition=competition,
            reason=form.data.get(form.add_prefix("reason"), ""),
        )
    except PublicationRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The marks are open again; compute the results once more."))
    return redirect("backoffice:marking_progress", pk=pk)


# --- one sheet -------------------------------------------------------------------


def _sheet(competition: Competition, sheet_pk) -> Sheet:
    return get_object_or_404(
        Sheet.objects.select_related(
            "judge", "entry", "entry__enterprise", "entry__blind_code", "entered_by", "checked_by"
        ),
        pk=sheet_pk,
        competition=competition,
    )


def _render_sheet(request, competition, sheet, *, return_form=None, correction_form=None):
    user = request.user
    hidden = panel.identities_hidden(competition)
    criteria = sheets.criteria_of(competition)
    units = dict(sheet.marks.values_list("criterion_id", "units"))
    chief = policy.is_chief_judge(user, competition)
    locked = sheet.status == Sheet.Status.SUBMITTED
    can_correct = chief and locked and competition.status == S.JUDGING
    judging = _judging(competition)
    confirmed = bool(judging and judging.marks_confirmed_at)
    names = member_names(competition, [sheet.entry_id]) if not hidden else {}
    return render(
        request,
        "backoffice/marking/sheet.html",
        {
            "competition": competition,
            "sheet": sheet,
            "entry_label": entry_label(sheet.entry, hidden),
            "entry_name": "" if hidden else result_name(sheet.entry, names),
            "hidden": hidden,
            "marks": [
                (c, units_to_decimal(units[c.pk]) if c.pk in units else None) for c in criteria
            ],
            "history": AuditEntry.objects.filter(
                object_type=Sheet._meta.label_lower, object_id=str(sheet.pk)
            )[:30],
            "chief": chief,
            "can_correct": can_correct,
            "can_return": can_correct and not confirmed,
            "return_form": return_form or ReasonForm(prefix="return"),
            "correction_form": correction_form
            or CorrectionForm(prefix="correct", criteria=criteria),
            "has_scaled": any(c.scale for c in criteria),
        },
    )


@requires(takes_part_in_judging)
def sheet_detail(request, pk, sheet_pk):
    competition = _competition(request, pk, policy.can_follow_marking)
    return _render_sheet(request, competition, _sheet(competition, sheet_pk))


@requires(takes_part_in_judging)
@require_POST
def sheet_return(request, pk, sheet_pk):
    competition = _competition(request, pk, policy.is_chief_judge)
    sheet = _sheet(competition, sheet_pk)
    form = ReasonForm(request.POST, prefix="return")
    if not form.is_valid():
        messages.error(request, _("Say why the sheet goes back for re-marking."))
        return _render_sheet(request, competition, sheet, return_form=form)
    try:
        sheets.return_for_remarking(
            actor=request.user, sheet=sheet, reason=form.cleaned_data["reason"]
        )
    except SheetRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The sheet is back with the judge for re-marking."))
    return redirect("backoffice:marking_sheet", pk=pk, sheet_pk=sheet.pk)


@requires(takes_part_in_judging)
@require_POST
def sheet_correct(request, pk, sheet_pk):
    competition = _competition(request, pk, policy.is_chief_judge)
    sheet = _sheet(competition, sheet_pk)
    criteria = sheets.criteria_of(competition)
    form = CorrectionForm(request.POST, prefix="correct", criteria=criteria)
    if not form.is_valid():
        messages.error(request, _("A correction needs the criterion, the mark and its reason."))
        return _render_sheet(request, competition, sheet, correction_form=form)
    try:
        sheets.correct_mark(
            actor=request.user,
            sheet=sheet,
            criterion=form.cleaned_data["criterion"],
            value=form.cleaned_data["value"],
            reason=form.cleaned_data["reason"],
        )
    except SheetRefused as refused:
        messages.error(request, str(refused))
        for message in refused.field_errors.values():
            form.add_error("value", message)
        return _render_sheet(request, competition, sheet, correction_form=form)
    messages.success(request, _("The mark is corrected; the reason is in the audit trail."))
    return redirect("backoffice:marking_sheet", pk=pk, sheet_pk=sheet.pk)


# --- paper sheets ----------------------------------------------------------------


def _scores_labelled(form: MarksFieldsMixin) -> MarksFieldsMixin:
    """A criterion scored on a scale (WorldSkills judgement) takes a score 0..scale, not a
    mark: say so in its label (the input's top is :attr:`Criterion.top_input`)."""
    for criterion in form.criteria:
        if criterion.scale:
            form.fields[mark_field_name(criterion)].label = _(
                "%(code)s %(name)s (score 0–%(top)s; max mark %(max)s)"
            ) % {
                "code": criterion.code,
                "name": criterion.name,
                "top": plain(criterion.top_input),
                "max": criterion.max_text,
            }
    return form


def _entry_named(competition: Competition, text: str) -> Entry | None:
    """An approved entry by its number or its anonymous code."""
    text = text.strip()
    if not text:
        return None
    return (
        Entry.objects.filter(competition=competition, status=Entry.Status.APPROVED)
        .filter(Q(number=text) | Q(blind_code__code=text.upper()))
        .select_related("competition")
        .first()
    )


def _awaiting_check(competition: Competition):
    return (
        Sheet.objects.filter(
            competition=competition,
            source=Sheet.Source.STAFF,
            status=Sheet.Status.SUBMITTED,
            checked_by__isnull=True,
        )
        .select_related("judge", "entry", "entry__blind_code", "entered_by")
        .order_by("submitted_at", "id")
    )


@requires(takes_part_in_judging)
def paper(request, pk):
    competition = _competition(request, pk, policy.can_manage_judging)
    criteria = sheets.criteria_of(competition)
    form = _scores_labelled(
        PaperSheetForm(request.POST or None, competition=competition, criteria=criteria)
    )
    if request.method == "POST" and form.is_valid():
        entry = _entry_named(competition, form.cleaned_data["entry"])
        if entry is None:
            form.add_error("entry", _("No approved entry has this number or code."))
        else:
            try:
                sheets.staff_enter(
                    actor=request.user,
                    judge=form.cleaned_data["judge"],
                    entry=entry,
                    values=form.mark_values(),
                )
            except SheetRefused as refused:
                messages.error(request, str(refused))
                form.add_mark_errors(refused.field_errors)
            else:
                messages.success(
                    request,
                    _("Sheet typed in; it counts once a second person has checked it."),
                )
                return redirect("backoffice:marking_paper", pk=pk)
    hidden = panel.identities_hidden(competition)
    awaiting = list(_awaiting_check(competition)[:200])
    return render(
        request,
        "backoffice/marking/paper.html",
        {
            "competition": competition,
            "form": form,
            "criteria": criteria,
            "awaiting": [(s, entry_label(s.entry, hidden)) for s in awaiting],
        },
    )


@requires(takes_part_in_judging)
def paper_check(request, pk, sheet_pk):
    competition = _competition(request, pk, policy.can_manage_judging)
    sheet = get_object_or_404(_awaiting_check(competition), pk=sheet_pk)
    criteria = sheets.criteria_of(competition)
    form = _scores_labelled(PaperCheckForm(request.POST or None, criteria=criteria))
    if request.method == "POST" and form.is_valid():
        try:
            sheets.staff_check(actor=request.user, sheet=sheet, values=form.mark_values())
        except SheetRefused as refused:
            messages.error(request, str(refused))
            form.add_mark_errors(refused.field_errors)
        else:
            messages.success(request, _("Checked: the marks agree and the sheet now counts."))
            return redirect("backoffice:marking_paper", pk=pk)
    hidden = panel.identities_hidden(competition)
    return render(
        request,
        "backoffice/marking/paper_check.html",
        {
            "competition": competition,
            "sheet": sheet,
            "entry_label": entry_label(sheet.entry, hidden),
            "form": form,
            "typed_by_you": sheet.entered_by_id == request.user.pk,
        },
    )


# --- marks from a spreadsheet ----------------------------------------------------


@requires(takes_part_in_judging)
def import_template(request, pk):
    competition = _competition(request, pk, policy.can_manage_judging)
    response = HttpResponse(marks_import.template(), content_type=XLSX_MIME_IMPORT)
    response["Content-Disposition"] = (
        f'attachment; filename="{competition.code}-marks-template.xlsx"'
    )
    return response


@requires(takes_part_in_judging)
def marks_upload(request, pk):
    competition = _competition(request, pk, policy.can_manage_judging)
    form = MarksImportForm(request.POST or None, request.FILES or None)
    result = None
    report_token = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = marks_import.import_marks(
                actor=request.user, competition=competition, source=upload, size=upload.size
            )
        except ValidationError as error:  # SpreadsheetRefused: the file as a whole
            form.add_error("file", error.messages)
        else:
            if not result.errors:
                messages.success(
                    request,
                    _("%(sheets)d sheets imported from %(rows)d rows.")
                    % {"sheets": result.sheets, "rows": result.rows},
                )
                return redirect("backoffice:marking_progress", pk=pk)
            report_token = import_reports.keep(request, result.errors)
    return render(
        request,
        "backoffice/marking/import.html",
        {
            "competition": competition,
            "form": form,
            "result": result,
            "errors_shown": result.errors.errors[:IMPORT_ERRORS_SHOWN] if result else [],
            "report_token": report_token,
        },
    )


@requires(takes_part_in_judging)
def import_report(request, pk, token):
    _competition(request, pk, policy.can_manage_judging)
    return import_reports.download(request, token, "marks-errors.xlsx")


@requires(takes_part_in_judging)
def workbook_template_download(request, pk):
    _competition(request, pk, policy.can_manage_judging)
    response = HttpResponse(workbook_template(), content_type=XLSX_MIME_IMPORT)
    response["Content-Disposition"] = 'attachment; filename="competition-workbook-template.xlsx"'
    return response


# --- results ---------------------------------------------------------------------


@dataclass
class ResultLine:
    rank: int
    entry: str
    name: str
    organisation: str
    total: Decimal
    stage_scores: list[str]
    award: str
    flags: list[str] = field(default_factory=list)
    entry_id: int = 0


def _plain_number(text: str) -> str:
    """A stored stage score (four decimals) without its trailing zeros: 59.5000 → 59.5."""
    if not text:
        return ""
    return format(Decimal(text).normalize(), "f")


def result_lines(competition: Competition, found: Iterable[Result], stages, *, hidden=False):
    """Stored results as lines to show or export, named as :mod:`compute` names them."""
    found = list(found)
    names = {} if hidden else member_names(competition, [r.entry_id for r in found])
    return [
        ResultLine(
            rank=r.rank,
            entry=entry_label(r.entry, hidden),
            name="" if hidden else result_name(r.entry, names),
            organisation="" if hidden else r.entry.enterprise.name,
            total=r.total,
            stage_scores=[_plain_number(r.stage_scores.get(s.code, "")) for s in stages],
            award=r.award,
            flags=[f for f in r.flags.split(";") if f],
            entry_id=r.entry_id,
        )
        for r in found
    ]


def _stored_results(competition: Competition):
    return (
        Result.objects.filter(competition=competition)
        .select_related("entry", "entry__enterprise", "entry__blind_code")
        .order_by("position")
    )


def _stages(competition: Competition):
    return list(Stage.objects.filter(competition=competition).order_by("order", "id"))


@requires(takes_part_in_judging)
def results_page(request, pk):
    competition = _competition(request, pk, policy.can_read_results)
    user = request.user
    judging = _judging(competition)
    hidden = panel.identities_hidden(competition)
    stages = _stages(competition)
    page = paginate(_stored_results(competition), page=request.GET.get("page"), page_size=50)
    appeals = (
        Appeal.objects.filter(competition=competition)
        .select_related("entry", "entry__blind_code", "lodged_by", "decided_by")
        .order_by("-id")[:100]
    )
    confirmed = bool(judging and judging.marks_confirmed_at)
    return render(
        request,
        "backoffice/marking/results.html",
        {
            "competition": competition,
            "judging": judging,
            "stages": stages,
            "page": page,
            "lines": result_lines(competition, page.items, stages, hidden=hidden),
            "query": query_without_page(request.GET),
            "appeals": [(a, entry_label(a.entry, hidden)) for a in appeals],
            "can_compute": policy.can_manage_judging(user, competition)
            and competition.status == S.JUDGING
            and confirmed,
            "can_notice": policy.can_move_competition(user, competition, S.PUBLIC_NOTICE),
            "notice_form": NoticeForm(prefix="notice"),
            "can_publish": policy.can_move_competition(user, competition, S.PUBLISHED),
            "can_reopen": competition.status == S.PUBLISHED
            and policy.can_move_competition(user, competition, S.JUDGING),
            "can_decide": policy.can_decide_appeals(user, competition),
            "manage": policy.can_manage_judging(user, competition),
            "follow": policy.can_follow_marking(user, competition),
            "deadline": publication.appeal_deadline(judging) if judging else None,
        },
    )


@requires(takes_part_in_judging)
@require_POST
def results_compute(request, pk):
    competition = _competition(request, pk, policy.can_manage_judging)
    try:
        rows = publication.compute_results(actor=request.user, competition=competition)
    except (PublicationRefused, ValueError) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("Results computed for %(n)d entries; %(flagged)d carry a flag.")
            % {"n": len(rows), "flagged": sum(1 for r in rows if r.flags)},
        )
    return redirect("backoffice:marking_results", pk=pk)


@requires(takes_part_in_judging)
@require_POST
def results_notice(request, pk):
    competition = _competition(
        request, pk, lambda u, c: policy.can_move_competition(u, c, S.PUBLIC_NOTICE)
    )
    form = NoticeForm(request.POST, prefix="notice")
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("backoffice:marking_results", pk=pk)
    try:
        publication.put_on_notice(
            actor=request.user,
            competition=competition,
            starts=form.cleaned_data["starts"],
            ends=form.cleaned_data["ends"],
        )
    except (PublicationRefused, MoveRefused) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The results are on public notice."))
    return redirect("backoffice:marking_results", pk=pk)


@requires(takes_part_in_judging)
@require_POST
def results_publish(request, pk):
    competition = _competition(
        request, pk, lambda u, c: policy.can_move_competition(u, c, S.PUBLISHED)
    )
    try:
        publication.publish(actor=request.user, competition=competition)
    except (PublicationRefused, MoveRefused) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The results are published."))
    return redirect("backoffice:marking_results", pk=pk)


@requires(takes_part_in_judging)
@require_POST
def results_reopen(request, pk):
    """Published results back to judging for a correction; certificates follow on republishing."""
    competition = _competition(
        request,
        pk,
        lambda u, c: c.status == S.PUBLISHED and policy.can_move_competition(u, c, S.JUDGING),
    )
    try:
        publication.reopen_published(
            actor=request.user, competition=competition, reason=request.POST.get("reason", "")
        )
    except (PublicationRefused, MoveRefused) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _(
                "The results are re-opened for a correction. Compute, put on notice and publish "
                "them again; certificates that change are revoked and reissued with your reason."
            ),
        )
    return redirect("backoffice:marking_results", pk=pk)


class ResultsExport(XlsxExport):
    personal_data = "entrants' names and results"
    sheet_name = "results"

    def __init__(self, competition, lines, stages):
        self.lines = lines
        self.filename = f"{competition.code}-results.xlsx"
        self.columns = [
            Column(_("rank"), 6),
            Column(_("entry number"), 14),
            Column(_("name"), 24),
            Column(_("organisation"), 36),
            Column(_("total"), 10),
            *[Column(s.name or s.code, 12) for s in stages],
            Column(_("award"), 10),
            Column(_("flags"), 30),
        ]

    def rows(self):
        for line in self.lines:
            yield [
                line.rank,
                line.entry,
                line.name,
                line.organisation,
                line.total,
                *[Decimal(v) if v else "" for v in line.stage_scores],
                line.award,
                ";".join(line.flags),
            ]


def _all_lines(competition):
    stages = _stages(competition)
    hidden = panel.identities_hidden(competition)
    return result_lines(competition, _stored_results(competition), stages, hidden=hidden), stages


@requires(takes_part_in_judging)
def results_xlsx(request, pk):
    competition = _competition(request, pk, policy.can_read_results)
    lines, stages = _all_lines(competition)
    return ResultsExport(competition, lines, stages).response(request)


@requires(takes_part_in_judging)
def results_csv(request, pk):
    """The columns of :data:`results.CSV_COLUMNS`, written by :func:`results.csv_rows`."""
    competition = _competition(request, pk, policy.can_read_results)
    lines = _all_lines(competition)[0]
    rows = results.csv_rows(
        [
            results.ResultRow(
                rank=line.rank,
                entry=line.entry,
                name=neutralise(line.name),
                organisation=neutralise(line.organisation),
                total=line.total,
                exact_total=Fraction(line.total),
                stage_scores={},
                award=neutralise(line.award),
                flags=line.flags,
            )
            for line in lines
        ]
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(results.CSV_COLUMNS)
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{competition.code}-results.csv"'
    record_export(
        request,
        filename=f"{competition.code}-results.csv",
        rows=len(rows),
        personal_data="entrants' names and results",
    )
    return response


# --- appeals ---------------------------------------------------------------------


@requires(takes_part_in_judging)
def appeal_list(request, pk):
    competition = _competition(request, pk, policy.can_decide_appeals)
    hidden = panel.identities_hidden(competition)
    found = (
        Appeal.objects.filter(competition=competition)
        .select_related("entry", "entry__blind_code", "lodged_by", "decided_by")
        .order_by("-id")
    )
    status = request.GET.get("status", "")
    if status in Appeal.Status.values:
        found = found.filter(status=status)
    page = paginate(found, page=request.GET.get("page"))
    return render(
        request,
        "backoffice/marking/appeal_list.html",
        {
            "competition": competition,
            "page": page,
            "rows": [(a, entry_label(a.entry, hidden)) for a in page.items],
            "query": query_without_page(request.GET),
            "statuses": Appeal.Status.choices,
            "status": status,
        },
    )


@requires(takes_part_in_judging)
def appeal_detail(request, pk, appeal_pk):
    competition = _competition(request, pk, policy.can_decide_appeals)
    appeal = get_object_or_404(
        Appeal.objects.select_related(
            "entry", "entry__enterprise", "entry__blind_code", "lodged_by", "decided_by"
        ),
        pk=appeal_pk,
        competition=competition,
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if appeal.status != Appeal.Status.LODGED:
            messages.error(request, _("This appeal has already been decided."))
            return redirect("backoffice:marking_appeal", pk=pk, appeal_pk=appeal.pk)
        if form.is_valid():
            uphold = form.cleaned_data["decision"] == "uphold"
            try:
                publication.decide_appeal(
                    actor=request.user,
                    appeal=appeal,
                    uphold=uphold,
                    reason=form.cleaned_data["reason"],
                )
            except (PublicationRefused, MoveRefused) as refused:
                messages.error(request, str(refused))
            else:
                messages.success(
                    request,
                    _("Appeal upheld: the competition is back in judging for corrections.")
                    if uphold
                    else _("Appeal dismissed."),
                )
                return redirect("backoffice:marking_appeals", pk=pk)
    hidden = panel.identities_hidden(competition)
    stages = _stages(competition)
    result = _stored_results(competition).filter(entry=appeal.entry)
    return render(
        request,
        "backoffice/marking/appeal_detail.html",
        {
            "competition": competition,
            "appeal": appeal,
            "entry_label": entry_label(appeal.entry, hidden),
            "line": next(iter(result_lines(competition, result, stages, hidden=hidden)), None),
            "stages": stages,
            "form": form if appeal.status == Appeal.Status.LODGED else None,
        },
    )


def _appeal_competition(request, pk) -> tuple[Competition, object]:
    """An entrant's or officer's competition and the entries he may appeal for."""
    competition = Competition.objects.filter(pk=pk).first()
    if competition is None:
        raise Http404
    entries = policy.entries_appealable_by(request.user, competition)
    if not entries.exists():
        if policy.competitions_visible_to(request.user).filter(pk=pk).exists():
            raise PermissionDenied
        raise Http404
    return competition, entries


@requires(may_appeal)
def appeal_lodge(request, pk):
    competition, entries = _appeal_competition(request, pk)
    entries = entries.select_related("enterprise").order_by("number", "id")
    names = member_names(competition, entries.values_list("pk", flat=True))
    labels = {e.pk: f"{e.number or '#' + str(e.pk)} {result_name(e, names)}" for e in entries}
    form = AppealForm(request.POST or None, entries=entries, labels=labels)
    if request.method == "POST" and form.is_valid():
        try:
            publication.lodge_appeal(
                actor=request.user,
                entry=form.cleaned_data["entry"],
                grounds=form.cleaned_data["grounds"],
            )
        except PublicationRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request, _("Your appeal is lodged; the arbitration group will decide it.")
            )
            return redirect("backoffice:marking_appeal_lodge", pk=pk)
    judging = _judging(competition)
    return render(
        request,
        "backoffice/marking/appeal_lodge.html",
        {
            "competition": competition,
            "judging": judging,
            "deadline": publication.appeal_deadline(judging) if judging else None,
            "on_notice": competition.status == S.PUBLIC_NOTICE,
            "form": form,
            "appeals": [
                (a, labels.get(a.entry_id, ""))
                for a in Appeal.objects.filter(competition=competition, entry__in=entries)
                .select_related("entry")
                .order_by("-id")
            ],
            "public_results": reverse("public:competition_results", args=[competition.code]),
        },
    )
