"""Certification (赛证合一): rules that turn a published result into a credential.

A :class:`CertificationRule` of a competition says which results earn what: the
condition (the award equals a name, the rank is at most N, or the total is at
least T), the certificate's title, an optional skill-level action and the
issuing organisation. :func:`jingsai.certification.domain.issuing.apply_rules`
turns the competition's results into :class:`Certificate` rows, one per rule
and worker, each with an unguessable number, a PDF and a public verification
page. ``basis`` is what the certificate states; when it changes, the
certificate is revoked and a new one issued.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingsai.common.models import TimeStampedModel
from jingsai.competitions.models import Competition, Entry
from jingsai.organisations.models import Organisation
from jingsai.people.models import SkillLevel, User, Worker


class CertificationRule(TimeStampedModel):
    class Condition(models.TextChoices):
        AWARD = "award", _("the award is")
        RANK = "rank", _("the rank is at most")
        TOTAL = "total", _("the total is at least")

    class LevelAction(models.TextChoices):
        NONE = "", _("no skill-level change")
        SET = "set", _("raise to the level (never lower)")
        ONE_UP_BELOW = "one_up_below", _("one level up if below the level")

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="certification_rules"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices)
    award = models.CharField(_("award"), max_length=50, blank=True)
    max_rank = models.PositiveIntegerField(_("rank at most"), null=True, blank=True)
    min_total = models.DecimalField(
        _("total at least"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    title = models.CharField(
        _("certificate title"), max_length=100, help_text=_("e.g. 一等奖证书, 合格证书")
    )
    level_action = models.CharField(
        _("skill level"), max_length=12, choices=LevelAction.choices, blank=True, default=""
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=SkillLevel.choices, null=True, blank=True
    )
    issuer = models.ForeignKey(
        Organisation,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the competition's organiser."),
    )

    class Meta:
        verbose_name = _("certification rule")
        verbose_name_plural = _("certification rules")
        ordering = ["competition", "order", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.condition_text})"

    @property
    def condition_text(self) -> str:
        if self.condition == self.Condition.AWARD:
            return f"{self.get_condition_display()} {self.award}"
        if self.condition == self.Condition.RANK:
            return f"{self.get_condition_display()} {self.max_rank}"
        return f"{self.get_condition_display()} {self.min_total}"

    @property
    def level_text(self) -> str:
        if not self.level_action:
            return ""
        return f"{self.get_level_action_display()}: {self.get_level_display()}"

    def clean(self) -> None:
        errors = {}
        if self.condition == self.Condition.AWARD and not self.award.strip():
            errors["award"] = _("Name the award.")
        if self.condition == self.Condition.RANK and not self.max_rank:
            errors["max_rank"] = _("Give the lowest rank that earns the certificate.")
        if self.condition == self.Condition.TOTAL and self.min_total is None:
            errors["min_total"] = _("Give the lowest total that earns the certificate.")
        if self.level_action and not self.level:
            errors["level"] = _("Choose the skill level.")
        if errors:
            raise ValidationError(errors)

    def matches(self, *, award: str, rank: int, total: Decimal) -> bool:
        if self.condition == self.Condition.AWARD:
            return bool(award) and award == self.award.strip()
        if self.condition == self.Condition.RANK:
            return self.max_rank is not None and rank <= self.max_rank
        if self.condition == self.Condition.TOTAL:
            return self.min_total is not None and total >= self.min_total
        return False


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        REVOKED = "revoked", _("revoked")

    number = models.CharField(_("certificate number"), max_length=40)
    competition = models.ForeignKey(
        Competition,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
        db_index=False,
        help_text=_("Blank for an honour certificate."),
    )
    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    worker = models.ForeignKey(
        Worker,
        verbose_name=_("worker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    holder_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("holder (organisation)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honour_certificates",
        help_text=_("An honoured place's certificate is held by its organisation."),
    )
    honour = models.ForeignKey(
        "honours.Honour",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
        help_text=_("The 830 honour this certificate states; blank for a competition's."),
    )
    rule = models.ForeignKey(
        CertificationRule,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    title = models.CharField(_("certificate title"), max_length=100)
    award = models.CharField(_("award"), max_length=50, blank=True)
    total = models.DecimalField(_("total"), max_digits=9, decimal_places=2, null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    level = models.PositiveSmallIntegerField(
        _("skill level granted"), choices=SkillLevel.choices, null=True, blank=True
    )
    issued_on = models.DateField(_("issued on"))
    issuer = models.ForeignKey(
        Organisation, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VALID
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason revoked"), max_length=300, blank=True)
    revoked_by_hand = models.BooleanField(default=False)
    basis = models.CharField(max_length=300, help_text=_("What the certificate states."))
    skill_record = models.ForeignKey(
        "skills.SkillRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["competition", "id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="certificate_number_unique"),
            models.UniqueConstraint(
                fields=["rule", "worker"],
                condition=Q(status="valid"),
                name="one_valid_certificate_per_rule_and_worker",
            ),
            models.CheckConstraint(
                condition=Q(worker__isnull=False) | Q(holder_organisation__isnull=False),
                name="certificate_has_holder",
            ),
            models.CheckConstraint(
                condition=Q(competition__isnull=False) | Q(honour__isnull=False),
                name="certificate_has_basis",
            ),
        ]
        indexes = [
            models.Index(fields=["competition", "status", "id"], name="certificate_comp_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def holder_name(self) -> str:
        if self.worker_id:
            return self.worker.name
        return self.holder_organisation.name if self.holder_organisation_id else ""

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID
