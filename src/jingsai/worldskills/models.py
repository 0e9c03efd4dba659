"""A WorldSkills marking scheme as its CIS workbook has it, tied to the judging rows.

- :class:`Scheme`: one per competition: the skill's title and the marking
  settings (spread limit in score points, judges per panel).
- :class:`Section`: a section of the occupational standard (WSOS) with its
  target mark and the "Aspect Marks" the workbook stated (kept to show how it
  differs from the marks the aspects give; :mod:`.domain.sections`).
- :class:`SchemeCriterion`: criterion A–I with its mark; marked as one judging
  :class:`~jingsai.judging.models.Stage`.
- :class:`SubCriterion` and :class:`Aspect`: each aspect is one judging
  :class:`~jingsai.judging.models.Criterion`; :class:`Descriptor` holds what a
  judgement score 0–3 means.
- :class:`Calculation`: a named deduction rule of the ``Calculations`` sheet,
  its parameters as written (:mod:`.domain.deductions` reads them).
- :class:`MeasurementInput`: what a judge chose or measured for an aspect with a
  deduction rule, next to the mark it gave (:mod:`.domain.marking`).

All of it is written by :func:`jingsai.worldskills.domain.cis_import.save_scheme`
in one transaction, which keeps the judging rows in step.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from jingsai.common.models import TimeStampedModel
from jingsai.competitions.models import Competition
from jingsai.judging.models import Criterion, Sheet, Stage


class Scheme(TimeStampedModel):
    competition = models.OneToOneField(
        Competition, on_delete=models.CASCADE, related_name="worldskills_scheme"
    )
    title = models.CharField(_("skill"), max_length=200, blank=True)
    source_name = models.CharField(_("imported from"), max_length=200, blank=True)
    spread_limit = models.DecimalField(
        _("spread limit (score points)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        help_text=_("Judgement scores that differ by more than this are flagged for re-scoring."),
    )
    judges_per_panel = models.PositiveSmallIntegerField(_("judges per panel"), default=3)

    class Meta:
        verbose_name = _("WorldSkills marking scheme")
        verbose_name_plural = _("WorldSkills marking schemes")

    def __str__(self) -> str:
        return self.title or str(self.competition)


class Section(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(_("section"))
    title = models.CharField(_("title"), max_length=300)
    target = models.DecimalField(_("WSOS marks"), max_digits=9, decimal_places=4)
    stated = models.DecimalField(
        _("aspect marks stated in the workbook"),
        max_digits=9,
        decimal_places=4,
        null=True,
        blank=True,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("standard section")
        verbose_name_plural = _("standard sections")
        ordering = ["scheme", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="ws_section_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Calculation(models.Model):
    class Kind(models.TextChoices):
        CHOICE = "CHOICE", _("labelled choices")
        REGULAR_DIFFERENCE = "REGULAR_DIFFERENCE_DEDUCTION", _("deduction per unit of difference")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="calculations")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    parameters = models.JSONField(_("parameters"), default=list)  # [[key, value], …] as written
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("deduction rule")
        verbose_name_plural = _("deduction rules")
        ordering = ["scheme", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="ws_calculation_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SchemeCriterion(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="criteria")
    letter = models.CharField(_("criterion"), max_length=1)
    name = models.CharField(_("name"), max_length=200)
    mark = models.DecimalField(_("mark"), max_digits=9, decimal_places=4)
    stage = models.OneToOneField(
        Stage, null=True, on_delete=models.SET_NULL, related_name="worldskills_criterion"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("WorldSkills criterion")
        verbose_name_plural = _("WorldSkills criteria")
        ordering = ["scheme", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "letter"], name="ws_criterion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.letter} {self.name}"


class SubCriterion(models.Model):
    criterion = models.ForeignKey(
        SchemeCriterion, on_delete=models.CASCADE, related_name="subcriteria"
    )
    code = models.CharField(_("sub-criterion"), max_length=10)
    name = models.CharField(_("name"), max_length=300)
    day = models.CharField(_("day of marking"), max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("sub-criterion")
        verbose_name_plural = _("sub-criteria")
        ordering = ["criterion", "order", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Aspect(models.Model):
    class Kind(models.TextChoices):
        MEASUREMENT = "M", _("measurement")
        JUDGEMENT = "J", _("judgement")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="aspects")
    sub_criterion = models.ForeignKey(
        SubCriterion, on_delete=models.CASCADE, related_name="aspects"
    )
    code = models.CharField(_("aspect"), max_length=20)
    kind = models.CharField(_("type"), max_length=1, choices=Kind.choices)
    description = models.TextField(_("description"))
    extra = models.TextField(_("extra description"), blank=True)
    requirement = models.TextField(_("requirement"), blank=True)
    heading = models.CharField(
        _("heading"), max_length=300, blank=True, help_text=_("The label row printed above it.")
    )
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="aspects")
    calculation = models.ForeignKey(
        Calculation, null=True, blank=True, on_delete=models.PROTECT, related_name="aspects"
    )
    max_mark = models.DecimalField(_("maximum mark"), max_digits=9, decimal_places=4)
    criterion = models.OneToOneField(
        Criterion, null=True, on_delete=models.SET_NULL, related_name="worldskills_aspect"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("aspect")
        verbose_name_plural = _("aspects")
        ordering = ["sub_criterion", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="ws_aspect_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:60]}"


class Descriptor(models.Model):
    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="descriptors")
    score = models.PositiveSmallIntegerField(_("score"))
    text = models.TextField(_("what earns it"))

    class Meta:
        verbose_name = _("judgement descriptor")
        verbose_name_plural = _("judgement descriptors")
        ordering = ["aspect", "score"]
        constraints = [
            models.UniqueConstraint(fields=["aspect", "score"], name="ws_descriptor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.score}: {self.text[:60]}"


class MeasurementInput(models.Model):
    """What a judge chose (a numbered choice) or measured for an aspect with a deduction
    rule; the mark it gave is the judging :class:`~jingsai.judging.models.Mark`."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="+")
    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="+")
    choice = models.PositiveSmallIntegerField(_("choice"), null=True, blank=True)
    measured = models.DecimalField(
        _("measured value"), max_digits=18, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("measurement input")
        verbose_name_plural = _("measurement inputs")
        constraints = [models.UniqueConstraint(fields=["sheet", "aspect"], name="ws_input_unique")]

    def __str__(self) -> str:
        return f"{self.sheet_id}/{self.aspect_id}"
