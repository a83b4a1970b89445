"""Walk photo folders: hidden and NAS/thumbnail folders skipped, symlink loops not followed,
image files found by content as well as by extension (any case). Names need not be valid UTF-8:
the store keeps their exact bytes."""

from __future__ import annotations

import fnmatch
import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from gallery.errors import Cancelled
from gallery.imaging import is_image_candidate
from gallery.library.store import ScannedFile

log = logging.getLogger(__name__)

SKIPPED_DIRS = frozenset(
    {"@eaDir", ".thumbnails", "$RECYCLE.BIN", "System Volume Information", "lost+found", "#recycle"}
)


def _excluded(name: str, path: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(path, p) for p in patterns)


def scan(
    root: Path,
    excluded: Sequence[str] = (),
    cancel: threading.Event | None = None,
    on_found: Callable[[int], None] | None = None,
    on_unreadable: Callable[[str], None] | None = None,
) -> Iterator[ScannedFile]:
    """Yield every image candidate under root, depth first, each directory visited once.

    A folder that cannot be read is logged and passed to `on_unreadable`: its files were not
    seen, which is not the same as gone.
    """
    visited: set[tuple[int, int]] = set()
    stack = [str(root)]
    found = 0
    while stack:
        if cancel is not None and cancel.is_set():
            raise Cancelled("scan cancelled")
        folder = stack.pop()
        try:
            info = Path(folder).stat()
        except OSError as exc:
            log.warning("Cannot read folder %s: %s", folder, exc)
            if on_unreadable is not None:
                on_unreadable(folder)
            continue
        if (info.st_dev, info.st_ino) in visited:
            log.info("Skipping %s: already visited (symlink loop or duplicate link)", folder)
            continue
        visited.add((info.st_dev, info.st_ino))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            log.warning("Cannot list folder %s: %s", folder, exc)
            if on_unreadable is not None:
                on_unreadable(folder)
            continue
        subfolders: list[str] = []
        for entry in entries:
            name = entry.name
            if name.startswith(".") or _excluded(name, entry.path, excluded):
                continue
            try:
                if entry.is_dir(follow_symlinks=True):
                    if name not in SKIPPED_DIRS:
                        subfolders.append(entry.path)
                    continue
                if not entry.is_file(follow_symlinks=True):
                    continue
                stat = entry.stat(follow_symlinks=True)
            except OSError as exc:
                log.info("Skipping %s: %s", entry.path, exc)
                continue
            if not is_image_candidate(Path(entry.path)):
                continue
            found += 1
            if on_found is not None:
                on_found(found)
            yield ScannedFile(entry.path, stat.st_size, stat.st_mtime_ns)
        stack.extend(reversed(subfolders))
