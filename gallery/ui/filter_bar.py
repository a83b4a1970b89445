"""The filter bar: chips beside the search box for folders, date taken, file type, orientation
and size, the sort order, and Clear Filters.

The bar holds one `Filters` value and redraws every chip from it, so a person's change,
`set_filters` and `clear_filters` all take the same path and a change is announced once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import cast

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from gallery.library.filters import PHOTO_TYPES, SORTS, Filters, Orientation, Sort

# Format names as their makers write them (not translated); every one of PHOTO_TYPES.
TYPE_NAMES: dict[str, str] = {
    "jpeg": "JPEG",
    "png": "PNG",
    "heif": "HEIF",
    "webp": "WebP",
    "avif": "AVIF",
    "jxl": "JPEG XL",
    "tiff": "TIFF",
    "gif": "GIF",
    "bmp": "BMP",
}
MIN_SIZES = (640, 1024, 2048, 4000)  # pixels on the shorter side
_NAMED_TYPES = 3  # a Type chip names up to this many types, then counts them
_DATE_FORMAT = "yyyy-MM-dd"  # the CLI's --after/--before format, in every language
_CHIP_STYLE = """
QToolButton { border: 1px solid palette(mid); border-radius: 11px; padding: 2px 20px 2px 10px; }
QToolButton:hover { border-color: palette(highlight); }
QToolButton:checked { background: palette(highlight); color: palette(highlighted-text);
                      border-color: palette(highlight); }
