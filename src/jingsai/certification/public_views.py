"""Public verification of a certificate by its number (the QR code's address).

Anyone may look a number up. A known number shows whether the certificate is
valid or revoked (with the date and reason), the name partly masked, the
competition, title, award, date and issuer — never an ID number. An honour
certificate (the 830: no competition) shows the honour's year and category
instead of the competition; its holder is a worker (masked as any other) or an
organisation (an honoured place, named in full). An unknown
number answers 404 with the same page and no hint (numbers are random, so
they cannot be guessed from one another).
"""

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from jingsai.certification.domain.issuing import normalise_number
from jingsai.certification.models import Certificate
from jingsai.common.masking import mask_name
from jingsai.honours.models import Honour


class LookupForm(forms.Form):
    number = forms.CharField(label=_("certificate number"), max_length=40)


def _page(request, certificate, number, status=200):
    return render(
        request,
        "certification/verify.html",
        {
            "form": LookupForm(initial={"number": number}),
            "number": number,
            "certificate": certificate,
            "masked_name": holder_shown(certificate) if certificate else "",
        },
        status=status,
    )


def holder_shown(certificate: Certificate) -> str:
    """A person's name masked; an organisation's (an honoured place) in full."""
    if certificate.worker_id:
        return mask_name(certificate.worker.name)
    return certificate.holder_organisation.name if certificate.holder_organisation_id else ""


@login_not_required
def lookup(request):
    """``/verify/?number=…``: the form, or a redirect to the number's page."""
    number = normalise_number(request.GET.get("number", ""))
    if number:
        if not all(c.isalnum() or c in "-_" for c in number):
            return _page(request, None, number, status=404)
        return redirect("certification:verify", number=number)
    return render(request, "certification/verify.html", {"form": LookupForm(), "lookup": True})


@login_not_required
def verify(request, number):
    number = normalise_number(number)
    # the page anyone may ask for, so kept light: the honour's own rows only for an honour
    # certificate (one join of ten costs more to plan than the look-up itself)
    found = Certificate.objects.select_related(
        "worker", "holder_organisation", "competition__year", "issuer"
    ).filter(number=number)[:1]
    certificate = found[0] if found else None
    if certificate is None:
        return _page(request, None, number, status=404)
    if certificate.honour_id:
        certificate.honour = Honour.objects.select_related(
            "round__year", "category", "innovation"
        ).get(pk=certificate.honour_id)
    return _page(request, certificate, number)
