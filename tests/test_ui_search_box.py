"""The search box on its own, offscreen: images dropped and pasted become `[label]` terms the
query parser reads back, text stays text, and the recent searches drop down and persist."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
)
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from gallery.library.query import ImagePaths, ImagePixels, parse_query
from gallery.settings import Settings
from gallery.ui.search_box import RECENT_LIMIT, SearchBox
from tests.support.tiny_models import solid_colour_image


@pytest.fixture
def box(qtbot: QtBot) -> SearchBox:
    box = SearchBox()
    qtbot.addWidget(box)
    box.show()
    return box


@pytest.fixture
def clipboard() -> Iterator[QMimeData]:
    """The process's clipboard (the offscreen platform keeps one), emptied afterwards."""
    yield QMimeData()
    QGuiApplication.clipboard().clear()


def _file_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    return mime


def _drop(box: SearchBox, mime: QMimeData) -> bool:
    """Drag `mime` over the box and drop it, as a file manager would; True if it was taken."""
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(box, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(box, drop)
    return drop.isAccepted()


def _paste(qtbot: QtBot, box: SearchBox) -> None:
    qtbot.keyClick(box, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def _context_menu_paste(box: SearchBox) -> QAction:
    """Open the box's context menu and return its Paste (the menu stays open, not modal;
    an earlier one is closed first)."""
    for menu in QApplication.topLevelWidgets():
        if isinstance(menu, QMenu):
            menu.close()
    QApplication.sendEvent(
        box,
        QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, QPoint(5, 5), box.mapToGlobal(QPoint(5, 5))
        ),
    )
    menu = next(
        m
        for m in QApplication.topLevelWidgets()
        if isinstance(m, QMenu) and m.isVisible() and m.findChild(QAction, "edit-paste")
    )
    paste = menu.findChild(QAction, "edit-paste")
    assert paste is not None
    return paste


def _recent_menu(box: SearchBox) -> QMenu:
    menu = box.findChild(QMenu)
    assert menu is not None
    return menu


def _recent_texts(box: SearchBox) -> list[str]:
    return [a.data() for a in _recent_menu(box).actions() if isinstance(a.data(), str)]


def test_dropped_image_files_become_terms_the_parser_reads(box: SearchBox, tmp_path: Path) -> None:
    red = solid_colour_image(tmp_path / "red.jpg", "red")
    blue = solid_colour_image(tmp_path / "other" / "red.png", "blue")
    box.setText("beach")
    assert _drop(box, _file_mime(red))
    assert box.text() == "beach + [red.jpg]"
    assert box.attachments() == {"red.jpg": ImagePaths((str(red),), "red.jpg")}
    # two files at once: one term each; a name already attached gets a number
    assert _drop(box, _file_mime(blue, red))
    assert box.text() == "beach + [red.jpg] + [red.png] + [red.jpg 2]"
    query = parse_query(box.text(), box.attachments())
    assert [t.text for t in query.terms] == ["beach", None, None, None]
    assert [getattr(t.image, "paths", None) for t in query.terms[1:]] == [
        (str(red),),
        (str(blue),),
        (str(red),),
    ]


def test_a_drop_after_a_minus_excludes_the_image(box: SearchBox, tmp_path: Path) -> None:
    red = solid_colour_image(tmp_path / "red.jpg", "red")
    box.setText("beach -")
    assert _drop(box, _file_mime(red))
    assert box.text() == "beach - [red.jpg]"
    assert parse_query(box.text(), box.attachments()).terms[1].weight == -1.0


def test_drags_that_are_not_image_files_are_not_attached(box: SearchBox, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not an image")
    assert not _drop(box, _file_mime(notes))
    assert not _drop(box, _file_mime(tmp_path))  # a folder
    assert box.attachments() == {}
    assert box.text() == ""


def test_a_pasted_image_attaches_as_pixels(
    qtbot: QtBot, box: SearchBox, clipboard: QMimeData
) -> None:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 10, 20))
    QGuiApplication.clipboard().setImage(image)
    box.setText("at night")
    _paste(qtbot, box)
    assert box.text() == "at night + [pasted image]"
    _paste(qtbot, box)
    assert box.text() == "at night + [pasted image] + [pasted image 2]"
    attached = box.attachments()
    assert list(attached) == ["pasted image", "pasted image 2"]
    pixels = attached["pasted image"]
    assert isinstance(pixels, ImagePixels) and pixels.label == "pasted image"
    assert pixels.image.size == (40, 30) and pixels.image.mode == "RGB"
    assert pixels.image.getpixel((5, 5)) == (200, 10, 20)
    assert attached["pasted image 2"].label == "pasted image 2"
    query = parse_query(box.text(), attached)
    assert [t.image for t in query.terms[1:]] == [
        attached["pasted image"],
        attached["pasted image 2"],
    ]


