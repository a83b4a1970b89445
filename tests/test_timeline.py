"""Month sections of the timeline: real files with known EXIF dates (and files without EXIF,
dated by their modification time on this computer's clock) stored in a real SQLite library,
browsed in both date orders, land in their months; 100,000 rows are grouped in milliseconds."""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

import numpy as np
from PIL import Image

from gallery.imaging.decode import decode_image
from gallery.library.filters import NO_FILTERS
from gallery.library.store import Decoded, PhotoRow, ScannedFile, Store
from gallery.library.timeline import Section, month_of, month_sections, row_sections

# name -> EXIF DateTimeOriginal ("" for none: dated by its mtime, set to `LOCAL_MTIMES`)
EXIF_DATES = {
    "new-year-eve.jpg": "2023:12:31 23:59:59",
    "new-year.jpg": "2024:01:01 00:00:00",
    "march-first.jpg": "2024:03:01 00:00:00",
    "march-last.jpg": "2024:03:31 23:59:59",
    "march-mid.jpg": "2024:03:15 12:30:00",
    "april.jpg": "2024:04:01 00:00:01",
    "no-exif-june.jpg": "",
    "no-exif-july.jpg": "",
}
# Local wall-clock times: what the file manager shows, which is the month the photo belongs to.
LOCAL_MTIMES = {
    "no-exif-june.jpg": (2022, 6, 30, 23, 30, 0),
    "no-exif-july.jpg": (2022, 7, 1, 0, 30, 0),
}
EXPECTED_MONTHS = {
    "new-year-eve.jpg": (2023, 12),
    "new-year.jpg": (2024, 1),
    "march-first.jpg": (2024, 3),
    "march-last.jpg": (2024, 3),
    "march-mid.jpg": (2024, 3),
    "april.jpg": (2024, 4),
    "no-exif-june.jpg": (2022, 6),
    "no-exif-july.jpg": (2022, 7),
}


def write_dated_photos(folder: Path) -> list[Path]:
    """JPEGs with the EXIF DateTimeOriginal of `EXIF_DATES` (or none, and a set mtime)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number, (name, date) in enumerate(EXIF_DATES.items()):
        path = folder / name
        image = Image.new("RGB", (48, 32), (40 * number % 255, 90, 160))
        exif = Image.Exif()
        if date:
            exif.get_ifd(0x8769)[0x9003] = date  # the Exif IFD's DateTimeOriginal
        image.save(path, "JPEG", exif=exif)
        if name in LOCAL_MTIMES:
            moment = time.mktime((*LOCAL_MTIMES[name], 0, 0, -1))
            os.utime(path, (moment, moment))
        written.append(path)
    return written


def stored_library(tmp_path: Path) -> Store:
    """The dated photos in a real store, decoded by the app's own decoder."""
    paths = write_dated_photos(tmp_path / "photos")
    store = Store(tmp_path / "library.db")
    root = store.add_root(str(tmp_path / "photos"))
    stats = {str(path): path.stat() for path in paths}
    store.apply_scan(
        root, [ScannedFile(path, stat.st_size, stat.st_mtime_ns) for path, stat in stats.items()]
    )
    model = store.model_id("none", 4)
    decoded = []
    for path in paths:
        file_id = store.file_id(str(path))
        assert file_id is not None
        image = decode_image(path, 32)
        decoded.append(Decoded(file_id, image.image.width, image.image.height, image.taken_at))
    store.commit_batch(model, decoded, [], np.zeros((0, 4), np.float32), [])
    return store


def _months(rows: list[PhotoRow], sections: tuple[Section, ...]) -> dict[str, tuple[int, int]]:
    found = {}
    for section in sections:
        for row in rows[section.start : section.start + section.count]:
            found[Path(row.path).name] = (section.year, section.month)
    return found


