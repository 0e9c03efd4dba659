"""The open API, version 1 (``/api/v1/``), with its OpenAPI schema at
``/api/v1/openapi.json`` and its documentation at ``/api/v1/docs``.

=======  ==============================================================  ==========================
method   path (under /api/v1)                                            who
=======  ==============================================================  ==========================
GET      /catalogue/years, /series, /brands, /industries, /zones         anyone
GET      /organisations, /organisations/{id}                             can_browse_organisations
GET      /workers, /workers/{id}  (masked; audited)                      can_browse_workers
GET      /competitions, /competitions/{id}                               anyone (drafts: in scope)
GET      /competitions/{id}/entries  (audited)                           can_browse_competitions
POST     /competitions/{id}/entries/bulk                                 can_register
GET      /competitions/{id}/results                                      anyone once public; before:
                                                                         can_read_results
GET      /judging/sheets                                                 judges
GET/PUT  /judging/competitions/{id}/entries/{id}/sheet                   the judge assigned
POST     /judging/competitions/{id}/entries/{id}/sheet/submit            the judge assigned
GET      /certificates                                                   signed in (own scope)
GET      /certificates/verify/{number}                                   anyone
GET      /training/courses, /courses/{id}/sessions                       can_browse_training
GET      /training/courses/{id}/sessions/{id}/attendance  (audited)      can_browse_training
PUT      /training/courses/{id}/sessions/{id}/attendance                 can_take_attendance
GET      /innovations, /innovations/{id}                                 browsers; workers: own
GET      /nominations, /nominations/{id}                                 can_browse_honours
GET      /dashboard                                                      can_read_dashboard
=======  ==============================================================  ==========================

Rate limits (:mod:`jingsai.api.throttling`): ``JINGSAI_API_RATE_ANON`` per address for
callers not signed in (default 60 a minute), ``JINGSAI_API_RATE_USER`` per user for
token and session callers (600 a minute); over them, 429 ``throttled`` with
``Retry-After``.

The documentation page serves Swagger UI from django-ninja's own static files
(``ninja`` in ``INSTALLED_APPS``), loaded from the platform, with no inline script,
so it holds under the Content-Security-Policy; nothing comes from a CDN.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import reverse
from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer

from jingsai.api import errors
from jingsai.api.auth import required_auth
from jingsai.api.routers import (
    catalogue,
    certificates,
    competitions,
    dashboard,
    honours,
    innovation,
    judging,
    organisations,
    training,
    workers,
)
from jingsai.api.throttling import throttles


class Renderer(JSONRenderer):
    """JSON as UTF-8 text (Chinese stays readable)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Jingsai API",
    version="v1",
    description=(
        "Personal tokens (`Authorization: Bearer jsk_…`, made on the API tokens page) or "
        "the browser session. Every list is paginated (`page`, `page_size` ≤ 100). Errors: "
        '`{"code", "message", "detail"}`. Requests are rate-limited, per user when signed '
        "in, per address otherwise: over the limit the answer is 429 `throttled` with a "
        "`Retry-After` header (seconds)."
    ),
    urls_namespace="api",
    auth=required_auth,
    throttle=throttles(),
    renderer=Renderer(),
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)

api.add_router("/catalogue", catalogue.router)
api.add_router("/organisations", organisations.router)
api.add_router("/workers", workers.router)
api.add_router("/competitions", competitions.router)
api.add_router("/judging", judging.router)
api.add_router("/certificates", certificates.router)
api.add_router("/training", training.router)
api.add_router("/innovations", innovation.router)
api.add_router("/nominations", honours.router)
api.add_router("/dashboard", dashboard.router)


def index(request):
    """``/api/v1/``: where the schema and the documentation are."""
    return JsonResponse(
        {
            "version": api.version,
            "openapi": reverse("api:openapi-json"),
            "docs": reverse("api:openapi-view"),
        }
    )


def urls():
    """``api.urls`` with every view marked ``login_not_required``: the API signs its
    callers in itself and answers 401 in JSON, never a redirect to the login page."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.name == "api-root":  # ninja's own answers 404 unless DEBUG
            pattern.callback = index
        pattern.callback = login_not_required(pattern.callback)
    return patterns, app_name, namespace
