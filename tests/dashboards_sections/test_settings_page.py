"""The medal-points settings page: programme admins only; saving is audited."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from jingsai.catalogue.models import ProgrammeYear
from jingsai.common.models import AuditEntry
from jingsai.dashboards.models import MedalPoints

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(world):
    return ProgrammeYear.objects.get(year=2026)


@pytest.fixture
def admin(client_for):
    client = client_for("admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def form_data(rows, extra=3) -> dict:
    data = {
        "points-TOTAL_FORMS": str(len(rows) + extra),
        "points-INITIAL_FORMS": "0",
        "points-MIN_NUM_FORMS": "0",
        "points-MAX_NUM_FORMS": "1000",
    }
    for i, (award, points) in enumerate(rows):
        data[f"points-{i}-award"] = award
        data[f"points-{i}-points"] = points
    return data


def urls(year) -> list[str]:
    return [
        reverse("backoffice:dashboard_settings"),
        reverse("backoffice:dashboard_settings_points", args=[year.pk]),
    ]


@pytest.mark.parametrize("role", ["leader", "coorganiser", "officer", "judge", "worker", "nobody"])
def test_only_programme_admins_may_open_or_post(client_for, year, role):
    client = client_for(role)
    for url in urls(year):
        assert client.get(url).status_code == 403
        assert client.post(url, form_data([("一等奖", "9")])).status_code == 403
    assert not MedalPoints.objects.exists()


def test_signed_out_goes_to_sign_in(year):
    for url in urls(year):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_admin_sees_the_years_and_the_defaults(admin, year):
    page = admin.get(reverse("backoffice:dashboard_settings")).content.decode()
    assert "Medal points" in page and "2026" in page and "the defaults" in page
    assert reverse("backoffice:dashboard_settings_points", args=[year.pk]) in page
    page = admin.get(reverse("backoffice:dashboard_settings_points", args=[year.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'value="一等奖"' in text and 'value="4"' in text and 'value="优秀奖"' in text
    assert "This year uses the defaults until you save." in text
    assert (
        admin.get(reverse("backoffice:dashboard_settings_points", args=[99999])).status_code == 404
    )


def test_saving_changes_the_points_and_is_audited(admin, year, world):
    url = reverse("backoffice:dashboard_settings_points", args=[year.pk])
    response = admin.post(url, form_data([("一等奖", "10"), ("二等奖", "6"), ("特别奖", "1")]))
    assert response.status_code == 302 and response["Location"] == url
    assert list(MedalPoints.objects.filter(year=year).values_list("award", "points")) == [
        ("一等奖", 10), ("二等奖", 6), ("特别奖", 1),
    ]  # fmt: skip
    entry = AuditEntry.objects.get(action="dashboard:medal_points")
    assert entry.actor_id == world["users"]["admin"].pk
    assert entry.after == {"points": {"一等奖": 10, "二等奖": 6, "特别奖": 1}}
    page = admin.get(url).content.decode()
    assert "Medal points saved." in page and 'value="特别奖"' in page
    assert "This year uses the defaults" not in page
    # an emptied row removes the award
    admin.post(url, form_data([("一等奖", "10"), ("", ""), ("特别奖", "1")]))
    assert list(MedalPoints.objects.filter(year=year).values_list("award", flat=True)) == [
        "一等奖", "特别奖",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("一等奖", "")], "Give this award its points."),
        ([("", "3")], "Name the award."),
        ([("一等奖", "-1")], "greater than or equal to 0"),
        ([("一等奖", "3"), ("一等奖", "2")], "is listed twice"),
        ([("", "")], "Give at least one award its points."),
    ],
)
def test_wrong_input_is_refused_and_nothing_saved(admin, year, rows, message):
    url = reverse("backoffice:dashboard_settings_points", args=[year.pk])
    response = admin.post(url, form_data(rows), follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MedalPoints.objects.exists()
    assert not AuditEntry.objects.filter(action="dashboard:medal_points").exists()


def test_the_awards_of_published_results_are_listed(sections_data, client_for):
    client = client_for("admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    year = sections_data["years"][0]
    page = client.get(reverse("backoffice:dashboard_settings_points", args=[year.pk]))
    text = page.content.decode()
    table = text[text.index('id="awards-found"') :]
    assert "特别奖" in table and "none (not listed)" in table and "listed above" in table
