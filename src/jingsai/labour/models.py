"""Labour competitions (劳动竞赛): periodic assessments, standings and rotating red flags.

- :class:`League`: a labour competition's assessment settings (check-kind
  weights, how an absent kind and a missing period count, flags per block,
  bonus cap, awards at the year's end) and whether the scheme is locked.
- :class:`Block` (标段/片区): a group of participants with its own flags.
- :class:`Participant`: a project site (项目部), team or enterprise in the league;
  it is an approved :class:`~jingsai.competitions.models.Entry` of the
  competition, with its block and project details.
- :class:`Indicator`, :class:`BonusItem`, :class:`VetoItem`: the scheme.
- :class:`Period`: a month or quarter; open → confirmed (locked) → published.
- :class:`Assessor`: a member of the inspection team, with his organisation and
  declared conflicts (:class:`AssessorConflict`), as for judges.
- :class:`Check` and :class:`CheckMark`: one assessor's marks (or a
  participant's self-check) for one participant in one period; it counts once
  submitted. :class:`Photo`: evidence taken at the site.
- :class:`Bonus`, :class:`Veto`: bonus points and vetoes (一票否决) of a period.
- :class:`KindTally`: per period, participant and check kind, the summary the
  scores are computed from (:mod:`jingsai.labour.domain.tallies`).
- :class:`PeriodScore` and :class:`Standing`: what a confirmed period gives.

Marks are whole ten-thousandths (``units``), as in judging.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingsai.common.models import TimeStampedModel
from jingsai.competitions.models import Competition, Entry
from jingsai.judging.models import MARK_SCALE, plain, units_to_decimal
from jingsai.organisations.models import Organisation
from jingsai.people.models import User

__all__ = ["MARK_SCALE", "plain", "units_to_decimal"]

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class League(TimeStampedModel):
    """One per labour competition; created when its assessment is first set up."""

    class Absent(models.TextChoices):
        LEAVE_OUT = "leave_out", _("left out (the other kinds' weights are scaled up)")
        AS_ZERO = "as_zero", _("counted as zero")

    class Cumulative(models.TextChoices):
        MEAN = "mean", _("mean of the period scores")
        WEIGHTED = "weighted", _("weighted by the periods' weights")

    competition = models.OneToOneField(
        Competition, on_delete=models.CASCADE, related_name="league", primary_key=True
    )
    self_weight = models.DecimalField(
        _("self-check weight (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(20),
        validators=PERCENT,
    )
    mutual_weight = models.DecimalField(
        _("mutual-check weight (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(30),
        validators=PERCENT,
    )
    spot_weight = models.DecimalField(
        _("spot-check weight (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(50),
        validators=PERCENT,
    )
    absent_kind = models.CharField(
        _("a kind of check missing in a period is"),
        max_length=10,
        choices=Absent.choices,
        default=Absent.LEAVE_OUT,
    )
    bonus_cap = models.DecimalField(
        _("most bonus points in a period"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    flags_per_block = models.PositiveSmallIntegerField(
        _("red flags per block"), default=3, validators=[MinValueValidator(1)]
    )
    cumulative = models.CharField(
        _("cumulative standings"), max_length=10, choices=Cumulative.choices, default="mean"
    )
    missing_period = models.CharField(
        _("a period without a score is"),
        max_length=10,
        choices=Absent.choices,
        default=Absent.AS_ZERO,
    )
    awards = models.CharField(
        _("year-end awards"),
        max_length=300,
        blank=True,
        help_text=_("Shares of the ranked participants, e.g. 一等奖:10%,二等奖:20%,三等奖:30%"),
    )
    finalised_at = models.DateTimeField(_("year-end standings final"), null=True, blank=True)

    class Meta:
        verbose_name = _("labour-competition assessment")
        verbose_name_plural = _("labour-competition assessments")

    def __str__(self) -> str:
        return str(self.competition)

    def kind_weights(self) -> dict[str, Decimal]:
        return {
            Check.Kind.SELF: self.self_weight,
            Check.Kind.MUTUAL: self.mutual_weight,
            Check.Kind.SPOT: self.spot_weight,
        }


class Block(models.Model):
    league = models.ForeignKey(League, on_delete=models.CASCADE, related_name="blocks")
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["league", "name"], name="labour_block_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Participant(models.Model):
    """A project site, team or enterprise in the league (an approved entry)."""

    league = models.ForeignKey(League, on_delete=models.CASCADE, related_name="participants")
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="participant")
    name = models.CharField(_("name"), max_length=200)
    block = models.ForeignKey(
        Block,
        verbose_name=_("block"),
        on_delete=models.PROTECT,
        related_name="participants",
        null=True,
        blank=True,
    )
    enterprise = models.ForeignKey(
        Organisation,
        verbose_name=_("enterprise (builder)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contract_value = models.DecimalField(
        _("contract value (10,000 yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    starts_on = models.DateField(_("works start"), null=True, blank=True)
    ends_on = models.DateField(_("works end"), null=True, blank=True)
    manager = models.CharField(_("project manager"), max_length=50, blank=True)
    description = models.TextField(_("project details"), blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["block__order", "block_id", "name", "id"]
        indexes = [models.Index(fields=["league", "block"], name="labour_participant_block_idx")]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    league = models.ForeignKey(League, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    maximum = models.DecimalField(
        _("maximum mark"),
        max_digits=7,
        decimal_places=2,
        default=Decimal(100),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    weight = models.DecimalField(
        _("weight (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    guidance = models.TextField(_("what is checked"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["league", "code"], name="labour_indicator_unique")
        ]

    def __str__(self) -> str:
        return self.name


class BonusItem(models.Model):
    league = models.ForeignKey(League, on_delete=models.CASCADE, related_name="bonus_items")
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    cap = models.DecimalField(
        _("most points in a period"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )

    class Meta:
        verbose_name = _("bonus item")
        verbose_name_plural = _("bonus items")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["league", "code"], name="labour_bonus_item_unique")
        ]

    def __str__(self) -> str:
        return self.name


class VetoItem(models.Model):
    league = models.ForeignKey(League, on_delete=models.CASCADE, related_name="veto_items")
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("veto item")
        verbose_name_plural = _("veto items")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["league", "code"], name="labour_veto_item_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Period(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open for checks")
        CONFIRMED = "confirmed", _("confirmed")
        PUBLISHED = "published", _("published")

    league = models.ForeignKey(League, on_delete=models.CASCADE, related_name="periods")
    code = models.SlugField(_("code"), max_length=20, help_text=_("e.g. 2026-03 or 2026-q1"))
    name = models.CharField(_("name"), max_length=50)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    weight = models.DecimalField(
        _("weight in the standings"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment period")
        verbose_name_plural = _("assessment periods")
        ordering = ["starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["league", "code"], name="labour_period_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="labour_period_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Assessor(models.Model):
    """A member of the inspection team (考核组); mutual checks come from peers, spot checks
    from the organiser's team. Never assesses a participant of his own organisation."""

    league = models.ForeignKey(League, on_delete=models.CASCADE, related_name="assessors")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assessor_seats")
    name = models.CharField(_("name"), max_length=50)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(
        _("checks he enters"),
        max_length=10,
        choices=[("mutual", _("mutual check")), ("spot", _("spot check"))],
        default="spot",
    )
    is_lead = models.BooleanField(_("team leader"), default=False)

    class Meta:
        verbose_name = _("assessor")
        verbose_name_plural = _("assessors")
        ordering = ["-is_lead", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["league", "user"], name="labour_assessor_unique")
        ]

    def __str__(self) -> str:
        return self.name


