"""Back-office pages of the 830 selection: stages, ranking and committee decisions, the
public notice and objections, the final list, re-ratings, the year-over-year count.
Included under ``honours/``; every path starts with ``selection/``."""

from django.urls import path

from jingsai.backoffice.views import honours_selection as views

urlpatterns: list = [
    path("selection/", views.index, name="honours_sel_index"),
    path("selection/reratings/", views.rerating_list, name="honours_sel_reratings"),
    path(
        "selection/reratings/<int:rerating_pk>/decide/",
        views.rerating_decide,
        name="honours_sel_rerating_decide",
    ),
    path(
        "selection/honours/<int:honour_pk>/rerating/",
        views.rerating_schedule,
        name="honours_sel_rerating_schedule",
    ),
    path(
        "selection/certificates/<int:cert_pk>.pdf",
        views.certificate_pdf,
        name="honours_sel_certificate_pdf",
    ),
    path("selection/<int:pk>/", views.round_page, name="honours_sel_round"),
    path("selection/<int:pk>/move/", views.move, name="honours_sel_move"),
    path(
        "selection/<int:pk>/categories/<int:rc_pk>/",
        views.category_page,
        name="honours_sel_category",
    ),
    path(
        "selection/<int:pk>/categories/<int:rc_pk>/propose/",
        views.propose,
        name="honours_sel_propose",
    ),
    path(
        "selection/<int:pk>/categories/<int:rc_pk>/tie/",
        views.tie_decision,
        name="honours_sel_tie",
    ),
    path("selection/<int:pk>/notice/", views.notice_page, name="honours_sel_notice"),
    path(
        "selection/<int:pk>/objections/<int:objection_pk>/resolve/",
        views.resolve,
        name="honours_sel_resolve",
    ),
    path("selection/<int:pk>/honours/", views.honours_page, name="honours_sel_honours"),
]
