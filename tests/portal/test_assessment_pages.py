"""The assessor's (and the enterprise officer's self-check) pages: open periods, the
participants he may assess, the check form with drafts, the two-step submit and its
lock, photos, and what nobody else may reach or see."""

import datetime as dt
import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from jingsai.competitions.models import Competition
from jingsai.labour.domain import services
from jingsai.labour.models import Assessor, Check, Indicator, Period, Photo, plain
from jingsai.people.models import Role
from tests.factories import OrganisationFactory, make_user
from tests.labour.conftest import league  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
MARKS = {"mark-safety": "80", "mark-quality": "45.5"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def period_url(league, period=None):  # noqa: F811
    period = period or league["periods"][0]
    return f"/home/assessments/{league['league'].pk}/periods/{period.pk}/"


def check_url(league, site, action="", period=None, kind="sites"):  # noqa: F811
    participant = league["sites"][site] if isinstance(site, str) else site
    return f"{period_url(league, period)}{kind}/{participant.pk}/{action + '/' if action else ''}"


def self_url(league, site, action="", period=None):  # noqa: F811
    return check_url(league, site, action, period, kind="self")


@pytest.fixture
def spot(league):  # noqa: F811
    """The spot assessor (the demo judge account) on his phone."""
    return client_of(league["users"]["judge"])


@pytest.fixture
def officer(league):  # noqa: F811
    """The officer of 上海甲芯片 (the builder of 项目A)."""
    return client_of(league["users"]["officer"])


def own_check(league, site, kind="spot", assessor="spot"):  # noqa: F811
    return Check.objects.filter(
        period=league["periods"][0],
        participant=league["sites"][site],
        kind=kind,
        assessor=league[assessor] if assessor else None,
    ).first()


def marks(check):
    return {k: str(plain(v)) for k, v in services.marks_of(check).items()} if check else {}


@pytest.fixture
def elsewhere(league, make_competition):  # noqa: F811
    """A second labour competition with its own period, participant and assessor."""
    competition = make_competition(
        status=Competition.Status.JUDGING,
        kind=Competition.Kind.LABOUR,
        participants=Competition.Participants.PROJECT_SITES,
        title="临港劳动竞赛",
    )
    other = services.league_of(competition)
    Indicator.objects.create(league=other, code="safety", name="安全", maximum=100, weight=100)
    site = services.add_participant(
        other, actor=None, name="临港项目", enterprise=OrganisationFactory(name="上海己建设")
    )
    period = Period.objects.create(
        league=other,
        code="2026-01",
        name="临港1月",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 1, 31),
    )
    user = make_user("lingang", Role.JUDGE)
    seat = Assessor.objects.create(league=other, user=user, name="临港考核员", kind="spot")
    return {"league": other, "site": site, "period": period, "user": user, "seat": seat}


# --- the list of seats and periods ---------------------------------------------------


def test_the_assessor_sees_his_seat_and_its_open_periods(spot, league):  # noqa: F811
    page = spot.get("/home/assessments/").content.decode()
    assert "金色中环劳动竞赛" in page and "2026年1月" in page and "2026年2月" in page
    assert period_url(league) in page and period_url(league, league["periods"][1]) in page
    assert "0 of 5 checks submitted" in page
    Period.objects.filter(pk=league["periods"][0].pk).update(status=Period.Status.CONFIRMED)
    page = spot.get("/home/assessments/").content.decode()
    assert period_url(league) not in page and "2026年2月" in page


def test_the_officer_sees_his_enterprises_self_checks_only(officer, league):  # noqa: F811
    page = officer.get("/home/assessments/").content.decode()
    assert "项目A" in page and self_url(league, "A") in page
    assert "项目B" not in page and "项目D" not in page
    assert "/sites/" not in page  # no assessor pages


