"""A full-window photo viewer with arrow-key navigation through the current grid."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QImage, QKeyEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from gallery.ui.images import ImageLoader

VIEW_SIDE = 1600


class PhotoViewer(QDialog):
    def __init__(self, paths: list[str], start: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.position = start
        self.loader = ImageLoader(threads=1)
        self.loader.loaded.connect(self._loaded)
        self.loader.failed.connect(self._failed)
        self._pixmap: QPixmap | None = None
        self.label = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.label.setMinimumSize(200, 150)
        self.label.setStyleSheet("background: #111; color: #ccc;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        self.resize(1100, 800)
        self._show_current()

    @property
    def current_path(self) -> str:
        return self.paths[self.position]

    def _show_current(self) -> None:
        path = self.current_path
        title = self.tr("{name} ({position} of {count})")
        self.setWindowTitle(
            title.format(name=Path(path).name, position=self.position + 1, count=len(self.paths))
        )
        self._pixmap = None
        self.label.setText(self.tr("Loading…"))
        self.loader.request_view(path, Path(path), VIEW_SIDE)

    @Slot(str, QImage)
    def _loaded(self, key: str, image: QImage) -> None:
        if key == self.current_path:
            self._pixmap = QPixmap.fromImage(image)
            self._fit()

    @Slot(str, str)
    def _failed(self, key: str, reason: str) -> None:
        if key == self.current_path:
            self.label.setText(self.tr("Cannot show this photo: {reason}").format(reason=reason))

    def _fit(self) -> None:
        if self._pixmap is not None:
            self.label.setPixmap(
                self._pixmap.scaled(
                    self.label.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = {
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Space: 1,
            Qt.Key.Key_Backspace: -1,
        }.get(Qt.Key(event.key()))
        if step is None:
            super().keyPressEvent(event)
            return
        new = self.position + step
        if 0 <= new < len(self.paths):
            self.position = new
            self._show_current()

    def done(self, result: int) -> None:
        self.loader.wait()
        super().done(result)
