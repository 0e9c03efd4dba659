"""The open API (``/api/v1/``): JSON over the same access rules as the pages.

See :mod:`jingsai.api.api` for the endpoints, :mod:`jingsai.api.auth` for who is
calling, :mod:`jingsai.api.errors` for the one error shape.
"""
