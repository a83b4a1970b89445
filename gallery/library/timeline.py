"""Month sections of photos sorted by date: the timeline's groups and its years.

A photo's month is that of `PhotoRow.when` (wall-clock seconds: the EXIF date as it is, else the
modification time on this computer's clock), read as a calendar date as if it were UTC, which is
how `when` is stored. The photos arrive sorted by `when` (newest or oldest first), so a month is
one run of them: its end is found by bisecting for the month's boundary, and only the rows a
bisection visits are looked at (about 17 a month at 100,000 photos), never every row. Out-of-order
input breaks that promise (the caller sorts by date; see `PhotoListModel.set_items`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Protocol, TypeVar

T = TypeVar("T")


class Dated(Protocol):
    @property
    def when(self) -> float: ...

_EPOCH = datetime(1970, 1, 1)
_FIRST = datetime(1, 1, 1)
_LAST = datetime(9999, 12, 1)


@dataclass(frozen=True)
class Section:
    """One month: photos `start .. start + count - 1` of the sorted list."""

    year: int
    month: int  # 1..12
    start: int
    count: int


@dataclass(frozen=True)
class Timeline:
    """The sections in display order and, for jumping, each year's first section."""

    sections: tuple[Section, ...] = ()

    @property
    def count(self) -> int:
        return sum(section.count for section in self.sections)

    def years(self) -> list[int]:
        """The years in display order (newest first for a newest-first timeline)."""
        return list(self.year_starts())

    def year_starts(self) -> dict[int, int]:
        """Year -> the index of its first section in display order."""
        starts: dict[int, int] = {}
        for number, section in enumerate(self.sections):
            starts.setdefault(section.year, number)
        return starts

    @cached_property
    def starts(self) -> list[int]:
        """Each section's first photo, for bisecting."""
        return [section.start for section in self.sections]

    def section_of(self, index: int) -> int:
        """The section (its number) that holds photo `index`."""
        return max(0, bisect.bisect_right(self.starts, index) - 1)


def month_of(seconds: float) -> tuple[int, int]:
    """(year, month) of wall-clock `seconds`; dates beyond the calendar's ends are kept at them."""
    moment = _moment(seconds)
    return moment.year, moment.month


def _moment(seconds: float) -> datetime:
    try:
        return _EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        return _FIRST if seconds < 0 else _LAST


def _month_start(year: int, month: int) -> float:
    """Wall-clock seconds at the start of this month."""
    return (datetime(year, month, 1) - _EPOCH).total_seconds()


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def month_sections(items: Sequence[T], when: Callable[[T], float]) -> Timeline:
    """Group `items`, sorted by `when(item)` in either direction, into month sections."""
    if not items:
        return Timeline()
    newest_first = when(items[0]) > when(items[-1])
    sections: list[Section] = []
    start = 0
    while start < len(items):
        year, month = month_of(when(items[start]))
        if newest_first:  # the month runs while `when` >= its first second
            boundary = -_month_start(year, month)
            end = bisect.bisect_right(items, boundary, start, key=lambda item: -when(item))
        elif (year, month) == (9999, 12):
            end = len(items)
        else:  # the month runs until the next month's first second
            boundary = _month_start(*_next_month(year, month))
            end = bisect.bisect_left(items, boundary, start, key=when)
        end = max(end, start + 1)  # a row out of order still moves on
        sections.append(Section(year, month, start, end - start))
        start = end
    return Timeline(tuple(sections))


def row_sections(rows: Sequence[Dated]) -> Timeline:
    """`month_sections` of photo rows (anything with a `when`), by their `when`."""
    return month_sections(rows, lambda row: row.when)
