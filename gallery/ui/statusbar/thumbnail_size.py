"""The thumbnail size slider; the grid listens to `valueChanged`."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSlider, QWidget

SMALLEST, LARGEST, DEFAULT = 64, 320, 160


class ThumbnailSizeSlider(QSlider):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setRange(SMALLEST, LARGEST)
        self.setMaximumWidth(140)
        self.setToolTip(self.tr("Thumbnail size"))
