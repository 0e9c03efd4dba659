"""Competitions (竞赛), their levels, and entries (报名).

- :class:`Competition`: belongs to a programme year and a series; carries its
  eligibility rules as data (zones, industries, skill-level and age ranges,
  capacity, per-enterprise quota, registration window). Its status moves only
  through :mod:`jingsai.competitions.domain.lifecycle`.
- :class:`CompetitionLevel`: the stages, e.g. enterprise preliminaries →
  zone round → district final, each with how many are promoted.
- :class:`Entry`: a worker, a team, an enterprise or a project site in a
  competition; :class:`EntryMember` holds the workers of an entry and keeps
  one entry per person per competition. Entries are created and reviewed
  through :mod:`jingsai.competitions.domain.registration`.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingsai.catalogue.models import Brand, Industry, ProgrammeYear, Series, Zone
from jingsai.common.models import TimeStampedModel
from jingsai.organisations.models import Organisation
from jingsai.people.models import User, Worker


class Competition(TimeStampedModel):
    class Kind(models.TextChoices):
        SKILL = "skill", _("skill competition")
        LABOUR = "labour", _("labour competition")

    class Participants(models.TextChoices):
        INDIVIDUALS = "individuals", _("individual workers")
        TEAMS = "teams", _("teams of workers")
        ENTERPRISES = "enterprises", _("enterprises")
        PROJECT_SITES = "project_sites", _("project sites")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for registration")
        CLOSED = "closed", _("registration closed")
        JUDGING = "judging", _("judging")
        PUBLIC_NOTICE = "public_notice", _("public notice")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    class Approval(models.TextChoices):
        NOT_REQUIRED = "not_required", _("set up by the programme")
        DRAFTING = "drafting", _("application being drafted")
        PENDING = "pending", _("application awaiting approval")
        RETURNED = "returned", _("application returned for changes")
        APPROVED = "approved", _("application approved")

    year = models.ForeignKey(
        ProgrammeYear, verbose_name=_("year"), on_delete=models.PROTECT, related_name="competitions"
    )
    code = models.SlugField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    series = models.ForeignKey(Series, verbose_name=_("series"), on_delete=models.PROTECT)
    brand = models.ForeignKey(
        Brand, verbose_name=_("brand"), null=True, blank=True, on_delete=models.PROTECT
    )
    industries = models.ManyToManyField(
        Industry, verbose_name=_("industries"), blank=True, related_name="competitions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SKILL)
    participants = models.CharField(
        _("who takes part"),
        max_length=20,
        choices=Participants.choices,
        default=Participants.INDIVIDUALS,
    )
    team_min = models.PositiveSmallIntegerField(_("team size from"), null=True, blank=True)
    team_max = models.PositiveSmallIntegerField(_("team size to"), null=True, blank=True)
    organiser = models.ForeignKey(
        Organisation,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="organised_competitions",
    )
    co_organisers = models.ManyToManyField(
        Organisation,
        verbose_name=_("co-organisers"),
        blank=True,
        related_name="co_organised_competitions",
    )
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Most entries in all; blank for no limit."),
    )
    enterprise_quota = models.PositiveIntegerField(
        _("entries per enterprise"),
        null=True,
        blank=True,
        help_text=_("Most entries one enterprise may register; blank for no limit."),
    )
    eligible_zones = models.ManyToManyField(
        Zone,
        verbose_name=_("eligible zones"),
        blank=True,
        related_name="+",
        help_text=_("When set, the employer must be in one of these zones."),
    )
    eligible_industries = models.ManyToManyField(
        Industry,
        verbose_name=_("eligible industries"),
        blank=True,
        related_name="+",
        help_text=_("When set, the employer must be in one of these industries."),
    )
    skill_level_from = models.PositiveSmallIntegerField(
        _("skill level from"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Levels run from 1 (senior technician) to 5 (junior worker)."),
    )
    skill_level_to = models.PositiveSmallIntegerField(
        _("skill level to"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    age_on = models.DateField(
        _("age counted on"),
        null=True,
        blank=True,
        help_text=_("Blank: the day registration closes."),
    )
    required_training_hours = models.DecimalField(
        _("training hours required"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Hours of this competition's training a worker must have attended before entry; "
            "blank for none."
        ),
    )
    rules = models.TextField(_("rules"), blank=True)
    schedule = models.TextField(_("schedule"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    approval = models.CharField(
        _("approval"), max_length=20, choices=Approval.choices, default=Approval.NOT_REQUIRED
    )
    created_by = models.ForeignKey(
        User,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-year__year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(team_min__isnull=True)
                | Q(team_max__isnull=True)
                | Q(team_min__lte=models.F("team_max")),
                name="competition_team_range",
            ),
            models.CheckConstraint(
                condition=Q(skill_level_from__isnull=True)
                | Q(skill_level_to__isnull=True)
                | Q(skill_level_from__lte=models.F("skill_level_to")),
                name="competition_skill_level_range",
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=models.F("max_age")),
                name="competition_age_range",
            ),
        ]
        indexes = [models.Index(fields=["status", "year"], name="competition_status_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_team(self) -> bool:
        return self.participants == self.Participants.TEAMS

    @property
    def takes_workers(self) -> bool:
        return self.participants in (self.Participants.INDIVIDUALS, self.Participants.TEAMS)


class CompetitionLevel(models.Model):
    """A stage of a competition; ``order`` 1 is the first (e.g. enterprise preliminaries)."""

    class Scope(models.TextChoices):
        ENTERPRISE = "enterprise", _("enterprise preliminaries")
        ZONE = "zone", _("zone round")
        INDUSTRY = "industry", _("industry round")
        DISTRICT = "district", _("district final")

    class Review(models.TextChoices):
        PENDING = "pending", _("awaiting review")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="levels"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    promoted = models.PositiveIntegerField(
        _("promoted to the next level"),
        null=True,
        blank=True,
        help_text=_("How many go on to the next level (per enterprise at the enterprise level)."),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    review = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.APPROVED
    )
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        verbose_name = _("competition level")
        verbose_name_plural = _("competition levels")
        ordering = ["competition", "order"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "order"], name="one_level_per_order")
        ]

    def __str__(self) -> str:
        return f"{self.competition} · {self.name}"


def attachment_path(instance, filename: str) -> str:
    # The stored name never comes from the user.
    import uuid

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"competitions/{instance.competition_id}/{uuid.uuid4().hex}.{suffix[:8]}"


class Attachment(TimeStampedModel):
    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title


class Entry(TimeStampedModel):
    """A registration (报名) of a worker, team, enterprise or project site."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("awaiting review")
        RETURNED = "returned", _("returned for changes")
        APPROVED = "approved", _("approved")
        WITHDRAWN = "withdrawn", _("withdrawn")

    competition = models.ForeignKey(
        Competition,
        verbose_name=_("competition"),
        on_delete=models.PROTECT,
        related_name="entries",
        db_index=False,  # (competition, status, id) and (competition, enterprise, id) cover it
    )
    enterprise = models.ForeignKey(
        Organisation,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    team_name = models.CharField(_("team name"), max_length=100, blank=True)
    project_name = models.CharField(_("project site"), max_length=200, blank=True)
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # statistics by zone come later, with their own summary tables
    )
    level = models.ForeignKey(
        CompetitionLevel,
        verbose_name=_("level reached"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    number = models.CharField(  # noqa: DJ001 (NULL until approved, so uniqueness skips it)
        _("entry number"), max_length=40, null=True, blank=True
    )
    time_seconds = models.DecimalField(
        _("time taken (seconds)"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Used when ties are broken by time (shorter first)."),
    )
    return_field = models.CharField(_("field to correct"), max_length=40, blank=True)
    return_comment = models.TextField(_("review comment"), blank=True)
    submitted_by = models.ForeignKey(
        User,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # never searched by; a deleted user's entries are rare
    )

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "number"],
                condition=Q(number__isnull=False),
                name="entry_number_unique",
            )
        ]
        indexes = [
            models.Index(fields=["competition", "status", "id"], name="entry_status_idx"),
            models.Index(fields=["competition", "enterprise", "id"], name="entry_enterprise_idx"),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def counts_against_limits(self) -> bool:
        return self.status != self.Status.WITHDRAWN


class EntryMember(models.Model):
    """A worker in an entry; ``competition`` is copied so that one person enters once."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="members")
    competition = models.ForeignKey(
        Competition,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the unique (competition, worker) index covers it
    )
    worker = models.ForeignKey(
        Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="entries"
    )
    is_captain = models.BooleanField(_("captain"), default=False)
    active = models.BooleanField(
        default=True,
        help_text=_("False once the entry is withdrawn, so the person may enter again."),
    )

    class Meta:
        verbose_name = _("entry member")
        verbose_name_plural = _("entry members")
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "worker"],
                condition=Q(active=True),
                name="one_entry_per_person_per_competition",
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.worker}"


class PreliminaryReport(TimeStampedModel):
    """An enterprise's report of its internal preliminary round (企业初赛)."""

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="preliminary_reports"
    )
    enterprise = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    participants = models.PositiveIntegerField(_("workers who took part"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    reported_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("preliminary round report")
        verbose_name_plural = _("preliminary round reports")
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "enterprise"], name="one_preliminary_report_per_enterprise"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competition} · {self.enterprise}: {self.participants}"
