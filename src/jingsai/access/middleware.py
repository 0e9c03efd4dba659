"""Requests of users who must give a second factor and have not yet: sent to do so
(see :mod:`jingsai.access.signin`)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from jingsai.access import signin

ALWAYS_OPEN = ("public:two_factor_verify", "public:two_factor_setup", "public:logout",
               "public:set_language")  # fmt: skip


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not settings.JINGSAI_TWO_FACTOR or not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match and request.resolver_match.view_name in ALWAYS_OPEN:
            return None
        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        if not signin.needs_second_factor(user):
            return None
        if request.path.startswith("/api/"):  # the API answers in JSON, never a redirect
            return JsonResponse(
                {
                    "code": "not_authenticated",
                    "message": _("Confirm your sign-in with your second factor first."),
                    "detail": [],
                },
                status=401,
            )
        target = "public:two_factor_verify"
        if not signin.confirmed_devices(user):
            target = "public:two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
