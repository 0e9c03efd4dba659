"""Organisations (组织): one table for every kind — the union, government
departments, development zones, service bodies, industry associations,
enterprises and training bodies.

Created and changed through :mod:`jingsai.organisations.domain.services`,
which keeps the audit trail and the pinyin search key.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingsai.catalogue.models import Industry, Zone
from jingsai.common.models import TimeStampedModel
from jingsai.common.validators import validate_phone
from jingsai.organisations.validators import validate_credit_code


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        UNION = "union", _("trade union")
        GOVERNMENT = "government", _("government department")
        DEVELOPMENT_ZONE = "development_zone", _("development zone")
        SERVICE_BODY = "service_body", _("service body")
        ASSOCIATION = "association", _("industry association")
        ENTERPRISE = "enterprise", _("enterprise")
        TRAINING_BODY = "training_body", _("school or training body")
        OTHER = "other", _("other organisation")

    name = models.CharField(_("name"), max_length=200)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=32, editable=False, default=""
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    credit_code = models.CharField(  # noqa: DJ001 (NULL, not "", so that uniqueness skips non-enterprises)
        _("unified social credit code"),
        max_length=18,
        null=True,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, required for enterprises."),
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("industry"), null=True, blank=True, on_delete=models.PROTECT
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    is_active = models.BooleanField(_("active"), default=True)

    audit_masked_fields = ("contact_phone",)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=Q(credit_code__isnull=False),
                name="organisation_credit_code_unique",
                violation_error_message=_("This credit code is already registered."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="enterprise") | Q(credit_code__isnull=False),
                name="enterprise_has_credit_code",
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(kind="enterprise"),
                name="enterprise_name_unique",
                violation_error_message=_("An enterprise with this name is already registered."),
            ),
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="org_name_idx"),
            models.Index(fields=["name_initials", "id"], name="org_initials_idx"),
            models.Index(fields=["kind", "id"], name="org_kind_idx"),
            models.Index(fields=["zone", "id"], name="org_zone_idx"),
            models.Index(fields=["industry", "id"], name="org_industry_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_enterprise(self) -> bool:
        return self.kind == self.Kind.ENTERPRISE
