"""A worker's innovation results in the portal. Included under ``innovations/``."""

from django.urls import path

from jingsai.portal import innovation_views

urlpatterns: list = [
    path("", innovation_views.my_results, name="innovation_list"),
    path("new/", innovation_views.new_result, name="innovation_new"),
    path("<int:pk>/", innovation_views.result_detail, name="innovation_detail"),
    path("<int:pk>/edit/", innovation_views.edit_result, name="innovation_edit"),
    path("<int:pk>/files/", innovation_views.file_add, name="innovation_file_add"),
    path("<int:pk>/files/<int:file_pk>/", innovation_views.file_download, name="innovation_file"),
    path(
        "<int:pk>/files/<int:file_pk>/remove/",
        innovation_views.file_remove,
        name="innovation_file_remove",
    ),
]
