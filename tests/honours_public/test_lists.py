"""The public honours list of a year (once final) and the index with the year-over-year
figures: how many of each category's places were filled against its quota."""

import re

import pytest
from django.urls import reverse

from jingsai.catalogue.models import HonourCategory, HonourQuota, ProgrammeYear
from jingsai.honours.domain.rounds import ensure_round
from jingsai.honours.models import Honour, Round
from jingsai.public.honours_views import year_over_year
from tests.honours_public.conftest import english, set_stage

pytestmark = pytest.mark.django_db


def year_url(year=2026):
    return reverse("public:honours_year", args=[year])


def test_the_list_is_shown_only_when_final(honours, world):
    for stage in Round.Stage.values:
        if stage == Round.Stage.FINAL:
            continue
        set_stage(honours["round"], stage)
        response = english().get(year_url())
        assert response.status_code == 200
        body = response.content.decode()
        assert 'id="not-final"' in body
        assert world["our_worker"].name not in body
        assert (reverse("public:honours_notice", args=[2026]) in body) == (stage == "notice")
    assert english().get(year_url(2031)).status_code == 404


def test_the_final_list_per_category(final, world):
    body = english().get(year_url()).content.decode()
    assert 'id="not-final"' not in body
    people = body[body.index('id="category-pudong-craftsman"') :]
    people = people[: people.index("</section>")]
    assert world["our_worker"].name in people and world["ours"].name in people
    assert world["their_worker"].name in people and world["theirs"].name in people
    results = body[body.index('id="category-operation-method"') :]
    results = results[: results.index("</section>")]
    for text in ("张三丰数控快速对刀法", "张三丰、赵六", world["ours"].name, "一等"):
        assert text in results, text
    places = body[body.index('id="category-training-centre"') :]
    places = places[: places.index("</section>")]
    assert "浦东新区职工实训中心甲" in places
    assert "2026-12-01 – 2029-11-30" in places
    # nominees who were not honoured, and personal data, never appear
    for text in ("钱被撤", "孙撤回", "周候补"):
        assert text not in body
    for worker in (world["our_worker"], world["their_worker"]):
        assert worker.id_number not in body and worker.phone not in body
    # categories without honours are left out
    assert 'id="category-worker-inventor"' not in body


def test_a_title_lost_at_re_rating_is_shown_as_lost(final):
    Honour.objects.filter(pk=final["granted"]["place"].pk).update(
        status=Honour.Status.LOST, lost_reason="复评不合格"
    )
    body = english().get(year_url()).content.decode()
    places = body[body.index('id="category-training-centre"') :]
    assert "浦东新区职工实训中心甲" in places
    assert "lost at re-rating" in places
    assert "复评不合格" not in body  # the reason is for the record, not the public list


def test_the_index_shows_the_years_and_the_places_filled(final):
    other = ProgrammeYear.objects.create(year=2025, title="2025 年度")
    ensure_round(actor=None, year=other)
    craftsman = HonourCategory.objects.get(code="pudong-craftsman")
    HonourQuota.objects.filter(year__year=2026, category=craftsman).update(quota=25)
    columns, rows = year_over_year()
    assert [c.year for c in columns] == [2026, 2025]
    # hand-counted: 2 craftsmen, 1 operation method, 1 training centre in 2026; none in 2025
    expected_2026 = {"pudong-craftsman": 2, "operation-method": 1, "training-centre": 1}
    for row in rows:
        code = row.category.code
        assert row.cells[0].filled == expected_2026.get(code, 0)
        assert row.cells[1].filled == 0
        direct = Honour.objects.filter(round__year__year=2026, category=row.category).count()
        assert row.cells[0].filled == direct
        assert row.cells[0].quota == (25 if code == "pudong-craftsman" else 30)
        assert row.cells[1].quota == 30
    assert (columns[0].filled, columns[0].quota) == (4, 235)
    assert (columns[1].filled, columns[1].quota) == (0, 240)
    assert len(rows) == 8

    response = english().get(reverse("public:honours_index"))
    assert response.status_code == 200
    body = response.content.decode()
    row = re.search(r'<tr id="yoy-pudong-craftsman">(.*?)</tr>', body).group(1)
    assert "<td>2 / 25</td><td>0 / 30</td>" in row
    total = re.search(r'<tr id="yoy-total">(.*?)</tr>', body).group(1)
    assert "<th>4 / 235</th><th>0 / 240</th>" in total
    assert year_url(2026) in body and year_url(2025) in body


def test_the_index_without_rounds(preset):
    response = english().get(reverse("public:honours_index"))
    assert response.status_code == 200
    assert "No honours round yet." in response.content.decode()
