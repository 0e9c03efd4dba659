from django.urls import path

from jingsai.backoffice.views import accounts, audit, catalogue, organisations, workers

app_name = "backoffice"

urlpatterns = [
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
]
