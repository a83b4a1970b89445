"""The library on disk: one SQLite store plus one vector index per model, opened lazily."""

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
    """Owns a Store connection; use one Library per thread that writes."""

    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self.store = Store(paths.library_db)
        self._indexes: dict[str, VectorIndex] = {}
        self._lock = threading.Lock()

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
        for index in self._indexes.values():
            index.remove(ids)

    def save(self) -> None:
        for index in self._indexes.values():
            index.save()

    def close(self) -> None:
        self.save()
        self.store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
