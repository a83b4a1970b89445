"""The library on disk: SQLite plus one vector index per model, shared by all threads.

Each thread gets its own SQLite connection (a connection must not interleave two threads'
transactions); the vector indexes are shared, so a search sees vectors the indexer just added.
Writers (indexers) hold the library's writer lock, across threads, windows and processes.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path

from gallery.errors import LibraryError
from gallery.library.lock import LOCK_FILE_NAME, WriterLock
from gallery.library.store import Store
from gallery.library.vectors import INDEX_SUFFIX, VectorIndex
from gallery.paths import AppPaths
from gallery.text import say

log = logging.getLogger(__name__)


def index_file_name(model_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._+-]", "_", model_name) + INDEX_SUFFIX


class Library:
    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self._local = threading.local()
        self._stores: list[Store] = []
        self._indexes: dict[str, VectorIndex] = {}
        self._lock = threading.RLock()
        self._writer = WriterLock(paths.data / LOCK_FILE_NAME)
        _ = self.store  # open (and migrate) now, so errors surface where the library is opened

    @property
    def store(self) -> Store:
        """This thread's connection to the library database."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.paths.library_db)
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def vector_index(self, model_name: str, dim: int) -> VectorIndex:
        """The model's index, checked against SQLite (caught up or rebuilt) on first open."""
        with self._lock:
            index = self._indexes.get(model_name)
            if index is None:
                model_id = self.store.model_id(model_name, dim)
                index = VectorIndex(self.store, model_id, dim, self.index_path(model_name))
                self._indexes[model_name] = index
            return index

    def index_path(self, model_name: str) -> Path:
        return self.paths.indexes / index_file_name(model_name)

    def drop_index(self, model_name: str) -> Path:
        """Forget a model's open index without saving it (its vectors are being deleted) and
        return the path of its file."""
        with self._lock:
            self._indexes.pop(model_name, None)
        return self.index_path(model_name)

    def forget_files(self, ids: list[int]) -> None:
        """Drop removed files from every open index (closed ones catch up when opened)."""
        with self._lock:
            indexes = list(self._indexes.values())
        for index in indexes:
            index.remove(ids)

    @contextlib.contextmanager
    def writing(
        self, task: str, wait_seconds: float = 0.0, cancel: threading.Event | None = None
    ) -> Iterator[None]:
        """Hold the writer lock (LibraryBusy after `wait_seconds` if another writer has it);
        `task` reads after "is" in that error: say("indexing this library")."""
        self._writer.acquire(task, wait_seconds, cancel)
        try:
            yield
        finally:
            self._writer.release()

    def save(self) -> None:
        """Save the vector indexes that changed.

        While this library holds the writer lock every change is saved (errors raise). Otherwise
        saving is best effort: only when no other writer holds the library, and never over a
        file someone saved after this library read it; the file is a cache SQLite can rebuild.
        """
        with self._lock:
            changed = [index for index in self._indexes.values() if index.changed]
        if not changed:
            return
        if self._writer.held:
            for index in changed:
                index.save()
            return
        try:
            if not self._writer.try_acquire(say("saving this library's vector index"), brief=True):
                log.info("Vector indexes not saved: another process is writing the library")
                return
        except LibraryError as exc:  # e.g. a read-only data folder
            log.info("Vector indexes not saved: %s", exc)
            return
        try:
            for index in changed:
                index.save_if_current()
        except LibraryError as exc:
            log.warning("Vector index not saved: %s", exc)
        finally:
            self._writer.release()

    def close(self) -> None:
        try:
            self.save()
        finally:
            with self._lock:
                stores, self._stores = self._stores, []
            for store in stores:
                store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
