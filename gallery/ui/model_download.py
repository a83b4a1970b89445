"""Downloading a model from the app: a background job and a dialog with bytes, speed, ETA and
Cancel. What arrived stays in the staging folder, so the next try resumes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QVBoxLayout, QWidget

from gallery import formatting
from gallery.errors import Cancelled, GalleryError
from gallery.ml.download import ModelDownloadProgress, OfflineError
from gallery.ml.installer import catalog_plan, download_model
from gallery.ml.registry import InstalledModel
from gallery.text import say
from gallery.ui import i18n
from gallery.ui.messages import error_text
from gallery.ui.workers import Job, WorkerThread

translate = QCoreApplication.translate


def describe(progress: ModelDownloadProgress) -> str:
    if progress.stage == "install":
        return translate("DownloadDialog", "Checking and installing the model…")
    done, speed = i18n.size(progress.bytes_done), i18n.size(round(progress.speed))
    if progress.bytes_total:
        total = i18n.size(progress.bytes_total)
        line = translate("DownloadDialog", "{done} of {total} at {speed}/s")
        line = line.format(done=done, total=total, speed=speed)
    else:
        line = translate("DownloadDialog", "{done} at {speed}/s").format(done=done, speed=speed)
    if progress.eta is not None:
        left = i18n.translated(formatting.eta(progress.eta))
        line = translate("DownloadDialog", "{progress}, {left}").format(progress=line, left=left)
    return f"{line}\n{progress.current_file}"


class DownloadDialog(QDialog):
    """Modal while it runs; `installed` is set on success, `error`/`offline` otherwise."""

    def __init__(self, models_dir: Path, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Downloading {name}").format(name=name))
        self.installed: InstalledModel | None = None
        self.error: GalleryError | None = None
        self.label = QLabel(self.tr("Connecting to download {name}…").format(name=name))
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self._cancel)
        layout = QVBoxLayout(self)
        for widget in (self.label, self.bar, self.buttons):
            layout.addWidget(widget)
        self.resize(460, 140)

        def work(job: Job) -> InstalledModel:
            plan = catalog_plan(name)
            return download_model(models_dir, plan, progress=job.progress.emit, cancel=job.cancel)

        self.job = Job(work, say("The download"))
        self.job.progress.connect(self._progress)
        self.job.finished.connect(self._finished)
        self.job.failed.connect(self._failed)
        self._thread = WorkerThread(self.job, "download", self)
        self._thread.start(self.job.run)

    @property
    def offline(self) -> bool:
        return isinstance(self.error, OfflineError)

    @property
    def error_message(self) -> str | None:
        if self.error is None:
            return None
        if isinstance(self.error, Cancelled):
            return self.tr("The download was cancelled; it resumes where it stopped next time.")
        return error_text(self.error)

    @Slot(object)
    def _progress(self, progress: ModelDownloadProgress) -> None:
        if progress.bytes_total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * progress.bytes_done / progress.bytes_total))
        self.label.setText(describe(progress))

    @Slot(object)
    def _finished(self, installed: InstalledModel) -> None:
        self.installed = installed
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
        if self._thread.running:  # Esc or the window's close button: cancel first
            self._cancel()
            return
        super().reject()
