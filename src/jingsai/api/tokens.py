"""Making, revoking and checking personal API tokens.

A token is ``jsk_`` followed by ``secrets.token_urlsafe(32)`` (43 characters, 256
random bits). The database keeps its SHA-256 (a token has full entropy, so a fast
hash is enough: nothing to brute-force) and its first 12 characters, shown to the
owner to tell his tokens apart. Making and revoking are audited; the token itself
never goes into the audit trail or a log.

Users who must give a second factor (programme admins, chief judges) reach the
token page only from a session that has given it (the second-factor middleware
sends them to confirm first), so every token of theirs was made after a second
factor. A token then stands on its own, as any API key does: revoke it when in
doubt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.access import policy
from jingsai.api.models import ApiToken
from jingsai.common.domain import audit

PREFIX = "jsk_"
SHOWN = 12  # characters kept in clear for identification ("jsk_" and 8 more)
LAST_USED_EVERY = dt.timedelta(minutes=1)  # how often last_used is written
MAX_ACTIVE = 20  # active tokens per user


class TokenRefused(Exception):  # noqa: N818 (a refusal shown to the user)
    pass


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def may_use_api(user) -> bool:
    """Anyone with a role; the API then applies that role's scope to every call."""
    return bool(policy.roles_of(user))


def create_token(*, actor: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for ``actor``; returns it and the secret, which is shown only now."""
    name = (name or "").strip()[:100]
    if not name:
        raise TokenRefused(_("Give the token a name."))
    with transaction.atomic():
        if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= MAX_ACTIVE:
            raise TokenRefused(_("You have too many active tokens; revoke one first."))
        secret = PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=actor, name=name, prefix=secret[:SHOWN], hash=digest(secret)
        )
        audit.record(
            actor=actor,
            action="api_token:create",
            obj=token,
            after={"name": token.name, "prefix": token.prefix},
        )
    return token, secret


def revoke_token(*, actor: Any, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            audit.record(
                actor=actor,
                action="api_token:revoke",
                obj=locked,
                after={"name": locked.name, "prefix": locked.prefix},
            )
    return locked


def user_for_token(secret: str):
    """The active user the token belongs to, or None (unknown, revoked, inactive user)."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(hash=digest(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user
