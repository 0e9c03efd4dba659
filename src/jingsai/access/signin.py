"""Signing in: throttling of failed attempts and the second factor.

Throttling (django-axes): after ``AXES_FAILURE_LIMIT`` failed attempts on one account, or
from one address, further attempts are refused for ``AXES_COOLOFF_TIME`` with a message
that says so (:func:`lockout`); a successful sign-in clears the account's count. Behind a
reverse proxy (``BEHIND_PROXY``) the address is the one the proxy saw (:func:`client_ip`).

Second factor (django-otp, TOTP as in authenticator apps): programme admins and chief
judges (:func:`needs_second_factor`) must confirm each sign-in with a six-digit code.
Without a confirmed device they are sent to set one up first; until then, or until the
code is given, every page but the second-factor pages and signing out redirects there
(:class:`jingsai.access.middleware.SecondFactorMiddleware`). ``JINGSAI_TWO_FACTOR=0``
turns this off (the demo and the test suite; its own tests turn it on).
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.shortcuts import render
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from jingsai.access import policy


def client_ip(request) -> str | None:
    """The client's address: behind the reverse proxy, the last X-Forwarded-For entry
    (the one the proxy added; earlier ones are whatever the client claimed)."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


def lockout(request, original_response=None, credentials=None):
    """The page shown while an account or an address is locked out (HTTP 429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "public/locked_out.html",
        {"minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def needs_second_factor(user) -> bool:
    """Asked on every request of a signed-in user: from the roles and seats when this
    request has read them, else in one query (a judge's saved draft reads no roles)."""
    if not settings.JINGSAI_TWO_FACTOR or not user.is_authenticated or not user.is_active:
        return False
    if hasattr(user, "_jingsai_grants") and hasattr(user, "_jingsai_seats"):
        return policy.is_programme_admin(user) or any(s.is_chief for s in policy.seats_of(user))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT EXISTS (SELECT 1 FROM people_rolegrant WHERE user_id = %s AND role = %s)
                OR EXISTS (SELECT 1 FROM judging_paneljudge WHERE user_id = %s AND is_chief)
            """,
            [user.pk, policy.Role.PROGRAMME_ADMIN.value, user.pk],
        )
        return bool(cursor.fetchone()[0])


def confirmed_devices(user) -> list:
    return list(devices_for_user(user, confirmed=True))


def pending_device(user) -> TOTPDevice:
    """The user's device being set up (made on first call, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device
