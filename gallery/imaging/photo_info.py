"""What a photo's file says about it (camera, lens, exposure, place), read on demand for the
viewer's info panel.

Only the header and the EXIF block are read: Pillow's `open` parses them without decoding a
pixel, so a JPEG's details take about a millisecond (JPEG XL, whose plugin decodes on open, gives
its size from the header alone). Files without EXIF, formats without it and
broken files all give a `PhotoInfo` with empty fields, never an exception: the panel then says
there is nothing more to tell.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from PIL import Image

from gallery.imaging.formats import SNIFF_BYTES, pillow_formats, sniff_format
from gallery.imaging.jxl_header import jxl_size
from gallery.imaging.metadata import taken_at

log = logging.getLogger(__name__)

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_ORIENTATION = 0x0112
_MAKE, _MODEL = 0x010F, 0x0110
_EXPOSURE_TIME, _F_NUMBER, _ISO = 0x829A, 0x829D, 0x8827
_FOCAL_LENGTH, _FOCAL_35MM = 0x920A, 0xA405
_LENS_MAKE, _LENS_MODEL = 0xA433, 0xA434
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4
_GPS_ALT_REF, _GPS_ALT = 5, 6
_SWAPS_AXES = frozenset({5, 6, 7, 8})
_SAME_FORMAT = {"mpo": "jpeg", "dib": "bmp"}


@dataclass(frozen=True)
class PhotoInfo:
    """The details a file carries; None where it does not say (or could not be read)."""

    width: int | None = None  # as displayed: EXIF orientation applied
    height: int | None = None
    format: str | None = None  # lower case, as `DecodedImage.format`
    taken_at: float | None = None  # the camera's wall clock, stored as if UTC (metadata.py)
    camera: str | None = None  # make and model, the make once: "Canon EOS R5", "SONY DSLR-A550"
    lens: str | None = None
    exposure_time: float | None = None  # seconds
    f_number: float | None = None
    iso: int | None = None
    focal_length: float | None = None  # millimetres
    focal_length_35mm: int | None = None
    latitude: float | None = None  # degrees, north positive
    longitude: float | None = None  # degrees, east positive
    altitude: float | None = None  # metres above sea level

    @property
    def has_exposure(self) -> bool:
        values = (self.exposure_time, self.f_number, self.iso, self.focal_length)
        return any(value is not None for value in values)

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def photo_info(path: Path) -> PhotoInfo:
    """The details of the photo at `path`; empty fields for anything the file does not say,
    including a file that cannot be read at all."""
    try:
        with path.open("rb") as fh:
            if sniff_format(fh.read(SNIFF_BYTES)) == "jxl":
                return _jxl(fh)
            fh.seek(0)
            with Image.open(fh, formats=pillow_formats()) as image:
                return _read(image)
    except Exception as exc:  # a broken or hostile file has no details, it is not an error here
        log.debug("No details for %s: %s", path, exc)
        return PhotoInfo()


def _jxl(fh: BinaryIO) -> PhotoInfo:
    """Pillow's JPEG XL plugin decodes the whole image on open, so only the header is read."""
    size = jxl_size(fh)
    if size is None:
        return PhotoInfo()
    return PhotoInfo(width=size[0], height=size[1], format="jxl")


def _read(image: Image.Image) -> PhotoInfo:
    width, height = image.size
    file_format = (image.format or "").lower() or None
    file_format = _SAME_FORMAT.get(file_format or "", file_format)
    try:
        exif = image.getexif()
    except Exception as exc:  # EXIF fails in many ways on odd files; the size still stands
        log.debug("Unreadable EXIF: %s", exc)
        return PhotoInfo(width=width, height=height, format=file_format)
    if exif.get(_ORIENTATION) in _SWAPS_AXES:
        width, height = height, width
    sub = _ifd(exif, _EXIF_IFD)
    gps = _ifd(exif, _GPS_IFD)
    latitude = _coordinate(gps.get(_GPS_LAT), gps.get(_GPS_LAT_REF), "S", 90)
    longitude = _coordinate(gps.get(_GPS_LON), gps.get(_GPS_LON_REF), "W", 180)
    altitude = _altitude(gps.get(_GPS_ALT), gps.get(_GPS_ALT_REF))
    if latitude is None or longitude is None:
        latitude = longitude = altitude = None
    iso = sub.get(_ISO)
    if isinstance(iso, tuple | list):  # some cameras write several values; the first counts
        iso = iso[0] if iso else None
    return PhotoInfo(
        width=width,
        height=height,
        format=file_format,
        taken_at=taken_at(image),
        camera=_camera(_text(exif.get(_MAKE)), _text(exif.get(_MODEL))),
        lens=_camera(_text(sub.get(_LENS_MAKE)), _text(sub.get(_LENS_MODEL)), lens=True),
        exposure_time=_positive(sub.get(_EXPOSURE_TIME)),
        f_number=_positive(sub.get(_F_NUMBER)),
        iso=_whole(iso),
        focal_length=_positive(sub.get(_FOCAL_LENGTH)),
        focal_length_35mm=_whole(sub.get(_FOCAL_35MM)),
        latitude=latitude,
        longitude=longitude,
        altitude=altitude,
    )


def _ifd(exif: Image.Exif, tag: int) -> dict[int, Any]:
    try:
        return dict(exif.get_ifd(tag))
    except Exception as exc:  # a broken sub-IFD costs only its own fields
        log.debug("Unreadable IFD %#x: %s", tag, exc)
        return {}


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    cleaned = " ".join(value.replace("\x00", " ").split())
    return cleaned or None


def _camera(make: str | None, model: str | None, *, lens: bool = False) -> str | None:
    """Make and model as people say them: "Canon EOS R5", not "Canon Canon EOS R5"; "NIKON
    D750", not "NIKON CORPORATION NIKON D750". A lens is often named by its model alone."""
    if model is None:
        return None if lens else make
    if make is None:
        return model
    brand = make.split()[0].casefold()
    if model.casefold().startswith(brand):
        return model
    return f"{make} {model}"


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


def _positive(value: Any) -> float | None:
    number = _number(value)
    return number if number is not None and number > 0 else None


def _whole(value: Any) -> int | None:
    number = _positive(value)
    return round(number) if number is not None else None


def _coordinate(value: Any, ref: Any, negative: str, limit: float) -> float | None:
    """Degrees, minutes, seconds (three rationals) to signed degrees; None when implausible."""
    if not isinstance(value, tuple | list) or len(value) != 3:
        return None
    parts = [_number(part) for part in value]
    if any(part is None or part < 0 for part in parts):
        return None
    degrees, minutes, seconds = (part or 0.0 for part in parts)
    result = degrees + minutes / 60 + seconds / 3600
    if result > limit:
        return None
    reference = _text(ref)
    return -result if reference is not None and reference.upper().startswith(negative) else result


def _altitude(value: Any, ref: Any) -> float | None:
    metres = _number(value)
    if metres is None:
        return None
    below = ref in (1, b"\x01") or (isinstance(ref, bytes) and ref[:1] == b"\x01")
    return -metres if below else metres


def map_url(latitude: float, longitude: float) -> str:
    """The place on OpenStreetMap, with a marker, zoomed to streets."""
    return (
        f"https://www.openstreetmap.org/?mlat={latitude:.6f}&mlon={longitude:.6f}"
        f"#map=16/{latitude:.6f}/{longitude:.6f}"
    )
