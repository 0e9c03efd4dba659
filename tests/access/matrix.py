"""The permission matrix's world: every kind of object the URLs name, twice.

"Ours" is the scope of the signed-in test users: our enterprise (the officer's and the
worker's), the competitions our co-organiser co-organises, the panel our judge sits
on (as chief judge), the labour league he assesses, the honours category our reviewer
reviews. "Theirs" is a mirror image the same users may not reach: another enterprise,
competitions of another co-organiser, another panel, another league, another category.
Programme admins and leadership reach both.

Built once per test module through the ORM (and a few domain services), kept in an
outer transaction that is rolled back when the module ends.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from jingsai.api import tokens
from jingsai.catalogue.models import Brand, HonourCategory, ProgrammeYear, Series
from jingsai.certification.models import Certificate, CertificationRule
from jingsai.competitions.domain.services import create_competition
from jingsai.competitions.models import Attachment, Competition, Entry, EntryMember
from jingsai.honours.domain.rounds import ensure_round
from jingsai.honours.models import (
    Honour,
    Nomination,
    NominationFile,
    Objection,
    Rerating,
    ReviewCriterion,
    Reviewer,
    ReviewSheet,
    Round,
    RoundCategory,
)
from jingsai.innovation.models import Author, InnovationResult, ResultFile, RewardBand
from jingsai.judging.domain import panel
from jingsai.judging.models import (
    Appeal,
    Assignment,
    Criterion,
    Judging,
    Result,
    Sheet,
    Stage,
)
from jingsai.labour.domain import services as labour
from jingsai.labour.models import (
    Assessor,
    AssessorConflict,
    Block,
    Bonus,
    BonusItem,
    Check,
    Indicator,
    Period,
    Photo,
    Veto,
    VetoItem,
)
from jingsai.organisations.models import Organisation
from jingsai.people.models import Role, RoleGrant
from jingsai.presets import pudong
from jingsai.skills.models import SkillRecord
from jingsai.training.models import Course, Enrolment, Session
from jingsai.worldskills.models import Scheme
from tests.factories import OrganisationFactory, WorkerFactory, make_user

# the signed-in roles, then the anonymous visitor
ROLES = ["admin", "leader", "coorganiser", "officer", "judge", "worker", "reviewer", "nobody"]
ALL_ROLES = [*ROLES, "anon"]
VARIANTS = ["ours", "theirs"]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Scenario:
    users: dict = field(default_factory=dict)
    ours: dict = field(default_factory=dict)
    theirs: dict = field(default_factory=dict)
    secrets: dict = field(default_factory=dict)  # API token secrets per role
    clients: dict = field(default_factory=dict)  # signed-in page clients per role

    def side(self, variant: str) -> dict:
        return self.ours if variant == "ours" else self.theirs


def _competition(title, organiser, co_organiser, status, year, **extra):
    competition = create_competition(
        actor=None,
        year=year,
        title=title,
        series=Series.objects.get(code="hard-core-industries"),
        organiser=organiser,
        registration_opens=timezone.now() - dt.timedelta(days=1),
        registration_closes=timezone.now() + dt.timedelta(days=10),
        co_organisers=[co_organiser],
        **extra,
    )
    Competition.objects.filter(pk=competition.pk).update(status=status)
    competition.refresh_from_db()
    return competition


def _entry(competition, enterprise, number, worker):
    entry = Entry.objects.create(
        competition=competition, enterprise=enterprise, status=Entry.Status.APPROVED, number=number
    )
    EntryMember.objects.create(entry=entry, competition=competition, worker=worker)
    return entry


def _skill_competition(s: dict, tag: str, co_org, enterprise, worker, judge_user, year, union):
    """A skill competition being judged: scheme, panel (the judge user as chief), the
    worker's approved entry with a submitted sheet, a result, an appeal, certificates."""
    comp = _competition(f"数控车工技能竞赛{tag}", union, co_org, Competition.Status.JUDGING, year)
    Judging.objects.create(competition=comp, awards="一等奖:50%")
    stage = Stage.objects.create(
        competition=comp, code="practical", name="实操", weight=Decimal(100), order=1
    )
    criterion = Criterion.objects.create(
        competition=comp, stage=stage, code="P1", name="实操", max_mark=Decimal(50), order=1
    )
    entry = _entry(comp, enterprise, f"{tag}-01", worker)
    seat = panel.add_judge(
        actor=None, competition=comp, code="J1", name=f"裁判{tag}", user=judge_user, is_chief=True
    )
    panel.assign_many(actor=None, judges=[seat], entries=[entry])
    sheet = Sheet.objects.create(
        competition=comp, judge=seat, entry=entry, status=Sheet.Status.SUBMITTED
    )
    Result.objects.create(
        competition=comp, entry=entry, rank=1, total=Decimal("90"), award="一等奖", position=1
    )
    appeal = Appeal.objects.create(
        competition=comp, entry=entry, lodged_by=judge_user, grounds="计分有误"
    )
    attachment = Attachment(competition=comp, title="竞赛规程", content_type="application/pdf")
    attachment.file.save("rules.pdf", ContentFile(PDF), save=False)
    attachment.size = len(PDF)
    attachment.save()
    rule = CertificationRule.objects.create(
        competition=comp, condition="rank", max_rank=3, title="技能证书", issuer=union
    )
    certificate = Certificate.objects.create(
        number=f"JS2026-{tag}-0001",
        competition=comp,
        entry=entry,
        worker=worker,
        rule=rule,
        title="技能证书",
        issued_on=dt.date(2026, 5, 1),
        issuer=union,
        basis="result",
    )
    s.update(
        competition=comp,
        code=comp.code,
        entry=entry,
        stage=stage,
        criterion=criterion,
        judge=seat,
        sheet=sheet,
        appeal=appeal,
        attachment=attachment,
        rule=rule,
        certificate=certificate,
        number=certificate.number,
        level=comp.levels.order_by("order").first(),
    )
    s["assignment"] = Assignment.objects.get(competition=comp, judge=seat, entry=entry)
    # a paper sheet typed in by staff for a second judge, awaiting its check
    clerk = panel.add_judge(actor=None, competition=comp, code="J2", name=f"纸质{tag}")
    s["paper_sheet"] = Sheet.objects.create(
        competition=comp,
        judge=clerk,
        entry=entry,
        status=Sheet.Status.SUBMITTED,
        source=Sheet.Source.STAFF,
    )
    # registration pages need a competition open for registration
    s["open_competition"] = _competition(
        f"焊工技能竞赛{tag}", union, co_org, Competition.Status.OPEN, year
    )


