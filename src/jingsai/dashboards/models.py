"""The participation summary (参与统计) behind the leadership dashboards.

Figures such as "workers taking part in 2026, series 六大硬核产业, zone 张江"
are counts of *distinct* workers (or enterprises) over two million entries;
counted from the source tables they take seconds. They are read instead from
:class:`Cell`, a small table kept in step with the entries inside the same
transaction as every change (:mod:`jingsai.dashboards.domain.participation`).

Taking part
    A worker takes part in a programme year when he is an *active* member
    (``EntryMember.active``) of an *approved* entry of one of the year's
    competitions; an enterprise when it has an approved entry (of any kind:
    workers, teams, itself, a project site). An entry counts once approved.

Facts: one row per thing counted, with what the counting needs
    :class:`WorkerYear` (year, worker): the worker's industry and zone (the
    copies on :class:`~jingsai.people.models.Worker`), his employer, and
    ``tags``, the set of (series, brand) pairs of the competitions he takes
    part in, as a bitset: each pair has a bit in :class:`TagBit` (four series
    × (ten brands + none) in the Pudong preset: 44 of the 63 bits).
    :class:`EnterpriseYear` (year, enterprise): the same for an enterprise,
    keyed by the organisation's industry and zone. :class:`EntryFact` (entry):
    an approved entry's series, brand, industry (its enterprise's), zone (the
    entry's own), level scope and month of registration.

Cells: the counts, with every filter value precomputed
    Industry and zone are single-valued (a worker has one of each), so a
    count for "all zones" is the sum over zones. Series and brand are not (a
    worker may take part in two series), so distinct counts for "all series"
    or "series S" cannot be summed from per-series counts: each fact adds 1
    to every *class* it belongs to — (all, all), (S, all), (all, B), (S, B)
    for each pair (S, B) in its tags — stored with ``series``/``brand`` 0 for
    "all". A figure for any filter (year × series × brand × industry × zone)
    is then a sum over at most (industries + 1) × (zones + 1) cells
    (18 × 11 in the Pudong preset), or that many per bar of a breakdown:
    an index range scan, whatever the number of entries.

    Measures: ``WORKERS`` and ``ENTERPRISES`` (scope "", month 0);
    ``ENTRIES`` by level scope (month 0) and ``ENTRIES_BY_MONTH`` by month of
    registration, ``yyyymm`` in the platform's time zone (scope "").
    Industry, zone, brand 0 also stand for "none". Cells that fall to 0 stay
    until :func:`~jingsai.dashboards.domain.participation.rebuild`.

Maintenance
    Every change of an entry's status, level or members calls
    :func:`~jingsai.dashboards.domain.participation.entries_changed` in its own
    transaction: the facts of the entries, their members and enterprises are
    recomputed from the source tables (set-based, in chunks), compared with
    the stored ones, and only the differences are applied to the cells (old
    classes −1, new +1, one upsert per cell, in key order so that concurrent
    transactions cannot deadlock; worker and enterprise rows are locked first,
    in id order, so that two transactions never compute from stale facts).
    :func:`~jingsai.dashboards.domain.participation.rebuild` recomputes a year
    from scratch (``jingsai rebuild-dashboard``); the tests check that both
    paths give the same cells and that the figures equal direct counts.

Limited scopes
    A co-organiser's competitions and an officer's enterprises are read from facts
    split the same way, kept by the same calls: per competition
    (:class:`CompetitionWorker`, :class:`CompetitionEnterprise`,
    :class:`CompetitionCell`) and per enterprise (:class:`EnterpriseWorker`,
    :class:`EnterpriseCell`, and ``EntryFact.enterprise``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jingsai.catalogue.models import ProgrammeYear, Series
from jingsai.competitions.models import Competition, Entry
from jingsai.organisations.models import Organisation
from jingsai.people.models import Worker

MAX_BITS = 63  # a signed 64-bit integer on SQLite and PostgreSQL


class TagBit(models.Model):
    """The bit of a (series, brand) pair in the ``tags`` of the facts; ``brand`` 0 is none."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="+")
    brand = models.PositiveIntegerField(default=0)
    bit = models.PositiveSmallIntegerField(unique=True)
    value = models.BigIntegerField(help_text="2 ** bit, for set-based SQL.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "brand"], name="dashboard_one_bit_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.series_id}/{self.brand}: bit {self.bit}"


