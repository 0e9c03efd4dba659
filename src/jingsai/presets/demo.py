"""Realistic demo data: organisations of every kind, enterprises spread over the
zones and industries, workers with Chinese names (Faker's zh_CN data), valid
resident ID numbers and credit codes, and one demo account per role; a few
open competitions, and one being judged under blind marking where the demo
``judge`` is chief judge with entries left to mark (:func:`ensure_demo_judging`),
and the Golden Middle Ring labour league, months of checks, rankings and red
flags, where the demo ``judge`` is a spot assessor (:mod:`jingsai.presets.demo_labour`).

Generation is seeded, so the same arguments give the same data. Enterprises
and workers can be added in several runs: new ID numbers and credit codes never
collide with existing ones.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from faker.providers.company.zh_CN import Provider as CompanyProvider
from faker.providers.person.zh_CN import Provider as PersonProvider
from stdnum.cn import uscc

from jingsai.catalogue.models import Industry, Zone
from jingsai.common.domain import audit
from jingsai.common.pinyin import person_initials, pinyin_initials
from jingsai.organisations.models import Organisation
from jingsai.people.domain import accounts as account_services
from jingsai.people.domain.bulk import insert_worker_rows
from jingsai.people.models import Role, RoleGrant, User, Worker
from jingsai.people.validators import id_check_character
from jingsai.presets import demo_honours, demo_labour, demo_worldskills, pudong

DEMO_PASSWORD = "jingsai-demo-2026"  # noqa: S105 (published demo logins, printed at start)

# Region codes: mostly Pudong (310115), the rest of Shanghai and the provinces
# that send many workers.
REGIONS = [
    ("310115", 55), ("310104", 4), ("310110", 3), ("310112", 3), ("320102", 4), ("320583", 3),
    ("330102", 3), ("340104", 4), ("341221", 3), ("360102", 2), ("370102", 2), ("410105", 4),
    ("420106", 3), ("430104", 2), ("510107", 3), ("512501", 2), ("362321", 1), ("610113", 1),
]  # fmt: skip

TRADES = {
    "chips": ["集成电路工艺员", "半导体分立器件装调工", "电子设备装接工", "芯片测试员"],
    "innovative-drugs": ["化学检验员", "药物制剂工", "生化药品制造工", "实验动物饲养员"],
    "smart-manufacturing": ["数控车工", "钳工", "工业机器人系统运维员", "焊工", "电工"],
    "civil-aviation": ["飞机装配工", "航空电气设备维修员", "铆工", "无损检测员"],
    "new-vehicles": ["汽车装调工", "动力电池装配工", "焊工", "汽车电气维修工"],
    "data-port": ["网络与信息安全管理员", "数据标注员", "云计算工程技术人员", "人工智能训练师"],
    "information-services": ["网络与信息安全管理员", "信息通信网络运行管理员", "5G 网络优化员"],
    "construction": ["砌筑工", "钢筋工", "混凝土工", "架子工", "建筑信息模型技术员", "焊工"],
    "government-services": ["政务服务办事员", "社会工作者"],
    "healthcare": ["医疗护理员", "健康管理师", "医学检验员"],
    "elderly-care": ["养老护理员", "康复辅助技术咨询师"],
    "catering": ["中式烹调师", "西式面点师", "餐厅服务员"],
    "public-transport": ["城市公共交通驾驶员", "公交调度员"],
    "vehicle-repair": ["汽车维修工", "汽车车身涂装修复工"],
    "property-management": ["物业管理员", "电梯安装维修工", "智能楼宇管理员"],
    "landscaping": ["园林绿化工", "花卉园艺工"],
    "road-maintenance": ["道路养护工", "沥青混凝土摊铺工"],
}

COMPANY_WORDS = {
    "chips": ["微电子", "半导体", "集成电路", "芯片"],
    "innovative-drugs": ["生物医药", "生物科技", "制药", "医药研发"],
    "smart-manufacturing": ["智能装备", "精密机械", "自动化", "机电"],
    "civil-aviation": ["航空制造", "航空服务", "航空部件"],
    "new-vehicles": ["新能源汽车", "汽车科技", "汽车零部件"],
    "data-port": ["数据科技", "信息技术", "云计算"],
    "information-services": ["通信技术", "网络科技", "信息服务"],
    "construction": ["建设工程", "建筑安装", "市政工程"],
    "government-services": ["政务服务"],
    "healthcare": ["医疗服务", "医院管理"],
    "elderly-care": ["养老服务", "颐养院"],
    "catering": ["餐饮管理", "餐饮服务"],
    "public-transport": ["公交客运", "交通运输"],
    "vehicle-repair": ["汽车维修", "汽车服务"],
    "property-management": ["物业管理", "物业服务"],
    "landscaping": ["园林绿化", "景观工程"],
    "road-maintenance": ["道路养护", "市政养护"],
}
SUFFIXES = ["有限公司", "股份有限公司"]
LEVEL_WEIGHTS = [(1, 2), (2, 6), (3, 22), (4, 30), (5, 20), (None, 20)]

OTHER_ORGANISATIONS = [
    ("浦东新区人民政府", Organisation.Kind.GOVERNMENT, None),
    ("浦东新区人力资源和社会保障局", Organisation.Kind.GOVERNMENT, None),
    ("浦东新区科技和经济委员会", Organisation.Kind.GOVERNMENT, None),
    ("浦东新区建设和交通委员会", Organisation.Kind.GOVERNMENT, None),
    ("浦东新区卫生健康委员会", Organisation.Kind.GOVERNMENT, None),
    ("浦东新区民政局", Organisation.Kind.GOVERNMENT, None),
    (
        "中国（上海）自由贸易试验区临港新片区管理委员会",
        Organisation.Kind.DEVELOPMENT_ZONE,
        "lingang",
    ),
    ("张江科学城建设管理办公室", Organisation.Kind.DEVELOPMENT_ZONE, "zhangjiang"),
    ("金桥经济技术开发区管理委员会", Organisation.Kind.DEVELOPMENT_ZONE, "jinqiao"),
    ("陆家嘴金融贸易区管理委员会", Organisation.Kind.DEVELOPMENT_ZONE, "lujiazui"),
    ("浦东新区企业服务中心", Organisation.Kind.SERVICE_BODY, None),
    ("浦东新区城市运行综合管理中心", Organisation.Kind.SERVICE_BODY, None),
    ("浦东新区集成电路行业协会", Organisation.Kind.ASSOCIATION, "zhangjiang"),
    ("浦东新区生物医药行业协会", Organisation.Kind.ASSOCIATION, "zhangjiang"),
    ("浦东新区建筑业协会", Organisation.Kind.ASSOCIATION, None),
    ("浦东新区职工实训中心", Organisation.Kind.TRAINING_BODY, None),
    ("上海浦东职业技术学院", Organisation.Kind.TRAINING_BODY, None),
]

DEMO_ACCOUNTS = [
    # username, display name, role, how to find the organisation
    ("admin", "区总工会管理员", Role.PROGRAMME_ADMIN, "union"),
    ("leader", "区领导", Role.LEADERSHIP, "浦东新区人民政府"),
    ("coorganiser", "科经委联络员", Role.CO_ORGANISER, "浦东新区科技和经济委员会"),
    ("officer", "企业工会干部", Role.ENTERPRISE_OFFICER, "first-enterprise"),
    ("judge", "裁判员", Role.JUDGE, "浦东新区职工实训中心"),
    ("worker", "职工", Role.WORKER, "first-enterprise"),
]


@dataclass
class DemoSummary:
    organisations: int = 0
    enterprises: int = 0
    workers: int = 0
    accounts: list[tuple[str, str, str]] | None = None
    competitions: int = 0
    nominations: int = 0


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


class NameMaker:
    """Chinese names weighted by Faker's zh_CN surname frequencies."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.surnames = list(PersonProvider.last_names.keys())
        self.weights = list(PersonProvider.last_names.values())
        self.given = list(dict.fromkeys(PersonProvider.first_names))

    def batch(self, n: int) -> list[str]:
        surnames = self.rng.choices(self.surnames, weights=self.weights, k=n)
        single = [g for g in self.given if len(g) == 1]
        rng = self.rng
        # Faker's given names are one or two characters; a third of the time
        # pair two single characters instead, as many given names are.
        return [
            s
            + (
                rng.choice(single) + rng.choice(single)
                if rng.random() < 0.35
                else rng.choice(self.given)
            )
            for s in surnames
        ]


