"""Tests for gallery.imaging against the real corpus plus small files built on the fly."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import struct
import time
import warnings
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile, ImageOps
from PIL.JpegImagePlugin import JpegImageFile
from pillow_jxl.JpegXLImagePlugin import JXLImageFile

from gallery.errors import UnsupportedImageError
from gallery.imaging import (
    IMAGE_EXTENSIONS,
    THUMBNAIL_SIZE,
    DecodedImage,
    decode_image,
    is_image_candidate,
    make_thumbnail,
    save_thumbnail,
    sniff_format,
    thumbnail_path,
)
from gallery.imaging.jxl_header import jxl_size

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
MIN_SIDE = 224

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"test corpus missing at {CORPUS}")

GOOD_ODD = ["block.png", "chessboard_GRAY_U16.tif", "foo3x5x4indexed.png"]
GOOD_ODD += ["no_time_for_that_tiny.gif", "palette_color.png"]

KIND_BY_SUFFIX = {
    ".jpg": "jpeg",
    ".png": "png",
    ".gif": "gif",
    ".webp": "webp",
    ".tif": "tiff",
    ".heic": "heif",
    ".avif": "avif",
    ".jxl": "jxl",
}


def _corpus_files(*folders: str) -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for folder in folders for p in (CORPUS / folder).iterdir() if p.is_file())


DECODABLE = _corpus_files("photos", "formats", "captioned") + [CORPUS / "odd" / n for n in GOOD_ODD]
ALL_FILES = _corpus_files("photos", "formats", "captioned", "odd")


def _ids(paths: list[Path]) -> list[str]:
    return [f"{p.parent.name}/{p.name}" for p in paths]


def _oriented_header_size(path: Path) -> tuple[int, int]:
    """The displayed size as Pillow reports it, independently of decode_image."""
    with Image.open(path) as im:
        width, height = im.size
        orientation = im.getexif().get(0x0112, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _assert_short_side(size: tuple[int, int], original: tuple[int, int], min_side: int) -> None:
    """Short side: untouched when small, else reduced into min_side..2*min_side."""
    short, original_short = min(size), min(original)
    if original_short <= 2 * min_side:
        assert short == original_short
    else:
        assert min_side <= short <= 2 * min_side
    # Same aspect up to the rounding of each reduction step.
    assert abs(size[0] * original[1] - size[1] * original[0]) <= 2 * max(original)


def _write_rgb(path: Path, size: tuple[int, int], fmt: str = "JPEG") -> Path:
    Image.new("RGB", size, (90, 140, 200)).save(path, fmt)
    return path


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims any size, with no pixel data behind it."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IEND", b"")


# --- decoding the corpus ------------------------------------------------------------------


@pytest.mark.parametrize("path", DECODABLE, ids=_ids(DECODABLE))
def test_corpus_file_decodes_to_rgb_of_the_right_size(path: Path) -> None:
    decoded = decode_image(path, MIN_SIDE)

    assert isinstance(decoded, DecodedImage)
    assert decoded.image.mode == "RGB"
    assert decoded.original_size == _oriented_header_size(path)
    _assert_short_side(decoded.image.size, decoded.original_size, MIN_SIDE)
    assert decoded.format == KIND_BY_SUFFIX[path.suffix.lower()]


def test_big_jpeg_decodes_at_reduced_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded_sizes: list[tuple[int, int]] = []
    real_draft = JpegImageFile.draft

    def spy(
        self: JpegImageFile, mode: str | None, size: tuple[int, int] | None
    ) -> tuple[str, tuple[int, int, float, float]] | None:
        result = real_draft(self, mode, size)
        loaded_sizes.append(self.size)
        return result

    monkeypatch.setattr(JpegImageFile, "draft", spy)
    decoded = decode_image(CORPUS / "photos" / "craft-beer.jpg", MIN_SIDE)

    assert loaded_sizes == [(750, 500)]  # libjpeg decoded at 1/8 scale, not 6000x4000
    assert decoded.original_size == (6000, 4000)
    assert MIN_SIDE <= min(decoded.image.size) <= 2 * MIN_SIDE


@pytest.mark.parametrize(
    "size",
    [(1000, 230), (2000, 450), (1799, 900), (3000, 3000), (225, 5000), (5000, 224), (100, 50)],
)
def test_jpeg_draft_never_goes_below_min_side(tmp_path: Path, size: tuple[int, int]) -> None:
    path = _write_rgb(tmp_path / "pic.jpg", size)
    decoded = decode_image(path, MIN_SIDE)
    assert decoded.original_size == size
    _assert_short_side(decoded.image.size, size, MIN_SIDE)


def test_png_is_reduced_too(tmp_path: Path) -> None:
    path = _write_rgb(tmp_path / "wide.png", (2000, 1500), "PNG")
    decoded = decode_image(path, 100)
    _assert_short_side(decoded.image.size, (2000, 1500), 100)


def test_orientation_6_reports_rotated_size() -> None:
    path = CORPUS / "formats" / "portrait-orientation-6.jpg"
    with Image.open(path) as im:
        assert im.size == (700, 840)  # as stored
    decoded = decode_image(path, MIN_SIDE)
    assert decoded.original_size == (840, 700)
    width, height = decoded.image.size
    assert width > height


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_matches_pillow(tmp_path: Path, orientation: int) -> None:
    stored = Image.new("RGB", (60, 30), (255, 0, 0))
    stored.paste((0, 255, 0), (30, 0, 60, 15))
    stored.paste((0, 0, 255), (0, 15, 30, 30))
    stored.paste((255, 255, 255), (30, 15, 60, 30))
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / "oriented.png"
    stored.save(path, exif=exif)

    decoded = decode_image(path, 16)

    with Image.open(path) as im:
        expected = ImageOps.exif_transpose(im).convert("RGB")
    assert decoded.original_size == expected.size
    assert decoded.image.tobytes() == expected.tobytes()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("IMG_2682.heic", "heif"),
        ("samsung-one-ui-6.heic", "heif"),
        ("8bit-sRGB.avif", "avif"),
        ("10bit-HDR-P3-nclx.avif", "avif"),
        ("8bit-sRGB.jxl", "jxl"),
        ("denali.webp", "webp"),
    ],
)
def test_modern_formats_decode(name: str, kind: str) -> None:
    decoded = decode_image(CORPUS / "formats" / name, MIN_SIDE)
    assert decoded.format == kind
    assert decoded.image.mode == "RGB"
    low, high = decoded.image.convert("L").getextrema()
    assert isinstance(low, int) and isinstance(high, int)
    assert high - low > 50  # real picture content, not a blank frame


# --- colour modes -------------------------------------------------------------------------


def test_16bit_corpus_tiff_uses_the_full_8bit_range() -> None:
    decoded = decode_image(CORPUS / "odd" / "chessboard_GRAY_U16.tif", MIN_SIDE)
    assert decoded.image.getextrema() == ((0, 255), (0, 255), (0, 255))


@pytest.mark.parametrize("fmt", ["TIFF", "PNG"])
def test_16bit_values_scale_instead_of_clipping(tmp_path: Path, fmt: str) -> None:
    values = (0, 1000, 32768, 65535)
    im = Image.frombytes("I;16", (4, 1), struct.pack("<4H", *values))
    path = tmp_path / f"deep.{fmt.lower()}"
    im.save(path, fmt)

    pixels = [decode_image(path, 1).image.getpixel((x, 0)) for x in range(4)]
    assert pixels == [(0, 0, 0), (4, 4, 4), (128, 128, 128), (255, 255, 255)]


def test_12bit_data_in_16bit_container_is_not_left_dark(tmp_path: Path) -> None:
    im = Image.frombytes("I;16", (2, 1), struct.pack("<2H", 0, 4095))
    path = tmp_path / "twelve.tif"
    im.save(path)
    image = decode_image(path, 1).image
    assert image.getpixel((1, 0)) == (255, 255, 255)


def test_rgba_transparency_becomes_white(tmp_path: Path) -> None:
    im = Image.new("RGBA", (3, 1))
    im.putpixel((0, 0), (255, 0, 0, 255))
    im.putpixel((1, 0), (0, 0, 0, 0))
    im.putpixel((2, 0), (0, 0, 0, 128))
    path = tmp_path / "alpha.png"
    im.save(path)

    image = decode_image(path, 1).image
    assert image.mode == "RGB"
    assert image.getpixel((0, 0)) == (255, 0, 0)
    assert image.getpixel((1, 0)) == (255, 255, 255)
    grey = image.getpixel((2, 0))
    assert isinstance(grey, tuple) and all(120 <= c <= 135 for c in grey)


def test_palette_transparency_becomes_white(tmp_path: Path) -> None:
    im = Image.new("P", (2, 1))
    im.putpalette([0, 0, 0, 0, 0, 255] + [0] * 762)
    im.putpixel((0, 0), 0)
    im.putpixel((1, 0), 1)
    path = tmp_path / "palette.png"
    im.save(path, transparency=0)

    image = decode_image(path, 1).image
    assert image.getpixel((0, 0)) == (255, 255, 255)
    assert image.getpixel((1, 0)) == (0, 0, 255)


def test_corpus_palette_png_with_transparency() -> None:
    path = CORPUS / "odd" / "foo3x5x4indexed.png"
    image = decode_image(path, MIN_SIDE).image
    with Image.open(path) as im:
        assert "transparency" in im.info
        rgba = im.convert("RGBA")
    for y in range(rgba.height):
        for x in range(rgba.width):
            pixel = rgba.getpixel((x, y))
            assert isinstance(pixel, tuple)
            if pixel[3] == 0:
                assert image.getpixel((x, y)) == (255, 255, 255)
            elif pixel[3] == 255:
                assert image.getpixel((x, y)) == pixel[:3]


def test_animated_gif_gives_first_frame(tmp_path: Path) -> None:
    red = Image.new("RGB", (8, 8), (255, 0, 0))
    blue = Image.new("RGB", (8, 8), (0, 0, 255))
    path = tmp_path / "anim.gif"
    red.save(path, save_all=True, append_images=[blue], duration=100, loop=0)

    decoded = decode_image(path, MIN_SIDE)
    assert decoded.format == "gif"
    assert decoded.image.getpixel((4, 4)) == (255, 0, 0)


def test_corpus_animated_gif_gives_first_frame() -> None:
    path = CORPUS / "odd" / "no_time_for_that_tiny.gif"
    with Image.open(path) as im:
        assert getattr(im, "n_frames", 1) > 1
        first = im.convert("RGBA")
    decoded = decode_image(path, MIN_SIDE)
    flat = Image.new("RGB", first.size, (255, 255, 255))
    flat.paste(first, mask=first.getchannel("A"))
    assert decoded.image.tobytes() == flat.tobytes()


def test_cmyk_jpeg_converts_to_rgb(tmp_path: Path) -> None:
    path = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (32, 32), (0, 255, 255, 0)).save(path)  # pure red in CMYK
    image = decode_image(path, MIN_SIDE).image
    pixel = image.getpixel((16, 16))
    assert isinstance(pixel, tuple)
    red, green, blue = pixel[:3]
    assert red > 230 and green < 25 and blue < 25


@pytest.mark.parametrize("mode", ["1", "L", "LA", "PA", "I", "F", "YCbCr", "LAB", "CMYK", "RGBA"])
def test_any_mode_comes_out_rgb(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "mode.tif"
    im = Image.new(mode, (4, 4))
    try:
        im.save(path)
    except (OSError, ValueError, KeyError):
        path = tmp_path / "mode.png"
        try:
            im.save(path)
        except (OSError, ValueError, KeyError):
            pytest.skip(f"Pillow cannot write mode {mode} to TIFF or PNG")
    assert decode_image(path, 1).image.mode == "RGB"


# --- files that must be refused with a reason ---------------------------------------------


def _corpus(name: str) -> Callable[[Path], Path]:
    return lambda tmp: CORPUS / "odd" / name


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(data)
        return path

    return make


def _truncated_png(tmp: Path) -> Path:
    source = (CORPUS / "captioned" / "horse.png").read_bytes()
    path = tmp / "cut.png"
    path.write_bytes(source[: len(source) // 2])
    return path


def _garbage_after_jpeg_header(tmp: Path) -> Path:
    path = tmp / "header.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    return path


CORRUPT = "truncated or corrupt image data"
NOT_IMAGE = "not a supported image format"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_corpus("truncated.jpg"), CORRUPT),
        (_corpus("multipage_rgb.tif"), "unsupported TIFF variant"),
        (_write("empty.jpg", b""), "empty file"),
        (_write("noise.jpg", random.Random(7).randbytes(4096)), NOT_IMAGE),
        (_write("text.png", b"hello, this is not a picture\n" * 20), NOT_IMAGE),
        (_truncated_png, CORRUPT),
        (_garbage_after_jpeg_header, CORRUPT),
        (lambda tmp: tmp / "missing.jpg", "file vanished"),
        (lambda tmp: tmp, "unreadable: is a directory"),
    ],
    ids=[
        "truncated-jpeg",
        "float64-tiff",
        "zero-bytes",
        "random-bytes",
        "text-as-png",
        "truncated-png",
        "jpeg-header-then-garbage",
        "missing",
        "directory",
    ],
)
def test_bad_files_raise_with_specific_reason(
    tmp_path: Path, make: Callable[[Path], Path], reason: str
) -> None:
    with pytest.raises(UnsupportedImageError) as info:
        decode_image(make(tmp_path), MIN_SIDE)
    assert info.value.reason == reason


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root reads files whatever their permissions; the directory case covers open errors",
)
def test_unreadable_file(tmp_path: Path) -> None:
    path = shutil.copy(CORPUS / "photos" / "picasa.jpg", tmp_path / "locked.jpg")
    Path(path).chmod(0)
    with pytest.raises(UnsupportedImageError) as info:
        decode_image(Path(path), MIN_SIDE)
    assert info.value.reason == "unreadable: permission denied"


def test_decompression_bomb_is_refused_from_the_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header_only(50_000, 50_000))
    monkeypatch.setattr(ImageFile.ImageFile, "load", _must_not_load)

    started = time.perf_counter()
    with pytest.raises(UnsupportedImageError) as info:
        decode_image(path, MIN_SIDE)
    assert "too large" in info.value.reason
    assert time.perf_counter() - started < 1.0


def test_max_pixels_is_checked_before_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ImageFile.ImageFile, "load", _must_not_load)
    with pytest.raises(UnsupportedImageError) as info:
        decode_image(CORPUS / "photos" / "craft-beer.jpg", MIN_SIDE, max_pixels=10_000_000)
    assert info.value.reason == "image too large: 6000x4000 pixels exceeds the 10 MP limit"


def test_pillow_bomb_warning_is_not_raised(tmp_path: Path) -> None:
    # 100 MP is over Pillow's warning threshold (~89 MP) but under our limit; with warnings
    # turned into errors it must still get past the header.
    path = tmp_path / "big.png"
    path.write_bytes(_png_header_only(10_000, 10_000))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UnsupportedImageError) as info:
            decode_image(path, MIN_SIDE)
    assert info.value.reason == CORRUPT  # reached the (missing) pixel data


def _jxl_codestream_header(width: int, height: int) -> bytes:
    """FF0A plus a SizeHeader (LSB-first bits) claiming width x height, then junk."""
    fields = [(0, 1), (3, 2), (height - 1, 30), (0, 3), (3, 2), (width - 1, 30)]
    value, shift = 0, 0
    for field, count in fields:
        value |= field << shift
        shift += count
    return b"\xff\x0a" + value.to_bytes((shift + 7) // 8, "little") + b"\x00" * 64


@pytest.mark.parametrize("size", [(1440, 1080), (64, 32), (123, 457), (1600, 900), (8, 8)])
@pytest.mark.parametrize("container", [False, True])
def test_jxl_size_header(tmp_path: Path, size: tuple[int, int], container: bool) -> None:
    path = tmp_path / "pic.jxl"
    exif = Image.Exif()
    exif[0x0112] = 1
    extra = {"exif": exif.tobytes()} if container else {}
    Image.new("L", size).save(path, "JXL", lossless=True, effort=1, **extra)
    with path.open("rb") as fh:
        assert fh.read(2) == (b"\x00\x00" if container else b"\xff\x0a")
        assert jxl_size(fh) == size


def test_jxl_bomb_is_refused_before_the_codec_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bomb.jxl"
    path.write_bytes(_jxl_codestream_header(30_000, 30_000))
    with path.open("rb") as fh:
        assert jxl_size(fh) == (30_000, 30_000)

    def must_not_open(self: object) -> None:
        raise AssertionError("pillow_jxl decodes on open; it must not be reached")

    monkeypatch.setattr(JXLImageFile, "_open", must_not_open)
    with pytest.raises(UnsupportedImageError) as info:
        decode_image(path, MIN_SIDE)
    assert info.value.reason == "image too large: 30000x30000 pixels exceeds the 200 MP limit"


def test_jxl_without_a_size_header_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "cut.jxl"
    path.write_bytes(b"\x00\x00\x00\x0cJXL \r\n\x87\n\x00\x00\x00\x14ftypjxl ")
    with pytest.raises(UnsupportedImageError) as info:
        decode_image(path, MIN_SIDE)
    assert info.value.reason == CORRUPT


def test_threads_decode_the_same_as_one(tmp_path: Path) -> None:
    paths = [p for p in ALL_FILES if p.stat().st_size < 300_000]
    paths += [tmp_path / "missing.jpg"]

    def outcome(path: Path) -> tuple[str, bytes]:
        try:
            decoded = decode_image(path, MIN_SIDE)
        except UnsupportedImageError as exc:
            return exc.reason, b""
        return decoded.format, decoded.image.tobytes()

    serial = [outcome(p) for p in paths]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(outcome, paths * 3))
    assert threaded == serial * 3


def _must_not_load(self: ImageFile.ImageFile) -> None:
    raise AssertionError("pixel data must not be decoded")


def test_no_file_handles_leak(tmp_path: Path) -> None:
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        pytest.skip("needs /proc to count open files")
    (tmp_path / "empty.jpg").write_bytes(b"")
    paths = [*ALL_FILES, tmp_path / "empty.jpg", tmp_path / "missing.jpg"]
    decode_image(paths[0], MIN_SIDE)  # warm up lazily opened libraries
    before = len(list(fd_dir.iterdir()))
    for path in paths:
        with contextlib.suppress(UnsupportedImageError):
            decode_image(path, MIN_SIDE)
    assert len(list(fd_dir.iterdir())) == before


def test_min_side_must_be_positive() -> None:
    with pytest.raises(ValueError, match="min_side"):
        decode_image(CORPUS / "photos" / "picasa.jpg", 0)


# --- format detection ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_FILES, ids=_ids(ALL_FILES))
def test_sniff_matches_real_type(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(32)
    assert sniff_format(head) == KIND_BY_SUFFIX[path.suffix.lower()]


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\x00\x00\x00\x0cJXL \r\n\x87\n\x00\x00\x00\x14ftypjxl ", "jxl"),
        (b"\xff\x0a\xfa\x7f", "jxl"),
        (b"MM\x00*\x00\x00\x00\x08", "tiff"),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf", "avif"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "heif"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", None),  # MP4 video
        (b"BMW service notes, 2024 edition", None),
        (b"", None),
        (b"\xff\xd8", None),
    ],
)
def test_sniff_magic_numbers(head: bytes, kind: str | None) -> None:
    assert sniff_format(head) == kind


def test_sniff_bmp(tmp_path: Path) -> None:
    path = _write_rgb(tmp_path / "pic.bmp", (4, 4), "BMP")
    assert sniff_format(path.read_bytes()[:32]) == "bmp"
    assert decode_image(path, 1).format == "bmp"


def test_multi_picture_jpeg_counts_as_jpeg(tmp_path: Path) -> None:
    path = tmp_path / "stereo.jpg"
    left, right = Image.new("RGB", (40, 30), (255, 0, 0)), Image.new("RGB", (40, 30))
    left.save(path, "MPO", save_all=True, append_images=[right])
    with Image.open(path) as im:
        assert im.format == "MPO"
    decoded = decode_image(path, MIN_SIDE)
    assert decoded.format == "jpeg"
    pixel = decoded.image.getpixel((20, 15))
    assert isinstance(pixel, tuple) and pixel[0] > 230


def test_image_candidates(tmp_path: Path) -> None:
    jpeg = (CORPUS / "photos" / "picasa.jpg").read_bytes()
    (tmp_path / "renamed.TXT").write_bytes(jpeg)
    (tmp_path / "UPPER.JPG").write_bytes(jpeg)
    (tmp_path / "notes.txt").write_text("shopping: milk, eggs\n")
    (tmp_path / "short.dat").write_bytes(b"\xff")

    assert is_image_candidate(tmp_path / "renamed.TXT")
    assert is_image_candidate(tmp_path / "UPPER.JPG")
    assert not is_image_candidate(tmp_path / "notes.txt")
    assert not is_image_candidate(tmp_path / "short.dat")
    assert not is_image_candidate(tmp_path / "missing.txt")
    assert is_image_candidate(tmp_path / "missing.heic")  # recorded later with its reason


def test_extensions_are_lowercase_with_dot() -> None:
    assert {".jpg", ".jpeg", ".png", ".heic", ".avif", ".jxl", ".tif"} <= IMAGE_EXTENSIONS
    assert all(ext.startswith(".") and ext == ext.lower() for ext in IMAGE_EXTENSIONS)


# --- thumbnails ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "expected"),
    [((1000, 500), (320, 160)), ((300, 900), (107, 320)), ((100, 75), (100, 75))],
)
def test_make_thumbnail_fits_and_keeps_aspect(
    size: tuple[int, int], expected: tuple[int, int]
) -> None:
    thumb = make_thumbnail(Image.new("RGB", size))
    assert thumb.size == expected
    assert thumb.mode == "RGB"


def test_make_thumbnail_does_not_touch_its_input() -> None:
    image = Image.new("L", (800, 600))
    thumb = make_thumbnail(image, 64)
    assert image.size == (800, 600)
    assert thumb.size == (64, 48) and thumb.mode == "RGB"


def test_thumbnail_round_trip(tmp_path: Path) -> None:
    decoded = decode_image(CORPUS / "photos" / "craft-beer.jpg", THUMBNAIL_SIZE)
    key = "ab" + "0" * 38
    dest = thumbnail_path(tmp_path / "cache", key)
    assert dest == tmp_path / "cache" / "ab" / f"{key}.jpg"

    save_thumbnail(make_thumbnail(decoded.image), dest)
    save_thumbnail(make_thumbnail(decoded.image), dest)  # overwriting is fine

    with Image.open(dest) as im:
        assert im.format == "JPEG"
        assert max(im.size) == THUMBNAIL_SIZE
        assert im.size == (320, 213)
    assert [p.name for p in dest.parent.iterdir()] == [dest.name]


def test_failed_save_leaves_old_thumbnail_and_no_temp_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = thumbnail_path(tmp_path, "cafe")
    save_thumbnail(Image.new("RGB", (10, 10), (255, 0, 0)), dest)
    before = dest.read_bytes()

    def broken_save(self: Image.Image, fp: object, *args: object, **kwargs: object) -> None:
        assert hasattr(fp, "write")
        fp.write(b"\xff\xd8partial")
        raise OSError("disk full")

    monkeypatch.setattr(Image.Image, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_thumbnail(Image.new("RGB", (10, 10)), dest)

    assert dest.read_bytes() == before
    assert [p.name for p in dest.parent.iterdir()] == [dest.name]


@pytest.mark.parametrize("key", ["", "a", "../etc", "zz00"])
def test_thumbnail_path_rejects_non_hex_keys(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="hex"):
        thumbnail_path(tmp_path, key)


# --- fuzzing ------------------------------------------------------------------------------

SEEDS = [
    CORPUS / "photos" / "picasa.jpg",
    CORPUS / "odd" / "palette_color.png",
    CORPUS / "odd" / "no_time_for_that_tiny.gif",
    CORPUS / "formats" / "time-created.jpg",
]
MAGIC_PREFIXES = [
    b"",
    b"\xff\xd8\xff\xe0",
    b"\x89PNG\r\n\x1a\n",
    b"GIF89a",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"II*\x00",
    b"BM",
    b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf",
    b"\xff\x0a",
]


@pytest.fixture(scope="module")
def fuzz_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "sample.jpg"


def _decode_or_refuse(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        result = decode_image(path, 32)
    except UnsupportedImageError as exc:
        assert exc.reason
    else:
        assert result.image.mode == "RGB"
        assert min(result.image.size) >= 1


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about corrupt EXIF
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(MAGIC_PREFIXES), body=st.binary(max_size=2048))
def test_fuzz_random_bytes(fuzz_file: Path, prefix: bytes, body: bytes) -> None:
    _decode_or_refuse(fuzz_file, prefix + body)


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about corrupt EXIF
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEEDS),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), max_size=8),
    keep=st.floats(0.0, 1.0),
)
def test_fuzz_mutated_real_files(
    fuzz_file: Path, seed: Path, flips: list[tuple[float, int]], keep: float
) -> None:
    data = bytearray(seed.read_bytes())
    for where, mask in flips:
        data[int(where * len(data))] ^= mask
    _decode_or_refuse(fuzz_file, bytes(data[: max(1, round(keep * len(data)))]))


def test_date_taken_follows_exif_priority() -> None:
    from datetime import UTC, datetime

    def taken(name: str) -> float | None:
        return decode_image(CORPUS / "formats" / name, 224).taken_at

    def utc(year: int, month: int, day: int, hour: int, minute: int, second: int) -> float:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp()

    # DateTimeOriginal wins over DateTimeDigitized and the GPS date.
    assert taken("date-priority-test.jpg") == utc(2023, 2, 2, 2, 0, 0)
    assert taken("datetimeoriginal-gps.jpg") == utc(2025, 12, 1, 11, 30, 0)
    assert taken("IMG_2682.heic") == utc(2019, 3, 21, 11, 4, 22)
    assert taken("portrait-orientation-6.jpg") is None
