"""Masking of personal data (个人信息脱敏).

ID numbers keep their first six characters (the region) and last four;
phones keep the first three and last four; names keep the surname.
"""

import re


def mask_id_number(value: str | None) -> str:
    """``310115199001011234`` → ``310115********1234``."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """``13912345678`` → ``139****5678``."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """``张三丰`` → ``张**``; used where the public sees a person."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_PHONE_LIKE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
# Any other run of 7 or more digits (a partial or separated ID number, a
# landline): keep the first three and last two.
_LONG_DIGITS = re.compile(r"(?<![0-9*])(\d{3})(\d{2,})(\d{2}[0-9Xx]?)(?![0-9])")


def mask_personal_data_in_text(text: str) -> str:
    """Mask anything shaped like an ID number, a mobile number or another long digit run."""
    text = _ID_LIKE.sub(lambda m: m.group(1) + "*" * 8 + m.group(3)[-4:], text)
    text = _PHONE_LIKE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return _LONG_DIGITS.sub(
        lambda m: (
            m.group(1) + "*" * len(m.group(2)) + m.group(3) if len(m.group(0)) >= 7 else m.group(0)
        ),
        text,
    )