def credit_code(rng: random.Random, region: str = "310115") -> str:
    org = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    value = 11 - sum(int(c, 36) * w for c, w in zip(org, weights, strict=True)) % 11
    org += {10: "X", 11: "0"}.get(value, str(value))
    body = "91" + region + org
    return body + uscc.calc_check_digit(body)


def id_numbers(rng: random.Random, n: int, taken: Callable[[list[str]], set[str]]) -> list[str]:
    """``n`` new, valid, distinct 18-character ID numbers."""
    regions, region_weights = zip(*REGIONS, strict=True)
    start = dt.date(1966, 1, 1).toordinal()
    span = dt.date(2005, 12, 31).toordinal() - start
    out: dict[str, None] = {}
    while len(out) < n:
        need = n - len(out)
        fresh = []
        for region in rng.choices(regions, weights=region_weights, k=need + need // 50 + 5):
            birth = dt.date.fromordinal(start + rng.randrange(span))
            body = f"{region}{birth:%Y%m%d}{rng.randrange(1000):03d}"
            fresh.append(body + id_check_character(body))
        clash = taken(fresh)
        for number in fresh:
            if number not in clash and number not in out:
                out[number] = None
                if len(out) == n:
                    break
    return list(out)


def _existing_ids(numbers: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(numbers), 900):
        found.update(
            Worker.objects.filter(id_number__in=numbers[i : i + 900]).values_list(
                "id_number", flat=True
            )
        )
    return found


def ensure_other_organisations() -> int:
    zones = {z.code: z for z in Zone.objects.all()}
    created = 0
    for name, kind, zone in OTHER_ORGANISATIONS:
        if not Organisation.objects.filter(name=name).exists():
            Organisation.objects.create(
                name=name,
                name_initials=pinyin_initials(name),
                kind=kind,
                zone=zones.get(zone or ""),
            )
            created += 1
    return created


def create_enterprises(rng: random.Random, n: int, progress=None) -> int:
    industries = list(Industry.objects.all())
    zones = list(Zone.objects.all())
    zone_weights = [30 if z.code in {"zhangjiang", "lingang", "jinqiao"} else 8 for z in zones]
    industry_weights = [12 if i.is_hard_core else 4 for i in industries]
    taken_names = set(
        Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).values_list(
            "name", flat=True
        )
    )
    taken_codes = set(
        Organisation.objects.exclude(credit_code=None).values_list("credit_code", flat=True)
    )
    prefixes = CompanyProvider.company_prefixes
    streets = [
        "张江路",
        "川沙路",
        "金桥路",
        "世纪大道",
        "浦东大道",
        "申江路",
        "龙阳路",
        "环湖西二路",
    ]
    batch: list[Organisation] = []
    made = 0
    while made < n:
        industry = rng.choices(industries, weights=industry_weights)[0]
        zone = rng.choices(zones, weights=zone_weights)[0]
        word = rng.choice(COMPANY_WORDS.get(industry.code, ["实业"]))
        name = f"上海{rng.choice(prefixes)}{word}{rng.choice(SUFFIXES)}"
        if name in taken_names:
            name = f"上海{rng.choice(prefixes)}{rng.choice(prefixes)}{word}{rng.choice(SUFFIXES)}"
        if name in taken_names:
            continue
        code = credit_code(rng)
        if code in taken_codes:
            continue
        taken_names.add(name)
        taken_codes.add(code)
        batch.append(
            Organisation(
                name=name,
                name_initials=pinyin_initials(name),
                kind=Organisation.Kind.ENTERPRISE,
                credit_code=code,
                industry=industry,
                zone=zone,
                address=f"上海市浦东新区{rng.choice(streets)}{rng.randrange(1, 3000)}号",
                contact_name=NameMaker(rng).batch(1)[0],
            )
        )
        made += 1
        if len(batch) >= 2000:
            Organisation.objects.bulk_create(batch)
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        Organisation.objects.bulk_create(batch)
        if progress:
            progress(len(batch))
    return made


