"""Judging (评审): marking schemes, panels, assignments, mark sheets, results, appeals.

- :class:`Judging`: a competition's judging settings (awards, minimum total,
  tie-breakers, blind marking, appeal window) and where its marks stand
  (confirmed by the chief judge, results computed, on notice, published).
- :class:`Stage` and :class:`Criterion`: the marking scheme. A criterion may be
  scored on a scale (``scale``: judges give 0..scale, the mark is max × score ÷
  scale, the WorldSkills judgement rule) or be all-or-nothing (a measurement
  worth 0 or its maximum); see :mod:`jingsai.worldskills` for the schemes that
  use them.
- :class:`PanelJudge`: a judge on the competition's panel (one is the chief),
  with his organisation and declared conflicts (:class:`Conflict`).
- :class:`Assignment`: which judge marks which entry; never across a conflict
  (:mod:`jingsai.judging.domain.panel`).
- :class:`BlindCode`: the drawn anonymous code (加密编号) of an entry.
- :class:`Sheet` and :class:`Mark`: one judge's marks for one entry. A mark
  counts (``Mark.counts``) only while its sheet is submitted, or, when staff
  typed it, once a second person has checked it.
- :class:`Result`: the computed results, stored for notice and publication.
- :class:`Appeal`: an appeal (申诉) lodged during the public notice.

Marks are stored as whole ten-thousandths (``units``) so that sums in SQL are
exact on every database; see :mod:`jingsai.judging.domain.marks`.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingsai.common.models import TimeStampedModel
from jingsai.competitions.models import Competition, Entry
from jingsai.organisations.models import Organisation
from jingsai.people.models import User

MARK_SCALE = 10_000  # a mark is stored in ten-thousandths: 4 decimal places


def plain(value: Decimal | None) -> str:
    """A decimal as people write it: 100, 7.5, 0.25 (never 1E+2 or 7.5000)."""
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def units_to_decimal(units: int) -> Decimal:
    """A stored mark (whole ten-thousandths) as the decimal it was typed: 85.5, not 85.5000."""
    return Decimal(plain(Decimal(units) / MARK_SCALE))


class Judging(TimeStampedModel):
    """One per competition that is judged; created with its first stage."""

    competition = models.OneToOneField(
        Competition, on_delete=models.CASCADE, related_name="judging", primary_key=True
    )
    awards = models.CharField(
        _("awards"),
        max_length=300,
        blank=True,
        help_text=_("Shares of the ranked entries, e.g. 一等奖:10%,二等奖:20%,三等奖:30%"),
    )
    min_total = models.DecimalField(
        _("minimum total for an award"), max_digits=9, decimal_places=4, default=Decimal(0)
    )
    tiebreak = models.CharField(
        _("tie-breakers"),
        max_length=200,
        blank=True,
        help_text=_("Stage codes or “time”, in order, e.g. practical,time"),
    )
    blind = models.BooleanField(
        _("blind marking"),
        default=False,
        help_text=_("Judges see drawn codes (加密编号) instead of names and entry numbers."),
    )
    appeal_days = models.PositiveSmallIntegerField(
        _("days to lodge an appeal"),
        default=3,
        help_text=_("Counted from the first day of the public notice."),
    )
    arbitrators = models.ManyToManyField(
        User,
        verbose_name=_("arbitration group"),
        blank=True,
        related_name="arbitrating",
        help_text=_("Decide appeals, with programme admins."),
    )
    marks_confirmed_at = models.DateTimeField(_("marks confirmed at"), null=True, blank=True)
    marks_confirmed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField(_("results computed at"), null=True, blank=True)
    notice_from = models.DateField(_("public notice from"), null=True, blank=True)
    notice_until = models.DateField(_("public notice until"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("judging")
        verbose_name_plural = _("judging")

    def __str__(self) -> str:
        return str(self.competition)

    @property
    def tiebreak_rules(self) -> list[str]:
        return [t.strip() for t in self.tiebreak.replace("，", ",").split(",") if t.strip()]


class Stage(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="stages")
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(
        _("weight (%)"),
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0))],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["competition", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "code"], name="stage_code_unique")
        ]

    def __str__(self) -> str:
        return self.name or self.code


class Criterion(models.Model):
    class Kind(models.TextChoices):
        JUDGEMENT = "judgement", _("judgement (each judge marks)")
        MEASUREMENT = "measurement", _("measurement (one objective mark)")

    class Aggregation(models.TextChoices):
        MEAN = "mean", _("mean")
        TRIMMED = "trimmed", _("trimmed mean (drop highest and lowest from 5 judges)")
        MEDIAN = "median", _("median")

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="criteria", db_index=False
    )
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    max_mark = models.DecimalField(
        _("maximum mark"),
        max_digits=9,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001"))],
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.JUDGEMENT)
    aggregation = models.CharField(
        _("aggregation"), max_length=10, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    spread_limit = models.DecimalField(
        _("spread limit"),
        max_digits=9,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Flag when the highest and lowest judge marks differ by more than this."),
    )
    scale = models.PositiveSmallIntegerField(
        _("score scale"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Judges give a whole score from 0 to this (WorldSkills judgement: 3); the "
            "criterion's mark is its maximum × the aggregated score ÷ the scale. Empty: "
            "judges give marks."
        ),
    )
    all_or_nothing = models.BooleanField(
        _("all or nothing"),
        default=False,
        help_text=_("A measurement awarded in full or not at all: the mark is 0 or the maximum."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["competition", "stage__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "code"], name="criterion_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def max_text(self) -> str:
        return plain(self.max_mark)

    @property
    def spread_text(self) -> str:
        return plain(self.spread_limit)

    @property
    def top_input(self) -> Decimal:
        """The highest value a judge types: the scale's top score, else the maximum mark."""
        return Decimal(self.scale) if self.scale else self.max_mark


