"""Validators for organisation data, shared by models, forms, imports and the API."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc

# GB 32100-2015: digits and capital letters except I, O, S, V and Z.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def normalise_credit_code(value: str) -> str:
    return (value or "").strip().replace(" ", "").replace("-", "").upper()


def validate_credit_code(value: str) -> None:
    """Unified social credit code (统一社会信用代码), GB 32100-2015.

    Eighteen characters: the registration authority and the kind of body (one
    character each), a six-digit region code, the nine-character organisation
    code and a check character computed over the first seventeen (python-stdnum's
    ``cn.uscc.calc_check_digit``). Unlike ``cn.uscc.validate``, authorities
    written with a letter (A, N, Y) are accepted: such codes are genuine.
    """
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="credit_code_length",
            params={"n": len(code)},
        )
    for position, char in enumerate(code, start=1):
        if char not in ALPHABET:
            raise ValidationError(
                _(
                    "Character %(position)d of the credit code (%(char)s) is not allowed: "
                    "only digits and capital letters other than I, O, S, V and Z."
                ),
                code="credit_code_format",
                params={"position": position, "char": char},
            )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of the credit code are the region code and must be digits."),
            code="credit_code_format",
        )
    if code[17] != uscc.calc_check_digit(code[:17]):
        raise ValidationError(
            _("The check character (the last one) of this credit code is wrong."),
            code="credit_code_checksum",
        )
