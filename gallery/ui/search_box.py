"""The search field: Esc clears it (and so shows every photo again)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget


class SearchBox(QLineEdit):
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.tr("Search your photos: “a red car in the snow”"))
        self.setClearButtonEnabled(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.clear()
            self.cleared.emit()
            return
        super().keyPressEvent(event)

    def show_label(self, text: str) -> None:
        """Say what the grid shows without it counting as typing (e.g. "Similar to x.jpg")."""
        self.blockSignals(True)
        self.setText(text)
        self.blockSignals(False)
