"""Generated photos and the invariants a library must keep whatever happened to the process
that wrote it (killed, out of disk, its photos gone): checked with plain SQLite, not our code."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from PIL import Image


def write_photos(
    folder: Path, count: int, size: tuple[int, int] = (64, 48), seed: int = 0
) -> list[Path]:
    """`count` JPEGs of random solid colours, 100 to a subfolder, in scan order."""
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        path = folder / f"{i // 100:03d}" / f"{i:05d}.jpg"
        if i % 100 == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        Image.new("RGB", size, colour).save(path, quality=90)
        paths.append(path)
    return paths


@dataclass(frozen=True)
class LibraryState:
    files: int
    vectors: int
    failed: int


def assert_consistent(db: Path, photos: set[str], dim: int) -> LibraryState:
    """No damage, no duplicates, no orphans, no half-written batch; returns the counts."""
    con = sqlite3.connect(db, timeout=30)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        if con.execute("PRAGMA user_version").fetchone()[0] == 0:
            return LibraryState(0, 0, 0)  # killed before its schema was committed
        paths = [row[0] for row in con.execute("SELECT path FROM files")]
        assert len(paths) == len(set(paths)), "duplicate paths"
        assert set(paths) <= photos, "rows for files that are not photos of the test"
        orphans = con.execute(
            "SELECT COUNT(*) FROM embeddings WHERE file_id NOT IN (SELECT id FROM files)"
        ).fetchone()[0]
        assert orphans == 0, "vectors without a file"
        sizes = {row[0] for row in con.execute("SELECT DISTINCT length(vector) FROM embeddings")}
        assert sizes <= {4 * dim}, f"vectors of the wrong size: {sizes}"
        # A batch commits metadata and vectors together: never one without the other.
        half = con.execute(
            "SELECT COUNT(*) FROM files f WHERE (f.width IS NOT NULL) != "
            "EXISTS (SELECT 1 FROM embeddings e WHERE e.file_id = f.id)"
        ).fetchone()[0]
        assert half == 0, "a batch was committed in part"
        vectors = con.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
        failed = con.execute("SELECT COUNT(*) FROM files WHERE error IS NOT NULL").fetchone()[0]
        return LibraryState(len(paths), vectors, failed)
    finally:
        con.close()
