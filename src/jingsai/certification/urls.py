"""Back-office pages of certification, included under ``competitions/<int:pk>/certificates/``
in the back office's namespace: rules, applying them, certificates, PDFs, revocation."""

from django.urls import path

from jingsai.certification import views

urlpatterns = [
    path("", views.certificate_list, name="certification_certificates"),
    path("rules/", views.rule_list, name="certification_rules"),
    path("rules/new/", views.rule_edit, name="certification_rule_create"),
    path("rules/<int:rule_pk>/edit/", views.rule_edit, name="certification_rule_edit"),
    path("rules/<int:rule_pk>/remove/", views.rule_remove, name="certification_rule_remove"),
    path("apply/", views.apply_now, name="certification_apply"),
    path("all.pdf", views.batch_pdf, name="certification_batch_pdf"),
    path("<int:cert_pk>.pdf", views.certificate_pdf, name="certification_pdf"),
    path("<int:cert_pk>/revoke/", views.certificate_revoke, name="certification_revoke"),
]
