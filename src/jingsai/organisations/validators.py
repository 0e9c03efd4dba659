"""Validators for organisation data, shared by models, forms, imports and the API."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc


def normalise_credit_code(value: str) -> str:
    return (value or "").strip().replace(" ", "").replace("-", "").upper()


def validate_credit_code(value: str) -> None:
    """Unified social credit code (统一社会信用代码), GB 32100-2015, check character included."""
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="credit_code_length",
            params={"n": len(code)},
        )
    try:
        uscc.validate(code)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("The check character (the last one) of this credit code is wrong."),
            code="credit_code_checksum",
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _(
                "This is not a valid credit code: it may only use digits and the capital "
                "letters allowed by GB 32100 (not I, O, S, V or Z)."
            ),
            code="credit_code_format",
        ) from None
