"""Back-office pages of a competition's judging set-up: scheme, panel, assignments,
blind codes. Included under ``competitions/<int:pk>/judging/``."""

from django.urls import path

from jingsai.backoffice.views import judging

urlpatterns: list = [
    path("", judging.overview, name="judging_overview"),
    path("stages/new/", judging.stage_edit, name="judging_stage_create"),
    path("stages/<int:stage_pk>/edit/", judging.stage_edit, name="judging_stage_edit"),
    path("stages/<int:stage_pk>/delete/", judging.stage_delete, name="judging_stage_delete"),
    path("criteria/new/", judging.criterion_edit, name="judging_criterion_create"),
    path(
        "criteria/<int:criterion_pk>/edit/",
        judging.criterion_edit,
        name="judging_criterion_edit",
    ),
    path(
        "criteria/<int:criterion_pk>/delete/",
        judging.criterion_delete,
        name="judging_criterion_delete",
    ),
    path("panel/", judging.panel_page, name="judging_panel"),
    path("panel/<int:judge_pk>/chief/", judging.make_chief, name="judging_make_chief"),
    path("panel/<int:judge_pk>/remove/", judging.remove_judge, name="judging_remove_judge"),
    path("assignments/", judging.assignments, name="judging_assignments"),
    path(
        "assignments/<int:assignment_pk>/remove/",
        judging.unassign,
        name="judging_unassign",
    ),
    path("blind-codes/", judging.blind_codes, name="judging_blind_codes"),
    path("blind-codes/draw/", judging.draw_blind_codes, name="judging_draw_blind_codes"),
]
