"""Back-office pages of certification (programme admins only): the rules of a
competition, applying them, the certificates with their PDFs, revocation.

Every view finds the competition the same way: one the user sees (404
otherwise) and :func:`policy.can_manage_certification` (403 otherwise, also
declared by ``@requires``). Rules and certificates named in a URL belong to
that competition (404 otherwise). Changes are POST only and go through one
domain function each (:mod:`jingsai.certification.domain.issuing`).
"""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingsai.access import policy
from jingsai.access.decorators import get_visible_or_404, requires
from jingsai.backoffice.views.querystrings import query_without_page
from jingsai.certification import pdf
from jingsai.certification.domain import issuing
from jingsai.certification.domain.issuing import CertificationRefused
from jingsai.certification.forms import ApplyForm, CertificateFilterForm, ReasonForm, RuleForm
from jingsai.certification.models import Certificate, CertificationRule
from jingsai.common.pagination import paginate
from jingsai.common.spreadsheets import record_export
from jingsai.competitions.models import Competition

BATCH_CHUNK = 500


def _competition(request, pk) -> Competition:
    competition = get_visible_or_404(
        policy.competitions_visible_to(request.user).select_related("year", "organiser"), pk=pk
    )
    if not policy.can_manage_certification(request.user):
        raise PermissionDenied
    return competition


def _certificates(competition):
    return Certificate.objects.filter(competition=competition).select_related(
        "worker", "issuer", "competition", "competition__year"
    )


# --- rules -------------------------------------------------------------------------


@requires(policy.can_manage_certification)
def rule_list(request, pk):
    competition = _competition(request, pk)
    rules = CertificationRule.objects.filter(competition=competition).select_related("issuer")
    return render(
        request,
        "certification/rules.html",
        {
            "competition": competition,
            "rules": rules,
            "apply_form": ApplyForm(),
            "can_apply": competition.status in issuing.ISSUING_STATUSES,
        },
    )


@requires(policy.can_manage_certification)
def rule_edit(request, pk, rule_pk=None):
    competition = _competition(request, pk)
    rule = None
    if rule_pk is not None:
        rule = get_visible_or_404(
            CertificationRule.objects.filter(competition=competition), pk=rule_pk
        )
    if rule is None:
        rule = CertificationRule(competition=competition)
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        issuing.save_rule(actor=request.user, rule=form.save(commit=False))
        messages.success(request, _("The rule is saved; apply the rules for it to take effect."))
        return redirect("backoffice:certification_rules", pk=pk)
    return render(
        request,
        "certification/rule_form.html",
        {"competition": competition, "form": form, "rule": rule if rule.pk else None},
    )


@requires(policy.can_manage_certification)
@require_POST
def rule_remove(request, pk, rule_pk):
    competition = _competition(request, pk)
    rule = get_visible_or_404(CertificationRule.objects.filter(competition=competition), pk=rule_pk)
    issuing.remove_rule(actor=request.user, rule=rule)
    messages.success(
        request,
        _("The rule is removed; its certificates are revoked when the rules are next applied."),
    )
    return redirect("backoffice:certification_rules", pk=pk)


@requires(policy.can_manage_certification)
@require_POST
def apply_now(request, pk):
    competition = _competition(request, pk)
    form = ApplyForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        report = issuing.apply_rules(actor=request.user, competition=competition, reason=reason)
    except CertificationRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("%(issued)s certificates issued, %(revoked)s revoked, %(kept)s unchanged.")
            % {
                "issued": len(report.issued),
                "revoked": len(report.revoked),
                "kept": report.kept,
            },
        )
    return redirect("backoffice:certification_certificates", pk=pk)


# --- certificates ------------------------------------------------------------------


@requires(policy.can_manage_certification)
def certificate_list(request, pk):
    competition = _competition(request, pk)
    form = CertificateFilterForm(request.GET or None)
    certificates = _certificates(competition)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("status"):
        certificates = certificates.filter(status=data["status"])
    if data.get("title"):
        certificates = certificates.filter(title=data["title"].strip())
    if data.get("q"):
        q = data["q"].strip()
        certificates = certificates.filter(Q(number=q.upper()) | Q(worker__name__startswith=q))
    page = paginate(certificates.order_by("-id"), page=request.GET.get("page"))
    titles = (
        Certificate.objects.filter(competition=competition)
        .order_by("title")
        .values_list("title", flat=True)
        .distinct()
    )
    return render(
        request,
        "certification/certificates.html",
        {
            "competition": competition,
            "form": form,
            "page": page,
            "query": query_without_page(request.GET),
            "titles": list(titles),
            "valid_count": Certificate.objects.filter(
                competition=competition, status=Certificate.Status.VALID
            ).count(),
            "apply_form": ApplyForm(),
            "revoke_form": ReasonForm(),
            "can_apply": competition.status in issuing.ISSUING_STATUSES,
        },
    )


@requires(policy.can_manage_certification)
def certificate_pdf(request, pk, cert_pk):
    competition = _competition(request, pk)
    certificate = _certificates(competition).filter(pk=cert_pk).first()
    if certificate is None:
        raise Http404
    response = HttpResponse(pdf.render(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    record_export(
        request, filename=f"{certificate.number}.pdf", rows=1, personal_data="a holder's name"
    )
    return response


@requires(policy.can_manage_certification)
def batch_pdf(request, pk):
    """All valid certificates as one PDF, written to a temporary file and streamed from it."""
    competition = _competition(request, pk)
    certificates = (
        _certificates(competition)
        .filter(status=Certificate.Status.VALID)
        .order_by("id")
        .iterator(chunk_size=BATCH_CHUNK)
    )
    target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse reads and closes it)
    made = pdf.render_many(certificates, target, title=competition.title)
    target.seek(0)
    record_export(
        request,
        filename=f"{competition.code}-certificates.pdf",
        rows=made,  # one page per certificate
        personal_data="holders' names",
    )
    return FileResponse(
        target,
        as_attachment=True,
        filename=f"{competition.code}-certificates.pdf",
        content_type="application/pdf",
    )


@requires(policy.can_manage_certification)
@require_POST
def certificate_revoke(request, pk, cert_pk):
    competition = _competition(request, pk)
    certificate = get_visible_or_404(
        Certificate.objects.filter(competition=competition), pk=cert_pk
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the certificate is revoked."))
    else:
        try:
            issuing.revoke(
                actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
            )
        except CertificationRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request, _("Certificate %(number)s is revoked.") % {"number": certificate.number}
            )
    return redirect("backoffice:certification_certificates", pk=pk)
