"""The search benchmark: text query to ranked paths at 10k / 100k / 1M stored vectors.

Each size is a real library (SQLite rows and vectors, the model's hnswlib index built by the
app's own rebuild) cached in the bench folder, so only the first run pays the build. Latency
is `Searcher.search` end to end (tokenizer, warm text tower, knn, SQLite rows) over distinct
queries, so the query cache never answers; the first query after opening, which loads the
text tower, is reported on its own. Latency and recall@10 (against exact numpy search) are
those of the app's own `ef` for the size; the least `ef` of a ladder that reaches the target
is reported beside it, as the margin the app's choice has.

Vectors: "clustered" (default) imitates image embeddings, which crowd in a cone with far fewer
effective dimensions than 512 (a shared mean direction, clusters in a 64-d subspace with a
decaying spectrum, a little isotropic noise); recall queries are held-out vectors of the same
kind. "uniform" (random unit vectors) is the worst case for any graph index: every point is
almost equally far from every query, so near-exact recall needs an almost exhaustive search.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from gallery.bench.machine import rss_mb
from gallery.library.filters import Filters
from gallery.library.library import Library
from gallery.library.query import ImagePaths, Query, Term, parse_query
from gallery.library.search import Searcher
from gallery.library.store import Decoded, ScannedFile
from gallery.library.vectors import Strategy, VectorIndex, search_ef
from gallery.ml.encoder import ClipModel
from gallery.paths import AppPaths

FloatArray = npt.NDArray[np.float32]
Vectors = Literal["clustered", "uniform"]
SIZES = (10_000, 100_000, 1_000_000)
EF_LADDER = (16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024)
RECALL_TARGET = 0.98
QUERIES = 300
FILTER_SHARES = (0.01, 0.5)  # a selective filter (one folder) and a broad one (50 folders)
# Each strategy forced, for the record of the choice, at the page size and at the candidate
# pool `Searcher.find` asks the index for (200); on 30 probes, the least a p95 needs.
STRATEGY_KS = (20, 200)
STRATEGY_PROBES = 30
# Forced strategies that would copy or fetch more vectors than this per query are not run
# (the exact scan of a 50 % filter at 1M: 500,000 vectors out of hnswlib, seconds a query).
STRATEGY_MAX_VECTORS = 20_000
OVERFETCH = 4  # over-fetching (measured, not used by the app) asks for 4 k / share
CHANGED_QUERIES = 50  # queries with a new filter each
_CHUNK = 20_000
_SUBSPACE = 64
_CENTRES = 2_000
_MEAN_WEIGHT = 2.5  # mean cosine between two vectors ~0.4, as between unrelated photos
_SPREAD = 1.0  # around a centre: nearest neighbours at cosine ~0.75, clusters overlap
_NOISE = 0.3
_MARKER = "bench-library.json"
_LAYOUT = 3  # 3: FOLDERS folders, a run of ids each (2: ids dealt out; 1: one folder); rebuilt
# The photos are in FOLDERS folders, each holding a run of consecutive file ids, as a scan
# gives them (it lists one folder at a time): one folder is a 1 % filter, 50 a 50 % one.
_ROOT = "/bench/photos"
FOLDERS = 100

_ADJECTIVES = "red blue green old small big white black yellow orange purple new"
_THINGS = "dog cat car boat bike train plane bird horse child tree house flower cake"
_PLACES = "beach snow city street forest river lake mountain kitchen party night sunset"


def queries(count: int = QUERIES) -> list[str]:
    """Distinct, ordinary queries ("a red dog on the beach"), in a fixed order (a longer
    list starts with a shorter one)."""
    texts = [
        f"a {adjective} {thing} {where} the {place}"
        for place in _PLACES.split()
        for thing in _THINGS.split()
        for adjective in _ADJECTIVES.split()
        for where in ("on", "in")
    ]
    order = np.random.default_rng(7).permutation(len(texts))[:count]
    return [texts[i] for i in order]


class Space:
    """The fixed shape of the clustered vectors, shared by the stored ones and the queries."""

    def __init__(self, dim: int) -> None:
        rng = np.random.default_rng(1234)
        self.rank = min(_SUBSPACE, dim)
        basis, _ = np.linalg.qr(rng.standard_normal((dim, self.rank)))
        spectrum = np.arange(1, self.rank + 1, dtype=np.float32) ** -0.5
        self.basis = (basis * spectrum).astype(np.float32).T  # [rank, dim]
        mean = rng.standard_normal(dim).astype(np.float32)
        self.mean = _MEAN_WEIGHT * mean / np.linalg.norm(mean)
        self.centres = rng.standard_normal((_CENTRES, self.rank)).astype(np.float32)


def vectors(n: int, dim: int, kind: Vectors, seed: int) -> Iterator[FloatArray]:
    """`n` unit vectors in chunks, the same for the same arguments."""
    rng = np.random.default_rng(seed)
    space = Space(dim) if kind == "clustered" else None
    for start in range(0, n, _CHUNK):
        rows = min(_CHUNK, n - start)
        if space is None:
            chunk = rng.standard_normal((rows, dim), dtype=np.float32)
        else:
            near = space.centres[rng.integers(0, _CENTRES, rows)]
            local = near + _SPREAD * rng.standard_normal((rows, space.rank), dtype=np.float32)
            chunk = local @ space.basis + space.mean
            chunk *= 1.0 / np.linalg.norm(chunk, axis=1, keepdims=True)
            chunk += (_NOISE / np.sqrt(dim)) * rng.standard_normal((rows, dim), dtype=np.float32)
        chunk /= np.linalg.norm(chunk, axis=1, keepdims=True)
        yield chunk


def exact_top(
    n: int, dim: int, kind: Vectors, probes: FloatArray, k: int, folders: int = FOLDERS
) -> npt.NDArray[np.int64]:
    """Labels (file ids, from 1) of the exact top `k` of each probe, by brute force, among
    the photos of the library's first `folders` folders (all of them by default)."""
    best_scores = np.full((len(probes), k), -np.inf, dtype=np.float32)
    best_ids = np.zeros((len(probes), k), dtype=np.int64)
    offset = 0
    for chunk in vectors(n, dim, kind, seed=0):
        scores = probes @ chunk.T
        numbers = np.arange(offset, offset + len(chunk))
        scores[:, folder_of(numbers, n) >= folders] = -np.inf
        ids = np.broadcast_to(numbers + 1, scores.shape)
        all_scores = np.concatenate([best_scores, scores], axis=1)
        all_ids = np.concatenate([best_ids, ids], axis=1)
        top = np.argpartition(-all_scores, k - 1, axis=1)[:, :k]
        best_scores = np.take_along_axis(all_scores, top, axis=1)
        best_ids = np.take_along_axis(all_ids, top, axis=1)
        offset += len(chunk)
    return best_ids


