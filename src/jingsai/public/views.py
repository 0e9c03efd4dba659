from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from jingsai.backoffice.views.querystrings import query_without_page
from jingsai.catalogue.models import Brand, Industry, ProgrammeYear, Series
from jingsai.common.pagination import paginate
from jingsai.common.replicas import reads_from_replica
from jingsai.judging.domain.publication import appeal_deadline
from jingsai.judging.models import Judging
from jingsai.public.exhibition import (
    WINNERS_ON_COMPETITION_PAGE,
    competition_winners,
    competitions_with_public_results,
    open_first,
    public_competitions,
    public_result_lines,
    public_results,
    result_gains,
    results_are_public,
)


@login_not_required
@reads_from_replica
def landing(request):
    if request.user.is_authenticated:
        return redirect("portal:home")
    return render(
        request,
        "public/landing.html",
        {"year": ProgrammeYear.objects.first(), "series": Series.objects.all()},
    )


class CompetitionFilterForm(forms.Form):
    year = forms.ModelChoiceField(
        ProgrammeYear.objects.all(), label=_("year"), required=False, empty_label=_("all years")
    )
    series = forms.ModelChoiceField(
        Series.objects.all(), label=_("series"), required=False, empty_label=_("all series")
    )
    brand = forms.ModelChoiceField(
        Brand.objects.all(), label=_("brand"), required=False, empty_label=_("all brands")
    )
    industry = forms.ModelChoiceField(
        Industry.objects.all(), label=_("industry"), required=False, empty_label=_("all industries")
    )


def filtered_competitions(params):
    """Public competitions narrowed by the filter form; returns (form, queryset).

    A filter with an unknown value is shown as an error and left out.
    """
    form = CompetitionFilterForm(params or None)
    queryset = public_competitions().select_related("year", "series", "brand", "organiser")
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    if data.get("year"):
        queryset = queryset.filter(year=data["year"])
    if data.get("series"):
        queryset = queryset.filter(series=data["series"])
    if data.get("brand"):
        queryset = queryset.filter(brand=data["brand"])
    if data.get("industry"):
        queryset = queryset.filter(industries=data["industry"])
    return form, open_first(queryset)


@login_not_required
@reads_from_replica
def competition_list(request):
    form, queryset = filtered_competitions(request.GET)
    page = paginate(queryset, page=request.GET.get("page"))
    return render(
        request,
        "public/competition_list.html",
        {"form": form, "page": page, "query": query_without_page(request.GET)},
    )


@login_not_required
@reads_from_replica
def competition_detail(request, code):
    competition = get_object_or_404(
        public_competitions()
        .select_related("year", "series", "brand", "organiser")
        .prefetch_related(
            "industries",
            "co_organisers",
            "eligible_zones",
            "eligible_industries",
            "levels",
            "attachments",
        ),
        code=code,
    )
    return render(
        request,
        "public/competition_detail.html",
        {
            "competition": competition,
            "results_public": results_are_public(competition),
            "winners": competition_winners(competition, limit=WINNERS_ON_COMPETITION_PAGE),
            "winners_limit": WINNERS_ON_COMPETITION_PAGE,
        },
    )


@login_not_required
@reads_from_replica
def competition_results(request, code):
    """Results on public notice (with the notice dates and how to appeal) or published."""
    competition = get_object_or_404(
        competitions_with_public_results().select_related("year", "organiser"), code=code
    )
    judging = Judging.objects.filter(pk=competition.pk).first()
    page = paginate(public_results(competition), page=request.GET.get("page"), page_size=50)
    lines = public_result_lines(competition, page.items)
    gains = result_gains(competition, page.items)
    return render(
        request,
        "public/competition_results.html",
        {
            "competition": competition,
            "judging": judging,
            "on_notice": competition.status == competition.Status.PUBLIC_NOTICE,
            "deadline": appeal_deadline(judging) if judging else None,
            "page": page,
            "lines": lines,
            "rows": list(zip(lines, gains, strict=True)),
            "show_gains": any(gains),
            "query": query_without_page(request.GET),
        },
    )


@login_not_required
def attachment_download(request, code, pk):
    """Rules and notices attached to a public competition, for anyone."""
    competition = get_object_or_404(public_competitions(), code=code)
    attachment = get_object_or_404(competition.attachments, pk=pk)
    extension = attachment.file.name.rsplit(".", 1)[-1]
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=f"{attachment.title}.{extension}",
        content_type=attachment.content_type,
    )
