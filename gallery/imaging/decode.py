"""The one safe, fast decode the pipeline uses for both the model input and the thumbnail.

Safe: the size is checked from the header before any pixel is decoded, and whatever a bad
file makes Pillow or a codec raise comes out as `UnsupportedImageError` with a short reason.
Fast: JPEGs decode at 1/2, 1/4 or 1/8 scale and HEIFs from an embedded thumbnail when that
still leaves the short side at least `min_side`; nothing bigger than needed is kept.
"""

from __future__ import annotations

import errno
import io
import logging
import os
import re
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageFile, UnidentifiedImageError
from PIL.JpegImagePlugin import JpegImageFile

from gallery.errors import UnsupportedImageError
from gallery.imaging.color import to_rgb
from gallery.imaging.formats import SNIFF_BYTES, pillow_formats, sniff_format
from gallery.imaging.jxl_header import jxl_size
from gallery.imaging.metadata import taken_at

_log = logging.getLogger(__name__)

DEFAULT_MAX_PIXELS = 200_000_000
"""Images with more pixels than this are refused before decoding (decompression bombs)."""

CORRUPT = "truncated or corrupt image data"
NOT_AN_IMAGE = "not a supported image format"
VANISHED = "file vanished"

# Formats whose Pillow plugin accepts every common variant: if one of these fails to open,
# the file is damaged. For the others, an unidentified file may be a valid but rare variant.
_FULLY_SUPPORTED = frozenset({"jpeg", "png", "gif", "webp", "bmp"})

# Pillow names for variants users know by their family name.
_SAME_FORMAT = {"mpo": "jpeg", "dib": "bmp"}

# EXIF orientation -> the transpose that shows the image upright (as ImageOps.exif_transpose).
_TRANSPOSE_FOR_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SWAPS_AXES = frozenset({5, 6, 7, 8})
_EXIF_ORIENTATION = 0x0112

# Serialises the catch_warnings in _open_image, which is not thread-safe on its own.
_OPEN_LOCK = threading.Lock()
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


@dataclass(frozen=True)
class DecodedImage:
    """A decoded photo, reduced to what the pipeline needs."""

    image: Image.Image
    """8-bit RGB, upright; short side in min_side..2*min_side (as is when already smaller)."""
    original_size: tuple[int, int]
    """(width, height) of the full image as displayed, i.e. after orientation."""
    format: str
    """Lower case: "jpeg" (MPO too), "png", "gif", "webp", "tiff", "bmp", "heif", "avif", "jxl"."""
    taken_at: float | None = None
    """When the photo was taken (EXIF), seconds since the epoch; None when unknown."""


def decode_image(path: Path, min_side: int, max_pixels: int = DEFAULT_MAX_PIXELS) -> DecodedImage:
    """Decode `path` to upright RGB whose short side is at least `min_side` (unless smaller).

    Raises `UnsupportedImageError` for anything wrong with the file; `ValueError` only for a
    bad argument.
    """
    if min_side < 1:
        raise ValueError(f"min_side must be positive, got {min_side}")
    with _open_file(path) as fh:
        return _decode_safely(fh, min_side, max_pixels, str(path))


def decode_image_data(
    data: bytes, min_side: int, max_pixels: int = DEFAULT_MAX_PIXELS
) -> DecodedImage:
    """`decode_image` for a file's bytes read elsewhere (a cluster worker without the photos)."""
    if min_side < 1:
        raise ValueError(f"min_side must be positive, got {min_side}")
    if not data:
        raise UnsupportedImageError("empty file")
    return _decode_safely(io.BytesIO(data), min_side, max_pixels, "bytes")


def read_image_file(path: Path) -> bytes:
    """A photo's bytes, with the reasons `decode_image` gives for a file it cannot open."""
    with _open_file(path) as fh:
        return fh.read()


def _decode_safely(fh: BinaryIO, min_side: int, max_pixels: int, name: str) -> DecodedImage:
    """Every failure of a decode as the reason a person reads."""
    try:
        return _decode(fh, min_side, max_pixels)
    except UnsupportedImageError:
        raise
    except Image.DecompressionBombError as exc:
        raise UnsupportedImageError(_bomb_reason(exc)) from exc
    except MemoryError as exc:
        raise UnsupportedImageError("image too large to decode in available memory") from exc
    except UnidentifiedImageError as exc:
        raise UnsupportedImageError(_unidentified_reason(fh)) from exc
    except Exception as exc:  # codecs raise anything on hostile input
        _log.debug("decode failed for %s", name, exc_info=True)
        raise UnsupportedImageError(CORRUPT) from exc


