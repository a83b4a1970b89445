"""Searcher.find through the real pipeline: image files indexed by the real indexer with the
tiny colour model (a colour word finds photos of that colour), real SQLite and hnswlib.

The library: five red photos (the planted matches for "red") among near-grey ones, whose
scores for any colour word form a bulk without outliers, spread over three folders, formats,
shapes and dates (EXIF DateTimeOriginal or only the file's mtime)."""

from __future__ import annotations

import logging
import os
import random
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from gallery.library import search
from gallery.library.filters import NO_FILTERS, Filters, NoPhotosMatch
from gallery.library.indexer import Indexer
from gallery.library.library import Library
from gallery.library.query import Query, QueryError, parse_query
from gallery.library.search import Searcher, SearchHit, SearchResult
from gallery.library.store import Store
from gallery.ml.encoder import ClipModel
from gallery.paths import AppPaths
from tests.support.tiny_models import solid_colour_image


@dataclass(frozen=True)
class Shot:
    folder: str
    name: str
    rgb: tuple[int, int, int]
    size: tuple[int, int] = (64, 48)
    exif: datetime | None = None  # DateTimeOriginal, the camera's clock
    mtime: datetime | None = None  # local time; the file's own when there is no EXIF


RED = (255, 0, 0)
REDS = [
    Shot("home", "red-a.jpg", RED, exif=datetime(2023, 6, 1, 10, 0)),
    Shot("home", "red-b.png", RED, (48, 64), mtime=datetime(2021, 5, 5, 23, 59, 59)),
    Shot("trips/2023", "red-c.jpg", RED, (200, 150), exif=datetime(2023, 8, 15, 18, 30)),
    Shot("trips/2023", "red-d.webp", RED, (50, 50), mtime=datetime(2022, 1, 1, 9, 0)),
    Shot("trips/2024", "red-e.jpg", RED, exif=datetime(2024, 2, 29, 0, 0, 0)),
]
FOLDERS = ("home", "trips/2023", "trips/2024")
GREYS = 72


def _greys() -> list[Shot]:
    """Near-grey photos, each channel within two levels of mid-grey: for a colour word they
    score a narrow bulk with no outliers, far below a match. Their dates spread over
    2019-2025 (EXIF for most JPEGs, the mtime for the rest)."""
    levels = [
        (127 + r, 127 + g, 127 + b)
        for r in range(-2, 3)
        for g in range(-2, 3)
        for b in range(-2, 3)
    ]
    random.Random(0).shuffle(levels)
    shots = []
    for i in range(GREYS):
        size = (48, 64) if i % 4 == 1 else (200, 150) if i % 4 == 2 else (64, 48)
        suffix = ".png" if i % 3 == 0 else ".jpg"
        moment = datetime(2019, 1, 1, 12) + timedelta(days=2556 * i // GREYS)
        exif = moment if i % 2 and suffix == ".jpg" else None
        mtime = None if exif else moment
        shots.append(Shot(FOLDERS[i % 3], f"grey-{i:02d}{suffix}", levels[i], size, exif, mtime))
    return shots


SHOTS = REDS + _greys()


def _write(root: Path, shot: Shot) -> Path:
    path = root / shot.folder / shot.name
    solid_colour_image(path, shot.rgb, shot.size)
    if shot.exif is not None:
        with Image.open(path) as image:
            image.load()
            exif = Image.Exif()
            exif.get_ifd(0x8769)[0x9003] = shot.exif.strftime("%Y:%m:%d %H:%M:%S")
            image.save(path, exif=exif, quality=95)
        os.utime(path, (time.time(), time.time() - 86_400 * 400))  # an mtime that disagrees
    if shot.mtime is not None:
        stamp = time.mktime(shot.mtime.timetuple())
        os.utime(path, (stamp, stamp))
    return path


@dataclass(frozen=True)
class Indexed:
    paths: AppPaths
    photos: Path
    model: ClipModel

    def folder(self, name: str) -> str:
        return str(self.photos / name)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, model_dirs: dict[str, Path]) -> Indexed:
    base = tmp_path_factory.mktemp("find")
    photos = base / "photos"
    for shot in SHOTS:
        _write(photos, shot)
    paths = AppPaths(base / "data", base / "cache", base / "config", base / "logs").ensure()
    model = ClipModel.from_path(model_dirs["colour-hf"], device="cpu")
    with Library(paths) as library:
        summary = Indexer(library, model, decode_threads=1).run([photos])
    assert summary.embedded == len(SHOTS) and not summary.failed
    return Indexed(paths, photos, model)