def _league(s: dict, tag: str, co_org, enterprise, assessor_user, year, union):
    comp = _competition(
        f"金色中环劳动竞赛{tag}",
        union,
        co_org,
        Competition.Status.JUDGING,
        year,
        kind=Competition.Kind.LABOUR,
        participants=Competition.Participants.PROJECT_SITES,
    )
    league = labour.league_of(comp)
    indicator = Indicator.objects.create(
        league=league, code="safety", name="安全", maximum=100, weight=100, order=1
    )
    block = Block.objects.create(league=league, name="前滩", order=1)
    participant = labour.add_participant(
        league, actor=None, name=f"项目{tag}", enterprise=enterprise, block=block
    )
    other_site = labour.add_participant(
        league,
        actor=None,
        name=f"项目{tag}2",
        enterprise=OrganisationFactory(name=f"上海{tag}建设有限公司"),
        block=block,
    )
    assessor = Assessor.objects.create(
        league=league, user=assessor_user, name=f"抽查员{tag}", kind="spot", is_lead=True
    )
    conflict = AssessorConflict.objects.create(
        assessor=assessor, participant=other_site, reason="本单位"
    )
    period = Period.objects.create(
        league=league,
        code="2026-01",
        name="2026年1月",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 1, 28),
    )
    check = Check.objects.create(
        period=period, participant=participant, kind="spot", assessor=assessor, status="submitted"
    )
    photo = Photo(check_ref=check, kind="png", size=len(PNG), uploaded_by=assessor_user)
    photo.file.save("site.png", ContentFile(PNG), save=False)
    photo.save()
    bonus_item = BonusItem.objects.create(league=league, code="award", name="获奖")
    veto_item = VetoItem.objects.create(league=league, code="accident", name="重大安全事故")
    bonus = Bonus.objects.create(
        period=period, participant=participant, item=bonus_item, points=Decimal(1), reason="获奖"
    )
    veto = Veto.objects.create(
        period=period, participant=participant, item=veto_item, reason="事故"
    )
    s.update(
        league_competition=comp,
        league_code=comp.code,
        participant=participant,
        period=period,
        check=check,
        photo=photo,
        bonus=bonus,
        veto=veto,
        assessor=assessor,
        conflict=conflict,
        indicator=indicator,
    )