def stored(n: int, dim: int, kind: Vectors, numbers: Sequence[int]) -> FloatArray:
    """The vectors of the bench library's photos `numbers` (file id = number + 1)."""
    wanted = np.asarray(numbers)
    found = np.zeros((len(wanted), dim), dtype=np.float32)
    offset = 0
    for chunk in vectors(n, dim, kind, seed=0):
        inside = (wanted >= offset) & (wanted < offset + len(chunk))
        found[inside] = chunk[wanted[inside] - offset]
        offset += len(chunk)
    return found


def library_paths(folder: Path) -> AppPaths:
    """Where a bench library built in `folder` keeps its data."""
    return AppPaths(folder / "data", folder / "cache", folder / "config", folder / "log")


def folder_of(number: Any, n: int) -> Any:
    """Which folder (0 .. FOLDERS - 1) photo `number` (file id `number + 1`) of a bench
    library of `n` lies in; numbers may be an array."""
    return number * FOLDERS // n


def photo_folder(folder: int) -> str:
    """The path of the bench library's folder `folder` (counted modulo FOLDERS)."""
    return f"{_ROOT}/f{folder % FOLDERS:03d}"


def folder_filter(share: float) -> tuple[str, ...]:
    """The first folders of the bench library, which hold `share` of its photos."""
    return tuple(photo_folder(i) for i in range(max(1, round(share * FOLDERS))))


