"""When a photo was taken, from its EXIF: what the grid sorts by before falling back to mtime.

Priority: DateTimeOriginal, then DateTimeDigitized, then the IFD0 DateTime, then the GPS date
and time (UTC). Camera clocks carry no zone unless OffsetTime* says so; such local times are
stored as if they were UTC, which keeps photos from one camera in shooting order.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from PIL import Image

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
# (date tag, its offset tag, which IFD)
_DATE_TAGS = ((0x9003, 0x9011, _EXIF_IFD), (0x9004, 0x9012, _EXIF_IFD), (0x0132, 0x9010, None))


def _offset(text: Any) -> timezone | None:
    if not isinstance(text, str) or len(text) < 6 or text[0] not in "+-":
        return None
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _parse(text: Any, zone: timezone | None) -> float | None:
    if isinstance(text, bytes):
        text = text.decode("ascii", "replace")
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.strptime(text.strip().rstrip("\x00")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if moment.year < 1800:
        return None
    return moment.replace(tzinfo=zone or UTC).timestamp()


def _gps_time(gps: Any) -> float | None:
    date, clock = gps.get(29), gps.get(7)
    if not isinstance(date, str):
        return None
    try:
        h, m, s = (int(float(v)) for v in clock) if clock else (0, 0, 0)
    except (TypeError, ValueError):
        return None
    return _parse(f"{date[:10]} {h:02d}:{m:02d}:{s:02d}", UTC)


def taken_at(image: Image.Image) -> float | None:
    """Seconds since the epoch, or None when the file does not say."""
    try:
        exif = image.getexif()
        for date_tag, offset_tag, ifd_tag in _DATE_TAGS:
            ifd = exif.get_ifd(ifd_tag) if ifd_tag else exif
            exif_ifd = exif.get_ifd(_EXIF_IFD)
            found = _parse(ifd.get(date_tag), _offset(exif_ifd.get(offset_tag)))
            if found is not None:
                return found
        return _gps_time(exif.get_ifd(_GPS_IFD))
    except Exception:  # hostile EXIF must never fail the decode
        return None
