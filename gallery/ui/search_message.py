"""The line under the search box that says why its query or filters got no answer ("beach + "
has an empty term, a file that cannot be read, no photo passes the filters) and how to fix it.
Inline, not a dialog: the person is typing, and the next good answer takes it away.

It also carries an offer: a Chinese query typed into an English-only model gets a line with a
link that downloads (or switches to) a model that reads Chinese."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QWidget

from gallery.errors import GalleryError
from gallery.ui.messages import error_text

# Red-ish on any theme: a translucent tint over the window's own background, a readable red text.
STYLE = (
    "QLabel { color: #c62828; background: rgba(198, 40, 40, 0.10);"
    " border: 1px solid rgba(198, 40, 40, 0.45); border-radius: 4px; padding: 4px 8px; }"
)
# An offer is no error: the same shape in a calm blue.
OFFER_STYLE = (
    "QLabel { background: rgba(25, 118, 210, 0.10);"
    " border: 1px solid rgba(25, 118, 210, 0.45); border-radius: 4px; padding: 4px 8px; }"
)


class SearchMessage(QLabel):
    offer_taken = Signal(str)  # the name of the model an offer's link names

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # file names may hold anything
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(STYLE)
        self.linkActivated.connect(self.offer_taken)
        self.offered: str | None = None  # the model of the offer shown, if one is
        self.hide()

    @Slot(object)
    def on_error(self, error: GalleryError) -> None:
        """What is wrong, the hint, and any remedy as the app's menus say it."""
        self._plain(STYLE)
        self.setText(error_text(error))
        self.show()

    @Slot()
    def on_answer(self) -> None:
        self._plain(STYLE)
        self.clear()
        self.hide()

    def on_offer(self, name: str, text: str, link: str) -> None:
        """A line and a link that asks for the model `name` (`offer_taken`)."""
        self.offered = name
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.setStyleSheet(OFFER_STYLE)
        self.setText(f'{escape(text)} <a href="{escape(name)}">{escape(link)}</a>')
        self.show()

    def _plain(self, style: str) -> None:
        self.offered = None
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(style)
