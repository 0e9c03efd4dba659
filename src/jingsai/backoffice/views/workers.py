"""Worker pages: list with search and filters, detail, register, edit, delete, export.

A full ID number is searched only by POST and answered with a redirect to the
worker's page, so that ID numbers never appear in URLs or access logs.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.debug import sensitive_post_parameters

from jingsai.access import policy
from jingsai.access.decorators import get_visible_or_404, requires
from jingsai.backoffice.forms import WorkerForm, WorkerSearchForm
from jingsai.backoffice.views import skills
from jingsai.backoffice.views.querystrings import query_without_page
from jingsai.common.models import AuditEntry
from jingsai.common.pagination import paginate
from jingsai.common.search import classify_search, search_by_name
from jingsai.common.spreadsheets import Column, XlsxExport
from jingsai.people.domain import workers as worker_services
from jingsai.people.models import SkillLevel, Worker


def filtered_workers(user, params):
    """The user's visible workers narrowed by the search form; returns (form, queryset)."""
    form = WorkerSearchForm(params or None)
    queryset = policy.workers_visible_to(user).select_related("employer")
    if not form.is_valid():
        return form, queryset.order_by("-id")
    data = form.cleaned_data
    if data["employer"]:
        queryset = queryset.filter(employer_id=data["employer"])
    if data["zone"]:
        queryset = queryset.filter(zone=data["zone"])
    if data["industry"]:
        queryset = queryset.filter(industry=data["industry"])
    if data["skill_level"]:
        queryset = queryset.filter(skill_level=data["skill_level"])
    term = classify_search(data["q"])
    if term.kind in ("id_number", "digits"):  # numbers are searched by POST only
        return form, queryset.none()
    found = search_by_name(queryset, term)
    return form, found if found is not None else queryset.order_by("-id")


@sensitive_post_parameters("q")
@requires(policy.can_browse_workers)
def worker_list(request):
    if request.method == "POST":
        term = classify_search(request.POST.get("q"))
        if term.kind == "id_number":
            worker = policy.workers_visible_to(request.user).filter(id_number=term.value).first()
            if worker is not None:
                return redirect("backoffice:worker_detail", pk=worker.pk)
            messages.error(request, _("No worker you may see has this ID number."))
            return redirect("backoffice:worker_list")
        if term.kind == "digits":
            messages.error(
                request,
                _("Enter all 18 characters of the ID number; parts of numbers are not searched."),
            )
            return redirect("backoffice:worker_list")
        params = QueryDict(mutable=True)
        for key in ("q", "zone", "industry", "skill_level", "employer"):
            if request.POST.get(key):
                params[key] = request.POST[key]
        return redirect(f"{reverse('backoffice:worker_list')}?{params.urlencode()}")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    form, queryset = filtered_workers(request.user, request.GET)
    page = paginate(queryset, page=request.GET.get("page"))
    return render(
        request,
        "backoffice/worker_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request.GET),
            "can_create": policy.can_create_worker(request.user),
            "show_scope_filters": policy.reads_everything(request.user),
        },
    )


@requires(policy.can_browse_workers)
def worker_detail(request, pk):
    user = request.user
    worker = get_visible_or_404(
        policy.workers_visible_to(user).select_related("employer", "employer__zone"), pk=pk
    )
    history = (
        AuditEntry.objects.filter(object_type="people.worker", object_id=str(pk))[:20]
        if policy.can_read_audit_trail(user)
        else []
    )
    return render(
        request,
        "backoffice/worker_detail.html",
        {
            "worker": worker,
            "show_personal_data": policy.can_see_personal_data(user, worker),
            "can_change": policy.can_change_worker(user, worker),
            "can_delete": policy.can_delete_worker(user, worker),
            "history": history,
        }
        | skills.worker_section(user, worker),
    )


