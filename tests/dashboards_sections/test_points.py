"""Medal points are configurable per programme year: the table follows them, the change is
audited, and only programme admins may make it."""

import pytest

from jingsai.catalogue.models import ProgrammeYear
from jingsai.common.models import AuditEntry
from jingsai.dashboards.domain import medals
from jingsai.dashboards.domain.base import Filters, Scope
from jingsai.dashboards.models import MedalPoints
from tests.dashboards_sections import direct

pytestmark = pytest.mark.django_db


def test_defaults_until_a_year_has_its_own(sections_data):
    y2026 = sections_data["years"][0]
    assert medals.points_of(y2026) == list(medals.DEFAULT_POINTS)
    assert dict(medals.DEFAULT_POINTS) == {"一等奖": 4, "二等奖": 3, "三等奖": 2, "优秀奖": 1}
    assert not medals.is_configured(y2026)
    found = dict(medals.awards_found(y2026))
    assert set(found) == {"一等奖", "二等奖", "三等奖", "优秀奖", "特别奖"}
    assert "" not in found


def test_changing_the_points_changes_the_table(sections_data):
    y2026, y2025 = sections_data["years"]
    admin = sections_data["world"]["users"]["admin"]
    f = Filters(year=y2026)
    before = medals.medals(f, Scope())
    assert before.other_awards  # 特别奖 has no points yet
    points = [("特别奖", 10), ("一等奖", 5), ("二等奖", 3), ("三等奖", 2), ("优秀奖", 0)]
    medals.save_points(actor=admin, year=y2026, rows=points)
    after = medals.medals(f, Scope())
    assert after.points == points
    assert not after.other_awards
    expected = direct.medal_units(f, Scope(), dict(points))
    assert {u.key: u.points for u in after.enterprises} == {
        k: v["points"] for k, v in expected["enterprise"].items()
    }
    assert {u.key: u.points for u in after.zones} == {
        k: v["points"] for k, v in expected["zone"].items()
    }
    assert after.total.points != before.total.points
    # the section's columns follow the configured awards, in their order
    table = next(t for t in medals.section(f, Scope()).tables if t.key == "medals-zone")
    assert table.headers[3:8] == ["特别奖", "一等奖", "二等奖", "三等奖", "优秀奖"]
    assert "other awards" not in table.headers
    # an award left out is an "other award" worth nothing
    medals.save_points(actor=admin, year=y2026, rows=points[:3])
    fewer = medals.medals(f, Scope())
    assert fewer.other_awards
    assert fewer.total.points == after.total.points - 2 * after.total.counts["三等奖"]
    # the other year keeps the defaults
    assert medals.points_of(y2025) == list(medals.DEFAULT_POINTS)


def test_the_change_is_audited(sections_data):
    y2026 = sections_data["years"][0]
    admin = sections_data["world"]["users"]["admin"]
    medals.save_points(actor=admin, year=y2026, rows=[("一等奖", 6), ("二等奖", 3)])
    entry = AuditEntry.objects.filter(action="dashboard:medal_points").get()
    assert entry.actor_id == admin.pk
    assert entry.object_id == str(y2026.pk)
    assert entry.before is None
    assert entry.after == {"points": {"一等奖": 6, "二等奖": 3}}
    # saving the same again records nothing; a change records before and after
    medals.save_points(actor=admin, year=y2026, rows=[("一等奖", 6), ("二等奖", 3)])
    assert AuditEntry.objects.filter(action="dashboard:medal_points").count() == 1
    medals.save_points(actor=admin, year=y2026, rows=[("一等奖", 7)])
    last = AuditEntry.objects.filter(action="dashboard:medal_points").order_by("-id").first()
    assert last.before == {"points": {"一等奖": 6, "二等奖": 3}}
    assert last.after == {"points": {"一等奖": 7}}
    assert list(MedalPoints.objects.filter(year=y2026).values_list("award", "points")) == [
        ("一等奖", 7)
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "at least one"),
        ([("", 3)], "Name every award"),
        ([("一等奖", 3), (" 一等奖 ", 2)], "listed twice"),
        ([("一等奖", -1)], "whole numbers"),
        ([("一等奖", 1001)], "whole numbers"),
        ([("奖" * 51, 1)], "50 characters"),
    ],
)
def test_wrong_points_are_refused(world, rows, message):
    admin = world["users"]["admin"]
    with pytest.raises(medals.PointsRefused, match=message):
        medals.save_points(actor=admin, year=ProgrammeYear.objects.get(year=2026), rows=rows)
    assert not MedalPoints.objects.exists()


@pytest.mark.parametrize("role", ["leader", "coorganiser", "officer", "judge", "worker"])
def test_only_programme_admins_change_the_points(world, role):
    user = world["users"][role]
    year = ProgrammeYear.objects.get(year=2026)
    with pytest.raises(medals.PointsRefused, match="Only programme admins"):
        medals.save_points(actor=user, year=year, rows=[("一等奖", 9)])
    assert not MedalPoints.objects.exists()
    assert not AuditEntry.objects.filter(action="dashboard:medal_points").exists()
