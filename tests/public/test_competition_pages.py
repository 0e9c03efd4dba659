"""The public competition pages: anyone may browse open and past competitions."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jingsai.catalogue.models import Brand, Industry, ProgrammeYear, Series
from jingsai.competitions.domain.services import create_competition
from jingsai.competitions.models import Competition, CompetitionLevel
from jingsai.public.exhibition import public_competitions
from tests.factories import OrganisationFactory

LIST = reverse("public:competition_list")


def make(title, *, status=Competition.Status.OPEN, year=None, **fields):
    fields.setdefault("series", Series.objects.first())
    fields.setdefault("organiser", OrganisationFactory(name=f"{title}主办单位"))
    competition = create_competition(
        actor=None,
        year=year or ProgrammeYear.objects.get(year=2026),
        title=title,
        registration_closes=timezone.now() + dt.timedelta(days=30),
        **fields,
    )
    Competition.objects.filter(pk=competition.pk).update(status=status)
    competition.refresh_from_db()
    return competition


def listed_titles(response) -> list[str]:
    assert response.status_code == 200
    html = response.content.decode()
    tbody = re.search(r'<table[^>]*id="competitions".*?<tbody>(.*?)</tbody>', html, re.S)
    assert tbody, "no competitions table"
    return re.findall(r'<a href="/competitions/[^"]+/">([^<]+)</a>', tbody.group(1))


def test_list_is_public(preset):
    make("电工技能竞赛")
    assert listed_titles(Client().get(LIST)) == ["电工技能竞赛"]


def test_detail_is_public_and_shows_organiser_and_levels(preset):
    competition = make(
        "焊工技能竞赛",
        organiser=OrganisationFactory(name="浦东新区焊接协会"),
        rules="第一条\n<script>alert(1)</script>",
    )
    response = Client().get(reverse("public:competition_detail", args=[competition.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "焊工技能竞赛" in html
    assert "浦东新区焊接协会" in html
    assert competition.levels.first().name in html
    assert "<script>alert(1)</script>" not in html  # rules are escaped
    assert "&lt;script&gt;" in html


def test_detail_shows_eligibility_and_quota(preset):
    competition = make(
        "数控竞赛",
        capacity=120,
        enterprise_quota=3,
        min_age=18,
        max_age=45,
        skill_level_from=2,
        skill_level_to=4,
        industries=[Industry.objects.first()],
    )
    CompetitionLevel.objects.filter(competition=competition, order=1).update(promoted=5)
    html = (
        Client(headers={"accept-language": "en"})
        .get(reverse("public:competition_detail", args=[competition.code]))
        .content
    )
    html = html.decode()
    for text in ("120", "at most 3", "18 to 45 years old", "level 2 to level 4"):
        assert text in html


@pytest.mark.parametrize("status", Competition.Status.values)
def test_only_drafts_are_hidden(preset, status):
    competition = make(f"竞赛-{status}", status=status)
    detail = Client().get(reverse("public:competition_detail", args=[competition.code]))
    titles = listed_titles(Client().get(LIST))
    if status == Competition.Status.DRAFT:
        assert detail.status_code == 404
        assert titles == []
        assert not public_competitions().filter(pk=competition.pk).exists()
    else:
        assert detail.status_code == 200
        assert titles == [competition.title]


def test_unknown_code_is_404(preset):
    assert Client().get(reverse("public:competition_detail", args=["nope"])).status_code == 404


def test_open_first_then_newest(preset):
    make("旧的已公布", status=Competition.Status.PUBLISHED)
    make("开放报名", status=Competition.Status.OPEN)
    make("新的已公布", status=Competition.Status.PUBLISHED)
    assert listed_titles(Client().get(LIST)) == ["开放报名", "新的已公布", "旧的已公布"]


def test_filter_by_year(preset):
    other_year = ProgrammeYear.objects.create(year=2025, title="2025 年度")
    make("今年的")
    make("去年的", year=other_year)
    assert listed_titles(Client().get(LIST, {"year": other_year.pk})) == ["去年的"]


def test_filter_by_series(preset):
    first, second = Series.objects.all()[:2]
    make("系列一", series=first)
    make("系列二", series=second)
    assert listed_titles(Client().get(LIST, {"series": second.pk})) == ["系列二"]


def test_filter_by_brand(preset):
    brand = Brand.objects.first()
    make("有品牌", brand=brand)
    make("无品牌")
    assert listed_titles(Client().get(LIST, {"brand": brand.pk})) == ["有品牌"]


def test_filter_by_industry(preset):
    chips, drugs = Industry.objects.all()[:2]
    make("芯片", industries=[chips])
    make("医药", industries=[drugs])
    make("两者", industries=[chips, drugs])
    assert listed_titles(Client().get(LIST, {"industry": chips.pk})) == ["两者", "芯片"]


def test_unknown_filter_value_is_ignored(preset):
    make("电工技能竞赛")
    assert listed_titles(Client().get(LIST, {"series": "999999"})) == ["电工技能竞赛"]


def count_list_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(LIST).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow(preset):
    brand = Brand.objects.first()
    make("一号", brand=brand, industries=[Industry.objects.first()])
    one = count_list_queries()
    make("二号", brand=brand)
    make("三号", co_organisers=[OrganisationFactory()])
    assert len(listed_titles(Client().get(LIST))) == 3
    assert count_list_queries() == one


def test_attachments_download_publicly_but_not_for_drafts(preset, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jingsai.competitions.domain.services import add_attachment

    settings.MEDIA_ROOT = tmp_path
    competition = make(title="带附件的竞赛")
    attachment = add_attachment(
        actor=None,
        competition=competition,
        title="竞赛规程",
        upload=SimpleUploadedFile("rules.pdf", b"%PDF-1.4 rules", content_type="application/pdf"),
    )
    url = reverse("public:attachment_download", args=[competition.code, attachment.pk])
    response = Client().get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 rules"
    Competition.objects.filter(pk=competition.pk).update(status="draft")
    assert Client().get(url).status_code == 404


def test_a_fake_pdf_is_refused(preset, settings, tmp_path):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jingsai.competitions.domain.services import add_attachment

    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError):
        add_attachment(
            actor=None,
            competition=make(title="x"),
            title="规程",
            upload=SimpleUploadedFile("rules.pdf", b"MZ\x90\x00 not a pdf"),
        )
