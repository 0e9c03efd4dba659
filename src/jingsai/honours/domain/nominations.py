"""Nominations to the 830 round: made, edited, withdrawn and rechecked, each audited.

- :func:`nominate`: within the nomination window, an enterprise officer or
  co-organiser staff (or an admin) puts forward a worker, an innovation result
  or an organisation he may nominate (:func:`jingsai.access.policy.nominees_for`)
  for one of his nominating organisations, with evidence ticked from
  :func:`jingsai.honours.domain.evidence.candidates`, a narrative and files. The
  eligibility rules (:mod:`jingsai.honours.domain.eligibility`) are checked and
  stored with their reasons; an ineligible nominee is refused with those
  reasons and nothing is saved. One live nomination per nominee and category.
- :func:`update`: the narrative, evidence and more files, while the window is
  open.
- :func:`withdraw`: with a reason (:func:`jingsai.access.policy.can_withdraw_nomination`).
- :func:`recheck`: an admin reruns the rules on every live nomination of a
  round (after the rules changed) and learns which ones changed.

Files are PDF, JPEG, PNG or Word (.docx), checked by their content
(:func:`jingsai.common.uploads.check_upload`, which also limits the size), and
stored under random names; they are served only to those who may see the
nomination.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jingsai.access import policy
from jingsai.catalogue.models import HonourCategory
from jingsai.common.domain import audit
from jingsai.common.uploads import check_upload, removed_on_failure
from jingsai.honours.domain import eligibility, evidence
from jingsai.honours.domain.rounds import window_refusal
from jingsai.honours.models import Nomination, NominationFile, Round, RoundCategory
from jingsai.innovation.models import InnovationResult
from jingsai.organisations.models import Organisation
from jingsai.people.models import Worker

FILE_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
MAX_FILES = 10
NARRATIVE_MAX = 5000
SUBJECT_FIELD = {
    HonourCategory.Kind.PEOPLE: "worker",
    HonourCategory.Kind.RESULTS: "innovation",
    HonourCategory.Kind.PLACES: "organisation",
}
SUBJECT_MODEL = {"worker": Worker, "innovation": InnovationResult, "organisation": Organisation}


class NominationRefused(ValidationError):  # noqa: N818 (a refusal shown to the user)
    pass


def subject_field(round_category: RoundCategory) -> str:
    """The nomination's field that holds a subject of this category."""
    return SUBJECT_FIELD[round_category.category.kind]


def subject_of(nomination: Nomination):
    return nomination.worker or nomination.innovation or nomination.organisation


def nominees_in(actor: Any, round_category: RoundCategory):
    """The subjects ``actor`` may nominate in the category (a queryset)."""
    workers, results, organisations = policy.nominees_for(actor)
    return {"worker": workers, "innovation": results, "organisation": organisations}[
        subject_field(round_category)
    ]


def _check_files(files: Sequence) -> list[tuple[Any, str]]:
    if len(files) > MAX_FILES:
        raise NominationRefused(
            _("At most %(n)d files may be attached to a nomination.") % {"n": MAX_FILES}
        )
    checked = []
    for upload in files:
        try:
            kind = check_upload(upload, allowed=FILE_TYPES)
        except ValidationError as error:
            raise NominationRefused(
                [f"{upload.name[:100]}: {message}" for message in error.messages]
            ) from None
        checked.append((upload, kind))
    return checked


