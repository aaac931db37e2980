"""Product text in Flipkart's style, from per-category vocabularies with shared words and noise.

Neither modality is meant to be perfect: some names are generic, some descriptions are empty,
and common words (colours, materials, pack sizes, marketing phrases) cross categories.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ml.demo.concepts import Concept

BRANDS: dict[str, list[str]] = {
    "Watches": ["Titan", "Fastrack", "Sonata", "Timex", "Maxima", "Q&Q", "Casio", "Fossil"],
    "Computers": ["HP", "Dell", "Logitech", "Lenovo", "SanDisk", "Seagate", "Zebronics", "iBall"],
    "Kitchen & Dining": ["Prestige", "Pigeon", "Borosil", "Cello", "Milton", "Hawkins", "Corelle"],
    "Home Furnishing": ["Bombay Dyeing", "Spaces", "Portico", "Raymond", "Swayam", "Elegance"],
    "Home Decor & Festive Needs": [
        "Ecraftindia",
        "Archies",
        "Paper Plane",
        "Craftvatika",
        "Gift Studio",
        "Handicrafts Paradise",
    ],
    "Beauty and Personal Care": [
        "Lakme",
        "Maybelline",
        "Nivea",
        "Dove",
        "Gillette",
        "Himalaya",
        "Colorbar",
        "Park Avenue",
    ],
    "Baby Care": ["Johnson's", "Pigeon", "Mee Mee", "Chicco", "Himalaya", "Morisons", "Fisher"],
}
# Brands that sell in many categories, so a brand alone does not give the answer away.
SHARED_BRANDS = ["Generic", "AmazingHind", "Shop Rite", "Royal", "Home Delight", "Kraft Seven"]

FEATURES: dict[str, list[str]] = {
    "Watches": [
        "water resistant",
        "analog display",
        "stainless steel strap",
        "leather strap",
        "quartz movement",
        "mineral glass dial",
        "chronograph",
        "luminous hands",
        "heart rate monitor",
        "step counter",
        "bluetooth notifications",
        "date display",
    ],
    "Computers": [
        "USB 3.0",
        "plug and play",
        "1 TB capacity",
        "ergonomic design",
        "backlit keys",
        "1600 DPI sensor",
        "wireless 2.4 GHz",
        "ink tank",
        "8 GB RAM",
        "Windows 10",
        "HDMI port",
        "fast data transfer",
    ],
    "Kitchen & Dining": [
        "induction base",
        "non-stick coating",
        "microwave safe",
        "dishwasher safe",
        "food grade",
        "stainless steel",
        "borosilicate glass",
        "ceramic",
        "heat resistant handle",
        "capacity 1.5 L",
        "BPA free",
        "serving for 6",
    ],
    "Home Furnishing": [
        "100% cotton",
        "polyester fabric",
        "eyelet style",
        "king size",
        "thread count 144",
        "machine washable",
        "floral print",
        "blackout",
        "soft and absorbent",
        "double bed",
        "zip closure",
        "fade resistant",
    ],
    "Home Decor & Festive Needs": [
        "handcrafted",
        "polyresin",
        "brass finish",
        "diwali gift",
        "festive decoration",
        "wall mounting",
        "scented wax",
        "terracotta",
        "wooden frame",
        "idol for pooja",
        "artificial flowers",
        "LED lights",
    ],
    "Beauty and Personal Care": [
        "long lasting",
        "matte finish",
        "paraben free",
        "for all skin types",
        "SPF 30",
        "moisturising",
        "herbal",
        "fragrance",
        "vitamin E",
        "dermatologically tested",
        "for men",
        "smudge proof",
    ],
    "Baby Care": [
        "for newborn",
        "BPA free",
        "gentle on skin",
        "tear free",
        "soft cotton",
        "anti colic",
        "0-6 months",
        "hypoallergenic",
        "mild formula",
        "soft plush",
        "for infants",
        "leak proof",
    ],
}
COLOURS = [
    "Black",
    "White",
    "Blue",
    "Red",
    "Multicolor",
    "Brown",
    "Pink",
    "Green",
    "Silver",
    "Gold",
    "Grey",
    "Beige",
]
MATERIALS = [
    "Plastic",
    "Steel",
    "Cotton",
    "Glass",
    "Wood",
    "Ceramic",
    "Polyester",
    "Metal",
    "Leather",
    "Silicone",
]
ADJECTIVES = [
    "Premium",
    "Classic",
    "Stylish",
    "Elegant",
    "Designer",
    "Modern",
    "Traditional",
    "Deluxe",
    "Smart",
    "Trendy",
    "Printed",
    "Solid",
]
MARKETING = [
    "Give your home a bright and modernistic appeal with these designs.",
    "Perfect as a gift for your loved ones on any occasion.",
    "Made from high quality material for a long life.",
    "Easy to use and easy to clean.",
    "Buy online at the best price with free shipping and cash on delivery.",
    "Its elegant look will steal hearts.",
    "Genuine product, 30 day replacement guarantee.",
    "Great value for money.",
]


@dataclass(frozen=True)
class TextNoise:
    """Knobs that keep the text modality from being perfect."""

    empty_description: float = 0.05
    generic_name: float = 0.12
    foreign_feature: float = 0.25


@dataclass(frozen=True)
class ProductText:
    name: str
    description: str
    tree: str
    brand: str
    specifications: str


def make_text(
    category: str,
    concept: Concept,
    rng: np.random.Generator,
    retail: int,
    price: int,
    noise: TextNoise,
) -> ProductText:
    """Name, description and tree of one product of `concept` (what its photo shows)."""
    level2, level3 = concept.level2, concept.level3
    product_type = str(rng.choice(concept.types))
    brand = str(rng.choice(SHARED_BRANDS if rng.random() < 0.2 else BRANDS[category]))
    colour, material = str(rng.choice(COLOURS)), str(rng.choice(MATERIALS))
    adjective = str(rng.choice(ADJECTIVES))
    pack = int(rng.choice([1, 1, 1, 2, 3, 4, 6]))
    generic = rng.random() < noise.generic_name
    if generic:
        # The name says nothing about what the product is.
        name = f"{brand} {adjective} {colour} Combo Set"
    else:
        name = f"{brand} {adjective} {material} {colour} {product_type}"
    if pack > 1:
        name += f" (Pack of {pack})"

    levels = [category, level2, level3, f"{brand} {level3}"][: int(rng.integers(2, 5))]
    tree = '["' + " >> ".join(levels) + '"]'

    # A generic listing's features come from any category: its text carries no signal.
    feature_source = str(rng.choice(list(FEATURES))) if generic else category
    features = list(rng.choice(FEATURES[feature_source], size=3, replace=False))
    if rng.random() < noise.foreign_feature:
        other = str(rng.choice([c for c in FEATURES if c != category]))
        features[int(rng.integers(3))] = str(rng.choice(FEATURES[other]))
    model_id = f"{brand[:3].upper()}{int(rng.integers(100, 9999))}"
    spec_pairs = [
        ("Brand", brand),
        ("Model ID", model_id),
        ("Color", colour),
        ("Material", material),
    ]
    if not generic:
        spec_pairs.insert(1, ("Type", product_type))
    specifications = (
        '{"product_specification"=>['
        + ", ".join(f'{{"key"=>"{k}", "value"=>"{v}"}}' for k, v in spec_pairs)
        + "]}"
    )
    if rng.random() < noise.empty_description:
        description = ""
    else:
        pitch = " ".join(rng.choice(MARKETING, size=2, replace=False))
        spec_text = " ".join(f"{k} {v}" for k, v in spec_pairs)
        description = (
            f"Key Features of {name} {', '.join(features)},\n"
            f"{name} Price: Rs. {price} {pitch} "
            f'It is {features[0]} and {features[1]}, a "must have" for every home.,'
            f"Specifications of {name} General {spec_text} "
            f"In the Box Sales Package {pack} {product_type if not generic else 'Set'}"
        )
    return ProductText(name, description, tree, brand, specifications)
