"""Resident identity numbers (居民身份证号码, GB 11643-1999).

An 18-character number is: a 6-digit region code whose first two digits are a
province code, the birth date as YYYYMMDD, a 3-digit sequence number (odd for
men, even for women) and a check character computed by ISO 7064 MOD 11-2
(``0``–``9`` or ``X``).

We check the province, not the full region code: python-stdnum's ``cn.ric``
refuses genuine numbers whose county code was created after the holder's birth
(e.g. Pudong's 310115 for anyone born before 1992).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from operator import mul

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",  # 华北
        "21", "22", "23",  # 东北
        "31", "32", "33", "34", "35", "36", "37",  # 华东
        "41", "42", "43", "44", "45", "46",  # 中南
        "50", "51", "52", "53", "54",  # 西南
        "61", "62", "63", "64", "65",  # 西北
        "71", "81", "82", "83",  # 台湾, 香港, 澳门, 港澳台居民居住证
    }
)  # fmt: skip
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH = dt.date(1900, 1, 1)


def id_check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    return CHECK_CHARS[sum(map(mul, map(int, first17), WEIGHTS)) % 11]


def normalise_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    gender: str  # "M" or "F"


def parse_id_number(value: str, *, today: dt.date | None = None) -> ResidentId:
    """Check an 18-character resident ID number and return what it encodes."""
    number = normalise_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(n)d."),
            code="id_length",
            params={"n": len(number)},
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("An ID number is 17 digits followed by a digit or X."), code="id_format"
        )
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("The ID number starts with %(code)s, which is not a province code."),
            code="id_province",
            params={"code": number[:2]},
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("Characters 7 to 14 of the ID number (%(date)s) are not a real date of birth."),
            code="id_birth_date",
            params={"date": number[6:14]},
        ) from None
    today = today or dt.date.today()
    if birth < EARLIEST_BIRTH or birth > today:
        raise ValidationError(
            _("The date of birth in the ID number (%(date)s) is impossible."),
            code="id_birth_date",
            params={"date": birth.isoformat()},
        )
    if number[17] != id_check_character(number[:17]):
        raise ValidationError(
            _("The check character (the last one) of this ID number is wrong."),
            code="id_checksum",
        )
    return ResidentId(number, birth, "M" if int(number[16]) % 2 else "F")


# 48 × sum(WEIGHTS): what the ASCII codes of the digits add to the weighted sum
_ASCII_OFFSET = 48 * sum(WEIGHTS)


def id_number_parser(*, today: dt.date | None = None) -> Callable[[str], tuple[str, dt.date, str]]:
    """:func:`parse_id_number` for many numbers (a roster), giving ``(number,
    birth_date, gender)``: the same checks, results and errors, with ``today`` read
    once and each date of birth built once.

    Numbers already written cleanly (18 ASCII characters, upper-case X) go the fast
    way; anything else (spaces, a lower-case x, an error) goes through
    :func:`parse_id_number` itself.
    """
    today = today or dt.date.today()
    births: dict[str, dt.date | None] = {}

    def parse(value: str) -> tuple[str, dt.date, str]:
        if (
            value.__class__ is str
            and len(value) == 18
            and value.isascii()
            and value[:17].isdigit()
            and value[:2] in PROVINCE_CODES
        ):
            digits = value.encode()
            if CHECK_CHARS[(sum(map(mul, digits, WEIGHTS)) - _ASCII_OFFSET) % 11] == value[17]:
                key = value[6:14]
                birth = births.get(key, False)
                if birth is False:
                    birth = births[key] = _birth_date(key, today)
                if birth is not None:
                    return value, birth, "M" if digits[16] % 2 else "F"
        parsed = parse_id_number(value, today=today)
        return parsed.number, parsed.birth_date, parsed.gender

    return parse


def _birth_date(digits: str, today: dt.date) -> dt.date | None:
    """The date of birth of characters 7 to 14 (``None`` when :func:`parse_id_number`
    would refuse it)."""
    try:
        birth = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return birth if EARLIEST_BIRTH <= birth <= today else None


def validate_id_number(value: str) -> None:
    parse_id_number(value)