def _open_file(path: Path) -> BinaryIO:
    """Open for reading, turning OS errors into reasons a user understands."""
    try:
        fh = path.open("rb")
        try:
            empty = os.fstat(fh.fileno()).st_size == 0
        except OSError:
            fh.close()
            raise
    except FileNotFoundError as exc:
        raise UnsupportedImageError(VANISHED) from exc
    except OSError as exc:
        detail = os.strerror(exc.errno).lower() if exc.errno else "cannot open file"
        if exc.errno == errno.EACCES or isinstance(exc, PermissionError):
            detail = "permission denied"
        raise UnsupportedImageError(f"unreadable: {detail}") from exc
    if empty:
        fh.close()
        raise UnsupportedImageError("empty file")
    return fh


def _decode(fh: BinaryIO, min_side: int, max_pixels: int) -> DecodedImage:
    """Header checks, reduced-scale load, then mode, size and orientation fix-ups."""
    early_size = _size_before_open(fh)
    if early_size is not None:
        _check_size(early_size, max_pixels)
    image = _open_image(fh, quiet=early_size is None or _pillow_would_warn(early_size))
    width, height = image.size
    _check_size((width, height), max_pixels)
    orientation = _orientation(image)
    when = taken_at(image)
    original_size = (height, width) if orientation in _SWAPS_AXES else (width, height)
    file_format = (image.format or "unknown").lower()
    file_format = _SAME_FORMAT.get(file_format, file_format)

    if isinstance(image, JpegImageFile) or file_format == "heif":
        # Both pick the smallest scale with BOTH sides >= the request, so the short side stays
        # >= min_side (JPEG: scale = min(w // min_side, h // min_side) rounded down to 1/2/4/8).
        image.draft("RGB", (min_side, min_side))
    image.load()  # first frame only for animated and multi-page files

    rgb = _shrink(to_rgb(image), min_side)
    transpose = _TRANSPOSE_FOR_ORIENTATION.get(orientation)
    if transpose is not None:
        rgb = rgb.transpose(transpose)
    return DecodedImage(image=rgb, original_size=original_size, format=file_format, taken_at=when)


def _size_before_open(fh: BinaryIO) -> tuple[int, int] | None:
    """The size of formats whose plugin decodes everything on open (JPEG XL), else None."""
    kind = sniff_format(fh.read(SNIFF_BYTES))
    if kind != "jxl":
        return None
    size = jxl_size(fh)
    if size is None:
        raise UnsupportedImageError(CORRUPT)
    return size


def _check_size(size: tuple[int, int], max_pixels: int) -> None:
    """Refuse empty and oversized images while only the header has been read."""
    width, height = size
    if width < 1 or height < 1:
        raise UnsupportedImageError(CORRUPT)
    if width * height > max_pixels:
        limit = _megapixels(max_pixels)
        raise UnsupportedImageError(
            f"image too large: {width}x{height} pixels exceeds the {limit} MP limit"
        )


def _pillow_would_warn(size: tuple[int, int]) -> bool:
    limit = Image.MAX_IMAGE_PIXELS
    return limit is not None and size[0] * size[1] > limit


def _open_image(fh: BinaryIO, *, quiet: bool) -> ImageFile.ImageFile:
    """Open with Pillow, silencing its bomb warning: our max_pixels check replaces it.

    The warning filter is process-wide, so quiet opens take a lock; they only parse headers,
    except JPEG XL, which is opened without the lock when its size is known to be modest.
    """
    fh.seek(0)
    if not quiet:
        return Image.open(fh, formats=pillow_formats())
    with _OPEN_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(fh, formats=pillow_formats())


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation 1..8; broken EXIF must not cost the photo, so it reads as 1."""
    try:
        value = image.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception:  # EXIF parsing fails in many ways on odd files
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _shrink(image: Image.Image, min_side: int) -> Image.Image:
    """Box-reduce by an integer factor so the short side lands in min_side..2*min_side.

    reduce() rounds sizes up, so the short side never drops below min_side.
    """
    factor = min(image.size) // min_side
    return image.reduce(factor) if factor >= 2 else image


def _unidentified_reason(fh: BinaryIO) -> str:
    """Tell a damaged file of a common format from a rare variant or a non-image."""
    try:
        fh.seek(0)
        kind = sniff_format(fh.read(SNIFF_BYTES))
    except OSError:
        return CORRUPT
    if kind is None:
        return NOT_AN_IMAGE
    if kind in _FULLY_SUPPORTED:
        return CORRUPT
    return f"unsupported {kind.upper()} variant"


def _bomb_reason(exc: Image.DecompressionBombError) -> str:
    """Pillow's own hard limit (2 x Image.MAX_IMAGE_PIXELS) fired before ours could."""
    match = _BOMB_PIXELS.search(str(exc))
    limit = Image.MAX_IMAGE_PIXELS
    if match is None or limit is None:
        return "image too large: exceeds the decoder's safety limit"
    pixels = int(match.group(1))
    return (
        f"image too large: {_megapixels(pixels)} MP exceeds the {_megapixels(2 * limit)} MP limit"
    )


def _megapixels(pixels: int) -> str:
    """200_000_000 -> "200", 1_500 -> "0.0015": short, and exact enough for a message."""
    return f"{pixels / 1_000_000:.4g}"
