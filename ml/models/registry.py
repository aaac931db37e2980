"""Every model by name, from the model cards (`ml.models.cards`).

The roles come from the cards: the one primary model answers when there is text; the fallback
candidates are the image-only models with a serving head, of which the one that holds up best
under style shift answers when there is none.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ml.artifacts import BACKBONE_OUTPUTS
from ml.models.cards import CARDS, ModelCard

_ROLE_ORDER = {"primary": 0, "fallback": 1, "comparison": 2}


class UnknownModel(KeyError):
    def __str__(self) -> str:
        return f"unknown model {self.args[0]!r}; known: {', '.join(MODEL_NAMES)}"


# Primary, fallback candidates, the rest; a model built from others comes after them.
MODEL_NAMES: tuple[str, ...] = tuple(
    sorted(CARDS, key=lambda n: (bool(CARDS[n].members), _ROLE_ORDER[CARDS[n].role]))
)
DESCRIPTIONS = {name: CARDS[name].description for name in MODEL_NAMES}
(PRIMARY,) = [name for name in MODEL_NAMES if CARDS[name].role == "primary"]
FALLBACK_CANDIDATES = tuple(name for name in MODEL_NAMES if CARDS[name].role == "fallback")
# The fallback when no style-shift figure exists yet, as before that evaluation existed.
DEFAULT_FALLBACK = "vit"
SERVING = (PRIMARY, *FALLBACK_CANDIDATES)
# Models the spatial-bias audit can explain cell by cell: the primary (its image part is the
# pooled feature map) and candidates whose head reads the last feature map itself.
AUDITABLE = (
    PRIMARY,
    *(n for n in FALLBACK_CANDIDATES if BACKBONE_OUTPUTS[1] in CARDS[n].inputs),
)


def card(name: str) -> ModelCard:
    try:
        return CARDS[name]
    except KeyError as exc:
        raise UnknownModel(name) from exc


def with_members(names: Iterable[str]) -> list[str]:
    """`names` and the models they are built from, in training order."""
    needed = set(names)
    for name in list(needed):
        needed |= set(card(name).members)
    return [n for n in MODEL_NAMES if n in needed]


def choose_fallback(shift_accuracy: dict[str, float | None]) -> str:
    """The fallback: the candidate with the best leave-one-style-out accuracy.

    Candidates with no figure yet are passed over; with no figure at all, the default when it
    is there, else the first candidate given.
    """
    measured = {n: a for n, a in shift_accuracy.items() if n in FALLBACK_CANDIDATES and a}
    if measured:
        return max(measured, key=lambda n: (measured[n], -FALLBACK_CANDIDATES.index(n)))
    present = [n for n in FALLBACK_CANDIDATES if n in shift_accuracy]
    if DEFAULT_FALLBACK in present:
        return DEFAULT_FALLBACK
    if not present:
        raise ValueError("no image-only model can take the fallback role")
    return present[0]


def create_model(name: str, **config: Any) -> Any:
    return card(name).factory(**config)
