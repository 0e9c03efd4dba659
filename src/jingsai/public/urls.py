from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from jingsai.public import exhibition_views, league_views, two_factor_views, views

app_name = "public"

urlpatterns = [
    path("", views.landing, name="landing"),
    path(
        "login/",
        login_not_required(
            auth_views.LoginView.as_view(
                template_name="public/login.html", redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", two_factor_views.verify, name="two_factor_verify"),
    path("two-factor/setup/", two_factor_views.setup, name="two_factor_setup"),
    path("language/", login_not_required(set_language), name="set_language"),
    path("competitions/", views.competition_list, name="competition_list"),
    path("competitions/<slug:code>/", views.competition_detail, name="competition_detail"),
    path(
        "competitions/<slug:code>/results/",
        views.competition_results,
        name="competition_results",
    ),
    path("competitions/<slug:code>/league/", league_views.league_page, name="league"),
    path(
        "competitions/<slug:code>/league/participants/<int:pk>/",
        league_views.participant_page,
        name="league_participant",
    ),
    path("honours/", include("jingsai.public.honours_urls")),
    path("exhibition/", exhibition_views.current, name="exhibition"),
    path("exhibition/<int:year>/", exhibition_views.year_page, name="exhibition_year"),
    path(
        "competitions/<slug:code>/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
