"""The line under the search box that says why its query or filters got no answer ("beach + "
has an empty term, a file that cannot be read, no photo passes the filters) and how to fix it.
Inline, not a dialog: the person is typing, and the next good answer takes it away."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QWidget

from gallery.errors import GalleryError
from gallery.ui.messages import error_text

# Red-ish on any theme: a translucent tint over the window's own background, a readable red text.
STYLE = (
    "QLabel { color: #c62828; background: rgba(198, 40, 40, 0.10);"
    " border: 1px solid rgba(198, 40, 40, 0.45); border-radius: 4px; padding: 4px 8px; }"
)


class SearchMessage(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # file names may hold anything
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(STYLE)
        self.hide()

    @Slot(object)
    def on_error(self, error: GalleryError) -> None:
        """What is wrong, the hint, and any remedy as the app's menus say it."""
        self.setText(error_text(error))
        self.show()

    @Slot()
    def on_answer(self) -> None:
        self.clear()
        self.hide()
