from django.urls import include, path

from jingsai.portal import assessor_views, judge_views, record_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("record/", record_views.record, name="record"),
    path("innovations/", include("jingsai.portal.innovation_urls")),
    path("reviews/", include("jingsai.portal.review_urls")),
    path("record.pdf", record_views.record_pdf, name="record_pdf"),
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
    path("assessments/", assessor_views.assessments, name="assess_home"),
    path(
        "assessments/<int:pk>/periods/<int:period_pk>/",
        assessor_views.period,
        name="assess_period",
    ),
    path(
        "assessments/<int:pk>/periods/<int:period_pk>/sites/<int:participant_pk>/",
        assessor_views.check_form,
        name="assess_check",
    ),
    path(
        "assessments/<int:pk>/periods/<int:period_pk>/sites/<int:participant_pk>/draft/",
        assessor_views.check_draft,
        name="assess_check_draft",
    ),
    path(
        "assessments/<int:pk>/periods/<int:period_pk>/sites/<int:participant_pk>/submit/",
        assessor_views.check_submit,
        name="assess_check_submit",
    ),
    path(
        "assessments/<int:pk>/periods/<int:period_pk>/sites/<int:participant_pk>/photos/",
        assessor_views.photos,
        name="assess_check_photos",
    ),
    path(
        "assessments/<int:pk>/periods/<int:period_pk>/self/<int:participant_pk>/",
        assessor_views.check_form,
        {"self_check": True},
        name="assess_self_check",
    ),
    path(
        "assessments/<int:pk>/periods/<int:period_pk>/self/<int:participant_pk>/draft/",
        assessor_views.check_draft,
        {"self_check": True},
        name="assess_self_draft",
    ),
    path(
        "assessments/<int:pk>/periods/<int:period_pk>/self/<int:participant_pk>/submit/",
        assessor_views.check_submit,
        {"self_check": True},
        name="assess_self_submit",
    ),
    path(
        "assessments/<int:pk>/periods/<int:period_pk>/self/<int:participant_pk>/photos/",
        assessor_views.photos,
        {"self_check": True},
        name="assess_self_photos",
    ),
    path("assessments/photos/<int:photo_pk>/", assessor_views.photo, name="assess_photo"),
    path("tokens/", include("jingsai.portal.token_views")),
]
