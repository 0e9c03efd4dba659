"""A reviewer's pages of the 830 expert review. Included under ``reviews/`` in ``portal``."""

from django.urls import path

from jingsai.portal import review_views

urlpatterns: list = [
    path("", review_views.home, name="review_home"),
    path("<int:seat_pk>/<int:nomination_pk>/", review_views.sheet, name="review_sheet"),
    path(
        "<int:seat_pk>/<int:nomination_pk>/draft/",
        review_views.sheet_draft,
        name="review_sheet_draft",
    ),
    path(
        "<int:seat_pk>/<int:nomination_pk>/submit/",
        review_views.sheet_submit,
        name="review_sheet_submit",
    ),
    path(
        "<int:seat_pk>/<int:nomination_pk>/files/<int:file_pk>/",
        review_views.nomination_file,
        name="review_file",
    ),
]
