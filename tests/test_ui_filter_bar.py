"""The filter bar on its own, offscreen: each chip sets its part of `filters()`, says its value,
and announces each change once; Clear Filters, the date popup, the sort and set_filters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QFileDialog, QPushButton, QToolButton
from pytestqt.qtbot import QtBot

from gallery.library.filters import PHOTO_TYPES, SORTS, Filters
from gallery.ui.filter_bar import TYPE_NAMES, FilterBar


class Bar:
    """The bar, the number of `changed` signals so far, and its parts by name."""

    def __init__(self, qtbot: QtBot) -> None:
        self.widget = FilterBar()
        qtbot.addWidget(self.widget)
        self.widget.show()
        self.changes = 0
        self.widget.changed.connect(self._count)

    def _count(self) -> None:
        self.changes += 1

    def chip(self, name: str) -> QToolButton:
        chip = self.widget.findChild(QToolButton, name)
        assert chip is not None
        return chip

    def entries(self, name: str) -> list[QAction]:
        menu = self.chip(name).menu()
        assert menu is not None
        return [action for action in menu.actions() if not action.isSeparator()]

    def entry(self, name: str, text: str) -> QAction:
        return next(a for a in self.entries(name) if a.text() == text)

    def shows(self, name: str) -> tuple[str, bool]:
        """A chip's text and whether it is highlighted as on."""
        chip = self.chip(name)
        return chip.text(), chip.isChecked()

    def clear_shown(self) -> bool:
        return not self.chip("clear").isHidden()


@pytest.fixture
def bar(qtbot: QtBot) -> Bar:
    return Bar(qtbot)


@pytest.fixture
def roots(tmp_path: Path) -> list[str]:
    folders = [tmp_path / "Holidays", tmp_path / "Tom & Jerry"]
    for folder in folders:
        (folder / "2019").mkdir(parents=True)
    return [str(folder) for folder in folders]


def test_nothing_is_filtered_at_first(bar: Bar) -> None:
    assert bar.widget.filters() == Filters() and bar.widget.sort() == "relevance"
    for name, text in (
        ("folders", "Folders"),
        ("date", "Date"),
        ("type", "Type"),
        ("orientation", "Orientation"),
        ("size", "Size"),
    ):
        assert bar.shows(name) == (text, False)
    assert not bar.clear_shown()


def test_the_folders_chip(bar: Bar, roots: list[str]) -> None:
    holidays, tom = roots
    bar.widget.set_folders(roots)
    assert [a.text() for a in bar.entries("folders")] == [
        "Holidays",
        "Tom && Jerry",
        "Choose Folder…",
    ]
    bar.entry("folders", "Holidays").trigger()
    assert bar.widget.filters() == Filters(folders=(holidays,))
    assert bar.changes == 1
    assert bar.shows("folders") == ("Folders: Holidays", True)
    assert bar.clear_shown()
    bar.entry("folders", "Tom && Jerry").trigger()
    assert bar.widget.filters().folders == (holidays, tom)
    assert bar.shows("folders") == ("2 folders", True)
    bar.entry("folders", "Holidays").trigger()
    assert bar.shows("folders") == ("Folders: Tom && Jerry", True)  # "&" is no shortcut mark
    bar.entry("folders", "Tom && Jerry").trigger()
    assert bar.widget.filters() == Filters() and bar.changes == 4
    assert bar.shows("folders") == ("Folders", False) and not bar.clear_shown()


def test_choose_folder_adds_a_folder_inside_the_library(
    bar: Bar, roots: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bar.widget.set_folders(roots)
    inner = str(Path(roots[0]) / "2019")
    answers = [inner, ""]  # a folder, then Cancel
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_args: answers.pop(0))
    bar.entry("folders", "Choose Folder…").trigger()
    assert bar.widget.filters().folders == (inner,) and bar.changes == 1
    assert bar.shows("folders") == ("Folders: 2019", True)
    entry = bar.entry("folders", "Holidays/2019")
    assert entry.isChecked() and entry.toolTip() == inner
    bar.entry("folders", "Choose Folder…").trigger()
    assert bar.changes == 1
    # the chosen folder stays on offer, also when the library's folders are offered again
    entry.trigger()
    bar.widget.set_folders(roots)
    assert [a.text() for a in bar.entries("folders")][:3] == [
        "Holidays",
        "Tom && Jerry",
        "Holidays/2019",
    ]
    assert bar.widget.filters() == Filters() and bar.changes == 2


def test_the_date_popup(bar: Bar) -> None:
    popup = bar.chip("date").menu()
    assert popup is not None
    checks = {c.text(): c for c in popup.findChildren(QCheckBox)}
    start, end = popup.findChildren(QDateEdit)
    assert start.calendarPopup() and not start.isEnabled()
    start.setDate(QDate(2024, 3, 1))  # a date of an unchecked side changes nothing
    assert bar.changes == 0
    checks["From"].click()
    assert start.isEnabled()
    assert bar.widget.filters() == Filters(after=date(2024, 3, 1)) and bar.changes == 1
    assert bar.shows("date") == ("Since 2024-03-01", True)
    checks["To"].click()
    end.setDate(QDate(2024, 3, 31))
    assert bar.widget.filters() == Filters(after=date(2024, 3, 1), before=date(2024, 3, 31))
    assert bar.changes == 3
    assert bar.shows("date") == ("2024-03-01 – 2024-03-31", True)
    checks["From"].click()
    assert bar.shows("date") == ("Until 2024-03-31", True)
    next(b for b in popup.findChildren(QPushButton) if b.text() == "Clear").click()
    assert bar.widget.filters() == Filters() and bar.changes == 5
    assert not checks["To"].isChecked() and not end.isEnabled()
    assert bar.shows("date") == ("Date", False)


