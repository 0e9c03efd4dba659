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

from jingsai.competitions.domain.lifecycle import MOVES
from jingsai.competitions.models import Competition, Entry
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


# --- competitions and entries ------------------------------------------------


def co_organiser_org_ids(user: User) -> set[int]:
    return organisation_ids_for(user, Role.CO_ORGANISER)


def competitions_visible_to(user: User):
    """Admins and leadership: all; co-organisers: theirs; officers: all but drafts."""
    if reads_everything(user):
        return Competition.objects.all()
    visible = Q(pk__in=[])
    orgs = co_organiser_org_ids(user)
    if orgs:
        visible |= Q(organiser_id__in=orgs) | Q(co_organisers__in=orgs)
    if organisation_ids_for(user, Role.ENTERPRISE_OFFICER):
        visible |= ~Q(status=Competition.Status.DRAFT)
    return Competition.objects.filter(visible).distinct()


def can_browse_competitions(user: User) -> bool:
    return has_role(
        user, Role.PROGRAMME_ADMIN, Role.LEADERSHIP, Role.CO_ORGANISER, Role.ENTERPRISE_OFFICER
    )


def can_create_competition(user: User) -> bool:
    """Admins set competitions up; co-organisers apply for them (立项申请)."""
    return has_role(user, Role.PROGRAMME_ADMIN, Role.CO_ORGANISER)


def organises(user: User, competition) -> bool:
    """The user is staff of the competition's organiser or one of its co-organisers."""
    orgs = co_organiser_org_ids(user)
    if not orgs:
        return False
    if competition.organiser_id in orgs:
        return True
    return competition.co_organisers.filter(pk__in=orgs).exists()


def can_manage_competition(user: User, competition) -> bool:
    return is_programme_admin(user) or organises(user, competition)


def can_move_competition(user: User, competition, to: str) -> bool:
    who = MOVES.get((competition.status, to))
    if who is None:
        return False
    if who == "admin":
        return is_programme_admin(user)
    return can_manage_competition(user, competition)


def can_review_application(user: User, competition) -> bool:
    return is_programme_admin(user)


def entries_visible_to(user: User, competition=None):
    """Admins and leadership: all; organisers: their competitions'; officers: their
    enterprise's; workers: their own."""
    entries = Entry.objects.all()
    if competition is not None:
        entries = entries.filter(competition=competition)
    if reads_everything(user):
        return entries
    visible = Q(pk__in=[])
    orgs = co_organiser_org_ids(user)
    if orgs:
        visible |= Q(competition__organiser_id__in=orgs) | Q(competition__co_organisers__in=orgs)
    enterprises = organisation_ids_for(user, Role.ENTERPRISE_OFFICER)
    if enterprises:
        visible |= Q(enterprise_id__in=enterprises)
    if has_role(user, Role.WORKER):
        visible |= Q(members__worker__user=user, members__active=True)
    return entries.filter(visible).distinct()


def enterprises_registering_for(user: User):
    """Enterprises on whose behalf the user may register entries."""
    if is_programme_admin(user):
        return Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE)
    return Organisation.objects.filter(pk__in=organisation_ids_for(user, Role.ENTERPRISE_OFFICER))


def can_register(user: User, competition) -> bool:
    return competition.status == competition.Status.OPEN and (
        is_programme_admin(user) or bool(organisation_ids_for(user, Role.ENTERPRISE_OFFICER))
    )


def can_review_entries(user: User, competition) -> bool:
    return can_manage_competition(user, competition)


def can_change_entry(user: User, entry) -> bool:
    """Fixing and resubmitting a returned entry, or withdrawing one."""
    return is_programme_admin(user) or entry.enterprise_id in organisation_ids_for(
        user, Role.ENTERPRISE_OFFICER
    )


# --- judging ---------------------------------------------------------------------
# Judges see only their own seats' assigned entries and their own sheets; the
# chief judge sees his competition's progress and sheets; organisers (and
# programme admins) manage schemes, panels and results; arbitrators and
# programme admins decide appeals. Leadership reads results only.


def judge_seats(user: User):
    from jingsai.judging.models import PanelJudge

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return PanelJudge.objects.none()
    return PanelJudge.objects.filter(user=user).select_related("competition")


