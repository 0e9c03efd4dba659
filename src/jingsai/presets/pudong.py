"""The Pudong model (浦东模式): the reference configuration from the seed report.

Four series, ten brands (four named, six placeholders to be named), the six
hard-core industries and the service industries, the zones, the "830"
categories with 30 each, and a programme year with the targets of ten
thousand enterprises and a million workers.

:func:`apply` is idempotent: it creates what is missing and never changes what
exists, so names edited after the first load (e.g. a placeholder brand) stay.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import transaction

from jingsai.catalogue.models import (
    Brand,
    HonourCategory,
    HonourQuota,
    Industry,
    ProgrammeYear,
    Series,
    Zone,
)
from jingsai.common.domain import audit
from jingsai.organisations.models import Organisation

NAME = "pudong"
TITLE = "浦东模式"
THEME = "打造引领区，当好主力军"
ORGANISATION_PATTERN = "党委领导、政府支持、工会运作、社会参与"
UNION_NAME = "浦东新区总工会"
TARGET_ENTERPRISES = 10_000
TARGET_WORKERS = 1_000_000

SERIES = [
    {
        "code": "hard-core-industries",
        "name": "六大硬核产业",
        "name_en": "Six hard-core industries",
        "description": "聚焦做强创新引擎，围绕中国芯、创新药、智能造、蓝天梦、未来车、数据港开展劳动竞赛。",
        "fields": ["中国芯", "创新药", "智能造", "蓝天梦", "未来车", "数据港"],
    },
    {
        "code": "city-digital-transformation",
        "name": "城市数字化转型",
        "name_en": "City digital transformation",
        "description": (
            "聚焦人民城市建设：数据共建共享、新技术应用、实战场景开发、“三大平台”整合、数字化产业发展。"
        ),
        "fields": ["城市精细化管理", "网络防护", "5G 应用", "建筑信息化"],
    },
    {
        "code": "golden-middle-ring",
        "name": "金色中环发展带",
        "name_en": "Golden Middle Ring development belt",
        "description": "聚焦重大工程建设，围绕前滩、张江、金桥 3 个区块，覆盖在建项目 160 余个。",
        "fields": ["前滩", "张江", "金桥"],
    },
    {
        "code": "service-efficiency",
        "name": "服务效能倍增",
        "name_en": "Doubling service efficiency",
        "description": "聚焦营商环境优化，提升政务、行业服务水平。",
        "fields": [
            "政务服务", "医疗", "养老", "餐饮", "公交", "汽修", "物业管理", "园林绿化", "道路养护",
        ],
    },
]  # fmt: skip

BRANDS = [
    ("integrated-circuits", "集成电路", "Integrated circuits", False),
    ("biomedicine", "生物医药", "Biomedicine", False),
    ("artificial-intelligence", "人工智能", "Artificial intelligence", False),
    ("big-data", "大数据应用", "Big data applications", False),
    ("brand-5", "品牌五（待命名）", "Brand 5 (to be named)", True),
    ("brand-6", "品牌六（待命名）", "Brand 6 (to be named)", True),
    ("brand-7", "品牌七（待命名）", "Brand 7 (to be named)", True),
    ("brand-8", "品牌八（待命名）", "Brand 8 (to be named)", True),
    ("brand-9", "品牌九（待命名）", "Brand 9 (to be named)", True),
    ("brand-10", "品牌十（待命名）", "Brand 10 (to be named)", True),
]

# (code, name, short name, English name, series code or None, hard-core)
INDUSTRIES = [
    ("chips", "集成电路", "中国芯", "Integrated circuits (China chips)", "hard-core-industries", True),
    ("innovative-drugs", "生物医药", "创新药", "Biomedicine (innovative drugs)", "hard-core-industries", True),
    ("smart-manufacturing", "智能制造", "智能造", "Smart manufacturing", "hard-core-industries", True),
    ("civil-aviation", "民用航空", "蓝天梦", "Civil aviation", "hard-core-industries", True),
    ("new-vehicles", "新能源汽车", "未来车", "New-energy vehicles", "hard-core-industries", True),
    ("data-port", "数字经济", "数据港", "Digital economy (data port)", "hard-core-industries", True),
    ("information-services", "信息服务", "", "Information services", "city-digital-transformation", False),
    ("construction", "建筑业", "", "Construction", "golden-middle-ring", False),
    ("government-services", "政务服务", "", "Government services", "service-efficiency", False),
    ("healthcare", "医疗卫生", "", "Healthcare", "service-efficiency", False),
    ("elderly-care", "养老服务", "", "Elderly care", "service-efficiency", False),
    ("catering", "餐饮", "", "Catering", "service-efficiency", False),
    ("public-transport", "公共交通", "", "Public transport", "service-efficiency", False),
    ("vehicle-repair", "汽车维修", "", "Vehicle repair", "service-efficiency", False),
    ("property-management", "物业管理", "", "Property management", "service-efficiency", False),
    ("landscaping", "园林绿化", "", "Landscaping", "service-efficiency", False),
    ("road-maintenance", "道路养护", "", "Road maintenance", "service-efficiency", False),
]  # fmt: skip

ZONES = [
    ("lingang", "临港", "Lingang", "development_zone"),
    ("zhangjiang", "张江", "Zhangjiang", "development_zone"),
    ("jinqiao", "金桥", "Jinqiao", "development_zone"),
    ("qiantan", "前滩", "Qiantan", "block"),
    ("lujiazui", "陆家嘴", "Lujiazui", "development_zone"),
    ("waigaoqiao", "外高桥", "Waigaoqiao", "development_zone"),
    ("expo", "世博", "Expo", "block"),
    ("chuansha", "川沙", "Chuansha", "town"),
    ("zhoupu", "周浦", "Zhoupu", "town"),
    ("huinan", "惠南", "Huinan", "town"),
]

HONOUR_CATEGORIES = [
    ("pudong-craftsman", "浦东工匠", "Pudong craftsmen", "people"),
    ("worker-inventor", "工人发明家", "Worker inventors", "people"),
    ("innovation-talent", "职工科技创新英才", "Worker science-and-innovation talents", "people"),
    ("innovation-achievement", "职工创新成果", "Worker innovation achievements", "results"),
    ("operation-method", "先进操作法", "Advanced operation methods", "results"),
    ("rationalisation-suggestion", "合理化建议", "Rationalisation suggestions", "results"),
    ("innovation-base", "职工科技创新基地", "Worker innovation bases", "places"),
    ("training-centre", "职工实训中心", "Worker training centres", "places"),
]
QUOTA = 30


def _ensure(
    model, lookup: dict[str, Any], defaults: dict[str, Any], created: Counter, actor
) -> Any:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **defaults)
        created[model._meta.verbose_name_plural] += 1
        audit.record(
            actor=actor, action="create", obj=obj, after=audit.snapshot(obj), note="preset pudong"
        )
    return obj


@transaction.atomic
def apply(*, year: int, actor=None) -> Counter:
    """Load the Pudong model for ``year``; return how many objects of each kind were created."""
    created: Counter = Counter()
    series_by_code = {}
    for order, item in enumerate(SERIES, start=1):
        series_by_code[item["code"]] = _ensure(
            Series,
            {"code": item["code"]},
            {k: v for k, v in item.items() if k != "code"} | {"order": order},
            created,
            actor,
        )
    for order, (code, name, name_en, placeholder) in enumerate(BRANDS, start=1):
        _ensure(
            Brand,
            {"code": code},
            {"name": name, "name_en": name_en, "is_placeholder": placeholder, "order": order},
            created,
            actor,
        )
    for order, (code, name, short, name_en, series, hard) in enumerate(INDUSTRIES, start=1):
        _ensure(
            Industry,
            {"code": code},
            {
                "name": name,
                "short_name": short,
                "name_en": name_en,
                "series": series_by_code.get(series),
                "is_hard_core": hard,
                "order": order,
            },
            created,
            actor,
        )
    for order, (code, name, name_en, kind) in enumerate(ZONES, start=1):
        _ensure(
            Zone, {"code": code}, {"name": name, "name_en": name_en, "kind": kind, "order": order},
            created, actor,
        )  # fmt: skip
    categories = [
        _ensure(
            HonourCategory,
            {"code": code},
            {
                "name": name,
                "name_en": name_en,
                "kind": kind,
                "default_quota": QUOTA,
                "order": order,
            },
            created,
            actor,
        )
        for order, (code, name, name_en, kind) in enumerate(HONOUR_CATEGORIES, start=1)
    ]
    programme_year = _ensure(
        ProgrammeYear,
        {"year": year},
        {
            "title": f"{year} 年度浦东新区劳动和技能竞赛",
            "theme": THEME,
            "target_enterprises": TARGET_ENTERPRISES,
            "target_workers": TARGET_WORKERS,
        },
        created,
        actor,
    )
    for category in categories:
        _ensure(
            HonourQuota,
            {"year": programme_year, "category": category},
            {"quota": category.default_quota},
            created,
            actor,
        )
    from jingsai.common.pinyin import pinyin_initials

    # The district union is the programme's own organisation: found by kind, so
    # that renaming it does not make a second one.
    if not Organisation.objects.filter(kind=Organisation.Kind.UNION, parent=None).exists():
        _ensure(
            Organisation,
            {"name": UNION_NAME, "kind": Organisation.Kind.UNION},
            {"name_initials": pinyin_initials(UNION_NAME)},
            created,
            actor,
        )
    return created


def default_year() -> int:
    """The latest programme year already loaded, or this year on a new install."""
    from django.utils import timezone

    latest = ProgrammeYear.objects.order_by("-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year
