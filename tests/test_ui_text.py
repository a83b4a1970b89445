"""Text in photos in the app, offscreen with pytest-qt and the real OCR models: the viewer's
info panel shows the lines (selectable) and outlines the ones the search matched; Copy Text
in the viewer and in the grid's context menu; the status line while reading; the setting."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QMenu, QWidget
from pytestqt.qtbot import QtBot

from gallery.bench.text_photos import render
from gallery.library.indexer import Indexer, IndexProgress
from gallery.library.library import Library
from gallery.ml.registry import ModelRegistry
from gallery.paths import AppPaths
from gallery.settings import Settings
from gallery.ui.context import AppContext
from gallery.ui.dialogs import SettingsDialog
from gallery.ui.grid import PhotoGrid
from gallery.ui.images import ImageLoader
from gallery.ui.indexing import IndexingController
from gallery.ui.model_host import ModelHost
from gallery.ui.photo_actions import PhotoActions
from gallery.ui.photo_menu import fill_photo_menu
from gallery.ui.photo_model import PhotoItem, PhotoListModel
from gallery.ui.statusbar.message import StatusMessage
from gallery.ui.viewer import PhotoViewer
from tests.conftest import CORPUS


@dataclass
class Read:
    library: Library
    items: list[PhotoItem]  # the sign, then a photo without text
    host: ModelHost
    window: QWidget


@pytest.fixture
def read(qtbot: QtBot, paths: AppPaths, tmp_path: Path) -> Iterator[Read]:
    folder = tmp_path / "photos"
    render(CORPUS / "photos" / "silver_fir.jpg", folder / "a-sign.jpg", "HOTEL ZEPHYR", width=640)
    render(CORPUS / "photos" / "silver_fir.jpg", folder / "b-menu.jpg", "SAFFRON", width=640)
    # a real photo with no text in it
    (folder / "c-rocks.jpg").write_bytes((CORPUS / "photos" / "el_torcal_rocks.jpg").read_bytes())
    window = QWidget()
    qtbot.addWidget(window)
    library = Library(paths)
    settings = Settings.load(paths.settings_file)
    host = ModelHost(paths, settings, ModelRegistry(paths.models), window)
    host.load()
    assert host.model is not None
    summary = Indexer(library, host.model, decode_threads=2).run([folder])
    assert summary.text_found == 2
    rows = sorted(library.store.photos(), key=lambda row: row.path)
    yield Read(library, [PhotoItem(row) for row in rows], host, window)
    library.close()


def _viewer(qtbot: QtBot, read: Read, query: str, start: int = 0) -> PhotoViewer:
    viewer = PhotoViewer(
        read.items, start, settings=Settings(viewer_info=True), library=read.library, query=query
    )
    qtbot.addWidget(viewer)
    viewer.resize(1000, 700)
    viewer.show()
    return viewer


def test_the_viewer_shows_the_text_selectable_and_outlines_the_match(
    qtbot: QtBot, read: Read
) -> None:
    viewer = _viewer(qtbot, read, "zephyr")
    assert viewer.info.rows()["Text in the photo"] == "HOTEL ZEPHYR"
    labels = [w for w in viewer.info.findChildren(QLabel) if w.text() == "HOTEL ZEPHYR"]
    assert labels and labels[0].textInteractionFlags() & (
        Qt.TextInteractionFlag.TextSelectableByMouse
    )
    (line,) = viewer.text_lines
    assert viewer.canvas.outlines == [line.box]
    viewer.copy_text()
    assert QGuiApplication.clipboard().text() == "HOTEL ZEPHYR"

    viewer.next_photo()  # the menu: its text shown, nothing of it matched "zephyr"
    assert viewer.info.rows()["Text in the photo"] == "SAFFRON"
    assert viewer.canvas.outlines == []
    viewer.next_photo()  # no text at all
    assert "Text in the photo" not in viewer.info.rows() and viewer.text_lines == []


def test_a_query_of_several_words_outlines_each_line_holding_one(qtbot: QtBot, read: Read) -> None:
    viewer = _viewer(qtbot, read, "2:saffron + hotel", start=1)
    assert len(viewer.canvas.outlines) == 1
    viewer.previous_photo()
    assert len(viewer.canvas.outlines) == 1
    assert _viewer(qtbot, read, "").canvas.outlines == []


def test_copy_text_in_the_grids_context_menu(qtbot: QtBot, read: Read, paths: AppPaths) -> None:
    indexer = IndexingController(read.library, Settings(), read.window)
    actions = PhotoActions(AppContext(read.host, read.library, indexer), read.window)
    messages: list[str] = []
    actions.message.connect(messages.append)
    loader = ImageLoader()
    try:
        grid = PhotoGrid(PhotoListModel(paths.thumbnails, loader), read.window)
        grid.photo_model().set_items(read.items, 0)
        menu = QMenu()
        fill_photo_menu(menu, grid, 0, read.items[:2])
        (copy,) = [a for a in menu.actions() if a.text() == "Copy Text"]
        copy.trigger()
        assert QGuiApplication.clipboard().text() == "HOTEL ZEPHYR\n\nSAFFRON"
        assert messages[-1] == "Copied the text of 2 photos."
        actions.copy_text([read.items[2], read.items[2]])
        assert messages[-1] == "No text was found in 2 photos."
        assert QGuiApplication.clipboard().text() == "HOTEL ZEPHYR\n\nSAFFRON"
    finally:
        loader.close()


def test_the_status_line_while_reading_text(qtbot: QtBot) -> None:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    try:
        _status_lines(qtbot)
    finally:
        QLocale.setDefault(before)


def _status_lines(qtbot: QtBot) -> None:
    message = StatusMessage()
    qtbot.addWidget(message)
    reading = IndexProgress("text", 1204, 8310, 0, 2.0, None, "/photos/a.jpg")
    assert message.progress_text(reading) == "Reading text in photos: 1,204 of 8,310"
    with_eta = IndexProgress("text", 1204, 8310, 0, 2.0, 3550.0, "/photos/a.jpg")
    assert message.progress_text(with_eta).startswith("Reading text in photos: 1,204 of 8,310, ")


def test_the_setting_turns_the_text_pass_off(qtbot: QtBot) -> None:
    settings = Settings()
    dialog = SettingsDialog(settings, [])
    qtbot.addWidget(dialog)
    assert dialog.read_text.isChecked()
    dialog.read_text.setChecked(False)
    dialog.apply_to(settings)
    assert settings.read_text is False
    assert not SettingsDialog(settings, []).read_text.isChecked()
