"""`gallery doctor --check / --repair` and the self-healing vector index, through the real CLI
on libraries damaged the way disks and crashes damage them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from gallery.library.lock import WriterLock
from tests.conftest import RunResult, parse_json
from tests.support.tiny_models import COLOURS, solid_colour_image

Cli = Callable[..., RunResult]


@pytest.fixture
def library(tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path]) -> Path:
    """A library with one photo of each colour indexed; returns the photo folder."""
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    for name in COLOURS:
        solid_colour_image(tmp_path / "photos" / f"{name}.jpg", name)
    gallery_cli("index", str(tmp_path / "photos"))
    return tmp_path / "photos"


def _log_since(log: Path, offset: int) -> str:
    return log.read_text(encoding="utf-8")[offset:]


@pytest.mark.parametrize("damage", ["missing", "truncated", "garbage"])
def test_search_rebuilds_a_damaged_index_file(
    damage: str, library: Path, gallery_cli: Cli, lumen_home: Path
) -> None:
    index_file = lumen_home / "data" / "indexes" / "colours.hnsw"
    if damage == "missing":
        index_file.unlink()
    elif damage == "truncated":
        index_file.write_bytes(index_file.read_bytes()[: index_file.stat().st_size // 2])
    else:
        index_file.write_bytes(b"\x00not an index" * 200)
    log = lumen_home / "logs" / "lumen-gallery.log"
    offset = len(log.read_text(encoding="utf-8"))

    hits = parse_json(gallery_cli("search", "purple", "-n", "3", "--json"))

    assert Path(hits[0]["path"]).name == "purple.jpg" and len(hits) == 3
    logged = _log_since(log, offset)
    assert "rebuilding it from the library" in logged
    assert "Rebuilt vector index colours.hnsw with 8 vectors" in logged
    # The search saved its repaired copy, so the next one loads the file as it is.
    offset = len(log.read_text(encoding="utf-8"))
    top = parse_json(gallery_cli("search", "green", "-n", "1", "--json"))
    assert Path(top[0]["path"]).name == "green.jpg"
    assert "Rebuilt" not in _log_since(log, offset)
    assert gallery_cli("doctor", "--check").returncode == 0


def test_check_finds_orphans_bad_vectors_and_a_stale_index_and_repair_fixes_them(
    library: Path, gallery_cli: Cli, lumen_home: Path
) -> None:
    db = sqlite3.connect(lumen_home / "data" / "library.sqlite3", isolation_level=None)
    db.execute("PRAGMA foreign_keys=OFF")  # as a crash-free but buggy or foreign writer could
    db.execute("INSERT INTO embeddings(model_id, file_id, vector) VALUES (1, 99999, zeroblob(32))")
    db.execute(
        "INSERT INTO files(root_id, path, size, mtime_ns, updated_at) "
        "VALUES (42, '/nowhere/x.jpg', 1, 1, 0)"
    )
    db.execute(
        "UPDATE embeddings SET vector = zeroblob(12) "
        "WHERE file_id = (SELECT id FROM files WHERE path LIKE '%/red.jpg')"
    )
    db.execute(
        "DELETE FROM embeddings "
        "WHERE file_id = (SELECT id FROM files WHERE path LIKE '%/green.jpg')"
    )
    db.close()
    (lumen_home / "data" / "indexes" / "colours.hnsw.tmp").write_bytes(b"half a save")

    checked = gallery_cli("doctor", "--check", check=False)
    assert checked.returncode == 1
    assert "Run 'gallery doctor --repair' to fix them." in checked.stdout
    report = parse_json(gallery_cli("doctor", "--check", "--json", check=False))
    assert not report["ok"]
    assert [p["what"] for p in report["problems"]] == [
        "1 vectors belong to no file",
        "1 files belong to no folder",
        "1 vectors have the wrong size for their model",
        "The vector index of colours (colours.hnsw) disagrees with the library: "
        "1 vectors missing, 1 that the library does not have",
    ]
    assert any("colours.hnsw.tmp is left over" in note for note in report["notes"])

    repaired = gallery_cli("doctor", "--repair")
    assert "repaired: Deleted 1 rows: vectors belong to no file." in repaired.stdout
    assert "repaired: Rebuilt the vector index of colours (6 vectors)." in repaired.stdout
    assert "repaired: Removed the leftover temporary file colours.hnsw.tmp." in repaired.stdout
    assert "is healthy" in repaired.stdout
    assert gallery_cli("doctor", "--check").returncode == 0

    # The next run recomputes the two vectors the damage cost.
    summary = parse_json(gallery_cli("index", str(library), "--json"))
    assert (summary["embedded"], summary["skipped"]) == (2, 6)
    status = parse_json(gallery_cli("status", "--json"))
    assert status["models"]["colours"] == {"indexed": 8, "failed": 0, "pending": 0}
    for word in ("red", "green"):
        top = parse_json(gallery_cli("search", word, "-n", "1", "--json"))
        assert Path(top[0]["path"]).name == f"{word}.jpg"


def test_a_damaged_database_index_is_found_and_rebuilt(
    library: Path, gallery_cli: Cli, lumen_home: Path
) -> None:
    db = sqlite3.connect(lumen_home / "data" / "library.sqlite3", isolation_level=None)
    db.execute("PRAGMA writable_schema=ON")  # the index's order no longer matches its pages
    db.execute(
        "UPDATE sqlite_schema SET sql = 'CREATE INDEX embeddings_file ON embeddings(file_id DESC)' "
        "WHERE name = 'embeddings_file'"
    )
    db.close()

    checked = gallery_cli("doctor", "--check", check=False)
    assert checked.returncode == 1
    assert "failed its integrity check: row 1 missing from index embeddings_file" in checked.stdout
    repaired = gallery_cli("doctor", "--repair")
    assert "repaired: Rebuilt the database's indexes (REINDEX)." in repaired.stdout
    assert gallery_cli("doctor", "--check").returncode == 0
    top = parse_json(gallery_cli("search", "yellow", "-n", "1", "--json"))
    assert Path(top[0]["path"]).name == "yellow.jpg"


def test_an_unreadable_database_is_a_clear_error(
    gallery_cli: Cli, model_dirs: dict[str, Path], lumen_home: Path
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    (lumen_home / "data" / "library.sqlite3").write_bytes(b"this is not a database\n" * 500)

    checked = gallery_cli("doctor", "--check", check=False)
    assert checked.returncode == 1
    assert "The library database cannot be opened" in checked.stdout
    assert "Restore library.sqlite3 from a backup" in checked.stdout
    search = gallery_cli("search", "red", check=False)
    assert search.returncode == 2
    assert "is damaged (file is not a database)" in search.stderr
    assert "gallery doctor --check" in search.stderr


def test_repair_waits_for_no_indexer_and_check_skips_the_index_files(
    library: Path, gallery_cli: Cli, lumen_home: Path
) -> None:
    indexer = WriterLock(lumen_home / "data" / "library.lock")
    indexer.acquire("indexing this library")
    try:
        refused = gallery_cli("doctor", "--repair", check=False)
        assert refused.returncode == 2
        assert "Another Lumen Gallery is indexing this library (pid" in refused.stderr
        checked = gallery_cli("doctor", "--check")
        assert "vector index files are not compared" in checked.stdout
    finally:
        indexer.release()
