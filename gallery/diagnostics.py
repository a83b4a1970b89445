"""Versions and the plain-text diagnostics report shared by `gallery doctor` and Help >
Diagnostics, so a user can paste the same facts into a bug report from either."""

from __future__ import annotations

import platform
from importlib import metadata
from typing import Any

from gallery import __version__

COMPONENTS = (
    "onnxruntime-gpu",
    "onnxruntime",
    "numpy",
    "pillow",
    "pillow-heif",
    "pillow-jxl-plugin",
    "hnswlib",
    "tokenizers",
    "platformdirs",
    "huggingface-hub",
    "PySide6-Essentials",
)

# Licenses of what a packaged app bundles (shown in About).
LICENSES = {
    "PySide6 / Qt": "LGPL-3.0",
    "ONNX Runtime": "MIT",
    "hnswlib": "Apache-2.0",
    "NumPy": "BSD-3-Clause",
    "Pillow": "MIT-CMU (HPND)",
    "pillow-heif / libheif": "BSD-3-Clause / LGPL-3.0",
    "pillow-jxl-plugin / libjxl": "MIT / BSD-3-Clause",
    "tokenizers": "Apache-2.0",
    "platformdirs": "MIT",
    "huggingface_hub": "Apache-2.0",
    "CLIP models": "per model (OpenAI CLIP: MIT)",
}


def versions() -> dict[str, str]:
    found = {
        "lumen-gallery": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    for dist in COMPONENTS:
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return found


def as_text(sections: dict[str, Any]) -> str:
    """Nested dicts as indented `key: value` lines; lists joined with commas."""
    lines: list[str] = []

    def emit(value: Any, indent: int, key: str) -> None:
        pad = "  " * indent
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            for sub_key, sub_value in value.items():
                emit(sub_value, indent + 1, str(sub_key))
        elif isinstance(value, list):
            lines.append(f"{pad}{key}: {', '.join(map(str, value))}")
        else:
            lines.append(f"{pad}{key}: {value}")

    for key, value in sections.items():
        emit(value, 0, key)
    return "\n".join(lines)
