"""Dashboard settings: the points each award level earns in a year's medal table.

Programme admins only (``policy.can_configure_dashboard``); every change goes through
:func:`jingsai.dashboards.domain.medals.save_points`, which checks the same rule again
and writes the audit trail.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingsai.access import policy
from jingsai.access.decorators import requires
from jingsai.catalogue.models import ProgrammeYear
from jingsai.dashboards.domain import medals
from jingsai.dashboards.models import MedalPoints

EXTRA_ROWS = 3


class PointsForm(forms.Form):
    award = forms.CharField(
        label=gettext_lazy("award"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"aria-label": gettext_lazy("award")}),
    )
    points = forms.IntegerField(
        label=gettext_lazy("points"),
        min_value=0,
        max_value=medals.MAX_POINTS,
        required=False,
        widget=forms.NumberInput(attrs={"aria-label": gettext_lazy("points")}),
    )

    def clean(self):
        data = super().clean()
        award = (data.get("award") or "").strip()
        if award and data.get("points") is None:
            self.add_error("points", _("Give this award its points."))
        if not award and data.get("points") is not None:
            self.add_error("award", _("Name the award."))
        data["award"] = award
        return data


PointsFormSet = forms.formset_factory(PointsForm, extra=EXTRA_ROWS, max_num=50, validate_max=True)


@requires(policy.can_configure_dashboard)
def index(request):
    years = list(ProgrammeYear.objects.order_by("-year"))
    configured = set(MedalPoints.objects.values_list("year_id", flat=True).distinct())
    for year in years:
        year.configured = year.pk in configured
    return render(
        request,
        "backoffice/dashboard_settings/index.html",
        {"years": years, "defaults": medals.DEFAULT_POINTS},
    )


@requires(policy.can_configure_dashboard)
def medal_points(request, year_pk):
    year = get_object_or_404(ProgrammeYear, pk=year_pk)
    current = medals.points_of(year)
    initial = [{"award": award, "points": points} for award, points in current]
    # every row is read, changed or not (an unchanged row is still one of the awards)
    formset = PointsFormSet(
        request.POST or None,
        initial=initial,
        prefix="points",
        form_kwargs={"empty_permitted": False},
    )
    if request.method == "POST" and formset.is_valid():
        rows = [
            (form.cleaned_data["award"], form.cleaned_data["points"])
            for form in formset
            if form.cleaned_data.get("award")
        ]
        try:
            medals.save_points(actor=request.user, year=year, rows=rows)
        except medals.PointsRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Medal points saved."))
            return redirect("backoffice:dashboard_settings_points", year_pk=year.pk)
    named = {award for award, _points in current}
    found = [(award, n, award in named) for award, n in medals.awards_found(year)]
    return render(
        request,
        "backoffice/dashboard_settings/points.html",
        {
            "year": year,
            "formset": formset,
            "configured": medals.is_configured(year),
            "found": found,
        },
    )