def build(media_root: Path) -> Scenario:
    """The world of the matrix (call inside a transaction that is rolled back)."""
    pudong.apply(year=2026)
    sc = Scenario()
    ours, theirs = sc.ours, sc.theirs
    year = ProgrammeYear.objects.get(year=2026)
    year_before = ProgrammeYear.objects.create(year=2025, title="2025 年度")
    union = Organisation.objects.get(kind=Organisation.Kind.UNION)
    gov = OrganisationFactory(
        name="浦东新区科技和经济委员会", kind=Organisation.Kind.GOVERNMENT, credit_code=None
    )
    other_co = OrganisationFactory(
        name="浦东新区建设和交通委员会", kind=Organisation.Kind.GOVERNMENT, credit_code=None
    )
    training = OrganisationFactory(
        name="浦东新区职工实训中心", kind=Organisation.Kind.TRAINING_BODY, credit_code=None
    )
    other_training = OrganisationFactory(
        name="浦东新区技师学院", kind=Organisation.Kind.TRAINING_BODY, credit_code=None
    )
    our_enterprise = OrganisationFactory(name="上海甲芯片有限公司")
    their_enterprise = OrganisationFactory(name="上海乙医药有限公司")
    our_worker = WorkerFactory(employer=our_enterprise, name="张三丰")
    their_worker = WorkerFactory(employer=their_enterprise, name="李四")
    users = sc.users
    users.update(
        admin=make_user("admin", Role.PROGRAMME_ADMIN, union),
        leader=make_user("leader", Role.LEADERSHIP, gov),
        coorganiser=make_user("coorganiser", Role.CO_ORGANISER, gov),
        officer=make_user("officer", Role.ENTERPRISE_OFFICER, our_enterprise),
        judge=make_user("judge", Role.JUDGE, training),
        worker=make_user("worker", Role.WORKER, our_enterprise),
        reviewer=make_user("reviewer"),
        nobody=make_user("nobody"),
    )
    # the mirror image's people: they hold the seats and grants on the other side
    other = {
        "coorganiser": make_user("their-coorganiser", Role.CO_ORGANISER, other_co),
        "officer": make_user("their-officer", Role.ENTERPRISE_OFFICER, their_enterprise),
        "judge": make_user("their-judge", Role.JUDGE, other_training),
        "worker": make_user("their-worker", Role.WORKER, their_enterprise),
        "reviewer": make_user("their-reviewer"),
    }
    our_worker.user = users["worker"]
    our_worker.save()
    their_worker.user = other["worker"]
    their_worker.save()

    for s, enterprise, worker, co_org, judge_user, tag, body in (
        (ours, our_enterprise, our_worker, gov, users["judge"], "A", training),
        (theirs, their_enterprise, their_worker, other_co, other["judge"], "B", other_training),
    ):
        s.update(organisation=enterprise, worker=worker, year=2026, training_body=body)
        # a worker with no history, whom a programme admin may delete
        s["spare_worker"] = WorkerFactory(employer=enterprise, name=f"赵{tag}")
        _skill_competition(s, tag, co_org, enterprise, worker, judge_user, year, union)
        _league(s, tag, co_org, enterprise, judge_user, year, union)
        ws = _competition(f"网站技术世赛选拔{tag}", union, co_org, Competition.Status.JUDGING, year)
        Scheme.objects.create(competition=ws, title="Web Technologies")
        s.update(ws_competition=ws)
        # training: a course tied to the competition, a session, the worker enrolled
        course = Course.objects.create(
            title=f"数控车工赛前培训{tag}",
            year=2026,
            competition=s["competition"],
            organiser=body,
            capacity=10,
        )
        session = Session.objects.create(
            course=course,
            date=dt.date(2026, 3, 1),
            starts_at=dt.time(9),
            ends_at=dt.time(12),
            hours=Decimal(3),
        )
        enrolment = Enrolment.objects.create(course=course, worker=worker)
        s.update(course=course, session=session, enrolment=enrolment)
        # innovation: a result of the enterprise, the worker its author, a file
        result = InnovationResult.objects.create(
            kind=InnovationResult.Kind.ACHIEVEMENT,
            title=f"数控刀具寿命提升方法{tag}",
            year=year,
            enterprise=enterprise,
            description="改进刀具冷却方式。",
        )
        Author.objects.create(result=result, worker=worker, order=1)
        result_file = ResultFile(result=result, title="说明", content_type="application/pdf")
        result_file.file.save("note.pdf", ContentFile(PDF), save=False)
        result_file.size = len(PDF)
        result_file.save()
        s.update(innovation=result, innovation_file=result_file)
        # results further along, for the review, verification and recognition steps
        for status in ("in_review", "adopted", "verified"):
            later = InnovationResult.objects.create(
                kind=InnovationResult.Kind.ACHIEVEMENT,
                title=f"数控夹具改进{tag}{status}",
                year=year,
                enterprise=enterprise,
                description="改进夹具。",
                status=status,
                adopted_on=dt.date(2026, 3, 1) if status != "in_review" else None,
                money_saved=Decimal(200_000) if status == "verified" else None,
                verified_at=timezone.now() if status == "verified" else None,
            )
            Author.objects.create(result=later, worker=worker, order=1)
            s[f"innovation_{status}"] = later
        # skills: an evaluation recorded by the training body
        s["skill_record"] = SkillRecord.objects.create(
            worker=worker,
            level=3,
            trade="电工",
            awarded_on=dt.date(2026, 4, 1),
            source=SkillRecord.Source.EVALUATION,
            evaluator=body,
        )
    ours["band"], theirs["band"] = (
        RewardBand.objects.create(name="一等", min_money=Decimal(1_000_000), order=1),
        RewardBand.objects.create(name="二等", min_money=Decimal(100_000), order=2),
    )

    # honours: a round at the review stage each (ours 2026, theirs 2025), a people
    # category each
    people = list(
        HonourCategory.objects.filter(kind=HonourCategory.Kind.PEOPLE).order_by("order", "id")
    )
    for s, round_year, category, worker, reviewer_user, tag in (
        (ours, year, people[0], our_worker, users["reviewer"], "A"),
        (theirs, year_before, people[1], their_worker, other["reviewer"], "B"),
    ):
        round_ = ensure_round(actor=None, year=round_year)
        Round.objects.filter(pk=round_.pk).update(stage=Round.Stage.REVIEW)
        s["year"] = round_year.year
        rc = RoundCategory.objects.get(round=round_, category=category)
        nomination = Nomination.objects.create(
            round_category=rc,
            worker=worker,
            nominator=worker.employer,
            narrative="扎根一线二十年。",
            eligible=True,
            proposed=True,
        )
        nomination_file = NominationFile(
            nomination=nomination, title="事迹", content_type="application/pdf"
        )
        nomination_file.file.save("story.pdf", ContentFile(PDF), save=False)
        nomination_file.size = len(PDF)
        nomination_file.save()
        reviewer = Reviewer.objects.create(round_category=rc, user=reviewer_user, name=f"专家{tag}")
        sheet = ReviewSheet.objects.create(
            reviewer=reviewer, nomination=nomination, submitted_at=timezone.now()
        )
        objection = Objection.objects.create(nomination=nomination, grounds="事迹不实")
        honour = Honour.objects.create(
            round=round_,
            category=category,
            nomination=nomination,
            worker=worker,
            title=f"{category.name}",
            granted_on=dt.date(2025, 12, 1),
        )
        rerating = Rerating.objects.create(honour=honour, due_on=dt.date(2027, 12, 1))
        honour_certificate = Certificate.objects.create(
            number=f"RY2026-{tag}-0001",
            worker=worker,
            honour=honour,
            title=category.name,
            issued_on=dt.date(2025, 12, 1),
            issuer=union,
            basis="honour",
        )
        s.update(
            round=round_,
            round_category=rc,
            review_criterion=ReviewCriterion.objects.filter(round_category=rc).first(),
            nomination=nomination,
            nomination_file=nomination_file,
            reviewer=reviewer,
            review_sheet=sheet,
            objection=objection,
            honour=honour,
            rerating=rerating,
            honour_certificate=honour_certificate,
        )
    # objects that only programme admins handle: ours and theirs are simply two of them
    ours["account"], theirs["account"] = users["officer"], other["officer"]
    ours["grant"] = RoleGrant.objects.get(user=users["officer"])
    theirs["grant"] = RoleGrant.objects.get(user=other["officer"])
    ours["brand"], theirs["brand"] = Brand.objects.order_by("id")[:2]
    ours["programme_year"], theirs["programme_year"] = year, year_before

    # API tokens: each user's own ("ours"), and a stranger's ("theirs")
    for role, user in users.items():
        token, secret = tokens.create_token(actor=user, name="matrix")
        sc.secrets[role] = secret
        ours.setdefault("api_token", {})[role] = token
    theirs["api_token"], _secret = tokens.create_token(actor=other["officer"], name="matrix")
    # import reports: a kept report named in the user's session ("ours"), another's ("theirs")
    reports = Path(media_root) / "import-reports"
    reports.mkdir(parents=True, exist_ok=True)
    for variant in ("ours", "theirs"):
        token = uuid.uuid4().hex
        (reports / f"{token}.xlsx").write_bytes(b"PK\x03\x04 report")
        sc.side(variant)["report_token"] = token
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        session = client.session
        session["import_reports"] = [ours["report_token"]]
        session.save()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        sc.clients[role] = client
    anon = Client()
    anon.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sc.clients["anon"] = anon
    sc.other_users = other
    return sc


