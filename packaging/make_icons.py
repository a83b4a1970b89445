"""Render the app icon from its SVG source into PNG sizes, a Windows .ico and a macOS .icns.

    .venv/bin/python packaging/make_icons.py

Qt renders the SVG (no extra tools); Pillow writes the .ico and .icns containers.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(data.data()))).convert("RGBA")


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "lumen-gallery.svg"))
    images = {size: render(renderer, size) for size in SIZES}
    for size in (48, 128, 256, 512):
        images[size].save(ICONS / f"lumen-gallery-{size}.png")
    images[256].save(ICONS / "lumen-gallery.png")
    images[256].save(ICONS / "lumen-gallery.ico", sizes=[(s, s) for s in (16, 32, 48, 64, 256)])
    images[512].save(ICONS / "lumen-gallery.icns")
    print("wrote icons into", ICONS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
