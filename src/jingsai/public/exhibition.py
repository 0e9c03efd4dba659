"""What the public may see of competitions, without signing in.

:func:`public_competitions` is the one rule: a competition is public once it
has opened for registration, and stays public through judging, the public
notice, publication and the archive. Drafts (and any status added later that is
not listed here) are never public; the pages answer 404 for them.
"""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from jingsai.competitions.models import Competition

S = Competition.Status

PUBLIC_STATUSES = (
    S.OPEN,
    S.CLOSED,
    S.JUDGING,
    S.PUBLIC_NOTICE,
    S.PUBLISHED,
    S.ARCHIVED,
)


def public_competitions() -> QuerySet[Competition]:
    """Every competition the public may see (never a draft)."""
    return Competition.objects.filter(status__in=PUBLIC_STATUSES)


def open_first(queryset: QuerySet[Competition]) -> QuerySet[Competition]:
    """Competitions open for registration first, then the newest."""
    return queryset.annotate(
        open_rank=Case(
            When(status=S.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("open_rank", "-year__year", "-id")
