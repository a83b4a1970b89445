"""Filtered vector queries against exact numpy answers, each strategy forced, on a real SQLite
store and hnswlib index: allowed sets of every share, labels the index does not hold, deleted
labels, the plan by selectivity, and the background sample for the best-match cut."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from gallery.bench.search import vectors
from gallery.library.store import Decoded, ScannedFile, Store
from gallery.library.vectors import Strategy, VectorIndex

DIM = 32
N = 2_000
FILTERED: tuple[Strategy, ...] = ("exact", "filtered")


@pytest.fixture(scope="module")
def library(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[VectorIndex, npt.NDArray[np.float32]]:
    """N clustered (CLIP-like) vectors with file ids 1..N and the index over them."""
    folder = tmp_path_factory.mktemp("knn")
    store = Store(folder / "lib.sqlite3")
    root = store.add_root("/p")
    store.apply_scan(root, [ScannedFile(f"/p/{i}.jpg", 1, 1) for i in range(N)])
    data = np.concatenate(list(vectors(N, DIM, "clustered", seed=0)))
    ids = list(range(1, N + 1))
    model_id = store.model_id("m", DIM)
    store.commit_batch(model_id, [Decoded(i, 4, 3, None) for i in ids], ids, data, [])
    return VectorIndex(store, model_id, DIM, folder / "m.hnsw"), data


def _exact(
    data: npt.NDArray[np.float32], query: np.ndarray, allowed: set[int], k: int
) -> list[int]:
    labels = np.array(sorted(allowed), dtype=np.int64)
    scores = data[labels - 1] @ query
    return [int(labels[i]) for i in np.argsort(-scores, kind="stable")[:k]]


def _among(sample: np.ndarray, scores: np.ndarray) -> bool:
    """Every sampled score is one of `scores` (to float32 rounding)."""
    return bool(np.all(np.min(np.abs(sample[:, None] - scores[None, :]), axis=1) < 1e-5))


def _probes(count: int) -> np.ndarray:
    return np.concatenate(list(vectors(count, DIM, "clustered", seed=5)))


def _allowed(share: float, seed: int) -> set[int]:
    rng = np.random.default_rng(seed)
    return {int(i) for i in rng.choice(np.arange(1, N + 1), round(share * N), replace=False)}


@pytest.mark.parametrize("strategy", FILTERED)
@pytest.mark.parametrize("share", [0.005, 0.05, 0.5, 1.0])
def test_each_strategy_finds_the_exact_filtered_answer(
    library: tuple[VectorIndex, np.ndarray], strategy: Strategy, share: float
) -> None:
    index, data = library
    hits = total = 0
    for seed, probe in enumerate(_probes(20)):
        allowed = _allowed(share, seed)
        found = index.query(probe, 10, allowed, strategy=strategy)
        labels = [label for label, _ in found]
        assert set(labels) <= allowed and len(labels) == min(10, len(allowed))
        scores = [score for _, score in found]
        assert scores == sorted(scores, reverse=True)
        assert np.allclose(scores, data[np.array(labels) - 1] @ probe, atol=1e-5)
        truth = _exact(data, probe, allowed, 10)
        if strategy == "exact":
            assert labels == truth
        hits += len(set(labels) & set(truth))
        total += len(truth)
    assert hits / total >= 0.98


@pytest.mark.parametrize("strategy", FILTERED)
def test_labels_the_index_does_not_hold_are_ignored(
    library: tuple[VectorIndex, np.ndarray], strategy: Strategy
) -> None:
    index, data = library
    probe = _probes(1)[0]
    strangers = set(range(N + 1, N + 500)) | {0, -3}
    assert index.query(probe, 10, strangers, strategy=strategy) == []
    allowed = _allowed(0.05, 1) | strangers
    labels = [label for label, _ in index.query(probe, 10, allowed, strategy=strategy)]
    assert labels == _exact(data, probe, allowed - strangers, 10)
    few = {3, 9, 27} | strangers  # fewer allowed labels in the index than k
    assert sorted(label for label, _ in index.query(probe, 10, few, strategy=strategy)) == [
        3,
        9,
        27,
    ]


@pytest.mark.parametrize("strategy", FILTERED)
def test_deleted_labels_never_come_back(tmp_path: Path, strategy: Strategy) -> None:
    store = Store(tmp_path / "lib.sqlite3")
    root = store.add_root("/p")
    store.apply_scan(root, [ScannedFile(f"/p/{i}.jpg", 1, 1) for i in range(300)])
    data = np.concatenate(list(vectors(300, DIM, "clustered", seed=2)))
    ids = list(range(1, 301))
    model_id = store.model_id("m", DIM)
    index = VectorIndex(store, model_id, DIM, tmp_path / "m.hnsw")
    index.add(ids, data, store.commit_batch(model_id, [], ids, data, []))
    probe = data[10]
    allowed = set(range(1, 151))
    nearest = [label for label, _ in index.query(probe, 20, allowed, strategy=strategy)]
    gone = nearest[:5]
    index.remove(gone)
    again = [label for label, _ in index.query(probe, 20, allowed, strategy=strategy)]
    assert not set(again) & set(gone) and len(again) == 20
    remaining = allowed - set(gone)
    assert again == _exact(data, probe, remaining, 20)


def test_the_plan_follows_the_allowed_sets_size_and_share(
    library: tuple[VectorIndex, np.ndarray],
) -> None:
    index, _ = library
    assert index.plan(20, None) == "knn"
    assert index.plan(20, _allowed(0.1, 0)) == "exact"  # 200 vectors: scoring them all is cheapest
    assert index.plan(20, set(range(N))) == "filtered"  # a broad filter: the graph walk
    assert index.plan(3000, set(range(N))) == "exact"  # as many wanted as there are
    broad = frozenset(range(1, N))
    index.query(_probes(1)[0], 5, broad, strategy="exact")
    assert index.plan(20, broad) == "exact"  # its vectors are copied already: a matmul


def test_without_a_filter_the_query_is_the_plain_knn(
    library: tuple[VectorIndex, np.ndarray],
) -> None:
    index, data = library
    probe = _probes(1)[0]
    labels = [label for label, _ in index.query(probe, 10)]
    assert len(set(labels) & set(_exact(data, probe, set(range(1, N + 1)), 10))) >= 9


def test_background_is_a_fixed_random_sample_of_the_library(
    library: tuple[VectorIndex, np.ndarray],
) -> None:
    index, data = library
    probe = _probes(1)[0]
    everything = index.background(probe, n=256)
    assert everything.shape == (256,) and np.array_equal(everything, index.background(probe, n=256))
    all_scores = data @ probe
    assert abs(float(np.median(everything)) - float(np.median(all_scores))) < 0.05
    assert _among(everything, all_scores)


def test_copied_vectors_follow_the_index_and_the_set(tmp_path: Path) -> None:
    """Exact scans and backgrounds reuse vectors copied for the same set, but never after the
    index changed or the set did (even a set changed in place)."""
    store = Store(tmp_path / "lib.sqlite3")
    root = store.add_root("/p")
    store.apply_scan(root, [ScannedFile(f"/p/{i}.jpg", 1, 1) for i in range(200)])
    data = np.concatenate(list(vectors(200, DIM, "clustered", seed=3)))
    model_id = store.model_id("m", DIM)
    index = VectorIndex(store, model_id, DIM, tmp_path / "m.hnsw")
    index.add(list(range(1, 101)), data[:100], store.commit_batch(model_id, [], [], data[:0], []))
    probe = data[150]
    allowed = set(range(1, 201))
    first = index.query(probe, 5, allowed, strategy="exact")
    assert {label for label, _ in first} <= set(range(1, 101))
    assert index.background(probe).size == 100
    index.add(list(range(101, 201)), data[100:], 0)
    assert index.query(probe, 1, allowed, strategy="exact")[0][0] == 151
    assert index.background(probe).size == 200
    allowed.discard(151)
    assert index.query(probe, 1, allowed, strategy="exact")[0][0] != 151
