"""Accounts and role grants: creating logins, granting and revoking roles.

Every change is audited. A worker login is linked to exactly one worker record;
a worker role must be granted in the worker's own employer.
"""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jingsai.common.domain import audit
from jingsai.organisations.models import Organisation
from jingsai.people.models import Role, RoleGrant, User, Worker


def create_account(
    *,
    actor: Any,
    username: str,
    display_name: str,
    password: str,
    role: str,
    organisation: Organisation,
    worker: Worker | None = None,
) -> User:
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    user = User(username=username, display_name=display_name.strip())
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    try:
        with transaction.atomic():
            user.set_password(password)
            user.save()
            audit.record(actor=actor, action="create", obj=user, after=audit.snapshot(user))
            grant_role(actor=actor, user=user, role=role, organisation=organisation, worker=worker)
    except IntegrityError:
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": _("This username is taken.")}) from None
        raise
    return user


def grant_role(
    *, actor: Any, user: User, role: str, organisation: Organisation, worker: Worker | None = None
) -> RoleGrant:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == Role.ENTERPRISE_OFFICER and organisation.kind != Organisation.Kind.ENTERPRISE:
        raise ValidationError(
            {"organisation": _("An enterprise officer must belong to an enterprise.")}
        )
    if role == Role.WORKER:
        if worker is None:
            raise ValidationError(
                {"worker": _("A worker login must be linked to a worker record.")}
            )
        if worker.employer_id != organisation.pk:
            raise ValidationError(
                {"worker": _("This worker is not employed by the organisation chosen.")}
            )
        if worker.user_id and worker.user_id != user.pk:
            raise ValidationError({"worker": _("This worker already has a login.")})
    if RoleGrant.objects.filter(user=user, role=role, organisation=organisation).exists():
        raise ValidationError({"role": _("The user already holds this role here.")})
    with transaction.atomic():
        grant = RoleGrant.objects.create(user=user, role=role, organisation=organisation)
        audit.record(actor=actor, action="grant", obj=grant, after=audit.snapshot(grant))
        if worker is not None and role == Role.WORKER and worker.user_id != user.pk:
            before = audit.snapshot(worker)
            worker.user = user
            worker.save(update_fields=["user", "updated_at"])
            audit.record(
                actor=actor,
                action="update",
                obj=worker,
                before=before,
                after=audit.snapshot(worker),
            )
    return grant


def revoke_role(*, actor: Any, grant: RoleGrant) -> None:
    with transaction.atomic():
        before = audit.snapshot(grant)
        pk, text = grant.pk, str(grant)
        if grant.role == Role.WORKER:
            Worker.objects.filter(user=grant.user, employer=grant.organisation).update(user=None)
        grant.delete()
        audit.record(
            actor=actor,
            action="revoke",
            object_type="people.rolegrant",
            object_id=pk,
            object_repr=text,
            before=before,
        )


def set_active(*, actor: Any, user: User, active: bool) -> None:
    if user.is_active == active:
        return
    with transaction.atomic():
        before = audit.snapshot(user)
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="activate" if active else "deactivate",
            obj=user,
            before=before,
            after=audit.snapshot(user),
        )


def reset_second_factor(*, actor: Any, user: User) -> int:
    """Remove the user's authenticator devices (a lost phone): at the next sign-in he sets
    one up again. Returns how many were removed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        removed, _kinds = TOTPDevice.objects.filter(user=user).delete()
        if removed:
            audit.record(actor=actor, action="two_factor:reset", obj=user)
    return removed
