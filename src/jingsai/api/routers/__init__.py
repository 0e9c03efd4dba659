"""The API's endpoints, one router per area (mounted in :mod:`jingsai.api.api`)."""
