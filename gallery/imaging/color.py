"""Bring any Pillow mode to 8-bit RGB, the one mode the model and the thumbnails take.

Plain ``convert("RGB")`` is wrong for two kinds of input: deep grey images (it clips 16-bit
values above 255 to white) and transparent images (it drops alpha, showing whatever colour
hides under transparent pixels). Those get their own paths here.
"""

from __future__ import annotations

import math

from PIL import Image

from gallery.errors import UnsupportedImageError

WHITE = (255, 255, 255)

_DEEP_MODES = frozenset({"I", "I;16", "I;16L", "I;16B", "I;16N", "F"})


def to_rgb(image: Image.Image) -> Image.Image:
    """Return `image` as 8-bit RGB: deep grey rescaled, transparency flattened onto white."""
    try:
        if image.mode in _DEEP_MODES:
            return _deep_to_8bit(image).convert("RGB")
        if image.has_transparency_data:
            return _flatten_on_white(image)
        if image.mode == "RGB":
            return image
        return image.convert("RGB")
    except ValueError as exc:  # Pillow has no conversion for this mode
        raise UnsupportedImageError(f"unsupported colour mode: {image.mode}") from exc


def _deep_to_8bit(image: Image.Image) -> Image.Image:
    """Scale deep grey to 0..255 by the bit depth the data actually uses.

    Files rarely say their real depth: 16-bit containers hold 10-, 12- or 16-bit sensor data,
    and some hold plain 0..255. Rounding the peak up to a whole bit depth keeps true 16-bit
    photos at their brightness, shows 12-bit data fully, and leaves 8-bit data unchanged.
    Float images in 0..1 are taken as normalised.
    """
    src = image if image.mode in ("I", "F") else image.convert("I")
    extrema = src.getextrema()
    high = float(extrema[1]) if isinstance(extrema[1], (int, float)) else 0.0
    if not math.isfinite(high):
        high = 0.0
    if src.mode == "F" and high <= 1.0:
        scale = 255.0
    else:
        bits = max(8, int(max(high, 0.0)).bit_length())
        scale = 255.0 / ((1 << bits) - 1)
    return src.point(lambda value: value * scale + 0.5).convert("L")


def _flatten_on_white(image: Image.Image) -> Image.Image:
    """Composite onto white: transparent regions of logos and scans should read as paper."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, WHITE)
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