# --- sample paths ---------------------------------------------------------------------

# What ``pk`` names, by the start of the route (the first match wins).
PK_BY_PREFIX = [
    ("office/innovation/<int:pk>/adopt/", "innovation_in_review"),
    ("office/innovation/<int:pk>/verify/", "innovation_adopted"),
    ("office/innovation/<int:pk>/recognise/", "innovation_verified"),
    ("office/workers/<int:pk>/delete/", "spare_worker"),
    ("office/competitions/<int:pk>/register/", "open_competition"),
    ("office/competitions/<int:pk>/roster/", "open_competition"),
    ("office/competitions/<int:pk>/league/", "league_competition"),
    ("office/competitions/<int:pk>/worldskills/", "ws_competition"),
    ("office/competitions/", "competition"),
    ("office/accounts/", "account"),
    ("office/catalogue/brands/", "brand"),
    ("office/catalogue/years/", "programme_year"),
    ("office/honours/categories/", "round_category"),
    ("office/honours/nominations/", "nomination"),
    ("office/honours/review/", "round_category"),
    ("office/honours/rounds/", "round"),
    ("office/honours/selection/", "round"),
    ("office/innovation/", "innovation"),
    ("office/organisations/", "organisation"),
    ("office/skills/workers/", "worker"),
    ("office/skills/records/", "skill_record"),
    ("office/training/", "course"),
    ("office/workers/", "worker"),
    ("home/tokens/", "api_token"),
    ("home/assessments/", "league_competition"),
    ("home/innovations/", "innovation"),
    ("home/judging/", "competition"),
    ("honours/", "nomination"),
    ("competitions/<slug:code>/attachments/", "attachment"),
    ("competitions/<slug:code>/league/", "participant"),
]
# Other parameters: by name, unless the route's start says otherwise.
PARAM_BY_PREFIX = {
    ("api/v1/competitions/<int:competition_id>/entries/bulk", "competition_id"): "open_competition",
    ("office/competitions/<int:pk>/marking/paper/", "sheet_pk"): "paper_sheet",
    ("office/honours/selection/", "cert_pk"): "honour_certificate",
    ("office/honours/categories/", "criterion_pk"): "review_criterion",
    ("office/honours/nominations/", "file_pk"): "nomination_file",
    ("home/reviews/", "file_pk"): "nomination_file",
    ("office/honours/review/", "sheet_pk"): "review_sheet",
    ("competitions/<slug:code>/league/", "code"): "league_code",
}
PARAMS = {
    "attachment_pk": "attachment",
    "cert_pk": "certificate",
    "rule_pk": "rule",
    "year_pk": "programme_year",
    "entry_pk": "entry",
    "grant_pk": "grant",
    "criterion_pk": "criterion",
    "subject_pk": "worker",
    "file_pk": "innovation_file",
    "reviewer_pk": "reviewer",
    "nomination_pk": "nomination",
    "sheet_pk": "sheet",
    "rc_pk": "round_category",
    "rerating_pk": "rerating",
    "honour_pk": "honour",
    "objection_pk": "objection",
    "band_pk": "band",
    "judge_pk": "judge",
    "stage_pk": "stage",
    "assignment_pk": "assignment",
    "assessor_pk": "assessor",
    "period_pk": "period",
    "bonus_pk": "bonus",
    "veto_pk": "veto",
    "check_pk": "check",
    "conflict_pk": "conflict",
    "token": "report_token",
    "participant_pk": "participant",
    "photo_pk": "photo",
    "item_pk": "indicator",
    "level_pk": "level",
    "appeal_pk": "appeal",
    "session_pk": "session",
    "enrolment_pk": "enrolment",
    "seat_pk": "reviewer",
    "code": "code",
    "year": "year",
    "number": "number",
    # the open API
    "competition_id": "competition",
    "entry_id": "entry",
    "organisation_id": "organisation",
    "worker_id": "worker",
    "result_id": "innovation",
    "nomination_id": "nomination",
    "course_id": "course",
    "session_id": "session",
}
FIXED = {"kind": "indicator"}  # the league scheme's kinds of items

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def param_key(route: str, name: str) -> str:
    if name == "pk":
        for prefix, key in PK_BY_PREFIX:
            if route.startswith(prefix):
                return key
        raise KeyError(f"no sample object for pk in {route}")
    for (prefix, param), key in PARAM_BY_PREFIX.items():
        if param == name and route.startswith(prefix):
            return key
    return PARAMS[name]


