"""Grid thumbnails: sized from the already-decoded image and cached as JPEG files."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import string
import tempfile
from pathlib import Path

from PIL import Image

THUMBNAIL_SIZE = 320
"""Longest side of a cached thumbnail in pixels."""

JPEG_QUALITY = 85

_HEX_DIGITS = frozenset(string.hexdigits)


def make_thumbnail(image: Image.Image, size: int = THUMBNAIL_SIZE) -> Image.Image:
    """Fit `image` inside size x size keeping its aspect; never enlarges, always RGB."""
    if size < 1:
        raise ValueError(f"size must be positive, got {size}")
    thumb = image.convert("RGB") if image.mode != "RGB" else image.copy()
    thumb.thumbnail((size, size), Image.Resampling.LANCZOS)
    return thumb


def thumbnail_path(cache_dir: Path, key: str) -> Path:
    """Where the thumbnail for `key` (a hex digest) lives; two-char fan-out keeps dirs small."""
    if len(key) < 2 or not _HEX_DIGITS.issuperset(key):
        raise ValueError(f"thumbnail key must be a hex digest, got {key!r}")
    return cache_dir / key[:2] / f"{key}.jpg"


def thumbnail_file(cache_dir: Path, path: str, size: int, mtime_ns: int) -> Path:
    """Keyed by path and version, so a changed photo never shows a stale thumbnail."""
    version = f"\0{size}\0{mtime_ns}".encode()
    key = hashlib.sha1(os.fsencode(path) + version, usedforsecurity=False).hexdigest()
    return thumbnail_path(cache_dir, key)


def thumbnail_jpeg(image: Image.Image) -> bytes:
    """The thumbnail's file as bytes (a cluster worker sends these to the desktop)."""
    rgb = image if image.mode in ("RGB", "L") else image.convert("RGB")
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def save_thumbnail(image: Image.Image, dest: Path) -> None:
    """Write `image` to `dest` as JPEG atomically: readers never see a half-written file."""
    write_thumbnail(thumbnail_jpeg(image), dest)


def write_thumbnail(data: bytes, dest: Path) -> None:
    """Write a thumbnail's JPEG bytes to `dest` atomically."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        tmp.replace(dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
