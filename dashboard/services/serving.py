"""Which trained versions answer predictions: the fusion (primary) and the image-only
fallback, the image-only candidate that holds up best under style shift; and the image limits
every serving predictor applies."""

from __future__ import annotations

from collections.abc import Iterable

from dashboard.services import style_shift
from dashboard.services.state import Services
from ml.images import ImageLimits
from ml.models.registry import FALLBACK_CANDIDATES, PRIMARY, choose_fallback


def image_limits(services: Services) -> ImageLimits:
    settings = services.settings
    formats = frozenset(f.strip().upper() for f in settings.image_formats.split(",") if f.strip())
    return ImageLimits(
        max_bytes=settings.max_upload_bytes, max_pixels=settings.max_pixels, formats=formats
    )


def fallback_name(services: Services, active: Iterable[str]) -> str:
    """The active image-only candidate with the best stored leave-one-style-out accuracy."""
    measured = style_shift.shift_accuracy(services)
    return choose_fallback({n: measured.get(n) for n in active if n in FALLBACK_CANDIDATES})


def serving_roles(services: Services, active: Iterable[str]) -> dict[str, str]:
    """Model name -> role ("primary", "fallback") of the models that answer predictions."""
    active = list(active)
    roles = {PRIMARY: "primary"} if PRIMARY in active else {}
    if set(active) & set(FALLBACK_CANDIDATES):
        roles[fallback_name(services, active)] = "fallback"
    return roles