class AssessorConflict(models.Model):
    """A declared conflict of interest (回避): the assessor does not assess this participant."""

    assessor = models.ForeignKey(Assessor, on_delete=models.CASCADE, related_name="conflicts")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        constraints = [
            models.UniqueConstraint(
                fields=["assessor", "participant"], name="labour_conflict_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessor_id} ↔ {self.participant_id}"


class Check(TimeStampedModel):
    class Kind(models.TextChoices):
        SELF = "self", _("self-check")
        MUTUAL = "mutual", _("mutual check")
        SPOT = "spot", _("spot check")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    class Source(models.TextChoices):
        WEB = "web", _("entered on the web")
        IMPORT = "import", _("imported")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="checks")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    assessor = models.ForeignKey(
        Assessor,
        verbose_name=_("assessor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checks",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    note = models.TextField(_("findings"), blank=True)
    entered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("check")
        verbose_name_plural = _("checks")
        constraints = [
            # One check per assessor, participant, period and kind; one self-check
            # (assessor empty) per participant and period.
            models.UniqueConstraint(
                fields=["period", "participant", "kind", "assessor"],
                name="labour_check_unique",
            ),
            models.UniqueConstraint(
                fields=["period", "participant", "kind"],
                condition=models.Q(assessor__isnull=True),
                name="labour_check_self_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.period} · {self.get_kind_display()}"


class CheckMark(models.Model):
    check_ref = models.ForeignKey(Check, on_delete=models.CASCADE, related_name="marks")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    units = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["check_ref", "indicator"], name="labour_mark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"

    @property
    def value(self) -> Decimal:
        return units_to_decimal(self.units)


def photo_path(instance, filename: str) -> str:
    # The stored name never comes from the user.
    return f"labour/{uuid.uuid4().hex}.{instance.kind}"


class Photo(models.Model):
    check_ref = models.ForeignKey(Check, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=photo_path)
    kind = models.CharField(max_length=8)  # png / jpg, from the content
    size = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"photo {self.pk}"


class Bonus(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="bonuses")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="bonuses")
    item = models.ForeignKey(
        BonusItem, verbose_name=_("bonus item"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(
        _("points"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    reason = models.CharField(_("reason"), max_length=300)
    entered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("bonus")
        verbose_name_plural = _("bonuses")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "participant", "item"], name="labour_bonus_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} +{plain(self.points)}"


class Veto(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="vetoes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="vetoes")
    item = models.ForeignKey(
        VetoItem, verbose_name=_("veto item"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    entered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("veto")
        verbose_name_plural = _("vetoes")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "participant"], name="labour_veto_unique")
        ]

    def __str__(self) -> str:
        return str(self.item)


class KindTally(models.Model):
    """Σ over indicators of (sum of units × L0 ÷ count × the indicator's factor numerator)
    for one kind's submitted checks; see :mod:`jingsai.labour.domain.tallies`."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    numerator = models.BigIntegerField()
    checks = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "participant", "kind"], name="labour_tally_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.participant_id}/{self.kind}"


class PeriodScore(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="scores")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="scores")
    base = models.DecimalField(max_digits=9, decimal_places=2)
    bonus = models.DecimalField(max_digits=9, decimal_places=2)
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=2)
    vetoed = models.BooleanField(default=False)
    rank = models.PositiveIntegerField(_("rank"))
    block_rank = models.PositiveIntegerField(_("rank in block"))
    flag = models.BooleanField(_("red flag"), default=False)

    class Meta:
        ordering = ["rank", "participant_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "participant"], name="labour_period_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.score}"


class Standing(models.Model):
    """Cumulative standings after a period (the league table as it stood then)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="standings")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="standings")
    score = models.DecimalField(_("cumulative score"), max_digits=9, decimal_places=2)
    periods = models.PositiveSmallIntegerField(_("periods scored"))
    rank = models.PositiveIntegerField(_("rank"))
    block_rank = models.PositiveIntegerField(_("rank in block"))
    previous_rank = models.PositiveIntegerField(null=True, blank=True)
    flags = models.PositiveSmallIntegerField(_("red flags so far"), default=0)
    award = models.CharField(_("award"), max_length=50, blank=True)

    class Meta:
        ordering = ["rank", "participant_id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "participant"], name="labour_standing_unique")
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.score}"

    @property
    def movement(self) -> int | None:
        return None if self.previous_rank is None else self.previous_rank - self.rank
