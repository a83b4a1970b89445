"""Durations, ETAs, sizes and rates as people read them; one place for the CLI and the app.
Durations and ETAs are `Text`, so the app shows them in its language."""

from __future__ import annotations

from gallery.text import Text, say

_SIZE_UNITS = ("B", "KB", "MB", "GB", "TB")


def duration(seconds: float) -> Text:
    """'45 s' under a minute and a half, '12 min' under 90 minutes, else '2 h 05 min'."""
    seconds = max(0.0, seconds)
    if seconds < 90:
        return say("{seconds} s", seconds=round(seconds))
    minutes = round(seconds / 60)
    if minutes < 90:
        return say("{minutes} min", minutes=minutes)
    hours, rest = divmod(minutes, 60)
    return say("{hours} h {minutes:02d} min", hours=hours, minutes=rest)


def eta(seconds: float | None) -> str:
    """'about 3 min left', or '' while the time left is not known yet."""
    return "" if seconds is None else say("about {time} left", time=duration(seconds))


def size(count: float) -> str:
    """Decimal units as file managers show them: '512 B', '1.5 MB', '2.3 GB'."""
    if abs(count) < 1000:
        return f"{count:.0f} B"
    for unit in _SIZE_UNITS[1:-1]:
        count /= 1000
        if abs(count) < 1000:
            return f"{count:.1f} {unit}"
    return f"{count / 1000:.1f} {_SIZE_UNITS[-1]}"


def rate(per_second: float, unit: str) -> str:
    """'12.3 photos/s'; a byte rate is a size per second ('4.2 MB/s')."""
    if unit == "B":
        return f"{size(per_second)}/s"
    return f"{per_second:.1f} {unit}/s"
