"""What the window's parts share: the window (the parent of their dialogs), the model in use,
the library, and the indexing that runs on it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from gallery.library.library import Library
from gallery.ui.indexing import IndexingController
from gallery.ui.model_host import ModelHost


@dataclass(frozen=True)
class AppContext:
    window: QWidget
    host: ModelHost
    library: Library
    indexer: IndexingController
