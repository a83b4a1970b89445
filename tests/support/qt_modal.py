"""Answer a modal dialog from a test: `exec()` runs a nested event loop, so the answer has to
come from a timer that fires inside it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

W = TypeVar("W", bound=QWidget)


def answer_modal(kind: type[W], answer: Callable[[W], object], poll_ms: int = 20) -> None:
    """Once a visible top-level `kind` shows up, call `answer` on it (once)."""

    def poll() -> None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
        if found:
            answer(found[0])
        else:
            QTimer.singleShot(poll_ms, poll)

    QTimer.singleShot(poll_ms, poll)
