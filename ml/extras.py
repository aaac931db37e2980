"""Optional parts of the install. Serving runs on ONNX Runtime alone; training, exporting and
the style-shift evaluation need PyTorch and timm, which the `train` extra brings."""

from __future__ import annotations

TRAIN_INSTALL = "pip install 'vitrine[train]'"


class MissingTrainExtra(RuntimeError):
    """Something that needs PyTorch was asked of an install without it."""


def has_train_extra() -> bool:
    # Imported rather than looked up: whoever asks goes on to use them when they are there.
    try:
        import timm  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def require_train_extra(what: str) -> None:
    """Raise a one-line reason, naming the install command, when PyTorch or timm is missing."""
    if not has_train_extra():
        raise MissingTrainExtra(
            f"{what} needs PyTorch and timm, which this install leaves out: {TRAIN_INSTALL}"
        )
