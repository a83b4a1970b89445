"""Indexing in the app: one run at a time in a background job, folders asked for meanwhile
queued, pause and cancel between batches (Events the core checks), and a refresh tick so the
grid fills while photos arrive.

A quiet run (the folder watcher's: photos copied in) says nothing while it is small: no
`started`, `progress` or `finished`, and its problems come as `quiet_failed` for the status line,
never a dialog. It waits for another indexer of the library (a `gallery watch`) instead of
failing, indexes each folder on its own (an unplugged one stops only itself), and once it has
SHOWN_FROM photos to index (a bulk copy) it shows its progress like any run, pause and cancel
included.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from gallery.errors import Cancelled, GalleryError
from gallery.library.indexer import Embedder, Indexer, IndexProgress, IndexSummary
from gallery.library.library import Library
from gallery.library.watcher import (
    RootRun,
    catch_up_with_other_writers,
    combined,
    index_each,
)
from gallery.ml.encoder import ClipModel
from gallery.settings import Settings
from gallery.text import say
from gallery.ui.workers import Job, WorkerThread

log = logging.getLogger(__name__)

REFRESH_MS = 1500
SHOWN_FROM = 100  # photos: a quiet run this big shows its progress
QUIET_LOCK_WAIT = 3600.0  # seconds a quiet run waits for another indexer (cancel ends it)


class IndexingController(QObject):
    started = Signal()
    progress = Signal(object)  # IndexProgress
    paused_changed = Signal(bool)
    finished = Signal(object)  # IndexSummary (cancelled or not)
    failed = Signal(object)  # GalleryError
    idle = Signal()  # the run is over and nothing is queued
    refresh_due = Signal()  # while a run goes on, every REFRESH_MS
    quiet_finished = Signal(object)  # IndexSummary of a quiet run that stayed quiet
    quiet_failed = Signal(object)  # GalleryError: a folder a quiet run could not index

    def __init__(self, library: Library, settings: Settings, parent: QObject) -> None:
        super().__init__(parent)
        self.library = library
        self.settings = settings
        self.last_summary: IndexSummary | None = None
        self._queued: list[Path] = []
        self._queued_quiet = True  # every request queued was quiet
        self._quiet = False  # the run in progress is quiet ...
        self._shown = False  # ... or has been shown all the same
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

    @property
    def quiet(self) -> bool:
        """The run in progress is a quiet one nobody has been shown."""
        return self.running and not self._shown

    def start(self, model: ClipModel, roots: list[Path], *, quiet: bool = False) -> None:
        """Index these folders now, or after the run in progress; `quiet`: see the module."""
        if self.running:
            self._queued.extend(r for r in roots if r not in self._queued)
            self._queued_quiet = self._queued_quiet and quiet
            return
        self._model = model
        self._paused.clear()
        self._quiet, self._shown = quiet, not quiet
        excluded = list(self.settings.excluded_patterns)
        paused = self._paused

        text = self.settings.read_text

        def work(job: Job) -> IndexSummary | list[RootRun]:
            if not quiet:
                indexer = Indexer(
                    self.library,
                    model,
                    excluded=excluded,
                    embedder=self._cluster(model),
                    text=text,
                    photos_waiting=waiting,
                )
                catch_up_with_other_writers(indexer, job.cancel)
                return indexer.run(roots, job.progress.emit, job.cancel, paused=paused)
            indexer = Indexer(
                self.library,
                model,
                excluded=excluded,
                lock_wait=QUIET_LOCK_WAIT,
                text=text,
                photos_waiting=waiting,
            )
            return index_each(indexer, roots, job.progress.emit, job.cancel, paused)

        def waiting() -> bool:
            """Folders queued behind this run (read from the worker: a list's truth is atomic)."""
            return bool(self._queued)

        job = Job(work, say("Indexing"))
        job.progress.connect(self._on_progress)
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        self._job, self._thread = job, WorkerThread(job, "indexer", self)
        self._thread.start(job.run)
        self._refresh.start()
        if self._shown:
            self.started.emit()

    def _cluster(self, model: ClipModel) -> Embedder | None:
        """The cluster of the settings, as `gallery index --cluster` (None: this computer).
        A quiet run (a few photos copied in) stays here: a cluster's start costs more."""
        if not self.settings.cluster:
            return None
        from gallery.cluster.embedder import cluster_embedder

        return cluster_embedder(
            self.settings.cluster,
            model,
            self.library.paths.thumbnails,
            self.settings.cluster_path_map,
            self.settings.batch_size,
        )

    @Slot(object)
    def _on_progress(self, event: IndexProgress) -> None:
        if not self._shown and event.stage in ("index", "text") and event.total >= SHOWN_FROM:
            self._shown = True
            self.started.emit()
        if self._shown:
            self.progress.emit(event)

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
        self._queued_quiet = True
        if self._job is not None:
            self._job.cancel.set()
            self._paused.clear()

    def shutdown(self) -> None:
        """The window closes: cancel, wait for the thread, drop whatever it still reports."""
        self._queued.clear()
        self._queued_quiet = True
        if self._job is not None:
            for signal in (self._job.progress, self._job.finished, self._job.failed):
                signal.disconnect()
        self._paused.clear()
        self._end_run()

    @Slot(object)
    def _finished(self, result: IndexSummary | list[RootRun]) -> None:
        shown = self._shown
        if isinstance(result, list):
            for run in result:
                if run.error is not None:
                    self.quiet_failed.emit(run.error)
            summary = combined(result)
        else:
            summary = result
        self.last_summary = summary
        self._end_run()
        (self.finished if shown else self.quiet_finished).emit(summary)
        self._next()

    @Slot(object)
    def _failed(self, error: GalleryError) -> None:
        shown, quiet = self._shown, self._quiet
        self._end_run()
        if shown:
            self.failed.emit(error)
        elif quiet and not isinstance(error, Cancelled):
            self.quiet_failed.emit(error)
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
            roots, quiet = self._queued, self._queued_quiet
            self._queued, self._queued_quiet = [], True
            self.start(self._model, roots, quiet=quiet)
        else:
            self.idle.emit()
