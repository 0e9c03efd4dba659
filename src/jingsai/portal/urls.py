from django.urls import path

from jingsai.portal import judge_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("judging/", judge_views.judging, name="judging"),
    path("judging/<int:pk>/entries/<int:entry_pk>/", judge_views.sheet, name="judge_sheet"),
    path(
        "judging/<int:pk>/entries/<int:entry_pk>/draft/",
        judge_views.sheet_draft,
        name="judge_sheet_draft",
    ),
    path(
        "judging/<int:pk>/entries/<int:entry_pk>/submit/",
        judge_views.sheet_submit,
        name="judge_sheet_submit",
    ),
]
