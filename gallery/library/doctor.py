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
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from gallery.errors import LibraryError
from gallery.library.library import Library, index_file_name
from gallery.library.lock import LOCK_FILE_NAME, WriterLock
from gallery.library.store import Store
from gallery.library.vectors import INDEX_SUFFIX, read_live_labels
from gallery.paths import AppPaths
from gallery.text import Text, say

log = logging.getLogger(__name__)

REBUILD = say("a repair rebuilds it from the library")


@dataclass(frozen=True)
class _Orphans:
    """Rows no part of the app can use, and what a check and a repair say about them."""

    rows: str  # the rows to delete, after "SELECT COUNT(*) FROM" or "DELETE FROM"
    found: Callable[[int], Text]  # what is wrong with that many rows
    deleted: Callable[[int], Text]  # what a repair did about them


_ORPHANS = (
    _Orphans(
        "embeddings WHERE file_id NOT IN (SELECT id FROM files)",
        lambda count: say("{count} vectors belong to no file", count=count),
        lambda count: say("Deleted {count} rows: vectors belong to no file.", count=count),
    ),
    _Orphans(
        "embeddings WHERE model_id NOT IN (SELECT id FROM models)",
        lambda count: say("{count} vectors belong to no model", count=count),
        lambda count: say("Deleted {count} rows: vectors belong to no model.", count=count),
    ),
    _Orphans(
        "files WHERE root_id NOT IN (SELECT id FROM roots)",
        lambda count: say("{count} files belong to no folder", count=count),
        lambda count: say("Deleted {count} rows: files belong to no folder.", count=count),
    ),
    _Orphans(
        "embeddings WHERE EXISTS (SELECT 1 FROM models m WHERE m.id = embeddings.model_id "
        "AND length(embeddings.vector) != 4 * m.dim)",
        lambda count: say("{count} vectors have the wrong size for their model", count=count),
        lambda count: say(
            "Deleted {count} rows: vectors have the wrong size for their model.", count=count
        ),
    ),
)


@dataclass(frozen=True)
class Problem:
    what: Text
    fix: Text  # what a repair does about it, or what the user must do
    repairable: bool = True


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)
    repaired: list[Text] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, **asdict(self)}


def check(paths: AppPaths) -> Report:
    """What is wrong with the library and what a repair would do about it; fixes nothing."""
    report = Report()
    if not paths.library_db.exists():
        report.notes.append(say("There is no library yet at {db}.", db=paths.library_db))
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
            locked = lock.try_acquire(say("checking this library"), brief=True)
        except LibraryError:  # a read-only folder: no one can be writing its index files
            locked = True
        if not locked:
            report.notes.append(
                say(
                    "Another Lumen Gallery is writing to this library, so its vector index files "
                    "are not compared (they are saved when it finishes); check again afterwards."
                )
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
    actions: list[Text] = []
    try:
        with library.writing(say("repairing this library"), wait_seconds):
            for leftover in sorted(paths.indexes.glob("*.tmp")):
                with contextlib.suppress(OSError):
                    leftover.unlink()
                    actions.append(
                        say("Removed the leftover temporary file {name}.", name=leftover.name)
                    )
            store = library.store
            fixed_sqlite = _repair_sqlite(store)
            actions += fixed_sqlite
            for _, name, dim in [] if _damage(store) else _models(store):
                if _index_problems(store, paths, name):
                    library.index_path(name).unlink(missing_ok=True)  # opening rebuilds it
                    index = library.vector_index(name, dim)
                    actions.append(
                        say(
                            "Rebuilt the vector index of {name} ({count} vectors).",
                            name=name,
                            count=len(index),
                        )
                    )
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
        say("The library database cannot be opened: {error}", error=exc.message),
        say(
            "Restore library.sqlite3 from a backup, or move it away and index again into a new "
            "library (your photos are never touched)."
        ),
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
                say(
                    "The library database failed its integrity check: {damage}",
                    damage="; ".join(damage[:3]),
                ),
                say(
                    "a repair rebuilds the database's indexes; if that is not enough, restore "
                    "library.sqlite3 from a backup"
                ),
            )
        )
        return problems  # counting rows in a damaged file proves nothing
    for orphans in _ORPHANS:
        count = int(store.db.execute(f"SELECT COUNT(*) FROM {orphans.rows}").fetchone()[0])
        if count:
            problems.append(Problem(orphans.found(count), say("a repair deletes them")))
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
        missing_file = say(
            "The vector index of {name} ({file}) is missing", name=name, file=path.name
        )
        return [Problem(missing_file, REBUILD)]
    try:
        live = read_live_labels(path, dim)
    except ValueError as exc:
        unreadable = say(
            "The vector index of {name} ({file}) cannot be read: {error}",
            name=name,
            file=path.name,
            error=str(exc),
        )
        return [Problem(unreadable, REBUILD)]
    missing, extra = len(expected - live), len(live - expected)
    if not missing and not extra:
        return []
    return [
        Problem(
            say(
                "The vector index of {name} ({file}) disagrees with the library: "
                "{missing} vectors missing, {extra} that the library does not have",
                name=name,
                file=path.name,
                missing=missing,
                extra=extra,
            ),
            REBUILD,
        )
    ]


def _leftovers(paths: AppPaths, store: Store) -> list[Text]:
    """Harmless files worth mentioning: interrupted saves and indexes of unknown models."""
    notes = [
        say("{file} is left over from an interrupted save; a repair removes it.", file=tmp.name)
        for tmp in sorted(paths.indexes.glob("*.tmp"))
    ]
    known = {index_file_name(name) for _, name, _ in _models(store)}
    notes += [
        say("{file} belongs to no model in the library; it is not used.", file=path.name)
        for path in sorted(paths.indexes.glob(f"*{INDEX_SUFFIX}"))
        if path.name not in known
    ]
    return notes


# repairs -----------------------------------------------------------------------------------
def _repair_sqlite(store: Store) -> list[Text]:
    actions = []
    if _damage(store):
        store.db.execute("REINDEX")
        actions.append(say("Rebuilt the database's indexes (REINDEX)."))
        if _damage(store):
            return actions  # beyond repair: the fresh check reports it
    with store.transaction():
        for orphans in _ORPHANS:
            deleted = store.db.execute(f"DELETE FROM {orphans.rows}").rowcount
            if deleted > 0:
                actions.append(orphans.deleted(deleted))
        if actions:
            store.db.execute("UPDATE models SET generation = generation + 1")
    return actions
