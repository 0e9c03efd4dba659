"""Accounts: logins and the roles they hold (programme admins only)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from jingsai.access import policy
from jingsai.access.decorators import requires
from jingsai.backoffice.forms import AccountForm, GrantForm
from jingsai.common.pagination import paginate
from jingsai.common.search import prefix_q
from jingsai.people.domain import accounts
from jingsai.people.models import RoleGrant, User


def _form_errors(form, error: ValidationError) -> None:
    mapping = {"worker": "worker_id_number"}
    for field, errors in error.message_dict.items():
        field = mapping.get(field, field)
        form.add_error(field if field in form.fields else None, errors)


@requires(policy.can_manage_accounts)
def account_list(request):
    q = (request.GET.get("q") or "").strip()
    users = User.objects.prefetch_related(
        Prefetch("grants", queryset=RoleGrant.objects.select_related("organisation"))
    ).order_by("username", "id")
    if q:
        users = users.filter(prefix_q("username", q))
    page = paginate(users, page=request.GET.get("page"))
    return render(
        request,
        "backoffice/account_list.html",
        {"page": page, "q": q, "query": urlencode({"q": q}) if q else ""},
    )


@sensitive_post_parameters("password", "worker_id_number")
@requires(policy.can_manage_accounts)
def account_create(request):
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = accounts.create_account(
                actor=request.user,
                username=data["username"],
                display_name=data["display_name"],
                password=data["password"],
                role=data["role"],
                organisation=data["organisation"],
                worker=data["worker_id_number"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            return redirect("backoffice:account_detail", pk=user.pk)
    return render(request, "backoffice/account_form.html", {"form": form})


@requires(policy.can_manage_accounts)
def account_detail(request, pk):
    account = get_object_or_404(User, pk=pk)
    return render(
        request,
        "backoffice/account_detail.html",
        {
            "account": account,
            "second_factor": TOTPDevice.objects.filter(user=account, confirmed=True).exists(),
            "grants": account.grants.select_related("organisation"),
            "form": GrantForm(),
        },
    )


@sensitive_post_parameters("worker_id_number")
@requires(policy.can_manage_accounts)
@require_POST
def grant_add(request, pk):
    account = get_object_or_404(User, pk=pk)
    form = GrantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            accounts.grant_role(
                actor=request.user,
                user=account,
                role=data["role"],
                organisation=data["organisation"],
                worker=data["worker_id_number"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Role granted."))
            return redirect("backoffice:account_detail", pk=pk)
    return render(
        request,
        "backoffice/account_detail.html",
        {"account": account, "grants": account.grants.select_related("organisation"), "form": form},
    )


@requires(policy.can_manage_accounts)
@require_POST
def grant_revoke(request, pk, grant_pk):
    grant = get_object_or_404(RoleGrant, pk=grant_pk, user_id=pk)
    if grant.user_id == request.user.pk and policy.is_programme_admin(request.user):
        others = RoleGrant.objects.filter(user=request.user, role=grant.role).exclude(pk=grant.pk)
        if grant.role == "programme_admin" and not others.exists():
            messages.error(request, _("You cannot revoke your own programme admin role."))
            return redirect("backoffice:account_detail", pk=pk)
    accounts.revoke_role(actor=request.user, grant=grant)
    messages.success(request, _("Role revoked."))
    return redirect("backoffice:account_detail", pk=pk)


@requires(policy.can_manage_accounts)
@require_POST
def account_set_active(request, pk):
    account = get_object_or_404(User, pk=pk)
    if account.pk == request.user.pk:
        messages.error(request, _("You cannot deactivate your own account."))
    else:
        accounts.set_active(
            actor=request.user, user=account, active=request.POST.get("active") == "1"
        )
        messages.success(request, _("Changes saved."))
    return redirect("backoffice:account_detail", pk=pk)


@requires(policy.can_manage_accounts)
@require_POST
def account_reset_second_factor(request, pk):
    account = get_object_or_404(User, pk=pk)
    if accounts.reset_second_factor(actor=request.user, user=account):
        messages.success(
            request, _("Second factor reset: the account sets up its app again at next sign-in.")
        )
    return redirect("backoffice:account_detail", pk=pk)
