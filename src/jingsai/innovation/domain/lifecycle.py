"""The lifecycle of an innovation result (成果转化), and who may move it.

::

    submitted ─start_review─▶ in_review ─adopt─▶ adopted ─verify_benefit─▶ verified
        │                         │                  │                        │
        │                         │                  │                    recognise
        │                         │                  │                        ▼
        └─────────reject──────────┴──────reject──────┘──▶ rejected       recognised
                               (with the reason and the state it left)

Who may do what (the rules live in :mod:`jingsai.access.policy`; every function here
asks them again for its ``actor``, so a view that forgets a check still cannot move a
result):

- **record** (:func:`record`): a worker, for his employer and naming himself among the
  authors (his colleagues as co-authors); an enterprise officer, for his enterprises
  with their workers as authors; a programme admin, for any enterprise and author
  (``can_record_innovation``, ``innovation_enterprises_for``, ``innovation_authors_for``);
- **edit** the details and authors (:func:`edit`) while submitted or in review: its
  authors, its enterprise's officers, programme admins (``can_change_innovation``); an
  author who is not a reviewer cannot take himself off the authors;
- **start the review, adopt, reject** (:func:`start_review`, :func:`adopt`,
  :func:`reject`): the enterprise's officers and programme admins
  (``can_review_innovation``); an adopted result may also be rejected by the benefit
  verifiers (``can_reject_innovation``); a rejection always carries its reason;
- **verify the benefit** (:func:`verify_benefit`): the union side, never the result's
  own enterprise — co-organiser staff and programme admins (``can_verify_benefit``);
  money saved (yuan) and hours saved are not negative, at least one of money, hours or
  quality gain is given, with the evidence; the reward tier follows from the bands
  (:mod:`jingsai.innovation.domain.bands`);
- **recognise** (:func:`recognise`): programme admins (``can_recognise_innovation``);
- **files** (:func:`add_file`, :func:`remove_file`): PDF, JPEG, PNG, Word (.docx) or
  Excel (.xlsx), checked by content and stored under a random name; by those who may
  edit the details, and while adopted by its reviewers and verifiers
  (``can_change_innovation_files``).

``actor=None`` is the system (presets, demo data, commands): trusted, audited as
"system". Every change locks the result's row, checks the state it starts from and
writes an audit record (``innovation.*``) with the state before and after, all in one
transaction. Refusals raise :class:`InnovationRefused` with a translated message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.access import policy
from jingsai.catalogue.models import ProgrammeYear
from jingsai.common.domain import audit
from jingsai.common.uploads import check_upload, removed_on_failure
from jingsai.innovation.domain.bands import ordered_bands, tier_for
from jingsai.innovation.models import Author, InnovationResult, ResultFile, RewardBand
from jingsai.organisations.models import Organisation
from jingsai.people.models import Role, Worker

S = InnovationResult.Status
VERIFIED_STATES = (S.VERIFIED, S.RECOGNISED)
FILE_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EDITABLE_FIELDS = ("kind", "title", "year", "enterprise", "description", "competition")


class InnovationRefused(Exception):  # noqa: N818 (a refusal shown to the user)
    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


# --- helpers -------------------------------------------------------------------------


def _is_user(actor: Any) -> bool:
    return actor is not None


def _require(actor: Any, predicate, *args: Any, message: str | None = None) -> None:
    """Refuse unless ``predicate(actor, *args)`` (the system, ``actor=None``, may)."""
    if _is_user(actor) and not predicate(actor, *args):
        raise InnovationRefused(message or _("You may not do this with this result."))


def _check_from(result: InnovationResult, *states: str) -> None:
    if result.status not in states:
        raise InnovationRefused(
            _("This result is “%(status)s”: this step is not possible now.")
            % {"status": result.get_status_display()}
        )


def _locked(result: InnovationResult) -> InnovationResult:
    # .order_by(): the model's ordering joins the year, which FOR UPDATE refuses
    return (
        InnovationResult.objects.select_for_update()
        .order_by()
        .select_related("enterprise")
        .get(pk=result.pk)
    )


def _author_ids(result: InnovationResult) -> list[int]:
    return list(
        Author.objects.filter(result=result)
        .order_by("order", "id")
        .values_list("worker_id", flat=True)
    )


def _state(result: InnovationResult, *, with_authors: bool = False) -> dict[str, Any]:
    """The audited state; the (long) description and the authors only when the details
    are recorded or edited, not on every step."""
    if not with_authors:
        return audit.snapshot(result, exclude=("description",))
    return audit.snapshot(result) | {"authors": _author_ids(result)}


def _validate(result: InnovationResult) -> None:
    try:
        # blank until a rejection, and for the system (the model does not say blank=True)
        result.full_clean(exclude=["rejected_from", "submitted_by"])
    except ValidationError as error:
        fields = getattr(error, "message_dict", {})
        field = next((name for name in fields if name != "__all__"), "")
        raise InnovationRefused(" ".join(error.messages), field) from error


def _year_of(year: ProgrammeYear | int) -> ProgrammeYear:
    if isinstance(year, ProgrammeYear):
        return year
    found = ProgrammeYear.objects.filter(year=year).first()
    if found is None:
        raise InnovationRefused(_("There is no programme year %(year)s.") % {"year": year}, "year")
    return found


def _check_enterprise(actor: Any, enterprise: Organisation) -> None:
    if enterprise is None or enterprise.kind != Organisation.Kind.ENTERPRISE:
        raise InnovationRefused(_("A result is recorded for an enterprise."), "enterprise")
    if _is_user(actor) and not (
        policy.innovation_enterprises_for(actor).filter(pk=enterprise.pk).exists()
    ):
        raise InnovationRefused(
            _("You may not record results for %(name)s.") % {"name": enterprise.name},
            "enterprise",
        )


def _check_authors(actor: Any, authors: Sequence[Worker], *, keep: set[int]) -> list[Worker]:
    """At least one author, none twice, each new one among those the actor may name."""
    workers = list(authors)
    if not workers:
        raise InnovationRefused(_("Name at least one author."), "authors")
    ids = [w.pk for w in workers]
    if len(set(ids)) != len(ids):
        raise InnovationRefused(_("An author is named twice."), "authors")
    new = [w for w in workers if w.pk not in keep]
    if _is_user(actor) and new and not policy.is_programme_admin(actor):
        allowed = set(
            policy.innovation_authors_for(actor)
            .filter(pk__in=[w.pk for w in new])
            .values_list("pk", flat=True)
        )
        refused = [w.name for w in new if w.pk not in allowed]
        if refused:
            raise InnovationRefused(
                _("You may not name %(names)s as an author.") % {"names": "、".join(refused)},
                "authors",
            )
    return workers


def _records_as_worker(actor: Any, enterprise_id: int) -> bool:
    """True when the actor records or edits only as a worker (not admin, not its officer)."""
    return (
        _is_user(actor)
        and not policy.is_programme_admin(actor)
        and enterprise_id not in policy.organisation_ids_for(actor, Role.ENTERPRISE_OFFICER)
    )


def _set_authors(result: InnovationResult, workers: list[Worker]) -> None:
    Author.objects.filter(result=result).delete()
    Author.objects.bulk_create(
        Author(result=result, worker=worker, order=order)
        for order, worker in enumerate(workers, start=1)
    )


def _text(value: Any) -> str:
    return (value or "").strip()


# --- recording and editing -----------------------------------------------------------


def record(
    *,
    actor: Any,
    kind: str,
    title: str,
    year: ProgrammeYear | int,
    enterprise: Organisation,
    description: str,
    authors: Sequence[Worker],
    competition=None,
) -> InnovationResult:
    """Record a new result (submitted), with its authors in the order given."""
    if _is_user(actor) and not policy.can_record_innovation(actor):
        raise InnovationRefused(_("You may not record innovation results."))
    _check_enterprise(actor, enterprise)
    workers = _check_authors(actor, authors, keep=set())
    if _records_as_worker(actor, enterprise.pk) and not any(w.user_id == actor.pk for w in workers):
        raise InnovationRefused(_("Name yourself among the authors."), "authors")
    result = InnovationResult(
        kind=kind,
        title=_text(title),
        year=_year_of(year),
        enterprise=enterprise,
        competition=competition,
        description=_text(description),
        status=S.SUBMITTED,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _validate(result)
    with transaction.atomic():
        result.save()
        _set_authors(result, workers)
        audit.record(
            actor=actor,
            action="innovation.recorded",
            obj=result,
            after=_state(result, with_authors=True),
        )
    return result


def edit(
    *,
    actor: Any,
    result: InnovationResult,
    authors: Sequence[Worker] | None = None,
    **fields: Any,
) -> InnovationResult:
    """Change the details (``kind``, ``title``, ``year``, ``enterprise``, ``description``,
    ``competition``) and, when given, the authors, while submitted or in review."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    with transaction.atomic():
        result = _locked(result)
        _check_from(result, S.SUBMITTED, S.IN_REVIEW)
        _require(actor, policy.can_change_innovation, result)
        reviews = not _is_user(actor) or policy.can_review_innovation(actor, result)
        before = _state(result, with_authors=True)
        if "enterprise" in fields and fields["enterprise"].pk != result.enterprise_id:
            _check_enterprise(actor, fields["enterprise"])
        if "year" in fields:
            fields["year"] = _year_of(fields["year"])
        for name in ("title", "description"):
            if name in fields:
                fields[name] = _text(fields[name])
        for name, value in fields.items():
            setattr(result, name, value)
        _validate(result)
        result.save()
        if authors is not None:
            current = before["authors"]
            workers = _check_authors(actor, authors, keep=set(current))
            if not reviews and not any(w.user_id == actor.pk for w in workers):
                raise InnovationRefused(_("You cannot take yourself off the authors."), "authors")
            if [w.pk for w in workers] != current:
                _set_authors(result, workers)
        after = _state(result, with_authors=True)
        if audit.changed_fields(before, after):
            audit.record(
                actor=actor, action="innovation.edited", obj=result, before=before, after=after
            )
    return result


