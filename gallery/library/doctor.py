"""Check and repair the library: is it whole, and do its vector indexes agree?

SQLite is the truth. A check runs SQLite's integrity check, looks for rows that belong to
nothing (orphans) and vectors of the wrong size, and compares the live labels of every saved
vector index with SQLite's vectors. A repair deletes what SQLite cannot vouch for and rebuilds
index files from SQLite: a photo loses at most its vector, which the next index run recomputes.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Any

from gallery.errors import LibraryError
from gallery.library.library import Library, index_file_name
from gallery.library.lock import LOCK_FILE_NAME, WriterLock
from gallery.library.store import Store
from gallery.library.vectors import INDEX_SUFFIX, read_live_labels
from gallery.paths import AppPaths

log = logging.getLogger(__name__)

REBUILD = "a repair rebuilds it from the library"

# (what is wrong, the rows to delete): each query selects rows no part of the app can use.
_ORPHANS = (
    ("vectors belong to no file", "embeddings WHERE file_id NOT IN (SELECT id FROM files)"),
    ("vectors belong to no model", "embeddings WHERE model_id NOT IN (SELECT id FROM models)"),
    ("files belong to no folder", "files WHERE root_id NOT IN (SELECT id FROM roots)"),
    (
        "vectors have the wrong size for their model",
        "embeddings WHERE EXISTS (SELECT 1 FROM models m WHERE m.id = embeddings.model_id "
        "AND length(embeddings.vector) != 4 * m.dim)",
    ),
)


@dataclass(frozen=True)
class Problem:
    what: str
    fix: str  # what a repair does about it, or what the user must do
    repairable: bool = True


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, **asdict(self)}


def check(paths: AppPaths) -> Report:
    """What is wrong with the library and what a repair would do about it; fixes nothing."""
    report = Report()
    if not paths.library_db.exists():
        report.notes.append(f"There is no library yet at {paths.library_db}.")
        return report
    try:
        store = Store(paths.library_db)
    except LibraryError as exc:
        report.problems.append(_unopenable(exc))
        return report
    try:
        report.problems += _sqlite_problems(store)
        lock = WriterLock(paths.data / LOCK_FILE_NAME)
        try:
            locked = lock.try_acquire("checking this library", brief=True)
        except LibraryError:  # a read-only folder: no one can be writing its index files
            locked = True
        if not locked:
            report.notes.append(
                "Another Lumen Gallery is writing to this library, so its vector index files "
                "are not compared (they are saved when it finishes); check again afterwards."
            )
            return report
        try:
            for _, name, _ in _models(store):
                report.problems += _index_problems(store, paths, name)
            report.notes += _leftovers(paths, store)
        finally:
            lock.release()
    finally:
        store.close()
    return report


def repair(paths: AppPaths, wait_seconds: float = 0.0) -> Report:
    """Fix what can be fixed, holding the writer lock; the report ends with a fresh check."""
    if not paths.library_db.exists():
        return check(paths)
    try:
        library = Library(paths)
    except LibraryError as exc:
        return Report(problems=[_unopenable(exc)])
    actions: list[str] = []
    try:
        with library.writing("repairing this library", wait_seconds):
            for leftover in sorted(paths.indexes.glob("*.tmp")):
                with contextlib.suppress(OSError):
                    leftover.unlink()
                    actions.append(f"Removed the leftover temporary file {leftover.name}.")
            store = library.store
            fixed_sqlite = _repair_sqlite(store)
            actions += fixed_sqlite
            for _, name, dim in [] if _damage(store) else _models(store):
                if _index_problems(store, paths, name):
                    library.index_path(name).unlink(missing_ok=True)  # opening rebuilds it
                    index = library.vector_index(name, dim)
                    actions.append(f"Rebuilt the vector index of {name} ({len(index)} vectors).")
                elif fixed_sqlite:
                    library.vector_index(name, dim)  # catches up with what SQLite dropped
            library.save()
    finally:
        library.close()
    report = check(paths)
    report.repaired = actions
    return report


# checks ------------------------------------------------------------------------------------
def _unopenable(exc: LibraryError) -> Problem:
    return Problem(
        f"The library database cannot be opened: {exc.message}",
        "Restore library.sqlite3 from a backup, or move it away and index again into a new "
        "library (your photos are never touched).",
        repairable=False,
    )


def _models(store: Store) -> list[tuple[int, str, int]]:
    return [
        (int(r[0]), str(r[1]), int(r[2]))
        for r in store.db.execute("SELECT id, name, dim FROM models ORDER BY name")
    ]


def _damage(store: Store) -> list[str]:
    rows = [str(r[0]) for r in store.db.execute("PRAGMA integrity_check(20)")]
    return [] if rows == ["ok"] else rows


def _sqlite_problems(store: Store) -> list[Problem]:
    problems = []
    try:
        damage = _damage(store)
    except sqlite3.DatabaseError as exc:
        damage = [str(exc)]
    if damage:
        problems.append(
            Problem(
                f"The library database failed its integrity check: {'; '.join(damage[:3])}",
                "a repair rebuilds the database's indexes; if that is not enough, restore "
                "library.sqlite3 from a backup",
            )
        )
        return problems  # counting rows in a damaged file proves nothing
    for what, rows in _ORPHANS:
        count = int(store.db.execute(f"SELECT COUNT(*) FROM {rows}").fetchone()[0])
        if count:
            problems.append(Problem(f"{count} {what}", "a repair deletes them"))
    return problems


def _index_problems(store: Store, paths: AppPaths, name: str) -> list[Problem]:
    """Does the saved index file answer with exactly the vectors SQLite holds?"""
    model_id, dim = store.db.execute(
        "SELECT id, dim FROM models WHERE name = ?", (name,)
    ).fetchone()
    expected, _ = store.vector_ids(model_id)
    path = paths.indexes / index_file_name(name)
    if not path.exists():
        if not expected:
            return []
        return [Problem(f"The vector index of {name} ({path.name}) is missing", REBUILD)]
    try:
        live = read_live_labels(path, dim)
    except ValueError as exc:
        return [Problem(f"The vector index of {name} ({path.name}) cannot be read: {exc}", REBUILD)]
    missing, extra = len(expected - live), len(live - expected)
    if not missing and not extra:
        return []
    return [
        Problem(
            f"The vector index of {name} ({path.name}) disagrees with the library: "
            f"{missing} vectors missing, {extra} that the library does not have",
            REBUILD,
        )
    ]


def _leftovers(paths: AppPaths, store: Store) -> list[str]:
    """Harmless files worth mentioning: interrupted saves and indexes of unknown models."""
    notes = [
        f"{tmp.name} is left over from an interrupted save; a repair removes it."
        for tmp in sorted(paths.indexes.glob("*.tmp"))
    ]
    known = {index_file_name(name) for _, name, _ in _models(store)}
    notes += [
        f"{path.name} belongs to no model in the library; it is not used."
        for path in sorted(paths.indexes.glob(f"*{INDEX_SUFFIX}"))
        if path.name not in known
    ]
    return notes


# repairs -----------------------------------------------------------------------------------
def _repair_sqlite(store: Store) -> list[str]:
    actions = []
    if _damage(store):
        store.db.execute("REINDEX")
        actions.append("Rebuilt the database's indexes (REINDEX).")
        if _damage(store):
            return actions  # beyond repair: the fresh check reports it
    with store.transaction():
        for what, rows in _ORPHANS:
            deleted = store.db.execute(f"DELETE FROM {rows}").rowcount
            if deleted > 0:
                actions.append(f"Deleted {deleted} rows: {what}.")
        if actions:
            store.db.execute("UPDATE models SET generation = generation + 1")
    return actions
