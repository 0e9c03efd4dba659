"""Entries: registration on the web and by roster, review, fixes, export, preliminaries."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_htmx.http import HttpResponseClientRedirect

from jingsai.access import policy
from jingsai.access.decorators import get_visible_or_404, requires
from jingsai.backoffice.competition_forms import (
    EnterpriseChoiceForm,
    PreliminaryForm,
    ReturnEntryForm,
    RosterForm,
)
from jingsai.backoffice.views import import_reports
from jingsai.backoffice.views.competitions import visible_competition
from jingsai.backoffice.views.querystrings import query_without_page
from jingsai.common.pagination import paginate
from jingsai.common.search import classify_search, search_by_name
from jingsai.common.spreadsheet_import import XLSX_MIME_IMPORT, template_xlsx
from jingsai.common.spreadsheets import Column, XlsxExport
from jingsai.competitions.domain import preliminaries, registration, roster
from jingsai.competitions.models import Entry, EntryMember, PreliminaryReport
from jingsai.people.models import Worker


def _members_prefetch():
    return Prefetch(
        "members",
        queryset=EntryMember.objects.filter(active=True)
        .select_related("worker")
        .order_by("-is_captain", "id"),
        to_attr="active_members",
    )


def _entries(request, competition):
    entries = (
        policy.entries_visible_to(request.user, competition)
        .select_related("enterprise", "level")
        .prefetch_related(_members_prefetch())
    )
    status = request.GET.get("status", "")
    if status in Entry.Status.values:
        entries = entries.filter(status=status)
    return entries.order_by("-id"), status


@requires(policy.can_browse_competitions)
def entry_list(request, pk):
    competition = visible_competition(request, pk)
    entries, status = _entries(request, competition)
    return render(
        request,
        "backoffice/entry_list.html",
        {
            "competition": competition,
            "page": paginate(entries, page=request.GET.get("page")),
            "query": query_without_page(request.GET),
            "statuses": Entry.Status.choices,
            "status": status,
        },
    )


class EntryExport(XlsxExport):
    personal_data = "entrants' names and masked ID numbers"
    sheet_name = "entries"

    def __init__(self, competition, entries):
        self.entries = entries
        self.filename = f"{competition.code}-entries.xlsx"
        self.columns = [
            Column(_("entry number"), 16),
            Column(_("status"), 10),
            Column(_("enterprise"), 36),
            Column(_("team name"), 14),
            Column(pgettext("person", "name"), 10),
            Column(_("resident ID number"), 22),
            Column(_("trade"), 14),
            Column(_("skill level"), 20),
            Column(_("level reached"), 14),
        ]

    def rows(self):
        for entry in self.entries.iterator(chunk_size=2000):
            members = entry.active_members or [None]
            for member in members:
                worker = member.worker if member else None
                yield [
                    entry.number or "",
                    entry.get_status_display(),
                    entry.enterprise.name,
                    entry.team_name or entry.project_name,
                    worker.name if worker else "",
                    worker.masked_id_number if worker else "",
                    worker.trade if worker else "",
                    worker.get_skill_level_display() if worker and worker.skill_level else "",
                    entry.level.name if entry.level else "",
                ]


@requires(policy.can_browse_competitions)
def entry_export(request, pk):
    competition = visible_competition(request, pk)
    entries, _status = _entries(request, competition)
    back = f"{reverse('backoffice:entry_list', args=[pk])}?{query_without_page(request.GET)}"
    return EntryExport(competition, entries).response_or_refusal(request, entries, back_url=back)


def _visible_entry(request, pk, entry_pk):
    competition = visible_competition(request, pk)
    entry = get_visible_or_404(
        policy.entries_visible_to(request.user, competition)
        .select_related("enterprise", "level", "competition")
        .prefetch_related(_members_prefetch()),
        pk=entry_pk,
    )
    return competition, entry


def _refusal_messages(request, refused: registration.RegistrationRefused):
    for who, reasons in refused.refusals.items():
        for reason in reasons:
            messages.error(request, f"{who}：{reason}" if who else reason)


@requires(policy.can_browse_competitions)
def entry_detail(request, pk, entry_pk):
    competition, entry = _visible_entry(request, pk, entry_pk)
    user = request.user
    review = policy.can_review_entries(user, competition)
    change = policy.can_change_entry(user, entry)
    return_form = ReturnEntryForm(request.POST or None) if review else None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve" and review:
                registration.approve(actor=user, entry=entry)
                messages.success(request, _("Entry approved."))
            elif action == "return" and review:
                if not return_form.is_valid():
                    raise registration.RegistrationRefused(
                        {"": [_("Choose the field and say what to correct.")]}
                    )
                registration.return_for_changes(
                    actor=user,
                    entry=entry,
                    field=return_form.cleaned_data["field"],
                    comment=return_form.cleaned_data["comment"],
                )
                messages.success(request, _("Entry returned for changes."))
            elif action == "resubmit" and change:
                team = request.POST.get("team_name") if competition.is_team else None
                members = None
                if competition.is_team:
                    chosen = list(
                        dict.fromkeys(int(v) for v in request.POST.getlist("worker") if v.isdigit())
                    )
                    found = {
                        w.pk: w
                        for w in Worker.objects.filter(pk__in=chosen, employer=entry.enterprise)
                    }
                    members = [found[pk] for pk in chosen if pk in found]
                registration.resubmit(actor=user, entry=entry, team_name=team, workers=members)
                messages.success(request, _("Entry resubmitted for review."))
            elif action == "withdraw" and change:
                registration.withdraw(
                    actor=user, entry=entry, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("Entry withdrawn."))
            else:
                raise PermissionDenied
        except registration.RegistrationRefused as refused:
            _refusal_messages(request, refused)
        return redirect("backoffice:entry_detail", pk=pk, entry_pk=entry_pk)
    return render(
        request,
        "backoffice/entry_detail.html",
        {
            "competition": competition,
            "entry": entry,
            "review": review,
            "change": change,
            "return_form": return_form,
            "return_field_label": registration.RETURN_FIELDS.get(entry.return_field, ""),
            "team_candidates": _team_candidates(competition, entry)
            if change and competition.is_team and entry.status == Entry.Status.RETURNED
            else [],
        },
    )


def _team_candidates(competition, entry) -> list[tuple[Worker, bool]]:
    """The team's members (ticked) and the enterprise's workers not yet entered."""
    members = [m.worker for m in entry.active_members]
    entered = set(
        EntryMember.objects.filter(
            competition=competition, active=True, worker__employer=entry.enterprise
        ).values_list("worker_id", flat=True)
    )
    others = (
        Worker.objects.filter(employer=entry.enterprise)
        .exclude(pk__in=entered)
        .order_by("name", "id")[:200]
    )
    return [(w, True) for w in members] + [(w, False) for w in others]


def _enterprise_for(request, competition):
    """The enterprise registering: the officer's own, or one named by staff (by credit code)."""
    enterprises = list(policy.enterprises_registering_for(request.user)[:2])
    if not policy.is_programme_admin(request.user) and len(enterprises) == 1:
        return enterprises[0], None
    form = EnterpriseChoiceForm(request.GET if "enterprise" in request.GET else None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["enterprise"], form
    return None, form if form.is_bound else EnterpriseChoiceForm()


@requires(policy.can_browse_competitions)
def register(request, pk):
    competition = visible_competition(request, pk)
    if not policy.can_register(request.user, competition):
        raise PermissionDenied
    enterprise, enterprise_form = _enterprise_for(request, competition)
    if (
        enterprise is not None
        and not policy.enterprises_registering_for(request.user).filter(pk=enterprise.pk).exists()
    ):
        raise PermissionDenied
    workers = Worker.objects.none()
    if enterprise is not None and competition.takes_workers:
        workers = Worker.objects.filter(employer=enterprise)
        found = search_by_name(workers, classify_search(request.GET.get("q")))
        workers = found if found is not None else workers.order_by("name", "id")
    if request.method == "POST" and enterprise is not None:
        chosen = list(dict.fromkeys(int(v) for v in request.POST.getlist("worker") if v.isdigit()))
        found = {w.pk: w for w in Worker.objects.filter(pk__in=chosen, employer=enterprise)}
        selected = [found[pk] for pk in chosen if pk in found]  # in the order chosen
        try:
            entries = registration.register(
                actor=request.user,
                competition=competition,
                enterprise=enterprise,
                workers=selected,
                team_name=request.POST.get("team_name", ""),
                project_name=request.POST.get("project_name", ""),
            )
        except registration.RegistrationRefused as refused:
            _refusal_messages(request, refused)
        else:
            messages.success(
                request, _("%(n)d entries submitted for review.") % {"n": len(entries)}
            )
            return redirect("backoffice:entry_list", pk=pk)
    entered = (
        set(
            EntryMember.objects.filter(
                competition=competition, active=True, worker__employer=enterprise
            ).values_list("worker_id", flat=True)
        )
        if enterprise
        else set()
    )
    page = paginate(workers, page=request.GET.get("page"), page_size=50)
    return render(
        request,
        "backoffice/register.html",
        {
            "competition": competition,
            "enterprise": enterprise,
            "enterprise_form": enterprise_form,
            "page": page,
            "query": query_without_page(request.GET),
            "entered": entered,
            "chosen": {int(v) for v in request.POST.getlist("worker") if v.isdigit()},
            "q": request.GET.get("q", ""),
        },
    )


@requires(policy.can_browse_competitions)
def roster_template(request, pk):
    competition = visible_competition(request, pk)
    # the same rule as the upload: one enterprise, or the file names each row's
    several = policy.enterprises_registering_for(request.user)[:2].count() != 1
    columns = roster.roster_columns(competition, several_enterprises=several)
    notes = [
        _("Fill in one worker per row from row 2 of the first sheet; keep the headers of row 1."),
        _(
            "Columns marked * must be present. "
            "Type ID numbers as text (the columns are formatted as text)."
        ),
        _("Skill level: 1–5, or 高级技师, 技师, 高级工, 中级工, 初级工."),
        _("Either every row is imported or none is: you get a list of every problem to fix."),
    ]
    response = HttpResponse(
        template_xlsx(columns, sheet=_("roster"), notes=notes), content_type=XLSX_MIME_IMPORT
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{competition.code}-roster-template.xlsx"'
    )
    return response


@requires(policy.can_browse_competitions)
def roster_upload(request, pk):
    competition = visible_competition(request, pk)
    if not policy.can_register(request.user, competition):
        raise PermissionDenied
    enterprises = list(policy.enterprises_registering_for(request.user))
    form = RosterForm(request.POST or None, request.FILES or None)
    result = None
    report_token = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = roster.import_roster(
                actor=request.user,
                competition=competition,
                source=upload,
                size=upload.size,
                enterprises=enterprises,
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            if result.ok:
                messages.success(
                    request,
                    _("%(entries)d entries imported (%(new)d new workers registered).")
                    % {"entries": result.entries, "new": result.new_workers},
                )
                target = reverse("backoffice:entry_list", args=[pk])
                if request.htmx:
                    return HttpResponseClientRedirect(target)
                return redirect(target)
            report_token = import_reports.keep(request, result.errors)
    template = "backoffice/_roster_result.html" if request.htmx else "backoffice/roster_upload.html"
    return render(
        request,
        template,
        {
            "competition": competition,
            "form": form,
            "result": result,
            "errors_shown": result.errors.errors[:200] if result else [],
            "report_token": report_token,
        },
    )


@requires(policy.can_browse_competitions)
def roster_report(request, pk, token):
    visible_competition(request, pk)
    return import_reports.download(request, token, "roster-errors.xlsx")


@requires(policy.can_browse_competitions)
def preliminary(request, pk):
    competition = visible_competition(request, pk)
    enterprises = list(policy.enterprises_registering_for(request.user)[:2])
    if len(enterprises) != 1 or policy.is_programme_admin(request.user):
        raise PermissionDenied  # the enterprise's own officer reports its round
    enterprise = enterprises[0]
    report = PreliminaryReport.objects.filter(
        competition=competition, enterprise=enterprise
    ).first()
    form = PreliminaryForm(
        request.POST if request.POST.get("action") == "report" else None,
        initial={
            "participants": report.participants,
            "held_on": report.held_on,
            "note": report.note,
        }
        if report
        else None,
    )
    levels = list(competition.levels.order_by("order")[:2])
    approved = (
        Entry.objects.filter(
            competition=competition, enterprise=enterprise, status=Entry.Status.APPROVED
        )
        .prefetch_related(_members_prefetch())
        .select_related("level")
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "report" and form.is_valid():
                preliminaries.report_preliminary(
                    actor=request.user,
                    competition=competition,
                    enterprise=enterprise,
                    **form.cleaned_data,
                )
                messages.success(request, _("Preliminary round reported."))
                return redirect("backoffice:preliminary", pk=pk)
            if request.POST.get("action") == "promote":
                ids = {int(v) for v in request.POST.getlist("entry") if v.isdigit()}
                n = preliminaries.promote(
                    actor=request.user,
                    competition=competition,
                    enterprise=enterprise,
                    entries=list(
                        Entry.objects.filter(
                            pk__in=ids, competition=competition, enterprise=enterprise
                        )
                    ),
                )
                messages.success(request, _("%(n)d finalists promoted.") % {"n": n})
                return redirect("backoffice:preliminary", pk=pk)
        except registration.RegistrationRefused as refused:
            _refusal_messages(request, refused)
    return render(
        request,
        "backoffice/preliminary.html",
        {
            "competition": competition,
            "enterprise": enterprise,
            "form": form,
            "report": report,
            "entries": approved,
            "next_level": levels[1] if len(levels) > 1 else None,
            "first_level": levels[0] if levels else None,
        },
    )
