"""SQLite store and hnswlib index with real files: diffs, batches, crash catch-up, rebuilds."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from gallery.errors import LibraryError
from gallery.library.library import Library
from gallery.library.store import SCHEMA_VERSION, Decoded, ScannedFile, Store
from gallery.library.vectors import VectorIndex, search_ef
from gallery.paths import app_paths

DIM = 8


def _vectors(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, DIM)).astype(np.float32)
    unit: np.ndarray = v / np.linalg.norm(v, axis=1, keepdims=True)
    return unit


def _store_with_files(tmp_path: Path, n: int) -> tuple[Store, int, list[int]]:
    store = Store(tmp_path / "lib.sqlite3")
    root = store.add_root("/photos")
    store.apply_scan(root, [ScannedFile(f"/photos/{i}.jpg", 100 + i, 1000 + i) for i in range(n)])
    ids = sorted(row.id for row in store.files_under(root).values())
    return store, root, ids


def test_schema_is_versioned_and_wal(tmp_path: Path) -> None:
    store = Store(tmp_path / "lib.sqlite3")
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()
    raw = sqlite3.connect(tmp_path / "lib.sqlite3")
    raw.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(LibraryError, match="newer Lumen Gallery"):
        Store(tmp_path / "lib.sqlite3")


def test_scan_diff_new_changed_vanished(tmp_path: Path) -> None:
    store, root, ids = _store_with_files(tmp_path, 3)
    scanned = [
        ScannedFile("/photos/0.jpg", 100, 1000),  # unchanged
        ScannedFile("/photos/1.jpg", 999, 1001),  # changed size
        ScannedFile("/photos/new.jpg", 5, 5),  # new
    ]  # 2.jpg vanished
    diff = store.apply_scan(root, scanned)
    assert (diff.new, diff.updated, diff.unchanged) == (1, 1, 1)
    assert sorted(diff.removed_ids) == [ids[1], ids[2]]
    rows = store.files_under(root)
    assert set(rows) == {"/photos/0.jpg", "/photos/1.jpg", "/photos/new.jpg"}
    assert rows["/photos/1.jpg"].id > max(ids), "a changed file gets a fresh id (label)"


def test_commit_batch_is_atomic_and_counts(tmp_path: Path) -> None:
    store, _, ids = _store_with_files(tmp_path, 4)
    model = store.model_id("m", DIM)
    vectors = _vectors(2)
    generation = store.commit_batch(
        model,
        [Decoded(ids[0], 10, 20, None), Decoded(ids[1], 30, 40, 1.5e9)],
        ids[:2],
        vectors,
        [(ids[2], "empty file")],
    )
    assert generation == store.generation(model) == 1
    counts = store.counts(model)
    assert (counts.files, counts.indexed, counts.failed, counts.pending) == (4, 2, 1, 1)
    assert [r.id for r in store.pending(model)] == [ids[3]]
    stored = store.vector_of(model, ids[1])
    assert stored is not None and np.allclose(stored, vectors[1])
    assert store.failures() == [("/photos/2.jpg", "empty file")]
    with pytest.raises(LibraryError):
        store.commit_batch(
            model,
            [Decoded(ids[3], 1, 1, None)],
            [ids[3]],
            np.zeros((1, DIM + 1), dtype=np.float32),
            [],
        )
    assert store.counts(model).indexed == 2, "a failed batch commits nothing"
    width = store.db.execute("SELECT width FROM files WHERE id = ?", (ids[3],)).fetchone()[0]
    assert width is None, "the batch's metadata was rolled back with it"


def test_vector_ids_and_counts_never_read_the_vectors(tmp_path: Path) -> None:
    """Which files have vectors is answered from the file_id index: a scan of the table itself
    reads every vector (gigabytes at 1M photos) just to list or count keys."""
    store, _, ids = _store_with_files(tmp_path, 3)
    model = store.model_id("m", DIM)
    store.commit_batch(model, [], ids, _vectors(3), [])
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    assert store.vector_ids(model) == (set(ids), 1)
    assert store.vector_count(model) == 3 and store.counts(model).indexed == 3
    store.db.set_trace_callback(None)
    reads = [s for s in statements if s.startswith("SELECT") and "embeddings" in s]
    assert len(reads) == 3
    for statement in reads:
        plan = " ".join(str(row[3]) for row in store.db.execute("EXPLAIN QUERY PLAN " + statement))
        assert "COVERING INDEX embeddings_file" in plan, (statement, plan)


def test_lookups_by_many_ids_span_chunks(tmp_path: Path) -> None:
    """More ids than one `IN (...)` binds: every lookup still sees all of them, in order."""
    store, root, ids = _store_with_files(tmp_path, 1234)
    model = store.model_id("m", DIM)
    vectors = _vectors(len(ids))
    store.commit_batch(model, [], ids[:1100], vectors[:1100], [])
    assert store.paths_of(ids) == {i: f"/photos/{n}.jpg" for n, i in enumerate(ids)}
    assert sorted(store.photo_rows([*ids, 10**9])) == ids
    assert [r.id for r in store.pending(model, [root])] == ids[1100:]
    many_roots = [root, *(store.add_root(f"/other/{n}") for n in range(600))]
    assert [r.id for r in store.pending(model, many_roots)] == ids[1100:]
    found = list(store.vectors(model, ids, chunk=300))
    assert [len(part) for part, _ in found] == [300, 300, 300, 200]
    assert [i for part, _ in found for i in part] == ids[:1100]
    assert np.allclose(np.concatenate([v for _, v in found]), vectors[:1100])
    diff = store.apply_scan(root, [ScannedFile("/photos/0.jpg", 100, 1000)])
    assert len(diff.removed_ids) == 1233 and list(store.files_under(root)) == ["/photos/0.jpg"]


def test_delete_model_takes_its_vectors_and_nothing_else(tmp_path: Path) -> None:
    store, _, ids = _store_with_files(tmp_path, 3)
    kept, gone = store.model_id("kept", DIM), store.model_id("gone", DIM)
    store.commit_batch(kept, [], ids, _vectors(3), [])
    store.commit_batch(gone, [], ids[:2], _vectors(2), [])
    assert store.delete_model("gone") == 2
    assert store.model_names() == ["kept"] and store.vector_count(kept) == 3
    assert store.db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0] == 3
    assert store.delete_model("gone") == 0 and store.delete_model("never") == 0


def test_model_dimension_is_fixed(tmp_path: Path) -> None:
    store = Store(tmp_path / "lib.sqlite3")
    store.model_id("m", DIM)
    with pytest.raises(LibraryError, match="8-d vectors"):
        store.model_id("m", 16)


def _index(store: Store, tmp_path: Path) -> VectorIndex:
    return VectorIndex(store, store.model_id("m", DIM), DIM, tmp_path / "m.hnsw")


def test_query_ranks_and_clamps_k(tmp_path: Path) -> None:
    store, _, ids = _store_with_files(tmp_path, 5)
    index = _index(store, tmp_path)
    vectors = _vectors(5)
    gen = store.commit_batch(index.model_id, [], ids, vectors, [])
    index.add(ids, vectors, gen)
    hits = index.query(vectors[3], k=50)
    assert len(hits) == 5
    assert hits[0][0] == ids[3] and hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    index.remove([ids[3]])
    assert ids[3] not in {label for label, _ in index.query(vectors[3], k=50)}
    assert len(index.query(vectors[3], k=50)) == 4


def test_search_breadth_grows_with_the_index_and_keeps_recall(tmp_path: Path) -> None:
    """The size-chosen ef finds the exact top 10 (>= 0.98) in clustered data, as photo
    embeddings are; a fixed narrow ef on the same graph does not."""
    from gallery.bench.search import exact_top, vectors

    dim, n = 64, 20_000
    assert search_ef(10_000) <= search_ef(100_000) < search_ef(1_000_000) < search_ef(2_000_000)
    store = Store(tmp_path / "lib.sqlite3")
    root = store.add_root("/p")
    store.apply_scan(root, [ScannedFile(f"/p/{i}.jpg", 1, 1) for i in range(n)])
    index = VectorIndex(store, store.model_id("m", dim), dim, tmp_path / "m.hnsw")
    data = np.concatenate(list(vectors(n, dim, "clustered", seed=0)))
    index.add(list(range(1, n + 1)), data, 1)
    probes = np.concatenate(list(vectors(100, dim, "clustered", seed=1)))
    truth = exact_top(n, dim, "clustered", probes, 10)

    def recall() -> float:
        found = [{label for label, _ in index.query(p, 10)} for p in probes]
        return sum(len(f & set(t.tolist())) for f, t in zip(found, truth, strict=True)) / 1000

    assert recall() >= 0.98
    index.ef = 10
    assert recall() < 0.98


def test_saved_index_reopens_without_rebuild(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store, _, ids = _store_with_files(tmp_path, 20)
    index = _index(store, tmp_path)
    vectors = _vectors(20)
    index.add(ids, vectors, store.commit_batch(index.model_id, [], ids, vectors, []))
    index.save()
    meta = json.loads((tmp_path / "m.hnsw.json").read_text())
    assert meta == {"generation": 1, "dim": DIM, "count": 20}
    caplog.set_level("INFO")
    reopened = _index(store, tmp_path)
    assert reopened.labels() == set(ids)
    assert "Rebuilt" not in caplog.text and "caught up" not in caplog.text


def test_crash_before_save_is_caught_up(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """SQLite committed more than the saved index holds (a crash between saves)."""
    store, root, ids = _store_with_files(tmp_path, 30)
    index = _index(store, tmp_path)
    vectors = _vectors(30)
    index.add(
        ids[:10], vectors[:10], store.commit_batch(index.model_id, [], ids[:10], vectors[:10], [])
    )
    index.save()
    store.commit_batch(index.model_id, [], ids[10:], vectors[10:], [])  # never added, never saved
    diff = store.apply_scan(
        root, [ScannedFile(f"/photos/{i}.jpg", 100 + i, 1000 + i) for i in range(1, 30)]
    )  # 0.jpg vanished
    assert diff.removed_ids == [ids[0]]
    caplog.set_level("INFO")
    reopened = _index(store, tmp_path)
    assert "caught up" in caplog.text
    assert reopened.labels() == set(ids[1:])
    top = reopened.query(vectors[25], k=1)
    assert top[0][0] == ids[25]
    assert ids[0] not in {label for label, _ in reopened.query(vectors[0], k=29)}


@pytest.mark.parametrize("damage", ["missing", "truncated", "garbage"])
def test_damaged_index_is_rebuilt_from_sqlite(
    tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    store, _, ids = _store_with_files(tmp_path, 50)
    index = _index(store, tmp_path)
    vectors = _vectors(50)
    index.add(ids, vectors, store.commit_batch(index.model_id, [], ids, vectors, []))
    index.save()
    path = tmp_path / "m.hnsw"
    if damage == "missing":
        path.unlink()
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    else:
        path.write_bytes(b"\x00garbage" * 100)
    caplog.set_level("INFO")
    rebuilt = _index(store, tmp_path)
    assert rebuilt.labels() == set(ids)
    assert rebuilt.query(vectors[7], k=1)[0][0] == ids[7]
    assert "rebuild" in caplog.text.lower()


def test_library_keeps_one_index_per_model(tmp_path: Path) -> None:
    paths = app_paths().ensure()
    with Library(paths) as library:
        a = library.vector_index("model/a", 8)
        b = library.vector_index("model-b", 16)
        assert a is library.vector_index("model/a", 8)
        assert a.path != b.path and a.path.suffix == b.path.suffix == ".hnsw"
    assert sorted(p.name for p in paths.indexes.glob("*.hnsw")) == ["model-b.hnsw", "model_a.hnsw"]


def test_index_file_missing_labels_is_caught_up_even_with_a_matching_sidecar(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An older index file put back (a backup, a copy) beside a current sidecar must not
    silently miss photos: labels SQLite has and the file lacks are added on open."""
    store, _, ids = _store_with_files(tmp_path, 20)
    index = _index(store, tmp_path)
    vectors = _vectors(20)
    generation = store.commit_batch(index.model_id, [], ids[:5], vectors[:5], [])
    index.add(ids[:5], vectors[:5], generation)
    index.save()
    old_file = (tmp_path / "m.hnsw").read_bytes()
    generation = store.commit_batch(index.model_id, [], ids[5:], vectors[5:], [])
    index.add(ids[5:], vectors[5:], generation)
    index.save()
    (tmp_path / "m.hnsw").write_bytes(old_file)  # the sidecar still says the latest generation
    caplog.set_level("INFO")
    reopened = _index(store, tmp_path)
    assert "caught up with the library: +15" in caplog.text
    assert reopened.labels() == set(ids)
    assert reopened.query(vectors[17], k=1)[0][0] == ids[17]


def test_stores_opening_one_new_library_at_once_migrate_it_once(tmp_path: Path) -> None:
    """The app and a CLI run started together on a fresh library: each reads schema 0, one
    migrates, and the other must not then run the same migration again."""
    for round_ in range(8):
        db = tmp_path / f"library-{round_}.sqlite3"
        start = threading.Barrier(6)
        errors: list[BaseException] = []

        def open_it(
            db: Path = db, start: threading.Barrier = start, errors: list[BaseException] = errors
        ) -> None:
            start.wait()
            try:
                Store(db).close()
            except BaseException as exc:  # collected for the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
