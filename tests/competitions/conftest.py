import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read refusal texts in English; Chinese is checked separately."""
    with translation.override("en"):
        yield
