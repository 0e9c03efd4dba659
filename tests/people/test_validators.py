import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from jingsai.common.validators import normalise_phone, validate_phone
from jingsai.organisations.validators import validate_credit_code
from jingsai.people.validators import parse_id_number


@pytest.mark.parametrize(
    ("number", "birth", "gender"),
    [
        ("11010519491231002X", dt.date(1949, 12, 31), "F"),  # the GB 11643 example, check X
        ("310115198001011238", dt.date(1980, 1, 1), "M"),  # Pudong, born before 310115 existed
        ("310115196503150028", dt.date(1965, 3, 15), "F"),
        ("440304199912315676", dt.date(1999, 12, 31), "M"),
        ("310115200002290048", dt.date(2000, 2, 29), "F"),  # leap day
        ("11010519491231002x", dt.date(1949, 12, 31), "F"),  # lower-case x accepted
    ],
)
def test_id_number_valid_gives_birth_date_and_gender(number, birth, gender):
    parsed = parse_id_number(number)
    assert parsed.birth_date == birth
    assert parsed.gender == gender
    assert parsed.number == number.upper()


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "id_checksum"),  # right shape, wrong check character
        ("310115198001011239", "id_checksum"),
        ("31011519800101123", "id_length"),
        ("3101151980010112380", "id_length"),
        ("31011519800101123A", "id_format"),
        ("990115198001011238", "id_province"),
        ("310115199902301234", "id_birth_date"),  # 30 February
        ("310115210001011234", "id_birth_date"),  # in the future
        ("310115180001011234", "id_birth_date"),  # before 1900
    ],
)
def test_id_number_invalid_is_refused_with_reason(number, code):
    with pytest.raises(ValidationError) as error:
        parse_id_number(number, today=dt.date(2026, 11, 26))
    assert error.value.code == code


def test_id_number_message_is_chinese_by_default():
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        parse_id_number("110105194912310021")
    assert "校验" in error.value.messages[0]


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341L",
        "91310115MA1H7GQX24",
        "91310000607220853U",
        "123101154250002349",
        "N2310115MA1H7GQX2K",  # authority written with a letter (python-stdnum refuses these)
        "Y1310115MA1H7GQX2E",
    ],
)
def test_credit_code_valid(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91110000600037341M", "credit_code_checksum"),
        ("91310115MA1H7GQX25", "credit_code_checksum"),
        ("9131011", "credit_code_length"),
        ("91310115MA1H7GQI24", "credit_code_format"),  # I is not allowed
        ("9131O115MA1H7GQX24", "credit_code_format"),  # letter O in the region code
        ("N2310115MA1H7GQX2E", "credit_code_checksum"),
    ],
)
def test_credit_code_invalid(code, reason):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == reason


@pytest.mark.parametrize(
    "phone", ["13912345678", "+86 139 1234 5678", "021-58881234", "02158881234"]
)
def test_phone_valid(phone):
    validate_phone(normalise_phone(phone))


@pytest.mark.parametrize("phone", ["1391234567", "12912345678", "58881234", "abc"])
def test_phone_invalid(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_credit_code_message_names_the_position():
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_credit_code("91310115MA1H7GQI24")
    assert "第 16 位" in error.value.messages[0]


def _outcome(parse, value):
    try:
        return parse(value)
    except ValidationError as error:
        return (error.code, error.messages)


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002X",
        "11010519491231002x",  # lower case: the slow way, same result
        " 310115198001011238 ",
        "3101 1519 8001 0112 38",
        "310115196503150028",
        "310115200002290048",
        "110105194912310021",  # wrong check character
        "31011519800101123",
        "3101151980010112380",
        "31011519800101123A",
        "990115198001011238",
        "310115199902301234",
        "310115210001011234",
        "310115180001011234",
        "310115200011290045",  # born after "today" below
        "",
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic digits: the slow way decides
    ],
)
def test_id_number_parser_agrees_with_parse_id_number(value):
    from jingsai.people.validators import id_number_parser

    today = dt.date(2000, 11, 28)
    expected = _outcome(lambda v: parse_id_number(v, today=today), value)
    if not isinstance(expected, tuple):
        expected = (expected.number, expected.birth_date, expected.gender)
    parse = id_number_parser(today=today)
    assert _outcome(parse, value) == expected
    assert _outcome(parse, value) == expected  # and again, from the dates it has seen


def test_id_number_parser_agrees_on_many_numbers():
    import random

    from jingsai.people.validators import id_check_character, id_number_parser

    rng = random.Random(7)
    today = dt.date(2026, 11, 26)
    parse = id_number_parser(today=today)
    for _ in range(3000):
        region = rng.choice(["310115", "110105", "990101", "440304", "710000"])
        date = f"{rng.randrange(1890, 2030)}{rng.randrange(0, 14):02d}{rng.randrange(0, 33):02d}"
        body = f"{region}{date}{rng.randrange(1000):03d}"
        check = id_check_character(body) if rng.random() < 0.8 else rng.choice("0123456789Xx")
        value = body + check
        expected = _outcome(lambda v: parse_id_number(v, today=today), value)
        if not isinstance(expected, tuple):
            expected = (expected.number, expected.birth_date, expected.gender)
        assert _outcome(parse, value) == expected, value
