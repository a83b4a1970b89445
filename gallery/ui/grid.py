"""The photo grid: a lazy icon view over the photo model, its sizes, its column count (which
places the divider's cells) and its context menu."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QModelIndex, QPoint, QSize, Qt, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QMenu, QStyle, QStyleOption, QWidget

from gallery.ui.photo_delegate import PhotoDelegate
from gallery.ui.photo_menu import fill_photo_menu
from gallery.ui.photo_model import PhotoItem, PhotoListModel

LAYOUT_BATCH = 500  # rows laid out per pass: 100,000 photos never freeze the window
GRID_GAP = 4  # between cells


class PhotoGrid(QListView):
    open_requested = Signal(int)  # an index in the model's photos (`items`)
    similar_requested = Signal(list)  # paths: one for Find Similar, several for More Like These

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
        self.doubleClicked.connect(self._double_clicked)
        self.setModel(model)
        self.delegate = PhotoDelegate(self)
        self.setItemDelegate(self.delegate)

    def photo_model(self) -> PhotoListModel:
        return cast(PhotoListModel, self.model())

    @Slot(int)
    def set_thumbnail_size(self, size: int) -> None:
        self.setIconSize(QSize(size, size))
        self.setGridSize(self.delegate.cell_size() + QSize(GRID_GAP, GRID_GAP))
        self._update_columns()

    def columns(self) -> int:
        """How many cells a row holds, as the icon view's layout decides it: the viewport's
        width less the scroll bar it always reserves for a left-to-right flow (and the frame,
        for styles that draw it around the contents only), in whole grid cells."""
        width = self.maximumViewportSize().width()
        if self.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded:
            bar = self.verticalScrollBar()
            width -= self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, bar)
            if self.style().styleHint(QStyle.StyleHint.SH_ScrollView_FrameOnlyAroundContents,
                                      None, self):
                option = QStyleOption()
                option.initFrom(self)
                frame = self.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, option)
                width -= 2 * frame
        # A cell moves to the next row when it would reach the last pixel of the row.
        return max(1, (width - 1) // max(1, self.gridSize().width()))

    def _update_columns(self) -> None:
        self.photo_model().set_columns(self.columns())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._update_columns()
        super().resizeEvent(event)

    def selected_photos(self) -> list[PhotoItem]:
        return self.photo_model().photos([i.row() for i in self.selectedIndexes()])

    @Slot(QModelIndex)
    def _double_clicked(self, index: QModelIndex) -> None:
        found = self.photo_model().photo_index(index.row())
        if found is not None:
            self.open_requested.emit(found)

    def _context_menu(self, point: QPoint) -> None:
        model = self.photo_model()
        clicked = model.photo_index(self.indexAt(point).row())
        if clicked is None:
            return
        menu = QMenu(self)
        fill_photo_menu(menu, self, clicked, self.selected_photos())
        menu.exec(self.viewport().mapToGlobal(point))
