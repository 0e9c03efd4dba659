"""Demo innovation results and two 830 rounds, made through the domain services.

- Innovation results for last year and this year in every state (submitted, in
  review, adopted, verified with a reward tier, recognised, rejected); the demo
  worker is an author of one and the demo officer's enterprise has several.
- **Last year's round is final**: nominations in all 8 categories, five
  reviewers for 浦东工匠 (so the trimmed mean applies) and three elsewhere, a tie
  across the 浦东工匠 quota boundary settled by a recorded committee decision,
  a public notice with one objection upheld (the next ranked was proposed and
  noticed) and one dismissed, honours granted with honour certificates.
- **This year's round is under expert review**: the ``expert`` demo login
  reviews 浦东工匠 with half of the nominations still to mark; the demo officer
  has nominated a worker of his enterprise.

Marks are deterministic: nomination *i* of a category gets, from reviewer *r*,
``max × (0.95 − 0.01·i) + offset[r]`` per criterion, so totals fall with *i*;
two 浦东工匠 nominations share *i* = 29 to make the boundary tie.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from jingsai.catalogue.models import ProgrammeYear
from jingsai.organisations.models import Organisation
from jingsai.people.models import Role, RoleGrant, User, Worker

REVIEWERS = [
    # username, display name, organisation
    ("expert", "评审专家", "上海浦东职业技术学院"),
    ("expert2", "评审专家二", "浦东新区集成电路行业协会"),
    ("expert3", "评审专家三", "浦东新区生物医药行业协会"),
    ("expert4", "评审专家四", "浦东新区建筑业协会"),
    ("expert5", "评审专家五", "浦东新区人力资源和社会保障局"),
]
OFFSETS = [Decimal("-1"), Decimal(0), Decimal(1), Decimal("0.5"), Decimal("-0.5")]
ONE_PLACE = Decimal("0.1")

KIND_TITLES = {
    "achievement": [
        "晶圆清洗工艺改进", "数控刀具寿命监测装置", "光刻胶涂布均匀性提升", "智能巡检机器人",
        "制药洁净区节能改造", "焊接变形控制工装", "电池包气密检测装置", "冷链温控预警系统",
    ],
    "method": [
        "快速换型操作法", "精密装配五步法", "设备点检三查法", "高空作业安全操作法",
        "无菌灌装操作法", "管道焊接一次成型法", "叉车精准定位操作法", "电气柜接线标准化法",
    ],
    "suggestion": [
        "减少包装材料浪费", "优化排班降低加班", "仓储动线调整", "空压机余热回收",
        "照明分区控制", "来料检验抽样优化", "设备备件共享", "会议室预约系统",
    ],
}  # fmt: skip


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _reviewer_accounts(password: str) -> list[User]:
    """The reviewer logins (``expert`` is listed in the README; the others are not)."""
    from jingsai.people.domain import accounts as account_services

    users = []
    for index, (username, display, where) in enumerate(REVIEWERS):
        user = _user(username)
        organisation = Organisation.objects.filter(name=where).first()
        if user is None and organisation is not None:
            with transaction.atomic():
                user = account_services.create_account(
                    actor=None,
                    username=username,
                    display_name=display,
                    password=password if index == 0 else secrets.token_urlsafe(24),
                    role=Role.JUDGE,
                    organisation=organisation,
                )
                if index:  # only ``expert`` is a demo login; the others cannot sign in
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
        if user is not None:
            users.append(user)
    return users


def _enterprises_with_workers(limit: int) -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE, workers__isnull=False)
        .distinct()
        .order_by("id")[:limit]
    )


def _innovations(*, year: ProgrammeYear, rng, admin, verifier, officer_enterprise, worker, full):
    """Results of every kind; with ``full`` all but a few get a verified benefit."""
    from jingsai.innovation.domain import lifecycle

    enterprises = _enterprises_with_workers(40)
    made = []
    for kind, titles in KIND_TITLES.items():
        count = 14 if full else 8
        for i in range(count):
            enterprise = (
                officer_enterprise if i < 2 else enterprises[(i * 7 + len(made)) % len(enterprises)]
            )
            staff = list(Worker.objects.filter(employer=enterprise).order_by("id")[:3])
            authors = staff[: 1 + i % 2]
            if worker is not None and enterprise == officer_enterprise and i == 0 and not full:
                authors = [worker, *[w for w in staff if w.pk != worker.pk][:1]]
            title = titles[i % len(titles)] + (
                "" if i < len(titles) else f"（{i // len(titles) + 1}）"
            )
            result = lifecycle.record(
                actor=admin,
                kind=kind,
                title=title,
                year=year,
                enterprise=enterprise,
                description=f"{title}：在生产一线提出并实施，经企业评审采纳。",
                authors=authors,
            )
            made.append(result)
            # 0 submitted, 1 in review, 2 adopted, 3 verified, 4 rejected, 5 recognised
            step = 5 if full else i % 6
            if full and i == count - 1:
                lifecycle.reject(actor=admin, result=result, reason="与已有成果重复。")
                continue
            if step >= 1:
                lifecycle.start_review(actor=admin, result=result)
            if step == 4:
                lifecycle.reject(actor=admin, result=result, reason="效益测算依据不足。")
                continue
            if step >= 2:
                lifecycle.adopt(
                    actor=admin,
                    result=result,
                    adopted_on=dt.date(year.year, 3 + i % 6, 10),
                    note="已在车间推广应用。",
                )
            if step >= 3:
                money = Decimal(rng.choice([30_000, 80_000, 250_000, 600_000, 1_500_000]))
                lifecycle.verify_benefit(
                    actor=verifier,
                    result=result,
                    money_saved=money,
                    hours_saved=Decimal(rng.randrange(200, 4_000)),
                    quality_gain="不良率下降" if i % 2 else "",
                    evidence="财务部门年度节支核算表及使用单位证明。",
                )
            if step == 5 and (not full or i % 3 == 0):
                lifecycle.recognise(actor=admin, result=result)
    return made


def _marks(criteria, index: int, reviewer_index: int) -> dict[int, Decimal]:
    share = Decimal("0.95") - Decimal("0.01") * index
    offset = OFFSETS[reviewer_index % len(OFFSETS)]
    marks = {}
    for criterion in criteria:
        value = (criterion.max_mark * share + offset).quantize(ONE_PLACE, ROUND_HALF_UP)
        marks[criterion.pk] = min(criterion.max_mark, max(Decimal(0), value))
    return marks


def _nominate_all(
    *, round_, subjects_by_code, nominator_user, nominator, officer, officer_subjects
):
    from jingsai.honours.domain import evidence, nominations

    made = {}
    for rc in round_.categories.select_related("category"):
        made[rc.pk] = []
        for subject in subjects_by_code.get(rc.category.code, []):
            keys = [item.key for item in evidence.candidates(subject, round_)][:3]
            own = officer is not None and subject in officer_subjects.get(rc.category.code, [])
            try:
                nomination = nominations.nominate(
                    actor=officer if own else nominator_user,
                    round_category=rc,
                    subject=subject,
                    nominator=officer_subjects["_org"] if own else nominator,
                    narrative=f"{subject}：立足岗位、攻坚克难，事迹突出，示范带动作用明显。",
                    evidence_keys=keys,
                )
            except nominations.NominationRefused:
                continue  # not eligible under the defaults: the demo simply skips it
            made[rc.pk].append(nomination)
    return made


def _review(*, round_, reviewers, made, admin, tie_code=None, leave_unmarked=None):
    """Seat reviewers (5 for 浦东工匠, 3 elsewhere) and submit their marks."""
    from jingsai.honours.domain import review

    for rc in round_.categories.select_related("category"):
        count = 5 if rc.category.code == "pudong-craftsman" else 3
        seats = [
            review.add_reviewer(actor=admin, round_category=rc, user=user, name=user.display_name)
            for user in reviewers[:count]
        ]
        criteria = review.criteria_of(rc)
        for index, nomination in enumerate(made.get(rc.pk, [])):
            place = 29 if (rc.category.code == tie_code and index == 30) else index
            for r, seat in enumerate(seats):
                if review.conflict_reason(seat, nomination):
                    continue
                if rc.category.code == leave_unmarked and r == 0 and index % 2 == 1:
                    continue  # left for the ``expert`` login to mark
                review.save_marks(
                    actor=seat.user,
                    reviewer=seat,
                    nomination=nomination,
                    marks=_marks(criteria, place, r),
                    submit=True,
                )


def _subjects(*, year_value: int, rng, innovations, officer_enterprise, officer_worker, small):
    from jingsai.innovation.models import InnovationResult

    used: set[int] = set()
    verified = list(
        InnovationResult.objects.filter(
            pk__in=[r.pk for r in innovations], status__in=["verified", "recognised"]
        ).order_by("id")
    )

    def workers(queryset, n):
        picked = []
        for worker in queryset.exclude(pk__in=used).order_by("id")[: n * 3]:
            if worker.pk in used or worker.employer_id is None:
                continue
            picked.append(worker)
            used.add(worker.pk)
            if len(picked) == n:
                break
        return picked

    craftsmen = workers(Worker.objects.filter(skill_level__lte=2), 8 if small else 34)
    inventors = []
    for result in verified:
        for author in result.authors.select_related("worker"):
            if author.worker_id not in used:
                inventors.append(author.worker)
                used.add(author.worker_id)
    talents = workers(Worker.objects.filter(skill_level__lte=3), 5 if small else 10)
    by_kind = {
        kind: [r for r in verified if r.kind == kind][: 6 if small else 12]
        for kind in InnovationResult.Kind.values
    }
    bases = list(
        Organisation.objects.filter(
            kind=Organisation.Kind.ENTERPRISE, innovation_results__isnull=False
        )
        .distinct()
        .order_by("id")[: 4 if small else 8]
    )
    centres = list(
        Organisation.objects.filter(kind=Organisation.Kind.TRAINING_BODY).order_by("id")[:2]
    ) + list(
        Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE)
        .exclude(pk__in=[b.pk for b in bases])
        .order_by("-id")[: 2 if small else 4]
    )
    return {
        "pudong-craftsman": craftsmen,
        "worker-inventor": inventors[: 5 if small else 12],
        "innovation-talent": talents,
        "innovation-achievement": by_kind["achievement"],
        "operation-method": by_kind["method"],
        "rationalisation-suggestion": by_kind["suggestion"],
        "innovation-base": bases,
        "training-centre": centres,
    }


def _local(year: int, month: int, day: int, hour: int) -> dt.datetime:
    """A moment in the site's time zone (the windows are shown in local time)."""
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def _backdate(objection, start: dt.date, *, lodged: int, resolved: int) -> None:
    """The demo's objections of last year carry the days of its notice (``lodged`` and
    ``resolved`` days after ``start``), not the moment the demo ran."""
    from jingsai.honours.models import Objection

    on, done = start + dt.timedelta(days=lodged), start + dt.timedelta(days=resolved)
    Objection.objects.filter(pk=objection.pk).update(
        created_at=_local(on.year, on.month, on.day, 10),
        resolved_at=_local(done.year, done.month, done.day, 15),
    )


