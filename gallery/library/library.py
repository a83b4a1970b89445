"""The library on disk: SQLite plus one vector index per model, shared by all threads.

Each thread gets its own SQLite connection (a connection must not interleave two threads'
transactions); the vector indexes are shared, so a search sees vectors the indexer just added.
"""

from __future__ import annotations

import logging
import re
import threading

from gallery.library.store import Store
from gallery.library.vectors import INDEX_SUFFIX, VectorIndex
from gallery.paths import AppPaths

log = logging.getLogger(__name__)


def _index_file_name(model_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._+-]", "_", model_name) + INDEX_SUFFIX


class Library:
    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self._local = threading.local()
        self._stores: list[Store] = []
        self._indexes: dict[str, VectorIndex] = {}
        self._lock = threading.RLock()
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
                index = VectorIndex(
                    self.store, model_id, dim, self.paths.indexes / _index_file_name(model_name)
                )
                self._indexes[model_name] = index
            return index

    def forget_files(self, ids: list[int]) -> None:
        """Drop removed files from every open index (closed ones catch up when opened)."""
        with self._lock:
            indexes = list(self._indexes.values())
        for index in indexes:
            index.remove(ids)

    def save(self) -> None:
        with self._lock:
            indexes = list(self._indexes.values())
        for index in indexes:
            index.save()

    def close(self) -> None:
        self.save()
        with self._lock:
            stores, self._stores = self._stores, []
        for store in stores:
            store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
