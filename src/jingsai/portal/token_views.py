"""Personal API tokens (个人接口令牌): the user makes, lists and revokes his own.

A new token is shown once, on the page that answers its creation, and never
again (only its hash is kept; :mod:`jingsai.api.tokens`). Anyone with a role may
have tokens: the API applies that role's scope to every call. A user who needs a
second factor reaches this page only after giving it (the second-factor
middleware), so his tokens are made from a verified session.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jingsai.access.decorators import get_visible_or_404, requires
from jingsai.api import tokens
from jingsai.api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. the system that will use it."),
    )


@never_cache
@requires(tokens.may_use_api)
def token_list(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = tokens.create_token(actor=request.user, name=form.cleaned_data["name"])
        except tokens.TokenRefused as refused:
            form.add_error("name", str(refused))
        else:
            form = TokenForm()
    return render(
        request,
        "portal/tokens/list.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=request.user).order_by("-created", "-id"),
        },
    )


@require_POST
@requires(tokens.may_use_api)
def token_revoke(request, pk):
    token = get_visible_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    tokens.revoke_token(actor=request.user, token=token)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("portal:api_tokens")


# Included by ``portal/urls.py`` at ``/home/tokens/``.
urlpatterns = [
    path("", token_list, name="api_tokens"),
    path("<int:pk>/revoke/", token_revoke, name="api_token_revoke"),
]
