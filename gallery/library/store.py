"""SQLite: the source of truth for roots, files, failures and vectors.

Vectors live here too, so every hnswlib index can be rebuilt from this file alone. File ids are
AUTOINCREMENT and a changed file gets a new id, so a vector label never comes back to life.
WAL mode lets searches read while an indexer writes. Paths are TEXT, except names that are not
valid UTF-8 (Linux allows any bytes): those are stored as their raw bytes in the same column.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from gallery.errors import LibraryError
from gallery.library import faults
from gallery.library.filters import NO_FILTERS, Filters, Sort, sql_conditions
from gallery.text import say

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]

# Which files a model has vectors for, read without the vectors: the primary key's B-tree holds
# each 2-4 KB vector inline, so a scan by model_id reads the whole table (gigabytes at 1M
# photos); the file_id index holds just the key columns (1M photos: 0.26 s instead of 1.9 s,
# a count 0.04 s instead of 1.6 s; docs/benchmarks.md).
_VECTOR_KEYS = "embeddings INDEXED BY embeddings_file"
# Ids bound per `IN (...)`: SQLite builds before 3.32 allow 999 parameters a statement.
_IN_CHUNK = 500

# The `format` of files decoded before migration 2 recorded it, by extension (any case: LIKE
# ignores ASCII case); what `decode_image` would name them.
_FORMAT_BY_EXTENSION = {
    "jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "png": (".png",),
    "webp": (".webp",),
    "gif": (".gif",),
    "bmp": (".bmp", ".dib"),
    "tiff": (".tif", ".tiff"),
    "heif": (".heic", ".heif", ".hif"),
    "avif": (".avif",),
    "jxl": (".jxl",),
}
_FORMAT_FROM_EXTENSION = (
    "CASE "
    + " ".join(
        "WHEN " + " OR ".join(f"path LIKE '%{ext}'" for ext in extensions) + f" THEN '{name}'"
        for name, extensions in _FORMAT_BY_EXTENSION.items()
    )
    + " END"
)
# Photos a search or a browse can show: decoded, with no recorded failure.
_DECODED = "error IS NULL AND width IS NOT NULL"
_PHOTO_COLUMNS = "id, path, size, mtime_ns, taken_at, width, height, format"

_MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE roots (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        path TEXT NOT NULL UNIQUE,
        added_at REAL NOT NULL
    );
    CREATE TABLE files (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
        path TEXT NOT NULL UNIQUE,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        width INTEGER,
        height INTEGER,
        taken_at REAL,
        error TEXT,
        updated_at REAL NOT NULL
    );
    CREATE INDEX files_root ON files(root_id);
    CREATE TABLE models (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        dim INTEGER NOT NULL,
        generation INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE embeddings (
        model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        vector BLOB NOT NULL,
        PRIMARY KEY (model_id, file_id)
    ) WITHOUT ROWID;
    CREATE INDEX embeddings_file ON embeddings(file_id);
    """,
    # 2: the file's format, for the type filter; an index that answers the filters but the
    # folder (which has the path's) without reading the table (see `Store.photo_ids`)
    f"""
    ALTER TABLE files ADD COLUMN format TEXT;
    UPDATE files SET format = {_FORMAT_FROM_EXTENSION} WHERE {_DECODED};
    CREATE INDEX files_filters ON files(taken_at, mtime_ns, error, width, height, format);
    """,
    # 3: the perceptual fingerprint (gallery.imaging.fingerprint) duplicates are found by; the
    # photos decoded before it get theirs from a background pass, which finds them through
    # the partial index (it shrinks to nothing as the pass goes)
    """
    ALTER TABLE files ADD COLUMN fingerprint INTEGER;
    CREATE INDEX files_fingerprint_pending ON files(id)
        WHERE fingerprint IS NULL AND error IS NULL AND width IS NOT NULL;
    """,
    # 4: text in photos (gallery.library.texts): what the text pass did with each photo (its
    # lines, none, or why it failed), the lines with boxes, and two FTS5 indexes of each
    # photo's folded text: trigrams find any substring of 3+ characters, character pairs (and
    # each run's last character) the 1-2 character words trigrams cannot (2-character Chinese
    # words are common). The FTS rows go with their status row, which goes with the file.
    """
    CREATE TABLE text_status (
        file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
        lines INTEGER NOT NULL,
        error TEXT,
        read_at REAL NOT NULL
    );
    CREATE TABLE text_lines (
        file_id INTEGER NOT NULL REFERENCES text_status(file_id) ON DELETE CASCADE,
        line INTEGER NOT NULL,
        text TEXT NOT NULL,
        box TEXT NOT NULL,
        confidence REAL NOT NULL,
        PRIMARY KEY (file_id, line)
    ) WITHOUT ROWID;
    CREATE VIRTUAL TABLE text_trigrams USING fts5(body, tokenize='trigram');
    CREATE VIRTUAL TABLE text_pairs USING fts5(body, tokenize='unicode61');
    CREATE TRIGGER text_status_gone AFTER DELETE ON text_status BEGIN
        DELETE FROM text_trigrams WHERE rowid = old.file_id;
        DELETE FROM text_pairs WHERE rowid = old.file_id;
    END;
    """,
)
SCHEMA_VERSION = len(_MIGRATIONS)


