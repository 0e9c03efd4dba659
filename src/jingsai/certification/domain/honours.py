"""Honour certificates: the certificates of the 830 honours (no competition, no rule).

:func:`issue` gives an :class:`~jingsai.honours.models.Honour` its certificates,
one per holder:

- people categories: the honoured worker;
- results categories: each author of the innovation result (in the authors' order);
- places categories: the organisation (``holder_organisation``; no worker).

The title is ``<year>年度<category name>`` (e.g. ``2026年度浦东工匠``), the issuer
the organisation given (the district union when the list is made final), the
number drawn like every certificate's (:func:`jingsai.certification.domain.issuing.new_number`).
``basis`` states the title, the honour, the holder and the issuer. Issuing
again gives a certificate only to holders without a valid one.

:func:`revoke_for_honour` revokes every valid certificate of an honour (a place
that fails its re-rating); :func:`revoke` revokes one by hand. Each change is in
the audit trail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jingsai.certification.domain.issuing import CertificationRefused, _create, _revoke
from jingsai.certification.models import Certificate
from jingsai.common.domain import audit
from jingsai.innovation.models import Author
from jingsai.organisations.models import Organisation


def title_of(honour) -> str:
    return f"{honour.round.year.year}年度{honour.category.name}"[:100]


def holders(honour) -> list[tuple[int | None, int | None]]:
    """(worker id, organisation id) of each holder, in order."""
    if honour.worker_id:
        return [(honour.worker_id, None)]
    if honour.innovation_id:
        return [
            (worker_id, None)
            for worker_id in Author.objects.filter(result_id=honour.innovation_id)
            .order_by("order", "id")
            .values_list("worker_id", flat=True)
        ]
    if honour.organisation_id:
        return [(None, honour.organisation_id)]
    return []


def basis_of(honour, *, worker_id: int | None, organisation_id: int | None, issuer_id: int) -> str:
    holder = f"worker={worker_id}" if worker_id else f"organisation={organisation_id}"
    return "|".join([title_of(honour), f"honour={honour.pk}", holder, f"issuer={issuer_id}"])[:300]


def issue(
    *, actor: Any, honour, issuer: Organisation, today: dt.date, audit_it: bool = True
) -> list[Certificate]:
    """Issue the honour's certificates to holders who have no valid one (see the module)."""
    with transaction.atomic():
        have = set(
            Certificate.objects.filter(honour=honour, status=Certificate.Status.VALID).values_list(
                "worker_id", "holder_organisation_id"
            )
        )
        issued = []
        for worker_id, organisation_id in holders(honour):
            if (worker_id, organisation_id) in have:
                continue
            issued.append(
                _create(
                    {
                        "honour": honour,
                        "worker_id": worker_id,
                        "holder_organisation_id": organisation_id,
                        "title": title_of(honour),
                        "issued_on": today,
                        "issuer": issuer,
                        "basis": basis_of(
                            honour,
                            worker_id=worker_id,
                            organisation_id=organisation_id,
                            issuer_id=issuer.pk,
                        ),
                        "issued_by": actor if getattr(actor, "pk", None) else None,
                    },
                    today.year,
                )
            )
        if issued and audit_it:
            audit.record(
                actor=actor,
                action="certificates:honour_issue",
                obj=honour,
                after={
                    "issued": [
                        {"number": c.number, "worker": c.worker_id,
                         "organisation": c.holder_organisation_id}
                        for c in issued
                    ]
                },
            )  # fmt: skip
    return issued


def revoke_for_honour(*, actor: Any, honour, reason: str) -> list[str]:
    """Revoke every valid certificate of the honour with the reason; the numbers revoked."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificationRefused(_("Say why the certificates are revoked."))
    with transaction.atomic():
        numbers = []
        for certificate in (
            Certificate.objects.select_for_update()
            .filter(honour=honour, status=Certificate.Status.VALID)
            .order_by("id")
        ):
            _revoke(actor=actor, certificate=certificate, reason=reason)
            numbers.append(certificate.number)
        if numbers:
            audit.record(
                actor=actor,
                action="certificates:honour_revoke",
                obj=honour,
                after={"revoked": numbers},
                note=reason,
            )
    return numbers


def revoke(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """Revoke one honour certificate by hand, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificationRefused(_("Say why the certificate is revoked."))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().order_by().get(pk=certificate.pk)
        if certificate.honour_id is None:
            raise CertificationRefused(_("This is not an honour certificate."))
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
