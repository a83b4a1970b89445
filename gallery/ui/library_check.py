"""Help > Check Library…: the library doctor in the app. The check runs in a background job
and lists what is wrong; Repair fixes what can be fixed (it takes the writer lock, so it waits
for indexing to be over)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from gallery.errors import GalleryError
from gallery.library import doctor
from gallery.paths import AppPaths
from gallery.ui.messages import error_text
from gallery.ui.workers import Job, WorkerThread

HEALTHY = "The library is healthy."


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def report_text(report: doctor.Report) -> str:
    lines = [f"Repaired: {action}" for action in report.repaired]
    lines += [f"Note: {note}" for note in report.notes]
    lines += [f"Problem: {p.what}.\n    {_sentence(p.fix)}" for p in report.problems]
    lines.append(HEALTHY if report.ok else f"{len(report.problems)} problem(s) found.")
    return "\n".join(lines)


class LibraryCheckDialog(QDialog):
    def __init__(
        self, paths: AppPaths, can_repair: Callable[[], bool], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Check Library")
        self.paths = paths
        self.can_repair = can_repair
        self.report: doctor.Report | None = None
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setMinimumSize(560, 260)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.repair = self.buttons.addButton("Repair", QDialogButtonBox.ButtonRole.ActionRole)
        self.repair.clicked.connect(self.start_repair)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.buttons)
        self._thread: WorkerThread | None = None
        self._run("Checking the library…", lambda _job: doctor.check(paths))

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start_repair(self) -> None:
        if not self.can_repair():
            self.text.setPlainText("Please wait for indexing to finish, or cancel it first.")
            return
        self._run("Repairing the library…", lambda _job: doctor.repair(self.paths))

    def _run(self, doing: str, work: Callable[[Job], doctor.Report]) -> None:
        self.text.setPlainText(doing)
        self.repair.setEnabled(False)
        job = Job(work, "The library check")
        job.finished.connect(self._done)
        job.failed.connect(self._failed)
        self._thread = WorkerThread(job, "library-check", self)
        self._thread.start(job.run)

    def _stop(self) -> None:
        if self._thread is not None:
            self._thread.stop()
        self._thread = None

    @Slot(object)
    def _done(self, report: doctor.Report) -> None:
        self._stop()
        self.report = report
        self.text.setPlainText(report_text(report))
        self.repair.setEnabled(any(p.repairable for p in report.problems))

    @Slot(object)
    def _failed(self, error: GalleryError) -> None:
        self._stop()
        self.text.setPlainText(error_text(error))

    def done(self, result: int) -> None:
        self._stop()  # a check in flight finishes first; nothing runs on after the dialog
        super().done(result)
