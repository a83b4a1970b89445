"""Where the app's resources are: the source checkout's `resources/`, or a frozen bundle's."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller one-folder bundles
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def app_icon_path() -> Path | None:
    for name in ("lumen-gallery.svg", "lumen-gallery.png"):
        candidate = resources_dir() / "icons" / name
        if candidate.is_file():
            return candidate
    return None
