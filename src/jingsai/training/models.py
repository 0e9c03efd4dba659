"""Training (赛训合一): courses, their sessions, enrolment and attendance.

- :class:`Course`: a course run by an organisation (often a training body such
  as a 职工实训中心), tied to a competition (赛训合一) or free-standing, with
  trainers, a place and an optional capacity.
- :class:`Session`: one sitting of a course, worth ``hours`` training hours.
- :class:`Enrolment`: a worker on a course; one row per course and worker
  (cancelling keeps the row); the capacity counts enrolled rows, checked
  under the course's row lock in :mod:`jingsai.training.domain.enrolment`.
- :class:`Attendance`: whether an enrolled worker attended a session, and the
  hours it counts (the session's by default; none when absent).

A worker's training hours are the sum of his present attendances' hours
(:mod:`jingsai.training.domain.hours`); a competition may require hours of its
own training before entry (``Competition.required_training_hours``).
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingsai.common.models import TimeStampedModel
from jingsai.competitions.models import Competition
from jingsai.organisations.models import Organisation
from jingsai.people.models import User, Worker


class Course(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveIntegerField(_("year"), validators=[MinValueValidator(2000)])
    competition = models.ForeignKey(
        Competition,
        verbose_name=_("competition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
        help_text=_("The competition this course prepares for (赛训合一); blank if none."),
    )
    organiser = models.ForeignKey(
        Organisation,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="training_courses",
        help_text=_("The organisation that runs the course, e.g. a worker training centre."),
    )
    trainers = models.CharField(_("trainers"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Most workers enrolled at once; blank for no limit."),
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["year", "id"], name="course_year_idx")]

    def __str__(self) -> str:
        return self.title


class Session(TimeStampedModel):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    hours = models.DecimalField(
        _("training hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Blank: the course's place.")
    )
    trainer = models.CharField(_("trainer"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["course", "date", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="session_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.date:%Y-%m-%d} {self.starts_at:%H:%M}"

    @property
    def where(self) -> str:
        return self.place or self.course.place


class Enrolment(TimeStampedModel):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("enrolled")
        CANCELLED = "cancelled", _("cancelled")

    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="enrolments",
        db_index=False,  # the unique (course, worker) index covers it
    )
    worker = models.ForeignKey(
        Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="enrolments"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ENROLLED
    )
    enrolled_by = models.ForeignKey(
        User,
        verbose_name=_("enrolled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["course", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "worker"], name="one_enrolment_per_worker")
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.worker}"


class Attendance(models.Model):
    class Source(models.TextChoices):
        WEB = "web", _("taken on the page")
        IMPORT = "import", _("imported")

    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="attendances",
        db_index=False,  # the unique (session, worker) index covers it
    )
    worker = models.ForeignKey(
        Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="attendances"
    )
    present = models.BooleanField(_("present"))
    hours = models.DecimalField(
        _("training hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0)],
        help_text=_("The session's hours unless given; none when absent."),
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.WEB
    )
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "worker"], name="one_attendance_per_session_and_worker"
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="attendance_hours_not_negative"),
            models.CheckConstraint(
                condition=Q(present=True) | Q(hours=0), name="attendance_absent_no_hours"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.worker}"