class PanelJudge(TimeStampedModel):
    """A judge on a competition's panel; ``code`` is how sheets and imports name him."""

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="judges", db_index=False
    )
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="judge_seats"
    )
    code = models.CharField(_("judge code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where the judge works: he never marks this organisation's entries."),
    )
    is_chief = models.BooleanField(_("chief judge"), default=False)

    class Meta:
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        ordering = ["competition", "-is_chief", "code"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "code"], name="judge_code_unique"),
            models.UniqueConstraint(
                fields=["competition", "user"],
                condition=Q(user__isnull=False),
                name="judge_user_unique",
            ),
            models.UniqueConstraint(
                fields=["competition"], condition=Q(is_chief=True), name="one_chief_judge"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Conflict(TimeStampedModel):
    """A conflict of interest (回避) a judge declared with an organisation."""

    judge = models.ForeignKey(PanelJudge, on_delete=models.CASCADE, related_name="conflicts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        constraints = [
            models.UniqueConstraint(fields=["judge", "organisation"], name="conflict_unique")
        ]

    def __str__(self) -> str:
        return f"{self.judge} ≠ {self.organisation}"


class Assignment(models.Model):
    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    judge = models.ForeignKey(PanelJudge, on_delete=models.CASCADE, related_name="assignments")
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="assignments", db_index=False
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge"], name="assignment_unique"),
        ]
        indexes = [models.Index(fields=["competition", "entry"], name="assignment_comp_idx")]

    def __str__(self) -> str:
        return f"{self.judge} → {self.entry}"


