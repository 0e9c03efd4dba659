"""Accounts, role grants and workers (职工).

A user may hold several role grants, each tied to an organisation; what a
user may see and change is decided in :mod:`jingsai.access.policy` from these
grants. Workers are created and changed through
:mod:`jingsai.people.domain.workers`.
"""

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jingsai.catalogue.models import Industry, Zone
from jingsai.common.masking import mask_id_number, mask_phone
from jingsai.common.models import TimeStampedModel
from jingsai.common.validators import validate_phone
from jingsai.organisations.models import Organisation
from jingsai.people.validators import validate_id_number


class Role(models.TextChoices):
    PROGRAMME_ADMIN = "programme_admin", _("programme admin")
    LEADERSHIP = "leadership", _("leadership")
    CO_ORGANISER = "co_organiser", _("co-organiser staff")
    ENTERPRISE_OFFICER = "enterprise_officer", _("enterprise officer")
    JUDGE = "judge", _("judge")
    WORKER = "worker", _("worker")


class User(AbstractUser):
    """A login. Its roles are :class:`RoleGrant` rows, never flags on the user."""

    display_name = models.CharField(_("display name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleGrant(TimeStampedModel):
    """A role a user holds in an organisation (e.g. enterprise officer of 某公司)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="grants",
    )

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation"], name="one_grant_per_role_and_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class SkillLevel(models.IntegerChoices):
    """职业技能等级: level 1 is the highest."""

    SENIOR_TECHNICIAN = 1, _("senior technician (level 1)")
    TECHNICIAN = 2, _("technician (level 2)")
    SENIOR_WORKER = 3, _("senior worker (level 3)")
    INTERMEDIATE_WORKER = 4, _("intermediate worker (level 4)")
    JUNIOR_WORKER = 5, _("junior worker (level 5)")


class Gender(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Worker(TimeStampedModel):
    """A person who works (职工): one row per resident ID number, across enterprises and years.

    ``zone`` and ``industry`` copy the employer's, so that lists filter and
    count workers without a join at a million rows; :mod:`jingsai.people.domain.workers`
    and :mod:`jingsai.organisations.domain.services` keep them in step.
    """

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=32, editable=False, default=""
    )
    id_number = models.CharField(
        _("resident ID number"), max_length=18, unique=True, validators=[validate_id_number]
    )
    birth_date = models.DateField(_("date of birth"), editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, editable=False)
    employer = models.ForeignKey(
        Organisation,
        db_index=False,  # covered by a composite index that starts with it
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="workers",
    )
    zone = models.ForeignKey(
        Zone,
        db_index=False,  # covered by a composite index that starts with it
        verbose_name=_("zone"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The employer's zone, kept in step by the worker and organisation services."),
    )
    industry = models.ForeignKey(
        Industry,
        db_index=False,  # covered by a composite index that starts with it
        verbose_name=_("industry"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "The employer's industry, kept in step by the worker and organisation services."
        ),
    )
    trade = models.CharField(_("trade"), max_length=50, blank=True)
    skill_level = models.PositiveSmallIntegerField(
        _("skill level"),
        choices=SkillLevel.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    user = models.OneToOneField(
        User,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="worker",
    )

    audit_masked_fields = ("id_number", "phone", "birth_date")

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(skill_level__isnull=True)
                | models.Q(skill_level__gte=1, skill_level__lte=5),
                name="worker_skill_level_1_to_5",
            )
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="worker_name_idx"),
            models.Index(fields=["name_initials", "id"], name="worker_initials_idx"),
            models.Index(fields=["employer", "id"], name="worker_employer_idx"),
            models.Index(fields=["skill_level", "id"], name="worker_level_idx"),
            models.Index(fields=["zone", "skill_level", "id"], name="worker_zone_level_idx"),
            models.Index(
                fields=["industry", "skill_level", "id"], name="worker_industry_level_idx"
            ),
            models.Index(fields=["zone", "industry", "id"], name="worker_zone_industry_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
