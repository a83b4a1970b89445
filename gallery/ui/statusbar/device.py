"""Which device runs the model, in a flat button that opens Help > Diagnostics."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QPushButton, QWidget

from gallery.ml.providers import DeviceReport
from gallery.ui.i18n import translated

MAX_CHARS = 60


class DeviceButton(QPushButton):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, flat=True)
        self.setText(self.tr("Device: …"))
        self.setToolTip(self.tr("The device that runs the model; click for diagnostics"))

    @Slot(bool)
    def on_model_changed(self, has_model: bool) -> None:
        self.setText(self.tr("Device: loading…") if has_model else self.tr("No model"))

    @Slot(object)
    def on_device_ready(self, report: DeviceReport) -> None:
        summary = translated(report.summary())
        short = summary if len(summary) < MAX_CHARS else summary[: MAX_CHARS - 3] + "…"
        self.setText(short)
        self.setToolTip(summary)
