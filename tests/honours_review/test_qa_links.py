"""Found walking the demo: the review pages link to the nominations and the ranking."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_review_pages_link_to_the_nomination_and_the_ranking(world, category, nominate):
    nomination = nominate()
    client = Client()
    client.force_login(world["users"]["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    round_ = category.round
    index = client.get(reverse("backoffice:honours_rev_index")).content.decode()
    assert f'href="{reverse("backoffice:honours_round", args=[round_.pk])}"' in index
    assert f'href="{reverse("backoffice:honours_sel_round", args=[round_.pk])}"' in index
    page = client.get(reverse("backoffice:honours_rev_category", args=[category.pk]))
    html = page.content.decode()
    assert f'href="{reverse("backoffice:honours_category", args=[category.pk])}"' in html
    ranking = reverse("backoffice:honours_sel_category", args=[round_.pk, category.pk])
    assert f'href="{ranking}"' in html
    page = client.get(
        reverse("backoffice:honours_rev_nomination", args=[category.pk, nomination.pk])
    )
    assert (
        f'href="{reverse("backoffice:honours_nomination", args=[nomination.pk])}"'
        in page.content.decode()
    )


def test_reviewers_list_says_the_organisation_is_the_nominator(
    world, category, nominate, make_reviewer
):
    """Found walking the demo: the nominator's name under a nominee read as the nominee's
    employer (a co-organiser nominates workers of many enterprises)."""
    from tests.factories import OrganisationFactory

    nominator = OrganisationFactory(name="浦东新区推荐单位甲")
    nominate(nominator=nominator)
    seat = make_reviewer("乙")
    client = Client()
    client.force_login(seat.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("portal:review_home")).content.decode()
    assert "nominated by 浦东新区推荐单位甲" in page


def test_a_final_rounds_seats_are_listed_without_their_nominations(round_, make_reviewer, nominate):
    """The reviewer's home does not grow with past rounds: a final round is only named."""
    from tests.honours_review.conftest import set_round

    seat = make_reviewer()
    nominate()
    client = Client()
    client.force_login(seat.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("portal:review_home")).content.decode()
    assert "sheet-rows" in page  # under review: the nominations are listed
    set_round(round_, stage="final")
    page = client.get(reverse("portal:review_home")).content.decode()
    assert "This round is final" in page
    assert "sheet-rows" not in page
