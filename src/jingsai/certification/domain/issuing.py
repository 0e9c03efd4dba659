"""Issuing and revoking certificates from a competition's published results.

:func:`apply_rules` is the one way certificates come and go with results. In
one transaction, with the competition's row locked, it computes the
certificates the current results deserve (results × rules × the entries'
active members) and compares them with the valid ones:

- same basis (what the certificate states): kept, number unchanged;
- no longer deserved: revoked with the reason, and its skill-level record too;
- changed basis: revoked and a new certificate issued (new number);
- new: issued, with a skill-level record when the rule carries a level action.

Running it twice changes nothing. A certificate revoked by hand
(:func:`revoke`) is not issued again for the same basis.

Numbers are ``JS<year>-`` and ten random characters of a 32-letter alphabet
(50 bits from :mod:`secrets`), so they cannot be guessed from one another. The
database's unique constraint is the guard; a collision is retried.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.certification.models import Certificate, CertificationRule
from jingsai.common.domain import audit
from jingsai.competitions.models import Competition, EntryMember
from jingsai.judging.models import Result
from jingsai.people.models import Worker
from jingsai.skills.domain import records
from jingsai.skills.models import SkillRecord

S = Competition.Status
R = CertificationRule
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 letters: no I, O, 0, 1
PREFIX = "JS"
RANDOM_LENGTH = 10
NUMBER_ATTEMPTS = 5
ISSUING_STATUSES = (S.PUBLISHED, S.ARCHIVED)
LOWEST_LEVEL = 5


class CertificationRefused(Exception):  # noqa: N818 (a refusal shown to the user)
    pass


def new_number(year: int) -> str:
    return f"{PREFIX}{year}-" + "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))


def normalise_number(value: str) -> str:
    return "".join((value or "").split()).upper()[:40]


def basis_of(rule: CertificationRule, *, award: str, rank: int, total, issuer_id: int) -> str:
    """What the certificate states: title, award, and the rank or total its rule looks at."""
    parts = [rule.title.strip(), award or ""]
    if rule.condition == R.Condition.RANK:
        parts.append(f"rank={rank}")
    if rule.condition == R.Condition.TOTAL:
        parts.append(f"total={total}")
    parts.append(f"issuer={issuer_id}")
    return "|".join(parts)[:300]


def level_after(rule: CertificationRule, current: int | None) -> int | None:
    """The level the rule grants a worker now at ``current`` (None: no change).

    SET raises to ``rule.level`` and never lowers; ONE_UP_BELOW raises by one
    when the worker is below ``rule.level`` (numerically greater) and gives the
    lowest level to a worker without one.
    """
    if not rule.level_action or not rule.level:
        return None
    if rule.level_action == R.LevelAction.SET:
        return rule.level if current is None or current > rule.level else None
    if rule.level_action == R.LevelAction.ONE_UP_BELOW:
        if current is None:
            return LOWEST_LEVEL
        return current - 1 if current > rule.level else None
    return None


@dataclass
class Deserved:
    rule: CertificationRule
    result: Result
    worker_id: int
    basis: str
    issuer_id: int


@dataclass
class Report:
    issued: list[str] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    kept: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.issued or self.revoked)


def deserved(competition: Competition, rules: list[CertificationRule]) -> dict:
    """(rule id, worker id) → :class:`Deserved`, from the stored results."""
    if not rules:
        return {}
    results = list(Result.objects.filter(competition=competition).order_by("position"))
    members: dict[int, list[int]] = {}
    for entry_id, worker_id in (
        EntryMember.objects.filter(competition=competition, active=True)
        .order_by("entry_id", "-is_captain", "id")
        .values_list("entry_id", "worker_id")
    ):
        members.setdefault(entry_id, []).append(worker_id)
    wanted = {}
    for result in results:
        award = result.award.strip()
        for rule in rules:
            if not rule.matches(award=award, rank=result.rank, total=result.total):
                continue
            issuer_id = rule.issuer_id or competition.organiser_id
            basis = basis_of(
                rule, award=award, rank=result.rank, total=result.total, issuer_id=issuer_id
            )
            for worker_id in members.get(result.entry_id, []):
                wanted.setdefault(
                    (rule.pk, worker_id), Deserved(rule, result, worker_id, basis, issuer_id)
                )
    return wanted


def _revoke(*, actor: Any, certificate: Certificate, reason: str, by_hand: bool = False) -> None:
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoke_reason = reason[:300]
    certificate.revoked_by_hand = by_hand
    certificate.save(update_fields=["status", "revoked_at", "revoke_reason", "revoked_by_hand"])
    from jingsai.dashboards.domain import worker_facts

    worker_facts.certificates_changed([certificate.pk])  # the dashboard's copy, same transaction
    if certificate.skill_record_id:
        record = SkillRecord.objects.filter(pk=certificate.skill_record_id).first()
        if record is not None:
            records.revoke_record(actor=actor, record=record, reason=reason)


def _create(fields: dict, year: int) -> Certificate:
    """Insert with a fresh number; a number that collides is drawn again."""
    for _attempt in range(NUMBER_ATTEMPTS):
        number = new_number(year)
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(number=number, **fields)
                from jingsai.dashboards.domain import worker_facts

                worker_facts.certificates_changed([certificate.pk])  # the dashboard's copy
                return certificate
        except IntegrityError:
            if not Certificate.objects.filter(number=number).exists():
                raise  # another constraint: not a collision
    raise CertificationRefused(_("No free certificate number was found; try again."))


def _issue(*, actor: Any, competition: Competition, wish: Deserved, today: dt.date) -> Certificate:
    rule, result = wish.rule, wish.result
    level = None
    if rule.level_action:
        current = Worker.objects.filter(pk=wish.worker_id).values_list("skill_level", flat=True)[0]
        level = level_after(rule, current)
    certificate = _create(
        {
            "competition": competition,
            "entry_id": result.entry_id,
            "worker_id": wish.worker_id,
            "rule": rule,
            "title": rule.title.strip(),
            "award": result.award.strip(),
            "total": result.total,
            "rank": result.rank,
            "level": level,
            "issued_on": today,
            "issuer_id": wish.issuer_id,
            "basis": wish.basis,
            "issued_by": actor if getattr(actor, "pk", None) else None,
        },
        today.year,
    )
    if level is not None:
        record = records.record_level(
            actor=actor,
            worker=Worker(pk=wish.worker_id),
            level=level,
            source=SkillRecord.Source.COMPETITION,
            awarded_on=today,
            evidence=certificate.number,
            competition=competition,
            certificate_number=certificate.number,
            audit_it=False,  # the certificates' audit record names it
        )
        certificate.skill_record = record
        certificate.save(update_fields=["skill_record"])
    return certificate


def apply_rules(
    *, actor: Any, competition: Competition, reason: str = "", today: dt.date | None = None
) -> Report:
    """Bring the competition's certificates in line with its results (see the module)."""
    today = today or timezone.localdate()
    reason = reason.strip()
    report = Report()
    with transaction.atomic():
        competition = Competition.objects.select_for_update().get(pk=competition.pk)
        if competition.status not in ISSUING_STATUSES:
            raise CertificationRefused(_("Certificates are issued from published results."))
        rules = list(CertificationRule.objects.filter(competition=competition))
        wanted = deserved(competition, rules)
        valid = {
            # a removed rule's certificates (rule_id None) are each their own key
            ((c.rule_id, c.worker_id) if c.rule_id else ("removed", c.pk)): c
            for c in Certificate.objects.select_for_update().filter(
                competition=competition, status=Certificate.Status.VALID
            )
        }
        if not wanted and not valid:
            return report
        revoked_by_hand = set(
            Certificate.objects.filter(
                competition=competition, revoked_by_hand=True, rule__isnull=False
            ).values_list("rule_id", "worker_id", "basis")
        )
        to_issue = []
        issued_log, revoked_log = [], []
        for key, certificate in valid.items():
            wish = wanted.get(key)
            if wish is not None and wish.basis == certificate.basis:
                report.kept += 1
                continue
            if wish is None:
                why = reason or _("The result no longer earns this certificate.")
            else:
                why = reason or _("The result changed; a new certificate replaces this one.")
                to_issue.append(wish)
            _revoke(actor=actor, certificate=certificate, reason=why)
            report.revoked.append(certificate.number)
            revoked_log.append({"number": certificate.number, "basis": certificate.basis})
        to_issue += [
            wish
            for key, wish in wanted.items()
            if key not in valid and (key[0], key[1], wish.basis) not in revoked_by_hand
        ]
        to_issue.sort(key=lambda w: (w.rule.order, w.rule.pk, w.result.position, w.worker_id))
        for wish in to_issue:
            certificate = _issue(actor=actor, competition=competition, wish=wish, today=today)
            report.issued.append(certificate.number)
            issued_log.append(
                {
                    "number": certificate.number,
                    "worker": wish.worker_id,
                    "basis": certificate.basis,
                    "level": certificate.level,
                }
            )
        if report.changed:
            audit.record(
                actor=actor,
                action="certificates:apply",
                obj=competition,
                after={"issued": issued_log, "revoked": revoked_log, "kept": report.kept},
                note=reason,
            )
    return report


