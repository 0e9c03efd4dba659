"""Every URL needs a login unless it is one of the known public pages, and every
back-office view declares an access predicate: a new URL without a rule fails here."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {
    "public:landing",
    "public:login",
    "public:set_language",
    "public:competition_list",
    "public:competition_detail",
    "public:attachment_download",
    "public:competition_results",
    "public:league",
    "public:league_participant",
    "public:exhibition",
    "public:exhibition_year",
    "public:honours_index",
    "public:honours_year",
    "public:honours_notice",
    "public:honours_objection",
    "public:honours_objection_received",
    "certification:verify_lookup",
    "certification:verify",
    # results by WorldSkills criterion and section: public once the results are (before
    # that, the chief judge and the competition's managers only; the view checks)
    "backoffice:worldskills_results",
    "backoffice:worldskills_results_xlsx",
    # the open API's public part: what the public pages show, the schema and its docs
    "api:api-root",
    "api:openapi-json",
    "api:openapi-view",
    "api:catalogue_years",
    "api:catalogue_series",
    "api:catalogue_brands",
    "api:catalogue_industries",
    "api:catalogue_zones",
    "api:competition_list",
    "api:competition_detail",
    "api:result_list",
    "api:certificate_verify",
}
# The rest of the open API signs its callers in itself (a personal token or the
# session) and answers 401 in JSON, never a redirect to the login page; each endpoint
# asks jingsai.access.policy itself (tests/api), so its view carries no @requires.
SELF_AUTHENTICATING = {
    "api:organisation_list",
    "api:organisation_detail",
    "api:worker_list",
    "api:worker_detail",
    "api:entry_list",
    "api:entry_bulk_create",
    "api:judge_sheets",
    "api:judge_sheet",
    "api:judge_sheet_draft",
    "api:judge_sheet_submit",
    "api:certificate_list",
    "api:course_list",
    "api:session_list",
    "api:attendance",
    "api:attendance_record",
    "api:innovation_list",
    "api:innovation_detail",
    "api:nomination_list",
    "api:nomination_detail",
    "api:dashboard",
}
LOGGED_IN_ONLY = {
    "portal:home",
    "public:logout",
    # any signed-in user: the pages themselves send away those who need no second factor
    "public:two_factor_verify",
    "public:two_factor_setup",
}


def iter_patterns(resolver: URLResolver, namespace: str = "", prefix: str = ""):
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            ns = f"{namespace}{item.namespace}:" if item.namespace else namespace
            yield from iter_patterns(item, ns, prefix + str(item.pattern))
        elif isinstance(item, URLPattern):
            yield f"{namespace}{item.name}", prefix + str(item.pattern), item.callback


def sample_path(route: str) -> str:
    path = re.sub(r"<int:\w+>", "1", route)
    path = re.sub(r"<slug:\w+>", "no-such-code", path)
    assert "<" not in path, f"add a sample value for {route}"
    return "/" + path


PATTERNS = sorted(iter_patterns(get_resolver()))


def test_every_url_has_a_name():
    assert all(name and not name.endswith(":None") for name, _r, _v in PATTERNS)


@pytest.mark.parametrize(("name", "route", "view"), PATTERNS, ids=[p[0] for p in PATTERNS])
@pytest.mark.django_db
def test_url_needs_login_unless_public(name, route, view):
    response = Client().get(sample_path(route))
    if name in PUBLIC:
        # A public page about one object answers 404 here: the test database is empty.
        expected = (200, 302, 405, 404) if "<" in route else (200, 302, 405)
        assert response.status_code in expected
        if response.status_code == 302:
            assert not response["Location"].startswith("/login/?next")
    elif name in SELF_AUTHENTICATING:
        # 405: a URL that only takes POST or PUT answers a GET so
        assert response.status_code in (401, 405)
        if response.status_code == 401:
            assert response.json()["code"] == "not_authenticated"
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize(("name", "route", "view"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_staff_views_declare_an_access_predicate(name, route, view):
    if name in PUBLIC or name in LOGGED_IN_ONLY or name in SELF_AUTHENTICATING:
        return
    assert getattr(view, "access_predicate", None) is not None, f"{name} has no @requires(...)"