def seats_of(user: User) -> list:
    """The user's seats (with their competitions), read once per request like
    :func:`grants_of`: a judge's page asks several times."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_jingsai_seats", None)
    if cached is None:
        cached = list(judge_seats(user).order_by("pk"))
        user._jingsai_seats = cached
    return cached


def is_judge(user: User) -> bool:
    return bool(seats_of(user))


def seat_in(user: User, competition):
    """The user's seat on ``competition``'s panel (a competition or its id), or None."""
    competition_id = getattr(competition, "pk", competition)
    return next((s for s in seats_of(user) if s.competition_id == competition_id), None)


def can_manage_judging(user: User, competition) -> bool:
    """Scheme, panel, assignments, paper sheets, imports, computing results."""
    return can_manage_competition(user, competition)


def is_chief_judge(user: User, competition) -> bool:
    seat = seat_in(user, competition)
    return bool(seat and seat.is_chief)


def can_follow_marking(user: User, competition) -> bool:
    """Progress, sheets and flags: the chief judge and the competition's managers."""
    return is_chief_judge(user, competition) or can_manage_judging(user, competition)


def can_read_results(user: User, competition) -> bool:
    """Computed results before publication (published ones are public)."""
    return can_follow_marking(user, competition) or has_role(user, Role.LEADERSHIP)


def sheets_visible_to(user: User, competition):
    """A judge: his own sheets; the chief judge and managers: all of the competition's."""
    from jingsai.judging.models import Sheet

    sheets = Sheet.objects.filter(competition=competition)
    if can_follow_marking(user, competition):
        return sheets
    seat = seat_in(user, competition)
    if seat is None:
        return sheets.none()
    return sheets.filter(judge=seat)


def entries_assigned_to(user: User, competition):
    seat = seat_in(user, competition)
    if seat is None:
        return Entry.objects.none()
    return Entry.objects.filter(competition=competition, assignments__judge=seat)


def can_decide_appeals(user: User, competition) -> bool:
    if is_programme_admin(user):
        return True
    judging = getattr(competition, "judging", None)
    return bool(judging and judging.arbitrators.filter(pk=user.pk).exists())


def entries_appealable_by(user: User, competition):
    """Entries the user may appeal for: his own, or his enterprise's."""
    entries = Entry.objects.filter(competition=competition, status=Entry.Status.APPROVED)
    visible = Q(pk__in=[])
    enterprises = organisation_ids_for(user, Role.ENTERPRISE_OFFICER)
    if enterprises:
        visible |= Q(enterprise_id__in=enterprises)
    if has_role(user, Role.WORKER):
        visible |= Q(members__worker__user=user, members__active=True)
    return entries.filter(visible).distinct()


# --- labour competitions -----------------------------------------------------------
# Organisers (and programme admins) set leagues up, add bonuses and vetoes, confirm,
# correct and publish periods; an assessor enters his own checks, for participants
# outside his organisation; an enterprise officer enters his own sites' self-checks;
# leadership reads everything; the public reads published periods.


def assessor_seats(user: User):
    from jingsai.labour.models import Assessor

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Assessor.objects.none()
    return Assessor.objects.filter(user=user).select_related("league__competition")


def assessor_seat(user: User, league):
    return assessor_seats(user).filter(league=league).first()


def can_manage_league(user: User, competition) -> bool:
    return can_manage_competition(user, competition)


def can_read_league(user: User, competition) -> bool:
    """Unpublished periods, checks, photos and corrections."""
    return (
        can_manage_league(user, competition)
        or has_role(user, Role.LEADERSHIP)
        or assessor_seat(user, getattr(competition, "league", None)) is not None
    )


def participants_self_checked_by(user: User, league):
    """Participants whose self-checks (自查) the user enters: his enterprises' sites."""
    from jingsai.labour.models import Participant

    enterprises = organisation_ids_for(user, Role.ENTERPRISE_OFFICER)
    return Participant.objects.filter(league=league, enterprise_id__in=enterprises)


def enters_self_checks(user: User) -> bool:
    """The user's enterprises have a site in a labour competition with an open period."""
    from jingsai.labour.models import Participant

    enterprises = organisation_ids_for(user, Role.ENTERPRISE_OFFICER)
    return bool(enterprises) and (
        Participant.objects.filter(
            enterprise_id__in=enterprises, league__periods__status="open"
        ).exists()
    )