def _store_files(
    actor: Any, nomination: Nomination, checked: list[tuple[Any, str]], store: Callable
) -> list:
    """The files' rows, each file written first by ``store``
    (:func:`~jingsai.common.uploads.removed_on_failure`)."""
    stored = []
    for upload, kind in checked:
        title = (upload.name or "").rsplit("/", 1)[-1].strip()[:200] or _("file")
        row = NominationFile(
            nomination=nomination,
            title=title,
            content_type=FILE_TYPES[kind],
            size=upload.size,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        store(row.file, f"upload.{kind}", upload)  # the name never comes from the user
        row.save()
        stored.append(row)
    return stored


def _evidence(subject, round_: Round, keys: Iterable[str]) -> list[dict[str, Any]]:
    keys = list(dict.fromkeys(k.strip() for k in keys if k and k.strip()))
    if not keys:
        return []
    known = evidence.by_key(evidence.candidates(subject, round_))
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise NominationRefused(
            _(
                "Evidence can only be picked from what the platform holds for this nominee; "
                "not found: %(keys)s."
            )
            % {"keys": ", ".join(unknown[:10])}
        )
    return [known[k].snapshot() for k in keys]


def _narrative(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise NominationRefused(_("Write the narrative: what the nominee did and achieved."))
    if len(text) > NARRATIVE_MAX:
        raise NominationRefused(
            _("The narrative is at most %(n)d characters.") % {"n": NARRATIVE_MAX}
        )
    return text


def _locked_round(round_id: int) -> Round:
    return (
        Round.objects.select_for_update(of=("self",))
        .select_related("year")
        .order_by()
        .get(pk=round_id)
    )


def _duplicate_message(rc: RoundCategory, subject) -> str:
    return _("%(name)s is already nominated in %(category)s this year.") % {
        "name": getattr(subject, "name", None) or getattr(subject, "title", ""),
        "category": rc.category,
    }


def _state(nomination: Nomination) -> dict[str, Any]:
    return {
        "category": nomination.round_category.category.code,
        "subject": f"{subject_field(nomination.round_category)}:{subject_of(nomination).pk}",
        "nominator": nomination.nominator_id,
        "status": nomination.status,
        "eligible": nomination.eligible,
        "evidence": [f"{e['kind']}:{e['id']}" for e in nomination.evidence],
        "narrative_length": len(nomination.narrative),
    }


def nominate(
    *,
    actor: Any,
    round_category: RoundCategory,
    subject,
    nominator: Organisation,
    narrative: str,
    evidence_keys: Iterable[str] = (),
    files: Sequence = (),
) -> Nomination:
    """Nominate ``subject`` in the category; :class:`NominationRefused` says why not."""
    rc = round_category
    if not policy.can_nominate(actor):
        raise NominationRefused(_("You may not nominate for the 830 round."))
    if not eligibility.subject_fits(rc, subject):
        raise NominationRefused(eligibility.wrong_subject_reason(rc))
    if not nominees_in(actor, rc).filter(pk=subject.pk).exists():
        raise NominationRefused(_("You may not nominate %(name)s.") % {"name": str(subject)})
    if not policy.nominator_organisations_for(actor).filter(pk=nominator.pk).exists():
        raise NominationRefused(
            _("You may not nominate on behalf of %(name)s.") % {"name": nominator.name}
        )
    refusal = window_refusal(rc.round)
    if refusal:
        raise NominationRefused(refusal)
    narrative = _narrative(narrative)
    checked_files = _check_files(files)
    field = subject_field(rc)
    try:
        with removed_on_failure() as store, transaction.atomic():
            round_ = _locked_round(rc.round_id)  # one nomination at a time per round
            refusal = window_refusal(round_)
            if refusal:
                raise NominationRefused(refusal)
            rc.round = round_
            live = Nomination.objects.filter(round_category=rc, **{field: subject}).exclude(
                status=Nomination.Status.WITHDRAWN
            )
            if live.exists():
                raise NominationRefused(_duplicate_message(rc, subject))
            found = eligibility.check(rc, subject)
            if not found.eligible:
                raise NominationRefused(
                    [
                        _("%(name)s is not eligible for %(category)s:")
                        % {"name": str(subject), "category": rc.category},
                        *found.refusals,
                    ]
                )
            items = _evidence(subject, round_, evidence_keys)
            nomination = Nomination.objects.create(
                round_category=rc,
                nominator=nominator,
                narrative=narrative,
                evidence=items,
                eligible=True,
                eligibility=found.as_json(),
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                **{field: subject},
            )
            stored = _store_files(actor, nomination, checked_files, store)
            audit.record(
                actor=actor,
                action="honours.nominated",
                obj=nomination,
                after=_state(nomination) | {"files": [f.pk for f in stored]},
            )
    except IntegrityError:  # nominated by someone else at the same moment
        raise NominationRefused(_duplicate_message(rc, subject)) from None
    return nomination


def _live_for_change(actor: Any, nomination: Nomination) -> tuple[Nomination, Round]:
    round_ = _locked_round(nomination.round_category.round_id)
    nomination = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("round_category__category", "worker", "innovation", "organisation")
        .order_by()
        .get(pk=nomination.pk)
    )
    nomination.round_category.round = round_
    if not policy.can_change_nomination(actor, nomination):
        raise NominationRefused(_("You may not change this nomination."))
    refusal = window_refusal(round_)
    if refusal:
        raise NominationRefused(refusal)
    return nomination, round_


def update(
    *,
    actor: Any,
    nomination: Nomination,
    narrative: str | None = None,
    evidence_keys: Iterable[str] | None = None,
    files: Sequence = (),
) -> Nomination:
    """Change the narrative and the evidence, add files, while the window is open; the
    eligibility is read again and stored (a change does not refuse the edit)."""
    with removed_on_failure() as store, transaction.atomic():
        nomination, round_ = _live_for_change(actor, nomination)
        if nomination.files.count() + len(files) > MAX_FILES:
            raise NominationRefused(
                _("At most %(n)d files may be attached to a nomination.") % {"n": MAX_FILES}
            )
        checked_files = _check_files(files)
        before = _state(nomination)
        old_text = nomination.narrative
        subject = subject_of(nomination)
        if narrative is not None:
            nomination.narrative = _narrative(narrative)
        if evidence_keys is not None:
            nomination.evidence = _evidence(subject, round_, evidence_keys)
        found = eligibility.check(nomination.round_category, subject, exclude_nomination=nomination)
        nomination.eligible = found.eligible
        nomination.eligibility = found.as_json()
        nomination.save()
        stored = _store_files(actor, nomination, checked_files, store)
        after = _state(nomination)
        if stored:
            after["files_added"] = [f.pk for f in stored]
        if audit.changed_fields(before, after) or nomination.narrative != old_text:
            audit.record(
                actor=actor,
                action="honours.nomination_changed",
                obj=nomination,
                before=before,
                after=after,
                note="narrative changed" if nomination.narrative != old_text else "",
            )
    return nomination


def withdraw(*, actor: Any, nomination: Nomination, reason: str) -> Nomination:
    reason = (reason or "").strip()
    if not reason:
        raise NominationRefused(_("Give the reason for withdrawing the nomination."))
    with transaction.atomic():
        round_ = _locked_round(nomination.round_category.round_id)
        nomination = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("round_category__category", "worker", "innovation", "organisation")
            .order_by()
            .get(pk=nomination.pk)
        )
        nomination.round_category.round = round_
        if not policy.can_withdraw_nomination(actor, nomination):
            raise NominationRefused(_("You may not withdraw this nomination."))
        before = _state(nomination)
        nomination.status = Nomination.Status.WITHDRAWN
        nomination.withdrawn_reason = reason
        nomination.proposed = False
        nomination.save(update_fields=["status", "withdrawn_reason", "proposed", "updated_at"])
        audit.record(
            actor=actor,
            action="honours.nomination_withdrawn",
            obj=nomination,
            before=before,
            after=_state(nomination),
            note=reason,
        )
    return nomination


