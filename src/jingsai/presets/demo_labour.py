"""The demo labour competition: the Golden Middle Ring (金色中环, series 3) league.

Project sites of the 前滩, 张江 and 金桥 blocks (165 by default), built by demo
enterprises, assessed every month of the demo year on six weighted indicators
by self-checks, mutual checks (an assessor from another builder) and spot checks
(two of the organiser's inspection team), with a few bonuses and vetoes. The
months before the current one are confirmed and published, so a new user sees a
living league with rankings, red flags and standings; the current month is open,
with checks still to enter: the demo ``judge`` holds a spot-assessor seat (his
checks of the month are not done) and the demo ``officer``'s enterprise builds
sites whose self-checks of the month are still to be made.

Sites, checks and marks are bulk demo rows (tens of thousands of marks): like the
demo enterprises and workers they are written with ``bulk_create`` and recorded
in the audit trail once per kind of row, not one by one. The scheme itself is set
up through the audited services.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from jingsai.organisations.models import Organisation
from jingsai.people.models import Role, RoleGrant, User

LABOUR_TITLE = "金色中环重大工程劳动竞赛（月度考核）"
BLOCKS = ["前滩", "张江", "金桥"]
SITES = 165
INDICATORS = [
    # code, name, weight (%), what is checked
    ("safety", "安全", 25, "安全管理体系、临边洞口防护、脚手架与起重机械、用电与消防"),
    ("quality", "质量", 25, "实体质量、质量资料、样板引路、质量通病防治"),
    ("progress", "进度", 20, "节点计划完成率、形象进度、资源投入"),
    ("civilised", "文明施工", 15, "围挡与场容场貌、扬尘与噪声控制、生活区管理"),
    ("innovation", "技术创新", 10, "新技术应用、BIM 应用、工法与 QC 成果"),
    ("energy", "节能降耗", 5, "绿色施工、能耗与材料节约、建筑垃圾资源化"),
]
BONUS_ITEMS = [("award", "获奖", Decimal(3)), ("adopted", "创新成果采纳", Decimal(2))]
BONUS_CAP = Decimal(5)
VETO_ITEM = ("accident", "重大安全事故")
KIND_WEIGHTS = (Decimal(20), Decimal(30), Decimal(50))
FLAGS_PER_BLOCK = 3

STREETS = {
    "前滩": ["东育路", "海阳西路", "耀体路", "晴朗路", "前滩大道", "企荣路", "林耀路"],
    "张江": ["科苑路", "祖冲之路", "高斯路", "哈雷路", "川和路", "张衡路", "郭守敬路"],
    "金桥": ["金海路", "新金桥路", "金穗路", "宁桥路", "云桥路", "金港路", "桂桥路"],
}
PLOT_PREFIX = {"前滩": "前滩", "张江": "张江科学城", "金桥": "金桥"}
PROJECT_KINDS = [
    "商办项目", "住宅项目", "研发办公楼项目", "商业综合体项目", "保障性租赁住房项目",
    "人才公寓项目", "产业园项目", "学校新建工程", "医院新建工程", "地下空间开发项目",
    "综合管廊工程", "超高层办公楼项目", "科创中心项目", "文化体育中心项目",
]  # fmt: skip
ROAD_WORKS = ["道路新建工程", "道路改建工程", "桥梁新建工程", "排水系统改造工程"]
SPOT_TEAM = [("周卫东", True), ("吴海燕", False), ("郑国强", False)]
FINDINGS = [
    "临边防护到位，安全标识齐全。",
    "个别脚手架连墙件缺失，已要求当日整改。",
    "现场扬尘控制措施落实，雾炮运行正常。",
    "材料堆放较乱，已责令限期整改。",
    "质量样板区设置规范，实测实量数据完整。",
    "塔吊司机持证上岗，安全交底记录齐全。",
    "生活区消防器材过期，已要求更换。",
    "BIM 模型与现场进度同步，管线综合效果好。",
    "节点计划滞后约一周，项目部已提交赶工措施。",
]
BONUS_REASONS = {
    "award": [
        "荣获上海市建设工程“白玉兰”奖（市优质工程）",
        "荣获上海市文明工地称号",
        "QC 成果获上海市工程建设优秀 QC 小组一等奖",
        "荣获全国建设工程项目施工安全生产标准化工地",
    ],
    "adopted": [
        "“装配式叠合板快速安装工法”被集团采纳推广",
        "BIM 正向设计成果被建设单位采纳",
        "塔吊智能监控合理化建议被全区推广",
        "建筑垃圾现场资源化利用成果被采纳",
    ],
}
VETO_REASONS = [
    "高处坠落事故，造成一人死亡，经区建设和交通委员会认定为较大安全事故",
    "深基坑局部坍塌，造成两人重伤，项目停工整改",
]


def _month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    last = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return first, last


def _confirmed_months(year: int, today: dt.date) -> int:
    """Months confirmed: those before the current one (11 for a past year, at most)."""
    if year < today.year:
        return 11
    if year > today.year:
        return 0
    return min(11, today.month - 1)


def _site_names(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """``n`` distinct (block, site name), the blocks in turn."""
    names: dict[str, str] = {}
    while len(names) < n:
        block = BLOCKS[len(names) % len(BLOCKS)]
        if rng.random() < 0.12:
            name = f"{rng.choice(STREETS[block])}{rng.choice(ROAD_WORKS)}"
        else:
            plot = f"{rng.randint(1, 68):02d}-{rng.randint(1, 9):02d}"
            name = f"{PLOT_PREFIX[block]}{plot}地块{rng.choice(PROJECT_KINDS)}"
        if name not in names:
            names[name] = block
    return [(block, name) for name, block in names.items()]


def _builders(officer_enterprise: Organisation | None, least: int = 8) -> list[Organisation]:
    """Builder enterprises: the demo construction enterprises (large builders run many
    sites), topped up with other enterprises when there are fewer than ``least``; never
    the demo officer's enterprise, whose sites are added on purpose."""
    enterprises = Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE)
    if officer_enterprise is not None:
        enterprises = enterprises.exclude(pk=officer_enterprise.pk)
    chosen = list(enterprises.filter(industry__code="construction").order_by("id")[:40])
    if len(chosen) < least:
        taken = {o.pk for o in chosen}
        chosen += [o for o in enterprises.order_by("id")[: least * 2] if o.pk not in taken][
            : least - len(chosen)
        ]
    return chosen


