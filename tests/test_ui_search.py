"""Search in the window, offscreen with a real library indexed by the tiny colour model: best
matches set apart from the rest by a divider row, what the status line says, the inline message
for a query or filters that get no answer, the filter bar and the sort, Find Similar and More
Like These, an image dropped on or pasted into the search box, and the recent searches."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QComboBox, QMenu, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from gallery.library.filters import Sort
from gallery.library.query import QueryError, parse_query
from gallery.library.store import PhotoRow
from gallery.paths import AppPaths
from gallery.settings import Settings
from gallery.ui.filter_bar import FilterBar
from gallery.ui.grid import PhotoGrid
from gallery.ui.images import ImageLoader
from gallery.ui.main_window import MainWindow
from gallery.ui.messages import error_text
from gallery.ui.photo_model import PhotoItem, PhotoListModel
from gallery.ui.search_controller import Answer
from gallery.ui.statusbar.message import StatusMessage
from tests.support.qt_modal import answer_modal
from tests.support.tiny_models import solid_colour_image

# Folder a holds JPEG landscapes, folder b PNG portraits: a few colours (the planted matches for
# their colour words) among near-grey photos, whose scores for any colour form a bulk without
# outliers (what an unrelated photo scores). Each photo's mtime is its own day, in this order.
COLOURED = {
    "a": ["red-1", "red-2", "red-3", "green-1", "blue-1", "yellow-1", "white-1"],
    "b": ["red-4", "green-2", "blue-2", "yellow-2"],
}
GREYS = 12  # per folder
SUFFIX = {"a": ".jpg", "b": ".png"}
REDS = {"red-1.jpg", "red-2.jpg", "red-3.jpg", "red-4.png"}
FIRST_DAY = datetime(2024, 3, 1, 12)


def _library() -> list[tuple[str, str, str | tuple[int, int, int]]]:
    """(folder, file name, colour) of every photo, oldest first."""
    shots: list[tuple[str, str, str | tuple[int, int, int]]] = []
    for folder, names in COLOURED.items():
        shots += [(folder, name + SUFFIX[folder], name.split("-")[0]) for name in names]
        for i in range(GREYS):
            grey = (126 + i % 3, 127 + i // 3 % 3, 128 - i // 9)
            shots.append((folder, f"grey-{i:02d}{SUFFIX[folder]}", grey))
    return shots


def _oldest_first(folder: str) -> list[str]:
    return [name for where, name, _ in _library() if where == folder]


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    root = tmp_path / "photos"
    for day, (folder, name, colour) in enumerate(_library()):
        size = (120, 90) if folder == "a" else (90, 120)
        path = solid_colour_image(root / folder / name, colour, size)
        when = (FIRST_DAY + timedelta(days=day)).timestamp()
        os.utime(path, (when, when))
    return root.resolve()


@pytest.fixture
def window(
    qtbot: QtBot, paths: AppPaths, photos: Path, open_window: Callable[..., MainWindow]
) -> MainWindow:
    window = open_window(paths)
    window.add_folders([photos / "a", photos / "b"])
    qtbot.waitUntil(
        lambda: not window.indexer.running and len(window.photo_model.items) == len(_library()),
        timeout=60_000,
    )
    return window


def _answer(qtbot: QtBot, window: MainWindow, act: Callable[[], object]) -> Answer:
    """Do `act` and ask at once; the answer to the newest request (older ones are dropped)."""
    with qtbot.waitSignal(window.searching.answered, timeout=20_000) as answered:
        act()
        window.searching.run_now()
    answer = answered.args[0]
    assert isinstance(answer, Answer)
    return answer


def _search(qtbot: QtBot, window: MainWindow, text: str) -> Answer:
    return _answer(qtbot, window, lambda: window.search.setText(text))


def _choose(bar: FilterBar, chip: str, value: object) -> None:
    """Pick the entry of a filter chip's menu that stands for `value`, as a click would."""
    button = bar.findChild(QToolButton, chip)
    assert button is not None and button.menu() is not None
    next(a for a in button.menu().actions() if a.data() == value).trigger()


