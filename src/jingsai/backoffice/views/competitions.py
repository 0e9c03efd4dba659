"""Competition pages for staff, co-organisers and enterprise officers:
catalogue, set-up, levels, the application, status moves and attachments."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingsai.access import policy
from jingsai.access.decorators import get_visible_or_404, requires
from jingsai.backoffice.competition_forms import AttachmentForm, CompetitionForm, LevelForm
from jingsai.backoffice.views.querystrings import query_without_page
from jingsai.common.pagination import paginate
from jingsai.competitions.domain import lifecycle, services
from jingsai.competitions.models import Competition, CompetitionLevel, Entry


def visible_competition(request, pk) -> Competition:
    return get_visible_or_404(
        policy.competitions_visible_to(request.user).select_related(
            "year", "series", "brand", "organiser"
        ),
        pk=pk,
    )


def managed_competition(request, pk) -> Competition:
    competition = visible_competition(request, pk)
    if not policy.can_manage_competition(request.user, competition):
        raise PermissionDenied
    return competition


@requires(policy.can_browse_competitions)
def competition_list(request):
    competitions = policy.competitions_visible_to(request.user).select_related(
        "year", "series", "organiser"
    )
    status = request.GET.get("status", "")
    if status in Competition.Status.values:
        competitions = competitions.filter(status=status)
    page = paginate(competitions.order_by("-year__year", "-id"), page=request.GET.get("page"))
    return render(
        request,
        "backoffice/competition_list.html",
        {
            "page": page,
            "query": query_without_page(request.GET),
            "statuses": Competition.Status.choices,
            "status": status,
            "can_create": policy.can_create_competition(request.user),
            "applies": not policy.is_programme_admin(request.user),
        },
    )


@requires(policy.can_create_competition)
def competition_create(request):
    form = CompetitionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            competition = services.create_competition(
                actor=request.user,
                as_application=not policy.is_programme_admin(request.user),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Competition created as a draft."))
            return redirect("backoffice:competition_detail", pk=competition.pk)
    return render(request, "backoffice/competition_form.html", {"form": form, "competition": None})


@requires(policy.can_browse_competitions)
def competition_edit(request, pk):
    competition = managed_competition(request, pk)
    form = CompetitionForm(request.POST or None, instance=competition, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_competition(
                actor=request.user,
                competition=Competition.objects.get(pk=pk),
                by_programme_admin=policy.is_programme_admin(request.user),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:competition_detail", pk=pk)
    return render(
        request, "backoffice/competition_form.html", {"form": form, "competition": competition}
    )


@requires(policy.can_browse_competitions)
def competition_detail(request, pk):
    competition = visible_competition(request, pk)
    user = request.user
    entries = policy.entries_visible_to(user, competition)
    counts = dict(entries.values_list("status").annotate(n=Count("id")).order_by())
    manage = policy.can_manage_competition(user, competition)
    moves = [
        (to, Competition.Status(to).label)
        for to in lifecycle.moves_from(competition.status)
        if policy.can_move_competition(user, competition, to)
    ]
    return render(
        request,
        "backoffice/competition_detail.html",
        {
            "competition": competition,
            "levels": competition.levels.all(),
            "attachments": competition.attachments.all(),
            "entry_counts": [
                (label, counts.get(value, 0)) for value, label in Entry.Status.choices
            ],
            "manage": manage,
            "moves": moves,
            "open_refusals": lifecycle.open_refusals(competition)
            if competition.status == Competition.Status.DRAFT
            else [],
            "can_register": policy.can_register(user, competition),
            "can_submit_application": manage
            and competition.approval
            in (Competition.Approval.DRAFTING, Competition.Approval.RETURNED),
            "can_review_application": policy.can_review_application(user, competition)
            and competition.approval == Competition.Approval.PENDING,
            "attachment_form": AttachmentForm() if manage else None,
            "is_officer": bool(policy.enterprises_registering_for(user).exists())
            and not policy.is_programme_admin(user),
        },
    )


@requires(policy.can_browse_competitions)
@require_POST
def competition_move(request, pk):
    competition = visible_competition(request, pk)
    to = request.POST.get("to", "")
    if not policy.can_move_competition(request.user, competition, to):
        raise PermissionDenied
    try:
        lifecycle.move(
            actor=request.user, competition=competition, to=to, note=request.POST.get("note", "")
        )
    except lifecycle.MoveRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The competition is now “%(status)s”.") % {"status": Competition.Status(to).label},
        )
    return redirect("backoffice:competition_detail", pk=pk)


@requires(policy.can_browse_competitions)
@require_POST
def application_submit(request, pk):
    competition = managed_competition(request, pk)
    try:
        lifecycle.submit_application(actor=request.user, competition=competition)
    except lifecycle.MoveRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The application has been submitted for approval."))
    return redirect("backoffice:competition_detail", pk=pk)


@requires(policy.is_programme_admin)
def application_review(request, pk):
    competition = visible_competition(request, pk)
    levels = list(competition.levels.all())
    if request.method == "POST":
        decisions = {
            level.pk: (
                request.POST.get(f"decision-{level.pk}", ""),
                request.POST.get(f"comment-{level.pk}", ""),
            )
            for level in levels
        }
        try:
            competition = lifecycle.review_application(
                actor=request.user, competition=competition, decisions=decisions
            )
        except lifecycle.MoveRefused as error:
            messages.error(request, str(error))
            for level in levels:
                level.review, level.review_comment = decisions[level.pk]
        else:
            messages.success(
                request,
                _("Application approved.")
                if competition.approval == Competition.Approval.APPROVED
                else _("Application returned with your comments."),
            )
            return redirect("backoffice:competition_detail", pk=pk)
    return render(
        request,
        "backoffice/application_review.html",
        {"competition": competition, "levels": levels},
    )


@requires(policy.can_browse_competitions)
def level_edit(request, pk, level_pk=None):
    competition = managed_competition(request, pk)
    level = (
        get_object_or_404(CompetitionLevel, pk=level_pk, competition=competition)
        if level_pk
        else None
    )
    form = LevelForm(request.POST or None, instance=level)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_level(
                actor=request.user,
                competition=competition,
                by_programme_admin=policy.is_programme_admin(request.user),
                level=CompetitionLevel.objects.get(pk=level_pk) if level_pk else None,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:competition_detail", pk=pk)
    return render(
        request,
        "backoffice/level_form.html",
        {"form": form, "competition": competition, "level": level},
    )


@requires(policy.can_browse_competitions)
@require_POST
def level_delete(request, pk, level_pk):
    competition = managed_competition(request, pk)
    level = get_object_or_404(CompetitionLevel, pk=level_pk, competition=competition)
    try:
        services.delete_level(
            actor=request.user,
            level=level,
            by_programme_admin=policy.is_programme_admin(request.user),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Level removed."))
    return redirect("backoffice:competition_detail", pk=pk)


@requires(policy.can_browse_competitions)
@require_POST
def attachment_add(request, pk):
    competition = managed_competition(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(
                actor=request.user,
                competition=competition,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Attachment added."))
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect("backoffice:competition_detail", pk=pk)


@requires(policy.can_browse_competitions)
def attachment_download(request, pk, attachment_pk):
    competition = visible_competition(request, pk)
    attachment = competition.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    extension = attachment.file.name.rsplit(".", 1)[-1]
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=f"{attachment.title}.{extension}",
        content_type=attachment.content_type,
    )
