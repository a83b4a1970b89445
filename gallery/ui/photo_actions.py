"""What can be done with the selected photos: open them, show them in their folder, copy their
paths, copy or move them to a folder, move them to the Trash, and undo the last copy or move.

The file work runs in a background job (`gallery.library.photo_files`) while a local event loop
waits for it, so each action returns its outcome and the window keeps painting; a progress
dialog shows only when the work takes longer than a moment. The library is updated by the core
as it goes; `library_changed` then asks the window to show the photos again.
"""

from __future__ import annotations

import logging
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDir, QEventLoop, QObject, QProcess, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from gallery import APP_NAME
from gallery.errors import Cancelled, GalleryError
from gallery.library import texts
from gallery.library.photo_files import (
    FileActionResult,
    copy_photos,
    move_photos,
    trash_photos,
    undo_move,
)
from gallery.text import Text, say
from gallery.ui.context import AppContext, WindowPart
from gallery.ui.i18n import translated
from gallery.ui.photo_model import PhotoItem
from gallery.ui.undo import Undoable, UndoHistory
from gallery.ui.workers import Job, WorkerThread

log = logging.getLogger(__name__)

SHOW_PROGRESS_MS = 500  # a job that ends sooner never shows its progress dialog
OPEN_WITHOUT_ASKING = 10  # more photos than this to open in other apps: ask first
FAILURES_LISTED = 50  # lines of "path: reason" in a report; the rest are counted
_FILE_MANAGER = "org.freedesktop.FileManager1"

Work = Callable[[Job], FileActionResult]


def photo_actions_for(widget: QObject) -> PhotoActions | None:
    """The `PhotoActions` of the window `widget` is in: a child of the widget or of one of its
    ancestors (found through Qt's parent links, so nothing holds the window)."""
    node: QObject | None = widget
    while node is not None:
        found = node.findChild(PhotoActions, "", Qt.FindChildOption.FindDirectChildrenOnly)
        if isinstance(found, PhotoActions):
            return found
        node = node.parent()
    return None


def show_items_command(paths: list[str]) -> tuple[str, list[str]] | None:
    """The program and arguments that show `paths` selected in the file manager, or None where
    only the folder can be opened. Linux asks the desktop's file manager over D-Bus."""
    if sys.platform == "darwin":
        return "open", ["-R", *paths]
    if sys.platform == "win32":
        return "explorer", ["/select,", QDir.toNativeSeparators(paths[0])]
    uris = [
        QUrl.fromLocalFile(p).toString(QUrl.ComponentFormattingOption.FullyEncoded) for p in paths
    ]
    if shutil.which("gdbus"):
        quoted = ", ".join(
            "'" + uri.replace("\\", "\\\\").replace("'", "\\'") + "'" for uri in uris
        )
        return "gdbus", [
            "call", "--session", "--dest", _FILE_MANAGER,
            "--object-path", "/org/freedesktop/FileManager1",
            "--method", f"{_FILE_MANAGER}.ShowItems", f"[{quoted}]", "",
        ]  # fmt: skip
    if shutil.which("dbus-send"):
        items = ",".join(uri.replace(",", "%2C") for uri in uris)
        return "dbus-send", [
            "--session", "--print-reply", f"--dest={_FILE_MANAGER}",
            "/org/freedesktop/FileManager1", f"{_FILE_MANAGER}.ShowItems",
            f"array:string:{items}", "string:",
        ]  # fmt: skip
    return None


def folders_of(items: list[PhotoItem]) -> list[str]:
    """The folders the photos are in, in the order first met."""
    return list(dict.fromkeys(str(Path(item.row.path).parent) for item in items))