class WorkerYear(models.Model):
    year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="+")
    tags = models.BigIntegerField()
    industry = models.PositiveIntegerField(default=0)
    zone = models.PositiveIntegerField(default=0)
    enterprise = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["worker", "year"], name="dashboard_worker_year")
        ]
        indexes = [
            models.Index(fields=["year", "zone", "industry"], name="dashboard_wy_year_idx"),
            models.Index(fields=["year", "enterprise"], name="dashboard_wy_enterprise_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.year_id}: worker {self.worker_id}"


class EnterpriseYear(models.Model):
    year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    tags = models.BigIntegerField()
    industry = models.PositiveIntegerField(default=0)
    zone = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="dashboard_enterprise_year")
        ]
        indexes = [models.Index(fields=["year", "zone", "industry"], name="dashboard_ey_year_idx")]

    def __str__(self) -> str:
        return f"{self.year_id}: enterprise {self.enterprise_id}"


class EntryFact(models.Model):
    """An approved entry as the summary counted it; ``enterprise`` is the entry's
    (``Entry.enterprise``): an officer's entries are counted from these rows."""

    entry = models.OneToOneField(
        Entry, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="+")
    series = models.PositiveIntegerField()
    brand = models.PositiveIntegerField(default=0)
    industry = models.PositiveIntegerField(default=0)
    zone = models.PositiveIntegerField(default=0)
    scope = models.CharField(max_length=20, blank=True)
    month = models.PositiveIntegerField(help_text="yyyymm of registration, local time.")
    enterprise = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["year", "zone", "industry"], name="dashboard_ef_year_idx"),
            # covering, in the order an officer's entries are grouped: read from the index
            # alone, without sorting (enterprise_facts.entries)
            models.Index(
                fields=[
                    *("year", "enterprise", "series", "brand"),
                    *("industry", "zone", "scope", "month"),
                ],
                name="dashboard_ef_enterprise_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year_id}: entry {self.entry_id}"


class Cell(models.Model):
    """A count for one combination; ``series``/``brand``/``industry``/``zone`` 0: see above."""

    class Measure(models.IntegerChoices):
        WORKERS = 1, _("workers taking part")
        ENTERPRISES = 2, _("enterprises taking part")
        ENTRIES = 3, _("approved entries by level")
        ENTRIES_BY_MONTH = 4, _("approved entries by month")

    year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="+")
    measure = models.PositiveSmallIntegerField(choices=Measure.choices)
    series = models.PositiveIntegerField(default=0)
    brand = models.PositiveIntegerField(default=0)
    industry = models.PositiveIntegerField(default=0)
    zone = models.PositiveIntegerField(default=0)
    scope = models.CharField(max_length=20, blank=True, default="")
    month = models.PositiveIntegerField(default=0)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # the upsert's conflict target, and the index every figure reads through
            models.UniqueConstraint(
                fields=["year", "measure", "series", "brand", "industry", "zone", "scope", "month"],
                name="dashboard_cell_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} {self.year_id}: {self.n}"


# --- per enterprise: an officer's scope (enterprise_facts.py) ---------------------------


class EnterpriseWorker(models.Model):
    """A worker taking part in a programme year through an enterprise's entries: an active
    member of approved entries whose ``Entry.enterprise`` is that enterprise (his employer
    or not), with ``tags`` the (series, brand) bits of those entries' competitions and his
    industry and zone (the copies on the worker), as in :class:`WorkerYear`."""

    year = models.ForeignKey(
        ProgrammeYear, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    enterprise = models.PositiveIntegerField()
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="+", db_index=False)
    tags = models.BigIntegerField()
    industry = models.PositiveIntegerField(default=0)
    zone = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "year", "enterprise"], name="dashboard_enterprise_worker"
            )
        ]
        indexes = [
            # covering: the workers of a few enterprises who take part through two of them
            models.Index(
                fields=["year", "enterprise", "worker", "tags", "industry", "zone"],
                name="dashboard_ew_read_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year_id}: worker {self.worker_id} of {self.enterprise}"


class EnterpriseCell(models.Model):
    """Workers taking part through one enterprise's entries (:class:`EnterpriseWorker`),
    counted per (series, brand) class (0: all, as in :class:`Cell`), industry and zone."""

    year = models.ForeignKey(
        ProgrammeYear, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    enterprise = models.PositiveIntegerField()
    series = models.PositiveIntegerField(default=0)
    brand = models.PositiveIntegerField(default=0)
    industry = models.PositiveIntegerField(default=0)
    zone = models.PositiveIntegerField(default=0)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # the upsert's conflict target, and the index an officer's figures read through
            models.UniqueConstraint(
                fields=["year", "enterprise", "series", "brand", "industry", "zone"],
                name="dashboard_enterprise_cell_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year_id} {self.enterprise} {self.series}/{self.brand}: {self.n}"


# --- the other sections' summaries (sections.py, medals.py) ----------------------------


class EnterpriseTally(models.Model):
    """Per programme year and enterprise: workers taking part and approved entries, for the
    top-enterprise lists (:mod:`jingsai.dashboards.domain.enterprise_tally`).

    ``workers``: the enterprise's workers (their employer, as in :class:`WorkerYear`)
    taking part; ``entries``: the enterprise's approved entries (``Entry.enterprise``).
    ``series``/``brand`` are classes as in :class:`Cell` (0: all), so a filter reads one
    row per enterprise. Industry and zone are the enterprise's own, read from
    :class:`~jingsai.organisations.models.Organisation` when filtered.
    """

    year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="+")
    series = models.PositiveIntegerField(default=0)
    brand = models.PositiveIntegerField(default=0)
    enterprise = models.PositiveIntegerField()
    workers = models.PositiveIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "series", "brand", "enterprise"], name="dashboard_enterprise_tally"
            )
        ]
        indexes = [models.Index(fields=["enterprise", "year"], name="dashboard_et_enterprise_idx")]

    def __str__(self) -> str:
        return f"{self.year_id} {self.series}/{self.brand}: {self.enterprise}"


