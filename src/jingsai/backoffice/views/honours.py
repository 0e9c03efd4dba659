"""The 830 round in the back office: rounds, their settings and categories, and
nominations (选树推荐). Included under ``honours/``.

Anyone who browses honours (admins, leadership, co-organiser staff, enterprise
officers) sees the rounds and their categories' rules; nominations are listed
and opened only from :func:`jingsai.access.policy.nominations_visible_to` (an
enterprise sees its own until the list is on public notice; anything else is
404). Programme admins change the settings. Nominators nominate the workers,
results and organisations :func:`jingsai.access.policy.nominees_for` gives them
(a crafted request for anyone else is 404). The rules live in
:mod:`jingsai.honours.domain`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from jingsai.access import policy
from jingsai.access.decorators import get_visible_or_404, requires
from jingsai.backoffice.honours_forms import (
    CategoryRulesForm,
    CriterionForm,
    NominationEditForm,
    NominationForm,
    RoundSettingsForm,
    WithdrawForm,
)
from jingsai.backoffice.views.querystrings import query_without_page
from jingsai.catalogue.models import HonourCategory, ProgrammeYear
from jingsai.common.pagination import paginate
from jingsai.common.search import classify_search, prefix_q, search_by_name
from jingsai.common.spreadsheets import Column, XlsxExport
from jingsai.honours.domain import eligibility, evidence, rounds
from jingsai.honours.domain import nominations as nomination_service
from jingsai.honours.domain import settings as settings_service
from jingsai.honours.models import Nomination, ReviewCriterion, Round, RoundCategory
from jingsai.innovation.models import InnovationResult
from jingsai.people.models import Role

SUBJECTS_SHOWN = 50
KIND = HonourCategory.Kind


def _round(pk) -> Round:
    return get_object_or_404(Round.objects.select_related("year"), pk=pk)


def _category(pk) -> RoundCategory:
    return get_object_or_404(RoundCategory.objects.select_related("round__year", "category"), pk=pk)


def _visible_nominations(request, round_: Round):
    return policy.nominations_visible_to(request.user, round_).select_related(
        "round_category__category",
        "worker__employer",
        "innovation__enterprise",
        "organisation",
        "nominator",
    )


def _visible_nomination(request, pk) -> Nomination:
    nomination = get_visible_or_404(
        policy.nominations_visible_to(request.user).select_related(
            "round_category__round__year",
            "round_category__category",
            "worker__employer",
            "innovation__enterprise",
            "innovation__year",
            "organisation",
            "nominator",
            "created_by",
        ),
        pk=pk,
    )
    return nomination


def _refusal_messages(request, refused) -> None:
    for message in refused.messages:
        messages.error(request, message)


# --- rounds ------------------------------------------------------------------------


@requires(policy.can_browse_honours)
def index(request):
    years = list(ProgrammeYear.objects.order_by("-year"))
    by_year = {r.year_id: r for r in Round.objects.all()}
    for year in years:
        year.round = by_year.get(year.pk)
    return render(
        request,
        "backoffice/honours/index.html",
        {"years": years, "manages": policy.can_manage_honours(request.user)},
    )


@requires(policy.can_manage_honours)
@require_POST
def round_create(request):
    year = get_object_or_404(ProgrammeYear, pk=request.POST.get("year") or 0)
    round_ = rounds.ensure_round(actor=request.user, year=year)
    messages.success(request, _("The %(year)s round is ready.") % {"year": year.year})
    return redirect("backoffice:honours_round", pk=round_.pk)


@requires(policy.can_browse_honours)
def round_detail(request, pk):
    round_ = _round(pk)
    categories = list(round_.categories.select_related("category"))
    quotas = rounds.quotas_of(round_)
    counts = {
        row["round_category"]: row
        for row in _visible_nominations(request, round_)
        .exclude(status=Nomination.Status.WITHDRAWN)
        .order_by()
        .values("round_category")
        .annotate(live=Count("id"), eligible=Count("id", filter=Q(eligible=True)))
    }
    for rc in categories:
        rc.round = round_
        rc.quota = quotas.get(rc.category_id, rc.category.default_quota)
        rc.live = counts.get(rc.pk, {}).get("live", 0)
        rc.eligible_count = counts.get(rc.pk, {}).get("eligible", 0)
    window = rounds.window_refusal(round_)
    return render(
        request,
        "backoffice/honours/round.html",
        {
            "round": round_,
            "categories": categories,
            "window_refusal": window,
            "can_nominate": policy.can_nominate(request.user) and not window,
            "manages": policy.can_manage_honours(request.user),
            "own_only": not policy.reads_everything(request.user),
            "total_quota": sum(rc.quota for rc in categories),
        },
    )


@requires(policy.can_manage_honours)
def round_settings(request, pk):
    round_ = _round(pk)
    form = RoundSettingsForm(request.POST or None, instance=Round.objects.get(pk=round_.pk))
    if request.method == "POST" and form.is_valid():
        try:
            settings_service.update_round(actor=request.user, round_=round_, **form.cleaned_data)
        except settings_service.SettingsRefused as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:honours_round", pk=pk)
    return render(
        request,
        "backoffice/honours/form.html",
        {
            "form": form,
            "title": _("Settings of the %(year)s round") % {"year": round_.year.year},
            "back": reverse("backoffice:honours_round", args=[pk]),
        },
    )


@requires(policy.can_manage_honours)
@require_POST
def round_recheck(request, pk):
    round_ = _round(pk)
    try:
        changes = nomination_service.recheck(actor=request.user, round_=round_)
    except nomination_service.NominationRefused as refused:
        _refusal_messages(request, refused)
        return redirect("backoffice:honours_round", pk=pk)
    if not changes:
        messages.success(request, _("Eligibility checked again: no nomination changed."))
    else:
        messages.warning(
            request,
            _("Eligibility checked again: %(n)d nominations changed.") % {"n": len(changes)},
        )
        for change in changes:
            text = (
                _("%(name)s (%(category)s) is now eligible.")
                if change.eligible
                else _("%(name)s (%(category)s) is no longer eligible.")
            )
            messages.warning(
                request,
                text
                % {
                    "name": change.nomination.subject_name,
                    "category": change.nomination.round_category.category,
                },
            )
    return redirect("backoffice:honours_round", pk=pk)


# --- categories --------------------------------------------------------------------


@requires(policy.can_browse_honours)
def category_detail(request, pk):
    rc = _category(pk)
    round_ = rc.round
    nominations = (
        _visible_nominations(request, round_).filter(round_category=rc).order_by("rank", "id")
    )
    status = request.GET.get("status", "")
    if status in Nomination.Status.values:
        nominations = nominations.filter(status=status)
    window = rounds.window_refusal(round_)
    manages = policy.can_manage_honours(request.user)
    return render(
        request,
        "backoffice/honours/category.html",
        {
            "rc": rc,
            "round": round_,
            "rules": eligibility.describe(rc),
            "quota": rounds.quota_of(rc),
            "criteria": list(rc.criteria.all()),
            "criteria_refusal": settings_service.criteria_refusal(round_),
            "page": paginate(nominations, page=request.GET.get("page")),
            "query": query_without_page(request.GET),
            "status": status,
            "statuses": Nomination.Status.choices,
            "window_refusal": window,
            "can_nominate": policy.can_nominate(request.user) and not window,
            "manages": manages,
            "sees_review": policy.can_read_honours_review(request.user),
        },
    )


class NominationsExport(XlsxExport):
    """A category's nominations the user may see (ID numbers masked)."""

    personal_data = "nominees' names and masked ID numbers"

    sheet_name = "nominations"

    def __init__(self, rc: RoundCategory, nominations):
        self.nominations = nominations
        self.filename = f"830-{rc.round.year.year}-{rc.category.code}.xlsx"
        self.columns = [
            Column(_("nominee"), 28),
            Column(_("resident ID number"), 22),
            Column(_("organisation"), 32),
            Column(_("nominated by"), 32),
            Column(_("status"), 12),
            Column(_("eligible"), 10),
            Column(_("rules not met"), 60),
            Column(_("evidence items"), 10),
            Column(_("files"), 8),
            Column(_("nominated on"), 14),
        ]

    def rows(self):
        for n in self.nominations:
            if n.worker_id:
                organisation = n.worker.employer.name
                id_number = n.worker.masked_id_number
            elif n.innovation_id:
                organisation, id_number = n.innovation.enterprise.name, ""
            else:
                organisation, id_number = n.organisation.name, ""
            failed = [c["reason"] for c in n.eligibility if not c.get("passed")]
            yield [
                n.subject_name,
                id_number,
                organisation,
                n.nominator.name,
                n.get_status_display(),
                _("yes") if n.eligible else _("no"),
                "; ".join(failed),
                len(n.evidence),
                n.file_count,
                n.created_at.date() if n.created_at else None,
            ]


