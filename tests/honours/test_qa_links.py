"""Found walking the demo: the nomination pages link on to the review and the ranking,
for those who may read them (not for a nominating officer)."""

import pytest
from django.urls import reverse

from jingsai.honours.models import Nomination, Round

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(world, round_, rc):
    craftsman = rc("pudong-craftsman")
    nomination = Nomination.objects.create(
        round_category=craftsman,
        worker=world["our_worker"],
        nominator=world["ours"],
        narrative="扎根一线。",
        eligible=True,
    )
    Round.objects.filter(pk=round_.pk).update(stage=Round.Stage.REVIEW)
    return craftsman, nomination


def test_admin_is_led_from_the_nominations_to_the_review_and_ranking(world, reviewed, client_of):
    craftsman, nomination = reviewed
    admin = client_of(world["users"]["admin"])
    review = reverse("backoffice:honours_rev_category", args=[craftsman.pk])
    ranking = reverse("backoffice:honours_sel_category", args=[craftsman.round_id, craftsman.pk])
    page = admin.get(reverse("backoffice:honours_category", args=[craftsman.pk])).content.decode()
    assert f'href="{review}"' in page and f'href="{ranking}"' in page
    page = admin.get(reverse("backoffice:honours_nomination", args=[nomination.pk]))
    sheet = reverse("backoffice:honours_rev_nomination", args=[craftsman.pk, nomination.pk])
    assert f'href="{sheet}"' in page.content.decode()


def test_an_officer_gets_no_links_to_pages_he_may_not_read(world, reviewed, client_of):
    craftsman, nomination = reviewed
    officer = client_of(world["users"]["officer"])
    review = reverse("backoffice:honours_rev_category", args=[craftsman.pk])
    page = officer.get(reverse("backoffice:honours_category", args=[craftsman.pk]))
    assert page.status_code == 200 and f'href="{review}"' not in page.content.decode()
    page = officer.get(reverse("backoffice:honours_nomination", args=[nomination.pk]))
    assert page.status_code == 200
    assert "/office/honours/review/" not in page.content.decode()
    assert officer.get(review).status_code == 403


def test_a_closed_round_without_an_opening_time_does_not_say_open_now(world, round_, client_of):
    """Found walking the demo: last year's final round said its nominations were "open now"."""
    from django.utils import timezone

    admin = client_of(world["users"]["admin"])
    url = reverse("backoffice:honours_round", args=[round_.pk])
    Round.objects.filter(pk=round_.pk).update(nomination_opens=None, nomination_closes=None)
    assert "open now" in admin.get(url).content.decode()  # at the nomination stage it is
    Round.objects.filter(pk=round_.pk).update(
        stage=Round.Stage.REVIEW, nomination_closes=timezone.now()
    )
    assert "open now" not in admin.get(url).content.decode()


def test_a_final_round_is_not_rechecked(world, reviewed, round_, client_of):
    """Found walking the demo: "Check eligibility again" ran (and was audited) on last
    year's final list."""
    from jingsai.common.models import AuditEntry
    from jingsai.honours.domain import nominations

    _craftsman, _nomination = reviewed
    Round.objects.filter(pk=round_.pk).update(stage=Round.Stage.FINAL)
    round_.refresh_from_db()
    before = AuditEntry.objects.count()
    with pytest.raises(nominations.NominationRefused) as refused:
        nominations.recheck(actor=world["users"]["admin"], round_=round_)
    assert "list is final" in str(refused.value.messages[0])
    admin = client_of(world["users"]["admin"])
    url = reverse("backoffice:honours_round", args=[round_.pk])
    recheck = reverse("backoffice:honours_round_recheck", args=[round_.pk])
    assert recheck not in admin.get(url).content.decode()
    page = admin.post(recheck, follow=True).content.decode()
    assert "list is final: its nominations are no longer checked." in page
    assert AuditEntry.objects.count() == before
