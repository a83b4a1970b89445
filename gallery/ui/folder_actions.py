"""The library's folders: add (menu or drag and drop), remove, rescan. Adding a folder starts
indexing it; without a model the folder is kept and indexed once there is one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

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

    def remove_folder(self, root: str) -> None:
        if self.app.indexer.running:
            QMessageBox.information(self.window, self.tr("Remove Folder"), waiting())
            return
        self.app.library.forget_files(self.app.library.store.remove_root(root))
        self.app.library.save()
        self.library_changed.emit()

    def rescan(self) -> None:
        roots = [Path(r) for r in self.app.library.store.roots()]
        if roots:
            self.index(roots)
        else:
            self.message.emit(self.tr("Add a folder first: File > Add Folder…"))

    def index(self, roots: list[Path]) -> None:
        if self.app.host.model is None:
            self.message.emit(
                self.tr("Folders added. Import or download a model to index them.")
            )
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
