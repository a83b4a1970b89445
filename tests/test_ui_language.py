"""The interface language: Chinese on a Chinese system, English otherwise, the Settings choice
over the system; plural forms the Qt way; the core's messages translated where they are shown;
the log left in English."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter
from pytestqt.qtbot import QtBot

from gallery.errors import Action, Remedy, UserError
from gallery.library.indexer import IndexSummary
from gallery.ml.download import ModelDownloadProgress
from gallery.ml.registry import ModelRegistry
from gallery.paths import AppPaths, app_paths
from gallery.settings import Settings
from gallery.text import say
from gallery.ui import i18n
from gallery.ui.main_window import MainWindow
from gallery.ui.messages import error_text
from gallery.ui.model_download import describe
from gallery.ui.search_controller import Answer
from gallery.ui.statusbar.message import StatusMessage
from tests.support.tiny_models import solid_colour_image

CHINA = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
USA = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


@pytest.fixture
def language(qapp: object) -> Iterator[object]:
    """Install a language for one test; English (its plural forms) again afterwards."""
    yield i18n.install
    i18n.install(i18n.ENGLISH)


def test_the_system_decides_unless_the_settings_choose() -> None:
    assert i18n.resolve(i18n.SYSTEM, CHINA) == i18n.CHINESE
    assert i18n.resolve(i18n.SYSTEM, QLocale(QLocale.Language.Chinese, QLocale.Country.Taiwan))
    assert i18n.resolve(i18n.SYSTEM, USA) == i18n.ENGLISH
    assert i18n.resolve(i18n.SYSTEM, QLocale(QLocale.Language.German)) == i18n.ENGLISH
    assert i18n.resolve(i18n.ENGLISH, CHINA) == i18n.ENGLISH
    assert i18n.resolve(i18n.CHINESE, USA) == i18n.CHINESE


def test_plural_forms_in_english_and_chinese(qtbot: QtBot, language: object) -> None:
    status = StatusMessage()
    qtbot.addWidget(status)
    i18n.install(i18n.ENGLISH)
    status.on_answer(Answer(1, [], ""))
    assert status.text() == "0 photos"
    status.on_index_finished(IndexSummary(embedded=1))
    assert status.text() == "Indexing done: 1 photo added."
    status.on_index_finished(IndexSummary(embedded=12_345, failed=1))
    assert status.text() == "Indexing done: 12,345 photos added, 1 could not be read."
    i18n.install(i18n.CHINESE)
    status.on_index_finished(IndexSummary(embedded=12_345, failed=2))
    assert status.text() == "建立索引完成：添加了 12,345 张照片，2 张无法读取。"


def test_a_core_error_reads_in_chinese_with_its_remedies(language: object) -> None:
    error = UserError(
        say("The folder {root} does not exist or is not a folder.", root="/照片/2024"),
        say("Check the path, or reconnect the drive it is on."),
        (Remedy(Action.INDEX_FOLDER, "/照片/2024"), Remedy(Action.IMPORT_MODEL)),
    )
    english = error_text(error)
    assert english.startswith("The folder /照片/2024 does not exist")
    i18n.install(i18n.CHINESE)
    assert error_text(error) == (
        "文件夹 /照片/2024 不存在，或不是文件夹。请检查路径，或重新连接它所在的驱动器。"
        "用 文件 > 添加文件夹… 添加 /照片/2024。导入模型文件夹：文件 > 导入模型文件夹…"
    )
    assert str(error.message) == "The folder /照片/2024 does not exist or is not a folder."


def test_nested_sentences_translate_too(language: object) -> None:
    i18n.install(i18n.CHINESE)
    kept = say("everything indexed so far is kept")
    hint = say("Free some space and run again; {kept}.", kept=kept)
    assert i18n.translated(hint) == "请释放一些空间后重试；已建立的索引全部保留。"
    assert i18n.translated("a plain string") == "a plain string"


@pytest.fixture
def indexed_paths(model_dirs: dict[str, Path], tmp_path: Path) -> tuple[AppPaths, Path]:
    paths = app_paths().ensure()
    ModelRegistry(paths.models).import_folder(model_dirs["colour-hf"], "colours")
    photos = tmp_path / "照片"
    for colour in ("red", "green"):
        solid_colour_image(photos / f"{colour}-红绿.jpg", colour)
    return paths, photos


def test_the_window_in_chinese_from_the_settings(
    qtbot: QtBot,
    language: object,
    indexed_paths: tuple[AppPaths, Path],
    caplog: pytest.LogCaptureFixture,
    open_window: Callable[..., MainWindow],
) -> None:
    paths, photos = indexed_paths
    Settings(language=i18n.CHINESE).save(paths.settings_file)
    caplog.set_level(logging.INFO)
    assert i18n.install(Settings.load(paths.settings_file).language) == i18n.CHINESE
    window = open_window(paths)
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["文件(&F)", "编辑(&E)", "工具(&T)", "帮助(&H)"]
    assert window.menu_actions["check_library"].text() == "检查图库(&C)…"
    assert window.search.placeholderText() == "搜索您的照片：“雪地里的红色汽车”"
    window.add_folders([photos])
    qtbot.waitUntil(lambda: not window.indexer.running, timeout=30_000)
    qtbot.waitUntil(lambda: window.status.text().startswith("2 张照片"), timeout=10_000)
    assert "建立索引完成：添加了 2 张照片" in window.status.text()
    names = sorted(item.row.path for item in window.photo_model.items)
    assert names[0].endswith("green-红绿.jpg")
    assert any("Indexed" in r.getMessage() or "Indexing" in r.getMessage() for r in caplog.records)
    assert not any("建立索引" in r.getMessage() for r in caplog.records), "the log stays English"


def _drawn(text: str) -> QImage:
    image = QImage(96, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(QColor("black"))
    painter.setFont(QFont())  # the app's default font, as the grid and dialogs use it
    painter.drawText(4, 28, text)
    painter.end()
    return image


def test_chinese_text_is_drawn_with_real_glyphs(qapp: object) -> None:
    """Qt's font fallback finds a font with Chinese glyphs for the default font (the system's;
    .ci/run installs one on Linux), so a Chinese file name in the grid or a dialog is drawn as
    characters, not as the boxes of missing glyphs."""
    if not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        pytest.skip("needs a font with Chinese glyphs (apt-get install fonts-wqy-microhei; "
                    ".ci/run does)")
    missing = _drawn("\ue000\ue001")  # private-use code points: no font has them
    assert _drawn("照片") != missing and _drawn("红绿") != _drawn("照片")


def test_a_download_waiting_for_another_reads_in_chinese(language: object) -> None:
    waits = say("Waiting for another download of {name}…", name="vit-b-16-siglip2")
    progress = ModelDownloadProgress(0, None, 0.0, None, waits, stage="wait")
    assert describe(progress) == "Waiting for another download of vit-b-16-siglip2…"
    i18n.install(i18n.CHINESE)
    assert describe(progress).startswith("正在等待") and "vit-b-16-siglip2" in describe(progress)
