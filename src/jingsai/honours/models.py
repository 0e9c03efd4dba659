"""The yearly honours selection (the "830": 8 categories × 30).

- :class:`Round`: a programme year's selection: nomination window, stage, the
  aggregation of reviewers' marks, notice length, the term of place titles.
- :class:`RoundCategory`: one of the 8 categories in a round, with its
  eligibility rules (all editable; defaults from the Pudong preset) and review
  criteria. The quota is the year's :class:`~jingsai.catalogue.models.HonourQuota`.
- :class:`Nomination`: a worker, an innovation result or an organisation (place)
  put forward by an enterprise or a co-organiser, with evidence picked from the
  platform, a narrative and files.
- :class:`Reviewer` (+ :class:`ReviewerConflict`): an expert reviewing one
  category; the judges' conflict rule applies. :class:`ReviewSheet` and
  :class:`ReviewMark`: his marks for one nomination on the category's criteria.
- :class:`TieDecision`: the committee's recorded decision on a tie across the
  quota boundary.
- :class:`Objection`: lodged by anyone during the public notice (公示); resolved
  by staff (upheld or dismissed, with a reason).
- :class:`Honour`: the title granted when the list is final; places hold it for
  a term and are re-rated (:class:`Rerating`).

Stages: nomination → review → selection → notice → final
(:mod:`jingsai.honours.domain.stages`).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingsai.catalogue.models import HonourCategory, ProgrammeYear
from jingsai.common.models import TimeStampedModel
from jingsai.competitions.models import CompetitionLevel
from jingsai.innovation.models import InnovationResult
from jingsai.organisations.models import Organisation
from jingsai.people.models import SkillLevel, User, Worker


class Aggregation(models.TextChoices):
    MEAN = "mean", _("mean")
    TRIMMED = "trimmed", _("trimmed mean (drop highest and lowest from 5 reviewers)")
    MEDIAN = "median", _("median")


class Round(TimeStampedModel):
    class Stage(models.TextChoices):
        NOMINATION = "nomination", _("nomination")
        REVIEW = "review", _("expert review")
        SELECTION = "selection", _("selection")
        NOTICE = "notice", _("public notice")
        FINAL = "final", _("final")

    year = models.OneToOneField(
        ProgrammeYear, verbose_name=_("year"), on_delete=models.PROTECT, related_name="honours"
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.NOMINATION
    )
    nomination_opens = models.DateTimeField(_("nominations open"), null=True, blank=True)
    nomination_closes = models.DateTimeField(_("nominations close"), null=True, blank=True)
    aggregation = models.CharField(
        _("aggregation of reviewers' marks"),
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.TRIMMED,
    )
    notice_days = models.PositiveSmallIntegerField(
        _("public notice (days)"), default=7, validators=[MinValueValidator(1)]
    )
    place_term_years = models.PositiveSmallIntegerField(
        _("term of a place's title (years)"), default=3, validators=[MinValueValidator(1)]
    )
    exclusive_people = models.BooleanField(
        _("one people category per person"),
        default=True,
        help_text=_("No one is nominated in two people categories of the same year."),
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("honours round")
        verbose_name_plural = _("honours rounds")
        ordering = ["-year__year"]

    def __str__(self) -> str:
        return f"{self.year.year} 830"


class RoundCategory(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="categories")
    category = models.ForeignKey(
        HonourCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    # people: qualifies by any one of the enabled rules
    max_skill_level = models.PositiveSmallIntegerField(
        _("skill level at least"),
        choices=SkillLevel.choices,
        null=True,
        blank=True,
        help_text=_("A worker at this level or above qualifies; blank: not a way to qualify."),
    )
    top_rank = models.PositiveSmallIntegerField(
        _("or a rank at most"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("A worker with a published rank this good qualifies; blank: not a way."),
    )
    rank_scope = models.CharField(
        _("in a competition at level"),
        max_length=20,
        choices=CompetitionLevel.Scope.choices,
        default=CompetitionLevel.Scope.DISTRICT,
    )
    rank_years = models.PositiveSmallIntegerField(
        _("within the last (years)"), default=3, validators=[MinValueValidator(1)]
    )
    by_innovation = models.BooleanField(
        _("or an author of a result with verified benefit"), default=False
    )
    # results
    innovation_kind = models.CharField(
        _("innovation kind"),
        max_length=12,
        choices=InnovationResult.Kind.choices,
        blank=True,
        help_text=_("Results categories: the kind of innovation result nominated."),
    )
    requires_verified_benefit = models.BooleanField(
        _("requires an adopted result with verified benefit"), default=True
    )
    # places
    organisation_kinds = models.JSONField(
        _("organisation kinds"),
        default=list,
        blank=True,
        help_text=_("Places categories: the kinds of organisation that may be nominated."),
    )

    class Meta:
        verbose_name = _("round category")
        verbose_name_plural = _("round categories")
        ordering = ["round", "category__order", "category_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "category"], name="one_category_per_round")
        ]

    def __str__(self) -> str:
        return str(self.category)

    @property
    def kind(self) -> str:
        return self.category.kind


class ReviewCriterion(models.Model):
    round_category = models.ForeignKey(
        RoundCategory, on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("criterion"), max_length=100)
    max_mark = models.DecimalField(
        _("maximum mark"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    spread_limit = models.DecimalField(
        _("spread limit"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Highest − lowest reviewer mark above this raises a flag; blank: none."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["round_category", "order", "id"]

    def __str__(self) -> str:
        return self.name


def nomination_file_path(instance, filename: str) -> str:
    # The stored name never comes from the user.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"honours/{instance.nomination_id}/{uuid.uuid4().hex}.{suffix[:8]}"


class Nomination(TimeStampedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("nominated")
        WITHDRAWN = "withdrawn", _("withdrawn")
        REMOVED = "removed", _("removed after an objection")
        HONOURED = "honoured", _("honoured")

    round_category = models.ForeignKey(
        RoundCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    worker = models.ForeignKey(
        Worker, null=True, blank=True, on_delete=models.PROTECT, related_name="nominations"
    )
    innovation = models.ForeignKey(
        InnovationResult,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="place_nominations",
    )
    nominator = models.ForeignKey(
        Organisation,
        verbose_name=_("nominated by"),
        on_delete=models.PROTECT,
        related_name="nominations_made",
    )
    narrative = models.TextField(_("narrative"))
    evidence = models.JSONField(
        _("evidence"),
        default=list,
        blank=True,
        help_text=_("Items picked from the platform: kind, id and the label shown."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    eligible = models.BooleanField(_("eligible"), default=False)
    eligibility = models.JSONField(
        _("eligibility"), default=list, blank=True, help_text=_("The rules checked, with reasons.")
    )
    # selection
    total = models.DecimalField(_("total"), max_digits=9, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    proposed = models.BooleanField(_("proposed"), default=False)
    notice_from = models.DateField(_("on notice from"), null=True, blank=True)
    notice_until = models.DateField(_("on notice until"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_reason = models.TextField(_("reason withdrawn"), blank=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["round_category", "rank", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(worker__isnull=False, innovation__isnull=True, organisation__isnull=True)
                    | Q(worker__isnull=True, innovation__isnull=False, organisation__isnull=True)
                    | Q(worker__isnull=True, innovation__isnull=True, organisation__isnull=False)
                ),
                name="nomination_has_one_subject",
            ),
            models.UniqueConstraint(
                fields=["round_category", "worker"],
                condition=Q(worker__isnull=False) & ~Q(status="withdrawn"),
                name="one_nomination_per_worker_and_category",
            ),
            models.UniqueConstraint(
                fields=["round_category", "innovation"],
                condition=Q(innovation__isnull=False) & ~Q(status="withdrawn"),
                name="one_nomination_per_result_and_category",
            ),
            models.UniqueConstraint(
                fields=["round_category", "organisation"],
                condition=Q(organisation__isnull=False) & ~Q(status="withdrawn"),
                name="one_nomination_per_place_and_category",
            ),
        ]

    def __str__(self) -> str:
        return self.subject_name

    @property
    def subject_name(self) -> str:
        if self.worker_id:
            return self.worker.name
        if self.innovation_id:
            return self.innovation.title
        return self.organisation.name

    @property
    def subject_organisation_id(self) -> int | None:
        """The organisation the nominee belongs to (for the conflict rule)."""
        if self.worker_id:
            return self.worker.employer_id
        if self.innovation_id:
            return self.innovation.enterprise_id
        return self.organisation_id


class NominationFile(TimeStampedModel):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=nomination_file_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["nomination", "id"]

    def __str__(self) -> str:
        return self.title


class Reviewer(TimeStampedModel):
    round_category = models.ForeignKey(
        RoundCategory, verbose_name=_("category"), on_delete=models.CASCADE,
        related_name="reviewers",
    )  # fmt: skip
    user = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.PROTECT, related_name="honour_reviews"
    )
    name = models.CharField(_("name"), max_length=50)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewers")
        ordering = ["round_category", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round_category", "user"], name="one_reviewer_seat_per_category"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ReviewerConflict(TimeStampedModel):
    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="conflicts")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "organisation"], name="one_reviewer_conflict_per_organisation"
            )
        ]


class ReviewSheet(TimeStampedModel):
    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="sheets")
    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="sheets", db_index=False
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "reviewer"], name="one_review_sheet_per_reviewer"
            )
        ]


class ReviewMark(models.Model):
    sheet = models.ForeignKey(ReviewSheet, on_delete=models.CASCADE, related_name="marks")
    criterion = models.ForeignKey(ReviewCriterion, on_delete=models.CASCADE, related_name="+")
    mark = models.DecimalField(
        _("mark"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="one_review_mark"),
            models.CheckConstraint(condition=Q(mark__gte=0), name="review_mark_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.mark}"


class TieDecision(TimeStampedModel):
    """The committee's choice among nominations tied across the quota boundary."""

    round_category = models.ForeignKey(
        RoundCategory, on_delete=models.CASCADE, related_name="tie_decisions"
    )
    rank = models.PositiveIntegerField(_("tied rank"))
    tied = models.JSONField(_("tied nominations"), default=list)
    chosen = models.JSONField(_("chosen nominations"), default=list)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("committee decision")
        verbose_name_plural = _("committee decisions")
        ordering = ["round_category", "-id"]