def test_the_type_chip(bar: Bar) -> None:
    assert tuple(TYPE_NAMES) == PHOTO_TYPES
    assert [a.text() for a in bar.entries("type")] == list(TYPE_NAMES.values())
    bar.entry("type", "PNG").trigger()
    bar.entry("type", "JPEG").trigger()
    assert bar.widget.filters() == Filters(types=("jpeg", "png")) and bar.changes == 2
    assert bar.shows("type") == ("JPEG, PNG", True)
    bar.entry("type", "JPEG XL").trigger()
    assert bar.shows("type") == ("JPEG, PNG, JPEG XL", True)
    bar.entry("type", "HEIF").trigger()
    assert bar.widget.filters().types == ("jpeg", "png", "heif", "jxl")
    assert bar.shows("type") == ("4 types", True)


def test_the_orientation_chip_takes_one(bar: Bar) -> None:
    assert [a.text() for a in bar.entries("orientation")] == [
        "Any",
        "Landscape",
        "Portrait",
        "Square",
    ]
    assert bar.entry("orientation", "Any").isChecked()
    bar.entry("orientation", "Portrait").trigger()
    assert bar.widget.filters() == Filters(orientation="portrait") and bar.changes == 1
    assert bar.shows("orientation") == ("Portrait", True)
    bar.entry("orientation", "Square").trigger()
    assert bar.widget.filters().orientation == "square"
    assert not bar.entry("orientation", "Portrait").isChecked()
    bar.entry("orientation", "Any").trigger()
    assert bar.widget.filters() == Filters() and bar.changes == 3
    assert bar.shows("orientation") == ("Orientation", False)


def test_the_size_chip(bar: Bar) -> None:
    def px(size: int) -> str:
        return f"At least {QLocale().toString(size)} px"

    assert [a.text() for a in bar.entries("size") if a.isVisible()] == [
        "Any Size",
        px(640),
        px(1024),
        px(2048),
        px(4000),
    ]
    bar.entry("size", px(2048)).trigger()
    assert bar.widget.filters() == Filters(min_size=2048) and bar.changes == 1
    assert bar.shows("size") == (px(2048), True)
    bar.entry("size", "Any Size").trigger()
    assert bar.widget.filters() == Filters() and bar.changes == 2


def test_the_sort(bar: Bar, qtbot: QtBot) -> None:
    combo = bar.widget.findChild(QComboBox, "sort")
    assert combo is not None
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Relevance",
        "Newest First",
        "Oldest First",
        "Name",
    ]
    assert [combo.itemData(i) for i in range(combo.count())] == list(SORTS)
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # as a person picks the next one
    assert bar.widget.sort() == "date" and bar.changes == 1
    bar.widget.set_sort("name")
    assert bar.widget.sort() == "name" and combo.currentText() == "Name"
    assert bar.changes == 1  # the caller knows


def test_clear_filters_keeps_the_sort(bar: Bar, roots: list[str], qtbot: QtBot) -> None:
    bar.widget.set_folders(roots)
    bar.widget.set_sort("date-asc")
    bar.entry("folders", "Holidays").trigger()
    bar.entry("type", "GIF").trigger()
    bar.entry("orientation", "Landscape").trigger()
    assert bar.changes == 3 and bar.clear_shown()
    qtbot.mouseClick(bar.chip("clear"), Qt.MouseButton.LeftButton)
    assert bar.widget.filters() == Filters() and bar.changes == 4
    assert bar.widget.sort() == "date-asc"
    assert not bar.clear_shown()
    assert not any(a.isChecked() for a in bar.entries("folders") + bar.entries("type"))
    assert bar.entry("orientation", "Any").isChecked()
    bar.widget.clear_filters()  # nothing was on: nothing changed
    assert bar.changes == 4


def test_set_filters_round_trip(bar: Bar, roots: list[str], tmp_path: Path) -> None:
    bar.widget.set_folders(roots)
    elsewhere = str(tmp_path / "elsewhere")
    filters = Filters(
        folders=(roots[1], elsewhere),
        after=date(2023, 12, 24),
        before=date(2024, 1, 2),
        types=("webp", "avif"),
        orientation="landscape",
        min_size=800,  # from the command line, none of the bar's own sizes
    )
    bar.widget.set_filters(filters)
    assert bar.widget.filters() == filters and bar.changes == 0
    assert bar.shows("folders") == ("2 folders", True)
    assert bar.shows("date") == ("2023-12-24 – 2024-01-02", True)
    assert bar.shows("type") == ("WebP, AVIF", True)
    assert bar.shows("orientation") == ("Landscape", True)
    size_text = f"At least {QLocale().toString(800)} px"
    assert bar.shows("size") == (size_text, True)
    assert bar.entry("size", size_text).isChecked()
    assert [a.text() for a in bar.entries("folders") if a.isChecked()] == [
        "Tom && Jerry",
        elsewhere,
    ]
    popup = bar.chip("date").menu()
    assert popup is not None
    assert all(c.isChecked() for c in popup.findChildren(QCheckBox))
    assert [e.date() for e in popup.findChildren(QDateEdit)] == [
        QDate(2023, 12, 24),
        QDate(2024, 1, 2),
    ]
    bar.entry("type", "WebP").trigger()  # a person's change goes on from there
    assert bar.widget.filters() == Filters(
        folders=filters.folders,
        after=filters.after,
        before=filters.before,
        types=("avif",),
        orientation="landscape",
        min_size=800,
    )
    assert bar.changes == 1
    bar.widget.set_filters(Filters())
    assert not bar.entry("size", size_text).isVisible()
    assert bar.shows("size") == ("Size", False) and bar.changes == 1