def _sort_by(bar: FilterBar, sort: Sort) -> None:
    combo = bar.findChild(QComboBox, "sort")
    assert combo is not None
    combo.setCurrentIndex(combo.findData(sort))


def _names(window: MainWindow) -> list[str]:
    return [Path(item.row.path).name for item in window.photo_model.items]


def _fake_items(tmp_path: Path, count: int, best: int) -> list[PhotoItem]:
    return [
        PhotoItem(PhotoRow(i, str(tmp_path / f"{i:02d}.jpg"), 1, i, None), 1 - i / 100, i < best)
        for i in range(count)
    ]


def test_the_divider_takes_a_row_of_its_own_whatever_the_width(
    qtbot: QtBot, image_loader: ImageLoader, tmp_path: Path
) -> None:
    model = PhotoListModel(tmp_path / "thumbs", image_loader)
    grid = PhotoGrid(model)
    qtbot.addWidget(grid)
    grid.set_thumbnail_size(64)
    grid.resize(500, 600)
    grid.show()
    items = _fake_items(tmp_path, 20, 5)
    model.set_items(items, 5)
    rest_photo = model.index(model.row_of(7))
    grid.selectionModel().select(rest_photo, grid.selectionModel().SelectionFlag.Select)
    seen_columns = set()
    for width in (500, 330, 800, 260):
        grid.resize(width, 600)
        qtbot.waitUntil(lambda: grid.visualRect(model.index(model.rowCount() - 1)).isValid())
        columns = grid.columns()
        seen_columns.add(columns)
        assert model.columns == columns
        divider = model.divider_row()
        assert divider is not None and divider % columns == 0 and divider >= 5
        rect = [grid.visualRect(model.index(row)) for row in range(model.rowCount())]
        left = rect[0].x()
        # The last best match's row, then the divider's row, then the rest from a new row.
        assert rect[divider].x() == left and rect[divider].y() > rect[4].y()
        assert rect[divider + columns - 1].y() == rect[divider].y()
        first_rest = divider + columns
        assert rect[first_rest].x() == left and rect[first_rest].y() > rect[divider].y()
        assert model.photo_at(first_rest) == items[5]
        cells = [row for row in range(model.rowCount()) if model.photo_at(row) is None]
        assert cells == list(range(5, first_rest))
        for row in cells:
            index = model.index(row)
            assert index.data(Qt.ItemDataRole.UserRole + 1) is None  # no path
            assert not model.flags(index) & Qt.ItemFlag.ItemIsSelectable
        assert [model.photo_at(row) for row in range(model.rowCount()) if row not in cells] == items
        assert grid.selected_photos() == [items[7]], "the selection stays on its photo"
    assert len(seen_columns) >= 3
    grid.selectAll()
    assert grid.selected_photos() == items

    model.set_items(items, 0)  # no best matches: no divider
    assert model.divider_row() is None and model.rowCount() == 20
    model.set_items(items[:5], 5)  # best matches only: no divider either
    assert model.divider_row() is None and model.rowCount() == 5


def test_the_status_line_says_how_many_best_matches_and_what_follows(qtbot: QtBot) -> None:
    status = StatusMessage()
    qtbot.addWidget(status)
    items = _fake_items(Path("/photos"), 40, 12)
    status.on_answer(Answer(1, items, "red", ranked=True, best_count=12))
    assert status.text() == "12 best matches for “red” — more below"
    status.on_answer(Answer(2, items[:3], "red", ranked=True, best_count=3))
    assert status.text() == "3 best matches for “red”"
    status.on_answer(Answer(3, items, "red", ranked=True, best_count=1000, more_best=True))
    thousand = QLocale().toString(1000)  # "1,000" in English (the app sets the locale)
    assert status.text() == f"More than {thousand} best matches for “red”"
    status.on_answer(Answer(4, items, "red", ranked=True, best_count=0))
    assert status.text() == "No close match for “red” — showing the nearest photos"
    status.on_answer(Answer(5, items[:7], filtered=True))
    assert status.text() == "7 photos match the filters"
    status.on_answer(Answer(7, items))
    assert status.text() == "40 photos"