def can_read_participant(user: User, participant) -> bool:
    """The full history (checks, photos, unpublished periods) of one participant."""
    return can_read_league(user, participant.league.competition) or (
        participant.enterprise_id in organisation_ids_for(user, Role.ENTERPRISE_OFFICER)
    )


# --- certification (赛证合一) ------------------------------------------------------
# Programme admins set the rules, apply them, download and revoke certificates;
# anyone verifies a certificate by its number on the public page.


def can_manage_certification(user: User) -> bool:
    return is_programme_admin(user)


# --- skills (赛评合一) and the worker's record -----------------------------------
# An evaluating organisation (a school or training body) records evaluation results:
# its staff (co-organiser-staff grants there) for it, programme admins for any of
# them. Programme admins record and revoke any level; an evaluating body's staff
# revoke what their body recorded. A worker reads his own record (职工技能档案);
# whoever may see a worker (``workers_visible_to``) reads that worker's record.

EVALUATING_KINDS = (Organisation.Kind.TRAINING_BODY,)


def evaluators_for(user: User) -> QuerySet[Organisation]:
    """The organisations on whose behalf the user may record evaluation results."""
    bodies = Organisation.objects.filter(kind__in=EVALUATING_KINDS, is_active=True)
    if is_programme_admin(user):
        return bodies
    return bodies.filter(pk__in=organisation_ids_for(user, Role.CO_ORGANISER))


def can_record_evaluations(user: User) -> bool:
    if is_programme_admin(user):
        return True
    if not has_role(user, Role.CO_ORGANISER):
        return False
    return evaluators_for(user).exists()


def can_record_level_for(user: User, worker: Worker) -> bool:
    """Recording one level by hand on a worker's page (the worker must be visible too)."""
    return can_record_evaluations(user) and workers_visible_to(user).filter(pk=worker.pk).exists()


def can_revoke_skill_record(user: User, record) -> bool:
    """A level from a competition result follows its certificate (revoked with it), not
    revoked by hand here."""
    if record.revoked_at is not None or record.source == "competition":
        return False
    if is_programme_admin(user):
        return True
    return (
        record.evaluator_id is not None
        and record.source == "evaluation"
        and evaluators_for(user).filter(pk=record.evaluator_id).exists()
    )


def can_read_own_record(user: User) -> bool:
    """The worker's own record (职工技能档案) in the portal."""
    return has_role(user, Role.WORKER)


def can_read_worker_records(user: User) -> bool:
    """Reading other workers' records (scoped by ``workers_visible_to``)."""
    return can_browse_workers(user)


# --- training (赛训合一) -----------------------------------------------------------
# Programme admins manage every course; co-organiser staff manage the courses of
# their competitions and those their own organisation runs (a training body's staff
# hold the co-organiser role at it: there is no separate training role). An
# enterprise officer sees courses open to him (not those of draft competitions),
# enrols his enterprise's workers and sees only them; leadership reads everything.


def _managed_course_q(user: User) -> Q:
    orgs = co_organiser_org_ids(user)
    if not orgs:
        return Q(pk__in=[])
    return (
        Q(organiser_id__in=orgs)
        | Q(competition__organiser_id__in=orgs)
        | Q(competition__co_organisers__in=orgs)
    )


def courses_visible_to(user: User):
    from jingsai.training.models import Course

    if reads_everything(user):
        return Course.objects.all()
    visible = _managed_course_q(user)
    if organisation_ids_for(user, Role.ENTERPRISE_OFFICER):
        visible |= Q(competition__isnull=True) | ~Q(competition__status=Competition.Status.DRAFT)
    return Course.objects.filter(visible).distinct()


def can_browse_training(user: User) -> bool:
    return has_role(
        user, Role.PROGRAMME_ADMIN, Role.LEADERSHIP, Role.CO_ORGANISER, Role.ENTERPRISE_OFFICER
    )


def can_create_course(user: User) -> bool:
    return has_role(user, Role.PROGRAMME_ADMIN, Role.CO_ORGANISER)