# --- the review by the enterprise ------------------------------------------------------


def start_review(*, actor: Any, result: InnovationResult, note: str = "") -> InnovationResult:
    with transaction.atomic():
        result = _locked(result)
        _check_from(result, S.SUBMITTED)
        _require(actor, policy.can_review_innovation, result)
        before = _state(result)
        result.status = S.IN_REVIEW
        result.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="innovation.review_started",
            obj=result,
            before=before,
            after=_state(result),
            note=_text(note),
        )
    return result


def adopt(
    *, actor: Any, result: InnovationResult, adopted_on: dt.date, note: str
) -> InnovationResult:
    """The enterprise implements the result: on ``adopted_on``, as ``note`` says."""
    note = _text(note)
    if not note:
        raise InnovationRefused(_("Say how the result was implemented."), "note")
    if adopted_on is None:
        raise InnovationRefused(_("Give the date it was adopted."), "adopted_on")
    if adopted_on > timezone.localdate():
        raise InnovationRefused(_("The adoption date cannot be in the future."), "adopted_on")
    with transaction.atomic():
        result = _locked(result)
        _check_from(result, S.IN_REVIEW)
        _require(actor, policy.can_review_innovation, result)
        before = _state(result)
        result.status = S.ADOPTED
        result.adopted_on = adopted_on
        result.adoption_note = note
        result.save(update_fields=["status", "adopted_on", "adoption_note", "updated_at"])
        audit.record(
            actor=actor,
            action="innovation.adopted",
            obj=result,
            before=before,
            after=_state(result),
        )
    return result


