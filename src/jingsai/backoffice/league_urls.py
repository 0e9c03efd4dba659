"""Back-office pages of a labour competition's league: settings, scheme, participants,
assessors, periods, checks, bonuses and vetoes, confirmation, rankings and standings,
check imports and the year's end. Included under ``competitions/<int:pk>/league/``."""

from django.urls import path

from jingsai.backoffice.views import league

P = "periods/<int:period_pk>/"

urlpatterns: list = [
    path("", league.overview, name="league_overview"),
    path("finalise/", league.finalise, name="league_finalise"),
    path("scheme/", league.scheme, name="league_scheme"),
    path("scheme/<slug:kind>/new/", league.scheme_edit, name="league_scheme_create"),
    path("scheme/<slug:kind>/<int:item_pk>/edit/", league.scheme_edit, name="league_scheme_edit"),
    path(
        "scheme/<slug:kind>/<int:item_pk>/delete/",
        league.scheme_delete,
        name="league_scheme_delete",
    ),
    path("participants/", league.participants, name="league_participants"),
    path("participants/new/", league.participant_create, name="league_participant_create"),
    path("participants/take-in/", league.take_in, name="league_take_in"),
    path(
        "participants/<int:participant_pk>/edit/",
        league.participant_edit,
        name="league_participant_edit",
    ),
    path("assessors/", league.assessors, name="league_assessors"),
    path(
        "assessors/<int:assessor_pk>/remove/",
        league.assessor_remove,
        name="league_assessor_remove",
    ),
    path(
        "conflicts/<int:conflict_pk>/remove/",
        league.conflict_remove,
        name="league_conflict_remove",
    ),
    path("periods/", league.periods, name="league_periods"),
    path("periods/monthly/", league.monthly, name="league_monthly"),
    path("periods/new/", league.period_edit, name="league_period_create"),
    path(P + "edit/", league.period_edit, name="league_period_edit"),
    path(P + "delete/", league.period_delete, name="league_period_delete"),
    path(P, league.period_page, name="league_period"),
    path(P + "bonuses/", league.bonus_add, name="league_bonus"),
    path(P + "bonuses/<int:bonus_pk>/remove/", league.bonus_remove, name="league_bonus_remove"),
    path(P + "vetoes/", league.veto_add, name="league_veto"),
    path(P + "vetoes/<int:veto_pk>/remove/", league.veto_remove, name="league_veto_remove"),
    path(P + "confirm/", league.confirm, name="league_confirm"),
    path(P + "reopen/", league.reopen, name="league_reopen"),
    path(P + "publish/", league.publish, name="league_publish"),
    path(P + "ranking/", league.ranking, name="league_ranking"),
    path(P + "ranking.xlsx", league.ranking_xlsx, name="league_ranking_xlsx"),
    path(P + "standings/", league.standings, name="league_standings"),
    path(P + "standings.xlsx", league.standings_xlsx, name="league_standings_xlsx"),
    path(
        P + "participants/<int:participant_pk>/",
        league.participant_checks,
        name="league_participant_checks",
    ),
    path(P + "import/", league.checks_upload, name="league_import"),
    path(P + "import/template.xlsx", league.import_template, name="league_import_template"),
    path(
        P + "import/report/<slug:token>.xlsx",
        league.import_report,
        name="league_import_report",
    ),
    path("checks/<int:check_pk>/", league.check_detail, name="league_check"),
    path("photos/<int:photo_pk>/", league.photo, name="league_photo"),
]
