"""The Qt binding the app runs on: known-bad releases are kept out by pyproject's pins, and this
test says why, on the binding that is installed."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    flag = Signal(bool)


def _references_lost(emissions: int) -> int:
    emitter = _Emitter()
    received: list[bool] = []
    emitter.flag.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(emissions):
        emitter.flag.emit(True)
    received.clear()
    return before - sys.getrefcount(True)


def test_a_signal_carrying_true_keeps_its_reference_count() -> None:
    """PySide6 6.12.0 loses one reference to True per emission; a few thousand emissions
    (the app's paused/model-changed signals, Qt's own toggled(bool)) abort Python."""
    assert _references_lost(50) == 0
