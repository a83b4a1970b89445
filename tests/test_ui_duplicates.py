"""Tools > Find Duplicates: the review window on real copies of corpus photos, indexed with the
tiny colour model in the real main window, and a real desktop trash in a temp folder."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import send2trash  # type: ignore[import-untyped]
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from send2trash import plat_other

from gallery.library import duplicates
from gallery.library.duplicates import DuplicateGroup
from gallery.library.store import PhotoRow
from gallery.paths import AppPaths
from gallery.text import say
from gallery.ui import duplicates_view
from gallery.ui.context import AppContext
from gallery.ui.duplicates_view import DuplicatesView
from gallery.ui.main_window import MainWindow
from tests.conftest import CORPUS

PHOTOS = CORPUS / "photos"
ORIGINAL = "mongolels.jpg"  # 950 x 634
DISTINCT = ("portrait.jpg", "cyclamen_persicum.jpg", "prairie_falcon.jpg")


class Copies:
    """A folder with one photo kept three times (the original, a byte-identical copy deeper
    down, a half-size re-encode) beside distinct photos."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.original = root / ORIGINAL
        self.exact = root / "backup" / ORIGINAL
        self.resized = root / "mail" / "mongolels-small.jpg"
        self.distinct = [root / name for name in DISTINCT]
        for target in (self.original, self.exact, *self.distinct):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(PHOTOS / target.name, target)
        self.resized.parent.mkdir(parents=True, exist_ok=True)
        with Image.open(PHOTOS / ORIGINAL) as image:
            image.resize((image.width // 2, image.height // 2)).save(self.resized, quality=85)
        self.contents = {path: path.read_bytes() for path in self.all}

    @property
    def all(self) -> list[Path]:
        return [self.original, self.exact, self.resized, *self.distinct]


@pytest.fixture
def copies(tmp_path: Path) -> Copies:
    return Copies(tmp_path / "photos")


@pytest.fixture
def trash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The desktop trash in a temp folder: send2trash (its freedesktop.org implementation; no
    GIO here) trashes a file on the home folder's device into $XDG_DATA_HOME/Trash. It reads
    XDG_DATA_HOME when it is imported, so its constants are pointed there too; HOME sits in
    tmp_path, on the photos' device, so the home trash is the one chosen."""
    assert send2trash.send2trash is plat_other.send2trash
    home = tmp_path / "home"
    data = home / ".local" / "share"
    data.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setattr(plat_other, "XDG_DATA_HOME", os.fsencode(data))
    monkeypatch.setattr(plat_other, "HOMETRASH_B", os.fsencode(data / "Trash"))
    monkeypatch.setattr(plat_other, "HOMETRASH", str(data / "Trash"))
    return data / "Trash"


class Answers:
    """QMessageBox.question answered from the test; what it was asked is kept."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.asked: list[str] = []
        self.answer = QMessageBox.StandardButton.Yes
        monkeypatch.setattr(QMessageBox, "question", self._question)

    def _question(self, _parent: QWidget, _title: str, text: str, *_args: Any) -> Any:
        self.asked.append(text)
        return self.answer


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    return Answers(monkeypatch)


@pytest.fixture
def indexed(
    qtbot: QtBot, paths: AppPaths, copies: Copies, open_window: Callable[..., MainWindow]
) -> MainWindow:
    window = open_window(paths)
    window.add_folders([copies.root])
    qtbot.waitUntil(
        lambda: not window.indexer.running and len(window.photo_model.items) == len(copies.all),
        timeout=60_000,
    )
    return window


@pytest.fixture
def open_view(qtbot: QtBot) -> Iterator[Callable[[MainWindow], DuplicatesView]]:
    views: list[DuplicatesView] = []

    def open_one(window: MainWindow) -> DuplicatesView:
        view = DuplicatesView(AppContext(window.host, window.library, window.indexer), window)
        view.show()
        views.append(view)
        return view

    yield open_one
    for view in views:
        view.close()


def _scanned(qtbot: QtBot, view: DuplicatesView) -> None:
    qtbot.waitUntil(lambda: not view.scanning, timeout=30_000)
    assert view.scan_result is not None, view.summary.text()


def _click_keep(qtbot: QtBot, view: DuplicatesView, row: int, copy: int) -> None:
    """Click a copy's Keep check box, as a person does."""
    rect = view.list.visualRect(view.model.index(row))
    point: QPoint = view.delegate.toggle_rect(rect, copy).center()
    qtbot.mouseClick(view.list.viewport(), Qt.MouseButton.LeftButton, pos=point)


def _paths(view: DuplicatesView, row: int) -> list[str]:
    return [photo.path for photo in view.model.choices[row].copies]


def test_groups_the_copies_and_proposes_the_full_size_original(
    qtbot: QtBot, indexed: MainWindow, copies: Copies, open_view: Callable[..., DuplicatesView]
) -> None:
    view = open_view(indexed)
    _scanned(qtbot, view)
    assert view.model.rowCount() == 1
    choice = view.model.choices[0]
    assert _paths(view, 0)[0] == str(copies.original)
    assert set(_paths(view, 0)) == {str(copies.original), str(copies.exact), str(copies.resized)}
    assert choice.remove == [False, True, True]
    assert view.model.removal_count == 2
    assert "2" in view.trash_button.text() and view.trash_button.isEnabled()
    assert re.match(r"1 groups? of duplicates among 6 photos in the library\.", view.summary.text())
    assert "colours" in view.summary.text()
    header = view.model.data(view.model.index(0))
    assert ORIGINAL in header and str(choice.group.reason) in header


def test_a_flipped_choice_trashes_only_the_copy_left_for_removal(
    qtbot: QtBot, indexed: MainWindow, copies: Copies, trash: Path, answers: Answers,
    open_view: Callable[..., DuplicatesView],
) -> None:
    view = open_view(indexed)
    _scanned(qtbot, view)
    resized = _paths(view, 0).index(str(copies.resized))
    _click_keep(qtbot, view, 0, resized)
    assert view.model.choices[0].remove[resized] is False
    assert view.model.removal_count == 1
    assert view.trash_button.text().startswith("Move 1 Photo")
    with qtbot.waitSignal(view.library_changed, timeout=10_000):
        qtbot.mouseClick(view.trash_button, Qt.MouseButton.LeftButton)
    assert len(answers.asked) == 1
    assert re.fullmatch(
        r"Move 1 photos? to the Trash\? You can restore them from the system's Trash\.",
        answers.asked[0],
    )
    qtbot.waitUntil(lambda: not view.trashing, timeout=10_000)
    # The removed copy is in the trash, with its origin recorded for a restore.
    assert not copies.exact.exists()
    assert (trash / "files" / ORIGINAL).read_bytes() == copies.contents[copies.exact]
    info = (trash / "info" / f"{ORIGINAL}.trashinfo").read_text()
    assert f"Path={copies.exact}" in info
    # Everything else untouched, on disk and in the library.
    for path in copies.all:
        if path != copies.exact:
            assert path.read_bytes() == copies.contents[path]
    store = indexed.library.store
    assert store.file_id(str(copies.exact)) is None
    assert {row.path for row in store.photos()} == {str(p) for p in copies.all} - {
        str(copies.exact)
    }
    # The group is handled and leaves the list; the report says what happened.
    assert view.model.rowCount() == 0
    assert re.match(r"Moved 1 photos? to the Trash\.", view.notice.text())
    assert "Every group of duplicates among 6 photos in the library is reviewed." in (
        view.summary.text()
    )
    assert not view.trash_button.isEnabled()


def test_a_copy_that_cannot_be_trashed_is_reported_and_its_group_stays(
    qtbot: QtBot, indexed: MainWindow, copies: Copies, trash: Path, answers: Answers,
    open_view: Callable[..., DuplicatesView],
) -> None:
    view = open_view(indexed)
    _scanned(qtbot, view)
    copies.exact.unlink()  # gone behind the app's back: send2trash cannot move it
    with qtbot.waitSignal(view.library_changed, timeout=10_000):
        assert view.confirm_trash()
    qtbot.waitUntil(lambda: not view.trashing, timeout=10_000)
    assert (trash / "files" / copies.resized.name).is_file() and not copies.resized.exists()
    assert copies.original.read_bytes() == copies.contents[copies.original]
    store = indexed.library.store
    assert store.file_id(str(copies.resized)) is None
    assert store.file_id(str(copies.exact)) is not None  # the library forgets only what went
    # The group stays, without the copy that went; the one that failed is still chosen.
    assert _paths(view, 0) == [str(copies.original), str(copies.exact)]
    assert view.model.choices[0].remove == [False, True]
    notice = view.notice.text()
    assert re.match(r"Moved 1 photos? to the Trash\.\n1 could not be moved:\n", notice)
    assert f"{ORIGINAL}: " in notice
    assert view.trash_button.isEnabled() and view.list.isEnabled()


def test_cancelling_the_confirmation_does_nothing(
    qtbot: QtBot, indexed: MainWindow, copies: Copies, trash: Path, answers: Answers,
    open_view: Callable[..., DuplicatesView],
) -> None:
    view = open_view(indexed)
    _scanned(qtbot, view)
    answers.answer = QMessageBox.StandardButton.Cancel
    changed: list[bool] = []
    view.library_changed.connect(lambda: changed.append(True))
    assert view.confirm_trash() is False
    assert answers.asked and "2 photos" in answers.asked[0]
    qtbot.wait(200)
    assert not view.trashing and not changed
    assert all(path.read_bytes() == copies.contents[path] for path in copies.all)
    assert not trash.exists()
    assert len(indexed.library.store.photos()) == len(copies.all)
    assert view.model.rowCount() == 1 and view.model.removal_count == 2


def test_a_group_keeps_at_least_one_copy(
    qtbot: QtBot, indexed: MainWindow, open_view: Callable[..., DuplicatesView]
) -> None:
    view = open_view(indexed)
    _scanned(qtbot, view)
    _click_keep(qtbot, view, 0, 0)  # the keeper, with both others already chosen to go
    assert view.model.choices[0].remove == [False, True, True]
    assert "keeps at least one copy" in view.notice.text()
    _click_keep(qtbot, view, 0, 1)  # keep another copy: now the proposed keeper may go
    _click_keep(qtbot, view, 0, 0)
    assert view.model.choices[0].remove == [True, False, True]
    assert view.model.removal_count == 2
    view.list.setFocus()
    view.list.setCurrentIndex(view.model.index(0))
    qtbot.keyClick(view.list, Qt.Key.Key_3)  # the keyboard: the third copy's number
    assert view.model.choices[0].remove == [True, False, False]
    qtbot.keyClick(view.list, Qt.Key.Key_9)  # no ninth copy: nothing changes
    assert view.model.removal_count == 1


def test_progress_shows_and_the_scan_cancels(
    qtbot: QtBot, indexed: MainWindow, monkeypatch: pytest.MonkeyPatch,
    open_view: Callable[..., DuplicatesView],
) -> None:
    """The real scan, held after its first step until the test has clicked Cancel."""
    real = duplicates.find_duplicates
    reported = threading.Event()

    def held(
        library: Any, model_name: str | None, folders: Sequence[str] = (),
        threshold: float | None = None, progress: Any = None,
        cancel: threading.Event | None = None,
    ) -> list[DuplicateGroup]:
        assert progress is not None and cancel is not None

        def hold(done: int, total: int) -> None:
            progress(done, total)
            reported.set()
            cancel.wait(10)

        return real(library, model_name, folders, threshold, hold, cancel)

    monkeypatch.setattr(duplicates_view, "find_duplicates", held)
    view = open_view(indexed)
    assert view.scanning and view.bar.isVisible() and view.cancel_button.isVisible()
    assert not view.rescan_button.isEnabled() and not view.trash_button.isEnabled()
    qtbot.waitUntil(lambda: view.bar.maximum() > 0 and view.bar.value() > 0, timeout=10_000)
    assert "among 6 photos" in view.summary.text()
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.scanning, timeout=10_000)
    assert reported.is_set()
    assert "cancelled" in view.summary.text()
    assert view.scan_result is None and view.model.rowCount() == 0
    assert not view.bar.isVisible() and view.rescan_button.isEnabled()
    monkeypatch.setattr(duplicates_view, "find_duplicates", real)
    qtbot.mouseClick(view.rescan_button, Qt.MouseButton.LeftButton)
    _scanned(qtbot, view)
    assert view.model.rowCount() == 1


def test_without_a_model_the_fingerprints_find_them(
    qtbot: QtBot, indexed: MainWindow, copies: Copies, monkeypatch: pytest.MonkeyPatch,
    open_view: Callable[..., DuplicatesView],
) -> None:
    monkeypatch.setattr(indexed.host, "model", None)  # as after the only model was removed
    view = open_view(indexed)
    _scanned(qtbot, view)
    assert view.scan_result is not None and view.scan_result.model_name is None
    assert view.model.rowCount() == 1
    assert _paths(view, 0)[0] == str(copies.original)
    assert "no model is installed" in view.summary.text()


def test_photos_still_without_a_fingerprint_are_named(
    qtbot: QtBot, indexed: MainWindow, paths: AppPaths, open_view: Callable[..., DuplicatesView]
) -> None:
    """A library from before fingerprints, its background pass not yet through: the view says
    how many photos it could not compare instead of a bare "no duplicates"."""
    with sqlite3.connect(paths.library_db) as db:
        db.execute("UPDATE files SET fingerprint = NULL")
    db.close()
    view = open_view(indexed)
    _scanned(qtbot, view)
    assert view.model.rowCount() == 0
    assert view.scan_result is not None and view.scan_result.waiting == 6
    assert "6 photos were not compared yet" in view.summary.text()


def test_no_duplicates_says_what_was_checked(
    qtbot: QtBot, paths: AppPaths, tmp_path: Path, open_window: Callable[..., MainWindow],
    open_view: Callable[..., DuplicatesView],
) -> None:
    folder = tmp_path / "distinct"
    folder.mkdir()
    for name in DISTINCT:
        shutil.copyfile(PHOTOS / name, folder / name)
    window = open_window(paths)
    window.add_folders([folder])
    qtbot.waitUntil(
        lambda: not window.indexer.running and len(window.photo_model.items) == 3,
        timeout=60_000,
    )
    view = open_view(window)
    _scanned(qtbot, view)
    assert view.model.rowCount() == 0
    assert view.summary.text().startswith("No duplicates found among 3 photos in the library.")
    assert not view.trash_button.isEnabled()


def _row(path: Path, number: int) -> PhotoRow:
    stat = path.stat()
    # Each row its own version of the file: its own thumbnail to load.
    return PhotoRow(number, str(path), stat.st_size, stat.st_mtime_ns + number, None, 80, 60,
                    "jpeg")


def test_two_thousand_groups_build_no_widgets_and_load_only_what_shows(
    qtbot: QtBot, paths: AppPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    open_window: Callable[..., MainWindow], open_view: Callable[..., DuplicatesView],
) -> None:
    photo = tmp_path / "small.jpg"
    Image.new("RGB", (80, 60), "orange").save(photo)
    reason = say("highest resolution ({width} × {height})", width=80, height=60)
    groups = [
        DuplicateGroup(_row(photo, 2 * n), (_row(photo, 2 * n + 1),), reason, 1.0, True)
        for n in range(2000)
    ]
    window = open_window(paths)
    view = open_view(window)
    _scanned(qtbot, view)
    requested: list[str] = []
    request = view.loader.request_thumbnail

    def counted(key: str, source: Path, cached: Path) -> None:
        requested.append(key)
        request(key, source, cached)

    monkeypatch.setattr(view.loader, "request_thumbnail", counted)
    widgets = len(view.findChildren(QWidget))
    started = time.perf_counter()
    view.model.set_groups(groups)
    qtbot.waitUntil(lambda: bool(requested), timeout=5_000)
    shown = time.perf_counter() - started
    assert view.model.rowCount() == 2000 and view.model.removal_count == 2000
    assert len(view.findChildren(QWidget)) == widgets  # painted rows, no widget per group
    assert shown < 2.0
    row_height = view.list.visualRect(view.model.index(0)).height()
    visible = view.list.viewport().height() // row_height + 2  # rows that show, in part or all
    assert len(set(requested)) <= 2 * visible
    last = duplicates_view.photo_key(groups[-1].remove[0])

    end = view.model.index(view.model.rowCount() - 1)
    qtbot.waitUntil(lambda: view.list.visualRect(end).isValid(), timeout=5_000)  # laid out
    view.list.scrollToBottom()
    qtbot.waitUntil(lambda: last in requested, timeout=5_000)
    assert len(set(requested)) < 100  # of 4,000 copies: the rows passed on the way down

    # Once the list settles, what is still queued is the rows in sight, not those passed.
    def in_sight() -> set[str]:
        return {
            duplicates_view.photo_key(p)
            for row in view.visible_rows() for p in view.model.choices[row].copies
        }

    assert last in in_sight()
    qtbot.waitUntil(lambda: view.loader.pending_keys() <= in_sight(), timeout=5_000)
    qtbot.waitUntil(lambda: all(view.model.thumbnail(p) is not None for row in view.visible_rows()
                                for p in view.model.choices[row].copies), timeout=5_000)
    # The thumbnails that came and a choice changed there leave the list where it was.
    view.model.toggle(view.visible_rows()[-1], 0)
    qtbot.wait(100)
    assert last in in_sight()
