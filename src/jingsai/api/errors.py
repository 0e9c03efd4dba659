"""One error shape for every answer that is not a success.

``{"code": "...", "message": "...", "detail": [...] | null}``: ``code`` is stable
(clients branch on it), ``message`` is for people, in the request's language —
Chinese unless the client asks otherwise (the language middleware reads the
language cookie and ``Accept-Language``; the platform's default is Chinese).
``detail`` lists the problems of a refused request, each with where it is
(``location``: path, query, body, or the row of a bulk request) and what.

=====================  ======  ====================================================
code                   status  when
=====================  ======  ====================================================
``validation_error``   422     the request does not fit its schema, or a domain rule
                               refuses its values (each problem in ``detail``)
``not_authenticated``  401     no valid token or session
``permission_denied``  403     the role may not do this (or a session's CSRF check)
``not_found``          404     no such object, or not one the user may see
``conflict``           409     it exists already (a duplicate)
``invalid_state``      409     not now: the object's state refuses the action
``throttled``          429     too many requests
``server_error``       500     a fault of ours (logged, never with personal data)
=====================  ======  ====================================================
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger(__name__)


class ErrorItem(Schema):
    location: str = ""  # "path", "query", "body", "row"
    field: str = ""
    message: str
    row: int | None = None


class ErrorOut(Schema):
    code: str
    message: str
    detail: list[ErrorItem] | None = None


class ApiError(Exception):
    """Raised by endpoints to answer with an error of the shape above."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", detail: list[dict[str, Any]] | None = None):
        self.message = message
        self.detail = detail
        super().__init__(message)


class NotFound(ApiError):  # noqa: N818 (named after its answer)
    status, code = 404, "not_found"


class Forbidden(ApiError):  # noqa: N818 (named after its answer)
    status, code = 403, "permission_denied"


class Invalid(ApiError):  # noqa: N818 (named after its answer)
    status, code = 422, "validation_error"


class Conflict(ApiError):  # noqa: N818 (named after its answer)
    status, code = 409, "conflict"


class InvalidState(ApiError):  # noqa: N818 (named after its answer)
    status, code = 409, "invalid_state"


def default_message(code: str) -> str:
    return {
        "validation_error": _("The request is not valid."),
        "not_authenticated": _("Sign in or give a valid API token."),
        "permission_denied": _("You may not do this."),
        "not_found": _("Not found, or not yours to see."),
        "conflict": _("This exists already."),
        "invalid_state": _("This cannot be done now."),
        "throttled": _("Too many requests; try again later."),
        "server_error": _("Something went wrong on our side; it has been logged."),
        "bad_request": _("The request is not valid."),
    }[code]


def error_response(api, request, status: int, code: str, message: str = "", detail=None):
    if detail is not None:
        detail = [{"location": "", "field": "", "row": None} | item for item in detail]
    body = {"code": code, "message": message or default_message(code), "detail": detail}
    return api.create_response(request, body, status=status)


def _location(loc: tuple | list) -> tuple[str, str]:
    """ninja's ``("query", "ninja_pagination", "page")`` → ("query", "page")."""
    parts = [str(p) for p in loc]
    where = parts[0] if parts else ""
    names = [p for p in parts[1:] if p not in ("ninja_pagination", "payload", "filters")]
    return where, ".".join(names)


def _pydantic_message(error: dict) -> str:
    """A schema error in the request's language: Django's own (translated) messages
    where one says the same; pydantic's English otherwise."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return _("This field is required.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type", "finite_number"):
        return _("Enter a number.")
    if kind in ("less_than_equal", "less_than"):
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("le", ctx.get("lt"))
        }
    if kind in ("greater_than_equal", "greater_than"):
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("ge", ctx.get("gt"))
        }
    if kind == "string_too_long":
        limit = ctx.get("max_length", 0)
        return ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            limit,
        ) % {"limit_value": limit, "show_value": len(value) if isinstance(value, str) else 0}
    if kind == "enum" or kind == "literal_error":
        return _("Select a valid choice. %(value)s is not one of the available choices.") % {
            "value": value
        }
    if kind in ("date_parsing", "date_type", "date_from_datetime_parsing"):
        return _("Enter a valid date.")
    if kind == "json_invalid":
        return _("Enter a valid JSON.")
    return str(error.get("msg", "")) or _("Enter a valid value.")


def _ninja_items(errors: list[dict]) -> list[dict]:
    items = []
    for error in errors:
        where, field = _location(error.get("loc", ()))
        items.append({"location": where, "field": field, "message": _pydantic_message(error)})
    return items


def _django_items(error: DjangoValidationError) -> list[dict]:
    if hasattr(error, "error_dict"):
        return [
            {"location": "body", "field": "" if field == "__all__" else field, "message": m}
            for field, messages in error.message_dict.items()
            for m in messages
        ]
    return [{"location": "body", "field": "", "message": m} for m in error.messages]


def install(api) -> None:
    """Register the handlers on ``api`` (a NinjaAPI)."""

    def handle(exc_class):
        def register(function):
            api.add_exception_handler(exc_class, function)
            return function

        return register

    @handle(ApiError)
    def api_error(request, exc: ApiError):
        return error_response(api, request, exc.status, exc.code, exc.message, exc.detail)

    @handle(NinjaValidationError)
    def ninja_validation(request, exc: NinjaValidationError):
        return error_response(
            api, request, 422, "validation_error", detail=_ninja_items(exc.errors)
        )

    @handle(DjangoValidationError)
    def django_validation(request, exc: DjangoValidationError):
        items = _django_items(exc)
        message = items[0]["message"] if len(items) == 1 else ""
        return error_response(api, request, 422, "validation_error", message, items)

    @handle(AuthenticationError)
    def not_authenticated(request, exc):
        return error_response(api, request, 401, "not_authenticated")

    @handle(AuthorizationError)
    def not_authorised(request, exc):
        return error_response(api, request, 403, "permission_denied")

    @handle(PermissionDenied)
    def permission_denied(request, exc):
        return error_response(api, request, 403, "permission_denied")

    @handle(Http404)
    def not_found(request, exc):
        return error_response(api, request, 404, "not_found")

    @handle(Throttled)
    def throttled(request, exc):
        return error_response(api, request, 429, "throttled")

    @handle(IntegrityError)
    def conflict(request, exc):
        return error_response(api, request, 409, "conflict")

    @handle(HttpError)
    def http_error(request, exc: HttpError):
        # ninja raises these itself: a session's failed CSRF check (403), a body that
        # is not JSON (400)
        codes = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}
        code = codes.get(exc.status_code, "validation_error")
        status = exc.status_code if exc.status_code in codes else 422
        message = _("The CSRF check failed.") if "CSRF" in str(exc) else ""
        return error_response(api, request, status, code, message)

    for refusal in _domain_refusals():

        @handle(refusal)
        def refused(request, exc):
            return error_response(api, request, 409, "invalid_state", str(exc))

    @handle(Exception)
    def server_error(request, exc):
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(api, request, 500, "server_error")


def _domain_refusals() -> list[type[Exception]]:
    """Domain refusals that are not a ValidationError: the action is refused now."""
    from jingsai.certification.domain.issuing import CertificationRefused
    from jingsai.competitions.domain.lifecycle import MoveRefused
    from jingsai.innovation.domain.lifecycle import InnovationRefused
    from jingsai.judging.domain.publication import PublicationRefused
    from jingsai.judging.domain.sheets import SheetRefused

    return [CertificationRefused, MoveRefused, InnovationRefused, PublicationRefused, SheetRefused]