class PhotoActions(WindowPart):
    library_changed = Signal()  # photos were trashed, moved or copied: show them again
    message = Signal(str)  # a line for the status bar
    failed = Signal(str, object)  # a dialog title and the GalleryError to show in it

    def __init__(self, app: AppContext, window: QWidget) -> None:
        super().__init__(app, window)
        self.history = UndoHistory()
        self.undo_action = QAction(self.tr("&Undo"), self)
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.undo_action.triggered.connect(self.undo)
        self.last_folder = str(Path.home())  # where the next Copy To / Move To dialog starts
        self._thread: WorkerThread | None = None
        self._loop: QEventLoop | None = None
        self._progress: QProgressDialog | None = None
        self._outcome: FileActionResult | GalleryError | None = None
        self._update_undo()

    # without the file system's changes --------------------------------------------------------
    def open(self, items: list[PhotoItem]) -> None:
        """Each photo in the system's default app for its type."""
        if len(items) > OPEN_WITHOUT_ASKING:
            question = self.tr("Open %Ln photos in other apps?", "", len(items))
            if QMessageBox.question(self.window, self.tr("Open"), question) != (
                QMessageBox.StandardButton.Yes
            ):
                return
        for item in items:
            QDesktopServices.openUrl(QUrl.fromLocalFile(item.row.path))

    def show_in_folder(self, items: list[PhotoItem]) -> None:
        """The file manager with the photos selected; where it cannot be asked to (or it
        fails), their folders opened."""
        if not items:
            return
        paths = [item.row.path for item in items]
        command = show_items_command(paths)
        if command is None:
            self._open_folders(items)
            return
        if sys.platform in ("darwin", "win32"):
            QProcess.startDetached(*command)
            return
        process = QProcess(self)
        process.finished.connect(lambda code, status: self._shown(process, items, code, status))
        process.errorOccurred.connect(lambda error: self._not_shown(process, items, error))
        process.start(*command)

    def _shown(
        self, process: QProcess, items: list[PhotoItem], code: int, status: QProcess.ExitStatus
    ) -> None:
        if code != 0 or status != QProcess.ExitStatus.NormalExit:
            log.info(
                "The file manager did not show the photos (%s); opening the folder",
                bytes(process.readAllStandardError().data()).decode(errors="replace").strip(),
            )
            self._open_folders(items)
        process.deleteLater()

    def _not_shown(
        self, process: QProcess, items: list[PhotoItem], error: QProcess.ProcessError
    ) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._open_folders(items)
            process.deleteLater()

    def _open_folders(self, items: list[PhotoItem]) -> None:
        for folder in folders_of(items):
            QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

    def copy_paths(self, items: list[PhotoItem]) -> None:
        """The photos' paths on the clipboard, one a line."""
        QGuiApplication.clipboard().setText("\n".join(item.row.path for item in items))
        self.message.emit(self.tr("Copied %Ln paths.", "", len(items)))

    def copy_text(self, items: list[PhotoItem]) -> None:
        """The text read in the photos on the clipboard, a line each (a blank line between
        photos); the status bar says when there was none."""
        store = self.app.library.store
        found = [texts.lines_of(store, item.row.id) for item in items]
        blocks = ["\n".join(line.text for line in lines) for lines in found if lines]
        if not blocks:
            self.message.emit(self.tr("No text was found in %Ln photos.", "", len(items)))
            return
        QGuiApplication.clipboard().setText("\n\n".join(blocks))
        self.message.emit(self.tr("Copied the text of %Ln photos.", "", len(blocks)))

    # files --------------------------------------------------------------------------------
    def choose_copy_to(self, items: list[PhotoItem]) -> FileActionResult | None:
        folder = self._choose_folder(self.tr("Copy %Ln Photos To", "", len(items)), items)
        return None if folder is None else self.copy_to(items, folder)

    def choose_move_to(self, items: list[PhotoItem]) -> FileActionResult | None:
        folder = self._choose_folder(self.tr("Move %Ln Photos To", "", len(items)), items)
        return None if folder is None else self.move_to(items, folder)

    def _choose_folder(self, title: str, items: list[PhotoItem]) -> str | None:
        if not items or self._busy():
            return None
        folder = QFileDialog.getExistingDirectory(self.window, title, self.last_folder)
        if not folder:
            return None
        self.last_folder = folder
        return folder

    def copy_to(self, items: list[PhotoItem], folder: str) -> FileActionResult | None:
        paths = [item.row.path for item in items]

        def work(job: Job) -> FileActionResult:
            return copy_photos(paths, folder, progress=_reporter(job), cancel=job.cancel)

        label = self.tr("Copying %Ln photos…", "", len(paths))
        result = self._run(label, len(paths), work, say("Copying photos"), self.tr("Copy To"))
        if result is None:
            return None
        self.history.push(Undoable("copy", tuple(result.pairs)))
        self._update_undo()
        self._index_copies(folder, result)
        self._report(
            result,
            self.tr("Copied %Ln photos to {folder}.", "", len(result.done)).format(folder=folder),
            self.tr("%Ln photos could not be copied.", "", len(result.failed)),
        )
        return result

    def _index_copies(self, folder: str, result: FileActionResult) -> None:
        """Copies into one of the library's folders are new photos: index that folder now."""
        model = self.app.host.model
        if not result.done or model is None:
            return
        target = Path(folder).resolve()
        roots = [Path(root) for root in self.app.library.store.roots()]
        inside = [root for root in roots if target.is_relative_to(root)]
        if inside:
            self.app.indexer.start(model, [max(inside, key=lambda root: len(root.parts))])

    def move_to(self, items: list[PhotoItem], folder: str) -> FileActionResult | None:
        paths = [item.row.path for item in items]
        library = self.app.library

        def work(job: Job) -> FileActionResult:
            return move_photos(library, paths, folder, progress=_reporter(job), cancel=job.cancel)

        label = self.tr("Moving %Ln photos…", "", len(paths))
        result = self._run(label, len(paths), work, say("Moving photos"), self.tr("Move To"))
        if result is None:
            return None
        self.history.push(Undoable("move", tuple(result.pairs)))
        self._update_undo()
        self._report(
            result,
            self.tr("Moved %Ln photos to {folder}.", "", len(result.done)).format(folder=folder),
            self.tr("%Ln photos could not be moved.", "", len(result.failed)),
        )
        return result

    def trash(self, items: list[PhotoItem]) -> bool:
        """Ask, then move the photos to the system's Trash; returns whether any went."""
        if not items or self._busy() or not self._confirm_trash(items):
            return False
        paths = [item.row.path for item in items]
        library = self.app.library

        def work(job: Job) -> FileActionResult:
            return trash_photos(library, paths, progress=_reporter(job), cancel=job.cancel)

        label = self.tr("Moving %Ln photos to the Trash…", "", len(paths))
        title = self.tr("Move to Trash")
        result = self._run(label, len(paths), work, say("Moving photos to the trash"), title)
        if result is None:
            return False
        self._report(
            result,
            self.tr("Moved %Ln photos to the Trash.", "", len(result.done)),
            self.tr("%Ln photos could not be moved to the Trash.", "", len(result.failed)),
        )
        return bool(result.done)

    def trash_question(self, items: list[PhotoItem]) -> str:
        """ "Move 3 photos from “Holidays” to the Trash?": how many, and from where."""
        folders = folders_of(items)
        if len(folders) == 1:
            name = Path(folders[0]).name or folders[0]
            if len(items) == 1:
                text = self.tr("Move “{photo}” from “{folder}” to the Trash?")
                return text.format(photo=Path(items[0].row.path).name, folder=name)
            text = self.tr("Move %Ln photos from “{folder}” to the Trash?", "", len(items))
            return text.format(folder=name)
        text = self.tr("Move %Ln photos from {folders} to the Trash?", "", len(items))
        return text.format(folders=self.tr("%Ln folders", "", len(folders)))

    def _confirm_trash(self, items: list[PhotoItem]) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question, self.tr("Move to Trash"), self.trash_question(items),
            parent=self.window,
        )  # fmt: skip
        box.setInformativeText(
            self.tr("They can be restored from the system's Trash.")
            if len(items) > 1
            else self.tr("It can be restored from the system's Trash.")
        )
        box.setDetailedText("\n".join(item.row.path for item in items))
        confirm = box.addButton(self.tr("Move to Trash"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(confirm)
        box.exec()
        return box.clickedButton() is confirm

    # undo -----------------------------------------------------------------------------------
    def undo(self) -> FileActionResult | None:
        """Take back the last copy (the copies go to the Trash) or move (the photos go back)."""
        entry = self.history.pop()
        if entry is None:
            return None
        if self._busy():
            self.history.push(entry)
            return None
        library, pairs, count = self.app.library, list(entry.pairs), len(entry.pairs)
        if entry.kind == "move":

            def work(job: Job) -> FileActionResult:
                return undo_move(library, pairs, progress=_reporter(job), cancel=job.cancel)

            label = self.tr("Moving %Ln photos back…", "", count)
            result = self._run(label, count, work, say("Undoing a move"), self.tr("Undo Move"))
            if result is not None:
                self._report(
                    result,
                    self.tr("Moved %Ln photos back.", "", len(result.done)),
                    self.tr("%Ln photos could not be moved back.", "", len(result.failed)),
                )
            return result
        copies = [copy for _, copy in pairs]

        def trash_copies(job: Job) -> FileActionResult:
            return trash_photos(library, copies, progress=_reporter(job), cancel=job.cancel)

        label = self.tr("Moving %Ln copies to the Trash…", "", count)
        result = self._run(label, count, trash_copies, say("Undoing a copy"), self.tr("Undo Copy"))
        if result is not None:
            self._report(
                result,
                self.tr("Moved %Ln copies to the Trash.", "", len(result.done)),
                self.tr("%Ln copies could not be moved to the Trash.", "", len(result.failed)),
            )
        return result

    def _update_undo(self) -> None:
        entry = self.history.last()
        texts = {"move": self.tr("&Undo Move"), "copy": self.tr("&Undo Copy")}
        self.undo_action.setText(texts[entry.kind] if entry else self.tr("&Undo"))
        self.undo_action.setEnabled(entry is not None)

    # running the file work -------------------------------------------------------------------
    def _busy(self) -> bool:
        if self._loop is None:
            return False
        self.message.emit(self.tr("Wait until the photos are copied, moved or trashed."))
        return True

    def _run(
        self, label: str, total: int, work: Work, what: Text, title: str
    ) -> FileActionResult | None:
        """Run `work` in a job and wait for it in a local event loop; None when it failed
        (the error goes to `failed`). A run that changed files emits `library_changed`."""
        job = Job(work, what)
        job.progress.connect(self._job_progress)
        job.finished.connect(self._job_done)
        job.failed.connect(self._job_done)
        progress = QProgressDialog(label, self.tr("Cancel"), 0, total, self.window)
        progress.setWindowTitle(title)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(SHOW_PROGRESS_MS)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(job.cancel.set)
        progress.setValue(0)
        self._progress, self._outcome, self._loop = progress, None, QEventLoop()
        self._thread = WorkerThread(job, "photo-files", self)
        self._thread.start(job.run)
        try:
            if self._outcome is None:
                self._loop.exec()
        finally:
            self._thread.stop()
            self._thread, self._loop, self._progress = None, None, None
            progress.close()
            progress.deleteLater()
        outcome, self._outcome = self._outcome, None
        self._update_undo()
        if isinstance(outcome, FileActionResult):
            if outcome.done:
                self.library_changed.emit()
            return outcome
        if isinstance(outcome, GalleryError) and not isinstance(outcome, Cancelled):
            self.failed.emit(title, outcome)
        return None

    @Slot(object)
    def _job_progress(self, done: object) -> None:
        if self._progress is not None and isinstance(done, int):
            self._progress.setValue(done)

    @Slot(object)
    def _job_done(self, outcome: object) -> None:
        if isinstance(outcome, FileActionResult | GalleryError):
            self._outcome = outcome
        if self._loop is not None:
            self._loop.quit()

    def shutdown(self) -> None:
        """The window closes: stop the file work between two files and wait for it."""
        if self._thread is not None:
            self._thread.stop()
        if self._loop is not None:
            self._loop.quit()

    def _report(self, result: FileActionResult, done: str, failed: str) -> None:
        """The status line says what was done; a warning lists what was not, and why."""
        if result.done:
            self.message.emit(done)
        if not result.failed:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, failed, parent=self.window)
        lines = [f"{path}: {translated(reason)}" for path, reason in result.failed]
        if len(lines) > FAILURES_LISTED:
            more = len(lines) - FAILURES_LISTED
            lines = [*lines[:FAILURES_LISTED], self.tr("… and %Ln more", "", more)]
        box.setInformativeText(lines[0] if len(result.failed) == 1 else "")
        box.setDetailedText("\n".join(lines))
        box.exec()


def _reporter(job: Job) -> Callable[[int, int], None]:
    """The core's (done, total) as the job's progress, sent to the GUI thread."""
    return lambda done, _total: job.progress.emit(done)
