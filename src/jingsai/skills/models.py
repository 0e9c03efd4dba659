"""Skill evaluation (赛评合一): each worker's skill-level history.

A :class:`SkillRecord` says that on a date a worker held a level in a trade,
and why: a competition result (with the certificate that carries it), an
evaluation by an accredited body, an import, or the level the platform found
when the history began. ``Worker.skill_level`` is kept equal to the best level
among the worker's records in force (:mod:`jingsai.skills.domain.records`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jingsai.organisations.models import Organisation
from jingsai.people.models import SkillLevel, User, Worker


class SkillRecord(models.Model):
    class Source(models.TextChoices):
        COMPETITION = "competition", _("competition result")
        EVALUATION = "evaluation", _("evaluation by an accredited body")
        IMPORT = "import", _("import")
        INITIAL = "initial", _("level held when the record began")

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="skill_records")
    level = models.PositiveSmallIntegerField(_("skill level"), choices=SkillLevel.choices)
    trade = models.CharField(_("trade"), max_length=50, blank=True)
    awarded_on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    evaluator = models.ForeignKey(
        Organisation,
        verbose_name=_("evaluated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    competition = models.ForeignKey(
        "competitions.Competition",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason revoked"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("skill-level record")
        verbose_name_plural = _("skill-level records")
        ordering = ["-awarded_on", "-id"]
        indexes = [models.Index(fields=["worker", "awarded_on"], name="skill_record_worker_idx")]

    def __str__(self) -> str:
        return f"{self.worker_id} · {self.get_level_display()} · {self.awarded_on}"

    @property
    def in_force(self) -> bool:
        return self.revoked_at is None
