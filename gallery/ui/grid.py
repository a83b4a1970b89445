"""The photo grid: a lazy icon view over the photo model, its sizes, its column count (which
places the header and divider cells), the keyboard, the selection and its context menu; in the
timeline, the sticky month header and the year column it owns.

The keyboard moves between photos only: the model's rows line up with the view's grid rows
(the model knows the column count), so up and down are arithmetic on rows, and a header or
blank cell is stepped over to the nearest photo in the direction of travel.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QMenu,
    QStyle,
    QStyleOption,
    QWidget,
)

from gallery.ui.photo_delegate import PhotoDelegate
from gallery.ui.photo_menu import fill_photo_menu
from gallery.ui.photo_model import PhotoItem, PhotoListModel
from gallery.ui.timeline_header import TimelineHeader
from gallery.ui.year_bar import YearBar

LAYOUT_BATCH = 500  # rows laid out per pass: 100,000 photos never freeze the window
GRID_GAP = 4  # between cells
JUMP_RETRY_MS = 50  # a jump to a row the batched layout has not reached yet waits for it
JUMP_PATIENCE = 100  # retries (5 s) before a jump gives up

Move = QAbstractItemView.CursorAction


class PhotoGrid(QListView):
    open_requested = Signal(int)  # an index in the model's photos (`items`)
    similar_requested = Signal(list)  # paths: one for Find Similar, several for More Like These
    trash_requested = Signal()  # the Delete key: trash `selected_photos()` (once confirmed)

    def __init__(self, model: PhotoListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(False)  # the header and divider rows are short (the delegate)
        self.setSpacing(GRID_GAP)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(LAYOUT_BATCH)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionRectVisible(True)  # the rubber band
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.doubleClicked.connect(self._double_clicked)
        self.timeline_header = TimelineHeader(self)
        self.year_bar = YearBar(self)
        self.year_bar.year_clicked.connect(self.jump_to_year)
        self._jump: tuple[int, int] | None = None  # (row, retries left) waiting for the layout
        self._jump_timer = QTimer(self, singleShot=True, interval=JUMP_RETRY_MS)
        self._jump_timer.timeout.connect(self._retry_jump)
        self.delegate = PhotoDelegate(self)  # before the model: the columns need its cell size
        self.setItemDelegate(self.delegate)
        self.setModel(model)

    def photo_model(self) -> PhotoListModel:
        return cast(PhotoListModel, self.model())

    def setModel(self, model: QAbstractItemModel | None) -> None:
        """Another photo model (tests and the bench swap it in) brings its timeline along."""
        old = self.model()
        if isinstance(old, PhotoListModel):
            old.cells_changed.disconnect(self._cells_changed)
        super().setModel(model)
        if isinstance(model, PhotoListModel):
            model.cells_changed.connect(self._cells_changed)
            self._cells_changed()

    @Slot(int)
    def set_thumbnail_size(self, size: int) -> None:
        self.setIconSize(QSize(size, size))
        self._update_columns()
        self.scheduleDelayedItemsLayout()  # every cell's size hint changed

    def pitch(self) -> QSize:
        """A photo cell and the spacing after it: the step from one cell to the next."""
        return self.delegate.cell_size() + QSize(GRID_GAP, GRID_GAP)

    def columns(self) -> int:
        """How many cells a row holds, as the icon view's layout decides it: the viewport's
        width less the scroll bar it always reserves for a left-to-right flow (and the frame,
        for styles that draw it around the contents only), in whole grid cells."""
        width = self.maximumViewportSize().width()  # the year column's margin left out
        if self.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded:
            bar = self.verticalScrollBar()
            width -= self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, bar)
            if self.style().styleHint(QStyle.StyleHint.SH_ScrollView_FrameOnlyAroundContents,
                                      None, self):
                option = QStyleOption()
                option.initFrom(self)
                frame = self.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, option)
                width -= 2 * frame
        # The first cell starts after one spacing; a cell moves to the next row when it and
        # its spacing would reach the last pixel of the row (measured against Qt's layout).
        return max(1, (width - GRID_GAP - 1) // max(1, self.pitch().width()))

    def _update_columns(self) -> None:
        model = self.photo_model()
        columns = self.columns()
        lines = self.maximumViewportSize().height() // max(1, self.pitch().height()) + 2
        model.set_visible_cells(columns * lines)
        model.set_columns(columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._update_columns()
        super().resizeEvent(event)
        self._place_overlays()

    def selected_photos(self) -> list[PhotoItem]:
        return self.photo_model().photos([i.row() for i in self.selectedIndexes()])

    # the timeline ------------------------------------------------------------------------------
    @Slot()
    def _cells_changed(self) -> None:
        """New photos or columns: the year column shows when the model has years to jump to
        (it takes a margin of its own, so the photos' columns follow), the sticky header when
        the photos are in months."""
        years = list(self.photo_model().year_rows())
        self.year_bar.set_years(years)
        margin = self.year_bar.bar_width() if years else 0
        if self.viewportMargins().right() != margin:
            self.setViewportMargins(0, 0, margin, 0)
            self._update_columns()
        self.year_bar.setVisible(bool(years))
        self._place_overlays()
        self._follow_scrolling()

    def _place_overlays(self) -> None:
        viewport = self.viewport().geometry()
        self.timeline_header.place(viewport)
        margin = self.viewportMargins().right()
        self.year_bar.setGeometry(viewport.right() + 1, viewport.y(), margin, viewport.height())

    def top_row(self) -> int | None:
        """The row of the first cell at the top of the viewport (None: nothing there)."""
        grid = self.pitch()
        x = max(1, grid.width() // 2)
        for y in (1, 1 + GRID_GAP, grid.height() // 2):
            index = self.indexAt(QPoint(x, y))
            if index.isValid():
                return index.row()
        return None

    def _follow_scrolling(self) -> None:
        """The sticky header shows the month at the top unless that month's own header row is
        there; the year column marks its year."""
        model = self.photo_model()
        row = self.top_row()
        section = None if row is None else model.section_at(row)
        on_header = row is not None and model.photo_index(row) is None and (
            section is not None and row < model.section_row(section) + model.columns
        )
        self.timeline_header.show_section(None if on_header else section)
        self.year_bar.set_current(None if section is None else section.year)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self._follow_scrolling()  # every scroll, resize and relayout repaints

    @Slot(int)
    def jump_to_year(self, year: int) -> None:
        """Scroll the year's first month to the top and make its first photo the current one
        (the keyboard goes on from there)."""
        row = self.photo_model().year_rows().get(year)
        if row is not None:
            self._jump = (row, JUMP_PATIENCE)
            self._retry_jump()

    @Slot()
    def _retry_jump(self) -> None:
        if self._jump is None:
            return
        row, retries = self._jump
        model = self.photo_model()
        index = model.index(row)
        if not self.visualRect(index).isValid() and retries > 0:  # not laid out yet
            self._jump = (row, retries - 1)
            self._jump_timer.start()
            return
        self._jump = None
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)
        photo = model.photo_index(row + model.columns)
        if photo is not None:
            current = model.index(model.row_of(photo))
            self.selectionModel().setCurrentIndex(
                current, QItemSelectionModel.SelectionFlag.NoUpdate
            )

    # the keyboard and the selection ------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        editing = self.state() == QAbstractItemView.State.EditingState
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not editing:
            found = self.photo_model().photo_index(self.currentIndex().row())
            if found is not None:
                self.open_requested.emit(found)
            event.accept()
            return
        if key == Qt.Key.Key_Delete and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            if self.selectedIndexes():
                self.trash_requested.emit()
            event.accept()
            return
        if event.matches(QKeySequence.StandardKey.SelectAll):
            self.selectAll()
            event.accept()
            return
        super().keyPressEvent(event)

    def selectAll(self) -> None:
        """Every photo, none of the header or blank cells."""
        model = self.photo_model()
        selection = QItemSelection()
        for first, last in model.photo_runs():
            selection.select(model.index(first), model.index(last))
        self.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def moveCursor(self, action: Move, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Where the arrows, Home/End and PgUp/PgDn go: always to a photo."""
        model = self.photo_model()
        runs = list(model.photo_runs())
        if not runs:
            return QModelIndex()
        first, last = runs[0][0], runs[-1][1]
        current = self.currentIndex()
        found = model.photo_index(current.row()) if current.isValid() else None
        if found is None:
            return model.index(last if action == Move.MoveEnd else first)
        row = current.row()
        columns = model.columns
        page = max(1, self.viewport().height() // max(1, self.pitch().height())) * columns
        backward = (Move.MoveLeft, Move.MovePrevious)
        forward = (Move.MoveRight, Move.MoveNext)
        if self.isRightToLeft():
            backward, forward = forward, backward
        if action in backward:
            target = model.row_of(found - 1) if found > 0 else row
        elif action in forward:
            target = model.row_of(found + 1) if found + 1 < len(model.items) else row
        elif action == Move.MoveUp:
            target = self._vertical(row, -columns, first, last, clamp=False)
        elif action == Move.MoveDown:
            target = self._vertical(row, columns, first, last, clamp=False)
        elif action == Move.MovePageUp:
            target = self._vertical(row, -page, first, last, clamp=True)
        elif action == Move.MovePageDown:
            target = self._vertical(row, page, first, last, clamp=True)
        elif action == Move.MoveHome:
            target = first
        elif action == Move.MoveEnd:
            target = last
        else:
            target = row
        return model.index(target)

    def _vertical(self, row: int, step: int, first: int, last: int, *, clamp: bool) -> int:
        """The photo `step` rows (whole grid rows) away from `row`: a header row is stepped
        over, a blank cell gives the last photo of its grid row. Past the ends: the first or
        last photo when `clamp`, else `row` itself."""
        model = self.photo_model()
        columns = model.columns
        target = row + step
        while first <= target <= last:
            if model.photo_index(target) is not None:
                return target
            line = target - target % columns
            cells = range(target - 1, line - 1, -1)
            photo = next((r for r in cells if model.photo_index(r) is not None), None)
            if photo is not None:  # a blank cell after the last photos of a block
                return photo
            target += columns if step > 0 else -columns  # a header row
        if step > 0 and target // columns == last // columns:  # into the short last row
            return last
        if not clamp:
            return row
        return last if step > 0 else first

    # mouse -------------------------------------------------------------------------------------
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
