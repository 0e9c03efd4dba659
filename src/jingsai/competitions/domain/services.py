"""Setting up competitions: create, change, levels, attachments (all audited)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingsai.common.domain import audit
from jingsai.common.domain.changes import create_audited, delete_audited, update_audited
from jingsai.common.uploads import check_upload, removed_on_failure
from jingsai.competitions.models import Attachment, Competition, CompetitionLevel, Entry
from jingsai.dashboards.domain import participation

M2M_FIELDS = ("industries", "co_organisers", "eligible_zones", "eligible_industries")
EDITABLE_STATUSES = (Competition.Status.DRAFT, Competition.Status.OPEN)
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
}

# what the dashboard's participation counts are keyed by (see jingsai.dashboards.models)
COUNTED = ("year_id", "series_id", "brand_id")

DEFAULT_LEVELS = [
    (CompetitionLevel.Scope.ENTERPRISE, "企业初赛"),
    (CompetitionLevel.Scope.ZONE, "区域复赛"),
    (CompetitionLevel.Scope.DISTRICT, "区级决赛"),
]


def _next_code(year: int) -> str:
    count = Competition.objects.filter(code__startswith=f"c{year}-").count()
    code = f"c{year}-{count + 1:03d}"
    while Competition.objects.filter(code=code).exists():
        count += 1
        code = f"c{year}-{count + 1:03d}"
    return code


def create_competition(
    *, actor: Any, as_application: bool = False, levels=DEFAULT_LEVELS, **fields: Any
) -> Competition:
    """A new competition in draft; a co-organiser's is an application to be approved."""
    m2m = {name: fields.pop(name) for name in M2M_FIELDS if name in fields}
    with transaction.atomic():
        competition = Competition(**fields)
        competition.code = competition.code or _next_code(competition.year.year)
        competition.approval = (
            Competition.Approval.DRAFTING if as_application else Competition.Approval.NOT_REQUIRED
        )
        competition.created_by = actor if getattr(actor, "is_authenticated", False) else None
        create_audited(competition, actor=actor)
        for name, values in m2m.items():
            getattr(competition, name).set(values)
        review = (
            CompetitionLevel.Review.PENDING if as_application else CompetitionLevel.Review.APPROVED
        )
        for order, (scope, name) in enumerate(levels, start=1):
            CompetitionLevel.objects.create(
                competition=competition, order=order, scope=scope, name=name, review=review
            )
        if m2m or levels:
            audit.record(
                actor=actor,
                action="update",
                obj=competition,
                after={name: sorted(v.pk for v in values) for name, values in m2m.items()}
                | {"levels": [name for _scope, name in levels]},
                note="tags, eligibility and levels",
            )
    return competition


def _check_editable(competition: Competition, *, by_programme_admin: bool) -> None:
    """Programme admins change a competition until registration closes. Anyone else
    changes only a draft, and a change to an application sends it back for approval."""
    competition.refresh_from_db(fields=["status", "approval"])
    if competition.status not in EDITABLE_STATUSES:
        raise ValidationError(_("A competition can be changed only before registration closes."))
    if by_programme_admin:
        return
    if competition.status != Competition.Status.DRAFT:
        raise ValidationError(_("Once registration has opened, only a programme admin changes it."))
    if competition.approval == Competition.Approval.PENDING:
        raise ValidationError(_("The application is being reviewed; wait for the decision."))


def _back_to_drafting(competition: Competition, *, by_programme_admin: bool) -> None:
    if by_programme_admin or competition.approval != Competition.Approval.APPROVED:
        return
    Competition.objects.filter(pk=competition.pk).update(approval=Competition.Approval.DRAFTING)
    competition.approval = Competition.Approval.DRAFTING
    competition.levels.update(review=CompetitionLevel.Review.PENDING)


def update_competition(
    *, actor: Any, competition: Competition, by_programme_admin: bool = True, **fields: Any
) -> Competition:
    _check_editable(competition, by_programme_admin=by_programme_admin)
    m2m = {name: fields.pop(name) for name in M2M_FIELDS if name in fields}
    with transaction.atomic():
        before_m2m = {
            name: sorted(getattr(competition, name).values_list("pk", flat=True)) for name in m2m
        }
        counted = Competition.objects.filter(pk=competition.pk).values_list(*COUNTED).first()
        update_audited(competition, actor=actor, changes=fields)
        if counted != tuple(getattr(competition, name) for name in COUNTED):
            participation.competition_changed(competition)
        for name, values in m2m.items():
            getattr(competition, name).set(values)
        after_m2m = {name: sorted(v.pk for v in values) for name, values in m2m.items()}
        if before_m2m != after_m2m:
            audit.record(
                actor=actor, action="update", obj=competition, before=before_m2m, after=after_m2m
            )
        _back_to_drafting(competition, by_programme_admin=by_programme_admin)
    return competition


def save_level(
    *,
    actor: Any,
    competition: Competition,
    level: CompetitionLevel | None = None,
    by_programme_admin: bool = True,
    **fields: Any,
) -> CompetitionLevel:
    """Add or change a level; a level of an application goes back to review."""
    _check_editable(competition, by_programme_admin=by_programme_admin)
    _back_to_drafting(competition, by_programme_admin=by_programme_admin)
    fields["review"] = (
        CompetitionLevel.Review.APPROVED
        if competition.approval == Competition.Approval.NOT_REQUIRED
        else CompetitionLevel.Review.PENDING
    )
    if level is None:
        order = (
            competition.levels.order_by("-order").values_list("order", flat=True).first() or 0
        ) + 1
        return create_audited(
            CompetitionLevel(competition=competition, order=fields.pop("order", order), **fields),
            actor=actor,
        )
    with transaction.atomic():
        scope = CompetitionLevel.objects.filter(pk=level.pk).values_list("scope", flat=True).first()
        level = update_audited(level, actor=actor, changes=fields)
        if scope != level.scope:  # the entries at this level are counted by its scope
            participation.entries_changed(
                level.entries.filter(status=Entry.Status.APPROVED).values_list("pk", flat=True)
            )
    return level


def delete_level(*, actor: Any, level: CompetitionLevel, by_programme_admin: bool = True) -> None:
    _check_editable(level.competition, by_programme_admin=by_programme_admin)
    _back_to_drafting(level.competition, by_programme_admin=by_programme_admin)
    if level.entries.exists():
        raise ValidationError(_("Entries have reached this level; it cannot be removed."))
    delete_audited(level, actor=actor)


def add_attachment(*, actor: Any, competition: Competition, title: str, upload) -> Attachment:
    kind = check_upload(upload, allowed=ATTACHMENT_TYPES)
    attachment = Attachment(
        competition=competition,
        title=title.strip() or upload.name[:200],
        content_type=ATTACHMENT_TYPES[kind],
        size=upload.size,
    )
    with removed_on_failure() as store:
        store(attachment.file, f"upload.{kind}", upload)  # the name never comes from the user
        return create_audited(attachment, actor=actor)
