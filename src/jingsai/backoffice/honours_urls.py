"""Back-office pages of the 830 round: rounds, settings, categories, nominations.
Included under ``honours/``; the selection, review and notice pages have their own."""

from django.urls import path

from jingsai.backoffice.views import honours

urlpatterns: list = [
    path("", honours.index, name="honours_index"),
    path("rounds/new/", honours.round_create, name="honours_round_create"),
    path("rounds/<int:pk>/", honours.round_detail, name="honours_round"),
    path("rounds/<int:pk>/settings/", honours.round_settings, name="honours_round_settings"),
    path("rounds/<int:pk>/recheck/", honours.round_recheck, name="honours_round_recheck"),
    path("categories/<int:pk>/", honours.category_detail, name="honours_category"),
    path(
        "categories/<int:pk>/nominations.xlsx",
        honours.category_export,
        name="honours_category_export",
    ),
    path("categories/<int:pk>/rules/", honours.category_rules, name="honours_category_rules"),
    path(
        "categories/<int:pk>/criteria/new/",
        honours.criterion_edit,
        name="honours_criterion_create",
    ),
    path(
        "categories/<int:pk>/criteria/<int:criterion_pk>/edit/",
        honours.criterion_edit,
        name="honours_criterion_edit",
    ),
    path(
        "categories/<int:pk>/criteria/<int:criterion_pk>/delete/",
        honours.criterion_delete,
        name="honours_criterion_delete",
    ),
    path("categories/<int:pk>/nominate/", honours.nominate_choose, name="honours_nominate"),
    path(
        "categories/<int:pk>/nominate/<int:subject_pk>/",
        honours.nominate_subject,
        name="honours_nominate_subject",
    ),
    path("nominations/<int:pk>/", honours.nomination_detail, name="honours_nomination"),
    path("nominations/<int:pk>/edit/", honours.nomination_edit, name="honours_nomination_edit"),
    path(
        "nominations/<int:pk>/withdraw/",
        honours.nomination_withdraw,
        name="honours_nomination_withdraw",
    ),
    path(
        "nominations/<int:pk>/files/<int:file_pk>/",
        honours.nomination_file,
        name="honours_nomination_file",
    ),
]