class Objection(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        UPHELD = "upheld", _("upheld")
        DISMISSED = "dismissed", _("dismissed")

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nominee"), on_delete=models.PROTECT, related_name="objections"
    )
    grounds = models.TextField(_("grounds"))
    name = models.CharField(_("your name"), max_length=50, blank=True)
    contact = models.CharField(_("phone or e-mail"), max_length=100, blank=True)
    address_hash = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-created_at", "-id"]


class Honour(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("held")
        LOST = "lost", _("lost at re-rating")
        EXPIRED = "expired", _("term ended")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="honours")
    category = models.ForeignKey(
        HonourCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="honour")
    worker = models.ForeignKey(
        Worker, null=True, blank=True, on_delete=models.PROTECT, related_name="honours"
    )
    innovation = models.ForeignKey(
        InnovationResult, null=True, blank=True, on_delete=models.PROTECT, related_name="honours"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="honours"
    )
    title = models.CharField(_("title"), max_length=100)
    granted_on = models.DateField(_("granted on"))
    term_ends = models.DateField(_("title held until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    lost_on = models.DateField(_("lost on"), null=True, blank=True)
    lost_reason = models.TextField(_("reason lost"), blank=True)

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["round", "category__order", "nomination__rank", "id"]

    def __str__(self) -> str:
        return self.title


class Rerating(TimeStampedModel):
    """A place's re-rating (复评): due on a date; passed, or failed with the reason."""

    honour = models.ForeignKey(Honour, on_delete=models.CASCADE, related_name="reratings")
    due_on = models.DateField(_("due on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True)
    score = models.DecimalField(
        _("score"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("re-rating")
        verbose_name_plural = _("re-ratings")
        ordering = ["honour", "due_on", "id"]
