"""The timeline's sticky header: the month of the photos at the top of the grid, kept in view
while they scroll under it (the month's own header row has scrolled away by then).

A child of the grid, not of its viewport: the viewport's children move when it scrolls. It lets
the mouse through to the photos beneath it. The grid places it and says which month to show.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from gallery.library.timeline import Section
from gallery.ui.photo_model import month_title, photo_count_text

PADDING = 6
OPACITY = 235  # of 255: the photos beneath show through a little


class TimelineHeader(QWidget):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.section: Section | None = None
        self.hide()

    def show_section(self, section: Section | None) -> None:
        """Show this month (None: hide)."""
        if section != self.section:
            self.section = section
            self.update()
        self.setVisible(section is not None)

    def text(self) -> str:
        """What it says ("" when it shows no month): the month's title and its count."""
        if self.section is None:
            return ""
        section = self.section
        return f"{month_title(section.year, section.month)} · {photo_count_text(section.count)}"

    def _font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def place(self, viewport: QRect) -> None:
        """Lie across the top of the grid's viewport (`viewport` in the grid's coordinates)."""
        height = QFontMetrics(self._font()).height() + 2 * PADDING
        self.setGeometry(viewport.x(), viewport.y(), viewport.width(), height)
        self.raise_()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.section is None:
            return
        painter = QPainter(self)
        background = QColor(self.palette().base().color())
        background.setAlpha(OPACITY)
        painter.fillRect(self.rect(), background)
        section = self.section
        title = month_title(section.year, section.month)
        font = self._font()
        metrics = QFontMetrics(font)
        baseline = PADDING + metrics.ascent()
        painter.setFont(font)
        painter.setPen(self.palette().text().color())
        painter.drawText(PADDING, baseline, title)
        x = PADDING + metrics.horizontalAdvance(title) + metrics.horizontalAdvance("  ")
        painter.setFont(self.font())
        painter.setPen(self.palette().placeholderText().color())
        painter.drawText(x, baseline, photo_count_text(section.count))
        painter.setPen(self.palette().mid().color())
        painter.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
