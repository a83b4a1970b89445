"""The photo actions part on its own: a grid and a PhotoActions on a plain parent widget, a
real library indexed with the tiny colour model, real folders and a temp freedesktop trash."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from gallery.library import photo_files
from gallery.library.indexer import Indexer
from gallery.library.library import Library
from gallery.library.photo_files import DestinationError
from gallery.library.store import PhotoRow
from gallery.ml.registry import ModelRegistry
from gallery.paths import AppPaths
from gallery.settings import Settings
from gallery.ui import photo_actions
from gallery.ui.context import AppContext
from gallery.ui.grid import PhotoGrid
from gallery.ui.images import ImageLoader
from gallery.ui.indexing import IndexingController
from gallery.ui.model_host import ModelHost
from gallery.ui.photo_actions import PhotoActions, photo_actions_for, show_items_command
from gallery.ui.photo_menu import fill_photo_menu
from gallery.ui.photo_model import PhotoItem, PhotoListModel
from tests.support.qt_modal import answer_modal
from tests.support.tiny_models import solid_colour_image
from tests.test_photo_files import Trash, temp_trash

NAMES = ("red", "green", "blue", "yellow")


@dataclass
class Part:
    window: QWidget
    actions: PhotoActions
    grid: PhotoGrid
    library: Library
    photos: Path
    trash: Trash
    changed: list[bool]
    messages: list[str]

    def items(self, *names: str) -> list[PhotoItem]:
        wanted = {str(self.photos / f"{name}.jpg") for name in names}
        return [item for item in self.grid.photo_model().items if item.row.path in wanted]

    def show_library(self) -> None:
        self.grid.photo_model().set_items([PhotoItem(r) for r in self.library.store.photos()])


@pytest.fixture
def part(
    qtbot: QtBot, paths: AppPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Part]:
    trash = temp_trash(tmp_path, monkeypatch)
    # The app's trash is send2trash's default; here its freedesktop one, in the temp home.
    monkeypatch.setattr(
        photo_actions, "trash_photos", functools.partial(photo_files.trash_photos, trash=trash.send)
    )
    photos = tmp_path / "photos"
    for name in NAMES:
        solid_colour_image(photos / f"{name}.jpg", name, size=(80, 60))
    window = QWidget()
    qtbot.addWidget(window)
    library = Library(paths)
    settings = Settings.load(paths.settings_file)
    host = ModelHost(paths, settings, ModelRegistry(paths.models), window)
    host.load()
    assert host.model is not None
    Indexer(library, host.model, decode_threads=2).run([photos])
    indexer = IndexingController(library, settings, window)
    actions = PhotoActions(AppContext(host, library, indexer), window)
    loader = ImageLoader()
    grid = PhotoGrid(PhotoListModel(paths.thumbnails, loader), window)
    found = Part(window, actions, grid, library, photos, trash, [], [])
    found.show_library()
    actions.library_changed.connect(lambda: found.changed.append(True))
    actions.message.connect(found.messages.append)
    yield found
    actions.shutdown()
    indexer.shutdown()
    loader.close()
    library.close()


def _answer_trash(confirm: bool, seen: list[str]) -> None:
    """Answer the confirmation (once it shows), keeping its text and informative text."""

    def answer(box: QMessageBox) -> None:
        seen.extend([box.text(), box.informativeText()])
        for button in box.buttons():
            role = box.buttonRole(button)
            if (role == QMessageBox.ButtonRole.DestructiveRole) == confirm:
                button.click()
                return

    answer_modal(QMessageBox, answer)


def test_the_confirmation_says_how_many_photos_and_from_where(part: Part, tmp_path: Path) -> None:
    actions = part.actions
    assert actions.trash_question(part.items("red", "green", "blue")) == (
        "Move 3 photos from “photos” to the Trash?"
    )
    assert actions.trash_question(part.items("red")) == "Move “red.jpg” from “photos” to the Trash?"
    other = tmp_path / "Holidays" / "beach.jpg"
    solid_colour_image(other, "yellow")
    beach = PhotoItem(PhotoRow(0, str(other), 1, 1, None))
    assert actions.trash_question([*part.items("red"), beach]) == (
        "Move 2 photos from 2 folders to the Trash?"
    )


def test_cancelling_the_confirmation_trashes_nothing(part: Part) -> None:
    before = sorted(p.name for p in part.photos.iterdir())
    seen: list[str] = []
    _answer_trash(False, seen)
    assert part.actions.trash(part.items("red", "green")) is False
    assert seen == [
        "Move 2 photos from “photos” to the Trash?",
        "They can be restored from the system's Trash.",
    ]
    assert sorted(p.name for p in part.photos.iterdir()) == before
    assert not (part.trash.folder / "files").exists()
    assert part.library.store.counts(None).files == len(NAMES) and part.changed == []


def test_confirming_trashes_the_photos_and_updates_the_library(part: Part) -> None:
    red, green = (str(part.photos / f"{n}.jpg") for n in ("red", "green"))
    seen: list[str] = []
    _answer_trash(True, seen)
    assert part.actions.trash(part.items("red", "green")) is True
    assert seen[0] == "Move 2 photos from “photos” to the Trash?"
    assert part.trash.holds("red.jpg") and part.trash.holds("green.jpg")
    assert not Path(red).exists() and not Path(green).exists()
    assert (part.photos / "blue.jpg").is_file() and (part.photos / "yellow.jpg").is_file()
    store = part.library.store
    assert store.file_id(red) is None and store.file_id(green) is None
    assert {row.path for row in store.photos()} == {
        str(part.photos / "blue.jpg"),
        str(part.photos / "yellow.jpg"),
    }
    assert part.changed == [True] and part.messages == ["Moved 2 photos to the Trash."]
    assert not part.actions.undo_action.isEnabled()  # the system's Trash restores


def test_copy_paths_puts_one_path_a_line_on_the_clipboard(part: Part) -> None:
    items = part.items("red", "blue")
    part.actions.copy_paths(items)
    assert QGuiApplication.clipboard().text() == "\n".join(item.row.path for item in items)


def test_copy_to_then_undo_sends_the_copies_to_the_trash(
    part: Part, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    album = tmp_path / "album"
    album.mkdir()
    asked: list[str] = []

    def choose(_parent: QWidget, title: str, start: str) -> str:
        asked.append(title)
        return str(album)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", choose)
    result = part.actions.choose_copy_to(part.items("red", "green"))
    assert result is not None and result.failed == []
    assert asked == ["Copy 2 Photos To"] and part.actions.last_folder == str(album)
    assert sorted(p.name for p in album.iterdir()) == ["green.jpg", "red.jpg"]
    assert (part.photos / "red.jpg").is_file() and part.changed == [True]
    assert part.actions.undo_action.text() == "&Undo Copy"

    part.actions.undo_action.trigger()

    assert list(album.iterdir()) == []
    assert part.trash.holds("red.jpg") and part.trash.holds("green.jpg")
    assert (part.photos / "red.jpg").is_file() and (part.photos / "green.jpg").is_file()
    assert part.changed == [True, True] and not part.actions.undo_action.isEnabled()


def test_move_to_inside_the_library_then_undo_moves_back(
    part: Part, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = part.photos / "picked"
    sub.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_args: str(sub))
    red = str(part.photos / "red.jpg")
    store = part.library.store
    red_id = store.file_id(red)

    part.actions.choose_move_to(part.items("red"))

    assert (sub / "red.jpg").is_file() and not Path(red).exists()
    assert store.file_id(str(sub / "red.jpg")) == red_id  # the same row and vectors
    assert part.changed == [True] and part.messages == [f"Moved 1 photos to {sub}."]
    assert part.actions.undo_action.isEnabled()
    assert part.actions.undo_action.text() == "&Undo Move"

    part.actions.undo_action.trigger()

    assert Path(red).is_file() and not (sub / "red.jpg").exists()
    assert store.file_id(red) == red_id and part.changed == [True, True]
    assert not part.actions.undo_action.isEnabled()


def test_a_destination_that_cannot_be_written_is_reported(part: Part, tmp_path: Path) -> None:
    errors: list[tuple[str, object]] = []
    part.actions.failed.connect(lambda title, error: errors.append((title, error)))
    assert part.actions.move_to(part.items("red"), str(tmp_path / "nowhere")) is None
    [(title, error)] = errors
    assert title == "Move To" and isinstance(error, DestinationError)
    assert (part.photos / "red.jpg").is_file() and part.changed == []


def test_failures_are_listed_with_their_reasons(part: Part, tmp_path: Path) -> None:
    album = tmp_path / "album"
    album.mkdir()
    (part.photos / "green.jpg").unlink()  # gone behind the library's back
    shown: list[str] = []

    def read(box: QMessageBox) -> None:
        shown.extend([box.text(), box.detailedText()])
        box.accept()

    answer_modal(QMessageBox, read)
    result = part.actions.copy_to(part.items("red", "green"), str(album))
    assert result is not None and result.done == [str(part.photos / "red.jpg")]
    assert shown == [
        "1 photos could not be copied.",
        f"{part.photos / 'green.jpg'}: the file is no longer there",
    ]


class _UrlRecorder(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toLocalFile())


@pytest.fixture
def opened() -> Iterator[_UrlRecorder]:
    recorder = _UrlRecorder()
    QDesktopServices.setUrlHandler("file", recorder, "open")  # type: ignore[arg-type]
    yield recorder
    QDesktopServices.unsetUrlHandler("file")


def test_open_hands_each_photo_to_the_desktop(part: Part, opened: _UrlRecorder) -> None:
    items = part.items("red", "blue")
    part.actions.open(items)
    assert opened.urls == [item.row.path for item in items]


def test_show_in_folder_without_a_file_manager_opens_the_folder(
    part: Part, opened: _UrlRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    assert show_items_command([str(part.photos / "red.jpg")]) is None
    part.actions.show_in_folder(part.items("red", "blue"))
    assert opened.urls == [str(part.photos)]


def test_show_in_folder_asks_the_file_manager_over_dbus_and_falls_back(
    qtbot: QtBot, part: Part, opened: _UrlRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """gdbus with no session bus fails: the folder opens instead."""
    if shutil.which("gdbus") is None:
        pytest.skip("no gdbus here")
    red = part.photos / "it's red.jpg"
    (part.photos / "red.jpg").rename(red)
    program, arguments = show_items_command([str(red)]) or ("", [])
    assert program == "gdbus" and "org.freedesktop.FileManager1.ShowItems" in arguments
    assert f"['file://{part.photos}/it\\'s%20red.jpg']" in arguments  # GVariant text
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={part.photos / 'no-bus'}")
    item = PhotoItem(PhotoRow(1, str(red), 1, 1, None))
    part.actions.show_in_folder([item])
    qtbot.waitUntil(lambda: opened.urls == [str(part.photos)], timeout=10_000)


def test_the_context_menu_acts_on_the_selection(part: Part) -> None:
    grid = part.grid
    assert photo_actions_for(grid) is part.actions
    grid.selectAll()
    selected = grid.selected_photos()
    menu = QMenu()
    fill_photo_menu(menu, grid, 0, selected)
    texts = [action.text() for action in menu.actions() if not action.isSeparator()]
    assert texts == [
        "View",
        "Open in Default App",
        "Show in Folder",
        "Copy 4 Paths",
        "Copy Text",
        "Copy To…",
        "Move To…",
        "Move 4 Photos to Trash…",
        "Find Similar",
        "More Like These",
    ]
    next(a for a in menu.actions() if a.text() == "Copy 4 Paths").trigger()
    assert QGuiApplication.clipboard().text().splitlines() == [i.row.path for i in selected]
    single = QMenu()
    fill_photo_menu(single, grid, 0, [])  # a photo outside the selection: that photo alone
    assert "Move to Trash…" in [action.text() for action in single.actions()]