@requires(policy.can_browse_honours)
def category_export(request, pk):
    rc = _category(pk)
    nominations = (
        _visible_nominations(request, rc.round)
        .filter(round_category=rc)
        .annotate(file_count=Count("files"))
        .order_by("rank", "id")
    )
    export = NominationsExport(rc, nominations)
    return export.response_or_refusal(
        request, nominations, back_url=reverse("backoffice:honours_category", args=[pk])
    )


@requires(policy.can_manage_honours)
def category_rules(request, pk):
    rc = _category(pk)
    quota = rounds.quota_of(rc)
    form = CategoryRulesForm(
        request.POST or None, instance=RoundCategory.objects.get(pk=rc.pk), quota=quota
    )
    if request.method == "POST" and form.is_valid():
        try:
            settings_service.update_category(
                actor=request.user,
                round_category=rc,
                quota=form.cleaned_data["quota"],
                **form.rules,
            )
        except settings_service.SettingsRefused as refused:
            form.add_error(None, refused)
        else:
            messages.success(
                request,
                _(
                    "Changes saved. Nominations already made keep their checks until you "
                    "check eligibility again on the round's page."
                ),
            )
            return redirect("backoffice:honours_category", pk=pk)
    return render(
        request,
        "backoffice/honours/form.html",
        {
            "form": form,
            "title": _("Rules and quota: %(category)s") % {"category": rc.category},
            "subtitle": str(rc.round),
            "back": reverse("backoffice:honours_category", args=[pk]),
        },
    )


