"""Search in the app: typing is debounced, every request gets an id, and a reply to anything
but the newest request is dropped, so a slow answer never replaces a newer one.

The search worker lives in its own thread for as long as one model is in use: it loads the
text tower and opens the vector index when it starts (the first query waits for neither) and
answers listings, text queries and "find similar" there. A new model gets a new worker.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from gallery.errors import Action, GalleryError, Remedy, UserError
from gallery.library.library import Library
from gallery.library.search import Searcher, SearchHit
from gallery.library.store import PhotoRow
from gallery.ml.encoder import ClipModel
from gallery.text import say
from gallery.ui.photo_model import PhotoItem
from gallery.ui.workers import WorkerThread, unexpected

log = logging.getLogger(__name__)

DEBOUNCE_MS = 250
RESULTS = 200
# The log line of an answered query; tests read the log file for it.
ANSWERED = "answered with %d results"
NO_MODEL = UserError(
    say("No model is installed, so photos cannot be searched yet."),
    remedies=(Remedy(Action.DOWNLOAD_MODEL), Remedy(Action.IMPORT_MODEL)),
)


@dataclass(frozen=True)
class Answer:
    request: int
    items: list[PhotoItem]
    query: str  # "" for the whole library, else the text or "Similar to NAME"

    @property
    def ranked(self) -> bool:
        return bool(self.query)


class SearchWorker(QObject):
    """Runs in the search thread; skips requests older than the newest one asked for."""

    answered = Signal(object)  # Answer
    failed = Signal(int, object)  # request id, UserError
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
            self.ready.emit(self.searcher.model.load_text_tower().report)
            self.searcher.warm_up()  # then the index: its errors must not hide the device
        except GalleryError as exc:
            self.failed.emit(0, exc)

    @Slot(int)
    def list_photos(self, request: int) -> None:
        if request >= self.latest:
            rows = self.library.store.photos()
            self.answered.emit(Answer(request, [PhotoItem(row) for row in rows], ""))

    @Slot(int, str)
    def search(self, request: int, text: str) -> None:
        self._answer(request, text, lambda s: s.search(text, RESULTS))

    @Slot(int, str, str)
    def similar(self, request: int, path: str, label: str) -> None:
        self._answer(request, label, lambda s: s.similar(path, RESULTS))

    def _answer(self, request: int, query: str, ask: Callable[[Searcher], list[SearchHit]]) -> None:
        if request < self.latest:
            return
        if self.searcher is None:
            self.failed.emit(request, NO_MODEL)
            return
        started = time.perf_counter()
        try:
            hits = ask(self.searcher)
        except UserError as exc:
            self.failed.emit(request, exc)
            return
        except Exception as exc:
            log.exception("Search failed")
            self.failed.emit(request, unexpected(say("The search"), exc))
            return
        rows: dict[int, PhotoRow] = self.library.store.photo_rows([h.file_id for h in hits])
        items = [PhotoItem(rows[h.file_id], h.score) for h in hits if h.file_id in rows]
        elapsed = (time.perf_counter() - started) * 1000
        log.info("Query %d " + ANSWERED + " in %.1f ms", request, len(items), elapsed)
        self.answered.emit(Answer(request, items, query))


class SearchController(QObject):
    """The GUI side of search: debounce, request ids, the worker's thread."""

    answered = Signal(object)  # Answer, the newest request's only
    failed = Signal(object)  # UserError
    device_ready = Signal(object)  # DeviceReport
    _list = Signal(int)
    _search = Signal(int, str)
    _similar = Signal(int, str, str)

    def __init__(self, library: Library, parent: QObject) -> None:
        super().__init__(parent)
        self.library = library
        self.text = ""
        self._request = 0
        self._worker: SearchWorker | None = None
        self._thread: WorkerThread | None = None
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_now)

    def use_model(self, model: ClipModel | None) -> None:
        """A new warm worker for this model (the old one, if any, is stopped first)."""
        self.stop()
        worker = SearchWorker(self.library, model)
        for signal, slot in (
            (self._list, worker.list_photos),
            (self._search, worker.search),
            (self._similar, worker.similar),
        ):
            signal.connect(slot)
        worker.answered.connect(self._answered)
        worker.failed.connect(self._failed)
        worker.ready.connect(self.device_ready)
        self._worker = worker
        self._thread = WorkerThread(worker, "search", self)
        self._thread.start(worker.warm_up)

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.stop()
        self._thread = self._worker = None

    def set_text(self, text: str) -> None:
        """What the search box says now; the query runs once typing pauses."""
        self.text = text.strip()
        self._debounce.start()

    @Slot()
    def run_now(self) -> None:
        """Answer the current text at once (the whole library when it is empty)."""
        self._debounce.stop()
        if not self.text:
            self._list.emit(self._next())
            return
        request = self._next()
        log.info("Search %d: %r", request, self.text)
        self._search.emit(request, self.text)

    def similar(self, path: str, label: str) -> None:
        self._debounce.stop()
        self._similar.emit(self._next(), path, label)

    def _next(self) -> int:
        self._request += 1
        if self._worker is not None:
            self._worker.latest = self._request
        return self._request

    @Slot(object)
    def _answered(self, answer: Answer) -> None:
        if answer.request == self._request:
            self.answered.emit(answer)

    @Slot(int, object)
    def _failed(self, request: int, error: UserError) -> None:
        if request in (0, self._request):  # 0: the warm-up, whose errors always count
            self.failed.emit(error)
