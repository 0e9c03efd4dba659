"""The leadership dashboard. Included under ``dashboard/``."""

from django.urls import path

from jingsai.backoffice.views import dashboard

urlpatterns: list = [
    path("", dashboard.dashboard, name="dashboard"),
    path("data.json", dashboard.dashboard_data, name="dashboard_data"),
    path("drill/", dashboard.dashboard_drill, name="dashboard_drill"),
    path("drill.xlsx", dashboard.dashboard_drill_export, name="dashboard_drill_export"),
    path("report.xlsx", dashboard.dashboard_report, name="dashboard_report"),
    path("report.pdf", dashboard.dashboard_report_pdf, name="dashboard_report_pdf"),
]
