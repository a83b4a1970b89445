"""The library's folders watched while the app runs: photos copied in, changed, renamed or
deleted are indexed (or leave the library) within seconds, through the indexing controller.

The core `FolderWatcher` records events in watchdog's thread and decides in its own; the
folders it hands over cross to the GUI thread as a queued signal, and the controller runs them
as quiet runs (a bulk copy shows its progress, a few photos do not). Nothing here blocks the
GUI thread: setting the watches walks the folders in the watcher's thread.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot

from gallery.library.watcher import FolderWatcher, Timing
from gallery.ui.indexing import IndexingController
from gallery.ui.model_host import ModelHost

log = logging.getLogger(__name__)


class FolderWatching(QObject):
    changed = Signal(list)  # list[Path]: folders that changed, just asked to be indexed
    _arrived = Signal(list)  # emitted in the watcher's thread, delivered in this one

    def __init__(
        self,
        indexer: IndexingController,
        host: ModelHost,
        parent: QObject,
        *,
        timing: Timing | None = None,
        polling: bool = False,
    ) -> None:
        super().__init__(parent)
        self.indexer = indexer
        self.host = host
        self.timing = timing
        self.polling = polling
        self.roots: list[Path] = []
        self._watcher: FolderWatcher | None = None
        self._stopped = False
        self._arrived.connect(self._index, Qt.ConnectionType.QueuedConnection)

    def set_roots(self, roots: list[Path]) -> None:
        """Watch exactly these folders (the library's roots) from now on."""
        if self._stopped:
            return
        self.roots = list(roots)
        if self._watcher is None:
            if not roots:
                return
            self._watcher = FolderWatcher(
                roots,
                self._arrived.emit,
                excluded=self.indexer.settings.excluded_patterns,
                timing=self.timing,
                polling=self.polling,
            )
            self._watcher.start()
        else:
            self._watcher.set_roots(roots)

    def wait_ready(self, timeout: float) -> bool:
        """Whether the watches are set (tests; the app never waits)."""
        return self._watcher is not None and self._watcher.wait_ready(timeout)

    def catch_up(self) -> None:
        """Index every watched folder quietly: photos that came while the app was closed."""
        if self.roots:
            self._index(list(self.roots))

    def stop(self) -> None:
        """Stop watching (the window closes); folders already handed over are dropped."""
        self._stopped = True
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None

    @Slot(list)
    def _index(self, roots: list[Path]) -> None:
        if self._stopped:
            return
        model = self.host.model
        if model is None:  # indexed once there is a model (adding one rescans every folder)
            log.info("Changed, not indexed (no model): %s", [str(r) for r in roots])
            return
        self.indexer.start(model, roots, quiet=True)
        self.changed.emit(roots)
