"""The photo grid: a lazy icon view over the photo model, its sizes, and its context menu."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QSize, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QListView, QMenu, QWidget

from gallery.ui.photo_delegate import PhotoDelegate
from gallery.ui.photo_model import PATH_ROLE, PhotoListModel

LAYOUT_BATCH = 500  # rows laid out per pass: 100,000 photos never freeze the window


class PhotoGrid(QListView):
    open_requested = Signal(int)  # a row
    similar_requested = Signal(str)  # a path

    def __init__(self, model: PhotoListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(LAYOUT_BATCH)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.doubleClicked.connect(lambda index: self.open_requested.emit(index.row()))
        self.setModel(model)
        self.delegate = PhotoDelegate(self)
        self.setItemDelegate(self.delegate)

    @Slot(int)
    def set_thumbnail_size(self, size: int) -> None:
        self.setIconSize(QSize(size, size))
        self.setGridSize(self.delegate.cell_size() + QSize(4, 4))

    def _context_menu(self, point: QPoint) -> None:
        index = self.indexAt(point)
        if not index.isValid():
            return
        path = str(index.data(PATH_ROLE))
        row = index.row()
        menu = QMenu(self)
        menu.addAction(self.tr("Open"), lambda: self.open_requested.emit(row))
        menu.addAction(
            self.tr("Open Containing Folder"),
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent))),
        )
        menu.addAction(self.tr("Copy Path"), lambda: QGuiApplication.clipboard().setText(path))
        menu.addAction(self.tr("Find Similar"), lambda: self.similar_requested.emit(path))
        menu.exec(self.viewport().mapToGlobal(point))