class MedalPoints(models.Model):
    """Points of an award level in a programme year's medal table (奖牌榜); ``award`` is the
    award's name as results store it (``judging.Result.award``), e.g. 一等奖."""

    year = models.ForeignKey(
        ProgrammeYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="+"
    )
    award = models.CharField(_("award"), max_length=50)
    points = models.PositiveSmallIntegerField(_("points"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("medal points")
        verbose_name_plural = _("medal points")
        ordering = ["year", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "award"], name="dashboard_medal_points_award")
        ]

    def __str__(self) -> str:
        return f"{self.award}: {self.points}"


class AwardTally(models.Model):
    """The published results of one competition, per enterprise, zone and award (``""``:
    ranked without an award): how many and the sum of their totals in hundredths. It is
    what the competition adds to :class:`MedalCell`, with the year, series, brand and
    industry it was added under (:mod:`jingsai.dashboards.domain.medals`)."""

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="+")
    series = models.PositiveIntegerField()
    brand = models.PositiveIntegerField(default=0)
    enterprise = models.PositiveIntegerField()
    industry = models.PositiveIntegerField(default=0)
    zone = models.PositiveIntegerField(default=0)
    award = models.CharField(max_length=50, blank=True)
    n = models.PositiveIntegerField()
    total = models.BigIntegerField(help_text="Sum of the totals, in hundredths.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "enterprise", "zone", "award"],
                name="dashboard_award_tally_key",
            )
        ]
        indexes = [
            models.Index(fields=["enterprise", "year"], name="dashboard_at_enterprise_idx"),
            # covering, for a set of competitions: their zones and industries grouped per
            # competition in the order of the index (medals._place_units), their enterprises
            models.Index(
                fields=[
                    *("competition", "year", "zone", "industry", "award"),
                    *("series", "brand", "enterprise", "n", "total"),
                ],
                name="dashboard_at_place_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competition_id}/{self.enterprise}/{self.award}: {self.n}"


class MedalCell(models.Model):
    """Published results summed for the medal table: ``series``/``brand`` classes as in
    :class:`Cell` (0: all), ``enterprise`` 0 for all enterprises (the zone and industry
    tables), industry and zone 0 also "none"; ``award`` ``""``: ranked without an award."""

    year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="+")
    series = models.PositiveIntegerField(default=0)
    brand = models.PositiveIntegerField(default=0)
    enterprise = models.PositiveIntegerField(default=0)
    industry = models.PositiveIntegerField(default=0)
    zone = models.PositiveIntegerField(default=0)
    award = models.CharField(max_length=50, blank=True, default="")
    n = models.IntegerField(default=0)
    total = models.BigIntegerField(default=0, help_text="Sum of the totals, in hundredths.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "series", "brand", "enterprise", "industry", "zone", "award"],
                name="dashboard_medal_cell_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year_id} {self.series}/{self.brand}/{self.enterprise}: {self.n}"


# --- per-competition facts: a co-organiser's scope (competition_facts.py) ---------------


class CompetitionWorker(models.Model):
    """A worker taking part in a competition: an active member of one of its approved
    entries (at most one, see ``EntryMember``), with his industry and zone (the copies on
    :class:`~jingsai.people.models.Worker`) and his employer (``enterprise``). A co-organiser's
    distinct workers are counted from these rows of his competitions
    (:mod:`jingsai.dashboards.domain.competition_facts`)."""

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="+", db_index=False)
    enterprise = models.PositiveIntegerField(default=0)
    industry = models.PositiveIntegerField(default=0)
    zone = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "worker"], name="dashboard_competition_worker"
            )
        ]
        indexes = [
            # covering: a scope's rows are read from the index alone
            models.Index(
                fields=["competition", "zone", "industry", "worker", "enterprise"],
                name="dashboard_cw_read_idx",
            ),
            models.Index(fields=["worker", "competition"], name="dashboard_cw_worker_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.competition_id}: worker {self.worker_id}"


class CompetitionEnterprise(models.Model):
    """An enterprise taking part in a competition: its approved entries there, with its
    industry and zone (the organisation's)."""

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    enterprise = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    industry = models.PositiveIntegerField(default=0)
    zone = models.PositiveIntegerField(default=0)
    entries = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "enterprise"], name="dashboard_competition_enterprise"
            )
        ]
        indexes = [
            models.Index(
                fields=["competition", "zone", "industry", "enterprise", "entries"],
                name="dashboard_ce_read_idx",
            ),
            models.Index(fields=["enterprise", "competition"], name="dashboard_ce_enterprise_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.competition_id}: enterprise {self.enterprise_id}"


class CompetitionCell(models.Model):
    """Approved entries of one competition per industry (its enterprise's), zone (its
    own), and level scope (``ENTRIES``, month 0) or month of registration
    (``ENTRIES_BY_MONTH``, scope ""): counts that add up over a set of competitions."""

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    measure = models.PositiveSmallIntegerField(choices=Cell.Measure.choices)
    industry = models.PositiveIntegerField(default=0)
    zone = models.PositiveIntegerField(default=0)
    scope = models.CharField(max_length=20, blank=True, default="")
    month = models.PositiveIntegerField(default=0)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "measure", "industry", "zone", "scope", "month"],
                name="dashboard_competition_cell_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.competition_id} {self.get_measure_display()}: {self.n}"


# --- the worker's industry, zone and employer beside what is counted of him -------------
# (worker_facts.py): certificates, skill-level upgrades and training attendance are
# narrowed by the *worker's* industry and zone, and an officer's by his employer; read
# from these small rows, found through their competition or session, no row is joined to
# its worker.


class CertificateFact(models.Model):
    """A competition's certificate held by a worker, as the dashboard counts it."""

    certificate = models.OneToOneField(
        "certification.Certificate", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10)
    industry = models.PositiveIntegerField(default=0)
    zone = models.PositiveIntegerField(default=0)
    employer = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["competition", "zone", "industry", "status", "employer"],
                name="dashboard_cf_read_idx",
            )
        ]

    def __str__(self) -> str:
        return f"certificate {self.certificate_id}: {self.status}"


class UpgradeFact(models.Model):
    """A skill-level record in force that a competition brought (source ``competition``)."""

    record = models.OneToOneField(
        "skills.SkillRecord", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField()
    industry = models.PositiveIntegerField(default=0)
    zone = models.PositiveIntegerField(default=0)
    employer = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["competition", "zone", "industry", "level", "employer"],
                name="dashboard_uf_read_idx",
            )
        ]

    def __str__(self) -> str:
        return f"record {self.record_id}: level {self.level}"


class AttendanceFact(models.Model):
    """A worker present at a training session, with his hours."""

    attendance = models.OneToOneField(
        "training.Attendance", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    session = models.ForeignKey(
        "training.Session", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="+")
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    industry = models.PositiveIntegerField(default=0)
    zone = models.PositiveIntegerField(default=0)
    employer = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["session", "zone", "industry", "employer", "worker", "hours"],
                name="dashboard_af_read_idx",
            )
        ]

    def __str__(self) -> str:
        return f"attendance {self.attendance_id}: {self.hours} h"
