"""A modal dialog that runs one background job: a line of text, a progress bar (busy until the
job reports more), and Cancel where the work can stop. The window stays responsive while it runs;
the caller's `exec()` returns when the job has finished or failed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QVBoxLayout, QWidget

from gallery.errors import GalleryError
from gallery.text import Text
from gallery.ui.workers import Job, WorkerThread


class JobDialog(QDialog):
    """`outcome` is what the work returned, `error` why it did not (a `GalleryError`)."""

    def __init__(
        self,
        title: str,
        text: str,
        work: Callable[[Job], object],
        what: Text,
        parent: QWidget | None = None,
        *,
        cancellable: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.outcome: object = None
        self.error: GalleryError | None = None
        self.label = QLabel(text, wordWrap=True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self._cancel)
        self.buttons.setVisible(cancellable)
        self.cancellable = cancellable
        layout = QVBoxLayout(self)
        for widget in (self.label, self.bar, self.buttons):
            layout.addWidget(widget)
        self.resize(460, 140)
        self.job = Job(work, what)
        self.job.progress.connect(self.on_progress)
        self.job.finished.connect(self._finished)
        self.job.failed.connect(self._failed)
        self._thread = WorkerThread(self.job, "dialog", self)
        self._thread.start(self.job.run)

    def on_progress(self, progress: object) -> None:
        """What the job reports; a dialog that shows progress overrides this. A plain method:
        a Slot on both the base and the override crashed PySide 6.11 when the signal came."""

    @Slot(object)
    def _finished(self, result: object) -> None:
        self.outcome = result
        self._thread.stop()
        self.accept()

    @Slot(object)
    def _failed(self, error: GalleryError) -> None:
        self.error = error
        self._thread.stop()
        self.reject()

    def _cancel(self) -> None:
        self.job.cancel.set()
        self.label.setText(self.tr("Cancelling…"))
        self.buttons.setEnabled(False)

    def reject(self) -> None:
        if self._thread.running:  # Esc or the window's close button: cancel first, or wait
            if self.cancellable:
                self._cancel()
            return
        super().reject()
