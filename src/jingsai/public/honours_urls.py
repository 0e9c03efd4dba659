"""The public honours pages (the 830), under ``/honours/`` in the ``public`` namespace."""

from django.urls import path

from jingsai.public import honours_views as views

urlpatterns = [
    path("", views.index, name="honours_index"),
    path("<int:year>/", views.year_list, name="honours_year"),
    path("<int:year>/notice/", views.notice, name="honours_notice"),
    path(
        "<int:year>/notice/<int:pk>/objection/",
        views.objection,
        name="honours_objection",
    ),
    path(
        "<int:year>/notice/received/",
        views.objection_received,
        name="honours_objection_received",
    ),
]
