"""The grid's context menu: what can be done with the photo clicked and the selection.

The actions on files belong to the window's `PhotoActions`, found through Qt's parent links
(`photo_actions_for`): the grid keeps no reference to it, and a grid shown without one (a
part tested on its own) still offers viewing, its path and Find Similar.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMenu

from gallery.ui.photo_actions import photo_actions_for
from gallery.ui.photo_model import PhotoItem

if TYPE_CHECKING:
    from gallery.ui.grid import PhotoGrid

translate = QCoreApplication.translate


def fill_photo_menu(menu: QMenu, grid: PhotoGrid, clicked: int, selected: list[PhotoItem]) -> None:
    """`clicked`: the index in the grid model's photos of the photo under the pointer. The
    file actions apply to the selection when the clicked photo is in it, else to that photo."""
    item = grid.photo_model().items[clicked]
    path = item.row.path
    targets = selected if item in selected else [item]
    count = len(targets)
    menu.addAction(translate("PhotoGrid", "View"), lambda: grid.open_requested.emit(clicked))
    actions = photo_actions_for(grid)
    if actions is None:
        menu.addAction(
            translate("PhotoGrid", "Open Containing Folder"),
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent))),
        )
        menu.addAction(
            translate("PhotoGrid", "Copy Path"), lambda: QGuiApplication.clipboard().setText(path)
        )
    else:
        menu.addAction(translate("PhotoGrid", "Open in Default App"), lambda: actions.open(targets))
        menu.addAction(
            translate("PhotoGrid", "Show in Folder"), lambda: actions.show_in_folder(targets)
        )
        menu.addAction(
            translate("PhotoGrid", "Copy Path")
            if count == 1
            else translate("PhotoGrid", "Copy %Ln Paths", "", count),
            lambda: actions.copy_paths(targets),
        )
        menu.addAction(translate("PhotoGrid", "Copy Text"), lambda: actions.copy_text(targets))
        menu.addSeparator()
        menu.addAction(translate("PhotoGrid", "Copy To…"), lambda: actions.choose_copy_to(targets))
        menu.addAction(translate("PhotoGrid", "Move To…"), lambda: actions.choose_move_to(targets))
        menu.addSeparator()
        menu.addAction(
            translate("PhotoGrid", "Move to Trash…")
            if count == 1
            else translate("PhotoGrid", "Move %Ln Photos to Trash…", "", count),
            lambda: actions.trash(targets),
        )
    menu.addSeparator()
    menu.addAction(
        translate("PhotoGrid", "Find Similar"), lambda: grid.similar_requested.emit([path])
    )
    paths = [photo.row.path for photo in selected]
    if len(paths) > 1 and path in paths:
        menu.addAction(
            translate("PhotoGrid", "More Like These"), lambda: grid.similar_requested.emit(paths)
        )
