"""Models in the app: first-run download with progress from a loopback hub, offline handling,
the models dialog, and switching models with one index each."""

from __future__ import annotations

import json
import logging
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from gallery.ml.model_files import MARKER_NAME
from gallery.ml.registry import ModelRegistry
from gallery.paths import app_paths
from gallery.ui.main_window import MainWindow
from gallery.ui.model_download import DownloadDialog
from tests.support.hub_server import HubServer
from tests.support.qt_modal import answer_modal
from tests.support.tiny_models import solid_colour_image
from tests.test_ui import OFFSCREEN_NOISE

DEFAULT_REPO = "Xenova/clip-vit-base-patch32"  # the catalog's default model, served on loopback


def _answer_message_box(button: QMessageBox.StandardButton | str) -> None:
    """Click a standard button, or the button with this text, of the next message box."""

    def click(box: QMessageBox) -> None:
        if isinstance(button, str):
            next(b for b in box.buttons() if b.text() == button).click()
        else:
            box.button(button).click()

    answer_modal(QMessageBox, click)


@pytest.fixture
def window(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> MainWindow:
    caplog.set_level(logging.INFO)
    window = MainWindow(app_paths().ensure(), offer_first_run=False)
    qtbot.addWidget(window)
    window.show()
    return window


def test_download_the_default_model_from_the_app_and_search(
    qtbot: QtBot,
    window: MainWindow,
    hub: HubServer,
    model_dirs: dict[str, Path],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hub.add_repo(DEFAULT_REPO, model_dirs["colour-hf"])
    assert window.model is None
    dialog = window.models.download_model("clip-vit-b-32")  # modal until the worker is done
    assert dialog.error is None and dialog.installed is not None
    assert window.model is not None and window.model.name == "clip-vit-b-32"
    assert dialog.bar.value() == dialog.bar.maximum() > 0
    photos = tmp_path / "photos"
    for colour in ("red", "green", "blue"):
        solid_colour_image(photos / f"{colour}.jpg", colour)
    window.add_folders([photos])
    qtbot.waitUntil(
        lambda: not window.indexer.running and window.photo_model.rowCount() == 3, timeout=30_000
    )
    window.search.setText("green")
    qtbot.waitUntil(
        lambda: bool(window.photo_model.items) and window.photo_model.items[0].score is not None,
        timeout=10_000,
    )
    assert Path(window.photo_model.items[0].row.path).name == "green.jpg"
    assert not [
        r
        for r in caplog.records
        if r.name == "gallery.qt"
        and r.levelno >= logging.WARNING
        and not r.getMessage().startswith(OFFSCREEN_NOISE)
    ]


def test_offline_download_says_so_and_installs_nothing(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    dialog = DownloadDialog(window.paths.models, "clip-vit-b-32", window)
    dialog.exec()
    assert dialog.offline and dialog.installed is None
    assert dialog.error_message is not None and "Cannot reach" in dialog.error_message
    assert "File > Import Model Folder…" in dialog.error_message
    assert ModelRegistry(window.paths.models).installed() == []


def test_switching_models_counts_what_is_left_and_deletes_an_old_index(
    qtbot: QtBot, window: MainWindow, model_dirs: dict[str, Path], tmp_path: Path
) -> None:
    registry = ModelRegistry(window.paths.models)
    registry.import_folder(model_dirs["colour-hf"], "first")
    registry.import_folder(model_dirs["colour-immich"], "second")
    assert window.models.use_model("first", ask=False)
    photos = tmp_path / "photos"
    for colour in ("red", "yellow", "white", "black"):
        solid_colour_image(photos / f"{colour}.png", colour)
    window.add_folders([photos])
    qtbot.waitUntil(
        lambda: not window.indexer.running and window.photo_model.rowCount() == 4, timeout=30_000
    )

    dialog = window.models.show_models()
    rows = {row.name: row for row in dialog.rows}
    assert rows["first"].default and rows["first"].indexed == 4
    assert rows["second"].installed and rows["second"].pending == 4
    assert "clip-vit-b-32" in rows and not rows["clip-vit-b-32"].installed
    dialog.select("second")
    assert dialog.use.isEnabled() and "4 photos still have to be indexed" in dialog.note.text()

    _answer_message_box("Switch and Index Now")
    dialog.use.click()
    assert window.model is not None and window.model.name == "second"
    qtbot.waitUntil(lambda: not window.indexer.running, timeout=30_000)
    rows = {row.name: row for row in dialog.rows}
    assert rows["second"].default and rows["second"].indexed == 4 and rows["second"].pending == 0
    assert rows["first"].indexed == 4, "switching keeps the old model's own index"

    dialog.select("first")
    assert dialog.delete_index.isEnabled()
    _answer_message_box(QMessageBox.StandardButton.Yes)
    dialog.delete_index.click()
    rows = {row.name: row for row in dialog.rows}
    assert not rows["first"].has_index and rows["first"].indexed == 0
    assert not (window.paths.indexes / "first.hnsw").exists()
    assert (window.paths.indexes / "second.hnsw").exists()
    dialog.close()


def test_the_models_dialog_and_the_cli_list_the_same_models_in_the_same_states(
    qtbot: QtBot,
    window: MainWindow,
    model_dirs: dict[str, Path],
    tmp_path: Path,
    gallery_cli: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    registry = ModelRegistry(window.paths.models)
    registry.import_folder(model_dirs["colour-hf"], "first")
    registry.import_folder(model_dirs["colour-immich"], "second")
    broken = registry.import_folder(model_dirs["colour-hf"], "broken").path
    (broken / MARKER_NAME).unlink()  # an interrupted install: damaged, never loaded
    assert window.models.use_model("first", ask=False)
    photos = tmp_path / "photos"
    for colour in ("red", "blue", "green"):
        solid_colour_image(photos / f"{colour}.png", colour)
    window.add_folders([photos])
    qtbot.waitUntil(lambda: not window.indexer.running, timeout=30_000)

    dialog = window.models.show_models()
    listed = json.loads(gallery_cli("models", "list", "--json").stdout)

    def facts(row: dict[str, object]) -> tuple[object, ...]:
        keys = ("name", "state", "default", "indexed", "pending", "has_index")
        return tuple(row[key] for key in keys)

    assert [facts(entry.as_dict()) for entry in dialog.rows] == [facts(row) for row in listed]
    def cell(row: int, column: int) -> str:
        item = dialog.table.item(row, column)
        assert item is not None
        return item.text()

    shown = {cell(i, 0): cell(i, 2) for i in range(dialog.table.rowCount())}
    states = {row["name"]: row["state"] for row in listed}
    assert states["first"] == "installed" and shown["first"] == "in use"
    assert states["second"] == "installed" and shown["second"] == "installed"
    assert states["broken"] == "damaged" and shown["broken"] == "damaged"
    assert states["clip-vit-b-32"] == "available"
    assert shown[next(r.title for r in dialog.rows if r.name == "clip-vit-b-32")] == "not installed"
    dialog.close()


def test_importing_a_model_folder_runs_in_the_background_and_puts_it_to_use(
    qtbot: QtBot, window: MainWindow, model_dirs: dict[str, Path]
) -> None:
    assert window.model is None
    window.models.import_model(model_dirs["colour-immich"])  # modal until the job is done
    assert window.model is not None and window.model.name == model_dirs["colour-immich"].name
    assert window.status.text() == f"Model {window.model.name} is ready."
    assert [m.name for m in ModelRegistry(window.paths.models).installed()] == [window.model.name]