@requires(policy.can_manage_honours)
def criterion_edit(request, pk, criterion_pk=None):
    rc = _category(pk)
    criterion = (
        get_object_or_404(ReviewCriterion, pk=criterion_pk, round_category=rc)
        if criterion_pk
        else None
    )
    refusal = settings_service.criteria_refusal(rc.round)
    if refusal:
        messages.error(request, refusal)
        return redirect("backoffice:honours_category", pk=pk)
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            if criterion is None:
                settings_service.add_criterion(
                    actor=request.user, round_category=rc, **form.cleaned_data
                )
            else:
                settings_service.update_criterion(
                    actor=request.user, criterion=criterion, **form.cleaned_data
                )
        except settings_service.SettingsRefused as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:honours_category", pk=pk)
    return render(
        request,
        "backoffice/honours/form.html",
        {
            "form": form,
            "title": _("Edit review criterion") if criterion else _("Add a review criterion"),
            "subtitle": str(rc.category),
            "back": reverse("backoffice:honours_category", args=[pk]),
        },
    )


@requires(policy.can_manage_honours)
@require_POST
def criterion_delete(request, pk, criterion_pk):
    rc = _category(pk)
    criterion = get_object_or_404(ReviewCriterion, pk=criterion_pk, round_category=rc)
    try:
        settings_service.remove_criterion(actor=request.user, criterion=criterion)
    except settings_service.SettingsRefused as refused:
        _refusal_messages(request, refused)
    else:
        messages.success(request, _("Review criterion removed."))
    return redirect("backoffice:honours_category", pk=pk)


# --- nominating --------------------------------------------------------------------


def _searches_everyone(user) -> bool:
    """Admins and co-organiser staff may nominate any worker: they search, never browse."""
    return policy.is_programme_admin(user) or policy.has_role(user, Role.CO_ORGANISER)


def _workers_found(request, scope):
    """Workers matching the search (name or initials, a full ID number, or a name with the
    last characters of the ID number); read from a POST so that numbers stay out of URLs."""
    term = classify_search(request.POST.get("q"))
    tail = "".join(request.POST.get("tail", "").split()).upper()[:6]
    restricted = not _searches_everyone(request.user)
    if term.kind == "id_number":
        return scope.filter(id_number=term.value), ""
    if term.kind == "digits":
        return scope.none(), _(
            "Enter all 18 characters of the ID number, or a name with the last characters."
        )
    found = search_by_name(scope, term)
    if found is None:
        if not restricted and not tail:
            return scope.none(), _("Search by name, pinyin initials or ID number.")
        if not restricted:
            return scope.none(), _("Give a name with the last characters of the ID number.")
        found = scope.order_by("name", "id")
    if tail:
        found = found.filter(id_number__endswith=tail)
    return found, ""