def _apply(request, form, worker=None):
    data = form.changes()
    try:
        if worker is None:
            return worker_services.register_worker(actor=request.user, **data)
        return worker_services.update_worker(actor=request.user, worker=worker, **data)
    except worker_services.DuplicateWorkerError as error:
        visible = policy.workers_visible_to(request.user).filter(pk=error.existing.pk).exists()
        form.add_error(
            "id_number", worker_services.duplicate_message(error.existing, may_see_existing=visible)
        )
        return None
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


@sensitive_post_parameters("id_number", "phone")
@requires(policy.can_create_worker)
def worker_create(request):
    initial = {}
    employer_id = request.GET.get("employer")
    if employer_id and employer_id.isdigit():
        employer = policy.employers_for_new_workers(request.user).filter(pk=employer_id).first()
        if employer is not None:
            initial["employer"] = employer.credit_code or employer.name
    form = WorkerForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        worker = _apply(request, form)
        if worker is not None:
            messages.success(request, _("Worker %(name)s registered.") % {"name": worker.name})
            return redirect("backoffice:worker_detail", pk=worker.pk)
    return render(request, "backoffice/worker_form.html", {"form": form, "worker": None})


@sensitive_post_parameters("id_number", "phone")
@requires(policy.can_browse_workers)
def worker_edit(request, pk):
    worker = get_visible_or_404(
        policy.workers_visible_to(request.user).select_related("employer"), pk=pk
    )
    if not policy.can_change_worker(request.user, worker):
        raise PermissionDenied
    form = WorkerForm(request.POST or None, user=request.user, worker=worker)
    if request.method == "POST" and form.is_valid():
        saved = _apply(request, form, Worker.objects.get(pk=pk))
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:worker_detail", pk=pk)
    return render(request, "backoffice/worker_form.html", {"form": form, "worker": worker})


@requires(policy.can_browse_workers)
def worker_delete(request, pk):
    worker = get_visible_or_404(policy.workers_visible_to(request.user), pk=pk)
    if not policy.can_delete_worker(request.user, worker):
        raise PermissionDenied
    if request.method == "POST":
        name = worker.name
        try:
            worker_services.delete_worker(actor=request.user, worker=worker)
        except worker_services.WorkerInUseError as refused:
            messages.error(request, str(refused))
            return redirect("backoffice:worker_detail", pk=worker.pk)
        messages.success(request, _("Worker %(name)s deleted.") % {"name": name})
        return redirect("backoffice:worker_list")
    return render(request, "backoffice/worker_confirm_delete.html", {"worker": worker})


class WorkerExport(XlsxExport):
    """Workers as a spreadsheet; ID numbers and phones are masked in every export."""

    personal_data = "workers' names, masked ID numbers and phones"

    sheet_name = "workers"
    filename = "workers.xlsx"

    def __init__(self, queryset):
        self.queryset = queryset
        self.columns = [
            Column(_("ID"), 10),
            Column(pgettext("person", "name"), 10),
            Column(_("resident ID number"), 22),
            Column(_("gender"), 6),
            Column(_("year of birth"), 8),
            Column(_("employer"), 36),
            Column(_("trade"), 14),
            Column(_("skill level"), 22),
            Column(_("phone"), 14),
        ]

    def rows(self):
        levels = dict(SkillLevel.choices)
        genders = dict(Worker._meta.get_field("gender").choices)
        for worker in self.queryset.iterator(chunk_size=5000):
            yield [
                worker.pk,
                worker.name,
                worker.masked_id_number,
                str(genders.get(worker.gender, "")),
                worker.birth_date.year,  # with the masked number a full date would give it away
                worker.employer.name,
                worker.trade,
                str(levels[worker.skill_level]) if worker.skill_level else "",
                worker.masked_phone,
            ]


@requires(policy.can_browse_workers)
def worker_export(request):
    _form, queryset = filtered_workers(request.user, request.GET)
    back = f"{reverse('backoffice:worker_list')}?{query_without_page(request.GET)}"
    return WorkerExport(queryset).response_or_refusal(request, queryset, back_url=back)