def revoke(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """Revoke one certificate by hand; applying the rules does not issue it again."""
    reason = reason.strip()
    if not reason:
        raise CertificationRefused(_("Say why the certificate is revoked."))
    with transaction.atomic():
        Competition.objects.select_for_update().get(pk=certificate.competition_id)
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status != Certificate.Status.VALID:
            raise CertificationRefused(_("This certificate is already revoked."))
        _revoke(actor=actor, certificate=certificate, reason=reason, by_hand=True)
        audit.record(
            actor=actor,
            action="certificate:revoke",
            obj=certificate,
            after={"number": certificate.number, "status": certificate.status},
            note=reason,
        )
    return certificate


# --- rules -------------------------------------------------------------------


def save_rule(*, actor: Any, rule: CertificationRule) -> CertificationRule:
    """Add or change a rule (validated by the caller's form); takes effect when applied."""
    with transaction.atomic():
        before = None
        if rule.pk:
            old = CertificationRule.objects.filter(pk=rule.pk).first()
            before = audit.snapshot(old) if old else None
        rule.save()
        audit.record(
            actor=actor,
            action="certification_rule:save",
            obj=rule,
            before=before,
            after=audit.snapshot(rule),
        )
    return rule


def remove_rule(*, actor: Any, rule: CertificationRule) -> None:
    """Remove a rule; its valid certificates are revoked the next time rules are applied."""
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="certification_rule:remove",
            obj=rule,
            before=audit.snapshot(rule),
        )
        rule.delete()
