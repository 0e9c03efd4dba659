"""Search terms for lists: a name prefix, pinyin initials, or a full ID number.

Name and initials searches are prefix searches that use the ``(name, id)`` and
``(name_initials, id)`` indexes on both SQLite and PostgreSQL.
"""

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

ID_NUMBER_LIKE = re.compile(r"^\d{17}[\dXx]$")
INITIALS_LIKE = re.compile(r"^[A-Za-z]{1,32}$")


SEPARATORS = re.compile(r"[\s\-_.·/]+")


@dataclass(frozen=True)
class SearchTerm:
    """``kind`` is "name", "initials", "id_number", "digits" (a partial number,
    never searched and never put in a URL) or "" (nothing to search)."""

    kind: str
    value: str


def classify_search(text: str | None) -> SearchTerm:
    text = (text or "").strip()
    compact = SEPARATORS.sub("", text)
    if not compact:
        return SearchTerm("", "")
    if ID_NUMBER_LIKE.match(compact):
        return SearchTerm("id_number", compact.upper())
    if sum(c.isdigit() for c in compact) >= 7:
        return SearchTerm("digits", compact)
    text = text.replace(" ", "")
    if INITIALS_LIKE.match(text):
        return SearchTerm("initials", text.lower())
    return SearchTerm("name", text[:50])


def search_by_name(queryset: QuerySet, term: SearchTerm) -> QuerySet | None:
    """Narrow ``queryset`` (with ``name`` and ``name_initials``) by a name or
    initials term, ordered to follow the prefix index; ``None`` for other terms."""
    if term.kind == "initials":
        return queryset.filter(prefix_q("name_initials", term.value)).order_by(
            "name_initials", "id"
        )
    if term.kind == "name":
        return queryset.filter(prefix_q("name", term.value)).order_by("name", "id")
    return None


def prefix_q(field: str, prefix: str) -> Q:
    """``field`` starts with ``prefix``, as a range on the ``(field, id)`` index.

    Both databases compare these columns in code-point order (SQLite's BINARY;
    COLLATE "C" on PostgreSQL, see people/migrations/0005), so every string that
    starts with ``prefix`` lies in [prefix, prefix + U+10FFFF).
    """
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})
