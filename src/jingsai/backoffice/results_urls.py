"""Back-office pages of marking and results: progress, paper sheets, mark imports,
results, public notice, publication, appeals. Included under
``competitions/<int:pk>/marking/``."""

from django.urls import path

from jingsai.backoffice.views import marking

urlpatterns = [
    path("", marking.progress, name="marking_progress"),
    path("confirm/", marking.confirm, name="marking_confirm"),
    path("reopen/", marking.reopen, name="marking_reopen"),
    path("sheets/<int:sheet_pk>/", marking.sheet_detail, name="marking_sheet"),
    path("sheets/<int:sheet_pk>/return/", marking.sheet_return, name="marking_sheet_return"),
    path("sheets/<int:sheet_pk>/correct/", marking.sheet_correct, name="marking_sheet_correct"),
    path("paper/", marking.paper, name="marking_paper"),
    path("paper/<int:sheet_pk>/check/", marking.paper_check, name="marking_paper_check"),
    path("import/", marking.marks_upload, name="marking_import"),
    path("import/template.xlsx", marking.import_template, name="marking_import_template"),
    path("import/report/<slug:token>.xlsx", marking.import_report, name="marking_import_report"),
    path(
        "workbook-template.xlsx",
        marking.workbook_template_download,
        name="marking_workbook_template",
    ),
    path("results/", marking.results_page, name="marking_results"),
    path("results/compute/", marking.results_compute, name="marking_compute"),
    path("results/notice/", marking.results_notice, name="marking_notice"),
    path("results/publish/", marking.results_publish, name="marking_publish"),
    path("results/reopen/", marking.results_reopen, name="marking_results_reopen"),
    path("results/export.xlsx", marking.results_xlsx, name="marking_results_xlsx"),
    path("results/export.csv", marking.results_csv, name="marking_results_csv"),
    path("appeals/", marking.appeal_list, name="marking_appeals"),
    path("appeals/new/", marking.appeal_lodge, name="marking_appeal_lodge"),
    path("appeals/<int:appeal_pk>/", marking.appeal_detail, name="marking_appeal"),
]