def ensure_demo_honours(*, year: int, seed: int = 2026, password: str) -> int:
    """Both rounds, once. Returns the number of nominations made."""
    from jingsai.honours.domain import final, notice, rounds, selection, stages
    from jingsai.honours.models import Nomination, Objection, Round
    from jingsai.innovation.domain import bands
    from jingsai.presets import pudong

    current = ProgrammeYear.objects.filter(year=year).first()
    if current is None or Round.objects.filter(year=current).exists():
        return 0
    admin, co, officer_user, worker_user = (
        _user(name) for name in ("admin", "coorganiser", "officer", "worker")
    )
    if admin is None or co is None:
        return 0
    rng = random.Random(seed)
    reviewers = _reviewer_accounts(password)
    if len(reviewers) < 5:
        return 0
    pudong.apply(year=year - 1)
    past = ProgrammeYear.objects.get(year=year - 1)
    bands.ensure_default_bands(actor=admin)
    officer_grant = RoleGrant.objects.filter(
        user=officer_user, role=Role.ENTERPRISE_OFFICER
    ).first()
    officer_enterprise = (
        officer_grant.organisation if officer_grant else _enterprises_with_workers(1)[0]
    )
    the_worker = Worker.objects.filter(user=worker_user).first() if worker_user else None
    nominator = RoleGrant.objects.filter(user=co, role=Role.CO_ORGANISER).first().organisation

    # last year: a full round, final
    past_results = _innovations(
        year=past, rng=rng, admin=admin, verifier=co, officer_enterprise=officer_enterprise,
        worker=the_worker, full=True,
    )  # fmt: skip
    round_past = rounds.ensure_round(actor=admin, year=past)
    subjects = _subjects(
        year_value=past.year, rng=rng, innovations=past_results,
        officer_enterprise=officer_enterprise, officer_worker=the_worker, small=False,
    )  # fmt: skip
    made = _nominate_all(
        round_=round_past, subjects_by_code=subjects, nominator_user=co, nominator=nominator,
        officer=None, officer_subjects={},
    )  # fmt: skip
    stages.move(actor=admin, round_=round_past, to=Round.Stage.REVIEW)
    _review(round_=round_past, reviewers=reviewers, made=made, admin=admin,
            tie_code="pudong-craftsman")  # fmt: skip
    stages.move(actor=admin, round_=round_past, to=Round.Stage.SELECTION)
    for rc in round_past.categories.all():
        selection.propose(actor=admin, round_category=rc)
        tie = selection.undecided_tie(rc)
        if tie is not None:
            tied = sorted(tie.tied)
            selection.record_tie_decision(
                actor=admin,
                round_category=rc,
                chosen_ids=tied[: tie.places],
                reason="评审委员会会议表决：两人总分相同，按技能等级和近三年竞赛成绩择优。",
            )
    notice_start = dt.date(past.year, 11, 3)
    stages.move(actor=admin, round_=round_past, to=Round.Stage.NOTICE, today=notice_start)
    proposed = list(
        Nomination.objects.filter(round_category__round=round_past, proposed=True)
        .select_related("round_category__category")
        .order_by("round_category__category__order", "rank", "id")
    )
    if len(proposed) >= 2:
        upheld = notice.lodge_objection(
            proposed[0], "该同志所报竞赛成绩与实际不符，请核实。", address="demo-1",
            today=notice_start + dt.timedelta(days=1),
        )  # fmt: skip
        notice.resolve_objection(
            actor=admin, objection=upheld, uphold=True,
            reason="经核实，所报成绩有误，取消提名，依次递补。",
            today=notice_start + dt.timedelta(days=3),
        )  # fmt: skip
        _backdate(upheld, notice_start, lodged=1, resolved=3)
        dismissed = notice.lodge_objection(
            proposed[1], "该同志平时工作表现一般。", address="demo-2",
            today=notice_start + dt.timedelta(days=2),
        )  # fmt: skip
        notice.resolve_objection(
            actor=admin, objection=dismissed, uphold=False,
            reason="经调查，反映内容无具体事实依据，不予采纳。",
            today=notice_start + dt.timedelta(days=4),
        )  # fmt: skip
        _backdate(dismissed, notice_start, lodged=2, resolved=4)
    for rc in round_past.categories.all():  # a promotion into a tie needs a decision too
        tie = selection.undecided_tie(rc)
        if tie is not None:
            selection.record_tie_decision(
                actor=admin, round_category=rc, chosen_ids=sorted(tie.tied)[: tie.places],
                reason="评审委员会会议表决递补人选。", today=notice_start + dt.timedelta(days=3),
            )  # fmt: skip
    final.finalise(actor=admin, round_=round_past, today=dt.date(past.year, 11, 25))
    count = Nomination.objects.filter(round_category__round=round_past).count()

    # this year: nominations made, under expert review
    current_results = _innovations(
        year=current, rng=rng, admin=admin, verifier=co, officer_enterprise=officer_enterprise,
        worker=the_worker, full=False,
    )  # fmt: skip
    round_now = rounds.ensure_round(actor=admin, year=current)
    subjects = _subjects(
        year_value=current.year, rng=rng, innovations=current_results + past_results[:0],
        officer_enterprise=officer_enterprise, officer_worker=the_worker, small=True,
    )  # fmt: skip
    own = list(
        Worker.objects.filter(employer=officer_enterprise, skill_level__lte=2)
        .exclude(nominations__round_category__round=round_now)
        .order_by("id")[:1]
    )
    if own:
        subjects["pudong-craftsman"] = own + [
            w for w in subjects["pudong-craftsman"] if w.pk != own[0].pk
        ]
    made = _nominate_all(
        round_=round_now, subjects_by_code=subjects, nominator_user=co, nominator=nominator,
        officer=officer_user if officer_grant else None,
        officer_subjects={"pudong-craftsman": own, "_org": officer_enterprise},
    )  # fmt: skip
    stages.move(actor=admin, round_=round_now, to=Round.Stage.REVIEW)
    _review(round_=round_now, reviewers=reviewers, made=made, admin=admin,
            leave_unmarked="pudong-craftsman")  # fmt: skip
    # the nomination windows in local time, in each round's own year (moving the stage
    # stamped them with the moment the demo ran)
    Round.objects.filter(pk=round_past.pk).update(
        nomination_opens=_local(past.year, 9, 1, 9),
        nomination_closes=_local(past.year, 10, 31, 17),
        finalised_at=_local(past.year, 11, 25, 10),
    )
    closes = min(_local(current.year, 10, 31, 17), timezone.now() - dt.timedelta(hours=1))
    Round.objects.filter(pk=round_now.pk).update(
        nomination_opens=min(_local(current.year, 9, 1, 9), closes - dt.timedelta(days=30)),
        nomination_closes=closes,
    )
    count += Nomination.objects.filter(round_category__round=round_now).count()
    assert not Objection.objects.filter(status=Objection.Status.OPEN).exists()
    return count
