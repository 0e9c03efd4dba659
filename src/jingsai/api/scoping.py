"""The API's side of :mod:`jingsai.access.policy`: the same rules, answered in JSON.

An endpoint takes its lists only from the policy's ``*_visible_to`` querysets; an
object outside them answers 404 (:func:`visible_or_404`); an action the role may
not take answers 403 (:func:`require`). Answers that list workers' personal data
(names with masked ID numbers and phones, or unmasked ones for the entitled) are
recorded in the audit trail as exports are (:func:`record_personal_data`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, QuerySet

from jingsai.api.errors import Forbidden, NotFound
from jingsai.common.spreadsheets import record_export


def user_of(request):
    """The caller (``request.user`` is set by the token or the session)."""
    return request.user


def require(allowed: bool | Callable[..., bool], *args) -> None:
    """403 unless ``allowed`` (a bool, or a predicate called with ``args``) holds."""
    if callable(allowed):
        allowed = allowed(*args)
    if not allowed:
        raise Forbidden()


def visible_or_404(queryset: QuerySet, **lookup) -> Model:
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise NotFound()
    return obj


def record_personal_data(request, *, rows: int, what: str) -> None:
    """An answer holding personal data, in the audit trail: who, which endpoint and
    filters, how many rows, what data."""
    if rows:
        record_export(request, filename=f"api:{request.path}"[:200], rows=rows, personal_data=what)
