"""Skill evaluation (赛评合一) and the worker's record, included at ``/office/``."""

from django.urls import path

from jingsai.backoffice.views import skills

urlpatterns = [
    path("skills/evaluations/", skills.import_evaluations, name="skills_import"),
    path(
        "skills/evaluations/template.xlsx",
        skills.import_template,
        name="skills_import_template",
    ),
    path(
        "skills/evaluations/report/<slug:token>.xlsx",
        skills.import_report,
        name="skills_import_report",
    ),
    path("skills/workers/<int:pk>/levels/", skills.record_level, name="skills_record_level"),
    path("skills/records/<int:pk>/revoke/", skills.revoke, name="skills_revoke"),
    path("workers/<int:pk>/record/", skills.worker_record, name="worker_record"),
    path("workers/<int:pk>/record.pdf", skills.worker_record_pdf, name="worker_record_pdf"),
]
