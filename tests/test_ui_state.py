"""What the window remembers between runs: the folder, the sort, the thumbnail size, the window
and the splitter; and settings files written before these fields existed."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from gallery.library.filters import SORTS
from gallery.paths import AppPaths
from gallery.settings import Settings
from gallery.ui.main_window import MainWindow
from gallery.ui.statusbar.thumbnail_size import DEFAULT, LARGEST
from tests.conftest import REPO
from tests.support.tiny_models import solid_colour_image

PHOTOS = {"b-red.jpg": "red", "Holidays/c-green.jpg": "green", "Holidays/a-blue.jpg": "blue"}


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    root = (tmp_path / "photos").resolve()
    for name, colour in PHOTOS.items():
        solid_colour_image(root / name, colour, size=(80, 60))
    return root


def _indexed_window(
    qtbot: QtBot, open_window: Callable[..., MainWindow], paths: AppPaths, photos: Path
) -> MainWindow:
    window = open_window(paths)
    window.add_folders([photos])
    qtbot.waitUntil(
        lambda: not window.indexer.running and len(window.photo_model.items) == len(PHOTOS),
        timeout=60_000,
    )
    return window


def _names(window: MainWindow) -> list[str]:
    return [Path(item.row.path).name for item in window.photo_model.items]


def test_folder_sort_size_and_splitter_come_back_after_a_restart(
    qtbot: QtBot, paths: AppPaths, photos: Path, open_window: Callable[..., MainWindow]
) -> None:
    window = _indexed_window(qtbot, open_window, paths, photos)
    window.resize(790, 560)
    holidays = photos / "Holidays"
    item = window.sidebar.item_for(str(holidays))
    assert item is not None
    window.sidebar.view.setCurrentItem(item)
    combo = window.filter_bar.findChild(QComboBox, "sort")
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(SORTS.index("name"))
    window.size_slider.setValue(100)
    # offscreen, the 800 px screen leaves no room between the sidebar's and the filter bar's
    # minimum widths: the remembered state is a sidebar the person collapsed
    window.splitter.setSizes([0, 790])
    sizes = window.splitter.sizes()
    assert sizes[0] == 0, sizes
    qtbot.waitUntil(lambda: _names(window) == ["a-blue.jpg", "c-green.jpg"], timeout=10_000)
    window.close()
    saved = Settings.load(paths.settings_file)
    assert saved.last_folder == str(holidays)
    assert saved.sort == "name" and saved.thumbnail_size == 100
    assert saved.splitter_state and saved.window_geometry

    again = open_window(paths)
    assert again.sidebar.current_folder() == str(holidays)
    assert again.filter_bar.filters().folders == (str(holidays),)
    assert again.filter_bar.sort() == "name"
    assert again.size_slider.value() == 100 and again.grid.iconSize() == QSize(100, 100)
    assert again.height() == 560, "the window's geometry (its width: at least the screen's)"
    assert again.splitter.sizes()[0] == 0, "the sidebar stays collapsed"
    qtbot.waitUntil(lambda: _names(again) == ["a-blue.jpg", "c-green.jpg"], timeout=10_000)


def test_the_sort_and_size_are_saved_when_changed_not_only_on_close(
    qtbot: QtBot, paths: AppPaths, photos: Path, open_window: Callable[..., MainWindow]
) -> None:
    window = _indexed_window(qtbot, open_window, paths, photos)
    window.size_slider.setValue(LARGEST)
    window.filter_bar.set_sort("date-asc")
    window.filter_bar.changed.emit()

    def saved() -> bool:
        settings = Settings.load(paths.settings_file)
        return settings.thumbnail_size == LARGEST and settings.sort == "date-asc"

    qtbot.waitUntil(saved, timeout=5_000)
    assert window.isVisible(), "saved while the window is open"


def test_a_remembered_folder_the_library_no_longer_has_gives_all_photos(
    qtbot: QtBot,
    paths: AppPaths,
    photos: Path,
    tmp_path: Path,
    open_window: Callable[..., MainWindow],
) -> None:
    window = _indexed_window(qtbot, open_window, paths, photos)
    window.close()
    settings = Settings.load(paths.settings_file)
    settings.last_folder = str(tmp_path / "removed since")
    settings.thumbnail_size = 10_000  # out of the slider's range: the nearest end
    settings.save(paths.settings_file)
    again = open_window(paths)
    assert again.sidebar.current_folder() is None
    assert again.sidebar.view.currentItem() is again.sidebar.item_for(None)
    assert again.filter_bar.filters().folders == ()
    assert again.size_slider.value() == LARGEST
    qtbot.waitUntil(lambda: len(again.photo_model.items) == len(PHOTOS), timeout=10_000)


def test_an_old_settings_file_loads_and_gets_the_defaults(
    qtbot: QtBot, paths: AppPaths, open_window: Callable[..., MainWindow]
) -> None:
    old = {"default_model": "colours", "device": "cpu", "recent_searches": ["red"]}
    paths.settings_file.write_text(json.dumps(old), encoding="utf-8")
    settings = Settings.load(paths.settings_file)
    assert settings.default_model == "colours" and settings.recent_searches == ["red"]
    assert settings.last_folder is None and settings.sort is None
    assert settings.splitter_state is None and settings.viewer_geometry is None
    assert settings.viewer_info is False
    window = open_window(paths)
    assert window.filter_bar.sort() == SORTS[0] and window.size_slider.value() == DEFAULT
    assert window.sidebar.current_folder() is None


def test_a_setting_of_the_wrong_type_is_ignored_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "settings.json"
    raw = {
        "device": "cpu",
        "thumbnail_size": "big",
        "viewer_info": 1,  # JSON's 1 is no bool
        "batch_size": True,  # nor is true an int
        "recent_searches": ["red", 3],
        "viewer_geometry": "AdnQywAD",
        "splitter_state": None,
        "something_newer": 1,
    }
    path.write_text(json.dumps(raw), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        settings = Settings.load(path)
    assert settings == Settings(device="cpu", viewer_geometry="AdnQywAD")
    ignored = {"thumbnail_size", "viewer_info", "batch_size", "recent_searches"}
    assert {r.args[0] for r in caplog.records if isinstance(r.args, tuple)} == ignored
    settings.viewer_info = True
    settings.save(path)
    assert Settings.load(path).viewer_info is True


_SPLITTER_SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication
from gallery.paths import app_paths
from gallery.ui.main_window import MainWindow

app = QApplication([])
paths = app_paths().ensure()
window = MainWindow(paths, offer_first_run=False)
window.show()
window.resize(1400, 800)
app.processEvents()
window.splitter.setSizes([400, 1000])
before = window.splitter.sizes()
window.close()
again = MainWindow(paths, offer_first_run=False)
again.show()
app.processEvents()
print(before, again.splitter.sizes(), again.width())
again.close()
"""


def test_the_splitter_comes_back_on_a_screen_with_room(tmp_path: Path) -> None:
    """On a 1920 x 1080 offscreen screen (the default one is 800 x 600, narrower than the
    window's minimum width), in a process of its own: a sidebar of 400 px comes back so."""
    screen = tmp_path / "screen.json"
    screen.write_text(
        json.dumps({"screens": [{"name": "wide", "x": 0, "y": 0, "width": 1920, "height": 1080}]}),
        encoding="utf-8",
    )
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}"}
    result = subprocess.run(
        [sys.executable, "-c", _SPLITTER_SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env,
        check=True,
    )
    before, after, width = result.stdout.strip().split("] ")
    assert before.startswith("[400,") and after.startswith("[400,") and width == "1400", (
        result.stdout
    )
