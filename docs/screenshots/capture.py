"""Take the README's screenshots from the real app on a real X display, in the system's
language (English into docs/screenshots/, Chinese into docs/screenshots/zh_CN/):

    xvfb-run -a -s "-screen 0 1280x860x24" .venv/bin/python docs/screenshots/capture.py
    LANG=zh_CN.UTF-8 xvfb-run -a -s "-screen 0 1280x860x24" \
        .venv/bin/python docs/screenshots/capture.py

Pretrained weights cannot be downloaded where this runs, so the library is indexed with the tiny
colour model from tests/support (real pipeline, planted meaning: colour words find colours) over
the photo corpus in ../shared. Screens are grabbed from the X server, not rendered offscreen.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO))

home = Path(tempfile.mkdtemp(prefix="lumen-shots-"))
os.environ["LUMEN_HOME"] = str(home / "home")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from gallery.library.filters import Filters  # noqa: E402
from gallery.ml.registry import ModelRegistry  # noqa: E402
from gallery.paths import app_paths  # noqa: E402
from gallery.ui import i18n  # noqa: E402
from gallery.ui.app import create_application  # noqa: E402
from gallery.ui.dialogs import FirstRunDialog  # noqa: E402
from gallery.ui.main_window import MainWindow  # noqa: E402
from tests.support.tiny_models import build_clip_folder, solid_colour_image  # noqa: E402


def pump(seconds: float, until: Callable[[], bool] | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (until and until()):
        QApplication.processEvents()
        time.sleep(0.02)


def grab(widget: QWidget, name: str) -> None:
    pump(0.6)
    screen = QGuiApplication.primaryScreen()
    frame = widget.frameGeometry()
    shot = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    folder = OUT if LANGUAGE == i18n.ENGLISH else OUT / LANGUAGE
    folder.mkdir(exist_ok=True)
    shot.save(str(folder / name))
    print("wrote", folder / name)


LANGUAGE = i18n.ENGLISH


def main() -> int:
    global LANGUAGE
    _app = create_application()  # keep the application alive while the script runs
    LANGUAGE = i18n.install(i18n.SYSTEM)  # as the app does: the system's language
    paths = app_paths().ensure()

    first = MainWindow(paths, offer_first_run=False)
    dialog = FirstRunDialog(first.models.rows(), None, first)
    dialog.resize(900, 520)
    dialog.show()
    dialog.move(140, 120)
    grab(dialog, "first-run.png")
    dialog.close()
    first.close()

    model = build_clip_folder(home / "colour-model", layout="hf", kind="colour")
    ModelRegistry(paths.models).import_folder(model, "tiny-colour-demo")
    photos = home / "Pictures"
    shutil.copytree(REPO.parent / "shared" / "corpus" / "photos", photos / "photos")
    shutil.copytree(REPO.parent / "shared" / "corpus" / "captioned", photos / "captioned")
    for colour in ("red", "yellow", "blue", "green"):
        solid_colour_image(photos / "colours" / f"{colour}.jpg", colour, size=(640, 480))
    solid_colour_image(photos / "颜色" / "紫色的花.jpg", "purple", size=(640, 480))  # a CJK name

    window = MainWindow(paths, offer_first_run=False)
    window.resize(1180, 780)
    window.move(40, 30)
    window.show()
    window.add_folders([photos])
    pump(120, lambda: not window.indexer.running)
    pump(10, lambda: window.photo_model.thumbnails_loaded() >= len(window.photo_model.items))
    grab(window, "grid.png")

    # the timeline of one folder chosen in the sidebar, then the viewer with its info panel
    window.sidebar.select_folder(str(photos / "photos"))
    window.filter_bar.set_filters(Filters(folders=(str(photos / "photos"),)))
    window.filter_bar.changed.emit()
    pump(10, lambda: window.photo_model.thumbnails_loaded() >= len(window.photo_model.items))
    grab(window, "timeline.png")
    names = [Path(item.row.path).name for item in window.photo_model.items]
    viewer = window.open_viewer(names.index("prairie_falcon.jpg"))  # a camera, a lens, a place
    viewer.resize(1100, 720)
    viewer.move(60, 60)
    if viewer.info.isHidden():
        viewer.toggle_info()
    pump(10, lambda: viewer.canvas.image() is not None)
    grab(viewer, "viewer.png")
    viewer.close()
    window.sidebar.select_folder(None)
    window.filter_bar.clear_filters()

    window.search.setText("something red")
    pump(
        10, lambda: bool(window.photo_model.items) and window.photo_model.items[0].score is not None
    )
    pump(10, lambda: window.photo_model.thumbnails_loaded() >= len(window.photo_model.items))
    grab(window, "search.png")

    # a word written on a photo: the shop front's sign, found by its text, outlined in the viewer
    window.search.setText("kirin")
    pump(10, lambda: bool(window.photo_model.items) and window.photo_model.items[0].text)
    pump(10, lambda: window.photo_model.thumbnails_loaded() >= len(window.photo_model.items))
    viewer = window.open_viewer(0)
    viewer.resize(1100, 720)
    viewer.move(60, 60)
    if viewer.info.isHidden():
        viewer.toggle_info()
    pump(10, lambda: viewer.canvas.image() is not None and bool(viewer.canvas.outlines))
    grab(viewer, "text-search.png")
    viewer.close()

    # "the best matches for 'red', newest first", in one folder and only JPEGs
    window.filter_bar.set_filters(Filters(folders=(str(photos / "colours"), str(photos / "photos")),
                                          types=("jpeg",)))
    window.filter_bar.set_sort("date")
    window.filter_bar.changed.emit()
    window.search.setText("red")
    pump(10, lambda: window.status.text().count("red") > 0 and bool(window.photo_model.items))
    pump(10, lambda: window.photo_model.thumbnails_loaded() >= len(window.photo_model.items))
    grab(window, "search-filtered.png")
    window.filter_bar.clear_filters()
    window.filter_bar.set_sort("relevance")

    diagnostics = window.help.show_diagnostics()
    diagnostics.resize(760, 560)
    diagnostics.move(260, 120)
    grab(diagnostics, "diagnostics.png")
    diagnostics.close()

    (paths.indexes / "tiny-colour-demo.hnsw").unlink()  # as after a lost file: the check says so
    check = window.help.check_library()
    check.move(260, 160)
    pump(30, lambda: check.report is not None)
    grab(check, "check-library.png")
    check.close()

    # copies of corpus photos: a backup, mailed re-encodes, a PNG export
    copies = home / "Copies"
    for folder in ("Backup 2023", "Sent by mail", "Exports"):
        (copies / folder).mkdir(parents=True)
    for name in ("mongolels.jpg", "prairie_falcon.jpg", "portrait.jpg"):
        shutil.copy2(photos / "photos" / name, copies / "Backup 2023" / name)
    for name in ("mongolels.jpg", "tanners_ridge.jpg", "japanese-shop.jpg"):
        with Image.open(photos / "photos" / name) as image:
            image.resize((image.width // 2, image.height // 2)).save(
                copies / "Sent by mail" / f"{Path(name).stem}-small.jpg", quality=80
            )
    with Image.open(photos / "photos" / "prairie_falcon.jpg") as image:
        image.save(copies / "Exports" / "prairie_falcon.png")
    window.add_folders([copies])
    pump(120, lambda: not window.indexer.running)
    duplicates = window.find_duplicates()
    duplicates.resize(1040, 760)
    duplicates.move(100, 50)
    pump(60, lambda: not duplicates.scanning)
    pump(10, lambda: duplicates.loader.pending == 0)
    grab(duplicates, "duplicates.png")
    duplicates.close()
    QTimer.singleShot(0, window.close)
    pump(2)
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
