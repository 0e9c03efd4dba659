from django.core.management import call_command

from jingsai.catalogue.models import (
    Brand,
    HonourCategory,
    HonourQuota,
    Industry,
    ProgrammeYear,
    Series,
    Zone,
)
from jingsai.common.models import AuditEntry
from jingsai.organisations.models import Organisation
from jingsai.presets import pudong


def _counts():
    return [
        m.objects.count()
        for m in (
            Series,
            Brand,
            Industry,
            Zone,
            HonourCategory,
            HonourQuota,
            ProgrammeYear,
            Organisation,
        )
    ]


def test_preset_loads_the_pudong_model(db):
    call_command("preset", "pudong", "--year", "2026")
    assert list(Series.objects.values_list("name", flat=True)) == [
        "六大硬核产业", "城市数字化转型", "金色中环发展带", "服务效能倍增",
    ]  # fmt: skip
    assert Brand.objects.count() == 10
    assert set(Brand.objects.filter(is_placeholder=False).values_list("name", flat=True)) == {
        "集成电路", "生物医药", "人工智能", "大数据应用",
    }  # fmt: skip
    assert Brand.objects.filter(is_placeholder=True).count() == 6
    assert set(Industry.objects.filter(is_hard_core=True).values_list("short_name", flat=True)) == {
        "中国芯", "创新药", "智能造", "蓝天梦", "未来车", "数据港",
    }  # fmt: skip
    assert {"临港", "张江", "金桥", "前滩"} <= set(Zone.objects.values_list("name", flat=True))
    assert HonourCategory.objects.count() == 8
    assert sorted(HonourQuota.objects.values_list("quota", flat=True)) == [30] * 8
    year = ProgrammeYear.objects.get(year=2026)
    assert (year.target_enterprises, year.target_workers) == (10_000, 1_000_000)
    assert Series.objects.get(code="service-efficiency").fields[-1] == "道路养护"


def test_preset_twice_changes_nothing(db):
    pudong.apply(year=2026)
    counts, audit_count = _counts(), AuditEntry.objects.count()
    created = pudong.apply(year=2026)
    assert not created
    assert _counts() == counts
    assert AuditEntry.objects.count() == audit_count


def test_preset_keeps_an_edited_placeholder_brand(db):
    pudong.apply(year=2026)
    Brand.objects.filter(code="brand-5").update(name="航运物流", is_placeholder=False)
    pudong.apply(year=2026)
    assert Brand.objects.get(code="brand-5").name == "航运物流"


def test_preset_after_renaming_the_union_makes_no_second_union(db):
    pudong.apply(year=2026)
    Organisation.objects.filter(kind="union").update(name="上海市浦东新区总工会")
    pudong.apply(year=2026)
    assert Organisation.objects.filter(kind="union").count() == 1


def test_preset_default_year_is_the_latest_loaded(db):
    pudong.apply(year=2025)
    assert pudong.default_year() == 2025
    call_command("preset", "pudong")
    assert list(ProgrammeYear.objects.values_list("year", flat=True)) == [2025]