QToolButton::menu-indicator { subcontrol-position: right center; right: 7px; }
"""


class FilterBar(QWidget):
    changed = Signal()  # the filters or the sort changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filters = Filters()
        self._roots: tuple[str, ...] = ()
        self._chosen: list[str] = []  # folders picked with Choose Folder…, offered after the roots
        self._orientation_names: dict[str, str] = {
            "landscape": self.tr("Landscape"),
            "portrait": self.tr("Portrait"),
            "square": self.tr("Square"),
        }
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self._folder_chip = self._chip("folders", self.tr("Only photos in these folders"))
        self._date_chip = self._chip(
            "date", self.tr("Only photos taken on these days (the camera's date, else the file's)")
        )
        self._type_chip = self._chip("type", self.tr("Only these file types"))
        self._orientation_chip = self._chip(
            "orientation", self.tr("Only landscape, portrait or square photos")
        )
        self._size_chip = self._chip(
            "size", self.tr("Only photos whose shorter side has at least this many pixels")
        )
        self._clear_button = QToolButton(self)
        self._clear_button.setObjectName("clear")
        self._clear_button.setText(self.tr("Clear Filters"))
        self._clear_button.setAutoRaise(True)
        self._clear_button.clicked.connect(self.clear_filters)
        self._sort_combo = QComboBox(self)
        self._sort_combo.setObjectName("sort")
        sort_label = QLabel(self.tr("Sort:"), self)
        sort_label.setBuddy(self._sort_combo)
        for widget in (
            self._folder_chip,
            self._date_chip,
            self._type_chip,
            self._orientation_chip,
            self._size_chip,
            self._clear_button,
        ):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(sort_label)
        layout.addWidget(self._sort_combo)
        self._build_folder_menu()
        self._build_date_popup()
        self._build_type_menu()
        self._build_orientation_menu()
        self._build_size_menu()
        self._build_sort_combo()
        self._sync()

    # the interface --------------------------------------------------------------------------
    def set_folders(self, roots: Sequence[str]) -> None:
        """Offer the library's folders (and keep those picked with Choose Folder…)."""
        self._roots = tuple(_absolute(root) for root in roots)
        self._rebuild_folder_entries()
        self._sync()

    def filters(self) -> Filters:
        return self._filters

    def set_filters(self, filters: Filters) -> None:
        """Show `filters` (folders it names are offered too); emits nothing: the caller knows."""
        for folder in filters.folders:
            self._offer_folder(folder)
        self._filters = filters
        self._sync()

    def sort(self) -> Sort:
        return cast(Sort, self._sort_combo.currentData())

    def set_sort(self, sort: Sort) -> None:
        """Show `sort`; emits nothing."""
        self._sort_combo.blockSignals(True)
        self._sort_combo.setCurrentIndex(SORTS.index(sort))
        self._sort_combo.blockSignals(False)

    def clear_filters(self) -> None:
        """Every filter off (the sort kept); emits changed when one was on."""
        self._apply(Filters())

    # building -------------------------------------------------------------------------------
    def _chip(self, name: str, tooltip: str) -> QToolButton:
        chip = QToolButton(self)
        chip.setObjectName(name)
        chip.setToolTip(tooltip)
        chip.setCheckable(True)  # checked = the filter is on (drawn highlighted)
        chip.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        chip.setStyleSheet(_CHIP_STYLE)
        chip.setMenu(QMenu(self))
        return chip

    def _menu(self, chip: QToolButton) -> QMenu:
        menu = chip.menu()
        assert menu is not None
        return menu

    def _build_folder_menu(self) -> None:
        menu = self._menu(self._folder_chip)
        menu.setToolTipsVisible(True)
        menu.triggered.connect(self._folders_edited)
        menu.addSeparator()
        menu.addAction(self.tr("Choose Folder…"), self._choose_folder)

    def _build_date_popup(self) -> None:
        menu = self._menu(self._date_chip)
        popup = QWidget(menu)
        grid = QGridLayout(popup)
        self._from_check = QCheckBox(self.tr("From"), popup)
        self._to_check = QCheckBox(self.tr("To"), popup)
        self._from_edit = _date_edit(popup)
        self._to_edit = _date_edit(popup)
        clear = QPushButton(self.tr("Clear"), popup)
        grid.addWidget(self._from_check, 0, 0)
        grid.addWidget(self._from_edit, 0, 1)
        grid.addWidget(self._to_check, 1, 0)
        grid.addWidget(self._to_edit, 1, 1)
        grid.addWidget(clear, 2, 1, Qt.AlignmentFlag.AlignRight)
        for check in (self._from_check, self._to_check):
            check.toggled.connect(self._dates_edited)
        for edit in (self._from_edit, self._to_edit):
            edit.dateChanged.connect(self._dates_edited)
        clear.clicked.connect(self._clear_dates)
        action = QWidgetAction(menu)
        action.setDefaultWidget(popup)
        menu.addAction(action)

    def _build_type_menu(self) -> None:
        menu = self._menu(self._type_chip)
        for kind in PHOTO_TYPES:
            action = menu.addAction(TYPE_NAMES[kind])
            action.setCheckable(True)
            action.setData(kind)
        menu.triggered.connect(self._types_edited)

    def _build_orientation_menu(self) -> None:
        menu = self._menu(self._orientation_chip)
        self._orientations = QActionGroup(menu)
        for value, text in (("", self.tr("Any")), *self._orientation_names.items()):
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setData(value)
            self._orientations.addAction(action)
        self._orientations.triggered.connect(self._orientation_chosen)

    def _build_size_menu(self) -> None:
        menu = self._menu(self._size_chip)
        self._sizes = QActionGroup(menu)
        for size in (0, *MIN_SIZES, 0):
            action = menu.addAction(self.tr("Any Size") if size == 0 else self._size_text(size))
            action.setCheckable(True)
            action.setData(size)
            self._sizes.addAction(action)
        # the last entry shows a size set_filters gave that is none of the above (hidden else)
        self._other_size = menu.actions()[-1]
        self._sizes.triggered.connect(self._size_chosen)

    def _build_sort_combo(self) -> None:
        names: dict[Sort, str] = {
            "relevance": self.tr("Relevance"),
            "date": self.tr("Newest First"),
            "date-asc": self.tr("Oldest First"),
            "name": self.tr("Name"),
        }
        for sort in SORTS:
            self._sort_combo.addItem(names[sort], sort)
        self._sort_combo.currentIndexChanged.connect(self._sort_chosen)

    # folders --------------------------------------------------------------------------------
    def _rebuild_folder_entries(self) -> None:
        menu = self._menu(self._folder_chip)
        for action in self._folder_actions():
            menu.removeAction(action)
            action.deleteLater()
        for folder in (*self._roots, *self._chosen, *self._filters.folders):
            self._offer_folder(folder)

    def _folder_actions(self) -> list[QAction]:
        return [a for a in self._menu(self._folder_chip).actions() if isinstance(a.data(), str)]

    def _offer_folder(self, folder: str) -> None:
        """Add a checkable entry for `folder` before the separator, unless it has one."""
        if any(a.data() == folder for a in self._folder_actions()):
            return
        menu = self._menu(self._folder_chip)
        separator = menu.actions()[len(self._folder_actions())]
        action = QAction(_menu_text(self._folder_label(folder)), menu)
        action.setToolTip(folder)
        action.setCheckable(True)
        action.setData(folder)
        menu.insertAction(separator, action)

    def _folder_label(self, folder: str) -> str:
        """A library folder by its name; a folder inside one as "Photos/2019/Holidays"."""
        path = Path(folder)
        for root in self._roots:
            if path.is_relative_to(root) and path != Path(root):
                return str(Path(Path(root).name) / path.relative_to(root))
        return _folder_name(folder) if folder in self._roots else folder

    def _choose_folder(self) -> None:
        """Choose Folder…: any folder (usually one inside a library folder) to search in."""
        start = self._roots[0] if self._roots else str(Path.home())
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose a Folder"), start)
        if chosen:
            self._pick_folder(_absolute(chosen))

    def _pick_folder(self, folder: str) -> None:
        if folder not in self._roots and folder not in self._chosen:
            self._chosen.append(folder)
        self._offer_folder(folder)
        if folder not in self._filters.folders:
            self._apply(
                dataclasses.replace(self._filters, folders=(*self._filters.folders, folder))
            )

    def _folders_edited(self, action: QAction) -> None:
        if isinstance(action.data(), str):
            checked = tuple(a.data() for a in self._folder_actions() if a.isChecked())
            self._apply(dataclasses.replace(self._filters, folders=checked))

    # the other chips ------------------------------------------------------------------------
    def _dates_edited(self) -> None:
        self._from_edit.setEnabled(self._from_check.isChecked())
        self._to_edit.setEnabled(self._to_check.isChecked())
        after = _day(self._from_edit.date()) if self._from_check.isChecked() else None
        before = _day(self._to_edit.date()) if self._to_check.isChecked() else None
        self._apply(dataclasses.replace(self._filters, after=after, before=before))

    def _clear_dates(self) -> None:
        self._apply(dataclasses.replace(self._filters, after=None, before=None))

    def _types_edited(self, _action: QAction) -> None:
        menu = self._menu(self._type_chip)
        types = tuple(str(a.data()) for a in menu.actions() if a.isChecked())
        self._apply(dataclasses.replace(self._filters, types=types))

    def _orientation_chosen(self, action: QAction) -> None:
        orientation = cast(Orientation, action.data()) or None
        self._apply(dataclasses.replace(self._filters, orientation=orientation))

    def _size_chosen(self, action: QAction) -> None:
        size = int(action.data()) or None
        self._apply(dataclasses.replace(self._filters, min_size=size))

    def _sort_chosen(self, _index: int) -> None:
        self.changed.emit()

    # one way to change ----------------------------------------------------------------------
    def _apply(self, filters: Filters) -> None:
        if filters != self._filters:
            self._filters = filters
            self._sync()
            self.changed.emit()

    def _sync(self) -> None:
        """Every chip, check and date from `_filters`."""
        f = self._filters
        for action in self._folder_actions():
            action.setChecked(action.data() in f.folders)
        for action in self._menu(self._type_chip).actions():
            action.setChecked(action.data() in f.types)
        for action in self._orientations.actions():
            action.setChecked(action.data() == (f.orientation or ""))
        self._sync_size(f.min_size)
        self._sync_dates(f.after, f.before)
        chips = (
            (self._folder_chip, self.tr("Folders"), self._folders_text(f.folders)),
            (self._date_chip, self.tr("Date"), self._date_text(f.after, f.before)),
            (self._type_chip, self.tr("Type"), self._types_text(f.types)),
            (
                self._orientation_chip,
                self.tr("Orientation"),
                self._orientation_names.get(f.orientation or ""),
            ),
            (self._size_chip, self.tr("Size"), self._size_text(f.min_size) if f.min_size else None),
        )
        for chip, name, value in chips:
            chip.setText(_menu_text(value or name))
            chip.setChecked(value is not None)
        self._clear_button.setVisible(f.active)

    def _sync_size(self, size: int | None) -> None:
        other = size is not None and size not in MIN_SIZES
        self._other_size.setVisible(other)
        if other:
            assert size is not None
            self._other_size.setText(self._size_text(size))
            self._other_size.setData(size)
        for action in self._sizes.actions():
            action.setChecked(action.data() == (size or 0) and action.isVisible())

    def _sync_dates(self, after: date | None, before: date | None) -> None:
        for check, edit, day in (
            (self._from_check, self._from_edit, after),
            (self._to_check, self._to_edit, before),
        ):
            check.blockSignals(True)
            edit.blockSignals(True)
            check.setChecked(day is not None)
            edit.setEnabled(day is not None)
            if day is not None:
                edit.setDate(QDate(day.year, day.month, day.day))
            check.blockSignals(False)
            edit.blockSignals(False)

    # chip texts -----------------------------------------------------------------------------
    def _folders_text(self, folders: tuple[str, ...]) -> str | None:
        if not folders:
            return None
        if len(folders) == 1:
            return self.tr("Folders: {name}").format(name=_folder_name(folders[0]))
        n = len(folders)
        return self.tr("%Ln folders", "", n)

    def _date_text(self, after: date | None, before: date | None) -> str | None:
        if after and before:
            return self.tr("{start} – {end}").format(
                start=after.isoformat(), end=before.isoformat()
            )
        if after:
            return self.tr("Since {date}").format(date=after.isoformat())
        if before:
            return self.tr("Until {date}").format(date=before.isoformat())
        return None

    def _types_text(self, types: tuple[str, ...]) -> str | None:
        if not types:
            return None
        if len(types) <= _NAMED_TYPES:
            return ", ".join(TYPE_NAMES[kind] for kind in types)
        n = len(types)
        return self.tr("%Ln types", "", n)

    def _size_text(self, size: int) -> str:
        return self.tr("At least {size} px").format(size=QLocale().toString(size))


def _absolute(folder: str) -> str:
    return str(Path(folder).absolute())


def _folder_name(folder: str) -> str:
    return Path(folder).name or folder


def _menu_text(text: str) -> str:
    """Buttons and menus read "&" as a shortcut mark; a folder "Tom & Jerry" keeps its "&"."""
    return text.replace("&", "&&")


def _date_edit(parent: QWidget) -> QDateEdit:
    edit = QDateEdit(QDate.currentDate(), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(_DATE_FORMAT)
    edit.setEnabled(False)
    return edit


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
