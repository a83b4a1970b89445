"""The viewer's side panel: what is known about the photo on screen.

Two sources: the library's row (date and where it came from, size, format, the search score)
is there at once; the file's details (`PhotoInfo`: camera, lens, exposure, place) arrive from a
worker a moment later. `show_extra` is where later features add lines of their own (the text
recognised in a photo).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDateTime, QLocale, Qt, QTimeZone
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from gallery.imaging.photo_info import PhotoInfo, map_url
from gallery.ui import i18n
from gallery.ui.photo_model import PhotoItem

PANEL_WIDTH = 300


def wall_clock(seconds: float) -> str:
    """A wall-clock time (EXIF, or `PhotoRow.when`: stored as if UTC) as the locale writes it,
    without shifting it into this computer's zone."""
    moment = QDateTime.fromSecsSinceEpoch(int(seconds), QTimeZone.utc())
    locale = QLocale()
    day = locale.toString(moment.date(), QLocale.FormatType.LongFormat)
    return f"{day} {locale.toString(moment.time(), QLocale.FormatType.ShortFormat)}"


def shutter(seconds: float) -> str:
    """1/250 s for short exposures, 2.5 s for long ones: how cameras show it."""
    if seconds < 1:
        return f"1/{round(1 / seconds)} s"
    return f"{seconds:g} s"


def degrees(latitude: float, longitude: float) -> str:
    north = "N" if latitude >= 0 else "S"
    east = "E" if longitude >= 0 else "W"
    return f"{abs(latitude):.6f}° {north}, {abs(longitude):.6f}° {east}"


class InfoPanel(QScrollArea):
    """A form of labels, rebuilt for each photo; the path and values can be selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFixedWidth(PANEL_WIDTH)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._body = QWidget()
        layout = QVBoxLayout(self._body)
        self._title = QLabel()
        self._title.setWordWrap(True)
        self._title.setStyleSheet("font-weight: bold;")
        self._form = QFormLayout()
        self._form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self._extra = QFormLayout()
        self._extra.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        layout.addWidget(self._title)
        layout.addLayout(self._form)
        layout.addLayout(self._extra)
        layout.addStretch(1)
        self.setWidget(self._body)
        self._item: PhotoItem | None = None
        self._info: PhotoInfo | None = None

    def show_photo(self, item: PhotoItem, info: PhotoInfo | None) -> None:
        """The photo's row now; its file's details when `info` is there (None: still reading)."""
        self._item, self._info = item, info
        _clear(self._extra)
        self._fill()

    def show_extra(self, title: str, lines: list[str]) -> None:
        """Lines a later feature knows about the photo on screen (recognised text), under
        their own heading; replaced with the next photo."""
        _clear(self._extra)
        if lines:
            self._extra.addRow(_caption(title), _value("\n".join(lines)))

    def rows(self) -> dict[str, str]:
        """What the panel shows, caption -> text (the tests read it; so could a copy action)."""
        shown: dict[str, str] = {}
        for form in (self._form, self._extra):
            for row in range(form.rowCount()):
                caption = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                value = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
                if caption is not None and value is not None:
                    label, text = caption.widget(), value.widget()
                    if isinstance(label, QLabel) and isinstance(text, QLabel):
                        shown[label.text()] = text.text()
        return shown

    def _fill(self) -> None:
        _clear(self._form)
        item, info = self._item, self._info
        if item is None:
            return
        row = item.row
        self._title.setText(Path(row.path).name)
        if item.score is not None:
            score = f"{item.score:.3f}"
            text = self.tr("{score} · best match") if item.best else "{score}"
            self._add(self.tr("Search score"), text.format(score=score))
        if item.text is not None:
            self._add(self.tr("Found by its text"), item.text)
        taken = row.taken_at
        if taken is None and info is not None:
            taken = info.taken_at  # a photo the library has not indexed yet
        if taken is not None:
            source = self.tr("from the camera (EXIF)")
            self._add(self.tr("Date taken"), f"{wall_clock(taken)}\n{source}")
        else:
            source = self.tr("file modified date")
            self._add(self.tr("Date"), f"{wall_clock(row.when)}\n{source}")
        if info is not None:
            self._add_camera(info)
        width = row.width or (info.width if info else None)
        height = row.height or (info.height if info else None)
        if width and height:
            megapixels = QLocale().toString(width * height / 1e6, "f", 1)
            dimensions = self.tr("{width} × {height} ({megapixels} MP)").format(
                width=i18n.number(width), height=i18n.number(height), megapixels=megapixels
            )
            self._add(self.tr("Dimensions"), dimensions)
        self._add(self.tr("File size"), i18n.size(row.size))
        file_format = row.format or (info.format if info else None)
        if file_format:
            self._add(self.tr("Format"), file_format.upper())
        if info is not None and info.latitude is not None and info.longitude is not None:
            self._add_place(info, info.latitude, info.longitude)
        self._add(self.tr("Path"), row.path)
        if info is None:
            self._add("", self.tr("Reading the photo's details…"))

    def _add_camera(self, info: PhotoInfo) -> None:
        if info.camera:
            self._add(self.tr("Camera"), info.camera)
        if info.lens:
            self._add(self.tr("Lens"), info.lens)
        parts = []
        if info.exposure_time is not None:
            parts.append(shutter(info.exposure_time))
        if info.f_number is not None:
            parts.append(f"f/{info.f_number:g}")
        if info.iso is not None:
            parts.append(f"ISO {info.iso}")
        if info.focal_length is not None:
            focal = f"{info.focal_length:g} mm"
            if info.focal_length_35mm and info.focal_length_35mm != round(info.focal_length):
                focal += self.tr(" ({equivalent} mm in 35 mm terms)").format(
                    equivalent=info.focal_length_35mm
                )
            parts.append(focal)
        if parts:
            self._add(self.tr("Exposure"), " · ".join(parts))

    def _add_place(self, info: PhotoInfo, latitude: float, longitude: float) -> None:
        text = degrees(latitude, longitude)
        if info.altitude is not None:
            text += "\n" + self.tr("{metres} m above sea level").format(
                metres=QLocale().toString(info.altitude, "f", 0)
            )
        self._add(self.tr("Location"), text)
        link = QLabel(f'<a href="{map_url(latitude, longitude)}">{self.tr("Show on a map")}</a>')
        link.setOpenExternalLinks(True)
        link.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        link.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._form.addRow(_caption(""), link)

    def _add(self, caption: str, text: str) -> None:
        self._form.addRow(_caption(caption), _value(text))


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


def _value(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the viewer
    return label


def _clear(form: QFormLayout) -> None:
    while form.rowCount():
        form.removeRow(0)
