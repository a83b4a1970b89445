"""One hnswlib index per model: a derived, rebuildable cache of the vectors in SQLite.

Labels are SQLite file ids. The file is saved atomically (temp, fsync, rename) with a sidecar
holding the SQLite generation it matches; on open a mismatch is caught up (add what SQLite has,
mark deleted what it lost) and an unreadable file is rebuilt. hnswlib is not thread-safe between
add and query, so one lock guards every call.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import hnswlib
import numpy as np
import numpy.typing as npt

from gallery.library.store import Store

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
INDEX_SUFFIX = ".hnsw"
DEFAULT_EF = 128
_M = 16
_EF_CONSTRUCTION = 200
_MIN_CAPACITY = 1024


def _fsync_write(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


class VectorIndex:
    def __init__(
        self, store: Store, model_id: int, dim: int, path: Path, ef: int = DEFAULT_EF
    ) -> None:
        self.store = store
        self.model_id = model_id
        self.dim = dim
        self.path = path
        self.meta_path = path.with_name(path.name + ".json")
        self.ef = ef
        self._lock = threading.Lock()
        self._live: set[int] = set()
        self.generation = 0
        self._index = self._open()

    # opening ---------------------------------------------------------------------------------
    def _new(self, capacity: int) -> hnswlib.Index:
        index = hnswlib.Index(space="ip", dim=self.dim)
        index.init_index(
            max_elements=max(capacity, _MIN_CAPACITY),
            ef_construction=_EF_CONSTRUCTION,
            M=_M,
            allow_replace_deleted=True,
        )
        index.set_ef(self.ef)
        return index

    def _saved_generation(self) -> int | None:
        try:
            meta = json.loads(self.meta_path.read_text(encoding="utf-8"))
            return int(meta["generation"]) if int(meta["dim"]) == self.dim else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _open(self) -> hnswlib.Index:
        sqlite_ids, generation = self.store.vector_ids(self.model_id)
        self.generation = generation
        if self.path.exists():
            try:
                index = hnswlib.Index(space="ip", dim=self.dim)
                index.load_index(str(self.path), max_elements=0, allow_replace_deleted=True)
                index.set_ef(self.ef)  # ef is not saved with the index
            except (RuntimeError, OSError, MemoryError, ValueError) as exc:
                log.warning(
                    "Vector index %s is unreadable (%s); rebuilding it from the library",
                    self.path,
                    exc,
                )
            else:
                if self._saved_generation() == generation:
                    self._live = sqlite_ids
                    return index
                return self._catch_up(index, sqlite_ids)
        elif sqlite_ids:
            log.warning("Vector index %s is missing; rebuilding it from the library", self.path)
        return self._rebuild(sqlite_ids)

    def _catch_up(self, index: hnswlib.Index, sqlite_ids: set[int]) -> hnswlib.Index:
        in_file = set(index.get_ids_list())
        stale = in_file - sqlite_ids
        missing = sqlite_ids - in_file
        for label in stale:
            with contextlib.suppress(RuntimeError):  # already deleted in the saved file
                index.mark_deleted(label)
        self._index = index
        self._live = sqlite_ids - missing
        for ids, vectors in self.store.vectors(self.model_id, missing):
            self._add_unlocked(ids, vectors)
        log.info(
            "Vector index %s caught up with the library: +%d, -%d",
            self.path.name,
            len(missing),
            len(stale),
        )
        return index

    def _rebuild(self, sqlite_ids: set[int]) -> hnswlib.Index:
        self._index = self._new(len(sqlite_ids))
        self._live = set()
        for ids, vectors in self.store.vectors(self.model_id):
            self._add_unlocked(ids, vectors)
        if sqlite_ids:
            log.info("Rebuilt vector index %s with %d vectors", self.path.name, len(sqlite_ids))
        return self._index

    # changes ---------------------------------------------------------------------------------
    def _add_unlocked(self, ids: Sequence[int], vectors: FloatArray) -> None:
        if not len(ids):
            return
        needed = self._index.element_count + len(ids)
        if needed > self._index.get_max_elements():
            self._index.resize_index(max(needed, 2 * self._index.get_max_elements()))
        self._index.add_items(
            np.asarray(vectors, dtype=np.float32), np.asarray(ids), replace_deleted=True
        )
        self._live.update(int(i) for i in ids)

    def add(self, ids: Sequence[int], vectors: FloatArray, generation: int) -> None:
        """Add vectors that SQLite committed as `generation`."""
        with self._lock:
            self._add_unlocked(ids, vectors)
            self.generation = max(self.generation, generation)

    def remove(self, ids: Sequence[int]) -> None:
        """Drop labels SQLite no longer has; the generation is left behind on purpose, so a
        save before the next add makes the next open check the file against SQLite."""
        with self._lock:
            for label in ids:
                if label in self._live:
                    self._index.mark_deleted(label)
                    self._live.discard(label)

    def __len__(self) -> int:
        return len(self._live)

    def labels(self) -> set[int]:
        with self._lock:
            return set(self._live)

    # queries ---------------------------------------------------------------------------------
    def query(self, vector: FloatArray, k: int) -> list[tuple[int, float]]:
        """Nearest labels with inner-product scores, best first; k is clamped to live items."""
        with self._lock:
            k = min(k, len(self._live))
            if k <= 0:
                return []
            self._index.set_ef(max(self.ef, k))
            labels, distances = self._index.knn_query(
                np.asarray(vector, dtype=np.float32).reshape(1, -1), k=k
            )
        return [
            (int(label), float(1.0 - dist))
            for label, dist in zip(labels[0], distances[0], strict=True)
        ]

    # persistence -----------------------------------------------------------------------------
    def save(self) -> None:
        """Write temp, fsync, rename; then the sidecar that says which generation it holds."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with self._lock:
            self._index.save_index(str(tmp))
            generation, count = self.generation, len(self._live)
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        tmp.replace(self.path)
        meta_tmp = self.meta_path.with_name(self.meta_path.name + ".tmp")
        _fsync_write(
            meta_tmp,
            json.dumps({"generation": generation, "dim": self.dim, "count": count}).encode(),
        )
        meta_tmp.replace(self.meta_path)
        log.debug(
            "Saved vector index %s (%d vectors, generation %d)", self.path.name, count, generation
        )