def ensure_demo_labour(
    *,
    year: int,
    seed: int = 2026,
    sites: int = SITES,
    today: dt.date | None = None,
) -> int:
    """The Golden Middle Ring league, once. Returns 1 when it was added."""
    from jingsai.catalogue.models import Industry, ProgrammeYear, Series
    from jingsai.competitions.domain import lifecycle
    from jingsai.competitions.domain.services import create_competition
    from jingsai.competitions.models import Competition, Entry
    from jingsai.dashboards.domain import participation
    from jingsai.labour.domain import compute, services, tallies
    from jingsai.labour.models import (
        MARK_SCALE,
        Assessor,
        Block,
        Bonus,
        BonusItem,
        Check,
        CheckMark,
        Indicator,
        Participant,
        Period,
        Veto,
        VetoItem,
    )
    from jingsai.presets.demo import NameMaker, _record_bulk

    title = f"{year} 年{LABOUR_TITLE}"
    if Competition.objects.filter(title=title).exists():
        return 0
    union = Organisation.objects.filter(kind=Organisation.Kind.UNION, parent=None).first()
    programme_year = ProgrammeYear.objects.filter(year=year).first()
    series = Series.objects.filter(code="golden-middle-ring").first()
    officer = User.objects.filter(username="officer").first()
    grant = RoleGrant.objects.filter(user=officer, role=Role.ENTERPRISE_OFFICER).first()
    officer_enterprise = (
        grant.organisation
        if grant
        else Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).order_by("id").first()
    )
    builders = _builders(officer_enterprise)
    sites = max(sites, len(BLOCKS))
    if union is None or programme_year is None or series is None or len(builders) < 4:
        return 0
    rng = random.Random(seed)
    names = NameMaker(rng)
    today = today or timezone.localdate()
    confirmed = _confirmed_months(year, today)
    now = timezone.now()
    tz = timezone.get_current_timezone()
    inspectorate = Organisation.objects.filter(name="浦东新区建设和交通委员会").first() or union
    admin = User.objects.filter(username="admin").first()
    judge = User.objects.filter(username="judge").first()

    with transaction.atomic():
        competition = create_competition(
            actor=None,
            year=programme_year,
            title=title,
            series=series,
            industries=list(Industry.objects.filter(code="construction")),
            kind=Competition.Kind.LABOUR,
            participants=Competition.Participants.PROJECT_SITES,
            organiser=union,
            co_organisers=[inspectorate] if inspectorate != union else [],
            registration_opens=now - dt.timedelta(days=40),
            registration_closes=now + dt.timedelta(days=1),
            rules=(
                "一、考核指标：安全 25%、质量 25%、进度 20%、文明施工 15%、技术创新 10%、"
                "节能降耗 5%。\n二、每月自查占 20%、互查占 30%、抽查占 50%。\n"
                "三、获奖、创新成果采纳另行加分，每月加分不超过 5 分；发生重大安全事故的，"
                "当月一票否决。\n四、各区块每月前三名授予流动红旗。"
            ),
            schedule="每月 20 日前完成自查与互查，月底前完成抽查；次月初公布月度排名与流动红旗。",
        )
        lifecycle.move(actor=None, competition=competition, to=Competition.Status.OPEN)
        Competition.objects.filter(pk=competition.pk).update(registration_closes=now)
        lifecycle.move(actor=None, competition=competition, to=Competition.Status.CLOSED)
        competition = lifecycle.move(
            actor=None, competition=competition, to=Competition.Status.JUDGING
        )
        Competition.objects.filter(pk=competition.pk).update(
            registration_opens=timezone.make_aware(dt.datetime(year - 1, 12, 1), tz),
            registration_closes=timezone.make_aware(dt.datetime(year - 1, 12, 25), tz),
        )

        # the scheme, through the audited services
        league = services.league_of(competition)
        league.self_weight, league.mutual_weight, league.spot_weight = KIND_WEIGHTS
        league.bonus_cap = BONUS_CAP
        league.flags_per_block = FLAGS_PER_BLOCK
        league.awards = "一等奖:10%,二等奖:20%,三等奖:30%"
        services.save_scheme_object(league, actor=None)
        indicators = [
            services.save_scheme_object(
                Indicator(
                    league=league,
                    code=code,
                    name=name,
                    maximum=Decimal(100),
                    weight=Decimal(weight),
                    guidance=guidance,
                    order=order,
                ),
                actor=None,
            )
            for order, (code, name, weight, guidance) in enumerate(INDICATORS, start=1)
        ]
        bonus_items = {
            code: services.save_scheme_object(
                BonusItem(league=league, code=code, name=name, cap=cap), actor=None
            )
            for code, name, cap in BONUS_ITEMS
        }
        veto_item = services.save_scheme_object(
            VetoItem(league=league, code=VETO_ITEM[0], name=VETO_ITEM[1]), actor=None
        )
        blocks = {
            name: services.save_scheme_object(
                Block(league=league, name=name, order=order), actor=None
            )
            for order, name in enumerate(BLOCKS, start=1)
        }
        periods = []
        for month in range(1, 13):
            first, last = _month_range(year, month)
            period = Period(
                league=league,
                code=f"{year}-{month:02d}",
                name=f"{year}年{month}月",
                starts_on=first,
                ends_on=last,
            )
            if month <= confirmed:
                closed = timezone.make_aware(
                    dt.datetime.combine(last + dt.timedelta(days=3), dt.time(10)), tz
                )
                period.status = Period.Status.PUBLISHED
                period.confirmed_at, period.confirmed_by = closed, admin
                period.published_at = closed + dt.timedelta(days=1)
            periods.append(period)
        periods = Period.objects.bulk_create(periods)

        # the project sites: approved entries of the competition, built by the demo builders
        site_names = _site_names(rng, sites)
        managers = names.batch(sites)
        site_builders = [builders[i % len(builders)] for i in range(sites)]
        rng.shuffle(site_builders)
        if officer_enterprise is not None:
            # the officer's enterprise builds a site in 前滩 and one in 张江 (the blocks alternate)
            site_builders[0] = site_builders[1] = officer_enterprise
        code = competition.code.upper()
        entries = Entry.objects.bulk_create(
            [
                Entry(
                    competition=competition,
                    enterprise=builder,
                    project_name=name,
                    status=Entry.Status.APPROVED,
                    number=f"{code}-{index + 1:04d}",
                    zone_id=builder.zone_id,
                )
                for index, ((_block, name), builder) in enumerate(
                    zip(site_names, site_builders, strict=True)
                )
            ]
        )
        participation.entries_changed([entry.pk for entry in entries])  # set-based, once
        participants = []
        for index, ((block, name), builder, entry) in enumerate(
            zip(site_names, site_builders, entries, strict=True)
        ):
            start = dt.date(year - rng.randint(1, 2), rng.randint(1, 12), rng.randint(1, 28))
            participants.append(
                Participant(
                    league=league,
                    entry=entry,
                    name=name,
                    block=blocks[block],
                    enterprise=builder,
                    address=f"上海市浦东新区{rng.choice(STREETS[block])}{rng.randint(1, 2999)}号",
                    contract_value=Decimal(rng.randint(800_000, 48_000_000)) / 100,
                    starts_on=start,
                    ends_on=start + dt.timedelta(days=rng.randint(700, 1400)),
                    manager=managers[index],
                    description=(
                        f"总建筑面积约 {rng.randint(3, 60)} 万平方米，"
                        f"地上 {rng.randint(4, 48)} 层、地下 {rng.randint(1, 4)} 层。"
                    ),
                )
            )
        participants = Participant.objects.bulk_create(participants)

        # the inspection team: the organiser's spot checkers (the demo judge among them)
        # and, for mutual checks, one officer from each of six builders
        spot_users = [judge] if judge is not None else []
        spot_users += _assessor_users([display for display, _lead in SPOT_TEAM], prefix="gmr_spot")
        spot = []
        for index, user in enumerate(spot_users):
            spot.append(
                Assessor.objects.create(
                    league=league,
                    user=user,
                    name=user.display_name or user.username,
                    organisation=inspectorate,
                    kind="spot",
                    is_lead=index == 0,
                )
            )
        peers = builders[:6]
        mutual_users = _assessor_users(names.batch(len(peers)), prefix="gmr_mutual")
        mutual = [
            Assessor.objects.create(
                league=league,
                user=user,
                name=user.display_name,
                organisation=builder,
                kind="mutual",
            )
            for user, builder in zip(mutual_users, peers, strict=True)
        ]
        judge_seat = spot[0] if judge is not None else None

        # checks and marks: each site has a steady quality and a trend over the year
        quality = {p.pk: rng.uniform(76, 93) for p in participants}
        trend = {p.pk: rng.uniform(-0.4, 0.5) for p in participants}
        weak = {p.pk: rng.choice(indicators).pk for p in participants}
        officers_sites = {
            p.pk for p in participants if officer_enterprise and p.enterprise == officer_enterprise
        }
        # tens of thousands of rows: written with executemany, not model by model
        ops = connection.ops
        stamp = ops.adapt_datetimefield_value(now)
        check_rows: list[tuple] = []
        mark_plan: list[tuple[tuple, float]] = []  # (the check's key, level) per check
        open_month = confirmed + 1
        for month, period in enumerate(periods, start=1):
            if month > open_month:
                break
            first, last = period.starts_on, period.ends_on
            is_open = month == open_month
            submitted = ops.adapt_datetimefield_value(
                min(now, timezone.make_aware(dt.datetime.combine(last, dt.time(17)), tz))
            )
            for participant in participants:
                level = quality[participant.pk] + trend[participant.pk] * month
                level += rng.uniform(-2.5, 2.5)
                others = [m for m in mutual if m.organisation_id != participant.enterprise_id]
                plan = [("self", None), ("mutual", rng.choice(others))]
                plan += [("spot", a) for a in rng.sample(spot, min(2, len(spot)))]
                for kind, assessor in plan:
                    if is_open:
                        # the month under way: the demo judge's and officer's checks are
                        # theirs to enter; the others are partly done
                        if assessor is not None and assessor == judge_seat:
                            continue
                        if kind == "self" and participant.pk in officers_sites:
                            continue
                        if rng.random() < {"self": 0.3, "mutual": 0.5, "spot": 0.7}[kind]:
                            continue
                    if assessor is not None:
                        entered_by = assessor.user_id
                    else:
                        entered_by = (
                            officer.pk if officer and participant.pk in officers_sites else None
                        )
                    note = rng.choice(FINDINGS) if kind == "spot" and rng.random() < 0.3 else ""
                    day = first + dt.timedelta(days=rng.randint(3, 24))
                    key = (period.pk, participant.pk, kind, assessor.pk if assessor else None)
                    check_rows.append(
                        (stamp, stamp, *key, Check.Status.SUBMITTED, Check.Source.WEB,
                         ops.adapt_datefield_value(day), note, entered_by, submitted)
                    )  # fmt: skip
                    mark_plan.append((key, level))
        check_table, mark_table = Check._meta.db_table, CheckMark._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {check_table} (created_at, updated_at, period_id, participant_id, "  # noqa: S608
                "kind, assessor_id, status, source, checked_on, note, entered_by_id, submitted_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                check_rows,
            )
            check_ids = {
                tuple(row[1:]): row[0]
                for row in Check.objects.filter(period__league=league).values_list(
                    "id", "period_id", "participant_id", "kind", "assessor_id"
                )
            }
            mark_rows = []
            for key, level in mark_plan:
                check_id, participant_id = check_ids[key], key[1]
                lift = {"self": 3.0, "mutual": 1.0, "spot": 0.0}[key[2]]
                for indicator in indicators:
                    value = level + lift + rng.uniform(-4, 4)
                    if indicator.pk == weak[participant_id]:
                        value -= 6
                    tenths = min(1000, max(400, round(value * 10)))
                    mark_rows.append((check_id, indicator.pk, tenths * MARK_SCALE // 10))
            cursor.executemany(
                f"INSERT INTO {mark_table} (check_ref_id, indicator_id, units) "  # noqa: S608
                "VALUES (%s, %s, %s)",
                mark_rows,
            )

        # bonuses (a few a month) and two vetoes, with their reasons
        bonus_rows, veto_rows = [], []
        for period in periods[:open_month]:
            for participant in rng.sample(participants, rng.randint(2, 5)):
                code = rng.choice(list(bonus_items))
                points = Decimal(
                    rng.choice([1, 2, 3, 4]) if code == "award" else rng.choice([1, 2])
                )
                bonus_rows.append(
                    Bonus(
                        period=period,
                        participant=participant,
                        item=bonus_items[code],
                        points=points,
                        reason=rng.choice(BONUS_REASONS[code]),
                        entered_by=admin,
                    )
                )
        seen = set()
        bonus_rows = [
            b
            for b in bonus_rows
            if (b.period_id, b.participant_id, b.item_id) not in seen
            and not seen.add((b.period_id, b.participant_id, b.item_id))
        ]
        Bonus.objects.bulk_create(bonus_rows)
        veto_months = sorted({max(1, confirmed // 3), max(1, confirmed * 3 // 4)})
        for reason, month in zip(VETO_REASONS, veto_months, strict=False):
            if month <= confirmed:  # in confirmed months only (none when none is)
                veto_rows.append(
                    Veto(
                        period=periods[month - 1],
                        participant=rng.choice(participants),
                        item=veto_item,
                        reason=f"{year}年{month}月{rng.randint(2, 26)}日发生{reason}",
                        entered_by=admin,
                    )
                )
        Veto.objects.bulk_create(veto_rows)

        _record_bulk("labour.participant", len(participants), "project sites")
        _record_bulk("labour.check", len(check_rows), "checks")
        _record_bulk("labour.checkmark", len(mark_rows), "check marks")
        _record_bulk("labour.bonus", len(bonus_rows) + len(veto_rows), "bonuses and vetoes")
        tallies.refresh_league(league)
        compute.recompute(league)
    return 1


def _assessor_users(display_names: list[str], *, prefix: str) -> list[User]:
    """Accounts for the demo inspection team (no password: they do not log in)."""
    users = []
    for index, display in enumerate(display_names, start=1):
        user, created = User.objects.get_or_create(
            username=f"{prefix}{index}", defaults={"display_name": display}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        users.append(user)
    return users
