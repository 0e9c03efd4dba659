"""Back-office pages of innovation results (成果转化). Included under ``innovation/``."""

from django.urls import path

from jingsai.backoffice.views import innovation

urlpatterns: list = [
    path("", innovation.result_list, name="innovation_list"),
    path("results.xlsx", innovation.result_export, name="innovation_export"),
    path("statistics/", innovation.result_statistics, name="innovation_statistics"),
    path(
        "statistics.xlsx",
        innovation.result_statistics_export,
        name="innovation_statistics_export",
    ),
    path("new/", innovation.result_create, name="innovation_create"),
    path("<int:pk>/", innovation.result_detail, name="innovation_detail"),
    path("<int:pk>/edit/", innovation.result_edit, name="innovation_edit"),
    path("<int:pk>/review/", innovation.result_start_review, name="innovation_start_review"),
    path("<int:pk>/adopt/", innovation.result_adopt, name="innovation_adopt"),
    path("<int:pk>/reject/", innovation.result_reject, name="innovation_reject"),
    path("<int:pk>/verify/", innovation.result_verify, name="innovation_verify"),
    path("<int:pk>/recognise/", innovation.result_recognise, name="innovation_recognise"),
    path("<int:pk>/files/", innovation.result_file_add, name="innovation_file_add"),
    path("<int:pk>/files/<int:file_pk>/", innovation.result_file, name="innovation_file"),
    path(
        "<int:pk>/files/<int:file_pk>/remove/",
        innovation.result_file_remove,
        name="innovation_file_remove",
    ),
    path("tiers/", innovation.tier_list, name="innovation_tiers"),
    path("tiers/<int:band_pk>/", innovation.tier_edit, name="innovation_tier_edit"),
    path("tiers/<int:band_pk>/delete/", innovation.tier_delete, name="innovation_tier_delete"),
]