class BlindCode(models.Model):
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="blind_code")
    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    code = models.CharField(_("anonymous code"), max_length=12)

    class Meta:
        verbose_name = _("anonymous code")
        verbose_name_plural = _("anonymous codes")
        constraints = [
            models.UniqueConstraint(fields=["competition", "code"], name="blind_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class Sheet(TimeStampedModel):
    """One judge's mark sheet (评分表) for one entry."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted (locked)")
        RETURNED = "returned", _("returned for re-marking")

    class Source(models.TextChoices):
        JUDGE = "judge", _("marked by the judge")
        STAFF = "staff", _("typed in by staff from a paper sheet")
        IMPORT = "import", _("imported from a spreadsheet")

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    judge = models.ForeignKey(PanelJudge, on_delete=models.PROTECT, related_name="sheets")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="sheets")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.JUDGE
    )
    entered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The second person who checked a sheet typed in by staff."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_reason = models.TextField(_("why it was returned"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("mark sheet")
        verbose_name_plural = _("mark sheets")
        constraints = [
            models.UniqueConstraint(fields=["judge", "entry"], name="one_sheet_per_judge_and_entry")
        ]
        indexes = [models.Index(fields=["competition", "status"], name="sheet_status_idx")]

    def __str__(self) -> str:
        return f"{self.judge} · {self.entry}"

    @property
    def counts(self) -> bool:
        """Its marks count: submitted, and checked by a second person when staff typed it."""
        return self.status == self.Status.SUBMITTED and (
            self.source == self.Source.JUDGE or self.checked_by_id is not None
        )


class Mark(models.Model):
    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="marks")
    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+", db_index=False)
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="marks", db_index=False
    )
    units = models.BigIntegerField(_("mark (in ten-thousandths)"))
    counts = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="one_mark_per_criterion"),
            models.CheckConstraint(condition=Q(units__gte=0), name="mark_not_negative"),
        ]
        indexes = [
            models.Index(
                fields=["competition", "counts", "entry", "criterion", "units"],
                name="mark_results_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"

    @property
    def value(self) -> Decimal:
        return units_to_decimal(self.units)

    @property
    def text(self) -> str:
        return plain(self.value)


class Tally(models.Model):
    """The counted marks of one criterion of one entry, summed (a summary of :class:`Mark`).

    Kept in step with the marks in the same transaction by
    :func:`jingsai.judging.domain.tallies.refresh`; results are computed from it
    (a criterion's mark needs only the sum, lowest, highest and count of its
    judges' marks, except a median). A test compares it with the marks.
    """

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+", db_index=False)
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    total = models.BigIntegerField()
    lowest = models.BigIntegerField()
    highest = models.BigIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "entry", "criterion"], name="one_tally_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.criterion_id}: {self.count}"


class StageTally(models.Model):
    """One entry's stage, summed from its :class:`Tally` rows: the stage score times
    10⁴·L₀ (L₀ = lcm(1..12), so every mean, trimmed mean and median is a whole
    number), how many criteria have a mark, the fewest judge marks on a
    judgement criterion, and how many criteria are flagged. Kept in step by
    :func:`jingsai.judging.domain.tallies.refresh`; results are computed from it.
    """

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+", db_index=False)
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+", db_index=False)
    score = models.BigIntegerField()
    marked = models.PositiveIntegerField()
    fewest = models.PositiveIntegerField(null=True)
    flagged = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "entry", "stage"], name="one_stage_tally_per_entry"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.stage_id}: {self.score}"


class Result(models.Model):
    """A computed result; replaced whole each time results are computed."""

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="results", db_index=False
    )
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="result")
    rank = models.PositiveIntegerField(_("rank"))
    total = models.DecimalField(_("total"), max_digits=9, decimal_places=2)
    stage_scores = models.JSONField(_("stage scores"), default=dict)
    award = models.CharField(_("award"), max_length=50, blank=True)
    flags = models.CharField(_("flags"), max_length=500, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["competition", "position"]
        indexes = [models.Index(fields=["competition", "position"], name="result_order_idx")]

    def __str__(self) -> str:
        return f"{self.entry} · {self.rank} · {self.total}"


class Appeal(TimeStampedModel):
    """An appeal (申诉) against a result, lodged during the public notice."""

    class Status(models.TextChoices):
        LODGED = "lodged", _("lodged")
        UPHELD = "upheld", _("upheld")
        DISMISSED = "dismissed", _("dismissed")

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="appeals")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="appeals")
    lodged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    grounds = models.TextField(_("grounds"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.LODGED
    )
    decision = models.TextField(_("decision and reason"), blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.entry} · {self.get_status_display()}"
