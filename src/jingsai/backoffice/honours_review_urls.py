"""Back-office pages of the 830 expert review. Included under ``honours/``."""

from django.urls import path

from jingsai.backoffice.views import honours_review

urlpatterns: list = [
    path("review/", honours_review.index, name="honours_rev_index"),
    path("review/<int:pk>/", honours_review.category_page, name="honours_rev_category"),
    path(
        "review/<int:pk>/reviewers/add/",
        honours_review.add_reviewer,
        name="honours_rev_add",
    ),
    path(
        "review/<int:pk>/reviewers/<int:reviewer_pk>/remove/",
        honours_review.remove_reviewer,
        name="honours_rev_remove",
    ),
    path(
        "review/<int:pk>/conflicts/add/",
        honours_review.declare_conflict,
        name="honours_rev_conflict",
    ),
    path(
        "review/<int:pk>/nominations/<int:nomination_pk>/",
        honours_review.nomination_page,
        name="honours_rev_nomination",
    ),
    path(
        "review/<int:pk>/sheets/<int:sheet_pk>/reopen/",
        honours_review.reopen_sheet,
        name="honours_rev_reopen",
    ),
]
