"""photo_info: the details the viewer's info panel shows, read from real files without decoding."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from gallery.imaging.photo_info import PhotoInfo, map_url, photo_info
from tests.conftest import CORPUS


def camera_jpeg(path: Path) -> Path:
    """A portrait-rotated JPEG with camera, lens, exposure and a southern, eastern GPS fix."""
    exif = Image.Exif()
    exif[0x010F] = "FUJIFILM"
    exif[0x0110] = "X-T4"
    exif[0x0112] = 6  # rotated: shown 200 wide, 300 high
    exif.get_ifd(0x8769).update(
        {
            0x9003: "2021:06:05 14:30:00",
            0x829A: IFDRational(1, 250),
            0x829D: IFDRational(28, 10),
            0x8827: 400,
            0x920A: IFDRational(35, 1),
            0xA405: 53,
            0xA434: "XF35mmF1.4 R",
        }
    )
    exif.get_ifd(0x8825).update(
        {
            1: "S",
            2: (IFDRational(33, 1), IFDRational(51, 1), IFDRational(216, 10)),
            3: "E",
            4: (IFDRational(151, 1), IFDRational(12, 1), IFDRational(306, 10)),
            5: b"\x00",
            6: IFDRational(58, 1),
        }
    )
    Image.new("RGB", (300, 200), "red").save(path, exif=exif)
    return path


def test_a_jpeg_written_with_camera_and_gps_exif_reads_back(tmp_path: Path) -> None:
    info = photo_info(camera_jpeg(tmp_path / "camera.jpg"))
    assert (info.width, info.height, info.format) == (200, 300, "jpeg")
    assert info.taken_at == datetime(2021, 6, 5, 14, 30, tzinfo=UTC).timestamp()
    assert info.camera == "FUJIFILM X-T4"
    assert info.lens == "XF35mmF1.4 R"
    assert info.exposure_time == pytest.approx(1 / 250)
    assert info.f_number == pytest.approx(2.8)
    assert (info.iso, info.focal_length, info.focal_length_35mm) == (400, 35.0, 53)
    assert info.has_exposure and info.has_location
    assert info.latitude == pytest.approx(-(33 + 51 / 60 + 21.6 / 3600))
    assert info.longitude == pytest.approx(151 + 12 / 60 + 30.6 / 3600)
    assert info.altitude == pytest.approx(58.0)


def test_reading_a_jpeg_s_details_takes_milliseconds(tmp_path: Path) -> None:
    path = camera_jpeg(tmp_path / "camera.jpg")
    photo_info(path)  # plugins registered, caches warm
    start = time.perf_counter()
    for _ in range(20):
        photo_info(path)
    assert (time.perf_counter() - start) / 20 < 0.02


def test_corpus_photos_name_their_camera_once() -> None:
    photos = CORPUS / "photos"
    nikon = photo_info(photos / "tanners_ridge.jpg")
    assert nikon.camera == "NIKON D750"  # not "NIKON CORPORATION NIKON D750"
    assert (nikon.iso, nikon.focal_length, nikon.f_number) == (1000, 35.0, 22.0)
    assert photo_info(photos / "el_torcal_rocks.jpg").camera == "SONY DSLR-A550"
    assert photo_info(photos / "prairie_falcon.jpg").camera == "Canon EOS R5"


def test_corpus_gps_and_heic_details() -> None:
    springs = photo_info(CORPUS / "photos" / "thompson-springs.jpg")
    assert springs.latitude == pytest.approx(39 + 6 / 60 + 54 / 3600)
    assert springs.longitude == pytest.approx(-(108 + 24 / 60 + 3.486 / 3600))
    assert springs.altitude == pytest.approx(1483.9)
    iphone = photo_info(CORPUS / "formats" / "IMG_2682.heic")
    assert iphone.format == "heif" and iphone.camera == "Apple iPhone 7"
    assert iphone.lens is not None and iphone.lens.startswith("Apple iPhone 7 back camera")
    assert iphone.has_location and iphone.taken_at is not None


def test_the_orientation_swaps_the_dimensions() -> None:
    info = photo_info(CORPUS / "formats" / "portrait-orientation-6.jpg")
    with Image.open(CORPUS / "formats" / "portrait-orientation-6.jpg") as image:
        stored = image.size
    assert (info.width, info.height) == (stored[1], stored[0])


def test_jpeg_xl_gives_its_size_from_the_header() -> None:
    info = photo_info(CORPUS / "formats" / "8bit-sRGB.jxl")
    assert (info.width, info.height, info.format) == (1440, 1080, "jxl")


def test_a_png_without_exif_has_only_its_size(tmp_path: Path) -> None:
    path = tmp_path / "plain.png"
    Image.new("RGB", (64, 48), "blue").save(path)
    info = photo_info(path)
    assert (info.width, info.height, info.format) == (64, 48, "png")
    assert info == PhotoInfo(width=64, height=48, format="png")
    assert not info.has_exposure and not info.has_location


@pytest.mark.parametrize("name", ["truncated.jpg", "multipage_rgb.tif"])
def test_odd_corpus_files_never_raise(name: str) -> None:
    assert isinstance(photo_info(CORPUS / "odd" / name), PhotoInfo)


def test_broken_missing_and_non_image_files_have_no_details(tmp_path: Path) -> None:
    garbage = tmp_path / "broken.jpg"
    garbage.write_bytes(b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*garbage")
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo")
    for path in (garbage, text, tmp_path / "missing.jpg"):
        assert photo_info(path) == PhotoInfo()


def test_hostile_exif_values_are_dropped_not_raised(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x010F] = "Acme"
    exif.get_ifd(0x8769).update({0x829A: IFDRational(1, 0), 0x829D: IFDRational(0, 1)})
    exif.get_ifd(0x8825).update({1: "N", 2: (IFDRational(95, 1), IFDRational(0, 1),
                                            IFDRational(0, 1)), 3: "E", 4: (1.0, 2.0, 3.0)})
    path = tmp_path / "hostile.jpg"
    Image.new("RGB", (10, 10)).save(path, exif=exif)
    info = photo_info(path)
    assert info.camera == "Acme"  # a make alone still names the camera
    assert info.exposure_time is None and info.f_number is None
    assert not info.has_location  # latitude 95° is no place


def test_map_url_points_openstreetmap_at_the_place() -> None:
    url = map_url(-33.856, 151.2085)
    assert url.startswith("https://www.openstreetmap.org/?mlat=-33.856000&mlon=151.208500")
    assert url.endswith("#map=16/-33.856000/151.208500")
