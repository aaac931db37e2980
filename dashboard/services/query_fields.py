"""Pieces shared by the models of user queries and bodies (audit, review queue, reviews)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator

from ml.categories import CATEGORIES


def _known_category(value: str) -> str:
    if value not in CATEGORIES:
        raise ValueError(f"unknown category; one of: {', '.join(CATEGORIES)}")
    return value


# One of the 7 categories, or 422 naming them.
CategoryName = Annotated[str, AfterValidator(_known_category)]


class UrlQuery(BaseModel):
    """A query read from a URL: unknown parameters are refused, an empty one is not given."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


class SortedQuery(UrlQuery):
    """A query with `sort`: a column name, prefixed with - for descending."""

    sort: str

    @property
    def sort_column(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")