@dataclass(frozen=True)
class FileRow:
    id: int
    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class PhotoRow:
    """What the grid needs of a photo (size and mtime find its cached thumbnail), and what a
    result shows of it: when it was taken and where that date came from."""

    id: int
    path: str
    size: int
    mtime_ns: int
    taken_at: float | None  # EXIF: the camera's wall clock, stored as if UTC
    width: int | None = None  # as displayed (EXIF orientation applied)
    height: int | None = None
    format: str | None = None  # of filters.PHOTO_TYPES

    @property
    def date_source(self) -> Literal["exif", "mtime"]:
        return "mtime" if self.taken_at is None else "exif"

    @property
    def when(self) -> float:
        """Wall-clock seconds: the EXIF date as it is, else the mtime on this computer's
        clock, so photos with and without EXIF sort (and filter) by the day each one shows."""
        if self.taken_at is not None:
            return self.taken_at
        seconds = self.mtime_ns / 1e9
        try:
            return seconds + time.localtime(seconds).tm_gmtoff
        except (OverflowError, OSError):  # a date the C library cannot place (Windows < 1970)
            return seconds

    def taken_text(self) -> str:
        """`when` as "YYYY-MM-DDTHH:MM:SS"."""
        return (_EPOCH + timedelta(seconds=int(self.when))).isoformat(timespec="seconds")


_EPOCH = datetime(1970, 1, 1)
# `PhotoRow.when` in SQL: SQLite's 'localtime' asks the same C library as time.localtime.
_WHEN_SQL = (
    "COALESCE(taken_at, "
    "(julianday(mtime_ns / 1e9, 'unixepoch', 'localtime') - 2440587.5) * 86400.0)"
)
_ORDER_SQL: dict[Sort, str] = {
    "relevance": f"{_WHEN_SQL} DESC, path",  # browsing has no relevance: newest first
    "date": f"{_WHEN_SQL} DESC, path",
    "date-asc": f"{_WHEN_SQL}, path",
    "name": "photo_name(path), path",
}


def name_key(path: str | bytes) -> str:
    """How a sort by name orders photos: the file name, ignoring case (then the full path).
    SQLite calls it once a row (`photo_name`), so it splits the string instead of making a
    Path (100k photos: 0.1 s instead of 1 s)."""
    return _from_sql(path).rpartition(os.sep)[2].casefold()


def sort_key(sort: Sort) -> Callable[[PhotoRow], tuple[Any, ...]] | None:
    """The Python twin of `_ORDER_SQL`, for sorting a search's hits (None: keep score order)."""
    if sort == "date":
        return lambda row: (-row.when, row.path)
    if sort == "date-asc":
        return lambda row: (row.when, row.path)
    if sort == "name":
        return lambda row: (name_key(row.path), row.path)
    return None


@dataclass(frozen=True)
class ScannedFile:
    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class DiffResult:
    new: int
    updated: int
    removed_ids: list[int]
    unchanged: int


@dataclass(frozen=True)
class Decoded:
    """What the writer records for a file that decoded."""

    file_id: int
    width: int
    height: int
    taken_at: float | None
    format: str | None = None
    fingerprint: int | None = None  # signed 64-bit (gallery.imaging.fingerprint)