def test_photos_with_known_dates_land_in_their_months_newest_first(tmp_path: Path) -> None:
    store = stored_library(tmp_path)
    rows = store.browse(NO_FILTERS, "date", None)
    timeline = row_sections(rows)
    assert [(s.year, s.month, s.count) for s in timeline.sections] == [
        (2024, 4, 1), (2024, 3, 3), (2024, 1, 1), (2023, 12, 1), (2022, 7, 1), (2022, 6, 1),
    ]  # fmt: skip
    assert _months(rows, timeline.sections) == EXPECTED_MONTHS
    assert timeline.count == len(rows) == len(EXIF_DATES)
    assert timeline.years() == [2024, 2023, 2022]
    assert timeline.year_starts() == {2024: 0, 2023: 3, 2022: 4}
    assert [timeline.section_of(i) for i in range(len(rows))] == [0, 1, 1, 1, 2, 3, 4, 5]
    store.close()


def test_oldest_first_gives_the_same_months_in_reverse(tmp_path: Path) -> None:
    store = stored_library(tmp_path)
    rows = store.browse(NO_FILTERS, "date-asc", None)
    timeline = row_sections(rows)
    assert [(s.year, s.month, s.count) for s in timeline.sections] == [
        (2022, 6, 1), (2022, 7, 1), (2023, 12, 1), (2024, 1, 1), (2024, 3, 3), (2024, 4, 1),
    ]  # fmt: skip
    assert _months(rows, timeline.sections) == EXPECTED_MONTHS
    assert timeline.years() == [2022, 2023, 2024]
    store.close()


def test_a_photo_without_exif_is_dated_by_its_local_modification_time(tmp_path: Path) -> None:
    store = stored_library(tmp_path)
    rows = {Path(row.path).name: row for row in store.browse(NO_FILTERS, "date", None)}
    june, july = rows["no-exif-june.jpg"], rows["no-exif-july.jpg"]
    assert june.date_source == july.date_source == "mtime"
    assert rows["april.jpg"].date_source == "exif"
    # 23:30 on 30 June and 00:30 on 1 July local time: an hour apart, in different months
    # whatever this computer's time zone is.
    assert month_of(june.when) == (2022, 6) and month_of(july.when) == (2022, 7)
    store.close()


def test_edges_empty_one_month_and_calendar_ends() -> None:
    assert row_sections([]).sections == ()

    def row(number: int, seconds: float) -> PhotoRow:
        return PhotoRow(number, f"/p/{number}.jpg", 1, 0, seconds)

    march = (datetime(2024, 3, 1) - datetime(1970, 1, 1)).total_seconds()
    same = [row(i, march + 86400 * i) for i in range(10)]
    assert row_sections(same).sections == (Section(2024, 3, 0, 10),)
    assert row_sections(same[::-1]).sections == (Section(2024, 3, 0, 10),)
    # A date beyond what the calendar holds is kept at its end, not an error.
    far = [row(0, 1e13), row(1, march)]
    assert [(s.year, s.month) for s in row_sections(far).sections] == [(9999, 12), (2024, 3)]
    assert month_of(-1e13) == (1, 1)


def test_a_hundred_thousand_rows_are_grouped_in_milliseconds() -> None:
    start = (datetime(2005, 1, 1) - datetime(1970, 1, 1)).total_seconds()
    span = 20 * 365.25 * 86400
    n = 100_000
    rows = [PhotoRow(i, f"/p/{i}.jpg", 1, 0, start + span * (n - i) / n) for i in range(n)]
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        timeline = row_sections(rows)
        best = min(best, time.perf_counter() - began)
    assert 239 <= len(timeline.sections) <= 241 and timeline.count == n
    assert best < 0.05, f"{best * 1000:.1f} ms"
    # Every row is in its section's month (checked here, once, row by row).
    for section in timeline.sections[::10]:
        for item in rows[section.start : section.start + section.count]:
            assert month_of(item.when) == (section.year, section.month)
    # Any sortable thing works, by any date.
    assert month_sections([1.0, 2.0], lambda seconds: seconds).sections == (
        Section(1970, 1, 0, 2),
    )