@pytest.fixture
def searcher(indexed: Indexed) -> Iterator[Searcher]:
    with Library(indexed.paths) as library:
        yield Searcher(library, indexed.model)


def _names(hits: list[SearchHit]) -> list[str]:
    return [Path(hit.path).name for hit in hits]


def _best(result: SearchResult) -> list[str]:
    assert all(hit.best for hit in result.hits[: result.best_count])
    assert not any(hit.best for hit in result.hits[result.best_count :])
    return _names(result.hits[: result.best_count])


def _shot(path: str) -> Shot:
    return next(shot for shot in SHOTS if shot.name == Path(path).name)


def _day(shot: Shot) -> date:
    moment = shot.exif or shot.mtime
    assert moment is not None
    return moment.date()


RED_QUERY = parse_query("red")


# --- the cut and the query ---------------------------------------------------------------------
def test_the_planted_matches_are_the_best_matches_and_the_rest_follows(searcher: Searcher) -> None:
    result = searcher.find(RED_QUERY, limit=None)
    assert sorted(_best(result)) == [shot.name for shot in REDS]
    assert len(result.hits) == len(SHOTS), "the rest of the pool follows the best matches"
    assert result.ranked and not result.more_best and not result.no_close_match
    assert result.searched == len(SHOTS)
    scores = [hit.score or 0.0 for hit in result.hits]
    assert scores == sorted(scores, reverse=True), "relevance keeps the score order"


def test_a_query_with_no_close_match_says_so_and_still_shows_the_nearest(
    searcher: Searcher,
) -> None:
    result = searcher.find(parse_query("blue"), limit=10)
    assert result.best_count == 0 and result.no_close_match
    assert len(result.hits) == 10 and not any(hit.best for hit in result.hits)


def test_best_only_and_a_limit_below_the_best_set(searcher: Searcher) -> None:
    only = searcher.find(RED_QUERY, limit=None, best_only=True)
    assert sorted(_names(only.hits)) == sorted(shot.name for shot in REDS)
    assert only.best_count == 5 and not only.more_best
    few = searcher.find(RED_QUERY, limit=3)
    assert len(few.hits) == 3 == few.best_count and few.more_best
    assert searcher.find(RED_QUERY, limit=2, best_only=True).hits == few.hits[:2]


def test_a_full_pool_of_best_matches_says_there_are_more(
    searcher: Searcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "_POOL", 4)
    result = searcher.find(RED_QUERY, limit=2)
    assert result.best_count == 2 and result.more_best
    result = searcher.find(RED_QUERY, limit=None)
    assert len(result.hits) == 4 == result.best_count and result.more_best


# --- sorts keep the cut ------------------------------------------------------------------------
def test_sorting_by_date_keeps_the_best_matches_first(searcher: Searcher) -> None:
    newest = searcher.find(RED_QUERY, sort="date", limit=None)
    assert _best(newest) == ["red-e.jpg", "red-c.jpg", "red-a.jpg", "red-d.webp", "red-b.png"]
    rest = [hit.row.when for hit in newest.hits[5:]]
    assert rest == sorted(rest, reverse=True) and len(rest) == len(SHOTS) - 5
    oldest = searcher.find(RED_QUERY, sort="date-asc", limit=None)
    assert _best(oldest) == _best(newest)[::-1]
    assert [hit.row.when for hit in oldest.hits[5:]] == sorted(rest)


def test_the_newest_best_matches_when_the_limit_is_below_the_best_set(searcher: Searcher) -> None:
    """ "The best matches for 'red', newest first" with room for three: the three newest."""
    result = searcher.find(RED_QUERY, sort="date", limit=3)
    assert _names(result.hits) == ["red-e.jpg", "red-c.jpg", "red-a.jpg"]
    assert result.best_count == 3 and result.more_best


def test_sorting_by_name_keeps_the_best_matches_first(searcher: Searcher) -> None:
    result = searcher.find(RED_QUERY, sort="name", limit=None)
    assert _best(result) == sorted(shot.name for shot in REDS)
    rest = _names(result.hits[5:])
    assert rest == sorted(rest) and all(name.startswith("grey-") for name in rest)


# --- filters with a query ----------------------------------------------------------------------
def _filtered(searcher: Searcher, filters: Filters) -> tuple[list[str], list[str]]:
    """(the best matches, every hit) for "red"; checks the searched count on the way."""
    result = searcher.find(RED_QUERY, filters, limit=None)
    assert result.searched == len(searcher.library.store.photo_ids(filters))
    return sorted(_best(result)), sorted(_names(result.hits))