@pytest.mark.parametrize("role", ["worker", "nobody", "leader", "coorganiser"])
def test_others_see_nothing_to_enter(league, role):  # noqa: F811
    response = client_of(league["users"][role]).get("/home/assessments/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "You have no checks to enter" in page and "金色中环" not in page


def test_home_links_to_the_checks(spot, officer, league):  # noqa: F811
    assert "/home/assessments/" in spot.get("/home/").content.decode()
    assert "/home/assessments/" in officer.get("/home/").content.decode()
    worker = client_of(league["users"]["worker"])
    assert "/home/assessments/" not in worker.get("/home/").content.decode()


# --- the period's participants --------------------------------------------------------


def test_the_period_lists_participants_by_block_with_his_checks(spot, league):  # noqa: F811
    services.save_check(
        actor=None,
        period=league["periods"][0],
        participant=league["sites"]["B"],
        kind="spot",
        assessor=league["spot"],
        values={"safety": "90"},
    )
    page = spot.get(period_url(league)).content.decode()
    assert page.index("前滩") < page.index("项目A") < page.index("张江") < page.index("项目D")
    assert all(check_url(league, s) in page for s in "ABCDE")
    assert page.count('data-state="new"') == 4 and page.count('data-state="draft"') == 1
    found = spot.get(period_url(league), {"q": "项目B"}).content.decode()
    assert "项目B" in found and "项目A" not in found and "项目E" not in found


def test_never_across_a_conflict(league):  # noqa: F811
    mutual = client_of(league["users"]["mutual"])
    page = mutual.get(period_url(league)).content.decode()
    assert "项目A" in page and "项目D" not in page  # D is his own organisation's
    for action in ("", "draft", "submit", "photos"):
        assert mutual.get(check_url(league, "D", action)).status_code == 404
    assert mutual.post(check_url(league, "D", "draft"), MARKS, **HTMX).status_code == 404
    league["spot"].conflicts.create(participant=league["sites"]["E"], reason="亲属在该项目")
    spot = client_of(league["users"]["judge"])
    assert "项目E" not in spot.get(period_url(league)).content.decode()
    response = spot.post(check_url(league, "E", "submit"), {**MARKS, "confirm": "1"})
    assert response.status_code == 404 and not Check.objects.exists()


@pytest.mark.parametrize("role", ["worker", "nobody", "leader", "officer", "admin"])
def test_non_assessors_are_refused_the_assessor_pages(league, role):  # noqa: F811
    client = client_of(league["users"][role])
    for url in (period_url(league), check_url(league, "B"), check_url(league, "B", "draft")):
        assert client.get(url).status_code == 403
    assert client.post(check_url(league, "B", "draft"), MARKS, **HTMX).status_code == 403
    assert client.post(check_url(league, "B", "photos")).status_code == 403
    assert not Check.objects.exists()


def test_crafted_ids_of_another_league_answer_404(spot, league, elsewhere):  # noqa: F811
    other, period, site = elsewhere["league"], elsewhere["period"], elsewhere["site"]
    ours = league["league"].pk
    first = league["periods"][0]
    for url in (
        f"/home/assessments/{other.pk}/periods/{period.pk}/",
        f"/home/assessments/{ours}/periods/{period.pk}/",
        f"/home/assessments/{other.pk}/periods/{period.pk}/sites/{site.pk}/",
        f"/home/assessments/{ours}/periods/{first.pk}/sites/{site.pk}/",
        f"/home/assessments/{ours}/periods/{period.pk}/sites/{league['sites']['A'].pk}/",
    ):
        assert spot.get(url).status_code == 404, url
    # the other league's assessor cannot reach ours either
    lingang = client_of(elsewhere["user"])
    assert lingang.get(period_url(league)).status_code == 404
    assert lingang.post(check_url(league, "A", "draft"), MARKS, **HTMX).status_code == 404
    # a confirmed period takes no more checks
    Period.objects.filter(pk=first.pk).update(status=Period.Status.CONFIRMED)
    assert spot.get(period_url(league)).status_code == 404
    assert spot.get(check_url(league, "A")).status_code == 404
    assert not Check.objects.exists()


def test_self_checks_are_the_officers_own_sites_only(league, officer, spot):  # noqa: F811
    assert officer.get(self_url(league, "A")).status_code == 200
    for site in "BD":
        assert officer.get(self_url(league, site)).status_code == 404
        assert officer.post(self_url(league, site, "draft"), MARKS, **HTMX).status_code == 404
    assert spot.get(self_url(league, "A")).status_code == 403  # not an officer
    worker = client_of(league["users"]["worker"])
    assert worker.get(self_url(league, "A")).status_code == 403
    assert not Check.objects.exists()


# --- the check form --------------------------------------------------------------------


def test_the_form_shows_each_indicator_with_its_maximum_and_guidance(spot, league):  # noqa: F811
    Indicator.objects.filter(code="safety").update(guidance="脚手架、临边防护")
    response = spot.get(check_url(league, "B"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('inputmode="decimal"') == 2
    assert re.search(r'<label for="id_mark-quality">质量 <small[^>]*>[^<]*50', page)
    assert "脚手架、临边防护" in page
    assert 'hx-trigger="change"' in page and 'id="sheet-submit"' in page
    assert 'type="date"' in page and 'name="note"' in page
    assert 'accept="image/*" capture="environment" multiple' in page


def test_a_draft_is_saved_through_htmx_and_prefilled(spot, league):  # noqa: F811
    url = check_url(league, "B", "draft")
    response = spot.post(url, {"mark-safety": "80", "checked_on": "2026-01-12"}, **HTMX)
    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment
    assert re.search(r'class="sheet-saved-at">[^<]*\d\d:\d\d', fragment)
    assert 'id="err-safety" hx-swap-oob="true"></p>' in fragment
    check = own_check(league, "B")
    assert check.status == Check.Status.DRAFT and marks(check) == {"safety": "80"}
    assert check.checked_on == dt.date(2026, 1, 12)
    spot.post(url, {"mark-quality": "45.5", "note": "临边防护缺失"}, **HTMX)
    check.refresh_from_db()
    assert marks(check) == {"safety": "80", "quality": "45.5"} and check.note == "临边防护缺失"
    assert not check.period.scores.exists()
    page = spot.get(check_url(league, "B")).content.decode()
    assert 'name="mark-safety" value="80"' in page and 'name="mark-quality" value="45.5"' in page
    assert "临边防护缺失" in page and 'value="2026-01-12"' in page
    assert spot.get(period_url(league)).content.decode().count('data-state="draft"') == 1


def test_an_out_of_range_mark_is_shown_next_to_its_field(spot, league):  # noqa: F811
    fragment = spot.post(
        check_url(league, "B", "draft"),
        {"mark-safety": "80", "mark-quality": "50.5"},
        **HTMX,
    ).content.decode()
    assert re.search(r'id="err-quality" hx-swap-oob="true">[^<]*0 to 50', fragment)
    assert 'id="err-safety" hx-swap-oob="true"></p>' in fragment
    assert marks(own_check(league, "B")) == {"safety": "80"}
    # without htmx the whole page comes back with what was typed
    page = spot.post(
        check_url(league, "B", "draft"), {"mark-safety": "八十", "mark-quality": "40"}
    ).content.decode()
    assert 'value="八十"' in page and 'aria-invalid="true"' in page and "not a number" in page
    assert marks(own_check(league, "B")) == {"safety": "80", "quality": "40"}


def test_submitting_asks_to_review_then_locks(spot, league):  # noqa: F811
    url = check_url(league, "B", "submit")
    review = spot.post(url, {**MARKS, "note": "良好", "checked_on": "2026-01-20"})
    page = review.content.decode()
    assert review.status_code == 200 and 'name="confirm" value="1"' in page
    assert "45.5" in page and "良好" in page
    check = own_check(league, "B")
    assert check.status == Check.Status.DRAFT  # only kept as a draft so far
    done = spot.post(url, {**MARKS, "note": "良好", "checked_on": "2026-01-20", "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == check_url(league, "B")
    check.refresh_from_db()
    assert check.status == Check.Status.SUBMITTED and check.submitted_at
    assert marks(check) == {"safety": "80", "quality": "45.5"}
    assert check.checked_on == dt.date(2026, 1, 20) and check.note == "良好"
    # a double tap, or a draft posted after, changes nothing
    again = spot.post(url, {**MARKS, "mark-safety": "1", "confirm": "1"})
    assert again.status_code == 302
    fragment = spot.post(check_url(league, "B", "draft"), {"mark-safety": "2"}, **HTMX)
    assert "locked" in fragment.content.decode()
    check.refresh_from_db()
    assert marks(check)["safety"] == "80"
    locked = spot.get(check_url(league, "B")).content.decode()
    assert 'data-state="submitted"' in locked and 'data-editable="0"' in locked
    assert 'class="mark-input"' not in locked and 'type="file"' not in locked
    assert spot.get(period_url(league)).content.decode().count('data-state="submitted"') == 1


def test_submitting_with_a_missing_mark_keeps_what_was_typed(spot, league):  # noqa: F811
    response = spot.post(check_url(league, "B", "submit"), {"mark-safety": "77"})
    page = response.content.decode()
    assert response.status_code == 200 and 'name="confirm"' not in page
    assert 'value="77"' in page and re.search(r'id="err-quality">[^<]+<', page)
    assert own_check(league, "B").status == Check.Status.DRAFT


def test_the_officer_enters_a_self_check(officer, league):  # noqa: F811
    officer.post(self_url(league, "A", "draft"), {"mark-safety": "90"}, **HTMX)
    check = own_check(league, "A", kind="self", assessor=None)
    assert check.status == Check.Status.DRAFT and marks(check) == {"safety": "90"}
    review = officer.post(
        self_url(league, "A", "submit"), {"mark-safety": "90", "mark-quality": "40"}
    )
    assert 'name="confirm" value="1"' in review.content.decode()
    done = officer.post(
        self_url(league, "A", "submit"), {"mark-safety": "90", "mark-quality": "40", "confirm": "1"}
    )
    assert done.status_code == 302 and done["Location"] == self_url(league, "A")
    check.refresh_from_db()
    assert check.status == Check.Status.SUBMITTED and check.entered_by == league["users"]["officer"]
    page = officer.get("/home/assessments/").content.decode()
    assert page.count('data-state="submitted"') == 1  # period 1; period 2 not started


# --- photos ------------------------------------------------------------------------------


def test_a_png_is_accepted_and_shown(spot, league):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = spot.post(
        check_url(league, "B", "photos"),
        {
            "photo": [SimpleUploadedFile("site.png", PNG), SimpleUploadedFile("b.png", PNG)],
            "caption": "脚手架",
        },
    )
    assert response.status_code == 302
    check = own_check(league, "B")  # a draft is started for the photos
    photos = list(check.photos.all())
    assert len(photos) == 2 and photos[0].caption == "脚手架" and photos[0].kind == "png"
    page = spot.get(check_url(league, "B")).content.decode()
    url = f"/home/assessments/photos/{photos[0].pk}/"
    assert f'src="{url}"' in page and "/media/" not in page
    served = spot.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == PNG


def test_a_pdf_named_jpg_is_refused_next_to_the_field(spot, league):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    spot.post(check_url(league, "B", "draft"), {"mark-safety": "80"}, **HTMX)
    response = spot.post(
        check_url(league, "B", "photos"),
        {"photo": SimpleUploadedFile("x.jpg", b"%PDF-1.4 fake"), "caption": "证据"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="err-photo" role="alert">[^<]*not accepted', page)
    assert 'value="证据"' in page and 'name="mark-safety" value="80"' in page
    assert not Photo.objects.exists()


def test_photos_all_refused_start_no_draft(spot, league):  # noqa: F811
    """With no check begun, photos that are all refused leave nothing behind: no draft is
    started for them; one good photo among bad ones starts it, and each bad one is named."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = spot.post(
        check_url(league, "B", "photos"),
        {"photo": SimpleUploadedFile("x.jpg", b"%PDF-1.4 fake"), "caption": "证据"},
    )
    assert response.status_code == 200
    assert re.search(r'id="err-photo" role="alert">[^<]*not accepted', response.content.decode())
    assert own_check(league, "B") is None and not Check.objects.exists()
    page = spot.post(
        check_url(league, "B", "photos"),
        {
            "photo": [
                SimpleUploadedFile("a.txt", b"plain text"),
                SimpleUploadedFile("good.png", PNG),
                SimpleUploadedFile("b.jpg", b"%PDF-1.4 fake"),
            ]
        },
    ).content.decode()
    error = re.search(r'id="err-photo" role="alert">([^<]*)<', page).group(1)
    assert "a.txt:" in error and "b.jpg:" in error and "good.png" not in error
    check = own_check(league, "B")
    assert check is not None and check.status == Check.Status.DRAFT
    assert [p.kind for p in check.photos.all()] == ["png"]


def test_a_photo_too_large_is_refused(spot, league, monkeypatch):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    monkeypatch.setattr(services, "PHOTO_MAX_BYTES", 32)
    page = spot.post(
        check_url(league, "B", "photos"), {"photo": SimpleUploadedFile("big.png", PNG)}
    ).content.decode()
    assert re.search(r'id="err-photo" role="alert">[^<]*MB', page)
    assert not Photo.objects.exists()
    page = spot.post(check_url(league, "B", "photos"), {}).content.decode()
    assert re.search(r'id="err-photo" role="alert">[^<]+<', page)


def test_no_photo_is_added_to_a_submitted_check(spot, league):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    spot.post(check_url(league, "B", "submit"), {**MARKS, "confirm": "1"})
    spot.post(check_url(league, "B", "photos"), {"photo": SimpleUploadedFile("a.png", PNG)})
    assert not Photo.objects.exists()


def _photo(league, site, kind, assessor):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    check = services.save_check(
        actor=None,
        period=league["periods"][0],
        participant=league["sites"][site],
        kind=kind,
        assessor=assessor,
        values={},
    )
    photo = services.add_photo(actor=None, check=check, upload=SimpleUploadedFile("p.png", PNG))
    return f"/home/assessments/photos/{photo.pk}/"


def test_who_may_see_a_photo(league, elsewhere):  # noqa: F811
    spot_photo = _photo(league, "A", "spot", league["spot"])
    self_photo = _photo(league, "A", "self", None)

    def status(who, url):
        user = elsewhere["user"] if who == "lingang" else league["users"][who]
        return client_of(user).get(url).status_code

    # the check's assessor; the league's team, managers and leadership (can_read_league)
    for who in ("judge", "mutual", "admin", "leader"):
        assert status(who, spot_photo) == 200, who
        assert status(who, self_photo) == 200, who
    # the officer whose self-check it is, not the assessors' photos of his site
    assert status("officer", self_photo) == 200
    assert status("officer", spot_photo) == 404
    for who in ("worker", "nobody", "coorganiser", "lingang"):
        assert status(who, spot_photo) == 404, who
        assert status(who, self_photo) == 404, who
    assert (
        client_of(league["users"]["judge"]).get("/home/assessments/photos/999999/").status_code
        == 404
    )
    anonymous = Client().get(spot_photo)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_nothing_is_entered_without_a_scheme(spot, league):  # noqa: F811
    Indicator.objects.all().delete()
    page = spot.get(check_url(league, "B")).content.decode()
    assert "no indicator" in page and 'data-editable="0"' in page and 'type="file"' not in page
    fragment = spot.post(check_url(league, "B", "draft"), {"note": "x"}, **HTMX).content.decode()
    assert "no indicator" in fragment
    spot.post(check_url(league, "B", "submit"), {"confirm": "1"})
    assert not Check.objects.exists()
