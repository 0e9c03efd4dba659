"""A worker's innovation results in the portal (on a phone): the results he authored
with their status, reward tier and any rejection reason; recording a new one (he is
an author, his employer the enterprise, his colleagues co-authors); editing it and
its files while it is submitted or in review.

Only results the worker linked to this login authored are found here (404 for any
other, ``policy.innovations_authored_by``); the rules of each change live in
:mod:`jingsai.innovation.domain.lifecycle`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingsai.access import policy
from jingsai.access.decorators import get_visible_or_404, requires
from jingsai.backoffice.innovation_forms import (
    DETAIL_FIELDS,
    FileForm,
    PortalResultForm,
    default_year,
)
from jingsai.backoffice.views.innovation import (
    add_file_from,
    add_refusal,
    file_of,
    file_response,
    plain_number,
    result_form_page,
    with_authors,
)
from jingsai.innovation.domain import lifecycle
from jingsai.innovation.domain.lifecycle import InnovationRefused
from jingsai.innovation.models import Author, InnovationResult
from jingsai.people.models import Worker

PORTAL_FIELDS = tuple(name for name in DETAIL_FIELDS if name != "enterprise")


def _own_worker(user) -> Worker | None:
    # Only the worker linked to this login: never one named in the request.
    return Worker.objects.select_related("employer").filter(user=user).first()


def _own_result(request, pk) -> InnovationResult:
    return get_visible_or_404(
        policy.innovations_authored_by(request.user).select_related(
            "year", "enterprise", "competition", "reward_band", "verified_by"
        ),
        pk=pk,
    )


@requires(policy.can_use_innovation_portal)
def my_results(request):
    results = with_authors(
        policy.innovations_authored_by(request.user)
        .select_related("year", "enterprise", "reward_band")
        .order_by("-year__year", "-id")
    )
    worker = _own_worker(request.user)
    return render(
        request,
        "portal/innovation/list.html",
        {
            "results": results,
            "worker": worker,
            "can_record": worker is not None
            and policy.innovation_enterprises_for(request.user)
            .filter(pk=worker.employer_id)
            .exists(),
        },
    )


def _form_page(request, *, result: InnovationResult | None):
    worker = _own_worker(request.user)
    if worker is None:
        raise Http404
    user = request.user

    def make_form(data, initial):
        return PortalResultForm(data, user=user, worker=worker, result=result, initial=initial)

    if result is None:
        initial = {"year": default_year()}
        current: list[Worker] = []
    else:
        initial = {name: getattr(result, name) for name in PORTAL_FIELDS}
        current = [
            a.worker
            for a in Author.objects.filter(result=result)
            .exclude(worker=worker)
            .select_related("worker__employer")
            .order_by("order", "id")
        ]
    form, authors, valid = result_form_page(
        request, make_form=make_form, initial=initial, initial_authors=current
    )
    authors["chosen"] = [w for w in authors["chosen"] if w.pk != worker.pk]
    authors["candidates"] = [w for w in authors["candidates"] if w.pk != worker.pk]
    if valid:
        data = form.cleaned_data
        fields = {name: data[name] for name in PORTAL_FIELDS}
        try:
            if result is None:
                result = lifecycle.record(
                    actor=user, enterprise=worker.employer, authors=data["authors"], **fields
                )
            else:
                lifecycle.edit(actor=user, result=result, authors=data["authors"], **fields)
        except InnovationRefused as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("Result saved."))
            return redirect("portal:innovation_detail", pk=result.pk)
    return render(
        request,
        "portal/innovation/form.html",
        {
            "form": form,
            "result": result,
            "worker": worker,
            "fixed_author": worker,
            "title": _("Edit the result") if result else _("Record an innovation result"),
            **authors,
        },
    )


@requires(policy.can_use_innovation_portal)
def new_result(request):
    worker = _own_worker(request.user)
    if worker is None or not (
        policy.innovation_enterprises_for(request.user).filter(pk=worker.employer_id).exists()
    ):
        raise PermissionDenied
    return _form_page(request, result=None)


@requires(policy.can_use_innovation_portal)
def edit_result(request, pk):
    result = _own_result(request, pk)
    if not policy.can_change_innovation(request.user, result):
        raise PermissionDenied
    return _form_page(request, result=result)


@requires(policy.can_use_innovation_portal)
def result_detail(request, pk):
    result = _own_result(request, pk)
    return render(
        request,
        "portal/innovation/detail.html",
        {
            "result": result,
            "authors": Author.objects.filter(result=result)
            .select_related("worker")
            .order_by("order", "id"),
            "files": result.files.order_by("id"),
            "can_edit": policy.can_change_innovation(request.user, result),
            "can_change_files": policy.can_change_innovation_files(request.user, result),
            "file_form": FileForm(),
            "money": plain_number(result.money_saved),
            "hours": plain_number(result.hours_saved),
        },
    )


@requires(policy.can_use_innovation_portal)
@require_POST
def file_add(request, pk):
    result = _own_result(request, pk)
    if not policy.can_change_innovation_files(request.user, result):
        raise PermissionDenied
    add_file_from(request, result)
    return redirect("portal:innovation_detail", pk=pk)


@requires(policy.can_use_innovation_portal)
def file_download(request, pk, file_pk):
    return file_response(file_of(_own_result(request, pk), file_pk))


@requires(policy.can_use_innovation_portal)
@require_POST
def file_remove(request, pk, file_pk):
    result = _own_result(request, pk)
    if not policy.can_change_innovation_files(request.user, result):
        raise PermissionDenied
    item = file_of(result, file_pk)
    try:
        lifecycle.remove_file(actor=request.user, item=item)
    except InnovationRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("File removed."))
    return redirect("portal:innovation_detail", pk=pk)