def test_best_matches_come_first_then_the_divider_then_the_rest(
    qtbot: QtBot, window: MainWindow
) -> None:
    answer = _search(qtbot, window, "red")
    model = window.photo_model
    assert answer.ranked and answer.best_count == len(REDS) < len(answer.items)
    assert set(_names(window)[: len(REDS)]) == REDS
    assert window.status.text() == "4 best matches for “red” — more below"
    divider = model.divider_row()
    assert divider is not None and model.photo_at(divider) is None
    first_rest = divider + model.columns
    assert model.photo_at(first_rest) == model.items[len(REDS)]
    assert not model.photo_at(first_rest).best  # type: ignore[union-attr]
    best_tip = model.data(model.index(0), Qt.ItemDataRole.ToolTipRole)
    assert best_tip.startswith("Score ") and "· best match" in best_tip.splitlines()[0]
    rest_tip = model.data(model.index(first_rest), Qt.ItemDataRole.ToolTipRole)
    assert rest_tip.startswith("Score ") and "best match" not in rest_tip

    answer = _search(qtbot, window, "black")  # no black photo
    assert answer.no_close_match and answer.items and model.divider_row() is None
    assert window.status.text() == "No close match for “black” — showing the nearest photos"


def test_a_query_that_does_not_parse_is_explained_under_the_box_until_the_next_answer(
    qtbot: QtBot, window: MainWindow
) -> None:
    _search(qtbot, window, "red")
    shown = _names(window)
    with qtbot.waitSignal(window.searching.failed, timeout=20_000):
        window.search.setText("red + ")
        window.searching.run_now()
    message = window.search_message
    with pytest.raises(QueryError) as raised:
        parse_query("red + ")
    assert message.isVisible() and message.text() == error_text(raised.value)
    assert _names(window) == shown, "the grid keeps the last answer while the query is fixed"
    _search(qtbot, window, "red + green")
    assert not message.isVisible() and message.text() == ""


def test_filters_and_sort_from_the_filter_bar_reach_the_search(
    qtbot: QtBot, window: MainWindow, photos: Path
) -> None:
    bar = window.filter_bar
    folder_b = str(photos / "b")
    answer = _answer(qtbot, window, lambda: _choose(bar, "folders", folder_b))
    assert answer.filtered and not answer.ranked
    assert sorted(_names(window)) == sorted(_oldest_first("b"))
    # (the outcome of the last indexing run follows it)
    assert window.status.text().startswith(f"{len(_oldest_first('b'))} photos match the filters")

    answer = _search(qtbot, window, "red")
    assert [Path(item.row.path).name for item in answer.items[: answer.best_count]] == ["red-4.png"]
    assert all(item.row.path.startswith(folder_b) for item in answer.items)

    _answer(qtbot, window, lambda: _choose(bar, "folders", folder_b))  # off again
    answer = _answer(qtbot, window, lambda: _choose(bar, "type", "jpeg"))
    assert {Path(n).suffix for n in _names(window)} == {".jpg"}
    assert answer.best_count == 3 and set(_names(window)[:3]) == REDS - {"red-4.png"}

    # Sorted by date, the best matches stay first (newest first among them), then the rest.
    answer = _answer(qtbot, window, lambda: _sort_by(bar, "date"))
    best = [item.row.mtime_ns for item in answer.items[: answer.best_count]]
    rest = [item.row.mtime_ns for item in answer.items[answer.best_count :]]
    assert answer.best_count == 3 and best == sorted(best, reverse=True)
    assert set(_names(window)[:3]) == REDS - {"red-4.png"}
    assert rest == sorted(rest, reverse=True)
    _answer(qtbot, window, lambda: window.search.clear())
    assert _names(window) == _oldest_first("a")[::-1]
    _answer(qtbot, window, lambda: _sort_by(bar, "date-asc"))
    assert _names(window) == _oldest_first("a")