def can_manage_course(user: User, course) -> bool:
    """Course details, sessions, attendance, and enrolling or cancelling anyone."""
    if is_programme_admin(user):
        return True
    orgs = co_organiser_org_ids(user)
    if not orgs:
        return False
    if course.organiser_id in orgs:
        return True
    return course.competition_id is not None and organises(user, course.competition)


def course_organisers_for(user: User) -> QuerySet[Organisation]:
    """Organisations a new course may be run by: any but enterprises for admins, the
    user's own for co-organiser staff."""
    organisations = Organisation.objects.exclude(kind=Organisation.Kind.ENTERPRISE)
    if is_programme_admin(user):
        return organisations
    return Organisation.objects.filter(pk__in=co_organiser_org_ids(user))


def competitions_for_courses(user: User):
    """Competitions a course may be tied to: every one for admins, their own for organisers."""
    if is_programme_admin(user):
        return Competition.objects.all()
    orgs = co_organiser_org_ids(user)
    return Competition.objects.filter(
        Q(organiser_id__in=orgs) | Q(co_organisers__in=orgs)
    ).distinct()


def can_enrol(user: User, course) -> bool:
    return can_manage_course(user, course) or bool(
        organisation_ids_for(user, Role.ENTERPRISE_OFFICER)
    )


def workers_enrollable_by(user: User, course) -> QuerySet[Worker]:
    """Course managers enrol anyone; an enterprise officer his enterprises' workers."""
    if can_manage_course(user, course):
        return Worker.objects.all()
    return Worker.objects.filter(
        employer_id__in=organisation_ids_for(user, Role.ENTERPRISE_OFFICER)
    )


def enrolments_visible_to(user: User, course):
    """Who is on the course (and his hours): all for managers and leadership, an officer's
    own workers for him."""
    from jingsai.training.models import Enrolment

    enrolments = Enrolment.objects.filter(course=course)
    if reads_everything(user) or can_manage_course(user, course):
        return enrolments
    return enrolments.filter(
        worker__employer_id__in=organisation_ids_for(user, Role.ENTERPRISE_OFFICER)
    )


def can_cancel_enrolment(user: User, enrolment) -> bool:
    return can_manage_course(user, enrolment.course) or enrolment.worker.employer_id in (
        organisation_ids_for(user, Role.ENTERPRISE_OFFICER)
    )


def can_take_attendance(user: User, course) -> bool:
    return can_manage_course(user, course)


# --- innovation results (成果转化) ---------------------------------------------------
# A worker records results he is an author of and sees those; an enterprise officer
# records, sees and reviews (starts review, adopts, rejects) his enterprises' results;
# the benefit is verified by the union side, independent of the enterprise: programme
# admins and co-organiser staff (who also see every result); programme admins
# recognise results and set the reward tiers; leadership reads everything.


def innovations_visible_to(user: User):
    from jingsai.innovation.models import InnovationResult

    if reads_everything(user) or has_role(user, Role.CO_ORGANISER):
        return InnovationResult.objects.all()
    visible = Q(pk__in=[])
    enterprises = organisation_ids_for(user, Role.ENTERPRISE_OFFICER)
    if enterprises:
        visible |= Q(enterprise_id__in=enterprises)
    if has_role(user, Role.WORKER):
        visible |= Q(authors__worker__user=user)
    return InnovationResult.objects.filter(visible).distinct()


def can_browse_innovations(user: User) -> bool:
    return has_role(
        user, Role.PROGRAMME_ADMIN, Role.LEADERSHIP, Role.CO_ORGANISER, Role.ENTERPRISE_OFFICER
    )


def can_record_innovation(user: User) -> bool:
    return has_role(user, Role.PROGRAMME_ADMIN, Role.ENTERPRISE_OFFICER, Role.WORKER)


def innovation_enterprises_for(user: User) -> QuerySet[Organisation]:
    """Enterprises a new result may be recorded for: any for admins, an officer's own, a
    worker's employer."""
    enterprises = Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE)
    if is_programme_admin(user):
        return enterprises
    ids = organisation_ids_for(user, Role.ENTERPRISE_OFFICER)
    ids |= set(
        Worker.objects.filter(user=user, employer__isnull=False).values_list(
            "employer_id", flat=True
        )
    )
    return enterprises.filter(pk__in=ids)