def value_of(obj, role: str):
    if isinstance(obj, dict):  # one per user (API tokens)
        obj = obj.get(role, obj["admin"])
    return getattr(obj, "pk", obj)


def sample_path(route: str, scenario: Scenario, variant: str, role: str) -> str:
    side = scenario.side(variant)

    def fill(match):
        name = match.group(2)
        if name in FIXED:
            return FIXED[name]
        return str(value_of(side[param_key(route, name)], role))

    return "/" + _PARAM.sub(fill, route)


# --- asking ---------------------------------------------------------------------------

# Query strings some pages need to answer at all (what they show is tested elsewhere).
QUERY = {
    "backoffice:dashboard_drill": "?year=2026&key=participation:workers:all",
    "backoffice:dashboard_drill_export": "?year=2026&key=participation:workers:all",
}
# Forms that would be refused for what they say, not who sends them, when empty (the
# open API checks a body's shape before its view runs): what is sent instead.
POST_DATA = {
    "backoffice:competition_move": lambda sc: {"to": "public_notice"},
    "backoffice:entry_detail": lambda sc: {"action": "approve"},
    "backoffice:honours_round_create": lambda sc: {"year": sc.theirs["programme_year"].pk},
    "api:entry_bulk_create": lambda sc: {"rows": [{"name": "王五", "id_number": "1"}]},
    "api:judge_sheet_draft": lambda sc: {"marks": {}},
    "api:attendance_record": lambda sc: {
        "records": [{"worker_id": sc.ours["worker"].pk, "present": True}]
    },
}
# Signing out ends the session: those requests get a client of their own.
OWN_CLIENT = {"public:logout"}