def test_one_folder_or_several(searcher: Searcher, indexed: Indexed) -> None:
    trips = Filters(folders=(indexed.folder("trips"),))
    best, hits = _filtered(searcher, trips)
    assert best == ["red-c.jpg", "red-d.webp", "red-e.jpg"]
    assert hits == sorted(s.name for s in SHOTS if s.folder.startswith("trips/"))
    two = Filters(folders=(indexed.folder("home"), indexed.folder("trips/2024") + os.sep))
    best, hits = _filtered(searcher, two)
    assert best == ["red-a.jpg", "red-b.png", "red-e.jpg"]
    assert hits == sorted(s.name for s in SHOTS if s.folder in ("home", "trips/2024"))


def test_dates_are_inclusive_and_read_from_exif_or_the_mtime(searcher: Searcher) -> None:
    # red-e's EXIF says 2024-02-29 00:00:00, the first moment of the first day
    best, hits = _filtered(searcher, Filters(after=date(2024, 2, 29)))
    assert best == ["red-e.jpg"]
    assert hits == sorted(s.name for s in SHOTS if _day(s) >= date(2024, 2, 29))
    # red-b has no EXIF: its mtime, 2021-05-05 23:59:59 local time, the last moment of the day
    best, hits = _filtered(searcher, Filters(before=date(2021, 5, 5)))
    assert best == ["red-b.png"]
    assert hits == sorted(s.name for s in SHOTS if _day(s) <= date(2021, 5, 5))
    window = Filters(after=date(2022, 1, 1), before=date(2023, 8, 15))
    best, hits = _filtered(searcher, window)
    assert best == ["red-a.jpg", "red-c.jpg", "red-d.webp"]
    assert hits == sorted(s.name for s in SHOTS if date(2022, 1, 1) <= _day(s) <= date(2023, 8, 15))


def test_type_orientation_and_size(searcher: Searcher) -> None:
    best, hits = _filtered(searcher, Filters(types=("png",)))
    assert best == ["red-b.png"] and hits == sorted(
        s.name for s in SHOTS if s.name.endswith(".png")
    )
    best, hits = _filtered(searcher, Filters(orientation="portrait"))
    assert best == ["red-b.png"] and hits == sorted(s.name for s in SHOTS if s.size == (48, 64))
    best, hits = _filtered(searcher, Filters(min_size=150))
    assert best == ["red-c.jpg"] and hits == sorted(s.name for s in SHOTS if min(s.size) >= 150)


def test_filters_combine_with_a_query(searcher: Searcher, indexed: Indexed) -> None:
    combined = Filters(
        folders=(indexed.folder("trips"),), after=date(2023, 1, 1), orientation="landscape"
    )
    best, hits = _filtered(searcher, combined)
    assert best == ["red-c.jpg", "red-e.jpg"]
    expected = [
        s.name
        for s in SHOTS
        if s.folder.startswith("trips") and _day(s) >= date(2023, 1, 1) and s.size[0] > s.size[1]
    ]
    assert hits == sorted(expected)


def test_filters_that_let_nothing_through(searcher: Searcher, indexed: Indexed) -> None:
    nowhere = Filters(folders=(indexed.folder("nowhere"),))
    with pytest.raises(NoPhotosMatch, match="No photos match these filters"):
        searcher.find(RED_QUERY, nowhere)
    with pytest.raises(NoPhotosMatch):
        searcher.find(parse_query(""), Filters(types=("jxl",)))
    with pytest.raises(NoPhotosMatch):
        searcher.find(RED_QUERY, Filters(after=date(2030, 1, 1)))


# --- browsing: an empty query ------------------------------------------------------------------
def test_an_empty_query_browses_by_filter(searcher: Searcher, indexed: Indexed) -> None:
    home = Filters(folders=(indexed.folder("home"),))
    result = searcher.find(parse_query(""), home, sort="name", limit=None)
    assert not result.ranked and result.best_count == 0 and not result.no_close_match
    assert _names(result.hits) == sorted(s.name for s in SHOTS if s.folder == "home")
    assert result.searched == len(result.hits)
    assert all(hit.score is None and not hit.best for hit in result.hits)
    assert result.hits[0].as_dict()["score"] == 0.0
    without_a_model = search.browse(searcher.library.store, home, "name", None)
    assert without_a_model == result, "the app browses with no model installed"
    with pytest.raises(NoPhotosMatch):
        search.browse(searcher.library.store, Filters(min_size=10_000), "date", 10)

    everything = searcher.find(Query((), ""), NO_FILTERS, limit=5)
    assert len(everything.hits) == 5 and everything.searched == len(SHOTS)
    whens = [hit.row.when for hit in everything.hits]
    assert whens == sorted(whens, reverse=True), "relevance without a query: newest first"
    oldest = searcher.find(Query((), ""), sort="date-asc", limit=1).hits[0]
    assert oldest.row.when == min(
        hit.row.when for hit in searcher.find(Query((), ""), limit=None).hits
    )


