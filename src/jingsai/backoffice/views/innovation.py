"""Innovation results (成果转化) in the back office: the list with its filters and
export, statistics, recording and editing a result with its authors, its page with
the review steps, the verified benefit, files and history, and the reward tiers.

A result must be among those the user sees (404 otherwise,
``policy.innovations_visible_to``); each step is offered only to those entitled and
refused (403) to anyone else; :mod:`jingsai.innovation.domain.lifecycle` checks the
same rules again and does the change with its audit record.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal

import xlsxwriter
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingsai.access import policy
from jingsai.access.decorators import get_visible_or_404, requires
from jingsai.backoffice.innovation_forms import (
    DETAIL_FIELDS,
    AdoptForm,
    BandForm,
    FileForm,
    RejectForm,
    ResultForm,
    VerifyForm,
    author_candidates,
    default_year,
)
from jingsai.backoffice.views.querystrings import query_without_page
from jingsai.catalogue.models import Industry, ProgrammeYear, Series
from jingsai.common.models import AuditEntry
from jingsai.common.pagination import paginate
from jingsai.common.spreadsheets import XLSX_MIME, Column, XlsxExport, neutralise
from jingsai.innovation.domain import bands as band_service
from jingsai.innovation.domain import lifecycle
from jingsai.innovation.domain.lifecycle import InnovationRefused
from jingsai.innovation.domain.stats import Filters, filter_results, statistics
from jingsai.innovation.models import Author, InnovationResult, RewardBand
from jingsai.people.models import Worker

S = InnovationResult.Status
HISTORY_SHOWN = 50


# --- helpers shared with the worker portal ------------------------------------------


def with_authors(results: QuerySet[InnovationResult]) -> QuerySet[InnovationResult]:
    return results.prefetch_related(
        Prefetch(
            "authors",
            queryset=Author.objects.select_related("worker").order_by("order", "id"),
        )
    )


def add_refusal(form, refused: InnovationRefused) -> None:
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


def chosen_authors(form: ResultForm, initial: list[Worker]) -> list[Worker]:
    """The authors to show as ticked: those posted (that the user may name), else
    ``initial``."""
    if not form.is_bound and "_posted" not in form.initial:
        return initial
    posted = form.data.getlist("authors") if form.is_bound else form.initial["_posted"]
    order = list(dict.fromkeys(int(v) for v in posted if str(v).isdigit()))
    found = form.fields["authors"].queryset.filter(pk__in=order).select_related("employer")
    by_pk = {w.pk: w for w in found}
    return [by_pk[pk] for pk in order if pk in by_pk]


def result_form_page(request, *, make_form, initial: dict, initial_authors: list[Worker]):
    """(form, authors context, valid) for a result form: a POST with ``find`` only looks
    for authors (the form is shown again as typed, without errors)."""
    if request.method == "POST" and "find" in request.POST:
        typed = {name: request.POST.get(name, "") for name in DETAIL_FIELDS}
        form = make_form(None, initial=typed | {"_posted": request.POST.getlist("authors")})
    else:
        form = make_form(request.POST or None, initial=initial)
    chosen = chosen_authors(form, initial_authors)
    text = request.POST.get("author_q", "") if request.method == "POST" else ""
    candidates, hint = author_candidates(
        request.user, form.fields["authors"].queryset, text, exclude=[w.pk for w in chosen]
    )
    valid = request.method == "POST" and "find" not in request.POST and form.is_valid()
    return form, {"chosen": chosen, "candidates": candidates, "hint": hint, "author_q": text}, valid


def file_response(item) -> FileResponse:
    extension = item.file.name.rsplit(".", 1)[-1]
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=f"{item.title}.{extension}",
        content_type=item.content_type,
    )


def history_of(result: InnovationResult):
    return AuditEntry.objects.filter(
        object_type=InnovationResult._meta.label_lower, object_id=str(result.pk)
    ).order_by("-occurred_at", "-id")[:HISTORY_SHOWN]


def plain_number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text


# --- scope ---------------------------------------------------------------------------


def visible_results(user) -> QuerySet[InnovationResult]:
    """The results the user sees, as a plain queryset (no join that repeats rows)."""
    return InnovationResult.objects.filter(
        pk__in=policy.innovations_visible_to(user).order_by().values("pk")
    )


def visible_result(request, pk) -> InnovationResult:
    return get_visible_or_404(
        visible_results(request.user).select_related(
            "year", "enterprise__industry", "competition", "reward_band", "verified_by",
            "submitted_by",
        ),
        pk=pk,
    )  # fmt: skip


def _filtered(request) -> tuple[Filters, QuerySet[InnovationResult]]:
    filters = Filters.from_query(request.GET)
    return filters, filter_results(visible_results(request.user), filters)


def _filter_choices(filters: Filters) -> dict:
    return {
        "filters": filters,
        "years": ProgrammeYear.objects.order_by("-year").values_list("year", flat=True),
        "kinds": InnovationResult.Kind.choices,
        "statuses": S.choices,
        "industries": Industry.objects.order_by("order", "id"),
        "series_list": Series.objects.order_by("order", "id"),
    }


# --- the list and its export ---------------------------------------------------------


@requires(policy.can_browse_innovations)
def result_list(request):
    filters, results = _filtered(request)
    results = with_authors(
        results.select_related("year", "enterprise", "reward_band").order_by("-year__year", "-id")
    )
    return render(
        request,
        "backoffice/innovation/list.html",
        {
            "page": paginate(results, page=request.GET.get("page")),
            "query": query_without_page(request.GET),
            "can_record": policy.can_record_innovation(request.user),
            "can_manage_bands": policy.can_manage_reward_bands(request.user),
        }
        | _filter_choices(filters),
    )


class ResultExport(XlsxExport):
    """The filtered list, one row per result."""

    personal_data = "authors' names"

    sheet_name = "innovation results"
    filename = "innovation-results.xlsx"

    def __init__(self, results: QuerySet[InnovationResult]):
        self.results = results
        self.columns = [
            Column(_("title"), 30),
            Column(_("kind"), 24),
            Column(_("year"), 8),
            Column(_("enterprise"), 30),
            Column(_("industry"), 14),
            Column(_("from competition"), 28),
            Column(_("authors"), 24),
            Column(_("status"), 14),
            Column(_("adopted on"), 12),
            Column(_("money saved (yuan)"), 16),
            Column(_("hours saved"), 12),
            Column(_("quality gain"), 24),
            Column(_("reward tier"), 10),
            Column(_("verified by"), 14),
            Column(_("verified at"), 12),
            Column(_("reason for rejection"), 24),
        ]

    def rows(self):
        results = with_authors(
            self.results.select_related(
                "year", "enterprise__industry", "competition", "reward_band", "verified_by"
            ).order_by("-year__year", "-id")
        )
        for r in results.iterator(chunk_size=2000):
            yield [
                r.title,
                r.get_kind_display(),
                r.year.year,
                r.enterprise.name,
                str(r.enterprise.industry or ""),
                r.competition.title if r.competition else "",
                "、".join(a.worker.name for a in r.authors.all()),
                r.get_status_display(),
                r.adopted_on,
                r.money_saved,
                r.hours_saved,
                r.quality_gain,
                r.reward_band.name if r.reward_band else "",
                str(r.verified_by or ""),
                timezone.localtime(r.verified_at).date() if r.verified_at else None,
                r.rejection_reason,
            ]


@requires(policy.can_browse_innovations)
def result_export(request):
    _filters, results = _filtered(request)
    back = f"{reverse('backoffice:innovation_list')}?{query_without_page(request.GET)}"
    return ResultExport(results).response_or_refusal(request, results, back_url=back)


# --- statistics ----------------------------------------------------------------------


def _stats_tables(stats) -> list[tuple[str, str, list]]:
    titles = {
        "kind": _("By kind"),
        "year": _("By year"),
        "enterprise": _("By enterprise (top %(n)d)") % {"n": stats.enterprises_shown},
        "industry": _("By industry"),
        "series": _("By series"),
        "tier": _("By reward tier"),
        "status": _("By status"),
    }
    return [(code, titles[code], rows) for code, rows in stats.tables()]


@requires(policy.can_browse_innovations)
def result_statistics(request):
    filters, results = _filtered(request)
    stats = statistics(results, none_label=_("none"))
    return render(
        request,
        "backoffice/innovation/statistics.html",
        {
            "stats": stats,
            "tables": _stats_tables(stats),
            "query": query_without_page(request.GET),
        }
        | _filter_choices(filters),
    )


def write_statistics(target, tables) -> None:
    """A workbook with a sheet per table: label, results, verified, money, hours."""
    workbook = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True})
    headers = [
        "",
        _("number of results"),
        _("with verified benefit"),
        _("money saved (yuan)"),
        _("hours saved"),
    ]
    used: set[str] = set()
    for _code, title, rows in tables:
        name = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "sheet"
        while name in used:
            name = name[:29] + f"_{len(used)}"
        used.add(name)
        sheet = workbook.add_worksheet(name)
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 4, 16)
        for col, header in enumerate([title, *headers[1:]]):
            sheet.write_string(0, col, str(header), bold)
        for r, row in enumerate(rows, start=1):
            sheet.write_string(r, 0, neutralise(str(row.label)))
            sheet.write_number(r, 1, row.count)
            sheet.write_number(r, 2, row.verified)
            sheet.write_number(r, 3, row.money)
            sheet.write_number(r, 4, row.hours)
        sheet.freeze_panes(1, 0)
    workbook.close()


@requires(policy.can_browse_innovations)
def result_statistics_export(request):
    _filters, results = _filtered(request)
    stats = statistics(results, none_label=_("none"))
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed by FileResponse)
    write_statistics(handle, _stats_tables(stats))
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename="innovation-statistics.xlsx",
        content_type=XLSX_MIME,
    )


# --- recording and editing -----------------------------------------------------------


@requires(policy.can_browse_innovations)
@requires(policy.can_record_innovation)
def result_create(request):
    user = request.user

    def make_form(data, initial):
        return ResultForm(data, user=user, initial=initial)

    enterprises = policy.innovation_enterprises_for(user)
    initial = {"year": default_year(), "enterprise": enterprises.first()}
    if enterprises[:2].count() != 1:
        initial.pop("enterprise")
    form, authors, valid = result_form_page(
        request, make_form=make_form, initial=initial, initial_authors=[]
    )
    if valid:
        data = form.cleaned_data
        try:
            result = lifecycle.record(
                actor=user, **{name: data[name] for name in DETAIL_FIELDS}, authors=data["authors"]
            )
        except InnovationRefused as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("Result recorded."))
            return redirect("backoffice:innovation_detail", pk=result.pk)
    return render(
        request,
        "backoffice/innovation/form.html",
        {"form": form, "title": _("Record an innovation result"), "result": None, **authors},
    )


@requires(policy.can_browse_innovations)
@requires(policy.can_record_innovation)
def result_edit(request, pk):
    result = visible_result(request, pk)
    if not policy.can_change_innovation(request.user, result):
        raise PermissionDenied
    user = request.user

    def make_form(data, initial):
        return ResultForm(data, user=user, result=result, initial=initial)

    current = [
        a.worker
        for a in Author.objects.filter(result=result)
        .select_related("worker__employer")
        .order_by("order", "id")
    ]
    initial = {name: getattr(result, name) for name in DETAIL_FIELDS}
    form, authors, valid = result_form_page(
        request, make_form=make_form, initial=initial, initial_authors=current
    )
    if valid:
        data = form.cleaned_data
        try:
            lifecycle.edit(
                actor=user,
                result=result,
                authors=data["authors"],
                **{name: data[name] for name in DETAIL_FIELDS},
            )
        except InnovationRefused as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:innovation_detail", pk=pk)
    return render(
        request,
        "backoffice/innovation/form.html",
        {"form": form, "title": _("Edit the result"), "result": result, **authors},
    )


# --- the result's page and its steps ---------------------------------------------------


def _actions(user, result: InnovationResult) -> dict[str, bool]:
    return {
        "review": result.status == S.SUBMITTED and policy.can_review_innovation(user, result),
        "adopt": result.status == S.IN_REVIEW and policy.can_review_innovation(user, result),
        "reject": policy.can_reject_innovation(user, result),
        "verify": result.status == S.ADOPTED and policy.can_verify_benefit(user, result),
        "recognise": result.status == S.VERIFIED and policy.can_recognise_innovation(user),
        "edit": policy.can_change_innovation(user, result),
        "files": policy.can_change_innovation_files(user, result),
    }


def _detail(request, result: InnovationResult, *, status: int = 200, **bound):
    user = request.user
    actions = _actions(user, result)
    forms = {
        "adopt_form": AdoptForm(initial={"adopted_on": timezone.localdate()}),
        "reject_form": RejectForm(),
        "verify_form": VerifyForm(),
        "file_form": FileForm(),
    }
    forms |= {f"{name}_form": form for name, form in bound.items()}
    return render(
        request,
        "backoffice/innovation/detail.html",
        {
            "result": result,
            "authors": Author.objects.filter(result=result)
            .select_related("worker__employer")
            .order_by("order", "id"),
            "files": result.files.order_by("id"),
            "history": history_of(result),
            "actions": actions,
            "any_action": any(
                actions[k] for k in ("review", "adopt", "reject", "verify", "recognise")
            ),
            "money": plain_number(result.money_saved),
            "hours": plain_number(result.hours_saved),
            **forms,
        },
        status=status,
    )


@requires(policy.can_browse_innovations)
def result_detail(request, pk):
    return _detail(request, visible_result(request, pk))


def _entitled(request, pk, action: str) -> InnovationResult:
    result = visible_result(request, pk)
    if not _actions(request.user, result)[action]:
        raise PermissionDenied
    return result


@requires(policy.can_browse_innovations)
@require_POST
def result_start_review(request, pk):
    result = _entitled(request, pk, "review")
    try:
        lifecycle.start_review(actor=request.user, result=result)
    except InnovationRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The enterprise review has started."))
    return redirect("backoffice:innovation_detail", pk=pk)


@requires(policy.can_browse_innovations)
@require_POST
def result_adopt(request, pk):
    result = _entitled(request, pk, "adopt")
    form = AdoptForm(request.POST)
    if form.is_valid():
        try:
            lifecycle.adopt(
                actor=request.user,
                result=result,
                adopted_on=form.cleaned_data["adopted_on"],
                note=form.cleaned_data["note"],
            )
        except InnovationRefused as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("The result is adopted."))
            return redirect("backoffice:innovation_detail", pk=pk)
    return _detail(request, result, adopt=form)


@requires(policy.can_browse_innovations)
@require_POST
def result_reject(request, pk):
    result = _entitled(request, pk, "reject")
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            lifecycle.reject(actor=request.user, result=result, reason=form.cleaned_data["reason"])
        except InnovationRefused as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("The result is rejected."))
            return redirect("backoffice:innovation_detail", pk=pk)
    return _detail(request, result, reject=form)


@requires(policy.can_browse_innovations)
@require_POST
def result_verify(request, pk):
    result = _entitled(request, pk, "verify")
    form = VerifyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = lifecycle.verify_benefit(
                actor=request.user,
                result=result,
                money_saved=data["money_saved"],
                hours_saved=data["hours_saved"],
                quality_gain=data["quality_gain"],
                evidence=data["evidence"],
            )
        except InnovationRefused as refused:
            add_refusal(form, refused)
        else:
            tier = result.reward_band.name if result.reward_band else _("none")
            messages.success(
                request, _("The benefit is verified; reward tier: %(tier)s.") % {"tier": tier}
            )
            return redirect("backoffice:innovation_detail", pk=pk)
    return _detail(request, result, verify=form)


@requires(policy.can_browse_innovations)
@require_POST
def result_recognise(request, pk):
    result = _entitled(request, pk, "recognise")
    try:
        lifecycle.recognise(actor=request.user, result=result)
    except InnovationRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The result is recognised."))
    return redirect("backoffice:innovation_detail", pk=pk)


# --- files ---------------------------------------------------------------------------


def add_file_from(request, result: InnovationResult) -> None:
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return
    try:
        lifecycle.add_file(
            actor=request.user,
            result=result,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
        )
    except InnovationRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("File added."))


def file_of(result: InnovationResult, file_pk):
    item = result.files.filter(pk=file_pk).first()
    if item is None:
        raise Http404
    return item


@requires(policy.can_browse_innovations)
@require_POST
def result_file_add(request, pk):
    result = _entitled(request, pk, "files")
    add_file_from(request, result)
    return redirect("backoffice:innovation_detail", pk=pk)


@requires(policy.can_browse_innovations)
def result_file(request, pk, file_pk):
    return file_response(file_of(visible_result(request, pk), file_pk))


@requires(policy.can_browse_innovations)
@require_POST
def result_file_remove(request, pk, file_pk):
    result = _entitled(request, pk, "files")
    item = file_of(result, file_pk)
    try:
        lifecycle.remove_file(actor=request.user, item=item)
    except InnovationRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("File removed."))
    return redirect("backoffice:innovation_detail", pk=pk)


# --- reward tiers --------------------------------------------------------------------


def _band_saved_message(request, changed: int) -> None:
    messages.success(
        request,
        _("Reward tiers saved; %(n)d verified results changed tier.") % {"n": changed},
    )


@requires(policy.can_manage_reward_bands)
def tier_list(request):
    if not RewardBand.objects.exists():
        band_service.ensure_default_bands(actor=request.user)
    form = BandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _band, changed = band_service.save_band(actor=request.user, **form.cleaned_data)
        except band_service.BandRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            _band_saved_message(request, changed)
            return redirect("backoffice:innovation_tiers")
    bands = RewardBand.objects.annotate(n=Count("results")).order_by("order", "-min_money", "id")
    return render(
        request,
        "backoffice/innovation/tiers.html",
        {"bands": bands, "form": form},
    )


@requires(policy.can_manage_reward_bands)
def tier_edit(request, band_pk):
    band = RewardBand.objects.filter(pk=band_pk).first()
    if band is None:
        raise Http404
    form = BandForm(request.POST or None, instance=band)
    if request.method == "POST" and form.is_valid():
        try:
            _band, changed = band_service.save_band(
                actor=request.user, band=RewardBand.objects.get(pk=band.pk), **form.cleaned_data
            )
        except band_service.BandRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            _band_saved_message(request, changed)
            return redirect("backoffice:innovation_tiers")
    return render(request, "backoffice/innovation/tier_form.html", {"form": form, "band": band})


@requires(policy.can_manage_reward_bands)
@require_POST
def tier_delete(request, band_pk):
    band = RewardBand.objects.filter(pk=band_pk).first()
    if band is None:
        raise Http404
    try:
        changed = band_service.delete_band(actor=request.user, band=band)
    except band_service.BandRefused as refused:
        messages.error(request, refused.message)
    else:
        _band_saved_message(request, changed)
    return redirect("backoffice:innovation_tiers")
