"""Downloading a model from the app: a worker thread and a dialog with bytes, speed, ETA and
Cancel. What arrived stays in the staging folder, so the next try resumes."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QVBoxLayout, QWidget

from gallery.errors import Cancelled, GalleryError
from gallery.ml.download import ModelDownloadProgress
from gallery.ml.installer import catalog_plan, download_model
from gallery.ml.registry import InstalledModel

log = logging.getLogger(__name__)


def _size(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} GB"


def describe(progress: ModelDownloadProgress) -> str:
    if progress.stage == "install":
        return "Checking and installing the model…"
    total = f" of {_size(progress.bytes_total)}" if progress.bytes_total else ""
    eta = f", about {progress.eta:.0f} s left" if progress.eta is not None else ""
    return (
        f"{_size(progress.bytes_done)}{total} at {_size(progress.speed)}/s{eta}\n"
        f"{progress.current_file}"
    )


class DownloadWorker(QObject):
    progress = Signal(object)  # ModelDownloadProgress
    finished = Signal(object)  # InstalledModel
    failed = Signal(str, bool)  # message, offline

    def __init__(self, models_dir: Path, name: str) -> None:
        super().__init__()
        self.models_dir = models_dir
        self.name = name
        self.cancel = threading.Event()

    @Slot()
    def run(self) -> None:
        from gallery.ml.download import OfflineError

        try:
            installed = download_model(
                self.models_dir,
                catalog_plan(self.name),
                progress=self.progress.emit,
                cancel=self.cancel,
            )
        except Cancelled:
            self.failed.emit(
                "The download was cancelled; it resumes where it stopped next time.", False
            )
        except OfflineError as exc:
            self.failed.emit(str(exc), True)
        except GalleryError as exc:
            self.failed.emit(str(exc), False)
        except Exception as exc:
            log.exception("Model download failed")
            self.failed.emit(f"The download failed unexpectedly: {exc}", False)
        else:
            self.finished.emit(installed)


class DownloadDialog(QDialog):
    """Modal while it runs; `installed` is set on success, `error`/`offline` otherwise."""

    def __init__(self, models_dir: Path, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Downloading {name}")
        self.installed: InstalledModel | None = None
        self.error: str | None = None
        self.offline = False
        self.label = QLabel(f"Connecting to download {name}…")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self._cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.buttons)
        self.resize(460, 140)
        self._worker_thread = QThread(self)
        self.worker = DownloadWorker(models_dir, name)
        self.worker.moveToThread(self._worker_thread)
        self._worker_thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self._worker_thread.start()

    @Slot(object)
    def _progress(self, progress: ModelDownloadProgress) -> None:
        if progress.bytes_total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * progress.bytes_done / progress.bytes_total))
        self.label.setText(describe(progress))

    def _stop_thread(self) -> None:
        self._worker_thread.quit()
        self._worker_thread.wait()

    @Slot(object)
    def _finished(self, installed: InstalledModel) -> None:
        self.installed = installed
        self._stop_thread()
        self.accept()

    @Slot(str, bool)
    def _failed(self, message: str, offline: bool) -> None:
        self.error, self.offline = message, offline
        self._stop_thread()
        self.reject()

    def _cancel(self) -> None:
        self.worker.cancel.set()
        self.label.setText("Cancelling…")
        self.buttons.setEnabled(False)

    def reject(self) -> None:
        if self._worker_thread.isRunning():  # Esc or the window's close button: cancel first
            self._cancel()
            return
        super().reject()
