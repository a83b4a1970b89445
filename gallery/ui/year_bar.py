"""Jump by year: a narrow column of the timeline's years at the grid's right edge; a click
scrolls to that year's first month, and the year at the top of the grid is highlighted while
it scrolls.

When more years than fit are there, every second (third, ...) one is shown, always with the
first and last, so the column never scrolls; the highlight then marks the shown year nearest
the current one. The grid owns it, places it and wires it (`PhotoGrid.jump_to_year`).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

SPACING = 6  # above and below each year


class YearBar(QWidget):
    year_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._years: list[int] = []
        self.current: int | None = None
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(self.tr("Jump to a year"))
        self.hide()

    def bar_width(self) -> int:
        return self.fontMetrics().horizontalAdvance("8888") + 2 * SPACING

    def sizeHint(self) -> QSize:
        return QSize(self.bar_width(), self._line() * max(1, len(self._years)))

    def set_years(self, years: list[int]) -> None:
        """The timeline's years in display order (empty: nothing to jump to)."""
        if years != self._years:
            self._years = list(years)
            self.update()

    def years(self) -> list[int]:
        return list(self._years)

    def set_current(self, year: int | None) -> None:
        if year != self.current:
            self.current = year
            self.update()

    def _line(self) -> int:
        return self.fontMetrics().height() + SPACING

    def shown(self) -> list[int]:
        """The years that fit, evenly picked, the first and the last always among them."""
        fit = max(1, self.height() // self._line())
        if len(self._years) <= fit:
            return list(self._years)
        step = math.ceil((len(self._years) - 1) / max(1, fit - 1))
        picked = self._years[::step]
        if picked[-1] != self._years[-1]:
            picked[-1] = self._years[-1]
        return picked

    def year_rect(self, year: int) -> QRect:
        """Where a shown year is drawn (an empty rect for one not shown)."""
        shown = self.shown()
        if year not in shown:
            return QRect()
        return QRect(0, shown.index(year) * self._line(), self.width(), self._line())

    def year_at(self, point: QPoint) -> int | None:
        shown = self.shown()
        number = point.y() // self._line()
        return shown[number] if 0 <= number < len(shown) and point.y() >= 0 else None

    def _highlighted(self, shown: list[int]) -> int | None:
        if self.current is None or not shown:
            return None
        current = self.current
        return min(shown, key=lambda year: (abs(year - current), year))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        year = self.year_at(event.position().toPoint())
        if year is not None and event.button() == Qt.MouseButton.LeftButton:
            self.year_clicked.emit(year)
            event.accept()
            return
        super().mousePressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.window())
        shown = self.shown()
        highlighted = self._highlighted(shown)
        for year in shown:
            rect = self.year_rect(year)
            if year == highlighted:
                painter.fillRect(rect.adjusted(2, 1, -2, -1), palette.highlight())
                painter.setPen(palette.highlightedText().color())
            else:
                painter.setPen(palette.text().color())
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(year))
