"""Indexing in the app: one run at a time in a background job, folders asked for meanwhile
queued, pause and cancel between batches (Events the core checks), and a refresh tick so the
grid fills while photos arrive."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from gallery.errors import GalleryError
from gallery.library.indexer import Indexer, IndexSummary
from gallery.library.library import Library
from gallery.ml.encoder import ClipModel
from gallery.settings import Settings
from gallery.text import say
from gallery.ui.workers import Job, WorkerThread

log = logging.getLogger(__name__)

REFRESH_MS = 1500


class IndexingController(QObject):
    started = Signal()
    progress = Signal(object)  # IndexProgress
    paused_changed = Signal(bool)
    finished = Signal(object)  # IndexSummary (cancelled or not)
    failed = Signal(object)  # GalleryError
    idle = Signal()  # the run is over and nothing is queued
    refresh_due = Signal()  # while a run goes on, every REFRESH_MS

    def __init__(self, library: Library, settings: Settings, parent: QObject) -> None:
        super().__init__(parent)
        self.library = library
        self.settings = settings
        self.last_summary: IndexSummary | None = None
        self._queued: list[Path] = []
        self._model: ClipModel | None = None
        self._paused = threading.Event()
        self._thread: WorkerThread | None = None
        self._job: Job | None = None
        self._refresh = QTimer(self, interval=REFRESH_MS)
        self._refresh.timeout.connect(self.refresh_due)

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def paused(self) -> bool:
        return self._paused.is_set()

    def start(self, model: ClipModel, roots: list[Path]) -> None:
        """Index these folders now, or after the run in progress."""
        if self.running:
            self._queued.extend(r for r in roots if r not in self._queued)
            return
        self._model = model
        self._paused.clear()
        excluded = list(self.settings.excluded_patterns)
        paused = self._paused

        def work(job: Job) -> IndexSummary:
            indexer = Indexer(self.library, model, excluded=excluded)
            return indexer.run(roots, job.progress.emit, job.cancel, paused=paused)

        job = Job(work, say("Indexing"))
        job.progress.connect(self.progress)
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        self._job, self._thread = job, WorkerThread(job, "indexer", self)
        self._thread.start(job.run)
        self._refresh.start()
        self.started.emit()

    def toggle_pause(self) -> None:
        if not self.running:
            return
        if self.paused:
            self._paused.clear()
        else:
            self._paused.set()
        self.paused_changed.emit(self.paused)

    def cancel(self) -> None:
        """Stop after the batch in flight; queued folders are dropped."""
        self._queued.clear()
        if self._job is not None:
            self._job.cancel.set()
            self._paused.clear()

    def shutdown(self) -> None:
        """The window closes: cancel, wait for the thread, drop whatever it still reports."""
        self._queued.clear()
        if self._job is not None:
            for signal in (self._job.progress, self._job.finished, self._job.failed):
                signal.disconnect()
        self._paused.clear()
        self._end_run()

    @Slot(object)
    def _finished(self, summary: IndexSummary) -> None:
        self.last_summary = summary
        self._end_run()
        self.finished.emit(summary)
        self._next()

    @Slot(object)
    def _failed(self, error: GalleryError) -> None:
        self._end_run()
        self.failed.emit(error)
        self._next()

    def _end_run(self) -> None:
        self._refresh.stop()
        if self._thread is not None:
            self._thread.stop()
        self._thread = self._job = None

    def _next(self) -> None:
        if self.running:  # a slot of `finished` or `failed` started a run already
            return
        if self._queued and self._model is not None:
            roots, self._queued = self._queued, []
            self.start(self._model, roots)
        else:
            self.idle.emit()
