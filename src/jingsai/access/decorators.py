"""View decorators that ask :mod:`jingsai.access.policy`."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404


def requires(predicate: Callable[..., bool]):
    """Allow the view only when ``predicate(request.user)`` is true (403 otherwise)."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_predicate = predicate
        return wrapped

    return decorate


def get_visible_or_404(queryset: QuerySet, **lookup) -> Model:
    """The object, if it is in the user's scoped queryset; 404 (not 403) otherwise."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj
