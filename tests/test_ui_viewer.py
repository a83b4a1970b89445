"""The viewer with real photos, offscreen: zoom, pan, full screen, navigation, slideshow, the
info panel, background decodes at screen size first, and what it keeps and frees."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QLocale, QPoint, QPointF, Qt, QTime
from PySide6.QtGui import QNativeGestureEvent, QPointingDevice, QWheelEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from gallery.imaging.photo_info import map_url
from gallery.library.store import PhotoRow
from gallery.settings import Settings
from gallery.ui.photo_model import PhotoItem
from gallery.ui.viewer import PhotoViewer
from tests.conftest import CORPUS
from tests.test_photo_info import camera_jpeg

WAIT = 10_000
SIZES = [(640, 480), (1200, 800), (3000, 2000), (500, 700), (900, 600)]


def _row(path: Path, taken_at: float | None = None) -> PhotoRow:
    stat = path.stat()
    with Image.open(path) as image:
        width, height = image.size
    return PhotoRow(0, str(path), stat.st_size, stat.st_mtime_ns, taken_at, width, height, "jpeg")


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    """Five JPEGs of different sizes (the third larger than a screen-size decode)."""
    made = []
    for number, (width, height) in enumerate(SIZES, 1):
        path = tmp_path / f"photo{number}.jpg"
        Image.new("RGB", (width, height), (number * 40, 90, 200 - number * 30)).save(path)
        made.append(path)
    return made


@pytest.fixture
def open_viewer(qtbot: QtBot) -> Iterator[Callable[..., PhotoViewer]]:
    opened: list[PhotoViewer] = []

    def open_(
        items: list[PhotoItem] | list[str], start: int = 0, settings: Settings | None = None
    ) -> PhotoViewer:
        viewer = PhotoViewer(items, start, settings=settings)
        qtbot.addWidget(viewer)
        if settings is None:  # else the settings' geometry counts
            viewer.resize(1000, 700)
        with qtbot.waitActive(viewer):  # the keys are window shortcuts: the window is active
            viewer.show()
            viewer.activateWindow()
        opened.append(viewer)
        return viewer

    yield open_
    for viewer in opened:
        viewer.close()


def _items(photos: list[Path]) -> list[PhotoItem]:
    return [PhotoItem(_row(path)) for path in photos]


def _shown(qtbot: QtBot, viewer: PhotoViewer, width: int | None = None) -> None:
    """Wait until the canvas paints the current photo (at `width` decoded pixels if given)."""

    def ready() -> bool:
        image = viewer.canvas.image()
        return image is not None and (width is None or image.width() == width)

    qtbot.waitUntil(ready, timeout=WAIT)


def _width(viewer: PhotoViewer) -> int:
    """The decoded width of what the canvas paints (0: nothing)."""
    image = viewer.canvas.image()
    return 0 if image is None else image.width()


def _wheel(widget: QWidget, at: QPointF, notches: int) -> None:
    event = QWheelEvent(
        at,
        QPointF(widget.mapToGlobal(at.toPoint())),
        QPoint(),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_opens_at_the_given_photo_and_moves_with_the_keys(
    qtbot: QtBot, photos: list[Path], open_viewer: Callable[..., PhotoViewer]
) -> None:
    viewer = open_viewer(_items(photos), 2)
    assert viewer.current_path == str(photos[2])
    assert viewer.windowTitle() == "photo3.jpg (3 of 5)"
    for key, expected in [
        (Qt.Key.Key_Right, 3),
        (Qt.Key.Key_Space, 4),
        (Qt.Key.Key_Right, 4),  # the last stays the last
        (Qt.Key.Key_Left, 3),
        (Qt.Key.Key_Backspace, 2),
        (Qt.Key.Key_PageDown, 3),
        (Qt.Key.Key_PageUp, 2),
        (Qt.Key.Key_Home, 0),
        (Qt.Key.Key_Left, 0),
        (Qt.Key.Key_End, 4),
    ]:
        qtbot.keyClick(viewer, key)
        assert viewer.position == expected, key
    assert viewer.windowTitle() == "photo5.jpg (5 of 5)"
    _shown(qtbot, viewer, 900)  # the photo on screen, not one passed on the way
    image = viewer.canvas.image()
    assert image is not None
    colour = image.pixelColor(10, 10)  # photo5.jpg is (200, 90, 50): channels in their places
    assert (colour.red(), colour.green(), colour.blue()) == pytest.approx((200, 90, 50), abs=3)


def test_fit_then_actual_size_then_fit_again(
    qtbot: QtBot, photos: list[Path], open_viewer: Callable[..., PhotoViewer]
) -> None:
    viewer = open_viewer(_items(photos), 1)  # 1200 x 800: larger than the canvas
    _shown(qtbot, viewer)
    canvas = viewer.canvas
    assert canvas.fitted and canvas.scale == pytest.approx(canvas.fit_scale()) and canvas.scale < 1
    qtbot.keyClick(viewer, Qt.Key.Key_1)
    assert canvas.scale == 1.0 and not canvas.fitted
    qtbot.keyClick(viewer, Qt.Key.Key_F)
    assert canvas.fitted and canvas.scale < 1
    qtbot.keyClick(viewer, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert canvas.scale == pytest.approx(canvas.fit_scale() * 1.25)
    qtbot.keyClick(viewer, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert canvas.fitted
    qtbot.keyClick(viewer, Qt.Key.Key_1)
    qtbot.keyClick(viewer, Qt.Key.Key_0)
    assert canvas.fitted
    centre = QPoint(canvas.width() // 2, canvas.height() // 2)
    qtbot.mouseDClick(canvas, Qt.MouseButton.LeftButton, pos=centre)
    assert canvas.scale == 1.0
    qtbot.mouseDClick(canvas, Qt.MouseButton.LeftButton, pos=centre)
    assert canvas.fitted


def test_the_wheel_zooms_around_the_pointer_and_dragging_pans(
    qtbot: QtBot, photos: list[Path], open_viewer: Callable[..., PhotoViewer]
) -> None:
    viewer = open_viewer(_items(photos), 1)
    _shown(qtbot, viewer)
    canvas = viewer.canvas
    assert not canvas.can_pan()
    viewer.actual_size()
    pointer = QPointF(canvas.width() * 0.3, canvas.height() * 0.4)
    under = canvas.photo_point(pointer)
    _wheel(canvas, pointer, 1)
    assert canvas.scale == pytest.approx(1.25)
    after = canvas.photo_point(pointer)
    assert (after.x(), after.y()) == pytest.approx((under.x(), under.y()))
    _wheel(canvas, pointer, -1)
    assert canvas.scale == pytest.approx(1.0)

    assert canvas.can_pan()
    before = canvas.centre
    start = QPoint(canvas.width() // 2, canvas.height() // 2)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, start + QPoint(-60, -40))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + QPoint(-60, -40))
    moved = canvas.centre - before  # the photo follows the hand: the view moves the other way
    assert (moved.x(), moved.y()) == pytest.approx((60, 40))


def test_a_trackpad_pinch_zooms_around_the_fingers(
    qtbot: QtBot, photos: list[Path], open_viewer: Callable[..., PhotoViewer]
) -> None:
    viewer = open_viewer(_items(photos), 1)
    _shown(qtbot, viewer)
    canvas = viewer.canvas
    viewer.actual_size()
    fingers = QPointF(canvas.width() * 0.6, canvas.height() * 0.3)
    under = canvas.photo_point(fingers)
    pinch = QNativeGestureEvent(
        Qt.NativeGestureType.ZoomNativeGesture,
        QPointingDevice.primaryPointingDevice(),
        2,
        fingers,
        fingers,
        QPointF(canvas.mapToGlobal(fingers.toPoint())),
        0.5,
        QPointF(),
    )
    QApplication.sendEvent(canvas, pinch)
    assert canvas.scale == pytest.approx(1.5)
    after = canvas.photo_point(fingers)
    assert (after.x(), after.y()) == pytest.approx((under.x(), under.y()))


def test_f11_toggles_full_screen_and_escape_leaves_it_before_closing(
    qtbot: QtBot, photos: list[Path], open_viewer: Callable[..., PhotoViewer]
) -> None:
    viewer = open_viewer(_items(photos))
    qtbot.keyClick(viewer, Qt.Key.Key_F11)
    qtbot.waitUntil(viewer.isFullScreen, timeout=WAIT)
    qtbot.keyClick(viewer, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not viewer.isFullScreen(), timeout=WAIT)
    qtbot.keyClick(viewer, Qt.Key.Key_F11)
    qtbot.waitUntil(viewer.isFullScreen, timeout=WAIT)
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not viewer.isFullScreen(), timeout=WAIT)
    assert viewer.isVisible()
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    assert not viewer.isVisible()


def test_info_panel_shows_date_source_camera_place_and_score(
    qtbot: QtBot, tmp_path: Path, photos: list[Path], open_viewer: Callable[..., PhotoViewer]
) -> None:
    camera = camera_jpeg(tmp_path / "camera.jpg")
    taken = datetime(2021, 6, 5, 14, 30, tzinfo=UTC).timestamp()
    items = [PhotoItem(_row(camera, taken), score=0.3125, best=True), PhotoItem(_row(photos[0]))]
    viewer = open_viewer(items)
    assert viewer.info.isHidden()
    qtbot.keyClick(viewer, Qt.Key.Key_I)
    assert not viewer.info.isHidden()
    qtbot.waitUntil(lambda: "Camera" in viewer.info.rows(), timeout=WAIT)
    rows = viewer.info.rows()
    at = QLocale().toString(QTime(14, 30), QLocale.FormatType.ShortFormat)  # 14:30 or 2:30 PM
    assert "2021" in rows["Date taken"] and at in rows["Date taken"]
    assert rows["Date taken"].endswith("from the camera (EXIF)")
    assert rows["Camera"] == "FUJIFILM X-T4" and rows["Lens"] == "XF35mmF1.4 R"
    assert rows["Exposure"] == "1/250 s · f/2.8 · ISO 400 · 35 mm (53 mm in 35 mm terms)"
    assert rows["Dimensions"].startswith("300 × 200")
    assert rows["Location"].startswith("33.856000° S, 151.208500° E")
    assert "58 m above sea level" in rows["Location"]
    assert rows["Search score"] == "0.312 · best match"
    assert rows["Path"] == str(camera) and rows["Format"] == "JPEG"
    viewer.info.show_extra("Text in the photo", ["OPEN 9-5", "Bakery"])
    assert viewer.info.rows()["Text in the photo"] == "OPEN 9-5\nBakery"

    qtbot.keyClick(viewer, Qt.Key.Key_Right)  # no EXIF, no score: the file's date
    qtbot.waitUntil(lambda: "Reading" not in str(viewer.info.rows()), timeout=WAIT)
    rows = viewer.info.rows()
    assert rows["Date"].endswith("file modified date")
    assert not {"Camera", "Exposure", "Location", "Search score", "Text in the photo"} & set(rows)
    assert rows["Dimensions"].startswith("640 × 480")


def test_plain_paths_still_open_and_read_their_date_from_the_file(
    qtbot: QtBot, open_viewer: Callable[..., PhotoViewer]
) -> None:
    """The main window passed paths before it passed items; the date then comes from EXIF."""
    picasa = str(CORPUS / "photos" / "picasa.jpg")
    viewer = open_viewer([picasa, str(CORPUS / "photos" / "silver_fir.jpg")])
    _shown(qtbot, viewer)
    viewer.toggle_info()
    qtbot.waitUntil(lambda: "Camera" in viewer.info.rows(), timeout=WAIT)
    rows = viewer.info.rows()
    assert rows["Camera"] == "Canon PowerShot SD1100 IS"
    assert rows["Date taken"].endswith("from the camera (EXIF)")
    assert rows["Dimensions"].startswith("100 × 75")


def test_the_gps_of_a_corpus_photo_links_to_a_map(
    qtbot: QtBot, open_viewer: Callable[..., PhotoViewer]
) -> None:
    path = CORPUS / "photos" / "thompson-springs.jpg"
    viewer = open_viewer([PhotoItem(_row(path))], settings=Settings(viewer_info=True))
    qtbot.waitUntil(lambda: "Location" in viewer.info.rows(), timeout=WAIT)
    assert viewer.info.rows()["Location"].startswith("39.115000° N, 108.400968° W")
    links = [label for label in viewer.info.findChildren(QLabel) if "href" in label.text()]
    assert len(links) == 1 and links[0].openExternalLinks()
    assert f'href="{map_url(39.115, -108.40096833333334)}"' in links[0].text()


def test_full_resolution_is_decoded_only_when_zoomed_past_the_screen_size_decode(
    qtbot: QtBot, photos: list[Path], open_viewer: Callable[..., PhotoViewer]
) -> None:
    viewer = open_viewer(_items(photos), 2)  # 3000 x 2000
    side = viewer.images.screen_side
    assert side < 2000  # the test needs a photo larger than a screen-size decode
    _shown(qtbot, viewer)
    canvas, images = viewer.canvas, viewer.images
    screen_width = _width(viewer)
    assert screen_width < 3000 and screen_width * 2000 / 3000 >= side  # short side >= screen's
    full_key = f"full\0{photos[2]}"

    canvas.zoom_to(screen_width / 3000 * 0.95)  # within the pixels the screen-size decode holds
    assert not canvas.needs_detail() and full_key not in images.loader.pending_keys()
    qtbot.wait(50)
    assert _width(viewer) == screen_width

    viewer.actual_size()
    centre = canvas.centre
    assert full_key in images.loader.pending_keys() or _width(viewer) == 3000
    _shown(qtbot, viewer, 3000)
    assert canvas.scale == 1.0 and canvas.centre == centre  # the sharper pixels, same view
    assert not images.want_full()  # already held: nothing more to ask for

    qtbot.keyClick(viewer, Qt.Key.Key_Right)  # moving on lets the full decode go
    _shown(qtbot, viewer, 500)
    held = images.held(str(photos[2]))
    assert held is not None and not held.full


def test_memory_is_bounded_to_the_neighbours_and_stale_results_are_dropped(
    qtbot: QtBot, photos: list[Path], open_viewer: Callable[..., PhotoViewer]
) -> None:
    viewer = open_viewer(_items(photos))
    for _ in range(4):
        qtbot.keyClick(viewer, Qt.Key.Key_Right)  # faster than the decodes
    _shown(qtbot, viewer, 900)
    qtbot.waitUntil(lambda: not viewer.images.loader.pending_keys(), timeout=WAIT)
    assert _width(viewer) == 900
    assert viewer.images.kept_images() <= 3
    for _ in range(4):
        qtbot.keyClick(viewer, Qt.Key.Key_Left)
        _shown(qtbot, viewer, SIZES[viewer.position][0] if viewer.position != 2 else None)
        assert viewer.images.kept_images() <= 3


def test_a_broken_file_shows_why_instead_of_crashing(
    qtbot: QtBot, photos: list[Path], open_viewer: Callable[..., PhotoViewer]
) -> None:
    broken = str(CORPUS / "odd" / "truncated.jpg")
    viewer = open_viewer([broken, str(photos[0])])
    qtbot.waitUntil(lambda: "Cannot show this photo" in viewer.canvas.message, timeout=WAIT)
    assert viewer.canvas.image() is None
    viewer.toggle_info()
    qtbot.waitUntil(lambda: "Reading" not in str(viewer.info.rows()), timeout=WAIT)
    assert viewer.info.rows()["Path"] == broken  # no details, no crash
    qtbot.keyClick(viewer, Qt.Key.Key_Right)
    _shown(qtbot, viewer, 640)
    qtbot.keyClick(viewer, Qt.Key.Key_Left)  # the reason is remembered, not decoded again
    assert "Cannot show this photo" in viewer.canvas.message


def test_slideshow_advances_and_any_key_stops_it(
    qtbot: QtBot, photos: list[Path], open_viewer: Callable[..., PhotoViewer]
) -> None:
    viewer = open_viewer(_items(photos), 3)
    viewer.slideshow_ms = 30
    qtbot.keyClick(viewer, Qt.Key.Key_S)
    assert viewer.slideshow.isActive()
    qtbot.waitUntil(lambda: viewer.position == 4, timeout=WAIT)
    qtbot.waitUntil(lambda: viewer.position == 1, timeout=WAIT)  # round again from the first
    qtbot.keyClick(viewer, Qt.Key.Key_X)  # a key no command takes
    assert not viewer.slideshow.isActive()
    qtbot.keyClick(viewer, Qt.Key.Key_S)
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)  # stops the show, does not close the viewer
    assert not viewer.slideshow.isActive() and viewer.isVisible()
    viewer.slideshow_ms = 60_000  # no slide of its own between the keys below
    qtbot.keyClick(viewer, Qt.Key.Key_S)
    stopped = viewer.position
    qtbot.keyClick(viewer, Qt.Key.Key_Right)  # a command's key only stops it
    assert not viewer.slideshow.isActive() and viewer.position == stopped


def test_geometry_and_the_info_panel_are_remembered_in_the_settings(
    qtbot: QtBot, photos: list[Path], open_viewer: Callable[..., PhotoViewer]
) -> None:
    settings = Settings()
    viewer = open_viewer(_items(photos), settings=settings)
    viewer.resize(700, 500)
    viewer.toggle_info()
    viewer.close()
    assert settings.viewer_info and settings.viewer_geometry
    again = open_viewer(_items(photos), settings=settings)
    assert not again.info.isHidden()
    qtbot.waitUntil(lambda: again.size().toTuple() == (700, 500), timeout=WAIT)


def test_a_closed_viewer_is_freed_without_the_garbage_collector(
    qtbot: QtBot, photos: list[Path]
) -> None:
    """Nothing in the viewer refers back to it (or to its parent): Qt deletes it on close and
    Python frees it by reference count, in the GUI thread."""
    parent = QWidget()
    qtbot.addWidget(parent)
    gc.collect()
    gc.disable()
    try:
        viewer = PhotoViewer(_items(photos), 2, parent, settings=Settings())
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.show()
        _shown(qtbot, viewer)
        viewer.toggle_info()
        qtbot.keyClick(viewer, Qt.Key.Key_1)
        freed = weakref.ref(viewer)
        viewer.close()
        del viewer
        qtbot.waitUntil(lambda: freed() is None, timeout=WAIT)
    finally:
        gc.enable()

