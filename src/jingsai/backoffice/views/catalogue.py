"""The catalogue: years and targets, series, brands, industries, zones, 830 quotas."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from jingsai.access import policy
from jingsai.access.decorators import requires
from jingsai.backoffice.forms import BrandForm, ProgrammeYearForm
from jingsai.catalogue.models import Brand, HonourQuota, Industry, ProgrammeYear, Series, Zone
from jingsai.common.domain.changes import update_audited


@requires(policy.reads_everything)
def catalogue(request):
    return render(
        request,
        "backoffice/catalogue.html",
        {
            "years": ProgrammeYear.objects.all(),
            "series": Series.objects.all(),
            "brands": Brand.objects.all(),
            "industries": Industry.objects.select_related("series"),
            "zones": Zone.objects.all(),
            "quotas": HonourQuota.objects.select_related("year", "category"),
            "can_change": policy.is_programme_admin(request.user),
        },
    )


def _edit(request, instance, form_class, title):
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        update_audited(instance, actor=request.user, changes=form.cleaned_data)
        messages.success(request, _("Changes saved."))
        return redirect("backoffice:catalogue")
    return render(request, "backoffice/simple_form.html", {"form": form, "title": title})


@requires(policy.is_programme_admin)
def brand_edit(request, pk):
    brand = get_object_or_404(Brand, pk=pk)
    return _edit(request, brand, BrandForm, _("Edit brand"))


@requires(policy.is_programme_admin)
def year_edit(request, pk):
    year = get_object_or_404(ProgrammeYear, pk=pk)
    return _edit(request, year, ProgrammeYearForm, _("Edit programme year"))