def employer_choices() -> list[tuple[int, int | None, int | None, str]]:
    """Enterprises as (id, zone id, industry id, industry code) for :func:`worker_rows`."""
    return list(
        Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).values_list(
            "id", "zone_id", "industry_id", "industry__code"
        )
    )


def worker_rows(
    rng: random.Random, n: int, employers: list[tuple[int, int | None, int | None, str]]
) -> Iterator[tuple]:
    """Rows for :func:`jingsai.people.domain.bulk.insert_worker_rows`."""
    names = NameMaker(rng).batch(n)
    numbers = id_numbers(rng, n, _existing_ids)
    levels, level_weights = zip(*LEVEL_WEIGHTS, strict=True)
    for name, number in zip(names, numbers, strict=True):
        employer_id, zone_id, industry_id, industry_code = rng.choice(employers)
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" if rng.random() < 0.8 else ""
        yield (
            name,
            person_initials(name),
            number,
            birth,
            "M" if int(number[16]) % 2 else "F",
            employer_id,
            zone_id,
            industry_id,
            rng.choice(TRADES.get(industry_code, ["电工"])),
            rng.choices(levels, weights=level_weights)[0],
            phone,
        )


def create_workers(rng: random.Random, n: int, *, chunk: int = 20_000, progress=None) -> int:
    employers = employer_choices()
    if not employers:
        return 0
    inserted = 0
    remaining = n
    while remaining > 0:
        size = min(chunk, remaining)
        inserted += insert_worker_rows(list(worker_rows(rng, size, employers)))
        remaining -= size
        if progress:
            progress(size)
    return inserted


