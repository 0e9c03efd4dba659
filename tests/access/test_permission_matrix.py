"""The permission matrix: every URL of the platform (pages, exports, the open API), every
role, an object in the role's scope ("ours") and the same URL with the ids of one
outside it ("theirs", as if typed into the address bar), with the answer each gets.

The URL list comes from the URL configuration: a URL without a rule in
``tests/access/matrix_rules.py`` fails here, and so does a rule naming no URL. For a
view that changes things, a role that may not gets 401/403/404 to a POST (or PUT) and
nothing in the database changes (every table's row count and the audit trail); a role
that may, asking about its own object, is not refused (what it then gets, a form with
errors or a redirect, the app tests check).

Set MATRIX_RECORD to a file name to write what every request answered there (a JSON
object) instead of asserting: a helper to write the rules of a new URL, to be read
against ``jingsai.access.policy`` before it goes into the table.
"""

import json
import os

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import get_resolver

from tests.access import matrix
from tests.access.matrix_rules import RULES, expected
from tests.access.test_url_rules import iter_patterns


def _keyed_patterns():
    patterns = sorted(iter_patterns(get_resolver()))
    names = [name for name, _route, _view in patterns]
    # a name used by two routes (one of them unreachable by ``reverse``) is keyed by both
    return {
        (name if names.count(name) == 1 else f"{name}@{route}"): route
        for name, route, _view in patterns
    }


ROUTES = _keyed_patterns()
CASES = [(key, role) for key in sorted(ROUTES) for role in matrix.ALL_ROLES]
RECORD = os.environ.get("MATRIX_RECORD")
REFUSED = {401, 403, 404, "login"}


def test_every_url_has_a_rule():
    missing = sorted(set(ROUTES) - set(RULES))
    assert not missing, f"URLs without a rule in matrix_rules.RULES: {missing}"


def test_every_rule_names_a_url():
    stale = sorted(set(RULES) - set(ROUTES))
    assert not stale, f"rules naming no URL: {stale}"


def test_url_names_are_unique():
    names = [name for name, _route, _view in iter_patterns(get_resolver())]
    assert sorted({n for n in names if names.count(n) > 1}) == []


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield matrix.build(media)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def record():
    found = {}
    yield found
    if RECORD:
        with open(RECORD, "w") as out:
            json.dump(found, out, ensure_ascii=False, indent=1, sort_keys=True)


def _answer(scenario, key, route, method, role, variant):
    """What the request answers, inside a savepoint rolled back at once, and whether
    any table's row count changed."""
    name = key.split("@")[0]
    with transaction.atomic():
        before = matrix.table_counts() if method != "GET" else None
        got = matrix.ask(scenario, name, route, method, role, variant)
        changed = None
        if before is not None:
            after = matrix.table_counts()
            changed = [
                f"{t}: {a} → {b}" for (t, a), (_t, b) in zip(before, after, strict=True) if a != b
            ]
        transaction.set_rollback(True)
    return got, changed


@pytest.mark.django_db
def test_ours_and_theirs_are_different_objects(scenario):
    """Every URL naming an object is asked about two different ones, for every role."""
    same = [
        (key, role)
        for key, route in ROUTES.items()
        if "<" in route
        for role in matrix.ALL_ROLES
        if matrix.sample_path(route, scenario, "ours", role)
        == matrix.sample_path(route, scenario, "theirs", role)
    ]
    assert not same, same


@pytest.mark.parametrize(("key", "role"), CASES, ids=[f"{k}-{r}" for k, r in CASES])
@pytest.mark.django_db
def test_matrix(scenario, record, key, role):
    route = ROUTES[key]
    rule = RULES.get(key)
    if rule is None and not RECORD:
        pytest.fail(f"{key} has no rule")
    problems = []
    methods = ("GET", "POST", "PUT") if RECORD else rule.keys()
    for method in methods:
        for variant in matrix.VARIANTS:
            if RECORD and method == "PUT" and not route.startswith("api/"):
                continue
            got, changed = _answer(scenario, key, route, method, role, variant)
            if RECORD:
                record.setdefault(key, {}).setdefault(method, {}).setdefault(role, {})[variant] = (
                    got
                )
                continue
            want = expected(key, route, method, role, variant)
            where = f"{method} {matrix.sample_path(route, scenario, variant, role)} as {role}"
            if want == "ok":
                if got in REFUSED:
                    problems.append(f"{where} ({variant}): refused with {got}, may use it")
            elif got != want:
                problems.append(f"{where} ({variant}): expected {want}, got {got}")
            if want in REFUSED and changed:
                problems.append(f"{where} ({variant}): refused, yet rows changed: {changed}")
    assert not problems, "\n".join(problems)
