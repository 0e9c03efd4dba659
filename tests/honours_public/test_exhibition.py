"""The exhibition's honours and innovation sections: the final honours per category (at
most 12 each, lost titles left out) and the year's innovation results with verified
benefit, newest first, at most 20; a constant number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from jingsai.catalogue.models import ProgrammeYear
from jingsai.honours.models import Honour, Round
from jingsai.public import exhibition
from tests.factories import WorkerFactory
from tests.honours_public.conftest import english, grant, make_result, nominate, set_stage

pytestmark = pytest.mark.django_db


def more_craftsmen(final, world, count):
    craftsman = final["categories"]["craftsman"]
    for n in range(count):
        worker = WorkerFactory(employer=world["ours"], name=f"工匠{n:02d}")
        grant(nominate(craftsman, world["ours"], rank=10 + n, worker=worker))


def test_no_honours_before_the_list_is_final(honours, year):
    assert exhibition.year_honours(year) == []
    set_stage(honours["round"], Round.Stage.FINAL)  # final, but nothing granted
    assert exhibition.year_honours(year) == []


def test_the_final_honours_per_category(final, world, year):
    groups = exhibition.year_honours(year)
    assert [g.category.code for g in groups] == [
        "pudong-craftsman",
        "operation-method",
        "training-centre",
    ]
    people, results, places = groups
    assert [(h.name, h.organisation) for h in people.honours] == [
        (world["our_worker"].name, world["ours"].name),
        (world["their_worker"].name, world["theirs"].name),
    ]
    (result,) = results.honours
    assert (result.name, result.organisation, result.authors, result.tier) == (
        "张三丰数控快速对刀法",
        world["ours"].name,
        ("张三丰", "赵六"),
        "一等",
    )
    (place,) = places.honours
    assert (place.name, place.term_ends) == ("浦东新区职工实训中心甲", dt.date(2029, 11, 30))
    assert [g.more for g in groups] == [0, 0, 0]


def test_at_most_twelve_per_category_and_lost_titles_left_out(final, world, year):
    more_craftsmen(final, world, 12)  # 14 craftsmen in all
    Honour.objects.filter(pk=final["granted"]["place"].pk).update(status=Honour.Status.LOST)
    groups = {g.category.code: g for g in exhibition.year_honours(year)}
    craftsmen = groups["pudong-craftsman"]
    assert (len(craftsmen.honours), craftsmen.total, craftsmen.more) == (12, 14, 2)
    assert "training-centre" not in groups
    # another year's round is not this year's
    other = ProgrammeYear.objects.create(year=2025, title="2025")
    assert exhibition.year_honours(other) == []


def test_innovations_with_verified_benefit_newest_first(honours, world, year):
    now = timezone.now()
    ours = world["ours"]
    make_result(year, ours, [world["our_worker"]], title="刚提交", status="submitted")
    make_result(year, ours, [world["our_worker"]], title="已采纳", status="adopted")
    make_result(year, ours, [world["our_worker"]], title="被驳回", status="rejected")
    older = make_result(
        year,
        world["theirs"],
        [world["their_worker"]],
        title="旧的合理化建议",
        kind="suggestion",
        status="recognised",
        money_saved=Decimal("5000"),
        verified_at=now - dt.timedelta(days=30),
    )
    other_year = ProgrammeYear.objects.create(year=2025, title="2025")
    make_result(other_year, ours, [world["our_worker"]], title="去年的成果", status="verified")
    shown = exhibition.year_innovations(year)
    assert [r.title for r in shown] == ["张三丰数控快速对刀法", older.title]
    first = shown[0]
    assert first.authors == ("张三丰", "赵六")
    assert (first.enterprise, first.tier) == (ours.name, "一等")
    assert (first.money_saved, first.hours_saved) == (Decimal("250000.00"), Decimal("1200.0"))
    assert "先进操作法" in first.kind
    assert shown[1].tier == "" and shown[1].hours_saved is None


def test_at_most_twenty_innovations(honours, world, year):
    now = timezone.now()
    for n in range(22):
        make_result(
            year,
            world["ours"],
            [world["our_worker"]],
            title=f"成果{n:02d}",
            verified_at=now + dt.timedelta(minutes=n),
        )
    shown = exhibition.year_innovations(year)
    assert len(shown) == exhibition.INNOVATIONS_ON_YEAR_PAGE == 20
    assert shown[0].title == "成果21" and shown[-1].title == "成果02"


def test_queries_are_bounded(final, world, year, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        small = exhibition.year_honours(year)
    with django_assert_max_num_queries(2):
        exhibition.year_innovations(year)
    more_craftsmen(final, world, 15)
    for n in range(25):
        colleague = WorkerFactory(employer=world["theirs"])
        make_result(year, world["theirs"], [world["their_worker"], colleague], title=f"成果{n}")
    with django_assert_max_num_queries(2):
        large = exhibition.year_honours(year)
    with django_assert_max_num_queries(2):
        assert len(exhibition.year_innovations(year)) == 20
    assert sum(g.total for g in large) == sum(g.total for g in small) + 15


def test_the_exhibition_page_shows_both_sections(final, world):
    more_craftsmen(final, world, 12)
    body = english().get(reverse("public:exhibition_year", args=[2026])).content.decode()
    honours = body[body.index('<section id="honours">') :]
    honours = honours[: honours.index("</section>")]
    assert world["our_worker"].name in honours and world["ours"].name in honours
    assert "张三丰数控快速对刀法" in honours and "浦东新区职工实训中心甲" in honours
    assert reverse("public:honours_year", args=[2026]) in honours
    assert "and 2 more" in honours
    innovations = body[body.index('<section id="innovations">') :]
    innovations = innovations[: innovations.index("</section>")]
    assert "张三丰数控快速对刀法" in innovations
    assert "张三丰、赵六" in innovations
    assert "¥250,000" in innovations and "1,200 hours saved" in innovations
    for worker in (world["our_worker"], world["their_worker"]):
        assert worker.id_number not in body and worker.phone not in body


def test_the_exhibition_page_without_honours_leaves_the_sections_out(honours, world):
    body = english().get(reverse("public:exhibition_year", args=[2026])).content.decode()
    assert '<section id="honours">' not in body  # on notice: not final yet
    assert '<section id="innovations">' in body  # the verified result is shown