# A file whose fingerprint could not be computed (it vanished or no longer decodes): a value no
# fingerprint takes (bit 63, the DC position, is always 0), so the pass does not retry it; a
# changed file gets a new row anyway.
NO_FINGERPRINT = -1
_FINGERPRINT_PENDING = "fingerprint IS NULL AND error IS NULL AND width IS NOT NULL"
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Fingerprints:
    """The fingerprinted photos, as parallel arrays (1M photos: 24 MB, no Python object each)."""

    ids: IntArray
    fingerprints: IntArray
    sizes: IntArray


@dataclass(frozen=True)
class Counts:
    files: int
    indexed: int
    failed: int
    pending: int


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.db = self._connect()
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise faults.sqlite_error(exc, path) or faults.unopenable(exc, path) from exc

    def _connect(self) -> sqlite3.Connection:
        """Read-write in WAL mode; read-only when its folder cannot be written, so a library on
        a read-only drive can still be searched (and any write fails with a clear message)."""
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise faults.os_error(exc, folder, say("create the library folder")) from exc
        if not os.access(folder, os.W_OK):
            if not self.path.exists():
                raise faults.read_only(folder, say("create the library database"))
            log.info("%s is read-only: the library is opened read-only", folder)
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        else:
            db = sqlite3.connect(
                self.path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
            _enter_wal(db)
            db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.create_function("photo_name", 1, name_key, deterministic=True)
        return db

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise LibraryError(
                say(
                    "The library {path} was written by a newer Lumen Gallery "
                    "(schema {version}, this version knows {known}).",
                    path=self.path,
                    version=version,
                    known=SCHEMA_VERSION,
                ),
                say("Update Lumen Gallery."),
            )
        for number in range(version, SCHEMA_VERSION):
            with self.transaction():
                # Another process opening the same new library may have migrated it while
                # this one waited for the write lock: read the version again under it.
                if int(self.db.execute("PRAGMA user_version").fetchone()[0]) > number:
                    continue
                self._apply(number)
            log.info("Library schema migrated to version %d", number + 1)

    def _apply(self, number: int) -> None:
        for statement in _statements(_MIGRATIONS[number]):
            self.db.execute(statement)
        self.db.execute(f"PRAGMA user_version={number + 1}")

    def transaction(self) -> sqlite3.Connection:
        """`with store.transaction():` -> one BEGIN IMMEDIATE ... COMMIT (or ROLLBACK)."""
        return _Transaction(self)  # type: ignore[return-value]

    def _rows_in(
        self, template: str, ids: Sequence[object], params: Sequence[object] = ()
    ) -> Iterator[tuple[Any, ...]]:
        """Run `template` once per chunk of `ids`, its `{marks}` the chunk's placeholders after
        `params`; yields the rows. A chunk runs only when the rows before it are drawn."""
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = list(ids[start : start + _IN_CHUNK])
            query = template.format(marks=",".join("?" * len(chunk)))
            yield from self.db.execute(query, [*params, *chunk])

    # roots ---------------------------------------------------------------------------------
    def add_root(self, path: str) -> int:
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO roots(path, added_at) VALUES (?, ?)",
                (_to_sql(path), time.time()),
            )
            row = self.db.execute(
                "SELECT id FROM roots WHERE path = ?", (_to_sql(path),)
            ).fetchone()
        return int(row[0])

    def roots(self) -> list[str]:
        return [_from_sql(r[0]) for r in self.db.execute("SELECT path FROM roots ORDER BY path")]

    def remove_root(self, path: str) -> list[int]:
        """Forget a folder and its files; returns the removed file ids (vector labels)."""
        with self.transaction():
            ids = [
                r[0]
                for r in self.db.execute(
                    "SELECT f.id FROM files f JOIN roots r ON r.id = f.root_id WHERE r.path = ?",
                    (_to_sql(path),),
                )
            ]
            self.db.execute("DELETE FROM roots WHERE path = ?", (_to_sql(path),))
            if ids:
                self.db.execute("UPDATE models SET generation = generation + 1")
        return ids

    # files ---------------------------------------------------------------------------------
    def files_under(self, root_id: int) -> dict[str, FileRow]:
        rows = self.db.execute(
            "SELECT id, path, size, mtime_ns FROM files WHERE root_id = ?", (root_id,)
        )
        found = (_file_row(r) for r in rows)
        return {row.path: row for row in found}

    def apply_scan(
        self, root_id: int, scanned: Sequence[ScannedFile], unreadable: Sequence[str] = ()
    ) -> DiffResult:
        """Bulk diff one root against its scan, in one transaction.

        Files under `unreadable` folders were not seen, which does not mean they are gone: their
        rows (and vectors) stay until a scan can list those folders again.
        """
        kept = tuple(folder.rstrip(os.sep) + os.sep for folder in unreadable)
        known = self.files_under(root_id)
        seen: set[str] = set()
        new: list[ScannedFile] = []
        changed: list[tuple[int, ScannedFile]] = []
        for item in scanned:
            seen.add(item.path)
            row = known.get(item.path)
            if row is None:
                new.append(item)
            elif row.size != item.size or row.mtime_ns != item.mtime_ns:
                changed.append((row.id, item))
        vanished = [
            row.id for path, row in known.items() if path not in seen and not path.startswith(kept)
        ]
        removed = vanished + [file_id for file_id, _ in changed]
        now = time.time()
        with self.transaction():
            self._delete_files(removed)
            self.db.executemany(
                "INSERT INTO files(root_id, path, size, mtime_ns, updated_at) VALUES (?,?,?,?,?)",
                [
                    (root_id, _to_sql(f.path), f.size, f.mtime_ns, now)
                    for f in new + [item for _, item in changed]
                ],
            )
            if removed:
                self.db.execute("UPDATE models SET generation = generation + 1")
        return DiffResult(
            new=len(new),
            updated=len(changed),
            removed_ids=removed,
            unchanged=len(scanned) - len(new) - len(changed),
        )

    def _delete_files(self, ids: Sequence[int]) -> None:
        for _ in self._rows_in("DELETE FROM files WHERE id IN ({marks})", ids):
            pass  # a DELETE yields no rows: drawing them runs every chunk

    def photos(self) -> list[PhotoRow]:
        """Every decoded photo, newest first by date taken (EXIF, else modification time)."""
        return self.browse(NO_FILTERS, "date", None)

    def photo_rows(self, ids: Sequence[int]) -> dict[int, PhotoRow]:
        rows = self._rows_in(f"SELECT {_PHOTO_COLUMNS} FROM files WHERE id IN ({{marks}})", ids)
        return {r[0]: _photo_row(r) for r in rows}

    def photo_ids(self, filters: Filters) -> list[int]:
        """The decoded photos `filters` let through, in no particular order (a search's
        allowed set: one integer column, nothing per row but the list)."""
        query, params = self._select("id", filters)
        return [r[0] for r in self.db.execute(query, params)]

    def photo_count(self, filters: Filters) -> int:
        query, params = self._select("id", filters)
        return int(self.db.execute(f"SELECT COUNT(*) FROM ({query})", params).fetchone()[0])

    def browse(self, filters: Filters, sort: Sort, limit: int | None) -> list[PhotoRow]:
        """The decoded photos `filters` let through, sorted ("relevance" = newest first),
        at most `limit` (None: all)."""
        query, params = self._select(_PHOTO_COLUMNS, filters)
        query = f"SELECT * FROM ({query}) ORDER BY {_ORDER_SQL[sort]}"
        if limit is not None:
            query += " LIMIT ?"
            params.append(limit)
        return [_photo_row(r) for r in self.db.execute(query, params)]

    def version(self) -> tuple[int, int]:
        """Changes when anyone commits a change to the library: other connections' commits
        move `data_version`, this connection's own changes `total_changes`."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0]), self.db.total_changes

    def _select(self, columns: str, filters: Filters) -> tuple[str, list[object]]:
        """SELECT `columns` of the decoded photos `filters` let through (and its parameters)."""
        selects: list[str] = []
        params: list[object] = []
        for conditions, values in sql_conditions(filters):
            where = " AND ".join([_DECODED, *conditions])
            selects.append(f"SELECT {columns} FROM files WHERE {where}")
            params += values
        return " UNION ALL ".join(selects), params

    def path_of(self, file_id: int) -> str | None:
        row = self.db.execute("SELECT path FROM files WHERE id = ?", (file_id,)).fetchone()
        return None if row is None else _from_sql(row[0])

    def file_id(self, path: str) -> int | None:
        row = self.db.execute("SELECT id FROM files WHERE path = ?", (_to_sql(path),)).fetchone()
        return None if row is None else int(row[0])

    def paths_of(self, ids: Sequence[int]) -> dict[int, str]:
        rows = self._rows_in("SELECT id, path FROM files WHERE id IN ({marks})", ids)
        return {file_id: _from_sql(path) for file_id, path in rows}

    # models and vectors ----------------------------------------------------------------------
    def model_id(self, name: str, dim: int) -> int:
        """The model's id, created on first use (readers never write when it exists)."""
        row = self.db.execute("SELECT id, dim FROM models WHERE name = ?", (name,)).fetchone()
        if row is None:
            with self.transaction():
                self.db.execute(
                    "INSERT OR IGNORE INTO models(name, dim) VALUES (?, ?)", (name, dim)
                )
                row = self.db.execute(
                    "SELECT id, dim FROM models WHERE name = ?", (name,)
                ).fetchone()
        if int(row[1]) != dim:
            raise LibraryError(
                say(
                    "The library holds {held}-d vectors for model {name!r}, but the model now "
                    "gives {dim}-d vectors.",
                    held=row[1],
                    name=name,
                    dim=dim,
                ),
                say("Import the model under a new name, or remove its old index."),
            )
        return int(row[0])

    def find_model(self, name: str) -> int | None:
        row = self.db.execute("SELECT id FROM models WHERE name = ?", (name,)).fetchone()
        return None if row is None else int(row[0])

    def model_names(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM models ORDER BY name")]

    def model_dim(self, model_id: int) -> int:
        row = self.db.execute("SELECT dim FROM models WHERE id = ?", (model_id,)).fetchone()
        return int(row[0])

    def delete_model(self, name: str) -> int:
        """Forget a model and its vectors in one transaction; returns how many vectors went."""
        model_id = self.find_model(name)
        if model_id is None:
            return 0
        with self.transaction():
            removed = self.vector_count(model_id)
            self.db.execute("DELETE FROM models WHERE id = ?", (model_id,))  # vectors cascade
        return removed

    def generation(self, model_id: int) -> int:
        row = self.db.execute("SELECT generation FROM models WHERE id = ?", (model_id,)).fetchone()
        return int(row[0]) if row else 0

    def pending(self, model_id: int, root_ids: Sequence[int] | None = None) -> list[FileRow]:
        """Files with no vector for this model and no recorded failure, oldest id first."""
        query = (
            "SELECT id, path, size, mtime_ns FROM files f WHERE error IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM embeddings e WHERE e.model_id = ? AND e.file_id = f.id)"
        )
        if root_ids is None:
            rows = self.db.execute(query + " ORDER BY id", (model_id,))
            return [_file_row(r) for r in rows]
        found = self._rows_in(query + " AND root_id IN ({marks})", root_ids, (model_id,))
        return sorted((_file_row(r) for r in found), key=lambda row: row.id)

    def commit_batch(
        self,
        model_id: int,
        decoded: Sequence[Decoded],
        ids: Sequence[int],
        vectors: FloatArray,
        failures: Sequence[tuple[int, str]],
    ) -> int:
        """One transaction per batch: metadata, vectors and failures together, or nothing.

        Returns the model's new generation, which the vector index records when it adds them.
        """
        if len(ids) != len(vectors):
            raise ValueError(f"{len(ids)} ids for {len(vectors)} vectors")
        with self.transaction():
            self.db.executemany(
                "UPDATE files SET width = ?, height = ?, taken_at = ?, format = ?, "
                "fingerprint = ?, error = NULL WHERE id = ?",
                [
                    (d.width, d.height, d.taken_at, d.format, d.fingerprint, d.file_id)
                    for d in decoded
                ],
            )
            dim = self.db.execute("SELECT dim FROM models WHERE id = ?", (model_id,)).fetchone()[0]
            if len(ids) and vectors.shape[1] != dim:
                raise LibraryError(
                    say(
                        "{given}-d vectors for a {dim}-d model index.",
                        given=vectors.shape[1],
                        dim=dim,
                    ),
                    say("This is a bug; please report it with the log file."),
                )
            self.db.executemany(
                "INSERT OR REPLACE INTO embeddings(model_id, file_id, vector) "
                "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM files WHERE id = ?)",
                [
                    (model_id, file_id, vectors[i].astype(np.float32).tobytes(), file_id)
                    for i, file_id in enumerate(ids)
                ],
            )
            self.db.executemany(
                "UPDATE files SET error = ? WHERE id = ?",
                [(reason, file_id) for file_id, reason in failures],
            )
            self.db.execute(
                "UPDATE models SET generation = generation + 1 WHERE id = ?", (model_id,)
            )
            return self.generation(model_id)

    def exported(
        self, model_id: int, chunk: int = 10_000
    ) -> Iterator[list[tuple[str, int, int, str, bytes]]]:
        """Each vector of a model with its file's path, size, mtime_ns and root, in chunks
        (`gallery vectors export`)."""
        rows = self.db.execute(
            "SELECT f.path, f.size, f.mtime_ns, r.path, e.vector FROM embeddings e "
            "JOIN files f ON f.id = e.file_id JOIN roots r ON r.id = f.root_id "
            "WHERE e.model_id = ? ORDER BY f.id",
            (model_id,),
        )
        while part := list(islice(rows, chunk)):
            yield [(_from_sql(p), size, ns, _from_sql(root), v) for p, size, ns, root, v in part]

    def file_rows(self, paths: Sequence[str]) -> dict[str, FileRow]:
        """The rows of those of `paths` the library holds."""
        found = self._rows_in(
            "SELECT id, path, size, mtime_ns FROM files WHERE path IN ({marks})",
            [_to_sql(path) for path in paths],
        )
        rows = (_file_row(r) for r in found)
        return {row.path: row for row in rows}

    def add_files(self, root_id: int, files: Sequence[ScannedFile]) -> dict[str, int]:
        """Insert files found some other way than a scan (a vectors file); their ids by path."""
        now = time.time()
        with self.transaction():
            self.db.executemany(
                "INSERT INTO files(root_id, path, size, mtime_ns, updated_at) VALUES (?,?,?,?,?)",
                [(root_id, _to_sql(f.path), f.size, f.mtime_ns, now) for f in files],
            )
        return {path: row.id for path, row in self.file_rows([f.path for f in files]).items()}

    def vector_ids(self, model_id: int) -> tuple[set[int], int]:
        """The labels SQLite holds for a model and the generation they belong to (one snapshot)."""
        self.db.execute("BEGIN")
        try:
            ids = {
                r[0]
                for r in self.db.execute(
                    f"SELECT file_id FROM {_VECTOR_KEYS} WHERE model_id = ?", (model_id,)
                )
            }
            return ids, self.generation(model_id)
        finally:
            self.db.execute("COMMIT")

    def vectors(
        self, model_id: int, ids: Iterable[int] | None = None, chunk: int = 10_000
    ) -> Iterator[tuple[list[int], FloatArray]]:
        """Stored vectors in chunks (all of the model's, or just `ids`)."""
        query = "SELECT file_id, vector FROM embeddings WHERE model_id = ?"
        rows = (
            self.db.execute(query, (model_id,))
            if ids is None
            else self._rows_in(query + " AND file_id IN ({marks})", list(ids), (model_id,))
        )
        while part := list(islice(rows, chunk)):
            yield _unpack(part)

    def vector_of(self, model_id: int, file_id: int) -> FloatArray | None:
        found = list(self.vectors(model_id, [file_id]))
        return found[0][1][0] if found else None

    def counts(self, model_id: int | None) -> Counts:
        files, failed = self.db.execute("SELECT COUNT(*), COUNT(error) FROM files").fetchone()
        indexed = 0 if model_id is None else self.vector_count(model_id)
        return Counts(files=files, indexed=indexed, failed=failed, pending=files - failed - indexed)

    def vector_count(self, model_id: int) -> int:
        row = self.db.execute(
            f"SELECT COUNT(*) FROM {_VECTOR_KEYS} WHERE model_id = ?", (model_id,)
        ).fetchone()
        return int(row[0])

    # fingerprints ------------------------------------------------------------------------------
    def fingerprints(self, folders: Sequence[str] = ()) -> Fingerprints:
        """Every decoded photo's fingerprint (under `folders`, when given) with its id and size."""
        query, params = self._select("id, fingerprint, size", Filters(folders=tuple(folders)))
        query = (
            f"SELECT * FROM ({query}) WHERE fingerprint IS NOT NULL AND fingerprint != ? "
            "ORDER BY id"
        )
        rows = self.db.execute(query, [*params, NO_FINGERPRINT]).fetchall()
        table = np.array(rows, dtype=np.int64).reshape(len(rows), 3)
        return Fingerprints(table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy())

    def fingerprint_pending(self, after_id: int = 0, limit: int = 256) -> list[FileRow]:
        """Decoded photos with no fingerprint yet (from before migration 3), by id after
        `after_id`, at most `limit`."""
        rows = self.db.execute(
            "SELECT id, path, size, mtime_ns FROM files INDEXED BY files_fingerprint_pending "
            f"WHERE {_FINGERPRINT_PENDING} AND id > ? ORDER BY id LIMIT ?",
            (after_id, limit),
        )
        return [_file_row(r) for r in rows]

    def fingerprint_pending_count(self) -> int:
        query = (
            "SELECT COUNT(*) FROM files INDEXED BY files_fingerprint_pending "
            f"WHERE {_FINGERPRINT_PENDING}"
        )
        return int(self.db.execute(query).fetchone()[0])

    def set_fingerprints(self, found: Sequence[tuple[int, int]]) -> None:
        """Record backfilled fingerprints (file id, fingerprint or NO_FINGERPRINT) in one
        transaction; a row deleted meanwhile is skipped, as is one that got its fingerprint
        from a newer decode."""
        with self.transaction():
            self.db.executemany(
                "UPDATE files SET fingerprint = ? WHERE id = ? AND fingerprint IS NULL",
                [(value, file_id) for file_id, value in found],
            )

    def failures(self) -> list[tuple[str, str]]:
        return [
            (_from_sql(r[0]), r[1])
            for r in self.db.execute(
                "SELECT path, error FROM files WHERE error IS NOT NULL ORDER BY path"
            )
        ]


def _statements(script: str) -> Iterator[str]:
    """The statements of a migration, a trigger's body (its own semicolons) kept whole."""
    statement = ""
    for part in script.split(";"):
        statement += part + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                yield statement
            statement = ""


def _enter_wal(db: sqlite3.Connection, patience: float = 30.0) -> None:
    """Switch to WAL. A new database is still in rollback mode, where SQLite answers a lock
    upgrade that could deadlock with "database is locked" at once, without the busy timeout:
    two processes opening one new library together (the app and a CLI run) then retry here
    until the other has switched or migrated, as the busy timeout would have waited."""
    deadline = time.monotonic() + patience
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _to_sql(path: str) -> str | bytes:
    """TEXT for a path that is valid UTF-8; its exact bytes (a BLOB) for one that is not."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path)
    return path


def _from_sql(value: str | bytes) -> str:
    """The inverse of `_to_sql`: bytes come back as the str that os functions accept."""
    return value if isinstance(value, str) else os.fsdecode(value)


def _file_row(row: tuple[int, str | bytes, int, int]) -> FileRow:
    return FileRow(row[0], _from_sql(row[1]), row[2], row[3])


def _photo_row(row: tuple[Any, ...]) -> PhotoRow:
    return PhotoRow(row[0], _from_sql(row[1]), *row[2:])


def _unpack(rows: list[tuple[int, bytes]]) -> tuple[list[int], FloatArray]:
    ids = [r[0] for r in rows]
    matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
    return ids, matrix


class _Transaction:
    """BEGIN IMMEDIATE so two writers queue on the lock instead of failing mid-way.

    A failure of the disk (full, read-only, I/O) comes out as a LibraryError; SQLite has rolled
    the transaction back by then, so every earlier commit is intact.
    """

    def __init__(self, store: Store) -> None:
        self.db = store.db
        self.path = store.path

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            self._raise_for(exc)
            raise
        return self.db

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            try:
                self.db.execute("COMMIT")
            except sqlite3.Error as commit_error:
                self._rollback()
                self._raise_for(commit_error)
                raise
            return
        self._rollback()
        if isinstance(exc, sqlite3.Error):
            self._raise_for(exc)

    def _rollback(self) -> None:
        if self.db.in_transaction:  # SQLite rolls back by itself after some errors
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")

    def _raise_for(self, exc: sqlite3.Error) -> None:
        error = faults.sqlite_error(exc, self.path)
        if error is not None:
            raise error from exc
