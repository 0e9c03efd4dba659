"""Query strings for list pages (filters kept across pages)."""

from urllib.parse import urlencode


def query_without_page(params) -> str:
    pairs = [(k, v) for k, values in params.lists() for v in values if k != "page" and v != ""]
    return urlencode(pairs)