def ensure_demo_accounts(password: str = DEMO_PASSWORD) -> list[tuple[str, str, str]]:
    """One login per role (idempotent), created through the audited account services."""
    union = Organisation.objects.filter(kind=Organisation.Kind.UNION, parent=None).first()
    first_enterprise = (
        Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).order_by("id").first()
    )
    accounts = []
    for username, display, role, where in DEMO_ACCOUNTS:
        if where == "union":
            organisation = union
        elif where == "first-enterprise":
            organisation = first_enterprise
        else:
            organisation = Organisation.objects.filter(name=where).first()
        if organisation is None:
            continue
        worker = None
        if role == Role.WORKER:
            worker = Worker.objects.filter(employer=organisation).order_by("id").first()
            if worker is None:
                continue
        with transaction.atomic():
            user = User.objects.filter(username=username).first()
            if user is None:
                account_services.create_account(
                    actor=None,
                    username=username,
                    display_name=display,
                    password=password,
                    role=role,
                    organisation=organisation,
                    worker=worker,
                )
            elif not RoleGrant.objects.filter(
                user=user, role=role, organisation=organisation
            ).exists():
                if worker is not None and worker.user_id not in (None, user.pk):
                    continue
                account_services.grant_role(
                    actor=None, user=user, role=role, organisation=organisation, worker=worker
                )
        accounts.append((username, str(role.label), organisation.name))
    return accounts


