"""The grid's context menu: what can be done with the photo clicked and the selection."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMenu

from gallery.ui.photo_model import PhotoItem

if TYPE_CHECKING:
    from gallery.ui.grid import PhotoGrid

translate = QCoreApplication.translate


def fill_photo_menu(menu: QMenu, grid: PhotoGrid, clicked: int, selected: list[PhotoItem]) -> None:
    """`clicked`: the index in the grid model's photos of the photo under the pointer."""
    path = grid.photo_model().items[clicked].row.path
    paths = [item.row.path for item in selected]
    menu.addAction(translate("PhotoGrid", "Open"), lambda: grid.open_requested.emit(clicked))
    menu.addAction(
        translate("PhotoGrid", "Open Containing Folder"),
        lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent))),
    )
    menu.addAction(
        translate("PhotoGrid", "Copy Path"), lambda: QGuiApplication.clipboard().setText(path)
    )
    menu.addAction(
        translate("PhotoGrid", "Find Similar"), lambda: grid.similar_requested.emit([path])
    )
    if len(paths) > 1 and path in paths:
        menu.addAction(
            translate("PhotoGrid", "More Like These"), lambda: grid.similar_requested.emit(paths)
        )
