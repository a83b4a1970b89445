"""The library's folders: add (menu, sidebar or drag and drop), remove, rescan. Adding a folder
starts indexing it; without a model the folder is kept and indexed once there is one. A rescan
leaves out folders that cannot be reached (an unplugged drive) and says so: the indexer would
stop the whole run on the first one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from gallery.library.filters import Filters
from gallery.ui.context import WindowPart
from gallery.ui.messages import waiting


def dropped_folders(mime: QMimeData) -> list[Path]:
    urls = mime.urls() if mime.hasUrls() else []
    folders = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
    return [folder for folder in folders if folder.is_dir()]


class FolderActions(WindowPart):
    message = Signal(str)  # a line for the status bar
    library_changed = Signal()  # the photos shown may have changed

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.window, self.tr("Add a Photo Folder"), str(Path.home())
        )
        if folder:
            self.add_folders([Path(folder)])

    def add_folders(self, folders: list[Path]) -> None:
        roots = [folder.resolve() for folder in folders]
        for root in roots:
            self.app.library.store.add_root(str(root))
        self.index(roots)

    def choose_folder_to_remove(self) -> None:
        roots = self.app.library.store.roots()
        if not roots:
            title, text = self.tr("Remove Folder"), self.tr("No folders have been added yet.")
            QMessageBox.information(self.window, title, text)
            return
        question = self.tr("Stop showing photos from this folder:")
        root, ok = QInputDialog.getItem(
            self.window, self.tr("Remove Folder"), question, roots, 0, False
        )
        if ok and root:
            self.remove_folder(root)

    def ask_to_remove(self, root: str) -> bool:
        """Remove Folder… from the sidebar: confirm, naming the folder and its photos (the
        files themselves stay where they are); returns whether it was removed."""
        if self.app.indexer.running:
            QMessageBox.information(self.window, self.tr("Remove Folder"), waiting())
            return False
        count = self.app.library.store.photo_count(Filters(folders=(root,)))
        question = self.tr(
            "Remove “{name}” from the library? Its %Ln photos leave Lumen Gallery; the files "
            "stay on the disk.",
            "",
            count,
        ).format(name=Path(root).name or root)
        answer = QMessageBox.question(
            self.window,
            self.tr("Remove Folder"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.remove_folder(root)
        return True

    def remove_folder(self, root: str) -> None:
        if self.app.indexer.running:
            QMessageBox.information(self.window, self.tr("Remove Folder"), waiting())
            return
        self.app.library.forget_files(self.app.library.store.remove_root(root))
        self.app.library.save()
        self.library_changed.emit()

    def rescan(self) -> None:
        roots = [Path(r) for r in self.app.library.store.roots()]
        if not roots:
            self.message.emit(self.tr("Add a folder first: File > Add Folder…"))
            return
        reachable = [root for root in roots if root.is_dir()]
        if reachable:
            self.index(reachable)
        missing = len(roots) - len(reachable)
        if missing:
            self.message.emit(
                self.tr(
                    "%Ln folders cannot be reached (is the drive connected?): not rescanned.",
                    "",
                    missing,
                )
            )

    def rescan_folder(self, root: str) -> None:
        """Rescan one library folder (the sidebar's context menu)."""
        path = Path(root)
        if path.is_dir():
            self.index([path])
        else:
            self.message.emit(
                self.tr("{folder} cannot be reached (is the drive connected?).").format(folder=root)
            )

    def index(self, roots: list[Path]) -> None:
        if self.app.host.model is None:
            self.message.emit(self.tr("Folders added. Import or download a model to index them."))
            self.library_changed.emit()
            return
        self.app.indexer.start(self.app.host.model, roots)

    def index_folder(self, folder: str) -> None:
        """Index a folder a remedy names: a rescan when the library already holds it."""
        path = Path(folder)
        if any(path.is_relative_to(root) for root in self.app.library.store.roots()):
            self.rescan()
        elif path.is_dir():
            self.add_folders([path])
        else:
            self.choose_folder()
