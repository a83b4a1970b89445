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
from PySide6.QtWidgets import QMessageBox, QTableWidget, QTableWidgetItem
from pytestqt.qtbot import QtBot

from gallery.ml.catalog import load_catalog
from gallery.ml.model_files import MARKER_NAME
from gallery.ml.recommend import has_cjk
from gallery.ml.registry import ModelRegistry
from gallery.paths import app_paths
from gallery.ui.dialogs import FirstRunDialog
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
        lambda: not window.indexer.running and len(window.photo_model.items) == 3, timeout=30_000
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
        lambda: not window.indexer.running and len(window.photo_model.items) == 4, timeout=30_000
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


def _cells(table: QTableWidget, row: int) -> list[str]:
    return [(table.item(row, c) or QTableWidgetItem()).text() for c in range(table.columnCount())]


def test_the_models_dialog_shows_quality_size_speed_and_the_recommendation(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.host.settings.language = "en"  # recommend for English, whatever the system says
    dialog = window.models.show_models()
    rows = {row.name: row for row in dialog.rows}
    recommended = [row for row in dialog.rows if row.recommended]
    assert len(recommended) == 1 and recommended[0].reason
    chosen = recommended[0]
    assert chosen.recall.get("en") is not None
    assert dialog.recommendation.text() == (
        f"Recommended for this computer: {chosen.title}. {chosen.reason}"
    )
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(5, 10)]  # type: ignore[union-attr]
    assert headers == ["English search", "Chinese search", "Download", "Memory", "Time per photo"]
    index = [row.name for row in dialog.rows].index(chosen.name)
    cells = _cells(dialog.table, index)
    assert cells[0] == f"{chosen.title} (recommended)"
    assert cells[5] == f"{chosen.recall['en']:.1f}"
    assert cells[7].endswith("GB") and cells[9].endswith(" ms")
    b32 = _cells(dialog.table, [row.name for row in dialog.rows].index("clip-vit-b-32"))
    assert b32[5] == "59.4" and b32[6] == "—" and b32[9] == "2.3 ms"
    assert rows["xlm-roberta-base-vit-b-32"].recall == {"en": 68.33, "zh": 72.52}
    tip = dialog.table.item(index, 5)
    assert tip is not None and "searching.md" in tip.toolTip()
    dialog.close()


def test_the_first_run_dialog_selects_the_recommended_model_with_its_numbers(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.host.settings.language = "en"
    dialog = FirstRunDialog(window.models.rows(), None, window)
    qtbot.addWidget(dialog)
    chosen = next(m for m in dialog.models if m.recommended)
    assert dialog.chosen == chosen.name
    assert dialog.download.text() == f"Download {chosen.title}" and dialog.download.isEnabled()
    assert dialog.recommendation.text().startswith(
        f"Recommended for this computer: {chosen.title}."
    )
    assert all(m.repo for m in dialog.models), "only what can be downloaded"
    titles = [_cells(dialog.table, i)[0] for i in range(dialog.table.rowCount())]
    assert f"{chosen.title} (recommended)" in titles
    b32 = _cells(dialog.table, [m.name for m in dialog.models].index("clip-vit-b-32"))
    assert b32[1:3] == ["59.4", "—"] and b32[5] == "2.3 ms"
    dialog.table.selectRow([m.name for m in dialog.models].index("clip-vit-b-32"))
    assert dialog.chosen == "clip-vit-b-32"
    assert dialog.download.text() == "Download CLIP ViT-B/32 (OpenAI)"

    window.host.settings.language = "zh_CN"  # a Chinese interface recommends for Chinese
    chinese = FirstRunDialog(window.models.rows(), "no network", window)
    qtbot.addWidget(chinese)
    picked = next(m for m in chinese.models if m.recommended)
    assert picked.recall.get("zh") is not None and "Chinese" in (picked.reason or "")
    assert not chinese.download.isEnabled(), "offline: import only"


def test_a_chinese_query_into_an_english_only_model_offers_one_that_reads_chinese(
    qtbot: QtBot,
    window: MainWindow,
    model_dirs: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    taken: list[str] = []
    monkeypatch.setattr(window.models, "download_model", taken.append)
    window.models.import_model(model_dirs["colour-hf"])  # says nothing of languages: English
    photos = tmp_path / "photos"
    for colour in ("red", "green"):
        solid_colour_image(photos / f"{colour}.jpg", colour)
    window.add_folders([photos])
    qtbot.waitUntil(lambda: not window.indexer.running, timeout=30_000)
    message = window.search_message
    window.search.setText("红色的车")
    qtbot.waitUntil(lambda: message.isVisible() and message.offered is not None, timeout=10_000)
    offered = message.offered
    assert offered is not None
    title = load_catalog().get(offered).title
    assert "reads English only" in message.text() and f"Download {title}</a>" in message.text()
    assert "zh" in load_catalog().get(offered).languages
    message.linkActivated.emit(offered)
    assert taken == [offered]

    window.search.setText("red")  # an English query: the offer goes
    qtbot.waitUntil(lambda: not message.isVisible(), timeout=10_000)
    assert message.offered is None


def test_cjk_detection() -> None:
    assert has_cjk("红色的车") and has_cjk("a 猫") and has_cjk("ねこ") and has_cjk("고양이")
    assert not has_cjk("red car") and not has_cjk("café — naïve") and not has_cjk("")