def _echoed_search(request) -> str:
    """The search shown back in the box: never an ID number."""
    term = classify_search(request.POST.get("q"))
    return "" if term.kind in ("id_number", "digits") else request.POST.get("q", "")


@requires(policy.can_nominate)
def nominate_choose(request, pk):
    """Pick whom to nominate in the category: a worker, a result or an organisation."""
    rc = _category(pk)
    field = nomination_service.subject_field(rc)
    scope = nomination_service.nominees_in(request.user, rc)
    window = rounds.window_refusal(rc.round)
    hint = ""
    searched = request.method == "POST"
    if field == "worker":
        if searched:
            found, hint = _workers_found(request, scope)
        elif _searches_everyone(request.user):
            found = scope.none()  # anyone on the platform: only by a search
        else:
            found = scope.order_by("name", "id")
        found = found.select_related("employer")
    elif field == "innovation":
        found = scope.select_related("enterprise", "year")
        if rc.innovation_kind:
            found = found.filter(kind=rc.innovation_kind)
        q = request.GET.get("q", "").strip()[:100]
        if q:
            found = found.filter(title__icontains=q)
        found = found.order_by("-year__year", "-id")
    else:
        found = scope
        if rc.organisation_kinds:
            found = found.filter(kind__in=rc.organisation_kinds)
        term = classify_search(request.GET.get("q"))
        by_name = search_by_name(found, term)
        if by_name is not None:
            found = by_name
        elif term.kind:
            found = found.filter(prefix_q("name", request.GET["q"].strip()[:100]))
        else:
            found = found.order_by("name", "id")
    page = paginate(found, page=request.GET.get("page"), page_size=SUBJECTS_SHOWN)
    nominated = set(
        Nomination.objects.filter(
            round_category=rc, **{f"{field}_id__in": [s.pk for s in page.items]}
        )
        .exclude(status=Nomination.Status.WITHDRAWN)
        .values_list(f"{field}_id", flat=True)
    )
    return render(
        request,
        "backoffice/honours/choose.html",
        {
            "rc": rc,
            "round": rc.round,
            "field": field,
            "page": page,
            "query": query_without_page(request.GET),
            "q": _echoed_search(request) if field == "worker" else request.GET.get("q", ""),
            "hint": hint,
            "searched": searched,
            "nominated": nominated,
            "window_refusal": window,
        },
    )


def _subject_for(request, rc: RoundCategory, subject_pk):
    scope = nomination_service.nominees_in(request.user, rc)
    related = {
        "worker": ("employer",),
        "innovation": ("enterprise", "year", "competition__year", "reward_band"),
        "organisation": (),
    }[nomination_service.subject_field(rc)]
    # someone the user may not nominate is not there at all (a crafted request)
    if related:
        scope = scope.select_related(*related)
    return get_object_or_404(scope, pk=subject_pk)


def _existing(rc: RoundCategory, subject) -> Nomination | None:
    field = nomination_service.subject_field(rc)
    return (
        Nomination.objects.filter(round_category=rc, **{field: subject})
        .exclude(status=Nomination.Status.WITHDRAWN)
        .first()
    )


