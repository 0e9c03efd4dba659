"""Navigation built from the access policy, so menus never offer a forbidden page.

Worked out only when a template shows it (a fragment answering htmx does not): the
policy's questions cost queries on every page otherwise."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from jingsai.access import policy


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "primary_role": None}
    return {
        "nav_items": SimpleLazyObject(lambda: nav_items(user)),
        "primary_role": SimpleLazyObject(lambda: policy.primary_role(user)),
    }


def nav_items(user) -> list:
    items = [(_("Home"), reverse("portal:home"))]
    if policy.can_read_dashboard(user):
        items.append((_("Dashboard"), reverse("backoffice:dashboard")))
    if policy.can_browse_competitions(user):
        items.append((_("Competitions"), reverse("backoffice:competition_list")))
    if policy.can_browse_organisations(user):
        items.append((_("Organisations"), reverse("backoffice:organisation_list")))
    if policy.can_browse_workers(user):
        items.append((_("Workers"), reverse("backoffice:worker_list")))
    if policy.can_browse_training(user):
        items.append((_("Training"), reverse("backoffice:training_course_list")))
    if policy.can_browse_innovations(user):
        items.append((_("Innovation results"), reverse("backoffice:innovation_list")))
    elif policy.has_role(user, policy.Role.WORKER):
        items.append((_("My innovations"), reverse("portal:innovation_list")))
    if policy.can_browse_honours(user):
        items.append((_("830 honours"), reverse("backoffice:honours_index")))
    if policy.is_honours_reviewer(user):
        items.append((_("830 review"), reverse("portal:review_home")))
    if policy.can_record_evaluations(user):
        items.append((_("Skill evaluation"), reverse("backoffice:skills_import")))
    if policy.reads_everything(user):
        items.append((_("Catalogue"), reverse("backoffice:catalogue")))
    if policy.can_manage_accounts(user):
        items.append((_("Accounts"), reverse("backoffice:account_list")))
    if policy.can_read_audit_trail(user):
        items.append((_("Audit trail"), reverse("backoffice:audit_list")))
    if policy.roles_of(user):  # jingsai.api.tokens.may_use_api
        items.append((_("API tokens"), reverse("portal:api_tokens")))
    return items