def test_a_transparent_pasted_image_keeps_its_alpha(
    qtbot: QtBot, box: SearchBox, clipboard: QMimeData
) -> None:
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 255, 0))
    QGuiApplication.clipboard().setImage(image)
    _paste(qtbot, box)
    pixels = box.attachments()["pasted image"]
    assert isinstance(pixels, ImagePixels) and pixels.image.mode == "RGBA"
    assert pixels.image.getpixel((0, 0)) == (0, 0, 255, 0)


def test_pasted_files_attach_and_text_stays_text(
    qtbot: QtBot, box: SearchBox, clipboard: QMimeData, tmp_path: Path
) -> None:
    red = solid_colour_image(tmp_path / "red.jpg", "red")
    QGuiApplication.clipboard().setMimeData(_file_mime(red))
    _paste(qtbot, box)
    assert box.text() == "[red.jpg]"
    assert box.attachments() == {"red.jpg": ImagePaths((str(red),), "red.jpg")}
    QGuiApplication.clipboard().setText(" + golden retriever")
    _paste(qtbot, box)
    assert box.text() == "[red.jpg] + golden retriever"
    assert list(box.attachments()) == ["red.jpg"]


def test_the_context_menus_paste_attaches_images_too(box: SearchBox, clipboard: QMimeData) -> None:
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(QColor("green"))
    QGuiApplication.clipboard().setImage(image)
    paste = _context_menu_paste(box)
    assert paste.isEnabled()  # Qt's own Paste is disabled when the clipboard has no text
    paste.trigger()
    assert box.text() == "[pasted image]"
    QGuiApplication.clipboard().setText("sunset")
    box.clear()
    _context_menu_paste(box).trigger()
    assert box.text() == "sunset" and box.attachments() == {}
    QGuiApplication.clipboard().clear()
    assert not _context_menu_paste(box).isEnabled()


def test_attachments_follow_the_text(box: SearchBox, tmp_path: Path) -> None:
    red = solid_colour_image(tmp_path / "red.jpg", "red")
    blue = solid_colour_image(tmp_path / "blue [1].jpg", "blue")
    box.attach(ImagePaths((str(red),), "red.jpg"))
    box.attach(ImagePaths((str(blue),), "blue [1].jpg"))
    assert box.text() == "[red.jpg] + [blue (1).jpg]"  # brackets in a name would end the label
    assert list(parse_query(box.text(), box.attachments()).terms) != []
    box.setSelection(0, len("[red.jpg] + "))
    box.del_()  # deleted by hand: Undo brings it back
    assert box.text() == "[blue (1).jpg]"
    assert list(box.attachments()) == ["blue (1).jpg"]
    box.undo()
    assert list(box.attachments()) == ["red.jpg", "blue (1).jpg"]
    box.clear()
    assert box.attachments() == {}
    # a label the text no longer names is free again
    box.attach(ImagePaths((str(blue),), "red.jpg"))
    assert box.text() == "[red.jpg]"
    assert box.attachments() == {"red.jpg": ImagePaths((str(blue),), "red.jpg")}


