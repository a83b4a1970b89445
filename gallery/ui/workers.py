"""The one way the app runs work in the background: a QObject in a QThread, owned by a
`WorkerThread` that starts it, forwards its outcome as signals and tears it down once.

A `Job` runs one function in its thread (index a library, download a model, check the
library); the function gets the job itself to report progress and see a cancel. Its outcome
arrives in the GUI thread as `finished(result)` or `failed(error)`, where the error is always a
`GalleryError`: a `UserError` to show with its remedies, or `Cancelled`. A bug is logged with
its traceback and forwarded as a `UserError` that points at the log. No widget is touched here.

To add a background job: write a function `work(job) -> result`, wrap it in `Job(work, what)`,
give the job to a `WorkerThread(job, name, parent)`, connect its signals, call `start()`, and
call `stop()` in the `finished`/`failed` slot (and when the window closes).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from gallery.errors import Cancelled, GalleryError, UserError
from gallery.text import Text, say

log = logging.getLogger(__name__)


class Job(QObject):
    progress = Signal(object)  # whatever the function reports (IndexProgress, ...)
    finished = Signal(object)  # the function's result
    failed = Signal(object)  # a GalleryError: UserError or Cancelled

    def __init__(self, work: Callable[[Job], object], what: Text) -> None:
        super().__init__()
        self.work = work
        self.what = what  # "Indexing", "The download": names the job in the log and in errors
        self.cancel = threading.Event()

    @Slot()
    def run(self) -> None:
        try:
            result = self.work(self)
        except (UserError, Cancelled) as exc:
            log.info("%s stopped: %s", self.what, exc)
            # Without its traceback: the worker's frames (this job, its function's closure)
            # must not live on in whoever keeps the error.
            self.failed.emit(exc.with_traceback(None))
        except GalleryError as exc:
            log.warning("%s stopped: %s", self.what, exc)
            self.failed.emit(UserError(say("{what} stopped: {error}.", what=self.what, error=exc)))
        except Exception as exc:
            log.exception("%s failed unexpectedly", self.what)
            self.failed.emit(unexpected(self.what, exc))
        else:
            self.finished.emit(result)


def unexpected(what: Text, exc: BaseException) -> UserError:
    """A bug, said to a person: what failed and where the details are."""
    return UserError(
        say("{what} failed unexpectedly: {error}.", what=what, error=str(exc)),
        say(
            "The log file has the details (Help > Open Logs Folder); please include it in a "
            "bug report."
        ),
    )


class WorkerThread(QObject):
    """Owns one worker and its QThread. `stop` cancels a `Job`, ends the thread's event loop,
    waits for it and lets Qt delete both; calling it again does nothing."""

    def __init__(self, worker: QObject, name: str, parent: QObject) -> None:
        super().__init__(parent)
        self.worker = worker
        self._qthread = QThread(self)
        self._qthread.setObjectName(name)
        worker.moveToThread(self._qthread)
        self._qthread.finished.connect(worker.deleteLater)
        self._qthread.finished.connect(self.deleteLater)  # never while the thread runs
        self._stopped = False

    def start(self, entry: Callable[[], None] | None = None) -> None:
        """Start the thread; `entry` (a slot of the worker) runs in it first."""
        if entry is not None:
            self._qthread.started.connect(entry)
        self._qthread.start()

    @property
    def running(self) -> bool:
        return not self._stopped

    def stop(self, wait: bool = True) -> None:
        if self._stopped:
            return
        self._stopped = True
        if isinstance(self.worker, Job):
            self.worker.cancel.set()
        self._qthread.quit()
        if wait:
            self._qthread.wait()
