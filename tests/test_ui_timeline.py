"""The timeline in the grid: month header rows made of cells (photos from real files with known
EXIF dates land under the right month), the sticky header following the scroll, the year column
jumping, the keyboard moving over photos only, Ctrl+A, Enter and Delete, and the selection
surviving a change of the column count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot

from gallery.library.filters import NO_FILTERS
from gallery.library.store import PhotoRow
from gallery.library.timeline import Section
from gallery.ui.grid import PhotoGrid
from gallery.ui.images import ImageLoader
from gallery.ui.photo_model import (
    HEADER_ROLE,
    HEADER_TEXT_ROLE,
    PATH_ROLE,
    PhotoItem,
    PhotoListModel,
)
from tests.test_timeline import EXPECTED_MONTHS, stored_library

_EPOCH = datetime(1970, 1, 1)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(before)


def monthly_items(
    tmp_path: Path, months: int, per_month: int, last: tuple[int, int] = (2024, 12)
) -> list[PhotoItem]:
    """`per_month` photos in each of `months` months up to `last`, newest first."""
    items: list[PhotoItem] = []
    year, month = last
    for _ in range(months):
        first = (datetime(year, month, 1) - _EPOCH).total_seconds()
        for day in range(per_month, 0, -1):
            number = len(items)
            seconds = first + (day % 28) * 86400 + 3600 * (day // 28)
            row = PhotoRow(number, str(tmp_path / f"{number:05d}.jpg"), 1, number, seconds)
            items.append(PhotoItem(row))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return items


def make_grid(
    qtbot: QtBot, loader: ImageLoader, tmp_path: Path, width: int = 500, height: int = 600
) -> PhotoGrid:
    model = PhotoListModel(tmp_path / "thumbs", loader)
    grid = PhotoGrid(model)
    qtbot.addWidget(grid)
    grid.set_thumbnail_size(64)
    grid.resize(width, height)
    grid.show()
    return grid


def laid_out(qtbot: QtBot, grid: PhotoGrid) -> None:
    model = grid.photo_model()
    qtbot.waitUntil(lambda: grid.visualRect(model.index(model.rowCount() - 1)).isValid())


def test_photos_with_known_exif_dates_sit_under_their_month_headers(
    qtbot: QtBot, image_loader: ImageLoader, tmp_path: Path
) -> None:
    store = stored_library(tmp_path)
    items = [PhotoItem(row) for row in store.browse(NO_FILTERS, "date", None)]
    store.close()
    grid = make_grid(qtbot, image_loader, tmp_path)
    model = grid.photo_model()
    model.set_items(items, sections=True)
    laid_out(qtbot, grid)
    columns = model.columns
    assert columns == grid.columns() > 3
    # April 2024 (1 photo), March 2024 (3), January 2024, December 2023, July 2022, June 2022:
    # each a header row, its photos, blank cells to the end of their row.
    counts = [1, 3, 1, 1, 1, 1]
    fills = sum(-count % columns for count in counts[:-1])
    assert model.rowCount() == 6 * columns + len(items) + fills
    assert model.index(0).data() == "April 2024 · 1 photos"  # the plural is the translator's
    assert model.index(0).data(HEADER_TEXT_ROLE) == ("April 2024", "1 photos")
    assert [model.index(c).data(HEADER_ROLE) for c in range(columns)] == list(range(columns))
    assert model.photo_at(columns) == items[0]
    march = 2 * columns
    assert model.index(march).data() == "March 2024 · 3 photos"
    rects = [grid.visualRect(model.index(row)) for row in range(model.rowCount())]
    left = rects[0].x()
    for row in range(model.rowCount()):
        index = model.index(row)
        if model.photo_at(row) is None:
            assert index.data(PATH_ROLE) is None
            assert not model.flags(index) & Qt.ItemFlag.ItemIsSelectable
        if index.data(HEADER_ROLE) == 0:  # every header starts a row of its own
            assert rects[row].x() == left and row % columns == 0
            # a short row, a line of title high, its photos right below it
            title, photo = grid.delegate.title_height(), grid.delegate.cell_size().height()
            assert {r.height() for r in rects[row : row + columns]} == {title} and title < photo
            below = rects[row + columns]
            assert below.y() == rects[row].y() + title + grid.spacing()
            assert below.height() == photo
    for number, item in enumerate(items):
        row = model.row_of(number)
        assert model.photo_index(row) == number
        section = model.section_at(row)
        assert section is not None
        assert (section.year, section.month) == EXPECTED_MONTHS[Path(item.row.path).name]
        header = model.section_row(section)
        assert rects[header].y() < rects[row].y()
    assert list(model.year_rows()) == [2024, 2023, 2022]
    assert model.photos(list(range(model.rowCount()))) == items


def test_without_sections_the_grid_is_flat_and_the_divider_stays(
    qtbot: QtBot, image_loader: ImageLoader, tmp_path: Path
) -> None:
    grid = make_grid(qtbot, image_loader, tmp_path)
    model = grid.photo_model()
    items = monthly_items(tmp_path, 3, 10)
    model.set_items(items)
    assert model.rowCount() == 30 and model.section_at(0) is None and not model.year_rows()
    assert grid.year_bar.isHidden() and grid.timeline_header.isHidden()
    # A date-sorted search with best matches: months within each part, the divider between,
    # and no year column (a year can come twice).
    model.set_items(items, 12, sections=True)
    laid_out(qtbot, grid)
    columns = model.columns
    divider = model.divider_row()
    assert divider is not None and divider % columns == 0
    assert model.section_at(divider) is None
    assert model.section_at(divider + columns) is not None  # the rest's first month header
    assert [model.photo_at(r) for r in range(model.rowCount()) if model.photo_at(r)] == items
    assert not model.year_rows() and grid.year_bar.isHidden()


def test_the_sticky_header_follows_the_scroll(
    qtbot: QtBot, image_loader: ImageLoader, tmp_path: Path
) -> None:
    grid = make_grid(qtbot, image_loader, tmp_path, 500, 400)
    model = grid.photo_model()
    items = monthly_items(tmp_path, 12, 40)
    model.set_items(items, sections=True)
    laid_out(qtbot, grid)
    header = grid.timeline_header
    qtbot.waitUntil(lambda: grid.top_row() == 0)
    assert header.isHidden(), "the first month's own header row is in view"
    for number in (45, 170, 300, 470):
        row = model.row_of(number)
        grid.scrollTo(model.index(row), QAbstractItemView.ScrollHint.PositionAtTop)
        section = model.section_at(row)
        assert section is not None
        grid.viewport().repaint()

        def shows(section: Section = section) -> bool:
            return header.section == section and header.isVisible()

        qtbot.waitUntil(shows)
        name = QLocale().standaloneMonthName(section.month)
        assert header.text() == f"{name} {section.year} · 40 photos"
        assert header.geometry().top() == grid.viewport().geometry().top()
        assert grid.year_bar.current == section.year


def test_the_year_column_jumps_to_a_year(
    qtbot: QtBot, image_loader: ImageLoader, tmp_path: Path
) -> None:
    grid = make_grid(qtbot, image_loader, tmp_path, 500, 500)
    model = grid.photo_model()
    items = monthly_items(tmp_path, 60, 6)  # 2020 .. 2024
    model.set_items(items, sections=True)
    laid_out(qtbot, grid)
    bar = grid.year_bar
    assert bar.isVisible() and bar.years() == [2024, 2023, 2022, 2021, 2020]
    assert grid.viewportMargins().right() == bar.width() > 0
    assert bar.geometry().left() > grid.viewport().geometry().right()
    assert model.columns == grid.columns()
    target = model.year_rows()[2021]
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.year_rect(2021).center())
    qtbot.waitUntil(lambda: grid.top_row() == target)
    section = model.section_at(target)
    assert section is not None and (section.year, section.month) == (2021, 12)
    grid.viewport().repaint()
    qtbot.waitUntil(lambda: bar.current == 2021)
    current = grid.currentIndex().row()
    assert model.photo_at(current) == items[model.photo_index(target + model.columns) or 0]
    model.set_items(items)  # no timeline: no year column, all the width for photos
    assert bar.isHidden() and grid.viewportMargins().right() == 0


def test_keyboard_moves_over_photos_only(
    qtbot: QtBot, image_loader: ImageLoader, tmp_path: Path
) -> None:
    grid = make_grid(qtbot, image_loader, tmp_path, 500, 400)
    model = grid.photo_model()
    items = monthly_items(tmp_path, 6, 7)
    model.set_items(items, sections=True)
    laid_out(qtbot, grid)
    assert model.columns == 5, "the moves below are worked out for 5 columns"
    grid.setFocus()

    def current() -> int | None:
        return model.photo_index(grid.currentIndex().row())

    def press(key: Qt.Key) -> int | None:
        qtbot.keyClick(grid, key)
        return current()

    # 7 photos a month in 5 columns: a header row, a full row (0-4), a short one (5, 6).
    assert press(Qt.Key.Key_End) == len(items) - 1
    assert press(Qt.Key.Key_Home) == 0
    assert press(Qt.Key.Key_Left) == 0
    assert press(Qt.Key.Key_Right) == 1
    assert press(Qt.Key.Key_Down) == 6  # the same column, one row down
    assert press(Qt.Key.Key_Down) == 8  # over the next month's header row: photo 7 + 1
    assert press(Qt.Key.Key_Up) == 6
    assert press(Qt.Key.Key_Up) == 1
    assert press(Qt.Key.Key_Up) == 1  # the first row: nowhere further up
    for _ in range(3):
        press(Qt.Key.Key_Right)
    assert current() == 4
    assert press(Qt.Key.Key_Down) == 6  # a blank cell below: the last photo of its row
    assert press(Qt.Key.Key_Right) == 7  # into the next month
    assert press(Qt.Key.Key_Left) == 6
    qtbot.keyClick(grid, Qt.Key.Key_Home)
    qtbot.keyClick(grid, Qt.Key.Key_PageDown)
    paged = current()
    assert paged is not None and paged > 0
    qtbot.keyClick(grid, Qt.Key.Key_PageUp)
    assert current() == 0
    for _ in range(20):
        qtbot.keyClick(grid, Qt.Key.Key_PageDown)
    assert current() == len(items) - 1
    # Every stop was a photo: the header cells are never current.
    assert model.photo_at(grid.currentIndex().row()) is not None


def test_enter_opens_delete_trashes_and_ctrl_a_selects_every_photo(
    qtbot: QtBot, image_loader: ImageLoader, tmp_path: Path
) -> None:
    grid = make_grid(qtbot, image_loader, tmp_path)
    model = grid.photo_model()
    items = monthly_items(tmp_path, 4, 5)
    model.set_items(items, sections=True)
    laid_out(qtbot, grid)
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Home)
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    with qtbot.waitSignal(grid.open_requested) as opened:
        qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert opened.args == [1]
    with qtbot.waitSignal(grid.open_requested) as opened:
        qtbot.keyClick(grid, Qt.Key.Key_Enter)
    assert opened.args == [1]
    with qtbot.waitSignal(grid.trash_requested):
        qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert grid.selected_photos() == [items[1]]
    qtbot.keyClick(grid, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    rows = {index.row() for index in grid.selectedIndexes()}
    assert len(rows) == len(items) and all(model.photo_at(row) for row in rows)
    assert grid.selected_photos() == items
    grid.clearSelection()
    with qtbot.assertNotEmitted(grid.trash_requested):
        qtbot.keyClick(grid, Qt.Key.Key_Delete)  # nothing selected: nothing to trash


def test_the_selection_stays_on_its_photos_when_the_columns_change(
    qtbot: QtBot, image_loader: ImageLoader, tmp_path: Path
) -> None:
    grid = make_grid(qtbot, image_loader, tmp_path)
    model = grid.photo_model()
    items = monthly_items(tmp_path, 8, 9)
    model.set_items(items, sections=True)
    laid_out(qtbot, grid)
    chosen = [items[3], items[20], items[71]]
    selection = grid.selectionModel()
    for item in chosen:
        index = model.index(model.row_of(items.index(item)))
        selection.select(index, selection.SelectionFlag.Select)
    selection.setCurrentIndex(model.index(model.row_of(20)), selection.SelectionFlag.NoUpdate)
    seen = set()
    for width in (500, 330, 800, 260, 640):
        grid.resize(width, 600)
        laid_out(qtbot, grid)
        seen.add(model.columns)
        assert model.columns == grid.columns()
        assert grid.selected_photos() == chosen
        assert model.photo_at(grid.currentIndex().row()) == items[20]
        rects = [grid.visualRect(model.index(row)) for row in range(model.rowCount())]
        for row in range(model.rowCount()):
            if model.index(row).data(HEADER_ROLE) == 0:
                assert rects[row].x() == rects[0].x() and row % model.columns == 0
        assert [model.photo_at(r) for r in range(model.rowCount()) if model.photo_at(r)] == items
    assert len(seen) >= 4
