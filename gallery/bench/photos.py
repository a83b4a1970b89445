"""Generated camera-sized photos for the benchmark, made once and kept in a cache folder.

Decode cost follows the JPEG's entropy-coded size, so the photos imitate a camera's: 12 MP,
smooth gradients and shapes under sensor-like noise, quality 90 with 4:2:0 chroma, ~3-5 MB.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

PHOTO_SIZE = (4000, 3000)
QUALITY = 90
_NOISE = 24  # grain amplitude: ~3.8 MB per photo at quality 90
_SKETCH = 4  # shapes are drawn at 1/4 size and scaled up (soft edges, quick to make)


def _photo(seed: int, size: tuple[int, int]) -> Image.Image:
    """A gradient sky, 40 soft shapes, coarse and fine grain; different for every seed."""
    rng = np.random.default_rng(seed)
    width, height = size
    small = (max(1, width // _SKETCH), max(1, height // _SKETCH))
    ramp = np.linspace(0.0, 1.0, small[1], dtype=np.float32)[:, None, None]
    top, bottom = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    sky = np.broadcast_to(top * (1 - ramp) + bottom * ramp, (small[1], small[0], 3))
    sketch = Image.fromarray(sky.astype(np.uint8))
    draw = ImageDraw.Draw(sketch)
    for _ in range(40):
        x, y = rng.uniform(-0.1, 1.0) * small[0], rng.uniform(-0.1, 1.0) * small[1]
        side = rng.uniform(0.02, 0.3) * small[0]
        box = (x, y, x + side * rng.uniform(0.5, 2.0), y + side)
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    base = sketch.filter(ImageFilter.GaussianBlur(1.5)).resize(size, Image.Resampling.BICUBIC)
    grain = rng.normal(128, _NOISE, (small[1], small[0])).clip(0, 255).astype(np.uint8)
    coarse = Image.fromarray(grain).resize(size, Image.Resampling.BILINEAR)
    pixels = np.asarray(base, dtype=np.int16)
    pixels += (np.asarray(coarse, dtype=np.int16) - 128)[..., None]
    pixels += rng.integers(-_NOISE // 2, _NOISE // 2 + 1, pixels.shape, dtype=np.int16)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8))


def _write(path: Path, seed: int, size: tuple[int, int]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    _photo(seed, size).save(tmp, format="JPEG", quality=QUALITY)
    tmp.replace(path)


def ensure_photos(
    cache_dir: Path, count: int, size: tuple[int, int] = PHOTO_SIZE, threads: int | None = None
) -> list[Path]:
    """The first `count` photos of this size in the cache (missing ones generated in parallel,
    ~1 s each), in order; a photo is always the same for its number and size."""
    folder = cache_dir / f"photos-{size[0]}x{size[1]}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{i:05d}.jpg" for i in range(count)]
    missing = [(i, p) for i, p in enumerate(paths) if not p.is_file()]
    if missing:
        with ThreadPoolExecutor(threads or os.cpu_count() or 1) as pool:
            list(pool.map(lambda job: _write(job[1], job[0], size), missing))
    return paths
