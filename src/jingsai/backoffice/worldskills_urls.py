"""Back-office pages of a WorldSkills marking scheme. Included under
``competitions/<int:pk>/worldskills/``."""

from django.urls import path

from jingsai.backoffice.views import worldskills

urlpatterns = [
    path("", worldskills.scheme_page, name="worldskills_scheme"),
    path("upload/", worldskills.upload, name="worldskills_upload"),
    path(
        "upload/report/<slug:token>.xlsx",
        worldskills.upload_report,
        name="worldskills_upload_report",
    ),
    path("export.xlsx", worldskills.export, name="worldskills_export"),
    path("medals/", worldskills.medals_page, name="worldskills_medals"),
    path("results/", worldskills.results_page, name="worldskills_results"),
    path("results/export.xlsx", worldskills.results_xlsx, name="worldskills_results_xlsx"),
]
