"""One hnswlib index per model: a derived, rebuildable cache of the vectors in SQLite.

Labels are SQLite file ids. The file is saved atomically (temp, fsync, rename) with a sidecar
holding the SQLite generation it matches; on open a mismatch is caught up (add what SQLite has,
mark deleted what it lost) and an unreadable file is rebuilt. hnswlib is not thread-safe between
add and query, so one lock guards every call. Only the holder of the library's writer lock saves
(see `Library.save`), so two processes never write the same file.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import hnswlib
import numpy as np
import numpy.typing as npt

from gallery.library import faults
from gallery.library.store import Store
from gallery.text import say

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
INDEX_SUFFIX = ".hnsw"
# hnswlib's search breadth by index size: recall at a fixed ef falls as the graph grows. Each
# step reaches recall@10 >= 0.98 against exact search (`gallery bench --search`: the least ef
# that does is 64 at 10k, 128 at 100k, 192 at 1M; 0.989 at 100k, 0.993 at 1M with these); the
# knn stays near 1-2 ms at 1M, far below the text tower's cost (docs/benchmarks.md).
_EF_BY_SIZE = ((100_000, 128), (1_000_000, 256))
_EF_LARGEST = 384
# A filtered query ("allowed" labels only) is answered by one of two strategies (`plan`;
# measured in docs/benchmarks.md, "Filtered search", with over-fetching, which lost at the
# candidate pool the searcher asks for):
#   exact     every allowed vector scored: one matmul over their copy out of the index. The
#             copy is slow (hnswlib hands each vector out through Python lists, 20-60 us a
#             vector) but kept while the index and the set are unchanged, so a person's next
#             queries with the same filter cost the matmul alone (0.2 ms for 1,000 vectors).
#   filtered  hnswlib's own filtered search: the graph walk steps over what the filter
#             refuses, about max(ef, k) / share steps: cheap for a broad filter (3 ms at 50 %
#             and k 200), slow for a narrow one (60-90 ms at 1 %: it wanders far to find k).
# The exact scan is chosen when its copy costs less than _REPAY filtered queries would (a
# person types several queries with one filter), and always once the copy exists.
Strategy = Literal["knn", "exact", "filtered"]
_COPY_US = 40.0  # copying one vector out of hnswlib
_STEP_US = 3.0  # one step of the filtered walk (1 %, k 200, ef 200: ~20,000 steps, ~60 ms)
_REPAY = 10
_EXACT_MAX = 20_000  # the most vectors a copy holds (40 MB at 512-d)
BACKGROUND = 1024  # background scores per query for the best-match cut
_SEED = 0
# Copies kept (see `VectorIndex._copy`): a filter's subset, its sample and the whole index's
# sample; at most _EXACT_MAX vectors each.
_COPIES = 3
_M = 16
_EF_CONSTRUCTION = 200
_MIN_CAPACITY = 1024


def new_hnsw(dim: int, capacity: int) -> hnswlib.Index:
    """An empty hnswlib index as every model's is built (also timed by the cluster bench)."""
    index = hnswlib.Index(space="ip", dim=dim)
    index.init_index(
        max_elements=max(capacity, _MIN_CAPACITY),
        ef_construction=_EF_CONSTRUCTION,
        M=_M,
        allow_replace_deleted=True,
    )
    return index


def search_ef(count: int) -> int:
    return next((ef for limit, ef in _EF_BY_SIZE if count <= limit), _EF_LARGEST)


@dataclass(frozen=True, eq=False)
class _Copy:
    """Vectors copied out of the index for a label set, valid while the index is unchanged."""

    kind: str  # "subset": every live label of the set; "sample": n of the index's at random
    n: int
    allowed: frozenset[int] | None  # frozen: a set changed after the query cannot match
    version: int  # the index's `_version` when copied
    labels: npt.NDArray[np.int64]
    vectors: FloatArray

    def holds(self, allowed: AbstractSet[int] | None, version: int) -> bool:
        if version != self.version:
            return False
        if self.allowed is allowed:  # the searcher keeps one frozenset per filter
            return True
        return allowed is not None and self.allowed is not None and allowed == self.allowed


def _dot(vectors: FloatArray, query: FloatArray) -> FloatArray:
    """Each row's inner product with `query`, in this thread: `vectors @ query` hands the
    product to OpenBLAS's threads, which on a busy machine wait for a core (a 0.2 ms scan
    took 8 ms in the benchmark); einsum's own loop costs ~2x the ideal and never waits."""
    scores: FloatArray = np.einsum("ij,j->i", vectors, query)
    return scores


