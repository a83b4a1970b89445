"""The real main window, offscreen, driven with pytest-qt and a tiny colour model."""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QObject, QPointF, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QDropEvent
from pytestqt.qtbot import QtBot

from gallery.diagnostics import SECTIONS
from gallery.library.library import Library
from gallery.paths import AppPaths, app_paths
from gallery.settings import Settings
from gallery.ui.dialogs import FirstRunDialog
from gallery.ui.main_window import MainWindow
from gallery.ui.qt_logging import install_qt_message_handler
from tests.support.qt_modal import answer_modal
from tests.support.tiny_models import solid_colour_image

# The offscreen platform plugin says this for every top-level window; a real one does not.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"
COLOUR_NAMES = ("red", "green", "blue", "yellow", "white", "purple")


@pytest.fixture
def qt_warnings(caplog: pytest.LogCaptureFixture) -> Iterator[list[logging.LogRecord]]:
    """Qt's own warnings go to the log; a test fails on any it did not expect."""
    install_qt_message_handler()
    caplog.set_level(logging.INFO)
    records: list[logging.LogRecord] = []
    yield records
    records.extend(
        r
        for r in caplog.records
        if r.name == "gallery.qt"
        and r.levelno >= logging.WARNING
        and not r.getMessage().startswith(OFFSCREEN_NOISE)
    )
    assert not records, [r.getMessage() for r in records]


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    for name in COLOUR_NAMES:
        solid_colour_image(folder / f"{name}.jpg", name, size=(120, 90))
    return folder



def _indexed(qtbot: QtBot, window: MainWindow, count: int) -> None:
    qtbot.waitUntil(
        lambda: not window.indexer.running and len(window.photo_model.items) == count,
        timeout=60_000,
    )


def _names(window: MainWindow) -> list[str]:
    return [Path(item.row.path).name for item in window.photo_model.items]


def test_add_folder_indexes_in_background_and_fills_the_grid(
    qtbot: QtBot, paths: AppPaths, photos: Path, qt_warnings: list[logging.LogRecord],
    open_window: Callable[..., MainWindow],
) -> None:
    window = open_window(paths)
    assert window.windowTitle() == "Lumen Gallery"
    window.add_folders([photos])
    assert window.indexer.running, "indexing runs in a worker; the call returns at once"
    _indexed(qtbot, window, len(COLOUR_NAMES))
    assert sorted(_names(window)) == sorted(f"{n}.jpg" for n in COLOUR_NAMES)
    assert window.indexer.last_summary is not None and window.indexer.last_summary.embedded == 6
    assert "Indexing done: 6 photos added" in window.status.text()
    qtbot.waitUntil(lambda: window.photo_model.thumbnails_loaded() == 6, timeout=10_000)
    assert window.device_button.text().startswith("CPU")
    assert Library(paths).store.roots() == [str(photos.resolve())]


def test_typing_a_colour_shows_that_photo_first(
    qtbot: QtBot, paths: AppPaths, photos: Path, qt_warnings: list[logging.LogRecord],
    open_window: Callable[..., MainWindow],
) -> None:
    window = open_window(paths)
    window.add_folders([photos])
    _indexed(qtbot, window, len(COLOUR_NAMES))
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "a purple flower")
    qtbot.waitUntil(
        lambda: bool(_names(window)) and window.photo_model.items[0].score is not None,
        timeout=10_000,
    )
    assert _names(window)[0] == "purple.jpg"
    scores = [item.score for item in window.photo_model.items]
    assert scores[0] is not None and all(s is not None and s <= scores[0] for s in scores)
    assert "Score" in window.photo_model.data(
        window.photo_model.index(0), Qt.ItemDataRole.ToolTipRole
    )
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == ""
    qtbot.waitUntil(
        lambda: (
            all(item.score is None for item in window.photo_model.items)
            and len(window.photo_model.items) == 6
        ),
        timeout=10_000,
    )


class _UrlRecorder(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_open_logs_folder_asks_the_desktop_to_open_the_log_dir(
    qtbot: QtBot, paths: AppPaths, qt_warnings: list[logging.LogRecord],
    open_window: Callable[..., MainWindow],
) -> None:
    window = open_window(paths)
    shutil.rmtree(paths.log)  # a fresh install: the folder is made when it is first asked for
    recorder = _UrlRecorder()
    QDesktopServices.setUrlHandler("file", recorder, "open")  # type: ignore[arg-type]  # runtime wants str
    try:
        window.menu_actions["logs"].trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in recorder.urls] == [str(paths.log)]
    assert paths.log.is_dir()


