"""Indexing progress: a bar with Pause/Resume and Cancel, shown only while a run goes on."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QToolButton, QWidget

from gallery.library.indexer import IndexProgress


class IndexingProgress(QWidget):
    pause_clicked = Signal()
    cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.pause_button = QToolButton()
        self.pause_button.clicked.connect(self.pause_clicked)
        self.cancel_button = QToolButton()
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.bar, self.pause_button, self.cancel_button):
            layout.addWidget(widget)
        self.setVisible(False)

    @Slot()
    def on_started(self) -> None:
        self.bar.setRange(0, 0)  # busy until the scan knows the total
        self.pause_button.setText(self.tr("Pause"))
        self.cancel_button.setEnabled(True)
        self.setVisible(True)

    @Slot(object)
    def on_progress(self, progress: IndexProgress) -> None:
        if progress.stage != "scan":
            self.bar.setRange(0, max(progress.total, 1))
            self.bar.setValue(progress.done)

    @Slot(bool)
    def on_paused(self, paused: bool) -> None:
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))

    @Slot()
    def on_cancelling(self) -> None:
        self.cancel_button.setEnabled(False)

    @Slot()
    def on_stopped(self) -> None:
        self.setVisible(False)
