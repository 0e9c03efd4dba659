from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render

from jingsai.catalogue.models import ProgrammeYear, Series


@login_not_required
def landing(request):
    if request.user.is_authenticated:
        return redirect("portal:home")
    return render(
        request,
        "public/landing.html",
        {"year": ProgrammeYear.objects.first(), "series": Series.objects.all()},
    )