def test_cancel_then_close_during_indexing_leaves_a_consistent_library(
    qtbot: QtBot, paths: AppPaths, tmp_path: Path, qt_warnings: list[logging.LogRecord],
    open_window: Callable[..., MainWindow],
) -> None:
    folder = tmp_path / "many"
    for i in range(120):
        solid_colour_image(folder / f"{i:03d}.jpg", COLOUR_NAMES[i % 6], size=(64, 48))
    settings = Settings(batch_size=4)
    settings.save(paths.settings_file)
    window = open_window(paths)
    window.add_folders([folder])
    qtbot.waitUntil(lambda: window.progress.bar.value() >= 8, timeout=30_000)
    window.progress.pause_button.click()
    assert window.progress.pause_button.text() == "Resume" and window.indexer.paused
    assert window.status.text().startswith("Paused — Indexing")
    window.progress.pause_button.click()
    assert not window.indexer.paused
    window.progress.cancel_button.click()
    qtbot.waitUntil(lambda: not window.indexer.running, timeout=30_000)
    assert window.indexer.last_summary is not None and window.indexer.last_summary.cancelled
    window.add_folders([folder])  # start again, then close the window mid-run
    qtbot.waitUntil(lambda: window.progress.bar.value() >= 4, timeout=30_000)
    window.close()
    assert not window.indexer.running, "closing waits for the indexing thread"

    db = sqlite3.connect(paths.library_db)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    files = db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    embedded = db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
    orphans = db.execute(
        "SELECT COUNT(*) FROM embeddings e LEFT JOIN files f ON f.id = e.file_id WHERE f.id IS NULL"
    ).fetchone()[0]
    assert files == 120 and 0 < embedded <= 120 and orphans == 0
    db.close()
    with Library(paths) as library:
        index = library.vector_index("colours", 8)
        assert len(index) == embedded, "the saved index agrees with SQLite"


def test_drop_a_folder_and_navigate_results(
    qtbot: QtBot, paths: AppPaths, photos: Path, qt_warnings: list[logging.LogRecord],
    open_window: Callable[..., MainWindow],
) -> None:
    window = open_window(paths)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photos))])
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    _indexed(qtbot, window, len(COLOUR_NAMES))
    yellow = str((photos / "yellow.jpg").resolve())
    window.find_similar([yellow])
    model = window.photo_model
    qtbot.waitUntil(
        lambda: len(model.items) == 5 and model.items[0].score is not None, timeout=10_000
    )
    assert yellow not in [item.row.path for item in window.photo_model.items]
    viewer = window.open_viewer(0)
    def painted() -> bool:
        image = viewer.canvas.image()
        return image is not None and not image.isNull()

    qtbot.waitUntil(painted, timeout=10_000)
    first = viewer.current_path
    qtbot.keyClick(viewer, Qt.Key.Key_Right)
    assert viewer.current_path != first and viewer.position == 1
    qtbot.keyClick(viewer, Qt.Key.Key_Left)
    assert viewer.current_path == first
    assert first == window.photo_model.items[0].row.path
    viewer.close()


def test_diagnostics_show_device_model_counts_and_paths_in_the_sections_of_doctor(
    qtbot: QtBot,
    paths: AppPaths,
    photos: Path,
    qt_warnings: list[logging.LogRecord],
    gallery_cli: Callable[..., subprocess.CompletedProcess[str]],
    open_window: Callable[..., MainWindow],
) -> None:
    window = open_window(paths)
    window.add_folders([photos])
    _indexed(qtbot, window, len(COLOUR_NAMES))
    qtbot.waitUntil(lambda: window.report is not None, timeout=10_000)
    dialog = window.help.show_diagnostics()
    text = dialog.text.toPlainText()
    assert "active: CPUExecutionProvider" in text
    assert "name: colours" in text and "indexed: 6" in text
    assert f"log: {paths.log}" in text
    dialog.close()
    sections = [line.split(":")[0] for line in text.splitlines() if not line.startswith(" ")]
    doctor = json.loads(gallery_cli("doctor", "--json").stdout)
    assert sections == list(doctor) == list(SECTIONS)
    assert doctor["library"]["indexed"] == 6 and doctor["model"]["name"] == "colours"


