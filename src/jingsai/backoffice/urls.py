from django.urls import include, path

from jingsai.backoffice import judging_urls, league_urls, results_urls, skills_urls
from jingsai.backoffice.views import (
    accounts,
    audit,
    catalogue,
    competitions,
    entries,
    organisations,
    workers,
)

app_name = "backoffice"

urlpatterns = [
    path("competitions/<int:pk>/judging/", include(judging_urls)),
    path("competitions/<int:pk>/marking/", include(results_urls)),
    path("competitions/<int:pk>/league/", include(league_urls)),
    path("competitions/<int:pk>/worldskills/", include("jingsai.backoffice.worldskills_urls")),
    path("competitions/<int:pk>/certificates/", include("jingsai.certification.urls")),
    path("", include(skills_urls)),
    path("training/", include("jingsai.backoffice.training_urls")),
    path("innovation/", include("jingsai.backoffice.innovation_urls")),
    path("honours/", include("jingsai.backoffice.honours_urls")),
    path("honours/", include("jingsai.backoffice.honours_selection_urls")),
    path("honours/", include("jingsai.backoffice.honours_review_urls")),
    path("dashboard/settings/", include("jingsai.backoffice.dashboard_settings_urls")),
    path("dashboard/", include("jingsai.backoffice.dashboard_urls")),
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path(
        "organisations/export.xlsx", organisations.organisation_export, name="organisation_export"
    ),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path("workers/", workers.worker_list, name="worker_list"),
    path("workers/new/", workers.worker_create, name="worker_create"),
    path("workers/export.xlsx", workers.worker_export, name="worker_export"),
    path("workers/<int:pk>/", workers.worker_detail, name="worker_detail"),
    path("workers/<int:pk>/edit/", workers.worker_edit, name="worker_edit"),
    path("workers/<int:pk>/delete/", workers.worker_delete, name="worker_delete"),
    path("catalogue/", catalogue.catalogue, name="catalogue"),
    path("catalogue/brands/<int:pk>/edit/", catalogue.brand_edit, name="brand_edit"),
    path("catalogue/years/<int:pk>/edit/", catalogue.year_edit, name="year_edit"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("competitions/", competitions.competition_list, name="competition_list"),
    path("competitions/new/", competitions.competition_create, name="competition_create"),
    path("competitions/<int:pk>/", competitions.competition_detail, name="competition_detail"),
    path("competitions/<int:pk>/edit/", competitions.competition_edit, name="competition_edit"),
    path("competitions/<int:pk>/move/", competitions.competition_move, name="competition_move"),
    path(
        "competitions/<int:pk>/application/submit/",
        competitions.application_submit,
        name="application_submit",
    ),
    path(
        "competitions/<int:pk>/application/review/",
        competitions.application_review,
        name="application_review",
    ),
    path("competitions/<int:pk>/levels/new/", competitions.level_edit, name="level_create"),
    path(
        "competitions/<int:pk>/levels/<int:level_pk>/edit/",
        competitions.level_edit,
        name="level_edit",
    ),
    path(
        "competitions/<int:pk>/levels/<int:level_pk>/delete/",
        competitions.level_delete,
        name="level_delete",
    ),
    path("competitions/<int:pk>/attachments/", competitions.attachment_add, name="attachment_add"),
    path(
        "competitions/<int:pk>/attachments/<int:attachment_pk>/",
        competitions.attachment_download,
        name="attachment_download",
    ),
    path("competitions/<int:pk>/entries/", entries.entry_list, name="entry_list"),
    path("competitions/<int:pk>/entries/export.xlsx", entries.entry_export, name="entry_export"),
    path(
        "competitions/<int:pk>/entries/<int:entry_pk>/", entries.entry_detail, name="entry_detail"
    ),
    path("competitions/<int:pk>/register/", entries.register, name="register"),
    path("competitions/<int:pk>/roster/", entries.roster_upload, name="roster_upload"),
    path(
        "competitions/<int:pk>/roster/template.xlsx",
        entries.roster_template,
        name="roster_template",
    ),
    path(
        "competitions/<int:pk>/roster/report/<slug:token>.xlsx",
        entries.roster_report,
        name="roster_report",
    ),
    path("competitions/<int:pk>/preliminary/", entries.preliminary, name="preliminary"),
    path("accounts/", accounts.account_list, name="account_list"),
    path("accounts/new/", accounts.account_create, name="account_create"),
    path("accounts/<int:pk>/", accounts.account_detail, name="account_detail"),
    path("accounts/<int:pk>/grants/", accounts.grant_add, name="grant_add"),
    path(
        "accounts/<int:pk>/grants/<int:grant_pk>/revoke/",
        accounts.grant_revoke,
        name="grant_revoke",
    ),
    path("accounts/<int:pk>/active/", accounts.account_set_active, name="account_set_active"),
    path(
        "accounts/<int:pk>/second-factor/reset/",
        accounts.account_reset_second_factor,
        name="account_reset_second_factor",
    ),
]