@requires(policy.can_nominate)
def nominate_subject(request, pk, subject_pk):
    """The nominee's eligibility with reasons, the evidence to tick, and the nomination."""
    rc = _category(pk)
    subject = _subject_for(request, rc, subject_pk)
    nominators = policy.nominator_organisations_for(request.user)
    candidates = evidence.candidates(subject, rc.round)
    initial = {}
    if nominators.filter(pk=getattr(subject, "employer_id", None) or 0).exists():
        initial["nominator"] = subject.employer_id
    elif isinstance(subject, InnovationResult) and nominators.filter(pk=subject.enterprise_id):
        initial["nominator"] = subject.enterprise_id
    form = NominationForm(
        request.POST or None,
        request.FILES or None,
        nominators=nominators,
        candidates=candidates,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            nomination = nomination_service.nominate(
                actor=request.user,
                round_category=rc,
                subject=subject,
                nominator=form.cleaned_data["nominator"],
                narrative=form.cleaned_data["narrative"],
                evidence_keys=form.cleaned_data["evidence"],
                files=form.cleaned_data["files"],
            )
        except nomination_service.NominationRefused as refused:
            form.add_error(None, refused)
        else:
            messages.success(
                request,
                _("%(name)s is nominated in %(category)s.")
                % {"name": nomination.subject_name, "category": rc.category},
            )
            return redirect("backoffice:honours_nomination", pk=nomination.pk)
    found = eligibility.check(rc, subject)
    existing = _existing(rc, subject)
    window = rounds.window_refusal(rc.round)
    visible_existing = (
        existing
        if existing and policy.nominations_visible_to(request.user).filter(pk=existing.pk).exists()
        else None
    )
    return render(
        request,
        "backoffice/honours/nominate.html",
        {
            "rc": rc,
            "round": rc.round,
            "subject": subject,
            "field": nomination_service.subject_field(rc),
            "found": found,
            "form": form,
            "window_refusal": window,
            "show_form": found.eligible and not window and existing is None,
            "existing": existing,
            "visible_existing": visible_existing,
        },
    )


# --- a nomination ------------------------------------------------------------------


@requires(policy.can_browse_honours)
def nomination_detail(request, pk):
    nomination = _visible_nomination(request, pk)
    rc = nomination.round_category
    return render(
        request,
        "backoffice/honours/nomination.html",
        {
            "n": nomination,
            "rc": rc,
            "round": rc.round,
            "files": list(nomination.files.all()),
            "alternatives": [c for c in nomination.eligibility if c.get("alternative")],
            "requirements": [c for c in nomination.eligibility if not c.get("alternative")],
            "can_change": policy.can_change_nomination(request.user, nomination)
            and not rounds.window_refusal(rc.round),
            "can_withdraw": policy.can_withdraw_nomination(request.user, nomination),
            "withdraw_form": WithdrawForm(),
            "sees_review": policy.can_read_honours_review(request.user),
        },
    )


@requires(policy.can_nominate)
def nomination_edit(request, pk):
    nomination = _visible_nomination(request, pk)
    rc = nomination.round_category
    if not policy.can_change_nomination(request.user, nomination):
        raise PermissionDenied
    refusal = rounds.window_refusal(rc.round)
    if refusal:
        messages.error(request, refusal)
        return redirect("backoffice:honours_nomination", pk=pk)
    subject = nomination_service.subject_of(nomination)
    candidates = evidence.candidates(subject, rc.round)
    form = NominationEditForm(
        request.POST or None,
        request.FILES or None,
        candidates=candidates,
        initial={
            "narrative": nomination.narrative,
            "evidence": [f"{e['kind']}:{e['id']}" for e in nomination.evidence],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            nomination_service.update(
                actor=request.user,
                nomination=nomination,
                narrative=form.cleaned_data["narrative"],
                evidence_keys=form.cleaned_data["evidence"],
                files=form.cleaned_data["files"],
            )
        except nomination_service.NominationRefused as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:honours_nomination", pk=pk)
    gone = [
        e
        for e in nomination.evidence
        if f"{e['kind']}:{e['id']}" not in evidence.by_key(candidates)
    ]
    return render(
        request,
        "backoffice/honours/edit.html",
        {"n": nomination, "rc": rc, "form": form, "gone": gone},
    )


@requires(policy.can_nominate)
@require_POST
def nomination_withdraw(request, pk):
    nomination = _visible_nomination(request, pk)
    if not policy.can_withdraw_nomination(request.user, nomination):
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for withdrawing the nomination."))
        return redirect("backoffice:honours_nomination", pk=pk)
    try:
        nomination_service.withdraw(
            actor=request.user, nomination=nomination, reason=form.cleaned_data["reason"]
        )
    except nomination_service.NominationRefused as refused:
        _refusal_messages(request, refused)
    else:
        messages.success(request, _("The nomination is withdrawn."))
    return redirect("backoffice:honours_nomination", pk=pk)


@requires(policy.can_browse_honours)
def nomination_file(request, pk, file_pk):
    nomination = _visible_nomination(request, pk)
    row = nomination.files.filter(pk=file_pk).first()
    if row is None:
        raise Http404
    extension = row.file.name.rsplit(".", 1)[-1]
    title = (
        row.title.rsplit(".", 1)[0] if row.title.lower().endswith(f".{extension}") else row.title
    )
    return FileResponse(
        row.file.open("rb"),
        as_attachment=True,
        filename=f"{title or pgettext('download', 'file')}.{extension}",
        content_type=row.content_type,
    )