def test_first_run_offers_import_and_window_geometry_is_remembered(
    qtbot: QtBot, qt_warnings: list[logging.LogRecord],
    open_window: Callable[..., MainWindow],
) -> None:
    paths = app_paths().ensure()
    answered: list[bool] = []

    def answer(dialog: FirstRunDialog) -> None:
        answered.append(dialog.import_button.isEnabled())
        dialog.reject()

    answer_modal(FirstRunDialog, answer)
    window = open_window(paths, offer_first_run=True)
    qtbot.waitUntil(lambda: bool(answered), timeout=5_000)
    assert answered == [True]
    assert window.model is None and window.device_button.text() == "No model"
    window.resize(900, 640)
    window.close()
    assert Settings.load(paths.settings_file).window_geometry


def test_grid_with_100k_photos_loads_only_visible_thumbnails(
    qtbot: QtBot, tmp_path: Path, qt_warnings: list[logging.LogRecord],
    open_window: Callable[..., MainWindow],
) -> None:
    from gallery.library.store import PhotoRow
    from gallery.ui.images import ImageLoader
    from gallery.ui.photo_model import PhotoItem, PhotoListModel

    requested: list[str] = []

    class CountingLoader(ImageLoader):
        def request_thumbnail(self, key: str, source: Path, cached: Path) -> None:
            requested.append(key)
            super().request_thumbnail(key, source, cached)

    window = open_window(app_paths().ensure())
    model = PhotoListModel(tmp_path / "thumbs", CountingLoader())
    window.grid.setModel(model)
    rows = [
        PhotoItem(PhotoRow(i, str(tmp_path / f"missing-{i}.jpg"), 1, i, None))
        for i in range(100_000)
    ]
    model.set_items(rows)
    qtbot.waitUntil(lambda: len(requested) > 0 and model.loader.pending == 0, timeout=10_000)
    visible = len(requested)
    assert visible < 500, visible

    def scrolled_to_the_end() -> bool:
        window.grid.scrollToBottom()  # the batched layout may still be growing
        return rows[-1].key in requested

    qtbot.waitUntil(scrolled_to_the_end, timeout=30_000)
    assert visible < len(requested) < 2000, "only the rows scrolled past are loaded"
    qtbot.waitUntil(lambda: model.loader.pending == 0, timeout=10_000)


def test_uncaught_exception_is_logged_and_shown(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    import sys

    from PySide6.QtWidgets import QMessageBox

    from gallery.ui.qt_logging import install_excepthook

    shown: list[str] = []

    def close(box: QMessageBox) -> None:
        shown.append(box.text())
        box.accept()

    previous = sys.excepthook
    install_excepthook()
    try:
        answer_modal(QMessageBox, close)
        try:
            raise RuntimeError("boom in a slot")
        except RuntimeError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = previous
    assert shown and "boom in a slot" in shown[0] and "Open Logs Folder" in shown[0]
    assert any(
        r.levelno == logging.CRITICAL and "Uncaught" in r.getMessage() for r in caplog.records
    )


def test_a_closed_window_is_freed_at_once_not_by_the_garbage_collector(
    qtbot: QtBot, paths: AppPaths, photos: Path
) -> None:
    """No reference cycle holds the window: Python frees it (and its widgets) by reference
    count in the GUI thread. A cycle would leave it to the garbage collector, which runs in
    whatever thread allocates, and a QWidget destroyed in a worker thread crashes the app."""
    import gc
    import weakref

    gc.collect()
    gc.disable()
    try:
        window = MainWindow(paths, offer_first_run=False)
        _index_search_and_open_dialogs(qtbot, window, photos)
        freed = weakref.ref(window)
        window.close()
        del window
        assert freed() is None, "something still refers to the closed window"
    finally:
        gc.enable()


def _index_search_and_open_dialogs(qtbot: QtBot, window: MainWindow, photos: Path) -> None:
    window.show()
    window.add_folders([photos])
    qtbot.waitUntil(lambda: not window.indexer.running, timeout=60_000)
    window.search.setText("red")
    qtbot.waitUntil(lambda: "for “red”" in window.status.text(), timeout=10_000)
    window.models.show_models().close()
    window.help.show_diagnostics().close()