@dataclass(frozen=True)
class Change:
    nomination: Nomination
    was_eligible: bool
    eligible: bool
    checks: list[dict[str, Any]]

    @property
    def became(self) -> str:
        return "eligible" if self.eligible else "ineligible"


def recheck(*, actor: Any, round_: Round) -> list[Change]:
    """Run the rules again on every live (nominated, not withdrawn or removed) nomination
    of the round; store the new results; return those whose eligibility changed."""
    if not policy.can_manage_honours(actor):
        raise NominationRefused(_("Only programme admins recheck the nominations."))
    changes: list[Change] = []
    with transaction.atomic():
        round_ = _locked_round(round_.pk)
        if round_.stage == Round.Stage.FINAL:
            raise NominationRefused(
                _("The %(year)s list is final: its nominations are no longer checked.")
                % {"year": round_.year.year}
            )
        nominations = list(
            Nomination.objects.filter(
                round_category__round=round_, status=Nomination.Status.SUBMITTED
            )
            .select_related(
                "round_category__category", "worker", "innovation__year", "organisation"
            )
            .order_by("round_category__category__order", "id")
        )
        for nomination in nominations:
            nomination.round_category.round = round_
            found = eligibility.check(
                nomination.round_category, subject_of(nomination), exclude_nomination=nomination
            )
            checks = found.as_json()
            if found.eligible == nomination.eligible and checks == nomination.eligibility:
                continue
            was = nomination.eligible
            Nomination.objects.filter(pk=nomination.pk).update(
                eligible=found.eligible, eligibility=checks
            )
            if was != found.eligible:
                changes.append(Change(nomination, was, found.eligible, checks))
                audit.record(
                    actor=actor,
                    action="honours.eligibility_changed",
                    obj=nomination,
                    before={"eligible": was},
                    after={"eligible": found.eligible},
                    note="; ".join(c["reason"] for c in checks if not c["passed"])[:1000],
                )
        audit.record(
            actor=actor,
            action="honours.eligibility_rechecked",
            obj=round_,
            after={"checked": len(nominations), "changed": [c.nomination.pk for c in changes]},
        )
    return changes
