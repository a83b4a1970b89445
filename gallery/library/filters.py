"""What a search or a browse may show: folders, dates taken, file types, orientation, size.

Filters narrow the photos before any vector is compared, so they combine with every query and
also stand alone (browse by filter). They become SQL on `files`
(`sql_conditions`), written so that SQLite can answer from its indexes: a folder is a range
on the path (the path's unique index; a folder's photos are the paths that start with it and
its separator), a date a range on `taken_at` or, for photos without an EXIF date, on
`mtime_ns`. Sizes and orientation compare the stored pixel size of the photo as displayed.
"""

from __future__ import annotations

import calendar
import os
import time
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Literal

from gallery.errors import UserError
from gallery.text import say

Orientation = Literal["landscape", "portrait", "square"]
ORIENTATIONS: tuple[Orientation, ...] = ("landscape", "portrait", "square")
#: The `files.format` names a type filter accepts (what `decode_image` reports).
PHOTO_TYPES: tuple[str, ...] = ("jpeg", "png", "heif", "webp", "avif", "jxl", "tiff", "gif", "bmp")
Sort = Literal["relevance", "date", "date-asc", "name"]  # "date": newest first
SORTS: tuple[Sort, ...] = ("relevance", "date", "date-asc", "name")

# Sides within 2 % of each other are square: 50 * long <= 51 * short, in integers.
_SQUARE_NUMERATOR, _SQUARE_DENOMINATOR = 51, 50
_DATE_FORMAT = "%Y-%m-%d"
# mtime_ns is a 64-bit integer (years 1678-2262): a bound beyond it is clamped to its end.
_NS_MIN, _NS_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class Filters:
    folders: tuple[str, ...] = ()  # absolute; a photo anywhere under one of them
    after: date | None = None  # inclusive: the day the photo was taken (EXIF, else mtime)
    before: date | None = None  # inclusive
    types: tuple[str, ...] = ()  # of PHOTO_TYPES
    orientation: Orientation | None = None
    min_size: int | None = None  # the SHORTER side is at least this many pixels

    @property
    def active(self) -> bool:
        return any(getattr(self, field.name) not in ((), None) for field in fields(self))

    def __str__(self) -> str:
        """The filters that are set, for the log: "after=2024-01-01 types=jpeg,png"."""
        parts = []
        for field in fields(self):
            value = getattr(self, field.name)
            if value in ((), None):
                continue
            shown = ",".join(value) if isinstance(value, tuple) else str(value)
            parts.append(f"{field.name}={shown}")
        return " ".join(parts) or "none"


NO_FILTERS = Filters()


class NoPhotosMatch(UserError):
    """Active filters that let no photo through: said instead of an empty result."""

    def __init__(self) -> None:
        super().__init__(
            say("No photos match these filters."),
            say("Loosen the filters or clear them."),
        )


def parse_date(text: str) -> date:
    """A YYYY-MM-DD date as typed; a UserError says the format otherwise."""
    try:
        return datetime.strptime(text.strip(), _DATE_FORMAT).date()
    except ValueError:
        raise UserError(
            say("“{text}” is not a date.", text=text),
            say("Write dates as YYYY-MM-DD, e.g. 2024-03-31."),
        ) from None


Conditions = tuple[list[str], list[object]]  # SQL conditions to join with AND, their parameters


def sql_conditions(filters: Filters) -> list[Conditions]:
    """The filters as SQL on `files`: disjoint alternatives, one SELECT each, to be joined
    with UNION ALL. A date filter has two (photos with an EXIF date, photos without), so
    each is a plain range on the filters' index; an OR between them would make SQLite
    collect the ids and read every matching row from the table (twice as slow at 50 %)."""
    conditions: list[str] = []
    params: list[object] = []
    if filters.folders:
        ranges: list[str] = []
        for folder in filters.folders:
            for low, high in _folder_bounds(folder):
                ranges.append("(path >= ? AND path < ?)")
                params += [low, high]
        conditions.append("(" + " OR ".join(ranges) + ")")
    if filters.types:
        conditions.append(f"format IN ({','.join('?' * len(filters.types))})")
        params += filters.types
    if filters.orientation is not None:
        conditions.append(_ORIENTATION_SQL[filters.orientation])
    if filters.min_size is not None:
        conditions.append("MIN(width, height) >= ?")
        params.append(filters.min_size)
    dates = _date_conditions(filters.after, filters.before)
    if not dates:
        return [(conditions, params)]
    return [([*when, *conditions], [*values, *params]) for when, values in dates]


_ORIENTATION_SQL: dict[Orientation, str] = {
    "landscape": f"width * {_SQUARE_DENOMINATOR} > height * {_SQUARE_NUMERATOR}",
    "portrait": f"height * {_SQUARE_DENOMINATOR} > width * {_SQUARE_NUMERATOR}",
    "square": (
        f"width * {_SQUARE_DENOMINATOR} <= height * {_SQUARE_NUMERATOR} "
        f"AND height * {_SQUARE_DENOMINATOR} <= width * {_SQUARE_NUMERATOR}"
    ),
}


def _folder_bounds(folder: str) -> list[tuple[str | bytes, str | bytes]]:
    """[low, high) ranges of the paths below `folder`, with or without its trailing separator.

    The paths start with the folder and a separator; the bound after them swaps that
    separator for the next character ("/photos/" .. "/photos0"). Names that are not valid
    UTF-8 are stored as BLOBs (see store), which SQLite orders after every TEXT, so they get
    the same range in bytes.
    """
    stripped = folder.rstrip(os.sep)
    prefix = stripped + os.sep
    after_sep = chr(ord(os.sep) + 1)
    raw = os.fsencode(stripped)
    ranges: list[tuple[str | bytes, str | bytes]] = [
        (raw + os.sep.encode(), raw + after_sep.encode())
    ]
    try:
        prefix.encode("utf-8")
    except UnicodeEncodeError:
        return ranges  # every photo below such a folder has a BLOB path
    return [(prefix, stripped + after_sep), *ranges]


def _date_conditions(after: date | None, before: date | None) -> list[Conditions]:
    """A photo's day is its EXIF date's (stored as the camera's wall clock, as if UTC), else
    its mtime's in local time: each compared with that day's bounds on its own clock. Empty
    when no bound is left (no dates, or only "before the last day there is")."""
    exif: Conditions = ([], [])
    mtime: Conditions = (["taken_at IS NULL"], [])
    for day, operator in ((after, ">="), (_next_day(before), "<")):
        if day is None:
            continue
        exif[0].append(f"taken_at {operator} ?")
        exif[1].append(calendar.timegm(day.timetuple()))
        mtime[0].append(f"mtime_ns {operator} ?")
        mtime[1].append(_local_midnight_ns(day))
    return [exif, mtime] if exif[0] else []


def _next_day(day: date | None) -> date | None:
    """The exclusive end of an inclusive last day; None when there is no later date."""
    if day is None or day == date.max:
        return None
    return day + timedelta(days=1)


def _local_midnight_ns(day: date) -> int:
    """The start of `day` on this computer's clock, in epoch nanoseconds. Where the C library
    cannot place the date (before 1970 on Windows) the UTC midnight stands in for it: off by
    the zone's offset at most."""
    try:
        seconds = time.mktime((day.year, day.month, day.day, 0, 0, 0, 0, 0, -1))
    except (OverflowError, ValueError, OSError):
        seconds = calendar.timegm(day.timetuple())
    return min(max(int(seconds) * 1_000_000_000, _NS_MIN), _NS_MAX)