# --- what a hit says ---------------------------------------------------------------------------
def test_a_hit_as_json_and_where_its_date_came_from(searcher: Searcher) -> None:
    hits = {Path(hit.path).name: hit for hit in searcher.find(RED_QUERY, limit=None).hits}
    exif, mtime = hits["red-a.jpg"].as_dict(), hits["red-b.png"].as_dict()
    assert list(exif) == ["path", "score", "best", "taken_at", "date_source"]
    assert exif["taken_at"] == "2023-06-01T10:00:00" and exif["date_source"] == "exif"
    assert mtime["taken_at"] == "2021-05-05T23:59:59" and mtime["date_source"] == "mtime"
    assert exif["best"] is True and isinstance(exif["score"], float) and exif["score"] > 0.9
    grey = hits["grey-00.png"]
    assert grey.as_dict()["best"] is False and grey.file_id == grey.row.id
    assert (grey.row.width, grey.row.height, grey.row.format) == (64, 48, "png")


# --- the kept wrappers -------------------------------------------------------------------------
def test_search_and_similar_wrappers(searcher: Searcher, indexed: Indexed, tmp_path: Path) -> None:
    assert sorted(_names(searcher.search("red", k=5))) == sorted(s.name for s in REDS)
    assert searcher.search("   ") == []
    assert _names(searcher.search("./red-a.jpg red", k=1))[0].startswith("red-"), "words only"

    library_photo = indexed.photos / "home" / "red-a.jpg"
    similar = _names(searcher.similar(str(library_photo), k=4))
    assert "red-a.jpg" not in similar and sorted(similar) == [
        "red-b.png",
        "red-c.jpg",
        "red-d.webp",
        "red-e.jpg",
    ]
    outside = solid_colour_image(tmp_path / "elsewhere" / "crimson.png", (250, 5, 5))
    assert sorted(_names(searcher.similar(str(outside), k=5))) == sorted(s.name for s in REDS)
    notes = tmp_path / "notes.jpg"
    notes.write_text("not a photo")
    with pytest.raises(QueryError, match=r"notes\.jpg"):
        searcher.similar(str(notes))


# --- the allowed set: cached until the filters or the library change ---------------------------
def test_the_allowed_set_is_read_again_only_when_the_library_changes(
    indexed: Indexed, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    shutil.copytree(indexed.paths.data, data)
    paths = AppPaths(data, tmp_path / "cache", tmp_path / "config", tmp_path / "logs").ensure()
    pngs = Filters(types=("png",))
    with Library(paths) as library:
        searcher = Searcher(library, indexed.model)
        reads: list[str] = []
        library.store.db.set_trace_callback(reads.append)

        def allowed_reads() -> int:
            return sum(
                statement.startswith("SELECT id FROM files WHERE error IS NULL")
                for statement in reads
            )

        caplog.set_level(logging.INFO, logger="gallery.library.search")
        first = searcher.find(RED_QUERY, pngs, limit=None)
        searcher.find(parse_query("blue"), pngs, limit=None)
        assert allowed_reads() == 1, "the same filters on the same library: read once"
        assert "Search: 1 terms, filters types=png" in caplog.text
        searcher.find(RED_QUERY, Filters(types=("jpeg",)))
        assert allowed_reads() == 2

        red_a = library.store.file_id(str(indexed.photos / "home" / "red-a.jpg"))
        library.store.db.execute("UPDATE files SET format = 'png' WHERE id = ?", (red_a,))
        assert "red-a.jpg" in _best(searcher.find(RED_QUERY, pngs, limit=None))
        other = Store(paths.library_db)  # another window or process commits a change
        other.db.execute("UPDATE files SET format = 'jpeg' WHERE id = ?", (red_a,))
        other.close()
        assert _best(searcher.find(RED_QUERY, pngs, limit=None)) == _best(first)
        assert allowed_reads() == 4