def innovation_authors_for(user: User) -> QuerySet[Worker]:
    """Workers who may be named as authors: any for admins, an officer's enterprises'
    workers, and a worker himself (with his enterprise's colleagues as co-authors)."""
    if is_programme_admin(user):
        return Worker.objects.all()
    return Worker.objects.filter(employer__in=innovation_enterprises_for(user))


def can_review_innovation(user: User, result) -> bool:
    """Start the enterprise review, adopt, reject: the result's enterprise officer, admins."""
    if is_programme_admin(user):
        return True
    return result.enterprise_id in organisation_ids_for(user, Role.ENTERPRISE_OFFICER)


def can_verify_benefit(user: User, result) -> bool:
    """The union side verifies the benefit, never the result's own enterprise."""
    if is_programme_admin(user):
        return True
    if result.enterprise_id in organisation_ids_for(user, Role.ENTERPRISE_OFFICER):
        return False
    return has_role(user, Role.CO_ORGANISER)


def can_recognise_innovation(user: User) -> bool:
    return is_programme_admin(user)


def can_change_innovation(user: User, result) -> bool:
    """Edit the details and files while the result is not yet adopted."""
    if result.status not in ("submitted", "in_review"):
        return False
    if can_review_innovation(user, result):
        return True
    return result.authors.filter(worker__user=user).exists()


def can_manage_reward_bands(user: User) -> bool:
    return is_programme_admin(user)


# --- honours (the 830 selection) ---------------------------------------------------
# Programme admins run the round (settings, reviewers, selection, committee decisions,
# notice, objections, final list, re-ratings); leadership reads everything. Enterprise
# officers and co-organiser staff nominate: an officer his enterprises' workers,
# results and the enterprise itself; co-organiser staff anyone. A nominator sees the
# nominations his organisations made, and others' only once they are on public notice.
# A reviewer sees the nominations of his category except those he is in conflict with.


def can_manage_honours(user: User) -> bool:
    return is_programme_admin(user)


def can_browse_honours(user: User) -> bool:
    return has_role(
        user, Role.PROGRAMME_ADMIN, Role.LEADERSHIP, Role.CO_ORGANISER, Role.ENTERPRISE_OFFICER
    )


def nominator_organisations_for(user: User) -> QuerySet[Organisation]:
    ids = organisation_ids_for(user, Role.ENTERPRISE_OFFICER, Role.CO_ORGANISER)
    if is_programme_admin(user):
        return Organisation.objects.exclude(kind=Organisation.Kind.ENTERPRISE) | (
            Organisation.objects.filter(pk__in=ids)
        )
    return Organisation.objects.filter(pk__in=ids)


def can_nominate(user: User) -> bool:
    return has_role(user, Role.PROGRAMME_ADMIN, Role.ENTERPRISE_OFFICER, Role.CO_ORGANISER)


def nominees_for(user: User):
    """(workers, innovation results, organisations) this user may nominate."""
    from jingsai.innovation.models import InnovationResult

    if is_programme_admin(user) or has_role(user, Role.CO_ORGANISER):
        return Worker.objects.all(), InnovationResult.objects.all(), Organisation.objects.all()
    enterprises = organisation_ids_for(user, Role.ENTERPRISE_OFFICER)
    return (
        Worker.objects.filter(employer_id__in=enterprises),
        InnovationResult.objects.filter(enterprise_id__in=enterprises),
        Organisation.objects.filter(pk__in=enterprises),
    )


def nominations_visible_to(user: User, round_=None):
    """Admins and leadership: all; nominators: their own, and those on public notice or
    final; reviewers: their categories' nominations outside their conflicts (filtered
    by :mod:`jingsai.honours.domain.review`)."""
    from jingsai.honours.models import Nomination, Round

    nominations = Nomination.objects.all()
    if round_ is not None:
        nominations = nominations.filter(round_category__round=round_)
    if reads_everything(user):
        return nominations
    visible = Q(pk__in=[])
    own = organisation_ids_for(user, Role.ENTERPRISE_OFFICER, Role.CO_ORGANISER)
    if own:
        visible |= Q(nominator_id__in=own)
        visible |= Q(
            proposed=True,
            round_category__round__stage__in=[Round.Stage.NOTICE, Round.Stage.FINAL],
        ) & ~Q(status=Nomination.Status.WITHDRAWN)
    return nominations.filter(visible)


