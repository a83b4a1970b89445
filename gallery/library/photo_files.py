"""Trash, copy and move photos, and keep the library in step at once.

A trash goes to the desktop's trash (`send2trash`), never a permanent delete; the trashed
files' rows leave SQLite (their vectors cascade) and the open vector indexes in the same call,
so a search right after cannot show them. A move inside the library keeps the photo's row, id
and vectors (its path and root change; nothing is embedded again); a move out of it forgets the
photo. A copy never overwrites: a name that exists gets " (2)", " (3)"...; the copies are new
files for the indexer. Each file succeeds or fails on its own, with a reason a person can read,
and the rest go on; the library is updated for what was done even when the run stops early.

This runs beside the app's own indexer (which holds the writer lock for its whole run), so it
takes no writer lock: each library update is one short SQLite transaction. A file row deleted
mid-run is harmless to the indexer (`Store.commit_batch` skips vectors of vanished rows), and
the models' generation moves with every deletion, so a saved index file that still holds the
deleted labels no longer matches SQLite and is caught up when it is next opened.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import send2trash  # type: ignore[import-untyped]
from send2trash.exceptions import TrashPermissionError  # type: ignore[import-untyped]

from gallery.errors import UserError
from gallery.imaging import thumbnail_file
from gallery.library.library import Library
from gallery.library.store import Store, _from_sql, _to_sql
from gallery.text import Text, say

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (files done, files in all)
# Errors of the destination itself: every file after the first would fail the same way.
_DESTINATION_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})
_COPY_CHUNK = 1 << 20


@dataclass
class FileActionResult:
    done: list[str]  # the paths given that were trashed, copied or moved
    failed: list[tuple[str, Text]]  # each path that was not, with why
    # (source, destination) of each copy or move: what an undo needs (copies go to the trash,
    # moves go back)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    cancelled: bool = False  # stopped on request before every path was tried


class DestinationError(UserError):
    """The folder chosen for a copy or a move cannot take files."""


def trash_photos(
    library: Library,
    paths: Sequence[str],
    trash: Callable[[str], None] = send2trash.send2trash,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> FileActionResult:
    """Send each file to the desktop's trash, then forget the trashed ones in the library.
    A file that cannot be trashed keeps its place in the library."""
    result = FileActionResult([], [])
    try:
        for number, path in enumerate(paths, 1):
            if _stopped(cancel, result):
                break
            try:
                trash(path)
            except OSError as exc:
                log.info("Could not move %s to the trash: %s", path, exc)
                result.failed.append((path, _reason(exc)))
            else:
                result.done.append(path)
            if progress is not None:
                progress(number, len(paths))
    finally:
        forget_paths(library, result.done)
    log.info("Moved %d photos to the trash, %d failed", len(result.done), len(result.failed))
    return result


def copy_photos(
    paths: Sequence[str],
    folder: str | Path,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> FileActionResult:
    """Copy each file into `folder` with its dates (as `shutil.copy2`); never overwrites."""
    target = writable_folder(folder)
    result = FileActionResult([], [])
    for number, path in enumerate(paths, 1):
        if _stopped(cancel, result):
            break
        destination = free_name(target, Path(path).name)
        try:
            _copy_file(path, destination)
        except OSError as exc:
            log.info("Could not copy %s to %s: %s", path, target, exc)
            if _fails_the_rest(exc, path, paths[number:], result):
                break
        else:
            result.done.append(path)
            result.pairs.append((path, str(destination)))
        if progress is not None:
            progress(number, len(paths))
    log.info("Copied %d photos to %s, %d failed", len(result.done), target, len(result.failed))
    return result


def move_photos(
    library: Library,
    paths: Sequence[str],
    folder: str | Path,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> FileActionResult:
    """Move each file into `folder` (never over a file there); the library follows at once."""
    target = writable_folder(folder)
    wanted: list[tuple[str, Path]] = []
    skipped: list[tuple[str, Text]] = []
    for path in paths:
        if _same_folder(Path(path).parent, target):
            skipped.append((path, say("it is already in that folder")))
        else:
            wanted.append((path, target / Path(path).name))
    result = move_files(library, wanted, progress=progress, cancel=cancel)
    result.failed[:0] = skipped
    return result


def undo_move(
    library: Library,
    pairs: Sequence[tuple[str, str]],
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> FileActionResult:
    """Move files back where a move took them from (`pairs` as the move returned them); a
    name taken there since gets " (2)"... rather than replacing that file."""
    wanted = [(moved, Path(source)) for source, moved in pairs]
    return move_files(library, wanted, progress=progress, cancel=cancel)


def move_files(
    library: Library,
    wanted: Sequence[tuple[str, Path]],
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> FileActionResult:
    """Move each `source` to its destination path, or the next free name beside it."""
    result = FileActionResult([], [])
    try:
        for number, (source, destination) in enumerate(wanted, 1):
            if _stopped(cancel, result):
                break
            try:
                destination.parent.mkdir(parents=True, exist_ok=True)  # an undo into a folder gone
                moved = _move_file(source, free_name(destination.parent, destination.name))
            except OSError as exc:
                log.info("Could not move %s to %s: %s", source, destination.parent, exc)
                rest = [path for path, _ in wanted[number:]]
                if _fails_the_rest(exc, source, rest, result):
                    break
            else:
                result.done.append(source)
                result.pairs.append((source, str(moved)))
            if progress is not None:
                progress(number, len(wanted))
    finally:
        relocate(library, result.pairs)
    log.info("Moved %d photos, %d failed", len(result.done), len(result.failed))
    return result


# the library ---------------------------------------------------------------------------------
def forget_paths(library: Library, paths: Sequence[str]) -> list[int]:
    """Delete these files' rows (their vectors cascade) and drop them from the open indexes;
    returns the ids that went. Paths the library does not hold are left out."""
    if not paths:
        return []
    store = library.store
    with store.transaction():
        ids = _ids_of(store, paths)
        _delete(store, ids)
    library.forget_files(ids)
    return ids


def relocate(library: Library, pairs: Sequence[tuple[str, str]]) -> None:
    """Follow moved files in the library: a destination under one of its folders keeps the
    row, its id and its vectors (its thumbnail is carried to the new path's key); anywhere
    else the row goes. A stale row that already names a destination (its file was gone, or
    the move could not have used that name) goes too."""
    if not pairs:
        return
    store = library.store
    out: list[int] = []  # moved out of the library
    stale: list[int] = []
    carried: list[tuple[str, str, tuple[int, int], tuple[int, int]]] = []
    with store.transaction():
        roots = [(r[0], _from_sql(r[1])) for r in store.db.execute("SELECT id, path FROM roots")]
        for source, destination in pairs:
            row = store.db.execute(
                "SELECT id, size, mtime_ns FROM files WHERE path = ?", (_to_sql(source),)
            ).fetchone()
            if row is None:
                continue  # not in the library: the next scan of its folder finds it
            file_id, old = int(row[0]), (int(row[1]), int(row[2]))
            root_id = _root_of(destination, roots)
            if root_id is None:
                out.append(file_id)
                continue
            replaced = _ids_of(store, [destination])
            _delete(store, replaced)
            stale += replaced
            # A copy across drives may round the mtime (FAT keeps 2 s): the row records the
            # file as it is now, so the next scan sees it unchanged and embeds nothing again.
            info = Path(destination).stat()
            new = (info.st_size, info.st_mtime_ns)
            store.db.execute(
                "UPDATE files SET path = ?, root_id = ?, size = ?, mtime_ns = ?, updated_at = ? "
                "WHERE id = ?",
                (_to_sql(destination), root_id, *new, time.time(), file_id),
            )
            carried.append((source, destination, old, new))
        _delete(store, out)
    library.forget_files(out + stale)
    for source, destination, old, new in carried:
        _carry_thumbnail(library, (source, *old), (destination, *new))


def _ids_of(store: Store, paths: Sequence[str]) -> list[int]:
    found = (
        store.db.execute("SELECT id FROM files WHERE path = ?", (_to_sql(path),)).fetchone()
        for path in paths
    )
    return [int(row[0]) for row in found if row is not None]


def _delete(store: Store, ids: Sequence[int]) -> None:
    """Inside a transaction: rows go (vectors cascade) and every model's generation moves,
    as `Store.apply_scan` does, so saved index files are checked against SQLite on open."""
    if not ids:
        return
    store.db.executemany("DELETE FROM files WHERE id = ?", [(file_id,) for file_id in ids])
    store.db.execute("UPDATE models SET generation = generation + 1")


def _root_of(path: str, roots: Sequence[tuple[int, str]]) -> int | None:
    """The deepest library folder holding `path` (None: outside the library)."""
    holding = [
        (len(root), root_id)
        for root_id, root in roots
        if path.startswith(root.rstrip(os.sep) + os.sep)
    ]
    return max(holding)[1] if holding else None


def _carry_thumbnail(
    library: Library, old: tuple[str, int, int], new: tuple[str, int, int]
) -> None:
    """The cached thumbnail is keyed by path: give it the new path's key, so the grid shows
    the moved photo without decoding it again. Only a cache: a failure costs a decode."""
    cache = library.paths.thumbnails
    source, destination = thumbnail_file(cache, *old), thumbnail_file(cache, *new)
    with contextlib.suppress(OSError):
        destination.parent.mkdir(parents=True, exist_ok=True)
        source.replace(destination)


# the files -----------------------------------------------------------------------------------
def writable_folder(folder: str | Path) -> Path:
    """The destination of a copy or a move, resolved, once it is known to take files."""
    path = Path(folder).expanduser()
    if not path.is_dir():
        raise DestinationError(
            say("The folder {folder} does not exist.", folder=path),
            say("Choose another folder, or reconnect the drive it is on."),
        )
    if not os.access(path, os.W_OK | os.X_OK):
        raise DestinationError(
            say("The folder {folder} cannot be written to.", folder=path),
            say("Choose a folder you can write to, or change its permissions."),
        )
    return path.resolve()


def free_name(folder: Path, name: str) -> Path:
    """`folder / name`, or "name (2).ext", "name (3).ext"... when that is taken."""
    candidate = folder / name
    stem, extension = Path(name).stem, Path(name).suffix
    number = 1
    while candidate.is_symlink() or candidate.exists():
        number += 1
        candidate = folder / f"{stem} ({number}){extension}"
    return candidate


def _copy_file(source: str, destination: Path) -> None:
    """Copy bytes and dates like `shutil.copy2`, but create the file exclusively: a file that
    appeared under that name meanwhile is never overwritten. A partial copy is removed (it is
    this call's own file; the source is untouched)."""
    with Path(source).open("rb") as reading, destination.open("xb") as writing:
        try:
            shutil.copyfileobj(reading, writing, _COPY_CHUNK)
        except BaseException:
            writing.close()
            destination.unlink(missing_ok=True)
            raise
    try:
        shutil.copystat(source, destination)
        if destination.stat().st_size != Path(source).stat().st_size:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(destination))
    except BaseException:
        destination.unlink(missing_ok=True)
        raise


def _move_file(source: str, destination: Path) -> Path:
    """A rename on the same drive; across drives a verified copy, then the source goes (only
    once the copy has its full size). Returns where the file is now."""
    try:
        Path(source).replace(destination)
        return destination
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    _copy_file(source, destination)
    try:
        Path(source).unlink()
    except OSError:
        destination.unlink(missing_ok=True)  # the source stays: a failed move changes nothing
        raise
    return destination


def _same_folder(folder: Path, target: Path) -> bool:
    try:
        return folder.samefile(target)
    except OSError:
        return False


def _stopped(cancel: threading.Event | None, result: FileActionResult) -> bool:
    if cancel is not None and cancel.is_set():
        result.cancelled = True
    return result.cancelled


def _fails_the_rest(exc: OSError, path: str, rest: Sequence[str], result: FileActionResult) -> bool:
    """Record the failure; when the destination itself is at fault (full, read-only), every
    file left fails with the same reason and the run stops (returns True)."""
    reason = _reason(exc)
    result.failed.append((path, reason))
    if exc.errno not in _DESTINATION_ERRORS:
        return False
    result.failed += [(other, reason) for other in rest]
    return True


def _reason(exc: OSError) -> Text:
    """Why one file failed, short enough for a list of failures."""
    if isinstance(exc, TrashPermissionError):
        return say("the trash on its drive cannot be written")
    if isinstance(exc, FileNotFoundError) or exc.errno == errno.ENOENT:
        return say("the file is no longer there")
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return say("permission denied")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return say("the disk is full")
    if exc.errno == errno.EROFS:
        return say("the disk is read-only")
    return say("{error}", error=exc.strerror or str(exc))
