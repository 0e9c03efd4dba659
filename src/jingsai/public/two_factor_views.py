"""The second factor at sign-in (see :mod:`jingsai.access.signin`): confirming a sign-in
with the code of an authenticator app, and setting the app up the first time."""

from __future__ import annotations

import base64

import segno
from django import forms
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from jingsai.access import signin
from jingsai.common.domain import audit


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("Six-digit code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("Enter the six digits the app shows.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/home/"


@never_cache
@sensitive_post_parameters("code")
def verify(request):
    user = request.user
    if not signin.needs_second_factor(user) or user.is_verified():
        return redirect(_next(request))
    devices = signin.confirmed_devices(user)
    if not devices:
        return redirect(f"{reverse('public:two_factor_setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip()
        for device in devices:
            allowed, _data = device.verify_is_allowed()
            if not allowed:
                form.add_error("code", _("Too many wrong codes: wait a little, then try again."))
                break
            if device.verify_token(code):
                otp_login(request, device)
                return redirect(_next(request))
        else:
            form.add_error("code", _("The code is wrong or has expired."))
    return render(request, "public/two_factor/verify.html", {"form": form, "next": _next(request)})


def qr_data_uri(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=5)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@never_cache
@sensitive_post_parameters("code")
def setup(request):
    user = request.user
    if not signin.needs_second_factor(user) or signin.confirmed_devices(user):
        return redirect(f"{reverse('public:two_factor_verify')}?{request.GET.urlencode()}")
    device = signin.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _data = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", _("Too many wrong codes: wait a little, then try again."))
        elif device.verify_token(form.cleaned_data["code"].strip()):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record(actor=user, action="two_factor:setup", obj=user)
            otp_login(request, device)
            return redirect(_next(request))
        else:
            form.add_error("code", _("The code is wrong or has expired."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "public/two_factor/setup.html",
        {
            "form": form,
            "next": _next(request),
            "qr": qr_data_uri(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )
