"""Who is calling: a personal token (``Authorization: Bearer jsk_…``) or the browser's
session (with Django's CSRF check on unsafe methods, as the pages have).

A request that presents a token is judged by the token alone: an unknown or revoked
token, or one of an inactive user, answers 401 even when a session cookie comes
with it. On success ``request.user`` is the token's user, so that everything below
(the access policy, the audit trail) sees the same user as the pages would.

Public endpoints (what the public pages show) take :data:`optional_auth`: the
caller may be anonymous, and a signed-in caller may see more (e.g. staff see
results before publication).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from jingsai.api import tokens


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = tokens.user_for_token(token)
        if user is None:
            raise AuthenticationError  # a wrong token never falls back to the session
        request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The session's user, if active (the session middleware already checked it)."""

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


class Anonymous:
    """Last in :data:`optional_auth`: lets the anonymous through as AnonymousUser."""

    def __call__(self, request):
        if not getattr(request, "user", None) or not request.user.is_authenticated:
            request.user = AnonymousUser()
        return _Caller(request.user)


class _Caller:
    """Truthy wrapper (ninja needs a truthy result) around the anonymous user."""

    def __init__(self, user):
        self.user = user

    def __bool__(self) -> bool:
        return True


token_auth = TokenAuth()
session_auth = ActiveSessionAuth(csrf=True)
required_auth = [token_auth, session_auth]
optional_auth = [token_auth, session_auth, Anonymous()]


def required_auth_then(check) -> list:
    """:data:`required_auth`, then ``check(request)`` on the signed-in caller: it raises
    the API's refusals (403, 404) before ninja reads the request body, so a caller who
    may not use the endpoint learns that whatever he sends. The path's parameters are in
    ``request.resolver_match.kwargs``. The classes keep their names, so the OpenAPI
    schema shows the same two security schemes."""

    class CheckedToken(TokenAuth):
        def authenticate(self, request, token):
            user = super().authenticate(request, token)
            check(request)
            return user

    class CheckedSession(ActiveSessionAuth):
        def authenticate(self, request, key):
            user = super().authenticate(request, key)
            if user is not None:
                check(request)
            return user

    CheckedToken.__name__ = TokenAuth.__name__
    CheckedSession.__name__ = ActiveSessionAuth.__name__
    return [CheckedToken(), CheckedSession(csrf=True)]