def can_withdraw_nomination(user: User, nomination) -> bool:
    if nomination.status != "submitted":
        return False
    if is_programme_admin(user):
        return True
    return nomination.round_category.round.stage == "nomination" and (
        nomination.nominator_id
        in organisation_ids_for(user, Role.ENTERPRISE_OFFICER, Role.CO_ORGANISER)
    )


def reviewer_seats(user: User):
    from jingsai.honours.models import Reviewer

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Reviewer.objects.none()
    return Reviewer.objects.filter(user=user)


def is_honours_reviewer(user: User) -> bool:
    return reviewer_seats(user).exists()


# --- innovation results: rejection, files, the worker portal (H1) ----------------------
# Before adoption only the reviewers reject; an adopted result may also be rejected by
# the benefit verifiers (the benefit does not hold). Files change with the details, and,
# while the result is adopted and awaiting verification, by its reviewers and verifiers
# (evidence of the benefit). In the portal a worker sees the results he authored.


def can_reject_innovation(user: User, result) -> bool:
    if result.status not in ("submitted", "in_review", "adopted"):
        return False
    if can_review_innovation(user, result):
        return True
    return result.status == "adopted" and can_verify_benefit(user, result)


def can_change_innovation_files(user: User, result) -> bool:
    if can_change_innovation(user, result):
        return True
    return result.status == "adopted" and (
        can_review_innovation(user, result) or can_verify_benefit(user, result)
    )


def can_use_innovation_portal(user: User) -> bool:
    return has_role(user, Role.WORKER)


def innovations_authored_by(user: User):
    """The results the user's own worker record is an author of (the portal's list)."""
    from jingsai.innovation.models import Author, InnovationResult

    if not has_role(user, Role.WORKER):
        return InnovationResult.objects.none()
    return InnovationResult.objects.filter(
        pk__in=Author.objects.filter(worker__user=user).values("result_id")
    )


# --- honours: nominations (H2: settings, eligibility, nominations) ----------------------


def can_change_nomination(user: User, nomination) -> bool:
    """Edit a live nomination's narrative, evidence and files: admins, and the staff of
    the organisation that nominated (the nomination window is checked by the domain)."""
    if nomination.status != "submitted":
        return False
    if is_programme_admin(user):
        return True
    return nomination.nominator_id in organisation_ids_for(
        user, Role.ENTERPRISE_OFFICER, Role.CO_ORGANISER
    )


# --- honours review (H3a) ---------------------------------------------------------------
# A reviewer marks, in the portal, the nominations of his seats' categories outside his
# conflicts (jingsai.honours.domain.review); only he marks his own sheets. Programme admins
# manage reviewers and conflicts and reopen sheets; leadership reads the review progress.


def can_review_honours(user: User) -> bool:
    return is_honours_reviewer(user)


def can_read_honours_review(user: User) -> bool:
    return reads_everything(user)


# --- dashboards (leadership figures) ----------------------------------------------
# Programme admins and leadership read every figure; co-organiser staff read the
# figures of the competitions their organisations organise or co-organise; an
# enterprise officer reads his enterprises' own. Nobody else has a dashboard.


def can_read_dashboard(user: User) -> bool:
    return has_role(
        user, Role.PROGRAMME_ADMIN, Role.LEADERSHIP, Role.CO_ORGANISER, Role.ENTERPRISE_OFFICER
    )


def can_configure_dashboard(user: User) -> bool:
    """Medal points and other dashboard settings."""
    return is_programme_admin(user)


def dashboard_scope(user: User):
    """What the user's dashboard counts (see :class:`jingsai.dashboards.domain.base.Scope`)."""
    from jingsai.dashboards.domain.base import Scope

    if reads_everything(user):
        return Scope()
    orgs = co_organiser_org_ids(user)
    if orgs:
        ids = Competition.objects.filter(
            Q(organiser_id__in=orgs) | Q(co_organisers__in=orgs)
        ).values_list("pk", flat=True)
        return Scope(competition_ids=frozenset(ids))
    return Scope(enterprise_ids=frozenset(organisation_ids_for(user, Role.ENTERPRISE_OFFICER)))