def ensure_library(
    folder: Path, n: int, model_name: str, dim: int, kind: Vectors
) -> dict[str, Any]:
    """A library of `n` photos with vectors, and its saved index; built once (then cached).

    Returns how long SQLite and the index took to build when this call built them.
    """
    spec = {"model": model_name, "layout": _LAYOUT, "vectors": n, "kind": kind}
    paths = [f"{photo_folder(folder_of(i, n))}/{i:07d}.jpg" for i in range(n)]
    return cached_library(folder, spec, (_ROOT, dim), paths, lambda: vectors(n, dim, kind, 0))


def cached_library(
    folder: Path,
    spec: dict[str, Any],
    root: tuple[str, int],
    paths: Sequence[str],
    chunks: Callable[[], Iterable[FloatArray]],
) -> dict[str, Any]:
    """A library in `folder` whose photos `paths` (under the root folder `root[0]`) have the
    vectors `chunks()` yields, in order, of dimension `root[1]` for the model `spec["model"]`,
    and the model's saved index. Built once; a cache made for another `spec` is rebuilt.

    Returns `spec` with how long SQLite and the index took to build (when they were built).
    """
    marker = folder / _MARKER
    if marker.is_file():
        built: dict[str, Any] = json.loads(marker.read_text(encoding="utf-8"))
        if all(built.get(key) == value for key, value in spec.items()):
            return built
        marker.unlink()
    shutil.rmtree(folder / "data", ignore_errors=True)  # another layout's (or a half) build
    folder.mkdir(parents=True, exist_ok=True)
    model_name, (root_path, dim) = spec["model"], root
    with Library(library_paths(folder).ensure()) as library:
        store = library.store
        started = time.perf_counter()
        root_id = store.add_root(root_path)
        store.apply_scan(root_id, [ScannedFile(path, 3_800_000, 0) for path in paths])
        model_id = store.model_id(model_name, dim)
        offset = 1  # AUTOINCREMENT ids of a fresh library
        for chunk in chunks():
            ids = list(range(offset, offset + len(chunk)))
            metas = [Decoded(i, 4000, 3000, None) for i in ids]
            store.commit_batch(model_id, metas, ids, chunk, [])
            offset += len(chunk)
        sqlite_seconds = time.perf_counter() - started
        started = time.perf_counter()
        index = library.vector_index(model_name, dim)  # rebuilt from SQLite, as the app would
        index_seconds = time.perf_counter() - started
        index.save()
    built = spec | {"sqlite_build_seconds": sqlite_seconds, "index_build_seconds": index_seconds}
    marker.write_text(json.dumps(built), encoding="utf-8")
    return built


