"""Downloading a model from the app: a background job and a dialog with bytes, speed, ETA and
Cancel. What arrived stays in the staging folder, so the next try resumes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from gallery import formatting
from gallery.errors import Cancelled
from gallery.ml.download import ModelDownloadProgress, OfflineError
from gallery.ml.installer import catalog_plan, download_model
from gallery.ml.registry import InstalledModel
from gallery.text import say
from gallery.ui import i18n
from gallery.ui.job_dialog import JobDialog
from gallery.ui.messages import error_text
from gallery.ui.workers import Job

translate = QCoreApplication.translate


def describe(progress: ModelDownloadProgress) -> str:
    if progress.stage == "install":
        return translate("DownloadDialog", "Checking and installing the model…")
    if progress.stage == "wait":  # another process downloads it: no figures of our own
        return i18n.translated(progress.current_file)
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


class DownloadDialog(JobDialog):
    """Modal while it runs; `installed` is set on success, `error`/`offline` otherwise."""

    def __init__(self, models_dir: Path, name: str, parent: QWidget | None = None) -> None:
        def work(job: Job) -> InstalledModel:
            plan = catalog_plan(name)
            return download_model(models_dir, plan, progress=job.progress.emit, cancel=job.cancel)

        super().__init__(
            QCoreApplication.translate("DownloadDialog", "Downloading {name}").format(name=name),
            QCoreApplication.translate("DownloadDialog", "Connecting to download {name}…").format(
                name=name
            ),
            work,
            say("The download"),
            parent,
        )

    @property
    def installed(self) -> InstalledModel | None:
        return self.outcome if isinstance(self.outcome, InstalledModel) else None

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

    def on_progress(self, progress: object) -> None:
        if not isinstance(progress, ModelDownloadProgress):
            return
        if progress.bytes_total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * progress.bytes_done / progress.bytes_total))
        self.label.setText(describe(progress))
