import pytest

from jingsai.common.pinyin import person_initials, pinyin_initials


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("张三丰", "zsf"),
        ("曾国藩", "zgf"),  # 曾 as a surname is zeng
        ("单雄信", "sxx"),  # 单 is shan
        ("解缙", "xj"),
        ("仇英", "qy"),
        ("欧阳修", "oyx"),
        ("尉迟恭", "ycg"),
        ("王小明", "wxm"),
        ("阿依古丽·买买提", "aygl" + "mmt"),
    ],
)
def test_person_initials(name, initials):
    assert person_initials(name) == initials


def test_organisation_initials_read_the_phrase():
    assert pinyin_initials("浦东新区总工会") == "pdxqzgh"
