"""Validators for contact data shared by several apps."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalise_phone(value: str) -> str:
    """Spaces go; ``+86`` goes; a mobile written ``139-1234-5678`` loses its hyphens."""
    if value and MOBILE.match(value):  # the common case, already clean
        return value
    value = (value or "").strip().replace(" ", "").replace("\u3000", "")
    if value.startswith("+86"):
        value = value[3:].lstrip("-")
    elif value.startswith("0086"):
        value = value[4:].lstrip("-")
    compact = value.replace("-", "")
    if compact.isdigit() and compact.startswith("1"):
        return compact
    return value


def validate_phone(value: str) -> None:
    """A mainland mobile number (11 digits starting 13–19) or a landline with area code."""
    phone = normalise_phone(value)
    if MOBILE.match(phone):
        return
    if phone.isdigit() and phone.startswith("1"):
        if len(phone) != 11:
            raise ValidationError(
                _("A mobile number has 11 digits; this one has %(n)d."),
                code="phone_length",
                params={"n": len(phone)},
            )
        if not MOBILE.match(phone):
            raise ValidationError(_("A mobile number starts with 13 to 19."), code="phone_prefix")
        return
    if not LANDLINE.match(phone):
        raise ValidationError(
            _(
                "Enter an 11-digit mobile number or a landline with its area code, "
                "e.g. 021-58881234."
            ),
            code="phone_format",
        )
