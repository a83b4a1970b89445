"""The indexing pipeline in-process: progress, cancellation, thumbnails and the run log."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from gallery.imaging import thumbnail_file
from gallery.library.indexer import Indexer, IndexProgress, IndexSummary
from gallery.library.library import Library
from gallery.library.search import Searcher
from gallery.ml.encoder import ClipModel
from gallery.paths import app_paths
from tests.support.tiny_models import COLOURS, solid_colour_image


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    for i in range(24):
        name = list(COLOURS)[i % len(COLOURS)]
        solid_colour_image(folder / f"{i:02d}-{name}.jpg", name, size=(400, 300))
    return folder


def _model(model_dirs: dict[str, Path], batch_size: int = 4) -> ClipModel:
    return ClipModel.from_path(model_dirs["colour-hf"], device="cpu", batch_size=batch_size)


def test_progress_thumbnails_and_stage_log(
    photos: Path, model_dirs: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    events: list[IndexProgress] = []
    with Library(app_paths().ensure()) as library:
        summary = Indexer(library, _model(model_dirs), decode_threads=2).run(
            [photos], events.append
        )
        index_events = [e for e in events if e.stage == "index"]
        assert [e.done for e in index_events] == [4, 8, 12, 16, 20, 24]
        assert all(e.total == 24 and e.rate > 0 for e in index_events)
        assert index_events[-1].eta_seconds == 0
        assert summary.embedded == 24 and summary.batch_size == 4
        assert set(summary.stage_seconds) == {"scan", "decode", "encode", "write"}
        for photo in photos.iterdir():
            stat = photo.stat()
            thumb = thumbnail_file(
                library.paths.thumbnails, str(photo), stat.st_size, stat.st_mtime_ns
            )
            with Image.open(thumb) as image:
                assert max(image.size) == 320 and image.size == (320, 240)
        hits = Searcher(library, _model(model_dirs)).search("orange", k=3)
        assert all("orange" in Path(h.path).name for h in hits)
    assert "Indexed in" in caplog.text and "stages" in caplog.text
    assert "on CPU" in caplog.text and "batch 4" in caplog.text


def test_cancel_between_batches_keeps_what_was_committed(
    photos: Path, model_dirs: dict[str, Path]
) -> None:
    cancel = threading.Event()

    def stop_after_two_batches(event: IndexProgress) -> None:
        if event.stage == "index" and event.done >= 8:
            cancel.set()

    paths = app_paths().ensure()
    with Library(paths) as library:
        summary = Indexer(library, _model(model_dirs), decode_threads=2).run(
            [photos], stop_after_two_batches, cancel
        )
        assert summary.cancelled and summary.embedded == 8
    with Library(paths) as library:
        resumed = Indexer(library, _model(model_dirs), decode_threads=2).run([photos])
        assert not resumed.cancelled
        assert (resumed.embedded, resumed.skipped, resumed.new) == (16, 8, 0)
        model_id = library.store.find_model("colour-hf")
        assert library.store.counts(model_id).indexed == 24
        assert len(library.vector_index("colour-hf", 8)) == 24


class _PauseAfterFirstBatch:
    """A progress callback that sets `paused` after the first batch and lets a test wait for
    the batches that follow."""

    def __init__(self, paused: threading.Event) -> None:
        self.paused = paused
        self.done: list[int] = []
        self.changed = threading.Condition()

    def __call__(self, event: IndexProgress) -> None:
        if event.stage != "index":
            return
        if event.done == 4:
            self.paused.set()
        with self.changed:
            self.done.append(event.done)
            self.changed.notify_all()

    def wait_for_batches(self, count: int, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: len(self.done) >= count, timeout)


@dataclass
class _HeldRun:
    library: Library
    progress: _PauseAfterFirstBatch
    running: Future[IndexSummary]
    paused: threading.Event
    cancel: threading.Event


@contextmanager
def _held_run(photos: Path, model_dirs: dict[str, Path]) -> Iterator[_HeldRun]:
    """A real run in another thread that pauses itself after its first batch of 4."""
    paused, cancel = threading.Event(), threading.Event()
    progress = _PauseAfterFirstBatch(paused)
    with Library(app_paths().ensure()) as library, ThreadPoolExecutor(1) as pool:
        indexer = Indexer(library, _model(model_dirs), decode_threads=2)
        running = pool.submit(indexer.run, [photos], progress, cancel, paused=paused)
        try:
            assert progress.wait_for_batches(1, timeout=30)
            yield _HeldRun(library, progress, running, paused, cancel)
        finally:
            paused.clear()
            cancel.set()  # never leave the run holding if an assertion failed


def test_pause_holds_between_batches_then_resumes(
    photos: Path, model_dirs: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with _held_run(photos, model_dirs) as run:
        assert not run.progress.wait_for_batches(2, timeout=0.5), "a batch ran while paused"
        assert run.progress.done == [4]
        model_id = run.library.store.find_model("colour-hf")
        assert run.library.store.counts(model_id).indexed == 4  # nothing more was committed
        run.paused.clear()
        summary = run.running.result(timeout=30)
        assert not summary.cancelled and summary.embedded == 24
        assert run.progress.done == [4, 8, 12, 16, 20, 24]
        assert run.library.store.counts(model_id).indexed == 24
    assert "Indexing paused after 4 photos" in caplog.text
    assert "Indexing resumed after" in caplog.text


def test_cancel_while_paused_ends_the_run_promptly(
    photos: Path, model_dirs: dict[str, Path]
) -> None:
    with _held_run(photos, model_dirs) as run:
        assert not run.progress.wait_for_batches(2, timeout=0.3), "the run is held"
        cancelled_at = time.perf_counter()
        run.cancel.set()
        summary = run.running.result(timeout=30)
        assert time.perf_counter() - cancelled_at < 2.0
        assert run.paused.is_set(), "the run ended without anyone resuming it"
        assert summary.cancelled and summary.embedded == 4 and run.progress.done == [4]
        store = run.library.store
        assert store.counts(store.find_model("colour-hf")).indexed == 4


def test_several_roots_in_one_run(
    tmp_path: Path, photos: Path, model_dirs: dict[str, Path]
) -> None:
    other = tmp_path / "other"
    solid_colour_image(other / "x.png", "white", fmt="PNG")
    with Library(app_paths().ensure()) as library:
        summary = Indexer(library, _model(model_dirs)).run([photos, other])
        assert summary.scanned == 25 and summary.embedded == 25
        assert sorted(library.store.roots()) == sorted([str(photos), str(other)])


def test_warm_up_opens_the_index_before_the_first_query(
    photos: Path, model_dirs: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    """A search window warms up what the first query would wait for: the text tower and the
    vector index (here one that must be rebuilt, as after a lost index file)."""
    paths = app_paths().ensure()
    with Library(paths) as library:
        Indexer(library, _model(model_dirs), decode_threads=2).run([photos])
        index_file = library.index_path(_model(model_dirs).name)
    index_file.unlink()
    caplog.set_level(logging.INFO)
    with Library(paths) as library:
        searcher = Searcher(library, _model(model_dirs))
        searcher.warm_up()
        assert "Rebuilt vector index" in caplog.text
        assert "Loaded" in caplog.text and "text_model" in caplog.text
        caplog.clear()
        assert len(searcher.search("orange", k=3)) == 3
        assert "Rebuilt" not in caplog.text and "Loaded" not in caplog.text