def _percentiles(seconds: Sequence[float]) -> dict[str, float]:
    ms = np.asarray(seconds) * 1000
    return {"p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95))}


def bench_size(
    folder: Path,
    n: int,
    make_model: Callable[[], ClipModel],
    kind: Vectors = "clustered",
    *,
    k: int = 20,
    query_count: int = QUERIES,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Every search figure at one size: build (first time), ef and recall, latencies, memory.

    `make_model` must give a fresh model each call: the one that answers starts cold.
    """
    announce = progress or (lambda _: None)
    model = make_model()
    dim = model.dim or int(make_model().embed_texts(["a photo"]).shape[1])
    if not (folder / _MARKER).is_file():
        announce(f"building a library of {n:,} {kind} vectors (once; the app's own index rebuild)")
    built = ensure_library(folder, n, model.name, dim, kind)
    announce(
        f"{n:,} vectors: exact search, ef for recall@10 >= {RECALL_TARGET}, {query_count} queries"
    )
    probes = np.concatenate(list(vectors(min(query_count, 200), dim, kind, seed=1)))
    exact = exact_top(n, dim, kind, probes, 10)
    rss_before = rss_mb()
    with Library(library_paths(folder)) as library:
        started = time.perf_counter()
        index = library.vector_index(model.name, dim)
        open_seconds = time.perf_counter() - started
        rss_loaded = rss_mb()
        least_ef, least_recall = _least_ef(
            index.query, lambda ef: setattr(index, "ef", ef), probes, exact
        )
        index.ef = None  # the app's breadth for this size, as every search below uses
        recall, knn = _recall(index.query, probes, exact)
        searcher = Searcher(library, model)
        every_text = queries((len(FILTER_SHARES) + 1) * (query_count + 1))  # distinct per part
        texts = every_text[: query_count + 1]
        started = time.perf_counter()
        searcher.search(texts[0], k)
        first = time.perf_counter() - started
        latencies = []
        for text in texts[1:]:
            started = time.perf_counter()
            searcher.search(text, k)
            latencies.append(time.perf_counter() - started)
        filtered = []
        for number, share in enumerate(FILTER_SHARES, start=1):
            announce(f"{n:,} vectors: queries with a {100 * share:g} % folder filter")
            span = slice(number * (query_count + 1), (number + 1) * (query_count + 1))
            filtered.append(
                _filtered(searcher, index, share, every_text[span], probes, (n, dim, kind), k)
            )
        rss_after = rss_mb()
    text_only = []
    for text in texts[1:]:
        started = time.perf_counter()
        model.embed_texts([text])
        text_only.append(time.perf_counter() - started)
    return {
        "vectors": n,
        "kind": kind,
        "k": k,
        "ef": search_ef(n),
        "recall_at_10": recall,
        "least_ef": {"ef": least_ef, "recall_at_10": least_recall},
        "search": _percentiles(latencies),
        "text_only": _percentiles(text_only),
        "knn_only": _percentiles(knn),
        "first_query_seconds": first,
        "filtered": filtered,
        "open_seconds": open_seconds,
        "build": built,
        "memory": {
            "rss_before_open_mb": rss_before,
            "rss_index_loaded_mb": rss_loaded,
            "rss_after_queries_mb": rss_after,
        },
    }


def _filtered(
    searcher: Searcher,
    index: VectorIndex,
    share: float,
    texts: Sequence[str],
    probes: FloatArray,
    library: tuple[int, int, Vectors],
    k: int,
) -> dict[str, Any]:
    """Filtered search at one selectivity: text queries end to end with the filter kept (as a
    person types with a filter set) and changed before every query (its SQL and the vectors
    it copies paid each time), the SQL alone, recall@10 through `Searcher.find` (a library
    photo outside the filter as the query, against the exact filtered answer), and every
    strategy forced at `STRATEGY_KS`."""
    n, dim, kind = library
    store = searcher.library.store
    folders = folder_filter(share)
    filters = Filters(folders=folders)
    sql = []
    for _ in range(5):
        started = time.perf_counter()
        allowed = frozenset(store.photo_ids(filters))
        sql.append(time.perf_counter() - started)
    started = time.perf_counter()
    searcher.find(parse_query(texts[0]), filters, limit=k)
    first = time.perf_counter() - started
    kept = []
    for text in texts[1:]:
        started = time.perf_counter()
        searcher.find(parse_query(text), filters, limit=k)
        kept.append(time.perf_counter() - started)
    changed = []
    for shift, text in enumerate(texts[1 : CHANGED_QUERIES + 1], start=1):
        moved = Filters(folders=tuple(photo_folder(i + shift) for i in range(len(folders))))
        started = time.perf_counter()
        searcher.find(parse_query(text), moved, limit=k)
        changed.append(time.perf_counter() - started)
    # Recall through the app: query photos from the last folder, outside every filter here
    last = [i for i in range(n - n // FOLDERS - 1, n) if folder_of(i, n) == FOLDERS - 1]
    numbers = last[:: max(1, len(last) // len(probes))][: len(probes)]
    truth = exact_top(n, dim, kind, stored(n, dim, kind, numbers), 10, len(folders))
    hits = 0
    for number, expected in zip(numbers, truth, strict=True):
        path = f"{photo_folder(folder_of(number, n))}/{number:07d}.jpg"
        query = Query((Term(1.0, image=ImagePaths((path,), path)),), path)
        found = searcher.find(query, filters, limit=10).hits
        hits += len({hit.file_id for hit in found} & set(expected.tolist()))
    return {
        "share": share,
        "folders": len(folders),
        "allowed": len(allowed),
        "sql": _percentiles(sql),
        "first_query_seconds": first,
        "search": _percentiles(kept),
        "search_filter_changed": _percentiles(changed),
        "recall_at_10": hits / truth.size if truth.size else 1.0,
        "strategy": {str(size): index.plan(size, allowed) for size in STRATEGY_KS},
        "strategies": _strategies(index, allowed, probes, library, len(folders)),
    }


def _strategies(
    index: VectorIndex,
    allowed: frozenset[int],
    probes: FloatArray,
    library: tuple[int, int, Vectors],
    folders: int,
) -> list[dict[str, Any]]:
    """Each filtered strategy forced: knn-only p50/p95 and recall@10 per k, and for the exact
    scan the first query's copy of the allowed vectors out of hnswlib on its own. Over-fetching
    (the unfiltered nearest OVERFETCH * k / share, the allowed kept) is measured too, on top
    of the plain query: it is the third way of the issue, which the app does not use."""
    n, dim, kind = library
    sample = probes[:STRATEGY_PROBES]
    truth = exact_top(n, dim, kind, sample, 10, folders)
    share = len(allowed) / max(len(index), 1)
    rows: list[dict[str, Any]] = []
    for size in STRATEGY_KS:
        for strategy in ("exact", "overfetch", "filtered"):
            row: dict[str, Any] = {"k": size, "strategy": strategy}
            fetched = len(allowed) if strategy == "exact" else OVERFETCH * size / share
            if strategy != "filtered" and fetched > STRATEGY_MAX_VECTORS:
                rows.append(row | {"skipped": f"{fetched:,.0f} vectors a query"})
                continue
            fresh = allowed | {-size}  # the same photos (-k is no label), a set not yet copied
            query = _forced(index, strategy, fresh, math.ceil(fetched))
            if strategy == "exact":
                started = time.perf_counter()
                query(sample[0], size)
                row["copy_seconds"] = time.perf_counter() - started
            seconds, hits = [], 0
            for probe, expected in zip(sample, truth, strict=True):
                started = time.perf_counter()
                found = query(probe, size)
                seconds.append(time.perf_counter() - started)
                hits += len({label for label, _ in found[:10]} & set(expected.tolist()))
            rows.append(row | _percentiles(seconds) | {"recall_at_10": hits / truth.size})
    return rows


def _forced(
    index: VectorIndex, strategy: str, allowed: frozenset[int], fetched: int
) -> Callable[[FloatArray, int], list[tuple[int, float]]]:
    """A filtered query by one strategy (over-fetch: `fetched` nearest, the allowed kept)."""
    if strategy == "overfetch":
        return lambda probe, k: [p for p in index.query(probe, fetched) if p[0] in allowed][:k]
    forced: Strategy = "exact" if strategy == "exact" else "filtered"
    return lambda probe, k: index.query(probe, k, allowed, strategy=forced)


def _recall(
    query: Callable[[FloatArray, int], list[tuple[int, float]]],
    probes: FloatArray,
    exact: npt.NDArray[np.int64],
) -> tuple[float, list[float]]:
    """Recall@10 of the index as it is set now, and the knn-only seconds of each probe."""
    hits, seconds = 0, []
    for probe, truth in zip(probes, exact, strict=True):
        started = time.perf_counter()
        found = query(probe, 10)
        seconds.append(time.perf_counter() - started)
        hits += len({label for label, _ in found} & set(truth.tolist()))
    return hits / exact.size, seconds


def _least_ef(
    query: Callable[[FloatArray, int], list[tuple[int, float]]],
    set_ef: Callable[[int], None],
    probes: FloatArray,
    exact: npt.NDArray[np.int64],
) -> tuple[int, float]:
    """The smallest ef of the ladder reaching RECALL_TARGET (else the largest) and its recall."""
    for ef in EF_LADDER:
        set_ef(ef)
        recall, _ = _recall(query, probes, exact)
        if recall >= RECALL_TARGET or ef == EF_LADDER[-1]:
            return ef, recall
    raise AssertionError("the ladder is not empty")
