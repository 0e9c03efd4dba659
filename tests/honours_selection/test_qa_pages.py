"""Found walking the demo: the final list's query count and the links between the pages."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jingsai.honours.domain import final, stages
from jingsai.honours.models import Honour, Round

S = Round.Stage
pytestmark = pytest.mark.django_db


def _final_round(h, people: int):
    rc = h.quota(h.rc("pudong-craftsman"), people)
    for i in range(people):
        h.worker(rc, 90 - i)
    result_rc = h.quota(h.rc("innovation-achievement"), 1)
    h.result(result_rc, 80)
    stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    today = timezone.localdate()
    stages.move(actor=h.admin, round_=h.round, to=S.NOTICE, today=today - dt.timedelta(days=10))
    final.finalise(actor=h.admin, round_=h.round)
    return rc


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_final_list_does_not_query_once_per_honour(h, client_for):
    _final_round(h, 2)
    admin = client_for("admin")
    url = reverse("backoffice:honours_sel_honours", args=[h.round.pk])
    few, _page = _queries(admin, url)
    # four more honoured people: the page must not ask the database once per holder
    Round.objects.filter(pk=h.round.pk).update(stage=S.REVIEW)
    extra = [h.worker(h.rc("pudong-craftsman"), 70 - i) for i in range(4)]
    for nomination in extra:
        Honour.objects.create(
            round=h.round,
            category=nomination.round_category.category,
            nomination=nomination,
            worker=nomination.worker,
            title="浦东工匠",
            granted_on=timezone.localdate(),
        )
    Round.objects.filter(pk=h.round.pk).update(stage=S.FINAL)
    many, page = _queries(admin, url)
    assert Honour.objects.filter(round=h.round).count() == 7
    assert many == few
    for nomination in extra:
        assert nomination.worker.name in page


def test_selection_pages_link_to_the_round_and_the_review(h, client_for):
    rc = _final_round(h, 1)
    admin = client_for("admin")
    round_url = reverse("backoffice:honours_round", args=[h.round.pk])
    review_url = reverse("backoffice:honours_rev_index")
    for name, args in (
        ("honours_sel_round", [h.round.pk]),
        ("honours_sel_notice", [h.round.pk]),
        ("honours_sel_honours", [h.round.pk]),
    ):
        page = admin.get(reverse(f"backoffice:{name}", args=args)).content.decode()
        assert f'href="{round_url}"' in page, name
        assert f'href="{review_url}"' in page, name
    page = admin.get(
        reverse("backoffice:honours_sel_category", args=[h.round.pk, rc.pk])
    ).content.decode()
    assert f'href="{reverse("backoffice:honours_category", args=[rc.pk])}"' in page
    assert f'href="{reverse("backoffice:honours_rev_category", args=[rc.pk])}"' in page


def test_selection_pages_name_the_categories_in_the_page_language(h, client_for):
    """Found walking the demo: the English selection pages showed 浦东工匠 where the rest of
    the back office says "Pudong craftsmen"."""
    rc = _final_round(h, 1)
    admin = client_for("admin")
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for name, args in (
        ("honours_sel_index", []),
        ("honours_sel_round", [h.round.pk]),
        ("honours_sel_category", [h.round.pk, rc.pk]),
        ("honours_sel_notice", [h.round.pk]),
    ):
        page = admin.get(reverse(f"backoffice:{name}", args=args)).content.decode()
        assert "Pudong craftsmen" in page, name
        assert "浦东工匠" not in page, name
