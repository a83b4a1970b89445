"""The folders sidebar in the real window, offscreen, over real folders indexed by the tiny
colour model: counts, scoping the grid and the search, an unreachable folder, Remove Folder
and Rescan from the sidebar, and a refresh that keeps the selection and the expanded folders."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QMessageBox, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from gallery.library.filters import Filters
from gallery.paths import AppPaths
from gallery.ui.main_window import MainWindow
from gallery.ui.search_controller import Answer
from tests.support.tiny_models import solid_colour_image

PICTURES = {  # path under Pictures/: colour
    "red.jpg": "red",
    "Trips/green.jpg": "green",
    "Trips/Alps/blue.jpg": "blue",
    "Trips/Alps/red-alps.jpg": "red",
    "cats/yellow.jpg": "yellow",
}
DRIVE = {"2020/white.jpg": "white", "2020/purple.jpg": "purple"}
ALL = len(PICTURES) + len(DRIVE)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    pictures, drive = (tmp_path / "Pictures").resolve(), (tmp_path / "Drive").resolve()
    for root, photos in ((pictures, PICTURES), (drive, DRIVE)):
        for name, colour in photos.items():
            solid_colour_image(root / name, colour, size=(80, 60))
    return pictures, drive


@pytest.fixture
def window(
    qtbot: QtBot,
    paths: AppPaths,
    folders: tuple[Path, Path],
    open_window: Callable[..., MainWindow],
) -> MainWindow:
    window = open_window(paths)
    window.add_folders(list(folders))
    _wait_indexed(qtbot, window, ALL)
    return window


def _wait_indexed(qtbot: QtBot, window: MainWindow, count: int) -> None:
    qtbot.waitUntil(
        lambda: (
            not window.indexer.running
            and len(window.photo_model.items) == count
            and window.sidebar.tree.total == count
        ),
        timeout=60_000,
    )


def _item(window: MainWindow, path: Path | None) -> QTreeWidgetItem:
    item = window.sidebar.item_for(None if path is None else str(path))
    assert item is not None, path
    return item


def _rows(item: QTreeWidgetItem) -> list[object]:
    """(name, count text, [children]) from the tree widget itself, as the person sees it."""
    children = [_rows(child) for i in range(item.childCount()) if (child := item.child(i))]
    return [item.text(0), item.text(1), sorted(children, key=str)]


def _names(window: MainWindow) -> set[str]:
    return {Path(item.row.path).name for item in window.photo_model.items}


def _answer(qtbot: QtBot, window: MainWindow, act: Callable[[], object]) -> Answer:
    with qtbot.waitSignal(window.searching.answered, timeout=20_000) as answered:
        act()
    answer = answered.args[0]
    assert isinstance(answer, Answer)
    return answer


def test_the_sidebar_lists_every_folder_with_its_photo_count(
    window: MainWindow, folders: tuple[Path, Path]
) -> None:
    pictures, drive = folders
    view = window.sidebar.view
    assert view.topLevelItemCount() == 3  # All Photos, then the two library folders
    top = [item.text(0) for i in range(3) if (item := view.topLevelItem(i)) is not None]
    assert top == ["All Photos", "Drive", "Pictures"]
    assert _item(window, None).text(1) == QLocale().toString(ALL)
    assert _rows(_item(window, pictures)) == [
        "Pictures",
        "5",
        [["Trips", "3", [["Alps", "2", []]]], ["cats", "1", []]],
    ]
    assert _rows(_item(window, drive)) == ["Drive", "2", [["2020", "2", []]]]
    assert _item(window, pictures).isExpanded() and _item(window, drive).isExpanded()
    assert not _item(window, pictures / "Trips").isExpanded()
    assert str(pictures) in _item(window, pictures).toolTip(0)
    assert window.sidebar.current_folder() is None, "All Photos is selected at first"
    assert window.splitter.widget(0) is window.sidebar
    assert window.grid.parentWidget() is window.grid_area


def test_a_folder_scopes_the_grid_and_the_search_and_all_photos_shows_everything(
    qtbot: QtBot, window: MainWindow, folders: tuple[Path, Path]
) -> None:
    pictures, _ = folders
    trips = pictures / "Trips"
    view = window.sidebar.view
    answer = _answer(qtbot, window, lambda: view.setCurrentItem(_item(window, trips)))
    assert not answer.ranked
    assert _names(window) == {"green.jpg", "blue.jpg", "red-alps.jpg"}
    assert window.filter_bar.filters().folders == (str(trips),)
    assert window.sidebar.current_folder() == str(trips)
    # a search stays in the folder: the red photo outside Trips is not among the results
    answer = _answer(qtbot, window, lambda: window.search.setText("red"))
    assert answer.ranked and _names(window) == {"green.jpg", "blue.jpg", "red-alps.jpg"}
    assert Path(answer.items[0].row.path).name == "red-alps.jpg"
    # a subfolder deeper down
    alps = trips / "Alps"
    view.expandAll()
    _answer(qtbot, window, lambda: view.setCurrentItem(_item(window, alps)))
    assert _names(window) == {"blue.jpg", "red-alps.jpg"}
    # All Photos: the query stays, the folder goes
    _answer(qtbot, window, lambda: view.setCurrentItem(_item(window, None)))
    assert window.filter_bar.filters().folders == ()
    assert len(window.photo_model.items) == ALL
    window.search.clear()
    # the filter bar's own folder filter moves the sidebar, and Clear Filters goes back
    window.filter_bar.set_filters(Filters(folders=(str(pictures / "cats"),)))
    _answer(qtbot, window, window.filter_bar.changed.emit)
    assert window.sidebar.current_folder() == str(pictures / "cats")
    assert _names(window) == {"yellow.jpg"}
    _answer(qtbot, window, window.filter_bar.clear_filters)
    assert window.sidebar.current_folder() is None
    assert _item(window, None).isSelected()
    assert len(window.photo_model.items) == ALL


def test_an_unreachable_folder_is_shown_as_such_and_keeps_its_photos(
    qtbot: QtBot, window: MainWindow, folders: tuple[Path, Path]
) -> None:
    pictures, drive = folders
    drive.rename(drive.with_name("Drive (unplugged)"))
    window.refresh_folders()
    item = _item(window, drive)
    assert item.text(1) == "2", "its photos stay counted"
    assert "cannot be reached" in item.toolTip(0) and "2 photos" in item.toolTip(0)
    grey = window.sidebar.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    assert item.foreground(0).color() == grey
    assert window.library.store.roots() == [str(drive), str(pictures)]
    assert window.library.store.photo_count(Filters(folders=(str(drive),))) == 2
    # its photos are still there to see, from their thumbnails
    _answer(qtbot, window, lambda: window.sidebar.view.setCurrentItem(item))
    assert _names(window) == {"white.jpg", "purple.jpg"}
    # Rescan leaves it out and says so, and indexes the others
    window.sidebar.rescan_button.click()
    assert window.indexer.running
    assert "cannot be reached" in window.status.text()
    qtbot.waitUntil(lambda: not window.indexer.running, timeout=60_000)
    assert window.indexer.last_summary is not None and window.indexer.last_summary.scanned == 5
    assert window.library.store.photo_count(Filters()) == ALL
    # plugged in again: the periodic look at the roots shows it as a folder again
    (drive.with_name("Drive (unplugged)")).rename(drive)
    window._check_reachable()
    assert "cannot be reached" not in _item(window, drive).toolTip(0)


def test_remove_folder_from_the_sidebar_asks_first(
    qtbot: QtBot,
    window: MainWindow,
    folders: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pictures, drive = folders
    asked: list[str] = []
    answer = QMessageBox.StandardButton.Cancel

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    view = window.sidebar.view
    _answer(qtbot, window, lambda: view.setCurrentItem(_item(window, pictures / "Trips")))
    assert not window.sidebar.remove_button.isEnabled(), "a subfolder is no library folder"
    _answer(qtbot, window, lambda: view.setCurrentItem(_item(window, drive)))
    assert window.sidebar.remove_button.isEnabled()
    window.sidebar.remove_button.click()
    assert asked == [
        "Remove “Drive” from the library? Its 2 photos leave Lumen Gallery; "
        "the files stay on the disk."
    ]
    assert window.library.store.roots() == [str(drive), str(pictures)], "cancelled"
    answer = QMessageBox.StandardButton.Yes
    _answer(qtbot, window, window.sidebar.remove_button.click)
    assert window.library.store.roots() == [str(pictures)]
    assert window.sidebar.item_for(str(drive)) is None
    assert window.sidebar.current_folder() is None, "the removed folder's scope falls back"
    qtbot.waitUntil(lambda: len(window.photo_model.items) == len(PICTURES), timeout=10_000)
    assert window.filter_bar.filters().folders == ()
    assert sorted(p.name for p in drive.rglob("*.jpg")) == ["purple.jpg", "white.jpg"]


def test_rescan_from_the_sidebar_indexes_and_the_refresh_keeps_selection_and_expansion(
    qtbot: QtBot, window: MainWindow, folders: tuple[Path, Path]
) -> None:
    pictures, drive = folders
    view = window.sidebar.view
    _item(window, pictures / "Trips").setExpanded(True)
    _item(window, drive).setExpanded(False)
    alps = pictures / "Trips" / "Alps"
    _answer(qtbot, window, lambda: view.setCurrentItem(_item(window, alps)))
    solid_colour_image(alps / "green-alps.jpg", "green", size=(80, 60))
    solid_colour_image(pictures / "cats" / "new" / "white-cat.jpg", "white", size=(80, 60))
    window.sidebar.rescan_button.click()
    assert window.indexer.running
    qtbot.waitUntil(
        lambda: not window.indexer.running and window.sidebar.tree.total == ALL + 2,
        timeout=60_000,
    )
    assert window.sidebar.current_folder() == str(alps)
    assert _item(window, alps).text(1) == "3"
    assert _item(window, pictures / "Trips").isExpanded()
    assert not _item(window, drive).isExpanded()
    assert _rows(_item(window, pictures / "cats")) == ["cats", "2", [["new", "1", []]]]
    qtbot.waitUntil(lambda: len(window.photo_model.items) == 3, timeout=10_000)


def test_the_context_menu_rescans_or_removes_one_folder(
    qtbot: QtBot,
    window: MainWindow,
    folders: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pictures, drive = folders
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", question)
    shutil.copy(drive / "2020" / "white.jpg", drive / "2020" / "white-2.jpg")
    menu = window.sidebar.context_menu(_item(window, drive))
    actions = {a.text(): a for a in menu.actions() if not a.isSeparator()}
    assert list(actions) == [
        "Rescan This Folder",
        "Remove Folder…",
        "Add Folder…",
        "Rescan All Folders",
    ]
    subfolder = window.sidebar.context_menu(_item(window, pictures / "Trips"))
    assert [a.text() for a in subfolder.actions()] == ["Add Folder…", "Rescan All Folders"]
    actions["Remove Folder…"].trigger()
    assert len(asked) == 1 and "“Drive”" in asked[0]
    actions["Rescan This Folder"].trigger()
    assert window.indexer.running
    qtbot.waitUntil(lambda: not window.indexer.running, timeout=60_000)
    summary = window.indexer.last_summary
    assert summary is not None and summary.scanned == 3 and summary.new == 1
    assert _item(window, drive).text(1) == "3"