def generate(
    *,
    enterprises: int,
    workers: int,
    seed: int = 2026,
    year: int,
    progress_factory=None,
    with_accounts: bool = True,
) -> DemoSummary:
    """Load the Pudong preset if needed, then add demo organisations, workers and accounts."""
    rng = random.Random(seed + Organisation.objects.count() + Worker.objects.count())
    pudong.apply(year=year)
    summary = DemoSummary()
    with transaction.atomic():
        summary.organisations = ensure_other_organisations()
        summary.enterprises = _with_progress(
            progress_factory,
            enterprises,
            "enterprises",
            lambda tick: create_enterprises(rng, enterprises, progress=tick),
        )
        _record_bulk("organisations.organisation", summary.enterprises, "enterprises")
    summary.workers = _with_progress(
        progress_factory,
        workers,
        "workers",
        lambda tick: create_workers(rng, workers, progress=tick),
    )
    _record_bulk("people.worker", summary.workers, "workers")
    summary.accounts = ensure_demo_accounts() if with_accounts else []
    summary.competitions = ensure_demo_competitions(year=year)
    summary.competitions += ensure_demo_judging(year=year, seed=seed)
    summary.competitions += demo_worldskills.ensure_demo_worldskills(year=year, seed=seed)
    if with_accounts:  # the league's inspection team are accounts, made with the demo logins
        summary.competitions += demo_labour.ensure_demo_labour(year=year, seed=seed)
        summary.nominations = demo_honours.ensure_demo_honours(
            year=year, seed=seed, password=DEMO_PASSWORD
        )
    optimise_query_planner()
    return summary


DEMO_COMPETITIONS = [
    # title, series, brand, industry codes, participants, extra fields
    (
        "浦东新区集成电路工艺员技能竞赛", "hard-core-industries", "integrated-circuits", ["chips"],
        "individuals", {"enterprise_quota": 5, "skill_level_from": 2, "skill_level_to": 5,
                        "min_age": 18, "max_age": 55, "capacity": 500},
    ),
    (
        "工业机器人系统运维员团体赛", "hard-core-industries", "artificial-intelligence",
        ["smart-manufacturing"], "teams", {"team_min": 3, "team_max": 5, "enterprise_quota": 2},
    ),
    (
        "金色中环重大工程劳动竞赛", "golden-middle-ring", None, ["construction"],
        "project_sites", {"kind": "labour"},
    ),
]  # fmt: skip


DEMO_RULES = (
    "一、理论知识考试占 30%。\n二、技能操作考核占 70%。\n三、按总成绩排名，设一、二、三等奖。"
)


def ensure_demo_competitions(*, year: int) -> int:
    """Three open competitions (individuals, teams, project sites), once; a few entries."""
    from django.utils import timezone

    from jingsai.catalogue.models import Brand, ProgrammeYear, Series
    from jingsai.competitions.domain import lifecycle
    from jingsai.competitions.domain.registration import RegistrationRefused, register
    from jingsai.competitions.domain.services import create_competition
    from jingsai.competitions.models import Competition

    if Competition.objects.exists():
        return 0
    union = Organisation.objects.filter(kind=Organisation.Kind.UNION, parent=None).first()
    co_organiser = Organisation.objects.filter(name="浦东新区科技和经济委员会").first()
    programme_year = ProgrammeYear.objects.filter(year=year).first()
    if union is None or programme_year is None:
        return 0
    now = timezone.now()
    made = []
    for title, series, brand, industries, participants, extra in DEMO_COMPETITIONS:
        competition = create_competition(
            actor=None,
            year=programme_year,
            title=f"{year} 年{title}",
            series=Series.objects.get(code=series),
            brand=Brand.objects.filter(code=brand).first() if brand else None,
            industries=list(Industry.objects.filter(code__in=industries)),
            participants=participants,
            organiser=union,
            co_organisers=[co_organiser] if co_organiser else [],
            registration_opens=now - dt.timedelta(days=7),
            registration_closes=now + dt.timedelta(days=60),
            rules=DEMO_RULES,
            schedule="报名：即日起至报名截止\n企业初赛：报名截止后两周内\n区级决赛：另行通知",
            **extra,
        )
        lifecycle.move(actor=None, competition=competition, to=Competition.Status.OPEN)
        made.append(competition)
    enterprise = (
        Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).order_by("id").first()
    )
    if enterprise is not None:
        workers = list(Worker.objects.filter(employer=enterprise, skill_level__in=[2, 3, 4, 5])[:3])
        # a demo worker may fall outside the age range: then the demo has no entries yet
        with contextlib.suppress(RegistrationRefused):
            register(actor=None, competition=made[0], enterprise=enterprise, workers=workers)
    return len(made)


