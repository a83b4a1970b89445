"""Background workers (QObject moved to a QThread) that drive the Qt-free core.

Signals carry results to the GUI thread; no widget is touched here. The indexer pauses and
cancels between batches, where the core checks its events.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from gallery.errors import GalleryError
from gallery.library.indexer import Indexer, IndexProgress
from gallery.library.library import Library
from gallery.library.search import Searcher, SearchHit
from gallery.library.store import PhotoRow
from gallery.ml.encoder import ClipModel

log = logging.getLogger(__name__)


class IndexWorker(QObject):
    progress = Signal(object)  # IndexProgress
    finished = Signal(object)  # IndexSummary
    failed = Signal(str)

    def __init__(
        self,
        library: Library,
        model: ClipModel,
        roots: Sequence[Path],
        excluded: Sequence[str] = (),
        threads: int | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.model = model
        self.roots = list(roots)
        self.excluded = list(excluded)
        self.threads = threads
        self.cancel = threading.Event()
        self._running = threading.Event()
        self._running.set()

    @Slot()
    def run(self) -> None:
        try:
            indexer = Indexer(
                self.library, self.model, decode_threads=self.threads, excluded=self.excluded
            )
            summary = indexer.run(self.roots, self._on_progress, self.cancel)
        except GalleryError as exc:
            log.warning("Indexing stopped: %s", exc)
            self.failed.emit(str(exc))
        except Exception as exc:
            log.exception("Indexing failed")
            self.failed.emit(f"Indexing failed unexpectedly: {exc}. See the log for details.")
        else:
            self.finished.emit(summary)

    def _on_progress(self, progress: IndexProgress) -> None:
        self.progress.emit(progress)
        while not self._running.wait(0.1):  # paused: hold the pipeline between batches
            if self.cancel.is_set():
                break

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self.cancel.set()
        self._running.set()


class SearchWorker(QObject):
    """Owns the warm model for queries; requests older than the newest are skipped."""

    results = Signal(int, object)  # request id, list[SearchHit]
    photos = Signal(int, object)  # request id, list[PhotoRow]
    failed = Signal(int, str)
    ready = Signal(object)  # DeviceReport of the text tower, once it is loaded

    def __init__(self, library: Library, model: ClipModel | None) -> None:
        super().__init__()
        self.library = library
        self.searcher = Searcher(library, model) if model is not None else None
        self.latest = 0  # written by the GUI thread; an int store is atomic

    @Slot()
    def warm_up(self) -> None:
        if self.searcher is None:
            return
        try:
            self.searcher.text_vector("a photo")
            self.ready.emit(self.searcher.model.text_tower.report)
            self.searcher.warm_up()  # then the index: its errors must not hide the device
        except GalleryError as exc:
            self.failed.emit(0, str(exc))

    @Slot(int)
    def list_photos(self, request: int) -> None:
        if request < self.latest:
            return
        rows: list[PhotoRow] = self.library.store.photos()
        self.photos.emit(request, rows)

    @Slot(int, str, int)
    def search(self, request: int, text: str, k: int) -> None:
        self._answer(request, lambda s: s.search(text, k))

    @Slot(int, str, int)
    def similar(self, request: int, path: str, k: int) -> None:
        self._answer(request, lambda s: s.similar(path, k))

    def _answer(self, request: int, ask: Callable[[Searcher], list[SearchHit]]) -> None:
        if request < self.latest:
            return
        if self.searcher is None:
            self.failed.emit(request, "No model is installed: import or download one first.")
            return
        started = time.perf_counter()
        try:
            hits = ask(self.searcher)
        except GalleryError as exc:
            self.failed.emit(request, str(exc))
            return
        except Exception as exc:
            log.exception("Search failed")
            self.failed.emit(request, f"Search failed unexpectedly: {exc}")
            return
        rows = self.library.store.photo_rows([hit.file_id for hit in hits])
        log.info(
            "Query %d answered with %d results in %.1f ms",
            request,
            len(hits),
            (time.perf_counter() - started) * 1000,
        )
        self.results.emit(request, [(rows[h.file_id], h.score) for h in hits if h.file_id in rows])