def _fsync_write(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


class VectorIndex:
    def __init__(
        self, store: Store, model_id: int, dim: int, path: Path, ef: int | None = None
    ) -> None:
        """`ef`: a fixed search breadth (the benchmark's ladder); None: by size (`search_ef`)."""
        self.store = store
        self.model_id = model_id
        self.dim = dim
        self.path = path
        self.meta_path = path.with_name(path.name + ".json")
        self.ef = ef
        self._lock = threading.Lock()
        self._save_lock = threading.Lock()
        self._live: set[int] = set()
        # Labels removed while open: file ids never come back (AUTOINCREMENT), so a vector of
        # one that arrives later (a batch decoded before its file was trashed) is stale.
        self._removed: set[int] = set()
        self._labels = np.empty(0, dtype=np.int64)  # `_live` as an array, for sampling
        self._labels_version = -1  # the `_version` `_labels` was made at
        self._copies: list[_Copy] = []  # vectors copied out for queries, most recent last
        self.generation = 0
        self._version = 0  # bumped by every change in memory
        self._saved_version = 0
        self._disk_stamp = self._file_stamp()  # the file this object last read or wrote
        self._index = self._open()

    # opening ---------------------------------------------------------------------------------
    def _new(self, capacity: int) -> hnswlib.Index:
        return new_hnsw(self.dim, capacity)

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
            except (RuntimeError, OSError, MemoryError, ValueError) as exc:
                log.warning(
                    "Vector index %s is unreadable (%s); rebuilding it from the library",
                    self.path,
                    exc,
                )
            else:
                # A matching generation is trusted only if the file has every label SQLite
                # has: a file restored from a backup must not silently miss photos.
                in_file = {int(label) for label in index.get_ids_list()}
                if self._saved_generation() == generation and sqlite_ids <= in_file:
                    self._live = sqlite_ids
                    return index
                return self._catch_up(index, sqlite_ids, in_file)
        elif sqlite_ids:
            log.warning("Vector index %s is missing; rebuilding it from the library", self.path)
        return self._rebuild(sqlite_ids)

    def _catch_up(
        self, index: hnswlib.Index, sqlite_ids: set[int], in_file: set[int]
    ) -> hnswlib.Index:
        stale = in_file - sqlite_ids
        missing = sqlite_ids - in_file
        for label in stale:
            with contextlib.suppress(RuntimeError):  # already deleted in the saved file
                index.mark_deleted(label)
        self._index = index
        self._live = sqlite_ids - missing
        for ids, vectors in self.store.vectors(self.model_id, missing):
            self._add_unlocked(ids, vectors)
        self._version += 1
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
        self._version += 1  # the file, if any, is not this index
        if sqlite_ids:
            log.info("Rebuilt vector index %s with %d vectors", self.path.name, len(sqlite_ids))
        return self._index

    # changes ---------------------------------------------------------------------------------
    def _add_unlocked(self, ids: Sequence[int], vectors: FloatArray) -> None:
        if self._removed and len(ids):
            fresh = [i for i, label in enumerate(ids) if int(label) not in self._removed]
            ids, vectors = [ids[i] for i in fresh], np.asarray(vectors)[fresh]
        if not len(ids):
            return
        needed = self._index.element_count + len(ids)
        if needed > self._index.get_max_elements():
            self._index.resize_index(max(needed, 2 * self._index.get_max_elements()))
        self._index.add_items(
            np.asarray(vectors, dtype=np.float32), np.asarray(ids), replace_deleted=True
        )
        self._live.update(int(i) for i in ids)
        self._version += 1

    def add(self, ids: Sequence[int], vectors: FloatArray, generation: int) -> None:
        """Add vectors that SQLite committed as `generation`."""
        with self._lock:
            self._add_unlocked(ids, vectors)
            self.generation = max(self.generation, generation)

    def remove(self, ids: Sequence[int]) -> None:
        """Drop labels SQLite no longer has; the generation is left behind on purpose, so a
        save before the next add makes the next open check the file against SQLite."""
        with self._lock:
            self._removed.update(int(label) for label in ids)
            for label in ids:
                if label in self._live:
                    self._index.mark_deleted(label)
                    self._live.discard(label)
                    self._version += 1

    def __len__(self) -> int:
        return len(self._live)

    def labels(self) -> set[int]:
        with self._lock:
            return set(self._live)

    # queries ---------------------------------------------------------------------------------
    def plan(self, k: int, allowed: AbstractSet[int] | None) -> Strategy:
        """How `query` answers: by the allowed set's size and its share of the index (the
        cost model and its measurements are at the top of this module)."""
        with self._lock:
            return self._plan(k, allowed)

    def _plan(self, k: int, allowed: AbstractSet[int] | None) -> Strategy:
        if allowed is None:
            return "knn"
        count = len(allowed)
        if count <= k or self._kept("subset", allowed, 0) is not None:
            return "exact"
        steps = self._ef(k) * len(self._live) / count
        cheaper = count * _COPY_US <= _REPAY * steps * _STEP_US
        return "exact" if count <= _EXACT_MAX and cheaper else "filtered"

    def _ef(self, k: int) -> int:
        return max(self.ef or search_ef(len(self._live)), k)

    def query(
        self,
        vector: FloatArray,
        k: int,
        allowed: AbstractSet[int] | None = None,
        *,
        strategy: Strategy | None = None,
    ) -> list[tuple[int, float]]:
        """The `k` nearest labels with inner-product scores, best first; with `allowed`, only
        labels in it (labels it has that the index does not are ignored). `strategy` forces
        one (the benchmark and tests compare them); None: `plan`'s choice."""
        query = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        with self._lock:
            chosen = strategy or self._plan(k, allowed)
            if allowed is None or chosen == "knn":
                return self._knn(query, k, None) or []
            found = None if chosen == "exact" else self._knn(query, k, allowed.__contains__)
            # None from the knn: fewer than k allowed labels reached (few are in the index)
            return self._exact(query, k, allowed) if found is None else found

    def _knn(
        self, query: FloatArray, k: int, accept: Callable[[int], bool] | None
    ) -> list[tuple[int, float]] | None:
        k = min(k, len(self._live))
        if k <= 0:
            return []
        self._index.set_ef(self._ef(k))
        try:
            labels, distances = self._index.knn_query(query, k=k, num_threads=1, filter=accept)
        except RuntimeError:  # hnswlib found fewer than k labels the filter accepts
            if accept is None:
                raise
            return None
        return [
            (int(label), float(1.0 - dist))
            for label, dist in zip(labels[0], distances[0], strict=True)
        ]

    def knn_many(self, vectors: FloatArray, k: int, ef: int) -> tuple[IntArray, FloatArray]:
        """The `k` nearest labels of each of many vectors and their inner products, in one
        hnswlib call on all cores (duplicates ask it for every photo: one call each would be a
        million round trips). `ef` small suits near-copies, which are each other's nearest."""
        with self._lock:
            k = min(k, len(self._live))
            if k <= 0:
                empty = np.zeros((len(vectors), 0), np.int64)
                return empty, np.zeros((len(vectors), 0), np.float32)
            self._index.set_ef(max(k, ef))
            labels, distances = self._index.knn_query(np.ascontiguousarray(vectors), k=k)
        return labels.astype(np.int64), (1.0 - distances).astype(np.float32)

    def _exact(
        self, query: FloatArray, k: int, allowed: AbstractSet[int]
    ) -> list[tuple[int, float]]:
        """Every allowed vector scored: one matmul over their copy (`_copy`)."""
        copy = self._copy("subset", allowed, 0)
        if not len(copy.labels) or k <= 0:
            return []
        scores = _dot(copy.vectors, query[0])
        top = np.argpartition(-scores, min(k, len(scores)) - 1)[:k]
        order = top[np.lexsort((copy.labels[top], -scores[top]))]
        return [(int(copy.labels[i]), float(scores[i])) for i in order]

    def background(self, vector: FloatArray, n: int = BACKGROUND) -> FloatArray:
        """The scores of up to `n` photos drawn at random from the whole index (a fixed seed,
        so the same query gives the same sample): what an unrelated photo of this library
        scores for the query, for the best-match cut (`best_matches.best_count`). Never the
        filtered set's own: a folder of beach photos searched for "beach" is all matches,
        which its own scores could not tell from a bulk of unrelated photos."""
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        with self._lock:
            scores = _dot(self._copy("sample", None, n).vectors, query)
        return scores

    def _copy(self, kind: str, allowed: AbstractSet[int] | None, n: int) -> _Copy:
        """The vectors of the allowed set's live labels ("subset"), or of a random sample of
        n of the index's ("sample", `allowed` None), copied out of the index once and kept
        while the index and the set are unchanged: hnswlib hands vectors out through Python
        lists (~20-60 us each), so a person's next query with the same filters costs one
        matmul instead."""
        copy = self._kept(kind, allowed, n)
        if copy is not None:
            return copy
        labels = self._sample(n) if allowed is None else self._live_among(allowed)
        if len(labels):
            vectors = np.asarray(self._index.get_items(labels, return_type="numpy"), np.float32)
        else:
            vectors = np.empty((0, self.dim), np.float32)
        frozen = None if allowed is None else frozenset(allowed)  # no copy if already frozen
        copy = _Copy(kind, n, frozen, self._version, labels, vectors.reshape(-1, self.dim))
        self._copies = [*self._copies[-(_COPIES - 1) :], copy]
        return copy

    def _kept(self, kind: str, allowed: AbstractSet[int] | None, n: int) -> _Copy | None:
        """A copy made for these arguments while the index was as it is now (moved to the
        end: the most recently used)."""
        for position, copy in enumerate(self._copies):
            if copy.kind == kind and copy.n == n and copy.holds(allowed, self._version):
                self._copies.append(self._copies.pop(position))
                return copy
        return None

    def _live_among(self, allowed: AbstractSet[int]) -> npt.NDArray[np.int64]:
        """The labels of `allowed` the index holds (deleted ones left out), sorted."""
        small, large = sorted((allowed, self._live), key=len)
        return np.fromiter(sorted(label for label in small if label in large), dtype=np.int64)

    def _sample(self, n: int) -> npt.NDArray[np.int64]:
        """Up to n live labels drawn with a fixed seed, sorted."""
        if self._labels_version != self._version:
            self._labels = np.fromiter(self._live, dtype=np.int64, count=len(self._live))
            self._labels.sort()
            self._labels_version = self._version
        pool = self._labels
        if len(pool) <= n:
            return pool
        return np.sort(np.random.default_rng(_SEED).choice(pool, n, replace=False))

    # persistence -----------------------------------------------------------------------------
    @property
    def changed(self) -> bool:
        """Whether memory holds changes the file does not."""
        return self._version != self._saved_version

    def _file_stamp(self) -> tuple[int, int, int] | None:
        try:
            info = self.path.stat()
        except OSError:
            return None
        return info.st_ino, info.st_mtime_ns, info.st_size

    def save(self) -> None:
        """Write temp, fsync, rename; then the sidecar that says which generation it holds.

        hnswlib does not report write errors, so the temp file's size is checked against the
        size the index says it has: a full disk never replaces a good file with a short one.
        On failure the previous file is left as it was and the temp files are removed.
        """
        tmp = self.path.with_name(self.path.name + ".tmp")
        meta_tmp = self.meta_path.with_name(self.meta_path.name + ".tmp")
        with self._save_lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                tmp.write_bytes(b"")  # hnswlib cannot say why a file cannot be created; this can
                with self._lock:
                    self._index.save_index(str(tmp))
                    expected = self._index.index_file_size()
                    generation, count, version = self.generation, len(self._live), self._version
                with tmp.open("rb+") as handle:
                    os.fsync(handle.fileno())
                if tmp.stat().st_size != expected:  # a short write: the disk filled up
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp))
                tmp.replace(self.path)
                sidecar = {"generation": generation, "dim": self.dim, "count": count}
                _fsync_write(meta_tmp, json.dumps(sidecar).encode())
                meta_tmp.replace(self.meta_path)
            except OSError as exc:
                for leftover in (tmp, meta_tmp):
                    with contextlib.suppress(OSError):
                        leftover.unlink(missing_ok=True)
                raise faults.os_error(exc, self.path.parent, say("save the vector index")) from exc
            self._saved_version = version
            self._disk_stamp = self._file_stamp()
        log.debug(
            "Saved vector index %s (%d vectors, generation %d)", self.path.name, count, generation
        )

    def save_if_current(self) -> bool:
        """Save changes unless someone else saved the file since this object read or wrote it
        (their copy is the newer one; ours would only set it back). Call under the writer lock.
        """
        if not self.changed:
            return False
        if self._file_stamp() != self._disk_stamp:
            log.info("Not saving %s: another process saved it meanwhile", self.path.name)
            return False
        self.save()
        return True


def read_live_labels(path: Path, dim: int) -> set[int]:
    """The labels a saved index answers queries with (deleted ones left out), read as the file
    is, without the repairs that opening makes; ValueError when it cannot be read."""
    index = hnswlib.Index(space="ip", dim=dim)
    try:
        index.load_index(str(path), max_elements=0)
    except (RuntimeError, OSError, MemoryError) as exc:
        raise ValueError(str(exc)) from exc
    labels = [int(label) for label in index.get_ids_list()]
    live: set[int] = set()
    for start in range(0, len(labels), 1000):
        chunk = labels[start : start + 1000]
        try:
            index.get_items(chunk)  # raises "Label not found" for a deleted label
        except RuntimeError:
            for label in chunk:
                with contextlib.suppress(RuntimeError):
                    index.get_items([label])
                    live.add(label)
        else:
            live.update(chunk)
    return live
