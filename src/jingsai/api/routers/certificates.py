"""Certificates: the caller's scope's list, and the public verification by number.

Programme admins and leadership see every certificate; others see those of the
workers they may see (``policy.workers_visible_to``: an officer his enterprise's
workers, a worker his own), as the workers' records show them. Verification is
public and shows what the verification page shows: never an ID number.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Path as PathParam
from ninja import Query, Router
from ninja.responses import codes_4xx

from jingsai.access import policy
from jingsai.api.auth import optional_auth, required_auth
from jingsai.api.errors import ErrorOut, NotFound
from jingsai.api.pagination import PageIn, page_of, paged
from jingsai.api.schemas.others import CertificateOut, VerificationOut
from jingsai.certification.domain.issuing import normalise_number
from jingsai.certification.models import Certificate
from jingsai.common.masking import mask_name

router = Router(tags=["certificates"])


def certificates_visible_to(user):
    if policy.reads_everything(user):
        return Certificate.objects.all()
    return Certificate.objects.filter(worker__in=policy.workers_visible_to(user).values("pk"))


def holder_of(certificate: Certificate, *, masked: bool) -> str:
    if certificate.worker_id:
        return mask_name(certificate.worker.name) if masked else certificate.worker.name
    return certificate.holder_organisation.name if certificate.holder_organisation_id else ""


@router.get(
    "",
    response={200: paged(CertificateOut), codes_4xx: ErrorOut},
    auth=required_auth,
    url_name="certificate_list",
)
def certificate_list(request, page: Query[PageIn]):
    certificates = certificates_visible_to(request.user).select_related(
        "worker", "holder_organisation"
    )
    result = page_of(certificates.order_by("-id"), page)
    result["items"] = [
        {
            "id": c.pk,
            "number": c.number,
            "title": c.title,
            "award": c.award,
            "status": c.status,
            "competition_id": c.competition_id,
            "worker_id": c.worker_id,
            "holder": holder_of(c, masked=False),
            "level": c.level,
            "rank": c.rank,
            "total": c.total,
            "issued_on": c.issued_on,
            "revoked_at": c.revoked_at,
        }
        for c in result["items"]
    ]
    return result


@router.get(
    "/verify/{slug:number}",
    response={200: VerificationOut, codes_4xx: ErrorOut},
    auth=optional_auth,
    url_name="certificate_verify",
)
def certificate_verify(
    request, number: Annotated[str, PathParam(max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")]
):
    """Anyone may check a certificate by its number; an unknown number answers 404."""
    certificate = (
        Certificate.objects.select_related(
            "worker",
            "holder_organisation",
            "competition",
            "competition__year",
            "honour__round__year",
            "honour__category",
            "issuer",
        )
        .filter(number=normalise_number(number))
        .first()
    )
    if certificate is None:
        raise NotFound()
    if certificate.competition_id:
        about = f"{certificate.competition.year.year} {certificate.competition.title}"
    elif certificate.honour_id:
        honour = certificate.honour
        about = f"{honour.round.year.year} {honour.category.display_name}"
    else:
        about = ""
    return {
        "number": certificate.number,
        "valid": certificate.status == Certificate.Status.VALID,
        "status": certificate.status,
        "holder": holder_of(certificate, masked=True),
        "title": certificate.title,
        "award": certificate.award,
        "competition": about,
        "issued_on": certificate.issued_on,
        "issuer": certificate.issuer.name,
        "revoked_at": certificate.revoked_at,
        "revoke_reason": certificate.revoke_reason,
    }
