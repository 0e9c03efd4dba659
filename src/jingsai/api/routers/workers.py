"""Workers within the caller's scope (``policy.workers_visible_to``), masked.

ID numbers and phones are masked in lists always, and on one worker's record
unless ``policy.can_see_personal_data`` (programme admins), as on the pages.
Every answer is recorded in the audit trail with its number of rows.
"""

from ninja import Field, Query, Router, Schema
from ninja.responses import codes_4xx

from jingsai.access import policy
from jingsai.api.auth import required_auth
from jingsai.api.errors import ErrorOut
from jingsai.api.pagination import PageIn, page_of, paged
from jingsai.api.schemas import MAX_ID, NO_NUL, Id
from jingsai.api.schemas.people import WorkerOut
from jingsai.api.scoping import record_personal_data, require, visible_or_404
from jingsai.common.masking import mask_id_number, mask_phone
from jingsai.common.search import classify_search, search_by_name
from jingsai.people.models import Worker

router = Router(tags=["workers"], auth=required_auth)

LISTED = "workers' names, masked ID numbers and phones"
UNMASKED = "a worker's ID number and phone, unmasked"


def worker_out(worker: Worker, *, unmasked: bool = False) -> dict:
    return {
        "id": worker.pk,
        "name": worker.name,
        "id_number": worker.id_number if unmasked else mask_id_number(worker.id_number),
        "phone": worker.phone if unmasked else mask_phone(worker.phone),
        "personal_data_masked": not unmasked,
        "birth_year": worker.birth_date.year,
        "birth_date": worker.birth_date if unmasked else None,
        "gender": worker.gender,
        "employer_id": worker.employer_id,
        "employer_name": worker.employer.name if worker.employer_id else "",
        "zone_id": worker.zone_id,
        "industry_id": worker.industry_id,
        "trade": worker.trade,
        "skill_level": worker.skill_level,
    }


class WorkerFilters(Schema):
    employer: int | None = Field(None, ge=1, le=MAX_ID)
    zone: int | None = Field(None, ge=1, le=MAX_ID)
    industry: int | None = Field(None, ge=1, le=MAX_ID)
    skill_level: int | None = Field(None, ge=1, le=5)
    name: str = Field(
        "",
        max_length=50,
        pattern=NO_NUL,
        description="a name or its pinyin initials, from the start",
    )


@router.get("", response={200: paged(WorkerOut), codes_4xx: ErrorOut}, url_name="worker_list")
def worker_list(request, page: Query[PageIn], filters: Query[WorkerFilters]):
    require(policy.can_browse_workers, request.user)
    workers = policy.workers_visible_to(request.user).select_related("employer")
    for field in ("employer", "zone", "industry", "skill_level"):
        value = getattr(filters, field)
        if value is not None:
            workers = workers.filter(**{f"{field}_id" if field != "skill_level" else field: value})
    found = None
    if filters.name.strip():
        term = classify_search(filters.name)
        if term.kind in ("id_number", "digits"):  # numbers never go into URLs
            workers = workers.none()
        else:
            found = search_by_name(workers, term)
    result = page_of(found if found is not None else workers.order_by("-id"), page)
    result["items"] = [worker_out(w) for w in result["items"]]
    record_personal_data(request, rows=len(result["items"]), what=LISTED)
    return result


@router.get(
    "/{int:worker_id}", response={200: WorkerOut, codes_4xx: ErrorOut}, url_name="worker_detail"
)
def worker_detail(request, worker_id: Id):
    require(policy.can_browse_workers, request.user)
    worker = visible_or_404(
        policy.workers_visible_to(request.user).select_related("employer"), pk=worker_id
    )
    unmasked = policy.can_see_personal_data(request.user, worker)
    record_personal_data(request, rows=1, what=UNMASKED if unmasked else LISTED)
    return worker_out(worker, unmasked=unmasked)
