"""Which files are images: extensions, magic numbers, and the Pillow plugins that open them.

The scanner asks this module before decoding anything, so a mislabelled file (a JPEG saved
as ``.txt``) is still found and a text file named ``.png`` is still recorded with a reason.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from PIL import Image

_log = logging.getLogger(__name__)

IMAGE_EXTENSIONS: frozenset[str] = frozenset(
    {
        ".jpg",
        ".jpeg",
        ".jpe",
        ".jfif",
        ".png",
        ".webp",
        ".gif",
        ".bmp",
        ".dib",
        ".tif",
        ".tiff",
        ".heic",
        ".heif",
        ".hif",
        ".avif",
        ".jxl",
    }
)
"""Lower-case suffixes (with the dot) that mark a file as an image without reading it."""

SNIFF_BYTES = 32
"""How much of a file `sniff_format` needs; reading more buys nothing."""

# Pillow format names decode_image accepts. Restricting Image.open to these keeps exotic
# plugins (EPS shells out to Ghostscript, for one) away from untrusted files.
_PHOTO_FORMATS = ("JPEG", "MPO", "PNG", "GIF", "WEBP", "TIFF", "BMP", "DIB", "HEIF", "AVIF", "JXL")

_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_BMP_INFO_HEADER_SIZES = frozenset({12, 40, 52, 56, 64, 108, 124})
_JXL_CONTAINER = b"\x00\x00\x00\x0cJXL \r\n\x87\n"


def sniff_format(head: bytes) -> str | None:
    """Name the image type from a file's first bytes, or None; extensions lie, magic rarely."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "tiff"
    if head.startswith((b"\xff\x0a", _JXL_CONTAINER)):
        return "jxl"
    if _is_bmp(head):
        return "bmp"
    return _sniff_ftyp(head)


def _is_bmp(head: bytes) -> bool:
    """The two bytes "BM" match plenty of text; the info-header size after them is specific."""
    if not head.startswith(b"BM") or len(head) < 18:
        return False
    return int.from_bytes(head[14:18], "little") in _BMP_INFO_HEADER_SIZES


def _sniff_ftyp(head: bytes) -> str | None:
    """HEIF and AVIF are ISO-BMFF files; the ``ftyp`` box brands tell them from MP4 video."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    box_size = int.from_bytes(head[:4], "big")
    end = len(head) if box_size < 16 else min(box_size, len(head))
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, end - 3, 4)}
    if brands & _AVIF_BRANDS:
        return "avif"
    if brands & _HEIF_BRANDS:
        return "heif"
    return None


def is_image_candidate(path: Path) -> bool:
    """True if the file should go to the decoder: a known extension, or image magic bytes.

    A file with an image extension counts even when unreadable, so the library can record
    it with the reason; other files are only sniffed, and a read error rules them out.
    """
    if path.suffix.lower() in IMAGE_EXTENSIONS:
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError:
        return False
    return sniff_format(head) is not None


@functools.cache
def register_plugins() -> None:
    """Teach Pillow HEIC (pillow_heif) and JPEG XL (pillow_jxl); AVIF is native in Pillow.

    Cached, so calling it again is free. A missing codec package is logged, not fatal: those
    files then fail to decode with a reason instead of taking the whole app down.
    """
    Image.init()
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:
        _log.warning("HEIC/HEIF support unavailable: pillow_heif is not installed")
    try:
        import pillow_jxl  # noqa: F401  # registers the JXL plugin on import
    except ImportError:
        _log.warning("JPEG XL support unavailable: pillow_jxl is not installed")


def pillow_formats() -> tuple[str, ...]:
    """The photo formats Pillow can open here, for ``Image.open(formats=...)``."""
    register_plugins()
    return tuple(name for name in _PHOTO_FORMATS if name in Image.OPEN)
