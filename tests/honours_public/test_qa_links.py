"""Found walking the demo: the final year page links to its notice; the index's total row
is the sum of places over all categories (not a "total" mark)."""

import re

import pytest
from django.urls import reverse

from tests.honours_public.conftest import english

pytestmark = pytest.mark.django_db


def test_final_year_links_to_its_public_notice(final):
    body = english().get(reverse("public:honours_year", args=[2026])).content.decode()
    assert f'href="{reverse("public:honours_notice", args=[2026])}"' in body


def test_year_over_year_total_row_is_all_categories(final):
    body = english().get(reverse("public:honours_index")).content.decode()
    total = re.search(r'<tr id="yoy-total">(.*?)</tr>', body).group(1)
    assert "<th>all categories</th>" in total


def test_a_year_with_only_honours_or_innovations_is_in_the_exhibitions_years(final, world):
    """Found walking the demo: last year (honours and results, no competition) was missing
    from the year picker of /exhibition/."""
    from jingsai.catalogue.models import ProgrammeYear
    from jingsai.competitions.models import Competition
    from jingsai.public import exhibition
    from tests.honours_public.conftest import make_result

    year = final["round"].year
    Competition.objects.filter(year=year).delete()
    assert list(exhibition.exhibited_years()) == [year]  # the final honours list
    older = ProgrammeYear.objects.create(year=2024, title="2024 年度")
    make_result(older, world["ours"], [world["our_worker"]], title="旧成果", status="adopted")
    assert older not in exhibition.exhibited_years()  # not verified: nothing to show
    make_result(older, world["ours"], [world["our_worker"]], title="已核实成果")
    assert list(exhibition.exhibited_years()) == [year, older]
    body = english().get(reverse("public:exhibition_year", args=[2024])).content.decode()
    assert "已核实成果" in body and "旧成果" not in body


def test_the_landing_page_leads_to_the_honours(preset):
    """Found walking the demo: nothing on the public site led to /honours/ (and so to the
    public notice where anyone may object)."""
    body = english().get(reverse("public:landing")).content.decode()
    assert f'href="{reverse("public:honours_index")}"' in body
