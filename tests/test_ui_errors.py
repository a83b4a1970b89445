"""The error paths a person meets in the app: each says what happened and what to do in the
app's own terms (menu paths, buttons), never as a command line."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from gallery.errors import Action, Remedy, UserError
from gallery.library.lock import LOCK_FILE_NAME, WriterLock
from gallery.ml.registry import ModelRegistry
from gallery.paths import AppPaths, app_paths
from gallery.settings import Settings
from gallery.text import say
from gallery.ui.library_check import HEALTHY, LibraryCheckDialog
from gallery.ui.main_window import MainWindow
from gallery.ui.messages import REMEDIES, error_text, remedy_advice
from tests.support.qt_modal import answer_modal
from tests.support.tiny_models import solid_colour_image

# A command line: a `gallery` subcommand or a `--flag`.
COMMAND_LINE = re.compile(r"\bgallery [a-z]|(?<![\w-])--[a-z]")


def assert_no_command_line(text: str) -> None:
    assert text and not COMMAND_LINE.search(text), text


@pytest.fixture
def paths() -> AppPaths:
    return app_paths().ensure()



@pytest.fixture
def colour_paths(paths: AppPaths, model_dirs: dict[str, Path]) -> AppPaths:
    """A library whose one installed model is the tiny colour model."""
    ModelRegistry(paths.models).import_folder(model_dirs["colour-hf"], "colours")
    return paths


def _photos(folder: Path) -> Path:
    for colour in ("red", "green", "blue"):
        solid_colour_image(folder / f"{colour}.jpg", colour)
    return folder


def _next_message_box(
    shown: list[tuple[str, list[str]]],
    click: str = "Close",
    before: Callable[[], object] = lambda: None,
) -> None:
    def answer(box: QMessageBox) -> None:
        shown.append((box.text(), [b.text() for b in box.buttons()]))
        before()
        next(b for b in box.buttons() if b.text() == click).click()

    answer_modal(QMessageBox, answer)


def test_every_remedy_reads_as_the_app_would_say_it() -> None:
    assert set(REMEDIES) == set(Action), "every action the core can name has an app rendering"
    for action in Action:
        assert_no_command_line(remedy_advice(Remedy(action, "/photos/holiday")))
        assert_no_command_line(remedy_advice(Remedy(action)))


def test_searching_without_a_model_points_at_the_menus(
    qtbot: QtBot, paths: AppPaths,
    open_window: Callable[..., MainWindow],
) -> None:
    window = open_window(paths)
    assert "No model is installed" in window.status.text(), "said at start, not only on search"
    window.search.setText("a dog on the beach")
    qtbot.waitUntil(lambda: "File > Import Model Folder…" in window.status.text(), timeout=5_000)
    assert_no_command_line(window.status.text())


def test_several_models_and_none_chosen_says_where_to_choose(
    qtbot: QtBot, paths: AppPaths, model_dirs: dict[str, Path],
    open_window: Callable[..., MainWindow],
) -> None:
    registry = ModelRegistry(paths.models)
    registry.import_folder(model_dirs["colour-hf"], "first")
    registry.import_folder(model_dirs["colour-immich"], "second")
    window = open_window(paths)
    assert window.model is None
    qtbot.waitUntil(lambda: "File > Models…" in window.status.text(), timeout=5_000)
    assert "Several models are installed" in window.status.text()
    assert_no_command_line(window.status.text())
    assert_no_command_line(window.help.diagnostics_text().split("paths:")[0])


def test_an_image_that_cannot_be_read_is_named_under_the_search_box(
    qtbot: QtBot, colour_paths: AppPaths, tmp_path: Path,
    open_window: Callable[..., MainWindow],
) -> None:
    window = open_window(colour_paths)
    qtbot.waitUntil(lambda: window.report is not None, timeout=10_000)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a photo")
    window.find_similar([str(broken)])
    message = window.search_message
    qtbot.waitUntil(lambda: message.isVisible(), timeout=5_000)
    assert "broken.jpg" in message.text()
    assert_no_command_line(message.text())


def test_indexing_while_another_app_indexes_offers_a_rescan(
    qtbot: QtBot, colour_paths: AppPaths, tmp_path: Path,
    open_window: Callable[..., MainWindow],
) -> None:
    Settings(batch_size=2).save(colour_paths.settings_file)
    other = WriterLock(colour_paths.data / LOCK_FILE_NAME)
    assert other.try_acquire("indexing this library")
    window = open_window(colour_paths)
    shown: list[tuple[str, list[str]]] = []
    # The person reads the message, waits for the other indexer to finish, then clicks Rescan.
    _next_message_box(shown, click="Rescan", before=other.release)
    try:
        window.add_folders([_photos(tmp_path / "p")])
        qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
        text, buttons = shown[0]
        assert "Another Lumen Gallery is indexing this library" in text
        assert "Rescan" in buttons
        assert_no_command_line(text)
    finally:
        if other.held:
            other.release()
    # The button took the remedy: a rescan, which now gets the lock and indexes.
    qtbot.waitUntil(lambda: len(window.photo_model.items) == 3, timeout=30_000)
    qtbot.waitUntil(lambda: not window.indexer.running, timeout=30_000)
    assert window.indexer.last_summary is not None and window.indexer.last_summary.embedded == 3


def test_importing_a_folder_that_is_no_model_says_what_is_expected(
    qtbot: QtBot, paths: AppPaths, tmp_path: Path,
    open_window: Callable[..., MainWindow],
) -> None:
    window = open_window(paths)
    (tmp_path / "not-a-model").mkdir()
    (tmp_path / "not-a-model" / "readme.txt").write_text("hello")
    shown: list[tuple[str, list[str]]] = []
    _next_message_box(shown)
    window.models.import_model(tmp_path / "not-a-model")
    assert shown, "the error was shown in a dialog"
    assert "not a CLIP model folder" in shown[0][0]
    assert_no_command_line(shown[0][0])


def test_check_library_finds_a_missing_index_and_repairs_it(
    qtbot: QtBot, colour_paths: AppPaths, tmp_path: Path,
    open_window: Callable[..., MainWindow],
) -> None:
    window = open_window(colour_paths)
    window.add_folders([_photos(tmp_path / "p")])
    qtbot.waitUntil(lambda: not window.indexer.running, timeout=30_000)
    (colour_paths.indexes / "colours.hnsw").unlink()
    dialog = window.help.check_library()
    assert isinstance(dialog, LibraryCheckDialog)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30_000)
    text = dialog.text.toPlainText()
    assert "The vector index of colours" in text and dialog.repair.isEnabled()
    assert_no_command_line(text)
    dialog.repair.click()
    qtbot.waitUntil(lambda: HEALTHY in dialog.text.toPlainText(), timeout=30_000)
    assert (colour_paths.indexes / "colours.hnsw").exists()
    dialog.close()


def test_an_unexpected_error_text_points_at_the_log() -> None:
    from gallery.ui.workers import unexpected

    error = unexpected(say("Indexing"), RuntimeError("boom"))
    assert isinstance(error, UserError)
    assert error_text(error).startswith("Indexing failed unexpectedly: boom.")
    assert_no_command_line(error_text(error))