JUDGING_TITLE = "浦东新区数控车工技能竞赛（评分演示）"
JUDGING_STAGES = [("theory", "理论", 30), ("practical", "实操", 70)]
JUDGING_CRITERIA = [
    # stage, code, name, maximum, kind, aggregation, spread limit
    ("theory", "exam", "理论知识考试", 30, "measurement", "mean", None),
    ("practical", "accuracy", "工件尺寸精度", 35, "judgement", "trimmed", 4),
    ("practical", "process", "加工工艺与程序编制", 25, "judgement", "trimmed", 3),
    ("practical", "safety", "安全文明生产", 10, "judgement", "trimmed", 2),
]
JUDGING_PANEL = [("J02", "陈建国"), ("J03", "刘敏"), ("J04", "黄志强")]
JUDGING_ENTRIES = 20


def ensure_demo_judging(*, year: int, seed: int = 2026) -> int:
    """One competition being judged, once: the demo ``judge`` is its chief judge,
    with three more judges, about twenty approved entries under blind marking,
    and sheets the other judges have submitted. Returns 1 when it was added."""
    from decimal import Decimal

    from django.utils import timezone

    from jingsai.catalogue.models import ProgrammeYear, Series
    from jingsai.competitions.domain import lifecycle
    from jingsai.competitions.domain.registration import RegistrationRefused, approve, register
    from jingsai.competitions.domain.services import create_competition
    from jingsai.competitions.models import Competition
    from jingsai.judging.domain import panel, sheets
    from jingsai.judging.models import Criterion, Judging, Stage

    title = f"{year} 年{JUDGING_TITLE}"
    if Competition.objects.filter(title=title).exists():
        return 0
    union = Organisation.objects.filter(kind=Organisation.Kind.UNION, parent=None).first()
    programme_year = ProgrammeYear.objects.filter(year=year).first()
    workers = _one_worker_per_enterprise(JUDGING_ENTRIES)
    if union is None or programme_year is None or len(workers) < 4:
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        competition = create_competition(
            actor=None,
            year=programme_year,
            title=title,
            series=Series.objects.get(code="hard-core-industries"),
            industries=list(Industry.objects.filter(code="smart-manufacturing")),
            participants="individuals",
            organiser=union,
            registration_opens=now - dt.timedelta(days=40),
            registration_closes=now + dt.timedelta(days=1),
            rules=DEMO_RULES,
            schedule="理论考试与实操考核：已完成\n评分：进行中",
        )
        lifecycle.move(actor=None, competition=competition, to=Competition.Status.OPEN)
        for worker in workers:
            with contextlib.suppress(RegistrationRefused):
                for entry in register(
                    actor=None,
                    competition=competition,
                    enterprise=worker.employer,
                    workers=[worker],
                ):
                    approve(actor=None, entry=entry)
        Competition.objects.filter(pk=competition.pk).update(registration_closes=now)
        lifecycle.move(actor=None, competition=competition, to=Competition.Status.CLOSED)
        competition = lifecycle.move(
            actor=None, competition=competition, to=Competition.Status.JUDGING
        )

        stages = {
            code: Stage.objects.create(
                competition=competition, code=code, name=name, weight=Decimal(weight), order=order
            )
            for order, (code, name, weight) in enumerate(JUDGING_STAGES, start=1)
        }
        criteria = [
            Criterion.objects.create(
                competition=competition,
                stage=stages[stage],
                code=code,
                name=name,
                max_mark=Decimal(top),
                kind=kind,
                aggregation=aggregation,
                spread_limit=Decimal(spread) if spread is not None else None,
                order=order,
            )
            for order, (stage, code, name, top, kind, aggregation, spread) in enumerate(
                JUDGING_CRITERIA, start=1
            )
        ]

        entries = list(competition.entries.filter(status="approved").order_by("number"))
        training = Organisation.objects.filter(name="浦东新区职工实训中心").first()
        judge_user = User.objects.filter(username="judge").first()
        chief = panel.add_judge(
            actor=None,
            competition=competition,
            code="J01",
            name=judge_user.display_name if judge_user else "裁判长",
            user=judge_user,
            organisation=training,
            is_chief=True,
        )
        judges = [chief]
        for index, (code, name) in enumerate(JUDGING_PANEL):
            # one judge works for an entrant's enterprise: he is never given its entries
            organisation = entries[0].enterprise if index == 1 and entries else training
            judges.append(
                panel.add_judge(
                    actor=None,
                    competition=competition,
                    code=code,
                    name=name,
                    organisation=organisation,
                )
            )
        if len(entries) > 1:
            panel.declare_conflict(
                actor=None,
                judge=judges[3],
                organisation=entries[1].enterprise,
                reason="曾在该企业任职",
            )
        Judging.objects.filter(pk=competition.pk).update(
            blind=True,
            awards="一等奖:10%,二等奖:20%,三等奖:30%",
            min_total=Decimal(60),
            tiebreak="practical,time",
        )
        panel.assign_many(actor=None, judges=judges, entries=entries)
        panel.draw_blind_codes(actor=None, competition=competition)

        # the other judges have marked most entries; the demo judge has not begun
        # (every judge's sheet carries the one measured exam mark of the entry)
        quality = {entry.pk: rng.uniform(0.6, 0.95) for entry in entries}
        for judge in judges[1:]:
            for entry in entries[: len(entries) * 3 // 4]:
                if panel.marking_refusal(judge, entry):
                    continue
                values = {}
                for criterion in criteria:
                    top = float(criterion.max_mark)
                    mark = top * quality[entry.pk]
                    if criterion.kind == Criterion.Kind.JUDGEMENT:
                        mark += rng.uniform(-1.5, 1.5)
                    values[criterion.code] = Decimal(round(min(top, max(0.0, mark)) * 2)) / 2
                sheets.submit(actor=None, judge=judge, entry=entry, values=values)
    return 1


def _one_worker_per_enterprise(n: int) -> list[Worker]:
    """Up to ``n`` workers, each from a different enterprise where there are enough."""
    chosen: dict[int, Worker] = {}
    spare: list[Worker] = []
    for worker in (
        Worker.objects.filter(employer__kind=Organisation.Kind.ENTERPRISE)
        .select_related("employer")
        .order_by("id")[: n * 20]
    ):
        if worker.employer_id in chosen:
            spare.append(worker)
        else:
            chosen[worker.employer_id] = worker
        if len(chosen) >= n:
            break
    return (list(chosen.values()) + spare)[:n]


def _with_progress(progress_factory, total: int, unit: str, work) -> int:
    bar = progress_factory(total, unit) if progress_factory else None
    try:
        return work(bar.update if bar else None)
    finally:
        if bar:
            bar.close()


def _record_bulk(object_type: str, count: int, noun: str) -> None:
    """One audit record for a bulk demo load (not one per row)."""
    if count:
        audit.record(
            actor=None,
            action="bulk_create",
            object_type=object_type,
            object_repr=f"{count} {noun}",
            note="demo data",
        )


def optimise_query_planner() -> None:
    """Refresh the planner's statistics after a large load (both databases read ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
