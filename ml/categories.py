"""The 7 categories: the first level of Flipkart's product_category_tree."""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "Baby Care",
    "Beauty and Personal Care",
    "Computers",
    "Home Decor & Festive Needs",
    "Home Furnishing",
    "Kitchen & Dining",
    "Watches",
)