def client_for(sc: Scenario, name: str, role: str) -> Client:
    if name in OWN_CLIENT and role != "anon":
        client = Client()
        client.force_login(sc.users[role])
        return client
    return sc.clients[role]


def ask(sc: Scenario, name: str, route: str, method: str, role: str, variant: str):
    """The answer to ``method`` on the sample path: a status code, ``"login"`` for a
    redirect to the sign-in page, or ``"redirect"`` for any other redirect."""
    path = sample_path(route, sc, variant, role) + QUERY.get(name, "")
    client = client_for(sc, name, role)
    headers = {}
    if route.startswith("api/") and role != "anon":
        headers["Authorization"] = f"Bearer {sc.secrets[role]}"
    if method == "GET":
        response = client.get(path, headers=headers)
    else:
        data = POST_DATA[name](sc) if name in POST_DATA else {}
        if route.startswith("api/"):
            send = client.put if method == "PUT" else client.post
            response = send(path, data, content_type="application/json", headers=headers)
        else:
            response = client.post(path, data, headers=headers)
    if response.status_code == 302:
        return "login" if response["Location"].startswith("/login/") else "redirect"
    return response.status_code


def table_counts() -> tuple:
    """Row counts of every table of ours and the audit trail, in one query."""
    from django.apps import apps
    from django.db import connection

    tables = sorted(
        m._meta.db_table
        for m in apps.get_models()
        if m.__module__.startswith("jingsai") and not m._meta.proxy and m._meta.managed
    )
    quote = connection.ops.quote_name
    # names from the models' own metadata, quoted: nothing from outside goes in
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(zip(tables, cursor.fetchone(), strict=True))
