"""Filters as SQL on a real SQLite library: folders, dates (EXIF and mtime, inclusive by day),
types, orientation and size, alone and combined; browsing and its sorts; the date a photo shows
and where it came from; migration 2 on a version-1 library."""

from __future__ import annotations

import calendar
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from gallery.errors import UserError
from gallery.library.filters import (
    NO_FILTERS,
    PHOTO_TYPES,
    SORTS,
    Filters,
    NoPhotosMatch,
    parse_date,
)
from gallery.library.store import (
    _MIGRATIONS,
    SCHEMA_VERSION,
    Decoded,
    PhotoRow,
    ScannedFile,
    Store,
    sort_key,
)

FAR_EAST = "ABC-14"  # POSIX TZ: 14 hours ahead of UTC, so a local day is not the UTC day


@dataclass(frozen=True)
class Photo:
    path: str
    width: int = 400
    height: int = 300
    taken: datetime | None = None  # the camera's wall clock (EXIF)
    mtime: datetime | None = None  # local time
    format: str = "jpeg"


def _wall(moment: datetime) -> float:
    """An EXIF date as the store keeps it: the wall clock as if UTC."""
    return float(calendar.timegm(moment.timetuple()))


def _local_ns(moment: datetime) -> int:
    return int(time.mktime(moment.timetuple())) * 1_000_000_000


def _store(tmp_path: Path, photos: list[Photo]) -> Store:
    store = Store(tmp_path / "library.sqlite3")
    root = store.add_root("/")
    default = datetime(2020, 6, 15, 12, 0)
    store.apply_scan(
        root,
        [
            ScannedFile(photo.path, 1000, _local_ns(photo.mtime or default))
            for photo in [*photos, Photo("/pending/never-decoded.jpg"), Photo("/failed/bad.jpg")]
        ],
    )
    model = store.model_id("m", 2)
    decoded = [
        Decoded(
            _id(store, photo.path),
            photo.width,
            photo.height,
            None if photo.taken is None else _wall(photo.taken),
            photo.format,
        )
        for photo in photos
    ]
    failed = [(_id(store, "/failed/bad.jpg"), "not a supported image format")]
    store.commit_batch(model, decoded, [], np.zeros((0, 2), np.float32), failed)
    return store


def _id(store: Store, path: str) -> int:
    file_id = store.file_id(path)
    assert file_id is not None
    return file_id


def _paths(store: Store, filters: Filters) -> set[str]:
    paths = store.paths_of(store.photo_ids(filters))
    assert store.photo_count(filters) == len(paths)
    return set(paths.values())


def _plan(store: Store, filters: Filters) -> str:
    query, params = store._select("id", filters)
    return " | ".join(
        str(row[3]) for row in store.db.execute(f"EXPLAIN QUERY PLAN {query}", params)
    )


