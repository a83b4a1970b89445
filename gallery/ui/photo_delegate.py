"""Paints a grid cell: the thumbnail centred in a square of the icon size, the name below.

One fixed cell size for every photo, whatever its aspect ratio, so uniform item sizes hold and
a 100,000-photo grid lays out without measuring each item.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QIcon, QPainter
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

TEXT_HEIGHT = 22
PADDING = 6

Index = QModelIndex | QPersistentModelIndex


class PhotoDelegate(QStyledItemDelegate):
    def __init__(self, view: QListView) -> None:
        super().__init__(view)  # the view is reached as the parent: no reference cycle

    def _icon_side(self) -> int:
        return cast(QListView, self.parent()).iconSize().width()

    def cell_size(self) -> QSize:
        side = self._icon_side()
        return QSize(side + 2 * PADDING, side + 2 * PADDING + TEXT_HEIGHT)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return self.cell_size()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
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
