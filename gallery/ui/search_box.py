"""The search field: Esc clears it (and so shows every photo again); images dropped on it or
pasted into it become `[label]` terms of the query; its recent searches drop down from a
trailing button (or the Down key in an empty box)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QIcon,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QLineEdit, QMenu, QWidget

from gallery.imaging.formats import IMAGE_EXTENSIONS
from gallery.library.query import ImagePaths, ImagePixels, ImageSource

RECENT_LIMIT = 15
_ATTACHMENT = re.compile(r"\[[^\]]*\]")  # a `[label]` term: it only means something while attached
_OPERATORS = ("+", "-")


class SearchBox(QLineEdit):
    cleared = Signal()
    recent_selected = Signal(str)  # a recent search was picked (the box already shows it)
    recent_changed = Signal(list)  # the recent list changed (the window persists it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.tr("Search your photos: “a red car in the snow”"))
        self.setClearButtonEnabled(True)
        self._attached: dict[str, ImageSource] = {}
        self._recent: list[str] = []
        self._recent_menu = QMenu(self)
        self._recent_menu.triggered.connect(self._pick_recent)
        self._recent_action = self.addAction(
            _history_icon(self.palette().text().color()), QLineEdit.ActionPosition.TrailingPosition
        )
        self._recent_action.setToolTip(self.tr("Recent Searches"))
        self._recent_action.triggered.connect(self._show_recent)
        self._rebuild_recent_menu()

    # keys ---------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.clear()
            self._attached.clear()
            self.cleared.emit()
            return
        if event.matches(QKeySequence.StandardKey.Paste) and not self.isReadOnly():
            self._paste()
            return
        if event.key() == Qt.Key.Key_Down and not self.text() and self._recent:
            self._show_recent()
            return
        super().keyPressEvent(event)

    def show_label(self, text: str) -> None:
        """Say what the grid shows without it counting as typing (e.g. "Similar to x.jpg")."""
        self.blockSignals(True)
        self.setText(text)
        self.blockSignals(False)

    # image terms --------------------------------------------------------------------------
    def attachments(self) -> dict[str, ImageSource]:
        """The attached images the text still names: a `[label]` the person deleted is gone
        from the query, one they brought back with Undo is there again."""
        text = self.text()
        return {label: source for label, source in self._attached.items() if f"[{label}]" in text}

    def attach(self, source: ImageSource) -> None:
        """Add `source` as a term: "+ [label]" after what is typed (just "[label]" after a
        trailing operator, so "beach -" then a drop excludes the image), or the whole query
        when the box is empty. Typed as an edit, so Undo takes it back."""
        token = f"[{self._keep(source)}]"
        text = self.text()
        words = text.split()
        if not words:
            self.setText(token)
            return
        self.end(False)
        if words[-1] in _OPERATORS:
            self.insert(token if text.endswith(" ") else f" {token}")
        else:
            self.insert(f" + {token}")

    def set_image_query(self, source: ImageSource) -> None:
        """The whole query becomes this one image (Find Similar, More Like These)."""
        self._attached.clear()
        self.setText(f"[{self._keep(source)}]")

    def _keep(self, source: ImageSource) -> str:
        """Store `source` under a label that is unique among the attachments the text still
        names (those it no longer names are let go, pasted pixels with them) and that the
        query grammar can read back: brackets become parentheses, runs of spaces one."""
        self._attached = self.attachments()
        base = " ".join(source.label.replace("[", "(").replace("]", ")").split()) or "image"
        label, n = base, 1
        while label in self._attached:
            n += 1
            label = f"{base} {n}"
        if label != source.label:
            source = dataclasses.replace(source, label=label)
        self._attached[label] = source
        return label

    # drop and paste -----------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _image_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if _image_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        files = _image_files(event.mimeData())
        if not files:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        for path in files:
            self.attach(ImagePaths((path,), Path(path).name))
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """Qt's menu, its Paste rewired to ours: Qt's only pastes text (and is disabled when
        the clipboard holds just an image)."""
        menu = self.createStandardContextMenu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        paste = menu.findChild(QAction, "edit-paste")
        if paste is not None:
            paste.triggered.disconnect()
            paste.triggered.connect(self._paste)
            paste.setEnabled(not self.isReadOnly() and _pastable(_clipboard_mime()))
        menu.popup(event.globalPos())

    def _paste(self) -> None:
        """Image files in the clipboard attach as files, an image as pixels, text as text."""
        mime = _clipboard_mime()
        files = _image_files(mime)
        if files:
            for path in files:
                self.attach(ImagePaths((path,), Path(path).name))
        elif mime.hasImage():
            image = QImage(mime.imageData())
            if not image.isNull():
                self.attach(ImagePixels(_pil_image(image), self.tr("pasted image")))
        else:
            super().paste()

    # recent searches ----------------------------------------------------------------------
    def set_recent(self, texts: Sequence[str]) -> None:
        """Show these (most recent first), e.g. from the settings; emits nothing."""
        self._recent = _dedupe(texts)
        self._rebuild_recent_menu()

    def remember(self, text: str) -> None:
        """Put `text` first (no duplicates, at most RECENT_LIMIT). Queries that name an
        attached image are not kept: the image would not be there when they are picked."""
        text = text.strip()
        if not text or _ATTACHMENT.search(text):
            return
        recent = _dedupe([text, *self._recent])
        if recent != self._recent:
            self._recent = recent
            self._rebuild_recent_menu()
            self.recent_changed.emit(list(recent))

    def clear_recent(self) -> None:
        self._recent = []
        self._rebuild_recent_menu()
        self.recent_changed.emit([])

    def _rebuild_recent_menu(self) -> None:
        menu = self._recent_menu
        menu.clear()
        width = self.fontMetrics().averageCharWidth() * 50
        for text in self._recent:
            shown = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width)
            action = menu.addAction(shown.replace("&", "&&"))
            action.setData(text)
        menu.addSeparator()
        menu.addAction(self.tr("Clear Recent Searches"), self.clear_recent)
        self._recent_action.setVisible(bool(self._recent))

    def _show_recent(self) -> None:
        self._recent_menu.popup(self.mapToGlobal(self.rect().bottomLeft()))

    def _pick_recent(self, action: QAction) -> None:
        text = action.data()
        if not isinstance(text, str):  # Clear Recent Searches
            return
        self.setText(text)
        self.setFocus(Qt.FocusReason.PopupFocusReason)
        self.recent_selected.emit(text)


def _dedupe(texts: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(t for t in texts if t))[:RECENT_LIMIT]


def _clipboard_mime() -> QMimeData:
    mime = QGuiApplication.clipboard().mimeData()
    return mime if mime is not None else QMimeData()


def _image_files(mime: QMimeData) -> list[str]:
    """The local image files among the URLs (by extension, as the scanner names them)."""
    files = []
    for url in mime.urls():
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.suffix.lower() in IMAGE_EXTENSIONS and path.is_file():
                files.append(str(path.absolute()))
    return files


def _pastable(mime: QMimeData) -> bool:
    return bool(_image_files(mime)) or mime.hasImage() or bool(mime.text())


def _pil_image(image: QImage) -> Image.Image:
    """A copy of the pixels as Pillow's RGB or RGBA (transparency is flattened later, by the
    same `to_rgb` the files go through)."""
    alpha = image.hasAlphaChannel()
    image = image.convertToFormat(
        QImage.Format.Format_RGBA8888 if alpha else QImage.Format.Format_RGB888
    )
    mode = "RGBA" if alpha else "RGB"
    data = bytes(image.constBits())
    size = (image.width(), image.height())
    return Image.frombuffer(mode, size, data, "raw", mode, image.bytesPerLine(), 1).copy()


def _history_icon(colour: QColor) -> QIcon:
    """The theme's "recent" icon, else a small clock drawn in the text colour (Qt's style
    has no history icon, and many Linux desktops and Windows give no theme icon)."""
    themed = QIcon.fromTheme(QIcon.ThemeIcon.DocumentOpenRecent)
    if not themed.isNull():
        return themed
    pixmap = QPixmap(64, 64)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(colour, 6)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    centre = QPointF(32, 32)
    painter.drawEllipse(centre, 24, 24)
    painter.drawLine(centre, QPointF(32, 16))
    painter.drawLine(centre, QPointF(43, 38))
    painter.end()
    return QIcon(pixmap)
