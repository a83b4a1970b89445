"""Paints a grid cell: the thumbnail centred in a square of the icon size, the name below; or a
cell of the divider row between the best matches and the rest; or a cell of a month's header
row in the timeline (the month in bold, its photo count lighter, near the row's bottom, so the
header reads as the title of the photos below it).

One fixed cell size for every photo, whatever its aspect ratio; the cells of a month's header
row and of the divider row are as wide but only a line of title high, so a title does not leave
a thumbnail's height of blank above it (the view's rows take the height of their cells). The
size comes from the model's block arithmetic, never from a cell's data. The divider row is
several cells: each paints the whole row's picture (the text at the row's start, a line to its
end) clipped to its own grid cell, so text longer than one cell and the line run on across the
row, and a cell repainted on its own still matches its neighbours. A month's header row is
painted the same way.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QIcon, QPainter, QPen
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from gallery.ui.photo_model import (
    DIVIDER_ROLE,
    HEADER_ROLE,
    HEADER_TEXT_ROLE,
    PATH_ROLE,
    PhotoListModel,
    divider_text,
)

TEXT_HEIGHT = 22
PADDING = 6
TITLE_SCALE = 1.3  # a month's title, against the view's font

Index = QModelIndex | QPersistentModelIndex


class PhotoDelegate(QStyledItemDelegate):
    def __init__(self, view: QListView) -> None:
        super().__init__(view)  # the view is reached as the parent: no reference cycle

    def _view(self) -> QListView:
        return cast(QListView, self.parent())

    def _icon_side(self) -> int:
        return self._view().iconSize().width()

    def cell_size(self) -> QSize:
        side = self._icon_side()
        return QSize(side + 2 * PADDING, side + 2 * PADDING + TEXT_HEIGHT)

    def title_height(self) -> int:
        """A header or divider row: the month's title with room above and below."""
        return QFontMetrics(self.title_font()).height() + 3 * PADDING

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        cell = self.cell_size()
        if cast(PhotoListModel, index.model()).is_title_cell(index.row()):
            return QSize(cell.width(), self.title_height())
        return cell

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        column = index.data(DIVIDER_ROLE)
        header = index.data(HEADER_ROLE)
        if column is not None:
            self._paint_divider(painter, option.rect, int(column))
        elif header is not None:
            title, count = index.data(HEADER_TEXT_ROLE)
            self._paint_header(painter, option.rect, int(header), title, count)
        elif index.data(PATH_ROLE) is not None:  # else a blank cell: nothing to paint
            self._paint_photo(painter, option, index)

    def _paint_photo(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        rect: QRect = option.rect
        state = option.state
        palette = option.palette
        painter.save()
        if state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, palette.highlight())
        side = self._icon_side()
        square = QRect(rect.x() + (rect.width() - side) // 2, rect.y() + PADDING, side, side)
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(icon, QIcon):
            icon.paint(painter, square, Qt.AlignmentFlag.AlignCenter)
        text_rect = QRect(rect.x() + 2, square.bottom() + 2, rect.width() - 4, TEXT_HEIGHT)
        name = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        elided = painter.fontMetrics().elidedText(
            name, Qt.TextElideMode.ElideMiddle, text_rect.width()
        )
        selected = bool(state & QStyle.StateFlag.State_Selected)
        painter.setPen(palette.highlightedText().color() if selected else palette.text().color())
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, elided
        )
        painter.restore()

    def _grid_cell(self, rect: QRect, column: int) -> tuple[QRect, int]:
        """An item's rect with half the spacing on each side (the cells then tile the row
        without gaps), and the left edge of its row's first cell."""
        gap = self._view().spacing()
        cell = QRect(rect.x() - gap // 2, rect.y(), rect.width() + gap, rect.height())
        return cell, cell.x() - column * cell.width()

    def title_font(self) -> QFont:
        font = QFont(self._view().font())
        font.setBold(True)
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * TITLE_SCALE)
        else:  # a font sized in pixels
            font.setPixelSize(round(font.pixelSize() * TITLE_SCALE))
        return font

    def _paint_header(
        self, painter: QPainter, rect: QRect, column: int, title: str, count: str
    ) -> None:
        """This cell's part of a month's header row: the title in bold and the count lighter,
        on one line near the bottom of the row, from the row's start."""
        view = self._view()
        cell, row_left = self._grid_cell(rect, column)
        font = self.title_font()
        metrics = QFontMetrics(font)
        baseline = cell.bottom() - PADDING - metrics.descent()
        painter.save()
        painter.setClipRect(cell)
        painter.setFont(font)
        painter.setPen(view.palette().text().color())
        x = row_left + PADDING
        painter.drawText(x, baseline, title)
        x += metrics.horizontalAdvance(title) + metrics.horizontalAdvance("  ")
        painter.setFont(view.font())
        painter.setPen(view.palette().placeholderText().color())
        painter.drawText(x, baseline, count)
        painter.restore()

    def _paint_divider(self, painter: QPainter, rect: QRect, column: int) -> None:
        """This cell's part of the divider row: "More results", then a line to the row's end
        (the last column's edge, where the photos end too)."""
        view = self._view()
        cell, row_left = self._grid_cell(rect, column)
        middle = cell.y() + cell.height() // 2
        text = divider_text()
        metrics = painter.fontMetrics()
        text_width = metrics.horizontalAdvance(text)
        colour = view.palette().placeholderText().color()
        painter.save()
        painter.setClipRect(cell)
        painter.setPen(colour)
        text_left = row_left + PADDING
        painter.drawText(
            QRect(text_left, middle - metrics.height(), text_width, 2 * metrics.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            text,
        )
        painter.setPen(QPen(colour, 1))
        line_left = max(cell.x(), text_left + text_width + PADDING)
        if line_left < cell.right():
            painter.drawLine(line_left, middle, cell.right(), middle)
        painter.restore()