def test_escape_clears_the_query_and_its_images(
    qtbot: QtBot, box: SearchBox, tmp_path: Path
) -> None:
    box.attach(ImagePaths((str(tmp_path / "a.jpg"),), "a.jpg"))
    with qtbot.waitSignal(box.cleared):
        qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == "" and box.attachments() == {}


def test_an_image_query_replaces_the_text(box: SearchBox, tmp_path: Path) -> None:
    box.attach(ImagePaths((str(tmp_path / "a.jpg"),), "a.jpg"))
    box.setText("dog + [a.jpg]")
    photos = ImagePaths((str(tmp_path / "b.jpg"), str(tmp_path / "c.jpg")), "2 photos")
    with_changes: list[str] = []
    box.textChanged.connect(lambda _text: with_changes.append(str(box.attachments())))
    box.set_image_query(photos)
    assert box.text() == "[2 photos]"
    assert box.attachments() == {"2 photos": photos}
    assert with_changes == [str({"2 photos": photos})]  # attached before the text announced it


def test_recent_searches_most_recent_first_without_duplicates(qtbot: QtBot, box: SearchBox) -> None:
    changes: list[list[str]] = []
    box.recent_changed.connect(changes.append)
    box.remember("red car")
    box.remember("  beach  ")
    box.remember("red car")
    box.remember("")
    box.remember("dog + [pasted image]")  # its image would not be there when picked
    assert _recent_texts(box) == ["red car", "beach"]
    assert changes == [["red car"], ["beach", "red car"], ["red car", "beach"]]
    for i in range(20):
        box.remember(f"query {i}")
    assert len(_recent_texts(box)) == RECENT_LIMIT
    assert _recent_texts(box)[0] == "query 19" and _recent_texts(box)[-1] == "query 5"
    box.clear_recent()
    assert _recent_texts(box) == [] and changes[-1] == []


def test_picking_a_recent_search_fills_the_box(qtbot: QtBot, box: SearchBox) -> None:
    recent_action = box.actions()[-1]
    assert not recent_action.isVisible()  # nothing to offer yet
    box.set_recent(["salt & pepper", "beach", "beach"])
    assert recent_action.isVisible() and recent_action.toolTip() == "Recent Searches"
    menu = _recent_menu(box)
    recent_action.trigger()
    qtbot.waitUntil(menu.isVisible)
    texts = [a.text() for a in menu.actions()]
    assert texts == ["salt && pepper", "beach", "", "Clear Recent Searches"]
    with qtbot.waitSignal(box.recent_selected) as picked:
        menu.actions()[0].trigger()
    assert picked.args == ["salt & pepper"] and box.text() == "salt & pepper"


def test_down_in_an_empty_box_opens_the_recent_searches(qtbot: QtBot, box: SearchBox) -> None:
    menu = _recent_menu(box)
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert not menu.isVisible()  # none yet
    box.set_recent(["beach"])
    box.setText("sea")
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert not menu.isVisible()  # only in an empty box
    box.clear()
    qtbot.keyClick(box, Qt.Key.Key_Down)
    qtbot.waitUntil(menu.isVisible)
    menu.hide()


def test_clear_recent_searches_from_the_menu(qtbot: QtBot, box: SearchBox) -> None:
    box.set_recent(["beach", "dog"])
    with qtbot.waitSignal(box.recent_changed) as changed:
        _recent_menu(box).actions()[-1].trigger()
    assert changed.args == [[]]
    assert _recent_texts(box) == [] and not box.actions()[-1].isVisible()


def test_settings_keep_the_recent_searches(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert Settings().recent_searches == []
    Settings(recent_searches=["red car", "beach"]).save(path)
    assert Settings.load(path).recent_searches == ["red car", "beach"]
