"""What the window's parts share, and how a part reaches the window.

A part is a QObject child of the main window and reaches it through Qt's parent link, never a
Python reference: the window then has no reference cycle through its parts, so Python frees it
by reference count in the GUI thread, and never leaves it to the garbage collector, which runs
in whichever thread happens to allocate (a QWidget destroyed in a worker thread crashes the app).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from gallery.library.library import Library
from gallery.ui.indexing import IndexingController
from gallery.ui.model_host import ModelHost


@dataclass(frozen=True)
class AppContext:
    host: ModelHost
    library: Library
    indexer: IndexingController


class WindowPart(QObject):
    def __init__(self, app: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self.app = app

    @property
    def window(self) -> QWidget:
        """The window: the parent of the part's dialogs."""
        return cast(QWidget, self.parent())
