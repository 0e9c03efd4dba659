"""Who may see and change what: the one place that decides it.

Every view, export and (later) API endpoint asks these functions; lists are
built only from the ``*_visible_to`` querysets. Anything not granted here is
denied. An object a user may not see answers 404, not 403.

Roles come from :class:`~jingsai.people.models.RoleGrant` rows:

- programme admin: sees and changes everything;
- leadership: sees everything, changes nothing;
- co-organiser staff: sees its own organisation (later issues add the
  competitions it co-organises and their entries);
- enterprise officer: sees and changes its enterprise and that enterprise's workers;
- judge: sees its own organisation only (later issues add assigned entries);
- worker: sees its own worker record.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jingsai.organisations.models import Organisation
from jingsai.people.models import Role, RoleGrant, User, Worker

ROLE_PRIORITY = [
    Role.PROGRAMME_ADMIN,
    Role.LEADERSHIP,
    Role.CO_ORGANISER,
    Role.ENTERPRISE_OFFICER,
    Role.JUDGE,
    Role.WORKER,
]


def grants_of(user: User) -> list[RoleGrant]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_jingsai_grants", None)
    if cached is None:
        cached = list(RoleGrant.objects.filter(user=user).select_related("organisation"))
        user._jingsai_grants = cached
    return cached


def roles_of(user: User) -> set[str]:
    return {grant.role for grant in grants_of(user)}


def has_role(user: User, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def primary_role(user: User) -> str | None:
    roles = roles_of(user)
    return next((role for role in ROLE_PRIORITY if role in roles), None)


def organisation_ids_for(user: User, *roles: str) -> set[int]:
    """Organisations where the user holds one of ``roles``.

    An enterprise officer's grant counts only while its organisation is an
    enterprise (a reclassified organisation loses its officers' rights).
    """
    return {
        g.organisation_id
        for g in grants_of(user)
        if g.role in roles
        and (
            g.role != Role.ENTERPRISE_OFFICER or g.organisation.kind == Organisation.Kind.ENTERPRISE
        )
    }


def is_programme_admin(user: User) -> bool:
    return has_role(user, Role.PROGRAMME_ADMIN)


def reads_everything(user: User) -> bool:
    return has_role(user, Role.PROGRAMME_ADMIN, Role.LEADERSHIP)


# --- organisations -----------------------------------------------------------


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    if reads_everything(user):
        return Organisation.objects.all()
    own = organisation_ids_for(
        user, Role.CO_ORGANISER, Role.ENTERPRISE_OFFICER, Role.JUDGE, Role.WORKER
    )
    return Organisation.objects.filter(pk__in=own)


def can_browse_organisations(user: User) -> bool:
    return has_role(
        user, Role.PROGRAMME_ADMIN, Role.LEADERSHIP, Role.ENTERPRISE_OFFICER, Role.CO_ORGANISER
    )


def can_create_organisation(user: User) -> bool:
    return is_programme_admin(user)


def can_change_organisation(user: User, organisation: Organisation) -> bool:
    if is_programme_admin(user):
        return True
    return organisation.pk in organisation_ids_for(user, Role.ENTERPRISE_OFFICER)


def can_change_organisation_kind(user: User) -> bool:
    """Only programme admins reclassify an organisation or change its credit code."""
    return is_programme_admin(user)


# --- workers -----------------------------------------------------------------


def workers_visible_to(user: User) -> QuerySet[Worker]:
    if reads_everything(user):
        return Worker.objects.all()
    employers = organisation_ids_for(user, Role.ENTERPRISE_OFFICER)
    own = has_role(user, Role.WORKER)
    if employers and own:
        return Worker.objects.filter(Q(employer_id__in=employers) | Q(user=user))
    if employers:
        return Worker.objects.filter(employer_id__in=employers)
    if own:
        return Worker.objects.filter(user=user)
    return Worker.objects.none()


def can_browse_workers(user: User) -> bool:
    return has_role(user, Role.PROGRAMME_ADMIN, Role.LEADERSHIP, Role.ENTERPRISE_OFFICER)


def employers_for_new_workers(user: User) -> QuerySet[Organisation]:
    """Organisations under which this user may register workers."""
    if is_programme_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=organisation_ids_for(user, Role.ENTERPRISE_OFFICER))


def can_create_worker(user: User) -> bool:
    return has_role(user, Role.PROGRAMME_ADMIN, Role.ENTERPRISE_OFFICER)


def can_change_worker(user: User, worker: Worker) -> bool:
    if is_programme_admin(user):
        return True
    return worker.employer_id in organisation_ids_for(user, Role.ENTERPRISE_OFFICER)


def can_delete_worker(user: User, worker: Worker) -> bool:
    return is_programme_admin(user)


def can_see_personal_data(user: User, worker: Worker) -> bool:
    """Unmasked ID number and phone: programme admins, on the worker's own page only."""
    return is_programme_admin(user)


# --- audit -------------------------------------------------------------------


def can_read_audit_trail(user: User) -> bool:
    return has_role(user, Role.PROGRAMME_ADMIN, Role.LEADERSHIP)


# --- accounts ----------------------------------------------------------------


def can_manage_accounts(user: User) -> bool:
    """Creating logins and granting roles: programme admins only."""
    return is_programme_admin(user)
