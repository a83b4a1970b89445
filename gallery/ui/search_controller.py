"""Search in the app: the query (the search box's text and the images it names), the filter
bar's filters and sort make one request; typing is debounced, filters and sort ask at once;
every request gets an id, and a reply to anything but the newest request is dropped, so a slow
answer never replaces a newer one.

The search worker lives in its own thread for as long as one model is in use: it loads the
text tower and opens the vector index when it starts (the first query waits for neither) and
parses and answers every request there, so a query that does not parse comes back like any
other answer, by request id. A new model gets a new worker. An empty query browses the photos
the filters let through, which needs no model.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from gallery.errors import Action, GalleryError, Remedy, UserError
from gallery.library.filters import Filters, Sort
from gallery.library.library import Library
from gallery.library.query import ImageSource, parse_query
from gallery.library.search import Searcher, browse
from gallery.ml.encoder import ClipModel
from gallery.text import say
from gallery.ui.photo_model import PhotoItem
from gallery.ui.workers import WorkerThread, unexpected

log = logging.getLogger(__name__)

DEBOUNCE_MS = 250
SETTLE_MS = 2000  # an answered query left unchanged this long is remembered as a recent search
RESULTS = 1000  # ranked hits per query: the best matches, then the nearest of the rest
# The log line of an answered query; tests read the log file for it.
ANSWERED = "answered with %d results"
NO_MODEL = UserError(
    say("No model is installed, so photos cannot be searched yet."),
    remedies=(Remedy(Action.DOWNLOAD_MODEL), Remedy(Action.IMPORT_MODEL)),
)


@dataclass(frozen=True)
class Request:
    """Everything one search asks: the query as typed, the images it names, filters, sort."""

    text: str = ""
    attachments: Mapping[str, ImageSource] = field(default_factory=dict)
    filters: Filters = field(default_factory=Filters)
    sort: Sort = "relevance"


@dataclass(frozen=True)
class Answer:
    request: int
    items: list[PhotoItem]  # the best matches first (items[:best_count]), then the rest
    query: str = ""  # the query as typed; "" when browsing
    ranked: bool = False  # a query ranked the photos (else they are browsed, sorted)
    best_count: int = 0
    more_best: bool = False  # more best matches exist than were returned
    filtered: bool = False  # filters were active

    @property
    def no_close_match(self) -> bool:
        return self.ranked and bool(self.items) and self.best_count == 0


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

    @Slot(int, object)
    def find(self, request: int, ask: Request) -> None:
        if request < self.latest:
            return
        started = time.perf_counter()
        try:
            answer = self._answer(request, ask)
        except UserError as exc:
            self.failed.emit(request, exc)
            return
        except Exception as exc:
            log.exception("Search failed")
            self.failed.emit(request, unexpected(say("The search"), exc))
            return
        if answer.ranked:
            elapsed = (time.perf_counter() - started) * 1000
            log.info("Query %d " + ANSWERED + " in %.1f ms", request, len(answer.items), elapsed)
        self.answered.emit(answer)

    def _answer(self, request: int, ask: Request) -> Answer:
        query = parse_query(ask.text, ask.attachments, paths_as_images=True)
        filters, sort = ask.filters, ask.sort
        if query.empty:  # browsing needs no model
            result = browse(self.library.store, filters, sort, None)
        elif self.searcher is None:
            raise NO_MODEL
        else:
            result = self.searcher.find(query, filters, sort, RESULTS)
        return Answer(
            request,
            [PhotoItem(hit.row, hit.score, hit.best, hit.text) for hit in result.hits],
            ask.text if result.ranked else "",
            ranked=result.ranked,
            best_count=result.best_count,
            more_best=result.more_best,
            filtered=filters.active,
        )


class SearchController(QObject):
    """The GUI side of search: the request's state, debounce, request ids, the worker's thread."""

    answered = Signal(object)  # Answer, the newest request's only
    failed = Signal(object)  # UserError
    device_ready = Signal(object)  # DeviceReport
    settled = Signal(str)  # an answered query unchanged for SETTLE_MS: worth remembering
    _find = Signal(int, object)

    def __init__(self, library: Library, parent: QObject) -> None:
        super().__init__(parent)
        self.library = library
        self.ask = Request()
        self._request = 0
        self._worker: SearchWorker | None = None
        self._thread: WorkerThread | None = None
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_now)
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._settled)

    @property
    def text(self) -> str:
        return self.ask.text

    def use_model(self, model: ClipModel | None) -> None:
        """A new warm worker for this model (the old one, if any, is stopped first)."""
        self.stop()
        worker = SearchWorker(self.library, model)
        self._find.connect(worker.find)
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

    def set_text(self, text: str, attachments: Mapping[str, ImageSource] | None = None) -> None:
        """What the search box says now (and the images it names); runs once typing pauses."""
        self.ask = Request(text.strip(), dict(attachments or {}), self.ask.filters, self.ask.sort)
        self._settle.stop()
        self._debounce.start()

    def set_filters(self, filters: Filters, sort: Sort) -> None:
        """The filter bar changed: answer at once."""
        self.ask = Request(self.ask.text, self.ask.attachments, filters, sort)
        self.run_now()

    @Slot()
    def run_now(self) -> None:
        """Answer the current request at once (browse when the query is empty)."""
        self._debounce.stop()
        self._settle.stop()
        request = self._next()
        if self.ask.text:
            log.info("Search %d: %r", request, self.ask.text)
        self._find.emit(request, self.ask)

    def _next(self) -> int:
        self._request += 1
        if self._worker is not None:
            self._worker.latest = self._request
        return self._request

    @Slot(object)
    def _answered(self, answer: Answer) -> None:
        if answer.request != self._request:
            return
        if answer.ranked and not self._debounce.isActive():
            self._settle.start()
        self.answered.emit(answer)

    @Slot()
    def _settled(self) -> None:
        if self.ask.text:
            self.settled.emit(self.ask.text)

    @Slot(int, object)
    def _failed(self, request: int, error: UserError) -> None:
        if request in (0, self._request):  # 0: the warm-up, whose errors always count
            self.failed.emit(error)
