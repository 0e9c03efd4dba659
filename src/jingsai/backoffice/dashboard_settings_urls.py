"""Dashboard settings (programme admins): the medal table's points per award, per year.
Included under ``dashboard/settings/``."""

from django.urls import path

from jingsai.backoffice.views import dashboard_settings as views

urlpatterns: list = [
    path("", views.index, name="dashboard_settings"),
    path("<int:year_pk>/", views.medal_points, name="dashboard_settings_points"),
]
