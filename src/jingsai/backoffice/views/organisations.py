"""Organisation pages: list with search and filters, detail, create, edit, export."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jingsai.access import policy
from jingsai.access.decorators import get_visible_or_404, requires
from jingsai.backoffice.forms import OrganisationForm, OrganisationSearchForm
from jingsai.backoffice.views.querystrings import query_without_page
from jingsai.common.models import AuditEntry
from jingsai.common.pagination import paginate
from jingsai.common.search import SearchTerm, classify_search, search_by_name
from jingsai.common.spreadsheets import Column, XlsxExport
from jingsai.organisations.domain import services
from jingsai.organisations.models import Organisation
from jingsai.organisations.validators import normalise_credit_code


def filtered_organisations(user, params):
    """The user's visible organisations narrowed by the search form; returns (form, queryset)."""
    form = OrganisationSearchForm(params or None)
    queryset = policy.organisations_visible_to(user).select_related("zone", "industry")
    if not form.is_valid():
        return form, queryset.order_by("-id")
    data = form.cleaned_data
    if data["kind"]:
        queryset = queryset.filter(kind=data["kind"])
    if data["zone"]:
        queryset = queryset.filter(zone=data["zone"])
    if data["industry"]:
        queryset = queryset.filter(industry=data["industry"])
    code = normalise_credit_code(data["q"] or "")
    if len(code) == 18 and code.isalnum():
        return form, queryset.filter(credit_code=code)
    term = classify_search(data["q"])
    if term.kind in ("digits", "id_number"):  # organisation names may hold numbers
        term = SearchTerm("name", data["q"].strip())
    found = search_by_name(queryset, term)
    return form, found if found is not None else queryset.order_by("-id")


@requires(policy.can_browse_organisations)
def organisation_list(request):
    form, queryset = filtered_organisations(request.user, request.GET)
    page = paginate(queryset, page=request.GET.get("page"))
    return render(
        request,
        "backoffice/organisation_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request.GET),
            "can_create": policy.can_create_organisation(request.user),
        },
    )


@requires(policy.can_browse_organisations)
def organisation_detail(request, pk):
    organisation = get_visible_or_404(
        policy.organisations_visible_to(request.user).select_related("zone", "industry", "parent"),
        pk=pk,
    )
    user = request.user
    history = (
        AuditEntry.objects.filter(object_type="organisations.organisation", object_id=str(pk))[:20]
        if policy.can_read_audit_trail(user)
        else []
    )
    return render(
        request,
        "backoffice/organisation_detail.html",
        {
            "organisation": organisation,
            "worker_count": policy.workers_visible_to(user).filter(employer=organisation).count(),
            "can_change": policy.can_change_organisation(user, organisation),
            "can_add_worker": policy.employers_for_new_workers(user).filter(pk=pk).exists(),
            "history": history,
        },
    )


def _save(request, form, organisation=None):
    data = dict(form.cleaned_data)
    for name, field in form.fields.items():
        if field.disabled:
            data.pop(name, None)
    try:
        if organisation is None:
            return services.create_organisation(actor=request.user, **data)
        return services.update_organisation(actor=request.user, organisation=organisation, **data)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


@requires(policy.can_create_organisation)
def organisation_create(request):
    form = OrganisationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        organisation = _save(request, form)
        if organisation is not None:
            messages.success(
                request, _("Organisation %(name)s created.") % {"name": organisation.name}
            )
            return redirect("backoffice:organisation_detail", pk=organisation.pk)
    return render(
        request, "backoffice/organisation_form.html", {"form": form, "organisation": None}
    )


@requires(policy.can_browse_organisations)
def organisation_edit(request, pk):
    organisation = get_visible_or_404(policy.organisations_visible_to(request.user), pk=pk)
    if not policy.can_change_organisation(request.user, organisation):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, instance=organisation, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, Organisation.objects.get(pk=pk))
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:organisation_detail", pk=pk)
    return render(
        request, "backoffice/organisation_form.html", {"form": form, "organisation": organisation}
    )


class OrganisationExport(XlsxExport):
    sheet_name = "organisations"
    filename = "organisations.xlsx"

    def __init__(self, queryset):
        self.queryset = queryset
        self.columns = [
            Column(_("ID"), 8),
            Column(_("name"), 36),
            Column(_("kind"), 14),
            Column(_("unified social credit code"), 22),
            Column(_("industry"), 14),
            Column(_("zone"), 10),
            Column(_("address"), 30),
            Column(_("contact person"), 12),
        ]

    def rows(self):
        kinds = dict(Organisation.Kind.choices)
        for org in self.queryset.iterator(chunk_size=2000):
            yield [
                org.pk,
                org.name,
                str(kinds.get(org.kind, org.kind)),
                org.credit_code or "",
                org.industry.name if org.industry else "",
                org.zone.name if org.zone else "",
                org.address,
                org.contact_name,
            ]


@requires(policy.can_browse_organisations)
def organisation_export(request):
    _form, queryset = filtered_organisations(request.user, request.GET)
    back = f"{reverse('backoffice:organisation_list')}?{query_without_page(request.GET)}"
    return OrganisationExport(queryset).response_or_refusal(request, queryset, back_url=back)