@pytest.fixture
def far_east() -> Iterator[None]:
    """This computer's clock 14 hours ahead of UTC (restored afterwards)."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    before = os.environ.get("TZ")
    os.environ["TZ"] = FAR_EAST
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


# --- folders -----------------------------------------------------------------------------------
NOT_UTF8 = os.fsdecode(b"/photos/2019/caf\xe9.jpg")  # a Latin-1 name: stored as a BLOB
NOT_UTF8_FOLDER = os.fsdecode(b"/photos/\xe9t\xe9")


@pytest.fixture
def folders(tmp_path: Path) -> Store:
    return _store(
        tmp_path,
        [
            Photo("/photos/2019/a.jpg"),
            Photo("/photos/2019/trip/b.jpg"),
            Photo(NOT_UTF8),
            Photo("/photos/2019-old/c.jpg"),  # a sibling whose name starts like 2019
            Photo("/photos/20190/d.jpg"),  # "0" sorts right after the separator
            Photo("/photos/e.jpg"),
            Photo(f"{NOT_UTF8_FOLDER}/f.jpg"),
            Photo("/other/g.jpg"),
        ],
    )


def test_a_folder_holds_its_photos_and_everything_below_it(folders: Store) -> None:
    in_2019 = {"/photos/2019/a.jpg", "/photos/2019/trip/b.jpg", NOT_UTF8}
    assert _paths(folders, Filters(folders=("/photos/2019",))) == in_2019
    assert _paths(folders, Filters(folders=("/photos/2019/",))) == in_2019
    assert _paths(folders, Filters(folders=("/photos/2019/trip",))) == {"/photos/2019/trip/b.jpg"}
    assert _paths(folders, Filters(folders=(NOT_UTF8_FOLDER,))) == {f"{NOT_UTF8_FOLDER}/f.jpg"}
    everything = _paths(folders, NO_FILTERS)
    assert len(everything) == 8, "the pending and the failed file are no photos"
    assert _paths(folders, Filters(folders=("/",))) == everything
    assert _paths(folders, Filters(folders=("/photos",))) == everything - {"/other/g.jpg"}
    assert _paths(folders, Filters(folders=("/nowhere",))) == set()
    assert _paths(folders, Filters(folders=("/photos/2019/a.jpg",))) == set(), "a file is no folder"


def test_several_folders_add_up(folders: Store) -> None:
    chosen = Filters(folders=("/photos/2019/trip", "/other/", "/photos/2019-old"))
    expected = {"/photos/2019/trip/b.jpg", "/other/g.jpg", "/photos/2019-old/c.jpg"}
    assert _paths(folders, chosen) == expected
    overlapping = Filters(folders=("/photos/2019", "/photos/2019/trip"))
    assert sorted(folders.photo_ids(overlapping)) == sorted(
        folders.photo_ids(Filters(folders=("/photos/2019",)))
    ), "a photo in two chosen folders comes once"


def test_a_folder_is_a_range_on_the_path_index(folders: Store) -> None:
    plan = _plan(folders, Filters(folders=("/photos/2019", "/other")))
    assert "sqlite_autoindex_files_1 (path>? AND path<?)" in plan, plan
    assert "SCAN" not in plan, plan


# --- dates -------------------------------------------------------------------------------------
def test_exif_dates_count_whole_days_on_the_cameras_clock(tmp_path: Path, far_east: None) -> None:
    store = _store(
        tmp_path,
        [
            Photo("/p/before.jpg", taken=datetime(2024, 3, 30, 23, 59, 59)),
            Photo("/p/first.jpg", taken=datetime(2024, 3, 31, 0, 0, 0)),
            Photo("/p/last.jpg", taken=datetime(2024, 3, 31, 23, 59, 59)),
            Photo("/p/after.jpg", taken=datetime(2024, 4, 1, 0, 0, 0)),
            # the EXIF date decides, whatever the file's mtime says
            Photo("/p/copied.jpg", taken=datetime(2024, 3, 31, 12), mtime=datetime(2025, 1, 1)),
        ],
    )
    day = date(2024, 3, 31)
    on_the_day = {"/p/first.jpg", "/p/last.jpg", "/p/copied.jpg"}
    assert _paths(store, Filters(after=day, before=day)) == on_the_day
    assert _paths(store, Filters(after=day)) == on_the_day | {"/p/after.jpg"}
    assert _paths(store, Filters(before=day)) == on_the_day | {"/p/before.jpg"}
    assert _paths(store, Filters(after=date(2024, 4, 2))) == set()
    assert store.photo_ids(Filters(after=date(2024, 4, 1), before=date(2024, 3, 31))) == []


def test_mtime_dates_count_whole_days_on_this_computers_clock(
    tmp_path: Path, far_east: None
) -> None:
    """14 hours ahead of UTC, local 2024-03-31 00:00-23:59 is 2024-03-30 10:00 to 03-31 09:59
    UTC: the filter must follow the local day the person sees on their files."""
    store = _store(
        tmp_path,
        [
            Photo("/p/before.png", mtime=datetime(2024, 3, 30, 23, 59, 59)),
            Photo("/p/first.png", mtime=datetime(2024, 3, 31, 0, 0, 0)),
            Photo("/p/last.png", mtime=datetime(2024, 3, 31, 23, 59, 59)),
            Photo("/p/after.png", mtime=datetime(2024, 4, 1, 0, 0, 0)),
        ],
    )
    day = date(2024, 3, 31)
    assert _paths(store, Filters(after=day, before=day)) == {"/p/first.png", "/p/last.png"}
    assert _paths(store, Filters(after=date(2024, 4, 1))) == {"/p/after.png"}
    assert _paths(store, Filters(before=date(2024, 3, 30))) == {"/p/before.png"}


def test_dates_without_a_bound_on_one_side_reach_the_ends_of_time(tmp_path: Path) -> None:
    store = _store(
        tmp_path,
        [
            Photo("/p/old.jpg", taken=datetime(1901, 1, 1)),
            Photo("/p/new.jpg", mtime=datetime(2037, 12, 31)),
        ],
    )
    assert _paths(store, Filters(after=date(1, 1, 1))) == {"/p/old.jpg", "/p/new.jpg"}
    assert _paths(store, Filters(before=date.max)) == {"/p/old.jpg", "/p/new.jpg"}
    assert _paths(store, Filters(before=date(1950, 1, 1))) == {"/p/old.jpg"}


def test_a_date_filter_reads_the_filters_index(tmp_path: Path) -> None:
    store = _store(tmp_path, [Photo("/p/a.jpg")])
    plan = _plan(store, Filters(after=date(2024, 1, 1), before=date(2024, 1, 31)))
    assert "MULTI-INDEX OR" not in plan and "UNION ALL" in plan, plan
    assert "COVERING INDEX files_filters (taken_at>? AND taken_at<?)" in plan, plan
    assert "COVERING INDEX files_filters (taken_at=? AND mtime_ns>? AND mtime_ns<?)" in plan, plan


# --- type, orientation, size -------------------------------------------------------------------
@pytest.fixture
def shapes(tmp_path: Path) -> Store:
    return _store(
        tmp_path,
        [
            Photo("/p/landscape.jpg", 400, 300),
            Photo("/p/portrait.png", 300, 400, format="png"),
            Photo("/p/square.webp", 100, 100, format="webp"),
            Photo("/p/almost-square.jpg", 102, 100),  # 2 %: square
            Photo("/p/almost-tall.heic", 100, 102, format="heif"),
            Photo("/p/wide.jpg", 103, 100),  # 3 %: landscape
            Photo("/p/tall.gif", 100, 103, format="gif"),
        ],
    )


def test_orientation_from_width_and_height_with_two_percent_for_square(shapes: Store) -> None:
    assert _paths(shapes, Filters(orientation="landscape")) == {"/p/landscape.jpg", "/p/wide.jpg"}
    assert _paths(shapes, Filters(orientation="portrait")) == {"/p/portrait.png", "/p/tall.gif"}
    assert _paths(shapes, Filters(orientation="square")) == {
        "/p/square.webp",
        "/p/almost-square.jpg",
        "/p/almost-tall.heic",
    }


def test_min_size_is_the_shorter_side(shapes: Store) -> None:
    assert _paths(shapes, Filters(min_size=300)) == {"/p/landscape.jpg", "/p/portrait.png"}
    assert _paths(shapes, Filters(min_size=301)) == set()
    assert len(_paths(shapes, Filters(min_size=100))) == 7


def test_types_are_the_decoded_format(shapes: Store) -> None:
    assert _paths(shapes, Filters(types=("png", "webp"))) == {"/p/portrait.png", "/p/square.webp"}
    assert _paths(shapes, Filters(types=("heif",))) == {"/p/almost-tall.heic"}
    assert _paths(shapes, Filters(types=("tiff",))) == set()
    assert set(PHOTO_TYPES) >= {"jpeg", "png", "webp", "heif", "gif"}


def test_filters_combine(tmp_path: Path) -> None:
    store = _store(
        tmp_path,
        [
            Photo("/a/match.jpg", 4000, 3000, taken=datetime(2023, 5, 1)),
            Photo("/a/too-small.jpg", 400, 300, taken=datetime(2023, 5, 1)),
            Photo("/a/portrait.jpg", 3000, 4000, taken=datetime(2023, 5, 1)),
            Photo("/a/png.png", 4000, 3000, taken=datetime(2023, 5, 1), format="png"),
            Photo("/a/too-old.jpg", 4000, 3000, taken=datetime(2022, 5, 1)),
            Photo("/b/elsewhere.jpg", 4000, 3000, taken=datetime(2023, 5, 1)),
        ],
    )
    everything = Filters(
        folders=("/a",),
        after=date(2023, 1, 1),
        before=date(2023, 12, 31),
        types=("jpeg",),
        orientation="landscape",
        min_size=3000,
    )
    assert _paths(store, everything) == {"/a/match.jpg"}
    assert [row.path for row in store.browse(everything, "date", None)] == ["/a/match.jpg"]


# --- the filter values -------------------------------------------------------------------------
def test_active_and_how_the_log_shows_them() -> None:
    assert not NO_FILTERS.active and str(NO_FILTERS) == "none"
    for filters in (
        Filters(folders=("/a",)),
        Filters(after=date(2024, 1, 1)),
        Filters(before=date(2024, 1, 1)),
        Filters(types=("png",)),
        Filters(orientation="square"),
        Filters(min_size=0),
    ):
        assert filters.active, filters
    shown = Filters(folders=("/a", "/b"), after=date(2024, 1, 2), types=("png",), min_size=10)
    assert str(shown) == "folders=/a,/b after=2024-01-02 types=png min_size=10"


def test_parse_date_reads_iso_days_and_says_the_format_otherwise() -> None:
    assert parse_date("2024-03-31") == date(2024, 3, 31)
    assert parse_date(" 2024-02-29 ") == date(2024, 2, 29)
    for wrong in ("2024-13-01", "2023-02-29", "31.03.2024", "2024/03/31", "yesterday", ""):
        with pytest.raises(UserError) as error:
            parse_date(wrong)
        assert error.value.message == f"“{wrong}” is not a date."
        assert error.value.hint == "Write dates as YYYY-MM-DD, e.g. 2024-03-31."


def test_no_photos_match_says_so_and_what_to_do() -> None:
    error = NoPhotosMatch()
    assert isinstance(error, UserError)
    assert error.message == "No photos match these filters."
    assert "clear" in error.hint and error.remedies == ()


# --- browsing, sorts and dates shown -----------------------------------------------------------
@pytest.fixture
def dated(tmp_path: Path, far_east: None) -> Store:
    return _store(
        tmp_path,
        [
            Photo("/x/b-exif-2021.jpg", taken=datetime(2021, 1, 1, 8)),
            Photo("/x/A-mtime-2022.png", mtime=datetime(2022, 2, 2, 23, 30), format="png"),
            Photo("/y/c-exif-2023.jpg", taken=datetime(2023, 3, 3)),
            # local 2021-01-01 20:00 is UTC 06:00: after the EXIF 08:00 only on the wall clock
            Photo("/y/a-mtime-2021.jpg", mtime=datetime(2021, 1, 1, 20)),
        ],
    )


def test_browse_sorts_by_wall_clock_date_and_by_name(dated: Store) -> None:
    newest = ["/y/c-exif-2023.jpg", "/x/A-mtime-2022.png", "/y/a-mtime-2021.jpg"]
    newest.append("/x/b-exif-2021.jpg")
    assert [row.path for row in dated.browse(NO_FILTERS, "date", None)] == newest
    assert [row.path for row in dated.browse(NO_FILTERS, "relevance", None)] == newest
    assert [row.path for row in dated.browse(NO_FILTERS, "date-asc", None)] == newest[::-1]
    # by file name, whatever the case and the folder
    by_name = ["/y/a-mtime-2021.jpg", "/x/A-mtime-2022.png", "/x/b-exif-2021.jpg"]
    by_name.append("/y/c-exif-2023.jpg")
    assert [row.path for row in dated.browse(NO_FILTERS, "name", None)] == by_name
    assert [row.path for row in dated.browse(NO_FILTERS, "name", 2)] == by_name[:2]
    assert [row.path for row in dated.photos()] == newest
    assert [row.path for row in dated.browse(Filters(folders=("/y",)), "date-asc", 1)] == [
        "/y/a-mtime-2021.jpg"
    ]


def test_sorting_hits_in_python_agrees_with_browsing_in_sql(dated: Store) -> None:
    rows = dated.browse(NO_FILTERS, "date", None)
    for sort in SORTS:
        key = sort_key(sort)
        if key is None:
            assert sort == "relevance"
            continue
        assert sorted(rows, key=key) == dated.browse(NO_FILTERS, sort, None), sort


def test_a_photo_shows_its_date_and_where_it_came_from(dated: Store) -> None:
    rows = {Path(row.path).name: row for row in dated.photos()}
    exif, mtime = rows["b-exif-2021.jpg"], rows["A-mtime-2022.png"]
    assert exif.date_source == "exif" and exif.taken_text() == "2021-01-01T08:00:00"
    assert mtime.date_source == "mtime" and mtime.taken_text() == "2022-02-02T23:30:00"
    assert mtime.when == _wall(datetime(2022, 2, 2, 23, 30))
    assert (mtime.width, mtime.height, mtime.format) == (400, 300, "png")
    assert dated.photo_rows([mtime.id]) == {mtime.id: mtime}


def test_an_old_photo_row_without_the_new_fields_still_reads() -> None:
    row = PhotoRow(1, "/p/a.jpg", 10, 1_700_000_000 * 10**9, None)
    assert (row.width, row.height, row.format) == (None, None, None)
    assert row.date_source == "mtime" and len(row.taken_text()) == len("2023-11-14T22:13:20")


# --- migration 2 -------------------------------------------------------------------------------
def test_migration_2_gives_decoded_photos_their_format(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    old.executescript(_MIGRATIONS[0])
    old.execute("PRAGMA user_version=1")
    old.execute("INSERT INTO roots(path, added_at) VALUES ('/p', 0)")
    names = {
        "a.JPG": "jpeg",
        "b.jpeg": "jpeg",
        "c.jfif": "jpeg",
        "d.png": "png",
        "e.HEIC": "heif",
        "f.hif": "heif",
        "g.tiff": "tiff",
        "h.dib": "bmp",
        "i.webp": "webp",
        "j.avif": "avif",
        "k.jxl": "jxl",
        "l.gif": "gif",
        "m.photo": None,  # found by its magic bytes: no extension to go by
    }
    for name in names:
        old.execute(
            "INSERT INTO files(root_id, path, size, mtime_ns, width, height, updated_at) "
            "VALUES (1, ?, 1, 1, 640, 480, 0)",
            (f"/p/{name}",),
        )
    old.execute(
        "INSERT INTO files(root_id, path, size, mtime_ns, updated_at) VALUES (1, ?, 1, 1, 0)",
        ("/p/pending.jpg",),
    )
    old.execute(
        "INSERT INTO files(root_id, path, size, mtime_ns, error, updated_at) "
        "VALUES (1, '/p/bad.png', 1, 1, 'truncated', 0)"
    )
    old.close()

    store = Store(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 2
    formats = dict(store.db.execute("SELECT path, format FROM files"))
    assert formats == {
        **{f"/p/{name}": fmt for name, fmt in names.items()},
        "/p/pending.jpg": None,
        "/p/bad.png": None,
    }
    assert _paths(store, Filters(types=("heif",))) == {"/p/e.HEIC", "/p/f.hif"}
    indexes = {
        row[0] for row in store.db.execute("SELECT name FROM sqlite_master WHERE type='index'")
    }
    assert "files_filters" in indexes
    store.close()
    Store(path).close()  # a migrated library opens as it is


def test_commit_batch_records_the_format(tmp_path: Path) -> None:
    store = _store(tmp_path, [Photo("/p/a.webp", 640, 480, format="webp")])
    (row,) = store.photos()
    assert (row.path, row.width, row.height, row.format) == ("/p/a.webp", 640, 480, "webp")
