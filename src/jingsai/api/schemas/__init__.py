"""Typed request and response schemas of the API, one module per area."""

from typing import Annotated, Literal

from ninja import Path
from pydantic import Field

MAX_ID = 2**63 - 1  # a database id (bigint); a larger number is refused with 422

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Field(None, ge=1, le=MAX_ID)]
NO_NUL = r"^[^\x00]*$"  # text without NUL characters (PostgreSQL refuses them)


def choice(choices) -> object:
    """A model's choices as an inline enum of their values (``Literal``): the choice classes'
    own names (``Status``, ``Kind``) repeat across models and would collide in the schema."""
    return Literal[tuple(choices.values)]
