"""Pydantic models of what the API returns (and, later, accepts)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ProductOut(BaseModel):
    uniq_id: str = Field(examples=["c2d766ca982eca8304150849735ffef9"])
    pid: str | None
    name: str
    category: str = Field(examples=["Home Furnishing"])
    category_tree: str
    split: str = Field(examples=["train"])
    brand: str | None
    description: str
    retail_price: float | None
    discounted_price: float | None
    product_rating: float | None
    overall_rating: float | None
    is_fk_advantage: bool | None
    product_url: str | None
    specifications: str | None
    image_sha256: str
    image_url: str = Field(examples=["/api/products/c2d766ca982eca8304150849735ffef9/image"])
