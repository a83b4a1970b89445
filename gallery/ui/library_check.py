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
from gallery.text import say
from gallery.ui.i18n import QT_TRANSLATE_NOOP, translated
from gallery.ui.messages import error_text, waiting
from gallery.ui.workers import Job, WorkerThread

HEALTHY = QT_TRANSLATE_NOOP("LibraryCheckDialog", "The library is healthy.")


class LibraryCheckDialog(QDialog):
    def __init__(
        self, paths: AppPaths, can_repair: Callable[[], bool], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Check Library"))
        self.paths = paths
        self.can_repair = can_repair
        self.report: doctor.Report | None = None
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setMinimumSize(560, 260)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.repair = self.buttons.addButton(
            self.tr("Repair"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.repair.clicked.connect(self.start_repair)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.buttons)
        self._thread: WorkerThread | None = None
        self._run(self.tr("Checking the library…"), lambda _job: doctor.check(paths))

    def report_text(self, report: doctor.Report) -> str:
        """What was repaired, noted and found, in the interface language."""
        repaired = self.tr("Repaired: {action}")
        lines = [repaired.format(action=translated(a)) for a in report.repaired]
        lines += [self.tr("Note: {note}").format(note=translated(n)) for n in report.notes]
        lines += [
            self.tr("Problem: {what}\n    What to do: {fix}").format(
                what=translated(p.what), fix=translated(p.fix)
            )
            for p in report.problems
        ]
        found = len(report.problems)
        lines.append(self.tr(HEALTHY) if report.ok else self.tr("%Ln problems found.", "", found))
        return "\n".join(lines)

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start_repair(self) -> None:
        if not self.can_repair():
            self.text.setPlainText(waiting())
            return
        self._run(self.tr("Repairing the library…"), lambda _job: doctor.repair(self.paths))

    def _run(self, doing: str, work: Callable[[Job], doctor.Report]) -> None:
        self.text.setPlainText(doing)
        self.repair.setEnabled(False)
        job = Job(work, say("The library check"))
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
        self.text.setPlainText(self.report_text(report))
        self.repair.setEnabled(any(p.repairable for p in report.problems))

    @Slot(object)
    def _failed(self, error: GalleryError) -> None:
        self._stop()
        self.text.setPlainText(error_text(error))

    def done(self, result: int) -> None:
        self._stop()  # a check in flight finishes first; nothing runs on after the dialog
        super().done(result)
