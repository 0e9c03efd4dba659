"""The worker's own record (职工技能档案) in the portal: the page and its PDF."""

from django.http import Http404
from django.shortcuts import render

from jingsai.access import policy
from jingsai.access.decorators import requires
from jingsai.backoffice.views.skills import record_pdf_response
from jingsai.people.models import Worker
from jingsai.skills.domain.career import career_of


def _own_worker(user) -> Worker | None:
    # Only the worker linked to this login: never one named in the request.
    return Worker.objects.select_related("employer").filter(user=user).first()


@requires(policy.can_read_own_record)
def record(request):
    worker = _own_worker(request.user)
    return render(
        request,
        "portal/record.html",
        {
            "career": career_of(worker) if worker is not None else None,
            "show_personal_data": False,  # masked on screen, as on the home page
        },
    )


@requires(policy.can_read_own_record)
def record_pdf(request):
    worker = _own_worker(request.user)
    if worker is None:
        raise Http404
    return record_pdf_response(request, worker)
