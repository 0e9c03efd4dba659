"""Back-office pages of training (赛训合一). Included under ``training/``."""

from django.urls import path

from jingsai.backoffice.views import training

urlpatterns: list = [
    path("", training.course_list, name="training_course_list"),
    path("new/", training.course_create, name="training_course_create"),
    path("<int:pk>/", training.course_detail, name="training_course_detail"),
    path("<int:pk>/edit/", training.course_edit, name="training_course_edit"),
    path("<int:pk>/hours.xlsx", training.course_export, name="training_course_export"),
    path("<int:pk>/sessions/new/", training.session_edit, name="training_session_create"),
    path(
        "<int:pk>/sessions/<int:session_pk>/edit/",
        training.session_edit,
        name="training_session_edit",
    ),
    path("<int:pk>/enrol/", training.enrol, name="training_enrol"),
    path(
        "<int:pk>/enrolments/<int:enrolment_pk>/cancel/",
        training.enrolment_cancel,
        name="training_enrolment_cancel",
    ),
    path(
        "<int:pk>/sessions/<int:session_pk>/attendance/",
        training.attendance,
        name="training_attendance",
    ),
    path(
        "<int:pk>/sessions/<int:session_pk>/attendance/import/",
        training.attendance_import,
        name="training_attendance_import",
    ),
    path(
        "<int:pk>/sessions/<int:session_pk>/attendance/template.xlsx",
        training.attendance_template,
        name="training_attendance_template",
    ),
    path(
        "<int:pk>/sessions/<int:session_pk>/attendance/report/<slug:token>.xlsx",
        training.attendance_report,
        name="training_attendance_report",
    ),
]
