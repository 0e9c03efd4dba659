"""The catalogue: programme years with their targets, and the tags competitions
carry — series, brands, industries and zones — plus the 830 honour categories.

The Pudong preset (:mod:`jingsai.presets.pudong`) fills these tables.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingsai.common.fields import BilingualNameMixin


class ProgrammeYear(models.Model):
    """A year's programme (年度): its competitions, targets and the 830 round."""

    year = models.PositiveIntegerField(_("year"), unique=True, validators=[MinValueValidator(2000)])
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    target_enterprises = models.PositiveIntegerField(
        _("target: enterprises taking part"), default=0
    )
    target_workers = models.PositiveIntegerField(_("target: workers taking part"), default=0)

    class Meta:
        verbose_name = _("programme year")
        verbose_name_plural = _("programme years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title or str(self.year)


class Series(BilingualNameMixin):
    """One of the programme's series (系列), e.g. 六大硬核产业."""

    code = models.SlugField(_("code"), unique=True)
    description = models.TextField(_("description"), blank=True)
    fields = models.JSONField(_("competition fields"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["order", "id"]


class Brand(BilingualNameMixin):
    """A competition brand (品牌); placeholders are configurable names."""

    code = models.SlugField(_("code"), unique=True)
    is_placeholder = models.BooleanField(_("placeholder, to be named"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["order", "id"]


class Industry(BilingualNameMixin):
    """An industry (行业); the six hard-core industries belong to series 1."""

    code = models.SlugField(_("code"), unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    series = models.ForeignKey(
        Series, verbose_name=_("series"), null=True, blank=True, on_delete=models.SET_NULL
    )
    is_hard_core = models.BooleanField(_("hard-core industry"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["order", "id"]


class Zone(BilingualNameMixin):
    """A zone (区域): development zone, block or town, e.g. 临港, 张江, 金桥, 前滩."""

    class Kind(models.TextChoices):
        DEVELOPMENT_ZONE = "development_zone", _("development zone")
        BLOCK = "block", _("block")
        TOWN = "town", _("town")

    code = models.SlugField(_("code"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BLOCK)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["order", "id"]


class HonourCategory(BilingualNameMixin):
    """A category of the yearly honours selection (the "830": 8 categories × 30)."""

    class Kind(models.TextChoices):
        PEOPLE = "people", _("people")
        RESULTS = "results", _("results")
        PLACES = "places", _("places")

    code = models.SlugField(_("code"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    default_quota = models.PositiveSmallIntegerField(_("default quota"), default=30)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("honour category")
        verbose_name_plural = _("honour categories")
        ordering = ["order", "id"]


class HonourQuota(models.Model):
    """How many of a category a programme year selects."""

    year = models.ForeignKey(
        ProgrammeYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="quotas"
    )
    category = models.ForeignKey(
        HonourCategory, verbose_name=_("category"), on_delete=models.PROTECT
    )
    quota = models.PositiveSmallIntegerField(_("quota"), default=30)

    class Meta:
        verbose_name = _("honour quota")
        verbose_name_plural = _("honour quotas")
        ordering = ["year", "category__order"]
        constraints = [
            models.UniqueConstraint(fields=["year", "category"], name="one_quota_per_year_category")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.category}: {self.quota}"
