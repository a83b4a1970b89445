"""The perceptual fingerprint: the same for copies, far for other photos, and fast."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance

from gallery.imaging import decode_image
from gallery.imaging.fingerprint import (
    FEATURELESS,
    fingerprint,
    fingerprint_of_pixels,
    hamming,
    hamming_many,
)
from gallery.library.fingerprints import SMALL

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "photos"
PHOTOS = [CORPUS / name for name in ("el_torcal_rocks.jpg", "prairie_falcon.jpg", "portrait.jpg")]


def _print_of(path: Path, min_side: int = 224) -> int:
    return fingerprint(decode_image(path, min_side).image)


def test_copies_keep_the_fingerprint_and_other_photos_do_not(tmp_path: Path) -> None:
    prints = []
    for source in PHOTOS:
        image = Image.open(source).convert("RGB")
        width, height = image.size
        original = _print_of(source)
        prints.append(original)
        image.resize((width // 2, height // 2)).save(tmp_path / "half.jpg", quality=90)
        image.save(tmp_path / "low.jpg", quality=40)
        image.save(tmp_path / "copy.png")
        image.save(tmp_path / "copy.webp", quality=80)
        ImageEnhance.Brightness(image).enhance(1.2).save(tmp_path / "bright.jpg")
        exif = Image.Exif()
        exif[0x0112] = 6  # the pixels turned the other way: displayed, the same picture
        image.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "rot.jpg", exif=exif)
        for name in ("half.jpg", "low.jpg", "copy.png", "copy.webp", "bright.jpg", "rot.jpg"):
            assert hamming(original, _print_of(tmp_path / name)) <= 8, (source.name, name)
        dx, dy = width // 40, height // 40
        image.crop((dx, dy, width - dx, height - dy)).save(tmp_path / "crop.jpg", quality=90)
        assert hamming(original, _print_of(tmp_path / "crop.jpg")) <= 12
        shift = width // 10  # a similar shot of the scene, not a copy
        image.crop((0, 0, width - shift, height)).save(tmp_path / "left.jpg")
        image.crop((shift, 0, width, height)).save(tmp_path / "right.jpg")
        assert hamming(_print_of(tmp_path / "left.jpg"), _print_of(tmp_path / "right.jpg")) > 12
    for i, a in enumerate(prints):
        for b in prints[i + 1 :]:
            assert hamming(a, b) > 16


def test_the_small_backfill_decode_gives_nearly_the_same_print() -> None:
    for source in PHOTOS:
        assert hamming(_print_of(source), _print_of(source, SMALL)) <= 4


def test_prints_are_signed_64_bit_with_31_of_63_bits_set() -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        value = fingerprint_of_pixels(rng.random((32, 32)) * 255)
        assert -(1 << 63) <= value < 1 << 63
        assert value >= 0  # the DC position (bit 63) is never set
        assert value.bit_count() == 31
    a = np.array([0, -1, 5], dtype=np.int64)
    b = np.array([1, 0, 5], dtype=np.int64)
    assert hamming_many(a, b).tolist() == [1, 64, 0]
    assert hamming(-1, 0) == 64


def test_a_print_costs_well_under_a_millisecond() -> None:
    image = decode_image(PHOTOS[1], 224).image
    fingerprint(image)
    started = time.perf_counter()
    for _ in range(50):
        fingerprint(image)
    assert (time.perf_counter() - started) / 50 < 0.002  # ~0.3 ms measured; margin for CI


def test_a_flat_photo_has_the_featureless_print_and_a_real_one_never_does() -> None:
    for colour in ("red", "black", (40, 200, 90)):
        assert fingerprint(Image.new("RGB", (640, 480), colour)) == FEATURELESS
    real = _print_of(CORPUS / "prairie_falcon.jpg")
    assert real != FEATURELESS and (real & (2**64 - 1)).bit_count() == 31  # the median's half
    gradient = np.tile(np.linspace(0, 255, 32), (32, 1))
    assert fingerprint_of_pixels(gradient) != FEATURELESS
