"""Innovation results (成果转化): what workers invent and improve, and what it saves.

- :class:`InnovationResult`: one result of one of three kinds — 职工创新成果
  (innovation achievement), 先进操作法 (advanced operation method, usually named
  after its author) or 合理化建议 (rationalisation suggestion) — recorded for an
  enterprise and a programme year, optionally from a competition.
- :class:`Author`: its authors (one or more workers), in order.
- :class:`ResultFile`: files attached to it (checked by content, stored under a
  random name, served only to those who may see the result).
- :class:`RewardBand`: the reward tiers by verified benefit (configurable): a
  result falls in the highest band whose threshold its money saved, or its hours
  saved, reaches.

Lifecycle (:mod:`jingsai.innovation.domain.lifecycle`)::

    submitted → in enterprise review → adopted → benefit verified → recognised
          ↘             ↘                 ↘
                          rejected (with the reason)

Verified results feed the 830 result categories (:mod:`jingsai.honours`).
"""

from __future__ import annotations

import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingsai.catalogue.models import ProgrammeYear
from jingsai.common.models import TimeStampedModel
from jingsai.competitions.models import Competition
from jingsai.organisations.models import Organisation
from jingsai.people.models import User, Worker


class RewardBand(TimeStampedModel):
    """A reward tier: reached when money saved ≥ ``min_money`` or hours saved ≥ ``min_hours``."""

    name = models.CharField(_("tier"), max_length=50)
    min_money = models.DecimalField(
        _("money saved from (yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    min_hours = models.DecimalField(
        _("or hours saved from"),
        max_digits=10,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Blank: this tier is reached by money saved only."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=1, help_text=_("1 is the highest tier.")
    )

    class Meta:
        verbose_name = _("reward tier")
        verbose_name_plural = _("reward tiers")
        ordering = ["order", "-min_money", "id"]

    def __str__(self) -> str:
        return self.name


class InnovationResult(TimeStampedModel):
    class Kind(models.TextChoices):
        ACHIEVEMENT = "achievement", _("innovation achievement (职工创新成果)")
        METHOD = "method", _("advanced operation method (先进操作法)")
        SUGGESTION = "suggestion", _("rationalisation suggestion (合理化建议)")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        IN_REVIEW = "in_review", _("in enterprise review")
        ADOPTED = "adopted", _("adopted")
        VERIFIED = "verified", _("benefit verified")
        RECOGNISED = "recognised", _("recognised")
        REJECTED = "rejected", _("rejected")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    year = models.ForeignKey(
        ProgrammeYear, verbose_name=_("year"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Organisation,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="innovation_results",
    )
    competition = models.ForeignKey(
        Competition,
        verbose_name=_("from competition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="innovation_results",
        help_text=_("The competition the result came from, if any."),
    )
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        User, verbose_name=_("submitted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # adoption (the enterprise implements it)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adoption_note = models.TextField(_("how it was implemented"), blank=True)
    # verified benefit
    money_saved = models.DecimalField(
        _("money saved (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    hours_saved = models.DecimalField(
        _("hours saved"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    quality_gain = models.TextField(_("quality gain"), blank=True)
    benefit_evidence = models.TextField(_("evidence of the benefit"), blank=True)
    verified_by = models.ForeignKey(
        User, verbose_name=_("verified by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    reward_band = models.ForeignKey(
        RewardBand,
        verbose_name=_("reward tier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="results",
    )
    recognised_at = models.DateTimeField(_("recognised at"), null=True, blank=True)
    # rejection
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejected_from = models.CharField(max_length=12, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        verbose_name = _("innovation result")
        verbose_name_plural = _("innovation results")
        ordering = ["-year__year", "-id"]
        indexes = [
            models.Index(fields=["year", "kind", "status"], name="innovation_year_kind_idx"),
            models.Index(fields=["enterprise", "status"], name="innovation_enterprise_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(money_saved__isnull=True) | Q(money_saved__gte=0),
                name="innovation_money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(hours_saved__isnull=True) | Q(hours_saved__gte=0),
                name="innovation_hours_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_verified_benefit(self) -> bool:
        return self.status in (self.Status.VERIFIED, self.Status.RECOGNISED)


class Author(models.Model):
    result = models.ForeignKey(InnovationResult, on_delete=models.CASCADE, related_name="authors")
    worker = models.ForeignKey(
        Worker, verbose_name=_("author"), on_delete=models.PROTECT, related_name="innovations"
    )
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["result", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["result", "worker"], name="one_authorship_per_worker")
        ]

    def __str__(self) -> str:
        return str(self.worker)


def result_file_path(instance, filename: str) -> str:
    # The stored name never comes from the user.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"innovation/{instance.result_id}/{uuid.uuid4().hex}.{suffix[:8]}"


class ResultFile(TimeStampedModel):
    result = models.ForeignKey(InnovationResult, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=result_file_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["result", "id"]

    def __str__(self) -> str:
        return self.title
