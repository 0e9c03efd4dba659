"""Each role's home page: the figures and next steps that role needs first."""

from django.db.models import Count
from django.shortcuts import render

from jingsai.access import policy
from jingsai.catalogue.models import ProgrammeYear
from jingsai.organisations.models import Organisation
from jingsai.people.models import Role, SkillLevel, Worker


def _progress(value: int, target: int) -> int:
    return min(100, round(100 * value / target)) if target else 0


def _programme_figures() -> dict:
    year = ProgrammeYear.objects.first()
    enterprises = Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).count()
    workers = Worker.objects.count()
    by_kind = dict(Organisation.objects.values_list("kind").annotate(n=Count("id")).order_by())
    return {
        "year": year,
        "enterprises": enterprises,
        "workers": workers,
        "enterprise_progress": _progress(enterprises, year.target_enterprises if year else 0),
        "worker_progress": _progress(workers, year.target_workers if year else 0),
        "by_kind": [(label, by_kind.get(kind, 0)) for kind, label in Organisation.Kind.choices],
    }


def home(request):
    user = request.user
    role = policy.primary_role(user)
    context: dict = {
        "role": role,
        "grants": policy.grants_of(user),
        "is_judge": policy.is_judge(user),
        "is_reviewer": policy.is_honours_reviewer(user),
        "is_assessor": policy.assessor_seats(user).exists(),
        "enters_self_checks": policy.enters_self_checks(user),
    }
    if role in (Role.PROGRAMME_ADMIN, Role.LEADERSHIP):
        context |= _programme_figures()
        template = "portal/home_programme.html"
    elif role == Role.ENTERPRISE_OFFICER:
        enterprises = policy.organisations_visible_to(user).select_related("zone", "industry")
        workers = policy.workers_visible_to(user)
        levels = dict(workers.values_list("skill_level").annotate(n=Count("id")).order_by())
        context |= {
            "enterprises": enterprises,
            "worker_count": workers.count(),
            "by_level": [(label, levels.get(value, 0)) for value, label in SkillLevel.choices],
            "unrated": levels.get(None, 0),
        }
        template = "portal/home_officer.html"
    elif role == Role.WORKER:
        context["worker"] = policy.workers_visible_to(user).select_related("employer").first()
        template = "portal/home_worker.html"
    elif role in (Role.CO_ORGANISER, Role.JUDGE):
        context["organisations"] = policy.organisations_visible_to(user).select_related(
            "zone", "industry"
        )
        template = "portal/home_member.html"
    else:
        template = "portal/home_none.html"
    return render(request, template, context)