def test_filters_that_let_nothing_through_empty_the_grid_and_say_so(
    qtbot: QtBot, window: MainWindow
) -> None:
    bar = window.filter_bar
    with qtbot.waitSignal(window.searching.failed, timeout=20_000):
        _choose(bar, "size", 640)  # the photos are 120 x 90
    assert window.photo_model.rowCount() == 0
    assert window.status.text() == "No photos match these filters."
    assert window.search_message.isVisible()
    assert "Loosen the filters" in window.search_message.text()
    _answer(qtbot, window, bar.clear_filters)
    assert not window.search_message.isVisible()
    assert len(window.photo_model.items) == len(_library())


def test_find_similar_and_more_like_these_leave_the_chosen_photos_out(
    qtbot: QtBot, window: MainWindow, photos: Path
) -> None:
    red = str(photos / "a" / "red-1.jpg")
    answer = _answer(qtbot, window, lambda: window.find_similar([red]))
    assert window.search.text() == "[red-1.jpg]"
    assert red not in [item.row.path for item in answer.items]
    assert set(_names(window)[:3]) == REDS - {"red-1.jpg"}

    # Select a blue and a green photo and ask the grid's context menu for more like them.
    _search(qtbot, window, "")
    grid, model = window.grid, window.photo_model
    chosen = {"blue-1.jpg", "green-2.png"}
    rows = [model.row_of(i) for i, name in enumerate(_names(window)) if name in chosen]
    selection = grid.selectionModel()
    for row in rows:
        selection.select(model.index(row), selection.SelectionFlag.Select)
    offered: list[str] = []

    def more_like_these(menu: QMenu) -> None:
        offered.extend(action.text() for action in menu.actions())
        next(a for a in menu.actions() if a.text() == "More Like These").trigger()
        menu.close()

    answer_modal(QMenu, more_like_these)
    point = grid.visualRect(model.index(rows[0])).center()
    with qtbot.waitSignal(window.searching.answered, timeout=20_000) as answered:
        grid.customContextMenuRequested.emit(point)
    assert "Find Similar" in offered and "More Like These" in offered
    assert window.search.text() == "[2 photos]"
    names = [Path(item.row.path).name for item in answered.args[0].items]
    assert not chosen & set(names), "the chosen photos are left out"
    assert set(names[:2]) == {"blue-2.png", "green-1.jpg"}


def _drop_on(widget: QWidget, *paths: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    drop = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    widget.dropEvent(drop)


def test_an_image_dropped_on_or_pasted_into_the_search_box_ranks_its_colour_first(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    outside = solid_colour_image(tmp_path / "elsewhere" / "a yellow sign.jpg", "yellow")
    answer = _answer(qtbot, window, lambda: _drop_on(window.search, outside))
    assert window.search.text() == "[a yellow sign.jpg]"
    assert set(_names(window)[:2]) == {"yellow-1.jpg", "yellow-2.png"}
    assert answer.best_count == 2

    window.search.clear()
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor(0, 0, 255))
    QGuiApplication.clipboard().setImage(image)
    try:
        paste = Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier
        answer = _answer(qtbot, window, lambda: qtbot.keyClick(window.search, *paste))
    finally:
        QGuiApplication.clipboard().clear()
    assert window.search.text() == "[pasted image]"
    assert set(_names(window)[:2]) == {"blue-1.jpg", "blue-2.png"}


def _recent(window: MainWindow) -> list[str]:
    menu = window.search.findChild(QMenu)
    assert menu is not None
    return [a.data() for a in menu.actions() if isinstance(a.data(), str)]


def test_recent_searches_are_remembered_and_come_back_with_the_settings(
    qtbot: QtBot, window: MainWindow, paths: AppPaths, open_window: Callable[..., MainWindow]
) -> None:
    window.search.setFocus()
    _search(qtbot, window, "green")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)  # Enter remembers at once
    assert _recent(window) == ["green"]
    _search(qtbot, window, "blue")  # answered, then left alone for two seconds
    qtbot.waitUntil(lambda: _recent(window) == ["blue", "green"], timeout=5_000)
    _search(qtbot, window, "purple")
    window.open_viewer(0).close()  # opening a result remembers its query
    assert _recent(window) == ["purple", "blue", "green"]
    assert Settings.load(paths.settings_file).recent_searches == ["purple", "blue", "green"]
    window.close()
    again = open_window(paths)
    assert _recent(again) == ["purple", "blue", "green"]
