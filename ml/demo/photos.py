"""Shop-style product photos composed from the icon pack: background, scale, position,
rotation, flip, soft shadow, blur, noise and a JPEG re-encode. Deterministic for an rng."""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import resvg_py
from PIL import Image, ImageFilter, ImageOps

PACK_PATH = Path(__file__).with_name("icon_pack.json.gz")
SIZE = 224
ICON_RENDER = 256
# Ink colours for line icons (they draw in currentColor).
INKS = ["#1b1f24", "#12263f", "#5b2a86", "#0b6e4f", "#7a1f1f", "#3d3d3d", "#1d4e89", "#6b4f1d"]


@dataclass(frozen=True)
class Icon:
    set: str
    name: str
    style: str
    svg: str


@cache
def load_pack(path: Path = PACK_PATH) -> dict[str, tuple[Icon, ...]]:
    raw = json.loads(gzip.decompress(path.read_bytes()))
    return {category: tuple(Icon(**e) for e in entries) for category, entries in raw.items()}


@cache
def render_icon(icon: Icon, ink: str) -> Image.Image:
    """The icon as RGBA at ICON_RENDER px on its longer side (rendered once per ink)."""
    svg = icon.svg.replace("currentColor", ink)
    png = resvg_py.svg_to_bytes(svg_string=svg, width=ICON_RENDER, skip_system_fonts=True)
    image = Image.open(io.BytesIO(bytes(png))).convert("RGBA")
    box = image.getbbox()
    return image.crop(box) if box else image


def _background(rng: np.random.Generator) -> Image.Image:
    kind = rng.choice(["solid", "gradient", "texture"], p=[0.4, 0.35, 0.25])
    base = rng.integers(150, 256, size=3)
    if kind == "solid":
        return Image.new("RGB", (SIZE, SIZE), tuple(int(c) for c in base))
    if kind == "gradient":
        other = rng.integers(120, 256, size=3)
        t = np.linspace(0, 1, SIZE)[:, None, None]
        angle = rng.random()
        ramp = t if angle < 0.5 else np.transpose(t, (1, 0, 2))
        pixels = base[None, None, :] * (1 - ramp) + other[None, None, :] * ramp
        pixels = np.broadcast_to(pixels, (SIZE, SIZE, 3))
        return Image.fromarray(pixels.astype(np.uint8), "RGB")
    noise = rng.normal(0, rng.uniform(4, 14), size=(SIZE // 4, SIZE // 4, 1))
    grain = np.kron(noise, np.ones((4, 4, 1)))
    stripes = (np.sin(np.arange(SIZE) / rng.uniform(3, 9)) * rng.uniform(0, 8))[:, None, None]
    pixels = np.clip(base[None, None, :] + grain + stripes, 0, 255)
    return Image.fromarray(pixels.astype(np.uint8), "RGB")


def _place(
    canvas: Image.Image, sprite: Image.Image, rng: np.random.Generator, scale: float, shadow: bool
) -> None:
    target = max(8, int(SIZE * scale))
    ratio = target / max(sprite.size)
    sprite = sprite.resize(
        (max(1, int(sprite.width * ratio)), max(1, int(sprite.height * ratio))),
        Image.Resampling.LANCZOS,
    )
    sprite = sprite.rotate(
        float(rng.uniform(-25, 25)), expand=True, resample=Image.Resampling.BICUBIC
    )
    margin_x = max(0, SIZE - sprite.width)
    margin_y = max(0, SIZE - sprite.height)
    x = int(rng.integers(0, margin_x + 1)) if margin_x else (SIZE - sprite.width) // 2
    y = int(rng.integers(0, margin_y + 1)) if margin_y else (SIZE - sprite.height) // 2
    if shadow:
        alpha = sprite.getchannel("A").point(lambda a: int(a * 0.45))
        shade = Image.new("RGBA", sprite.size, (0, 0, 0, 0))
        shade.putalpha(alpha)
        shade = shade.filter(ImageFilter.GaussianBlur(float(rng.uniform(2, 6))))
        dx, dy = (int(v) for v in rng.integers(2, 9, size=2))
        canvas.alpha_composite(shade, (min(x + dx, SIZE - 1), min(y + dy, SIZE - 1)))
    canvas.alpha_composite(sprite, (x, y))


def compose_photo(icon: Icon, rng: np.random.Generator, prop: Icon | None = None) -> bytes:
    """A 224x224 JPEG of `icon` (and an optional small `prop` beside it)."""
    canvas = _background(rng).convert("RGBA")
    if prop is not None:
        _place(canvas, _sprite(prop, rng), rng, float(rng.uniform(0.18, 0.3)), shadow=False)
    _place(
        canvas,
        _sprite(icon, rng),
        rng,
        float(rng.uniform(0.42, 0.85)),
        shadow=bool(rng.random() < 0.7),
    )
    image = canvas.convert("RGB")
    if rng.random() < 0.5:
        image = image.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.3, 1.4))))
    pixels = np.asarray(image, dtype=np.float32)
    pixels += rng.normal(0, rng.uniform(0, 6), size=pixels.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=int(rng.integers(60, 93)), optimize=False)
    return out.getvalue()


def _sprite(icon: Icon, rng: np.random.Generator) -> Image.Image:
    ink = str(rng.choice(INKS)) if icon.style == "line" else "#000000"
    sprite = render_icon(icon, ink)
    return ImageOps.mirror(sprite) if rng.random() < 0.5 else sprite