def reject(*, actor: Any, result: InnovationResult, reason: str) -> InnovationResult:
    """Reject a result before its benefit is verified; the reason is required and kept."""
    reason = _text(reason)
    if not reason:
        raise InnovationRefused(_("Give the reason for the rejection."), "reason")
    with transaction.atomic():
        result = _locked(result)
        _check_from(result, S.SUBMITTED, S.IN_REVIEW, S.ADOPTED)
        _require(actor, policy.can_reject_innovation, result)
        before = _state(result)
        result.rejected_from = result.status
        result.status = S.REJECTED
        result.rejected_at = timezone.now()
        result.rejection_reason = reason
        result.save(
            update_fields=[
                "status", "rejected_from", "rejected_at", "rejection_reason", "updated_at",
            ]
        )  # fmt: skip
        audit.record(
            actor=actor,
            action="innovation.rejected",
            obj=result,
            before=before,
            after=_state(result),
            note=reason,
        )
    return result


# --- the benefit and recognition -----------------------------------------------------


def _amount(value: Any, field: str, label: str, places: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
        if not amount.is_finite():
            raise InvalidOperation
        step = Decimal(1).scaleb(-places)
        exact = amount == amount.quantize(step)
    except InvalidOperation as error:
        raise InnovationRefused(_("%(what)s is not a number.") % {"what": label}, field) from error
    if amount < 0:
        raise InnovationRefused(_("%(what)s cannot be negative.") % {"what": label}, field)
    if not exact:
        raise InnovationRefused(
            _("%(what)s has at most %(n)d decimal places.") % {"what": label, "n": places}, field
        )
    return amount.quantize(step)


def verify_benefit(
    *,
    actor: Any,
    result: InnovationResult,
    money_saved: Decimal | int | str | None = None,
    hours_saved: Decimal | int | str | None = None,
    quality_gain: str = "",
    evidence: str = "",
) -> InnovationResult:
    """Record the verified benefit of an adopted result and its reward tier."""
    money = _amount(money_saved, "money_saved", _("Money saved"), 2)
    hours = _amount(hours_saved, "hours_saved", _("Hours saved"), 1)
    quality = _text(quality_gain)
    evidence = _text(evidence)
    if money is None and hours is None and not quality:
        raise InnovationRefused(
            _("Give the money saved, the hours saved or the quality gain."), "money_saved"
        )
    if not evidence:
        raise InnovationRefused(_("Describe the evidence of the benefit."), "evidence")
    with transaction.atomic():
        result = _locked(result)
        _check_from(result, S.ADOPTED)
        _require(
            actor,
            policy.can_verify_benefit,
            result,
            message=_("The benefit is verified by the union side, not by the result's enterprise."),
        )
        # the bands are locked so that a change of bands waits for this verification
        bands = list(RewardBand.objects.select_for_update().order_by("order", "-min_money", "id"))
        before = _state(result)
        result.status = S.VERIFIED
        result.money_saved = money
        result.hours_saved = hours
        result.quality_gain = quality
        result.benefit_evidence = evidence
        result.verified_by = actor if getattr(actor, "is_authenticated", False) else None
        result.verified_at = timezone.now()
        result.reward_band = tier_for(money, hours, ordered_bands(bands))
        _validate(result)
        result.save()
        audit.record(
            actor=actor,
            action="innovation.benefit_verified",
            obj=result,
            before=before,
            after=_state(result) | {"tier": result.reward_band.name if result.reward_band else ""},
        )
    return result


def recognise(*, actor: Any, result: InnovationResult, note: str = "") -> InnovationResult:
    with transaction.atomic():
        result = _locked(result)
        _check_from(result, S.VERIFIED)
        _require(actor, policy.can_recognise_innovation)
        before = _state(result)
        result.status = S.RECOGNISED
        result.recognised_at = timezone.now()
        result.save(update_fields=["status", "recognised_at", "updated_at"])
        audit.record(
            actor=actor,
            action="innovation.recognised",
            obj=result,
            before=before,
            after=_state(result),
            note=_text(note),
        )
    return result


# --- files ---------------------------------------------------------------------------


def add_file(*, actor: Any, result: InnovationResult, title: str, upload) -> ResultFile:
    """Attach a file (checked by its content; stored under a random name)."""
    try:
        kind = check_upload(upload, allowed=FILE_TYPES)
    except ValidationError as error:
        raise InnovationRefused(" ".join(error.messages), "file") from error
    with removed_on_failure() as store, transaction.atomic():
        result = _locked(result)
        _require(
            actor,
            policy.can_change_innovation_files,
            result,
            message=_("Files of this result cannot be changed now."),
        )
        item = ResultFile(
            result=result,
            title=_text(title)[:200] or _("file"),
            content_type=FILE_TYPES[kind],
            size=upload.size,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        store(item.file, f"upload.{kind}", upload)  # the name never comes from the user
        item.save()
        audit.record(
            actor=actor,
            action="innovation.file_added",
            obj=result,
            after={"file": item.pk, "title": item.title, "type": kind, "size": item.size},
        )
    return item


def remove_file(*, actor: Any, item: ResultFile) -> None:
    with transaction.atomic():
        result = _locked(item.result)
        _require(
            actor,
            policy.can_change_innovation_files,
            result,
            message=_("Files of this result cannot be changed now."),
        )
        item = ResultFile.objects.select_for_update().order_by().get(pk=item.pk, result=result)
        before = {"file": item.pk, "title": item.title, "type": item.content_type}
        storage, name = item.file.storage, item.file.name
        item.delete()
        audit.record(actor=actor, action="innovation.file_removed", obj=result, before=before)
        transaction.on_commit(lambda: storage.delete(name))
